//! The dashboard's customer segments (seed 002, issue 15): how many
//! customers are VIP, regular, new, at risk and dormant, and how that
//! moved over the last runs; for managers the thresholds, "classify now"
//! and a segment's export for a campaign (marketing: only who agreed on
//! the channel chosen).

use banco::model::{
    ContactChannel, ContactPurpose, ExportFormat, Segment, SegmentRules, SegmentSummary,
    CONSENT_CHANNELS,
};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};
use crate::widgets::export::ExportFormatPicker;
use crate::{api, Shared};

/// The segments card.
#[function_component(SegmentsCard)]
pub fn segments_card() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let summary = use_state(|| None::<SegmentSummary>);
    let message = use_state(|| None::<(bool, String)>);
    let format = use_state(|| ExportFormat::ExcelIt);
    let channel = use_state(|| Some(ContactChannel::Email));
    let rules_form = use_node_ref();
    {
        let (summary, message) = (summary.clone(), message.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::segment_summary().await {
                    Ok(s) => summary.set(Some(s)),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        });
    }
    let refresh = {
        let (summary, message) = (summary.clone(), message.clone());
        Callback::from(move |_| {
            let (summary, message) = (summary.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::refresh_segments().await {
                    Ok(s) => summary.set(Some(s)),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let save_rules = {
        let (summary, message, rules_form) = (summary.clone(), message.clone(), rules_form.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(form) = rules_form.cast::<web_sys::HtmlElement>() else {
                return;
            };
            let value = |name: &str| {
                form.query_selector(&format!("input[name={name}]"))
                    .ok()
                    .flatten()
                    .and_then(|el| wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(el).ok())
                    .and_then(|i| i.value().trim().parse::<i32>().ok())
                    .unwrap_or(0)
            };
            let rules = SegmentRules {
                vip_top_percent: value("vip_top_percent"),
                vip_period_days: value("vip_period_days"),
                new_days: value("new_days"),
                at_risk_days: value("at_risk_days"),
                dormant_days: value("dormant_days"),
            };
            let (summary, message) = (summary.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_segment_rules(rules).await {
                    Ok(s) => {
                        message.set(Some((true, tr("segments.saved"))));
                        summary.set(Some(s));
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let export = |segment: Segment| {
        let (message, format, channel) = (message.clone(), format.clone(), channel.clone());
        Callback::from(move |_| {
            let (message, format, channel) = (message.clone(), *format, *channel);
            wasm_bindgen_futures::spawn_local(async move {
                match api::export_segment(segment, ContactPurpose::Marketing, channel, format).await
                {
                    Ok(Some(path)) => {
                        message.set(Some((true, tr_with("segments.exported", [("path", path)]))))
                    }
                    Ok(None) => {}
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let on_channel = {
        let channel = channel.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            channel.set(value.parse::<ContactChannel>().ok());
        })
    };
    let manager = shared.can_manage();
    let body = match &*summary {
        None => html! { <p class="hint">{ tr("app.loading") }</p> },
        Some(s) => {
            let r = s.rules;
            let input = |name: &'static str, value: i32| {
                html! {
                    <label>{ tr(&format!("segments.{name}")) }<crate::widgets::form::KeptInput kind="number" name={name} value={value.to_string()} /></label>
                }
            };
            html! { <>
                <p class="hint" id="segments-computed">{ match s.computed_at {
                    Some(at) => tr_with("segments.computed", [("when", local_time(&at))]),
                    None => tr("segments.never"),
                } }</p>
                <table class="list" id="segments-table">
                    <thead><tr>
                        <th>{ tr("segments.segment") }</th>
                        <th>{ tr("segments.people") }</th>
                        { for s.trend.iter().rev().take(6).rev().map(|d| html! { <th class="num">{ d.day.format("%d/%m").to_string() }</th> }) }
                        { manager.then(|| html! { <th></th> }) }
                    </tr></thead>
                    <tbody>{ for s.counts.iter().map(|(segment, n)| html! {
                        <tr data-segment={segment.as_str()}>
                            <td>{ tr(&format!("segment.{}", segment.as_str())) }</td>
                            <td class="num">{ *n }</td>
                            { for s.trend.iter().rev().take(6).rev().map(|d| html! {
                                <td class="num muted">{ d.counts.iter().find(|(x, _)| x == segment).map_or(0, |(_, n)| *n) }</td>
                            }) }
                            { manager.then(|| html! { <td><button class="small" id={format!("segment-export-{}", segment.as_str())} onclick={export(*segment)}>{ tr("segments.export") }</button></td> }) }
                        </tr>
                    }) }</tbody>
                </table>
                { manager.then(|| html! { <>
                    <div class="filters">
                        <label>{ tr("segments.channel") }
                            <select id="segment-export-channel" onchange={on_channel}>
                                <option value="" selected={channel.is_none()}>{ tr("consents.every_channel") }</option>
                                { for CONSENT_CHANNELS.iter().map(|c| html! {
                                    <option value={c.as_str()} selected={*channel == Some(*c)}>{ tr(&format!("channel.{}", c.as_str())) }</option>
                                }) }
                            </select>
                        </label>
                        <label>{ tr("export.format") }<ExportFormatPicker id="segment-export-format" format={format.clone()} /></label>
                        <button id="segments-refresh" class="secondary" onclick={refresh.clone()}>{ tr("segments.refresh") }</button>
                    </div>
                    <form id="segment-rules" class="filters" ref={rules_form.clone()} onsubmit={save_rules.clone()}>
                        { input("vip_top_percent", r.vip_top_percent) }
                        { input("vip_period_days", r.vip_period_days) }
                        { input("new_days", r.new_days) }
                        { input("at_risk_days", r.at_risk_days) }
                        { input("dormant_days", r.dormant_days) }
                        <button id="segment-rules-save" type="submit">{ tr("segments.save") }</button>
                    </form>
                </> }) }
            </> }
        }
    };
    html! {
        <div class="card" id="segments-card">
            <h3>{ tr("segments.title") }</h3>
            <p class="hint">{ tr("segments.hint") }</p>
            { body }
            { message.as_ref().map(|(ok, m)| html! {
                <p class={if *ok { "message ok" } else { "message error" }} role="status">{ m.clone() }</p>
            }) }
        </div>
    }
}
