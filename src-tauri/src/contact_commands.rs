//! Tauri commands of calls, contact rules and meetings: one thin `async fn`
//! per use case, like [`crate::commands`]. Two things only the shell can
//! do live here: the meeting window ([`open_meeting_window`]: Jitsi's
//! IFrame API in a Tauri window, camera and microphone allowed, the
//! meeting ended when the window closes) and the `.ics` save dialog.
//! Dialling is done by the UI through the opener plugin, whose permission
//! is scoped to `tel:`, `sip:` and `callto:` URLs (capabilities/default.json).

use banco::model::{
    CallerMatch, CampaignCadence, ContactChannel, ContactCheck, ContactPreferences, ContactPurpose,
    ContactSettings, DialScheme, EntityType, InboundCall, Interaction, Meeting, MeetingEnded,
    MeetingJoin, MeetingNoteLabels, NewMeeting, OutcomeInput, QueueItem, StagePlaybook, StartCall,
    StartedCall,
};
use banco::services::calls::OutcomeRecorded;
use banco::services::{calls, contact_policy, meetings, Ctx};
use banco::{Error, Result};
use chrono::{DateTime, Utc};
use tauri::webview::{PermissionKind, PermissionResponse};
use tauri::{AppHandle, Emitter, Manager, State, WebviewUrl, WebviewWindowBuilder};
use uuid::Uuid;

use crate::AppState;

/// The tenant's contact policy and do-not-call list.
#[tauri::command]
pub async fn contact_settings(state: State<'_, AppState>) -> Result<ContactSettings> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::settings(&state.db, &ctx).await
}

/// Saves the contact policy.
#[tauri::command]
pub async fn save_contact_settings(
    state: State<'_, AppState>,
    settings: ContactSettings,
) -> Result<ContactSettings> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::save_settings(&state.db, &ctx, &settings).await
}

/// Adds a number to the do-not-call list.
#[tauri::command]
pub async fn add_do_not_call(
    state: State<'_, AppState>,
    phone: String,
    reason: Option<String>,
) -> Result<ContactSettings> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::add_do_not_call(&state.db, &ctx, &phone, reason.as_deref()).await
}

/// Removes a number from the do-not-call list.
#[tauri::command]
pub async fn remove_do_not_call(
    state: State<'_, AppState>,
    phone: String,
) -> Result<ContactSettings> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::remove_do_not_call(&state.db, &ctx, &phone).await
}

/// Every stage playbook.
#[tauri::command]
pub async fn stage_playbooks(state: State<'_, AppState>) -> Result<Vec<(Uuid, StagePlaybook)>> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::stage_playbooks(&state.db, &ctx).await
}

/// Saves a stage's playbook.
#[tauri::command]
pub async fn save_stage_playbook(
    state: State<'_, AppState>,
    stage: Uuid,
    playbook: StagePlaybook,
) -> Result<Vec<(Uuid, StagePlaybook)>> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::save_stage_playbook(&state.db, &ctx, stage, &playbook).await
}

/// Every campaign cadence.
#[tauri::command]
pub async fn campaign_cadences(state: State<'_, AppState>) -> Result<Vec<(Uuid, CampaignCadence)>> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::campaign_cadences(&state.db, &ctx).await
}

/// Saves a campaign's cadence.
#[tauri::command]
pub async fn save_campaign_cadence(
    state: State<'_, AppState>,
    campaign: Uuid,
    cadence: CampaignCadence,
) -> Result<Vec<(Uuid, CampaignCadence)>> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::save_campaign_cadence(&state.db, &ctx, campaign, &cadence).await
}

/// A person's contact preferences.
#[tauri::command]
pub async fn contact_preferences(
    state: State<'_, AppState>,
    person: Uuid,
) -> Result<ContactPreferences> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::preferences(&state.db, &ctx, person).await
}

/// Saves a person's contact preferences.
#[tauri::command]
pub async fn save_contact_preferences(
    state: State<'_, AppState>,
    person: Uuid,
    preferences: ContactPreferences,
) -> Result<ContactPreferences> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::save_preferences(&state.db, &ctx, person, &preferences).await
}

/// How the current user's call button dials.
#[tauri::command]
pub async fn dial_scheme(state: State<'_, AppState>) -> Result<DialScheme> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::dial_scheme(&state.db, &ctx).await
}

/// Sets how the current user's call button dials.
#[tauri::command]
pub async fn set_dial_scheme(state: State<'_, AppState>, scheme: DialScheme) -> Result<DialScheme> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::set_dial_scheme(&state.db, &ctx, scheme).await
}

/// Whether a record may be contacted now on a channel.
#[tauri::command]
pub async fn check_contact(
    state: State<'_, AppState>,
    entity_type: EntityType,
    entity_id: Uuid,
    channel: ContactChannel,
    purpose: ContactPurpose,
) -> Result<ContactCheck> {
    let ctx = state.ctx.read().await.clone();
    contact_policy::check(&state.db, &ctx, entity_type, entity_id, channel, purpose).await
}

/// Starts a call (the UI then opens `dial_url` through the opener plugin).
#[tauri::command]
pub async fn start_call(state: State<'_, AppState>, call: StartCall) -> Result<StartedCall> {
    let ctx = state.ctx.read().await.clone();
    calls::start(&state.db, &ctx, &call).await
}

/// Records a call's outcome.
#[tauri::command]
pub async fn record_call_outcome(
    state: State<'_, AppState>,
    id: Uuid,
    outcome: OutcomeInput,
) -> Result<OutcomeRecorded> {
    let ctx = state.ctx.read().await.clone();
    calls::record_outcome(&state.db, &ctx, id, &outcome).await
}

