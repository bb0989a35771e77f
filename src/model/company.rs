//! Companies (accounts) and their contacts (their tax identifiers are
//! checked by [`super::tax_id`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::contact::check_url;
use super::custom::CustomValues;
use super::field_error::check_name;
use super::string_enum::string_enum;
use super::tax_id::{check_company_tax_code, check_vat};
use super::{Email, FieldError, Phone};

string_enum! {
    /// What a company is to the tenant (seed 001).
    CompanyKind {
        /// Buys from the tenant (the default).
        Client = "client",
        /// Sells to the tenant.
        Supplier = "supplier",
        /// Has a stake (an administration, an association).
        Stakeholder = "stakeholder",
        /// Works with the tenant (an installer, an agency).
        Partner = "partner",
    }
}

string_enum! {
    /// Where a company stands.
    CompanyStatus {
        /// Being approached; nothing signed yet.
        Prospect = "prospect",
        /// Current (the default).
        Active = "active",
        /// No longer followed.
        Inactive = "inactive",
    }
}

/// A company: an account that deals, contacts, notes and documents hang on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Company {
    /// UUID v7.
    pub id: Uuid,
    /// Trading name, as shown everywhere.
    pub name: String,
    /// Registered legal name (`Rossi Impianti S.r.l.`), if it differs.
    pub legal_name: Option<String>,
    /// Client, supplier, stakeholder or partner.
    pub kind: CompanyKind,
    /// Prospect, active or inactive.
    pub status: CompanyStatus,
    /// VAT number, normalised by [`check_vat`]: 11 digits for Italy,
    /// otherwise the country prefix and the national part (`DE123456789`).
    pub vat_number: Option<String>,
    /// Codice fiscale: 11 digits, or 16 characters for a sole trader.
    pub tax_code: Option<String>,
    /// Billing address, free text (multi-line).
    pub billing_address: Option<String>,
    /// Shipping address, free text.
    pub shipping_address: Option<String>,
    /// Website (absolute `http(s)` URL).
    pub website: Option<String>,
    /// Main e-mail.
    pub email: Option<String>,
    /// Main phone, E.164.
    pub phone: Option<String>,
    /// Free tags, trimmed, without duplicates, in the order given.
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<Vec<String>>")
    )]
    pub tags: Vec<String>,
    /// The user who follows the account.
    pub owner_id: Option<Uuid>,
    /// The parent company (group), if any.
    pub parent_id: Option<Uuid>,
    /// Sector (`Energia`, `Ristorazione`).
    pub sector: Option<String>,
    /// Year established (1000–9999).
    pub year_established: Option<i32>,
    /// Annual revenue, minor units of the tenant's currency.
    pub revenue_minor: Option<i64>,
    /// Employees.
    pub employees: Option<i32>,
    /// Office location (city or address of the main office).
    pub office_location: Option<String>,
    /// Whether the company has won at least one deal.
    pub is_customer: bool,
    /// Values of the tenant's custom fields for companies.
    #[serde(default)]
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<crate::model::CustomValues>")
    )]
    pub custom: CustomValues,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

/// A company as typed in its form or read from an import row: raw strings,
/// checked by [`CompanyInput::validate`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyInput {
    /// Trading name (required).
    pub name: String,
    /// Legal name.
    #[serde(default)]
    pub legal_name: String,
    /// `client` (default), `supplier`, `stakeholder`, `partner`.
    #[serde(default)]
    pub kind: String,
    /// `active` (default), `prospect`, `inactive`.
    #[serde(default)]
    pub status: String,
    /// VAT number as typed.
    #[serde(default)]
    pub vat_number: String,
    /// Codice fiscale as typed.
    #[serde(default)]
    pub tax_code: String,
    /// Billing address.
    #[serde(default)]
    pub billing_address: String,
    /// Shipping address.
    #[serde(default)]
    pub shipping_address: String,
    /// Website; `www.x.it` is read as `https://www.x.it`.
    #[serde(default)]
    pub website: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// Phone, national or international.
    #[serde(default)]
    pub phone: String,
    /// Tags, comma separated.
    #[serde(default)]
    pub tags: String,
    /// Owner.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// Parent company.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    /// Sector.
    #[serde(default)]
    pub sector: String,
    /// Year established.
    #[serde(default)]
    pub year_established: String,
    /// Annual revenue as a decimal amount (`1.250.000,00` or `1250000`).
    #[serde(default)]
    pub revenue: String,
    /// Employees.
    #[serde(default)]
    pub employees: String,
    /// Office location.
    #[serde(default)]
    pub office_location: String,
    /// Custom field values (checked by the service against the tenant's
    /// definitions).
    #[serde(default)]
    pub custom: CustomValues,
    /// When editing: the company's version (`updated_at`, UTC) the form
    /// was filled from; a save after another desk's is refused with a
    /// conflict naming them. `None` skips the check; ignored on create.
    #[serde(default)]
    pub expected_version: Option<DateTime<Utc>>,
}

