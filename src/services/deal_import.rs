//! Deals import from CRM opportunity exports (CSV): opportunity id, owner,
//! product, account, stage, engage and close dates, close value. Shares the
//! file reading and header matching of [`super::import`].

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

use super::deals::deal_event;
use super::import::{guess_columns, normalise_header, read_csv, CsvTable, PREVIEW_ROWS};
use super::{now, Ctx};
use crate::model::{
    deal_totals, minor_to_decimal, parse_money, search_key, Contract, DateOrder, Deal,
    DealEventKind, DealImportField, DealImportPreview, DealImportRequest, DealLine, DealStatus,
    DealTotals, Email, FieldError, ImportReport, ImportSummary, LostReason, MissingPolicy,
    NoCustomerPolicy, Person, Phone, Pipeline, Role, RowOutcome, RowStatus, SourceChannel, Stage,
    User, Utm, DEFAULT_CONTRACT_MONTHS, MAX_UNIT_MINOR,
};
use crate::store::{deal_search_text, Conn, Db};
use crate::{with_tx, Error, Result};

/// Label of the lost reason given to imported lost deals (created on demand).
pub const IMPORTED_LOST_REASON: &str = "Non indicato (import)";

/// Normalised header names that mean each field, English and Italian.
fn synonyms(field: DealImportField) -> &'static [&'static str] {
    use DealImportField::*;
    match field {
        ExternalRef => &[
            "opportunityid",
            "opportunity",
            "dealid",
            "id",
            "externalid",
            "idopportunita",
            "idtrattativa",
            "codice",
        ],
        Title => &[
            "title",
            "dealname",
            "opportunityname",
            "titolo",
            "nometrattativa",
        ],
        Owner => &[
            "salesagent",
            "agent",
            "owner",
            "dealowner",
            "salesrep",
            "assignedto",
            "agente",
            "venditore",
            "responsabile",
            "consulente",
        ],
        Product => &["product", "offer", "plan", "prodotto", "offerta", "piano"],
        Account => &[
            "account",
            "accountname",
            "company",
            "companyname",
            "organization",
            "cliente",
            "azienda",
            "ragionesociale",
        ],
        FirstName => &["firstname", "nome"],
        LastName => &["lastname", "surname", "cognome"],
        FullName => &[
            "contact",
            "contactname",
            "fullname",
            "contatto",
            "referente",
        ],
        Phone => &["phone", "telephone", "mobile", "telefono", "cellulare"],
        Email => &["email", "mail", "emailaddress", "posta"],
        Stage => &["dealstage", "stage", "status", "fase", "stato", "stadio"],
        EngageDate => &[
            "engagedate",
            "createddate",
            "opendate",
            "created",
            "dataapertura",
            "datacreazione",
            "datainizio",
        ],
        CloseDate => &[
            "closedate",
            "closingdate",
            "expectedclose",
            "datachiusura",
            "chiusura",
        ],
        CloseValue => &[
            "closevalue",
            "value",
            "amount",
            "dealvalue",
            "revenue",
            "valore",
            "importo",
        ],
        MonthlyValue => &["monthly", "monthlyvalue", "mrr", "canone", "canonemensile"],
    }
}

/// Guesses the field of each column from its header (see
/// `services::import::guess_columns`); each field used once.
pub fn guess_mapping(headers: &[String]) -> Vec<Option<DealImportField>> {
    guess_columns(headers, DealImportField::ALL, synonyms, |_| true)
}

/// Guesses the date order from the date columns: a first number above 12
/// means day first, a second above 12 month first; otherwise the tenant's
/// region decides (`US`, `CA`, `PH` month first, others day first).
pub fn guess_date_order(
    table: &CsvTable,
    mapping: &[Option<DealImportField>],
    region: &str,
) -> DateOrder {
    for (i, f) in mapping.iter().enumerate() {
        if !matches!(
            f,
            Some(DealImportField::EngageDate | DealImportField::CloseDate)
        ) {
            continue;
        }
        for (_, row) in &table.rows {
            let Some(v) = row.get(i) else { continue };
            let parts: Vec<u32> = v
                .split(['/', '.', '-'])
                .filter_map(|p| p.trim().parse().ok())
                .collect();
            if parts.len() == 3 && parts[0] <= 31 && parts[2] > 31 {
                if parts[0] > 12 {
                    return DateOrder::Dmy;
                }
                if parts[1] > 12 {
                    return DateOrder::Mdy;
                }
            }
        }
    }
    if matches!(region, "US" | "CA" | "PH") {
        DateOrder::Mdy
    } else {
        DateOrder::Dmy
    }
}

