//! Settings → backups of the shop's embedded database (issue 14): the
//! backups the app takes each day and on demand, each checked, with what
//! they hold; a damaged one is shown as such. Restoring is done with
//! Banco closed (`banco backup restore`), as the section says.

use banco::model::BackupInfo;
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
    {
        let (list, message) = (list.clone(), message.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_backups().await {
                    Ok(l) => list.set(Some(l)),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        });
    }
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
                    <thead><tr><th>{ tr("backups.when") }</th><th>{ tr("backups.file") }</th><th>{ tr("backups.size") }</th><th>{ tr("backups.leads") }</th><th>{ tr("backups.state") }</th></tr></thead>
                    <tbody id="backups-table">{ for rows.iter().map(|b| html! {
                        <tr class={classes!((!b.ok).then_some("inactive"))} data-ok={b.ok.to_string()}>
                            <td>{ local_time(&b.taken_at) }</td>
                            <td>{ &b.file }</td>
                            <td>{ tr_with("backups.mb", [("n", format!("{:.1}", b.size_bytes as f64 / 1_048_576.0))]) }</td>
                            <td>{ b.leads.map(|n| n.to_string()).unwrap_or_default() }</td>
                            <td>{ if b.ok { tr("backups.ok") } else { tr_with("backups.damaged", [("why", b.problem.clone().unwrap_or_default())]) } }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
            <p class="hint">{ tr("backups.restore_hint") }</p>
        </div>
    }
}
