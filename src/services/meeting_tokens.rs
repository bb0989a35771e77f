//! Signed tokens for Jitsi meetings (issue 19): the JSON Web Tokens a
//! Jitsi server with token authentication admits participants with, made
//! with the `jsonwebtoken` crate.
//!
//! The claims are the ones Jitsi's prosody token module
//! (`mod_auth_token`, `token/util.lib.lua` in jitsi-meet) and JaaS check
//! (jitsi.github.io/handbook, "JWT token authentication"; JaaS's "JWT
//! generation" guide): `aud` `"jitsi"`; `iss` the server's app id (JaaS:
//! `"chat"`); `sub` the server's domain (JaaS: the tenant's AppID);
//! `room` the room (one room per token: a token opens no other);
//! `nbf`/`exp` in seconds since the Unix epoch (UTC); and
//! `context.user` with the participant's `id`, `name`, `email` and
//! `moderator` flag. Staff who start a meeting are moderators; the
//! customer's token is a guest's.
//!
//! [`super::meeting_keys`] keeps the key on the desk and makes the tokens
//! for joining and for the customer's link with [`sign`].

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::FieldError;
use crate::{Error, Result};

/// How long after a meeting's planned end its tokens still admit someone
/// (a meeting that runs late).
pub const TOKEN_GRACE: Duration = Duration::minutes(30);

/// How a meeting server checks who joins, with the keys Banco signs with.
#[derive(Clone)]
pub enum MeetingSigner {
    /// A self-hosted Jitsi with token authentication and a shared secret
    /// (prosody's `app_id` and `app_secret`): HS256.
    SharedSecret {
        /// The `app_id` of the server's token configuration (`iss`).
        app_id: String,
        /// The shared secret (`app_secret`), as bytes.
        secret: Vec<u8>,
    },
    /// A self-hosted Jitsi that checks RS256 tokens against public keys
    /// it fetches by key id (prosody's `asap_key_server`).
    KeyPair {
        /// The `app_id` of the server's token configuration (`iss`).
        app_id: String,
        /// The key's id (the header's `kid`).
        key_id: String,
        /// The private key, PEM (PKCS#1 or PKCS#8).
        private_pem: Vec<u8>,
    },
    /// JaaS (Jitsi as a Service, `8x8.vc`): RS256 with the tenant's key.
    Jaas {
        /// The AppID (`vpaas-magic-cookie-…`), the token's `sub`.
        app_id: String,
        /// The API key's id from the JaaS console (`kid` is
        /// `<app_id>/<key_id>`).
        key_id: String,
        /// The private key, PEM (PKCS#1 or PKCS#8).
        private_pem: Vec<u8>,
    },
}

/// Who a token admits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenUser {
    /// The user's id (Banco's user id; for a guest, the meeting's id).
    pub id: String,
    /// The name shown in the call.
    pub name: String,
    /// The e-mail (may be empty for a guest).
    #[serde(default)]
    pub email: String,
    /// Moderator (`"true"`/`"false"`: prosody reads the string; JaaS
    /// accepts it).
    pub moderator: String,
}

/// The `context` claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenContext {
    /// The participant.
    pub user: TokenUser,
}

/// A meeting token's claims (see the module docs); times in seconds
/// since the Unix epoch, UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingClaims {
    /// Always `"jitsi"`.
    pub aud: String,
    /// The app id (JaaS: `"chat"`).
    pub iss: String,
    /// The server's domain (JaaS: the AppID).
    pub sub: String,
    /// The one room the token opens.
    pub room: String,
    /// Not valid before (seconds, UTC).
    pub nbf: i64,
    /// Expires (seconds, UTC).
    pub exp: i64,
    /// The participant.
    pub context: TokenContext,
}

/// A participant to admit: a staff member (a moderator) or the customer.
#[derive(Debug, Clone)]
pub struct Participant {
    /// Their id (user id, or the meeting's id for the customer).
    pub id: Uuid,
    /// The name shown in the call.
    pub name: String,
    /// Their e-mail, if known.
    pub email: Option<String>,
    /// Joins as moderator (staff who start the meeting).
    pub moderator: bool,
}

