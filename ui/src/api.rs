//! The one place that talks to the Tauri shell: `invoke` of a command and
//! `listen` to an event, through the global `window.__TAURI__` object
//! (enabled by `app.withGlobalTauri`).

use banco::model::{
    AppInfo, CaptureLead, CaptureOutcome, FieldError, ImportField, ImportPreview, ImportReport,
    ImportRequest, LeadDetail, LeadListItem, LeadQuery, NewUser, Page, PersonMatch, StatusChange,
    User,
};
use banco::ErrorPayload;
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

/// Calls a command with JSON-like arguments; a failure arrives as the
/// core's [`ErrorPayload`] (or one made from whatever the shell threw).
pub async fn call<R: DeserializeOwned>(cmd: &str, args: impl Serialize) -> Result<R, ErrorPayload> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args
        .serialize(&serializer)
        .map_err(|e| local_error(&e.to_string()))?;
    match tauri_invoke(cmd, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| local_error(&e.to_string())),
        Err(err) => Err(serde_wasm_bindgen::from_value::<ErrorPayload>(err.clone())
            .unwrap_or_else(|_| {
                local_error(&err.as_string().unwrap_or_else(|| format!("{err:?}")))
            })),
    }
}

fn local_error(message: &str) -> ErrorPayload {
    ErrorPayload {
        kind: "ui".into(),
        field: None,
        message_key: "error.ui".into(),
        params: [("detail".to_string(), message.to_string())]
            .into_iter()
            .collect(),
        fields: Vec::new(),
        message: message.into(),
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
    call("app_info", json!({})).await
}
pub async fn switch_user(user: Uuid) -> Result<AppInfo, ErrorPayload> {
    call("switch_user", json!({ "user": user })).await
}
pub async fn add_user(user: &NewUser) -> Result<User, ErrorPayload> {
    call("add_user", json!({ "user": user })).await
}
pub async fn find_matches(phone: &str, email: &str) -> Result<Vec<PersonMatch>, ErrorPayload> {
    call("find_matches", json!({ "phone": phone, "email": email })).await
}
/// Matches by phone or e-mail, and people with the same name.
pub async fn find_matches_with_name(
    phone: &str,
    email: &str,
    first_name: &str,
    last_name: &str,
) -> Result<Vec<PersonMatch>, ErrorPayload> {
    call(
        "find_matches",
        json!({ "phone": phone, "email": email, "firstName": first_name, "lastName": last_name }),
    )
    .await
}
pub async fn capture_lead(input: &CaptureLead) -> Result<CaptureOutcome, ErrorPayload> {
    call("capture_lead", json!({ "input": input })).await
}
pub async fn list_leads(query: &LeadQuery) -> Result<Page<LeadListItem>, ErrorPayload> {
    call("list_leads", json!({ "query": query })).await
}
pub async fn lead_detail(id: Uuid) -> Result<LeadDetail, ErrorPayload> {
    call("lead_detail", json!({ "id": id })).await
}
pub async fn change_status(change: &StatusChange) -> Result<LeadDetail, ErrorPayload> {
    call("change_status", json!({ "change": change })).await
}
pub async fn add_note(id: Uuid, body: &str) -> Result<LeadDetail, ErrorPayload> {
    call("add_note", json!({ "id": id, "body": body })).await
}
pub async fn pick_csv_file() -> Result<Option<String>, ErrorPayload> {
    call("pick_csv_file", json!({})).await
}
pub async fn import_preview(path: &str) -> Result<ImportPreview, ErrorPayload> {
    call("import_preview", json!({ "path": path })).await
}
pub async fn import_check(
    path: &str,
    mapping: &[Option<ImportField>],
) -> Result<Vec<FieldError>, ErrorPayload> {
    call("import_check", json!({ "path": path, "mapping": mapping })).await
}
pub async fn import_run(request: &ImportRequest) -> Result<ImportReport, ErrorPayload> {
    call("import_run", json!({ "request": request })).await
}
pub async fn save_import_report(report: &ImportReport) -> Result<Option<String>, ErrorPayload> {
    call("save_import_report", json!({ "report": report })).await
}

// Deals, pipelines, campaigns, rules and KPIs.

use banco::model::{
    Board, Campaign, ConversionRule, DealDetail, DealFilter, DealListItem, DealMove, DealQuery,
    KpiRange, KpiReport, LostReason, NewDeal, Pipeline, RulePreview, RuleTrigger,
};

pub async fn list_pipelines() -> Result<Vec<Pipeline>, ErrorPayload> {
    call("list_pipelines", json!({})).await
}
pub async fn lost_reasons() -> Result<Vec<LostReason>, ErrorPayload> {
    call("lost_reasons", json!({})).await
}
pub async fn list_campaigns() -> Result<Vec<Campaign>, ErrorPayload> {
    call("list_campaigns", json!({})).await
}
pub async fn save_campaign(campaign: &Campaign) -> Result<Campaign, ErrorPayload> {
    call("save_campaign", json!({ "campaign": campaign })).await
}
pub async fn list_rules() -> Result<Vec<ConversionRule>, ErrorPayload> {
    call("list_rules", json!({})).await
}
pub async fn save_rule(rule: &ConversionRule) -> Result<ConversionRule, ErrorPayload> {
    call("save_rule", json!({ "rule": rule })).await
}
pub async fn preview_rules(lead: Uuid, trigger: RuleTrigger) -> Result<RulePreview, ErrorPayload> {
    call("preview_rules", json!({ "lead": lead, "trigger": trigger })).await
}
pub async fn deal_board(filter: &DealFilter, per_column: u64) -> Result<Board, ErrorPayload> {
    call(
        "deal_board",
        json!({ "filter": filter, "perColumn": per_column }),
    )
    .await
}
pub async fn list_deals(query: &DealQuery) -> Result<Page<DealListItem>, ErrorPayload> {
    call("list_deals", json!({ "query": query })).await
}
pub async fn deal_detail(id: Uuid) -> Result<DealDetail, ErrorPayload> {
    call("deal_detail", json!({ "id": id })).await
}
pub async fn create_deal(deal: &NewDeal) -> Result<DealDetail, ErrorPayload> {
    call("create_deal", json!({ "deal": deal })).await
}
pub async fn move_deal(id: Uuid, to: &DealMove) -> Result<DealDetail, ErrorPayload> {
    call("move_deal", json!({ "id": id, "to": to })).await
}
pub async fn cross_sell(id: Uuid) -> Result<CaptureLead, ErrorPayload> {
    call("cross_sell", json!({ "id": id })).await
}
pub async fn kpi_report(range: &KpiRange) -> Result<KpiReport, ErrorPayload> {
    call("kpi_report", json!({ "range": range })).await
}
pub async fn export_kpi_csv(range: &KpiRange, table: &str) -> Result<Option<String>, ErrorPayload> {
    call("export_kpi_csv", json!({ "range": range, "table": table })).await
}
pub async fn deal_import_preview(
    path: &str,
) -> Result<banco::model::DealImportPreview, ErrorPayload> {
    call("deal_import_preview", json!({ "path": path })).await
}
pub async fn deal_import_run(
    request: &banco::model::DealImportRequest,
) -> Result<ImportReport, ErrorPayload> {
    call("deal_import_run", json!({ "request": request })).await
}
pub async fn export_deals_csv(filter: &DealFilter) -> Result<Option<String>, ErrorPayload> {
    call("export_deals_csv", json!({ "filter": filter })).await
}
pub async fn update_deal(
    id: Uuid,
    update: &banco::model::DealUpdate,
) -> Result<DealDetail, ErrorPayload> {
    call("update_deal", json!({ "id": id, "update": update })).await
}
pub async fn link_deal_customer(
    id: Uuid,
    person_id: Option<Uuid>,
    company_id: Option<Uuid>,
) -> Result<DealDetail, ErrorPayload> {
    call(
        "link_deal_customer",
        json!({ "id": id, "personId": person_id, "companyId": company_id }),
    )
    .await
}
pub async fn create_pipeline(
    name: &str,
    stages: &[(String, i64)],
) -> Result<Pipeline, ErrorPayload> {
    call("create_pipeline", json!({ "name": name, "stages": stages })).await
}
pub async fn edit_pipeline(
    pipeline: Uuid,
    change: &banco::model::PipelineEdit,
) -> Result<Pipeline, ErrorPayload> {
    call(
        "edit_pipeline",
        json!({ "pipeline": pipeline, "change": change }),
    )
    .await
}
pub async fn add_lost_reason(label: &str) -> Result<LostReason, ErrorPayload> {
    call("add_lost_reason", json!({ "label": label })).await
}

// Companies, record cards, notes, documents, timeline, custom fields,
// search, duplicates, vCards.

use banco::model::{
    Company, CompanyCard, CompanyImportPreview, CompanyImportRequest, CompanyInput,
    CompanyListItem, CompanyQuery, CustomField, Document, DuplicatePair, DuplicatePolicy,
    EntityType, Mention, MergeOutcome, Note, NoteKind, NoteRevision, PersonCard, SearchResults,
    TimelineEntry,
};

pub async fn list_companies(query: &CompanyQuery) -> Result<Page<CompanyListItem>, ErrorPayload> {
    call("list_companies", json!({ "query": query })).await
}
pub async fn create_company(input: &CompanyInput) -> Result<Company, ErrorPayload> {
    call("create_company", json!({ "input": input })).await
}
pub async fn update_company(id: Uuid, input: &CompanyInput) -> Result<Company, ErrorPayload> {
    call("update_company", json!({ "id": id, "input": input })).await
}
pub async fn company_card(id: Uuid) -> Result<CompanyCard, ErrorPayload> {
    call("company_card", json!({ "id": id })).await
}
pub async fn person_card(id: Uuid) -> Result<PersonCard, ErrorPayload> {
    call("person_card", json!({ "id": id })).await
}
pub async fn update_person_details(
    id: Uuid,
    details: &serde_json::Value,
) -> Result<PersonCard, ErrorPayload> {
    call(
        "update_person_details",
        json!({ "id": id, "details": details }),
    )
    .await
}
pub async fn link_contact(
    company: Uuid,
    person: Uuid,
    role: &str,
    primary: bool,
) -> Result<CompanyCard, ErrorPayload> {
    call(
        "link_contact",
        json!({ "company": company, "person": person, "role": role, "primary": primary }),
    )
    .await
}
pub async fn unlink_contact(company: Uuid, person: Uuid) -> Result<CompanyCard, ErrorPayload> {
    call(
        "unlink_contact",
        json!({ "company": company, "person": person }),
    )
    .await
}
pub async fn export_companies_csv(query: &CompanyQuery) -> Result<Option<String>, ErrorPayload> {
    call("export_companies_csv", json!({ "query": query })).await
}
pub async fn add_record_note(
    entity_type: EntityType,
    entity_id: Uuid,
    kind: NoteKind,
    body: &str,
    pinned: bool,
) -> Result<Note, ErrorPayload> {
    call(
        "add_record_note",
        json!({ "note": { "entity_type": entity_type, "entity_id": entity_id, "kind": kind, "body": body, "pinned": pinned } }),
    )
    .await
}
pub async fn edit_note(
    id: Uuid,
    kind: NoteKind,
    body: &str,
    pinned: bool,
) -> Result<Note, ErrorPayload> {
    call(
        "edit_note",
        json!({ "id": id, "edit": { "kind": kind, "body": body, "pinned": pinned } }),
    )
    .await
}
pub async fn list_notes(entity: Uuid) -> Result<Vec<Note>, ErrorPayload> {
    call("list_notes", json!({ "entity": entity })).await
}
pub async fn note_revisions(id: Uuid) -> Result<Vec<NoteRevision>, ErrorPayload> {
    call("note_revisions", json!({ "id": id })).await
}
pub async fn mentions(unread_only: bool) -> Result<Vec<Mention>, ErrorPayload> {
    call("mentions", json!({ "unreadOnly": unread_only })).await
}
pub async fn mark_mentions_read(note: Option<Uuid>) -> Result<u64, ErrorPayload> {
    call("mark_mentions_read", json!({ "note": note })).await
}
pub async fn timeline(
    entity_type: EntityType,
    entity_id: Uuid,
    offset: u32,
    limit: u32,
) -> Result<Page<TimelineEntry>, ErrorPayload> {
    call(
        "timeline",
        json!({ "entityType": entity_type, "entityId": entity_id, "offset": offset, "limit": limit }),
    )
    .await
}
pub async fn attach_document(
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Option<Document>, ErrorPayload> {
    call(
        "attach_document",
        json!({ "entityType": entity_type, "entityId": entity_id }),
    )
    .await
}
pub async fn save_document(id: Uuid) -> Result<Option<String>, ErrorPayload> {
    call("save_document", json!({ "id": id })).await
}
pub async fn custom_fields() -> Result<Vec<CustomField>, ErrorPayload> {
    call("custom_fields", json!({})).await
}
pub async fn save_custom_field(field: &CustomField) -> Result<Vec<CustomField>, ErrorPayload> {
    call("save_custom_field", json!({ "field": field })).await
}
pub async fn search(query: &str) -> Result<SearchResults, ErrorPayload> {
    call("search", json!({ "query": query })).await
}
pub async fn duplicate_pairs(entity_type: EntityType) -> Result<Vec<DuplicatePair>, ErrorPayload> {
    call("duplicate_pairs", json!({ "entityType": entity_type })).await
}
pub async fn merge_records(
    entity_type: EntityType,
    keep: Uuid,
    merge: Uuid,
) -> Result<MergeOutcome, ErrorPayload> {
    call(
        "merge_records",
        json!({ "entityType": entity_type, "keep": keep, "merge": merge }),
    )
    .await
}
pub async fn dismiss_duplicate(
    entity_type: EntityType,
    a: Uuid,
    b: Uuid,
) -> Result<(), ErrorPayload> {
    call(
        "dismiss_duplicate",
        json!({ "entityType": entity_type, "a": a, "b": b }),
    )
    .await
}
pub async fn export_vcard(
    entity_type: EntityType,
    id: Uuid,
) -> Result<Option<String>, ErrorPayload> {
    call(
        "export_vcard",
        json!({ "entityType": entity_type, "id": id }),
    )
    .await
}
pub async fn import_vcard(
    duplicates: DuplicatePolicy,
) -> Result<Option<ImportReport>, ErrorPayload> {
    call("import_vcard", json!({ "duplicates": duplicates })).await
}
pub async fn company_import_preview(path: &str) -> Result<CompanyImportPreview, ErrorPayload> {
    call("company_import_preview", json!({ "path": path })).await
}
pub async fn company_import_run(
    request: &CompanyImportRequest,
) -> Result<ImportReport, ErrorPayload> {
    call("company_import_run", json!({ "request": request })).await
}
pub async fn custom_values(
    entity_type: EntityType,
    id: Uuid,
) -> Result<banco::model::CustomValues, ErrorPayload> {
    call(
        "custom_values",
        json!({ "entityType": entity_type, "id": id }),
    )
    .await
}
pub async fn set_custom_values(
    entity_type: EntityType,
    id: Uuid,
    values: &banco::model::CustomValues,
) -> Result<banco::model::CustomValues, ErrorPayload> {
    call(
        "set_custom_values",
        json!({ "entityType": entity_type, "id": id, "values": values }),
    )
    .await
}
pub async fn export_leads_csv(query: &LeadQuery) -> Result<Option<String>, ErrorPayload> {
    call("export_leads_csv", json!({ "query": query })).await
}

// Calls, contact rules and meetings.
use banco::model::{
    CallerMatch, CampaignCadence, ContactPreferences, ContactSettings, DialScheme, InboundCall,
    Interaction, Meeting, MeetingEnded, MeetingJoin, NewMeeting, OutcomeInput, QueueItem,
    StagePlaybook, StartCall, StartedCall,
};

/// What recording a call's outcome returns (the core's `OutcomeRecorded`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct OutcomeRecorded {
    pub interaction: Interaction,
    pub reminder: Option<banco::model::Reminder>,
}

pub async fn contact_settings() -> Result<ContactSettings, ErrorPayload> {
    call("contact_settings", json!({})).await
}
pub async fn save_contact_settings(s: &ContactSettings) -> Result<ContactSettings, ErrorPayload> {
    call("save_contact_settings", json!({ "settings": s })).await
}
pub async fn add_do_not_call(phone: &str, reason: &str) -> Result<ContactSettings, ErrorPayload> {
    let reason = (!reason.trim().is_empty()).then(|| reason.to_string());
    call(
        "add_do_not_call",
        json!({ "phone": phone, "reason": reason }),
    )
    .await
}
pub async fn remove_do_not_call(phone: &str) -> Result<ContactSettings, ErrorPayload> {
    call("remove_do_not_call", json!({ "phone": phone })).await
}
pub async fn stage_playbooks() -> Result<Vec<(Uuid, StagePlaybook)>, ErrorPayload> {
    call("stage_playbooks", json!({})).await
}
pub async fn save_stage_playbook(
    stage: Uuid,
    playbook: &StagePlaybook,
) -> Result<Vec<(Uuid, StagePlaybook)>, ErrorPayload> {
    call(
        "save_stage_playbook",
        json!({ "stage": stage, "playbook": playbook }),
    )
    .await
}
pub async fn campaign_cadences() -> Result<Vec<(Uuid, CampaignCadence)>, ErrorPayload> {
    call("campaign_cadences", json!({})).await
}
pub async fn save_campaign_cadence(
    campaign: Uuid,
    cadence: &CampaignCadence,
) -> Result<Vec<(Uuid, CampaignCadence)>, ErrorPayload> {
    call(
        "save_campaign_cadence",
        json!({ "campaign": campaign, "cadence": cadence }),
    )
    .await
}
pub async fn contact_preferences(person: Uuid) -> Result<ContactPreferences, ErrorPayload> {
    call("contact_preferences", json!({ "person": person })).await
}
pub async fn save_contact_preferences(
    person: Uuid,
    preferences: &ContactPreferences,
) -> Result<ContactPreferences, ErrorPayload> {
    call(
        "save_contact_preferences",
        json!({ "person": person, "preferences": preferences }),
    )
    .await
}
pub async fn dial_scheme() -> Result<DialScheme, ErrorPayload> {
    call("dial_scheme", json!({})).await
}
pub async fn set_dial_scheme(scheme: DialScheme) -> Result<DialScheme, ErrorPayload> {
    call("set_dial_scheme", json!({ "scheme": scheme })).await
}
pub async fn check_contact(
    entity_type: EntityType,
    entity_id: Uuid,
    channel: banco::model::ContactChannel,
) -> Result<banco::model::ContactCheck, ErrorPayload> {
    call(
        "check_contact",
        json!({ "entityType": entity_type, "entityId": entity_id, "channel": channel, "purpose": "service" }),
    )
    .await
}
pub async fn start_call(c: &StartCall) -> Result<StartedCall, ErrorPayload> {
    call("start_call", json!({ "call": c })).await
}
/// Opens a `tel:` / `sip:` / `callto:` URL through the opener plugin (its
/// permission is scoped to those schemes).
pub async fn open_url(url: &str) -> Result<(), ErrorPayload> {
    call("plugin:opener|open_url", json!({ "url": url })).await
}
pub async fn record_call_outcome(
    id: Uuid,
    o: &OutcomeInput,
) -> Result<OutcomeRecorded, ErrorPayload> {
    call("record_call_outcome", json!({ "id": id, "outcome": o })).await
}
pub async fn pending_calls() -> Result<Vec<Interaction>, ErrorPayload> {
    call("pending_calls", json!({})).await
}
pub async fn find_caller(phone: &str) -> Result<Vec<CallerMatch>, ErrorPayload> {
    call("find_caller", json!({ "phone": phone })).await
}
pub async fn log_inbound_call(c: &InboundCall) -> Result<OutcomeRecorded, ErrorPayload> {
    call("log_inbound_call", json!({ "call": c })).await
}
pub async fn interactions(
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Vec<Interaction>, ErrorPayload> {
    call(
        "interactions",
        json!({ "entityType": entity_type, "entityId": entity_id }),
    )
    .await
}
pub async fn call_queue() -> Result<Vec<QueueItem>, ErrorPayload> {
    call("call_queue", json!({})).await
}
pub async fn complete_reminder(id: Uuid) -> Result<(), ErrorPayload> {
    call("complete_reminder", json!({ "id": id })).await
}
pub async fn schedule_meeting(m: &NewMeeting) -> Result<Meeting, ErrorPayload> {
    call("schedule_meeting", json!({ "meeting": m })).await
}
pub async fn list_meetings(
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Meeting>, ErrorPayload> {
    call("list_meetings", json!({ "from": from, "to": to })).await
}
pub async fn record_meetings(
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Vec<Meeting>, ErrorPayload> {
    call(
        "record_meetings",
        json!({ "entityType": entity_type, "entityId": entity_id }),
    )
    .await
}
pub async fn join_meeting(id: Uuid) -> Result<MeetingJoin, ErrorPayload> {
    let labels = json!({
        "loading": crate::i18n::tr("meetings.loading"),
        "unreachable": crate::i18n::tr("meetings.unreachable"),
        "note": note_labels(),
    });
    call("join_meeting", json!({ "id": id, "labels": labels })).await
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
    call("end_meeting", json!({ "id": id, "labels": note_labels() })).await
}
pub async fn cancel_meeting(id: Uuid, reason: &str) -> Result<Meeting, ErrorPayload> {
    let reason = (!reason.trim().is_empty()).then(|| reason.to_string());
    call("cancel_meeting", json!({ "id": id, "reason": reason })).await
}
pub async fn save_meeting_ics(id: Uuid) -> Result<Option<String>, ErrorPayload> {
    call("save_meeting_ics", json!({ "id": id })).await
}
