//! The contract between the window and the core: one request type per
//! Tauri command, with the command's name and its response type
//! ([`Command`]). The shell's commands take their request as the one
//! argument `req` and return `Result<Response<C>, Error>`; the wasm UI
//! sends the same types through `ui/src/api.rs`. So an argument renamed or
//! retyped on one side does not compile on the other.
//!
//! On the wire a call is `invoke(C::NAME, {"req": <C as JSON>})`; a failure
//! arrives as an [`ErrorPayload`](crate::ErrorPayload) whose `kind` is an
//! [`ErrorKind`](crate::error::ErrorKind).
//!
//! A request's fields are the command's arguments, named and typed as the
//! command's documentation (on the struct) describes them; they carry no
//! documentation of their own. This module needs no database: it compiles
//! for `wasm32-unknown-unknown`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model as m;

/// A Tauri command: its request type (`Self`), its name and what it returns.
pub trait Command: Serialize + DeserializeOwned {
    /// The command's name, as registered by the shell.
    const NAME: &'static str;
    /// What the command returns on success.
    type Response: Serialize + DeserializeOwned;
}

/// The response type of command `C`.
pub type Response<C> = <C as Command>::Response;

/// Declares a request struct and its [`Command`] impl.
macro_rules! command {
    ($(#[$doc:meta])* $name:ident = $cmd:literal { $($(#[$fdoc:meta])* $field:ident: $ty:ty),* $(,)? } -> $resp:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $($(#[$fdoc])* #[allow(missing_docs)] pub $field: $ty,)*
        }
        impl Command for $name {
            const NAME: &'static str = $cmd;
            type Response = $resp;
        }
    };
}

command! {
    /// The frame's data (see [`AppInfo`]).
    AppInfo = "app_info" {
    } -> m::AppInfo
}

mod contracts;
mod desk;
mod exports;
mod gdpr;
mod meetings;
mod updates;
mod work;

command! {
    /// This shop's backups, newest first, each checked (managers).
    ListBackups = "list_backups" {
    } -> Vec<m::BackupInfo>
}

command! {
    /// Backs the shop's database up now (managers); returns the backups.
    /// Errors: `Validation` (`backup`: `server_database` on a chain
    /// server, `damaged`); `Forbidden`.
    BackUpNow = "back_up_now" {
    } -> Vec<m::BackupInfo>
}

command! {
    /// How many days the shop keeps its backups (managers).
    BackupKeepDays = "backup_keep_days" {
    } -> u32
}

command! {
    /// Sets how many days the shop keeps its backups, 1–3650 (managers).
    /// Errors: `Forbidden`; `Validation` (`backup_keep_days`:
    /// `out_of_range`).
    SetBackupKeepDays = "set_backup_keep_days" {
        days: u32,
    } -> u32
}

command! {
    /// Puts backup `file` (a name from [`ListBackups`], never a path) in
    /// place of the shop's database (managers): the replaced database is
    /// kept beside it, the desk is signed out and reopens on the restored
    /// one. Errors: `Forbidden`; `Validation` (`backup`: `unknown_value`,
    /// `damaged`, `server_database`), nothing changed.
    RestoreBackup = "restore_backup" {
        file: String,
    } -> m::BackupInfo
}
pub use contracts::*;
pub use desk::*;
pub use exports::*;
pub use gdpr::*;
pub use meetings::*;
pub use updates::*;
pub use work::*;

command! {
    /// Adds a staff member (admins and store managers only).
    AddUser = "add_user" {
        user: m::NewUser,
    } -> m::User
}

command! {
    /// People matching what is typed in the phone and e-mail fields.
    FindMatches = "find_matches" {
        phone: String,
        email: String,
        first_name: Option<String>,
        last_name: Option<String>,
    } -> Vec<m::PersonMatch>
}

command! {
    /// Saves the counter form.
    CaptureLead = "capture_lead" {
        input: m::CaptureLead,
    } -> m::SavedCapture
}

command! {
    /// The counter's banner: offline or not, captures waiting or refused.
    OutboxStatus = "outbox_status" {
    } -> m::OutboxStatus
}

command! {
    /// The Outbox screen: this desk's captures waiting for the server, or refused.
    ListOutbox = "list_outbox" {
    } -> Vec<m::OutboxEntry>
}

command! {
    /// Sends the signed-in user's waiting captures now.
    SendOutbox = "send_outbox" {
    } -> m::OutboxSendReport
}

command! {
    /// Removes a refused capture from the outbox (after reading its reason).
    RemoveOutboxEntry = "remove_outbox_entry" {
        lead_id: Uuid,
    } -> ()
}

command! {
    /// One page of the Leads list.
    ListLeads = "list_leads" {
        query: m::LeadQuery,
    } -> m::Page<m::LeadListItem>
}

