//! The dashboard's after-sale section (issue 16): activation lead time per
//! pipeline and store, tickets per kind and store with SLA compliance,
//! contracts by status, the renewals due next month and churn — for the
//! dashboard's date range.

use banco::model::{AfterSaleReport, KpiRange};
use yew::prelude::*;

use crate::format::number;
use crate::i18n::{error_text, tr, tr_with};
use crate::{api, Shared};

#[derive(Properties, PartialEq)]
pub struct AfterSaleKpisProps {
    pub range: KpiRange,
}

#[function_component(AfterSaleKpis)]
pub fn after_sale_kpis(props: &AfterSaleKpisProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let report = use_state(|| None::<AfterSaleReport>);
    let error = use_state(|| None::<String>);
    {
        let (report, error) = (report.clone(), error.clone());
        use_effect_with(props.range, move |r| {
            let r = *r;
            wasm_bindgen_futures::spawn_local(async move {
                match api::after_sale_kpi(&r).await {
                    Ok(k) => {
                        error.set(None);
                        report.set(Some(k));
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let lang = shared.lang.clone();
    let days = |d: f64| number(d, "decimal", 1, &lang);
    let pct = |p: Option<f64>| {
        p.map(|p| number(p, "percent", 1, &lang))
            .unwrap_or_else(|| "—".into())
    };
    html! {
        <section class="after-sale-kpi" id="kpi-after-sale">
            <h3>{ tr("kpi.after_sale") }</h3>
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
            { report.as_ref().map(|r| html! { <>
                <p id="kpi-contracts">
                    { for r.contracts_by_status.iter().map(|(s, n)| html! { <span class={classes!("badge", s.as_str())}>{ format!("{} {n}", tr(&format!("contract_status.{}", s.as_str()))) }</span> }) }
                </p>
                <p id="kpi-renewals">{ tr_with("kpi.renewals_next_month", [("n", r.renewals_next_month.to_string())]) }
                    { " · " }{ tr_with("kpi.churn", [("ceased", r.ceased.to_string()), ("running", r.running_at_start.to_string()), ("rate", pct(r.churn_rate))]) }</p>
                <table class="list" id="kpi-activation">
                    <thead><tr><th>{ tr("deals.pipeline") }</th><th>{ tr("field.store_id") }</th><th>{ tr("kpi.activated") }</th><th>{ tr("kpi.mean_days") }</th><th>{ tr("kpi.median_days") }</th></tr></thead>
                    <tbody>{ for r.activation.iter().map(|a| html! {
                        <tr><td>{ &a.pipeline_name }</td><td>{ a.store_name.clone().unwrap_or_else(|| "—".into()) }</td>
                            <td class="num">{ a.activated }</td><td class="num">{ days(a.mean_days) }</td><td class="num">{ days(a.median_days) }</td></tr>
                    }) }</tbody>
                </table>
                <table class="list" id="kpi-tickets">
                    <thead><tr><th>{ tr("kpi.ticket_kind") }</th><th>{ tr("field.store_id") }</th><th>{ tr("kpi.tickets_open") }</th><th>{ tr("kpi.overdue") }</th><th>{ tr("kpi.closed") }</th><th>{ tr("kpi.sla_compliance") }</th></tr></thead>
                    <tbody>{ for r.tickets.iter().map(|k| html! {
                        <tr data-kind={k.kind.as_str()}><td>{ tr(&format!("ticket_kind.{}", k.kind.as_str())) }</td><td>{ k.store_name.clone().unwrap_or_else(|| "—".into()) }</td>
                            <td class="num">{ k.open }</td><td class="num">{ k.overdue }</td><td class="num">{ k.closed }</td><td class="num">{ pct(k.sla_compliance()) }</td></tr>
                    }) }</tbody>
                </table>
            </> }) }
        </section>
    }
}
