//! Rebuilds the core when a migration or a translation changes:
//! `sqlx::migrate!` embeds the files of `migrations/`; the translations of
//! `ui/locales/` are read here by rust-i18n's own loader
//! (`rust_i18n_support::load_locales`, the one the `i18n!` macro uses) and
//! written as one JSON table, `$OUT_DIR/texts.json`, that `texts` embeds.
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=ui/locales");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/locales");
    let texts = rust_i18n_support::load_locales(&dir.display().to_string(), |_| false);
    for language in ["it", "en"] {
        if texts.get(language).is_none_or(|t| t.is_empty()) {
            panic!("ui/locales has no {language} texts");
        }
    }
    let json = serde_json::to_string(&texts).expect("texts as JSON");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("texts.json");
    std::fs::write(&out, json).expect("write texts.json");
}