command! {
    /// A lead's detail.
    LeadDetail = "lead_detail" {
        id: Uuid,
    } -> m::LeadDetail
}

command! {
    /// Moves a lead to another status.
    ChangeStatus = "change_status" {
        change: m::StatusChange,
    } -> m::LeadDetail
}

command! {
    /// Adds a note to a lead.
    AddNote = "add_note" {
        id: Uuid,
        body: String,
    } -> m::LeadDetail
}

command! {
    /// Opens the system file picker for a CSV file; `None` if cancelled.
    PickCsvFile = "pick_csv_file" {
    } -> Option<String>
}

command! {
    /// Reads a CSV file and proposes a mapping.
    ImportPreview = "import_preview" {
        path: String,
    } -> m::ImportPreview
}

command! {
    /// Problems of an edited mapping against the file (empty = ready).
    ImportCheck = "import_check" {
        path: String,
        mapping: Vec<Option<m::ImportField>>,
    } -> Vec<m::FieldError>
}

command! {
    /// Runs an import, emitting `import-progress` events as it goes.
    ImportRun = "import_run" {
        request: m::ImportRequest,
    } -> m::ImportReport
}

command! {
    /// Asks the running import to stop: it rolls back, leaving nothing written.
    CancelImport = "cancel_import" {
    } -> ()
}

command! {
    /// Asks where to save the import report and writes it as CSV. Returns the
    /// path written, or `None` if the user cancelled.
    SaveImportReport = "save_import_report" {
        report: m::ImportReport,
    } -> Option<String>
}

command! {
    /// The tenant's contact policy and do-not-call list.
    ContactSettings = "contact_settings" {
    } -> m::ContactSettings
}

command! {
    /// Saves the contact policy.
    SaveContactSettings = "save_contact_settings" {
        settings: m::ContactSettings,
    } -> m::ContactSettings
}

command! {
    /// Adds a number to the do-not-call list.
    AddDoNotCall = "add_do_not_call" {
        phone: String,
        reason: Option<String>,
    } -> m::ContactSettings
}

command! {
    /// Removes a number from the do-not-call list.
    RemoveDoNotCall = "remove_do_not_call" {
        phone: String,
    } -> m::ContactSettings
}

command! {
    /// Every stage playbook.
    StagePlaybooks = "stage_playbooks" {
    } -> Vec<(Uuid, m::StagePlaybook)>
}

command! {
    /// Saves a stage's playbook.
    SaveStagePlaybook = "save_stage_playbook" {
        stage: Uuid,
        playbook: m::StagePlaybook,
    } -> Vec<(Uuid, m::StagePlaybook)>
}

command! {
    /// Every campaign cadence.
    CampaignCadences = "campaign_cadences" {
    } -> Vec<(Uuid, m::CampaignCadence)>
}

command! {
    /// Saves a campaign's cadence.
    SaveCampaignCadence = "save_campaign_cadence" {
        campaign: Uuid,
        cadence: m::CampaignCadence,
    } -> Vec<(Uuid, m::CampaignCadence)>
}

command! {
    /// A person's contact preferences.
    ContactPreferences = "contact_preferences" {
        person: Uuid,
    } -> m::ContactPreferences
}

command! {
    /// Saves a person's contact preferences.
    SaveContactPreferences = "save_contact_preferences" {
        person: Uuid,
        preferences: m::ContactPreferences,
    } -> m::ContactPreferences
}

command! {
    /// How the current user's call button dials.
    DialScheme = "dial_scheme" {
    } -> m::DialScheme
}

command! {
    /// Sets how the current user's call button dials.
    SetDialScheme = "set_dial_scheme" {
        scheme: m::DialScheme,
    } -> m::DialScheme
}

command! {
    /// Whether a record may be contacted now on a channel.
    CheckContact = "check_contact" {
        entity_type: m::EntityType,
        entity_id: Uuid,
        channel: m::ContactChannel,
        purpose: m::ContactPurpose,
    } -> m::ContactCheck
}

command! {
    /// Starts a call (the UI then opens `dial_url` through the opener plugin).
    StartCall = "start_call" {
        call: m::StartCall,
    } -> m::StartedCall
}

command! {
    /// Starts a message (SMS, WhatsApp, e-mail): the UI then opens
    /// `open_url` through the opener plugin.
    StartMessage = "start_message" {
        message: m::StartMessage,
    } -> m::StartedMessage
}

command! {
    /// Records a call's outcome.
    RecordCallOutcome = "record_call_outcome" {
        id: Uuid,
        outcome: m::OutcomeInput,
    } -> m::OutcomeRecorded
}

command! {
    /// The current user's calls waiting for an outcome.
    PendingCalls = "pending_calls" {
    } -> Vec<m::Interaction>
}

