//! Settings → automations (seed 002, issue 15; managers): the three rules
//! that make calls for the deal's owner — a welcome call after a first
//! win, a reminder before a contract ends, a win-back call for customers
//! at risk — each on or off, with its days and segment; "run now"; the
//! newest runs and what they made.

use banco::model::{AutomationRule, AutomationRun, Segment};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};

/// The automations card.
#[function_component(Automations)]
pub fn automations() -> Html {
    let rules = use_state(Vec::<AutomationRule>::new);
    let runs = use_state(Vec::<AutomationRun>::new);
    let message = use_state(|| None::<(bool, String)>);
    let load = {
        let (rules, runs, message) = (rules.clone(), runs.clone(), message.clone());
        Callback::from(move |_: ()| {
            let (rules, runs, message) = (rules.clone(), runs.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::automations().await {
                    Ok((r, n)) => {
                        rules.set(r);
                        runs.set(n);
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(()));
    }
    let save = {
        let (message, load) = (message.clone(), load.clone());
        Callback::from(move |rule: AutomationRule| {
            let (message, load) = (message.clone(), load.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_automation_rule(rule).await {
                    Ok(_) => {
                        message.set(Some((true, tr("automations.saved"))));
                        load.emit(());
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let run_now = {
        let (message, load) = (message.clone(), load.clone());
        Callback::from(move |_| {
            let (message, load) = (message.clone(), load.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::run_automations().await {
                    Ok(done) => {
                        let made: i64 = done.iter().map(|r| r.created).sum();
                        message.set(Some((
                            true,
                            tr_with("automations.ran", [("n", made.to_string())]),
                        )));
                        load.emit(());
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    html! {
        <div class="card" id="automations-card">
            <h2>{ tr("automations.title") }</h2>
            <p class="hint">{ tr("automations.hint") }</p>
            <table class="list" id="automation-rules">
                <thead><tr>
                    <th>{ tr("automations.rule") }</th>
                    <th>{ tr("automations.active") }</th>
                    <th>{ tr("automations.days") }</th>
                    <th>{ tr("segments.segment") }</th>
                </tr></thead>
                <tbody>{ for rules.iter().map(|r| {
                    let kind = r.kind.as_str();
                    let rule = *r;
                    let on_active = {
                        let save = save.clone();
                        Callback::from(move |e: Event| {
                            let checked = e.target_unchecked_into::<HtmlInputElement>().checked();
                            save.emit(AutomationRule { active: checked, ..rule });
                        })
                    };
                    let on_days = {
                        let save = save.clone();
                        Callback::from(move |e: Event| {
                            let value = e.target_unchecked_into::<HtmlInputElement>().value();
                            if let Ok(days) = value.trim().parse::<i32>() {
                                save.emit(AutomationRule { days, ..rule });
                            }
                        })
                    };
                    let on_segment = {
                        let save = save.clone();
                        Callback::from(move |e: Event| {
                            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                            save.emit(AutomationRule { segment: value.parse::<Segment>().ok(), ..rule });
                        })
                    };
                    html! {
                        <tr data-kind={kind}>
                            <td>{ tr(&format!("automation.{kind}")) }</td>
                            <td><input type="checkbox" id={format!("automation-{kind}-active")} checked={r.active} onchange={on_active} /></td>
                            <td><input type="number" min="0" max="365" id={format!("automation-{kind}-days")} value={r.days.to_string()} onchange={on_days} /></td>
                            <td><select id={format!("automation-{kind}-segment")} onchange={on_segment}>
                                <option value="" selected={r.segment.is_none()}>{ tr("filter.all") }</option>
                                { for Segment::ALL.iter().map(|s| html! {
                                    <option value={s.as_str()} selected={r.segment == Some(*s)}>{ tr(&format!("segment.{}", s.as_str())) }</option>
                                }) }
                            </select></td>
                        </tr>
                    }
                }) }</tbody>
            </table>
            <div class="actions"><button id="automations-run" class="secondary" onclick={run_now}>{ tr("automations.run") }</button></div>
            { message.as_ref().map(|(ok, m)| html! {
                <p class={if *ok { "message ok" } else { "message error" }} role="status">{ m.clone() }</p>
            }) }
            { (!runs.is_empty()).then(|| html! {
                <ul id="automation-runs" class="hint">{ for runs.iter().map(|r| html! {
                    <li>{ tr_with("automations.run_line", [
                        ("when", local_time(&r.at)),
                        ("rule", tr(&format!("automation.{}", r.kind))),
                        ("created", r.created.to_string()),
                        ("skipped", r.skipped.to_string()),
                    ]) }</li>
                }) }</ul>
            }) }
        </div>
    }
}
