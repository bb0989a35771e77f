//! After the sale: a customer's contracts (one per won deal), their
//! lifecycle `signed → activation_requested → active → suspended → ceased`,
//! their term and renewal, how they are paid, and the identifiers an
//! activation needs (POD, PDR, MSISDN, ICCID, migration code, IBAN), each
//! checked against its published rule. Seed 000: a customer has contracts
//! and subscriptions; issue 16 names the lifecycle and the identifiers.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::string_enum::string_enum;
use super::supply_id::{
    check_iban, check_iccid, check_migration_code, check_msisdn, check_pdr, check_pod,
};
use super::FieldError;

string_enum! {
    /// Where a contract stands. `signed` when its deal is won; the back
    /// office asks the supplier to activate it (`activation_requested`),
    /// the supplier activates it (`active`), it may be `suspended` (e.g.
    /// unpaid bills) and in the end is `ceased` (withdrawal, cancellation,
    /// switch to another supplier). See [`ContractStatus::can_move_to`].
    ContractStatus {
        /// Signed by the customer; nothing sent to the supplier yet.
        Signed = "signed",
        /// Sent to the supplier for activation.
        ActivationRequested = "activation_requested",
        /// Running.
        Active = "active",
        /// Halted by the supplier; may resume.
        Suspended = "suspended",
        /// Ended. Final.
        Ceased = "ceased",
    }
}

impl ContractStatus {
    /// Whether the lifecycle allows `self → to`:
    /// - `signed → activation_requested | ceased` (a withdrawal);
    /// - `activation_requested → active | signed` (the supplier refused
    ///   the request: fix it and ask again) `| ceased`;
    /// - `active → suspended | ceased`; `suspended → active | ceased`;
    /// - nothing leaves `ceased`.
    pub fn can_move_to(self, to: ContractStatus) -> bool {
        use ContractStatus::*;
        matches!(
            (self, to),
            (Signed, ActivationRequested)
                | (Signed, Ceased)
                | (ActivationRequested, Active)
                | (ActivationRequested, Signed)
                | (ActivationRequested, Ceased)
                | (Active, Suspended)
                | (Active, Ceased)
                | (Suspended, Active)
                | (Suspended, Ceased)
        )
    }

    /// Whether `self → to` must say why: ceasing, suspending, and a
    /// refused activation request going back to `signed`.
    pub fn needs_reason(self, to: ContractStatus) -> bool {
        use ContractStatus::*;
        matches!(
            (self, to),
            (_, Ceased) | (_, Suspended) | (ActivationRequested, Signed)
        )
    }

    /// Whether the contract still runs or may run (not `ceased`).
    pub fn is_live(self) -> bool {
        self != ContractStatus::Ceased
    }
}

string_enum! {
    /// What a contract supplies; it decides which identifiers the
    /// contract carries and which an activation needs
    /// ([`Contract::missing_for_activation`]).
    ServiceKind {
        /// Electricity: the POD.
        Electricity = "electricity",
        /// Natural gas: the PDR.
        Gas = "gas",
        /// A mobile line: the number (MSISDN) and the SIM (ICCID).
        Mobile = "mobile",
        /// A fixed line (fibre, ADSL, FWA): the migration code when it
        /// moves from another operator.
        FixedLine = "fixed_line",
        /// Anything else (insurance, devices, services).
        Other = "other",
    }
}

string_enum! {
    /// How the customer pays a contract's bills.
    PaymentMethod {
        /// SEPA direct debit from a bank account (needs the IBAN).
        DirectDebit = "direct_debit",
        /// A payment card charged each bill.
        Card = "card",
        /// A postal slip (bollettino) sent with each bill.
        PostalSlip = "postal_slip",
        /// A bank transfer on each bill.
        BankTransfer = "bank_transfer",
    }
}

string_enum! {
    /// What happened to a contract (its history).
    ContractEventKind {
        /// Made when its deal was won (or imported as won).
        Created = "created",
        /// Its terms, payment or identifiers were changed.
        Edited = "edited",
        /// Its status changed.
        StatusChanged = "status_changed",
    }
}

