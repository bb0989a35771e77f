//! "Save diagnostics…" (issue 14): one zip a store can send to whoever
//! supports its desks — what this desk is (version, OS, database kind, its
//! folders), the tenant's settings, the shop's backups, and the log files —
//! with no personal data and no secret in it.
//!
//! Banco's own log events carry ids, never names or contact data
//! (ARCHITECTURE, invariant 22); what a database or a library writes into
//! an error (Postgres names the duplicate key's values, a URL may carry a
//! password) is removed by [`scrub`] from every line before it is written.
//! The do-not-call list, people, leads and notes are never read.
//!
//! The zip (`banco-diagnostics-YYYYMMDD-HHMMSS.zip` by default) holds
//! `README.txt`, `desk.json`, `settings.json` (when someone is signed in),
//! `backups.json` (the shop's file) and `logs/banco.YYYY-MM-DD.log`. It is
//! written beside its final name and renamed when complete, so a failure
//! leaves no half file.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::json;

use super::{backup, contact_policy, io_at, now, staff, updates, Ctx};
use crate::model::DiagnosticsSaved;
use crate::store::Db;
use crate::{Error, Result};

/// At most this many bytes of log (the newest) go into the zip: 16 MiB.
pub const MAX_LOG_BYTES: u64 = 16 * 1024 * 1024;

/// What the desk knows about itself (the shell fills it in).
#[derive(Debug, Clone, Default)]
pub struct DeskFacts {
    /// The running version (semver).
    pub version: String,
    /// How this copy was installed (`deb`, `msi`, …), `None` from source.
    pub installed_as: Option<String>,
    /// Where the database is, as shown on About (no password).
    pub location: String,
    /// The data folder.
    pub data_dir: PathBuf,
    /// The folder of the log files.
    pub log_dir: PathBuf,
    /// Why the database could not be opened at start, if it could not.
    pub start_up_failure: Option<String>,
}

/// One pattern for everything [`scrub`] removes; each alternative is a
/// named group, tried left to right at each place in the text.
static SECRETS: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives = [
        // Kept as they are: ids and times look like numbers.
        r"(?P<uuid>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)",
        r"(?P<time>\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)",
        // user:password@ (or user@) after a URL's scheme.
        r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@",
        // password=…, "token": "…", secret: …
        r#"(?P<key>(?i:password|passwd|pwd|secret|token|jwt|api_?key|authorization)["']?\s*[=:]\s*["']?)(?:Bearer\s+)?[^\s"',&;]+"#,
        // A JSON Web Token anywhere.
        r"(?P<jwt>\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)",
        r"(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
        // Codice fiscale, omocodia letters included (DM 12/3/1974, n. 1974).
        r"(?P<cf>\b(?i:[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z])\b)",
        // IBAN (ISO 13616): country, check digits, 11–30 characters.
        r"(?P<iban>\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b)",
        // A phone number: 7 or more digits, spaces, dots, dashes, slashes
        // or %20 between them, an optional +.
        r"(?P<phone>\+?\d(?:(?:[ ./-]|%20)?\d){6,})",
    ];
    Regex::new(&alternatives.join("|")).expect("the scrub pattern compiles")
});

/// `text` with e-mail addresses, phone numbers, codici fiscali, IBANs,
/// tokens, passwords and a URL's user and password replaced by a
/// placeholder (`<e-mail>`, `<number>`, `<codice fiscale>`, `<iban>`,
/// `<token>`, `***`), and the user's home folder by `~`. Ids (UUIDs) and
/// times stay.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let home = dirs::home_dir()
        .map(|h| h.display().to_string())
        .filter(|h| h.len() > 1);
    let text = match home {
        Some(h) if text.contains(&h) => Cow::Owned(text.replace(&h, "~")),
        _ => Cow::Borrowed(text),
    };
    if !SECRETS.is_match(&text) {
        return text;
    }
    let replaced = SECRETS.replace_all(&text, |c: &Captures| {
        let group = |name| c.name(name).is_some();
        if group("uuid") || group("time") {
            c[0].to_string()
        } else if let Some(s) = c.name("scheme") {
            format!("{}***@", s.as_str())
        } else if let Some(k) = c.name("key") {
            format!("{}***", k.as_str())
        } else if group("jwt") {
            "<token>".into()
        } else if group("email") {
            "<e-mail>".into()
        } else if group("cf") {
            "<codice fiscale>".into()
        } else if group("iban") {
            "<iban>".into()
        } else {
            "<number>".into()
        }
    });
    Cow::Owned(replaced.into_owned())
}

