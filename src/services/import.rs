//! CSV import of people and leads: preview, column mapping, content checks,
//! one all-or-nothing transaction, a per-row report.
//!
//! Reading CSV is the `csv` crate's job (quoting, embedded separators and
//! newlines); header guessing compares normalised headers with Italian and
//! English names of each field, exactly and then by Jaro–Winkler similarity
//! (`strsim`), so that `FIRSNAME` still maps to `first_name`. Phone and
//! e-mail columns are then chosen by their values as well as their headers
//! (see [`guess`]): contact exports of Google, Outlook, HubSpot,
//! Salesforce, Pipedrive, Zoho and Odoo, and Italian Excel sheets, map
//! without help, and their layout is named in the preview.
//!
//! Before anything is written the mapping is checked against the file's
//! content: a column mapped to e-mail whose values are not e-mail addresses
//! (as in a file whose headers are shifted against its columns) stops the
//! import with a message naming the column, the share of values that fit,
//! and the column that looks right.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::capture::store_or_users;
use super::{off_runtime, Ctx};
use crate::model::{
    search_key, FieldError, ImportField, ImportPreview, ImportReport, ImportRequest, ImportSummary,
    Interest, Person, RowOutcome, RowStatus,
};
use crate::store::{Conn, Db};
use crate::{with_tx, Error, Result};

/// Rows a people import's report lists: every row of a file of at most
/// this many rows; of a larger file, the first this many rows with a
/// message (what the report card shows). The full report is written as
/// the import goes ([`run_reporting`]).
pub const LISTED_ROWS: usize = 1_000;
/// Rows shown in a preview.
pub const PREVIEW_ROWS: usize = 10;
/// Share of a mapped column's non-empty values that must fit its field.
pub const MIN_FIT_SHARE: f64 = 0.5;
/// Imports at least this large refresh the planner statistics afterwards.
const ANALYZE_AFTER_ROWS: u64 = 5_000;
/// Jaro–Winkler similarity above which a header is taken as a misspelling of a field name.
const FUZZY_HEADER: f64 = 0.88;

mod batch;

pub use super::csv_file::{decode_text, parse_csv, read_csv, read_csv_head, CsvStream, CsvTable};

/// Header names (normalised: ASCII lower case, letters and digits only)
/// that mean each field, in Italian and English.
fn synonyms(field: ImportField) -> &'static [&'static str] {
    use ImportField::*;
    match field {
        FirstName => &[
            "firstname",
            "first",
            "givenname",
            "personfirstname",
            "name1",
            "nome",
            "nomebattesimo",
        ],
        LastName => &[
            "lastname",
            "last",
            "surname",
            "familyname",
            "personlastname",
            "cognome",
        ],
        FullName => &[
            "fullname",
            "name",
            "contact",
            "contactname",
            "personname",
            "displayname",
            "nomecompleto",
            "nominativo",
            "cliente",
            "customer",
            "customername",
        ],
        Phone => &[
            "phone",
            "phone1",
            "phonenumber",
            "mobile",
            "mobilephone",
            "cell",
            "cellphone",
            "tel",
            "telephone",
            "telefono",
            "telefono1",
            "cellulare",
            "numero",
            "recapito",
        ],
        Email2 => &[
            "email2",
            "email2address",
            "secondaryemail",
            "otheremail",
            "altraemail",
            "email2value",
        ],
        Phone2 => &[
            "phone2",
            "otherphone",
            "secondaryphone",
            "homephone",
            "workphone",
            "telefono2",
            "altrotelefono",
            "telefonofisso",
            "fisso",
        ],
        Email => &[
            "email",
            "emailaddress",
            "mail",
            "email1",
            "posta",
            "postaelettronica",
            "indirizzoemail",
        ],
        Company => &[
            "company",
            "companyname",
            "account",
            "accountname",
            "organization",
            "organisation",
            "organizationname",
            "organization1name",
            "personorganization",
            "relatedcompany",
            "azienda",
            "ragionesociale",
            "societa",
            "ditta",
        ],
        City => &[
            "city",
            "town",
            "address1city",
            "homecity",
            "businesscity",
            "mailingcity",
            "citta",
            "comune",
            "localita",
        ],
        Country => &[
            "country",
            "countryregion",
            "address1country",
            "homecountryregion",
            "homecountry",
            "businesscountry",
            "businesscountryregion",
            "mailingcountry",
            "nation",
            "paese",
            "nazione",
            "stato",
        ],
        Address => &[
            "address",
            "street",
            "streetaddress",
            "address1street",
            "homestreet",
            "businessstreet",
            "mailingstreet",
            "indirizzo",
            "via",
            "indirizzoresidenza",
        ],
        PostalCode => &[
            "postalcode",
            "zip",
            "zipcode",
            "postcode",
            "address1postalcode",
            "homepostalcode",
            "businesspostalcode",
            "mailingzippostalcode",
            "mailingpostalcode",
            "cap",
        ],
        Province => &[
            "province",
            "state",
            "region",
            "address1region",
            "homestate",
            "businessstate",
            "mailingstateprovince",
            "mailingstate",
            "provincia",
            "prov",
        ],
        BirthDate => &[
            "birthday",
            "birthdate",
            "dateofbirth",
            "dob",
            "datadinascita",
            "datanascita",
            "nascita",
            "compleanno",
        ],
        TaxCode => &[
            "codicefiscale",
            "codfiscale",
            "codfisc",
            "cf",
            "taxcode",
            "fiscalcode",
        ],
        ExternalRef => &[
            "customerid",
            "externalid",
            "clientid",
            "contactid",
            "leadid",
            "recordid",
            "personid",
            "codicecliente",
            "idcliente",
            "codice",
        ],
        Interest => &[
            "interest",
            "product",
            "offer",
            "interesse",
            "prodotto",
            "offerta",
            "servizio",
        ],
        SourceChannel => &[
            "source",
            "sourcechannel",
            "channel",
            "leadsource",
            "originalsource",
            "fonte",
            "canale",
            "provenienza",
            "origine",
        ],
        Note => &[
            "note",
            "notes",
            "comment",
            "comments",
            "description",
            "nota",
            "commento",
            "commenti",
            "descrizione",
        ],
        CapturedAt => &[
            "createdat",
            "created",
            "createdate",
            "createddate",
            "createdtime",
            "createdon",
            "personaddtime",
            "date",
            "subscriptiondate",
            "signupdate",
            "capturedat",
            "data",
            "datainserimento",
            "datacreazione",
            "datasottoscrizione",
            "dataiscrizione",
        ],
    }
}

