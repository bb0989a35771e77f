//! Settings → retention of personal data (GDPR, issue 15; admins): the
//! months after which people whose leads were never converted, and who
//! were not touched since, are erased by the daily job; a preview of who
//! it would erase now, when it last ran, and "erase them now".

use banco::model::RetentionPreview;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};

/// The retention card.
#[function_component(Retention)]
pub fn retention() -> Html {
    let preview = use_state(|| None::<RetentionPreview>);
    let message = use_state(|| None::<(bool, String)>);
    let confirming = use_state(|| false);
    let months_input = use_node_ref();
    crate::widgets::form::use_field_value(
        &months_input,
        preview
            .as_ref()
            .map(|p| p.months.to_string())
            .unwrap_or_default(),
    );
    {
        let (preview, message) = (preview.clone(), message.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::retention_preview().await {
                    Ok(p) => preview.set(Some(p)),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        });
    }
    let save = {
        let (preview, message, months_input) =
            (preview.clone(), message.clone(), months_input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = months_input.cast::<HtmlInputElement>() else {
                return;
            };
            let Ok(months) = input.value().trim().parse::<u32>() else {
                message.set(Some((false, tr("retention.months_invalid"))));
                return;
            };
            let (preview, message) = (preview.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_retention_months(months).await {
                    Ok(p) => {
                        message.set(Some((true, tr("retention.saved"))));
                        preview.set(Some(p));
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let apply = {
        let (preview, message, confirming) = (preview.clone(), message.clone(), confirming.clone());
        Callback::from(move |_| {
            let (preview, message, confirming) =
                (preview.clone(), message.clone(), confirming.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::apply_retention().await {
                    Ok(run) => message.set(Some((
                        run.backups_failed.is_empty(),
                        tr_with("retention.applied", [("n", run.erased.to_string())]),
                    ))),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
                confirming.set(false);
                if let Ok(p) = api::retention_preview().await {
                    preview.set(Some(p));
                }
            });
        })
    };
    let body = match &*preview {
        None => html! { <p class="hint">{ tr("app.loading") }</p> },
        Some(p) => html! { <>
            <form id="retention-form" class="inline" onsubmit={save}>
                <label for="retention-months">{ tr("retention.months") }</label>
                <input id="retention-months" type="number" min="0" max="120" ref={months_input} />
                <button id="retention-save" type="submit">{ tr("retention.save") }</button>
            </form>
            <p id="retention-last-run" class="hint">{ match p.last_run {
                Some(at) => tr_with("retention.last_run", [("when", local_time(&at))]),
                None => tr("retention.never_run"),
            } }</p>
            { if p.months == 0 { html! { <p id="retention-summary">{ tr("retention.off") }</p> } } else { html! { <>
                <p id="retention-summary">{ tr_with("retention.would_erase", [("n", p.people.to_string()), ("cutoff", local_time(&p.cutoff))]) }</p>
                { (!p.sample.is_empty()).then(|| html! {
                    <table id="retention-sample" class="list">
                        <thead><tr>
                            <th>{ tr("retention.person") }</th>
                            <th>{ tr("retention.leads") }</th>
                            <th>{ tr("retention.last_touched") }</th>
                        </tr></thead>
                        <tbody>{ for p.sample.iter().map(|c| html! {
                            <tr><td>{ &c.name }</td><td class="num">{ c.leads }</td><td>{ local_time(&c.last_touched) }</td></tr>
                        }) }</tbody>
                    </table>
                }) }
                { (p.people > 0).then(|| {
                    let confirming = confirming.clone();
                    html! { <div class="actions"><button id="retention-apply" class="danger" type="button"
                        onclick={Callback::from(move |_| confirming.set(true))}>{ tr("retention.apply") }</button></div> }
                }) }
            </> } } }
        </> },
    };
    html! {
        <div class="card" id="retention-card">
            <h2>{ tr("retention.title") }</h2>
            <p class="hint">{ tr("retention.hint") }</p>
            { body }
            { message.as_ref().map(|(ok, m)| html! {
                <p class={if *ok { "message ok" } else { "message error" }} role="status">{ m.clone() }</p>
            }) }
            { (*confirming).then(|| {
                let (cancel, n) = (confirming.clone(), preview.as_ref().map_or(0, |p| p.people));
                html! {
                    <div class="dialog-slot"><div class="dialog" role="dialog" id="retention-dialog">
                        <h2>{ tr("record.gdpr_erase_title") }</h2>
                        <p>{ tr_with("retention.confirm", [("n", n.to_string())]) }</p>
                        <div class="actions">
                            <button id="retention-cancel" type="button" data-escape="true" onclick={Callback::from(move |_| cancel.set(false))}>{ tr("backups.restore_cancel") }</button>
                            <button id="retention-confirm" type="button" class="danger" onclick={apply.clone()}>{ tr("record.gdpr_erase_yes") }</button>
                        </div>
                    </div></div>
                }
            }) }
        </div>
    }
}
