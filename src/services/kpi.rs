//! KPIs (seed 000, "KPI che puoi derivare"): per campaign, pipeline, store
//! and owner over a date range. The store returns raw counts and sums; the
//! formulas live in [`crate::model`] ([`win_rate`], [`cost_per_lead`],
//! [`weighted`], [`rate`], [`div_round`]) and are applied here:
//!
//! - **Campaign** (leads created in the range): leads; cost per lead = cost
//!   / leads; lead → deal conversion = leads with at least one deal / leads;
//!   won deals and won revenue = Σ value of the campaign's deals won in the
//!   range.
//! - **Pipeline**: open deals now; won and lost = deals closed in the range;
//!   win rate = won / (won + lost); average days to close = mean of
//!   (closed − created) over won deals; average deal value = mean value of
//!   won deals; average days per stage = mean length of the stays in each
//!   stage that ended in the range (a stay runs from entering the stage to
//!   the next move, win or loss); forecast = per expected-close month in
//!   the range, Σ value × probability of open deals.
//! - **Store / owner**: leads created, deals opened, won, lost, win rate,
//!   won revenue in the range.
//!
//! A deal's value is one-off + monthly × contract months
//! ([`crate::model::deal_totals`]); every amount is in minor units of the
//! tenant's currency.

use uuid::Uuid;

use super::sheet::{self, Cell, Place, Sheet};
use super::Ctx;
use crate::model::{
    cost_per_lead, div_round, rate, weighted, win_rate, CampaignKpi, ExportFormat, ForecastMonth,
    GroupKpi, KpiRange, KpiReport, KpiTable, PipelineKpi, StageDays,
};
use crate::store::{Conn, Db, DealCounts, GroupBy};
use crate::{with_conn, Error, Result};

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Every KPI over `range`, counted over the leads and deals the acting
/// user may see ([`Ctx::record_scope`]: an admin the tenant's, others
/// their stores' and their own).
///
/// Errors: [`Error::Validation`] `to` (`before_start`) when the range ends
/// before it starts.
pub async fn report(db: &Db, ctx: &Ctx, range: KpiRange) -> Result<KpiReport> {
    if let (Some(a), Some(b)) = (range.from, range.to) {
        if b < a {
            return Err(Error::field("to", "before_start"));
        }
    }
    with_conn!(db, |c| report_in(c, ctx, range).await)
}

