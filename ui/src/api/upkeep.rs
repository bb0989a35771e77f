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
