//! The people-and-leads import: pick a file, preview and check its mapping, run it (with `import-progress` events), cancel it, save its report.

use banco::model::{FieldError, ImportField, ImportPreview, ImportReport, ImportRequest};
use banco::wire;
use banco::ErrorPayload;

use super::invoke;

pub async fn pick_csv_file() -> Result<Option<String>, ErrorPayload> {
    invoke(wire::PickCsvFile {}).await
}
pub async fn import_preview(path: &str) -> Result<ImportPreview, ErrorPayload> {
    invoke(wire::ImportPreview {
        path: path.to_string(),
    })
    .await
}
pub async fn import_check(
    path: &str,
    mapping: &[Option<ImportField>],
) -> Result<Vec<FieldError>, ErrorPayload> {
    invoke(wire::ImportCheck {
        path: path.to_string(),
        mapping: mapping.to_vec(),
    })
    .await
}
pub async fn import_run(request: &ImportRequest) -> Result<ImportReport, ErrorPayload> {
    invoke(wire::ImportRun {
        request: request.clone(),
    })
    .await
}
pub async fn save_import_report(report: &ImportReport) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::SaveImportReport {
        report: report.clone(),
    })
    .await
}
/// Asks the running import to stop; it rolls back and answers `cancelled`.
pub async fn cancel_import() -> Result<(), ErrorPayload> {
    invoke(wire::CancelImport {}).await
}
