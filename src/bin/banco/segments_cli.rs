//! `banco segment show|refresh|rules`: customer segments (VIP, regular,
//! new, at risk, dormant), their thresholds and a fresh classification.

use banco::model::SegmentRules;
use banco::services::{segments, Ctx};
use banco::store::Db;
use banco::Result;
use clap::Subcommand;

use crate::output::{print_one, OutFormat};

/// `banco segment …`
#[derive(Subcommand)]
pub enum SegmentCommand {
    /// People per segment now, the trend and the thresholds.
    Show,
    /// Classifies every customer now (store managers and admins).
    Refresh,
    /// Changes thresholds (each option given replaces one) and classifies
    /// again (store managers and admins).
    Rules {
        /// VIP: the top N percent by won value.
        #[arg(long)]
        vip_top_percent: Option<i32>,
        /// The days the won value is summed over.
        #[arg(long)]
        vip_period_days: Option<i32>,
        /// New: first won deal at most N days ago.
        #[arg(long)]
        new_days: Option<i32>,
        /// At risk: no purchase or contact for N days.
        #[arg(long)]
        at_risk_days: Option<i32>,
        /// Dormant: no purchase or contact for N days.
        #[arg(long)]
        dormant_days: Option<i32>,
    },
}

/// Runs `banco segment …`; prints the summary as JSON.
pub async fn run(db: &Db, ctx: &Ctx, command: SegmentCommand) -> Result<()> {
    let summary = match command {
        SegmentCommand::Show => segments::summary(db, ctx).await?,
        SegmentCommand::Refresh => segments::refresh(db, ctx).await?,
        SegmentCommand::Rules {
            vip_top_percent,
            vip_period_days,
            new_days,
            at_risk_days,
            dormant_days,
        } => {
            let now = segments::summary(db, ctx).await?.rules;
            let rules = SegmentRules {
                vip_top_percent: vip_top_percent.unwrap_or(now.vip_top_percent),
                vip_period_days: vip_period_days.unwrap_or(now.vip_period_days),
                new_days: new_days.unwrap_or(now.new_days),
                at_risk_days: at_risk_days.unwrap_or(now.at_risk_days),
                dormant_days: dormant_days.unwrap_or(now.dormant_days),
            };
            segments::save_rules(db, ctx, &rules).await?
        }
    };
    print_one(OutFormat::Json, &summary)
}