/// Parses a date in ISO form (`YYYY-MM-DD`, RFC 3339) or in `order`
/// (`M/D/YYYY` or `D/M/YYYY`, separators `/ . -`, two-digit years as 20YY).
pub fn parse_date_in(value: &str, order: DateOrder) -> Option<NaiveDate> {
    let v = value.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(v) {
        return Some(dt.with_timezone(&Utc).date_naive());
    }
    let day = v.split([' ', 'T']).next().unwrap_or(v);
    let formats: &[&str] = match order {
        DateOrder::Mdy => &[
            "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y",
        ],
        DateOrder::Dmy => &[
            "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y",
        ],
    };
    formats
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(day, f).ok())
        .filter(|d| (1900..=2100).contains(&chrono::Datelike::year(d)))
}

pub use crate::model::check_deal_mapping as check_mapping;

/// Reads a file and proposes a mapping and a date order.
pub fn preview(path: &Path, region: &str) -> Result<DealImportPreview> {
    let table = read_csv(path)?;
    let mapping = guess_mapping(&table.headers);
    let date_order = guess_date_order(&table, &mapping, region);
    Ok(DealImportPreview {
        headers: table.headers.clone(),
        sample: table
            .rows
            .iter()
            .take(PREVIEW_ROWS)
            .map(|(_, r)| r.clone())
            .collect(),
        total_rows: table.rows.len() as u64,
        problems: check_mapping(&mapping),
        mapping,
        date_order,
    })
}

/// What a stage cell means.
enum StageValue {
    Open(Stage),
    /// A stage the pipeline lacks, to be created (policy `create`).
    New(String),
    Won,
    Lost,
}

/// An owner or account named by a row: known, to be created, or none.
enum Found {
    Existing(Uuid),
    New(String),
    None,
}

fn outcome_of(value: &str) -> Option<DealStatus> {
    match normalise_header(value).as_str() {
        "won" | "closedwon" | "win" | "vinto" | "vinta" | "chiusovinto" | "chiusavinta" => {
            Some(DealStatus::Won)
        }
        "lost" | "closedlost" | "perso" | "persa" | "chiusoperso" | "chiusapersa" => {
            Some(DealStatus::Lost)
        }
        _ => None,
    }
}

/// Imports deals into `request.pipeline_id`, in one transaction, and reports
/// every row:
/// - a row whose opportunity id was imported before is skipped;
/// - the owner is matched by name among the users (accent- and
///   case-insensitive) or created as staff, per `missing_owners`;
/// - the account is matched by name or created, per `missing_accounts`; a
///   contact (name, phone, e-mail) is matched by phone/e-mail or created;
/// - the stage is a stage of the pipeline, or won / lost (`Won`, `Closed
///   Won`, `Vinto`, `Lost`, `Perso`, …); unknown stages are created at the
///   end or the row rejected, per `missing_stages`;
/// - the engage date becomes the creation time; the close date is the
///   actual close of won/lost deals (required for them) and the expected
///   close of open ones; the close value a one-off line of the product;
/// - won deals make their customer a customer with a contract; lost deals
///   get the reason "Non indicato (import)".
///
/// Store managers and admins only.
///
/// Errors: [`Error::Forbidden`] (`import_data`); [`Error::Validation`]
/// with the mapping's problems (nothing is written); [`Error::NotFound`]
/// for the pipeline; [`Error::Cancelled`];
/// I/O, CSV and database errors — the database is then left as it was.
pub async fn run(
    db: &Db,
    ctx: &Ctx,
    request: &DealImportRequest,
    mut progress: impl FnMut(u64, u64) + Send,
    cancel: &AtomicBool,
) -> Result<ImportReport> {
    ctx.require_manager("import_data")?;
    let path = Path::new(&request.path);
    let table = read_csv(path)?;
    let mut mapping = request.mapping.clone();
    mapping.resize(table.headers.len(), None);
    let problems = check_mapping(&mapping);
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let order = request
        .date_order
        .unwrap_or_else(|| guess_date_order(&table, &mapping, ctx.region()));
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    with_tx!(db, |c| {
        let mut run = Run {
            ctx,
            request,
            order,
            file_name: &file_name,
            pipeline: super::pipelines::get(c, ctx, request.pipeline_id).await?,
            users: c.list_users(ctx.tenant_id()).await?,
            store_id: super::capture::store_or_users(c, ctx, request.store_id).await?,
            lost_reason: None,
        };
        let total = table.rows.len() as u64;
        let mut summary = ImportSummary {
            rows: total,
            ..Default::default()
        };
        let mut rows = Vec::with_capacity(table.rows.len());
        let step = (total / 100).max(1);
        for (n, (line, cells)) in table.rows.iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled);
            }
            let outcome = run.row(c, &mapping, *line, cells).await?;
            match outcome.status {
                RowStatus::Imported | RowStatus::Merged => summary.imported += 1,
                RowStatus::Skipped => summary.skipped += 1,
                RowStatus::Rejected => summary.rejected += 1,
            }
            rows.push(outcome);
            let done = n as u64 + 1;
            if done % step == 0 || done == total {
                progress(done, total);
            }
        }
        if total >= 5_000 {
            c.analyze().await?;
        }
        Ok(ImportReport {
            summary,
            rows,
            ..Default::default()
        })
    })
}

