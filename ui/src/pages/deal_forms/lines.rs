//! A deal's offer lines as typed: drafts, their editor and their checks.

use banco::model::{parse_money, DealLine, FieldError};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{field_error, field_label, tr};

/// A line as typed: amounts in major units, as text.
#[derive(Clone, PartialEq, Default)]
pub struct LineDraft {
    pub id: Uuid,
    pub product: String,
    pub quantity: String,
    pub one_off: String,
    pub monthly: String,
}

/// An amount in minor units as a form field shows it (`2999` → `29,99`),
/// which `parse_money` reads back.
pub fn major(minor: i64) -> String {
    banco::model::minor_to_decimal(minor).replace('.', ",")
}

pub fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// Parses the drafts; errors name the line and field (`lines.0.one_off_minor`).
pub fn parse_lines(drafts: &[LineDraft]) -> Result<Vec<DealLine>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        if d.product.trim().is_empty() && d.one_off.trim().is_empty() && d.monthly.trim().is_empty()
        {
            continue;
        }
        let money = |v: &str, f: &str, errors: &mut Vec<FieldError>| -> i64 {
            if v.trim().is_empty() {
                return 0;
            }
            parse_money(v, &format!("lines.{i}.{f}"))
                .map_err(|e| errors.push(e))
                .unwrap_or(0)
        };
        let quantity = match d.quantity.trim() {
            "" => 1,
            q => q.parse().unwrap_or_else(|_| {
                errors.push(
                    FieldError::new(format!("lines.{i}.quantity"), "not_a_number").with("value", q),
                );
                1
            }),
        };
        lines.push(DealLine {
            id: d.id,
            product: d.product.clone(),
            quantity,
            one_off_minor: money(&d.one_off, "one_off_minor", &mut errors),
            monthly_minor: money(&d.monthly, "monthly_minor", &mut errors),
        });
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

pub fn lines_editor(drafts: &UseStateHandle<Vec<LineDraft>>) -> Html {
    let set = |i: usize, f: fn(&mut LineDraft, String)| {
        let drafts = drafts.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*drafts).clone();
            if let Some(d) = next.get_mut(i) {
                f(d, input_value(&e));
            }
            drafts.set(next);
        })
    };
    let add = {
        let drafts = drafts.clone();
        Callback::from(move |_| {
            let mut next = (*drafts).clone();
            next.push(LineDraft {
                quantity: "1".into(),
                ..Default::default()
            });
            drafts.set(next);
        })
    };
    html! {
        <>
            <table class="list lines-editor">
                <thead><tr><th>{ tr("deals.product") }</th><th>{ tr("deals.quantity") }</th><th>{ tr("deals.one_off") }</th><th>{ tr("deals.monthly") }</th></tr></thead>
                <tbody>
                    { for drafts.iter().enumerate().map(|(i, d)| html! {
                        <tr>
                            <td><input name={format!("line-{i}-product")} value={d.product.clone()} oninput={set(i, |d, v| d.product = v)} /></td>
                            <td><input name={format!("line-{i}-quantity")} class="narrow" inputmode="numeric" value={d.quantity.clone()} oninput={set(i, |d, v| d.quantity = v)} /></td>
                            <td><input name={format!("line-{i}-one_off")} class="narrow" inputmode="decimal" value={d.one_off.clone()} oninput={set(i, |d, v| d.one_off = v)} /></td>
                            <td><input name={format!("line-{i}-monthly")} class="narrow" inputmode="decimal" value={d.monthly.clone()} oninput={set(i, |d, v| d.monthly = v)} /></td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <button type="button" class="small" id="line-add" onclick={add}>{ tr("deals.add_line") }</button>
        </>
    }
}

pub fn errors_html(errors: &[FieldError]) -> Html {
    if errors.is_empty() {
        return html! {};
    }
    html! {
        <div class="banner error" role="alert"><ul>
            { for errors.iter().map(|e| html! { <li>{ format!("{}: {}", field_label(&e.field), field_error(e)) }</li> }) }
        </ul></div>
    }
}