/// The checked fields of a [`CompanyInput`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidCompany {
    /// Trading name.
    pub name: String,
    /// Legal name.
    pub legal_name: Option<String>,
    /// Kind.
    pub kind: CompanyKind,
    /// Status.
    pub status: CompanyStatus,
    /// Normalised VAT number.
    pub vat_number: Option<String>,
    /// Normalised tax code.
    pub tax_code: Option<String>,
    /// Billing address.
    pub billing_address: Option<String>,
    /// Shipping address.
    pub shipping_address: Option<String>,
    /// Website URL.
    pub website: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Owner.
    pub owner_id: Option<Uuid>,
    /// Parent.
    pub parent_id: Option<Uuid>,
    /// Sector.
    pub sector: Option<String>,
    /// Year established.
    pub year_established: Option<i32>,
    /// Revenue, minor units.
    pub revenue_minor: Option<i64>,
    /// Employees.
    pub employees: Option<i32>,
    /// Office location.
    pub office_location: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn opt_int<T>(s: &str, field: &str, min: T, max: T, errors: &mut Vec<FieldError>) -> Option<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\''))
        .collect();
    if t.is_empty() {
        return None;
    }
    match t.parse::<T>() {
        Ok(v) if v >= min && v <= max => Some(v),
        Ok(_) => {
            errors.push(
                FieldError::new(field, "out_of_range")
                    .with("min", min.to_string())
                    .with("max", max.to_string()),
            );
            None
        }
        Err(_) => {
            errors.push(FieldError::new(field, "not_a_number").with("value", s.trim()));
            None
        }
    }
}

/// Splits comma- or semicolon-separated tags; trims, drops blanks and
/// repeats (case-insensitive), keeps the first spelling.
pub fn parse_tags(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in raw
        .split([',', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_string());
        }
    }
    out
}

impl CompanyInput {
    /// The fields (model names, as in [`FieldError::field`]) whose values
    /// differ between two views of one company, e.g. what a form loaded
    /// and what another desk saved since (a conflict); `custom.<key>` for
    /// each differing custom field. The version itself is not compared.
    pub fn changed_fields(&self, other: &CompanyInput) -> Vec<String> {
        let mut changed: Vec<String> = [
            ("name", self.name == other.name),
            ("legal_name", self.legal_name == other.legal_name),
            ("kind", self.kind == other.kind),
            ("status", self.status == other.status),
            ("vat_number", self.vat_number == other.vat_number),
            ("tax_code", self.tax_code == other.tax_code),
            (
                "billing_address",
                self.billing_address == other.billing_address,
            ),
            (
                "shipping_address",
                self.shipping_address == other.shipping_address,
            ),
            ("website", self.website == other.website),
            ("email", self.email == other.email),
            ("phone", self.phone == other.phone),
            ("tags", self.tags == other.tags),
            ("owner_id", self.owner_id == other.owner_id),
            ("parent_id", self.parent_id == other.parent_id),
            ("sector", self.sector == other.sector),
            (
                "year_established",
                self.year_established == other.year_established,
            ),
            ("revenue", self.revenue == other.revenue),
            ("employees", self.employees == other.employees),
            (
                "office_location",
                self.office_location == other.office_location,
            ),
        ]
        .into_iter()
        .filter(|(_, same)| !same)
        .map(|(field, _)| field.to_string())
        .collect();
        let keys: std::collections::BTreeSet<&String> =
            self.custom.keys().chain(other.custom.keys()).collect();
        changed.extend(
            keys.into_iter()
                .filter(|k| self.custom.get(*k) != other.custom.get(*k))
                .map(|k| format!("custom.{k}")),
        );
        changed
    }

