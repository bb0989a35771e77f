//! Where meetings happen: the configured meeting server (a Jitsi host
//! name or base URL) checked and turned into the base URL, the IFrame
//! API's domain and the link to a room; and the rooms' random names.

use super::FieldError;

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
    fn rooms_carry_128_bits() {
        let r = room_name([0xab; 16]);
        assert_eq!(r.len(), "banco-".len() + 32);
        assert!(r.starts_with("banco-abab"));
    }
}
