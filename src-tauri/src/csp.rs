//! One content security policy per page (issue 12, item 7).
//!
//! `tauri.conf.json` holds the strict policy every page of Banco gets:
//! scripts only from Banco's own files, no frames. Only the meeting page
//! (`meeting/meeting.html`) needs more: Jitsi's `external_api.js` and its
//! frame come from the tenant's meeting server. That page's response has
//! the server's origin added to `script-src` and `frame-src`, and only
//! for origins the shell itself opened a meeting window on during this
//! run ([`MeetingOrigins::allow`], called by `open_meeting_window` with
//! the server the core resolved), never one named by a page or a query
//! string.
//!
//! Every webview is built with the same [`handler`]: WebKitGTK serves the
//! windows of one web context through the handler of the first webview
//! that registered Banco's scheme (the main window), while WebView2 and
//! WKWebView call each window's own; keyed on the page's path, the answer
//! is the same either way.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use tauri::http::{header::CONTENT_SECURITY_POLICY, HeaderValue, Request, Response};

/// A response of Banco's scheme, as Tauri hands it to the handler.
pub type WebResponse = Response<Cow<'static, [u8]>>;

/// The path of the meeting page among the UI's files.
pub const MEETING_PAGE: &str = "/meeting/meeting.html";

/// The meeting servers' origins (`scheme://host[:port]`) the shell opened
/// a meeting window on during this run. Shared by every webview's
/// [`handler`].
#[derive(Debug, Default)]
pub struct MeetingOrigins(RwLock<BTreeSet<String>>);

impl MeetingOrigins {
    /// Allows the origin of `base_url` (a meeting server's address, e.g.
    /// `https://meet.example.it` or `https://8x8.vc/vpaas-magic-cookie-…`)
    /// on the meeting page. Returns the origin, or `None` when the address
    /// is not an `http`/`https` URL with a host (then nothing is allowed
    /// and the page cannot load Jitsi).
    pub fn allow(&self, base_url: &str) -> Option<String> {
        let origin = origin_of(base_url)?;
        if let Ok(mut set) = self.0.write() {
            set.insert(origin.clone());
        }
        Some(origin)
    }

    fn snapshot(&self) -> BTreeSet<String> {
        self.0.read().map(|s| s.clone()).unwrap_or_default()
    }
}

/// `scheme://host[:port]` of an `http` or `https` URL, `None` otherwise.
pub fn origin_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// The policy for the page at `path`, given the configured one (`base`,
/// with the hashes Tauri added) and the allowed meeting origins: `base`
/// itself for every page but the meeting page, which gets the origins
/// appended to `script-src` and as its `frame-src` (replacing `'none'`).
/// A directive the base lacks starts from `default-src`, as the browser
/// would have read it.
pub fn policy_for(path: &str, base: &str, origins: &BTreeSet<String>) -> String {
    if path != MEETING_PAGE || origins.is_empty() {
        return base.to_string();
    }
    let extra: Vec<&str> = origins.iter().map(String::as_str).collect();
    let mut directives: Vec<(String, Vec<String>)> = base
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_string).collect()))
        })
        .collect();
    let default_src: Vec<String> = directives
        .iter()
        .find(|(n, _)| n == "default-src")
        .map(|(_, s)| s.clone())
        .unwrap_or_default();
    for name in ["script-src", "frame-src"] {
        if !directives.iter().any(|(n, _)| n == name) {
            directives.push((name.to_string(), default_src.clone()));
        }
        if let Some((_, sources)) = directives.iter_mut().find(|(n, _)| n == name) {
            sources.retain(|s| s != "'none'");
            sources.extend(extra.iter().map(|s| s.to_string()));
        }
    }
    directives
        .into_iter()
        .map(|(name, sources)| {
            if sources.is_empty() {
                name
            } else {
                format!("{name} {}", sources.join(" "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The web resource handler every Banco webview is built with: rewrites
/// the `Content-Security-Policy` of the meeting page (see
/// [`policy_for`]); every other response is left as Tauri made it.
pub fn handler(
    origins: Arc<MeetingOrigins>,
) -> impl Fn(Request<Vec<u8>>, &mut WebResponse) + Send + Sync + 'static {
    move |request, response| {
        if request.uri().path() != MEETING_PAGE {
            return;
        }
        let Some(base) = response
            .headers()
            .get(CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
        else {
            return;
        };
        let policy = policy_for(MEETING_PAGE, base, &origins.snapshot());
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response
                .headers_mut()
                .insert(CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "default-src 'self' ipc: http://ipc.localhost; \
                        script-src 'self' 'wasm-unsafe-eval' 'sha256-abc'; frame-src 'none'";

    #[test]
    fn only_the_meeting_page_gets_the_meeting_server() {
        let origins = MeetingOrigins::default();
        assert_eq!(
            origins.allow("https://8x8.vc/vpaas-magic-cookie-1/"),
            Some("https://8x8.vc".to_string())
        );
        let set = origins.snapshot();
        assert_eq!(policy_for("/index.html", BASE, &set), BASE);
        assert_eq!(
            policy_for(MEETING_PAGE, BASE, &set),
            "default-src 'self' ipc: http://ipc.localhost; \
             script-src 'self' 'wasm-unsafe-eval' 'sha256-abc' https://8x8.vc; \
             frame-src https://8x8.vc"
        );
    }

    #[test]
    fn no_server_opened_leaves_the_meeting_page_strict() {
        let set = MeetingOrigins::default().snapshot();
        assert_eq!(policy_for(MEETING_PAGE, BASE, &set), BASE);
    }

    #[test]
    fn a_missing_directive_is_added_and_ports_are_kept() {
        let origins = MeetingOrigins::default();
        origins.allow("http://127.0.0.1:41234/");
        assert_eq!(
            policy_for(MEETING_PAGE, "default-src 'self'", &origins.snapshot()),
            "default-src 'self'; script-src 'self' http://127.0.0.1:41234; \
             frame-src 'self' http://127.0.0.1:41234"
        );
    }

    #[test]
    fn only_web_addresses_are_origins() {
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("file:///etc/passwd"), None);
        assert_eq!(origin_of("data:text/html,x"), None);
        assert_eq!(origin_of("meet.example.it"), None);
        assert_eq!(
            origin_of("https://Meet.Example.IT:8443/path?q#f"),
            Some("https://meet.example.it:8443".to_string())
        );
    }
}