/// Default contract length used for a deal's contract value, in months (the
/// usual minimum term of Italian consumer telco and energy offers).
pub const DEFAULT_CONTRACT_MONTHS: u32 = 24;
/// Longest contract length accepted, in months.
pub const MAX_CONTRACT_MONTHS: u32 = 120;

/// Longest notice period accepted, in days.
pub const MAX_NOTICE_DAYS: u32 = 365;

/// The contract a won deal made (the customer's subscription): one per
/// won deal; a kit of several services gives one deal, and so one
/// contract, per service. Its store and owner are its deal's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Contract {
    /// UUID v7.
    pub id: Uuid,
    /// The deal that won it.
    pub deal_id: Uuid,
    /// Customer person.
    pub person_id: Option<Uuid>,
    /// Customer company.
    pub company_id: Option<Uuid>,
    /// Offer(s): the deal's line products joined by ", ".
    pub offer: String,
    /// The day it was signed (the deal's contract start, else the day it
    /// was won).
    pub start_date: NaiveDate,
    /// One-off amount, minor units.
    pub one_off_minor: i64,
    /// Monthly amount, minor units.
    pub monthly_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Where it stands.
    pub status: ContractStatus,
    /// What it supplies.
    pub kind: ServiceKind,
    /// The day the supplier activated it.
    pub activated_on: Option<NaiveDate>,
    /// The day it ceased.
    pub ended_on: Option<NaiveDate>,
    /// Length of a term in months (0: open-ended).
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub duration_months: u32,
    /// Last day of the current term ([`Contract::term_end`]), kept by the
    /// store for the renewals list; `None` when open-ended.
    pub ends_on: Option<NaiveDate>,
    /// Whether a term renews by itself unless cancelled (tacit renewal).
    pub tacit_renewal: bool,
    /// Days of notice the customer must give before the term ends.
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub notice_days: u32,
    /// How the bills are paid.
    pub payment_method: Option<PaymentMethod>,
    /// The account debited (electronic form, e.g. `IT60X0542811101000000123456`).
    pub iban: Option<String>,
    /// Electricity supply point (e.g. `IT001E12345678`).
    pub pod: Option<String>,
    /// Gas redelivery point, 14 digits.
    pub pdr: Option<String>,
    /// Mobile number, E.164.
    pub msisdn: Option<String>,
    /// SIM serial, 18–20 digits with its Luhn check digit.
    pub iccid: Option<String>,
    /// Whether the number or the line moves from another operator.
    pub portability: bool,
    /// Fixed line's migration code (COW + COR + COS + check character).
    pub migration_code: Option<String>,
    /// Why it was last suspended, ceased or sent back to `signed`.
    pub status_reason: Option<String>,
    /// Version for optimistic concurrency: 1 when made, +1 on every write;
    /// an edit or move based on an older one is refused with a conflict.
    #[serde(default)]
    pub version: i64,
}

impl Contract {
    /// A newly signed contract of a won deal: status `signed`, kind
    /// `other`, a 30-day notice with tacit renewal, nothing to pay with and
    /// no identifiers yet (the back office fills them in).
    #[allow(clippy::too_many_arguments)]
    pub fn signed(
        deal_id: Uuid,
        person_id: Option<Uuid>,
        company_id: Option<Uuid>,
        offer: String,
        start_date: NaiveDate,
        (one_off_minor, monthly_minor): (i64, i64),
        currency: String,
        duration_months: u32,
    ) -> Contract {
        let mut c = Contract {
            id: Uuid::now_v7(),
            deal_id,
            person_id,
            company_id,
            offer,
            start_date,
            one_off_minor,
            monthly_minor,
            currency,
            status: ContractStatus::Signed,
            kind: ServiceKind::Other,
            activated_on: None,
            ended_on: None,
            duration_months,
            ends_on: None,
            tacit_renewal: true,
            notice_days: 30,
            payment_method: None,
            iban: None,
            pod: None,
            pdr: None,
            msisdn: None,
            iccid: None,
            portability: false,
            migration_code: None,
            status_reason: None,
            version: 1,
        };
        c.ends_on = c.term_end();
        c
    }

