//! Tauri commands of deals, pipelines, campaigns, rules and KPIs: one thin
//! `async fn` per use case, like [`crate::commands`].

use std::sync::atomic::AtomicBool;

use banco::services::{campaigns, deal_import, deals, export, kpi, pipelines, rules};
use banco::wire::{self, Response};
use banco::Result;
use tauri::{Emitter, State};

use crate::commands::ImportProgress;
use crate::record_commands::save_export;
use crate::AppState;

/// Pipelines with their stages.
#[tauri::command]
pub async fn list_pipelines(
    state: State<'_, AppState>,
    req: wire::ListPipelines,
) -> Result<Response<wire::ListPipelines>> {
    let wire::ListPipelines {} = req;
    let (db, ctx) = state.acting().await?;
    pipelines::list(&db, &ctx).await
}

/// Creates a pipeline from (stage name, probability %) pairs.
#[tauri::command]
pub async fn create_pipeline(
    state: State<'_, AppState>,
    req: wire::CreatePipeline,
) -> Result<Response<wire::CreatePipeline>> {
    let wire::CreatePipeline { name, stages } = req;
    let (db, ctx) = state.acting().await?;
    pipelines::create(&db, &ctx, &name, &stages).await
}

/// Applies one edit to a pipeline.
#[tauri::command]
pub async fn edit_pipeline(
    state: State<'_, AppState>,
    req: wire::EditPipeline,
) -> Result<Response<wire::EditPipeline>> {
    let wire::EditPipeline { pipeline, change } = req;
    let (db, ctx) = state.acting().await?;
    pipelines::edit(&db, &ctx, pipeline, &change).await
}

/// The lost reasons.
#[tauri::command]
pub async fn lost_reasons(
    state: State<'_, AppState>,
    req: wire::LostReasons,
) -> Result<Response<wire::LostReasons>> {
    let wire::LostReasons {} = req;
    let (db, ctx) = state.acting().await?;
    pipelines::lost_reasons(&db, &ctx).await
}

/// Adds a lost reason.
#[tauri::command]
pub async fn add_lost_reason(
    state: State<'_, AppState>,
    req: wire::AddLostReason,
) -> Result<Response<wire::AddLostReason>> {
    let wire::AddLostReason { label } = req;
    let (db, ctx) = state.acting().await?;
    pipelines::add_lost_reason(&db, &ctx, &label).await
}

/// Campaigns.
#[tauri::command]
pub async fn list_campaigns(
    state: State<'_, AppState>,
    req: wire::ListCampaigns,
) -> Result<Response<wire::ListCampaigns>> {
    let wire::ListCampaigns {} = req;
    let (db, ctx) = state.acting().await?;
    campaigns::list(&db, &ctx).await
}

/// Creates or updates a campaign.
#[tauri::command]
pub async fn save_campaign(
    state: State<'_, AppState>,
    req: wire::SaveCampaign,
) -> Result<Response<wire::SaveCampaign>> {
    let wire::SaveCampaign { campaign } = req;
    let (db, ctx) = state.acting().await?;
    campaigns::save(&db, &ctx, &campaign).await
}

/// Conversion rules.
#[tauri::command]
pub async fn list_rules(
    state: State<'_, AppState>,
    req: wire::ListRules,
) -> Result<Response<wire::ListRules>> {
    let wire::ListRules {} = req;
    let (db, ctx) = state.acting().await?;
    rules::list(&db, &ctx).await
}

/// Creates or updates a conversion rule.
#[tauri::command]
pub async fn save_rule(
    state: State<'_, AppState>,
    req: wire::SaveRule,
) -> Result<Response<wire::SaveRule>> {
    let wire::SaveRule { rule } = req;
    let (db, ctx) = state.acting().await?;
    rules::save(&db, &ctx, &rule).await
}

/// Which rule would fire for a lead.
#[tauri::command]
pub async fn preview_rules(
    state: State<'_, AppState>,
    req: wire::PreviewRules,
) -> Result<Response<wire::PreviewRules>> {
    let wire::PreviewRules { lead, trigger } = req;
    let (db, ctx) = state.acting().await?;
    rules::preview(&db, &ctx, lead, trigger).await
}

/// A pipeline's board.
#[tauri::command]
pub async fn deal_board(
    state: State<'_, AppState>,
    req: wire::DealBoard,
) -> Result<Response<wire::DealBoard>> {
    let wire::DealBoard { filter, per_column } = req;
    let (db, ctx) = state.acting().await?;
    deals::board(&db, &ctx, &filter, per_column).await
}

/// More cards of a board column.
#[tauri::command]
pub async fn column_cards(
    state: State<'_, AppState>,
    req: wire::ColumnCards,
) -> Result<Response<wire::ColumnCards>> {
    let wire::ColumnCards {
        filter,
        stage,
        offset,
        limit,
    } = req;
    let (db, ctx) = state.acting().await?;
    deals::column_cards(&db, &ctx, &filter, stage, offset, limit).await
}

/// One page of the deal list.
#[tauri::command]
pub async fn list_deals(
    state: State<'_, AppState>,
    req: wire::ListDeals,
) -> Result<Response<wire::ListDeals>> {
    let wire::ListDeals { query } = req;
    let (db, ctx) = state.acting().await?;
    deals::list(&db, &ctx, &query).await
}

/// A deal's detail.
#[tauri::command]
pub async fn deal_detail(
    state: State<'_, AppState>,
    req: wire::DealDetail,
) -> Result<Response<wire::DealDetail>> {
    let wire::DealDetail { id } = req;
    let (db, ctx) = state.acting().await?;
    deals::detail(&db, &ctx, id).await
}

