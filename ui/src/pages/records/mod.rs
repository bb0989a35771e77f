//! Record cards of people and companies, with tabs (overview, leads and
//! deals, notes, timeline, documents) and quick actions; the company form;
//! custom field inputs; the timeline and documents panels.

mod after_sale;
pub use after_sale::AfterSalePanel;
mod card;
mod company_card;
mod company_form;
mod consents;
mod contacts;
mod documents;
mod person_card;
mod timeline;

pub use company_form::CompanyForm;
pub use documents::DocumentsPanel;
pub use timeline::TimelinePanel;

use banco::model::EntityType;
use uuid::Uuid;
use yew::prelude::*;

use self::card::IdProps;
use self::company_card::CompanyCardView;
use self::person_card::PersonCardView;
use crate::i18n::{tr, tr_with};
use crate::{api, Shared};

#[derive(Properties, PartialEq)]
pub struct RecordViewProps {
    pub kind: EntityType,
    pub id: Uuid,
    pub on_close: Callback<()>,
}

/// A record opened from search, a list or a mention.
#[function_component(RecordView)]
pub fn record_view(props: &RecordViewProps) -> Html {
    let back = html! { <button class="secondary" id="record-back" onclick={{ let c = props.on_close.clone(); Callback::from(move |_| c.emit(())) }}>{ tr("record.back") }</button> };
    match props.kind {
        EntityType::Company => html! { <>{ back }<CompanyCardView id={props.id} /></> },
        EntityType::Person => html! { <>{ back }<PersonCardView id={props.id} /></> },
        EntityType::Lead => html! { <>{ back }<LeadRecord id={props.id} /></> },
        EntityType::Deal => html! { { back } },
    }
}

/// A lead opened on its own: its person's card link and the lead panel.
#[function_component(LeadRecord)]
pub fn lead_record(props: &IdProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let person = use_state(|| None::<(Uuid, String)>);
    {
        let person = person.clone();
        use_effect_with(props.id, move |id| {
            let id = *id;
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(d) = api::shown(api::lead_detail(id).await) {
                    person.set(Some((d.person.id, d.person.full_name())));
                }
            });
        });
    }
    html! {
        <div>
            { person.as_ref().map(|(pid, name)| {
                let (open, pid) = (shared.open_record.clone(), *pid);
                html! { <p><button class="link" id="lead-person" onclick={Callback::from(move |_| open.emit((EntityType::Person, pid)))}>{ tr_with("record.person_card", [("name", name.clone())]) }</button></p> }
            }) }
            <crate::pages::leads::LeadPanel id={props.id} on_change={Callback::from(|_| ())} />
        </div>
    }
}
