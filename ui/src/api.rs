//! The one place that talks to the Tauri shell: `invoke` of a command and
//! `listen` to an event, through the global `window.__TAURI__` object
//! (enabled by `app.withGlobalTauri`).

use banco::model::{
    AppInfo, CaptureLead, ImportReport, LeadDetail, LeadListItem, LeadQuery, NewUser, Page,
    PersonMatch, StatusChange, User,
};
use banco::wire::{self, Command};
use banco::{ErrorKind, ErrorPayload};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

/// Calls the shell's command `C` with its request (sent as `{"req": …}`,
/// see [`banco::wire`]); a failure arrives as the core's [`ErrorPayload`]
/// (or one made from whatever the shell threw).
pub async fn invoke<C: Command>(req: C) -> Result<C::Response, ErrorPayload> {
    #[derive(Serialize)]
    struct Args<C> {
        req: C,
    }
    call(C::NAME, Args { req }).await
}

/// Calls a command that is not Banco's (a Tauri plugin's) with its own
/// arguments.
async fn call<R: DeserializeOwned>(cmd: &str, args: impl Serialize) -> Result<R, ErrorPayload> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args
        .serialize(&serializer)
        .map_err(|e| local_error(&e.to_string()))?;
    // The answer, unless the core panics first (see `fail_waiting_calls`).
    let answer = panics::unless_panicked(tauri_invoke(cmd, args))
        .await
        .map_err(|report| panics::internal_error(&report))?;
    match answer {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| local_error(&e.to_string())),
        Err(err) => {
            let payload = serde_wasm_bindgen::from_value::<ErrorPayload>(err.clone())
                .unwrap_or_else(|_| {
                    local_error(&err.as_string().unwrap_or_else(|| format!("{err:?}")))
                });
            if payload.kind == ErrorKind::SignedOut {
                signed_out();
            }
            Err(payload)
        }
    }
}

mod contracts;
mod desk;
mod exports;
mod gdpr;
mod import;
mod outbox;
mod panics;
mod upkeep;
mod work;
pub use contracts::*;
pub use desk::*;
pub use exports::*;
pub use gdpr::*;
pub use import::*;
pub use outbox::*;
pub use panics::fail_waiting_calls;
pub use upkeep::*;
pub use work::*;

/// The window event [`crate::pages::desk::Gate`] listens to: a command
/// found the desk locked or nobody signed in, so the lock or sign-in
/// screen is due.
pub const SIGNED_OUT_EVENT: &str = "banco-signed-out";

fn signed_out() {
    if let Some(window) = web_sys::window() {
        if let Ok(event) = web_sys::Event::new(SIGNED_OUT_EVENT) {
            let _ = window.dispatch_event(&event);
        }
    }
}

fn local_error(message: &str) -> ErrorPayload {
    ErrorPayload {
        kind: ErrorKind::Ui,
        field: None,
        message_key: "error.ui".into(),
        params: [("detail".to_string(), message.to_string())]
            .into_iter()
            .collect(),
        fields: Vec::new(),
        message: message.into(),
    }
}

/// The value of a secondary load (a list that fills a menu, a badge, a
/// panel), or `None` after showing why it failed: in the console and in a
/// line at the bottom of the window (id `load-error`, the translated error,
/// replaced by the next failure, closed by a click). Every call whose
/// failure has no place of its own on the page goes through this, so no
/// failure is dropped (an unreachable chain server is shown by the
/// outbox banner instead).
pub fn shown<T>(result: Result<T, ErrorPayload>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) => {
            let text = crate::i18n::error_text(&e);
            web_sys::console::error_1(&format!("{}: {}", e.message_key, e.message).into());
            // An unreachable chain server is said once, by the outbox banner.
            if e.kind == ErrorKind::Unreachable {
                return None;
            }
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                if let Some(old) = doc.get_element_by_id("load-error") {
                    old.remove();
                }
                if let (Ok(el), Some(body)) = (doc.create_element("div"), doc.body()) {
                    el.set_id("load-error");
                    el.set_class_name("banner error load-error");
                    el.set_attribute("role", "alert").ok();
                    el.set_text_content(Some(&text));
                    let target = el.clone();
                    let close = Closure::<dyn FnMut()>::new(move || target.remove());
                    el.add_event_listener_with_callback("click", close.as_ref().unchecked_ref())
                        .ok();
                    close.forget();
                    body.append_child(&el).ok();
                }
            }
            None
        }
    }
}

