//! Contracts after the sale (issue 16): the Customers list, the contracts
//! list, a contract's detail, the back office's edit of its terms and
//! identifiers, and its lifecycle moves. Each change checks the acting
//! user's right on the contract's deal ([`Ctx::require_deal_access`]) and
//! lands in the contract's history.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{now, Ctx};
use crate::model::{
    Contract, ContractDetail, ContractEdit, ContractEvent, ContractEventKind, ContractFilter,
    ContractListItem, ContractMove, ContractStatus, CustomerListItem, FieldError, Page,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Longest reason accepted for a status change, in characters.
pub const MAX_REASON_CHARS: usize = 500;

fn not_found(id: Uuid) -> Error {
    Error::NotFound {
        entity: "contract",
        id: id.to_string(),
    }
}

fn event(
    contract: &Contract,
    kind: ContractEventKind,
    ctx: &Ctx,
    at: DateTime<Utc>,
) -> ContractEvent {
    ContractEvent {
        id: Uuid::now_v7(),
        contract_id: contract.id,
        kind,
        from_status: None,
        to_status: None,
        detail: None,
        user_id: Some(ctx.user.id),
        user_name: None,
        at,
    }
}

/// Records a won deal's new contract and its `created` history entry, in
/// the caller's transaction.
pub(crate) async fn open_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    contract: &Contract,
    at: DateTime<Utc>,
) -> Result<()> {
    let tenant = ctx.tenant_id();
    c.insert_contract(tenant, contract, at).await?;
    let mut e = event(contract, ContractEventKind::Created, ctx, at);
    e.to_status = Some(contract.status);
    c.insert_contract_event(tenant, contract.deal_id, &e).await
}

