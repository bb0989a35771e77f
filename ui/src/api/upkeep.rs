//! Keeping a desk going: the shop's backups, the About screen, and new
//! versions of Banco (where the desks look, check, install).

use banco::wire;
use banco::ErrorPayload;

use super::invoke;

pub async fn list_backups() -> Result<Vec<banco::model::BackupInfo>, ErrorPayload> {
    invoke(wire::ListBackups {}).await
}
pub async fn back_up_now() -> Result<Vec<banco::model::BackupInfo>, ErrorPayload> {
    invoke(wire::BackUpNow {}).await
}
pub async fn about_desk() -> Result<banco::model::AboutDesk, ErrorPayload> {
    invoke(wire::AboutDesk {}).await
}
pub async fn save_update_server(
    endpoint: Option<String>,
) -> Result<banco::model::UpdateServer, ErrorPayload> {
    invoke(wire::SaveUpdateServer { endpoint }).await
}
pub async fn check_update() -> Result<Option<banco::model::UpdateOffer>, ErrorPayload> {
    invoke(wire::CheckUpdate {}).await
}
pub async fn install_update(version: String) -> Result<(), ErrorPayload> {
    invoke(wire::InstallUpdate { version }).await
}
pub async fn open_log_folder() -> Result<(), ErrorPayload> {
    invoke(wire::OpenLogFolder {}).await
}
pub async fn save_diagnostics() -> Result<Option<banco::model::DiagnosticsSaved>, ErrorPayload> {
    invoke(wire::SaveDiagnostics {}).await
}
pub async fn backup_keep_days() -> Result<u32, ErrorPayload> {
    invoke(wire::BackupKeepDays {}).await
}
pub async fn set_backup_keep_days(days: u32) -> Result<u32, ErrorPayload> {
    invoke(wire::SetBackupKeepDays { days }).await
}
pub async fn restore_backup(file: String) -> Result<banco::model::BackupInfo, ErrorPayload> {
    invoke(wire::RestoreBackup { file }).await
}
pub async fn desk_menu(
    labels: banco::model::MenuLabels,
    language: String,
) -> Result<(), ErrorPayload> {
    invoke(wire::DeskMenu { labels, language }).await
}
