//! Pieces shared by several screens (not screens themselves).

pub mod custom_fields;
pub mod diagnostics;
pub mod form;
pub mod import;