pub(crate) fn normalise_header(h: &str) -> String {
    search_key(h)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Guesses the field of each column from its header alone: exact synonyms
/// first, then the closest synonym above a similarity threshold; a field is
/// used once (except `note`); columns that match nothing are ignored
/// (`None`). [`guess`] also reads the values.
pub fn guess_mapping(headers: &[String]) -> Vec<Option<ImportField>> {
    guess_columns(headers, ImportField::ALL, synonyms, ImportField::is_single)
}

/// Rows read by [`guess`] to judge a column's values, and by
/// [`preview`] and [`check_file`] to check a mapping against the content:
/// the first rows of the file, whatever its size.
pub const SAMPLE_ROWS: usize = 2_000;
const GUESS_ROWS: usize = SAMPLE_ROWS;

/// Rows read from the file at a time during an import (off the async
/// runtime): the most of the file held in memory at once.
const READ_ROWS: usize = 500;

/// A value of a multi-valued cell: Google Contacts writes several phones of
/// one kind as `+39 333 … ::: +39 02 …`; the first is the value.
fn first_value(value: &str) -> &str {
    value.split(":::").next().unwrap_or(value).trim()
}

/// The other values of a multi-valued cell (see [`first_value`]).
fn more_values(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(":::")
        .skip(1)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// A column that says what kind another column is ("E-mail 1 - Type",
/// "Phone 1 - Label", "Person - Label", "Tipo telefono"): never a value.
fn is_label_header(h: &str) -> bool {
    ["type", "label", "tipo", "etichetta"]
        .iter()
        .any(|w| h.ends_with(w) || (h.starts_with(w) && h.len() > w.len() + 2))
}

/// Words of a normalised header that name a phone (fax, pager and telex
/// numbers are not called and are left alone).
fn is_phone_header(h: &str) -> bool {
    let not = ["fax", "pager", "telex", "type", "label"];
    let yes = [
        "phone", "tel", "cell", "mobile", "mobil", "iphone", "fisso", "callback", "isdn",
    ];
    !not.iter().any(|w| h.contains(w))
        && (yes.iter().any(|w| h.contains(w))
            || synonyms(ImportField::Phone).contains(&h)
            || synonyms(ImportField::Phone2).contains(&h))
}

fn is_email_header(h: &str) -> bool {
    !is_label_header(h)
        && (h.contains("mail") && !h.contains("mailing")
            || synonyms(ImportField::Email).contains(&h)
            || synonyms(ImportField::Email2).contains(&h))
}

/// Order among phone columns: a mobile first (a store calls mobiles), then a
/// plain "phone", then home, work and the others.
fn phone_rank(h: &str) -> u8 {
    if ["mobile", "cell", "iphone", "mobil"]
        .iter()
        .any(|w| h.contains(w))
    {
        0
    } else if synonyms(ImportField::Phone).contains(&h) || h == "primaryphone" {
        1
    } else {
        2
    }
}

/// Order among e-mail columns: the plain or first address first.
fn email_rank(h: &str) -> u8 {
    if synonyms(ImportField::Email).contains(&h) {
        0
    } else {
        1
    }
}

/// Headers of other things that read like a field's name ("Contact
/// owner" is not the contact's name, "Lead Status" not its source,
/// "Provincia" not "Provenienza", "Codice fiscale" not "Codice cliente"):
/// never guessed as anything.
const NOT_A_FIELD: &[&str] = &[
    "contactowner",
    "leadowner",
    "recordowner",
    "personowner",
    "owner",
    "salesperson",
    "salesteam",
    "leadstatus",
    "lifecyclestage",
    "location",
    "officelocation",
];

/// Products whose contact exports Banco recognises, each by a set of
/// normalised headers that all appear in its files (a product may have
/// several layouts). Apple Contacts exports vCards (see [`super::vcard`]).
const LAYOUTS: &[(&str, &[&str])] = &[
    ("Google Contacts", &["phone1value"]),
    ("Google Contacts", &["email1value"]),
    ("Outlook", &["emailaddress", "email2address"]),
    ("Outlook", &["mobilephone", "businessphone", "homephone"]),
    ("HubSpot", &["recordid", "createdate"]),
    ("HubSpot", &["recordid", "lifecyclestage"]),
    ("Zoho CRM", &["recordid", "createdtime"]),
    ("Salesforce", &["mailingcity", "accountname"]),
    ("Salesforce", &["leadid", "leadsource"]),
    ("Salesforce", &["contactid", "accountname"]),
    ("Pipedrive", &["personname", "personorganization"]),
    ("Pipedrive", &["personname", "personowner"]),
    ("Odoo", &["salesperson", "relatedcompany"]),
    ("Odoo", &["salesperson", "salesteam"]),
    ("Excel (italiano)", &["nome", "cognome"]),
    ("Excel (italiano)", &["nominativo", "cellulare"]),
    ("Excel (italiano)", &["ragionesociale", "cellulare"]),
];

/// The product whose export layout `headers` match (see `LAYOUTS`).
pub fn recognise_layout(headers: &[String]) -> Option<&'static str> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    LAYOUTS
        .iter()
        .find(|(_, signature)| {
            signature
                .iter()
                .all(|s| normalised.iter().any(|h| h.as_str() == *s))
        })
        .map(|(name, _)| *name)
}

/// Guesses the field of each column from its header and its values:
/// - "Type"/"Label" columns are never mapped;
/// - every column whose header names a phone (or e-mail), or, for e-mail,
///   whose values are nearly all addresses, is a candidate; candidates are
///   ranked: those whose values fit (at least [`MIN_FIT_SHARE`] of the
///   first 2,000 rows) first, then mobile before plain phone before home
///   and work (the plain e-mail first), then the fuller column; the first
///   goes to `phone` (`email`), the second to `phone_2` (`email_2`), any
///   further one with values to the note, so that no number is lost. A
///   column whose values do not fit keeps its slot only when no better one
///   exists, and [`check_mapping`] then stops the import and names the
///   column that looks right (a file whose headers are shifted);
/// - every other column gets the field its header names (see
///   [`guess_mapping`]).
///
/// Returns the mapping and the recognised layout ([`recognise_layout`]).
pub fn guess(table: &CsvTable) -> (Vec<Option<ImportField>>, Option<&'static str>) {
    use ImportField::*;
    let normalised: Vec<String> = table.headers.iter().map(|h| normalise_header(h)).collect();
    let sample: Vec<&Vec<String>> = table.rows.iter().take(GUESS_ROWS).map(|r| &r.1).collect();
    let fit = |field: ImportField, i: usize| -> (usize, usize) {
        let values: Vec<&str> = sample
            .iter()
            .filter_map(|r| r.get(i).map(String::as_str))
            .filter(|v| !v.is_empty())
            .collect();
        (
            values.iter().filter(|v| fits(field, v)).count(),
            values.len(),
        )
    };
    let fits_well = |(m, t): (usize, usize)| t == 0 || m as f64 >= MIN_FIT_SHARE * t as f64;
    let labels: Vec<bool> = normalised.iter().map(|h| is_label_header(h)).collect();
    let mut phones = Vec::new();
    let mut emails = Vec::new();
    for (i, h) in normalised.iter().enumerate() {
        if labels[i] {
            continue;
        }
        if is_email_header(h) {
            emails.push(i);
        } else if is_phone_header(h) {
            phones.push(i);
        } else if guess_mapping(std::slice::from_ref(&table.headers[i]))[0].is_none() {
            // A column of addresses under another name is an e-mail all the same.
            let (m, t) = fit(Email, i);
            if t > 0 && m as f64 >= 0.9 * t as f64 {
                emails.push(i);
            }
        }
    }
    let filled = |i: usize| fit(Note, i).1;
    // Each key reads the sample: computed once per column, not per comparison.
    phones.sort_by_cached_key(|i| {
        (
            !fits_well(fit(Phone, *i)),
            filled(*i) == 0,
            phone_rank(&normalised[*i]),
            std::cmp::Reverse(filled(*i)),
            *i,
        )
    });
    emails.sort_by_cached_key(|i| {
        (
            !fits_well(fit(Email, *i)),
            filled(*i) == 0,
            email_rank(&normalised[*i]),
            std::cmp::Reverse(filled(*i)),
            *i,
        )
    });
    // The other fields from the headers, contact and label columns hidden.
    let masked: Vec<String> = table
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if labels[i]
                || phones.contains(&i)
                || emails.contains(&i)
                || NOT_A_FIELD.contains(&normalised[i].as_str())
            {
                String::new()
            } else {
                h.clone()
            }
        })
        .collect();
    let others: Vec<ImportField> = ImportField::ALL
        .iter()
        .copied()
        .filter(|f| !matches!(f, Phone | Phone2 | Email | Email2))
        .collect();
    let mut mapping = guess_columns(&masked, &others, synonyms, ImportField::is_single);
    for (slot, i) in phones.iter().enumerate() {
        mapping[*i] = Some([Phone, Phone2].get(slot).copied().unwrap_or(Note));
    }
    for (slot, i) in emails.iter().enumerate() {
        mapping[*i] = Some([Email, Email2].get(slot).copied().unwrap_or(Note));
    }
    // A further contact column that is empty carries nothing to keep.
    for i in phones.iter().skip(2).chain(emails.iter().skip(2)) {
        if filled(*i) == 0 {
            mapping[*i] = None;
        }
    }
    (mapping, recognise_layout(&table.headers))
}

