//! Pieces shared by several screens (not screens themselves).

pub mod custom_fields;
pub mod diagnostics;
pub mod export;
pub mod form;
pub mod import;
pub mod latest;
