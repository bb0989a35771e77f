//! Where meetings happen: the configured meeting server (a Jitsi host
//! name or base URL) checked and turned into the base URL, the IFrame
//! API's domain and the link to a room; how it admits people
//! ([`MeetingAccess`]: open, signed tokens of a self-hosted Jitsi, JaaS);
//! and the rooms' random names.

use serde::{Deserialize, Serialize};

use super::string_enum::string_enum;
use super::FieldError;

string_enum! {
    /// How the tenant's meeting server admits participants (issue 19).
    MeetingAuth {
        /// No token: anyone with the link joins (a server without token
        /// authentication, or meet.jit.si in the browser).
        Open = "open",
        /// A self-hosted Jitsi with token authentication and a shared
        /// secret (prosody's `app_id`/`app_secret`): tokens signed HS256.
        SharedSecret = "shared_secret",
        /// A self-hosted Jitsi that checks RS256 tokens against public
        /// keys fetched by key id (prosody's `asap_key_server`).
        KeyPair = "key_pair",
        /// JaaS (Jitsi as a Service, `8x8.vc`): RS256 with the tenant's
        /// API key; rooms live under the AppID (`8x8.vc/<AppID>/<room>`).
        Jaas = "jaas",
    }
}

string_enum! {
    /// How the customer gets in when the server wants tokens.
    GuestAccess {
        /// The invitation's link carries a guest token (not a moderator)
        /// for that one room, valid until shortly after the planned end.
        Token = "token",
        /// The invitation's link has no token: the customer waits in the
        /// lobby until staff let them in (the server must allow guests).
        Lobby = "lobby",
    }
}

/// The JaaS server's host.
pub const JAAS_HOST: &str = "8x8.vc";

/// What every JaaS AppID starts with.
pub const JAAS_APP_PREFIX: &str = "vpaas-magic-cookie-";

/// How the tenant's meeting server admits people: the kind, the ids the
/// tokens name, and the customer's way in. The secret or private key is
/// not here: each desk that hosts meetings keeps it in its OS keychain
/// (`store::keychain`), never the shared database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingAccess {
    /// The server's kind.
    pub auth: MeetingAuth,
    /// The token's app id: prosody's `app_id` (`iss`), or the JaaS AppID
    /// (`vpaas-magic-cookie-…`). Empty for [`MeetingAuth::Open`].
    #[serde(default)]
    pub app_id: String,
    /// The signing key's id (`kid`): prosody's ASAP key id, or the JaaS
    /// API key id. Empty for an open server or a shared secret.
    #[serde(default)]
    pub key_id: String,
    /// The customer's way in when tokens are needed.
    pub guests: GuestAccess,
}

impl Default for MeetingAccess {
    /// An open server (no token), guests through the lobby.
    fn default() -> Self {
        MeetingAccess {
            auth: MeetingAuth::Open,
            app_id: String::new(),
            key_id: String::new(),
            guests: GuestAccess::Lobby,
        }
    }
}