async fn report_in(c: &mut Conn<'_>, ctx: &Ctx, range: KpiRange) -> Result<KpiReport> {
    let tenant = ctx.tenant_id();
    let scope = ctx.record_scope();
    let campaign_counts = c.kpi_campaigns(tenant, range, &scope).await?;
    let campaigns = c
        .list_campaigns(tenant)
        .await?
        .into_iter()
        .map(|camp| {
            let k = campaign_counts
                .iter()
                .find(|(id, _)| *id == camp.id)
                .map(|(_, k)| k.clone())
                .unwrap_or_default();
            let leads = count(k.leads);
            CampaignKpi {
                campaign_id: camp.id,
                name: camp.name,
                leads,
                cost_minor: camp.cost_minor,
                cost_per_lead_minor: cost_per_lead(camp.cost_minor, leads),
                converted_leads: count(k.converted_leads),
                conversion_rate: rate(count(k.converted_leads), leads),
                won_deals: count(k.won),
                won_revenue_minor: k.won_value,
            }
        })
        .collect();

    let pipeline_counts = c.kpi_pipelines(tenant, range, &scope).await?;
    let stays = c.kpi_stage_stays(tenant, range, &scope).await?;
    let forecast = c.kpi_forecast(tenant, range, &scope).await?;
    let pipelines = c
        .list_pipelines(tenant)
        .await?
        .into_iter()
        .map(|p| {
            let k = pipeline_counts
                .iter()
                .find(|(id, _)| *id == p.id)
                .map(|(_, k)| k.clone())
                .unwrap_or_default();
            let won = count(k.won);
            PipelineKpi {
                pipeline_id: p.id,
                name: p.name.clone(),
                open: count(k.open),
                won,
                lost: count(k.lost),
                win_rate: win_rate(won, count(k.lost)),
                avg_days_to_close: (won > 0).then(|| k.won_days / won as f64),
                avg_won_value_minor: div_round(k.won_value, won),
                won_revenue_minor: k.won_value,
                stage_days: p
                    .stages
                    .iter()
                    .map(|s| {
                        let st = stays.iter().find(|x| x.stage_id == s.id);
                        let n = st.map(|x| count(x.stays)).unwrap_or(0);
                        StageDays {
                            stage_id: s.id,
                            name: s.name.clone(),
                            stays: n,
                            avg_days: st.filter(|_| n > 0).map(|x| x.days / n as f64),
                        }
                    })
                    .collect(),
                forecast: forecast
                    .iter()
                    .filter(|f| f.pipeline_id == p.id)
                    .map(|f| ForecastMonth {
                        month: f.month.clone(),
                        deals: count(f.deals),
                        value_minor: f.value,
                        weighted_minor: weighted(f.value_x_prob),
                    })
                    .collect(),
            }
        })
        .collect();

    let stores_all = c.list_stores(tenant).await?;
    let users = c.list_users(tenant).await?;
    let group = |id: Option<Uuid>, name: String, k: &DealCounts| GroupKpi {
        id,
        name,
        leads: count(k.leads),
        deals_opened: count(k.opened),
        won: count(k.won),
        lost: count(k.lost),
        win_rate: win_rate(count(k.won), count(k.lost)),
        won_revenue_minor: k.won_value,
    };
    let stores = c
        .kpi_groups(tenant, range, GroupBy::Store, &scope)
        .await?
        .iter()
        .map(|(id, k)| {
            let name = id
                .and_then(|id| stores_all.iter().find(|s| s.id == id))
                .map(|s| s.name.clone())
                .unwrap_or_default();
            group(*id, name, k)
        })
        .collect();
    let owners = c
        .kpi_groups(tenant, range, GroupBy::Owner, &scope)
        .await?
        .iter()
        .map(|(id, k)| {
            let name = id
                .and_then(|id| users.iter().find(|u| u.id == id))
                .map(|u| u.display_name.clone())
                .unwrap_or_default();
            group(*id, name, k)
        })
        .collect();
    Ok(KpiReport {
        range,
        currency: ctx.tenant.currency.clone(),
        campaigns,
        pipelines,
        stores,
        owners,
    })
}

/// One KPI table of `range` in `format` (JSON is refused), over the
/// records the acting user may see.
///
/// Errors: as [`report`]; [`Error::Validation`] `format` for JSON.
pub async fn export(
    db: &Db,
    ctx: &Ctx,
    range: KpiRange,
    table: KpiTable,
    format: ExportFormat,
) -> Result<Vec<u8>> {
    let report = report(db, ctx, range).await?;
    let place = Place::of(db, ctx).await?;
    let sheet = to_sheet(&report, table);
    let bytes = sheet::render(&sheet, format, &place)?;
    let subject = format!("kpi:{}", table.as_str());
    let filter = serde_json::to_value(range).unwrap_or_default();
    super::audit::exported(db, ctx, &subject, format, sheet.rows.len(), filter).await?;
    Ok(bytes)
}

