//! Exports of the lists and of the KPI tables, in the format the user
//! picked (the shell asks where to save; `None` when cancelled).

use banco::model::{
    AuditEvent, AuditFilter, CompanyQuery, DealFilter, ExportFormat, KpiRange, KpiTable, LeadQuery,
};
use banco::wire;
use banco::ErrorPayload;

use super::invoke;

pub async fn export_kpi_csv(
    range: &KpiRange,
    table: KpiTable,
    format: ExportFormat,
) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::ExportKpiCsv {
        range: *range,
        table,
        format,
    })
    .await
}
pub async fn export_deals_csv(
    filter: &DealFilter,
    format: ExportFormat,
) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::ExportDealsCsv {
        filter: filter.clone(),
        format,
    })
    .await
}
pub async fn export_companies_csv(
    query: &CompanyQuery,
    format: ExportFormat,
) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::ExportCompaniesCsv {
        query: query.clone(),
        format,
    })
    .await
}
pub async fn export_leads_csv(
    query: &LeadQuery,
    format: ExportFormat,
) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::ExportLeadsCsv {
        query: query.clone(),
        format,
    })
    .await
}

/// The audit trail, newest first (admins).
pub async fn list_audit(limit: u32, filter: &AuditFilter) -> Result<Vec<AuditEvent>, ErrorPayload> {
    invoke(wire::ListAudit {
        limit,
        filter: filter.clone(),
    })
    .await
}

/// The audit trail as a spreadsheet (admins).
pub async fn export_audit(
    filter: &AuditFilter,
    format: ExportFormat,
) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::ExportAudit {
        filter: filter.clone(),
        format,
    })
    .await
}
