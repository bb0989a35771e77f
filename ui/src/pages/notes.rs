//! Notes of a record: write (Markdown, type, pin, @mentions suggested from
//! the staff list), read (rendered and sanitised by the core), edit, pin,
//! and see earlier versions.

use banco::model::{EntityType, Note, NoteKind, NoteRevision};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};
use crate::{api, Shared};

#[derive(Properties, PartialEq)]
pub struct NotesProps {
    pub entity_type: EntityType,
    pub entity_id: Uuid,
    /// Called after a note is added or changed (the card refreshes its
    /// timeline).
    #[prop_or_default]
    pub on_change: Callback<()>,
}

/// The `@word` being typed at the end of `text`, if any.
fn mention_prefix(text: &str) -> Option<String> {
    let at = text.rfind('@')?;
    let after = &text[at + 1..];
    // A mention is at most a first and last name; stop at a newline.
    if after.contains('\n') || after.split_whitespace().count() > 2 || after.ends_with("  ") {
        return None;
    }
    Some(after.to_lowercase())
}

/// The new-note form: what is typed, its type and pin (invariant 9: one
/// reducer, so fast typing never reads a stale value).
#[derive(Clone, PartialEq)]
struct NoteForm {
    body: String,
    kind: NoteKind,
    pinned: bool,
}

impl Default for NoteForm {
    fn default() -> Self {
        NoteForm {
            body: String::new(),
            kind: NoteKind::General,
            pinned: false,
        }
    }
}

/// What changes the new-note form.
enum Action {
    /// The text as typed.
    Body(String),
    /// The note's type.
    Kind(NoteKind),
    /// Pinned or not.
    Pinned(bool),
    /// A suggestion picked: the `@word` being typed becomes `@Name `.
    Mention(String),
    /// Saved: an empty form of the same type.
    Saved,
}

impl Reducible for NoteForm {
    type Action = Action;
    fn reduce(self: std::rc::Rc<Self>, action: Action) -> std::rc::Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Body(text) => next.body = text,
            Action::Kind(kind) => next.kind = kind,
            Action::Pinned(pinned) => next.pinned = pinned,
            Action::Mention(name) => {
                if let Some(at) = next.body.rfind('@') {
                    next.body = format!("{}@{} ", &next.body[..at], name);
                }
            }
            Action::Saved => {
                next.body.clear();
                next.pinned = false;
            }
        }
        next.into()
    }
}