    /// The contract taken as running since the day it was signed (a sale
    /// imported from another system's history): `active`, activated on
    /// its signing day, the term end from then.
    pub fn active_since_signed(mut self) -> Contract {
        self.status = ContractStatus::Active;
        self.activated_on = Some(self.start_date);
        self.ends_on = self.term_end();
        self
    }

    /// Last day of the first term: the activation day (else the signing
    /// day) plus `duration_months`, minus a day; `None` when open-ended.
    pub fn term_end(&self) -> Option<NaiveDate> {
        if self.duration_months == 0 {
            return None;
        }
        self.activated_on
            .unwrap_or(self.start_date)
            .checked_add_months(Months::new(self.duration_months))?
            .pred_opt()
    }

    /// The last day the customer may give notice for the current term
    /// (`ends_on` − `notice_days`); `None` when open-ended.
    pub fn notice_deadline(&self) -> Option<NaiveDate> {
        self.ends_on?
            .checked_sub_days(chrono::Days::new(u64::from(self.notice_days)))
    }

    /// What an activation request still lacks: the identifiers of its kind
    /// (electricity: `pod`; gas: `pdr`; mobile: `msisdn` and `iccid`; a
    /// fixed line moving from another operator: `migration_code`), a
    /// `payment_method`, and the `iban` of a direct debit. Each as
    /// `required_for_activation` on that field; empty when complete.
    pub fn missing_for_activation(&self) -> Vec<FieldError> {
        let mut missing = Vec::new();
        let mut need = |field: &str, value: &Option<String>| {
            if value.is_none() {
                missing.push(FieldError::new(field, "required_for_activation"));
            }
        };
        match self.kind {
            ServiceKind::Electricity => need("pod", &self.pod),
            ServiceKind::Gas => need("pdr", &self.pdr),
            ServiceKind::Mobile => {
                need("msisdn", &self.msisdn);
                need("iccid", &self.iccid);
            }
            ServiceKind::FixedLine if self.portability => {
                need("migration_code", &self.migration_code)
            }
            ServiceKind::FixedLine | ServiceKind::Other => {}
        }
        if self.payment_method.is_none() {
            missing.push(FieldError::new("payment_method", "required_for_activation"));
        }
        if self.payment_method == Some(PaymentMethod::DirectDebit) && self.iban.is_none() {
            missing.push(FieldError::new("iban", "required_for_activation"));
        }
        missing
    }
}

/// The back office's change of a contract's terms, payment and
/// identifiers, as typed (identifiers in any spacing and case). Applied by
/// [`ContractEdit::apply`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContractEdit {
    /// What it supplies (decides which identifiers it may carry).
    pub kind: Option<ServiceKind>,
    /// Term length, months (0: open-ended; at most
    /// [`MAX_CONTRACT_MONTHS`]).
    pub duration_months: Option<u32>,
    /// Tacit renewal.
    pub tacit_renewal: Option<bool>,
    /// Notice, days (0–[`MAX_NOTICE_DAYS`]).
    pub notice_days: Option<u32>,
    /// Payment method; `Some("")` clears it.
    pub payment_method: Option<String>,
    /// IBAN; `Some("")` clears it.
    pub iban: Option<String>,
    /// POD; `Some("")` clears it.
    pub pod: Option<String>,
    /// PDR; `Some("")` clears it.
    pub pdr: Option<String>,
    /// Mobile number as typed (read in the tenant's region); `Some("")`
    /// clears it.
    pub msisdn: Option<String>,
    /// ICCID; `Some("")` clears it.
    pub iccid: Option<String>,
    /// Number or line portability.
    pub portability: Option<bool>,
    /// Migration code; `Some("")` clears it.
    pub migration_code: Option<String>,
    /// The version the edit is based on (the one the window showed); when
    /// the contract has moved on since, the edit is refused with a
    /// conflict. `None`: whatever is there (the command line).
    #[serde(default)]
    pub version: Option<i64>,
}