/// The header matching shared by every import: each column gets the field
/// one of whose `synonyms` equals its normalised header, else the field of
/// the closest synonym by Jaro–Winkler similarity (`strsim`, ≥ 0.88) for
/// headers of three or more characters; a field for which `single` holds is
/// given to one column only.
pub(crate) fn guess_columns<F: Copy + PartialEq>(
    headers: &[String],
    fields: &[F],
    synonyms: impl Fn(F) -> &'static [&'static str],
    single: impl Fn(F) -> bool,
) -> Vec<Option<F>> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let mut mapping: Vec<Option<F>> = vec![None; headers.len()];
    let taken = |field: F, mapping: &[Option<F>]| single(field) && mapping.contains(&Some(field));
    for (i, h) in normalised.iter().enumerate() {
        if let Some(field) = fields
            .iter()
            .copied()
            .find(|f| synonyms(*f).contains(&h.as_str()))
        {
            if !taken(field, &mapping) {
                mapping[i] = Some(field);
            }
        }
    }
    for (i, h) in normalised.iter().enumerate() {
        if mapping[i].is_some() || h.len() < 3 {
            continue;
        }
        let best = fields
            .iter()
            .flat_map(|f| {
                synonyms(*f)
                    .iter()
                    .map(move |s| (*f, strsim::jaro_winkler(h, s)))
            })
            .filter(|(_, score)| *score >= FUZZY_HEADER)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((field, _)) = best {
            if !taken(field, &mapping) {
                mapping[i] = Some(field);
            }
        }
    }
    mapping
}