struct Run<'a> {
    ctx: &'a Ctx,
    request: &'a DealImportRequest,
    order: DateOrder,
    file_name: &'a str,
    pipeline: Pipeline,
    users: Vec<User>,
    store_id: Option<Uuid>,
    lost_reason: Option<Uuid>,
}

impl Run<'_> {
    async fn row(
        &mut self,
        c: &mut Conn<'_>,
        mapping: &[Option<DealImportField>],
        line: u64,
        cells: &[String],
    ) -> Result<RowOutcome> {
        use DealImportField as F;
        let tenant = self.ctx.tenant_id();
        let get = |f: F| -> Option<&str> {
            mapping
                .iter()
                .position(|m| *m == Some(f))
                .and_then(|i| cells.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let mut out = RowOutcome::rejected(line, Vec::new());
        let external_ref = get(F::ExternalRef).map(str::to_string);
        if let Some(r) = &external_ref {
            if let Some(existing) = c.find_deal_by_ref(tenant, r).await? {
                out.status = RowStatus::Skipped;
                out.deal_id = Some(existing);
                out.messages
                    .push(FieldError::new("external_ref", "already_imported").with("value", r));
                return Ok(out);
            }
        }
        let mut errors = Vec::new();
        // Dates and money first: they need no database.
        let date = |f: F, errors: &mut Vec<FieldError>| -> Option<NaiveDate> {
            let v = get(f)?;
            let d = parse_date_in(v, self.order);
            if d.is_none() {
                errors.push(FieldError::new(f.as_str(), "invalid_date").with("value", v));
            }
            d
        };
        let engage = date(F::EngageDate, &mut errors);
        let close = date(F::CloseDate, &mut errors);
        let money = |f: F, errors: &mut Vec<FieldError>| -> i64 {
            let refused = match get(f).map(|v| parse_money(v, f.as_str())) {
                None => return 0,
                Some(Ok(m)) if (0..=MAX_UNIT_MINOR).contains(&m) => return m,
                Some(Ok(m)) if m < 0 => {
                    FieldError::new(f.as_str(), "negative").with("value", m.to_string())
                }
                Some(Ok(m)) => FieldError::new(f.as_str(), "out_of_range")
                    .with("min", "0")
                    .with("max", minor_to_decimal(MAX_UNIT_MINOR))
                    .with("value", minor_to_decimal(m)),
                Some(Err(e)) => e,
            };
            errors.push(refused);
            0
        };
        let one_off = money(F::CloseValue, &mut errors);
        let monthly = money(F::MonthlyValue, &mut errors);
        // Resolve everything first, reading only; a rejected row writes
        // nothing (no stage, owner, account or person is created for it).
        let stage_value = match get(F::Stage) {
            None => {
                errors.push(FieldError::new("stage", "required"));
                None
            }
            Some(v) => match outcome_of(v) {
                Some(DealStatus::Won) => Some(StageValue::Won),
                Some(_) => Some(StageValue::Lost),
                None => {
                    let key = search_key(v);
                    match self
                        .pipeline
                        .stages
                        .iter()
                        .find(|s| search_key(&s.name) == key)
                    {
                        Some(s) => Some(StageValue::Open(s.clone())),
                        None if self.request.missing_stages == MissingPolicy::Create => {
                            Some(StageValue::New(v.chars().take(120).collect()))
                        }
                        None => {
                            errors.push(FieldError::new("stage", "unknown_value").with("value", v));
                            None
                        }
                    }
                }
            },
        };
        let status = match &stage_value {
            Some(StageValue::Won) => DealStatus::Won,
            Some(StageValue::Lost) => DealStatus::Lost,
            _ => DealStatus::Open,
        };
        if status != DealStatus::Open && close.is_none() && get(F::CloseDate).is_none() {
            errors.push(FieldError::new("close_date", "required"));
        }
        let owner = match get(F::Owner) {
            None => Found::Existing(self.ctx.user.id),
            Some(name) => {
                let key = search_key(name);
                match self
                    .users
                    .iter()
                    .find(|u| search_key(&u.display_name) == key)
                {
                    Some(u) => Found::Existing(u.id),
                    None if self.request.missing_owners == MissingPolicy::Create => {
                        Found::New(name.chars().take(100).collect())
                    }
                    None => {
                        errors.push(FieldError::new("owner", "unknown_value").with("value", name));
                        Found::None
                    }
                }
            }
        };
        let company = match get(F::Account) {
            None => Found::None,
            Some(name) => match c.find_company(tenant, &search_key(name)).await? {
                Some(id) => Found::Existing(id),
                None if self.request.missing_accounts == MissingPolicy::Create => {
                    Found::New(name.to_string())
                }
                None => {
                    errors.push(FieldError::new("account", "unknown_value").with("value", name));
                    Found::None
                }
            },
        };
        let (mut first, mut last) = (
            get(F::FirstName).unwrap_or("").to_string(),
            get(F::LastName).unwrap_or("").to_string(),
        );
        if let Some(full) = get(F::FullName) {
            if first.is_empty() && last.is_empty() {
                let mut parts = full.splitn(2, ' ');
                first = parts.next().unwrap_or("").to_string();
                last = parts.next().unwrap_or("").to_string();
            }
        }
        let mut warnings = Vec::new();
        let phone = get(F::Phone).and_then(|p| {
            Phone::parse(p, self.ctx.region(), "phone")
                .map_err(|e| warnings.push(e))
                .ok()
        });
        let email =
            get(F::Email).and_then(|e| Email::parse(e, "email").map_err(|e| warnings.push(e)).ok());
        let has_contact =
            phone.is_some() || email.is_some() || !(first.is_empty() && last.is_empty());
        if !has_contact && get(F::Account).is_none() {
            if status == DealStatus::Open && self.request.no_customer == NoCustomerPolicy::Import {
                warnings.push(FieldError::new("account", "no_customer"));
            } else {
                errors.push(FieldError::new("account", "customer_required"));
            }
        }
        if !errors.is_empty() {
            out.messages.extend(errors);
            out.messages.extend(warnings);
            return Ok(out);
        }
        out.messages.extend(warnings);

        // The row is good: create what it names and the database lacks.
        let at = now();
        let stage_value = match stage_value {
            Some(StageValue::New(name)) => {
                let stage = Stage {
                    id: Uuid::now_v7(),
                    pipeline_id: self.pipeline.id,
                    name: name.clone(),
                    position: self.pipeline.stages.len() as u32,
                    probability: 50,
                    archived: false,
                };
                c.insert_stage(tenant, &stage).await?;
                self.pipeline.stages.push(stage.clone());
                out.messages
                    .push(FieldError::new("stage", "created").with("value", name));
                Some(StageValue::Open(stage))
            }
            other => other,
        };
        let owner_id = match owner {
            Found::Existing(id) => Some(id),
            Found::New(name) => {
                let user = User {
                    id: Uuid::now_v7(),
                    display_name: name.clone(),
                    email: None,
                    role: Role::Staff,
                    store_id: self.store_id,
                    active: true,
                    created_at: at,
                    // Owners named by a CRM export cannot sign in until an
                    // admin gives them a login and a password.
                    login: None,
                    has_password: false,
                    stores: Vec::new(),
                };
                c.insert_user(tenant, &user).await?;
                self.users.push(user.clone());
                out.messages
                    .push(FieldError::new("owner", "created").with("value", name));
                Some(user.id)
            }
            Found::None => None,
        };
        let company = match company {
            Found::Existing(id) => Some((id, get(F::Account).unwrap_or_default().to_string())),
            Found::New(name) => {
                let id = Uuid::now_v7();
                c.insert_company(tenant, id, &name, at).await?;
                out.messages
                    .push(FieldError::new("account", "created").with("value", name.clone()));
                Some((id, name))
            }
            Found::None => None,
        };
        let person = if has_contact {
            let phones: Vec<String> = phone.iter().map(|p| p.e164().to_string()).collect();
            let found = c
                .find_people_by_contact(tenant, &phones, email.as_ref().map(Email::as_str))
                .await?
                .into_iter()
                .next();
            match found {
                Some(p) => Some(p),
                None => {
                    let mut p = Person::new(
                        Uuid::now_v7(),
                        first.clone(),
                        last.clone(),
                        phone.as_ref().map(|p| p.e164().to_string()),
                        email.as_ref().map(|e| e.as_str().to_string()),
                        at,
                    );
                    p.company_name = company.as_ref().map(|(_, n)| n.clone());
                    c.insert_person(tenant, &p).await?;
                    Some(p)
                }
            }
        } else {
            None
        };
        let product = get(F::Product).unwrap_or(&self.pipeline.name).to_string();
        let lines = vec![DealLine {
            id: Uuid::now_v7(),
            product: product.chars().take(120).collect(),
            quantity: 1,
            one_off_minor: one_off,
            monthly_minor: monthly,
        }];
        let months = if monthly > 0 {
            DEFAULT_CONTRACT_MONTHS
        } else {
            0
        };
        let totals: DealTotals = deal_totals(&lines, months);
        let open_stages: Vec<&Stage> = self
            .pipeline
            .stages
            .iter()
            .filter(|s| !s.archived)
            .collect();
        let stage = match &stage_value {
            Some(StageValue::Open(s)) => s.clone(),
            Some(StageValue::Won) => (*open_stages
                .last()
                .ok_or_else(|| Error::field("pipeline_id", "no_stages"))?)
            .clone(),
            _ => (*open_stages
                .first()
                .ok_or_else(|| Error::field("pipeline_id", "no_stages"))?)
            .clone(),
        };
        let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
        let created_at = engage.map(midnight).unwrap_or(at);
        let closed_at = match status {
            DealStatus::Open => None,
            _ => Some(close.map(midnight).unwrap_or(at).max(created_at)),
        };
        let lost_reason_id = if status == DealStatus::Lost {
            Some(self.lost_reason_id(c).await?)
        } else {
            None
        };
        let person_name = person.as_ref().map(|p| {
            format!("{} {}", p.first_name, p.last_name)
                .trim()
                .to_string()
        });
        let title = get(F::Title).map(str::to_string).unwrap_or_else(|| {
            // Product and customer; a deal without one yet is named by its
            // opportunity id instead.
            let who = company
                .as_ref()
                .map(|(_, n)| n.clone())
                .or(person_name.clone())
                .filter(|n| !n.is_empty())
                .or(external_ref.clone());
            match who {
                Some(w) => format!("{product} – {w}"),
                None => product.clone(),
            }
        });
        let deal = Deal {
            id: Uuid::now_v7(),
            pipeline_id: self.pipeline.id,
            stage_id: stage.id,
            status,
            title: title.chars().take(200).collect(),
            person_id: person.as_ref().map(|p| p.id),
            company_id: company.as_ref().map(|(id, _)| *id),
            lead_id: None,
            owner_id,
            store_id: self.store_id,
            campaign_id: None,
            source_channel: SourceChannel::Import,
            utm: Utm::default(),
            currency: self.ctx.tenant.currency.clone(),
            totals,
            contract_months: months,
            probability: match status {
                DealStatus::Open => stage.probability,
                DealStatus::Won => 100,
                DealStatus::Lost => 0,
            },
            probability_overridden: false,
            expected_close: if status == DealStatus::Open {
                close
            } else {
                None
            },
            closed_at,
            lost_reason_id,
            lost_note: None,
            external_ref,
            rule_id: None,
            stage_entered_at: created_at,
            created_at,
            updated_at: at,
            created_by: Some(self.ctx.user.id),
            version: 1,
        };
        let search = deal_search_text(
            &deal.title,
            person_name.as_deref(),
            company.as_ref().map(|(_, n)| n.as_str()),
        );
        c.insert_deal(tenant, &deal, &search).await?;
        c.replace_lines(tenant, deal.id, &lines).await?;
        let mut e = deal_event(deal.id, DealEventKind::Imported, self.ctx, created_at);
        e.to_stage_id = Some(stage.id);
        e.detail = Some(self.file_name.to_string());
        c.insert_deal_event(tenant, &e).await?;
        if let Some(closed) = closed_at {
            let kind = if status == DealStatus::Won {
                DealEventKind::Won
            } else {
                DealEventKind::Lost
            };
            let mut e = deal_event(deal.id, kind, self.ctx, closed);
            e.from_stage_id = Some(stage.id);
            c.insert_deal_event(tenant, &e).await?;
        }
        if status == DealStatus::Won {
            let contract = Contract::signed(
                deal.id,
                deal.person_id,
                deal.company_id,
                product,
                closed_at.unwrap_or(at).date_naive(),
                (totals.one_off_minor, totals.monthly_minor),
                deal.currency.clone(),
                deal.contract_months,
            )
            .active_since_signed();
            super::contracts::open_in(c, self.ctx, &contract, at).await?;
            if let Some(p) = deal.person_id {
                c.mark_customer(tenant, p, false, at).await?;
            }
            if let Some((co, _)) = &company {
                c.mark_customer(tenant, *co, true, at).await?;
            }
        }
        out.status = RowStatus::Imported;
        out.person_id = deal.person_id;
        out.deal_id = Some(deal.id);
        Ok(out)
    }

    async fn lost_reason_id(&mut self, c: &mut Conn<'_>) -> Result<Uuid> {
        if let Some(id) = self.lost_reason {
            return Ok(id);
        }
        let tenant = self.ctx.tenant_id();
        let reasons = c.list_lost_reasons(tenant).await?;
        let id = match reasons.iter().find(|r| r.label == IMPORTED_LOST_REASON) {
            Some(r) => r.id,
            None => {
                let r = LostReason {
                    id: Uuid::now_v7(),
                    label: IMPORTED_LOST_REASON.into(),
                    archived: false,
                };
                c.insert_lost_reason(tenant, &r, reasons.len() as u32)
                    .await?;
                r.id
            }
        };
        self.lost_reason = Some(id);
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_a_crm_opportunity_export() {
        let headers: Vec<String> = [
            "opportunity_id",
            "sales_agent",
            "product",
            "account",
            "deal_stage",
            "engage_date",
            "close_date",
            "close_value",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        use DealImportField::*;
        assert_eq!(
            guess_mapping(&headers),
            vec![
                Some(ExternalRef),
                Some(Owner),
                Some(Product),
                Some(Account),
                Some(Stage),
                Some(EngageDate),
                Some(CloseDate),
                Some(CloseValue)
            ]
        );
    }

    #[test]
    fn dates_follow_the_order() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_date_in("3/4/2024", DateOrder::Mdy), d(2024, 3, 4));
        assert_eq!(parse_date_in("3/4/2024", DateOrder::Dmy), d(2024, 4, 3));
        assert_eq!(parse_date_in("2024-03-04", DateOrder::Dmy), d(2024, 3, 4));
        assert_eq!(parse_date_in("12/31/2024", DateOrder::Dmy), None);
        assert_eq!(parse_date_in("soon", DateOrder::Mdy), None);
    }

    #[test]
    fn stage_outcomes_in_both_languages() {
        assert_eq!(outcome_of("Won"), Some(DealStatus::Won));
        assert_eq!(outcome_of("Closed Lost"), Some(DealStatus::Lost));
        assert_eq!(outcome_of("Chiuso vinto"), Some(DealStatus::Won));
        assert_eq!(outcome_of("Engaging"), None);
    }
}