/// Subscribes to a shell event; the closure gets the event's `payload`.
/// The subscription lives as long as the page (the closure is leaked on purpose).
pub async fn listen<T: DeserializeOwned + 'static>(
    event: &str,
    mut handler: impl FnMut(T) + 'static,
) {
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        if let Ok(payload) = js_sys::Reflect::get(&e, &JsValue::from_str("payload")) {
            if let Ok(value) = serde_wasm_bindgen::from_value::<T>(payload) {
                handler(value);
            }
        }
    });
    let _ = tauri_listen(event, &closure).await;
    closure.forget();
}

pub async fn app_info() -> Result<AppInfo, ErrorPayload> {
    invoke(wire::AppInfo {}).await
}
pub async fn add_user(user: &NewUser) -> Result<User, ErrorPayload> {
    invoke(wire::AddUser { user: user.clone() }).await
}
pub async fn find_matches(phone: &str, email: &str) -> Result<Vec<PersonMatch>, ErrorPayload> {
    invoke(wire::FindMatches {
        phone: phone.to_string(),
        email: email.to_string(),
        first_name: None,
        last_name: None,
    })
    .await
}
/// Matches by phone or e-mail, and people with the same name.
pub async fn find_matches_with_name(
    phone: &str,
    email: &str,
    first_name: &str,
    last_name: &str,
) -> Result<Vec<PersonMatch>, ErrorPayload> {
    invoke(wire::FindMatches {
        phone: phone.to_string(),
        email: email.to_string(),
        first_name: Some(first_name.to_string()),
        last_name: Some(last_name.to_string()),
    })
    .await
}
pub async fn list_leads(query: &LeadQuery) -> Result<Page<LeadListItem>, ErrorPayload> {
    invoke(wire::ListLeads {
        query: query.clone(),
    })
    .await
}
pub async fn lead_detail(id: Uuid) -> Result<LeadDetail, ErrorPayload> {
    invoke(wire::LeadDetail { id }).await
}
pub async fn change_status(change: &StatusChange) -> Result<LeadDetail, ErrorPayload> {
    invoke(wire::ChangeStatus {
        change: change.clone(),
    })
    .await
}
pub async fn add_note(id: Uuid, body: &str) -> Result<LeadDetail, ErrorPayload> {
    invoke(wire::AddNote {
        id,
        body: body.to_string(),
    })
    .await
}
// Deals, pipelines, campaigns, rules and KPIs.

use banco::model::{
    Board, Campaign, ConversionRule, DealDetail, DealFilter, DealListItem, DealMove, DealQuery,
    KpiRange, KpiReport, LostReason, NewDeal, Pipeline, RulePreview, RuleTrigger,
};

