//! A people import's rows, one batch at a time (the file's reader hands
//! over 500 rows): each row is read into a person and a lead (no database),
//! the batch's possible duplicates are fetched in two queries (people by
//! any of the batch's phones and e-mails; one person per folded name),
//! every row is matched in memory against those people and the batch's
//! earlier rows, and the batch is written with multi-row statements.
//!
//! The outcome is the one the row-by-row import had (the rule of
//! [`super::run`]): a row matches the oldest person (`created_at`, then
//! id) who has one of its phones as main or second phone, or its e-mail as
//! main or second e-mail, including people created or changed by earlier
//! rows of the same file. One statement per table per batch instead of
//! eight per row is what brings the import near a raw insert
//! (`BENCHMARKS.md`, "A people import run").

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{first_value, is_no_date, merge_into, more_values, parse_date, parse_interest};
use crate::model::{
    check_person_tax_code, search_key, CustomField, DuplicatePolicy, Email, EntityType, FieldError,
    ImportField, ImportRequest, Interest, Lead, LeadEvent, LeadEventKind, LeadStatus, Person,
    Phone, ProfileEdit, RowOutcome, RowStatus, SourceChannel,
};
use crate::services::history::event;
use crate::services::{now, Ctx};
use crate::store::timeline::NewRecordEvent;
use crate::store::Conn;
use crate::{Error, Result};

/// What every row of one import shares.
pub(super) struct Rows<'a> {
    /// The acting user.
    pub ctx: &'a Ctx,
    /// The import as asked.
    pub request: &'a ImportRequest,
    /// The file's header row.
    pub headers: &'a [String],
    /// The field of each column.
    pub mapping: &'a [Option<ImportField>],
    /// The custom fields of the file's columns, none required.
    pub file_defs: &'a [CustomField],
    /// The store the leads go to.
    pub store_id: Option<Uuid>,
    /// The file's name, for the history ("people.csv, line 12").
    pub file_name: &'a str,
    /// The region phone numbers without a country code are read in.
    pub region: String,
}

/// A row read into the person and the lead it brings.
struct ReadRow {
    line: u64,
    /// Created at `at`, with a new id.
    incoming: Person,
    /// Its phones in E.164 (main, second), what duplicates are found by.
    phones: Vec<String>,
    /// Its (first) e-mail, what duplicates are found by.
    email: Option<String>,
    source_channel: SourceChannel,
    interest: Interest,
    notes: Vec<String>,
    created_at: DateTime<Utc>,
    at: DateTime<Utc>,
    warnings: Vec<FieldError>,
}

/// A person the batch knows: found in the database (`read_at`: the
/// version read) or created by a row of this batch (`read_at` none).
struct Known {
    person: Person,
    read_at: Option<DateTime<Utc>>,
    changed: bool,
}

/// The people a batch matches rows against, by contact.
#[derive(Default)]
struct People {
    known: Vec<Known>,
    by_contact: HashMap<String, Vec<usize>>,
}

impl People {
    fn add(&mut self, known: Known) -> usize {
        self.known.push(known);
        let i = self.known.len() - 1;
        self.index(i);
        i
    }

    /// Indexes person `i` under its current contacts (an earlier contact a
    /// merge replaced stays in the index; [`People::find`] checks).
    fn index(&mut self, i: usize) {
        let p = &self.known[i].person;
        let contacts: Vec<String> = [&p.phone, &p.phone_2, &p.email, &p.email_2]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        for c in contacts {
            let slots = self.by_contact.entry(c).or_default();
            if !slots.contains(&i) {
                slots.push(i);
            }
        }
    }

    /// The oldest person with one of `phones` as main or second phone or
    /// `email` as main or second e-mail.
    fn find(&self, phones: &[String], email: Option<&str>) -> Option<usize> {
        let has = |p: &Person| {
            phones
                .iter()
                .any(|ph| p.phone.as_ref() == Some(ph) || p.phone_2.as_ref() == Some(ph))
                || email.is_some_and(|e| {
                    p.email.as_deref() == Some(e) || p.email_2.as_deref() == Some(e)
                })
        };
        phones
            .iter()
            .map(String::as_str)
            .chain(email)
            .filter_map(|c| self.by_contact.get(c))
            .flatten()
            .copied()
            .filter(|&i| has(&self.known[i].person))
            .min_by_key(|&i| (self.known[i].person.created_at, self.known[i].person.id))
    }
}