/// Opens a deal (by hand or from a lead).
#[tauri::command]
pub async fn create_deal(
    state: State<'_, AppState>,
    req: wire::CreateDeal,
) -> Result<Response<wire::CreateDeal>> {
    let wire::CreateDeal { deal } = req;
    let (db, ctx) = state.acting().await?;
    deals::create(&db, &ctx, deal).await
}

/// Moves, wins, loses or reopens a deal.
#[tauri::command]
pub async fn move_deal(
    state: State<'_, AppState>,
    req: wire::MoveDeal,
) -> Result<Response<wire::MoveDeal>> {
    let wire::MoveDeal { id, to } = req;
    let (db, ctx) = state.acting().await?;
    deals::move_deal(&db, &ctx, id, &to).await
}

/// Edits a deal's lines and terms.
#[tauri::command]
pub async fn update_deal(
    state: State<'_, AppState>,
    req: wire::UpdateDeal,
) -> Result<Response<wire::UpdateDeal>> {
    let wire::UpdateDeal { id, update } = req;
    let (db, ctx) = state.acting().await?;
    deals::update(&db, &ctx, id, &update).await
}

/// Links a customer (person and/or company) to a deal that has none.
#[tauri::command]
pub async fn link_deal_customer(
    state: State<'_, AppState>,
    req: wire::LinkDealCustomer,
) -> Result<Response<wire::LinkDealCustomer>> {
    let wire::LinkDealCustomer {
        id,
        person_id,
        company_id,
    } = req;
    let (db, ctx) = state.acting().await?;
    deals::link_customer(&db, &ctx, id, person_id, company_id).await
}

/// A capture form prefilled for a cross-sell lead from a deal's customer.
#[tauri::command]
pub async fn cross_sell(
    state: State<'_, AppState>,
    req: wire::CrossSell,
) -> Result<Response<wire::CrossSell>> {
    let wire::CrossSell { id } = req;
    let (db, ctx) = state.acting().await?;
    deals::cross_sell_template(&db, &ctx, id).await
}

/// Every KPI over a range.
#[tauri::command]
pub async fn kpi_report(
    state: State<'_, AppState>,
    req: wire::KpiReport,
) -> Result<Response<wire::KpiReport>> {
    let wire::KpiReport { range } = req;
    let (db, ctx) = state.acting().await?;
    kpi::report(&db, &ctx, range).await
}

/// Asks where to save one KPI table and writes it in the chosen format;
/// `None` if cancelled.
#[tauri::command]
pub async fn export_kpi_csv(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::ExportKpiCsv,
) -> Result<Response<wire::ExportKpiCsv>> {
    let wire::ExportKpiCsv {
        range,
        table,
        format,
    } = req;
    let (db, ctx) = state.acting().await?;
    let bytes = kpi::export(&db, &ctx, range, table, format).await?;
    let name = format!("banco-kpi-{}", table.as_str());
    save_export(&app, &name, format, bytes).await
}

/// Asks where to save the deals matching `filter` and writes them in the
/// chosen format.
#[tauri::command]
pub async fn export_deals_csv(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::ExportDealsCsv,
) -> Result<Response<wire::ExportDealsCsv>> {
    let wire::ExportDealsCsv { filter, format } = req;
    let (db, ctx) = state.acting().await?;
    let bytes = export::deals(&db, &ctx, &filter, format).await?;
    save_export(&app, "banco-trattative", format, bytes).await
}

/// Reads a deals CSV and proposes a mapping and date order.
#[tauri::command]
pub async fn deal_import_preview(
    state: State<'_, AppState>,
    req: wire::DealImportPreview,
) -> Result<Response<wire::DealImportPreview>> {
    let wire::DealImportPreview { path } = req;
    let path = state.picked_path(&path)?;
    let (_, ctx) = state.acting().await?;
    deal_import::preview(&path, ctx.region())
}

/// Runs a deals import, emitting `import-progress` events.
#[tauri::command]
pub async fn deal_import_run(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::DealImportRun,
) -> Result<Response<wire::DealImportRun>> {
    let wire::DealImportRun { request } = req;
    state.picked_path(&request.path)?;
    let (db, ctx) = state.acting().await?;
    let report = deal_import::run(
        &db,
        &ctx,
        &request,
        |done, total| {
            let _ = app.emit("import-progress", ImportProgress { done, total });
        },
        &AtomicBool::new(false),
    )
    .await;
    crate::outbox_commands::send_now(&state).await;
    report
}

/// The audit trail, newest first (admins; the core checks the role).
#[tauri::command]
pub async fn list_audit(
    state: State<'_, AppState>,
    req: wire::ListAudit,
) -> Result<Response<wire::ListAudit>> {
    let wire::ListAudit { limit, filter } = req;
    let limit = if limit == 0 { 200 } else { limit.min(1_000) };
    let (db, ctx) = state.acting().await?;
    banco::services::audit::list(&db, &ctx, &filter, limit).await
}

/// The audit trail as a spreadsheet, saved where the user chooses
/// (admins; the core checks the role and audits the export).
#[tauri::command]
pub async fn export_audit(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::ExportAudit,
) -> Result<Response<wire::ExportAudit>> {
    let wire::ExportAudit { filter, format } = req;
    let (db, ctx) = state.acting().await?;
    let bytes = banco::services::audit::export(&db, &ctx, &filter, format).await?;
    crate::record_commands::save_export(&app, "banco-registro", format, bytes).await
}
