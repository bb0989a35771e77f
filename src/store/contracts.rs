//! Contracts after the sale: writes, history, the contracts list and the Customers list (people and companies with a contract).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{like_escape, query, query_as, Conn, QueryBuilder};
use super::Backend;
use crate::model::{
    Contract, ContractEvent, ContractFilter, ContractListItem, CustomerListItem, Page, RecordScope,
};
use crate::Result;

/// The columns of [`Contract`], on alias `k`.
const CONTRACT_COLUMNS: &str = "k.id, k.deal_id, k.person_id, k.company_id, k.offer, k.start_date, \
     k.one_off_minor, k.monthly_minor, k.currency, k.status, k.kind, k.activated_on, k.ended_on, \
     k.duration_months, k.ends_on, k.tacit_renewal, k.notice_days, k.payment_method, k.iban, k.pod, \
     k.pdr, k.msisdn, k.iccid, k.portability, k.migration_code, k.status_reason, k.version";

/// `contracts k JOIN deals d` and the filters of `f` (with `renewal`, its
/// month's first and last day) and the acting user's `scope` on the deal.
fn push_contract_filter(
    qb: &mut QueryBuilder,
    tenant: Uuid,
    f: &ContractFilter,
    renewal: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    scope: &RecordScope,
    backend: Backend,
) {
    qb.push(" FROM contracts k");
    push_contract_where(qb, tenant, f, renewal, scope, backend, true);
}

/// The `WHERE` of [`push_contract_filter`] on `contracts k`, joining the
/// deal `d` when `join_deal` or when the store filter or the SQLite scope
/// needs it (a chain server's row security reads the deal itself).
fn push_contract_where(
    qb: &mut QueryBuilder,
    tenant: Uuid,
    f: &ContractFilter,
    renewal: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    scope: &RecordScope,
    backend: Backend,
    join_deal: bool,
) {
    let scoped = matches!(scope, RecordScope::Limited { .. }) && backend == Backend::Sqlite;
    if join_deal || scoped || f.store_id.is_some() {
        qb.push(" JOIN deals d ON d.tenant_id = k.tenant_id AND d.id = k.deal_id");
    }
    qb.push(" WHERE k.tenant_id = ").push_bind(tenant);
    if let Some(store) = f.store_id {
        qb.push(" AND d.store_id = ").push_bind(store);
    }
    if let Some(status) = f.status {
        qb.push(" AND k.status = ").push_bind(status.as_str());
    }
    if let Some(kind) = f.kind {
        qb.push(" AND k.kind = ").push_bind(kind.as_str());
    }
    if let Some(segment) = f.segment {
        qb.push(" AND k.person_id IN (SELECT ps.person_id FROM person_segments ps WHERE ps.tenant_id = ")
            .push_bind(tenant)
            .push(" AND ps.segment = ")
            .push_bind(segment.as_str())
            .push(")");
    }
    if let Some(product) = f
        .product
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        qb.push(" AND lower(k.offer) LIKE ")
            .push_bind(format!("%{}%", like_escape(&product.to_lowercase())))
            .push(" ESCAPE '\\'");
    }
    if let Some((first, last)) = renewal {
        qb.push(" AND k.ends_on >= ")
            .push_bind(first)
            .push(" AND k.ends_on <= ")
            .push_bind(last);
    }
    if let Some(person) = f.person_id {
        qb.push(" AND k.person_id = ").push_bind(person);
    }
    if let Some(company) = f.company_id {
        qb.push(" AND k.company_id = ").push_bind(company);
    }
    qb.push_scope("d", scope, backend);
}

fn page_of(f: &ContractFilter) -> (i64, i64) {
    let limit = match f.limit {
        None | Some(0) => 50,
        Some(n) => n.min(500),
    };
    (i64::from(limit), i64::from(f.offset.unwrap_or(0)))
}

