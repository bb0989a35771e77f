//! Editing a deal's offer lines and terms.

use banco::model::{DealDetail, DealLine, DealUpdate, FieldError};
use chrono::NaiveDate;
use uuid::Uuid;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::lines::{errors_html, input_value, lines_editor, major, parse_lines, LineDraft};
use crate::i18n::{conflict_reapply, error_text, saved_meanwhile, tr};
use crate::{api, Shared};

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub detail: DealDetail,
    pub on_saved: Callback<DealDetail>,
}

/// Edits a deal's lines, contract months, probability, expected close and owner.
#[function_component(DealEditor)]
pub fn deal_editor(props: &EditorProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let d = &props.detail;
    let first = DealUpdate::of(d);
    let drafts = use_state(|| drafts_of(&first.lines));
    let months = use_state(|| first.contract_months.to_string());
    let probability = use_state(|| text_of(&first.probability));
    let expected = use_state(|| text_of(&first.expected_close));
    let owner = use_state(|| d.deal.owner_id);
    let errors = use_state(Vec::<FieldError>::new);
    // Another desk saved or moved the deal while this form is open.
    let meanwhile = use_state(|| None::<String>);
    // The stored deal the form stands on: after a conflict, the other
    // desk's version (what was typed stays in the form).
    let base = use_state(|| first);
    // What was typed, carried onto `theirs` (a newer version saved
    // elsewhere): each part of the form still as `base` had it takes their
    // value; what was typed stays (the rule of `model::rebase`, applied to
    // the form's texts, which may not parse while being typed).
    let carry_over = {
        let (drafts, months, probability, expected, owner) = (
            drafts.clone(),
            months.clone(),
            probability.clone(),
            expected.clone(),
            owner.clone(),
        );
        move |base: &DealUpdate, theirs: &DealUpdate| {
            if terms(&drafts) == terms(&drafts_of(&base.lines)) {
                drafts.set(drafts_of(&theirs.lines));
            }
            let text = |state: &UseStateHandle<String>, was: String, now: String| {
                if **state == was {
                    state.set(now);
                }
            };
            text(
                &months,
                base.contract_months.to_string(),
                theirs.contract_months.to_string(),
            );
            text(
                &probability,
                text_of(&base.probability),
                text_of(&theirs.probability),
            );
            text(
                &expected,
                text_of(&base.expected_close),
                text_of(&theirs.expected_close),
            );
            if *owner == base.owner_id {
                owner.set(theirs.owner_id);
            }
        }
    };
    {
        // The Deals screen read the deal again (another desk saved or moved
        // it) while this form is open: say who and what changed, and stand
        // on the new version; what was typed stays, so Save applies it on
        // top instead of being refused.
        let (base, meanwhile, fresh, carry_over) = (
            base.clone(),
            meanwhile.clone(),
            d.clone(),
            carry_over.clone(),
        );
        use_effect_with(d.deal.version, move |version| {
            if base.expected_version != Some(*version) {
                let theirs = DealUpdate::of(&fresh);
                carry_over(&base, &theirs);
                let last = fresh.events.first();
                let said = saved_meanwhile(
                    last.and_then(|e| e.user_name.as_deref()),
                    last.map(|e| &e.at),
                    &base.changed_fields(&theirs),
                );
                meanwhile.set(Some(said));
                base.set(theirs);
            }
        });
    }
    let on_save = {
        let (drafts, months, probability, expected, owner, errors, on_saved, base) = (
            drafts.clone(),
            months.clone(),
            probability.clone(),
            expected.clone(),
            owner.clone(),
            errors.clone(),
            props.on_saved.clone(),
            base.clone(),
        );
        let carry_over = carry_over.clone();
        let id = d.deal.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut errs = Vec::new();
            let lines = parse_lines(&drafts).unwrap_or_else(|e| {
                errs.extend(e);
                Vec::new()
            });
            let contract_months = months.trim().parse::<u32>().unwrap_or_else(|_| {
                errs.push(
                    FieldError::new("contract_months", "not_a_number")
                        .with("value", (*months).clone()),
                );
                0
            });
            let probability = match probability.trim() {
                "" => None,
                p => match p.parse::<u8>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        errs.push(
                            FieldError::new("probability", "out_of_range")
                                .with("min", "0")
                                .with("max", "100"),
                        );
                        None
                    }
                },
            };
            if !errs.is_empty() {
                errors.set(errs);
                return;
            }
            let update = DealUpdate {
                title: base.title.clone(),
                lines,
                contract_months,
                probability,
                expected_close: NaiveDate::parse_from_str(&expected, "%Y-%m-%d").ok(),
                owner_id: *owner,
                // Another desk's save in between is refused, not overwritten.
                expected_version: base.expected_version,
            };
            let (errors, on_saved, base, carry_over) = (
                errors.clone(),
                on_saved.clone(),
                base.clone(),
                carry_over.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::update_deal(id, &update).await {
                    Ok(d) => {
                        errors.set(Vec::new());
                        on_saved.emit(d);
                    }
                    // Another desk saved first: name what it changed and
                    // stand on its version, keeping what was typed, so that
                    // saving again re-applies it.
                    Err(e) if e.kind == banco::ErrorKind::Conflict => {
                        let mut said = error_text(&e);
                        if let Ok(fresh) = api::deal_detail(id).await {
                            let theirs = DealUpdate::of(&fresh);
                            said = conflict_reapply(&said, &base.changed_fields(&theirs));
                            carry_over(&base, &theirs);
                            base.set(theirs);
                        }
                        errors.set(vec![FieldError::new("deal", "error").with("detail", said)]);
                    }
                    Err(e) if !e.fields.is_empty() => errors.set(e.fields.clone()),
                    Err(e) => errors.set(vec![
                        FieldError::new("deal", "error").with("detail", error_text(&e))
                    ]),
                }
            });
        })
    };
    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(input_value(&e)))
    };
    html! {
        <form class="deal-editor" id="deal-editor" onsubmit={on_save}>
            { errors_html(&errors) }
            { meanwhile.as_ref().map(|m| html! { <div class="banner warn" role="status" id="deal-meanwhile">{ m }</div> }) }
            { lines_editor(&drafts) }
            <div class="grid2">
                <label>{ tr("deals.contract_months") }<input name="contract_months" inputmode="numeric" value={(*months).clone()} oninput={text(&months)} /></label>
                <label>{ tr("deals.probability_override") }<input name="probability" inputmode="numeric" placeholder={tr("deals.stage_default")} value={(*probability).clone()} oninput={text(&probability)} /></label>
                <label>{ tr("deals.expected_close") }<input type="date" name="expected_close" value={(*expected).clone()} oninput={text(&expected)} /></label>
                <label>{ tr("deals.owner") }
                    <select name="owner" onchange={{ let owner = owner.clone(); Callback::from(move |e: Event| owner.set(Uuid::parse_str(&e.target_unchecked_into::<HtmlSelectElement>().value()).ok())) }}>
                        { for shared.info.users.iter().filter(|u| u.active).map(|u| html! { <option value={u.id.to_string()} selected={Some(u.id) == *owner}>{ &u.display_name }</option> }) }
                    </select>
                </label>
            </div>
            <div class="actions"><button type="submit" class="primary" id="deal-save">{ tr("deals.save") }</button></div>
        </form>
    }
}

/// The editor's lines as typed from stored lines (one empty line when
/// there are none).
fn drafts_of(lines: &[DealLine]) -> Vec<LineDraft> {
    let mut v: Vec<LineDraft> = lines
        .iter()
        .map(|l| LineDraft {
            id: l.id,
            product: l.product.clone(),
            quantity: l.quantity.to_string(),
            one_off: major(l.one_off_minor),
            monthly: major(l.monthly_minor),
        })
        .collect();
    if v.is_empty() {
        v.push(LineDraft {
            quantity: "1".into(),
            ..Default::default()
        });
    }
    v
}

/// Lines as typed, without their ids: what a comparison of two forms reads.
fn terms(drafts: &[LineDraft]) -> Vec<(&str, &str, &str, &str)> {
    drafts
        .iter()
        .map(|l| {
            (
                l.product.trim(),
                l.quantity.trim(),
                l.one_off.trim(),
                l.monthly.trim(),
            )
        })
        .collect()
}

/// An optional value as a form field's text (empty for none).
fn text_of<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}