command! {
    /// People with this number, for an inbound call.
    FindCaller = "find_caller" {
        phone: String,
    } -> Vec<m::CallerMatch>
}

command! {
    /// Logs an inbound call.
    LogInboundCall = "log_inbound_call" {
        call: m::InboundCall,
    } -> m::OutcomeRecorded
}

command! {
    /// A record's interactions.
    Interactions = "interactions" {
        entity_type: m::EntityType,
        entity_id: Uuid,
    } -> Vec<m::Interaction>
}

command! {
    /// The "to call" queue.
    CallQueue = "call_queue" {
    } -> Vec<m::QueueItem>
}

command! {
    /// Pipelines with their stages.
    ListPipelines = "list_pipelines" {
    } -> Vec<m::Pipeline>
}

command! {
    /// Creates a pipeline from (stage name, probability %) pairs.
    CreatePipeline = "create_pipeline" {
        name: String,
        stages: Vec<(String, i64)>,
    } -> m::Pipeline
}

command! {
    /// Applies one edit to a pipeline.
    EditPipeline = "edit_pipeline" {
        pipeline: Uuid,
        change: m::PipelineEdit,
    } -> m::Pipeline
}

command! {
    /// The lost reasons.
    LostReasons = "lost_reasons" {
    } -> Vec<m::LostReason>
}

command! {
    /// Adds a lost reason.
    AddLostReason = "add_lost_reason" {
        label: String,
    } -> m::LostReason
}

command! {
    /// Campaigns.
    ListCampaigns = "list_campaigns" {
    } -> Vec<m::Campaign>
}

command! {
    /// Creates or updates a campaign.
    SaveCampaign = "save_campaign" {
        campaign: m::Campaign,
    } -> m::Campaign
}

command! {
    /// Conversion rules.
    ListRules = "list_rules" {
    } -> Vec<m::ConversionRule>
}

command! {
    /// Creates or updates a conversion rule.
    SaveRule = "save_rule" {
        rule: m::ConversionRule,
    } -> m::ConversionRule
}

command! {
    /// Which rule would fire for a lead.
    PreviewRules = "preview_rules" {
        lead: Uuid,
        trigger: m::RuleTrigger,
    } -> m::RulePreview
}

command! {
    /// A pipeline's board.
    DealBoard = "deal_board" {
        filter: m::DealFilter,
        per_column: u64,
    } -> m::Board
}

command! {
    /// More cards of a board column.
    ColumnCards = "column_cards" {
        filter: m::DealFilter,
        stage: Uuid,
        offset: u64,
        limit: u64,
    } -> Vec<m::DealCard>
}

command! {
    /// One page of the deal list.
    ListDeals = "list_deals" {
        query: m::DealQuery,
    } -> m::Page<m::DealListItem>
}

command! {
    /// A deal's detail.
    DealDetail = "deal_detail" {
        id: Uuid,
    } -> m::DealDetail
}

command! {
    /// Opens a deal (by hand or from a lead).
    CreateDeal = "create_deal" {
        deal: m::NewDeal,
    } -> m::DealDetail
}

command! {
    /// Moves, wins, loses or reopens a deal.
    MoveDeal = "move_deal" {
        id: Uuid,
        to: m::DealMove,
    } -> m::DealDetail
}

command! {
    /// Edits a deal's lines and terms.
    UpdateDeal = "update_deal" {
        id: Uuid,
        update: m::DealUpdate,
    } -> m::DealDetail
}

command! {
    /// Links a customer (person and/or company) to a deal that has none.
    LinkDealCustomer = "link_deal_customer" {
        id: Uuid,
        person_id: Option<Uuid>,
        company_id: Option<Uuid>,
    } -> m::DealDetail
}

command! {
    /// A capture form prefilled for a cross-sell lead from a deal's customer.
    CrossSell = "cross_sell" {
        id: Uuid,
    } -> m::CaptureLead
}

command! {
    /// Every KPI over a range.
    KpiReport = "kpi_report" {
        range: m::KpiRange,
    } -> m::KpiReport
}

command! {
    /// Reads a deals CSV and proposes a mapping and date order.
    DealImportPreview = "deal_import_preview" {
        path: String,
    } -> m::DealImportPreview
}

command! {
    /// Runs a deals import, emitting `import-progress` events.
    DealImportRun = "deal_import_run" {
        request: m::DealImportRequest,
    } -> m::ImportReport
}

command! {
    /// One page of companies.
    ListCompanies = "list_companies" {
        query: m::CompanyQuery,
    } -> m::Page<m::CompanyListItem>
}

command! {
    /// Creates a company from its form.
    CreateCompany = "create_company" {
        input: m::CompanyInput,
    } -> m::Company
}

