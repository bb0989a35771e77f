//! `banco automation list|set|run|runs`: rules that create calls for the
//! deal's owner (welcome, renewal, re-engagement), never messages.

use banco::model::{AutomationKind, Segment};
use banco::services::{automations, Ctx};
use banco::store::Db;
use banco::Result;
use clap::Subcommand;
use uuid::Uuid;

use crate::output::{print_one, OutFormat};
use crate::parse;

/// `banco automation …`
#[derive(Subcommand)]
pub enum AutomationCommand {
    /// The rules, one per kind.
    List,
    /// Changes one rule (store managers and admins); each option given
    /// replaces that setting.
    Set {
        /// welcome_call, renewal_reminder, re_engagement or birthday_greeting.
        kind: String,
        /// Whether the daily run applies it: true or false.
        #[arg(long)]
        active: Option<bool>,
        /// Days after the first win, before the end, until the call.
        #[arg(long)]
        days: Option<i32>,
        /// Only customers of this segment ("" for all).
        #[arg(long)]
        segment: Option<String>,
        /// Only deals of this pipeline.
        #[arg(long)]
        pipeline: Option<Uuid>,
        /// Only deals of this store.
        #[arg(long)]
        store: Option<Uuid>,
    },
    /// Applies every active rule now (store managers and admins).
    Run,
    /// The newest runs and what they made.
    Runs,
}

/// Runs `banco automation …`; prints JSON.
pub async fn run(db: &Db, ctx: &Ctx, command: AutomationCommand) -> Result<()> {
    match command {
        AutomationCommand::List => print_one(OutFormat::Json, &automations::rules(db, ctx).await?),
        AutomationCommand::Set {
            kind,
            active,
            days,
            segment,
            pipeline,
            store,
        } => {
            let kind = parse(AutomationKind::parse(&kind, "kind"))?;
            let rules = automations::rules(db, ctx).await?;
            let mut rule = rules
                .into_iter()
                .find(|r| r.kind == kind)
                .unwrap_or_else(|| banco::model::AutomationRule::default_for(kind));
            rule.active = active.unwrap_or(rule.active);
            rule.days = days.unwrap_or(rule.days);
            if let Some(s) = segment {
                rule.segment = match s.trim() {
                    "" => None,
                    s => Some(parse(Segment::parse(s, "segment"))?),
                };
            }
            rule.pipeline_id = pipeline.or(rule.pipeline_id);
            rule.store_id = store.or(rule.store_id);
            print_one(
                OutFormat::Json,
                &automations::save_rule(db, ctx, &rule).await?,
            )
        }
        AutomationCommand::Run => print_one(OutFormat::Json, &automations::run(db, ctx).await?),
        AutomationCommand::Runs => {
            print_one(OutFormat::Json, &automations::runs(db, ctx, 50).await?)
        }
    }
}