    /// What was typed (`self`) carried onto `theirs`, a newer version of
    /// the company saved elsewhere since the form was filled from `base`:
    /// field by field and custom key by key ([`super::rebase_field`]), with
    /// their version as the expected one, so that a save applies the typed
    /// fields on top of theirs instead of being refused again.
    pub fn rebase(&self, base: &CompanyInput, theirs: &CompanyInput) -> CompanyInput {
        use super::{rebase_custom, rebase_field as f};
        CompanyInput {
            name: f(&self.name, &base.name, &theirs.name),
            legal_name: f(&self.legal_name, &base.legal_name, &theirs.legal_name),
            kind: f(&self.kind, &base.kind, &theirs.kind),
            status: f(&self.status, &base.status, &theirs.status),
            vat_number: f(&self.vat_number, &base.vat_number, &theirs.vat_number),
            tax_code: f(&self.tax_code, &base.tax_code, &theirs.tax_code),
            billing_address: f(
                &self.billing_address,
                &base.billing_address,
                &theirs.billing_address,
            ),
            shipping_address: f(
                &self.shipping_address,
                &base.shipping_address,
                &theirs.shipping_address,
            ),
            website: f(&self.website, &base.website, &theirs.website),
            email: f(&self.email, &base.email, &theirs.email),
            phone: f(&self.phone, &base.phone, &theirs.phone),
            tags: f(&self.tags, &base.tags, &theirs.tags),
            owner_id: f(&self.owner_id, &base.owner_id, &theirs.owner_id),
            parent_id: f(&self.parent_id, &base.parent_id, &theirs.parent_id),
            sector: f(&self.sector, &base.sector, &theirs.sector),
            year_established: f(
                &self.year_established,
                &base.year_established,
                &theirs.year_established,
            ),
            revenue: f(&self.revenue, &base.revenue, &theirs.revenue),
            employees: f(&self.employees, &base.employees, &theirs.employees),
            office_location: f(
                &self.office_location,
                &base.office_location,
                &theirs.office_location,
            ),
            custom: rebase_custom(&self.custom, &base.custom, &theirs.custom),
            expected_version: theirs.expected_version,
        }
    }

    /// Checks every field and collects every error (none is lost): `name`
    /// required (≤ 200 chars); `kind`/`status` from their lists; VAT by
    /// [`check_vat`]; tax code by [`check_company_tax_code`]; website by
    /// [`check_url`]; e-mail and phone (read in `region`) as for people;
    /// year 1000–9999, employees 0–10,000,000; revenue as an amount.
    pub fn validate(&self, region: &str) -> Result<ValidCompany, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = check_name(&self.name, "name")
            .map_err(|e| errors.push(e))
            .ok();
        let kind = if self.kind.trim().is_empty() {
            CompanyKind::Client
        } else {
            CompanyKind::parse(&self.kind.trim().to_lowercase(), "kind")
                .map_err(|e| errors.push(e))
                .unwrap_or(CompanyKind::Client)
        };
        let status = if self.status.trim().is_empty() {
            CompanyStatus::Active
        } else {
            CompanyStatus::parse(&self.status.trim().to_lowercase(), "status")
                .map_err(|e| errors.push(e))
                .unwrap_or(CompanyStatus::Active)
        };
        let vat_number = opt(&self.vat_number)
            .and_then(|v| check_vat(&v, "vat_number").map_err(|e| errors.push(e)).ok());
        let tax_code = opt(&self.tax_code).and_then(|v| {
            check_company_tax_code(&v, "tax_code")
                .map_err(|e| errors.push(e))
                .ok()
        });
        let website = opt(&self.website)
            .and_then(|v| check_url(&v, "website").map_err(|e| errors.push(e)).ok());
        let email = opt(&self.email).and_then(|v| {
            Email::parse(&v, "email")
                .map(|e| e.as_str().to_string())
                .map_err(|e| errors.push(e))
                .ok()
        });
        let phone = opt(&self.phone).and_then(|v| {
            Phone::parse(&v, region, "phone")
                .map(|p| p.e164().to_string())
                .map_err(|e| errors.push(e))
                .ok()
        });
        let year_established = opt_int(
            &self.year_established,
            "year_established",
            1000,
            9999,
            &mut errors,
        );
        let employees = opt_int(&self.employees, "employees", 0, 10_000_000, &mut errors);
        let revenue_minor = opt(&self.revenue).and_then(|v| {
            super::parse_money(&v, "revenue")
                .map_err(|e| errors.push(e))
                .ok()
        });
        for (field, value) in [
            ("legal_name", &self.legal_name),
            ("sector", &self.sector),
            ("office_location", &self.office_location),
        ] {
            if value.trim().chars().count() > 200 {
                errors.push(FieldError::new(field, "too_long").with("max", "200"));
            }
        }
        match (name, errors.is_empty()) {
            (Some(name), true) => Ok(ValidCompany {
                name,
                legal_name: opt(&self.legal_name),
                kind,
                status,
                vat_number,
                tax_code,
                billing_address: opt(&self.billing_address),
                shipping_address: opt(&self.shipping_address),
                website,
                email,
                phone,
                tags: parse_tags(&self.tags),
                owner_id: self.owner_id,
                parent_id: self.parent_id,
                sector: opt(&self.sector),
                year_established,
                revenue_minor,
                employees,
                office_location: opt(&self.office_location),
            }),
            _ => Err(errors),
        }
    }
}

