//! The meeting server's secret or private key on the desks that host
//! meetings (issue 19), and the tokens made with it.
//!
//! The tenant's settings say which server and ids (`MeetingAccess`, in the
//! shared database); the key itself never goes there, nor into a file:
//! each desk that hosts meetings keeps it in its OS keychain, entered once
//! by an admin on that desk ([`save_key`]). Why not the shared database:
//! anyone who can read the tenant's settings (every desk's login) could
//! then sign a moderator's token for any room. The shell passes the OS
//! keychain ([`crate::store::keychain::OsKeychain`]); tests pass
//! [`MemoryKeys`].

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::meeting_tokens::{sign, MeetingSigner, Participant};
use super::{now, Ctx};
use crate::model::{
    meeting_base, room_claim, FieldError, Meeting, MeetingAccess, MeetingAuth, MeetingKeyStatus,
};
use crate::store::Db;
use crate::{with_conn, Error, Result};

/// Where a desk keeps the meeting server's key, by account name.
pub trait MeetingKeys: Send + Sync {
    /// The key kept under `account`, if any. Errors: [`Error::Io`] when
    /// the store does not answer.
    fn get(&self, account: &str) -> Result<Option<String>>;
    /// Keeps `key` under `account`, replacing an older one. Errors: as
    /// [`MeetingKeys::get`].
    fn set(&self, account: &str, key: &str) -> Result<()>;
    /// Deletes the key under `account`; whether there was one. Errors: as
    /// [`MeetingKeys::get`].
    fn forget(&self, account: &str) -> Result<bool>;
}

/// Keys in memory, for tests and tools that must not touch a keychain.
#[derive(Default)]
pub struct MemoryKeys(Mutex<HashMap<String, String>>);

impl MemoryKeys {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // A panic elsewhere leaves the map as it was: still usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl MeetingKeys for MemoryKeys {
    fn get(&self, account: &str) -> Result<Option<String>> {
        Ok(self.map().get(account).cloned())
    }
    fn set(&self, account: &str, key: &str) -> Result<()> {
        self.map().insert(account.to_string(), key.to_string());
        Ok(())
    }
    fn forget(&self, account: &str) -> Result<bool> {
        Ok(self.map().remove(account).is_some())
    }
}

/// The keychain account of a tenant's meeting key:
/// `meeting:<tenant>:<kind>:<app id>:<key id>`. A new kind, app id or key
/// id is a new account, so a key never signs for a server it was not
/// entered for.
pub fn account(tenant: Uuid, access: &MeetingAccess) -> String {
    format!(
        "meeting:{tenant}:{}:{}:{}",
        access.auth, access.app_id, access.key_id
    )
}

/// The shortest shared secret taken: 32 bytes, the hash's output size,
/// which RFC 7518 §3.2 requires of an HS256 key.
pub const MIN_SECRET_BYTES: usize = 32;

/// The signer for `access` with `key` (a shared secret, or an RSA private
/// key in PEM). Errors: [`Error::Validation`] on `meeting_key`:
/// `not_needed` for an open server, `too_short` for a secret under
/// [`MIN_SECRET_BYTES`]; an unreadable PEM is refused when signing.
fn signer_of(access: &MeetingAccess, key: &str) -> Result<MeetingSigner> {
    let (app_id, key_id) = (access.app_id.clone(), access.key_id.clone());
    let pem = key.trim().as_bytes().to_vec();
    Ok(match access.auth {
        MeetingAuth::Open => return Err(Error::field("meeting_key", "not_needed")),
        MeetingAuth::SharedSecret => {
            if key.trim().len() < MIN_SECRET_BYTES {
                return Err(Error::Validation(vec![FieldError::new(
                    "meeting_key",
                    "too_short",
                )
                .with("min", MIN_SECRET_BYTES.to_string())]));
            }
            MeetingSigner::SharedSecret {
                app_id,
                secret: key.trim().as_bytes().to_vec(),
            }
        }
        MeetingAuth::KeyPair => MeetingSigner::KeyPair {
            app_id,
            key_id,
            private_pem: pem,
        },
        MeetingAuth::Jaas => MeetingSigner::Jaas {
            app_id,
            key_id,
            private_pem: pem,
        },
    })
}

async fn access_of(db: &Db, ctx: &Ctx) -> Result<(MeetingAccess, String)> {
    let s = with_conn!(db, |c| c.contact_policy(ctx.tenant_id()).await)?.unwrap_or_default();
    Ok((s.meeting_access, s.meeting_domain))
}

