//! The person's requests under the GDPR (issue 15): the access export
//! (art. 15), made by a store manager or an admin, and the erasure
//! (art. 17), made by an admin, and the retention rule that erases
//! people whose leads were never converted after months untouched; each
//! written to the audit trail (who, when, whose data: the person's id and
//! counts, never their data).

use std::path::Path;

use chrono::Utc;
use uuid::Uuid;

use super::audit::record_in;
use super::backup::BACKUP_DIR;
use super::{
    calls, companies, contact_policy, contracts, deals, leads, meetings, notes, tasks, tickets, Ctx,
};
use crate::model::{
    identity_needles, redact_identity, ContractFilter, EntityType, Erasure, ErasureCounts, Person,
    PersonDataExport, RetentionPreview, RetentionRun, TaskQuery, TicketQuery, ERASED_FIRST_NAME,
    MAX_RETENTION_MONTHS, PERSON_DATA_FORMAT,
};
use crate::store::outbox::Outbox;
use crate::store::{Conn, Db, SQLITE_FILE};
use crate::{with_conn, with_tx, Result};

/// The files of the documents an access export lists, to hand over with
/// it: `(file name, bytes)`, each name the document's own made safe for
/// any file system (no folder, none of `<>:"/\|?*`) and numbered so that
/// two documents of the same name stay two files (`1-contratto.pdf`).
/// Each file's content is checked against its hash
/// ([`notes::read`]).
///
/// Errors: [`crate::Error::NotFound`] or [`crate::Error::Integrity`] for a
/// document whose bytes are missing or changed.
pub async fn export_documents(
    db: &Db,
    ctx: &Ctx,
    export: &PersonDataExport,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::with_capacity(export.documents.len());
    for (i, d) in export.documents.iter().enumerate() {
        let (_, bytes) = notes::read(db, ctx, d.id).await?;
        let base = d
            .file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("documento");
        let safe: String = base
            .chars()
            .map(|c| {
                if "<>:\"|?*".contains(c) || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        out.push((format!("{}-{}", i + 1, safe.trim_start_matches('.')), bytes));
    }
    Ok(out)
}

/// Most timeline entries an export carries (newest first).
const MAX_TIMELINE: u32 = 10_000;

/// Everything Banco holds about person `id` that the acting user may see
/// ([`PersonDataExport`], GDPR art. 15), gathered record by record, and
/// the request written to the audit trail (`gdpr_access`, subject
/// `person:<id>`) before it is handed out. Store managers and admins.
///
/// Errors: [`crate::Error::Forbidden`] (`gdpr_requests`) for staff;
/// [`crate::Error::NotFound`] for an unknown person.
pub async fn access_export(db: &Db, ctx: &Ctx, id: Uuid) -> Result<PersonDataExport> {
    ctx.require_manager("gdpr_requests")?;
    let card = companies::person_card(db, ctx, id).await?;
    let mut leads_full = Vec::new();
    for l in &card.leads {
        leads_full.push(leads::detail(db, ctx, l.id).await?);
    }
    let mut deals_full = Vec::new();
    for d in &card.deals {
        deals_full.push(deals::detail(db, ctx, d.card.id).await?);
    }
    let contracts = contracts::list(
        db,
        ctx,
        &ContractFilter {
            person_id: Some(id),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?
    .items;
    // Tickets and tasks on the person, their leads and their deals.
    let mut records = vec![id];
    records.extend(card.leads.iter().map(|l| l.id));
    records.extend(card.deals.iter().map(|d| d.card.id));
    let (mut ticket_list, mut task_list) = (Vec::new(), Vec::new());
    for record in &records {
        let q = TicketQuery {
            include_closed: true,
            entity_id: Some(*record),
            limit: Some(500),
            ..Default::default()
        };
        ticket_list.extend(tickets::list(db, ctx, &q).await?.items);
        let q = TaskQuery {
            include_done: true,
            entity_id: Some(*record),
            limit: Some(500),
            ..Default::default()
        };
        task_list.extend(
            tasks::list(db, ctx, &q)
                .await?
                .items
                .into_iter()
                .map(|i| i.task),
        );
    }
    let export = PersonDataExport {
        format: PERSON_DATA_FORMAT.into(),
        generated_at: Utc::now(),
        controller: ctx.tenant.name.clone(),
        consents: card.consents,
        contact_preferences: contact_policy::preferences(db, ctx, id).await?,
        companies: card.companies,
        leads: leads_full,
        deals: deals_full,
        contracts,
        interactions: calls::interactions(db, ctx, EntityType::Person, id).await?,
        meetings: meetings::of_record(db, ctx, EntityType::Person, id).await?,
        notes: card.notes,
        documents: card.documents,
        tickets: ticket_list,
        tasks: task_list,
        timeline: notes::timeline(db, ctx, EntityType::Person, id, 0, MAX_TIMELINE)
            .await?
            .items,
        segment: with_conn!(db, |c| c.segment_of(ctx.tenant_id(), id).await)?,
        person: card.person,
    };
    let detail = serde_json::json!({
        "leads": export.leads.len(),
        "deals": export.deals.len(),
        "contracts": export.contracts.len(),
        "interactions": export.interactions.len(),
        "timeline": export.timeline.len(),
    })
    .to_string();
    let (tenant, user, at) = (ctx.tenant_id(), ctx.user.id, Utc::now());
    let subject = format!("person:{id}");
    with_conn!(db, |c| record_in(
        c,
        tenant,
        user,
        at,
        "gdpr_access",
        &subject,
        detail
    )
    .await)?;
    Ok(export)
}

/// Erases person `id`'s data (GDPR art. 17, "right to erasure"). Admins
/// only: the erasure reaches every store's records of the person.
///
/// In one transaction:
/// - the person's row is kept, anonymised ([`ERASED_FIRST_NAME`] and a
///   short reference, no phone, e-mail, address, codice fiscale or custom
///   values, `erased_at` set), so their leads, deals and contracts still
///   count in every KPI with their stages, values and dates;
/// - the notes (with every revision and mention), documents and free
///   texts on the person, their leads and deals are deleted; calls keep
///   their channel, outcome and duration without number or note; titles
///   of deals, tickets, tasks and meetings lose the person's names,
///   numbers and e-mails ([`redact_identity`]); contracts lose the supply
///   identifiers and the IBAN; the histories keep what happened, not the
///   details; company links, merge snapshots and the do-not-call rows of
///   their numbers go; the search index is rewritten and compacted;
/// - the request goes into the audit trail (`gdpr_erasure`, counts only).
///
/// After the commit, on the embedded database: document files nothing
/// uses any more are deleted, the write-ahead log is emptied into the file
/// (SQLite runs with `secure_delete`, so freed space holds zeros), the
/// shop's backups and the copies kept by a restore are cleaned the same
/// way and vacuumed, and this desk's outbox forgets the person. A chain
/// server's own backups are its administrator's (they expire with their
/// retention).
///
/// Erasing an erased person again is allowed and cleans what was missed
/// (a backup that could not be opened the first time).
///
/// Errors: [`crate::Error::Forbidden`] (`gdpr_erasure`) for anyone but
/// an admin; [`crate::Error::NotFound`] for an unknown person.
pub async fn erase(db: &Db, ctx: &Ctx, id: Uuid, outbox: Option<&Outbox>) -> Result<Erasure> {
    ctx.require_admin("gdpr_erasure")?;
    let tenant = ctx.tenant_id();
    let at = Utc::now();
    let user = ctx.user.id;
    let (counts, unused, before) = with_tx!(db, |c| {
        let erased = erase_rows(c, tenant, id, Some(user), at).await?;
        c.compact_search_index().await?;
        let detail = serde_json::to_string(&erased.0).unwrap_or_default();
        let subject = format!("person:{id}");
        record_in(c, tenant, user, at, "gdpr_erasure", &subject, detail).await?;
        Ok::<_, crate::Error>(erased)
    })?;
    let done = clean_up(db, tenant, &[before], &unused, outbox).await?;
    Ok(Erasure {
        person_id: id,
        erased_at: at,
        counts,
        outbox_rows: done.outbox_rows,
        backups_cleaned: done.cleaned,
        backups_failed: done.failed,
    })
}

/// What the clean-up after an erasure did outside the database's rows.
struct Cleanup {
    outbox_rows: u64,
    cleaned: Vec<String>,
    failed: Vec<(String, String)>,
}

/// After erasing `people` (as they were) in the database: deletes the
/// document files no row uses (`unused` digests), empties SQLite's
/// write-ahead log, makes this desk's outbox forget them and cleans the
/// shop's backups.
async fn clean_up(
    db: &Db,
    tenant: Uuid,
    people: &[Person],
    unused: &[String],
    outbox: Option<&Outbox>,
) -> Result<Cleanup> {
    if let Some(dir) = notes::documents_dir(db) {
        for sha in unused {
            remove_file(&dir.join(sha))?;
        }
    }
    db.flush_log().await?;
    let mut outbox_rows = 0;
    if let Some(o) = outbox {
        for p in people {
            let (emails, numbers) = contact_keys(p);
            outbox_rows += o.forget_person(p.id, &emails, &numbers).await?;
        }
    }
    let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
    let (cleaned, failed) = match db.sqlite_dir() {
        Some(dir) if !ids.is_empty() => clean_copies(dir, tenant, &ids).await,
        _ => (Vec::new(), Vec::new()),
    };
    Ok(Cleanup {
        outbox_rows,
        cleaned,
        failed,
    })
}

/// The erased person's e-mails (lower-case) and national numbers, to find
/// their captures still queued in an outbox.
fn contact_keys(p: &Person) -> (Vec<String>, Vec<String>) {
    let emails = p
        .email
        .iter()
        .chain(p.email_2.iter())
        .map(|e| e.to_lowercase())
        .collect();
    let numbers = p
        .phone
        .iter()
        .chain(p.phone_2.iter())
        .map(|e| {
            crate::model::Phone::from_e164_unchecked(e.clone())
                .national()
                .chars()
                .filter(char::is_ascii_digit)
                .collect()
        })
        .collect();
    (emails, numbers)
}

fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(crate::Error::Io {
            path: path.display().to_string(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Hides the erased person's details in notes on other records: those of
/// the companies they were a contact of (names and identifiers), and any
/// note quoting their e-mail, number or codice fiscale (then also their
/// names: such a note is about them). Whole words only
/// ([`redact_identity`]), in the note, its earlier versions and its
/// record's history excerpts (and the companies' history); the index is
/// rewritten. A name alone in a
/// note elsewhere is not touched (it may be someone else's). Returns the
/// notes changed.
async fn redact_other_notes(
    c: &mut Conn<'_>,
    tenant: Uuid,
    person: &Person,
    records: &[Uuid],
    needles: &[String],
) -> Result<u64> {
    let companies: Vec<Uuid> = c
        .contacts(tenant, person.id, false)
        .await?
        .into_iter()
        .map(|k| k.company_id)
        .collect();
    let identifiers: Vec<String> = needles
        .iter()
        .filter(|n| n.contains('@') || n.chars().any(|ch| ch.is_ascii_digit()))
        .cloned()
        .collect();
    let redact = |t: &str| redact_identity(t, needles);
    for company in &companies {
        // "Contact linked: <name>" and the like.
        c.redact_history(tenant, *company, &redact).await?;
    }
    let mut changed = 0;
    for (note, record) in c
        .notes_naming(tenant, &companies, &identifiers, records)
        .await?
    {
        if c.redact_note(tenant, note, record, &redact).await? {
            changed += 1;
            if let Some(n) = c.get_note(tenant, note).await? {
                let title =
                    super::search_index::record_title(c, tenant, n.entity_type, n.entity_id)
                        .await?;
                c.upsert_search_doc(tenant, &crate::store::note_doc(&n, &title))
                    .await?;
            }
        }
    }
    Ok(changed)
}

/// The erasure's writes in the caller's transaction (see [`erase`]); `by`
/// signs the person's `erased` timeline entry (`None` in a backup, where
/// the user may not exist). Returns the counts, the document digests no
/// row uses any more and the person as they were.
async fn erase_rows(
    c: &mut Conn<'_>,
    tenant: Uuid,
    id: Uuid,
    by: Option<Uuid>,
    at: chrono::DateTime<Utc>,
) -> Result<(ErasureCounts, Vec<String>, Person)> {
    let before = c
        .get_person(tenant, id)
        .await?
        .ok_or_else(|| crate::Error::NotFound {
            entity: "person",
            id: id.to_string(),
        })?;
    let needles = identity_needles(&before);
    let leads = c.leads_of_person(tenant, id).await?;
    let deals = c.deals_of_person(tenant, id).await?;
    let mut counts = ErasureCounts {
        leads: leads.len() as u64,
        deals: deals.len() as u64,
        ..Default::default()
    };
    let mut records = vec![id];
    records.extend(&leads);
    records.extend(&deals);
    let digests = c
        .erase_record_texts(tenant, id, &records, &mut counts)
        .await?;
    for lead in &leads {
        c.erase_lead_texts(tenant, *lead).await?;
    }
    for deal in &deals {
        if let Some(d) = c.get_deal(tenant, *deal).await? {
            c.erase_deal_texts(tenant, *deal, &redact_identity(&d.title, &needles))
                .await?;
        }
    }
    for record in &records {
        for (table, row, title) in c.titles_on(tenant, *record).await? {
            let redacted = redact_identity(&title, &needles);
            if redacted != title {
                c.retitle(tenant, table, row, &redacted).await?;
                counts.titles += 1;
            }
        }
    }
    counts.other_notes = redact_other_notes(c, tenant, &before, &records, &needles).await?;
    let simple = id.simple().to_string();
    // Built from nothing, not from `before`: a field added to people later
    // is blank here unless it is named below as kept.
    let anonymous = Person {
        is_customer: before.is_customer,
        erased_at: Some(at),
        updated_at: at,
        ..Person::new(
            id,
            ERASED_FIRST_NAME.into(),
            simple[simple.len() - 6..].to_uppercase(),
            None,
            None,
            before.created_at,
        )
    };
    let phones: Vec<String> = before
        .phone
        .iter()
        .chain(before.phone_2.iter())
        .cloned()
        .collect();
    c.erase_person_row(tenant, &anonymous, &phones, at).await?;
    super::search_index::person_renamed(c, tenant, &anonymous).await?;
    c.insert_record_event(tenant, EntityType::Person, id, "erased", None, by, at)
        .await?;
    let unused = c.unused_digests(tenant, &digests).await?;
    Ok((counts, unused, before))
}

/// Cleans the people of `ids` out of every copy of the shop's database in `dir`
/// (backups in `backups/`, files kept by a restore): each is opened,
/// brought to this version's schema, erased as above, vacuumed and
/// closed. A copy without any of them is left as it is. Returns the files
/// cleaned and those that could not be, with why.
async fn clean_copies(
    dir: &Path,
    tenant: Uuid,
    ids: &[Uuid],
) -> (Vec<String>, Vec<(String, String)>) {
    let mut files = Vec::new();
    for folder in [dir.join(BACKUP_DIR), dir.to_path_buf()] {
        let Ok(read) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in read.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let copy = folder != dir && name.ends_with(".db")
                || name.starts_with(&format!("{SQLITE_FILE}.replaced-"));
            if copy && !name.ends_with("-wal") && !name.ends_with("-shm") {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    let (mut cleaned, mut failed) = (Vec::new(), Vec::new());
    for path in files {
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        match clean_copy(&path, tenant, ids).await {
            Ok(true) => cleaned.push(name),
            Ok(false) => {}
            Err(e) => failed.push((name, e.to_string())),
        }
    }
    (cleaned, failed)
}

/// Erases the people of `ids` in one copy of the database; `false` when
/// the copy holds none of them.
async fn clean_copy(path: &Path, tenant: Uuid, ids: &[Uuid]) -> Result<bool> {
    let url = format!("sqlite:{}", path.display());
    let copy = Db::connect(&url).await?;
    let result = async {
        copy.ready().await?;
        let at = Utc::now();
        let done = with_tx!(copy, |c| {
            let mut any = false;
            for id in ids {
                match erase_rows(c, tenant, *id, None, at).await {
                    Ok(_) => any = true,
                    Err(crate::Error::NotFound { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            if any {
                c.compact_search_index().await?;
            }
            Ok(any)
        })?;
        if done {
            copy.vacuum().await?;
            copy.flush_log().await?;
        }
        Ok(done)
    }
    .await;
    copy.close().await;
    result
}

/// The retention rule's cut-off at `at`: `months` earlier.
fn cutoff(at: chrono::DateTime<Utc>, months: u32) -> chrono::DateTime<Utc> {
    at.checked_sub_months(chrono::Months::new(months))
        .unwrap_or(at)
}

/// What the retention rule would erase now: people whose leads were never
/// converted and who were not touched for the tenant's months (see
/// [`RetentionPreview`]). Admins.
///
/// Errors: [`crate::Error::Forbidden`] (`gdpr_retention`).
pub async fn retention_preview(db: &Db, ctx: &Ctx) -> Result<RetentionPreview> {
    ctx.require_admin("gdpr_retention")?;
    preview_at(db, ctx.tenant_id(), Utc::now()).await
}

async fn preview_at(db: &Db, tenant: Uuid, at: chrono::DateTime<Utc>) -> Result<RetentionPreview> {
    with_conn!(db, |c| {
        let (months, last_run) = c.retention_rule(tenant).await?;
        let cut = cutoff(at, months);
        let (people, sample) = if months == 0 {
            (0, Vec::new())
        } else {
            (
                c.retention_count(tenant, cut).await?,
                c.retention_candidates(tenant, cut, 50).await?,
            )
        };
        Ok::<_, crate::Error>(RetentionPreview {
            months,
            cutoff: cut,
            people,
            sample,
            last_run,
        })
    })
}

/// Sets the tenant's retention rule (months; 0 turns it off) and returns
/// the preview under it. Admins.
///
/// Errors: [`crate::Error::Forbidden`] (`gdpr_retention`);
/// [`crate::Error::Validation`] (`months`, `too_large` with `max`) above
/// [`MAX_RETENTION_MONTHS`].
pub async fn set_retention_months(db: &Db, ctx: &Ctx, months: u32) -> Result<RetentionPreview> {
    ctx.require_admin("gdpr_retention")?;
    if months > MAX_RETENTION_MONTHS {
        return Err(crate::Error::Validation(vec![
            crate::model::FieldError::new("months", "too_large")
                .with("max", MAX_RETENTION_MONTHS.to_string()),
        ]));
    }
    let tenant = ctx.tenant_id();
    with_conn!(db, |c| c.set_retention_months(tenant, months).await)?;
    retention_preview(db, ctx).await
}

/// Applies the retention rule now: every person it matches is erased as
/// by [`erase`] (their leads stay, anonymised, in the KPIs), in batches
/// of 200, the run written to the audit trail (`gdpr_retention`, subject
/// `retention`, how many and the rule) when it erased anyone. Admins.
///
/// Errors: [`crate::Error::Forbidden`] (`gdpr_retention`).
pub async fn apply_retention(db: &Db, ctx: &Ctx, outbox: Option<&Outbox>) -> Result<RetentionRun> {
    apply_retention_at(db, ctx, outbox, Utc::now()).await
}

/// [`apply_retention`] as if it were `at` (UTC): the cut-off is the rule's
/// months before `at` (tests and the daily job use a fixed clock).
///
/// Errors: as [`apply_retention`].
pub async fn apply_retention_at(
    db: &Db,
    ctx: &Ctx,
    outbox: Option<&Outbox>,
    at: chrono::DateTime<Utc>,
) -> Result<RetentionRun> {
    ctx.require_admin("gdpr_retention")?;
    let (tenant, user) = (ctx.tenant_id(), ctx.user.id);
    let (months, _) = with_conn!(db, |c| c.retention_rule(tenant).await)?;
    let mut run = RetentionRun {
        at,
        months,
        erased: 0,
        backups_cleaned: Vec::new(),
        backups_failed: Vec::new(),
    };
    if months == 0 {
        return Ok(run);
    }
    let cut = cutoff(at, months);
    let (mut people, mut unused) = (Vec::new(), Vec::new());
    loop {
        let batch = with_tx!(db, |c| {
            let ids = c.retention_candidates(tenant, cut, 200).await?;
            let mut done = Vec::new();
            for candidate in &ids {
                let (_, digests, before) =
                    erase_rows(c, tenant, candidate.person_id, Some(user), Utc::now()).await?;
                unused.extend(digests);
                done.push(before);
            }
            if !done.is_empty() {
                c.compact_search_index().await?;
            }
            Ok::<_, crate::Error>(done)
        })?;
        if batch.is_empty() {
            break;
        }
        people.extend(batch);
    }
    run.erased = people.len() as u64;
    if people.is_empty() {
        return Ok(run);
    }
    let detail = serde_json::json!({ "people": run.erased, "months": months }).to_string();
    with_conn!(db, |c| {
        record_in(c, tenant, user, at, "gdpr_retention", "retention", detail).await
    })?;
    let done = clean_up(db, tenant, &people, &unused, outbox).await?;
    run.backups_cleaned = done.cleaned;
    run.backups_failed = done.failed;
    Ok(run)
}

/// The daily retention job: run by the first admin who signs in on a day
/// (any desk of the tenant; the tenant row records the run so that the
/// others skip it), or by `banco gdpr retention --apply`. `None` when the
/// acting user is not an admin, the rule is off or it ran in the last 20
/// hours.
///
/// Errors: as [`apply_retention`].
pub async fn retention_if_due(
    db: &Db,
    ctx: &Ctx,
    outbox: Option<&Outbox>,
) -> Result<Option<RetentionRun>> {
    if ctx.user.role != crate::model::Role::Admin {
        return Ok(None);
    }
    let (tenant, at) = (ctx.tenant_id(), Utc::now());
    let (months, _) = with_conn!(db, |c| c.retention_rule(tenant).await)?;
    if months == 0 {
        return Ok(None);
    }
    let claimed = with_conn!(db, |c| c
        .claim_retention_run(tenant, at, at - chrono::Duration::hours(20))
        .await)?;
    if !claimed {
        return Ok(None);
    }
    apply_retention_at(db, ctx, outbox, at).await.map(Some)
}
