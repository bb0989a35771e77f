//! New versions of Banco and the About screen (issue 14): where the
//! tenant's desks look for updates, checking and installing one.

use serde::{Deserialize, Serialize};

use super::Command;
use crate::model as m;

command! {
    /// What the About screen shows (any signed-in user).
    AboutDesk = "about_desk" {
    } -> m::AboutDesk
}

command! {
    /// Where the tenant's desks look for new versions (any signed-in user).
    UpdateServer = "update_server" {
    } -> m::UpdateServer
}

command! {
    /// Sets or (`None`) clears the update endpoint (admins). Errors:
    /// `Forbidden`; `Validation` on `update_endpoint` (`invalid_url`,
    /// `insecure_url`, `too_long`).
    SaveUpdateServer = "save_update_server" {
        endpoint: Option<String>,
    } -> m::UpdateServer
}

command! {
    /// Asks the tenant's update endpoint for a newer version: `None` when
    /// this is the newest. Errors: `Validation` on `update`
    /// (`no_update_server`: none is set; `update_unreachable`,
    /// `bad_manifest`, `no_build`: none for this kind of install;
    /// `not_installed`: this copy was not installed from an installer).
    CheckUpdate = "check_update" {
    } -> Option<m::UpdateOffer>
}

command! {
    /// Downloads the newest version (which must still be `version`),
    /// verifies its signature, installs it and restarts Banco. Sends
    /// `m::UPDATE_PROGRESS_EVENT` while downloading; answers only if it
    /// fails. Errors: `Validation` on `update` (`update_changed`: the
    /// server now offers another version; `bad_signature`: the artifact
    /// is not what the release key signed for that version;
    /// `install_failed`; and those of [`CheckUpdate`]).
    InstallUpdate = "install_update" {
        version: String,
    } -> ()
}

command! {
    /// Opens the folder of this desk's log files in the file manager
    /// (anyone, signed in or not). Errors: `Io` when it cannot be opened.
    OpenLogFolder = "open_log_folder" {
    } -> ()
}

command! {
    /// "Save diagnostics…": asks where (a save dialog) and writes the zip
    /// of `services::diagnostics` there (anyone, signed in or not: it holds
    /// nothing personal); `None` when the dialog was cancelled. Errors:
    /// `Io`.
    SaveDiagnostics = "save_diagnostics" {
    } -> Option<m::DiagnosticsSaved>
}

command! {
    /// Sets the desk's menu (Banco, Edit, Help with their shortcuts) in
    /// the window's language: the UI sends the words at start and when the
    /// language changes, with the language itself (`it`, `en`), which the
    /// core then writes in for people (spreadsheet headers). Choices come
    /// back as `m::MENU_EVENT`. Errors: `Validation` on `menu`
    /// (`too_long`).
    DeskMenu = "desk_menu" {
        labels: m::MenuLabels,
        #[serde(default)]
        language: String,
    } -> ()
}
