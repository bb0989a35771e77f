//! Customer segments (seed 002, issue 15): VIP, regular, new, at risk and
//! dormant by the tenant's thresholds ([`crate::model::classify`]); the
//! classification run by managers, or by the daily job the first manager
//! of the day starts; the counts and their trend for the dashboard; a
//! segment's export that respects consents.

use chrono::{DateTime, Duration, Utc};

use super::sheet::{render, Cell, Place, Sheet};
use super::Ctx;
use crate::model::{
    classify, consent_state, vip_threshold, ConsentKind, ContactChannel, ContactPurpose,
    ExportFormat, Segment, SegmentDay, SegmentRules, SegmentSummary,
};
use crate::store::Db;
use crate::{with_conn, with_tx, Error, Result};

/// The segments now, their trend over the last 30 runs' days and the
/// rules in force. Anyone (the dashboard shows counts, no names).
pub async fn summary(db: &Db, ctx: &Ctx) -> Result<SegmentSummary> {
    let tenant = ctx.tenant_id();
    let since = (Utc::now() - Duration::days(30)).date_naive();
    with_conn!(db, |c| {
        let (rules, computed_at) = c.segment_rules(tenant).await?;
        let counts = c.segment_counts_now(tenant).await?;
        let rows = c.segment_trend(tenant, since).await?;
        let mut trend: Vec<SegmentDay> = Vec::new();
        for (day, segment, people) in rows {
            let Ok(segment) = segment.parse::<Segment>() else {
                continue;
            };
            if trend.last().map(|d| d.day) != Some(day) {
                trend.push(SegmentDay {
                    day,
                    counts: Segment::ALL.iter().map(|s| (*s, 0)).collect(),
                });
            }
            if let Some(slot) = trend
                .last_mut()
                .and_then(|d| d.counts.iter_mut().find(|(s, _)| *s == segment))
            {
                slot.1 = u64::try_from(people).unwrap_or(0);
            }
        }
        Ok::<_, Error>(SegmentSummary {
            rules,
            computed_at,
            counts,
            trend,
        })
    })
}

/// Saves the tenant's thresholds and classifies again under them. Store
/// managers and admins.
///
/// Errors: [`Error::Forbidden`] (`edit_segments`); [`Error::Validation`]
/// ([`SegmentRules::validate`]).
pub async fn save_rules(db: &Db, ctx: &Ctx, rules: &SegmentRules) -> Result<SegmentSummary> {
    ctx.require_manager("edit_segments")?;
    rules.validate().map_err(Error::Validation)?;
    let tenant = ctx.tenant_id();
    with_conn!(db, |c| c.save_segment_rules(tenant, rules).await)?;
    refresh(db, ctx).await
}

/// Classifies every customer now. Store managers and admins.
///
/// Errors: [`Error::Forbidden`] (`edit_segments`).
pub async fn refresh(db: &Db, ctx: &Ctx) -> Result<SegmentSummary> {
    refresh_at(db, ctx, Utc::now()).await
}

/// [`refresh`] as if it were `at` (UTC; tests use a fixed clock): the
/// facts of every customer read in two grouped passes, the VIP threshold
/// over them, each classified, all written in one transaction with the
/// day's counts.
///
/// Errors: as [`refresh`].
pub async fn refresh_at(db: &Db, ctx: &Ctx, at: DateTime<Utc>) -> Result<SegmentSummary> {
    ctx.require_manager("edit_segments")?;
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| {
        let (rules, _) = c.segment_rules(tenant).await?;
        let facts = c
            .segment_facts(
                tenant,
                at - Duration::days(i64::from(rules.vip_period_days)),
            )
            .await?;
        let values: Vec<i64> = facts.iter().map(|f| f.won_in_period).collect();
        let vip_min = vip_threshold(&values, rules.vip_top_percent);
        let segments: Vec<_> = facts
            .iter()
            .map(|f| (f.person_id, classify(f, &rules, vip_min, at)))
            .collect();
        c.write_segments(tenant, &segments, at).await
    })?;
    summary(db, ctx).await
}

/// The daily classification: run by the first store manager or admin who
/// signs in on a day (`None` for staff, or when it ran in the last 20
/// hours).
///
/// Errors: as [`refresh`].
pub async fn refresh_if_due(db: &Db, ctx: &Ctx) -> Result<Option<SegmentSummary>> {
    if !ctx.user.role.is_manager() {
        return Ok(None);
    }
    let tenant = ctx.tenant_id();
    let (_, computed_at) = with_conn!(db, |c| c.segment_rules(tenant).await)?;
    if computed_at.is_some_and(|t| Utc::now() - t < Duration::hours(20)) {
        return Ok(None);
    }
    refresh(db, ctx).await.map(Some)
}

/// The people of `segment` as a sheet in `format`, for a campaign: name,
/// phones, e-mail, city. For [`ContactPurpose::Marketing`] only those whose
/// marketing consent is given on `channel` (or on every channel when
/// `None`) and who did not ask not to be contacted; the export is written
/// to the audit trail (`segment:<name>`, with the purpose, channel and
/// rows). Store managers and admins.
///
/// Errors: [`Error::Forbidden`] (`export_segment`); the sheet's.
pub async fn export(
    db: &Db,
    ctx: &Ctx,
    segment: Segment,
    purpose: ContactPurpose,
    channel: Option<ContactChannel>,
    format: ExportFormat,
) -> Result<Vec<u8>> {
    ctx.require_manager("export_segment")?;
    let tenant = ctx.tenant_id();
    let mut sheet = Sheet::new(
        "Segmento",
        &[
            ("first_name", "Nome"),
            ("last_name", "Cognome"),
            ("phone", "Telefono"),
            ("phone_2", "Telefono 2"),
            ("email", "E-mail"),
            ("city", "Città"),
            ("segment", "Segmento"),
        ],
    );
    let people = with_conn!(db, |c| {
        let ids = c.people_in_segment(tenant, segment).await?;
        let mut out = Vec::new();
        for id in ids {
            let Some(p) = c.get_person(tenant, id).await? else {
                continue;
            };
            if p.erased_at.is_some() {
                continue;
            }
            if purpose == ContactPurpose::Marketing {
                let consents = c.consents_of(tenant, id).await?;
                let prefs = c.contact_preferences(tenant, id).await?;
                let agreed =
                    consent_state(&consents, ConsentKind::Marketing, channel) == Some(true);
                let blocked = channel.is_some_and(|ch| prefs.blocked_channels.contains(&ch));
                if !agreed || prefs.do_not_contact || blocked {
                    continue;
                }
            }
            out.push(p);
        }
        Ok::<_, Error>(out)
    })?;
    for p in &people {
        sheet.rows.push(vec![
            Cell::from(p.first_name.clone()),
            Cell::from(p.last_name.clone()),
            Cell::Phone(p.phone.clone()),
            Cell::Phone(p.phone_2.clone()),
            Cell::from(p.email.clone()),
            Cell::from(p.city.clone()),
            Cell::Code("segment", segment.as_str().into()),
        ]);
    }
    super::audit::exported(
        db,
        ctx,
        &format!("segment:{}", segment.as_str()),
        format,
        sheet.rows.len(),
        serde_json::json!({
            "purpose": purpose.as_str(),
            "channel": channel.map(|c| c.as_str()),
        }),
    )
    .await?;
    render(&sheet, format, &Place::of(db, ctx).await?)
}
