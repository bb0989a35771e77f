//! Form helpers shared by every form: a failed save's field errors, and the
//! error line under a field (always present, empty when fine, so that the
//! field's DOM does not change while it is typed into: invariant 9); an
//! input bound to a state; the value of a changed `<select>`.

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