/// Imports one batch of `(line, cells)` rows and reports each, in order.
/// Errors: [`Error::Cancelled`] when `cancel` is set; database errors.
pub(super) async fn import_batch(
    c: &mut Conn<'_>,
    rows_of: &Rows<'_>,
    rows: &[(u64, Vec<String>)],
    cancel: &AtomicBool,
) -> Result<Vec<RowOutcome>> {
    let (ctx, request) = (rows_of.ctx, rows_of.request);
    let tenant = ctx.tenant_id();
    let read: Vec<std::result::Result<ReadRow, RowOutcome>> = rows
        .iter()
        .map(|(line, cells)| read_row(rows_of, *line, cells))
        .collect();
    let mut people = People::default();
    if request.duplicates != DuplicatePolicy::Create {
        let mut phones: Vec<String> = read
            .iter()
            .flatten()
            .flat_map(|r| r.phones.clone())
            .collect();
        let mut emails: Vec<String> = read
            .iter()
            .flatten()
            .filter_map(|r| r.email.clone())
            .collect();
        phones.sort();
        phones.dedup();
        emails.sort();
        emails.dedup();
        for person in c.people_with_contacts(tenant, &phones, &emails).await? {
            let read_at = Some(person.updated_at);
            people.add(Known {
                person,
                read_at,
                changed: false,
            });
        }
    }
    let mut keys: Vec<String> = read
        .iter()
        .flatten()
        .map(|r| search_key(&r.incoming.full_name()))
        .collect();
    keys.sort();
    keys.dedup();
    let mut names: HashMap<String, String> = c
        .people_named_once(tenant, &keys)
        .await?
        .into_iter()
        .collect();

    let mut outcomes = Vec::with_capacity(rows.len());
    let mut record_events: Vec<NewRecordEvent> = Vec::new();
    let mut leads: Vec<Lead> = Vec::new();
    let mut lead_events: Vec<LeadEvent> = Vec::new();
    for row in read {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let mut row = match row {
            Ok(row) => row,
            Err(rejected) => {
                outcomes.push(rejected);
                continue;
            }
        };
        let line = row.line;
        let at_row = |field: &str| format!("row {line}: {field}");
        let found = match request.duplicates {
            DuplicatePolicy::Create => None,
            _ => people.find(&row.phones, row.email.as_deref()),
        };
        let (person_id, status) = match found {
            Some(i) if request.duplicates == DuplicatePolicy::Skip => {
                let found = &people.known[i].person;
                row.warnings.insert(
                    0,
                    FieldError::new(at_row("person"), "duplicate_skipped")
                        .with("value", found.full_name()),
                );
                outcomes.push(RowOutcome {
                    line,
                    status: RowStatus::Skipped,
                    person_id: Some(found.id),
                    lead_id: None,
                    deal_id: None,
                    messages: row.warnings,
                });
                continue;
            }
            Some(i) => {
                let known = &mut people.known[i];
                merge_into(&mut known.person, row.incoming);
                known.person.updated_at = row.at;
                known.changed = true;
                let id = known.person.id;
                people.index(i);
                (id, RowStatus::Merged)
            }
            None => {
                // Same name as someone already in the CRM (or earlier in
                // the file), with other contacts: imported, and flagged for
                // the duplicates review.
                let name = row.incoming.full_name();
                let key = search_key(&name);
                if let Some(other) = names.get(&key) {
                    row.warnings.push(
                        FieldError::new(at_row("person"), "possible_duplicate")
                            .with("value", other.clone()),
                    );
                } else {
                    names.insert(key, name);
                }
                let id = row.incoming.id;
                record_events.push((
                    EntityType::Person,
                    id,
                    "imported",
                    Some(format!("{}, line {line}", rows_of.file_name)),
                    Some(ctx.user.id),
                    row.at,
                ));
                people.add(Known {
                    person: row.incoming,
                    read_at: None,
                    changed: true,
                });
                (id, RowStatus::Imported)
            }
        };
        let lead = Lead {
            id: Uuid::now_v7(),
            tenant_id: tenant,
            person_id,
            store_id: rows_of.store_id,
            owner_id: Some(ctx.user.id),
            status: LeadStatus::New,
            disqualify_reason: None,
            source_channel: row.source_channel,
            interest: row.interest,
            campaign_id: None,
            utm_source: None,
            utm_medium: None,
            utm_campaign: None,
            utm_term: None,
            utm_content: None,
            note: (!row.notes.is_empty()).then(|| row.notes.join("\n")),
            created_at: row.created_at,
            updated_at: row.at,
            created_by: Some(ctx.user.id),
        };
        let mut e = event(lead.id, LeadEventKind::Imported, ctx, row.at);
        e.detail = Some(format!("{}, line {line}", rows_of.file_name));
        lead_events.push(e);
        outcomes.push(RowOutcome {
            line,
            status,
            person_id: Some(person_id),
            lead_id: Some(lead.id),
            deal_id: None,
            messages: row.warnings,
        });
        leads.push(lead);
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Cancelled);
    }
    let (new, found): (Vec<Known>, Vec<Known>) = people
        .known
        .into_iter()
        .filter(|k| k.changed)
        .partition(|k| k.read_at.is_none());
    let new: Vec<Person> = new.into_iter().map(|k| k.person).collect();
    c.bulk_insert_people(tenant, &new).await?;
    for k in found {
        if let Some(read_at) = k.read_at {
            c.update_person(tenant, &k.person, read_at).await?;
        }
    }
    c.insert_record_events(tenant, &record_events).await?;
    c.insert_leads(tenant, &leads).await?;
    c.insert_events(tenant, &lead_events).await?;
    Ok(outcomes)
}