command! {
    /// Saves a company's form.
    UpdateCompany = "update_company" {
        id: Uuid,
        input: m::CompanyInput,
    } -> m::Company
}

command! {
    /// The company card.
    CompanyCard = "company_card" {
        id: Uuid,
    } -> m::CompanyCard
}

command! {
    /// The person card.
    PersonCard = "person_card" {
        id: Uuid,
    } -> m::PersonCard
}

command! {
    /// Saves a person's tax code, city and custom fields.
    UpdatePersonDetails = "update_person_details" {
        id: Uuid,
        details: m::PersonDetails,
    } -> m::PersonCard
}

command! {
    /// Links a person to a company.
    LinkContact = "link_contact" {
        company: Uuid,
        person: Uuid,
        role: String,
        primary: bool,
    } -> m::CompanyCard
}

command! {
    /// Unlinks a person from a company.
    UnlinkContact = "unlink_contact" {
        company: Uuid,
        person: Uuid,
    } -> m::CompanyCard
}

command! {
    /// Adds a note to a record.
    AddRecordNote = "add_record_note" {
        note: m::NewNote,
    } -> m::Note
}

command! {
    /// Edits a note.
    EditNote = "edit_note" {
        id: Uuid,
        edit: m::NoteEdit,
    } -> m::Note
}

command! {
    /// Notes of a record.
    ListNotes = "list_notes" {
        entity: Uuid,
    } -> Vec<m::Note>
}

command! {
    /// A note's earlier versions.
    NoteRevisions = "note_revisions" {
        id: Uuid,
    } -> Vec<m::NoteRevision>
}

command! {
    /// The acting user's mentions.
    Mentions = "mentions" {
        unread_only: bool,
    } -> Vec<m::Mention>
}

command! {
    /// Marks mentions read (one note's, or all).
    MarkMentionsRead = "mark_mentions_read" {
        note: Option<Uuid>,
    } -> u64
}

command! {
    /// One page of a record's timeline.
    Timeline = "timeline" {
        entity_type: m::EntityType,
        entity_id: Uuid,
        offset: u32,
        limit: u32,
    } -> m::Page<m::TimelineEntry>
}

command! {
    /// Asks for a file and attaches it to a record; `None` if cancelled.
    AttachDocument = "attach_document" {
        entity_type: m::EntityType,
        entity_id: Uuid,
    } -> Option<m::Document>
}

command! {
    /// Asks where to save a document and writes its bytes; `None` if cancelled.
    SaveDocument = "save_document" {
        id: Uuid,
    } -> Option<String>
}

command! {
    /// Every custom field definition.
    CustomFields = "custom_fields" {
    } -> Vec<m::CustomField>
}

command! {
    /// Defines or edits a custom field.
    SaveCustomField = "save_custom_field" {
        field: m::CustomField,
    } -> Vec<m::CustomField>
}

command! {
    /// Sets the custom values of a lead or deal.
    SetCustomValues = "set_custom_values" {
        entity_type: m::EntityType,
        id: Uuid,
        values: m::CustomValues,
    } -> m::CustomValues
}

command! {
    /// The custom values of a record.
    CustomValues = "custom_values" {
        entity_type: m::EntityType,
        id: Uuid,
    } -> m::CustomValues
}

command! {
    /// The search box.
    Search = "search" {
        query: String,
    } -> m::SearchResults
}

command! {
    /// Likely duplicates of people or companies.
    DuplicatePairs = "duplicate_pairs" {
        entity_type: m::EntityType,
    } -> Vec<m::DuplicatePair>
}

command! {
    /// Merges `merge` into `keep`.
    MergeRecords = "merge_records" {
        entity_type: m::EntityType,
        keep: Uuid,
        merge: Uuid,
    } -> m::MergeOutcome
}

command! {
    /// Marks a pair "not a duplicate".
    DismissDuplicate = "dismiss_duplicate" {
        entity_type: m::EntityType,
        a: Uuid,
        b: Uuid,
    } -> ()
}

command! {
    /// Saves the vCards of a person or of a company's contacts (asks where).
    ExportVcard = "export_vcard" {
        entity_type: m::EntityType,
        id: Uuid,
    } -> Option<String>
}

command! {
    /// Asks for a .vcf file and imports its contacts; `None` if cancelled.
    ImportVcard = "import_vcard" {
        duplicates: m::DuplicatePolicy,
    } -> Option<m::ImportReport>
}

command! {
    /// Reads a companies CSV and proposes a mapping.
    CompanyImportPreview = "company_import_preview" {
        path: String,
    } -> m::CompanyImportPreview
}

command! {
    /// Runs a companies import.
    CompanyImportRun = "company_import_run" {
        request: m::CompanyImportRequest,
    } -> m::ImportReport
}
