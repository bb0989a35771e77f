//! [`Repo`]: every query Banco runs, written once for both backends.

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use sqlx::{PgConnection, QueryBuilder, SqliteConnection};
use uuid::Uuid;

use super::records::RecordRepo;
use super::Backend;
use crate::model::{
    search_key, Consent, ConsentKind, Interest, Lead, LeadEvent, LeadEventKind, LeadListItem,
    LeadQuery, LeadSort, LeadStatus, Page, Person, Role, Shop, SourceChannel, Tenant, User,
};
use crate::{Error, Result};

/// The store interface: typed reads and writes, all scoped by tenant.
/// Implemented for a SQLite and a Postgres connection (or transaction);
/// get one with [`with_conn!`](crate::with_conn) or [`with_tx!`](crate::with_tx).
#[async_trait]
pub trait Repo: Send {
    /// Which backend this connection belongs to.
    fn backend(&self) -> Backend;

    /// The oldest tenant, if any (a single-shop install has exactly one).
    async fn first_tenant(&mut self) -> Result<Option<Tenant>>;
    /// A tenant by id.
    async fn get_tenant(&mut self, id: Uuid) -> Result<Option<Tenant>>;
    /// Creates a tenant.
    async fn insert_tenant(&mut self, tenant: &Tenant, at: DateTime<Utc>) -> Result<()>;

    /// Creates a store (shop).
    async fn insert_store(&mut self, tenant: Uuid, store: &Shop, at: DateTime<Utc>) -> Result<()>;
    /// The tenant's stores, by name.
    async fn list_stores(&mut self, tenant: Uuid) -> Result<Vec<Shop>>;

