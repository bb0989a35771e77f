//! `string_enum!`: the one way the model declares an enum stored and sent
//! as a stable snake_case name (statuses, kinds, channels, roles). A caller
//! has `Serialize`, `Deserialize` and `FieldError` in scope.

/// Declares a string-backed enum with its stable snake_case names, the list
/// of all values, `as_str`, `FromStr` (error `unknown_value`) and `Display`.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name stored in the database and used in files and URLs.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a stable name; errors with `unknown_value` on `field`.
            pub fn parse(value: &str, field: &str) -> Result<Self, FieldError> {
                value.parse().map_err(|_| {
                    FieldError::new(field, "unknown_value")
                        .with("value", value)
                        .with("allowed", Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "))
                })
            }
        }

        impl std::str::FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s.trim() { $($text => Ok($name::$variant),)+ _ => Err(()) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;
