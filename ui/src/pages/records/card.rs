//! The pieces every record card shares: tabs, field errors, rows, the custom values list, the card loader, the deals table and vCard export.

use banco::model::{CustomField, CustomValues, EntityType};
use banco::ErrorPayload;
use serde_json::Value;
use uuid::Uuid;
use yew::prelude::*;

use crate::format::money;
use crate::i18n::{error_text, field_label, tr, tr_with};
use crate::{api, Shared};

#[derive(Properties, PartialEq)]
pub struct IdProps {
    pub id: Uuid,
}

#[derive(Clone, Copy, PartialEq)]
pub enum Tab {
    Overview,
    Sales,
    AfterSale,
    Contacts,
    Notes,
    Timeline,
    Documents,
}

pub fn tabs(current: &UseStateHandle<Tab>) -> Html {
    html! {
        <div class="tabs" role="tablist">
            { for Tab::ALL.iter().map(|t| {
                let (current, t) = (current.clone(), *t);
                html! { <button role="tab" id={format!("tab-{}", t.key())} aria-selected={(*current == t).to_string()}
                    class={classes!((*current == t).then_some("active"))}
                    onclick={Callback::from(move |_| current.set(t))}>{ tr(&format!("record.tab_{}", t.key())) }</button> }
            }) }
        </div>
    }
}

/// One `<dt>`/`<dd>` pair of a card, or nothing when the value is empty
/// (a card lists what is known, not every blank).
pub fn row(field: &str, value: Option<String>) -> Html {
    match value.filter(|v| !v.trim().is_empty()) {
        Some(v) => html! { <><dt>{ field_label(field) }</dt><dd class="pre">{ v }</dd></> },
        None => html! {},
    }
}

pub fn custom_values_dl(defs: &[CustomField], values: &CustomValues) -> Html {
    html! { <> { for defs.iter().filter(|d| values.contains_key(&d.key)).map(|d| {
        let v = &values[&d.key];
        let text = match v { Value::Bool(true) => tr("custom.yes"), Value::Bool(false) => tr("custom.no"), other => banco::model::custom_text(other) };
        html!{ <><dt>{ &d.label }</dt><dd>{ text }</dd></> }
    }) } </> }
}

/// Loads a record card into `card` now, whenever `id` changes and when
/// another desk (or window, or the command line) changed data
/// ([`Shared::data_version`]), so an open card shows what was saved
/// elsewhere; the returned callback loads it again (after an edit). A
/// failure goes to `error`. A form being edited on the card keeps what was
/// typed: it compares the reloaded record with the one it stands on
/// ([`crate::i18n::saved_meanwhile`]).
#[hook]
pub fn use_card<T, Fut>(
    id: Uuid,
    card: &UseStateHandle<Option<T>>,
    error: &UseStateHandle<Option<String>>,
    fetch: fn(Uuid) -> Fut,
) -> Callback<()>
where
    T: 'static,
    Fut: std::future::Future<Output = Result<T, ErrorPayload>> + 'static,
{
    let reload = {
        let (card, error) = (card.clone(), error.clone());
        Callback::from(move |_: ()| {
            let (card, error) = (card.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fetch(id).await {
                    Ok(c) => card.set(Some(c)),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let changed = use_context::<Shared>().map(|s| s.data_version).unwrap_or(0);
    {
        let reload = reload.clone();
        use_effect_with((id, changed), move |_| reload.emit(()));
    }
    reload
}

pub fn deals_table(
    deals: &[banco::model::DealListItem],
    shared: &Shared,
    currency: &str,
    lang: &str,
) -> Html {
    if deals.is_empty() {
        return html! { <p class="hint">{ tr("record.no_deals") }</p> };
    }
    html! {
        <table class="list" id="record-deals">
            <thead><tr><th>{ tr("deals.title") }</th><th>{ tr("deals.pipeline") }</th><th>{ tr("deals.stage") }</th><th>{ tr("deals.status") }</th><th>{ tr("deals.value") }</th></tr></thead>
            <tbody>{ for deals.iter().map(|d| {
                let (open, id) = (shared.open_record.clone(), d.card.id);
                html!{ <tr tabindex="0" onclick={Callback::from(move |_| open.emit((EntityType::Deal, id)))}>
                    <td>{ &d.card.title }</td><td>{ &d.pipeline_name }</td><td>{ &d.stage_name }</td>
                    <td>{ tr(&format!("deal_status.{}", d.status.as_str())) }</td><td class="num">{ money(d.card.value_minor, currency, lang) }</td>
                </tr> }
            }) }</tbody>
        </table>
    }
}

/// "Export vCard" of a person or of a company's contacts: asks where, then
/// says where it went (or the error).
pub fn export_vcard(
    kind: EntityType,
    id: Uuid,
    notice: &UseStateHandle<Option<String>>,
    error: &UseStateHandle<Option<String>>,
) -> Callback<MouseEvent> {
    let (notice, error) = (notice.clone(), error.clone());
    Callback::from(move |_| {
        let (notice, error) = (notice.clone(), error.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match api::export_vcard(kind, id).await {
                Ok(Some(p)) => notice.set(Some(tr_with("import.saved_to", [("path", p)]))),
                Ok(None) => {}
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    })
}

impl Tab {
    const ALL: [Tab; 7] = [
        Tab::Overview,
        Tab::Sales,
        Tab::AfterSale,
        Tab::Contacts,
        Tab::Notes,
        Tab::Timeline,
        Tab::Documents,
    ];
    fn key(self) -> &'static str {
        match self {
            Tab::Overview => "overview",
            Tab::Sales => "sales",
            Tab::AfterSale => "after_sale",
            Tab::Contacts => "contacts",
            Tab::Notes => "notes",
            Tab::Timeline => "timeline",
            Tab::Documents => "documents",
        }
    }
}
