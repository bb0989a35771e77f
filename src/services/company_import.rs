//! Companies import from CSV, on the same mapping screen as people and
//! deals: sector, year established, revenue, employees, office location,
//! parent company by name, and the tenant's custom fields.

use std::collections::HashSet;
use std::path::Path;

use uuid::Uuid;

use super::import::{guess_columns, normalise_header, read_csv, CsvTable};
use super::{now, Ctx};
use crate::model::{
    check_custom_values, search_key, Company, CompanyImportField, CompanyImportPreview,
    CompanyImportRequest, CompanyInput, CustomField, DuplicatePolicy, EntityType, FieldError,
    ImportReport, ImportSummary, RowOutcome, RowStatus,
};
use crate::store::Db;
use crate::{with_conn, with_tx, Error, Result};

const PREVIEW_ROWS: usize = 10;

/// Normalised headers that name each field (Italian and English, and the
/// column names of common CRM account exports).
fn synonyms(field: CompanyImportField) -> &'static [&'static str] {
    use CompanyImportField::*;
    match field {
        Name => &[
            "name",
            "account",
            "accountname",
            "company",
            "companyname",
            "organization",
            "azienda",
            "ragionesociale",
            "nome",
            "denominazione",
            "cliente",
        ],
        LegalName => &[
            "legalname",
            "registeredname",
            "nomelegale",
            "ragionesocialecompleta",
        ],
        Kind => &["type", "kind", "accounttype", "tipo", "tipologia"],
        Status => &["status", "stato"],
        VatNumber => &[
            "vat",
            "vatnumber",
            "vatid",
            "piva",
            "partitaiva",
            "partitaiva",
        ],
        TaxCode => &["taxcode", "codicefiscale", "cf", "fiscalcode"],
        Website => &["website", "web", "url", "sitoweb", "sito"],
        Email => &["email", "mail", "pec", "indirizzoemail"],
        Phone => &["phone", "telephone", "tel", "telefono", "phonenumber"],
        Sector => &["sector", "industry", "settore", "comparto"],
        YearEstablished => &[
            "yearestablished",
            "established",
            "founded",
            "yearfounded",
            "annofondazione",
            "fondazione",
        ],
        Revenue => &["revenue", "annualrevenue", "fatturato", "ricavi"],
        Employees => &[
            "employees",
            "numberofemployees",
            "dipendenti",
            "numerodipendenti",
        ],
        OfficeLocation => &[
            "officelocation",
            "location",
            "city",
            "headquarters",
            "sede",
            "citta",
            "localita",
        ],
        Parent => &[
            "parent",
            "parentcompany",
            "subsidiaryof",
            "parentaccount",
            "controllante",
            "capogruppo",
            "gruppo",
        ],
        Tags => &["tags", "tag", "etichette"],
        BillingAddress => &[
            "billingaddress",
            "address",
            "indirizzo",
            "indirizzofatturazione",
        ],
        ShippingAddress => &[
            "shippingaddress",
            "indirizzospedizione",
            "indirizzoconsegna",
        ],
    }
}

/// Guesses each column's target: the standard fields by their synonyms,
/// then custom fields whose key or label matches the header.
pub fn guess_mapping(headers: &[String], custom: &[CustomField]) -> Vec<Option<String>> {
    let standard = guess_columns(headers, CompanyImportField::ALL, synonyms, |_| true);
    headers
        .iter()
        .zip(standard)
        .map(|(h, f)| {
            f.map(|f| f.as_str().to_string()).or_else(|| {
                let n = normalise_header(h);
                custom
                    .iter()
                    .find(|c| normalise_header(&c.key) == n || normalise_header(&c.label) == n)
                    .map(|c| format!("custom.{}", c.key))
            })
        })
        .collect()
}

/// Problems of a mapping: the name must be mapped; each target once; a
/// target must be a field or an active custom field of companies.
pub fn check_mapping(mapping: &[Option<String>], custom: &[CustomField]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for target in mapping.iter().flatten() {
        let known = target.parse::<CompanyImportField>().is_ok()
            || target
                .strip_prefix("custom.")
                .is_some_and(|k| custom.iter().any(|c| c.key == k));
        if !known {
            problems.push(FieldError::new("mapping", "unknown_value").with("value", target));
        } else if !seen.insert(target.clone()) {
            problems.push(FieldError::new("mapping", "duplicate_mapping").with("target", target));
        }
    }
    if !mapping.iter().flatten().any(|t| t == "name") {
        problems.push(FieldError::new("mapping", "missing_field").with("target", "name"));
    }
    problems
}

async fn custom_fields(db: &Db, ctx: &Ctx) -> Result<Vec<CustomField>> {
    let tenant = ctx.tenant_id();
    Ok(with_conn!(db, |c| super::custom_fields::fields_for(
        c,
        tenant,
        EntityType::Company
    )
    .await)?
    .into_iter()
    .filter(|f| !f.archived)
    .collect())
}