pub async fn list_pipelines() -> Result<Vec<Pipeline>, ErrorPayload> {
    invoke(wire::ListPipelines {}).await
}
pub async fn lost_reasons() -> Result<Vec<LostReason>, ErrorPayload> {
    invoke(wire::LostReasons {}).await
}
pub async fn list_campaigns() -> Result<Vec<Campaign>, ErrorPayload> {
    invoke(wire::ListCampaigns {}).await
}
pub async fn save_campaign(campaign: &Campaign) -> Result<Campaign, ErrorPayload> {
    invoke(wire::SaveCampaign {
        campaign: campaign.clone(),
    })
    .await
}
pub async fn list_rules() -> Result<Vec<ConversionRule>, ErrorPayload> {
    invoke(wire::ListRules {}).await
}
pub async fn save_rule(rule: &ConversionRule) -> Result<ConversionRule, ErrorPayload> {
    invoke(wire::SaveRule { rule: rule.clone() }).await
}
pub async fn preview_rules(lead: Uuid, trigger: RuleTrigger) -> Result<RulePreview, ErrorPayload> {
    invoke(wire::PreviewRules { lead, trigger }).await
}
pub async fn deal_board(filter: &DealFilter, per_column: u64) -> Result<Board, ErrorPayload> {
    invoke(wire::DealBoard {
        filter: filter.clone(),
        per_column,
    })
    .await
}
pub async fn list_deals(query: &DealQuery) -> Result<Page<DealListItem>, ErrorPayload> {
    invoke(wire::ListDeals {
        query: query.clone(),
    })
    .await
}
pub async fn deal_detail(id: Uuid) -> Result<DealDetail, ErrorPayload> {
    invoke(wire::DealDetail { id }).await
}
pub async fn create_deal(deal: &NewDeal) -> Result<DealDetail, ErrorPayload> {
    invoke(wire::CreateDeal { deal: deal.clone() }).await
}
pub async fn move_deal(id: Uuid, to: &DealMove) -> Result<DealDetail, ErrorPayload> {
    invoke(wire::MoveDeal { id, to: to.clone() }).await
}
pub async fn cross_sell(id: Uuid) -> Result<CaptureLead, ErrorPayload> {
    invoke(wire::CrossSell { id }).await
}
pub async fn kpi_report(range: &KpiRange) -> Result<KpiReport, ErrorPayload> {
    invoke(wire::KpiReport { range: *range }).await
}
pub async fn deal_import_preview(
    path: &str,
) -> Result<banco::model::DealImportPreview, ErrorPayload> {
    invoke(wire::DealImportPreview {
        path: path.to_string(),
    })
    .await
}
pub async fn deal_import_run(
    request: &banco::model::DealImportRequest,
) -> Result<ImportReport, ErrorPayload> {
    invoke(wire::DealImportRun {
        request: request.clone(),
    })
    .await
}
pub async fn update_deal(
    id: Uuid,
    update: &banco::model::DealUpdate,
) -> Result<DealDetail, ErrorPayload> {
    invoke(wire::UpdateDeal {
        id,
        update: update.clone(),
    })
    .await
}
pub async fn link_deal_customer(
    id: Uuid,
    person_id: Option<Uuid>,
    company_id: Option<Uuid>,
) -> Result<DealDetail, ErrorPayload> {
    invoke(wire::LinkDealCustomer {
        id,
        person_id,
        company_id,
    })
    .await
}
pub async fn create_pipeline(
    name: &str,
    stages: &[(String, i64)],
) -> Result<Pipeline, ErrorPayload> {
    invoke(wire::CreatePipeline {
        name: name.to_string(),
        stages: stages.to_vec(),
    })
    .await
}
pub async fn edit_pipeline(
    pipeline: Uuid,
    change: &banco::model::PipelineEdit,
) -> Result<Pipeline, ErrorPayload> {
    invoke(wire::EditPipeline {
        pipeline,
        change: change.clone(),
    })
    .await
}
pub async fn add_lost_reason(label: &str) -> Result<LostReason, ErrorPayload> {
    invoke(wire::AddLostReason {
        label: label.to_string(),
    })
    .await
}

// Companies, record cards, notes, documents, timeline, custom fields,
// search, duplicates, vCards.

use banco::model::{
    Company, CompanyCard, CompanyImportPreview, CompanyImportRequest, CompanyInput,
    CompanyListItem, CompanyQuery, CustomField, Document, DuplicatePair, DuplicatePolicy,
    EntityType, Mention, MergeOutcome, NewNote, Note, NoteEdit, NoteKind, NoteRevision, PersonCard,
    SearchResults, TimelineEntry,
};