impl ValidCompany {
    /// The company these checked fields describe: `id`, customer flag,
    /// custom values and times given by the caller (a new record, an
    /// edit, an import row).
    pub fn into_company(
        self,
        id: Uuid,
        is_customer: bool,
        custom: CustomValues,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> Company {
        Company {
            id,
            name: self.name,
            legal_name: self.legal_name,
            kind: self.kind,
            status: self.status,
            vat_number: self.vat_number,
            tax_code: self.tax_code,
            billing_address: self.billing_address,
            shipping_address: self.shipping_address,
            website: self.website,
            email: self.email,
            phone: self.phone,
            tags: self.tags,
            owner_id: self.owner_id,
            parent_id: self.parent_id,
            sector: self.sector,
            year_established: self.year_established,
            revenue_minor: self.revenue_minor,
            employees: self.employees,
            office_location: self.office_location,
            is_customer,
            custom,
            created_at,
            updated_at,
        }
    }
}

impl Company {
    /// The form's view of this company (for editing).
    pub fn to_input(&self) -> CompanyInput {
        CompanyInput {
            name: self.name.clone(),
            legal_name: self.legal_name.clone().unwrap_or_default(),
            kind: self.kind.as_str().into(),
            status: self.status.as_str().into(),
            vat_number: self.vat_number.clone().unwrap_or_default(),
            tax_code: self.tax_code.clone().unwrap_or_default(),
            billing_address: self.billing_address.clone().unwrap_or_default(),
            shipping_address: self.shipping_address.clone().unwrap_or_default(),
            website: self.website.clone().unwrap_or_default(),
            email: self.email.clone().unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            tags: self.tags.join(", "),
            owner_id: self.owner_id,
            parent_id: self.parent_id,
            sector: self.sector.clone().unwrap_or_default(),
            year_established: self
                .year_established
                .map(|y| y.to_string())
                .unwrap_or_default(),
            revenue: self
                .revenue_minor
                .map(super::minor_to_decimal)
                .unwrap_or_default(),
            employees: self.employees.map(|e| e.to_string()).unwrap_or_default(),
            office_location: self.office_location.clone().unwrap_or_default(),
            custom: self.custom.clone(),
            expected_version: Some(self.updated_at),
        }
    }
}

/// A person's link to a company, as shown on the company card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct CompanyContact {
    /// The company.
    pub company_id: Uuid,
    /// The company's name.
    pub company_name: String,
    /// The person.
    pub person_id: Uuid,
    /// The person's full name.
    pub person_name: String,
    /// Phone (E.164) of the person.
    pub phone: Option<String>,
    /// E-mail of the person.
    pub email: Option<String>,
    /// Role at the company (`Titolare`, `Amministrazione`).
    pub role: Option<String>,
    /// Whether this is the company's primary contact (at most one).
    pub is_primary: bool,
}