/// The current user's calls waiting for an outcome.
#[tauri::command]
pub async fn pending_calls(state: State<'_, AppState>) -> Result<Vec<Interaction>> {
    let ctx = state.ctx.read().await.clone();
    calls::pending(&state.db, &ctx).await
}

/// People with this number, for an inbound call.
#[tauri::command]
pub async fn find_caller(state: State<'_, AppState>, phone: String) -> Result<Vec<CallerMatch>> {
    let ctx = state.ctx.read().await.clone();
    calls::find_caller(&state.db, &ctx, &phone).await
}

/// Logs an inbound call.
#[tauri::command]
pub async fn log_inbound_call(
    state: State<'_, AppState>,
    call: InboundCall,
) -> Result<OutcomeRecorded> {
    let ctx = state.ctx.read().await.clone();
    calls::log_inbound(&state.db, &ctx, &call).await
}

/// A record's interactions.
#[tauri::command]
pub async fn interactions(
    state: State<'_, AppState>,
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Vec<Interaction>> {
    let ctx = state.ctx.read().await.clone();
    calls::interactions(&state.db, &ctx, entity_type, entity_id).await
}

/// The "to call" queue.
#[tauri::command]
pub async fn call_queue(state: State<'_, AppState>) -> Result<Vec<QueueItem>> {
    let ctx = state.ctx.read().await.clone();
    calls::queue(&state.db, &ctx).await
}

/// Marks a reminder done.
#[tauri::command]
pub async fn complete_reminder(state: State<'_, AppState>, id: Uuid) -> Result<()> {
    let ctx = state.ctx.read().await.clone();
    calls::complete_reminder(&state.db, &ctx, id).await
}

/// Schedules a meeting.
#[tauri::command]
pub async fn schedule_meeting(state: State<'_, AppState>, meeting: NewMeeting) -> Result<Meeting> {
    let ctx = state.ctx.read().await.clone();
    meetings::schedule(&state.db, &ctx, &meeting).await
}

/// Meetings starting in `[from, to)`.
#[tauri::command]
pub async fn list_meetings(
    state: State<'_, AppState>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Meeting>> {
    let ctx = state.ctx.read().await.clone();
    meetings::between(&state.db, &ctx, from, to).await
}

/// Meetings of one record.
#[tauri::command]
pub async fn record_meetings(
    state: State<'_, AppState>,
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Vec<Meeting>> {
    let ctx = state.ctx.read().await.clone();
    meetings::of_record(&state.db, &ctx, entity_type, entity_id).await
}

/// The meeting window's own messages and the meeting note's words, in
/// the UI's language.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MeetingLabels {
    /// Shown while Jitsi loads.
    pub loading: String,
    /// Shown (before the server's URL) when it cannot be reached.
    pub unreachable: String,
    /// The words of the note written when the window closes.
    #[serde(default)]
    pub note: MeetingNoteLabels,
}

/// Joins a meeting and opens its window.
#[tauri::command]
pub async fn join_meeting(
    app: AppHandle,
    state: State<'_, AppState>,
    id: Uuid,
    labels: Option<MeetingLabels>,
) -> Result<MeetingJoin> {
    let ctx = state.ctx.read().await.clone();
    let joined = meetings::join(&state.db, &ctx, id).await?;
    open_meeting_window(&app, &joined, &labels.unwrap_or_default(), ctx)?;
    Ok(joined)
}

/// Ends a meeting (the End button; closing its window does the same).
#[tauri::command]
pub async fn end_meeting(
    app: AppHandle,
    state: State<'_, AppState>,
    id: Uuid,
    labels: Option<MeetingNoteLabels>,
) -> Result<MeetingEnded> {
    let ctx = state.ctx.read().await.clone();
    let ended = meetings::end(&state.db, &ctx, id, &labels.unwrap_or_default()).await?;
    if let Some(w) = app.get_webview_window(&window_label(id)) {
        // Its Destroyed handler finds the meeting ended and does nothing.
        let _ = w.close();
    }
    Ok(ended)
}

/// Cancels a meeting.
#[tauri::command]
pub async fn cancel_meeting(
    state: State<'_, AppState>,
    id: Uuid,
    reason: Option<String>,
) -> Result<Meeting> {
    let ctx = state.ctx.read().await.clone();
    meetings::cancel(&state.db, &ctx, id, reason.as_deref()).await
}

/// Saves the meeting's invitation as an `.ics` file (a save dialog).
#[tauri::command]
pub async fn save_meeting_ics(
    app: AppHandle,
    state: State<'_, AppState>,
    id: Uuid,
) -> Result<Option<String>> {
    let ctx = state.ctx.read().await.clone();
    let text = meetings::ics(&state.db, &ctx, id).await?;
    crate::record_commands::save_bytes(
        &app,
        Some(("iCalendar", &["ics"])),
        "riunione.ics",
        text.into_bytes(),
    )
    .await
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
    labels: &MeetingLabels,
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
        .finish();
    let shell_error = |e: tauri::Error| Error::Io {
        path: "meeting window".into(),
        source: std::io::Error::other(e.to_string()),
    };
    let window = WebviewWindowBuilder::new(
        app,
        &label,
        WebviewUrl::App(format!("meeting/meeting.html?{query}").into()),
    )
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
            let (app, ctx, note_labels) = (app_handle.clone(), ctx.clone(), note_labels.clone());
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                match meetings::end(&state.db, &ctx, id, &note_labels).await {
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
