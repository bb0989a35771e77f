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
        /// Manages a set of stores (an area): [`User::stores`].
        AreaManager = "area_manager",
        /// Manages the tenant.
        Admin = "admin",
    }
}

impl Role {
    /// Who may do `action` (the name an [`crate::Error::Forbidden`]
    /// carries), for the refusal's message: `admin` (the tenant's settings,
    /// stores, desk lock, a merge that moves other stores' records), `owner` (a record's owner, staff of its store,
    /// or a manager: changing a deal or a lead, editing a note), or
    /// `store_manager` (everything else refused: exports, imports, merges,
    /// reopening a deal, contact-rule overrides, configuration, passwords).
    pub fn needed_for(action: &str) -> &'static str {
        match action {
            "edit_settings"
            | "add_store"
            | "edit_meeting_server"
            | "set_meeting_key"
            | "edit_update_server"
            | "merge_records_elsewhere"
            | "read_audit"
            | "gdpr_erasure"
            | "gdpr_retention"
            | "edit_consent_texts" => "admin",
            "edit_deal" | "change_lead_status" | "edit_note" => "owner",
            _ => "store_manager",
        }
    }
}

impl Role {
    /// Whether the role manages stores (store manager, area manager) or
    /// the tenant (admin): configuration, imports, exports, merges,
    /// overrides.
    pub fn is_manager(self) -> bool {
        matches!(self, Role::StoreManager | Role::AreaManager | Role::Admin)
    }
}

/// Which leads and deals (and what hangs on them: notes, documents,
/// calls, meetings, the timeline) a reader may see — issue 12's store
/// rule, the same as the chain server's policies (`store_rule` in
/// `src/store/row_security.sql`): an admin the whole tenant; anyone else
/// the records of their working stores ([`User::working_stores`]), the
/// ones they own, and the ones of no store. People and companies are the
/// tenant's and not limited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordScope {
    /// Every record of the tenant (admins).
    Tenant,
    /// Records of these stores, of no store, or owned by `user`.
    Limited {
        /// The reader.
        user: Uuid,
        /// Their working stores.
        stores: Vec<Uuid>,
    },
}

impl RecordScope {
    /// The scope of `user`.
    pub fn of(user: &User) -> RecordScope {
        if user.role == Role::Admin {
            RecordScope::Tenant
        } else {
            RecordScope::Limited {
                user: user.id,
                stores: user.working_stores(),
            }
        }
    }

    /// Whether a record with this owner and store is in the scope.
    pub fn sees(&self, owner_id: Option<Uuid>, store_id: Option<Uuid>) -> bool {
        match self {
            RecordScope::Tenant => true,
            RecordScope::Limited { user, stores } => {
                store_id.is_none_or(|s| stores.contains(&s)) || owner_id == Some(*user)
            }
        }
    }
}

/// The least privilege: a new user is counter staff unless told otherwise.
impl Default for Role {
    fn default() -> Self {
        Role::Staff
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
    /// Minutes without use after which a desk locks and asks for the
    /// password again (0 = never; default 10).
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub idle_lock_minutes: u32,
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
    /// Sign-in name (lower case, unique in the database), once one is set.
    pub login: Option<String>,
    /// Whether the user has a password or PIN, so can sign in. The hash
    /// itself never leaves the store.
    pub has_password: bool,
    /// An area manager's stores (their home store among them); empty for
    /// every other role, whose one store is `store_id`.
    #[cfg_attr(feature = "store", sqlx(skip))]
    #[serde(default)]
    pub stores: Vec<Uuid>,
}

impl User {
    /// The stores whose leads and deals the user works: an area manager's
    /// set, else the home store (none without one). Admins work the whole
    /// tenant whatever this says.
    pub fn working_stores(&self) -> Vec<Uuid> {
        if self.role == Role::AreaManager {
            self.stores.clone()
        } else {
            self.store_id.into_iter().collect()
        }
    }
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
/// but valid and unused in the tenant; `store_id` an existing store;
/// `login` and `password` optional (see [`normalize_login`],
/// [`check_password`]), but given together: without them the user cannot
/// sign in until an admin sets them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// An area manager's stores (the home store is added when missing);
    /// ignored for the other roles.
    #[serde(default)]
    pub stores: Vec<Uuid>,
    /// Sign-in name (may be empty).
    #[serde(default)]
    pub login: String,
    /// First password or PIN (may be empty).
    #[serde(default)]
    pub password: Password,
}

/// A password or PIN on its way to be hashed or checked. Its `Debug` form
/// is `Password(***)`, so it never reaches a log; it is serialised only to
/// cross from the window to the shell.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// The secret text.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether nothing was typed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Longest login: Postgres's identifier limit (63 bytes), so a login can
/// later name a database role unchanged.
pub const LOGIN_MAX: usize = 63;
/// Shortest password or PIN (a four-digit PIN at a shop's counter).
pub const PASSWORD_MIN: usize = 4;
/// Longest password.
pub const PASSWORD_MAX: usize = 128;

/// A login as stored: trimmed, lower case, 1–63 characters of `a`–`z`,
/// digits, `.`, `_` and `-`, starting with a letter (valid unquoted as a
/// Postgres role name once lower-cased, and the same on every desk).
///
/// Errors: `login`: `required`, `too_long` (`max`), `invalid_login`.
pub fn normalize_login(login: &str) -> Result<String, FieldError> {
    let login = login.trim().to_lowercase();
    if login.is_empty() {
        return Err(FieldError::new("login", "required"));
    }
    if login.len() > LOGIN_MAX {
        return Err(FieldError::new("login", "too_long").with("max", LOGIN_MAX.to_string()));
    }
    let mut chars = login.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !first_ok
        || !chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        return Err(FieldError::new("login", "invalid_login").with("value", login));
    }
    Ok(login)
}

/// Checks a new password or PIN: 4–128 characters (counted as Unicode
/// scalar values), not only spaces.
///
/// Errors: `password`: `required`, `password_too_short` (`min`),
/// `too_long` (`max`).
pub fn check_password(password: &Password) -> Result<(), FieldError> {
    let p = password.expose();
    if p.trim().is_empty() {
        return Err(FieldError::new("password", "required"));
    }
    let n = p.chars().count();
    if n < PASSWORD_MIN {
        return Err(
            FieldError::new("password", "password_too_short").with("min", PASSWORD_MIN.to_string())
        );
    }
    if n > PASSWORD_MAX {
        return Err(FieldError::new("password", "too_long").with("max", PASSWORD_MAX.to_string()));
    }
    Ok(())
}

/// What a desk shows before anything else (the answer of the shell's
/// `desk_state`): on JSON `{"state":"unclaimed"}`, `{"state":"signed_out"}`,
/// `{"state":"locked","user":{…}}` or `{"state":"signed_in","info":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeskState {
    /// Nobody in the database has a password yet: the first start asks
    /// for the administrator's login and password.
    Unclaimed,
    /// Nobody is signed in at this desk.
    SignedOut,
    /// The desk locked itself (idle, or the user locked it): the same user
    /// unlocks it with their password, or another user signs in.
    Locked {
        /// Who was signed in.
        user: User,
    },
    /// Someone is signed in.
    SignedIn {
        /// The frame's data.
        info: Box<AppInfo>,
    },
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
    /// Signed in without the chain server (it could not be reached): only
    /// the counter works, and its captures wait in the outbox.
    #[serde(default)]
    pub offline: bool,
}
