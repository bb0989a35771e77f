//! Shapes of a CSV import of people and leads: fields, preview, request, report.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::string_enum::string_enum;
use super::{FieldError, SourceChannel};

string_enum! {
    /// A model field that a CSV column can be mapped to.
    ImportField {
        /// Person's first name.
        FirstName = "first_name",
        /// Person's last name.
        LastName = "last_name",
        /// "First Last" in one column (split at the first space).
        FullName = "full_name",
        /// Main phone.
        Phone = "phone",
        /// Second phone.
        Phone2 = "phone_2",
        /// E-mail.
        Email = "email",
        /// Second e-mail.
        Email2 = "email_2",
        /// Company name.
        Company = "company",
        /// City.
        City = "city",
        /// Country.
        Country = "country",
        /// Street and number.
        Address = "address",
        /// Postal code (CAP).
        PostalCode = "postal_code",
        /// Province (sigla) or region.
        Province = "province",
        /// Date of birth.
        BirthDate = "birth_date",
        /// Codice fiscale.
        TaxCode = "tax_code",
        /// Id in the source system.
        ExternalRef = "external_ref",
        /// Lead's offer of interest.
        Interest = "interest",
        /// Lead's source channel.
        SourceChannel = "source_channel",
        /// Lead's note (several columns mapped here are joined).
        Note = "note",
        /// When the lead was captured (date).
        CapturedAt = "captured_at",
    }
}

impl ImportField {
    /// Fields that must not be mapped from two columns.
    pub fn is_single(self) -> bool {
        !matches!(self, ImportField::Note)
    }
}

/// What to do with a row whose person already exists (same phone or e-mail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatePolicy {
    /// Leave the existing person alone and do not import the row.
    #[default]
    Skip,
    /// Fill the existing person with the row's values and attach the new lead to them.
    Update,
    /// Create a new person anyway.
    Create,
}

/// What the user sees before running an import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// The header row.
    pub headers: Vec<String>,
    /// The first rows (at most 10), as text.
    pub sample: Vec<Vec<String>>,
    /// Data rows in the file (header excluded).
    pub total_rows: u64,
    /// Field separator found: `,`, `;`, tab or `|`.
    pub delimiter: char,
    /// Guessed field for each column (`None` = ignored), from the headers
    /// and the values under them.
    pub mapping: Vec<Option<ImportField>>,
    /// The product whose export layout the headers match ("Google
    /// Contacts", "Outlook", "HubSpot", …), when one does.
    #[serde(default)]
    pub layout: Option<String>,
    /// Problems of that mapping against the file's content (empty = ready).
    pub problems: Vec<FieldError>,
}

/// An import to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRequest {
    /// Path of the CSV file.
    pub path: String,
    /// Field for each column, in column order (`None` = ignored).
    pub mapping: Vec<Option<ImportField>>,
    /// Duplicate handling.
    pub duplicates: DuplicatePolicy,
    /// Source channel of leads whose row has none.
    pub default_source: SourceChannel,
    /// Store the leads belong to (the user's store when absent).
    pub store_id: Option<Uuid>,
    /// Region (ISO 3166-1 alpha-2, e.g. `US`) for reading the file's
    /// national phone numbers; the tenant's region when absent.
    #[serde(default)]
    pub phone_region: Option<String>,
    /// Custom field of people per column (`None` = none), beside
    /// `mapping`: a column with a key here carries that field's value,
    /// checked like the person form.
    #[serde(default)]
    pub custom_columns: Vec<Option<String>>,
}

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// New person and lead created.
    Imported,
    /// Existing person updated, lead attached.
    Merged,
    /// Duplicate left alone.
    Skipped,
    /// Refused; see the reason.
    Rejected,
}

impl RowStatus {
    /// Stable name used in the CSV report.
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Imported => "imported",
            RowStatus::Merged => "merged",
            RowStatus::Skipped => "skipped",
            RowStatus::Rejected => "rejected",
        }
    }
}