/// The contract `id` and its list columns, if the acting user sees its deal.
async fn item_in(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<ContractListItem> {
    let item = c
        .contract_item(ctx.tenant_id(), id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if super::context::hidden_record(c, ctx, item.contract.deal_id)
        .await?
        .is_some()
    {
        return Err(not_found(id));
    }
    Ok(item)
}

async fn detail_in(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<ContractDetail> {
    let item = item_in(c, ctx, id).await?;
    let events = c.contract_events(ctx.tenant_id(), id).await?;
    let status = item.contract.status;
    Ok(ContractDetail {
        missing_for_activation: item.contract.missing_for_activation(),
        next: ContractStatus::ALL
            .iter()
            .copied()
            .filter(|to| status.can_move_to(*to))
            .collect(),
        item,
        events,
    })
}

/// One contract: its list columns, history, what its activation still
/// lacks and where it may move.
///
/// Errors: [`Error::NotFound`] (`contract`) for an unknown id or one whose
/// deal the acting user may not see.
pub async fn detail(db: &Db, ctx: &Ctx, id: Uuid) -> Result<ContractDetail> {
    with_conn!(db, |c| detail_in(c, ctx, id).await)
}

/// The contracts list: `filter` within the deals the acting user sees,
/// newest signed first.
///
/// Errors: [`Error::Validation`] `renews_in` (`invalid_month`).
pub async fn list(db: &Db, ctx: &Ctx, filter: &ContractFilter) -> Result<Page<ContractListItem>> {
    let renewal = filter
        .renewal_window()
        .map_err(|e| Error::Validation(vec![e]))?;
    let scope = ctx.record_scope();
    with_conn!(db, |c| c
        .list_contracts(ctx.tenant_id(), filter, renewal, &scope)
        .await)
}

/// The Customers list: companies, and people without a company, with at
/// least one contract matching `filter` within the deals the acting user
/// sees, by name.
///
/// Errors: [`Error::Validation`] `renews_in` (`invalid_month`).
pub async fn customers(
    db: &Db,
    ctx: &Ctx,
    filter: &ContractFilter,
) -> Result<Page<CustomerListItem>> {
    let renewal = filter
        .renewal_window()
        .map_err(|e| Error::Validation(vec![e]))?;
    let scope = ctx.record_scope();
    with_conn!(db, |c| c
        .list_customers(
            ctx.tenant_id(),
            filter,
            renewal,
            &scope,
            crate::store::contracts::GROUP_ALL_UP_TO
        )
        .await)
}

/// Loads a contract for a change: it must exist, be visible, its deal
/// changeable by the acting user and, when the change names the version it
/// is based on, still at that version.
async fn for_change(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    id: Uuid,
    based_on: Option<i64>,
) -> Result<Contract> {
    let item = item_in(c, ctx, id).await?;
    ctx.require_record_access(item.owner_id, item.store_id, "edit_contract")?;
    if based_on.is_some_and(|v| v != item.contract.version) {
        return Err(conflict(c, ctx, id).await);
    }
    Ok(item.contract)
}

/// Writes `k` if nobody changed it since it was read; else the conflict.
async fn write(c: &mut Conn<'_>, ctx: &Ctx, k: &Contract, at: DateTime<Utc>) -> Result<()> {
    if c.update_contract(ctx.tenant_id(), k, at).await? {
        Ok(())
    } else {
        Err(conflict(c, ctx, k.id).await)
    }
}

/// The conflict error for contract `id`, naming who made its latest
/// change when that can be read.
async fn conflict(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Error {
    let by = match detail_in(c, ctx, id).await {
        Ok(d) => d.events.into_iter().next().and_then(|e| e.user_name),
        Err(_) => None,
    };
    Error::Conflict {
        entity: "contract",
        id: id.to_string(),
        by,
    }
}

/// The names of the fields `after` changed from `before`, for the history.
fn changed_fields(before: &Contract, after: &Contract) -> Vec<&'static str> {
    [
        ("kind", before.kind == after.kind),
        (
            "duration_months",
            before.duration_months == after.duration_months,
        ),
        ("tacit_renewal", before.tacit_renewal == after.tacit_renewal),
        ("notice_days", before.notice_days == after.notice_days),
        (
            "payment_method",
            before.payment_method == after.payment_method,
        ),
        ("iban", before.iban == after.iban),
        ("pod", before.pod == after.pod),
        ("pdr", before.pdr == after.pdr),
        ("msisdn", before.msisdn == after.msisdn),
        ("iccid", before.iccid == after.iccid),
        ("portability", before.portability == after.portability),
        (
            "migration_code",
            before.migration_code == after.migration_code,
        ),
    ]
    .into_iter()
    .filter(|(_, same)| !same)
    .map(|(name, _)| name)
    .collect()
}

/// Changes a contract's kind, term, renewal, payment and identifiers
/// ([`ContractEdit::apply`], mobile numbers read in the tenant's region).
/// The history names the fields changed (never their values: an IBAN
/// stays out of it). An edit that changes nothing writes nothing.
///
/// Errors: [`Error::NotFound`]; [`Error::Forbidden`] (`edit_contract`);
/// [`Error::Conflict`] when the contract changed since [`ContractEdit::version`];
/// [`Error::Validation`] with every bad field.
pub async fn edit(db: &Db, ctx: &Ctx, id: Uuid, edit: &ContractEdit) -> Result<ContractDetail> {
    with_tx!(db, |c| {
        let before = for_change(c, ctx, id, edit.version).await?;
        let after = edit
            .apply(&before, ctx.region())
            .map_err(Error::Validation)?;
        let changed = changed_fields(&before, &after);
        if !changed.is_empty() {
            let at = now();
            write(c, ctx, &after, at).await?;
            let mut e = event(&after, ContractEventKind::Edited, ctx, at);
            e.detail = Some(changed.join(", "));
            c.insert_contract_event(ctx.tenant_id(), after.deal_id, &e)
                .await?;
        }
        detail_in(c, ctx, id).await
    })
}

/// Moves a contract along its lifecycle ([`ContractStatus::can_move_to`]):
/// - to `activation_requested` only when nothing is missing
///   ([`Contract::missing_for_activation`]);
/// - to `active` from `activation_requested` sets the activation day
///   (`on`, else today) and the term end from it;
/// - to `ceased` sets the end day (`on`, else today);
/// - a reason where [`ContractStatus::needs_reason`] asks for one.
///
/// `on` may not be before the signing day nor after today.
///
/// Errors: [`Error::NotFound`]; [`Error::Forbidden`] (`edit_contract`);
/// [`Error::Conflict`] when the contract changed since [`ContractMove::version`];
/// [`Error::Validation`]: `status` (`illegal_contract_move`, with `from` and
/// `to`), `reason` (`reason_required`, `too_long`), `on`
/// (`out_of_range`), or the missing identifiers
/// (`required_for_activation`).
pub async fn move_contract(
    db: &Db,
    ctx: &Ctx,
    id: Uuid,
    mv: &ContractMove,
) -> Result<ContractDetail> {
    with_tx!(db, |c| {
        let mut k = for_change(c, ctx, id, mv.version).await?;
        let from = k.status;
        if !from.can_move_to(mv.to) {
            return Err(Error::Validation(vec![FieldError::new(
                "status",
                "illegal_contract_move",
            )
            .with("from", from.as_str())
            .with("to", mv.to.as_str())]));
        }
        let reason = mv
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        if from.needs_reason(mv.to) && reason.is_none() {
            return Err(Error::field("reason", "reason_required"));
        }
        if reason
            .as_ref()
            .is_some_and(|r| r.chars().count() > MAX_REASON_CHARS)
        {
            return Err(Error::Validation(vec![FieldError::new(
                "reason", "too_long",
            )
            .with("max", MAX_REASON_CHARS.to_string())]));
        }
        let at = now();
        let today = at.date_naive();
        let on = mv.on.unwrap_or(today);
        if on < k.start_date || on > today {
            return Err(Error::Validation(vec![FieldError::new(
                "on",
                "out_of_range",
            )
            .with("min", k.start_date.to_string())
            .with("max", today.to_string())]));
        }
        match mv.to {
            ContractStatus::ActivationRequested => {
                let missing = k.missing_for_activation();
                if !missing.is_empty() {
                    return Err(Error::Validation(missing));
                }
            }
            ContractStatus::Active if from == ContractStatus::ActivationRequested => {
                k.activated_on = Some(on);
                k.ends_on = k.term_end();
            }
            ContractStatus::Ceased => k.ended_on = Some(on),
            _ => {}
        }
        k.status = mv.to;
        if reason.is_some() {
            k.status_reason = reason.clone();
        }
        write(c, ctx, &k, at).await?;
        let mut e = event(&k, ContractEventKind::StatusChanged, ctx, at);
        e.from_status = Some(from);
        e.to_status = Some(mv.to);
        e.detail = reason;
        c.insert_contract_event(ctx.tenant_id(), k.deal_id, &e)
            .await?;
        detail_in(c, ctx, id).await
    })
}

/// After an activation ticket on a contract closes: a contract waiting for
/// its activation (`activation_requested`) becomes `active` today, with
/// the ticket named in its history; any other contract is left as it is
/// (its back office moves it by hand). In the caller's transaction.
pub(crate) async fn activated_by_ticket(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    ticket: &crate::model::Ticket,
    at: DateTime<Utc>,
) -> Result<()> {
    if ticket.kind != crate::model::TicketKind::Activation {
        return Ok(());
    }
    let Some(id) = ticket.contract_id else {
        return Ok(());
    };
    let Some(item) = c.contract_item(ctx.tenant_id(), id).await? else {
        return Ok(());
    };
    let mut k = item.contract;
    if k.status != ContractStatus::ActivationRequested {
        return Ok(());
    }
    k.status = ContractStatus::Active;
    k.activated_on = Some(at.date_naive().max(k.start_date));
    k.ends_on = k.term_end();
    write(c, ctx, &k, at).await?;
    let mut e = event(&k, ContractEventKind::StatusChanged, ctx, at);
    e.from_status = Some(ContractStatus::ActivationRequested);
    e.to_status = Some(ContractStatus::Active);
    e.detail = Some(ticket.title.clone());
    c.insert_contract_event(ctx.tenant_id(), k.deal_id, &e)
        .await
}
