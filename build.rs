//! Rebuilds the core when a migration or a translation changes:
//! `sqlx::migrate!` embeds the files of `migrations/`, and `rust_i18n::i18n!`
//! those of `ui/locales/`, at compile time.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=ui/locales");
}
