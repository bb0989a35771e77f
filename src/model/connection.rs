//! Where a desk's data lives: this shop's embedded database, or a chain
//! server described by [`ServerSettings`] (host, port, database, TLS mode,
//! an optional CA file, the login). A password is never part of these
//! shapes: it goes to the OS keychain (`store::keychain`).

use serde::{Deserialize, Serialize};

use super::string_enum::string_enum;
use super::{normalize_login, FieldError};

string_enum! {
    /// How a desk checks the chain server's TLS, libpq's `sslmode`
    /// (PostgreSQL 15 docs, §34.19.1). `verify_full` (the certificate
    /// signed by a trusted root or the CA file, and naming the host) is
    /// the one a chain server reached over a network should use; the
    /// others exist for servers on this machine or a trusted network.
    TlsMode {
        /// Checks the certificate and that it names the host.
        VerifyFull = "verify_full",
        /// Checks the certificate, not the name.
        VerifyCa = "verify_ca",
        /// Encrypts without checking the certificate.
        Require = "require",
        /// Encrypts if the server offers it, checks nothing.
        Prefer = "prefer",
        /// No TLS.
        Disable = "disable",
    }
}

impl TlsMode {
    /// libpq's spelling of the mode (`verify-full`, …), for the URL's `sslmode`.
    pub fn libpq(self) -> &'static str {
        match self {
            TlsMode::VerifyFull => "verify-full",
            TlsMode::VerifyCa => "verify-ca",
            TlsMode::Require => "require",
            TlsMode::Prefer => "prefer",
            TlsMode::Disable => "disable",
        }
    }
}

/// A chain server as the connection set-up screen describes it. On JSON
/// `{"host":"db.catena.it","port":5432,"database":"banco","tls":"verify_full",
/// "ca_file":null,"login":"giulia"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSettings {
    /// Host name or IP address (no scheme, no port).
    pub host: String,
    /// TCP port, 1–65535 (Postgres: 5432).
    pub port: u16,
    /// Database name.
    pub database: String,
    /// How the server's certificate is checked.
    pub tls: TlsMode,
    /// A PEM file of the certificate authority that signed the server's
    /// certificate (`sslrootcert`), when it is not one the system trusts.
    /// In the window it comes only from the native file dialog.
    #[serde(default)]
    pub ca_file: Option<String>,
    /// The server login of the person setting the desk up.
    pub login: String,
}

/// The longest host name DNS allows (RFC 1035 §2.3.4).
const MAX_HOST: usize = 253;
/// A Postgres database name is at most 63 bytes (NAMEDATALEN − 1).
const MAX_IDENTIFIER: usize = 63;

impl ServerSettings {
    /// The settings with surrounding spaces removed from the text fields.
    pub fn trimmed(mut self) -> Self {
        self.host = self.host.trim().to_string();
        self.database = self.database.trim().to_string();
        self.login = self.login.trim().to_string();
        self.ca_file = self.ca_file.filter(|p| !p.trim().is_empty());
        self
    }