pub async fn list_companies(query: &CompanyQuery) -> Result<Page<CompanyListItem>, ErrorPayload> {
    invoke(wire::ListCompanies {
        query: query.clone(),
    })
    .await
}
pub async fn create_company(input: &CompanyInput) -> Result<Company, ErrorPayload> {
    invoke(wire::CreateCompany {
        input: input.clone(),
    })
    .await
}
pub async fn update_company(id: Uuid, input: &CompanyInput) -> Result<Company, ErrorPayload> {
    invoke(wire::UpdateCompany {
        id,
        input: input.clone(),
    })
    .await
}
pub async fn company_card(id: Uuid) -> Result<CompanyCard, ErrorPayload> {
    invoke(wire::CompanyCard { id }).await
}
pub async fn person_card(id: Uuid) -> Result<PersonCard, ErrorPayload> {
    invoke(wire::PersonCard { id }).await
}
pub async fn update_person_details(
    id: Uuid,
    details: &banco::model::PersonDetails,
) -> Result<PersonCard, ErrorPayload> {
    invoke(wire::UpdatePersonDetails {
        id,
        details: details.clone(),
    })
    .await
}
pub async fn link_contact(
    company: Uuid,
    person: Uuid,
    role: &str,
    primary: bool,
) -> Result<CompanyCard, ErrorPayload> {
    invoke(wire::LinkContact {
        company,
        person,
        role: role.to_string(),
        primary,
    })
    .await
}
pub async fn unlink_contact(company: Uuid, person: Uuid) -> Result<CompanyCard, ErrorPayload> {
    invoke(wire::UnlinkContact { company, person }).await
}
pub async fn add_record_note(
    entity_type: EntityType,
    entity_id: Uuid,
    kind: NoteKind,
    body: &str,
    pinned: bool,
) -> Result<Note, ErrorPayload> {
    invoke(wire::AddRecordNote {
        note: NewNote {
            entity_type,
            entity_id,
            kind,
            body: body.to_string(),
            pinned,
        },
    })
    .await
}
pub async fn edit_note(
    id: Uuid,
    kind: NoteKind,
    body: &str,
    pinned: bool,
) -> Result<Note, ErrorPayload> {
    invoke(wire::EditNote {
        id,
        edit: NoteEdit {
            kind,
            body: body.to_string(),
            pinned,
        },
    })
    .await
}
pub async fn list_notes(entity: Uuid) -> Result<Vec<Note>, ErrorPayload> {
    invoke(wire::ListNotes { entity }).await
}
pub async fn note_revisions(id: Uuid) -> Result<Vec<NoteRevision>, ErrorPayload> {
    invoke(wire::NoteRevisions { id }).await
}
pub async fn mentions(unread_only: bool) -> Result<Vec<Mention>, ErrorPayload> {
    invoke(wire::Mentions { unread_only }).await
}
pub async fn mark_mentions_read(note: Option<Uuid>) -> Result<u64, ErrorPayload> {
    invoke(wire::MarkMentionsRead { note }).await
}
pub async fn timeline(
    entity_type: EntityType,
    entity_id: Uuid,
    offset: u32,
    limit: u32,
) -> Result<Page<TimelineEntry>, ErrorPayload> {
    invoke(wire::Timeline {
        entity_type,
        entity_id,
        offset,
        limit,
    })
    .await
}
pub async fn attach_document(
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Option<Document>, ErrorPayload> {
    invoke(wire::AttachDocument {
        entity_type,
        entity_id,
    })
    .await
}
pub async fn save_document(id: Uuid) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::SaveDocument { id }).await
}
pub async fn custom_fields() -> Result<Vec<CustomField>, ErrorPayload> {
    invoke(wire::CustomFields {}).await
}
pub async fn save_custom_field(field: &CustomField) -> Result<Vec<CustomField>, ErrorPayload> {
    invoke(wire::SaveCustomField {
        field: field.clone(),
    })
    .await
}
pub async fn search(query: &str) -> Result<SearchResults, ErrorPayload> {
    invoke(wire::Search {
        query: query.to_string(),
    })
    .await
}
pub async fn duplicate_pairs(entity_type: EntityType) -> Result<Vec<DuplicatePair>, ErrorPayload> {
    invoke(wire::DuplicatePairs { entity_type }).await
}
pub async fn merge_records(
    entity_type: EntityType,
    keep: Uuid,
    merge: Uuid,
) -> Result<MergeOutcome, ErrorPayload> {
    invoke(wire::MergeRecords {
        entity_type,
        keep,
        merge,
    })
    .await
}
pub async fn dismiss_duplicate(
    entity_type: EntityType,
    a: Uuid,
    b: Uuid,
) -> Result<(), ErrorPayload> {
    invoke(wire::DismissDuplicate { entity_type, a, b }).await
}
pub async fn export_vcard(
    entity_type: EntityType,
    id: Uuid,
) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::ExportVcard { entity_type, id }).await
}
pub async fn import_vcard(
    duplicates: DuplicatePolicy,
) -> Result<Option<ImportReport>, ErrorPayload> {
    invoke(wire::ImportVcard { duplicates }).await
}
pub async fn company_import_preview(path: &str) -> Result<CompanyImportPreview, ErrorPayload> {
    invoke(wire::CompanyImportPreview {
        path: path.to_string(),
    })
    .await
}
pub async fn company_import_run(
    request: &CompanyImportRequest,
) -> Result<ImportReport, ErrorPayload> {
    invoke(wire::CompanyImportRun {
        request: request.clone(),
    })
    .await
}
pub async fn custom_values(
    entity_type: EntityType,
    id: Uuid,
) -> Result<banco::model::CustomValues, ErrorPayload> {
    invoke(wire::CustomValues { entity_type, id }).await
}
pub async fn set_custom_values(
    entity_type: EntityType,
    id: Uuid,
    values: &banco::model::CustomValues,
) -> Result<banco::model::CustomValues, ErrorPayload> {
    invoke(wire::SetCustomValues {
        entity_type,
        id,
        values: values.clone(),
    })
    .await
}

