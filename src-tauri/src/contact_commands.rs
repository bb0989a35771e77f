//! Tauri commands of calls, contact rules and meetings: one thin `async fn`
//! per use case, like [`crate::commands`]. Two things only the shell can
//! do live here: the meeting window ([`open_meeting_window`]: Jitsi's
//! IFrame API in a Tauri window, camera and microphone allowed, the
//! meeting ended when the window closes) and the `.ics` save dialog.
//! Dialling is done by the UI through the opener plugin, whose permission
//! is scoped to `tel:`, `sip:` and `callto:` URLs (capabilities/default.json).

use banco::model::{MeetingJoin, MeetingStatus};
use banco::services::{calls, contact_policy, meeting_keys, meetings, Ctx};
use banco::store::keychain::OsKeychain;
use banco::wire::{self, Response};
use banco::{Error, Result};
use std::sync::Arc;

use tauri::webview::{PermissionKind, PermissionResponse};
use tauri::{AppHandle, Emitter, Manager, State, WebviewUrl, WebviewWindowBuilder};
use uuid::Uuid;

use crate::{csp, AppState};

/// The tenant's contact policy and do-not-call list.
#[tauri::command]
pub async fn contact_settings(
    state: State<'_, AppState>,
    req: wire::ContactSettings,
) -> Result<Response<wire::ContactSettings>> {
    let wire::ContactSettings {} = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::settings(&db, &ctx).await
}

/// Saves the contact policy.
#[tauri::command]
pub async fn save_contact_settings(
    state: State<'_, AppState>,
    req: wire::SaveContactSettings,
) -> Result<Response<wire::SaveContactSettings>> {
    let wire::SaveContactSettings { settings } = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::save_settings(&db, &ctx, &settings).await
}

/// Adds a number to the do-not-call list.
#[tauri::command]
pub async fn add_do_not_call(
    state: State<'_, AppState>,
    req: wire::AddDoNotCall,
) -> Result<Response<wire::AddDoNotCall>> {
    let wire::AddDoNotCall { phone, reason } = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::add_do_not_call(&db, &ctx, &phone, reason.as_deref()).await
}

/// Removes a number from the do-not-call list.
#[tauri::command]
pub async fn remove_do_not_call(
    state: State<'_, AppState>,
    req: wire::RemoveDoNotCall,
) -> Result<Response<wire::RemoveDoNotCall>> {
    let wire::RemoveDoNotCall { phone } = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::remove_do_not_call(&db, &ctx, &phone).await
}

/// Every stage playbook.
#[tauri::command]
pub async fn stage_playbooks(
    state: State<'_, AppState>,
    req: wire::StagePlaybooks,
) -> Result<Response<wire::StagePlaybooks>> {
    let wire::StagePlaybooks {} = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::stage_playbooks(&db, &ctx).await
}

/// Saves a stage's playbook.
#[tauri::command]
pub async fn save_stage_playbook(
    state: State<'_, AppState>,
    req: wire::SaveStagePlaybook,
) -> Result<Response<wire::SaveStagePlaybook>> {
    let wire::SaveStagePlaybook { stage, playbook } = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::save_stage_playbook(&db, &ctx, stage, &playbook).await
}

/// Every campaign cadence.
#[tauri::command]
pub async fn campaign_cadences(
    state: State<'_, AppState>,
    req: wire::CampaignCadences,
) -> Result<Response<wire::CampaignCadences>> {
    let wire::CampaignCadences {} = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::campaign_cadences(&db, &ctx).await
}

/// Saves a campaign's cadence.
#[tauri::command]
pub async fn save_campaign_cadence(
    state: State<'_, AppState>,
    req: wire::SaveCampaignCadence,
) -> Result<Response<wire::SaveCampaignCadence>> {
    let wire::SaveCampaignCadence { campaign, cadence } = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::save_campaign_cadence(&db, &ctx, campaign, &cadence).await
}

/// A person's contact preferences.
#[tauri::command]
pub async fn contact_preferences(
    state: State<'_, AppState>,
    req: wire::ContactPreferences,
) -> Result<Response<wire::ContactPreferences>> {
    let wire::ContactPreferences { person } = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::preferences(&db, &ctx, person).await
}

/// Saves a person's contact preferences.
#[tauri::command]
pub async fn save_contact_preferences(
    state: State<'_, AppState>,
    req: wire::SaveContactPreferences,
) -> Result<Response<wire::SaveContactPreferences>> {
    let wire::SaveContactPreferences {
        person,
        preferences,
    } = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::save_preferences(&db, &ctx, person, &preferences).await
}

