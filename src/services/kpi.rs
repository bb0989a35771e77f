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

use super::Ctx;
use crate::model::{
    cost_per_lead, div_round, minor_to_decimal, rate, weighted, win_rate, CampaignKpi,
    ForecastMonth, GroupKpi, KpiRange, KpiReport, KpiTable, PipelineKpi, StageDays,
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

fn opt_rate(r: Option<f64>) -> String {
    r.map(|r| format!("{r:.4}")).unwrap_or_default()
}

fn opt_money(m: Option<i64>) -> String {
    m.map(minor_to_decimal).unwrap_or_default()
}

/// One table of a report as CSV (header row first). Amounts are decimals in
/// major units of `report.currency`; rates are fractions 0–1 with four
/// decimals; empty cells mean "not defined" (e.g. a win rate with nothing
/// closed).
pub fn to_csv(report: &KpiReport, table: KpiTable) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let cur = report.currency.as_str();
    match table {
        KpiTable::Campaigns => {
            w.write_record([
                "campaign",
                "leads",
                "cost",
                "cost_per_lead",
                "converted_leads",
                "conversion_rate",
                "won_deals",
                "won_revenue",
                "currency",
            ])?;
            for k in &report.campaigns {
                w.write_record([
                    k.name.clone(),
                    k.leads.to_string(),
                    minor_to_decimal(k.cost_minor),
                    opt_money(k.cost_per_lead_minor),
                    k.converted_leads.to_string(),
                    opt_rate(k.conversion_rate),
                    k.won_deals.to_string(),
                    minor_to_decimal(k.won_revenue_minor),
                    cur.to_string(),
                ])?;
            }
        }
        KpiTable::Pipelines => {
            w.write_record([
                "pipeline",
                "open",
                "won",
                "lost",
                "win_rate",
                "avg_days_to_close",
                "avg_won_value",
                "won_revenue",
                "currency",
            ])?;
            for k in &report.pipelines {
                w.write_record([
                    k.name.clone(),
                    k.open.to_string(),
                    k.won.to_string(),
                    k.lost.to_string(),
                    opt_rate(k.win_rate),
                    k.avg_days_to_close
                        .map(|d| format!("{d:.2}"))
                        .unwrap_or_default(),
                    opt_money(k.avg_won_value_minor),
                    minor_to_decimal(k.won_revenue_minor),
                    cur.to_string(),
                ])?;
            }
        }
        KpiTable::Stages => {
            w.write_record(["pipeline", "stage", "stays", "avg_days"])?;
            for k in &report.pipelines {
                for s in &k.stage_days {
                    w.write_record([
                        k.name.clone(),
                        s.name.clone(),
                        s.stays.to_string(),
                        s.avg_days.map(|d| format!("{d:.2}")).unwrap_or_default(),
                    ])?;
                }
            }
        }
        KpiTable::Forecast => {
            w.write_record([
                "pipeline", "month", "deals", "value", "weighted", "currency",
            ])?;
            for k in &report.pipelines {
                for f in &k.forecast {
                    w.write_record([
                        k.name.clone(),
                        f.month.clone(),
                        f.deals.to_string(),
                        minor_to_decimal(f.value_minor),
                        minor_to_decimal(f.weighted_minor),
                        cur.to_string(),
                    ])?;
                }
            }
        }
        KpiTable::Stores | KpiTable::Owners => {
            let (label, rows) = if table == KpiTable::Stores {
                ("store", &report.stores)
            } else {
                ("owner", &report.owners)
            };
            w.write_record([
                label,
                "leads",
                "deals_opened",
                "won",
                "lost",
                "win_rate",
                "won_revenue",
                "currency",
            ])?;
            for k in rows {
                w.write_record([
                    k.name.clone(),
                    k.leads.to_string(),
                    k.deals_opened.to_string(),
                    k.won.to_string(),
                    k.lost.to_string(),
                    opt_rate(k.win_rate),
                    minor_to_decimal(k.won_revenue_minor),
                    cur.to_string(),
                ])?;
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| Error::Io {
        path: "(kpi export)".into(),
        source: e.into_error(),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
