//! Form helpers shared by every form: a failed save's field errors, and the
//! error line under a field (always present, empty when fine, so that the
//! field's DOM does not change while it is typed into: invariant 9); an
//! input bound to a state; the value of a changed `<select>`; a field read
//! on save that keeps what is typed in it.

use banco::model::FieldError;
use banco::ErrorPayload;
use yew::prelude::*;

use crate::i18n::field_error;

/// A form row: a label, an `<input>` bound to `value` (see
/// [`bound_input`]) and the errors of `field` under it.
pub fn labelled_input(
    id: &str,
    label: &str,
    kind: &str,
    value: &UseStateHandle<String>,
    autocomplete: &str,
    errors: &[FieldError],
    field: &str,
) -> Html {
    html! {
        <div class="field">
            <label for={id.to_string()}>{ label }</label>
            { bound_input(id, kind, value, autocomplete) }
            { error_for(errors, field) }
        </div>
    }
}

/// The fields errors of a failed save, by field name.
pub fn field_errors(e: &ErrorPayload) -> Vec<FieldError> {
    e.fields.clone()
}

pub fn error_for(errors: &[FieldError], field: &str) -> Html {
    html! { <span class="error">{ errors.iter().filter(|e| e.field == field).map(field_error).collect::<Vec<_>>().join(" · ") }</span> }
}

/// An `<input>` (`kind`: `text`, `password`, `number`…) whose value is the
/// state `value`, with `id` as its id and name; `autocomplete` tells the
/// webview whether to offer saved values (`off`, `username`,
/// `current-password`, `new-password`).
pub fn bound_input(
    id: &str,
    kind: &str,
    value: &UseStateHandle<String>,
    autocomplete: &str,
) -> Html {
    let target = value.clone();
    html! {
        <input id={id.to_string()} name={id.to_string()} type={kind.to_string()} value={(**value).clone()}
            autocomplete={autocomplete.to_string()}
            oninput={Callback::from(move |e: InputEvent| target.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))} />
    }
}

/// The value of the `<select>` an `onchange` event comes from.
pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

/// Fills the `<input>` behind `node` with `value` whenever `value` changes
/// (its first load, a save, another desk's change), and otherwise leaves
/// what the user has typed. For a field read through its `NodeRef` on
/// save: giving it `value={…}` instead would have Yew write that value
/// back into the field at every render of the page (Yew 0.21 compares it
/// with the field's live value), so a background refresh would wipe the
/// typing before the save.
#[hook]
pub fn use_field_value(node: &NodeRef, value: String) {
    let node = node.clone();
    use_effect_with(value, move |value| {
        if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
            input.set_value(value);
        }
    });
}

/// Props of [`KeptInput`].
#[derive(Properties, PartialEq)]
pub struct KeptInputProps {
    /// The field's `name`, by which the form's save finds it.
    pub name: AttrValue,
    /// Its `type` (`number`, `text`, …).
    pub kind: AttrValue,
    /// The stored value it shows until the user types.
    pub value: AttrValue,
}

/// An `<input>` that a form's save reads by its name, showing the stored
/// value and keeping what the user types across the page's renders (see
/// [`use_field_value`]); for fields made in a loop or a closure, where a
/// hook cannot be called.
#[function_component(KeptInput)]
pub fn kept_input(p: &KeptInputProps) -> Html {
    let node = use_node_ref();
    use_field_value(&node, p.value.to_string());
    html! { <input ref={node} type={p.kind.clone()} name={p.name.clone()} /> }
}