/// Whether a cell looks like a value of `field` (used for content checks).
fn fits(field: ImportField, value: &str) -> bool {
    use ImportField::*;
    match field {
        Email | Email2 => crate::model::Email::parse(first_value(value), "email").is_ok(),
        Phone | Phone2 => looks_like_phone(first_value(value)),
        FirstName | LastName | FullName => {
            value.chars().any(char::is_alphabetic)
                && !value.contains('@')
                && !value.chars().any(|c| c.is_ascii_digit())
        }
        CapturedAt => parse_date(value).is_some(),
        BirthDate => is_no_date(value) || parse_date(value).is_some(),
        // By shape only (a person's 16 characters, a company's 11 digits):
        // a code with a wrong check character is still this column's, and
        // the row keeps it in the lead's note with a warning.
        TaxCode => {
            let v: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            (v.len() == 16 && v.chars().all(|c| c.is_ascii_alphanumeric()))
                || (v.len() == 11 && v.chars().all(|c| c.is_ascii_digit()))
        }
        _ => true,
    }
}

/// Whether a date cell says "no date" the way Outlook writes it (`0/0/00`,
/// `00/00/0000`).
pub(crate) fn is_no_date(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && v.chars().all(|c| c == '0' || "/.-".contains(c))
}

/// Seven or more digits, only phone punctuation and an optional extension.
fn looks_like_phone(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let body = lower.split(['x', '#']).next().unwrap_or("");
    let body = body.strip_suffix("ext").unwrap_or(body);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    digits >= 7
        && parse_date(value).is_none()
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()/".contains(c))
}

