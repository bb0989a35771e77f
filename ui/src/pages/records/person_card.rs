//! The person card: overview with name, phones, e-mails, address, date of birth, preferred language and channel, tax code, city and custom values (editable; another person met on a corrected number or e-mail is offered for a merge), leads and deals, notes, timeline, documents; the GDPR access export (managers) and erasure (admins, after a confirmation).

use banco::model::{
    CaptureLead, CustomValues, EntityType, FieldError, IdentityEdit, Person, PersonCard,
    ProfileEdit, SourceChannel, PREFERRED_CHANNELS,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::card::{custom_values_dl, deals_table, export_vcard, row, tabs, use_card, IdProps, Tab};
use super::{DocumentsPanel, TimelinePanel};
use crate::format::{local_time, phone_display};
use crate::i18n::{conflict_reapply, error_text, field_label, saved_meanwhile, tr, tr_with};
use crate::pages::calls::ContactPanel;
use crate::pages::notes::NotesPanel;
use crate::widgets::custom_fields::{use_custom_fields, CustomInputs};
use crate::widgets::form::{error_for, field_errors};
use crate::{api, Shared};

/// The card's edit form: what it shows and what is typed.
#[derive(Clone, Default, PartialEq)]
struct Form {
    first: String,
    last: String,
    phone: String,
    phone_2: String,
    email: String,
    email_2: String,
    tax: String,
    city: String,
    address: String,
    postal_code: String,
    province: String,
    /// `YYYY-MM-DD`, as a date field gives it.
    birth_date: String,
    language: String,
    channel: String,
    custom: CustomValues,
}

/// The languages the card offers first (ISO 639-1): Italian, English and
/// the languages most spoken by customers of Italian shops; a person's
/// other language (from a vCard) is offered too.
const LANGUAGES: &[&str] = &[
    "it", "en", "fr", "de", "es", "pt", "ro", "sq", "uk", "ru", "pl", "ar", "zh", "bn", "hi", "ur",
    "tl",
];

/// A language's name in the window's language, or its code.
fn language_name(code: &str) -> String {
    let key = format!("language.{code}");
    let name = tr(&key);
    if name == key {
        code.to_string()
    } else {
        name
    }
}

impl Form {
    fn of(p: &Person) -> Form {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Form {
            first: p.first_name.clone(),
            last: p.last_name.clone(),
            phone: text(&p.phone),
            phone_2: text(&p.phone_2),
            email: text(&p.email),
            email_2: text(&p.email_2),
            tax: text(&p.tax_code),
            city: text(&p.city),
            address: text(&p.address),
            postal_code: text(&p.postal_code),
            province: text(&p.province),
            birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            language: text(&p.preferred_language),
            channel: p
                .preferred_channel
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            custom: p.custom.clone(),
        }
    }

    /// What was typed (`self`) on top of `theirs`, a newer version of the
    /// person saved elsewhere since the form was filled from `base`: each
    /// field left as it was loaded takes their value, each field typed in
    /// keeps what was typed (custom fields key by key; `model::rebase`).
    fn rebase(&self, base: &Form, theirs: &Form) -> Form {
        use banco::model::{rebase_custom, rebase_field as pick};
        Form {
            first: pick(&self.first, &base.first, &theirs.first),
            last: pick(&self.last, &base.last, &theirs.last),
            phone: pick(&self.phone, &base.phone, &theirs.phone),
            phone_2: pick(&self.phone_2, &base.phone_2, &theirs.phone_2),
            email: pick(&self.email, &base.email, &theirs.email),
            email_2: pick(&self.email_2, &base.email_2, &theirs.email_2),
            tax: pick(&self.tax, &base.tax, &theirs.tax),
            city: pick(&self.city, &base.city, &theirs.city),
            address: pick(&self.address, &base.address, &theirs.address),
            postal_code: pick(&self.postal_code, &base.postal_code, &theirs.postal_code),
            province: pick(&self.province, &base.province, &theirs.province),
            birth_date: pick(&self.birth_date, &base.birth_date, &theirs.birth_date),
            language: pick(&self.language, &base.language, &theirs.language),
            channel: pick(&self.channel, &base.channel, &theirs.channel),
            custom: rebase_custom(&self.custom, &base.custom, &theirs.custom),
        }
    }

    /// The fields (by their error names) where `other` differs.
    fn changed(&self, other: &Form) -> Vec<String> {
        let mut out: Vec<String> = [
            ("first_name", self.first != other.first),
            ("last_name", self.last != other.last),
            ("phone", self.phone != other.phone),
            ("phone_2", self.phone_2 != other.phone_2),
            ("email", self.email != other.email),
            ("email_2", self.email_2 != other.email_2),
            ("tax_code", self.tax != other.tax),
            ("city", self.city != other.city),
            ("address", self.address != other.address),
            ("postal_code", self.postal_code != other.postal_code),
            ("province", self.province != other.province),
            ("birth_date", self.birth_date != other.birth_date),
            ("preferred_language", self.language != other.language),
            ("preferred_channel", self.channel != other.channel),
        ]
        .into_iter()
        .filter(|(_, c)| *c)
        .map(|(f, _)| f.to_string())
        .collect();
        let keys: std::collections::BTreeSet<&String> =
            self.custom.keys().chain(other.custom.keys()).collect();
        out.extend(
            keys.into_iter()
                .filter(|k| self.custom.get(*k) != other.custom.get(*k))
                .map(|k| format!("custom.{k}")),
        );
        out
    }
}

/// A text field of the edit form bound to one of its parts.
fn form_input(
    id: &'static str,
    field: &'static str,
    value: &str,
    details: &UseStateHandle<Form>,
    errors: &[FieldError],
    set: fn(&mut Form, String),
) -> Html {
    typed_input("text", id, field, value, details, errors, set)
}

/// An input of the edit form of a given `type` (`text`, `date`).
fn typed_input(
    kind: &'static str,
    id: &'static str,
    field: &'static str,
    value: &str,
    details: &UseStateHandle<Form>,
    errors: &[FieldError],
    set: fn(&mut Form, String),
) -> Html {
    let details = details.clone();
    html! {
        <div class={classes!("field", errors.iter().any(|e| e.field == field).then_some("invalid"))}>
            <label for={id}>{ field_label(field) }</label>
            <input id={id} type={kind} value={value.to_string()} oninput={Callback::from(move |e: InputEvent| {
                let mut d = (*details).clone();
                set(&mut d, e.target_unchecked_into::<HtmlInputElement>().value());
                details.set(d)
            })} />
            { error_for(errors, field) }
        </div>
    }
}

/// A choice of the edit form: "—" (none) and `options` as `(value,
/// label)`.
fn form_select(
    id: &'static str,
    field: &'static str,
    value: &str,
    options: Vec<(String, String)>,
    details: &UseStateHandle<Form>,
    errors: &[FieldError],
    set: fn(&mut Form, String),
) -> Html {
    let details = details.clone();
    html! {
        <div class={classes!("field", errors.iter().any(|e| e.field == field).then_some("invalid"))}>
            <label for={id}>{ field_label(field) }</label>
            <select id={id} onchange={Callback::from(move |e: Event| {
                let mut d = (*details).clone();
                set(&mut d, e.target_unchecked_into::<web_sys::HtmlSelectElement>().value());
                details.set(d)
            })}>
                <option value="" selected={value.is_empty()}>{ "—" }</option>
                { for options.into_iter().map(|(v, label)| html! {
                    <option value={v.clone()} selected={v == value}>{ label }</option>
                }) }
            </select>
            { error_for(errors, field) }
        </div>
    }
}

/// The address on one line: `Via Toledo 12, 80134 Napoli (NA), Italia`.
fn address_line(p: &Person) -> Option<String> {
    let town = [p.postal_code.as_deref(), p.city.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let town = match &p.province {
        Some(pr) if !town.is_empty() => format!("{town} ({pr})"),
        Some(pr) => pr.clone(),
        None => town,
    };
    let parts: Vec<String> = [p.address.clone(), Some(town), p.country.clone()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The person card.
#[function_component(PersonCardView)]
pub fn person_card_view(props: &IdProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let card = use_state(|| None::<PersonCard>);
    let tab = use_state(|| Tab::Overview);
    let editing = use_state(|| false);
    let details = use_state(Form::default);
    // The person's version when editing began: a save after another
    // desk's is refused, not written over it.
    let version = use_state(|| None::<chrono::DateTime<chrono::Utc>>);
    // The details as that version had them, to name what another desk
    // changed when a save conflicts.
    let base = use_state(Form::default);
    let errors = use_state(Vec::<FieldError>::new);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    // Another desk saved the person while the form is open (see below).
    let meanwhile = use_state(|| None::<String>);
    // The erasure's confirmation is open.
    let erasing = use_state(|| false);
    let timeline_key = use_state(|| 0u32);
    let defs = use_custom_fields(EntityType::Person);
    let reload = use_card(props.id, &card, &error, api::person_card);
    {
        // The card was read again (another desk saved the person) while
        // the form is open: say so, with what changed, and stand on the new
        // version; what was typed stays, so Save applies it on top.
        let (version, base, meanwhile, card, details) = (
            version.clone(),
            base.clone(),
            meanwhile.clone(),
            card.clone(),
            details.clone(),
        );
        let now = (*card).as_ref().map(|c| c.person.updated_at);
        use_effect_with((now, *editing), move |(_, editing)| {
            if let (Some(c), true) = ((*card).as_ref(), *editing) {
                let p = &c.person;
                if version.is_some_and(|v| v != p.updated_at) {
                    let theirs = Form::of(p);
                    meanwhile.set(Some(saved_meanwhile(None, None, &base.changed(&theirs))));
                    details.set(details.rebase(&base, &theirs));
                    version.set(Some(p.updated_at));
                    base.set(theirs);
                }
            }
        });
    }
    let Some(c) = (*card).clone() else {
        return html! { <div>{ error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }<p>{ tr("app.loading") }</p></div> };
    };
    let p = &c.person;
    let currency = shared.info.tenant.currency.clone();
    let lang = shared.lang.clone();
    let bump = {
        let timeline_key = timeline_key.clone();
        Callback::from(move |_: ()| timeline_key.set(timeline_key.wrapping_add(1)))
    };
    let new_lead = {
        let (open, p) = (shared.open_counter.clone(), p.clone());
        Callback::from(move |_| {
            open.emit(CaptureLead {
                first_name: p.first_name.clone(),
                last_name: p.last_name.clone(),
                phone: p.phone.clone().unwrap_or_default(),
                email: p.email.clone().unwrap_or_default(),
                person_id: Some(p.id),
                source_channel: if p.is_customer {
                    SourceChannel::CrossSell
                } else {
                    SourceChannel::StoreWalkin
                },
                ..Default::default()
            })
        })
    };
    let export_vcard = export_vcard(EntityType::Person, p.id, &notice, &error);
    let erased = p.erased_at.is_some();
    let erase = {
        let (erasing, notice, error, reload, id) = (
            erasing.clone(),
            notice.clone(),
            error.clone(),
            reload.clone(),
            p.id,
        );
        Callback::from(move |_| {
            let (erasing, notice, error, reload) = (
                erasing.clone(),
                notice.clone(),
                error.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::erase_person_data(id).await {
                    Ok(done) => {
                        let key = if done.backups_failed.is_empty() {
                            "record.gdpr_erased"
                        } else {
                            "record.gdpr_erased_backups_left"
                        };
                        notice.set(Some(tr_with(
                            key,
                            [(
                                "files",
                                done.backups_failed
                                    .iter()
                                    .map(|(f, _)| f.clone())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            )],
                        )));
                        reload.emit(());
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
                erasing.set(false);
            });
        })
    };
    let start_edit = {
        let (editing, details, version, base, meanwhile, p) = (
            editing.clone(),
            details.clone(),
            version.clone(),
            base.clone(),
            meanwhile.clone(),
            p.clone(),
        );
        Callback::from(move |_| {
            meanwhile.set(None);
            version.set(Some(p.updated_at));
            let loaded = Form::of(&p);
            base.set(loaded.clone());
            details.set(loaded);
            editing.set(true);
        })
    };
    let save = {
        let (details, errors, error, editing, card, bump, id) = (
            details.clone(),
            errors.clone(),
            error.clone(),
            editing.clone(),
            card.clone(),
            bump.clone(),
            p.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let form = (*details).clone();
            let typed = form.clone();
            let expected_version = *version;
            let (version, base, details) = (version.clone(), base.clone(), details.clone());
            let (errors, error, editing, card, bump) = (
                errors.clone(),
                error.clone(),
                editing.clone(),
                card.clone(),
                bump.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let body = banco::model::PersonDetails {
                    identity: IdentityEdit {
                        first_name: Some(form.first),
                        last_name: Some(form.last),
                        phone: Some(form.phone),
                        phone_2: Some(form.phone_2),
                        email: Some(form.email),
                        email_2: Some(form.email_2),
                    },
                    profile: ProfileEdit {
                        address: Some(form.address),
                        postal_code: Some(form.postal_code),
                        province: Some(form.province),
                        birth_date: Some(form.birth_date),
                        preferred_language: Some(form.language),
                        preferred_channel: Some(form.channel),
                    },
                    tax_code: form.tax,
                    city: form.city,
                    custom: form.custom,
                    expected_version,
                };
                match api::update_person_details(id, &body).await {
                    Ok(c) => {
                        card.set(Some(c));
                        editing.set(false);
                        errors.set(Vec::new());
                        error.set(None);
                        bump.emit(());
                    }
                    // Another desk saved first: name what it changed and
                    // move onto its version; what was typed stays in the
                    // form (the rest takes their values), so saving again
                    // re-applies it.
                    Err(e) if e.kind == banco::ErrorKind::Conflict => {
                        let mut said = error_text(&e);
                        if let Ok(fresh) = api::person_card(id).await {
                            let f = &fresh.person;
                            let theirs = Form::of(f);
                            said = conflict_reapply(&said, &base.changed(&theirs));
                            details.set(typed.rebase(&base, &theirs));
                            version.set(Some(f.updated_at));
                            base.set(theirs);
                        }
                        errors.set(Vec::new());
                        error.set(Some(said));
                    }
                    Err(e) => {
                        errors.set(field_errors(&e));
                        error.set(Some(error_text(&e)));
                    }
                }
            });
        })
    };
    html! {
        <div class="record" id="person-card">
            <h1 id="record-title">{ p.full_name() }
                { p.is_customer.then(|| html!{ <span class="pill converted">{ tr("record.customer") }</span> }) }
            </h1>
            <div class="actions quick">
                { p.phone.as_ref().map(|_| html! { <crate::pages::calls::CallButton entity_type={EntityType::Person} entity_id={p.id} phone={p.phone.clone()} id="quick-call" /> }) }
                <button class="secondary" id="quick-meeting" onclick={{ let tab = tab.clone(); Callback::from(move |_| tab.set(Tab::Contacts)) }}>{ tr("record.quick_meeting") }</button>
                <button class="secondary" id="quick-lead" onclick={new_lead}>{ tr("record.new_lead") }</button>
                <button class="secondary" id="quick-note" onclick={{ let tab = tab.clone(); Callback::from(move |_| tab.set(Tab::Notes)) }}>{ tr("record.quick_note") }</button>
                <button class="secondary" id="quick-vcard" onclick={export_vcard}>{ tr("record.export_vcard") }</button>
                { shared.can_manage().then(|| {
                    let (notice, error, id, lang) = (notice.clone(), error.clone(), p.id, lang.clone());
                    let onclick = Callback::from(move |_| {
                        let (notice, error, lang) = (notice.clone(), error.clone(), lang.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match api::export_person_data(id, &lang).await {
                                Ok(Some(path)) => notice.set(Some(tr_with("record.gdpr_saved", [("path", path)]))),
                                Ok(None) => {}
                                Err(e) => error.set(Some(error_text(&e))),
                            }
                        });
                    });
                    html! { <button class="secondary" id="quick-gdpr-export" title={tr("record.gdpr_export_hint")} {onclick}>{ tr("record.gdpr_export") }</button> }
                }) }
                { (shared.info.user.role == banco::model::Role::Admin && !erased).then(|| {
                    let erasing = erasing.clone();
                    html! { <button class="danger" id="quick-gdpr-erase" title={tr("record.gdpr_erase_hint")}
                        onclick={Callback::from(move |_| erasing.set(true))}>{ tr("record.gdpr_erase") }</button> }
                }) }
            </div>
            { p.erased_at.map(|at| html! {
                <div class="banner" role="status" id="person-erased">{ tr_with("record.gdpr_erased_on", [("when", local_time(&at))]) }</div>
            }) }
            { (*erasing).then(|| {
                let cancel = erasing.clone();
                html! {
                    <div class="dialog-slot"><div class="dialog" role="dialog" id="erase-dialog">
                        <h2>{ tr("record.gdpr_erase_title") }</h2>
                        <p>{ tr_with("record.gdpr_erase_confirm", [("name", p.full_name()), ("leads", c.leads.len().to_string()), ("deals", c.deals.len().to_string())]) }</p>
                        <div class="actions">
                            <button id="erase-cancel" type="button" data-escape="true" onclick={Callback::from(move |_| cancel.set(false))}>{ tr("backups.restore_cancel") }</button>
                            <button id="erase-confirm" type="button" class="danger" onclick={erase.clone()}>{ tr("record.gdpr_erase_yes") }</button>
                        </div>
                    </div></div>
                }
            }) }
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { meanwhile.as_ref().filter(|_| *editing).map(|e| html!{ <div class="banner warn" role="status" id="person-meanwhile">{ e }</div> }) }
            { notice.as_ref().map(|e| html!{ <div class="banner ok" role="status">{ e }</div> }) }
            { (!c.same_contact.is_empty()).then(|| html! {
                <div class="banner" role="status" id="person-same-contact">
                    { for c.same_contact.iter().map(|other| {
                        let open = shared.open_record.clone();
                        let other_id = other.id;
                        let merge = {
                            let (error, notice, reload, keep) = (error.clone(), notice.clone(), reload.clone(), p.id);
                            Callback::from(move |_| {
                                let (error, notice, reload) = (error.clone(), notice.clone(), reload.clone());
                                wasm_bindgen_futures::spawn_local(async move {
                                    match api::merge_records(EntityType::Person, keep, other_id).await {
                                        Ok(_) => { notice.set(Some(tr("record.merged"))); reload.emit(()) }
                                        Err(e) => error.set(Some(error_text(&e))),
                                    }
                                });
                            })
                        };
                        html! { <p>
                            { tr_with("record.same_contact", [("name", other.full_name())]) }{ " " }
                            <button class="link" onclick={Callback::from(move |_| open.emit((EntityType::Person, other_id)))}>{ tr("record.open") }</button>
                            { shared.can_manage().then(|| html! { <button class="secondary merge-into" onclick={merge}>{ tr("record.merge_here") }</button> }) }
                        </p> }
                    }) }
                </div>
            }) }
            { tabs(&tab) }
            { match *tab {
                Tab::Overview => html! { <div class="grid2">
                    <div class="card detail">
                        { if *editing { let f = (*details).clone(); html! {
                            <form onsubmit={save} id="person-details">
                                { form_input("person-first_name", "first_name", &f.first, &details, &errors, |d, v| d.first = v) }
                                { form_input("person-last_name", "last_name", &f.last, &details, &errors, |d, v| d.last = v) }
                                { form_input("person-phone", "phone", &f.phone, &details, &errors, |d, v| d.phone = v) }
                                { form_input("person-phone_2", "phone_2", &f.phone_2, &details, &errors, |d, v| d.phone_2 = v) }
                                { form_input("person-email", "email", &f.email, &details, &errors, |d, v| d.email = v) }
                                { form_input("person-email_2", "email_2", &f.email_2, &details, &errors, |d, v| d.email_2 = v) }
                                { form_input("person-tax_code", "tax_code", &f.tax, &details, &errors, |d, v| d.tax = v) }
                                { form_input("person-address", "address", &f.address, &details, &errors, |d, v| d.address = v) }
                                { form_input("person-postal_code", "postal_code", &f.postal_code, &details, &errors, |d, v| d.postal_code = v) }
                                { form_input("person-city", "city", &f.city, &details, &errors, |d, v| d.city = v) }
                                { form_input("person-province", "province", &f.province, &details, &errors, |d, v| d.province = v) }
                                { typed_input("date", "person-birth_date", "birth_date", &f.birth_date, &details, &errors, |d, v| d.birth_date = v) }
                                { form_select("person-language", "preferred_language", &f.language,
                                    LANGUAGES.iter().map(|c| c.to_string())
                                        .chain((!f.language.is_empty() && !LANGUAGES.contains(&f.language.as_str())).then(|| f.language.clone()))
                                        .map(|c| { let name = language_name(&c); (c, name) }).collect(),
                                    &details, &errors, |d, v| d.language = v) }
                                { form_select("person-channel", "preferred_channel", &f.channel,
                                    PREFERRED_CHANNELS.iter().map(|c| (c.as_str().to_string(), tr(&format!("channel.{}", c.as_str())))).collect(),
                                    &details, &errors, |d, v| d.channel = v) }
                                <CustomInputs defs={(*defs).clone()} values={f.custom.clone()} errors={(*errors).clone()}
                                    on_change={{ let details = details.clone(); Callback::from(move |v: CustomValues| { let mut d = (*details).clone(); d.custom = v; details.set(d) }) }} />
                                <div class="actions">
                                    <button type="submit" class="primary" id="person-save">{ tr("companies.save") }</button>
                                    <button type="button" class="secondary" onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(false)) }}>{ tr("notes.cancel") }</button>
                                </div>
                            </form>
                        } } else { html! { <>
                            <dl>
                                { row("phone", p.phone.as_ref().map(|_| phone_display(&p.phone))) }
                                { row("phone_2", p.phone_2.as_ref().map(|_| phone_display(&p.phone_2))) }
                                { row("email", p.email.clone()) }
                                { row("email_2", p.email_2.clone()) }
                                { row("company", p.company_name.clone()) }
                                { row("address", address_line(p)) }
                                { row("birth_date", p.birth_date.map(|d| d.format("%d/%m/%Y").to_string())) }
                                { row("preferred_language", p.preferred_language.as_deref().map(language_name)) }
                                { row("preferred_channel", p.preferred_channel.map(|c| tr(&format!("channel.{}", c.as_str())))) }
                                <dt>{ field_label("tax_code") }</dt><dd id="person-tax">{ p.tax_code.clone().unwrap_or_else(|| "—".into()) }</dd>
                                { custom_values_dl(&defs, &p.custom) }
                            </dl>
                            { (!erased).then(|| html! { <div class="actions"><button class="secondary" id="person-edit" onclick={start_edit}>{ tr("record.quick_edit") }</button></div> }) }
                        </> } } }
                    </div>
                    <div class="card">
                        <h3>{ tr("record.companies") }</h3>
                        { if c.companies.is_empty() { html!{ <p class="hint">{ tr("record.no_companies") }</p> } } else { html!{
                            <ul>{ for c.companies.iter().map(|cc| { let (open, cid) = (shared.open_record.clone(), cc.company_id); html!{
                                <li><button class="link" onclick={Callback::from(move |_| open.emit((EntityType::Company, cid)))}>{ &cc.company_name }</button>
                                { cc.role.as_ref().map(|r| html!{ <span class="muted">{ format!(" · {r}") }</span> }) }
                                { cc.is_primary.then(|| html!{ <span class="pill converted">{ tr("companies.primary") }</span> }) }</li>
                            } }) }</ul>
                        } } }
                        { if erased { html! {} } else { html! {
                            <super::consents::ConsentsPanel person_id={p.id} consents={c.consents.clone()} on_change={reload.clone()} />
                        } } }
                    </div>
                </div> },
                Tab::Sales => html! { <>
                    <h3>{ tr("nav.leads") }</h3>
                    { if c.leads.is_empty() { html!{ <p class="hint">{ tr("record.no_leads") }</p> } } else { html!{
                        <table class="list" id="record-leads">
                            <thead><tr><th>{ tr("leads.captured") }</th><th>{ field_label("interest") }</th><th>{ field_label("status") }</th><th>{ field_label("source_channel") }</th></tr></thead>
                            <tbody>{ for c.leads.iter().map(|l| { let (open, id) = (shared.open_record.clone(), l.id); html!{
                                <tr tabindex="0" onclick={Callback::from(move |_| open.emit((EntityType::Lead, id)))}>
                                    <td>{ local_time(&l.created_at) }</td><td>{ tr(&format!("interest.{}", l.interest.as_str())) }</td>
                                    <td><span class={classes!("pill", l.status.as_str())}>{ tr(&format!("status.{}", l.status.as_str())) }</span></td>
                                    <td>{ tr(&format!("source.{}", l.source_channel.as_str())) }</td>
                                </tr>
                            } }) }</tbody>
                        </table>
                    } } }
                    <h3>{ tr("nav.deals") }</h3>
                    { deals_table(&c.deals, &shared, &currency, &lang) }
                </> },
                Tab::AfterSale => html! { <super::after_sale::AfterSalePanel entity_type={EntityType::Person} entity_id={p.id} /> },
                Tab::Contacts => html! { <ContactPanel entity_type={EntityType::Person} entity_id={p.id} phone={p.phone.clone()} email={p.email.clone()} /> },
                Tab::Notes => html! { <NotesPanel entity_type={EntityType::Person} entity_id={p.id} on_change={bump.clone()} /> },
                Tab::Timeline => html! { <TimelinePanel key={*timeline_key} entity_type={EntityType::Person} entity_id={p.id} /> },
                Tab::Documents => html! { <DocumentsPanel entity_type={EntityType::Person} entity_id={p.id} documents={c.documents.clone()} on_change={{ let (reload, bump) = (reload.clone(), bump.clone()); Callback::from(move |_| { reload.emit(()); bump.emit(()) }) }} /> },
            } }
        </div>
    }
}
