//! vCard exchange of contacts: 2.1 (as Android phones and Outlook write
//! it: bare type parameters such as `TEL;CELL:`, `ENCODING=QUOTED-PRINTABLE`,
//! `CHARSET=`), 3.0 (RFC 2426) and 4.0 (RFC 6350), read and written by the
//! `calcard` crate (Stalwart's vCard/iCalendar library). Files come in
//! UTF-8, UTF-16 (with a BOM) or a legacy 8-bit encoding (Windows-1252);
//! see [`super::import::decode_text`].

use calcard::vcard::{
    VCard, VCardEntry, VCardParameter, VCardProperty, VCardType, VCardValue, VCardVersion,
};
use calcard::{Entry, Parser};
use uuid::Uuid;

use super::{now, Ctx};
use crate::model::{
    DuplicatePolicy, Email, EntityType, FieldError, ImportReport, ImportSummary, Person, Phone,
    RowOutcome, RowStatus,
};
use crate::store::Db;
use crate::{with_conn, with_tx, Error, Result};

fn text(v: &str) -> VCardValue {
    VCardValue::Text(v.to_string())
}

/// One person as a vCard 3.0: `N`, `FN`, `TEL` (E.164; the first `CELL`,
/// the second `VOICE`), `EMAIL` (both addresses), `ORG` and `TITLE` (their
/// first company and role, else the company name they gave), `ADR`
/// (street, city, province, postal code and country), `BDAY`
/// (`YYYY-MM-DD`), `UID` (the person's id).
pub fn person_card(p: &Person, org: Option<(&str, Option<&str>)>) -> String {
    let mut card = VCard::default();
    let mut push = |e: VCardEntry| card.entries.push(e);
    push(VCardEntry::new(VCardProperty::N).with_values(vec![
        text(&p.last_name),
        text(&p.first_name),
        text(""),
        text(""),
        text(""),
    ]));
    push(VCardEntry::new(VCardProperty::Fn).with_value(p.full_name()));
    for (i, phone) in [&p.phone, &p.phone_2].into_iter().flatten().enumerate() {
        let kind = if i == 0 {
            VCardType::Cell
        } else {
            VCardType::Voice
        };
        push(
            VCardEntry::new(VCardProperty::Tel)
                .with_param(VCardParameter::typ(kind))
                .with_value(phone.clone()),
        );
    }
    for email in [&p.email, &p.email_2].into_iter().flatten() {
        push(
            VCardEntry::new(VCardProperty::Email)
                .with_param(VCardParameter::typ("INTERNET".to_string()))
                .with_value(email.clone()),
        );
    }
    match org {
        Some((company, role)) => {
            push(VCardEntry::new(VCardProperty::Org).with_value(company.to_string()));
            if let Some(r) = role {
                push(VCardEntry::new(VCardProperty::Title).with_value(r.to_string()));
            }
        }
        None => {
            if let Some(c) = &p.company_name {
                push(VCardEntry::new(VCardProperty::Org).with_value(c.clone()));
            }
        }
    }
    let address = [&p.address, &p.city, &p.province, &p.postal_code, &p.country];
    if address.iter().any(|a| a.is_some()) {
        let [street, city, region, postal, country] =
            address.map(|a| text(a.as_deref().unwrap_or("")));
        push(VCardEntry::new(VCardProperty::Adr).with_values(vec![
            text(""),
            text(""),
            street,
            city,
            region,
            postal,
            country,
        ]));
    }
    if let Some(born) = p.birth_date {
        push(VCardEntry::new(VCardProperty::Bday).with_value(born.format("%Y-%m-%d").to_string()));
    }
    push(VCardEntry::new(VCardProperty::Uid).with_value(format!("urn:uuid:{}", p.id)));
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = card.write_to(&mut out, VCardVersion::V3_0);
    out
}

/// The vCards of `people` (ids), one after the other, in the given order.
/// One card is anybody's (the card's "export vCard"); several at once are
/// an export, for store managers and admins.
///
/// Errors: [`Error::NotFound`] for an unknown id; [`Error::Forbidden`]
/// (`export_data`).
pub async fn export(db: &Db, ctx: &Ctx, people: &[Uuid]) -> Result<String> {
    if people.len() > 1 {
        ctx.require_manager("export_data")?;
    }
    let tenant = ctx.tenant_id();
    let mut out = String::new();
    for id in people {
        let (person, companies) = with_conn!(db, |c| {
            let p = c.get_person(tenant, *id).await?;
            let companies = c.contacts(tenant, *id, false).await?;
            Ok::<_, Error>((p, companies))
        })?;
        let person = person.ok_or_else(|| Error::NotFound {
            entity: "person",
            id: id.to_string(),
        })?;
        let org = companies
            .first()
            .map(|c| (c.company_name.as_str(), c.role.as_deref()));
        out.push_str(&person_card(&person, org));
    }
    Ok(out)
}

