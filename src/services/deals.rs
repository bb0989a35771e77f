//! Deals: opening (by hand or from a lead), moving through stages, winning
//! and losing, the board, the list, the detail and the CSV export.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{now, Ctx};
use crate::model::{
    check_terms, deal_totals, Board, BoardColumn, CaptureLead, Contract, ContractStatus, Deal,
    DealDetail, DealEvent, DealEventKind, DealFilter, DealLine, DealListItem, DealMove, DealQuery,
    DealStatus, DealUpdate, FieldError, LeadEventKind, LeadStatus, NewDeal, Page, Pipeline,
    SourceChannel, Utm, DEFAULT_CONTRACT_MONTHS,
};
use crate::store::{deal_search_text, Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Cards per board column in the first load; more come by [`column_cards`].
pub const DEFAULT_CARDS_PER_COLUMN: u64 = 50;
/// Longest lost note, in characters.
pub const MAX_LOST_NOTE_CHARS: usize = 500;

/// How a deal came to be (for its first timeline entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin<'a> {
    /// Opened by hand (or by hand from a lead).
    Hand,
    /// Opened by a conversion rule.
    Rule {
        /// Rule id.
        id: Uuid,
        /// Rule name.
        name: &'a str,
    },
}

fn not_found(entity: &'static str, id: Uuid) -> Error {
    Error::NotFound {
        entity,
        id: id.to_string(),
    }
}

/// Opens a deal, in one transaction (see [`NewDeal`]):
/// - from a lead (`lead_id`): the lead's person, store, campaign, source
///   channel and UTM codes are copied, the lead becomes `converted` and both
///   timelines record it; a disqualified lead cannot be converted;
/// - by hand: a person and/or company, a source channel (default
///   `store_walkin`, i.e. in store), no campaign.
///
/// The pipeline defaults to the lead's campaign's default pipeline; the
/// stage to the pipeline's first open stage; the owner to the acting user;
/// the probability to the stage's. A retried call with the same `id`
/// returns the deal already made.
///
/// Errors: [`Error::Validation`] (`pipeline_id`, `stage_id`, `person_id`,
/// `owner_id`, `contract_months`, `lines.N.*`); [`Error::NotFound`];
/// [`Error::IllegalTransition`] for a disqualified lead.
pub async fn create(db: &Db, ctx: &Ctx, new: NewDeal) -> Result<DealDetail> {
    with_tx!(db, |c| {
        let deal = create_in(c, ctx, new.clone(), Origin::Hand).await?;
        detail_in(c, ctx, deal.id).await
    })
}

/// Records a sale already made, as the back office enters a contract by
/// hand (`banco contract add`): the deal ([`NewDeal`], as [`create`]) won
/// at once, its contract signed on `signed_on` (today when absent), in one
/// transaction: nothing is written when either step is refused.
///
/// Errors: `person_id` (`required`) without a person, company or lead;
/// those of [`create`] and of winning ([`move_deal`]).
pub async fn record_sale(
    db: &Db,
    ctx: &Ctx,
    new: NewDeal,
    signed_on: Option<chrono::NaiveDate>,
) -> Result<DealDetail> {
    if new.person_id.is_none() && new.company_id.is_none() && new.lead_id.is_none() {
        return Err(Error::field("person_id", "required"));
    }
    with_tx!(db, |c| {
        let deal = create_in(c, ctx, new.clone(), Origin::Hand).await?;
        ctx.require_deal_access(&deal)?;
        let won = DealMove::Won {
            contract_start: signed_on,
        };
        move_in(c, ctx, deal.id, &won).await?;
        detail_in(c, ctx, deal.id).await
    })
}