/// Parses a date as `YYYY-MM-DD`, RFC 3339, `DD/MM/YYYY` (Italian), or
/// `M/D/YYYY` when the first number cannot be a day-first reading
/// (`12/31/2024`), also with `.` or `-` separators. Returns midnight UTC.
pub fn parse_date(value: &str) -> Option<DateTime<Utc>> {
    let v = value.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(v) {
        return Some(dt.with_timezone(&Utc));
    }
    let day = v.split([' ', 'T']).next().unwrap_or(v);
    let formats = [
        "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m/%d/%Y", "%d/%m/%y",
    ];
    formats
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(day, f).ok())
        .filter(|d| (1900..=2100).contains(&chrono::Datelike::year(d)))
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
}

/// Checks a mapping against the table: fields mapped twice, a name and a
/// contact column present, and every typed column's content (see
/// [`MIN_FIT_SHARE`]). Returns every problem found (empty = ready).
pub fn check_mapping(table: &CsvTable, mapping: &[Option<ImportField>]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    for field in ImportField::ALL.iter().copied().filter(|f| f.is_single()) {
        if mapping.iter().filter(|m| **m == Some(field)).count() > 1 {
            problems.push(
                FieldError::new(field.as_str(), "duplicate_mapping").with("target", field.as_str()),
            );
        }
    }
    let has = |f: ImportField| mapping.contains(&Some(f));
    let has_name =
        has(ImportField::FirstName) || has(ImportField::LastName) || has(ImportField::FullName);
    let has_contact = has(ImportField::Phone)
        || has(ImportField::Phone2)
        || has(ImportField::Email)
        || has(ImportField::Email2);
    if !has_name || !has_contact {
        problems.push(FieldError::new("mapping", "missing_mapping"));
    }
    let column_values = |i: usize| -> Vec<&str> {
        table
            .rows
            .iter()
            .filter_map(|(_, r)| r.get(i).map(String::as_str))
            .filter(|v| !v.is_empty())
            .collect()
    };
    let share = |field: ImportField, i: usize| -> (usize, usize) {
        let values = column_values(i);
        (
            values.iter().filter(|v| fits(field, v)).count(),
            values.len(),
        )
    };
    for (i, field) in mapping.iter().enumerate() {
        let Some(field) = *field else { continue };
        let (matching, total) = share(field, i);
        if total == 0 || (matching as f64) >= MIN_FIT_SHARE * total as f64 {
            continue;
        }
        let column = table.headers.get(i).cloned().unwrap_or_default();
        let better = (0..table.headers.len())
            .filter(|j| *j != i)
            .map(|j| (j, share(field, j)))
            .filter(|(_, (m, t))| *t > 0 && (*m as f64) >= MIN_FIT_SHARE * *t as f64)
            .max_by_key(|(_, (m, _))| *m)
            .map(|(j, _)| table.headers[j].clone());
        let mut problem = FieldError::new(column.clone(), "column_mismatch")
            .with("column", column)
            .with("target", field.as_str())
            .with("matching", matching.to_string())
            .with("total", total.to_string());
        if let Some(b) = better {
            problem = problem.with("suggestion", b);
        }
        problems.push(problem);
    }
    problems
}

/// Reads a file's first [`SAMPLE_ROWS`] rows and proposes a mapping, with
/// the problems it would have; counts the rest without keeping them.
/// Reads files: call it off the async runtime.
///
/// Errors: as [`read_csv_head`].
pub fn preview(path: &Path) -> Result<ImportPreview> {
    let table = read_csv_head(path, SAMPLE_ROWS)?;
    let (mapping, layout) = guess(&table);
    let problems = check_mapping(&table, &mapping);
    Ok(ImportPreview {
        headers: table.headers.clone(),
        sample: table
            .rows
            .iter()
            .take(PREVIEW_ROWS)
            .map(|(_, r)| r.clone())
            .collect(),
        total_rows: super::csv_file::count_rows(path)?,
        delimiter: table.delimiter as char,
        mapping,
        layout: layout.map(str::to_string),
        problems,
    })
}