    /// Creates a user.
    async fn insert_user(&mut self, tenant: Uuid, user: &User) -> Result<()>;
    /// The tenant's users, by name.
    async fn list_users(&mut self, tenant: Uuid) -> Result<Vec<User>>;
    /// A user by id.
    async fn get_user(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<User>>;

    /// People whose main or second phone is one of `phones` (E.164) or whose
    /// e-mail is `email`, oldest first.
    async fn find_people_by_contact(
        &mut self,
        tenant: Uuid,
        phones: &[String],
        email: Option<&str>,
    ) -> Result<Vec<Person>>;
    /// A person by id.
    async fn get_person(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Person>>;
    /// Creates a person.
    async fn insert_person(&mut self, tenant: Uuid, person: &Person) -> Result<()>;
    /// Overwrites a person's fields (by id).
    async fn update_person(&mut self, tenant: Uuid, person: &Person) -> Result<()>;
    /// Leads of a person in `new`, `in_progress` or `qualified`.
    async fn count_open_leads(&mut self, tenant: Uuid, person: Uuid) -> Result<u64>;

    /// Creates a lead; `false` (and no change) if a lead with this id exists
    /// already, which makes a retried capture idempotent.
    async fn insert_lead(&mut self, lead: &Lead) -> Result<bool>;
    /// A lead by id.
    async fn get_lead(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Lead>>;
    /// Sets a lead's status, disqualification reason and `updated_at`.
    async fn update_lead_status(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        status: LeadStatus,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// One page of the Leads list (see [`LeadQuery`] for the filters).
    async fn list_leads(&mut self, tenant: Uuid, query: &LeadQuery) -> Result<Page<LeadListItem>>;

    /// Records a consent decision.
    async fn insert_consent(&mut self, tenant: Uuid, consent: &Consent) -> Result<()>;
    /// A person's consent decisions, newest first.
    async fn consents_of(&mut self, tenant: Uuid, person: Uuid) -> Result<Vec<Consent>>;
    /// Appends to a lead's history.
    async fn insert_event(&mut self, tenant: Uuid, event: &LeadEvent) -> Result<()>;
    /// A lead's history, newest first.
    async fn events_of(&mut self, tenant: Uuid, lead: Uuid) -> Result<Vec<LeadEvent>>;

    /// Refreshes the query planner's statistics after a bulk write (seed,
    /// large import), so that searches keep using the right indexes
    /// (`ANALYZE` on both backends).
    async fn analyze(&mut self) -> Result<()>;
}

/// The text the list search runs on: accent-folded lower-case name, e-mail
/// and company, then the digits of each phone in E.164 and national form.
pub(crate) fn person_search_text(p: &Person) -> String {
    let mut parts = vec![search_key(&format!(
        "{} {} {} {} {}",
        p.first_name,
        p.last_name,
        p.email.as_deref().unwrap_or(""),
        p.email_2.as_deref().unwrap_or(""),
        p.company_name.as_deref().unwrap_or("")
    ))];
    for phone in [&p.phone, &p.phone_2].into_iter().flatten() {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        parts.push(digits(phone));
        parts.push(digits(
            &crate::model::Phone::from_e164_unchecked(phone.clone()).national(),
        ));
    }
    if let Some(raw) = &p.phone_raw {
        parts.push(raw.chars().filter(char::is_ascii_digit).collect());
    }
    parts.join(" ")
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The search words of a list query: a phone-like input becomes its digits
/// (a leading international `00` dropped), anything else its folded words.
fn search_terms(search: &str) -> Vec<String> {
    let has_letters = search.chars().any(char::is_alphabetic);
    let digits: String = search.chars().filter(char::is_ascii_digit).collect();
    if !has_letters && digits.len() >= 3 {
        let digits = digits
            .strip_prefix("00")
            .map(str::to_string)
            .unwrap_or(digits);
        return vec![digits];
    }
    search_key(search)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

pub(crate) fn parse_enum<T: std::str::FromStr>(value: &str, column: &str) -> Result<T> {
    value.parse().map_err(|_| {
        Error::Database(sqlx::Error::Decode(
            format!("unexpected value `{value}` in column {column}").into(),
        ))
    })
}

#[derive(sqlx::FromRow)]
struct TenantRow {
    id: Uuid,
    name: String,
    default_region: String,
    consent_text_version: String,
    currency: String,
}

impl From<TenantRow> for Tenant {
    fn from(r: TenantRow) -> Self {
        Tenant {
            id: r.id,
            name: r.name,
            default_region: r.default_region,
            consent_text_version: r.consent_text_version,
            currency: r.currency,
        }
    }
}

#[derive(sqlx::FromRow)]
struct ShopRow {
    id: Uuid,
    name: String,
    code: String,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    display_name: String,
    email: Option<String>,
    role: String,
    store_id: Option<Uuid>,
    active: bool,
    created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = Error;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(User {
            id: r.id,
            display_name: r.display_name,
            email: r.email,
            role: parse_enum::<Role>(&r.role, "users.role")?,
            store_id: r.store_id,
            active: r.active,
            created_at: r.created_at,
        })
    }
}

const PERSON_COLUMNS: &str =
    "id, first_name, last_name, phone_e164, phone_2_e164, phone_raw, email, email_2, \
     company_name, city, country, external_ref, is_customer, tax_code, custom, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: Uuid,
    first_name: String,
    last_name: String,
    phone_e164: Option<String>,
    phone_2_e164: Option<String>,
    phone_raw: Option<String>,
    email: Option<String>,
    email_2: Option<String>,
    company_name: Option<String>,
    city: Option<String>,
    country: Option<String>,
    external_ref: Option<String>,
    is_customer: bool,
    tax_code: Option<String>,
    custom: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<PersonRow> for Person {
    fn from(r: PersonRow) -> Self {
        Person {
            id: r.id,
            first_name: r.first_name,
            last_name: r.last_name,
            phone: r.phone_e164,
            phone_2: r.phone_2_e164,
            phone_raw: r.phone_raw,
            email: r.email,
            email_2: r.email_2,
            company_name: r.company_name,
            city: r.city,
            country: r.country,
            external_ref: r.external_ref,
            is_customer: r.is_customer,
            tax_code: r.tax_code,
            custom: serde_json::from_str(&r.custom).unwrap_or_default(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const LEAD_COLUMNS: &str = "tenant_id, id, person_id, store_id, owner_id, status, disqualify_reason, \
     source_channel, interest, campaign_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content, note, \
     created_at, updated_at, created_by";

#[derive(sqlx::FromRow)]
struct LeadRow {
    tenant_id: Uuid,
    id: Uuid,
    person_id: Uuid,
    store_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    status: String,
    disqualify_reason: Option<String>,
    source_channel: String,
    interest: String,
    campaign_id: Option<Uuid>,
    utm_source: Option<String>,
    utm_medium: Option<String>,
    utm_campaign: Option<String>,
    utm_term: Option<String>,
    utm_content: Option<String>,
    note: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    created_by: Option<Uuid>,
}

impl TryFrom<LeadRow> for Lead {
    type Error = Error;
    fn try_from(r: LeadRow) -> Result<Self> {
        Ok(Lead {
            id: r.id,
            tenant_id: r.tenant_id,
            person_id: r.person_id,
            store_id: r.store_id,
            owner_id: r.owner_id,
            status: parse_enum::<LeadStatus>(&r.status, "leads.status")?,
            disqualify_reason: r.disqualify_reason,
            source_channel: parse_enum::<SourceChannel>(&r.source_channel, "leads.source_channel")?,
            interest: parse_enum::<Interest>(&r.interest, "leads.interest")?,
            campaign_id: r.campaign_id,
            utm_source: r.utm_source,
            utm_medium: r.utm_medium,
            utm_campaign: r.utm_campaign,
            utm_term: r.utm_term,
            utm_content: r.utm_content,
            note: r.note,
            created_at: r.created_at,
            updated_at: r.updated_at,
            created_by: r.created_by,
        })
    }
}

#[derive(sqlx::FromRow)]
struct LeadListRow {
    id: Uuid,
    person_id: Uuid,
    first_name: String,
    last_name: String,
    phone: Option<String>,
    email: Option<String>,
    status: String,
    source_channel: String,
    interest: String,
    store_id: Option<Uuid>,
    store_name: Option<String>,
    owner_name: Option<String>,
    custom: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<LeadListRow> for LeadListItem {
    type Error = Error;
    fn try_from(r: LeadListRow) -> Result<Self> {
        Ok(LeadListItem {
            id: r.id,
            person_id: r.person_id,
            first_name: r.first_name,
            last_name: r.last_name,
            phone: r.phone,
            email: r.email,
            status: parse_enum(&r.status, "leads.status")?,
            source_channel: parse_enum(&r.source_channel, "leads.source_channel")?,
            interest: parse_enum(&r.interest, "leads.interest")?,
            store_id: r.store_id,
            store_name: r.store_name,
            owner_name: r.owner_name,
            custom: serde_json::from_str(&r.custom).unwrap_or_default(),
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ConsentRow {
    id: Uuid,
    person_id: Uuid,
    lead_id: Option<Uuid>,
    kind: String,
    granted: bool,
    text_version: String,
    recorded_at: DateTime<Utc>,
    recorded_by: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: Uuid,
    lead_id: Uuid,
    kind: String,
    from_status: Option<String>,
    to_status: Option<String>,
    detail: Option<String>,
    user_id: Option<Uuid>,
    user_name: Option<String>,
    at: DateTime<Utc>,
}

/// `AND <alias>.custom has key = value` (a multiselect array contains it).
macro_rules! push_custom_filter {
    ($qb:expr, $alias:expr, $key:expr, $value:expr, $backend:expr) => {{
        let key: &str = $key;
        let value: &str = $value;
        let safe_key: String = key
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        match $backend {
            Backend::Sqlite => {
                $qb.push(format!(
                    " AND EXISTS (SELECT 1 FROM json_each({a}.custom, '$.{k}') j WHERE lower(j.value) = lower(",
                    a = $alias,
                    k = safe_key
                ))
                .push_bind(value.to_string())
                .push(format!(
                    ") UNION ALL SELECT 1 WHERE json_type({a}.custom, '$.{k}') NOT IN ('array', 'object') \
                     AND lower(json_extract({a}.custom, '$.{k}')) = lower(",
                    a = $alias,
                    k = safe_key
                ))
                .push_bind(value.to_string())
                .push("))");
            }
            Backend::Postgres => {
                $qb.push(format!(
                    " AND (lower({a}.custom::jsonb ->> '{k}') = lower(",
                    a = $alias,
                    k = safe_key
                ))
                .push_bind(value.to_string())
                .push(format!(
                    ") OR ({a}.custom::jsonb -> '{k}') @> to_jsonb(",
                    a = $alias,
                    k = safe_key
                ))
                .push_bind(value.to_string())
                .push("::text))");
            }
        }
    }};
}

pub(crate) use push_custom_filter;

/// Pushes the WHERE clause of a lead list query (shared by the page and its count).
macro_rules! push_lead_filters {
    ($qb:expr, $tenant:expr, $q:expr, $backend:expr) => {{
        let q: &LeadQuery = $q;
        $qb.push(" WHERE l.tenant_id = ").push_bind($tenant);
        if let Some(search) = q.search.as_deref() {
            for term in search_terms(search) {
                $qb.push(" AND p.search_text LIKE ")
                    .push_bind(format!("%{}%", like_escape(&term)))
                    .push(" ESCAPE '\\'");
            }
        }
        if !q.statuses.is_empty() {
            $qb.push(" AND l.status IN (");
            let mut sep = $qb.separated(", ");
            for s in &q.statuses {
                sep.push_bind(s.as_str());
            }
            $qb.push(")");
        }
        if let Some(source) = q.source_channel {
            $qb.push(" AND l.source_channel = ")
                .push_bind(source.as_str());
        }
        if let Some(store) = q.store_id {
            $qb.push(" AND l.store_id = ").push_bind(store);
        }
        if let Some(person) = q.person_id {
            $qb.push(" AND l.person_id = ").push_bind(person);
        }
        for (key, value) in &q.custom {
            push_custom_filter!($qb, "l", key, value, $backend);
        }
        if let Some(from) = q.from {
            $qb.push(" AND l.created_at >= ")
                .push_bind(from.and_time(NaiveTime::MIN).and_utc());
        }
        if let Some(to) = q.to {
            let end = (to + Duration::days(1)).and_time(NaiveTime::MIN).and_utc();
            $qb.push(" AND l.created_at < ").push_bind(end);
        }
    }};
}

const LEAD_COUNT_FROM: &str = " FROM leads l";
const LEAD_COUNT_FROM_WITH_PEOPLE: &str =
    " FROM leads l JOIN people p ON p.tenant_id = l.tenant_id AND p.id = l.person_id";

/// Binds a person's columns from `first_name` to `search_text`, in table
/// order (shared by the insert and the update).
macro_rules! bind_person_details {
    ($q:expr, $p:expr) => {
        $q.bind(&$p.first_name)
            .bind(&$p.last_name)
            .bind(&$p.phone)
            .bind(&$p.phone_2)
            .bind(&$p.phone_raw)
            .bind(&$p.email)
            .bind(&$p.company_name)
            .bind(&$p.city)
            .bind(&$p.country)
            .bind(&$p.external_ref)
            .bind($p.is_customer)
            .bind(person_search_text($p))
            .bind(&$p.tax_code)
            .bind(serde_json::to_string(&$p.custom).unwrap_or_else(|_| "{}".into()))
            .bind(&$p.email_2)
    };
}

macro_rules! impl_repo {
    ($conn:ty, $db:ty, $backend:expr) => {
        #[async_trait]
        impl Repo for $conn {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn first_tenant(&mut self) -> Result<Option<Tenant>> {
                let row = sqlx::query_as::<_, TenantRow>(
                    "SELECT id, name, default_region, consent_text_version, currency FROM tenants ORDER BY created_at, id LIMIT 1",
                )
                .fetch_optional(&mut *self)
                .await?;
                Ok(row.map(Tenant::from))
            }

            async fn get_tenant(&mut self, id: Uuid) -> Result<Option<Tenant>> {
                let row = sqlx::query_as::<_, TenantRow>(
                    "SELECT id, name, default_region, consent_text_version, currency FROM tenants WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                Ok(row.map(Tenant::from))
            }

            async fn insert_tenant(&mut self, t: &Tenant, at: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO tenants (id, name, default_region, consent_text_version, currency, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(t.id)
                .bind(&t.name)
                .bind(&t.default_region)
                .bind(&t.consent_text_version)
                .bind(&t.currency)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn insert_store(&mut self, tenant: Uuid, s: &Shop, at: DateTime<Utc>) -> Result<()> {
                sqlx::query("INSERT INTO stores (tenant_id, id, name, code, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(tenant)
                    .bind(s.id)
                    .bind(&s.name)
                    .bind(&s.code)
                    .bind(at)
                    .execute(&mut *self)
                    .await?;
                Ok(())
            }

            async fn list_stores(&mut self, tenant: Uuid) -> Result<Vec<Shop>> {
                let rows = sqlx::query_as::<_, ShopRow>(
                    "SELECT id, name, code FROM stores WHERE tenant_id = $1 ORDER BY name, id",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                Ok(rows.into_iter().map(|r| Shop { id: r.id, name: r.name, code: r.code }).collect())
            }

            async fn insert_user(&mut self, tenant: Uuid, u: &User) -> Result<()> {
                sqlx::query(
                    "INSERT INTO users (tenant_id, id, display_name, email, role, store_id, active, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(tenant)
                .bind(u.id)
                .bind(&u.display_name)
                .bind(&u.email)
                .bind(u.role.as_str())
                .bind(u.store_id)
                .bind(u.active)
                .bind(u.created_at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn list_users(&mut self, tenant: Uuid) -> Result<Vec<User>> {
                let rows = sqlx::query_as::<_, UserRow>(
                    "SELECT id, display_name, email, role, store_id, active, created_at FROM users \
                     WHERE tenant_id = $1 ORDER BY display_name, id",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter().map(User::try_from).collect()
            }

            async fn get_user(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<User>> {
                let row = sqlx::query_as::<_, UserRow>(
                    "SELECT id, display_name, email, role, store_id, active, created_at FROM users \
                     WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                row.map(User::try_from).transpose()
            }

            async fn find_people_by_contact(
                &mut self,
                tenant: Uuid,
                phones: &[String],
                email: Option<&str>,
            ) -> Result<Vec<Person>> {
                if phones.is_empty() && email.is_none() {
                    return Ok(Vec::new());
                }
                // One indexed lookup per contact column, joined by UNION: an
                // OR across columns makes SQLite scan the whole table.
                let mut qb = QueryBuilder::<$db>::new(format!("SELECT {PERSON_COLUMNS} FROM people WHERE tenant_id = "));
                qb.push_bind(tenant).push(" AND id IN (");
                let mut parts = 0;
                for column in ["phone_e164", "phone_2_e164"] {
                    for phone in phones {
                        if parts > 0 {
                            qb.push(" UNION ");
                        }
                        parts += 1;
                        qb.push("SELECT id FROM people WHERE tenant_id = ").push_bind(tenant);
                        qb.push(format!(" AND {column} = ")).push_bind(phone.clone());
                    }
                }
                if let Some(email) = email {
                    if parts > 0 {
                        qb.push(" UNION ");
                    }
                    qb.push("SELECT id FROM people WHERE tenant_id = ").push_bind(tenant);
                    qb.push(" AND email = ").push_bind(email.to_string());
                    qb.push(" UNION SELECT id FROM people WHERE tenant_id = ").push_bind(tenant);
                    qb.push(" AND email_2 = ").push_bind(email.to_string());
                }
                qb.push(") ORDER BY created_at, id LIMIT 20");
                let rows = qb.build_query_as::<PersonRow>().fetch_all(&mut *self).await?;
                Ok(rows.into_iter().map(Person::from).collect())
            }

            async fn get_person(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Person>> {
                let row = sqlx::query_as::<_, PersonRow>(&format!(
                    "SELECT {PERSON_COLUMNS} FROM people WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                Ok(row.map(Person::from))
            }

            async fn insert_person(&mut self, tenant: Uuid, p: &Person) -> Result<()> {
                let q = sqlx::query(
                    "INSERT INTO people (tenant_id, id, first_name, last_name, phone_e164, phone_2_e164, phone_raw, \
                     email, company_name, city, country, external_ref, is_customer, search_text, tax_code, custom, email_2, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
                )
                .bind(tenant)
                .bind(p.id);
                bind_person_details!(q, p)
                    .bind(p.created_at)
                    .bind(p.updated_at)
                    .execute(&mut *self)
                    .await?;
                self.upsert_search_doc(tenant, &super::records::person_doc(p)).await
            }

            async fn update_person(&mut self, tenant: Uuid, p: &Person) -> Result<()> {
                let q = sqlx::query(
                    "UPDATE people SET first_name = $3, last_name = $4, phone_e164 = $5, phone_2_e164 = $6, \
                     phone_raw = $7, email = $8, company_name = $9, city = $10, country = $11, external_ref = $12, \
                     is_customer = $13, search_text = $14, tax_code = $15, custom = $16, email_2 = $17, updated_at = $18 WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant)
                .bind(p.id);
                let done = bind_person_details!(q, p)
                    .bind(p.updated_at)
                    .execute(&mut *self)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(Error::NotFound { entity: "person", id: p.id.to_string() });
                }
                self.upsert_search_doc(tenant, &super::records::person_doc(p)).await
            }

            async fn count_open_leads(&mut self, tenant: Uuid, person: Uuid) -> Result<u64> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM leads WHERE tenant_id = $1 AND person_id = $2 \
                     AND status IN ('new', 'in_progress', 'qualified')",
                )
                .bind(tenant)
                .bind(person)
                .fetch_one(&mut *self)
                .await?;
                Ok(n as u64)
            }

            async fn insert_lead(&mut self, l: &Lead) -> Result<bool> {
                let sql = format!(
                    "INSERT INTO leads ({LEAD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                     $14, $15, $16, $17, $18, $19) ON CONFLICT (tenant_id, id) DO NOTHING"
                );
                let done = sqlx::query(&sql)
                    .bind(l.tenant_id)
                    .bind(l.id)
                    .bind(l.person_id)
                    .bind(l.store_id)
                    .bind(l.owner_id)
                    .bind(l.status.as_str())
                    .bind(&l.disqualify_reason)
                    .bind(l.source_channel.as_str())
                    .bind(l.interest.as_str())
                    .bind(l.campaign_id)
                    .bind(&l.utm_source)
                    .bind(&l.utm_medium)
                    .bind(&l.utm_campaign)
                    .bind(&l.utm_term)
                    .bind(&l.utm_content)
                    .bind(&l.note)
                    .bind(l.created_at)
                    .bind(l.updated_at)
                    .bind(l.created_by)
                    .execute(&mut *self)
                    .await?;
                if done.rows_affected() == 1 {
                    self.index_lead(l.tenant_id, l.id).await?;
                }
                Ok(done.rows_affected() == 1)
            }

            async fn get_lead(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Lead>> {
                let row = sqlx::query_as::<_, LeadRow>(&format!(
                    "SELECT {LEAD_COLUMNS} FROM leads WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                row.map(Lead::try_from).transpose()
            }

            async fn update_lead_status(
                &mut self,
                tenant: Uuid,
                id: Uuid,
                status: LeadStatus,
                reason: Option<&str>,
                at: DateTime<Utc>,
            ) -> Result<()> {
                sqlx::query(
                    "UPDATE leads SET status = $3, disqualify_reason = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant)
                .bind(id)
                .bind(status.as_str())
                .bind(reason)
                .bind(at)
                .execute(&mut *self)
                .await?;
                self.index_lead(tenant, id).await
            }

            async fn list_leads(&mut self, tenant: Uuid, q: &LeadQuery) -> Result<Page<LeadListItem>> {
                let backend = self.backend();
                // The count joins people only when the search needs it.
                let searching = q.search.as_deref().is_some_and(|s| !s.trim().is_empty());
                let mut count = QueryBuilder::<$db>::new(format!(
                    "SELECT COUNT(*){}",
                    if searching { LEAD_COUNT_FROM_WITH_PEOPLE } else { LEAD_COUNT_FROM }
                ));
                push_lead_filters!(count, tenant, q, backend);
                let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;

                // The page's lead ids first (from the leads table and its
                // indexes), then their names, stores and owners: joining first
                // makes SQLite sort the whole join to return 50 rows.
                let order = match q.sort {
                    LeadSort::NewestFirst => " ORDER BY l.created_at DESC, l.id DESC",
                    LeadSort::OldestFirst => " ORDER BY l.created_at, l.id",
                    LeadSort::Name => " ORDER BY p.last_name, p.first_name, l.id",
                    LeadSort::Status => " ORDER BY l.status, l.created_at DESC, l.id DESC",
                };
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT l.id, l.person_id, p.first_name, p.last_name, p.phone_e164 AS phone, p.email, l.status, \
                     l.source_channel, l.interest, l.store_id, s.name AS store_name, u.display_name AS owner_name, l.custom, l.created_at \
                     FROM (SELECT l.id AS page_id",
                );
                qb.push(if searching || q.sort == LeadSort::Name { LEAD_COUNT_FROM_WITH_PEOPLE } else { LEAD_COUNT_FROM });
                push_lead_filters!(qb, tenant, q, backend);
                qb.push(order);
                // Literal numbers, not parameters: SQLite plans a bound LIMIT
                // as unbounded and sorts the whole table (57x slower at 100k).
                qb.push(format!(" LIMIT {} OFFSET {}", q.page_size(), q.offset));
                qb.push(") page JOIN leads l ON l.tenant_id = ").push_bind(tenant);
                qb.push(
                    " AND l.id = page.page_id \
                     JOIN people p ON p.tenant_id = l.tenant_id AND p.id = l.person_id \
                     LEFT JOIN stores s ON s.tenant_id = l.tenant_id AND s.id = l.store_id \
                     LEFT JOIN users u ON u.tenant_id = l.tenant_id AND u.id = l.owner_id",
                );
                qb.push(order);
                let rows = qb.build_query_as::<LeadListRow>().fetch_all(&mut *self).await?;
                Ok(Page {
                    items: rows.into_iter().map(LeadListItem::try_from).collect::<Result<_>>()?,
                    total: total as u64,
                    offset: q.offset,
                })
            }

            async fn insert_consent(&mut self, tenant: Uuid, c: &Consent) -> Result<()> {
                sqlx::query(
                    "INSERT INTO consents (tenant_id, id, person_id, lead_id, kind, granted, text_version, recorded_at, recorded_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(tenant)
                .bind(c.id)
                .bind(c.person_id)
                .bind(c.lead_id)
                .bind(c.kind.as_str())
                .bind(c.granted)
                .bind(&c.text_version)
                .bind(c.recorded_at)
                .bind(c.recorded_by)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn consents_of(&mut self, tenant: Uuid, person: Uuid) -> Result<Vec<Consent>> {
                let rows = sqlx::query_as::<_, ConsentRow>(
                    "SELECT id, person_id, lead_id, kind, granted, text_version, recorded_at, recorded_by FROM consents \
                     WHERE tenant_id = $1 AND person_id = $2 ORDER BY recorded_at DESC, id DESC",
                )
                .bind(tenant)
                .bind(person)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(Consent {
                            id: r.id,
                            person_id: r.person_id,
                            lead_id: r.lead_id,
                            kind: parse_enum::<ConsentKind>(&r.kind, "consents.kind")?,
                            granted: r.granted,
                            text_version: r.text_version,
                            recorded_at: r.recorded_at,
                            recorded_by: r.recorded_by,
                        })
                    })
                    .collect()
            }

            async fn insert_event(&mut self, tenant: Uuid, e: &LeadEvent) -> Result<()> {
                sqlx::query(
                    "INSERT INTO lead_events (tenant_id, id, lead_id, kind, from_status, to_status, detail, user_id, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(tenant)
                .bind(e.id)
                .bind(e.lead_id)
                .bind(e.kind.as_str())
                .bind(e.from_status.map(LeadStatus::as_str))
                .bind(e.to_status.map(LeadStatus::as_str))
                .bind(&e.detail)
                .bind(e.user_id)
                .bind(e.at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn events_of(&mut self, tenant: Uuid, lead: Uuid) -> Result<Vec<LeadEvent>> {
                let rows = sqlx::query_as::<_, EventRow>(
                    "SELECT e.id, e.lead_id, e.kind, e.from_status, e.to_status, e.detail, e.user_id, \
                     u.display_name AS user_name, e.at FROM lead_events e \
                     LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
                     WHERE e.tenant_id = $1 AND e.lead_id = $2 ORDER BY e.at DESC, e.id DESC",
                )
                .bind(tenant)
                .bind(lead)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(LeadEvent {
                            id: r.id,
                            lead_id: r.lead_id,
                            kind: parse_enum::<LeadEventKind>(&r.kind, "lead_events.kind")?,
                            from_status: r.from_status.as_deref().map(|s| parse_enum(s, "lead_events.from_status")).transpose()?,
                            to_status: r.to_status.as_deref().map(|s| parse_enum(s, "lead_events.to_status")).transpose()?,
                            detail: r.detail,
                            user_id: r.user_id,
                            user_name: r.user_name,
                            at: r.at,
                        })
                    })
                    .collect()
            }

            async fn analyze(&mut self) -> Result<()> {
                sqlx::query("ANALYZE").execute(&mut *self).await?;
                Ok(())
            }
        }
    };
}

impl_repo!(SqliteConnection, sqlx::Sqlite, Backend::Sqlite);
impl_repo!(PgConnection, sqlx::Postgres, Backend::Postgres);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_like_search_becomes_digits() {
        assert_eq!(search_terms("+39 333 123 4567"), vec!["393331234567"]);
        assert_eq!(search_terms("0039 333"), vec!["39333"]);
        assert_eq!(search_terms("Nicolò Rossi"), vec!["nicolo", "rossi"]);
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }
}