impl ContractEdit {
    /// The edit applied to `c`: each given field checked and normalised
    /// (`phone_region` reads a national mobile number), the term end
    /// recomputed. An identifier of another kind than the contract's
    /// (after the edit) is refused with `not_for_kind`, so a gas contract
    /// never carries a POD.
    ///
    /// Errors: every bad field at once — `invalid_pod`, `invalid_pdr`,
    /// `invalid_phone`, `invalid_iccid`, `invalid_iban`,
    /// `invalid_migration_code`, `unknown_value` (payment method),
    /// `out_of_range` (months, days), `not_for_kind`; a contract that has
    /// ceased takes no edit (`status`: `contract_ceased`).
    pub fn apply(&self, c: &Contract, phone_region: &str) -> Result<Contract, Vec<FieldError>> {
        if c.status == ContractStatus::Ceased {
            return Err(vec![FieldError::new("status", "contract_ceased")]);
        }
        let mut out = c.clone();
        let mut errors = Vec::new();
        let mut text = |raw: &Option<String>,
                        current: &mut Option<String>,
                        check: &dyn Fn(&str) -> Result<String, FieldError>| {
            if let Some(raw) = raw {
                if raw.trim().is_empty() {
                    *current = None;
                } else {
                    match check(raw) {
                        Ok(v) => *current = Some(v),
                        Err(e) => errors.push(e),
                    }
                }
            }
        };
        text(&self.iban, &mut out.iban, &|v| check_iban(v, "iban"));
        text(&self.pod, &mut out.pod, &|v| check_pod(v, "pod"));
        text(&self.pdr, &mut out.pdr, &|v| check_pdr(v, "pdr"));
        text(&self.msisdn, &mut out.msisdn, &|v| {
            check_msisdn(v, phone_region, "msisdn")
        });
        text(&self.iccid, &mut out.iccid, &|v| check_iccid(v, "iccid"));
        text(&self.migration_code, &mut out.migration_code, &|v| {
            check_migration_code(v, "migration_code")
        });
        if let Some(method) = &self.payment_method {
            if method.trim().is_empty() {
                out.payment_method = None;
            } else {
                match PaymentMethod::parse(method, "payment_method") {
                    Ok(m) => out.payment_method = Some(m),
                    Err(e) => errors.push(e),
                }
            }
        }
        if let Some(kind) = self.kind {
            out.kind = kind;
        }
        if let Some(months) = self.duration_months {
            if months > MAX_CONTRACT_MONTHS {
                errors.push(
                    FieldError::new("duration_months", "out_of_range")
                        .with("min", "0")
                        .with("max", MAX_CONTRACT_MONTHS.to_string()),
                );
            }
            out.duration_months = months;
        }
        if let Some(days) = self.notice_days {
            if days > MAX_NOTICE_DAYS {
                errors.push(
                    FieldError::new("notice_days", "out_of_range")
                        .with("min", "0")
                        .with("max", MAX_NOTICE_DAYS.to_string()),
                );
            }
            out.notice_days = days;
        }
        if let Some(t) = self.tacit_renewal {
            out.tacit_renewal = t;
        }
        if let Some(p) = self.portability {
            out.portability = p;
        }
        let kind = out.kind;
        let allowed = |field: &str| match field {
            "pod" => kind == ServiceKind::Electricity,
            "pdr" => kind == ServiceKind::Gas,
            "msisdn" | "iccid" => kind == ServiceKind::Mobile,
            "migration_code" => kind == ServiceKind::FixedLine,
            _ => true,
        };
        for (field, value) in [
            ("pod", &out.pod),
            ("pdr", &out.pdr),
            ("msisdn", &out.msisdn),
            ("iccid", &out.iccid),
            ("migration_code", &out.migration_code),
        ] {
            if value.is_some() && !allowed(field) {
                errors.push(FieldError::new(field, "not_for_kind").with("kind", kind.as_str()));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        out.ends_on = out.term_end();
        Ok(out)
    }
}

/// A request to move a contract along its lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractMove {
    /// The status to reach ([`ContractStatus::can_move_to`]).
    pub to: ContractStatus,
    /// The day it happened (activation or end); today when absent.
    pub on: Option<NaiveDate>,
    /// Why; required where [`ContractStatus::needs_reason`] says so.
    pub reason: Option<String>,
    /// The version the move is based on, as for [`ContractEdit::version`].
    #[serde(default)]
    pub version: Option<i64>,
}

/// One entry of a contract's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct ContractEvent {
    /// UUID v7.
    pub id: Uuid,
    /// The contract.
    pub contract_id: Uuid,
    /// What happened.
    pub kind: ContractEventKind,
    /// Status before a status change.
    pub from_status: Option<ContractStatus>,
    /// Status after a status change.
    pub to_status: Option<ContractStatus>,
    /// The reason given, or the fields an edit changed.
    pub detail: Option<String>,
    /// Who did it.
    pub user_id: Option<Uuid>,
    /// Their name (filled on read).
    pub user_name: Option<String>,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// A contract with what a list shows beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct ContractListItem {
    /// The contract (its fields at the top level of the JSON form).
    #[cfg_attr(feature = "store", sqlx(flatten))]
    #[serde(flatten)]
    pub contract: Contract,
    /// The customer's name (the company's, else the person's).
    pub customer_name: Option<String>,
    /// The deal's title.
    pub deal_title: String,
    /// The deal's store.
    pub store_id: Option<Uuid>,
    /// Its name.
    pub store_name: Option<String>,
    /// The deal's owner.
    pub owner_id: Option<Uuid>,
    /// Their name.
    pub owner_name: Option<String>,
}

