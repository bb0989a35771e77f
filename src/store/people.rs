//! People: capture-time lookup by phone or e-mail, reads and writes, the directory page, merge keys, consents.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::search::{person_doc, SearchDoc};
use super::sql::{query, query_as, query_scalar, Conn, Query, QueryBuilder};
use super::Backend;
use crate::model::{search_key, EntityType, Person};
use crate::Result;

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

/// The columns of [`Person`], named as its fields (read with `query_as::<Person>`).
const PERSON_COLUMNS: &str =
    "id, first_name, last_name, phone_e164 AS phone, phone_2_e164 AS phone_2, phone_raw, email, email_2, \
     company_name, city, country, external_ref, is_customer, tax_code, custom, created_at, updated_at, erased_at, \
     address, postal_code, province, birth_date, preferred_language, preferred_channel";

/// Binds a person's columns from `first_name` to `preferred_channel`, in
/// the order the insert and the update name them (shared by both).
fn bind_person_details<K>(q: Query<K>, p: &Person) -> Query<K> {
    q.bind(&p.first_name)
        .bind(&p.last_name)
        .bind(&p.phone)
        .bind(&p.phone_2)
        .bind(&p.phone_raw)
        .bind(&p.email)
        .bind(&p.company_name)
        .bind(&p.city)
        .bind(&p.country)
        .bind(&p.external_ref)
        .bind(p.is_customer)
        .bind(person_search_text(p))
        .bind(&p.tax_code)
        .bind(serde_json::to_string(&p.custom).unwrap_or_else(|_| "{}".into()))
        .bind(&p.email_2)
        .bind(&p.address)
        .bind(&p.postal_code)
        .bind(&p.province)
        .bind(p.birth_date)
        .bind(&p.preferred_language)
        .bind(p.preferred_channel.map(|c| c.as_str()))
}

