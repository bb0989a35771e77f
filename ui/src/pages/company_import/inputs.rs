//! The import choices shared by the companies and vCard imports.

use banco::model::DuplicatePolicy;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

pub fn policy(v: &str) -> DuplicatePolicy {
    if v == "update" {
        DuplicatePolicy::Update
    } else {
        DuplicatePolicy::Skip
    }
}
