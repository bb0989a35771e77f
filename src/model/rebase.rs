//! A form's edit carried onto a newer version of its record (another
//! desk, window or the command line saved it while the form was open): a
//! three-way merge, field by field, of what was typed (`mine`), what the
//! form was filled from (`base`) and the newer version (`theirs`). A field
//! left as it was loaded takes their value; a field typed in keeps what
//! was typed, even where they changed it too (the form names those fields
//! and the user decides before saving again). The rule is the one of
//! `diff3` and of version control merges, per field instead of per line.

use super::CustomValues;

/// One field: `theirs` when `mine` is still `base`, else `mine`.
pub fn rebase_field<T: PartialEq + Clone>(mine: &T, base: &T, theirs: &T) -> T {
    if mine == base { theirs } else { mine }.clone()
}

/// Custom values key by key, as [`rebase_field`]: a value typed, changed
/// or cleared in the form is kept (a cleared one stays cleared); every
/// other key is as `theirs` has it.
pub fn rebase_custom(
    mine: &CustomValues,
    base: &CustomValues,
    theirs: &CustomValues,
) -> CustomValues {
    let mut out = theirs.clone();
    for key in mine.keys().chain(base.keys()) {
        let typed = mine.get(key);
        if typed != base.get(key) {
            match typed {
                Some(v) => out.insert(key.clone(), v.clone()),
                None => out.remove(key),
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(pairs: &[(&str, serde_json::Value)]) -> CustomValues {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn a_field_left_alone_takes_theirs_and_a_typed_one_stays() {
        assert_eq!(rebase_field(&"a", &"a", &"b"), "b");
        assert_eq!(rebase_field(&"x", &"a", &"b"), "x");
        assert_eq!(rebase_field(&"x", &"a", &"a"), "x");
        assert_eq!(rebase_field(&Some(3), &None, &Some(4)), Some(3));
    }

    #[test]
    fn custom_values_merge_key_by_key() {
        let base = values(&[
            ("tier", json!("gold")),
            ("pets", json!(1)),
            ("note", json!("n")),
        ]);
        // Typed: tier changed, note cleared; pets untouched.
        let mine = values(&[("tier", json!("silver")), ("pets", json!(1))]);
        // Theirs: pets changed, a new key added, tier changed too.
        let theirs = values(&[
            ("tier", json!("bronze")),
            ("pets", json!(2)),
            ("note", json!("n")),
            ("vip", json!(true)),
        ]);
        assert_eq!(
            rebase_custom(&mine, &base, &theirs),
            values(&[
                ("tier", json!("silver")),
                ("pets", json!(2)),
                ("vip", json!(true))
            ])
        );
    }
}
