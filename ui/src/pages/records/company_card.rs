//! The company card: overview, contacts, deals, notes, timeline, documents.

use banco::model::{CompanyCard, EntityType};
use yew::prelude::*;

use super::card::{custom_values_dl, deals_table, export_vcard, row, tabs, use_card, IdProps, Tab};
use super::contacts::Contacts;
use super::{CompanyForm, DocumentsPanel, TimelinePanel};
use crate::format::{money, phone_display};
use crate::i18n::{field_label, tr};
use crate::pages::calls::ContactPanel;
use crate::pages::notes::NotesPanel;
use crate::widgets::custom_fields::use_custom_fields;
use crate::{api, Shared};

/// The company card.
#[function_component(CompanyCardView)]
pub fn company_card_view(props: &IdProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let card = use_state(|| None::<CompanyCard>);
    let tab = use_state(|| Tab::Overview);
    let editing = use_state(|| false);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let timeline_key = use_state(|| 0u32);
    let defs = use_custom_fields(EntityType::Company);
    let reload = use_card(props.id, &card, &error, api::company_card);
    let Some(c) = (*card).clone() else {
        return html! { <div>{ error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }<p>{ tr("app.loading") }</p></div> };
    };
    let co = &c.company;
    let currency = shared.info.tenant.currency.clone();
    let lang = shared.lang.clone();
    let bump = {
        let timeline_key = timeline_key.clone();
        Callback::from(move |_: ()| timeline_key.set(timeline_key.wrapping_add(1)))
    };
    let export_vcard = export_vcard(EntityType::Company, co.id, &notice, &error);
    html! {
        <div class="record" id="company-card">
            <h1 id="record-title">{ &co.name }
                <span class="pill">{ tr(&format!("company_kind.{}", co.kind.as_str())) }</span>
                <span class="pill">{ tr(&format!("company_status.{}", co.status.as_str())) }</span>
                { co.is_customer.then(|| html!{ <span class="pill converted">{ tr("record.customer") }</span> }) }
            </h1>
            <div class="actions quick">
                { co.phone.as_ref().map(|_| html! { <crate::pages::calls::CallButton entity_type={EntityType::Company} entity_id={co.id} phone={co.phone.clone()} id="quick-call" /> }) }
                <button class="secondary" id="quick-meeting" onclick={{ let tab = tab.clone(); Callback::from(move |_| tab.set(Tab::Contacts)) }}>{ tr("record.quick_meeting") }</button>
                <button class="secondary" id="quick-note" onclick={{ let tab = tab.clone(); Callback::from(move |_| tab.set(Tab::Notes)) }}>{ tr("record.quick_note") }</button>
                <button class="secondary" id="quick-edit" onclick={{ let (tab, editing) = (tab.clone(), editing.clone()); Callback::from(move |_| { tab.set(Tab::Overview); editing.set(true) }) }}>{ tr("record.quick_edit") }</button>
                <button class="secondary" id="quick-vcard" onclick={export_vcard}>{ tr("record.export_vcard") }</button>
            </div>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { notice.as_ref().map(|e| html!{ <div class="banner ok" role="status">{ e }</div> }) }
            { tabs(&tab) }
            { match *tab {
                Tab::Overview => if *editing { html! {
                    <CompanyForm id={Some(co.id)} initial={co.to_input()}
                        on_saved={{ let (editing, reload, bump) = (editing.clone(), reload.clone(), bump.clone()); Callback::from(move |_| { editing.set(false); reload.emit(()); bump.emit(()) }) }}
                        on_cancel={{ let editing = editing.clone(); Callback::from(move |_| editing.set(false)) }} />
                } } else { html! { <div class="grid2">
                    <div class="card detail">
                        <dl>
                            { row("legal_name", co.legal_name.clone()) }
                            <dt>{ field_label("vat_number") }</dt><dd id="company-vat">{ co.vat_number.clone().unwrap_or_else(|| "—".into()) }</dd>
                            { row("tax_code", co.tax_code.clone()) }
                            { row("phone", co.phone.as_ref().map(|_| phone_display(&co.phone))) }
                            { row("email", co.email.clone()) }
                            { row("website", co.website.clone()) }
                            { (!co.tags.is_empty()).then(|| html!{ <><dt>{ field_label("tags") }</dt><dd>{ for co.tags.iter().map(|t| html!{ <span class="pill">{ t }</span> }) }</dd></> }) }
                            { row("owner_id", c.owner_name.clone()) }
                            { match (co.parent_id, c.parent_name.clone()) {
                                (Some(pid), Some(name)) => { let open = shared.open_record.clone(); html!{ <><dt>{ field_label("parent_id") }</dt><dd><button class="link" onclick={Callback::from(move |_| open.emit((EntityType::Company, pid)))}>{ name }</button></dd></> } }
                                _ => html!{},
                            } }
                            { row("sector", co.sector.clone()) }
                            { row("office_location", co.office_location.clone()) }
                            { row("year_established", co.year_established.map(|y| y.to_string())) }
                            { row("employees", co.employees.map(|y| y.to_string())) }
                            { row("revenue", co.revenue_minor.map(|r| money(r, &currency, &lang))) }
                            { row("billing_address", co.billing_address.clone()) }
                            { row("shipping_address", co.shipping_address.clone()) }
                            { custom_values_dl(&defs, &co.custom) }
                        </dl>
                        { (!c.children.is_empty()).then(|| html! { <>
                            <h4>{ tr("companies.children") }</h4>
                            <ul>{ for c.children.iter().map(|(cid, name)| { let (open, cid) = (shared.open_record.clone(), *cid); html!{ <li><button class="link" onclick={Callback::from(move |_| open.emit((EntityType::Company, cid)))}>{ name }</button></li> } }) }</ul>
                        </> }) }
                    </div>
                    <Contacts card={c.clone()} on_change={{ let (reload, bump) = (reload.clone(), bump.clone()); Callback::from(move |_| { reload.emit(()); bump.emit(()) }) }} />
                </div> } },
                Tab::Sales => deals_table(&c.deals, &shared, &currency, &lang),
                Tab::AfterSale => html! { <super::after_sale::AfterSalePanel entity_type={EntityType::Company} entity_id={co.id} /> },
                Tab::Contacts => html! { <ContactPanel entity_type={EntityType::Company} entity_id={co.id} phone={co.phone.clone()} email={co.email.clone()} /> },
                Tab::Notes => html! { <NotesPanel entity_type={EntityType::Company} entity_id={co.id} on_change={bump.clone()} /> },
                Tab::Timeline => html! { <TimelinePanel key={*timeline_key} entity_type={EntityType::Company} entity_id={co.id} /> },
                Tab::Documents => html! { <DocumentsPanel entity_type={EntityType::Company} entity_id={co.id} documents={c.documents.clone()} on_change={{ let (reload, bump) = (reload.clone(), bump.clone()); Callback::from(move |_| { reload.emit(()); bump.emit(()) }) }} /> },
            } }
        </div>
    }
}