// Calls, contact rules and meetings.
use banco::model::{
    CallerMatch, CampaignCadence, ContactPreferences, ContactSettings, DialScheme, InboundCall,
    Interaction, Meeting, MeetingEnded, MeetingJoin, MeetingKeyStatus, NewMeeting, OutcomeInput,
    QueueItem, StagePlaybook, StartCall, StartedCall,
};

pub async fn contact_settings() -> Result<ContactSettings, ErrorPayload> {
    invoke(wire::ContactSettings {}).await
}
pub async fn save_contact_settings(s: &ContactSettings) -> Result<ContactSettings, ErrorPayload> {
    invoke(wire::SaveContactSettings {
        settings: s.clone(),
    })
    .await
}
pub async fn add_do_not_call(phone: &str, reason: &str) -> Result<ContactSettings, ErrorPayload> {
    let reason = (!reason.trim().is_empty()).then(|| reason.to_string());
    invoke(wire::AddDoNotCall {
        phone: phone.to_string(),
        reason,
    })
    .await
}
pub async fn remove_do_not_call(phone: &str) -> Result<ContactSettings, ErrorPayload> {
    invoke(wire::RemoveDoNotCall {
        phone: phone.to_string(),
    })
    .await
}
pub async fn stage_playbooks() -> Result<Vec<(Uuid, StagePlaybook)>, ErrorPayload> {
    invoke(wire::StagePlaybooks {}).await
}
pub async fn save_stage_playbook(
    stage: Uuid,
    playbook: &StagePlaybook,
) -> Result<Vec<(Uuid, StagePlaybook)>, ErrorPayload> {
    invoke(wire::SaveStagePlaybook {
        stage,
        playbook: playbook.clone(),
    })
    .await
}
pub async fn campaign_cadences() -> Result<Vec<(Uuid, CampaignCadence)>, ErrorPayload> {
    invoke(wire::CampaignCadences {}).await
}
pub async fn save_campaign_cadence(
    campaign: Uuid,
    cadence: &CampaignCadence,
) -> Result<Vec<(Uuid, CampaignCadence)>, ErrorPayload> {
    invoke(wire::SaveCampaignCadence {
        campaign,
        cadence: cadence.clone(),
    })
    .await
}
pub async fn contact_preferences(person: Uuid) -> Result<ContactPreferences, ErrorPayload> {
    invoke(wire::ContactPreferences { person }).await
}
pub async fn save_contact_preferences(
    person: Uuid,
    preferences: &ContactPreferences,
) -> Result<ContactPreferences, ErrorPayload> {
    invoke(wire::SaveContactPreferences {
        person,
        preferences: preferences.clone(),
    })
    .await
}
pub async fn dial_scheme() -> Result<DialScheme, ErrorPayload> {
    invoke(wire::DialScheme {}).await
}
pub async fn set_dial_scheme(scheme: DialScheme) -> Result<DialScheme, ErrorPayload> {
    invoke(wire::SetDialScheme { scheme }).await
}
pub async fn check_contact(
    entity_type: EntityType,
    entity_id: Uuid,
    channel: banco::model::ContactChannel,
) -> Result<banco::model::ContactCheck, ErrorPayload> {
    invoke(wire::CheckContact {
        entity_type,
        entity_id,
        channel,
        purpose: banco::model::ContactPurpose::Service,
    })
    .await
}
pub async fn start_call(c: &StartCall) -> Result<StartedCall, ErrorPayload> {
    invoke(wire::StartCall { call: c.clone() }).await
}
/// Logs a message (SMS, WhatsApp, e-mail) the contact rules allow; the
/// caller opens its `open_url`.
pub async fn start_message(
    m: &banco::model::StartMessage,
) -> Result<banco::model::StartedMessage, ErrorPayload> {
    invoke(wire::StartMessage { message: m.clone() }).await
}
/// Opens a `tel:` / `sip:` / `callto:` URL through the opener plugin (its
/// permission is scoped to those schemes).
pub async fn open_url(url: &str) -> Result<(), ErrorPayload> {
    call("plugin:opener|open_url", json!({ "url": url })).await
}
pub async fn record_call_outcome(
    id: Uuid,
    o: &OutcomeInput,
) -> Result<banco::model::OutcomeRecorded, ErrorPayload> {
    invoke(wire::RecordCallOutcome {
        id,
        outcome: o.clone(),
    })
    .await
}
pub async fn pending_calls() -> Result<Vec<Interaction>, ErrorPayload> {
    invoke(wire::PendingCalls {}).await
}
pub async fn find_caller(phone: &str) -> Result<Vec<CallerMatch>, ErrorPayload> {
    invoke(wire::FindCaller {
        phone: phone.to_string(),
    })
    .await
}
pub async fn log_inbound_call(
    c: &InboundCall,
) -> Result<banco::model::OutcomeRecorded, ErrorPayload> {
    invoke(wire::LogInboundCall { call: c.clone() }).await
}
pub async fn interactions(
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Vec<Interaction>, ErrorPayload> {
    invoke(wire::Interactions {
        entity_type,
        entity_id,
    })
    .await
}
pub async fn call_queue() -> Result<Vec<QueueItem>, ErrorPayload> {
    invoke(wire::CallQueue {}).await
}
pub async fn schedule_meeting(m: &NewMeeting) -> Result<Meeting, ErrorPayload> {
    invoke(wire::ScheduleMeeting { meeting: m.clone() }).await
}
pub async fn list_meetings(
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Meeting>, ErrorPayload> {
    invoke(wire::ListMeetings { from, to }).await
}
pub async fn record_meetings(
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Vec<Meeting>, ErrorPayload> {
    invoke(wire::RecordMeetings {
        entity_type,
        entity_id,
    })
    .await
}
pub async fn join_meeting(id: Uuid) -> Result<MeetingJoin, ErrorPayload> {
    let labels = banco::model::MeetingLabels {
        loading: crate::i18n::tr("meetings.loading"),
        unreachable: crate::i18n::tr("meetings.unreachable"),
        in_call: crate::i18n::tr("meetings.in_call"),
        server_ended: crate::i18n::tr("meetings.server_ended"),
        token_refused: crate::i18n::tr("meetings.token_refused"),
        token_expired: crate::i18n::tr("meetings.token_expired"),
        note: note_labels(),
    };
    invoke(wire::JoinMeeting {
        id,
        labels: Some(labels),
    })
    .await
}
/// The meeting note's words in the current language.
fn note_labels() -> banco::model::MeetingNoteLabels {
    use crate::i18n::tr;
    banco::model::MeetingNoteLabels {
        participants: tr("meetings.note_participants"),
        duration: tr("meetings.note_duration"),
        planned: tr("meetings.note_planned"),
        room: tr("meetings.note_room"),
    }
}
pub async fn end_meeting(id: Uuid) -> Result<MeetingEnded, ErrorPayload> {
    invoke(wire::EndMeeting {
        id,
        labels: Some(note_labels()),
    })
    .await
}
pub async fn cancel_meeting(id: Uuid, reason: &str) -> Result<Meeting, ErrorPayload> {
    let reason = (!reason.trim().is_empty()).then(|| reason.to_string());
    invoke(wire::CancelMeeting { id, reason }).await
}
pub async fn save_meeting_ics(id: Uuid) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::SaveMeetingIcs { id }).await
}
pub async fn meeting_invitation_link(id: Uuid) -> Result<String, ErrorPayload> {
    invoke(wire::MeetingInvitationLink { id }).await
}
pub async fn meeting_key_status() -> Result<MeetingKeyStatus, ErrorPayload> {
    invoke(wire::MeetingKeyStatus {}).await
}
pub async fn save_meeting_key(key: &str) -> Result<MeetingKeyStatus, ErrorPayload> {
    invoke(wire::SaveMeetingKey {
        key: key.to_string(),
    })
    .await
}
pub async fn forget_meeting_key() -> Result<MeetingKeyStatus, ErrorPayload> {
    invoke(wire::ForgetMeetingKey {}).await
}
