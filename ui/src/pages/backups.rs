//! Settings → backups of the shop's embedded database (issue 14): the
//! backups the app takes each day and on demand, each checked, with what
//! they hold; a damaged one is shown as such and cannot be restored. How
//! many days they are kept is set here; "Restore" puts a good one in
//! place of the database after a confirmation that names it and where
//! the replaced database stays, then signs the desk out (the restored
//! database has its own users).

use banco::model::BackupInfo;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};

/// The backups card (store managers and admins, on a shop's database).
#[function_component(Backups)]
pub fn backups() -> Html {
    let list = use_state(|| None::<Vec<BackupInfo>>);
    let message = use_state(|| None::<(bool, String)>);
    let busy = use_state(|| false);
    let keep = use_state(|| None::<u32>);
    let keep_input = use_node_ref();
    crate::widgets::form::use_field_value(
        &keep_input,
        keep.map(|d| d.to_string()).unwrap_or_default(),
    );
    // The backup waiting for "yes, restore it".
    let confirming = use_state(|| None::<BackupInfo>);
    {
        let (list, message, keep) = (list.clone(), message.clone(), keep.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_backups().await {
                    Ok(l) => list.set(Some(l)),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
                if let Ok(days) = api::backup_keep_days().await {
                    keep.set(Some(days));
                }
            });
        });
    }
    let save_keep = {
        let (keep, keep_input, message) = (keep.clone(), keep_input.clone(), message.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = keep_input.cast::<HtmlInputElement>() else {
                return;
            };
            let Ok(days) = input.value().trim().parse::<u32>() else {
                message.set(Some((false, tr("backups.keep_invalid"))));
                return;
            };
            let (keep, message) = (keep.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::set_backup_keep_days(days).await {
                    Ok(d) => {
                        keep.set(Some(d));
                        message.set(Some((
                            true,
                            tr_with("backups.keep_saved", [("n", d.to_string())]),
                        )));
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let restore = {
        let (confirming, message, busy) = (confirming.clone(), message.clone(), busy.clone());
        Callback::from(move |file: String| {
            let (confirming, message, busy) = (confirming.clone(), message.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::restore_backup(file).await {
                    // Signed out on the restored database: start again.
                    Ok(_) => {
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().reload();
                        }
                    }
                    Err(e) => {
                        confirming.set(None);
                        message.set(Some((false, error_text(&e))));
                    }
                }
                busy.set(false);
            });
        })
    };
    let now = {
        let (list, message, busy) = (list.clone(), message.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            let (list, message, busy) = (list.clone(), message.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::back_up_now().await {
                    Ok(l) => {
                        list.set(Some(l));
                        message.set(Some((true, tr("backups.taken"))));
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
                busy.set(false);
            });
        })
    };
    let rows = list.as_ref().cloned().unwrap_or_default();
    html! {
        <div class="card" id="backups">
            <h2>{ tr("backups.title") }</h2>
            <p class="hint">{ tr("backups.hint") }</p>
            { message.as_ref().map(|(ok, m)| html!{ <div id="backups-message" class={classes!("banner", if *ok { "ok" } else { "error" })}>{ m }</div> }) }
            <div class="actions"><button id="back-up-now" type="button" class="primary" disabled={*busy} onclick={now}>{ tr("backups.now") }</button></div>
            if rows.is_empty() {
                <p class="hint" id="backups-empty">{ tr("backups.none") }</p>
            } else {
                <table>
                    <thead><tr><th>{ tr("backups.when") }</th><th>{ tr("backups.file") }</th><th>{ tr("backups.size") }</th><th>{ tr("backups.leads") }</th><th>{ tr("backups.state") }</th><th></th></tr></thead>
                    <tbody id="backups-table">{ for rows.iter().map(|b| html! {
                        <tr class={classes!((!b.ok).then_some("inactive"))} data-ok={b.ok.to_string()}>
                            <td>{ local_time(&b.taken_at) }</td>
                            <td>{ &b.file }</td>
                            <td>{ tr_with("backups.mb", [("n", format!("{:.1}", b.size_bytes as f64 / 1_048_576.0))]) }</td>
                            <td>{ b.leads.map(|n| n.to_string()).unwrap_or_default() }</td>
                            <td>{ if b.ok { tr("backups.ok") } else { tr_with("backups.damaged", [("why", b.problem.clone().unwrap_or_default())]) } }</td>
                            <td>{ b.ok.then(|| {
                                let (confirming, b) = (confirming.clone(), b.clone());
                                html! { <button type="button" class="restore-backup" data-file={b.file.clone()}
                                    onclick={Callback::from(move |_| confirming.set(Some(b.clone())))}>{ tr("backups.restore") }</button> }
                            }) }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
            <p class="hint">{ tr("backups.restore_hint") }</p>
            <form id="backup-keep-form" class="inline" onsubmit={save_keep}>
                <label for="backup-keep-days">{ tr("backups.keep_label") }</label>
                <input id="backup-keep-days" type="number" min="1" max="3650" ref={keep_input} />
                <button id="backup-keep-save" type="submit">{ tr("backups.keep_save") }</button>
            </form>
            { confirming.as_ref().map(|b| {
                let file = b.file.clone();
                let (restore, cancel) = (restore.clone(), confirming.clone());
                html! {
                    <div class="dialog-slot"><div class="dialog" role="dialog" id="restore-dialog">
                        <h2>{ tr("backups.restore_title") }</h2>
                        <p>{ tr_with("backups.restore_confirm", [("when", local_time(&b.taken_at)), ("leads", b.leads.unwrap_or(0).to_string())]) }</p>
                        <div class="actions">
                            <button id="restore-cancel" type="button" data-escape="true" onclick={Callback::from(move |_| cancel.set(None))}>{ tr("backups.restore_cancel") }</button>
                            <button id="restore-confirm" type="button" class="danger" disabled={*busy} onclick={Callback::from(move |_| restore.emit(file.clone()))}>{ tr("backups.restore_yes") }</button>
                        </div>
                    </div></div>
                }
            }) }
        </div>
    }
}