/// Reads a row into a person and a lead, or rejects it with the reasons
/// (each message names the row and the field).
fn read_row(
    rows_of: &Rows<'_>,
    line: u64,
    cells: &[String],
) -> std::result::Result<ReadRow, RowOutcome> {
    let (request, headers) = (rows_of.request, rows_of.headers);
    let mut values: HashMap<ImportField, String> = HashMap::new();
    let mut notes: Vec<String> = Vec::new();
    for (i, field) in rows_of.mapping.iter().enumerate() {
        let (Some(field), Some(value)) = (field, cells.get(i)) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        if *field == ImportField::Note {
            notes.push(format!("{}: {}", headers[i], value));
        } else {
            // Further values of a multi-valued cell (Google's ` ::: `) are
            // kept in the note rather than lost.
            let extra: Vec<&str> = more_values(value).collect();
            if !extra.is_empty() {
                notes.push(format!("{}: {}", headers[i], extra.join(", ")));
            }
            values.insert(*field, first_value(value).to_string());
        }
    }
    let at_row = |field: &str| format!("row {line}: {field}");
    let region = rows_of.region.as_str();
    let mut warnings: Vec<FieldError> = Vec::new();
    let mut errors: Vec<FieldError> = Vec::new();

    let value = |f: ImportField| values.get(&f).cloned().unwrap_or_default();
    let (mut first_name, mut last_name) =
        (value(ImportField::FirstName), value(ImportField::LastName));
    if let Some(full) = values.get(&ImportField::FullName) {
        if first_name.is_empty() && last_name.is_empty() {
            let mut parts = full.splitn(2, ' ');
            first_name = parts.next().unwrap_or("").trim().to_string();
            last_name = parts.next().unwrap_or("").trim().to_string();
        }
    }
    if first_name.is_empty() && last_name.is_empty() {
        errors.push(FieldError::new(at_row("first_name"), "name_required"));
    }
    let mut phone_raw: Option<String> = None;
    let mut phone = None;
    if let Some(raw) = values.get(&ImportField::Phone) {
        match Phone::parse(raw, region, &at_row("phone")) {
            Ok(p) => phone = Some(p),
            Err(e) => {
                warnings.push(e);
                phone_raw = Some(raw.clone());
            }
        }
    }
    let mut phone_2 = None;
    if let Some(raw) = values.get(&ImportField::Phone2) {
        match Phone::parse(raw, region, &at_row("phone_2")) {
            Ok(p) if phone.as_ref() != Some(&p) => phone_2 = Some(p),
            Ok(_) => {}
            Err(e) => {
                warnings.push(e);
                phone_raw = Some(match phone_raw {
                    Some(first) => format!("{first} / {raw}"),
                    None => raw.clone(),
                });
            }
        }
    }
    let mut emails: Vec<Email> = Vec::new();
    for (field, name) in [
        (ImportField::Email, "email"),
        (ImportField::Email2, "email_2"),
    ] {
        if let Some(raw) = values.get(&field) {
            match Email::parse(raw, &at_row(name)) {
                Ok(e) if !emails.contains(&e) => emails.push(e),
                Ok(_) => {}
                Err(e) => {
                    warnings.push(e);
                    notes.push(format!("{name}: {raw}"));
                }
            }
        }
    }
    let mut emails = emails.into_iter();
    let (email, email_2) = (emails.next(), emails.next());
    if phone.is_none() && phone_2.is_none() && email.is_none() {
        errors.push(FieldError::new(at_row("phone"), "contact_required"));
    }
    let mut custom_in = crate::model::CustomValues::new();
    for (i, key) in request.custom_columns.iter().enumerate() {
        if let (Some(key), Some(value)) = (key, cells.get(i)) {
            if !value.trim().is_empty() {
                custom_in.insert(key.clone(), serde_json::Value::String(value.clone()));
            }
        }
    }
    let custom = match crate::model::check_custom_values(rows_of.file_defs, &custom_in, true) {
        Ok(v) => v,
        Err(e) => {
            errors.extend(e.into_iter().map(|mut e| {
                e.field = at_row(&e.field);
                e
            }));
            Default::default()
        }
    };
    let interest = match values.get(&ImportField::Interest) {
        None => Interest::Other,
        Some(v) => parse_interest(v).unwrap_or_else(|| {
            warnings.push(
                Interest::parse(v, &at_row("interest"))
                    .err()
                    .unwrap_or_else(|| FieldError::new(at_row("interest"), "unknown_value")),
            );
            notes.push(format!("interest: {v}"));
            Interest::Other
        }),
    };
    let source_channel = match values.get(&ImportField::SourceChannel) {
        None => request.default_source,
        Some(v) => match SourceChannel::parse(&v.to_lowercase(), &at_row("source_channel")) {
            Ok(s) => s,
            Err(e) => {
                warnings.push(e);
                notes.push(format!("source: {v}"));
                request.default_source
            }
        },
    };
    let created_at = match values.get(&ImportField::CapturedAt) {
        None => now(),
        Some(v) => parse_date(v).unwrap_or_else(|| {
            warnings.push(
                FieldError::new(at_row("captured_at"), "invalid_date").with("value", v.clone()),
            );
            now()
        }),
    };
    if !errors.is_empty() {
        errors.extend(warnings);
        return Err(RowOutcome::rejected(line, errors));
    }
    let at = now();
    let phones: Vec<String> = phone
        .iter()
        .chain(phone_2.iter())
        .map(|p| p.e164().to_string())
        .collect();
    let mut incoming = Person {
        phone_2: phone_2.map(|p| p.e164().to_string()),
        email_2: email_2.map(|e| e.as_str().to_string()),
        phone_raw,
        company_name: values.get(&ImportField::Company).cloned(),
        city: values.get(&ImportField::City).cloned(),
        country: values.get(&ImportField::Country).cloned(),
        external_ref: values.get(&ImportField::ExternalRef).cloned(),
        custom,
        ..Person::new(
            Uuid::now_v7(),
            first_name,
            last_name,
            phone.map(|p| p.e164().to_string()),
            email.as_ref().map(|e| e.as_str().to_string()),
            at,
        )
    };
    read_profile(
        &mut incoming,
        &values,
        region,
        &at_row,
        &mut warnings,
        &mut notes,
    );
    Ok(ReadRow {
        line,
        incoming,
        phones,
        email: email.map(|e| e.as_str().to_string()),
        source_channel,
        interest,
        notes,
        created_at,
        at,
        warnings,
    })
}

