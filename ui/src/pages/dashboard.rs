//! The KPI dashboard: a date range, charts (drawn by `plotters` as SVG) and
//! the tables per pipeline, stage, forecast month, campaign, store and
//! owner, each exportable as CSV. The formulas are the core's
//! (`banco::services::kpi`).

use banco::model::{KpiRange, KpiReport};
use chrono::{Datelike, NaiveDate};
use plotters::prelude::*;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::format::{money, number};
use crate::i18n::{error_text, tr, tr_with};
use crate::widgets::export::ExportFormatPicker;
use crate::{api, Shared};

fn percent(r: Option<f64>, lang: &str) -> String {
    r.map(|r| number(r, "percent", 1, lang))
        .unwrap_or_else(|| "—".into())
}

fn days(d: Option<f64>, lang: &str) -> String {
    d.map(|d| number(d, "decimal", 1, lang))
        .unwrap_or_else(|| "—".into())
}

/// Escapes text for SVG content.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A bar chart of `bars` (label, value) as an SVG string; an empty string
/// when there is nothing to draw.
fn bar_chart(title: &str, bars: &[(String, f64)], y_label: &str) -> String {
    let mut svg = String::new();
    if bars.is_empty() {
        return svg;
    }
    {
        let root = SVGBackend::with_string(&mut svg, (500, 240)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let max = bars.iter().map(|b| b.1).fold(0.0f64, f64::max).max(1.0);
        let labels: Vec<String> = bars.iter().map(|b| xml_escape(&b.0)).collect();
        let chart = ChartBuilder::on(&root)
            .caption(xml_escape(title), ("sans-serif", 16))
            .margin(8)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d((0..bars.len().max(1) - 1).into_segmented(), 0.0..max * 1.1);
        if let Ok(mut chart) = chart {
            let _ = chart
                .configure_mesh()
                .disable_x_mesh()
                .y_desc(xml_escape(y_label))
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                    _ => String::new(),
                })
                .draw();
            let _ = chart.draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), *v),
                    ],
                    RGBColor(37, 99, 235).filled(),
                );
                bar.set_margin(0, 0, 6, 6);
                bar
            }));
        }
        let _ = root.present();
    }
    svg
}