    /// Every broken rule, by field (`host`, `port`, `database`, `login`,
    /// `ca_file`): `required`; `too_long` (`max`); a login as
    /// [`normalize_login`] (`invalid_login`); `invalid_host` (spaces,
    /// a scheme, a port, a path); `out_of_range` for port 0;
    /// `ca_without_verify` for a CA file with a TLS mode that checks no
    /// certificate.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let host = self.host.trim();
        if host.is_empty() {
            errors.push(FieldError::new("host", "required"));
        } else if host.len() > MAX_HOST {
            errors.push(FieldError::new("host", "too_long").with("max", MAX_HOST.to_string()));
        } else if host.contains(|c: char| c.is_whitespace() || "/?#@".contains(c))
            || (host.contains(':')
                && !host.starts_with('[')
                && host.parse::<std::net::Ipv6Addr>().is_err())
        {
            errors.push(FieldError::new("host", "invalid_host").with("value", host));
        }
        if self.port == 0 {
            errors.push(
                FieldError::new("port", "out_of_range")
                    .with("min", "1")
                    .with("max", "65535"),
            );
        }
        let database = self.database.trim();
        if database.is_empty() {
            errors.push(FieldError::new("database", "required"));
        } else if database.len() > MAX_IDENTIFIER {
            errors.push(
                FieldError::new("database", "too_long").with("max", MAX_IDENTIFIER.to_string()),
            );
        }
        if let Err(e) = normalize_login(&self.login) {
            errors.push(e);
        }
        if self.ca_file.is_some()
            && matches!(
                self.tls,
                TlsMode::Disable | TlsMode::Prefer | TlsMode::Require
            )
        {
            errors.push(
                FieldError::new("ca_file", "ca_without_verify").with("value", self.tls.libpq()),
            );
        }
        errors
    }

    /// The `postgres://` URL of these settings, without a password:
    /// `postgres://LOGIN@HOST:PORT/DATABASE?sslmode=…[&sslrootcert=…]`,
    /// every part percent-encoded (an IPv6 host in brackets).
    pub fn url(&self) -> String {
        let host = if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let enc = |s: &str| percent_encode(s);
        let mut url = format!(
            "postgres://{}@{}:{}/{}?sslmode={}",
            enc(&self.login),
            host,
            self.port,
            enc(&self.database),
            self.tls.libpq()
        );
        if let Some(ca) = &self.ca_file {
            url.push_str("&sslrootcert=");
            url.push_str(&enc(ca));
        }
        url
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What a desk connects to, as kept in its data folder
/// (`connection.json`): on JSON `{"kind":"shop"}` or
/// `{"kind":"server","server":{…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeskConnection {
    /// This shop's embedded database, in the data folder.
    Shop,
    /// A chain server.
    Server {
        /// Where it is and who connects.
        server: ServerSettings,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ServerSettings {
        ServerSettings {
            host: "db.catena.it".into(),
            port: 5432,
            database: "banco".into(),
            tls: TlsMode::VerifyFull,
            ca_file: None,
            login: "giulia".into(),
        }
    }

    #[test]
    fn the_url_names_the_server_its_tls_and_no_password() {
        assert_eq!(
            settings().url(),
            "postgres://giulia@db.catena.it:5432/banco?sslmode=verify-full"
        );
        let odd = ServerSettings {
            host: "::1".into(),
            database: "banco negozi".into(),
            login: "nicolò.sede".into(),
            tls: TlsMode::VerifyCa,
            ca_file: Some("C:\\Certificati\\catena ca.pem".into()),
            ..settings()
        };
        let url = odd.url();
        assert_eq!(
            url,
            "postgres://nicol%C3%B2.sede@[::1]:5432/banco%20negozi?sslmode=verify-ca&sslrootcert=C%3A%5CCertificati%5Ccatena%20ca.pem"
        );
        let parsed = url::Url::parse(&url).unwrap();
        assert_eq!(parsed.host_str(), Some("[::1]"));
        assert_eq!(parsed.password(), None);
        let pairs: Vec<_> = parsed
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            pairs[1],
            (
                "sslrootcert".into(),
                "C:\\Certificati\\catena ca.pem".into()
            )
        );
    }

    #[test]
    fn each_broken_field_is_named() {
        assert!(settings().problems().is_empty());
        let bad = ServerSettings {
            host: "postgres://db:5432".into(),
            port: 0,
            database: " ".into(),
            login: "Giulia Rossi".into(),
            tls: TlsMode::Require,
            ca_file: Some("/ca.pem".into()),
        };
        let codes: Vec<_> = bad
            .problems()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            [
                ("host".into(), "invalid_host".into()),
                ("port".into(), "out_of_range".into()),
                ("database".into(), "required".into()),
                ("login".into(), "invalid_login".into()),
                ("ca_file".into(), "ca_without_verify".into()),
            ]
        );
        for host in ["10.0.0.7", "fe80::1", "[fe80::1]", "negozio-03.lan"] {
            let s = ServerSettings {
                host: host.into(),
                ..settings()
            };
            assert!(s.problems().is_empty(), "{host}");
        }
        assert_eq!(
            ServerSettings {
                host: "db 1".into(),
                ..settings()
            }
            .problems()[0]
                .code,
            "invalid_host"
        );
    }

    #[test]
    fn the_saved_shape_round_trips_and_holds_no_password() {
        let saved = DeskConnection::Server { server: settings() };
        let json = serde_json::to_string(&saved).unwrap();
        assert!(json.starts_with(r#"{"kind":"server""#), "{json}");
        assert!(!json.contains("password"));
        assert_eq!(
            serde_json::from_str::<DeskConnection>(&json).unwrap(),
            saved
        );
        assert_eq!(
            serde_json::from_str::<DeskConnection>(r#"{"kind":"shop"}"#).unwrap(),
            DeskConnection::Shop
        );
    }
}
