//! `JsonText<T>`: how a JSON value kept in a text column (custom values,
//! tags, select options) is read straight into a model field, with the
//! `store` feature only: `#[sqlx(try_from = "JsonText<T>")]` on the field.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A JSON column (stored as `TEXT` on both backends) decoded as `T`. A
/// value that is not JSON of that shape fails to decode with serde's
/// reason, and sqlx reports it as `ColumnDecode` naming the column (which
/// `Error::from_db` turns into an integrity error): a damaged value is
/// never read as empty. SQL `NULL` reads as JSON `null`, so only an
/// optional field accepts it.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonText<T>(pub T);

impl<DB: sqlx::Database, T> sqlx::Type<DB> for JsonText<T>
where
    String: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as sqlx::Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: sqlx::Database, T: DeserializeOwned> sqlx::Decode<'r, DB> for JsonText<T>
where
    String: sqlx::Decode<'r, DB>,
{
    fn decode(
        value: <DB as sqlx::Database>::ValueRef<'r>,
    ) -> Result<Self, sqlx::error::BoxDynError> {
        use sqlx::ValueRef;
        let text = if value.is_null() {
            "null".to_string()
        } else {
            <String as sqlx::Decode<'r, DB>>::decode(value)?
        };
        serde_json::from_str(&text)
            .map(JsonText)
            .map_err(|e| format!("JSON that cannot be read: {e}").into())
    }
}

/// `From<JsonText<T>>` for each JSON shape the model keeps in a column (a
/// generic impl for every `T` is not allowed by Rust's orphan rules).
macro_rules! from_json_text {
    ($($t:ty),+) => {$(
        impl From<JsonText<$t>> for $t {
            fn from(text: JsonText<$t>) -> Self {
                text.0
            }
        }
    )+};
}

// `BTreeMap<String, Value>` is `model::CustomValues`.
from_json_text!(BTreeMap<String, Value>, Vec<String>, Option<Value>);