/// How the current user's call button dials.
#[tauri::command]
pub async fn dial_scheme(
    state: State<'_, AppState>,
    req: wire::DialScheme,
) -> Result<Response<wire::DialScheme>> {
    let wire::DialScheme {} = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::dial_scheme(&db, &ctx).await
}

/// Sets how the current user's call button dials.
#[tauri::command]
pub async fn set_dial_scheme(
    state: State<'_, AppState>,
    req: wire::SetDialScheme,
) -> Result<Response<wire::SetDialScheme>> {
    let wire::SetDialScheme { scheme } = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::set_dial_scheme(&db, &ctx, scheme).await
}

/// Whether a record may be contacted now on a channel.
#[tauri::command]
pub async fn check_contact(
    state: State<'_, AppState>,
    req: wire::CheckContact,
) -> Result<Response<wire::CheckContact>> {
    let wire::CheckContact {
        entity_type,
        entity_id,
        channel,
        purpose,
    } = req;
    let (db, ctx) = state.acting().await?;
    contact_policy::check(&db, &ctx, entity_type, entity_id, channel, purpose).await
}

/// Starts a call (the UI then opens `dial_url` through the opener plugin).
#[tauri::command]
pub async fn start_call(
    state: State<'_, AppState>,
    req: wire::StartCall,
) -> Result<Response<wire::StartCall>> {
    let wire::StartCall { call } = req;
    let (db, ctx) = state.acting().await?;
    calls::start(&db, &ctx, &call).await
}

/// Starts a message (SMS, WhatsApp, e-mail): the UI then opens `open_url`
/// through the opener plugin.
#[tauri::command]
pub async fn start_message(
    state: State<'_, AppState>,
    req: wire::StartMessage,
) -> Result<Response<wire::StartMessage>> {
    let wire::StartMessage { message } = req;
    let (db, ctx) = state.acting().await?;
    calls::start_message(&db, &ctx, &message).await
}

/// Records a call's outcome.
#[tauri::command]
pub async fn record_call_outcome(
    state: State<'_, AppState>,
    req: wire::RecordCallOutcome,
) -> Result<Response<wire::RecordCallOutcome>> {
    let wire::RecordCallOutcome { id, outcome } = req;
    let (db, ctx) = state.acting().await?;
    calls::record_outcome(&db, &ctx, id, &outcome).await
}

/// The current user's calls waiting for an outcome.
#[tauri::command]
pub async fn pending_calls(
    state: State<'_, AppState>,
    req: wire::PendingCalls,
) -> Result<Response<wire::PendingCalls>> {
    let wire::PendingCalls {} = req;
    let (db, ctx) = state.acting().await?;
    calls::pending(&db, &ctx).await
}

/// People with this number, for an inbound call.
#[tauri::command]
pub async fn find_caller(
    state: State<'_, AppState>,
    req: wire::FindCaller,
) -> Result<Response<wire::FindCaller>> {
    let wire::FindCaller { phone } = req;
    let (db, ctx) = state.acting().await?;
    calls::find_caller(&db, &ctx, &phone).await
}

/// Logs an inbound call.
#[tauri::command]
pub async fn log_inbound_call(
    state: State<'_, AppState>,
    req: wire::LogInboundCall,
) -> Result<Response<wire::LogInboundCall>> {
    let wire::LogInboundCall { call } = req;
    let (db, ctx) = state.acting().await?;
    calls::log_inbound(&db, &ctx, &call).await
}

/// A record's interactions.
#[tauri::command]
pub async fn interactions(
    state: State<'_, AppState>,
    req: wire::Interactions,
) -> Result<Response<wire::Interactions>> {
    let wire::Interactions {
        entity_type,
        entity_id,
    } = req;
    let (db, ctx) = state.acting().await?;
    calls::interactions(&db, &ctx, entity_type, entity_id).await
}

/// The "to call" queue.
#[tauri::command]
pub async fn call_queue(
    state: State<'_, AppState>,
    req: wire::CallQueue,
) -> Result<Response<wire::CallQueue>> {
    let wire::CallQueue {} = req;
    let (db, ctx) = state.acting().await?;
    calls::queue(&db, &ctx).await
}

/// Schedules a meeting.
#[tauri::command]
pub async fn schedule_meeting(
    state: State<'_, AppState>,
    req: wire::ScheduleMeeting,
) -> Result<Response<wire::ScheduleMeeting>> {
    let wire::ScheduleMeeting { meeting } = req;
    let (db, ctx) = state.acting().await?;
    meetings::schedule(&db, &ctx, &meeting).await
}