fn status_of(
    keys: &dyn MeetingKeys,
    tenant: Uuid,
    access: &MeetingAccess,
) -> Result<MeetingKeyStatus> {
    Ok(MeetingKeyStatus {
        needed: access.needs_token(),
        kept: access.needs_token() && keys.get(&account(tenant, access))?.is_some(),
    })
}

/// Whether the tenant's meeting server needs a key and whether this desk
/// keeps one for it. Any signed-in user (the answer is two flags).
///
/// Errors: [`Error::Io`] when the keychain does not answer.
pub async fn key_status(db: &Db, ctx: &Ctx, keys: &dyn MeetingKeys) -> Result<MeetingKeyStatus> {
    let (access, _) = access_of(db, ctx).await?;
    status_of(keys, ctx.tenant_id(), &access)
}

/// Keeps the meeting server's key on this desk (admins only), after
/// checking that it signs: a shared secret of at least
/// [`MIN_SECRET_BYTES`], or an RSA private key in PEM (PKCS#1 or PKCS#8).
/// The key is never stored anywhere else, logged or returned.
///
/// Errors: [`Error::Forbidden`]; [`Error::Validation`] on `meeting_key`
/// (`not_needed` for an open server, `required`, `too_short`, `invalid`);
/// [`Error::Io`] when the keychain refuses.
pub async fn save_key(
    db: &Db,
    ctx: &Ctx,
    keys: &dyn MeetingKeys,
    key: &str,
) -> Result<MeetingKeyStatus> {
    ctx.require_admin("set_meeting_key")?;
    let (access, domain) = access_of(db, ctx).await?;
    if access.needs_token() && key.trim().is_empty() {
        return Err(Error::field("meeting_key", "required"));
    }
    let signer = signer_of(&access, key)?;
    // A token for a probe room proves the key signs.
    let probe = Participant {
        id: ctx.user.id,
        name: ctx.user.display_name.clone(),
        email: None,
        moderator: false,
    };
    sign(
        &signer,
        &server_name(&domain),
        "probe",
        &probe,
        now(),
        now(),
    )?;
    keys.set(&account(ctx.tenant_id(), &access), key.trim())?;
    status_of(keys, ctx.tenant_id(), &access)
}

/// Deletes this desk's meeting key (admins only).
///
/// Errors: [`Error::Forbidden`]; [`Error::Io`] when the keychain refuses.
pub async fn forget_key(db: &Db, ctx: &Ctx, keys: &dyn MeetingKeys) -> Result<MeetingKeyStatus> {
    ctx.require_admin("set_meeting_key")?;
    let (access, _) = access_of(db, ctx).await?;
    if access.needs_token() {
        keys.forget(&account(ctx.tenant_id(), &access))?;
    }
    status_of(keys, ctx.tenant_id(), &access)
}

/// The host name a self-hosted server's tokens name as `sub` (no scheme,
/// no port): prosody compares it with its own domain.
fn server_name(domain: &str) -> String {
    url::Url::parse(&meeting_base(domain))
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| domain.to_string())
}

/// What a token is made for: the tenant's server access and the key this
/// desk keeps for it. Read before a meeting's transaction (the keychain
/// is not asked while the database is locked).
pub(crate) struct Signing {
    signer: Option<MeetingSigner>,
}

impl Signing {
    /// The tenant's access and, when it needs tokens, this desk's signer.
    ///
    /// Errors: [`Error::Validation`] (`meeting_key`, `key_missing`) when the
    /// server needs tokens and this desk keeps no key for it; as
    /// [`signer_of`] for a key that no longer fits.
    pub(crate) async fn load(db: &Db, ctx: &Ctx, keys: &dyn MeetingKeys) -> Result<Signing> {
        let (access, _) = access_of(db, ctx).await?;
        let signer = if access.needs_token() {
            let key = keys
                .get(&account(ctx.tenant_id(), &access))?
                .ok_or_else(|| Error::field("meeting_key", "key_missing"))?;
            Some(signer_of(&access, &key)?)
        } else {
            None
        };
        Ok(Signing { signer })
    }

    /// A token admitting `who` to meeting `m` from `at` until its planned
    /// end plus the grace; `None` when the server takes no token.
    pub(crate) fn token(
        &self,
        m: &Meeting,
        who: &Participant,
        at: DateTime<Utc>,
    ) -> Result<Option<String>> {
        let Some(signer) = &self.signer else {
            return Ok(None);
        };
        let ends = m.starts_at + Duration::minutes(i64::from(m.duration_minutes));
        sign(
            signer,
            &server_name(&m.domain),
            room_claim(&m.room),
            who,
            at,
            ends,
        )
        .map(Some)
    }
}
