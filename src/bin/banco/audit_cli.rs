//! `banco audit`: the audit trail (issue 15), newest first, for admins:
//! who exported which list, when, in which format, how many rows, with
//! which filters (a typed search shown only as `true`).

use banco::services::{audit, Ctx};
use banco::store::Db;
use banco::Result;

use crate::output::{print_list, ListArgs};

/// The newest entries the trail keeps readable at once.
const READ: u32 = 10_000;

/// Runs `banco audit [--format table|json|csv] [--limit N] [--offset K]`.
///
/// Errors: [`banco::Error::Forbidden`] (`read_audit`) for anyone but an
/// admin.
pub async fn run(db: &Db, ctx: &Ctx, list: &ListArgs) -> Result<()> {
    let (rows, total) = list.page_of(audit::list(db, ctx, READ).await?);
    print_list(list, &rows, total, &[])
}
