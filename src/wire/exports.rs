//! Exports of the lists and of the KPI tables (issue 15, item 6): each asks
//! where to save (the native dialog, never a path from the page) and
//! writes the file in the chosen [`m::ExportFormat`]; `None` when the user
//! cancels. The command names keep their historical `_csv` ending.

use serde::{Deserialize, Serialize};

use super::Command;
use crate::model as m;

command! {
    /// One KPI table of `range` (anyone signed in, over the records they
    /// may see). JSON is refused.
    ExportKpiCsv = "export_kpi_csv" {
        range: m::KpiRange,
        table: m::KpiTable,
        #[serde(default)]
        format: m::ExportFormat,
    } -> Option<String>
}

command! {
    /// The deals matching `filter` (managers). JSON is refused.
    ExportDealsCsv = "export_deals_csv" {
        filter: m::DealFilter,
        #[serde(default)]
        format: m::ExportFormat,
    } -> Option<String>
}

command! {
    /// The companies matching `query` (managers). JSON is refused.
    ExportCompaniesCsv = "export_companies_csv" {
        query: m::CompanyQuery,
        #[serde(default)]
        format: m::ExportFormat,
    } -> Option<String>
}

command! {
    /// The leads matching `query` (managers), JSON included.
    ExportLeadsCsv = "export_leads_csv" {
        query: m::LeadQuery,
        #[serde(default)]
        format: m::ExportFormat,
    } -> Option<String>
}

command! {
    /// The audit trail, newest first, at most `limit` entries (1–1,000;
    /// 0 means 200) matching `filter`: who exported which list or
    /// answered which GDPR request, when, how (admins).
    /// Errors: `Forbidden` (`read_audit`); `Validation` (`to`).
    ListAudit = "list_audit" {
        #[serde(default)]
        limit: u32,
        #[serde(default)]
        filter: m::AuditFilter,
    } -> Vec<m::AuditEvent>
}

command! {
    /// The audit trail's entries matching `filter` as a spreadsheet, saved
    /// where the user chooses (admins). JSON is refused.
    ExportAudit = "export_audit" {
        #[serde(default)]
        filter: m::AuditFilter,
        #[serde(default)]
        format: m::ExportFormat,
    } -> Option<String>
}