impl Conn<'_> {
    /// Records a won deal's contract (its `created` history entry is the
    /// caller's: `services::contracts::open_in`).
    pub async fn insert_contract(
        &mut self,
        tenant: Uuid,
        c: &Contract,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO contracts (tenant_id, id, deal_id, person_id, company_id, offer, start_date, \
             one_off_minor, monthly_minor, currency, created_at, status, kind, activated_on, ended_on, \
             duration_months, ends_on, tacit_renewal, notice_days, payment_method, iban, pod, pdr, msisdn, \
             iccid, portability, migration_code, status_reason, updated_at) VALUES ($1, $2, $3, $4, $5, $6, \
             $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, \
             $27, $28, $11)",
        )
        .bind(tenant)
        .bind(c.id)
        .bind(c.deal_id)
        .bind(c.person_id)
        .bind(c.company_id)
        .bind(&c.offer)
        .bind(c.start_date)
        .bind(c.one_off_minor)
        .bind(c.monthly_minor)
        .bind(&c.currency)
        .bind(at)
        .bind(c.status.as_str())
        .bind(c.kind.as_str())
        .bind(c.activated_on)
        .bind(c.ended_on)
        .bind(i64::from(c.duration_months))
        .bind(c.ends_on)
        .bind(c.tacit_renewal)
        .bind(i64::from(c.notice_days))
        .bind(c.payment_method.map(|m| m.as_str()))
        .bind(&c.iban)
        .bind(&c.pod)
        .bind(&c.pdr)
        .bind(&c.msisdn)
        .bind(&c.iccid)
        .bind(c.portability)
        .bind(&c.migration_code)
        .bind(&c.status_reason)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Writes a contract's status, dates, terms, payment and identifiers
    /// (never its deal, customer, offer or amounts) if it is still at
    /// `c.version`, and bumps the version; whether it was (`false`: another
    /// desk changed it since it was read).
    pub async fn update_contract(
        &mut self,
        tenant: Uuid,
        c: &Contract,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = query(
            "UPDATE contracts SET status = $3, kind = $4, activated_on = $5, ended_on = $6, \
             duration_months = $7, ends_on = $8, tacit_renewal = $9, notice_days = $10, \
             payment_method = $11, iban = $12, pod = $13, pdr = $14, msisdn = $15, iccid = $16, \
             portability = $17, migration_code = $18, status_reason = $19, updated_at = $20, \
             version = version + 1 WHERE tenant_id = $1 AND id = $2 AND version = $21",
        )
        .bind(tenant)
        .bind(c.id)
        .bind(c.status.as_str())
        .bind(c.kind.as_str())
        .bind(c.activated_on)
        .bind(c.ended_on)
        .bind(i64::from(c.duration_months))
        .bind(c.ends_on)
        .bind(c.tacit_renewal)
        .bind(i64::from(c.notice_days))
        .bind(c.payment_method.map(|m| m.as_str()))
        .bind(&c.iban)
        .bind(&c.pod)
        .bind(&c.pdr)
        .bind(&c.msisdn)
        .bind(&c.iccid)
        .bind(c.portability)
        .bind(&c.migration_code)
        .bind(&c.status_reason)
        .bind(at)
        .bind(c.version)
        .execute(&mut *self)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes a deal's contract and its history (when a won deal whose
    /// contract is still `signed` is reopened); its tickets stay on the
    /// deal without it.
    pub async fn delete_contract(&mut self, tenant: Uuid, deal: Uuid) -> Result<()> {
        // Its tickets stay, on the deal.
        query(
            "UPDATE tickets SET contract_id = NULL WHERE tenant_id = $1 AND contract_id IN \
             (SELECT id FROM contracts WHERE tenant_id = $1 AND deal_id = $2)",
        )
        .bind(tenant)
        .bind(deal)
        .execute(&mut *self)
        .await?;
        query("DELETE FROM contract_events WHERE tenant_id = $1 AND deal_id = $2")
            .bind(tenant)
            .bind(deal)
            .execute(&mut *self)
            .await?;
        query("DELETE FROM contracts WHERE tenant_id = $1 AND deal_id = $2")
            .bind(tenant)
            .bind(deal)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// A deal's contract.
    pub async fn contract_of(&mut self, tenant: Uuid, deal: Uuid) -> Result<Option<Contract>> {
        query_as::<Contract>(format!(
            "SELECT {CONTRACT_COLUMNS} FROM contracts k WHERE k.tenant_id = $1 AND k.deal_id = $2"
        ))
        .bind(tenant)
        .bind(deal)
        .fetch_optional(&mut *self)
        .await
    }

    /// One contract with its list columns (`None` if it does not exist or,
    /// on a chain server, the acting login may not see its deal).
    pub async fn contract_item(
        &mut self,
        tenant: Uuid,
        id: Uuid,
    ) -> Result<Option<ContractListItem>> {
        query_as::<ContractListItem>(format!(
            "SELECT {CONTRACT_COLUMNS}, {ITEM_COLUMNS} FROM contracts k \
             JOIN deals d ON d.tenant_id = k.tenant_id AND d.id = k.deal_id {ITEM_JOINS} \
             WHERE k.tenant_id = $1 AND k.id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// Appends an entry to a contract's history.
    pub async fn insert_contract_event(
        &mut self,
        tenant: Uuid,
        deal: Uuid,
        e: &ContractEvent,
    ) -> Result<()> {
        query(
            "INSERT INTO contract_events (tenant_id, id, contract_id, deal_id, kind, from_status, \
             to_status, detail, user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(tenant)
        .bind(e.id)
        .bind(e.contract_id)
        .bind(deal)
        .bind(e.kind.as_str())
        .bind(e.from_status.map(|s| s.as_str()))
        .bind(e.to_status.map(|s| s.as_str()))
        .bind(&e.detail)
        .bind(e.user_id)
        .bind(e.at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// A contract's history, newest first, with the users' names.
    pub async fn contract_events(&mut self, tenant: Uuid, id: Uuid) -> Result<Vec<ContractEvent>> {
        query_as::<ContractEvent>(
            "SELECT e.id, e.contract_id, e.kind, e.from_status, e.to_status, e.detail, e.user_id, \
             u.display_name AS user_name, e.at FROM contract_events e \
             LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
             WHERE e.tenant_id = $1 AND e.contract_id = $2 ORDER BY e.at DESC, e.id DESC",
        )
        .bind(tenant)
        .bind(id)
        .fetch_all(&mut *self)
        .await
    }

    /// The contracts list: filters of `f` within `scope`, newest signed
    /// first, paged.
    pub async fn list_contracts(
        &mut self,
        tenant: Uuid,
        f: &ContractFilter,
        renewal: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
        scope: &RecordScope,
    ) -> Result<Page<ContractListItem>> {
        let backend = self.backend();
        let mut count = QueryBuilder::new("SELECT COUNT(*)");
        push_contract_filter(&mut count, tenant, f, renewal, scope, backend);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;
        let (limit, offset) = page_of(f);
        let mut qb = QueryBuilder::new(format!(
            "SELECT {CONTRACT_COLUMNS}, {ITEM_COLUMNS} FROM (SELECT k.tenant_id, k.id"
        ));
        push_contract_filter(&mut qb, tenant, f, renewal, scope, backend);
        qb.push(" ORDER BY k.start_date DESC, k.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset)
            .push(format_args!(
                ") page JOIN contracts k ON k.tenant_id = page.tenant_id AND k.id = page.id \
                 JOIN deals d ON d.tenant_id = k.tenant_id AND d.id = k.deal_id {ITEM_JOINS} \
                 ORDER BY k.start_date DESC, k.id DESC"
            ));
        let items = qb.build_query_as().fetch_all(&mut *self).await?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
            offset: u32::try_from(offset).unwrap_or(0),
        })
    }

    /// The Customers list: each company, and each person without a
    /// company, with a contract matching `f` within `scope`, by folded
    /// name (accents and case ignored), paged.
    ///
    /// Three reads, so that a page costs the same over a million contracts
    /// as over a thousand: the customers counted (`DISTINCT` companies and
    /// people along `contracts_customer`, without the deal unless a filter
    /// needs it); the
    /// page's customers found by walking people and companies in name
    /// order (their name indexes) and keeping those with a matching
    /// contract (an `EXISTS` probe on `contracts_person`/`_company`),
    /// unless at most `group_all_up_to` customers match (the services pass
    /// [`GROUP_ALL_UP_TO`]), when grouping them all is cheaper than
    /// probing; then only the page's contracts grouped. Both ways give the
    /// same page.
    pub async fn list_customers(
        &mut self,
        tenant: Uuid,
        f: &ContractFilter,
        renewal: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
        scope: &RecordScope,
        group_all_up_to: i64,
    ) -> Result<Page<CustomerListItem>> {
        let backend = self.backend();
        let filter = |qb: &mut QueryBuilder| {
            push_contract_where(qb, tenant, f, renewal, scope, backend, false);
        };
        // Companies, plus people without a company: each counted along
        // the customer index when no filter has a better one.
        let plain = renewal.is_none() && f.person_id.is_none() && f.company_id.is_none();
        let from = if plain {
            contracts_by(backend, "contracts_customer")
        } else {
            "FROM contracts k".to_string()
        };
        let mut count = QueryBuilder::new("SELECT (SELECT COUNT(DISTINCT k.company_id) ");
        count.push(&from);
        filter(&mut count);
        count.push(" AND k.company_id IS NOT NULL) + (SELECT COUNT(DISTINCT k.person_id) ");
        count.push(&from);
        filter(&mut count);
        count.push(" AND k.company_id IS NULL AND k.person_id IS NOT NULL)");
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;
        let (limit, offset) = page_of(f);
        // The page's customers, when walking the names pays.
        let keys: Option<Vec<(String, Uuid)>> = if total > group_all_up_to {
            let mut walk = QueryBuilder::new(
                "SELECT 'person' AS entity_type, p.id AS entity_id, p.search_text AS sort_key \
                 FROM people p WHERE p.tenant_id = ",
            );
            walk.push_bind(tenant)
                .push(" AND EXISTS (SELECT 1 ")
                .push(contracts_by(backend, "contracts_person"));
            filter(&mut walk);
            walk.push(
                " AND k.person_id = p.id AND k.company_id IS NULL) UNION ALL \
                 SELECT 'company', co.id, co.name_key FROM companies co WHERE co.tenant_id = ",
            )
            .push_bind(tenant)
            .push(" AND EXISTS (SELECT 1 ")
            .push(contracts_by(backend, "contracts_company"));
            filter(&mut walk);
            walk.push(" AND k.company_id = co.id) ORDER BY 3, 2 LIMIT ")
                .push_bind(limit)
                .push(" OFFSET ")
                .push_bind(offset);
            let rows: Vec<(String, Uuid, String)> =
                walk.build_query_as().fetch_all(&mut *self).await?;
            Some(rows.into_iter().map(|(t, id, _)| (t, id)).collect())
        } else {
            None
        };
        if keys.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Page {
                items: Vec::new(),
                total: u64::try_from(total).unwrap_or(0),
                offset: u32::try_from(offset).unwrap_or(0),
            });
        }
        // Each customer's contracts summed: one arm for companies, one for
        // people without a company; with the page's customers, each arm
        // only theirs, through its own customer index.
        let aggregates = "SELECT CASE WHEN k.company_id IS NOT NULL THEN 'company' ELSE 'person' END AS entity_type, \
             COALESCE(k.company_id, k.person_id) AS entity_id, COUNT(*) AS contracts, \
             CAST(SUM(CASE WHEN k.status = 'active' THEN 1 ELSE 0 END) AS BIGINT) AS active, \
             CAST(SUM(CASE WHEN k.status IN ('active', 'suspended') THEN k.monthly_minor ELSE 0 END) AS BIGINT) AS monthly_minor, \
             MIN(CASE WHEN k.status <> 'ceased' THEN k.ends_on END) AS next_term_end ";
        let mut qb = QueryBuilder::new(
            "SELECT g.entity_type, g.entity_id, \
             COALESCE(co.name, TRIM(p.first_name || ' ' || p.last_name), '') AS name, \
             COALESCE(co.phone_e164, co.email, p.phone_e164, p.email) AS contact, \
             g.contracts, g.active, g.monthly_minor, g.next_term_end FROM (",
        );
        // (index, condition, ids): the page's companies and people, or
        // every customer at once.
        let arms: Vec<(&str, &str, Option<Vec<Uuid>>)> = match &keys {
            Some(keys) => {
                let of = |kind: &str| -> Vec<Uuid> {
                    keys.iter()
                        .filter(|(t, _)| t == kind)
                        .map(|(_, id)| *id)
                        .collect()
                };
                [
                    ("contracts_company", " AND k.company_id IN (", of("company")),
                    (
                        "contracts_person",
                        " AND k.company_id IS NULL AND k.person_id IN (",
                        of("person"),
                    ),
                ]
                .into_iter()
                .filter(|(_, _, ids)| !ids.is_empty())
                .map(|(index, condition, ids)| (index, condition, Some(ids)))
                .collect()
            }
            None => vec![(
                "",
                " AND COALESCE(k.company_id, k.person_id) IS NOT NULL",
                None,
            )],
        };
        for (i, (index, condition, ids)) in arms.iter().enumerate() {
            if i > 0 {
                qb.push(" UNION ALL ");
            }
            qb.push(aggregates);
            match ids {
                Some(_) => qb.push(contracts_by(backend, index)),
                None => qb.push("FROM contracts k"),
            };
            filter(&mut qb);
            qb.push(*condition);
            if let Some(ids) = ids {
                let mut sep = qb.separated(", ");
                for id in ids {
                    sep.push_bind(*id);
                }
                qb.push(")");
            }
            qb.push(
                " GROUP BY CASE WHEN k.company_id IS NOT NULL THEN 'company' ELSE 'person' END, \
                 COALESCE(k.company_id, k.person_id)",
            );
        }
        qb.push(") g LEFT JOIN people p ON g.entity_type = 'person' AND p.tenant_id = ")
            .push_bind(tenant)
            .push(" AND p.id = g.entity_id LEFT JOIN companies co ON g.entity_type = 'company' AND co.tenant_id = ")
            .push_bind(tenant)
            .push(" AND co.id = g.entity_id ORDER BY COALESCE(co.name_key, p.search_text), g.entity_id LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(if keys.is_some() { 0 } else { offset });
        let items = qb.build_query_as().fetch_all(&mut *self).await?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
            offset: u32::try_from(offset).unwrap_or(0),
        })
    }
}

/// `FROM contracts k`, on SQLite told to read `index`: its planner would
/// otherwise probe by a filter's index (a month's term ends) once per
/// customer walked, not by the customer's.
fn contracts_by(backend: Backend, index: &str) -> String {
    match backend {
        Backend::Sqlite => format!("FROM contracts k INDEXED BY {index}"),
        Backend::Postgres => "FROM contracts k".to_string(),
    }
}

/// Up to how many matching customers the Customers list groups every
/// matching contract at once (cheaper than probing names one by one when a
/// filter leaves few); above, it walks the names (see
/// [`Conn::list_customers`]).
pub const GROUP_ALL_UP_TO: i64 = 2_000;

/// The list columns of [`ContractListItem`] beside the contract's.
const ITEM_COLUMNS: &str = "COALESCE(co.name, TRIM(p.first_name || ' ' || p.last_name)) AS customer_name, \
     d.title AS deal_title, d.store_id, s.name AS store_name, d.owner_id, u.display_name AS owner_name";

/// The joins [`ITEM_COLUMNS`] reads (on `k` and `d`).
const ITEM_JOINS: &str = "LEFT JOIN people p ON p.tenant_id = k.tenant_id AND p.id = k.person_id \
     LEFT JOIN companies co ON co.tenant_id = k.tenant_id AND co.id = k.company_id \
     LEFT JOIN stores s ON s.tenant_id = d.tenant_id AND s.id = d.store_id \
     LEFT JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.owner_id";