/// The vCards of a company's contacts (primary first).
pub async fn export_company(db: &Db, ctx: &Ctx, company: Uuid) -> Result<String> {
    let ids: Vec<Uuid> = with_conn!(db, |c| c.contacts(ctx.tenant_id(), company, true).await)?
        .into_iter()
        .map(|c| c.person_id)
        .collect();
    export(db, ctx, &ids).await
}

/// A card read from a file, before it is matched.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Card {
    first: String,
    last: String,
    phones: Vec<String>,
    emails: Vec<String>,
    org: Option<String>,
    street: Option<String>,
    city: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    birth_date: Option<chrono::NaiveDate>,
    language: Option<String>,
}

impl Card {
    /// Gives `p` the card's address, birth date and language where `p`
    /// has none (the address as a whole: only when `p` has no part of it).
    fn fill_profile(&self, p: &mut Person) {
        if p.address.is_none() && p.postal_code.is_none() && p.province.is_none() {
            p.address = self.street.clone();
            p.postal_code = self.postal_code.clone();
            p.province = self.region.clone();
        }
        if p.city.is_none() {
            p.city = self.city.clone();
        }
        if p.country.is_none() {
            p.country = self.country.clone();
        }
        p.birth_date = p.birth_date.or(self.birth_date);
        if p.preferred_language.is_none() {
            p.preferred_language = self.language.clone();
        }
    }
}

/// A `BDAY` as a day: a date with its year (`19850307`, `1985-03-07`,
/// or text as Italians write it); a birthday without a year (`--0307`),
/// a time alone, or one in the future or before 1900 gives `None`.
fn birth_day(entry: &VCardEntry) -> Option<chrono::NaiveDate> {
    let today = now().date_naive();
    match entry.values.first()? {
        VCardValue::PartialDateTime(d) => {
            let day = chrono::NaiveDate::from_ymd_opt(
                i32::from(d.year?),
                u32::from(d.month?),
                u32::from(d.day?),
            )?;
            crate::model::parse_birth_date(&day.to_string(), today, "birth_date").ok()
        }
        other => crate::model::parse_birth_date(other.as_text()?, today, "birth_date").ok(),
    }
}

/// The values of a property as text, structured components flattened in order.
fn values(entry: &VCardEntry) -> Vec<String> {
    entry
        .values
        .iter()
        .flat_map(|v| match v {
            VCardValue::Component(parts) => parts.clone(),
            other => vec![other.as_text().unwrap_or_default().to_string()],
        })
        .collect()
}

fn read_card(card: &VCard) -> Card {
    let mut out = Card::default();
    let mut full = String::new();
    let non_blank = |s: Option<&String>| s.filter(|s| !s.trim().is_empty()).cloned();
    for entry in &card.entries {
        let v = values(entry);
        match entry.name {
            VCardProperty::N => {
                out.last = v.first().cloned().unwrap_or_default();
                out.first = v.get(1).cloned().unwrap_or_default();
            }
            VCardProperty::Fn => full = v.join(" "),
            VCardProperty::Tel => out.phones.extend(
                v.first()
                    .map(|t| t.trim().trim_start_matches("tel:").to_string())
                    .filter(|t| !t.is_empty()),
            ),
            VCardProperty::Email => out.emails.extend(
                v.first()
                    .map(|t| t.trim().trim_start_matches("mailto:").to_string())
                    .filter(|t| !t.is_empty()),
            ),
            VCardProperty::Org => out.org = non_blank(v.first()),
            VCardProperty::Adr => {
                out.street = non_blank(v.get(2));
                out.city = non_blank(v.get(3));
                out.region = non_blank(v.get(4));
                out.postal_code = non_blank(v.get(5));
                out.country = non_blank(v.get(6));
            }
            VCardProperty::Bday => out.birth_date = birth_day(entry),
            VCardProperty::Lang => {
                out.language = v
                    .first()
                    .and_then(|l| l.split(['-', '_']).next())
                    .and_then(|l| crate::model::check_language(l, "language").ok());
            }
            _ => {}
        }
    }
    if out.first.trim().is_empty() && out.last.trim().is_empty() {
        let mut words = full.split_whitespace();
        out.first = words.next().unwrap_or_default().to_string();
        out.last = words.collect::<Vec<_>>().join(" ");
    }
    out
}

