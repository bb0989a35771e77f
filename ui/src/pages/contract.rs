//! One contract after the sale (issue 16): where it stands, its dates and
//! amounts, the form of its kind, term, payment and identifiers (only the
//! identifiers of its kind are shown), the moves its lifecycle allows now
//! (with the day and the reason they take) and its history. Shown on a won
//! deal and from the Customers screen.

use banco::model::{
    ContractDetail, ContractEdit, ContractEventKind, ContractMove, ContractStatus, FieldError,
    PaymentMethod, ServiceKind,
};
use chrono::NaiveDate;
use uuid::Uuid;
use yew::prelude::*;

use crate::api;
use crate::format::{local_time, money};
use crate::i18n::{error_text, field_label, tr, tr_with};
use crate::widgets::form::{error_for, field_errors, labelled_input, select_value};
use crate::Shared;

#[derive(Properties, PartialEq)]
pub struct ContractPanelProps {
    pub id: Uuid,
    /// Told after each saved change (a list refreshes its row).
    #[prop_or_default]
    pub on_changed: Callback<()>,
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| "—".into())
}

/// The button label of a move to `to`.
fn move_label(from: ContractStatus, to: ContractStatus) -> String {
    if from == ContractStatus::ActivationRequested && to == ContractStatus::Signed {
        tr("contract.move.refused")
    } else if from == ContractStatus::Suspended && to == ContractStatus::Active {
        tr("contract.move.resume")
    } else {
        tr(&format!("contract.move.{}", to.as_str()))
    }
}