#[function_component(Dashboard)]
pub fn dashboard() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let today = chrono::Utc::now().date_naive();
    let range = use_state(|| KpiRange {
        from: NaiveDate::from_ymd_opt(today.year(), 1, 1),
        to: None,
    });
    let report = use_state(|| None::<KpiReport>);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let export_format = use_state(|| banco::model::ExportFormat::ExcelIt);
    {
        let (report, error) = (report.clone(), error.clone());
        use_effect_with(*range, move |r| {
            let r = *r;
            wasm_bindgen_futures::spawn_local(async move {
                match api::kpi_report(&r).await {
                    Ok(k) => {
                        error.set(None);
                        report.set(Some(k));
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let on_date = |from: bool| {
        let range = range.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let d = NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok();
            let mut next = *range;
            if from {
                next.from = d;
            } else {
                next.to = d;
            }
            range.set(next);
        })
    };
    let export = |table: &'static str| {
        let (range, notice, error, format) =
            (range.clone(), notice.clone(), error.clone(), *export_format);
        Callback::from(move |_| {
            let (r, notice, error) = (*range, notice.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // `table` is one of the button ids below, each a KpiTable name.
                let Ok(table) = table.parse::<banco::model::KpiTable>() else {
                    return;
                };
                match api::export_kpi_csv(&r, table, format).await {
                    Ok(Some(path)) => notice.set(Some(tr_with("deals.exported", [("path", path)]))),
                    Ok(None) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let lang = shared.lang.clone();
    let export_button = |table: &'static str| {
        html! { <button class="small" id={format!("export-{table}")} onclick={export(table)}>{ tr("kpi.export_csv") }</button> }
    };
    let body = match &*report {
        None => html! { <p>{ tr("app.loading") }</p> },
        Some(k) => {
            let cur = k.currency.clone();
            let lang: &str = &lang;
            let m = |v: i64| money(v, &cur, lang);
            let mut months: Vec<(String, f64)> = Vec::new();
            for p in &k.pipelines {
                for f in &p.forecast {
                    match months.iter_mut().find(|x| x.0 == f.month) {
                        Some(x) => x.1 += f.weighted_minor as f64 / 100.0,
                        None => months.push((f.month.clone(), f.weighted_minor as f64 / 100.0)),
                    }
                }
            }
            months.sort_by(|a, b| a.0.cmp(&b.0));
            let win_rates: Vec<(String, f64)> = k
                .pipelines
                .iter()
                .map(|p| (p.name.clone(), p.win_rate.unwrap_or(0.0) * 100.0))
                .collect();
            let chart1 = bar_chart(&tr("kpi.chart_forecast"), &months, &cur);
            let chart2 = bar_chart(&tr("kpi.chart_win_rate"), &win_rates, "%");
            html! {
                <>
                    <div class="charts">
                        <div class="chart" id="chart-forecast">{ if chart1.is_empty() {
                            html! { <p class="muted empty-chart">{ tr("kpi.no_forecast") }</p> }
                        } else { Html::from_html_unchecked(AttrValue::from(chart1)) } }</div>
                        <div class="chart" id="chart-win-rate">{ Html::from_html_unchecked(AttrValue::from(chart2)) }</div>
                    </div>
                    <h3>{ tr("kpi.pipelines") }{ export_button("pipelines") }</h3>
                    <table class="list" id="kpi-pipelines">
                        <thead><tr><th>{ tr("deals.pipeline") }</th><th>{ tr("kpi.open") }</th><th>{ tr("kpi.won") }</th><th>{ tr("kpi.lost") }</th>
                            <th>{ tr("kpi.win_rate") }</th><th>{ tr("kpi.avg_days_to_close") }</th><th>{ tr("kpi.avg_value") }</th><th>{ tr("kpi.won_revenue") }</th></tr></thead>
                        <tbody>{ for k.pipelines.iter().map(|p| html! {
                            <tr data-pipeline={p.name.clone()}><td>{ &p.name }</td><td class="num">{ p.open }</td><td class="num won">{ p.won }</td><td class="num">{ p.lost }</td>
                                <td class="num">{ percent(p.win_rate, lang) }</td><td class="num">{ days(p.avg_days_to_close, lang) }</td>
                                <td class="num">{ p.avg_won_value_minor.map(m).unwrap_or_else(|| "—".into()) }</td><td class="num">{ m(p.won_revenue_minor) }</td></tr>
                        }) }</tbody>
                    </table>
                    <h3>{ tr("kpi.stages") }{ export_button("stages") }</h3>
                    <table class="list">
                        <thead><tr><th>{ tr("deals.pipeline") }</th><th>{ tr("deals.stage") }</th><th>{ tr("kpi.stays") }</th><th>{ tr("kpi.avg_days") }</th></tr></thead>
                        <tbody>{ for k.pipelines.iter().flat_map(|p| p.stage_days.iter().filter(|s| s.stays > 0).map(move |s| html! {
                            <tr><td>{ &p.name }</td><td>{ &s.name }</td><td class="num">{ s.stays }</td><td class="num">{ days(s.avg_days, lang) }</td></tr>
                        })) }</tbody>
                    </table>
                    <h3>{ tr("kpi.forecast") }{ export_button("forecast") }</h3>
                    <table class="list">
                        <thead><tr><th>{ tr("deals.pipeline") }</th><th>{ tr("kpi.month") }</th><th>{ tr("kpi.deals") }</th><th>{ tr("deals.value") }</th><th>{ tr("deals.weighted") }</th></tr></thead>
                        <tbody>{ for k.pipelines.iter().flat_map(|p| p.forecast.iter().map(move |f| (p.name.clone(), f.clone()))).map(|(name, f)| html! {
                            <tr><td>{ name }</td><td>{ &f.month }</td><td class="num">{ f.deals }</td><td class="num">{ m(f.value_minor) }</td><td class="num">{ m(f.weighted_minor) }</td></tr>
                        }) }</tbody>
                    </table>
                    <h3>{ tr("kpi.campaigns") }{ export_button("campaigns") }</h3>
                    <table class="list" id="kpi-campaigns">
                        <thead><tr><th>{ tr("deals.campaign") }</th><th>{ tr("kpi.leads") }</th><th>{ tr("kpi.cost") }</th><th>{ tr("kpi.cpl") }</th>
                            <th>{ tr("kpi.conversion") }</th><th>{ tr("kpi.won") }</th><th>{ tr("kpi.won_revenue") }</th></tr></thead>
                        <tbody>{ for k.campaigns.iter().map(|c| html! {
                            <tr><td>{ &c.name }</td><td class="num">{ c.leads }</td><td class="num">{ m(c.cost_minor) }</td>
                                <td class="num">{ c.cost_per_lead_minor.map(m).unwrap_or_else(|| "—".into()) }</td>
                                <td class="num">{ percent(c.conversion_rate, lang) }</td><td class="num">{ c.won_deals }</td><td class="num">{ m(c.won_revenue_minor) }</td></tr>
                        }) }</tbody>
                    </table>
                    { for [("stores", &k.stores, "kpi.stores"), ("owners", &k.owners, "kpi.owners")].into_iter().map(|(table, rows, title)| html! {
                        <>
                            <h3>{ tr(title) }{ export_button(table) }</h3>
                            <table class="list" id={format!("kpi-{table}")}>
                                <thead><tr><th>{ tr("kpi.name") }</th><th>{ tr("kpi.leads") }</th><th>{ tr("kpi.deals_opened") }</th><th>{ tr("kpi.won") }</th>
                                    <th>{ tr("kpi.lost") }</th><th>{ tr("kpi.win_rate") }</th><th>{ tr("kpi.won_revenue") }</th></tr></thead>
                                <tbody>{ for rows.iter().map(|g| html! {
                                    <tr><td>{ if g.name.is_empty() { "—".to_string() } else { g.name.clone() } }</td><td class="num">{ g.leads }</td><td class="num">{ g.deals_opened }</td>
                                        <td class="num">{ g.won }</td><td class="num">{ g.lost }</td><td class="num">{ percent(g.win_rate, lang) }</td><td class="num">{ m(g.won_revenue_minor) }</td></tr>
                                }) }</tbody>
                            </table>
                        </>
                    }) }
                </>
            }
        }
    };
    html! {
        <div class="page dashboard">
            <h2>{ tr("nav.dashboard") }</h2>
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
            { notice.as_ref().map(|n| html! { <div class="banner ok" role="status">{ n }</div> }) }
            <div class="filters">
                <label>{ tr("kpi.from") }<input type="date" id="kpi-from" value={range.from.map(|d| d.to_string()).unwrap_or_default()} onchange={on_date(true)} /></label>
                <label>{ tr("kpi.to") }<input type="date" id="kpi-to" value={range.to.map(|d| d.to_string()).unwrap_or_default()} onchange={on_date(false)} /></label>
                <label>{ tr("export.format") }<ExportFormatPicker id="kpi-export-format" format={export_format.clone()} /></label>
                <p class="muted">{ tr("kpi.formulas") }</p>
            </div>
            { body }
            <super::after_sale_kpi::AfterSaleKpis range={*range} />
            <super::segments::SegmentsCard />
        </div>
    }
}