/// Everything about one contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractDetail {
    /// The contract and its list columns.
    pub item: ContractListItem,
    /// Its history, newest first.
    pub events: Vec<ContractEvent>,
    /// What an activation request still lacks
    /// ([`Contract::missing_for_activation`]).
    pub missing_for_activation: Vec<FieldError>,
    /// The statuses it may move to now.
    pub next: Vec<ContractStatus>,
}

/// Filters of the contracts and customers lists; unset ones match
/// anything. Only the leads and deals the acting user sees count.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContractFilter {
    /// The deal's store.
    pub store_id: Option<Uuid>,
    /// Status.
    pub status: Option<ContractStatus>,
    /// Kind of service.
    pub kind: Option<ServiceKind>,
    /// Text in the offer (case and accents ignored).
    pub product: Option<String>,
    /// Term ending in this month (`YYYY-MM`, the renewals due).
    pub renews_in: Option<String>,
    /// One customer person.
    pub person_id: Option<Uuid>,
    /// One customer company.
    pub company_id: Option<Uuid>,
    /// Only contracts of people in this customer segment (as the last
    /// classification put them, [`crate::services::segments`]).
    #[serde(default)]
    pub segment: Option<super::Segment>,
    /// Page size (1–500; 50 when absent).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

impl ContractFilter {
    /// The first and last day of `renews_in`.
    ///
    /// Errors: `invalid_month` on `renews_in` unless `YYYY-MM`.
    pub fn renewal_window(&self) -> Result<Option<(NaiveDate, NaiveDate)>, FieldError> {
        let Some(month) = self.renews_in.as_deref().filter(|m| !m.trim().is_empty()) else {
            return Ok(None);
        };
        let err = || FieldError::new("renews_in", "invalid_month").with("value", month);
        let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d")
            .map_err(|_| err())?;
        let last = first
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .ok_or_else(err)?;
        Ok(Some((first, last)))
    }
}