/// Meetings starting in `[from, to)`.
#[tauri::command]
pub async fn list_meetings(
    state: State<'_, AppState>,
    req: wire::ListMeetings,
) -> Result<Response<wire::ListMeetings>> {
    let wire::ListMeetings { from, to } = req;
    let (db, ctx) = state.acting().await?;
    meetings::between(&db, &ctx, from, to).await
}

/// Meetings of one record.
#[tauri::command]
pub async fn record_meetings(
    state: State<'_, AppState>,
    req: wire::RecordMeetings,
) -> Result<Response<wire::RecordMeetings>> {
    let wire::RecordMeetings {
        entity_type,
        entity_id,
    } = req;
    let (db, ctx) = state.acting().await?;
    meetings::of_record(&db, &ctx, entity_type, entity_id).await
}

/// Joins a meeting and opens its window, or the system browser on a
/// server that ends embedded meetings (`MeetingJoin::in_browser`).
#[tauri::command]
pub async fn join_meeting(
    app: AppHandle,
    state: State<'_, AppState>,
    req: wire::JoinMeeting,
) -> Result<Response<wire::JoinMeeting>> {
    let wire::JoinMeeting { id, labels } = req;
    let (db, ctx) = state.acting().await?;
    let joined = meetings::join(&db, &ctx, &OsKeychain, id).await?;
    if joined.in_browser {
        // meet.jit.si ends embedded meetings after five minutes: the
        // system browser holds this one; the user ends it in Banco.
        use tauri_plugin_opener::OpenerExt;
        app.opener()
            .open_url(joined.meeting.url(), None::<&str>)
            .map_err(|e| Error::Io {
                path: joined.meeting.url(),
                source: std::io::Error::other(e.to_string()),
            })?;
    } else {
        open_meeting_window(&app, &joined, &labels.unwrap_or_default(), db, ctx)?;
    }
    Ok(joined)
}

/// Ends a meeting (the End button; closing its window does the same).
#[tauri::command]
pub async fn end_meeting(
    app: AppHandle,
    state: State<'_, AppState>,
    req: wire::EndMeeting,
) -> Result<Response<wire::EndMeeting>> {
    let wire::EndMeeting { id, labels } = req;
    let (db, ctx) = state.acting().await?;
    let was_ended = meetings::get(&db, &ctx, id).await?.status == MeetingStatus::Ended;
    let ended = meetings::end(&db, &ctx, id, &labels.unwrap_or_default()).await?;
    match app.get_webview_window(&window_label(id)) {
        // Its Destroyed handler tells the main window (the note dialog).
        Some(w) => {
            let _ = w.close();
        }
        // A meeting held in the system browser has no window to close.
        None if !was_ended => {
            let _ = app.emit_to("main", "meeting-ended", ended.clone());
        }
        None => {}
    }
    Ok(ended)
}

/// Cancels a meeting.
#[tauri::command]
pub async fn cancel_meeting(
    state: State<'_, AppState>,
    req: wire::CancelMeeting,
) -> Result<Response<wire::CancelMeeting>> {
    let wire::CancelMeeting { id, reason } = req;
    let (db, ctx) = state.acting().await?;
    meetings::cancel(&db, &ctx, id, reason.as_deref()).await
}

/// Saves the meeting's invitation as an `.ics` file (a save dialog).
#[tauri::command]
pub async fn save_meeting_ics(
    app: AppHandle,
    state: State<'_, AppState>,
    req: wire::SaveMeetingIcs,
) -> Result<Response<wire::SaveMeetingIcs>> {
    let wire::SaveMeetingIcs { id } = req;
    let (db, ctx) = state.acting().await?;
    let text = meetings::ics(&db, &ctx, &OsKeychain, id).await?;
    crate::record_commands::save_bytes(
        &app,
        Some(("iCalendar", &["ics"])),
        "riunione.ics",
        text.into_bytes(),
    )
    .await
}

/// The customer's link to a meeting, for the clipboard.
#[tauri::command]
pub async fn meeting_invitation_link(
    state: State<'_, AppState>,
    req: wire::MeetingInvitationLink,
) -> Result<Response<wire::MeetingInvitationLink>> {
    let (db, ctx) = state.acting().await?;
    meetings::invitation_link(&db, &ctx, &OsKeychain, req.id).await
}

/// Whether this desk keeps the meeting server's key.
#[tauri::command]
pub async fn meeting_key_status(
    state: State<'_, AppState>,
    _req: wire::MeetingKeyStatus,
) -> Result<Response<wire::MeetingKeyStatus>> {
    let (db, ctx) = state.acting().await?;
    meeting_keys::key_status(&db, &ctx, &OsKeychain).await
}