/// Reads a CSV file and proposes a mapping (see [`guess_mapping`]).
///
/// Errors: I/O and CSV errors; `file`: `empty`.
pub async fn preview(db: &Db, ctx: &Ctx, path: &Path) -> Result<CompanyImportPreview> {
    let table = read_csv(path)?;
    let custom = custom_fields(db, ctx).await?;
    let mapping = guess_mapping(&table.headers, &custom);
    let mut targets: Vec<(String, String)> = CompanyImportField::ALL
        .iter()
        .map(|f| (f.as_str().to_string(), String::new()))
        .collect();
    targets.extend(
        custom
            .iter()
            .map(|c| (format!("custom.{}", c.key), c.label.clone())),
    );
    Ok(CompanyImportPreview {
        headers: table.headers.clone(),
        sample: table
            .rows
            .iter()
            .take(PREVIEW_ROWS)
            .map(|(_, r)| r.clone())
            .collect(),
        total_rows: table.rows.len() as u64,
        problems: check_mapping(&mapping, &custom),
        mapping,
        targets,
    })
}

/// One row read into a form and its parent's name.
fn row_input(mapping: &[Option<String>], row: &[String]) -> (CompanyInput, Option<String>) {
    let mut input = CompanyInput::default();
    let mut parent = None;
    for (target, value) in mapping.iter().zip(row) {
        let Some(target) = target else { continue };
        let v = value.trim().to_string();
        if let Some(key) = target.strip_prefix("custom.") {
            if !v.is_empty() {
                input
                    .custom
                    .insert(key.to_string(), serde_json::Value::String(v));
            }
            continue;
        }
        use CompanyImportField::*;
        match target.parse::<CompanyImportField>() {
            Ok(Name) => input.name = v,
            Ok(LegalName) => input.legal_name = v,
            Ok(Kind) => input.kind = v,
            Ok(Status) => input.status = v,
            Ok(VatNumber) => input.vat_number = v,
            Ok(TaxCode) => input.tax_code = v,
            Ok(Website) => input.website = v,
            Ok(Email) => input.email = v,
            Ok(Phone) => input.phone = v,
            Ok(Sector) => input.sector = v,
            Ok(YearEstablished) => input.year_established = v,
            Ok(Revenue) => input.revenue = v,
            Ok(Employees) => input.employees = v,
            Ok(OfficeLocation) => input.office_location = v,
            Ok(Parent) => parent = Some(v).filter(|p| !p.is_empty()),
            Ok(Tags) => input.tags = v,
            Ok(BillingAddress) => input.billing_address = v,
            Ok(ShippingAddress) => input.shipping_address = v,
            Err(()) => {}
        }
    }
    (input, parent)
}

/// Overwrites `old` with the non-blank values of `new` (an update import).
fn overlay(old: &Company, new: &Company) -> Company {
    fn pick<T: Clone>(new: &Option<T>, old: &Option<T>) -> Option<T> {
        new.clone().or_else(|| old.clone())
    }
    let mut custom = old.custom.clone();
    custom.extend(new.custom.clone());
    Company {
        id: old.id,
        name: new.name.clone(),
        legal_name: pick(&new.legal_name, &old.legal_name),
        kind: new.kind,
        status: new.status,
        vat_number: pick(&new.vat_number, &old.vat_number),
        tax_code: pick(&new.tax_code, &old.tax_code),
        billing_address: pick(&new.billing_address, &old.billing_address),
        shipping_address: pick(&new.shipping_address, &old.shipping_address),
        website: pick(&new.website, &old.website),
        email: pick(&new.email, &old.email),
        phone: pick(&new.phone, &old.phone),
        tags: if new.tags.is_empty() {
            old.tags.clone()
        } else {
            new.tags.clone()
        },
        owner_id: old.owner_id,
        parent_id: old.parent_id,
        sector: pick(&new.sector, &old.sector),
        year_established: pick(&new.year_established, &old.year_established),
        revenue_minor: pick(&new.revenue_minor, &old.revenue_minor),
        employees: pick(&new.employees, &old.employees),
        office_location: pick(&new.office_location, &old.office_location),
        is_customer: old.is_customer,
        custom,
        created_at: old.created_at,
        updated_at: new.updated_at,
    }
}