/// Reads every card of a file. A card that cannot be read is an `Err` with
/// its reason, in its place; the others are read all the same.
pub(crate) fn read_cards(text: &str) -> Vec<std::result::Result<Card, FieldError>> {
    let mut parser = Parser::new(text);
    let mut out = Vec::new();
    let broken = |n: usize, detail: String| {
        FieldError::new(format!("card {n}"), "invalid_vcard").with("detail", detail)
    };
    loop {
        match parser.entry() {
            Entry::VCard(card) => out.push(Ok(read_card(&card))),
            Entry::Eof => break,
            Entry::InvalidLine(line) => {
                let n = out.len() + 1;
                let shown: String = line.chars().take(60).collect();
                out.push(Err(broken(n, format!("unreadable line `{shown}`"))));
            }
            Entry::UnterminatedComponent(what) => {
                let n = out.len() + 1;
                out.push(Err(broken(n, format!("{what} without END"))));
            }
            Entry::UnexpectedComponentEnd { found, .. } => {
                let n = out.len() + 1;
                out.push(Err(broken(n, format!("unexpected END ({found:?})"))));
            }
            Entry::ICalendar(_) => {
                let n = out.len() + 1;
                out.push(Err(broken(n, "a calendar, not a contact".into())));
            }
            // TooManyComponents, and whatever later versions add: stop here.
            _ => {
                let n = out.len() + 1;
                out.push(Err(broken(n, "too many nested components".into())));
                break;
            }
        }
    }
    out
}