/// The default file name for a zip saved now.
pub fn default_file_name() -> String {
    format!("banco-diagnostics-{}.zip", now().format("%Y%m%d-%H%M%S"))
}

fn zip_error(path: &Path) -> impl Fn(zip::result::ZipError) -> Error + '_ {
    move |e| Error::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e),
    }
}

/// The operating system's name and version, when it says
/// (`/etc/os-release` on Linux).
fn os_version() -> Option<String> {
    let text = std::fs::read_to_string("/etc/os-release").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_string())
}

/// The log files of `dir`, oldest first, and how much of each to take
/// (the newest [`MAX_LOG_BYTES`] in all).
fn log_files(dir: &Path) -> Vec<(PathBuf, u64)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(PathBuf, u64)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.starts_with("banco") && name.ends_with(".log")
        })
        .filter_map(|e| Some((e.path(), e.metadata().ok()?.len())))
        .collect();
    files.sort();
    let mut budget = MAX_LOG_BYTES;
    let mut taken = Vec::new();
    for (path, len) in files.into_iter().rev() {
        if budget == 0 {
            break;
        }
        let take = len.min(budget);
        budget -= take;
        taken.push((path, take));
    }
    taken.reverse();
    taken
}

/// The last `bytes` of the file at `path`, from the start of a line.
fn tail(path: &Path, bytes: u64) -> Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).map_err(io_at(path))?;
    let len = f.metadata().map_err(io_at(path))?.len();
    f.seek(SeekFrom::Start(len.saturating_sub(bytes)))
        .map_err(io_at(path))?;
    let mut raw = Vec::new();
    f.read_to_end(&mut raw).map_err(io_at(path))?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    Ok(if bytes < len {
        text.split_once('\n')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default()
    } else {
        text
    })
}

/// The tenant's settings for the zip, nothing personal: the contact
/// rules (the do-not-call list only counted), the meeting server and how
/// it admits people (never a key), the update endpoint, the idle lock,
/// and how many stores and users of each role.
async fn settings(db: &Db, ctx: &Ctx) -> Result<serde_json::Value> {
    let mut contact = contact_policy::settings(db, ctx).await?;
    let do_not_call = contact.do_not_call.len();
    contact.do_not_call.clear();
    let users = staff::list_users(db, ctx).await?;
    let mut roles = std::collections::BTreeMap::<String, usize>::new();
    for u in &users {
        *roles.entry(u.role.as_str().to_string()).or_default() += 1;
    }
    let stores = staff::list_stores(db, ctx).await?.len();
    let update = updates::update_server(db, ctx).await?;
    Ok(json!({
        "backend": db.backend().as_str(),
        "default_region": ctx.tenant.default_region,
        "currency": ctx.tenant.currency,
        "consent_text_version": ctx.tenant.consent_text_version,
        "idle_lock_minutes": ctx.tenant.idle_lock_minutes,
        "signed_in_role": ctx.user.role.as_str(),
        "stores": stores,
        "users_by_role": roles,
        "contact_settings": contact,
        "do_not_call_entries": do_not_call,
        "update_endpoint": update.endpoint.as_deref().map(|u| scrub(u).into_owned()),
    }))
}

