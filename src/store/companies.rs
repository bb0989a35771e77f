//! Companies (accounts): reads and writes, the Companies list, their people (contacts) and the lookups used by imports.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::custom_fields::push_custom_filter;
use super::search::{company_doc, SearchDoc};
use super::sql::{like_escape, query, query_as, query_scalar, Conn, Query, QueryBuilder};
use super::Backend;
use crate::model::{
    search_key, Company, CompanyContact, CompanyListItem, CompanyQuery, EntityType, Page,
};
use crate::Result;

/// Raw per-company facts for duplicate detection.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CompanyKeys {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Folded name.
    pub name_key: String,
    /// VAT number.
    pub vat_number: Option<String>,
    /// Tax code.
    pub tax_code: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone_e164: Option<String>,
    /// Office location.
    pub office_location: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

const COMPANY_COLUMNS: &str =
    "c.id, c.name, c.legal_name, c.kind, c.status, c.vat_number, c.tax_code, \
    c.billing_address, c.shipping_address, c.website, c.email, c.phone_e164 AS phone, c.tags, c.owner_id, \
    c.parent_id, c.sector, c.year_established, c.revenue_minor, c.employees, c.office_location, \
    c.is_customer, c.custom, c.created_at, c.updated_at";

fn push_company_filter(qb: &mut QueryBuilder, tenant: Uuid, q: &CompanyQuery, backend: Backend) {
    qb.push(" WHERE c.tenant_id = ").push_bind(tenant);
    for word in search_key(&q.text).split_whitespace() {
        let pattern = format!("%{}%", like_escape(word));
        qb.push(" AND (c.name_key LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR lower(coalesce(c.vat_number, '')) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR lower(coalesce(c.office_location, '')) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(kind) = q.kind {
        qb.push(" AND c.kind = ").push_bind(kind.as_str());
    }
    if let Some(status) = q.status {
        qb.push(" AND c.status = ").push_bind(status.as_str());
    }
    if let Some(owner) = q.owner_id {
        qb.push(" AND c.owner_id = ").push_bind(owner);
    }
    if let Some(tag) = q.tag.as_deref().filter(|t| !t.trim().is_empty()) {
        let needle = serde_json::to_string(tag.trim()).unwrap_or_default();
        qb.push(" AND lower(c.tags) LIKE ")
            .push_bind(format!("%{}%", like_escape(&needle.to_lowercase())))
            .push(" ESCAPE '\\'");
    }
    for (key, value) in &q.custom {
        push_custom_filter(qb, "c", key, value, backend);
    }
}

fn bind_company<K>(q: Query<K>, c: &Company) -> Query<K> {
    q.bind(&c.name)
        .bind(search_key(&c.name))
        .bind(&c.legal_name)
        .bind(c.kind.as_str())
        .bind(c.status.as_str())
        .bind(&c.vat_number)
        .bind(&c.tax_code)
        .bind(&c.billing_address)
        .bind(&c.shipping_address)
        .bind(&c.website)
        .bind(&c.email)
        .bind(&c.phone)
        .bind(serde_json::to_string(&c.tags).unwrap_or_else(|_| "[]".into()))
        .bind(c.owner_id)
        .bind(c.parent_id)
        .bind(&c.sector)
        .bind(c.year_established)
        .bind(c.revenue_minor)
        .bind(c.employees)
        .bind(&c.office_location)
        .bind(c.is_customer)
        .bind(serde_json::to_string(&c.custom).unwrap_or_else(|_| "{}".into()))
        .bind(c.updated_at)
}

impl Conn<'_> {
    /// A company by id.
    pub async fn get_company(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Company>> {
        query_as::<Company>(&format!(
            "SELECT {COMPANY_COLUMNS} FROM companies c WHERE c.tenant_id = $1 AND c.id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// Creates a company with every field.
    pub async fn insert_company_full(&mut self, tenant: Uuid, c: &Company) -> Result<()> {
        let q = query(
            "INSERT INTO companies (tenant_id, id, name, name_key, legal_name, kind, status, vat_number, tax_code, \
             billing_address, shipping_address, website, email, phone_e164, tags, owner_id, parent_id, sector, \
             year_established, revenue_minor, employees, office_location, is_customer, custom, updated_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
             $21, $22, $23, $24, $25, $26)",
        )
        .bind(tenant)
        .bind(c.id);
        bind_company(q, c)
            .bind(c.created_at)
            .execute(&mut *self)
            .await?;
        self.upsert_search_doc(tenant, &company_doc(c)).await
    }

    /// Overwrites a company's fields (by id).
    pub async fn update_company(
        &mut self,
        tenant: Uuid,
        c: &Company,
        read: DateTime<Utc>,
    ) -> Result<()> {
        let q = query(
            "UPDATE companies SET name = $3, name_key = $4, legal_name = $5, kind = $6, status = $7, \
             vat_number = $8, tax_code = $9, billing_address = $10, shipping_address = $11, website = $12, \
             email = $13, phone_e164 = $14, tags = $15, owner_id = $16, parent_id = $17, sector = $18, \
             year_established = $19, revenue_minor = $20, employees = $21, office_location = $22, \
             is_customer = $23, custom = $24, updated_at = $25 \
             WHERE tenant_id = $1 AND id = $2 AND updated_at = $26",
        )
        .bind(tenant)
        .bind(c.id);
        let done = bind_company(q, c).bind(read).execute(&mut *self).await?;
        if done.rows_affected() == 0 {
            return Err(self.not_written(tenant, EntityType::Company, c.id).await);
        }
        self.upsert_search_doc(tenant, &company_doc(c)).await
    }

    /// One page of the Companies list.
    pub async fn list_companies(
        &mut self,
        tenant: Uuid,
        q: &CompanyQuery,
    ) -> Result<Page<CompanyListItem>> {
        let backend = self.backend();
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM companies c");
        push_company_filter(&mut count, tenant, q, backend);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;
        let mut qb = QueryBuilder::new(
            "SELECT c.id, c.name, c.kind, c.status, c.vat_number, c.office_location, c.sector, \
             u.display_name AS owner_name, c.tags, c.is_customer, c.custom, c.created_at FROM companies c \
             LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.owner_id",
        );
        push_company_filter(&mut qb, tenant, q, backend);
        let limit = if q.limit == 0 { 50 } else { q.limit.min(500) };
        qb.push(" ORDER BY c.name_key, c.id LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(q.offset));
        let items: Vec<CompanyListItem> = qb.build_query_as().fetch_all(&mut *self).await?;
        Ok(Page {
            items,
            total: total as u64,
            offset: q.offset,
        })
    }

    /// Subsidiaries `(id, name)` of a company, by name.
    pub async fn company_children(
        &mut self,
        tenant: Uuid,
        id: Uuid,
    ) -> Result<Vec<(Uuid, String)>> {
        query_as(
            "SELECT id, name FROM companies WHERE tenant_id = $1 AND parent_id = $2 ORDER BY name_key",
        )
        .bind(tenant)
        .bind(id)
        .fetch_all(&mut *self)
        .await
    }

    /// Company ids with this VAT number.
    pub async fn companies_by_vat(&mut self, tenant: Uuid, vat: &str) -> Result<Vec<Uuid>> {
        query_scalar(
            "SELECT id FROM companies WHERE tenant_id = $1 AND vat_number = $2 ORDER BY created_at",
        )
        .bind(tenant)
        .bind(vat)
        .fetch_all(&mut *self)
        .await
    }

    /// Links a person to a company (or updates the role); `primary`
    /// demotes the company's previous primary contact.
    pub async fn upsert_contact(
        &mut self,
        tenant: Uuid,
        company: Uuid,
        person: Uuid,
        role: Option<&str>,
        primary: bool,
        at: DateTime<Utc>,
    ) -> Result<()> {
        if primary {
            query(
                "UPDATE company_contacts SET is_primary = $3 WHERE tenant_id = $1 AND company_id = $2 AND is_primary = $4",
            )
            .bind(tenant)
            .bind(company)
            .bind(false)
            .bind(true)
            .execute(&mut *self)
            .await?;
        }
        query(
            "INSERT INTO company_contacts (tenant_id, company_id, person_id, role, is_primary, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, company_id, person_id) DO UPDATE SET \
             role = excluded.role, is_primary = excluded.is_primary",
        )
        .bind(tenant)
        .bind(company)
        .bind(person)
        .bind(role)
        .bind(primary)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Unlinks a person from a company; `false` if they were not linked.
    pub async fn remove_contact(
        &mut self,
        tenant: Uuid,
        company: Uuid,
        person: Uuid,
    ) -> Result<bool> {
        let done = query(
            "DELETE FROM company_contacts WHERE tenant_id = $1 AND company_id = $2 AND person_id = $3",
        )
        .bind(tenant)
        .bind(company)
        .bind(person)
        .execute(&mut *self)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Contacts of a company (`of_company`) or companies of a person,
    /// primary first then by name.
    pub async fn contacts(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        of_company: bool,
    ) -> Result<Vec<CompanyContact>> {
        let column = if of_company {
            "cc.company_id"
        } else {
            "cc.person_id"
        };
        let order = if of_company {
            "p.last_name, p.first_name"
        } else {
            "c.name_key"
        };
        query_as::<CompanyContact>(&format!(
            "SELECT cc.company_id, c.name AS company_name, cc.person_id, \
             TRIM(p.first_name || ' ' || p.last_name) AS person_name, \
             p.phone_e164 AS phone, p.email, cc.role, cc.is_primary FROM company_contacts cc \
             JOIN companies c ON c.tenant_id = cc.tenant_id AND c.id = cc.company_id \
             JOIN people p ON p.tenant_id = cc.tenant_id AND p.id = cc.person_id \
             WHERE cc.tenant_id = $1 AND {column} = $2 ORDER BY cc.is_primary DESC, {order}"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_all(&mut *self)
        .await
    }

    /// Bulk load: inserts companies with their index rows.
    pub async fn bulk_insert_companies(
        &mut self,
        tenant: Uuid,
        companies: &[Company],
    ) -> Result<()> {
        for chunk in companies.chunks(500) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO companies (tenant_id, id, name, name_key, legal_name, kind, status, vat_number, tax_code, \
                 billing_address, shipping_address, website, email, phone_e164, tags, owner_id, parent_id, sector, \
                 year_established, revenue_minor, employees, office_location, is_customer, custom, updated_at, created_at) ",
            );
            qb.push_values(chunk, |mut b, c| {
                b.push_bind(tenant)
                    .push_bind(c.id)
                    .push_bind(c.name.clone())
                    .push_bind(search_key(&c.name))
                    .push_bind(c.legal_name.clone())
                    .push_bind(c.kind.as_str())
                    .push_bind(c.status.as_str())
                    .push_bind(c.vat_number.clone())
                    .push_bind(c.tax_code.clone())
                    .push_bind(c.billing_address.clone())
                    .push_bind(c.shipping_address.clone())
                    .push_bind(c.website.clone())
                    .push_bind(c.email.clone())
                    .push_bind(c.phone.clone())
                    .push_bind(serde_json::to_string(&c.tags).unwrap_or_else(|_| "[]".into()))
                    .push_bind(c.owner_id)
                    .push_bind(c.parent_id)
                    .push_bind(c.sector.clone())
                    .push_bind(c.year_established)
                    .push_bind(c.revenue_minor)
                    .push_bind(c.employees)
                    .push_bind(c.office_location.clone())
                    .push_bind(c.is_customer)
                    .push_bind(serde_json::to_string(&c.custom).unwrap_or_else(|_| "{}".into()))
                    .push_bind(c.updated_at)
                    .push_bind(c.created_at);
            });
            qb.build().execute(&mut *self).await?;
            let docs: Vec<SearchDoc> = chunk.iter().map(company_doc).collect();
            self.insert_search_docs(tenant, &docs).await?;
        }
        Ok(())
    }

    /// Every company's matching keys, oldest first.
    pub async fn company_keys(&mut self, tenant: Uuid) -> Result<Vec<CompanyKeys>> {
        query_as::<CompanyKeys>(
            "SELECT id, name, name_key, vat_number, tax_code, email, phone_e164, office_location, created_at \
             FROM companies WHERE tenant_id = $1 ORDER BY created_at, id",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await
    }

    /// A company id by its folded name (oldest first), if any.
    pub async fn find_company(&mut self, tenant: Uuid, name_key: &str) -> Result<Option<Uuid>> {
        query_scalar(
            "SELECT id FROM companies WHERE tenant_id = $1 AND name_key = $2 ORDER BY created_at, id LIMIT 1",
        )
        .bind(tenant)
        .bind(name_key)
        .fetch_optional(&mut *self)
        .await
    }

    /// Creates a company with only a name.
    pub async fn insert_company(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        name: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO companies (tenant_id, id, name, name_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(tenant)
        .bind(id)
        .bind(name)
        .bind(search_key(name))
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// A company's name.
    pub async fn company_name(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<String>> {
        query_scalar("SELECT name FROM companies WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .fetch_optional(&mut *self)
            .await
    }
}