/// The outcome of one data row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowOutcome {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    /// Outcome.
    pub status: RowStatus,
    /// Person created or matched.
    pub person_id: Option<Uuid>,
    /// Lead created.
    pub lead_id: Option<Uuid>,
    /// Deal created (deals import).
    #[serde(default)]
    pub deal_id: Option<Uuid>,
    /// Why it was rejected or skipped, and warnings (a phone kept as text, …).
    pub messages: Vec<FieldError>,
}

impl RowOutcome {
    /// A row refused for `messages` (nothing was written for it).
    pub fn rejected(line: u64, messages: Vec<FieldError>) -> RowOutcome {
        RowOutcome {
            line,
            status: RowStatus::Rejected,
            person_id: None,
            lead_id: None,
            deal_id: None,
            messages,
        }
    }
}

/// Counts of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Data rows read.
    pub rows: u64,
    /// New people created.
    pub imported: u64,
    /// Existing people updated.
    pub merged: u64,
    /// Duplicates skipped.
    pub skipped: u64,
    /// Rows refused.
    pub rejected: u64,
}

/// The report of a finished import.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImportReport {
    /// Counts.
    pub summary: ImportSummary,
    /// The rows, in file order: every row of a file of at most
    /// `services::import::LISTED_ROWS` rows; of a larger people file, only
    /// the rows with a message (rejected, skipped, or in with a warning),
    /// the first `LISTED_ROWS` of them, so that the report's size does not
    /// grow with the file's.
    pub rows: Vec<RowOutcome>,
    /// Rows of the file not in `rows` (0 when every row is listed).
    #[serde(default)]
    pub not_listed: u64,
    /// The desktop shell's key for the full per-row report it keeps while
    /// it runs, which "save the report" writes (set by the shell when rows
    /// were left out; a key, never a path).
    #[serde(default)]
    pub full_report: Option<Uuid>,
}

string_enum! {
    /// A deal field that a CSV column can be mapped to (CRM opportunity
    /// exports: opportunity id, agent, product, account, stage, engage and
    /// close dates, close value).
    DealImportField {
        /// Opportunity id in the source system (re-imports skip it).
        ExternalRef = "external_ref",
        /// Deal title.
        Title = "title",
        /// Owner (sales agent) by name.
        Owner = "owner",
        /// Product or offer (the deal's line).
        Product = "product",
        /// Account: the company the deal is with.
        Account = "account",
        /// Contact's first name.
        FirstName = "first_name",
        /// Contact's last name.
        LastName = "last_name",
        /// Contact's "First Last".
        FullName = "full_name",
        /// Contact's phone.
        Phone = "phone",
        /// Contact's e-mail.
        Email = "email",
        /// Stage name, or won / lost.
        Stage = "stage",
        /// When the deal was opened (engage date).
        EngageDate = "engage_date",
        /// Close date: actual for won/lost, expected for open deals.
        CloseDate = "close_date",
        /// Close value (one-off amount, major units); blank for open deals.
        CloseValue = "close_value",
        /// Monthly recurring amount (major units).
        MonthlyValue = "monthly_value",
    }
}

/// What to do with an owner, account or stage the file names but the
/// database does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// Create it (a staff user, a company, a stage at the end).
    #[default]
    Create,
    /// Reject the row.
    Reject,
}

/// What to do with an open deal whose row names no account and no contact
/// (early "prospecting" opportunities of CRM exports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoCustomerPolicy {
    /// Import it as an open deal without a customer yet: flagged in the
    /// report (`no_customer`), listed by the deal filter `no_customer`, and
    /// linked to a person or company later.
    #[default]
    Import,
    /// Reject the row (`customer_required`).
    Reject,
}

/// How the file writes dates like `03/04/2024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Month first (`M/D/YYYY`, US exports).
    Mdy,
    /// Day first (`D/M/YYYY`, Italian and most European exports).
    Dmy,
}

/// What the user sees before a deals import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealImportPreview {
    /// The header row.
    pub headers: Vec<String>,
    /// The first rows (at most 10).
    pub sample: Vec<Vec<String>>,
    /// Data rows (header excluded).
    pub total_rows: u64,
    /// Guessed field per column.
    pub mapping: Vec<Option<DealImportField>>,
    /// Date order guessed from the dates in the file.
    pub date_order: DateOrder,
    /// Problems of the mapping (empty = ready).
    pub problems: Vec<FieldError>,
}