pub(crate) async fn create_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    new: NewDeal,
    origin: Origin<'_>,
) -> Result<Deal> {
    let tenant = ctx.tenant_id();
    let id = new.id.unwrap_or_else(Uuid::now_v7);
    if let Some(existing) = c.get_deal(tenant, id).await? {
        return Ok(existing);
    }
    let months = new.contract_months.unwrap_or(DEFAULT_CONTRACT_MONTHS);
    let mut errors = check_terms(&new.lines, months);
    if let Some(p) = new.probability.filter(|p| *p > 100) {
        errors.push(
            FieldError::new("probability", "out_of_range")
                .with("min", "0")
                .with("max", "100")
                .with("value", p.to_string()),
        );
    }
    let lead = match new.lead_id {
        Some(lead_id) => {
            let lead = c
                .get_lead(tenant, lead_id)
                .await?
                .ok_or_else(|| not_found("lead", lead_id))?;
            if lead.status == LeadStatus::Disqualified {
                return Err(Error::IllegalTransition {
                    from: lead.status,
                    to: LeadStatus::Converted,
                });
            }
            Some(lead)
        }
        None => None,
    };
    let campaign_pipeline = match lead.as_ref().and_then(|l| l.campaign_id) {
        Some(id) if new.pipeline_id.is_none() => c
            .list_campaigns(tenant)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .and_then(|c| c.default_pipeline_id),
        _ => None,
    };
    let pipelines = c.list_pipelines(tenant).await?;
    let pipeline_id = new.pipeline_id.or(campaign_pipeline);
    let pipeline: Option<&Pipeline> = match pipeline_id {
        None => {
            errors.push(FieldError::new("pipeline_id", "required"));
            None
        }
        Some(pid) => match pipelines.iter().find(|p| p.id == pid && !p.archived) {
            Some(p) => Some(p),
            None => {
                errors.push(
                    FieldError::new("pipeline_id", "unknown_value").with("value", pid.to_string()),
                );
                None
            }
        },
    };
    let stage = pipeline.and_then(|p| match new.stage_id {
        Some(sid) => {
            let s = p.stage(sid).filter(|s| !s.archived);
            if s.is_none() {
                errors.push(
                    FieldError::new("stage_id", "unknown_value").with("value", sid.to_string()),
                );
            }
            s
        }
        None => p.first_stage(),
    });
    let person_id = lead.as_ref().map(|l| l.person_id).or(new.person_id);
    let person = match person_id {
        Some(pid) => Some(
            c.get_person(tenant, pid)
                .await?
                .ok_or_else(|| not_found("person", pid))?,
        ),
        None => None,
    };
    let company_name = match new.company_id {
        Some(cid) => Some(
            c.company_name(tenant, cid)
                .await?
                .ok_or_else(|| not_found("company", cid))?,
        ),
        None => None,
    };
    if person.is_none() && company_name.is_none() {
        errors.push(FieldError::new("person_id", "required"));
    }
    let owner_id = new.owner_id.unwrap_or(ctx.user.id);
    match c.get_user(tenant, owner_id).await? {
        Some(u) if u.active => {}
        _ => errors
            .push(FieldError::new("owner_id", "unknown_value").with("value", owner_id.to_string())),
    }
    let (Some(pipeline), Some(stage)) = (pipeline, stage) else {
        return Err(Error::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let store_id = match &lead {
        Some(l) => l.store_id,
        None => new.store_id.or(ctx.user.store_id),
    };
    if let Some(s) = new.store_id.filter(|_| lead.is_none()) {
        if !c.list_stores(tenant).await?.iter().any(|st| st.id == s) {
            return Err(Error::Validation(vec![FieldError::new(
                "store_id",
                "unknown_value",
            )
            .with("value", s.to_string())]));
        }
    }
    let person_name = person.as_ref().map(|p| {
        format!("{} {}", p.first_name, p.last_name)
            .trim()
            .to_string()
    });
    let title = match new.title.trim() {
        "" => format!(
            "{} – {}",
            new.lines
                .first()
                .map(|l| l.product.trim().to_string())
                .unwrap_or_else(|| pipeline.name.clone()),
            person_name
                .clone()
                .or(company_name.clone())
                .unwrap_or_default()
        ),
        t => t.chars().take(200).collect(),
    };
    let at = now();
    let lines: Vec<DealLine> = new
        .lines
        .iter()
        .map(|l| DealLine {
            id: if l.id.is_nil() { Uuid::now_v7() } else { l.id },
            product: l.product.trim().to_string(),
            ..l.clone()
        })
        .collect();
    let (campaign_id, source_channel, utm) = match &lead {
        Some(l) => (
            l.campaign_id,
            l.source_channel,
            Utm {
                source: l.utm_source.clone(),
                medium: l.utm_medium.clone(),
                campaign: l.utm_campaign.clone(),
                term: l.utm_term.clone(),
                content: l.utm_content.clone(),
            },
        ),
        None => (
            None,
            new.source_channel.unwrap_or(SourceChannel::StoreWalkin),
            Utm::default(),
        ),
    };
    let deal = Deal {
        id,
        pipeline_id: pipeline.id,
        stage_id: stage.id,
        status: DealStatus::Open,
        title,
        person_id,
        company_id: new.company_id,
        lead_id: lead.as_ref().map(|l| l.id),
        owner_id: Some(owner_id),
        store_id,
        campaign_id,
        source_channel,
        utm,
        currency: ctx.tenant.currency.clone(),
        totals: deal_totals(&lines, months),
        contract_months: months,
        probability: new.probability.unwrap_or(stage.probability),
        probability_overridden: new.probability.is_some(),
        expected_close: new.expected_close,
        closed_at: None,
        lost_reason_id: None,
        lost_note: None,
        external_ref: None,
        rule_id: match origin {
            Origin::Rule { id, .. } => Some(id),
            Origin::Hand => None,
        },
        stage_entered_at: at,
        created_at: at,
        updated_at: at,
        created_by: Some(ctx.user.id),
        version: 1,
    };
    let search = deal_search_text(&deal.title, person_name.as_deref(), company_name.as_deref());
    c.insert_deal(tenant, &deal, &search).await?;
    c.replace_lines(tenant, deal.id, &lines).await?;
    let (kind, detail) = match (&lead, origin) {
        (_, Origin::Rule { name, .. }) => (DealEventKind::Converted, Some(name.to_string())),
        (Some(_), Origin::Hand) => (DealEventKind::Converted, None),
        (None, Origin::Hand) => (DealEventKind::Created, None),
    };
    let mut e = deal_event(deal.id, kind, ctx, at);
    e.to_stage_id = Some(stage.id);
    e.detail = detail;
    c.insert_deal_event(tenant, &e).await?;
    if let Some(lead) = &lead {
        if lead.status != LeadStatus::Converted {
            c.update_lead_status(tenant, lead.id, LeadStatus::Converted, None, at)
                .await?;
            let mut le = super::history::event(lead.id, LeadEventKind::StatusChanged, ctx, at);
            le.from_status = Some(lead.status);
            le.to_status = Some(LeadStatus::Converted);
            c.insert_event(tenant, &le).await?;
        }
        let mut le = super::history::event(lead.id, LeadEventKind::DealOpened, ctx, at);
        le.detail = Some(match origin {
            Origin::Rule { name, .. } => format!("{} · {name}", deal.title),
            Origin::Hand => deal.title.clone(),
        });
        c.insert_event(tenant, &le).await?;
    }
    super::tasks::on_stage_entry(c, ctx, &deal, deal.stage_id).await?;
    Ok(deal)
}

/// A timeline entry of `kind` by the acting user.
pub(crate) fn deal_event(
    deal_id: Uuid,
    kind: DealEventKind,
    ctx: &Ctx,
    at: DateTime<Utc>,
) -> DealEvent {
    DealEvent {
        id: Uuid::now_v7(),
        deal_id,
        kind,
        from_stage_id: None,
        to_stage_id: None,
        detail: None,
        user_id: Some(ctx.user.id),
        user_name: None,
        at,
        left_at: None,
    }
}

/// Everything about one deal. Errors: [`Error::NotFound`] (also for a
/// deal outside the acting user's [`Ctx::record_scope`]).
pub async fn detail(db: &Db, ctx: &Ctx, id: Uuid) -> Result<DealDetail> {
    with_conn!(db, |c| detail_in(c, ctx, id).await)
}

pub(crate) async fn detail_in(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<DealDetail> {
    let tenant = ctx.tenant_id();
    super::context::require_visible(c, ctx, id).await?;
    let deal = c
        .get_deal(tenant, id)
        .await?
        .ok_or_else(|| not_found("deal", id))?;
    let pipeline = super::pipelines::get(c, ctx, deal.pipeline_id).await?;
    let person = match deal.person_id {
        Some(p) => c.get_person(tenant, p).await?,
        None => None,
    };
    let company_name = match deal.company_id {
        Some(co) => c.company_name(tenant, co).await?,
        None => None,
    };
    let owner_name = match deal.owner_id {
        Some(u) => c.get_user(tenant, u).await?.map(|u| u.display_name),
        None => None,
    };
    let store_name = match deal.store_id {
        Some(s) => c
            .list_stores(tenant)
            .await?
            .into_iter()
            .find(|st| st.id == s)
            .map(|st| st.name),
        None => None,
    };
    let campaign_name = match deal.campaign_id {
        Some(ca) => c
            .list_campaigns(tenant)
            .await?
            .into_iter()
            .find(|x| x.id == ca)
            .map(|x| x.name),
        None => None,
    };
    let lost_reason = match deal.lost_reason_id {
        Some(r) => c
            .list_lost_reasons(tenant)
            .await?
            .into_iter()
            .find(|x| x.id == r)
            .map(|x| x.label),
        None => None,
    };
    Ok(DealDetail {
        lines: c.lines_of(tenant, id).await?,
        contract: c.contract_of(tenant, id).await?,
        events: c.deal_events_of(tenant, id).await?,
        person_name: person.as_ref().map(|p| {
            format!("{} {}", p.first_name, p.last_name)
                .trim()
                .to_string()
        }),
        person_phone: person.and_then(|p| p.phone),
        company_name,
        owner_name,
        store_name,
        campaign_name,
        lost_reason,
        pipeline,
        deal,
    })
}

/// Moves a deal (see [`DealMove`]) and records it on its timeline:
/// - to another open stage of its pipeline: the probability follows the
///   stage's default unless it was overridden;
/// - won: closes it now with probability 100, makes its person and/or
///   company a customer and records the contract (offer = its line
///   products, start = `contract_start` or today, its one-off and monthly
///   totals);
/// - lost: needs a reason from the list; probability 0;
/// - reopen: back into a stage, open, the contract removed; its person and
///   company stay customers only while another of their deals is won.
///
/// Errors: [`Error::NotFound`]; [`Error::Forbidden`] (`edit_deal`, see
/// [`Ctx::require_deal_access`]; `reopen_deal` for staff, since reopening
/// is a manager's); [`Error::IllegalDealMove`]; [`Error::Validation`]
/// `reason_id` (`reason_required`, `unknown_value`), `note` (`too_long`),
/// `stage_id` (`unknown_value`).
pub async fn move_deal(db: &Db, ctx: &Ctx, deal_id: Uuid, mv: &DealMove) -> Result<DealDetail> {
    with_tx!(db, |c| {
        let deal = c
            .get_deal(ctx.tenant_id(), deal_id)
            .await?
            .ok_or_else(|| not_found("deal", deal_id))?;
        ctx.require_deal_access(&deal)?;
        if matches!(mv, DealMove::Reopen { .. }) {
            // Undoing an outcome (and a won deal's contract) is a manager's call.
            ctx.require_manager("reopen_deal")?;
        }
        move_in(c, ctx, deal_id, mv).await?;
        detail_in(c, ctx, deal_id).await
    })
}

pub(crate) async fn move_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    deal_id: Uuid,
    mv: &DealMove,
) -> Result<Deal> {
    let tenant = ctx.tenant_id();
    let mut deal = c
        .get_deal(tenant, deal_id)
        .await?
        .ok_or_else(|| not_found("deal", deal_id))?;
    let was_won = deal.status == DealStatus::Won;
    let pipeline = super::pipelines::get(c, ctx, deal.pipeline_id).await?;
    let at = now();
    let illegal = |deal: &Deal, action| Error::IllegalDealMove {
        status: deal.status,
        action,
    };
    let target_stage = |id: Uuid| {
        pipeline
            .stage(id)
            .filter(|s| !s.archived)
            .cloned()
            .ok_or_else(|| {
                Error::Validation(vec![
                    FieldError::new("stage_id", "unknown_value").with("value", id.to_string())
                ])
            })
    };
    let mut e = deal_event(deal.id, DealEventKind::StageMoved, ctx, at);
    match mv {
        DealMove::Stage { stage_id } => {
            if deal.status != DealStatus::Open {
                return Err(illegal(&deal, "move"));
            }
            let stage = target_stage(*stage_id)?;
            if stage.id == deal.stage_id {
                return Ok(deal);
            }
            e.from_stage_id = Some(deal.stage_id);
            e.to_stage_id = Some(stage.id);
            deal.stage_id = stage.id;
            deal.stage_entered_at = at;
            if !deal.probability_overridden {
                deal.probability = stage.probability;
            }
        }
        DealMove::Won { contract_start } => {
            if deal.status != DealStatus::Open {
                return Err(illegal(&deal, "win"));
            }
            deal.status = DealStatus::Won;
            deal.closed_at = Some(at);
            deal.probability = 100;
            e.kind = DealEventKind::Won;
            let lines = c.lines_of(tenant, deal.id).await?;
            let offer = if lines.is_empty() {
                deal.title.clone()
            } else {
                lines
                    .iter()
                    .map(|l| l.product.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let contract = Contract::signed(
                deal.id,
                deal.person_id,
                deal.company_id,
                offer,
                contract_start.unwrap_or_else(|| at.date_naive()),
                (deal.totals.one_off_minor, deal.totals.monthly_minor),
                deal.currency.clone(),
                deal.contract_months,
            );
            super::contracts::open_in(c, ctx, &contract, at).await?;
            if let Some(p) = deal.person_id {
                c.mark_customer(tenant, p, false, at).await?;
            }
            if let Some(co) = deal.company_id {
                c.mark_customer(tenant, co, true, at).await?;
            }
            super::tickets::on_deal_won(c, ctx, &deal, &contract).await?;
        }
        DealMove::Lost { reason_id, note } => {
            if deal.status != DealStatus::Open {
                return Err(illegal(&deal, "lose"));
            }
            let Some(reason_id) = reason_id else {
                return Err(Error::field("reason_id", "reason_required"));
            };
            let reasons = c.list_lost_reasons(tenant).await?;
            let Some(reason) = reasons.iter().find(|r| r.id == *reason_id) else {
                return Err(Error::Validation(vec![FieldError::new(
                    "reason_id",
                    "unknown_value",
                )
                .with("value", reason_id.to_string())]));
            };
            let note = note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string);
            if note
                .as_ref()
                .is_some_and(|n| n.chars().count() > MAX_LOST_NOTE_CHARS)
            {
                return Err(Error::Validation(vec![FieldError::new("note", "too_long")
                    .with("max", MAX_LOST_NOTE_CHARS.to_string())]));
            }
            deal.status = DealStatus::Lost;
            deal.closed_at = Some(at);
            deal.probability = 0;
            deal.lost_reason_id = Some(reason.id);
            deal.lost_note = note.clone();
            e.kind = DealEventKind::Lost;
            e.detail = Some(match &note {
                Some(n) => format!("{}: {n}", reason.label),
                None => reason.label.clone(),
            });
        }
        DealMove::Reopen { stage_id } => {
            if deal.status == DealStatus::Open {
                return Err(illegal(&deal, "reopen"));
            }
            let stage = target_stage(*stage_id)?;
            if deal.status == DealStatus::Won {
                // A contract the back office has taken further (sent,
                // active, ended) is a fact the deal cannot take back.
                if let Some(k) = c.contract_of(tenant, deal.id).await? {
                    if k.status != ContractStatus::Signed {
                        return Err(Error::Validation(vec![FieldError::new(
                            "contract",
                            "contract_in_progress",
                        )
                        .with("status", k.status.as_str())]));
                    }
                }
                c.delete_contract(tenant, deal.id).await?;
            }
            e.kind = DealEventKind::Reopened;
            e.from_stage_id = Some(deal.stage_id);
            e.to_stage_id = Some(stage.id);
            deal.status = DealStatus::Open;
            deal.closed_at = None;
            deal.lost_reason_id = None;
            deal.lost_note = None;
            deal.stage_id = stage.id;
            deal.stage_entered_at = at;
            if !deal.probability_overridden {
                deal.probability = stage.probability;
            }
        }
    }
    deal.updated_at = at;
    write_deal(c, tenant, &mut deal, None).await?;
    c.insert_deal_event(tenant, &e).await?;
    if was_won && deal.status == DealStatus::Open {
        // Customers because of this deal only are customers no more.
        if let Some(p) = deal.person_id {
            c.recheck_customer(tenant, p, false, at).await?;
        }
        if let Some(co) = deal.company_id {
            c.recheck_customer(tenant, co, true, at).await?;
        }
    }
    if let (DealEventKind::StageMoved | DealEventKind::Reopened, Some(stage)) =
        (e.kind, e.to_stage_id)
    {
        super::tasks::on_stage_entry(c, ctx, &deal, stage).await?;
    }
    Ok(deal)
}

/// Writes `deal` if it is still at the version it was read at, and moves
/// it to the next version. Errors: [`Error::Conflict`] naming who changed
/// it meanwhile, when another writer got there first.
async fn write_deal(
    c: &mut Conn<'_>,
    tenant: Uuid,
    deal: &mut Deal,
    search_text: Option<&str>,
) -> Result<()> {
    if !c.update_deal(tenant, deal, search_text).await? {
        return Err(conflict(c, tenant, deal.id).await);
    }
    deal.version += 1;
    Ok(())
}

/// The conflict error for `deal`, naming the author of its latest history
/// entry (the newer change) when it can be read.
async fn conflict(c: &mut Conn<'_>, tenant: Uuid, deal: Uuid) -> Error {
    let by = c
        .deal_events_of(tenant, deal)
        .await
        .ok()
        .and_then(|events| events.into_iter().next())
        .and_then(|e| e.user_name);
    Error::Conflict {
        entity: "deal",
        id: deal.to_string(),
        by,
    }
}

/// Saves a deal's title, lines, contract length, probability, expected
/// close and owner; recomputes its totals; records `updated`.
///
/// Errors: [`Error::NotFound`]; [`Error::Forbidden`] (`edit_deal`, see
/// [`Ctx::require_deal_access`]); [`Error::Validation`] (`lines.N.*`,
/// `contract_months`, `probability`, `owner_id`).
pub async fn update(db: &Db, ctx: &Ctx, deal_id: Uuid, u: &DealUpdate) -> Result<DealDetail> {
    let mut errors = check_terms(&u.lines, u.contract_months);
    if u.probability.is_some_and(|p| p > 100) {
        errors.push(
            FieldError::new("probability", "out_of_range")
                .with("min", "0")
                .with("max", "100"),
        );
    }
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let mut deal = c
            .get_deal(tenant, deal_id)
            .await?
            .ok_or_else(|| not_found("deal", deal_id))?;
        ctx.require_deal_access(&deal)?;
        if u.expected_version.is_some_and(|v| v != deal.version) {
            return Err(conflict(c, tenant, deal.id).await);
        }
        if let Some(o) = u.owner_id {
            if !c.get_user(tenant, o).await?.is_some_and(|u| u.active) {
                errors.push(
                    FieldError::new("owner_id", "unknown_value").with("value", o.to_string()),
                );
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let pipeline = super::pipelines::get(c, ctx, deal.pipeline_id).await?;
        let lines: Vec<DealLine> = u
            .lines
            .iter()
            .map(|l| DealLine {
                id: if l.id.is_nil() { Uuid::now_v7() } else { l.id },
                product: l.product.trim().to_string(),
                ..l.clone()
            })
            .collect();
        if !u.title.trim().is_empty() {
            deal.title = u.title.trim().chars().take(200).collect();
        }
        deal.contract_months = u.contract_months;
        deal.totals = deal_totals(&lines, u.contract_months);
        deal.expected_close = u.expected_close;
        deal.owner_id = u.owner_id.or(deal.owner_id);
        deal.probability_overridden = u.probability.is_some();
        if deal.status == DealStatus::Open {
            deal.probability = u.probability.unwrap_or_else(|| {
                pipeline
                    .stage(deal.stage_id)
                    .map(|s| s.probability)
                    .unwrap_or(deal.probability)
            });
        }
        let at = now();
        deal.updated_at = at;
        let search = super::search_index::deal_text(c, ctx.tenant_id(), &deal).await?;
        write_deal(c, tenant, &mut deal, Some(&search)).await?;
        c.replace_lines(tenant, deal.id, &lines).await?;
        c.insert_deal_event(
            tenant,
            &deal_event(deal.id, DealEventKind::Updated, ctx, at),
        )
        .await?;
        detail_in(c, ctx, deal.id).await
    })
}

/// Sets the customer of a deal: a person and/or a company of the tenant
/// (typically a deal imported "without customer yet"); at least one is
/// required. The change is on the deal's timeline (`customer_linked`,
/// with the names), and the deal's search text follows.
///
/// Errors: [`Error::Validation`] `person_id` (`required` when both are
/// absent); [`Error::NotFound`] for the deal, the person or the company
/// (ids of another tenant are not found); [`Error::Forbidden`] (`edit_deal`,
/// see [`Ctx::require_deal_access`]).
pub async fn link_customer(
    db: &Db,
    ctx: &Ctx,
    deal_id: Uuid,
    person_id: Option<Uuid>,
    company_id: Option<Uuid>,
) -> Result<DealDetail> {
    if person_id.is_none() && company_id.is_none() {
        return Err(Error::field("person_id", "required"));
    }
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let mut deal = c
            .get_deal(tenant, deal_id)
            .await?
            .ok_or_else(|| not_found("deal", deal_id))?;
        ctx.require_deal_access(&deal)?;
        let mut names = Vec::new();
        if let Some(p) = person_id {
            let person = c
                .get_person(tenant, p)
                .await?
                .ok_or_else(|| not_found("person", p))?;
            names.push(person.full_name());
        }
        if let Some(co) = company_id {
            let name = c
                .company_name(tenant, co)
                .await?
                .ok_or_else(|| not_found("company", co))?;
            names.push(name);
        }
        deal.person_id = person_id.or(deal.person_id);
        deal.company_id = company_id.or(deal.company_id);
        let at = now();
        deal.updated_at = at;
        let search = super::search_index::deal_text(c, ctx.tenant_id(), &deal).await?;
        write_deal(c, tenant, &mut deal, Some(&search)).await?;
        let mut e = deal_event(deal.id, DealEventKind::CustomerLinked, ctx, at);
        e.detail = Some(names.join(", "));
        c.insert_deal_event(tenant, &e).await?;
        detail_in(c, ctx, deal.id).await
    })
}

/// The kanban board of `filter.pipeline_id` (required): a column per open
/// stage with the count, total and weighted value of every matching open
/// deal, and its first `per_column` cards (longest in the stage first).
///
/// Errors: [`Error::Validation`] `pipeline_id` (`required`); [`Error::NotFound`].
pub async fn board(db: &Db, ctx: &Ctx, filter: &DealFilter, per_column: u64) -> Result<Board> {
    let Some(pipeline_id) = filter.pipeline_id else {
        return Err(Error::field("pipeline_id", "required"));
    };
    let filter = DealFilter {
        status: Some(DealStatus::Open),
        ..filter.clone()
    };
    with_conn!(db, |c| {
        let pipeline = super::pipelines::get(c, ctx, pipeline_id).await?;
        let scope = ctx.record_scope();
        let stats = c.board_stats(ctx.tenant_id(), &filter, &scope).await?;
        let mut columns = Vec::new();
        for stage in pipeline.stages.iter().filter(|s| !s.archived) {
            let (count, total, weighted) = stats
                .iter()
                .find(|s| s.0 == stage.id)
                .map(|s| (s.1, s.2, s.3))
                .unwrap_or((0, 0, 0));
            let cards = if count > 0 {
                c.board_cards(ctx.tenant_id(), &filter, &scope, stage.id, 0, per_column)
                    .await?
            } else {
                Vec::new()
            };
            columns.push(BoardColumn {
                stage: stage.clone(),
                count: u64::try_from(count).unwrap_or(0),
                total_minor: total,
                weighted_minor: crate::model::weighted(weighted),
                cards,
            });
        }
        Ok(Board {
            pipeline,
            currency: ctx.tenant.currency.clone(),
            columns,
        })
    })
}

/// More cards of one board column (for scrolling), same order as [`board`].
pub async fn column_cards(
    db: &Db,
    ctx: &Ctx,
    filter: &DealFilter,
    stage_id: Uuid,
    offset: u64,
    limit: u64,
) -> Result<Vec<crate::model::DealCard>> {
    let filter = DealFilter {
        status: Some(DealStatus::Open),
        ..filter.clone()
    };
    let scope = ctx.record_scope();
    with_conn!(db, |c| c
        .board_cards(ctx.tenant_id(), &filter, &scope, stage_id, offset, limit)
        .await)
}

/// One page of the deal list: the deals the acting user may see
/// ([`Ctx::record_scope`]).
pub async fn list(db: &Db, ctx: &Ctx, query: &DealQuery) -> Result<Page<DealListItem>> {
    let scope = ctx.record_scope();
    with_conn!(db, |c| c.list_deals(ctx.tenant_id(), query, &scope).await)
}

/// A capture form prefilled for a cross-sell lead from a deal's customer:
/// the person's names and contacts, the deal's store, source `cross_sell`.
///
/// Errors: [`Error::NotFound`]; [`Error::Validation`] `person_id`
/// (`required`) for a deal with a company only.
pub async fn cross_sell_template(db: &Db, ctx: &Ctx, deal_id: Uuid) -> Result<CaptureLead> {
    with_conn!(db, |c| {
        let tenant = ctx.tenant_id();
        let deal = c
            .get_deal(tenant, deal_id)
            .await?
            .ok_or_else(|| not_found("deal", deal_id))?;
        let Some(pid) = deal.person_id else {
            return Err(Error::field("person_id", "required"));
        };
        let person = c
            .get_person(tenant, pid)
            .await?
            .ok_or_else(|| not_found("person", pid))?;
        Ok(CaptureLead {
            first_name: person.first_name,
            last_name: person.last_name,
            phone: person.phone.unwrap_or_default(),
            email: person.email.unwrap_or_default(),
            source_channel: SourceChannel::CrossSell,
            store_id: deal.store_id,
            person_id: Some(pid),
            ..Default::default()
        })
    })
}
