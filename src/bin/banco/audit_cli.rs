//! `banco audit`: the audit trail (issue 15), newest first, for admins:
//! who exported which list or answered which GDPR request, when, in which
//! format, how many rows, with which filters (a typed search shown only as
//! `true`); narrowed by period, user and action.

use banco::model::AuditFilter;
use banco::services::{audit, Ctx};
use banco::store::Db;
use banco::Result;
use chrono::{NaiveDate, TimeZone};
use uuid::Uuid;

use crate::output::{print_list, ListArgs};

/// The newest entries the trail keeps readable at once.
const READ: u32 = 10_000;

/// `banco audit`'s options.
#[derive(clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    list: ListArgs,
    /// From this day on (YYYY-MM-DD, Italian time).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Up to this day, included (YYYY-MM-DD, Italian time).
    #[arg(long)]
    to: Option<NaiveDate>,
    /// By this user (id).
    #[arg(long)]
    user: Option<Uuid>,
    /// export, gdpr_access, gdpr_erasure, gdpr_objection or gdpr_retention.
    #[arg(long)]
    action: Option<String>,
}

/// The start of `day` in Italy, as UTC.
fn start_of(day: NaiveDate) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono_tz::Europe::Rome
        .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// Runs `banco audit [--from DAY] [--to DAY] [--user ID] [--action A]
/// [--format table|json|csv] [--limit N] [--offset K]`.
///
/// Errors: [`banco::Error::Forbidden`] (`read_audit`) for anyone but an
/// admin; `to` (`before_start`).
pub async fn run(db: &Db, ctx: &Ctx, args: &AuditArgs) -> Result<()> {
    let filter = AuditFilter {
        from: args.from.and_then(start_of),
        to: args.to.and_then(|d| d.succ_opt()).and_then(start_of),
        user_id: args.user,
        action: args.action.clone(),
    };
    let (rows, total) = args
        .list
        .page_of(audit::list(db, ctx, &filter, READ).await?);
    print_list(&args.list, &rows, total, &[])
}