#[function_component(ContractPanel)]
pub fn contract_panel(props: &ContractPanelProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let detail = use_state(|| None::<ContractDetail>);
    let error = use_state(|| None::<String>);
    let errors = use_state(Vec::<FieldError>::new);
    let kind = use_state(|| ServiceKind::Other);
    let payment = use_state(String::new);
    let months = use_state(String::new);
    let notice = use_state(String::new);
    let tacit = use_state(|| true);
    let portability = use_state(|| false);
    let iban = use_state(String::new);
    let pod = use_state(String::new);
    let pdr = use_state(String::new);
    let msisdn = use_state(String::new);
    let iccid = use_state(String::new);
    let migration = use_state(String::new);
    let on_day = use_state(String::new);
    let reason = use_state(String::new);
    let saved = use_state(|| false);

    // Fills the form from a detail.
    let fill = {
        let (detail, kind, payment, months, notice, tacit, portability) = (
            detail.clone(),
            kind.clone(),
            payment.clone(),
            months.clone(),
            notice.clone(),
            tacit.clone(),
            portability.clone(),
        );
        let (iban, pod, pdr, msisdn, iccid, migration) = (
            iban.clone(),
            pod.clone(),
            pdr.clone(),
            msisdn.clone(),
            iccid.clone(),
            migration.clone(),
        );
        Callback::from(move |d: ContractDetail| {
            let c = &d.item.contract;
            kind.set(c.kind);
            payment.set(
                c.payment_method
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default(),
            );
            months.set(c.duration_months.to_string());
            notice.set(c.notice_days.to_string());
            tacit.set(c.tacit_renewal);
            portability.set(c.portability);
            iban.set(c.iban.clone().unwrap_or_default());
            pod.set(c.pod.clone().unwrap_or_default());
            pdr.set(c.pdr.clone().unwrap_or_default());
            msisdn.set(c.msisdn.clone().unwrap_or_default());
            iccid.set(c.iccid.clone().unwrap_or_default());
            migration.set(c.migration_code.clone().unwrap_or_default());
            detail.set(Some(d));
        })
    };
    {
        let (fill, error) = (fill.clone(), error.clone());
        use_effect_with(props.id, move |id| {
            let (id, fill, error) = (*id, fill.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::contract_detail(id).await {
                    Ok(d) => fill.emit(d),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let Some(d) = (*detail).clone() else {
        return html! { <section class="contract" id="contract-panel">
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
        </section> };
    };
    let c = d.item.contract.clone();
    let lang = shared.lang.clone();
    let id = props.id;

    let on_save = {
        let (fill, error, errors, saved, changed) = (
            fill.clone(),
            error.clone(),
            errors.clone(),
            saved.clone(),
            props.on_changed.clone(),
        );
        let edit = ContractEdit {
            kind: Some(*kind),
            duration_months: months.trim().parse().ok(),
            tacit_renewal: Some(*tacit),
            notice_days: notice.trim().parse().ok(),
            payment_method: Some((*payment).clone()),
            iban: Some((*iban).clone()),
            pod: Some((*pod).clone()).filter(|_| *kind == ServiceKind::Electricity),
            pdr: Some((*pdr).clone()).filter(|_| *kind == ServiceKind::Gas),
            msisdn: Some((*msisdn).clone()).filter(|_| *kind == ServiceKind::Mobile),
            iccid: Some((*iccid).clone()).filter(|_| *kind == ServiceKind::Mobile),
            portability: Some(*portability),
            migration_code: Some((*migration).clone()).filter(|_| *kind == ServiceKind::FixedLine),
            // Another desk's change since this one loaded is not overwritten.
            version: Some(c.version),
        };
        // Identifiers of another kind are cleared when the kind changes.
        let mut edit = edit;
        if *kind != ServiceKind::Electricity && c.pod.is_some() {
            edit.pod = Some(String::new());
        }
        if *kind != ServiceKind::Gas && c.pdr.is_some() {
            edit.pdr = Some(String::new());
        }
        if *kind != ServiceKind::Mobile {
            if c.msisdn.is_some() {
                edit.msisdn = Some(String::new());
            }
            if c.iccid.is_some() {
                edit.iccid = Some(String::new());
            }
        }
        if *kind != ServiceKind::FixedLine && c.migration_code.is_some() {
            edit.migration_code = Some(String::new());
        }
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (edit, fill, error, errors, saved, changed) = (
                edit.clone(),
                fill.clone(),
                error.clone(),
                errors.clone(),
                saved.clone(),
                changed.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::edit_contract(id, &edit).await {
                    Ok(d) => {
                        errors.set(Vec::new());
                        error.set(None);
                        saved.set(true);
                        fill.emit(d);
                        changed.emit(());
                    }
                    Err(e) => {
                        saved.set(false);
                        errors.set(field_errors(&e));
                        error.set(Some(error_text(&e)));
                    }
                }
            });
        })
    };
    let version = c.version;
    let do_move = {
        let (fill, error, errors, on_day, reason, changed) = (
            fill.clone(),
            error.clone(),
            errors.clone(),
            on_day.clone(),
            reason.clone(),
            props.on_changed.clone(),
        );
        Callback::from(move |to: ContractStatus| {
            let mv = ContractMove {
                to,
                on: NaiveDate::parse_from_str(&on_day, "%Y-%m-%d").ok(),
                reason: Some((*reason).clone()).filter(|r| !r.trim().is_empty()),
                version: Some(version),
            };
            let (fill, error, errors, on_day, reason, changed) = (
                fill.clone(),
                error.clone(),
                errors.clone(),
                on_day.clone(),
                reason.clone(),
                changed.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::move_contract(id, &mv).await {
                    Ok(d) => {
                        errors.set(Vec::new());
                        error.set(None);
                        on_day.set(String::new());
                        reason.set(String::new());
                        fill.emit(d);
                        changed.emit(());
                    }
                    Err(e) => {
                        errors.set(field_errors(&e));
                        error.set(Some(error_text(&e)));
                    }
                }
            });
        })
    };
    let editable = c.status != ContractStatus::Ceased;
    let identifiers = match *kind {
        ServiceKind::Electricity => {
            html! { labelled_input("contract-pod", &field_label("pod"), "text", &pod, "off", &errors, "pod") }
        }
        ServiceKind::Gas => {
            html! { labelled_input("contract-pdr", &field_label("pdr"), "text", &pdr, "off", &errors, "pdr") }
        }
        ServiceKind::Mobile => html! { <>
            { labelled_input("contract-msisdn", &field_label("msisdn"), "tel", &msisdn, "off", &errors, "msisdn") }
            { labelled_input("contract-iccid", &field_label("iccid"), "text", &iccid, "off", &errors, "iccid") }
        </> },
        ServiceKind::FixedLine => {
            html! { labelled_input("contract-migration-code", &field_label("migration_code"), "text", &migration, "off", &errors, "migration_code") }
        }
        ServiceKind::Other => html! {},
    };
    let checkbox = |id: &'static str, field: &'static str, value: &UseStateHandle<bool>| {
        let target = value.clone();
        html! {
            <label class="check"><input type="checkbox" id={id} checked={**value}
                onchange={Callback::from(move |e: Event| target.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()))} />
            { field_label(field) }</label>
        }
    };
    html! {
        <section class="contract" id="contract-panel" data-status={c.status.as_str()}>
            <h4>{ tr("contract.title") }
                { " " }<span class={classes!("badge", c.status.as_str())} id="contract-status">{ tr(&format!("contract_status.{}", c.status.as_str())) }</span>
            </h4>
            <dl>
                <dt>{ tr("contract.offer") }</dt><dd>{ &c.offer }</dd>
                <dt>{ tr("contract.customer") }</dt><dd>{ d.item.customer_name.clone().unwrap_or_default() }</dd>
                <dt>{ tr("contract.signed_on") }</dt><dd>{ date(Some(c.start_date)) }</dd>
                <dt>{ tr("contract.activated_on") }</dt><dd id="contract-activated-on">{ date(c.activated_on) }</dd>
                <dt>{ tr("contract.ends_on") }</dt><dd id="contract-ends-on">{ date(c.ends_on) }
                    { c.notice_deadline().filter(|_| c.status.is_live()).map(|n| html! { <span class="muted">{ tr_with("contract.notice_by", [("date", date(Some(n)))]) }</span> }) }</dd>
                { c.ended_on.map(|e| html! { <><dt>{ tr("contract.ended_on") }</dt><dd>{ date(Some(e)) }</dd></> }) }
                <dt>{ tr("deals.one_off") }</dt><dd>{ money(c.one_off_minor, &c.currency, &lang) }</dd>
                <dt>{ tr("deals.monthly") }</dt><dd>{ money(c.monthly_minor, &c.currency, &lang) }</dd>
                { c.status_reason.as_ref().map(|r| html! { <><dt>{ field_label("reason") }</dt><dd>{ r }</dd></> }) }
            </dl>
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert" id="contract-error">{ e }</div> }) }
            { (editable && !d.missing_for_activation.is_empty() && d.next.contains(&ContractStatus::ActivationRequested)).then(|| html! {
                <p class="hint" id="contract-missing">{ tr_with("contract.missing", [("fields", d.missing_for_activation.iter().map(|m| field_label(&m.field)).collect::<Vec<_>>().join(", "))]) }</p>
            }) }
            { if editable { html! {
            <form class="form" id="contract-form" onsubmit={on_save}>
                <div class="field">
                    <label for="contract-kind">{ field_label("kind") }</label>
                    <select id="contract-kind" onchange={{ let kind = kind.clone(); Callback::from(move |e: Event| if let Ok(k) = select_value(&e).parse() { kind.set(k) }) }}>
                        { for ServiceKind::ALL.iter().map(|k| html! { <option value={k.as_str()} selected={*kind == *k}>{ tr(&format!("service_kind.{}", k.as_str())) }</option> }) }
                    </select>
                    { error_for(&errors, "kind") }
                </div>
                { identifiers }
                { (matches!(*kind, ServiceKind::Mobile | ServiceKind::FixedLine)).then(|| checkbox("contract-portability", "portability", &portability)) }
                <div class="field">
                    <label for="contract-payment">{ field_label("payment_method") }</label>
                    <select id="contract-payment" onchange={{ let payment = payment.clone(); Callback::from(move |e: Event| payment.set(select_value(&e))) }}>
                        <option value="" selected={payment.is_empty()}>{ "—" }</option>
                        { for PaymentMethod::ALL.iter().map(|m| html! { <option value={m.as_str()} selected={*payment == m.as_str()}>{ tr(&format!("payment_method.{}", m.as_str())) }</option> }) }
                    </select>
                    { error_for(&errors, "payment_method") }
                </div>
                { (*payment == PaymentMethod::DirectDebit.as_str()).then(|| labelled_input("contract-iban", &field_label("iban"), "text", &iban, "off", &errors, "iban")) }
                { labelled_input("contract-months", &field_label("duration_months"), "number", &months, "off", &errors, "duration_months") }
                { labelled_input("contract-notice", &field_label("notice_days"), "number", &notice, "off", &errors, "notice_days") }
                { checkbox("contract-tacit", "tacit_renewal", &tacit) }
                <div class="actions">
                    <button class="primary" type="submit" id="contract-save">{ tr("contract.save") }</button>
                    { saved.then(|| html! { <span class="hint" role="status">{ tr("contract.saved") }</span> }) }
                </div>
            </form>
            } } else { html! {} } }
            { (!d.next.is_empty()).then(|| html! {
                <div class="contract-moves">
                    <div class="field">
                        <label for="contract-on">{ field_label("on") }</label>
                        <input type="date" id="contract-on" value={(*on_day).clone()}
                            oninput={{ let on_day = on_day.clone(); Callback::from(move |e: InputEvent| on_day.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())) }} />
                        { error_for(&errors, "on") }
                    </div>
                    <div class="field">
                        <label for="contract-reason">{ field_label("reason") }</label>
                        <input id="contract-reason" value={(*reason).clone()}
                            oninput={{ let reason = reason.clone(); Callback::from(move |e: InputEvent| reason.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())) }} />
                        { error_for(&errors, "reason") }
                    </div>
                    <div class="actions">
                        { for d.next.iter().map(|to| {
                            let (to, do_move) = (*to, do_move.clone());
                            html! { <button class={classes!(if to == ContractStatus::Ceased { "danger" } else { "secondary" })} id={format!("contract-to-{}", to.as_str())}
                                onclick={Callback::from(move |_| do_move.emit(to))}>{ move_label(c.status, to) }</button> }
                        }) }
                    </div>
                </div>
            }) }
            <h4>{ tr("contract.history") }</h4>
            <ol class="history" id="contract-history">
                { for d.events.iter().map(|e| {
                    let what = match e.kind {
                        ContractEventKind::StatusChanged => tr_with("contract_event.status_changed", [
                            ("from", e.from_status.map(|s| tr(&format!("contract_status.{}", s.as_str()))).unwrap_or_default()),
                            ("to", e.to_status.map(|s| tr(&format!("contract_status.{}", s.as_str()))).unwrap_or_default()),
                        ]),
                        ContractEventKind::Edited => tr_with("contract_event.edited", [
                            ("fields", e.detail.as_deref().unwrap_or("").split(", ").filter(|f| !f.is_empty()).map(field_label).collect::<Vec<_>>().join(", ")),
                        ]),
                        ContractEventKind::Created => tr("contract_event.created"),
                    };
                    html! {
                        <li>
                            <span class="muted">{ local_time(&e.at) }</span>{ " " }{ what }
                            { (e.kind == ContractEventKind::StatusChanged).then(|| e.detail.as_ref().map(|x| html! { <em>{ format!(" — {x}") }</em> })).flatten() }
                            { e.user_name.as_ref().map(|u| html! { <span class="muted">{ format!(" · {u}") }</span> }) }
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
