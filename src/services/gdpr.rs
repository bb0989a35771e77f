//! The person's requests under the GDPR (issue 15): the access export
//! (art. 15), made by a store manager or an admin, and the erasure
//! (art. 17), made by an admin; each written to the audit trail (who,
//! when, whose data: the person's id and counts, never their data).

use std::path::Path;

use chrono::Utc;
use uuid::Uuid;

use super::backup::BACKUP_DIR;
use super::{
    calls, companies, contact_policy, contracts, deals, leads, meetings, notes, tasks, tickets, Ctx,
};
use crate::model::{
    identity_needles, redact_identity, AuditEvent, ContractFilter, EntityType, Erasure,
    ErasureCounts, Person, PersonDataExport, TaskQuery, TicketQuery, ERASED_FIRST_NAME,
    PERSON_DATA_FORMAT,
};
use crate::store::outbox::Outbox;
use crate::store::{Conn, Db, SQLITE_FILE};
use crate::{with_conn, with_tx, Result};

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
        person: card.person,
    };
    let event = AuditEvent {
        id: Uuid::now_v7(),
        at: Utc::now(),
        user_id: Some(ctx.user.id),
        user_name: None,
        action: "gdpr_access".into(),
        subject: format!("person:{id}"),
        detail: serde_json::json!({
            "leads": export.leads.len(),
            "deals": export.deals.len(),
            "contracts": export.contracts.len(),
            "interactions": export.interactions.len(),
            "timeline": export.timeline.len(),
        })
        .to_string(),
    };
    with_conn!(db, |c| c.insert_audit_event(ctx.tenant_id(), &event).await)?;
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
        let event = AuditEvent {
            id: Uuid::now_v7(),
            at,
            user_id: Some(user),
            user_name: None,
            action: "gdpr_erasure".into(),
            subject: format!("person:{id}"),
            detail: serde_json::to_string(&erased.0).unwrap_or_default(),
        };
        c.insert_audit_event(tenant, &event).await?;
        Ok::<_, crate::Error>(erased)
    })?;
    if let Some(dir) = notes::documents_dir(db) {
        for sha in &unused {
            remove_file(&dir.join(sha))?;
        }
    }
    db.flush_log().await?;
    let (emails, numbers) = contact_keys(&before);
    let outbox_rows = match outbox {
        Some(o) => o.forget_person(id, &emails, &numbers).await?,
        None => 0,
    };
    let (backups_cleaned, backups_failed) = match db.sqlite_dir() {
        Some(dir) => clean_copies(dir, tenant, id).await,
        None => (Vec::new(), Vec::new()),
    };
    Ok(Erasure {
        person_id: id,
        erased_at: at,
        counts,
        outbox_rows,
        backups_cleaned,
        backups_failed,
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
    let simple = id.simple().to_string();
    let anonymous = Person {
        first_name: ERASED_FIRST_NAME.into(),
        last_name: simple[simple.len() - 6..].to_uppercase(),
        phone: None,
        phone_2: None,
        phone_raw: None,
        email: None,
        email_2: None,
        company_name: None,
        city: None,
        country: None,
        external_ref: None,
        tax_code: None,
        custom: Default::default(),
        erased_at: Some(at),
        updated_at: at,
        ..before.clone()
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
    c.compact_search_index().await?;
    Ok((counts, unused, before))
}

/// Cleans the person out of every copy of the shop's database in `dir`
/// (backups in `backups/`, files kept by a restore): each is opened,
/// brought to this version's schema, erased as above, vacuumed and
/// closed. A copy without the person is left as it is. Returns the files
/// cleaned and those that could not be, with why.
async fn clean_copies(dir: &Path, tenant: Uuid, id: Uuid) -> (Vec<String>, Vec<(String, String)>) {
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
        match clean_copy(&path, tenant, id).await {
            Ok(true) => cleaned.push(name),
            Ok(false) => {}
            Err(e) => failed.push((name, e.to_string())),
        }
    }
    (cleaned, failed)
}

/// Erases the person in one copy of the database; `false` when the copy
/// does not hold them.
async fn clean_copy(path: &Path, tenant: Uuid, id: Uuid) -> Result<bool> {
    let url = format!("sqlite:{}", path.display());
    let copy = Db::connect(&url).await?;
    let result = async {
        copy.ready().await?;
        let at = Utc::now();
        let done = with_tx!(copy, |c| match erase_rows(c, tenant, id, None, at).await {
            Ok(_) => Ok(true),
            Err(crate::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
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