/// One table of a report as a [`Sheet`] (see [`to_csv`] for the plain
/// CSV's conventions).
pub fn to_sheet(report: &KpiReport, table: KpiTable) -> Sheet {
    let cur = || Cell::from(report.currency.as_str());
    let count = |n: u64| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX));
    match table {
        KpiTable::Campaigns => {
            let mut s = Sheet::new(
                "Campagne",
                &[
                    ("campaign", "Campagna"),
                    ("leads", "Lead"),
                    ("cost", "Costo"),
                    ("cost_per_lead", "Costo per lead"),
                    ("converted_leads", "Lead convertiti"),
                    ("conversion_rate", "Tasso di conversione"),
                    ("won_deals", "Trattative vinte"),
                    ("won_revenue", "Ricavi vinti"),
                    ("currency", "Valuta"),
                ],
            );
            for k in &report.campaigns {
                s.rows.push(vec![
                    Cell::from(k.name.clone()),
                    count(k.leads),
                    Cell::Money(Some(k.cost_minor)),
                    Cell::Money(k.cost_per_lead_minor),
                    count(k.converted_leads),
                    Cell::Rate(k.conversion_rate),
                    count(k.won_deals),
                    Cell::Money(Some(k.won_revenue_minor)),
                    cur(),
                ]);
            }
            s
        }
        KpiTable::Pipelines => {
            let mut s = Sheet::new(
                "Pipeline",
                &[
                    ("pipeline", "Pipeline"),
                    ("open", "Aperte"),
                    ("won", "Vinte"),
                    ("lost", "Perse"),
                    ("win_rate", "Tasso di vittoria"),
                    ("avg_days_to_close", "Giorni medi alla chiusura"),
                    ("avg_won_value", "Valore medio vinto"),
                    ("won_revenue", "Ricavi vinti"),
                    ("currency", "Valuta"),
                ],
            );
            for k in &report.pipelines {
                s.rows.push(vec![
                    Cell::from(k.name.clone()),
                    count(k.open),
                    count(k.won),
                    count(k.lost),
                    Cell::Rate(k.win_rate),
                    Cell::Number(k.avg_days_to_close, 2),
                    Cell::Money(k.avg_won_value_minor),
                    Cell::Money(Some(k.won_revenue_minor)),
                    cur(),
                ]);
            }
            s
        }
        KpiTable::Stages => {
            let mut s = Sheet::new(
                "Fasi",
                &[
                    ("pipeline", "Pipeline"),
                    ("stage", "Fase"),
                    ("stays", "Passaggi"),
                    ("avg_days", "Giorni medi"),
                ],
            );
            for k in &report.pipelines {
                for st in &k.stage_days {
                    s.rows.push(vec![
                        Cell::from(k.name.clone()),
                        Cell::from(st.name.clone()),
                        count(st.stays),
                        Cell::Number(st.avg_days, 2),
                    ]);
                }
            }
            s
        }
        KpiTable::Forecast => {
            let mut s = Sheet::new(
                "Previsione",
                &[
                    ("pipeline", "Pipeline"),
                    ("month", "Mese"),
                    ("deals", "Trattative"),
                    ("value", "Valore"),
                    ("weighted", "Valore ponderato"),
                    ("currency", "Valuta"),
                ],
            );
            for k in &report.pipelines {
                for f in &k.forecast {
                    s.rows.push(vec![
                        Cell::from(k.name.clone()),
                        Cell::from(f.month.clone()),
                        count(f.deals),
                        Cell::Money(Some(f.value_minor)),
                        Cell::Money(Some(f.weighted_minor)),
                        cur(),
                    ]);
                }
            }
            s
        }
        KpiTable::Stores | KpiTable::Owners => {
            let (name, key, label, rows) = if table == KpiTable::Stores {
                ("Negozi", "store", "Negozio", &report.stores)
            } else {
                ("Titolari", "owner", "Titolare", &report.owners)
            };
            let mut s = Sheet::new(
                name,
                &[
                    (key, label),
                    ("leads", "Lead"),
                    ("deals_opened", "Trattative aperte"),
                    ("won", "Vinte"),
                    ("lost", "Perse"),
                    ("win_rate", "Tasso di vittoria"),
                    ("won_revenue", "Ricavi vinti"),
                    ("currency", "Valuta"),
                ],
            );
            for k in rows {
                s.rows.push(vec![
                    Cell::from(k.name.clone()),
                    count(k.leads),
                    count(k.deals_opened),
                    count(k.won),
                    count(k.lost),
                    Cell::Rate(k.win_rate),
                    Cell::Money(Some(k.won_revenue_minor)),
                    cur(),
                ]);
            }
            s
        }
    }
}