/// The row's codice fiscale, address and date of birth on `p`, each
/// checked as on the person's card ([`check_person_tax_code`],
/// [`ProfileEdit::apply`]: an Italian CAP and province, a birth date that
/// agrees with the codice fiscale). A date is read as the import reads
/// dates ([`parse_date`]); Outlook's `0/0/00` is no date. A value that
/// does not pass is a warning and goes to the lead's note, so nothing is
/// lost.
fn read_profile(
    p: &mut Person,
    values: &HashMap<ImportField, String>,
    region: &str,
    at_row: &dyn Fn(&str) -> String,
    warnings: &mut Vec<FieldError>,
    notes: &mut Vec<String>,
) {
    let mut refused = |e: FieldError, field: &str, raw: &str| {
        warnings.push(FieldError {
            field: at_row(field),
            ..e
        });
        notes.push(format!("{field}: {raw}"));
    };
    if let Some(raw) = values.get(&ImportField::TaxCode) {
        match check_person_tax_code(raw, "tax_code") {
            Ok(code) => p.tax_code = Some(code),
            Err(e) => refused(e, "tax_code", raw),
        }
    }
    let today = now().date_naive();
    for field in [
        ImportField::Address,
        ImportField::PostalCode,
        ImportField::Province,
        ImportField::BirthDate,
    ] {
        let Some(raw) = values
            .get(&field)
            .filter(|v| !is_no_date(v) || field != ImportField::BirthDate)
        else {
            continue;
        };
        let mut edit = ProfileEdit::default();
        let slot = match field {
            ImportField::Address => &mut edit.address,
            ImportField::PostalCode => &mut edit.postal_code,
            ImportField::Province => &mut edit.province,
            _ => &mut edit.birth_date,
        };
        *slot = Some(match field {
            ImportField::BirthDate => {
                parse_date(raw).map_or_else(|| raw.clone(), |d| d.date_naive().to_string())
            }
            _ => raw.clone(),
        });
        let tax_code = p.tax_code.clone();
        if let Err(errors) = edit.apply(p, region, today, tax_code.as_deref()) {
            for e in errors {
                refused(e, field.as_str(), raw);
            }
        }
    }
}