/// Saves the diagnostics zip at `out`: `signed_in` (the desk's database
/// and who is signed in) adds the tenant's settings and, on the shop's
/// file, its backups; without it (nobody signed in, or the database would
/// not open) the desk's facts and the logs alone. Any user may save it:
/// it holds nothing personal.
///
/// Errors: [`Error::Io`] when the zip cannot be written (nothing is left
/// at `out`); those of the settings' reads.
pub async fn save(
    signed_in: Option<(&Db, &Ctx)>,
    facts: &DeskFacts,
    out: &Path,
) -> Result<DiagnosticsSaved> {
    let shown = |p: &Path| scrub(&p.display().to_string()).into_owned();
    let desk = json!({
        "banco_version": facts.version,
        "installed_as": facts.installed_as,
        "os": std::env::consts::OS,
        "os_family": std::env::consts::FAMILY,
        "os_version": os_version(),
        "arch": std::env::consts::ARCH,
        "database": scrub(&facts.location),
        "data_dir": shown(&facts.data_dir),
        "log_dir": shown(&facts.log_dir),
        "start_up_failure": facts.start_up_failure.as_deref().map(scrub),
        "saved_at": now(),
    });
    let mut entries: Vec<(String, Vec<u8>)> = vec![(
        "desk.json".into(),
        serde_json::to_vec_pretty(&desk).unwrap_or_default(),
    )];
    if let Some((db, ctx)) = signed_in {
        let s = settings(db, ctx).await?;
        entries.push((
            "settings.json".into(),
            serde_json::to_vec_pretty(&s).unwrap_or_default(),
        ));
        if db.backend() == crate::store::Backend::Sqlite {
            let list = backup::list(&facts.data_dir.join(backup::BACKUP_DIR)).await?;
            entries.push((
                "backups.json".into(),
                serde_json::to_vec_pretty(&list).unwrap_or_default(),
            ));
        }
    }
    for (path, bytes) in log_files(&facts.log_dir) {
        let text = tail(&path, bytes)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        entries.push((
            format!("logs/{name}"),
            scrub(&text).into_owned().into_bytes(),
        ));
    }
    let readme = format!(
        "Banco {} — diagnostics saved {} (UTC).\n\n\
         desk.json: this desk (version, operating system, database kind and folders).\n\
         settings.json: the tenant's settings and how many stores and users (no names).\n\
         backups.json: the shop's backups and their check.\n\
         logs/: the log files, with e-mail addresses, phone numbers, codici fiscali,\n\
         IBANs, tokens and passwords replaced by placeholders.\n\
         No person, lead, deal or note is in this file.\n",
        facts.version,
        now().format("%Y-%m-%d %H:%M:%S")
    );
    entries.insert(0, ("README.txt".into(), readme.into_bytes()));
    let part = out.with_extension("zip.part");
    let written = (|| -> Result<()> {
        let file = std::fs::File::create(&part).map_err(io_at(&part))?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in &entries {
            zip.start_file(name.as_str(), options)
                .map_err(zip_error(&part))?;
            zip.write_all(bytes).map_err(io_at(&part))?;
        }
        zip.finish().map_err(zip_error(&part))?;
        std::fs::rename(&part, out).map_err(io_at(out))
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&part);
        return Err(e);
    }
    tracing::info!(files = entries.len(), "diagnostics saved");
    Ok(DiagnosticsSaved {
        path: out.display().to_string(),
        files: entries.into_iter().map(|(n, _)| n).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn personal_data_and_secrets_are_scrubbed() {
        let cases = [
            (
                "Key (tenant_id, phone)=(0193a6b2-7c1d-7e2f-8a3b-4c5d6e7f8091, +393471234567) already exists",
                "Key (tenant_id, phone)=(0193a6b2-7c1d-7e2f-8a3b-4c5d6e7f8091, <number>) already exists",
            ),
            ("call 347 123 4567 or 06/1234567", "call <number> or <number>"),
            ("tel:+39%20347%20555%200101", "tel:<number>"),
            ("mail marta.ferri+crm@example.co.uk", "mail <e-mail>"),
            ("cf RSSMRA85T10A562S ok", "cf <codice fiscale> ok"),
            ("cf rssmra85t10a56ls ok", "cf <codice fiscale> ok"),
            ("iban IT60X0542811101000000123456 end", "iban <iban> end"),
            (
                "postgres://anna:p4ss@db.example.it:5432/banco",
                "postgres://***@db.example.it:5432/banco",
            ),
            ("https://u@h/x?password=s3cret&x=1", "https://***@h/x?password=***&x=1"),
            (r#"{"token": "abc.def"}"#, r#"{"token": "***"}"#),
            ("Authorization: Bearer abcdef", "Authorization: ***"),
            ("jwt eyJhbGciOi.eyJzdWIi.sig-_1", "jwt <token>"),
        ];
        for (raw, want) in cases {
            assert_eq!(scrub(raw), want, "{raw}");
        }
    }

    #[test]
    fn ids_times_and_figures_stay() {
        let line = "2026-12-05T03:05:57.123456Z  INFO banco: outbox sent lead_id=0193a6b2-7c1d-7e2f-8a3b-4c5d6e7f8091 bytes=152345 version=0.1.1 pid=41234";
        assert_eq!(scrub(line), line);
    }
}
