//! `string_enum!`: the one way the model declares an enum stored and sent
//! as a stable snake_case name (statuses, kinds, channels, roles). A caller
//! has `Serialize`, `Deserialize` and `FieldError` in scope. With the
//! `store` feature such an enum is also read straight from a text column
//! (`sqlx::Type` + `sqlx::Decode` for both backends), so store rows need no
//! mirror struct.

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

        /// Read from a text column: the stable name, or a decode error
        /// naming the enum and the value (the caller's column is added by sqlx).
        #[cfg(feature = "store")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            str: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as sqlx::Type<DB>>::compatible(ty)
            }
        }

        #[cfg(feature = "store")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> ::std::result::Result<Self, sqlx::error::BoxDynError> {
                let text = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                text.parse().map_err(|()| {
                    format!("unexpected value `{text}` for {}", stringify!($name)).into()
                })
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
