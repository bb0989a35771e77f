//! # Banco core
//!
//! The one library behind the Banco desktop app, its `banco` command line and
//! its tests. It owns the domain model and its validation ([`model`]), the
//! typed errors ([`error`]), and — with the default `store` feature — the
//! database layer ([`store`]) and the use cases that run on it ([`services`]).
//!
//! Built with `default-features = false` the crate is only [`model`],
//! [`error`], [`wire`] and [`texts`], and compiles for
//! `wasm32-unknown-unknown`: the Yew UI uses it so that "a valid phone
//! number", the window/core contract and the translations each have exactly
//! one definition.
//!
//! Conventions used everywhere: ids are UUID v7 made by the client; times are
//! UTC ([`chrono::DateTime<Utc>`]); money (later issues) is `i64` minor units
//! plus an ISO 4217 currency code.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod error;
pub mod model;
pub mod texts;
pub mod wire;

// The window's translations, the one translation layer: the core reads
// them for the words it writes for people (`services::words`). The texts
// come from the table in `texts`; the path given to the macro names no
// files, so that it writes no code per text of its own.
#[cfg(feature = "store")]
rust_i18n::i18n!(
    "src/texts",
    fallback = "it",
    backend = crate::texts::Texts::new()
);

#[cfg(feature = "store")]
pub mod services;
#[cfg(feature = "store")]
pub mod store;

#[cfg(all(test, feature = "store"))]
mod no_panic;

pub use error::{Error, ErrorKind, ErrorPayload, Result};