/// A deals import to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealImportRequest {
    /// Path of the CSV file.
    pub path: String,
    /// Field per column (`None` = ignored).
    pub mapping: Vec<Option<DealImportField>>,
    /// Pipeline the deals go to.
    pub pipeline_id: Uuid,
    /// Owners not found by name.
    pub missing_owners: MissingPolicy,
    /// Accounts (companies) not found by name.
    pub missing_accounts: MissingPolicy,
    /// Stages not found in the pipeline.
    pub missing_stages: MissingPolicy,
    /// Open deals that name no customer: imported without one, or rejected.
    /// Won and lost deals always need a customer (a won deal makes a
    /// contract).
    #[serde(default)]
    pub no_customer: NoCustomerPolicy,
    /// Date order; guessed from the file when absent.
    #[serde(default)]
    pub date_order: Option<DateOrder>,
    /// Store of the deals (and of created owners); the user's when absent.
    #[serde(default)]
    pub store_id: Option<Uuid>,
}

/// Problems of a mapping: fields mapped twice; no stage column; no way to
/// name the customer (account, contact name, phone or e-mail).
pub fn check_deal_mapping(mapping: &[Option<DealImportField>]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    for f in DealImportField::ALL {
        if mapping.iter().filter(|m| **m == Some(*f)).count() > 1 {
            problems
                .push(FieldError::new(f.as_str(), "duplicate_mapping").with("target", f.as_str()));
        }
    }
    let has = |f| mapping.contains(&Some(f));
    use DealImportField::*;
    if !has(Stage) {
        problems.push(FieldError::new("stage", "missing_field").with("target", "stage"));
    }
    if ![Account, FirstName, LastName, FullName, Phone, Email]
        .into_iter()
        .any(has)
    {
        problems.push(FieldError::new("account", "customer_column_required"));
    }
    problems
}

string_enum! {
    /// A company field that a CSV column can be mapped to. Custom fields of
    /// companies are mapped as `custom.<key>` beside these.
    CompanyImportField {
        /// Trading name (required).
        Name = "name",
        /// Legal name.
        LegalName = "legal_name",
        /// client, supplier, stakeholder, partner.
        Kind = "kind",
        /// prospect, active, inactive.
        Status = "status",
        /// VAT number.
        VatNumber = "vat_number",
        /// Codice fiscale.
        TaxCode = "tax_code",
        /// Website.
        Website = "website",
        /// E-mail.
        Email = "email",
        /// Phone.
        Phone = "phone",
        /// Sector.
        Sector = "sector",
        /// Year established.
        YearEstablished = "year_established",
        /// Annual revenue (major units).
        Revenue = "revenue",
        /// Employees.
        Employees = "employees",
        /// Office location.
        OfficeLocation = "office_location",
        /// Parent company, by name.
        Parent = "parent",
        /// Tags, comma separated.
        Tags = "tags",
        /// Billing address.
        BillingAddress = "billing_address",
        /// Shipping address.
        ShippingAddress = "shipping_address",
    }
}

/// What the user sees before a companies import: the file, the guessed
/// target of each column (a [`CompanyImportField`] name or `custom.<key>`),
/// the targets offered and the mapping's problems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyImportPreview {
    /// Header row.
    pub headers: Vec<String>,
    /// First rows (at most 10).
    pub sample: Vec<Vec<String>>,
    /// Data rows.
    pub total_rows: u64,
    /// Target per column (`None` = ignored).
    pub mapping: Vec<Option<String>>,
    /// Every target offered: `(target, label)`; custom fields carry their
    /// label, standard fields an empty one (the UI translates them).
    pub targets: Vec<(String, String)>,
    /// Problems of the mapping (empty = ready).
    pub problems: Vec<FieldError>,
}

/// A companies import to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyImportRequest {
    /// Path of the CSV file.
    pub path: String,
    /// Target per column (`None` = ignored).
    pub mapping: Vec<Option<String>>,
    /// A company with the same VAT number, or else the same name, is
    /// skipped, or updated with the file's non-blank values (`create` is
    /// read as `skip`: companies are not duplicated on purpose).
    pub duplicates: DuplicatePolicy,
}
