//! The import choices shared by the companies and vCard imports.

use banco::model::DuplicatePolicy;

pub fn policy(v: &str) -> DuplicatePolicy {
    if v == "update" {
        DuplicatePolicy::Update
    } else {
        DuplicatePolicy::Skip
    }
}