/// [`check_mapping`] of `mapping` against the first [`SAMPLE_ROWS`] rows of
/// the file at `path`. Reads the file: call it off the async runtime.
///
/// Errors: as [`read_csv_head`].
pub fn check_file(path: &Path, mapping: &[Option<ImportField>]) -> Result<Vec<FieldError>> {
    let table = read_csv_head(path, SAMPLE_ROWS)?;
    let mut mapping = mapping.to_vec();
    mapping.resize(table.headers.len(), None);
    Ok(check_mapping(&table, &mapping))
}

/// Reads interest values in Italian or English (`fibra`, `luce`, `energia`, …).
fn parse_interest(value: &str) -> Option<Interest> {
    let key = normalise_header(value);
    if let Ok(i) = value.trim().parse() {
        return Some(i);
    }
    Some(match key.as_str() {
        "fibra" | "fiber" | "ftth" | "fttc" | "adsl" | "internet" | "casa" | "broadband" => {
            Interest::Fibre
        }
        "mobile" | "mobilephone" | "sim" | "telefonia" | "cellulare" => Interest::Mobile,
        "luce" | "energia" | "energy" | "electricity" | "power" => Interest::Electricity,
        "gas" | "metano" => Interest::Gas,
        "smartphone" | "device" | "devices" | "telefono" | "modem" => Interest::Devices,
        "assistenza" | "assistance" | "support" | "supporto" => Interest::Assistance,
        _ => return None,
    })
}

/// Runs an import in one transaction and reports every row: as
/// [`run_reporting`], the full per-row report left out (the returned
/// report lists the rows [`LISTED_ROWS`] says).
///
/// Errors: as [`run_reporting`].
pub async fn run(
    db: &Db,
    ctx: &Ctx,
    request: &ImportRequest,
    progress: impl FnMut(u64, u64) + Send,
    cancel: &AtomicBool,
) -> Result<ImportReport> {
    run_reporting(db, ctx, request, progress, cancel, &mut std::io::sink()).await
}

