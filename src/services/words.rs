//! The words of the window's translations (`ui/locales/app.yml`, through
//! `rust-i18n`, as the window reads them) for what the core writes for
//! people to read: statuses, kinds and channels in the access export's
//! PDF.

/// The translation of `key` in `language` (`it`, `en`); `None` when the
/// translations have no such key.
pub fn word(language: &str, key: &str) -> Option<String> {
    let text = rust_i18n::t!(key, locale = language).to_string();
    (text != key && !text.ends_with(key)).then_some(text)
}

/// The translation of `key` in `language` with its `%{name}` placeholders
/// filled from `args` (name, value), as `rust_i18n::t!` fills them; `None`
/// when the translations have no such key. For the native shell, which
/// reads the same translations through the core rather than keeping a
/// second copy of them in its binary.
pub fn word_with(language: &str, key: &str, args: &[(&str, &str)]) -> Option<String> {
    let template = word(language, key)?;
    let names: Vec<&str> = args.iter().map(|(name, _)| *name).collect();
    let values: Vec<String> = args.iter().map(|(_, value)| value.to_string()).collect();
    Some(rust_i18n::replace_patterns(&template, &names, &values))
}

/// The word for the code `code` of the family `family` (`status.new`,
/// `channel.call`, …) in `language`, or the code itself when there is
/// none.
pub fn code_word(language: &str, family: &str, code: &str) -> String {
    word(language, &format!("{family}.{code}")).unwrap_or_else(|| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_in_both_languages_and_unknown_ones_stay_codes() {
        assert_eq!(code_word("it", "channel", "call"), "telefono");
        assert_eq!(code_word("en", "channel", "call"), "phone");
        assert_eq!(code_word("en", "channel", "pigeon"), "pigeon");
    }

    #[test]
    fn placeholders_are_filled_and_unknown_keys_are_none() {
        let en = word_with(
            "en",
            "fatal.window_failed",
            &[("error", "no WebView2"), ("logs", "/l")],
        )
        .unwrap();
        assert!(en.contains("no WebView2") && en.contains("/l"), "{en}");
        assert!(!en.contains("%{"), "{en}");
        assert_eq!(word_with("it", "no.such.key", &[]), None);
    }
}