/// A customer: a person or a company with at least one contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct CustomerListItem {
    /// `person` or `company`.
    pub entity_type: String,
    /// Its id.
    pub entity_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its phone (E.164) or e-mail, when known.
    pub contact: Option<String>,
    /// Contracts matching the filters.
    pub contracts: i64,
    /// Of which active.
    pub active: i64,
    /// Monthly amount of its active and suspended contracts, minor units.
    pub monthly_minor: i64,
    /// The earliest term end of its live contracts.
    pub next_term_end: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn contract() -> Contract {
        Contract::signed(
            Uuid::nil(),
            None,
            None,
            "Luce Casa".into(),
            day(2026, 1, 31),
            (0, 4_500),
            "EUR".into(),
            24,
        )
    }

    #[test]
    fn the_lifecycle_allows_only_its_moves() {
        use ContractStatus::*;
        let allowed = [
            (Signed, ActivationRequested),
            (Signed, Ceased),
            (ActivationRequested, Active),
            (ActivationRequested, Signed),
            (ActivationRequested, Ceased),
            (Active, Suspended),
            (Active, Ceased),
            (Suspended, Active),
            (Suspended, Ceased),
        ];
        for from in ContractStatus::ALL {
            for to in ContractStatus::ALL {
                assert_eq!(
                    from.can_move_to(*to),
                    allowed.contains(&(*from, *to)),
                    "{from} → {to}"
                );
            }
        }
        assert!(Active.needs_reason(Ceased));
        assert!(Active.needs_reason(Suspended));
        assert!(ActivationRequested.needs_reason(Signed));
        assert!(!Signed.needs_reason(ActivationRequested));
        assert!(!Suspended.needs_reason(Active));
    }

    #[test]
    fn terms_end_a_day_before_the_anniversary() {
        let mut c = contract();
        assert_eq!(c.ends_on, Some(day(2028, 1, 30)));
        c.activated_on = Some(day(2026, 3, 1));
        assert_eq!(c.term_end(), Some(day(2028, 2, 29)));
        c.ends_on = c.term_end();
        assert_eq!(c.notice_deadline(), Some(day(2028, 1, 30)));
        c.duration_months = 0;
        assert_eq!(c.term_end(), None);
    }

    #[test]
    fn an_edit_checks_every_identifier_and_its_kind() {
        let c = contract();
        let edit = ContractEdit {
            kind: Some(ServiceKind::Electricity),
            pod: Some("it001e12345678".into()),
            payment_method: Some("direct_debit".into()),
            iban: Some("IT60X0542811101000000123456".into()),
            ..Default::default()
        };
        let done = edit.apply(&c, "IT").unwrap();
        assert_eq!(done.pod.as_deref(), Some("IT001E12345678"));
        assert!(done.missing_for_activation().is_empty());

        let wrong = ContractEdit {
            kind: Some(ServiceKind::Gas),
            pod: Some("IT001E12345678".into()),
            iban: Some("IT00".into()),
            msisdn: Some("12".into()),
            ..Default::default()
        };
        let errors = wrong.apply(&c, "IT").unwrap_err();
        let codes: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert!(codes.contains(&("iban", "invalid_iban")), "{codes:?}");
        assert!(codes.contains(&("msisdn", "invalid_phone")), "{codes:?}");
        assert!(codes.contains(&("pod", "not_for_kind")), "{codes:?}");

        let mobile = ContractEdit {
            kind: Some(ServiceKind::Mobile),
            msisdn: Some("333 123 4567".into()),
            payment_method: Some("direct_debit".into()),
            ..Default::default()
        };
        let m = mobile.apply(&c, "IT").unwrap();
        assert_eq!(m.msisdn.as_deref(), Some("+393331234567"));
        let missing: Vec<_> = m
            .missing_for_activation()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(missing, vec!["iccid", "iban"]);

        let mut ceased = c.clone();
        ceased.status = ContractStatus::Ceased;
        assert_eq!(
            edit.apply(&ceased, "IT").unwrap_err()[0].code,
            "contract_ceased"
        );
    }

    #[test]
    fn renewal_months() {
        let f = ContractFilter {
            renews_in: Some("2028-02".into()),
            ..Default::default()
        };
        assert_eq!(
            f.renewal_window().unwrap(),
            Some((day(2028, 2, 1), day(2028, 2, 29)))
        );
        let bad = ContractFilter {
            renews_in: Some("02/2028".into()),
            ..Default::default()
        };
        assert_eq!(bad.renewal_window().unwrap_err().code, "invalid_month");
    }
}