/// Keeps the meeting server's key in this desk's OS keychain (admins;
/// the core checks the role and the key).
#[tauri::command]
pub async fn save_meeting_key(
    state: State<'_, AppState>,
    req: wire::SaveMeetingKey,
) -> Result<Response<wire::SaveMeetingKey>> {
    let (db, ctx) = state.acting().await?;
    meeting_keys::save_key(&db, &ctx, &OsKeychain, &req.key).await
}

/// Deletes this desk's meeting server key (admins).
#[tauri::command]
pub async fn forget_meeting_key(
    state: State<'_, AppState>,
    _req: wire::ForgetMeetingKey,
) -> Result<Response<wire::ForgetMeetingKey>> {
    let (db, ctx) = state.acting().await?;
    meeting_keys::forget_key(&db, &ctx, &OsKeychain).await
}

/// The label of a meeting's window.
fn window_label(id: Uuid) -> String {
    format!("meeting-{}", id.simple())
}

/// Opens (or focuses) the meeting window: `meeting/meeting.html` from the UI's
/// files, which loads the server's `external_api.js` and starts Jitsi's
/// IFrame API on the room. Camera, microphone and screen sharing are
/// allowed for this window only (WebKitGTK, WebView2 and WKWebView
/// through Tauri's permission handler; WebKitGTK also needs media streams
/// and WebRTC switched on). When the window is closed the meeting ends
/// (duration, meeting note) and the main window gets `meeting-ended`.
fn open_meeting_window(
    app: &AppHandle,
    joined: &MeetingJoin,
    labels: &banco::model::MeetingLabels,
    db: banco::store::Db,
    ctx: Ctx,
) -> Result<()> {
    let label = window_label(joined.meeting.id);
    if let Some(w) = app.get_webview_window(&label) {
        let _ = w.set_focus();
        return Ok(());
    }
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("base", &joined.base_url)
        .append_pair("host", &joined.host)
        .append_pair("room", &joined.meeting.room)
        .append_pair("name", &joined.display_name)
        .append_pair("title", &joined.meeting.title)
        .append_pair("msg_loading", &labels.loading)
        .append_pair("msg_unreachable", &labels.unreachable)
        .append_pair("jwt", joined.jwt.as_deref().unwrap_or(""))
        .append_pair("msg_in_call", &labels.in_call)
        .append_pair("msg_server_ended", &labels.server_ended)
        .append_pair("msg_token_refused", &labels.token_refused)
        .append_pair("msg_token_expired", &labels.token_expired)
        .finish();
    let shell_error = |e: tauri::Error| Error::Io {
        path: "meeting window".into(),
        source: std::io::Error::other(e.to_string()),
    };
    // The page may load Jitsi from this server only (its origin joins the
    // meeting page's CSP; the server came from the core, not the page).
    let origins = app.state::<Arc<csp::MeetingOrigins>>().inner().clone();
    if origins.allow(&joined.base_url).is_none() {
        tracing::warn!("meeting server {} is not a web address", joined.base_url);
    }
    let window = WebviewWindowBuilder::new(
        app,
        &label,
        WebviewUrl::App(format!("meeting/meeting.html?{query}").into()),
    )
    .on_web_resource_request(csp::handler(origins))
    .title(format!("Banco — {}", joined.meeting.title))
    .inner_size(1024.0, 700.0)
    .on_permission_request(|_, kind| match kind {
        PermissionKind::Camera | PermissionKind::Microphone | PermissionKind::DisplayCapture => {
            PermissionResponse::Allow
        }
        _ => PermissionResponse::Deny,
    })
    .build()
    .map_err(shell_error)?;
    #[cfg(target_os = "linux")]
    {
        let _ = window.with_webview(|webview| {
            use webkit2gtk::{SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_enable_media_stream(true);
                settings.set_enable_webrtc(true);
                settings.set_media_playback_requires_user_gesture(false);
            }
        });
    }
    let (app_handle, id, note_labels) = (app.clone(), joined.meeting.id, labels.note.clone());
    window.on_window_event(move |event| {
        if let tauri::WindowEvent::Destroyed = event {
            // The pool of whoever joined: on a chain server their own login's.
            let (app, db, ctx, note_labels) = (
                app_handle.clone(),
                db.clone(),
                ctx.clone(),
                note_labels.clone(),
            );
            tauri::async_runtime::spawn(async move {
                match meetings::end(&db, &ctx, id, &note_labels).await {
                    Ok(ended) => {
                        let _ = app.emit_to("main", "meeting-ended", ended);
                    }
                    Err(e) => tracing::warn!("meeting {id}: not ended on close: {e}"),
                }
            });
        }
    });
    Ok(())
}
