//! Tenants, stores (shops) and staff.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::string_enum::string_enum;
use super::FieldError;

string_enum! {
    /// What a staff member may do.
    Role {
        /// Counter staff.
        Staff = "staff",
        /// Manages one store.
        StoreManager = "store_manager",
        /// Manages the tenant.
        Admin = "admin",
    }
}

/// A tenant: one retail chain (or one independent shop).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Tenant {
    /// UUID v7.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Region for reading national phone numbers (ISO 3166-1 alpha-2).
    pub default_region: String,
    /// Version of the consent text the counter shows now.
    pub consent_text_version: String,
    /// ISO 4217 currency of every amount in the tenant (default `EUR`).
    pub currency: String,
}

/// A physical store (shop) of the tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Shop {
    /// UUID v7.
    pub id: Uuid,
    /// Name, e.g. "Milano Centro".
    pub name: String,
    /// Short code, unique in the tenant, e.g. "MI01".
    pub code: String,
}

/// A staff member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct User {
    /// UUID v7.
    pub id: Uuid,
    /// Name shown in lists.
    pub display_name: String,
    /// E-mail, unique in the tenant when given.
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// Home store.
    pub store_id: Option<Uuid>,
    /// Whether the user can still be picked.
    pub active: bool,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
}

impl User {
    /// Checks a display name for a new user: 1..=120 characters.
    pub fn validate_name(name: &str) -> Result<String, FieldError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(FieldError::new("display_name", "required"));
        }
        if name.chars().count() > 120 {
            return Err(FieldError::new("display_name", "too_long").with("max", "120"));
        }
        Ok(name.to_string())
    }
}

/// A new staff member. `display_name`: 1–120 characters; `email` optional
/// but valid and unused in the tenant; `store_id` an existing store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewUser {
    /// Name shown in lists.
    pub display_name: String,
    /// E-mail (may be empty).
    #[serde(default)]
    pub email: String,
    /// Role.
    pub role: Role,
    /// Home store.
    pub store_id: Option<Uuid>,
}

/// What the UI needs to draw its frame: the tenant, who is at the counter,
/// the staff to switch to, the stores, and where the data lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppInfo {
    /// The tenant.
    pub tenant: Tenant,
    /// The user at the counter.
    pub user: User,
    /// Every user (the switcher shows the active ones).
    pub users: Vec<User>,
    /// Every store.
    pub stores: Vec<Shop>,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Database location (password redacted).
    pub location: String,
}
