//! A lead's detail: status moves, consents, notes, history, its calls and meetings.

use banco::model::{LeadDetail, LeadStatus, StatusChange};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::convert::ConvertToDeal;
use super::touches::Touches;
use crate::format::{local_time, phone_display};
use crate::i18n::{error_text, tr, tr_with};
use crate::{api, Shared};

#[derive(Properties, PartialEq)]
pub struct LeadPanelProps {
    pub id: Uuid,
    pub on_change: Callback<()>,
}

/// The detail of one lead, with its actions.
#[function_component(LeadPanel)]
pub fn lead_panel(props: &LeadPanelProps) -> Html {
    let shared = use_context::<Shared>();
    let version = shared.as_ref().map(|s| s.data_version).unwrap_or(0);
    let detail = use_state(|| None::<LeadDetail>);
    let error = use_state(|| None::<String>);
    let asking_reason = use_state(|| false);
    let reason = use_state(String::new);
    let note = use_state(String::new);
    {
        let (detail, error, asking_reason) = (detail.clone(), error.clone(), asking_reason.clone());
        use_effect_with((props.id, version), move |(id, _)| {
            let id = *id;
            asking_reason.set(false);
            wasm_bindgen_futures::spawn_local(async move {
                match api::lead_detail(id).await {
                    Ok(d) => {
                        detail.set(Some(d));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let Some(d) = (*detail).clone() else {
        return html! { <div class="card">{ error.as_ref().cloned().unwrap_or_else(|| tr("app.loading")) }</div> };
    };
    let apply = {
        let (detail, error, on_change, asking_reason, reason) = (
            detail.clone(),
            error.clone(),
            props.on_change.clone(),
            asking_reason.clone(),
            reason.clone(),
        );
        let id = d.lead.id;
        Callback::from(move |(to, why): (LeadStatus, Option<String>)| {
            let (detail, error, on_change, asking_reason, reason) = (
                detail.clone(),
                error.clone(),
                on_change.clone(),
                asking_reason.clone(),
                reason.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::change_status(&StatusChange {
                    lead_id: id,
                    to,
                    reason: why,
                })
                .await
                {
                    Ok(d) => {
                        detail.set(Some(d));
                        error.set(None);
                        asking_reason.set(false);
                        reason.set(String::new());
                        on_change.emit(());
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let add_note = {
        let (detail, error, note) = (detail.clone(), error.clone(), note.clone());
        let id = d.lead.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = (*note).clone();
            let (detail, error, note) = (detail.clone(), error.clone(), note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::add_note(id, &body).await {
                    Ok(d) => {
                        detail.set(Some(d));
                        note.set(String::new());
                        error.set(None);
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let p = &d.person;
    let status_label = |s: LeadStatus| tr(&format!("status.{}", s.as_str()));
    html! {
        <div class="card detail" id="lead-detail">
            <h2>{ p.full_name() }
                { shared.as_ref().map(|shared| {
                    let (open, pid) = (shared.open_record.clone(), p.id);
                    html!{ <button class="small" id="lead-open-person" onclick={Callback::from(move |_| open.emit((banco::model::EntityType::Person, pid)))}>{ tr("leads.person_card") }</button> }
                }) }
            </h2>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            <dl>
                <dt>{ tr("field.status") }</dt>
                <dd><span class={classes!("pill", d.lead.status.as_str())} id="lead-status">{ status_label(d.lead.status) }</span>
                    { d.lead.disqualify_reason.as_ref().map(|r| html!{ <span class="hint">{ format!(" — {r}") }</span> }) }</dd>
                <dt>{ tr("field.phone") }</dt><dd>{ phone_display(&p.phone) }{ p.phone_2.as_ref().map(|_| format!(" · {}", phone_display(&p.phone_2))) }{ p.phone_raw.clone().map(|r| format!(" ({r})")) }</dd>
                <dt>{ tr("field.email") }</dt><dd id="lead-email">{ p.email.clone().unwrap_or_default() }{ p.email_2.as_ref().map(|e| format!(" · {e}")) }</dd>
                <dt>{ tr("field.company") }</dt><dd>{ p.company_name.clone().unwrap_or_default() }</dd>
                <dt>{ tr("field.interest") }</dt><dd>{ tr(&format!("interest.{}", d.lead.interest.as_str())) }</dd>
                <dt>{ tr("field.source_channel") }</dt><dd>{ tr(&format!("source.{}", d.lead.source_channel.as_str())) }</dd>
                <dt>{ tr("field.store_id") }</dt><dd>{ d.store_name.clone().unwrap_or_default() }</dd>
                <dt>{ tr("leads.owner") }</dt><dd>{ d.owner_name.clone().unwrap_or_default() }</dd>
                <dt>{ tr("leads.captured") }</dt><dd>{ local_time(&d.lead.created_at) }</dd>
                <dt>{ tr("field.note") }</dt><dd>{ d.lead.note.clone().unwrap_or_default() }</dd>
            </dl>
            <div class="actions">
                { for d.next_statuses.iter().map(|s| {
                    let s = *s;
                    let apply = apply.clone();
                    let asking = asking_reason.clone();
                    let onclick = Callback::from(move |_| if s == LeadStatus::Disqualified { asking.set(true) } else { apply.emit((s, None)) });
                    let class = if s == LeadStatus::Disqualified { "danger" } else { "secondary" };
                    html!{ <button class={class} id={format!("status-{}", s.as_str())} {onclick}>{ tr_with("leads.move_to", [("status", status_label(s))]) }</button> }
                }) }
            </div>
            { if *asking_reason {
                let reason_input = {
                    let reason = reason.clone();
                    Callback::from(move |e: InputEvent| reason.set(e.target_unchecked_into::<HtmlInputElement>().value()))
                };
                let confirm = {
                    let (apply, reason) = (apply.clone(), reason.clone());
                    Callback::from(move |e: SubmitEvent| { e.prevent_default(); apply.emit((LeadStatus::Disqualified, Some((*reason).clone()))) })
                };
                html! {
                    <form class="field" onsubmit={confirm}>
                        <label for="disqualify-reason">{ tr("leads.reason") }</label>
                        <input id="disqualify-reason" name="reason" value={(*reason).clone()} oninput={reason_input} autofocus=true />
                        <div class="actions"><button type="submit" class="danger">{ tr("leads.confirm_disqualify") }</button></div>
                    </form>
                }
            } else { html!{} } }

            <crate::pages::calls::ContactPanel entity_type={banco::model::EntityType::Lead} entity_id={d.lead.id} phone={d.person.phone.clone()} email={d.person.email.clone()} />
            { (!d.attributions.is_empty()).then(|| html! { <Touches attributions={d.attributions.clone()} /> }) }
            <h2>{ tr("leads.deals") }</h2>
            <ul id="lead-deals">{ for d.deals.iter().map(|(_, title)| html! { <li>{ title }</li> }) }</ul>
            { (d.lead.status != LeadStatus::Disqualified).then(|| {
                let reload = {
                    let (detail, on_change) = (detail.clone(), props.on_change.clone());
                    let id = d.lead.id;
                    Callback::from(move |_: ()| {
                        let (detail, on_change) = (detail.clone(), on_change.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            if let Some(d) = api::shown(api::lead_detail(id).await) {
                                detail.set(Some(d));
                            }
                            on_change.emit(());
                        });
                    })
                };
                html! { <ConvertToDeal lead_id={d.lead.id} campaign_pipeline={None::<Uuid>} on_done={reload} /> }
            }) }

            <crate::widgets::custom_fields::CustomPanel entity_type={banco::model::EntityType::Lead} id={d.lead.id} />
            <h2>{ tr("after_sale.work") }</h2>
            <crate::pages::records::AfterSalePanel key={format!("a{}", d.lead.id)} entity_type={banco::model::EntityType::Lead} entity_id={d.lead.id} />
            <h2>{ tr("leads.notes") }</h2>
            <form onsubmit={add_note} class="field">
                <textarea name="body" rows="2" value={(*note).clone()}
                    oninput={{ let note = note.clone(); Callback::from(move |e: InputEvent| note.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
                <div class="actions"><button type="submit" class="secondary">{ tr("leads.add_note") }</button></div>
            </form>
            <ul class="timeline">
                { for d.notes.iter().map(|n| html!{ <li><span class="when">{ format!("{} · {}", local_time(&n.created_at), n.author_name.clone().unwrap_or_default()) }</span><br/>{ Html::from_html_unchecked(AttrValue::from(n.html.clone())) }</li> }) }
            </ul>

            <h2>{ tr("leads.consents") }</h2>
            <table>
                <tbody>
                    { for d.consents.iter().map(|c| html!{
                        <tr>
                            <td>{ tr(&format!("consent.{}", c.kind.as_str())) }</td>
                            <td>{ if c.granted { tr("consent.granted") } else { tr("consent.refused") } }</td>
                            <td class="hint">{ format!("v{} · {}", c.text_version, local_time(&c.recorded_at)) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>

            <h2>{ tr("leads.history") }</h2>
            <ul class="timeline" id="lead-history">
                { for d.history.iter().map(|e| {
                    let what = match (e.from_status, e.to_status) {
                        (Some(f), Some(t)) => tr_with("history.status_changed", [("from", status_label(f)), ("to", status_label(t))]),
                        _ => tr(&format!("history.{}", e.kind.as_str())),
                    };
                    html!{ <li><span class="when">{ format!("{} · {}", local_time(&e.at), e.user_name.clone().unwrap_or_default()) }</span><br/>
                        { what }{ e.detail.as_ref().map(|d| format!(" — {}", crate::format::event_detail(e.kind.as_str(), d))) }</li> }
                }) }
            </ul>
        </div>
    }
}