#[function_component(NotesPanel)]
pub fn notes_panel(props: &NotesProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let notes = use_state(Vec::<Note>::new);
    let form = use_reducer(NoteForm::default);
    let error = use_state(|| None::<String>);
    let editing = use_state(|| None::<(Uuid, String)>);
    let history = use_state(|| None::<(Uuid, Vec<NoteRevision>)>);
    let reload = {
        let (notes, error, id) = (notes.clone(), error.clone(), props.entity_id);
        Callback::from(move |_: ()| {
            let (notes, error) = (notes.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_notes(id).await {
                    Ok(n) => notes.set(n),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(props.entity_id, move |_| reload.emit(()));
    }
    let on_add = {
        let (form, error, reload, on_change) = (
            form.clone(),
            error.clone(),
            reload.clone(),
            props.on_change.clone(),
        );
        let (entity_type, entity_id) = (props.entity_type, props.entity_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (text, k, p) = (form.body.clone(), form.kind, form.pinned);
            let (form, error, reload, on_change) = (
                form.clone(),
                error.clone(),
                reload.clone(),
                on_change.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::add_record_note(entity_type, entity_id, k, &text, p).await {
                    Ok(_) => {
                        form.dispatch(Action::Saved);
                        error.set(None);
                        reload.emit(());
                        on_change.emit(());
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let suggestions: Vec<(Uuid, String)> = match mention_prefix(&form.body) {
        Some(prefix) => shared
            .info
            .users
            .iter()
            .filter(|u| u.active && u.display_name.to_lowercase().starts_with(&prefix))
            .map(|u| (u.id, u.display_name.clone()))
            .take(6)
            .collect(),
        None => Vec::new(),
    };
    let save_edit = |n: &Note, pin: bool, text: Option<String>| {
        let (error, reload, on_change, editing) = (
            error.clone(),
            reload.clone(),
            props.on_change.clone(),
            editing.clone(),
        );
        let (id, kind, text) = (n.id, n.kind, text.unwrap_or_else(|| n.body.clone()));
        Callback::from(move |_: MouseEvent| {
            let (error, reload, on_change, editing, text) = (
                error.clone(),
                reload.clone(),
                on_change.clone(),
                editing.clone(),
                text.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::edit_note(id, kind, &text, pin).await {
                    Ok(_) => {
                        editing.set(None);
                        error.set(None);
                        reload.emit(());
                        on_change.emit(());
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    html! {
        <div class="notes" id="notes">
            <form class="card" onsubmit={on_add}>
                <div class="field">
                    <label for="note-body">{ tr("notes.new") }</label>
                    <textarea id="note-body" rows="4" value={form.body.clone()} placeholder={tr("notes.placeholder")}
                        oninput={{ let form = form.clone(); Callback::from(move |e: InputEvent| form.dispatch(Action::Body(e.target_unchecked_into::<HtmlTextAreaElement>().value()))) }} />
                    // Always present (empty and hidden when nothing matches), so
                    // the field's DOM does not change under the typing hand.
                    <div class="suggestions" id="mention-suggestions" hidden={suggestions.is_empty()}>
                        { for suggestions.iter().map(|(_, name)| {
                            let (form, chosen) = (form.clone(), name.clone());
                            html! { <button type="button" class="small" onclick={Callback::from(move |_| form.dispatch(Action::Mention(chosen.clone())))}>{ format!("@{name}") }</button> }
                        }) }
                    </div>
                    <span class="hint">{ tr("notes.markdown_hint") }</span>
                </div>
                <div class="actions">
                    <label for="note-kind">{ tr("notes.kind") }</label>
                    <select id="note-kind" onchange={{ let form = form.clone(); Callback::from(move |e: Event| {
                        if let Ok(k) = e.target_unchecked_into::<HtmlSelectElement>().value().parse::<NoteKind>() { form.dispatch(Action::Kind(k)) }
                    }) }}>
                        { for NoteKind::ALL.iter().map(|k| html!{ <option value={k.as_str()} selected={*k == form.kind}>{ tr(&format!("note_kind.{}", k.as_str())) }</option> }) }
                    </select>
                    <label class="check"><input type="checkbox" id="note-pinned" checked={form.pinned}
                        onchange={{ let form = form.clone(); Callback::from(move |e: Event| form.dispatch(Action::Pinned(e.target_unchecked_into::<HtmlInputElement>().checked()))) }} />{ tr("notes.pin") }</label>
                    <button type="submit" class="primary" id="note-add">{ tr("notes.add") }</button>
                </div>
            </form>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { if notes.is_empty() { html!{ <p class="hint">{ tr("notes.none") }</p> } } else { html!{} } }
            <ul class="note-list">
                { for notes.iter().map(|n| {
                    let is_editing = editing.as_ref().filter(|(id, _)| *id == n.id).map(|(_, t)| t.clone());
                    let toggle_pin = save_edit(n, !n.pinned, None);
                    let show_history = {
                        let (history, id, error) = (history.clone(), n.id, error.clone());
                        Callback::from(move |_| {
                            if history.as_ref().is_some_and(|(h, _)| *h == id) {
                                history.set(None);
                                return;
                            }
                            let (history, error) = (history.clone(), error.clone());
                            wasm_bindgen_futures::spawn_local(async move {
                                match api::note_revisions(id).await {
                                    Ok(r) => history.set(Some((id, r))),
                                    Err(e) => error.set(Some(error_text(&e))),
                                }
                            });
                        })
                    };
                    html! {
                        <li class={classes!("note", n.pinned.then_some("pinned"))} id={format!("note-{}", n.id)}>
                            <div class="note-head">
                                <span class="pill">{ tr(&format!("note_kind.{}", n.kind.as_str())) }</span>
                                { n.pinned.then(|| html!{ <span class="pill pinned">{ tr("notes.pinned") }</span> }) }
                                <span class="muted">{ format!(" {} · {}", local_time(&n.created_at), n.author_name.clone().unwrap_or_default()) }</span>
                                { (n.revisions > 0).then(|| html!{ <button class="link" onclick={show_history}>{ tr_with("notes.edited", [("n", n.revisions.to_string())]) }</button> }) }
                                <span class="spacer"></span>
                                <button class="small" onclick={toggle_pin}>{ if n.pinned { tr("notes.unpin") } else { tr("notes.pin") } }</button>
                                <button class="small" onclick={{ let (editing, id, text) = (editing.clone(), n.id, n.body.clone()); Callback::from(move |_| editing.set(Some((id, text.clone())))) }}>{ tr("notes.edit") }</button>
                            </div>
                            { match is_editing {
                                Some(text) => html! { <div>
                                    <textarea class="note-edit" rows="4" value={text.clone()}
                                        oninput={{ let (editing, id) = (editing.clone(), n.id); Callback::from(move |e: InputEvent| editing.set(Some((id, e.target_unchecked_into::<HtmlTextAreaElement>().value())))) }} />
                                    <div class="actions">
                                        <button class="primary" onclick={save_edit(n, n.pinned, Some(text.clone()))}>{ tr("notes.save") }</button>
                                        <button class="secondary" onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(None)) }}>{ tr("notes.cancel") }</button>
                                    </div>
                                </div> },
                                None => html! { <div class="note-body">{ Html::from_html_unchecked(AttrValue::from(n.html.clone())) }</div> },
                            } }
                            { history.as_ref().filter(|(id, _)| *id == n.id).map(|(_, revs)| html! {
                                <ol class="timeline">
                                    { for revs.iter().map(|r| html!{ <li><span class="when">{ format!("{} · {}", local_time(&r.edited_at), r.edited_by.clone().unwrap_or_default()) }</span><br/><pre>{ &r.body }</pre></li> }) }
                                </ol>
                            }) }
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