/// Raw per-person facts for duplicate detection.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PersonKeys {
    /// Id.
    pub id: Uuid,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Phone (E.164).
    pub phone_e164: Option<String>,
    /// Second phone.
    pub phone_2_e164: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Company name as given.
    pub company_name: Option<String>,
    /// Codice fiscale.
    pub tax_code: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl Conn<'_> {
    /// People whose main or second phone is one of `phones` (E.164) or whose
    /// e-mail is `email`, oldest first.
    pub async fn find_people_by_contact(
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
        let mut qb = QueryBuilder::new(format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE tenant_id = "
        ));
        qb.push_bind(tenant).push(" AND id IN (");
        let mut parts = 0;
        for column in ["phone_e164", "phone_2_e164"] {
            for phone in phones {
                if parts > 0 {
                    qb.push(" UNION ");
                }
                parts += 1;
                qb.push("SELECT id FROM people WHERE tenant_id = ")
                    .push_bind(tenant);
                qb.push(format!(" AND {column} = "))
                    .push_bind(phone.clone());
            }
        }
        if let Some(email) = email {
            if parts > 0 {
                qb.push(" UNION ");
            }
            qb.push("SELECT id FROM people WHERE tenant_id = ")
                .push_bind(tenant);
            qb.push(" AND email = ").push_bind(email.to_string());
            qb.push(" UNION SELECT id FROM people WHERE tenant_id = ")
                .push_bind(tenant);
            qb.push(" AND email_2 = ").push_bind(email.to_string());
        }
        qb.push(") ORDER BY created_at, id LIMIT 20");
        let rows = qb.build_query_as::<Person>().fetch_all(&mut *self).await?;
        Ok(rows)
    }

    /// People whose main or second phone is one of `phones` (E.164) or
    /// whose main or second e-mail is one of `emails`, oldest first
    /// (`created_at`, then id), each once: an import's lookup for a whole
    /// batch of rows. One indexed query per column and 500 values.
    pub async fn people_with_contacts(
        &mut self,
        tenant: Uuid,
        phones: &[String],
        emails: &[String],
    ) -> Result<Vec<Person>> {
        let mut found: Vec<Person> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (column, values) in [
            ("phone_e164", phones),
            ("phone_2_e164", phones),
            ("email", emails),
            ("email_2", emails),
        ] {
            for chunk in values.chunks(500) {
                let mut qb = QueryBuilder::new(format!(
                    "SELECT {PERSON_COLUMNS} FROM people WHERE tenant_id = "
                ));
                qb.push_bind(tenant).push(format!(" AND {column} IN ("));
                let mut list = qb.separated(", ");
                for v in chunk {
                    list.push_bind(v);
                }
                qb.push(")");
                for p in qb.build_query_as::<Person>().fetch_all(&mut *self).await? {
                    if seen.insert(p.id) {
                        found.push(p);
                    }
                }
            }
        }
        found.sort_by_key(|p| (p.created_at, p.id));
        Ok(found)
    }

    /// For each folded name of `name_keys` that some person has, that key
    /// and the full name of one such person (any one): an import's
    /// "same name as someone already in the CRM" check for a whole batch.
    pub async fn people_named_once(
        &mut self,
        tenant: Uuid,
        name_keys: &[String],
    ) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for chunk in name_keys.chunks(500) {
            let mut qb = QueryBuilder::new("WITH k(name_key) AS (");
            qb.push_values(chunk, |mut b, key| {
                b.push_bind(key);
            });
            qb.push(
                ") SELECT k.name_key, (SELECT d.title FROM search_docs d WHERE d.tenant_id = ",
            )
            .push_bind(tenant)
            .push(
                " AND d.entity_type = 'person' AND d.name_key = k.name_key LIMIT 1) AS title FROM k",
            );
            let rows: Vec<(String, Option<String>)> =
                qb.build_query_as().fetch_all(&mut *self).await?;
            out.extend(
                rows.into_iter()
                    .filter_map(|(key, title)| title.map(|t| (key, t))),
            );
        }
        Ok(out)
    }

    /// A person by id.
    pub async fn get_person(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Person>> {
        query_as::<Person>(&format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// Creates a person.
    pub async fn insert_person(&mut self, tenant: Uuid, p: &Person) -> Result<()> {
        let q = query(
            "INSERT INTO people (tenant_id, id, first_name, last_name, phone_e164, phone_2_e164, phone_raw, \
             email, company_name, city, country, external_ref, is_customer, search_text, tax_code, custom, email_2, \
             address, postal_code, province, birth_date, preferred_language, preferred_channel, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)",
        )
        .bind(tenant)
        .bind(p.id);
        bind_person_details(q, p)
            .bind(p.created_at)
            .bind(p.updated_at)
            .execute(&mut *self)
            .await?;
        self.upsert_search_doc(tenant, &person_doc(p)).await
    }

    /// Overwrites a person's fields (by id).
    pub async fn update_person(
        &mut self,
        tenant: Uuid,
        p: &Person,
        read: DateTime<Utc>,
    ) -> Result<()> {
        let q = query(
            "UPDATE people SET first_name = $3, last_name = $4, phone_e164 = $5, phone_2_e164 = $6, \
             phone_raw = $7, email = $8, company_name = $9, city = $10, country = $11, external_ref = $12, \
             is_customer = $13, search_text = $14, tax_code = $15, custom = $16, email_2 = $17, \
             address = $18, postal_code = $19, province = $20, birth_date = $21, preferred_language = $22, \
             preferred_channel = $23, updated_at = $24 WHERE tenant_id = $1 AND id = $2 AND updated_at = $25",
        )
        .bind(tenant)
        .bind(p.id);
        let done = bind_person_details(q, p)
            .bind(p.updated_at)
            .bind(read)
            .execute(&mut *self)
            .await?;
        if done.rows_affected() == 0 {
            return Err(self.not_written(tenant, EntityType::Person, p.id).await);
        }
        self.upsert_search_doc(tenant, &person_doc(p)).await
    }

    /// Bulk load (seed, benchmarks): inserts people with their index rows,
    /// in chunks.
    pub async fn bulk_insert_people(&mut self, tenant: Uuid, people: &[Person]) -> Result<()> {
        for chunk in people.chunks(1_000) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO people (tenant_id, id, first_name, last_name, phone_e164, phone_2_e164, phone_raw, \
                 email, email_2, company_name, city, country, external_ref, is_customer, search_text, tax_code, custom, \
                 address, postal_code, province, birth_date, preferred_language, preferred_channel, created_at, updated_at) ",
            );
            qb.push_values(chunk, |mut b, p| {
                b.push_bind(tenant)
                    .push_bind(p.id)
                    .push_bind(p.first_name.clone())
                    .push_bind(p.last_name.clone())
                    .push_bind(p.phone.clone())
                    .push_bind(p.phone_2.clone())
                    .push_bind(p.phone_raw.clone())
                    .push_bind(p.email.clone())
                    .push_bind(p.email_2.clone())
                    .push_bind(p.company_name.clone())
                    .push_bind(p.city.clone())
                    .push_bind(p.country.clone())
                    .push_bind(p.external_ref.clone())
                    .push_bind(p.is_customer)
                    .push_bind(person_search_text(p))
                    .push_bind(p.tax_code.clone())
                    .push_bind(serde_json::to_string(&p.custom).unwrap_or_else(|_| "{}".into()))
                    .push_bind(p.address.clone())
                    .push_bind(p.postal_code.clone())
                    .push_bind(p.province.clone())
                    .push_bind(p.birth_date)
                    .push_bind(p.preferred_language.clone())
                    .push_bind(p.preferred_channel.map(|c| c.as_str()))
                    .push_bind(p.created_at)
                    .push_bind(p.updated_at);
            });
            qb.build().execute(&mut *self).await?;
            let docs: Vec<SearchDoc> = chunk.iter().map(person_doc).collect();
            self.insert_search_docs(tenant, &docs).await?;
        }
        Ok(())
    }

    /// People by id order, for reindexing (`limit` from `offset`).
    pub async fn people_page(
        &mut self,
        tenant: Uuid,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<Person>> {
        let ids: Vec<Uuid> = query_scalar(
            "SELECT id FROM people WHERE tenant_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
        )
        .bind(tenant)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(&mut *self)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(p) = self.get_person(tenant, id).await? {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// The people a desk keeps for working offline
    /// (`services::people_copy`): with `store`, those with a lead or a
    /// deal in that store; without, the tenant's; at most `limit`, most
    /// recently changed first. Each with their open leads and open deals
    /// as this connection may see them (on a chain server, the policies
    /// decide).
    pub async fn people_for_copy(
        &mut self,
        tenant: Uuid,
        store: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<(Person, u64, u64)>> {
        let people = match store {
            Some(store) => query_as::<Person>(format!(
                "SELECT {PERSON_COLUMNS} FROM people p WHERE p.tenant_id = $1 AND (\
                 EXISTS (SELECT 1 FROM leads l WHERE l.tenant_id = $1 AND l.person_id = p.id AND l.store_id = $2) \
                 OR EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = $1 AND d.person_id = p.id AND d.store_id = $2)) \
                 ORDER BY p.updated_at DESC, p.id LIMIT $3"
            ))
            .bind(tenant)
            .bind(store)
            .bind(i64::from(limit)),
            None => query_as::<Person>(format!(
                "SELECT {PERSON_COLUMNS} FROM people p WHERE p.tenant_id = $1 \
                 ORDER BY p.updated_at DESC, p.id LIMIT $2"
            ))
            .bind(tenant)
            .bind(i64::from(limit)),
        }
        .fetch_all(&mut *self)
        .await?;
        let count = |sql: &'static str| query_as::<(Uuid, i64)>(sql).bind(tenant);
        let leads: std::collections::HashMap<Uuid, i64> = count(
            "SELECT person_id, COUNT(*) FROM leads WHERE tenant_id = $1 \
             AND status IN ('new', 'in_progress', 'qualified') GROUP BY person_id",
        )
        .fetch_all(&mut *self)
        .await?
        .into_iter()
        .collect();
        let deals: std::collections::HashMap<Uuid, i64> = count(
            "SELECT person_id, COUNT(*) FROM deals WHERE tenant_id = $1 \
             AND status = 'open' AND person_id IS NOT NULL GROUP BY person_id",
        )
        .fetch_all(&mut *self)
        .await?
        .into_iter()
        .collect();
        let n = |m: &std::collections::HashMap<Uuid, i64>, id| {
            u64::try_from(m.get(&id).copied().unwrap_or(0)).unwrap_or(0)
        };
        Ok(people
            .into_iter()
            .map(|p| {
                let (l, d) = (n(&leads, p.id), n(&deals, p.id));
                (p, l, d)
            })
            .collect())
    }

    /// Every person's matching keys, oldest first (on-demand duplicate scan).
    pub async fn people_keys(&mut self, tenant: Uuid) -> Result<Vec<PersonKeys>> {
        query_as::<PersonKeys>(
            "SELECT id, first_name, last_name, phone_e164, phone_2_e164, email, company_name, tax_code, created_at \
             FROM people WHERE tenant_id = $1 ORDER BY created_at, id",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await
    }

    /// People ids whose folded name is exactly `name_key` (via the index).
    pub async fn people_named(
        &mut self,
        tenant: Uuid,
        name_key: &str,
        limit: u32,
    ) -> Result<Vec<Uuid>> {
        query_scalar(
            "SELECT entity_id FROM search_docs WHERE tenant_id = $1 AND name_key = $2 \
             AND entity_type = 'person' LIMIT $3",
        )
        .bind(tenant)
        .bind(name_key)
        .bind(i64::from(limit))
        .fetch_all(&mut *self)
        .await
    }

    /// A person (`company = false`) or company stays a customer only while
    /// one of their deals is won (how [`Self::mark_customer`] made them
    /// one): after a won deal was reopened. Their version moves only when
    /// the flag changes. On a chain server the won deal may be in a store
    /// the login does not see: `banco_won_anywhere` (`SECURITY DEFINER`,
    /// yes or no) looks in every store of the tenant.
    pub async fn recheck_customer(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        company: bool,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (table, column, kind) = if company {
            ("companies", "company_id", "company")
        } else {
            ("people", "person_id", "person")
        };
        let postgres = matches!(self.backend(), Backend::Postgres);
        let elsewhere = if postgres {
            " AND NOT public.banco_won_anywhere($4, $2)"
        } else {
            ""
        };
        let update = query(format!(
            "UPDATE {table} SET is_customer = FALSE, updated_at = $3 \
             WHERE tenant_id = $1 AND id = $2 AND is_customer = TRUE AND NOT EXISTS \
             (SELECT 1 FROM deals d WHERE d.tenant_id = $1 AND d.{column} = $2 AND d.status = 'won')\
             {elsewhere}"
        ))
        .bind(tenant)
        .bind(id)
        .bind(at);
        let update = if postgres { update.bind(kind) } else { update };
        update.execute(&mut *self).await?;
        Ok(())
    }

    /// Marks a person (`company = false`) or company as a customer.
    pub async fn mark_customer(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        company: bool,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let table = if company { "companies" } else { "people" };
        query(format!(
            "UPDATE {table} SET is_customer = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .bind(true)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }
}
