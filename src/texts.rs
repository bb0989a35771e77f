//! The window's translations (`ui/locales/app.yml`, Italian first, English
//! second) as one table, the backend behind `rust_i18n::t!` for the window
//! (`ui/src/i18n.rs`) and the core (`services::words`).
//!
//! Why a table and not `rust_i18n::i18n!("ui/locales")` itself: that macro
//! writes one statement of code per text (about 2,600 of them), which made
//! the largest single function of the window's wasm (≈ 260 KB, kept and
//! compiled by every desk's web process) and a second one in the native
//! binary. Here `build.rs` reads the same files with rust-i18n's own loader
//! and writes them as JSON; [`Texts::new`] reads that once, at the first
//! translation. Keys, fallback (Italian) and `%{name}` placeholders stay
//! rust-i18n's.

use std::collections::HashMap;

/// The texts by language (`it`, `en`) and key, as `build.rs` wrote them.
static TEXTS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/texts.json"));

/// A `rust_i18n` backend over the embedded table: language → key → text.
pub struct Texts {
    by_language: HashMap<String, HashMap<String, String>>,
}

impl Texts {
    /// The embedded table, read. The JSON was written by `serde_json` from
    /// this very shape at build time, so reading it cannot fail; were it to,
    /// the table is empty and `t!` shows the keys.
    pub fn new() -> Texts {
        Texts {
            by_language: serde_json::from_str(TEXTS_JSON).unwrap_or_default(),
        }
    }
}

impl Default for Texts {
    fn default() -> Self {
        Texts::new()
    }
}

impl rust_i18n::Backend for Texts {
    fn available_locales(&self) -> Vec<&str> {
        let mut languages: Vec<&str> = self.by_language.keys().map(String::as_str).collect();
        languages.sort_unstable();
        languages
    }

    fn translate(&self, locale: &str, key: &str) -> Option<&str> {
        self.by_language.get(locale)?.get(key).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_i18n::Backend;

    #[test]
    fn the_table_holds_both_languages_with_the_same_keys() {
        let texts = Texts::new();
        assert_eq!(texts.available_locales(), ["en", "it"]);
        assert_eq!(texts.translate("it", "nav.leads"), Some("Lead"));
        assert_eq!(texts.translate("en", "nav.leads"), Some("Leads"));
        assert_eq!(texts.translate("en", "no.such.key"), None);
        assert_eq!(texts.translate("fr", "nav.leads"), None);
        let it = &texts.by_language["it"];
        assert!(it.len() > 1000, "{} Italian texts", it.len());
        let mut missing: Vec<&String> = it
            .keys()
            .filter(|k| !texts.by_language["en"].contains_key(*k))
            .collect();
        missing.sort();
        assert!(missing.is_empty(), "no English for {missing:?}");
    }
}