/// One table of a report as CSV (header row first). Amounts are decimals in
/// major units of `report.currency`; rates are fractions 0–1 with four
/// decimals; empty cells mean "not defined" (e.g. a win rate with nothing
/// closed).
pub fn to_csv(report: &KpiReport, table: KpiTable) -> Result<String> {
    sheet::plain_csv(&to_sheet(report, table))
}

/// The after-sale KPIs of `range` (issue 16), over the contracts of the
/// deals the acting user may see and the tenant's tickets:
/// - activation lead time = days from the deal won (its UTC day) to the
///   contract active, mean and median, per pipeline and store, over the
///   contracts activated in the range;
/// - tickets per kind and store: open and overdue now; closed in the range
///   and SLA compliance = closed by their due time ÷ closed;
/// - contracts by status now; renewals due = running contracts whose term
///   ends in the month after the range;
/// - churn = contracts ceased in the range ÷ contracts running at its
///   start.
///
/// An open start means since ever (from 1 January 2000), an open end
/// today.
///
/// Errors: [`Error::Validation`] `to` (`before_start`).
pub async fn after_sale(
    db: &Db,
    ctx: &Ctx,
    range: KpiRange,
) -> Result<crate::model::AfterSaleReport> {
    use crate::model::{mean_and_median, ActivationKpi, AfterSaleReport, ContractStatus};
    use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime};
    let today = super::now().date_naive();
    let from = range
        .from
        .or(NaiveDate::from_ymd_opt(2000, 1, 1))
        .unwrap_or(today);
    let to = range.to.unwrap_or(today);
    if to < from {
        return Err(Error::field("to", "before_start"));
    }
    let day_start = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    let since = day_start(from);
    let until = day_start(to.checked_add_days(Days::new(1)).unwrap_or(to));
    let next_first = to
        .with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .unwrap_or(to);
    let next_last = next_first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(next_first);
    let scope = ctx.record_scope();
    let tenant = ctx.tenant_id();
    with_conn!(db, |c| {
        // By pipeline, then store.
        let mut groups = std::collections::BTreeMap::<(String, Option<String>), Vec<i64>>::new();
        for (pipeline, store, won_at, active_on) in
            c.activations(tenant, (from, to), &scope).await?
        {
            let days = (active_on - won_at.date_naive()).num_days().max(0);
            groups.entry((pipeline, store)).or_default().push(days);
        }
        let activation = groups
            .into_iter()
            .map(|((pipeline_name, store_name), mut days)| {
                let (mean_days, median_days) = mean_and_median(&mut days);
                ActivationKpi {
                    pipeline_name,
                    store_name,
                    activated: days.len() as u64,
                    mean_days,
                    median_days,
                }
            })
            .collect();
        let tickets = c
            .ticket_counts(tenant, (since, until), super::now())
            .await?
            .into_iter()
            .filter(|t| t.open + t.closed > 0)
            .collect();
        let counted = c.contracts_by_status(tenant, &scope).await?;
        let contracts_by_status = ContractStatus::ALL
            .iter()
            .map(|s| {
                let n = counted
                    .iter()
                    .find(|(name, _)| name == s.as_str())
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                (*s, n)
            })
            .collect();
        let renewals_next_month = c
            .renewals_due(tenant, (next_first, next_last), &scope)
            .await?;
        let (ceased, running_at_start) = c.churn_counts(tenant, (from, to), &scope).await?;
        Ok(AfterSaleReport {
            activation,
            tickets,
            contracts_by_status,
            renewals_next_month,
            ceased,
            running_at_start,
            churn_rate: (running_at_start > 0).then(|| ceased as f64 / running_at_start as f64),
        })
    })
}