/// A signed token admitting `who` to `room` on the server `domain` (host
/// name, e.g. `video.example.it`, or `8x8.vc` for JaaS) from `now` until
/// the meeting's planned end `ends_at` plus [`TOKEN_GRACE`] (UTC).
///
/// Errors: [`Error::Validation`] (`meeting_key`, `invalid`) when the key
/// is not a usable secret or RSA private key in PEM; the room must not be
/// empty (`meeting_room`, `required`).
pub fn sign(
    signer: &MeetingSigner,
    domain: &str,
    room: &str,
    who: &Participant,
    now: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<String> {
    if room.trim().is_empty() {
        return Err(Error::Validation(vec![FieldError::new(
            "meeting_room",
            "required",
        )]));
    }
    let bad_key = |e: jsonwebtoken::errors::Error| {
        Error::Validation(vec![
            FieldError::new("meeting_key", "invalid").with("reason", e.to_string())
        ])
    };
    let (iss, sub, header, key) = match signer {
        MeetingSigner::SharedSecret { app_id, secret } => {
            if secret.is_empty() {
                return Err(Error::Validation(vec![FieldError::new(
                    "meeting_key",
                    "required",
                )]));
            }
            (
                app_id.clone(),
                domain.to_string(),
                Header::new(Algorithm::HS256),
                EncodingKey::from_secret(secret),
            )
        }
        MeetingSigner::KeyPair {
            app_id,
            key_id,
            private_pem,
        } => {
            let mut header = Header::new(Algorithm::RS256);
            header.kid = Some(key_id.clone());
            (
                app_id.clone(),
                domain.to_string(),
                header,
                EncodingKey::from_rsa_pem(private_pem).map_err(bad_key)?,
            )
        }
        MeetingSigner::Jaas {
            app_id,
            key_id,
            private_pem,
        } => {
            let mut header = Header::new(Algorithm::RS256);
            header.kid = Some(format!("{app_id}/{key_id}"));
            (
                "chat".to_string(),
                app_id.clone(),
                header,
                EncodingKey::from_rsa_pem(private_pem).map_err(bad_key)?,
            )
        }
    };
    let claims = MeetingClaims {
        aud: "jitsi".into(),
        iss,
        sub,
        room: room.to_string(),
        // A little before now: the server's clock may be behind ours.
        nbf: (now - Duration::minutes(1)).timestamp(),
        exp: (ends_at.max(now) + TOKEN_GRACE).timestamp(),
        context: TokenContext {
            user: TokenUser {
                id: who.id.to_string(),
                name: who.name.clone(),
                email: who.email.clone().unwrap_or_default(),
                moderator: who.moderator.to_string(),
            },
        },
    };
    jsonwebtoken::encode(&header, &claims, &key).map_err(bad_key)
}

/// What a server checks a token with: its shared secret (HS256) or the
/// public key, PEM (RS256).
pub enum TokenCheck<'a> {
    /// HS256 with this secret.
    Secret(&'a [u8]),
    /// RS256 with this public key (PEM).
    PublicKey(&'a [u8]),
}

/// Checks a token as a Jitsi server's token module does: the signature,
/// `aud` `"jitsi"`, `nbf`/`exp` against `now` (no leeway), and that its
/// `room` is `room`. Returns the claims. Banco's own tests and the
/// end-to-end test's stand-in server use it.
///
/// Errors: [`Error::Validation`] on `meeting_token` with code `invalid`
/// (and the reason), `expired`, or `wrong_room`.
pub fn check(
    token: &str,
    with: TokenCheck<'_>,
    room: &str,
    now: DateTime<Utc>,
) -> Result<MeetingClaims> {
    let refused = |code: &str| Error::Validation(vec![FieldError::new("meeting_token", code)]);
    let invalid = |e: jsonwebtoken::errors::Error| {
        Error::Validation(vec![
            FieldError::new("meeting_token", "invalid").with("reason", e.to_string())
        ])
    };
    let (alg, key) = match with {
        TokenCheck::Secret(s) => (Algorithm::HS256, DecodingKey::from_secret(s)),
        TokenCheck::PublicKey(pem) => (
            Algorithm::RS256,
            DecodingKey::from_rsa_pem(pem).map_err(invalid)?,
        ),
    };
    let mut rules = Validation::new(alg);
    rules.set_audience(&["jitsi"]);
    // Times are checked below against `now`, not the system clock.
    rules.validate_exp = false;
    rules.validate_nbf = false;
    rules.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<MeetingClaims>(token, &key, &rules)
        .map_err(invalid)?
        .claims;
    let t = now.timestamp();
    if t >= claims.exp || t < claims.nbf {
        return Err(refused("expired"));
    }
    if claims.room != room {
        return Err(refused("wrong_room"));
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway RSA key pair made for tests only (never used anywhere
    /// else); the integration and end-to-end tests read the same files.
    const TEST_PRIVATE_PEM: &str =
        include_str!("../../tests/fixtures/meeting-test-key.private.txt");
    const TEST_PUBLIC_PEM: &str = include_str!("../../tests/fixtures/meeting-test-key.public.txt");

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 12, 4, h, m, 0).unwrap()
    }

    fn staff() -> Participant {
        Participant {
            id: Uuid::nil(),
            name: "Anna Rossi".into(),
            email: Some("anna@negozio.it".into()),
            moderator: true,
        }
    }

    fn code(e: Error) -> String {
        match e {
            Error::Validation(v) => v[0].code.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_shared_secret_token_admits_its_room_until_after_the_meeting() {
        let signer = MeetingSigner::SharedSecret {
            app_id: "banco".into(),
            secret: b"the server's secret".to_vec(),
        };
        // Signed for banco-ab, 10:00–10:30; checked by the server at 10:05.
        let token_for = |who: &Participant| {
            sign(
                &signer,
                "video.example.it",
                "banco-ab",
                who,
                at(10, 0),
                at(10, 30),
            )
            .unwrap()
        };
        let admitted = |token: &str| {
            check(
                token,
                TokenCheck::Secret(b"the server's secret"),
                "banco-ab",
                at(10, 5),
            )
            .unwrap()
        };
        let token = token_for(&staff());
        let claims = admitted(&token);
        assert_eq!(claims.aud, "jitsi");
        assert_eq!(
            (claims.iss.as_str(), claims.sub.as_str()),
            ("banco", "video.example.it")
        );
        assert_eq!(claims.context.user.name, "Anna Rossi");
        assert_eq!(claims.context.user.email, "anna@negozio.it");
        assert_eq!(claims.context.user.moderator, "true");
        assert_eq!(claims.exp, (at(10, 30) + TOKEN_GRACE).timestamp());
        // Another room, after the grace, another secret: refused.
        let refused = |secret: &[u8], room: &str, t: DateTime<Utc>| {
            code(check(&token, TokenCheck::Secret(secret), room, t).unwrap_err())
        };
        assert_eq!(
            refused(b"the server's secret", "banco-cd", at(10, 5)),
            "wrong_room"
        );
        assert_eq!(
            refused(b"the server's secret", "banco-ab", at(11, 0)),
            "expired"
        );
        assert_eq!(refused(b"another secret", "banco-ab", at(10, 5)), "invalid");
        // A guest is no moderator.
        let guest = Participant {
            moderator: false,
            email: None,
            ..staff()
        };
        let claims = admitted(&token_for(&guest));
        assert_eq!(claims.context.user.moderator, "false");
    }

    #[test]
    fn key_pair_and_jaas_tokens_are_rs256_with_their_key_ids() {
        for (signer, iss, sub, kid) in [
            (
                MeetingSigner::KeyPair {
                    app_id: "banco".into(),
                    key_id: "desk-1".into(),
                    private_pem: TEST_PRIVATE_PEM.as_bytes().to_vec(),
                },
                "banco",
                "video.example.it",
                "desk-1",
            ),
            (
                MeetingSigner::Jaas {
                    app_id: "vpaas-magic-cookie-0123".into(),
                    key_id: "abc".into(),
                    private_pem: TEST_PRIVATE_PEM.as_bytes().to_vec(),
                },
                "chat",
                "vpaas-magic-cookie-0123",
                "vpaas-magic-cookie-0123/abc",
            ),
        ] {
            let token = sign(
                &signer,
                "video.example.it",
                "banco-ab",
                &staff(),
                at(9, 0),
                at(9, 45),
            )
            .unwrap();
            let header = jsonwebtoken::decode_header(&token).unwrap();
            assert_eq!(header.alg, Algorithm::RS256);
            assert_eq!(header.kid.as_deref(), Some(kid));
            let pem = TEST_PUBLIC_PEM.as_bytes();
            let claims = check(&token, TokenCheck::PublicKey(pem), "banco-ab", at(9, 30)).unwrap();
            assert_eq!((claims.iss.as_str(), claims.sub.as_str()), (iss, sub));
            assert_eq!(
                code(check(&token, TokenCheck::PublicKey(pem), "banco-zz", at(9, 30)).unwrap_err()),
                "wrong_room"
            );
            assert_eq!(
                code(
                    check(&token, TokenCheck::PublicKey(pem), "banco-ab", at(10, 16)).unwrap_err()
                ),
                "expired"
            );
            // Checked with the shared-secret rule: refused.
            assert_eq!(
                code(check(&token, TokenCheck::Secret(b"x"), "banco-ab", at(9, 30)).unwrap_err()),
                "invalid"
            );
        }
    }

    #[test]
    fn a_bad_key_or_an_empty_room_is_a_field_error_not_a_panic() {
        let broken = MeetingSigner::Jaas {
            app_id: "vpaas-magic-cookie-0123".into(),
            key_id: "abc".into(),
            private_pem: b"-----BEGIN PRIVATE KEY-----\nnot a key\n".to_vec(),
        };
        let e = sign(&broken, "8x8.vc", "banco-ab", &staff(), at(9, 0), at(9, 30)).unwrap_err();
        assert_eq!(code(e), "invalid");
        let secret = MeetingSigner::SharedSecret {
            app_id: "banco".into(),
            secret: Vec::new(),
        };
        let e = sign(
            &secret,
            "video.example.it",
            "banco-ab",
            &staff(),
            at(9, 0),
            at(9, 30),
        );
        assert_eq!(code(e.unwrap_err()), "required");
        let ok = MeetingSigner::SharedSecret {
            app_id: "banco".into(),
            secret: b"s".to_vec(),
        };
        let e = sign(&ok, "video.example.it", " ", &staff(), at(9, 0), at(9, 30));
        assert_eq!(code(e.unwrap_err()), "required");
        assert_eq!(
            code(
                check(
                    "not.a.token",
                    TokenCheck::Secret(b"s"),
                    "banco-ab",
                    at(9, 0)
                )
                .unwrap_err()
            ),
            "invalid"
        );
    }
}