impl MeetingAccess {
    /// Checks the access of a server `domain` (already checked by
    /// [`check_meeting_domain`]); returns it trimmed (ids cleared for an
    /// open server). Errors, all at once: `meeting_auth`/`public_server`
    /// for tokens on a public server that takes none of Banco's
    /// ([`BROWSER_ONLY_HOSTS`]); `meeting_domain`/`jaas_host` for JaaS on
    /// any host but [`JAAS_HOST`]; `meeting_app_id`/`required` or
    /// `invalid` (a JaaS AppID starts with [`JAAS_APP_PREFIX`]; ids are
    /// printable ASCII without spaces or `/`); `meeting_key_id`/`required`
    /// (key pair and JaaS) or `invalid`.
    pub fn check(&self, domain: &str) -> Result<MeetingAccess, Vec<FieldError>> {
        let mut out = self.clone();
        out.app_id = self.app_id.trim().to_string();
        out.key_id = self.key_id.trim().to_string();
        let mut errors = Vec::new();
        if self.auth == MeetingAuth::Open {
            out.app_id.clear();
            out.key_id.clear();
            return Ok(out);
        }
        if opens_in_browser(domain) {
            errors.push(FieldError::new("meeting_auth", "public_server").with("value", domain));
        }
        let jaas = self.auth == MeetingAuth::Jaas;
        if jaas && !meeting_host(domain).eq_ignore_ascii_case(JAAS_HOST) {
            errors.push(FieldError::new("meeting_domain", "jaas_host").with("value", JAAS_HOST));
        }
        let id_ok = |s: &str| s.chars().all(|c| c.is_ascii_graphic() && c != '/');
        if out.app_id.is_empty() {
            errors.push(FieldError::new("meeting_app_id", "required"));
        } else if !id_ok(&out.app_id) || (jaas && !out.app_id.starts_with(JAAS_APP_PREFIX)) {
            errors.push(FieldError::new("meeting_app_id", "invalid").with("value", &out.app_id));
        }
        let needs_key_id = matches!(self.auth, MeetingAuth::KeyPair | MeetingAuth::Jaas);
        if needs_key_id && out.key_id.is_empty() {
            errors.push(FieldError::new("meeting_key_id", "required"));
        } else if !id_ok(&out.key_id) {
            errors.push(FieldError::new("meeting_key_id", "invalid").with("value", &out.key_id));
        }
        if self.auth == MeetingAuth::SharedSecret {
            out.key_id.clear();
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Whether this server admits people only with a token.
    pub fn needs_token(&self) -> bool {
        self.auth != MeetingAuth::Open
    }

    /// A new room's path on this server: JaaS rooms live under the AppID
    /// (`<AppID>/<room>`), other servers' at the top.
    pub fn room_path(&self, room: &str) -> String {
        if self.auth == MeetingAuth::Jaas {
            format!("{}/{room}", self.app_id)
        } else {
            room.to_string()
        }
    }
}

/// Whether this desk can sign the meeting server's tokens: the server
/// `needed` a key, and this desk's keychain `kept` one for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingKeyStatus {
    /// The tenant's server takes tokens (not [`MeetingAuth::Open`]).
    pub needed: bool,
    /// This desk keeps the key for the server's current kind and ids.
    pub kept: bool,
}

/// The room a token names for a room path: the last segment (JaaS's
/// `<AppID>/<room>` → `<room>`).
pub fn room_claim(room_path: &str) -> &str {
    room_path.rsplit('/').next().unwrap_or(room_path)
}

/// Checks a meeting server: a host name (`meet.jit.si`), or an `http`/`https`
/// base URL (`https://video.example.it`, `http://127.0.0.1:8443` for a
/// local server), parsed with the `url` crate. Returns it trimmed, without
/// a trailing slash. Errors: `invalid` on `meeting_domain`.
pub fn check_meeting_domain(input: &str) -> Result<String, FieldError> {
    let d = input.trim().trim_end_matches('/');
    let bad = || FieldError::new("meeting_domain", "invalid").with("value", d);
    let with_scheme = if d.contains("://") {
        d.to_string()
    } else {
        // A bare host[:port].
        let (host, port) = d.split_once(':').unwrap_or((d, "0"));
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !host_ok || port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        format!("https://{d}")
    };
    let parsed = url::Url::parse(&with_scheme).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https")
        || parsed.host_str().is_none_or(str::is_empty)
        || parsed.path() != "/"
        || parsed.query().is_some()
        || d.is_empty()
        || d.contains(char::is_whitespace)
    {
        return Err(bad());
    }
    Ok(d.to_string())
}

/// The base URL of a meeting server: `meet.jit.si` → `https://meet.jit.si`;
/// a configured `http(s)://…` is kept.
pub fn meeting_base(domain: &str) -> String {
    if domain.contains("://") {
        domain.trim_end_matches('/').to_string()
    } else {
        format!("https://{}", domain.trim_end_matches('/'))
    }
}

/// The host (and port) Jitsi's IFrame API takes as its `domain`.
pub fn meeting_host(domain: &str) -> String {
    let base = meeting_base(domain);
    base.split_once("://")
        .map(|(_, h)| h.to_string())
        .unwrap_or(base)
}

/// Public Jitsi servers that end a meeting embedded in another app after
/// five minutes: meet.jit.si has run embedded (IFrame API) meetings in
/// "demo mode" since April 2023 and asks hosts to sign in
/// (jitsi.org/blog/authentication-on-meet-jit-si, and the IFrame API
/// guide's notice). Their meetings open in the system browser instead.
pub const BROWSER_ONLY_HOSTS: &[&str] = &["meet.jit.si", "www.meet.jit.si"];

/// Whether a meeting on server `domain` opens in the system browser
/// rather than in Banco's meeting window ([`BROWSER_ONLY_HOSTS`]).
pub fn opens_in_browser(domain: &str) -> bool {
    let host = meeting_host(domain).to_ascii_lowercase();
    BROWSER_ONLY_HOSTS.contains(&host.as_str())
}

/// The link to a meeting room: base URL + `/` + room.
pub fn meeting_url(domain: &str, room: &str) -> String {
    format!("{}/{room}", meeting_base(domain))
}

/// Makes a room name from 16 random bytes (128 bits from the OS generator,
/// supplied by the caller): `banco-` + 32 hex digits. 128 bits cannot be
/// guessed or enumerated.
pub fn room_name(random: [u8; 16]) -> String {
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("banco-{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meeting_domains() {
        assert_eq!(
            check_meeting_domain(" meet.jit.si/ ").unwrap(),
            "meet.jit.si"
        );
        assert_eq!(
            check_meeting_domain("http://127.0.0.1:8443").unwrap(),
            "http://127.0.0.1:8443"
        );
        for bad in [
            "",
            "ftp://x.it",
            "meet jit si",
            "https://x.it/path",
            "https://",
        ] {
            assert_eq!(
                check_meeting_domain(bad).unwrap_err().code,
                "invalid",
                "{bad}"
            );
        }
        assert_eq!(
            meeting_url("meet.jit.si", "banco-ab"),
            "https://meet.jit.si/banco-ab"
        );
        assert_eq!(meeting_host("http://127.0.0.1:8443"), "127.0.0.1:8443");
        assert_eq!(meeting_host("meet.jit.si"), "meet.jit.si");
        assert!(opens_in_browser("meet.jit.si"));
        assert!(opens_in_browser("https://Meet.Jit.Si/"));
        assert!(!opens_in_browser("video.example.it"));
        assert!(!opens_in_browser("http://127.0.0.1:8443"));
        assert!(!opens_in_browser("8x8.vc"));
    }

    #[test]
    fn meeting_access_is_checked_per_kind() {
        let access = |auth, app: &str, key: &str| MeetingAccess {
            auth,
            app_id: app.into(),
            key_id: key.into(),
            guests: GuestAccess::Token,
        };
        let fields = |r: Result<MeetingAccess, Vec<FieldError>>| -> Vec<String> {
            r.unwrap_err()
                .into_iter()
                .map(|e| format!("{}/{}", e.field, e.code))
                .collect()
        };
        // Open: ids dropped; any server.
        let open = access(MeetingAuth::Open, "x", "y")
            .check("meet.jit.si")
            .unwrap();
        assert_eq!((open.app_id.as_str(), open.key_id.as_str()), ("", ""));
        // A shared secret needs the app id; the key id is dropped.
        let hs = access(MeetingAuth::SharedSecret, " banco ", "k")
            .check("video.example.it")
            .unwrap();
        assert_eq!((hs.app_id.as_str(), hs.key_id.as_str()), ("banco", ""));
        assert_eq!(
            fields(access(MeetingAuth::SharedSecret, "", "").check("meet.jit.si")),
            ["meeting_auth/public_server", "meeting_app_id/required"]
        );
        assert_eq!(
            fields(access(MeetingAuth::KeyPair, "banco", "").check("video.example.it")),
            ["meeting_key_id/required"]
        );
        assert_eq!(
            fields(access(MeetingAuth::KeyPair, "a b", "k/1").check("video.example.it")),
            ["meeting_app_id/invalid", "meeting_key_id/invalid"]
        );
        // JaaS: its own host and an AppID of its own shape.
        let app = "vpaas-magic-cookie-1fc542a3e4414a44b2611668195e2bfe";
        let jaas = access(MeetingAuth::Jaas, app, "4f4910")
            .check("8x8.vc")
            .unwrap();
        assert_eq!(jaas.room_path("banco-ab"), format!("{app}/banco-ab"));
        assert_eq!(room_claim(&jaas.room_path("banco-ab")), "banco-ab");
        assert_eq!(
            fields(access(MeetingAuth::Jaas, "banco", "k").check("video.example.it")),
            ["meeting_domain/jaas_host", "meeting_app_id/invalid"]
        );
        assert_eq!(hs.room_path("banco-ab"), "banco-ab");
    }

    #[test]
    fn rooms_carry_128_bits() {
        let r = room_name([0xab; 16]);
        assert_eq!(r.len(), "banco-".len() + 32);
        assert!(r.starts_with("banco-abab"));
    }
}
