//! vCard exchange of contacts (RFC 6350, and the 3.0 of RFC 2426 that most
//! phones and mail programs still write), through the `ical` crate's
//! parser and emitter.

use std::io::BufReader;

use ical::generator::Emitter;
use ical::parser::vcard::component::VcardContact;
use ical::property::Property;
use uuid::Uuid;

use super::{now, Ctx};
use crate::model::{
    DuplicatePolicy, Email, EntityType, FieldError, ImportReport, ImportSummary, Person, Phone,
    RowOutcome, RowStatus,
};
use crate::store::{Db, RecordRepo, Repo};
use crate::{with_conn, with_tx, Error, Result};

/// Escapes a text value (RFC 6350 §3.4: backslash, comma, semicolon,
/// newline).
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace('\n', "\\n")
}

/// Undoes [`escape`].
fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a structured value on unescaped `;`.
fn components(v: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in v.chars() {
        if escaped {
            current.push('\\');
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ';' {
            parts.push(unescape(&current));
            current.clear();
        } else {
            current.push(c);
        }
    }
    parts.push(unescape(&current));
    parts
}

fn prop(name: &str, value: String, params: Option<Vec<(String, Vec<String>)>>) -> Property {
    Property {
        name: name.to_string(),
        params,
        value: Some(value),
    }
}

/// One person as a vCard 3.0: `N`, `FN`, `TEL` (E.164, cell), `EMAIL`,
/// `ORG` and `TITLE` (their first company and role, else the company name
/// they gave), `ADR` (city and country), `UID` (the person's id).
pub fn person_card(p: &Person, org: Option<(&str, Option<&str>)>) -> String {
    let mut card = VcardContact::new();
    card.properties.push(prop("VERSION", "3.0".into(), None));
    card.properties.push(prop(
        "N",
        format!("{};{};;;", escape(&p.last_name), escape(&p.first_name)),
        None,
    ));
    card.properties
        .push(prop("FN", escape(&p.full_name()), None));
    for (i, phone) in [&p.phone, &p.phone_2].into_iter().flatten().enumerate() {
        let kind = if i == 0 { "CELL" } else { "VOICE" };
        card.properties.push(prop(
            "TEL",
            phone.clone(),
            Some(vec![("TYPE".into(), vec![kind.into()])]),
        ));
    }
    if let Some(e) = &p.email {
        card.properties.push(prop(
            "EMAIL",
            e.clone(),
            Some(vec![("TYPE".into(), vec!["INTERNET".into()])]),
        ));
    }
    match org {
        Some((company, role)) => {
            card.properties.push(prop("ORG", escape(company), None));
            if let Some(r) = role {
                card.properties.push(prop("TITLE", escape(r), None));
            }
        }
        None => {
            if let Some(c) = &p.company_name {
                card.properties.push(prop("ORG", escape(c), None));
            }
        }
    }
    if p.city.is_some() || p.country.is_some() {
        card.properties.push(prop(
            "ADR",
            format!(
                ";;;{};;;{}",
                escape(p.city.as_deref().unwrap_or("")),
                escape(p.country.as_deref().unwrap_or(""))
            ),
            None,
        ));
    }
    card.properties
        .push(prop("UID", format!("urn:uuid:{}", p.id), None));
    card.generate()
}

/// The vCards of `people` (ids), one after the other, in the given order.
///
/// Errors: [`Error::NotFound`] for an unknown id.
pub async fn export(db: &Db, ctx: &Ctx, people: &[Uuid]) -> Result<String> {
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
struct Card {
    first: String,
    last: String,
    phones: Vec<String>,
    emails: Vec<String>,
    org: Option<String>,
    city: Option<String>,
    country: Option<String>,
}

fn read_card(contact: &VcardContact) -> Card {
    let mut card = Card::default();
    let mut full = String::new();
    for p in &contact.properties {
        let value = p.value.clone().unwrap_or_default();
        match p.name.to_ascii_uppercase().as_str() {
            "N" => {
                let parts = components(&value);
                card.last = parts.first().cloned().unwrap_or_default();
                card.first = parts.get(1).cloned().unwrap_or_default();
            }
            "FN" => full = unescape(&value),
            "TEL" => card
                .phones
                .push(value.trim().trim_start_matches("tel:").to_string()),
            "EMAIL" => card.emails.push(value.trim().to_string()),
            "ORG" => {
                card.org = components(&value)
                    .into_iter()
                    .next()
                    .filter(|s| !s.trim().is_empty())
            }
            "ADR" => {
                let parts = components(&value);
                card.city = parts.get(3).cloned().filter(|s| !s.trim().is_empty());
                card.country = parts.get(6).cloned().filter(|s| !s.trim().is_empty());
            }
            _ => {}
        }
    }
    if card.first.trim().is_empty() && card.last.trim().is_empty() {
        let mut words = full.split_whitespace();
        card.first = words.next().unwrap_or_default().to_string();
        card.last = words.collect::<Vec<_>>().join(" ");
    }
    card
}

/// Imports contacts from vCard text (3.0 or 4.0, one or many cards), as
/// people without leads, in one transaction. A card needs a name; phones
/// are read in the tenant's region and stored E.164 (the first two kept),
/// the first valid e-mail is kept. A card whose phone or e-mail matches a
/// person already in the CRM is skipped, or with
/// [`DuplicatePolicy::Update`] fills that person's blank fields. The
/// report has one row per card (`line` = card number, from 1).
///
/// Errors: [`Error::Validation`] (`file`: `empty` when no card is found,
/// `invalid_vcard` with `detail` when the text cannot be parsed).
pub async fn import(
    db: &Db,
    ctx: &Ctx,
    text: &str,
    duplicates: DuplicatePolicy,
) -> Result<ImportReport> {
    let parser = ical::VcardParser::new(BufReader::new(text.as_bytes()));
    let mut cards = Vec::new();
    for (i, contact) in parser.enumerate() {
        match contact {
            Ok(c) => cards.push(read_card(&c)),
            Err(e) => {
                return Err(Error::Validation(vec![FieldError::new(
                    format!("card {}", i + 1),
                    "invalid_vcard",
                )
                .with("detail", e.to_string())]))
            }
        }
    }
    if cards.is_empty() {
        return Err(Error::field("file", "empty"));
    }
    let tenant = ctx.tenant_id();
    let region = ctx.region().to_string();
    with_tx!(db, |c| {
        let mut rows = Vec::new();
        let mut summary = ImportSummary::default();
        for (i, card) in cards.iter().enumerate() {
            let line = i as u64 + 1;
            summary.rows += 1;
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
            let email = card
                .emails
                .iter()
                .find_map(|e| match Email::parse(e, "email") {
                    Ok(v) => Some(v.as_str().to_string()),
                    Err(err) => {
                        messages.push(err);
                        None
                    }
                });
            if card.first.trim().is_empty() && card.last.trim().is_empty() {
                messages.insert(0, FieldError::new("name", "name_required"));
                summary.rejected += 1;
                rows.push(RowOutcome {
                    line,
                    status: RowStatus::Rejected,
                    person_id: None,
                    lead_id: None,
                    deal_id: None,
                    messages,
                });
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
                    if p.email.is_none() {
                        p.email = email.clone();
                    }
                    if p.company_name.is_none() {
                        p.company_name = card.org.clone();
                    }
                    if p.city.is_none() {
                        p.city = card.city.clone();
                    }
                    if p.country.is_none() {
                        p.country = card.country.clone();
                    }
                    p.updated_at = at;
                    c.update_person(tenant, &p).await?;
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
                    p.company_name = card.org.clone();
                    p.city = card.city.clone();
                    p.country = card.country.clone();
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
        Ok(ImportReport { summary, rows })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_escape_and_split() {
        assert_eq!(
            escape("Rossi, Bianchi; S.r.l.\\x"),
            "Rossi\\, Bianchi\\; S.r.l.\\\\x"
        );
        assert_eq!(
            components("D\\;Amico;Anna;;;"),
            ["D;Amico", "Anna", "", "", ""]
        );
        assert_eq!(unescape("a\\nb\\,c"), "a\nb,c");
    }
}