/// Imports companies in one transaction and reports every row:
/// - each row is checked like the company form (VAT check digit, tax code,
///   website, numbers, custom fields); a row with errors is rejected with
///   every error named (`row N` is its line in the file) and writes nothing;
/// - a company with the same VAT number, else the same name (accents and
///   case ignored), is skipped or updated per `duplicates`;
/// - parents are matched by name after every row is in, so a parent may
///   come later in the file; an unknown parent leaves the row imported
///   with a note, and a company never becomes its own parent.
///
/// Store managers and admins only. Errors: [`Error::Forbidden`]
/// (`import_data`); [`Error::Validation`] with the mapping's problems (nothing is
/// written); I/O, CSV and database errors leave the database as it was.
pub async fn run(db: &Db, ctx: &Ctx, request: &CompanyImportRequest) -> Result<ImportReport> {
    ctx.require_manager("import_data")?;
    let table: CsvTable = read_csv(Path::new(&request.path))?;
    let custom = custom_fields(db, ctx).await?;
    let mut mapping = request.mapping.clone();
    mapping.resize(table.headers.len(), None);
    let problems = check_mapping(&mapping, &custom);
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let tenant = ctx.tenant_id();
    let region = ctx.region().to_string();
    with_tx!(db, |c| {
        let mut summary = ImportSummary::default();
        let mut rows: Vec<RowOutcome> = Vec::new();
        let mut parents: Vec<(usize, Uuid, String)> = Vec::new();
        for (line, row) in &table.rows {
            summary.rows += 1;
            let (input, parent) = row_input(&mapping, row);
            let mut errors = Vec::new();
            let valid = input.validate(&region).map_err(|e| errors.extend(e)).ok();
            let values = check_custom_values(&custom, &input.custom, true)
                .map_err(|e| errors.extend(e))
                .ok();
            let (Some(v), Some(values), true) = (valid, values, errors.is_empty()) else {
                summary.rejected += 1;
                rows.push(RowOutcome::rejected(*line, errors));
                continue;
            };
            let at = now();
            let incoming = v.into_company(Uuid::now_v7(), false, values, at, at);
            let existing = match &incoming.vat_number {
                Some(vat) => c.companies_by_vat(tenant, vat).await?.into_iter().next(),
                None => None,
            };
            let existing = match existing {
                Some(id) => Some(id),
                None => c.find_company(tenant, &search_key(&incoming.name)).await?,
            };
            let mut messages = Vec::new();
            let (status, id) = match (existing, request.duplicates) {
                (Some(id), DuplicatePolicy::Update) => {
                    let old = c
                        .get_company(tenant, id)
                        .await?
                        .ok_or_else(|| Error::NotFound {
                            entity: "company",
                            id: id.to_string(),
                        })?;
                    c.update_company(tenant, &overlay(&old, &incoming), old.updated_at)
                        .await?;
                    c.insert_record_event(
                        tenant,
                        EntityType::Company,
                        id,
                        "imported",
                        Some(&request.path),
                        Some(ctx.user.id),
                        at,
                    )
                    .await?;
                    summary.merged += 1;
                    (RowStatus::Merged, id)
                }
                (Some(id), _) => {
                    let name = c.company_name(tenant, id).await?.unwrap_or_default();
                    messages.push(FieldError::new("name", "duplicate_skipped").with("value", name));
                    summary.skipped += 1;
                    (RowStatus::Skipped, id)
                }
                (None, _) => {
                    c.insert_company_full(tenant, &incoming).await?;
                    c.insert_record_event(
                        tenant,
                        EntityType::Company,
                        incoming.id,
                        "imported",
                        Some(&request.path),
                        Some(ctx.user.id),
                        at,
                    )
                    .await?;
                    summary.imported += 1;
                    (RowStatus::Imported, incoming.id)
                }
            };
            if let (Some(p), true) = (parent, status != RowStatus::Skipped) {
                parents.push((rows.len(), id, p));
            }
            rows.push(RowOutcome {
                line: *line,
                status,
                person_id: None,
                lead_id: None,
                deal_id: None,
                messages,
            });
        }
        for (index, id, parent_name) in parents {
            let parent = c.find_company(tenant, &search_key(&parent_name)).await?;
            match parent {
                Some(p) if p != id => {
                    if let Some(mut company) = c.get_company(tenant, id).await? {
                        // Never close a loop: walk up from the parent.
                        let mut at = Some(p);
                        let mut cycle = false;
                        while let Some(x) = at {
                            if x == id {
                                cycle = true;
                                break;
                            }
                            at = c.get_company(tenant, x).await?.and_then(|c| c.parent_id);
                        }
                        if cycle {
                            rows[index]
                                .messages
                                .push(FieldError::new("parent", "cycle"));
                        } else {
                            company.parent_id = Some(p);
                            let read_at = company.updated_at;
                            c.update_company(tenant, &company, read_at).await?;
                        }
                    }
                }
                Some(_) => rows[index]
                    .messages
                    .push(FieldError::new("parent", "cycle")),
                None => rows[index]
                    .messages
                    .push(FieldError::new("parent", "unknown_value").with("value", parent_name)),
            }
        }
        Ok(ImportReport {
            summary,
            rows,
            ..Default::default()
        })
    })
}