/// A row of the Companies list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct CompanyListItem {
    /// The company.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: CompanyKind,
    /// Status.
    pub status: CompanyStatus,
    /// VAT number.
    pub vat_number: Option<String>,
    /// Office location.
    pub office_location: Option<String>,
    /// Sector.
    pub sector: Option<String>,
    /// Owner's display name.
    pub owner_name: Option<String>,
    /// Tags.
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<Vec<String>>")
    )]
    pub tags: Vec<String>,
    /// Customer?
    pub is_customer: bool,
    /// Custom field values.
    #[serde(default)]
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<crate::model::CustomValues>")
    )]
    pub custom: CustomValues,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
}

/// Filters of the Companies list; every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyQuery {
    /// Words of the name, VAT number or location (accents ignored).
    #[serde(default)]
    pub text: String,
    /// Only this kind.
    #[serde(default)]
    pub kind: Option<CompanyKind>,
    /// Only this status.
    #[serde(default)]
    pub status: Option<CompanyStatus>,
    /// Only this owner.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// Only companies with this tag (case-insensitive).
    #[serde(default)]
    pub tag: Option<String>,
    /// Custom field filters: key → value (equality; a multiselect matches
    /// if it contains the value).
    #[serde(default)]
    pub custom: Vec<(String, String)>,
    /// Page offset.
    #[serde(default)]
    pub offset: u32,
    /// Page size (1–500; 0 means 50).
    #[serde(default)]
    pub limit: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_another_desk_changed_are_named() {
        let mine = CompanyInput {
            name: "Acme Srl".into(),
            sector: "Energia".into(),
            custom: [("tier".to_string(), serde_json::json!("Gold"))].into(),
            expected_version: None,
            ..Default::default()
        };
        let theirs = CompanyInput {
            sector: "Telefonia".into(),
            website: "https://acme.it".into(),
            custom: [
                ("tier".to_string(), serde_json::json!("Silver")),
                ("zona".to_string(), serde_json::json!("Nord")),
            ]
            .into(),
            expected_version: Some(chrono::Utc::now()),
            ..mine.clone()
        };
        assert_eq!(
            mine.changed_fields(&theirs),
            ["website", "sector", "custom.tier", "custom.zona"]
        );
        assert!(mine.changed_fields(&mine).is_empty());
    }

    #[test]
    fn a_typed_edit_is_carried_onto_another_desks_save() {
        let base = CompanyInput {
            name: "Acme Srl".into(),
            sector: "Energia".into(),
            phone: "081 555 0101".into(),
            expected_version: Some(chrono::Utc::now()),
            ..Default::default()
        };
        // Typed: the phone. Theirs: the sector and the website.
        let mine = CompanyInput {
            phone: "081 555 0202".into(),
            ..base.clone()
        };
        let theirs = CompanyInput {
            sector: "Telefonia".into(),
            website: "https://acme.it".into(),
            expected_version: Some(chrono::Utc::now() + chrono::Duration::seconds(1)),
            ..base.clone()
        };
        let merged = mine.rebase(&base, &theirs);
        assert_eq!(
            merged,
            CompanyInput {
                phone: "081 555 0202".into(),
                ..theirs.clone()
            }
        );
        // Nothing typed: the form becomes theirs.
        assert_eq!(base.rebase(&base, &theirs), theirs);
    }

    #[test]
    fn company_form_collects_every_error() {
        let input = CompanyInput {
            name: " ".into(),
            vat_number: "123".into(),
            website: "not a site".into(),
            year_established: "19x0".into(),
            kind: "vendor".into(),
            ..Default::default()
        };
        let errors = input.validate("IT").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "kind", "vat_number", "website", "year_established"]
        );
        let ok = CompanyInput {
            name: "Rossi Impianti".into(),
            website: "www.rossi-impianti.it".into(),
            tags: "energia, Energia; fotovoltaico".into(),
            revenue: "1.250.000,00".into(),
            ..Default::default()
        }
        .validate("IT")
        .unwrap();
        assert_eq!(
            ok.website.as_deref(),
            Some("https://www.rossi-impianti.it/")
        );
        assert_eq!(ok.tags, ["energia", "fotovoltaico"]);
        assert_eq!(ok.revenue_minor, Some(125_000_000));
    }
}
