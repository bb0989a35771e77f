//! A company's contacts: link a person with a role, make one primary, unlink.

use banco::model::{CompanyCard, EntityType};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::format::phone_display;
use crate::i18n::{error_text, tr};
use crate::{api, Shared};

#[derive(Properties, PartialEq)]
pub struct ContactsProps {
    pub card: CompanyCard,
    pub on_change: Callback<()>,
}

/// A company's contacts: list (primary first), link a person found by
/// name, phone or e-mail, with a role; make primary; unlink.
#[function_component(Contacts)]
pub fn contacts(props: &ContactsProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let query = use_state(String::new);
    let found = use_state(Vec::<(Uuid, String, String)>::new);
    let picked = use_state(|| None::<(Uuid, String)>);
    let role = use_state(String::new);
    let primary = use_state(|| false);
    let error = use_state(|| None::<String>);
    let company = props.card.company.id;
    let on_query = {
        let (query, found) = (query.clone(), found.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            query.set(text.clone());
            let found = found.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if text.trim().len() < 2 {
                    found.set(Vec::new());
                    return;
                }
                if let Some(r) = api::shown(api::search(&text).await) {
                    found.set(
                        r.groups
                            .into_iter()
                            .filter(|(k, _)| k == "person")
                            .flat_map(|(_, h)| h)
                            .map(|h| (h.id, h.title, h.subtitle))
                            .collect(),
                    );
                }
            });
        })
    };
    let on_link = {
        let (picked, role, primary, error, on_change, query, found) = (
            picked.clone(),
            role.clone(),
            primary.clone(),
            error.clone(),
            props.on_change.clone(),
            query.clone(),
            found.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some((person, _)) = (*picked).clone() else {
                error.set(Some(tr("companies.pick_person")));
                return;
            };
            let (r, p) = ((*role).clone(), *primary);
            let (picked, role, primary, error, on_change, query, found) = (
                picked.clone(),
                role.clone(),
                primary.clone(),
                error.clone(),
                on_change.clone(),
                query.clone(),
                found.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::link_contact(company, person, &r, p).await {
                    Ok(_) => {
                        picked.set(None);
                        role.set(String::new());
                        primary.set(false);
                        query.set(String::new());
                        found.set(Vec::new());
                        error.set(None);
                        on_change.emit(());
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    html! {
        <div class="card" id="company-contacts">
            <h3>{ tr("companies.contacts") }</h3>
            { if props.card.contacts.is_empty() { html!{ <p class="hint">{ tr("companies.no_contacts") }</p> } } else { html!{} } }
            <ul class="contacts">
                { for props.card.contacts.iter().map(|c| {
                    let (open, pid) = (shared.open_record.clone(), c.person_id);
                    let (error, on_change) = (error.clone(), props.on_change.clone());
                    let make_primary = { let (error, on_change, role) = (error.clone(), on_change.clone(), c.role.clone().unwrap_or_default()); Callback::from(move |_| {
                        let (error, on_change, role) = (error.clone(), on_change.clone(), role.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match api::link_contact(company, pid, &role, true).await { Ok(_) => on_change.emit(()), Err(e) => error.set(Some(error_text(&e))) }
                        });
                    }) };
                    let unlink = Callback::from(move |_| {
                        let (error, on_change) = (error.clone(), on_change.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match api::unlink_contact(company, pid).await { Ok(_) => on_change.emit(()), Err(e) => error.set(Some(error_text(&e))) }
                        });
                    });
                    html! {
                        <li class="contact">
                            <div>
                                <button class="link" onclick={Callback::from(move |_| open.emit((EntityType::Person, pid)))}>{ &c.person_name }</button>
                                { c.role.as_ref().map(|r| html!{ <span class="muted">{ format!(" · {r}") }</span> }) }
                                { c.is_primary.then(|| html!{ <span class="pill converted">{ tr("companies.primary") }</span> }) }
                                <div class="muted">{ format!("{} {}", phone_display(&c.phone), c.email.clone().unwrap_or_default()) }</div>
                            </div>
                            <span class="spacer"></span>
                            { (!c.is_primary).then(|| html!{ <button class="small" onclick={make_primary}>{ tr("companies.make_primary") }</button> }) }
                            <button class="small" onclick={unlink}>{ tr("companies.unlink") }</button>
                        </li>
                    }
                }) }
            </ul>
            <form onsubmit={on_link} id="contact-link">
                <div class="field">
                    <label for="contact-search">{ tr("companies.add_contact") }</label>
                    <input id="contact-search" placeholder={tr("companies.person_search")} value={(*query).clone()} oninput={on_query} autocomplete="off" />
                    <div class="suggestions" id="contact-suggestions">{ for found.iter().map(|(id, name, sub)| {
                        let (picked, found, query, id, name2) = (picked.clone(), found.clone(), query.clone(), *id, name.clone());
                        html!{ <button type="button" class="small" onclick={Callback::from(move |_| { picked.set(Some((id, name2.clone()))); query.set(name2.clone()); found.set(Vec::new()) })}>{ format!("{name} {sub}") }</button> }
                    }) }</div>
                </div>
                <div class="actions">
                    <input id="contact-role" placeholder={tr("companies.role")} value={(*role).clone()}
                        oninput={{ let role = role.clone(); Callback::from(move |e: InputEvent| role.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                    <label class="check"><input type="checkbox" id="contact-primary" checked={*primary}
                        onchange={{ let primary = primary.clone(); Callback::from(move |e: Event| primary.set(e.target_unchecked_into::<HtmlInputElement>().checked())) }} />{ tr("companies.primary") }</label>
                    <button type="submit" class="primary" id="contact-add" disabled={picked.is_none()}>{ tr("companies.link") }</button>
                </div>
            </form>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
        </div>
    }
}