/// Runs an import in one transaction and reports every row.
///
/// Rows that break a rule are rejected (with the reasons) and the others
/// imported; a phone or e-mail that cannot be read is kept (phone as text,
/// e-mail in the lead note) with a warning when the row has another valid
/// contact. Duplicates — people with the same phone or e-mail, including
/// rows earlier in the same file — follow `request.duplicates`.
///
/// `progress(done, total)` is called as rows are processed (after each
/// batch of rows); setting `cancel` stops the import and rolls everything
/// back, up to its commit. Every row's outcome is written to `full` as
/// the report's CSV ([`report_csv`]'s columns) as the import goes; the
/// returned report lists the rows [`LISTED_ROWS`] says and counts the
/// others in `not_listed`, so that memory does not grow with the file.
///
/// Store managers and admins only.
///
/// Errors: [`Error::Forbidden`] (`import_data`); [`Error::Validation`]
/// with the mapping's problems (nothing is read into the database);
/// [`Error::Cancelled`]; I/O (also writing `full`), CSV and database
/// errors — in every error case the database is left as it was (what was
/// written to `full` then describes nothing).
pub async fn run_reporting(
    db: &Db,
    ctx: &Ctx,
    request: &ImportRequest,
    mut progress: impl FnMut(u64, u64) + Send,
    cancel: &AtomicBool,
    full: &mut (dyn std::io::Write + Send),
) -> Result<ImportReport> {
    ctx.require_manager("import_data")?;
    let path = std::path::PathBuf::from(&request.path);
    // The mapping is checked on the first rows, the rows counted (for the
    // progress bar) and the file opened, all off the async runtime.
    let (mut problems, total, stream) = {
        let (path, mapping) = (path.clone(), request.mapping.clone());
        off_runtime("import", move || {
            let problems = check_file(&path, &mapping)?;
            let total = super::csv_file::count_rows(&path)?;
            Ok::<_, Error>((problems, total, CsvStream::open(&path)?))
        })
        .await??
    };
    let mut mapping = request.mapping.clone();
    mapping.resize(stream.headers.len(), None);
    if let Some(region) = &request.phone_region {
        if let Err(e) = crate::model::parse_region(region, "phone_region") {
            problems.push(e);
        }
    }
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let report = with_tx!(db, |c| {
        run_in(
            c,
            ctx,
            request,
            (stream, total),
            &mapping,
            &file_name,
            &mut progress,
            cancel,
            &mut *full,
        )
        .await
    })?;
    if report.summary.rows >= ANALYZE_AFTER_ROWS {
        crate::with_conn!(db, |c| c.analyze().await)?;
    }
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
async fn run_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    request: &ImportRequest,
    (mut stream, total): (CsvStream, u64),
    mapping: &[Option<ImportField>],
    file_name: &str,
    progress: &mut (impl FnMut(u64, u64) + Send),
    cancel: &AtomicBool,
    full: &mut (dyn std::io::Write + Send),
) -> Result<ImportReport> {
    c.plan_for_growing_tables().await?;
    let store_id = store_or_users(c, ctx, request.store_id).await?;
    let defs: Vec<crate::model::CustomField> =
        super::custom_fields::fields_for(c, ctx.tenant_id(), crate::model::EntityType::Person)
            .await?
            .into_iter()
            .filter(|f| !f.archived)
            .collect();
    for key in request.custom_columns.iter().flatten() {
        if !defs.iter().any(|d| &d.key == key) {
            return Err(Error::Validation(vec![FieldError::new(
                "custom_columns",
                "unknown_value",
            )
            .with("value", key.clone())
            .with(
                "allowed",
                defs.iter()
                    .map(|d| d.key.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            )]));
        }
    }
    // Only the columns the file has are required to be right; required
    // fields it does not carry are left for the person form.
    let file_defs: Vec<crate::model::CustomField> = defs
        .iter()
        .filter(|d| request.custom_columns.iter().flatten().any(|k| k == &d.key))
        .map(|d| crate::model::CustomField {
            required: false,
            default_value: None,
            ..d.clone()
        })
        .collect();
    let headers = stream.headers.clone();
    let rows_of = batch::Rows {
        ctx,
        request,
        headers: &headers,
        mapping,
        file_defs: &file_defs,
        store_id,
        file_name,
        region: request
            .phone_region
            .as_deref()
            .map(str::to_ascii_uppercase)
            .unwrap_or_else(|| ctx.region().to_string()),
    };
    let mut summary = ImportSummary::default();
    let mut outcomes = Vec::new();
    let mut not_listed = 0;
    let list_all = total <= LISTED_ROWS as u64;
    let mut full = csv::Writer::from_writer(full);
    full.write_record(REPORT_COLUMNS)?;
    loop {
        // Cancel is honoured up to the commit, also after the last row.
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        // The next rows, read off the async runtime: at most READ_ROWS of
        // the file are in memory at once.
        let (back, rows) = off_runtime("import", move || {
            let rows = stream.next_rows(READ_ROWS)?;
            Ok::<_, Error>((stream, rows))
        })
        .await??;
        stream = back;
        if rows.is_empty() {
            break;
        }
        for outcome in batch::import_batch(c, &rows_of, &rows, cancel).await? {
            match outcome.status {
                RowStatus::Imported => summary.imported += 1,
                RowStatus::Merged => summary.merged += 1,
                RowStatus::Skipped => summary.skipped += 1,
                RowStatus::Rejected => summary.rejected += 1,
            }
            summary.rows += 1;
            write_report_row(&mut full, &outcome)?;
            if outcomes.len() < LISTED_ROWS && (list_all || !outcome.messages.is_empty()) {
                outcomes.push(outcome);
            } else {
                not_listed += 1;
            }
        }
        progress(summary.rows, total.max(summary.rows));
    }
    full.flush().map_err(|source| Error::Io {
        path: "report".into(),
        source,
    })?;
    Ok(ImportReport {
        summary,
        rows: outcomes,
        not_listed,
        full_report: None,
    })
}

/// Update policy: the file's non-empty values replace the person's; a
/// different phone goes to the second phone when that is free.
fn merge_into(found: &mut Person, incoming: Person) {
    let replace = |slot: &mut String, v: String| {
        if !v.is_empty() {
            *slot = v;
        }
    };
    replace(&mut found.first_name, incoming.first_name);
    replace(&mut found.last_name, incoming.last_name);
    if let Some(p) = incoming.phone {
        if found.phone.is_none() {
            found.phone = Some(p);
        } else if found.phone.as_ref() != Some(&p) && found.phone_2.is_none() {
            found.phone_2 = Some(p);
        }
    }
    if incoming.phone_2.is_some() && found.phone_2.is_none() && incoming.phone_2 != found.phone {
        found.phone_2 = incoming.phone_2;
    }
    let opt = |slot: &mut Option<String>, v: Option<String>| {
        if v.is_some() {
            *slot = v;
        }
    };
    opt(&mut found.phone_raw, incoming.phone_raw);
    // A new address replaces the e-mail; the old one moves to the second
    // e-mail when that is free.
    if let Some(e) = incoming.email {
        if found.email.as_ref() != Some(&e) {
            let old = found.email.replace(e);
            if found.email_2.is_none() {
                found.email_2 = old;
            }
        }
    }
    if incoming.email_2.is_some() && found.email_2.is_none() && incoming.email_2 != found.email {
        found.email_2 = incoming.email_2;
    }
    opt(&mut found.company_name, incoming.company_name);
    // The address as a whole: a row with any part of it replaces it.
    if incoming.address.is_some() || incoming.postal_code.is_some() || incoming.province.is_some() {
        found.address = incoming.address;
        found.postal_code = incoming.postal_code;
        found.province = incoming.province;
    }
    opt(&mut found.tax_code, incoming.tax_code);
    if incoming.birth_date.is_some() {
        found.birth_date = incoming.birth_date;
    }
    opt(&mut found.city, incoming.city);
    opt(&mut found.country, incoming.country);
    opt(&mut found.external_ref, incoming.external_ref);
    found.custom.extend(incoming.custom);
}

/// The columns of the report's CSV.
const REPORT_COLUMNS: [&str; 6] = [
    "line",
    "status",
    "person_id",
    "lead_id",
    "deal_id",
    "messages",
];

/// One row of the report's CSV.
fn write_report_row<W: std::io::Write>(w: &mut csv::Writer<W>, row: &RowOutcome) -> Result<()> {
    w.write_record([
        row.line.to_string(),
        row.status.as_str().to_string(),
        row.person_id.map(|u| u.to_string()).unwrap_or_default(),
        row.lead_id.map(|u| u.to_string()).unwrap_or_default(),
        row.deal_id.map(|u| u.to_string()).unwrap_or_default(),
        row.messages
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>()
            .join(" | "),
    ])?;
    Ok(())
}

/// The report as CSV: `line,status,person_id,lead_id,deal_id,messages`, one
/// row per listed row, messages in English joined with ` | ` (the rows of
/// `report.rows`; a large import's full report is the one
/// [`run_reporting`] wrote).
pub fn report_csv(report: &ImportReport) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(REPORT_COLUMNS)?;
    for row in &report.rows {
        write_report_row(&mut w, row)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Io {
        path: "report".into(),
        source: e.into_error(),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_italian_english_and_misspelt_are_guessed() {
        let h: Vec<String> = [
            "Nome",
            "Cognome",
            "Cellulare",
            "E-mail",
            "FIRSNAME",
            "Città",
            "Index",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let m = guess_mapping(&h);
        assert_eq!(m[0], Some(ImportField::FirstName));
        assert_eq!(m[1], Some(ImportField::LastName));
        assert_eq!(m[2], Some(ImportField::Phone));
        assert_eq!(m[3], Some(ImportField::Email));
        assert_eq!(m[4], None, "first_name is already taken by Nome");
        assert_eq!(m[5], Some(ImportField::City));
        assert_eq!(m[6], None);
        let m = guess_mapping(&["FIRSNAME".to_string(), "LASTNAME".to_string()]);
        assert_eq!(
            m,
            vec![Some(ImportField::FirstName), Some(ImportField::LastName)]
        );
    }

    #[test]
    fn semicolon_files_and_quoted_commas_are_read() {
        let t = parse_csv("Nome;Cognome;Note\nMario;Rossi;\"a; b, c\"\n").unwrap();
        assert_eq!(t.delimiter, b';');
        assert_eq!(t.rows[0].1[2], "a; b, c");
        assert_eq!(t.rows[0].0, 2);
        let t = parse_csv("a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n").unwrap();
        let lines: Vec<u64> = t.rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, [2, 4], "a quoted field spans lines 2-3");
    }

    #[test]
    fn dates_in_iso_italian_and_us_order() {
        let d = |s| parse_date(s).map(|d| d.date_naive().to_string());
        assert_eq!(d("2020-08-24").as_deref(), Some("2020-08-24"));
        assert_eq!(d("24/08/2020").as_deref(), Some("2020-08-24"));
        assert_eq!(d("8/24/2020").as_deref(), Some("2020-08-24"));
        assert_eq!(d("not a date"), None);
    }

    #[test]
    fn phone_shapes() {
        assert!(looks_like_phone("397.884.0519x718"));
        assert!(looks_like_phone("(496)978-3969x58947"));
        assert!(looks_like_phone("+39 333 123 4567"));
        assert!(!looks_like_phone("vmata@colon.com"));
        assert!(!looks_like_phone("2020-08"));
        assert!(!looks_like_phone("2020-08-24"), "a date is not a phone");
    }
}
#[cfg(test)]
mod line_tests {
    #[test]
    fn line_numbers_count_the_header_as_line_one() {
        let t = super::read_csv(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/customers-100.csv"
        )))
        .unwrap();
        assert_eq!(
            t.rows.iter().take(3).map(|r| r.0).collect::<Vec<_>>(),
            vec![2, 3, 4]
        );
    }
}