/// Imports contacts from a vCard file's bytes (2.1, 3.0 or 4.0, one or
/// many cards, any encoding [`super::import::decode_text`] reads), as
/// people without leads, in one transaction. A card needs a name; phones
/// are read in the tenant's region and stored E.164 (the first two kept),
/// the first two valid e-mails are kept; photos and other properties are
/// skipped. A card that cannot be read is reported (`invalid_vcard`, with
/// the reason) and the others are imported. A card whose phone or e-mail
/// matches a person already in the CRM is skipped, or with
/// [`DuplicatePolicy::Update`] fills that person's blank fields. The
/// report has one row per card (`line` = card number, from 1).
///
/// Store managers and admins only. Errors: [`Error::Forbidden`]
/// (`import_data`); [`Error::Validation`] (`file`: `empty` when no card is
/// found).
pub async fn import(
    db: &Db,
    ctx: &Ctx,
    bytes: &[u8],
    duplicates: DuplicatePolicy,
) -> Result<ImportReport> {
    ctx.require_manager("import_data")?;
    let text = super::import::decode_text(bytes);
    let cards = read_cards(&text);
    if cards.is_empty() {
        return Err(Error::field("file", "empty"));
    }
    if cards.iter().all(|c| c.is_err()) {
        // Not one card could be read: the file is not a vCard file.
        return Err(Error::Validation(
            cards.into_iter().filter_map(|c| c.err()).take(10).collect(),
        ));
    }
    let tenant = ctx.tenant_id();
    let region = ctx.region().to_string();
    with_tx!(db, |c| {
        let mut rows = Vec::new();
        let mut summary = ImportSummary::default();
        for (i, card) in cards.iter().enumerate() {
            let line = i as u64 + 1;
            summary.rows += 1;
            let card = match card {
                Ok(card) => card,
                Err(e) => {
                    summary.rejected += 1;
                    rows.push(RowOutcome::rejected(line, vec![e.clone()]));
                    continue;
                }
            };
            let mut messages = Vec::new();
            let phones: Vec<String> = card
                .phones
                .iter()
                .filter_map(|p| match Phone::parse(p, &region, "phone") {
                    Ok(ph) => Some(ph.e164().to_string()),
                    Err(e) => {
                        messages.push(e);
                        None
                    }
                })
                .collect();
            let mut emails: Vec<String> = Vec::new();
            for e in &card.emails {
                match Email::parse(e, "email") {
                    Ok(v) if !emails.iter().any(|x| x == v.as_str()) => {
                        emails.push(v.as_str().to_string())
                    }
                    Ok(_) => {}
                    Err(err) => messages.push(err),
                }
            }
            let email = emails.first().cloned();
            let email_2 = emails.get(1).cloned();
            if card.first.trim().is_empty() && card.last.trim().is_empty() {
                messages.insert(0, FieldError::new("name", "name_required"));
                summary.rejected += 1;
                rows.push(RowOutcome::rejected(line, messages));
                continue;
            }
            let found = c
                .find_people_by_contact(tenant, &phones, email.as_deref())
                .await?;
            let at = now();
            let (status, person_id) = match (found.into_iter().next(), duplicates) {
                (Some(existing), DuplicatePolicy::Update) => {
                    let mut p = existing;
                    for ph in &phones {
                        if p.phone.is_none() {
                            p.phone = Some(ph.clone());
                        } else if p.phone.as_ref() != Some(ph) && p.phone_2.is_none() {
                            p.phone_2 = Some(ph.clone());
                        }
                    }
                    for e in &emails {
                        if p.email.as_ref() == Some(e) {
                            continue;
                        }
                        if p.email.is_none() {
                            p.email = Some(e.clone());
                        } else if p.email_2.is_none() {
                            p.email_2 = Some(e.clone());
                        }
                    }
                    if p.company_name.is_none() {
                        p.company_name = card.org.clone();
                    }
                    card.fill_profile(&mut p);
                    let read_at = p.updated_at;
                    p.updated_at = at;
                    c.update_person(tenant, &p, read_at).await?;
                    summary.merged += 1;
                    (RowStatus::Merged, p.id)
                }
                (Some(existing), _) => {
                    summary.skipped += 1;
                    messages.push(
                        FieldError::new("contact", "duplicate_skipped")
                            .with("value", existing.full_name()),
                    );
                    (RowStatus::Skipped, existing.id)
                }
                (None, _) => {
                    let mut p = Person::new(
                        Uuid::now_v7(),
                        card.first.trim().to_string(),
                        card.last.trim().to_string(),
                        phones.first().cloned(),
                        email.clone(),
                        at,
                    );
                    p.phone_2 = phones.get(1).cloned();
                    p.email_2 = email_2.clone();
                    p.company_name = card.org.clone();
                    card.fill_profile(&mut p);
                    c.insert_person(tenant, &p).await?;
                    c.insert_record_event(
                        tenant,
                        EntityType::Person,
                        p.id,
                        "imported",
                        Some("vCard"),
                        Some(ctx.user.id),
                        at,
                    )
                    .await?;
                    summary.imported += 1;
                    (RowStatus::Imported, p.id)
                }
            };
            rows.push(RowOutcome {
                line,
                status,
                person_id: Some(person_id),
                lead_id: None,
                deal_id: None,
                messages,
            });
        }
        Ok(ImportReport {
            summary,
            rows,
            ..Default::default()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_card_reads_back() {
        let mut p = Person::new(
            Uuid::now_v7(),
            "Anna".into(),
            "D'Amico; Rossi, jr".into(),
            Some("+393331234567".into()),
            Some("anna@example.it".into()),
            now(),
        );
        p.email_2 = Some("anna.home@example.it".into());
        p.city = Some("Forlì".into());
        p.address = Some("Corso della Repubblica 5".into());
        p.postal_code = Some("47121".into());
        p.province = Some("FC".into());
        p.birth_date = chrono::NaiveDate::from_ymd_opt(1979, 2, 28);
        let text = person_card(&p, Some(("Rossi, Bianchi; S.r.l.", Some("Titolare"))));
        assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"), "{text}");
        let cards = read_cards(&text);
        let card = cards[0].as_ref().unwrap();
        assert_eq!(card.first, "Anna");
        assert_eq!(card.last, "D'Amico; Rossi, jr");
        assert_eq!(card.phones, ["+393331234567"]);
        assert_eq!(card.emails, ["anna@example.it", "anna.home@example.it"]);
        assert_eq!(card.org.as_deref(), Some("Rossi, Bianchi; S.r.l."));
        assert_eq!(card.city.as_deref(), Some("Forlì"));
        assert_eq!(card.street.as_deref(), Some("Corso della Repubblica 5"));
        assert_eq!(card.postal_code.as_deref(), Some("47121"));
        assert_eq!(card.region.as_deref(), Some("FC"));
        assert_eq!(card.birth_date, p.birth_date);
    }

    #[test]
    fn birthdays_as_phones_and_outlook_write_them() {
        let card = |bday: &str| {
            let text = format!(
                "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Neri;Ugo;;;\r\nFN:Ugo Neri\r\n{bday}\r\nLANG:ro-RO\r\nEND:VCARD\r\n"
            );
            read_cards(&text)[0].as_ref().unwrap().clone()
        };
        let day = chrono::NaiveDate::from_ymd_opt(1985, 3, 7);
        assert_eq!(card("BDAY:19850307").birth_date, day);
        assert_eq!(card("BDAY:1985-03-07").birth_date, day);
        assert_eq!(card("BDAY;VALUE=text:07/03/1985").birth_date, day);
        // A birthday without its year (Android, vCard 4.0) is not a date
        // of birth.
        assert_eq!(card("BDAY:--0307").birth_date, None);
        assert_eq!(card("BDAY:--0307").language.as_deref(), Some("ro"));
    }
}
