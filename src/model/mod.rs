//! The domain model and its validation rules. Pure data and pure functions:
//! no I/O, compiles for wasm so the UI shares it.
//!
//! Shapes follow the brief (`shared/BRIEF.md`, seed 000): a [`Person`] is one
//! identity across the CRM, found again by phone (E.164) or e-mail; a
//! [`Lead`] is a raw interest of a person, with a [`SourceChannel`], an
//! [`Interest`] and GDPR [`Consent`]s; its [`LeadStatus`] follows
//! `new → in_progress → qualified → converted | disqualified`.

mod after_sale_kpi;
mod audit;
mod automation;
mod backup;
mod capture;
mod company;
mod connection;
mod consent;
mod contact;
mod contact_rules;
mod contract;
mod custom;
mod deal;
mod deal_update;
mod export;
mod field_error;
mod gdpr;
mod import;
mod interaction;
#[cfg(feature = "store")]
mod json_text;
mod kpi;
mod lead;
mod meeting_server;
mod message;
mod outbox;
mod person;
mod profile;
mod rebase;
mod record;
mod segment;
mod string_enum;
mod supply_id;
mod task;
mod tax_id;
mod ticket;
mod update;
mod user;

pub use after_sale_kpi::{mean_and_median, ActivationKpi, AfterSaleReport, TicketKpi};
pub use audit::{AuditEvent, AuditFilter, AUDIT_ACTIONS};
pub use automation::{AutomationKind, AutomationRule, AutomationRun, AutomationTarget};
pub use backup::BackupInfo;
pub use capture::{CaptureLead, CaptureOutcome, ConsentChoices, ValidCapture};
pub use company::{
    parse_tags, Company, CompanyContact, CompanyInput, CompanyKind, CompanyListItem, CompanyQuery,
    CompanyStatus, ValidCompany,
};
pub use connection::{DeskConnection, ServerSettings, TlsMode};
pub use consent::{
    consent_state, default_consent_text, Consent, ConsentDecision, ConsentKind, ConsentSource,
    ConsentText, ReceiptLabels, CONSENT_CHANNELS,
};
pub use contact::{
    check_url, normalize_email, parse_region, phone_for_sheet, phone_link_number, Email, Phone,
    DEFAULT_REGION,
};
pub use contact_rules::{
    check_contact, parse_time_zone, CampaignCadence, ContactChannel, ContactPurpose,
    ContactRequest, PastAttempt, PersonPreferences, QuietHours, Refusal, RuleLevel, StagePlaybook,
    TenantPolicy,
};
pub use contract::{
    Contract, ContractDetail, ContractEdit, ContractEvent, ContractEventKind, ContractFilter,
    ContractListItem, ContractMove, ContractStatus, CustomerListItem, PaymentMethod, ServiceKind,
    DEFAULT_CONTRACT_MONTHS, MAX_CONTRACT_MONTHS, MAX_NOTICE_DAYS,
};
pub use custom::{
    check_custom_values, check_field_definition, check_value, custom_text, parse_date, CustomField,
    CustomFieldKind, CustomValues, EntityType,
};
pub use deal::{
    check_lines, check_probability, check_terms, deal_totals, minor_to_decimal, parse_money,
    Attribution, Board, BoardColumn, Campaign, ConversionRule, Deal, DealCard, DealDetail,
    DealEvent, DealEventKind, DealFilter, DealLine, DealListItem, DealMove, DealQuery, DealSort,
    DealStatus, DealTotals, LostReason, NewDeal, OwnerMode, Pipeline, PipelineEdit, RuleFacts,
    RulePreview, RuleTrigger, RuleVerdict, Stage, Utm, MAX_DEAL_VALUE_MINOR, MAX_LINES,
    MAX_QUANTITY, MAX_UNIT_MINOR,
};
pub use deal_update::DealUpdate;
pub use export::ExportFormat;
pub use field_error::{check_name, FieldError, MAX_NAME_CHARS};
pub use gdpr::{
    identity_needles, redact_identity, Erasure, ErasureCounts, PersonDataExport,
    RetentionCandidate, RetentionPreview, RetentionRun, DEFAULT_RETENTION_MONTHS,
    ERASED_FIRST_NAME, MAX_RETENTION_MONTHS, PERSON_DATA_FORMAT,
};
pub use import::{
    check_deal_mapping, CompanyImportField, CompanyImportPreview, CompanyImportRequest, DateOrder,
    DealImportField, DealImportPreview, DealImportRequest, DuplicatePolicy, ImportField,
    ImportPreview, ImportReport, ImportRequest, ImportSummary, MissingPolicy, NoCustomerPolicy,
    RowOutcome, RowStatus,
};
pub use interaction::{
    dial_url, sla_reason, AlertKind, CallOutcome, CallerMatch, ContactCheck, ContactPreferences,
    ContactSettings, DeskAlert, DialScheme, Direction, DoNotCallEntry, InboundCall, Interaction,
    Meeting, MeetingEnded, MeetingJoin, MeetingLabels, MeetingNoteLabels, MeetingStatus,
    NewMeeting, OutcomeInput, OutcomeRecorded, QueueItem, QueueReason, StartCall, StartedCall,
    ALERT_EVENT, CALL_BACK_GRACE_HOURS, DEFAULT_MEETING_DOMAIN, MEETING_LATE_MINUTES,
    MEETING_NOTICE_MINUTES,
};
#[cfg(feature = "store")]
pub use json_text::JsonText;
pub use kpi::{
    cost_per_lead, div_round, rate, weighted, win_rate, CampaignKpi, ForecastMonth, GroupKpi,
    KpiRange, KpiReport, KpiTable, PipelineKpi, StageDays,
};
pub use lead::{
    Interest, Lead, LeadEvent, LeadEventKind, LeadListItem, LeadQuery, LeadSort, LeadStatus, Page,
    SourceChannel, StatusChange,
};
pub use meeting_server::{
    check_meeting_domain, meeting_base, meeting_host, meeting_url, opens_in_browser, room_claim,
    room_name, GuestAccess, MeetingAccess, MeetingAuth, MeetingKeyStatus, BROWSER_ONLY_HOSTS,
    JAAS_APP_PREFIX, JAAS_HOST,
};
pub use message::{message_url, StartMessage, StartedMessage};
pub use outbox::{
    OutboxEntry, OutboxSendReport, OutboxState, OutboxStatus, QueuedBecause, SavedCapture,
};
pub use person::{search_key, IdentityEdit, LeadElsewhere, Person, PersonMatch, MAX_PERSON_NAME};
pub use profile::{
    birth_matches_tax_code, birthday_in, check_language, earliest_birth_date, next_birthday,
    parse_birth_date, ProfileEdit, MAX_ADDRESS, MAX_POSTAL_CODE, MAX_PROVINCE, PREFERRED_CHANNELS,
};
pub use rebase::{rebase_custom, rebase_field};
pub use record::{
    check_note_body, find_mentions, CompanyCard, Document, DuplicatePair, Evidence, EvidenceKind,
    LeadDetail, Mention, MergeOutcome, NewNote, Note, NoteEdit, NoteKind, NoteRevision, PersonCard,
    PersonDetails, RecordSummary, SearchHit, SearchResults, TimelineEntry, MAX_DOCUMENT_BYTES,
    MAX_NOTE_CHARS,
};
pub use segment::{
    classify, vip_threshold, Segment, SegmentDay, SegmentFacts, SegmentRules, SegmentSummary,
};
pub use supply_id::{
    check_iban, check_iccid, check_migration_code, check_msisdn, check_pdr, check_pod,
};
pub use task::{
    due_bucket, DueBucket, NewTask, Task, TaskKind, TaskListItem, TaskQuery, TaskScope, TaskStatus,
};
pub use tax_id::{
    check_company_tax_code, check_person_tax_code, check_vat, cin_check_char, codice_fiscale_birth,
    codice_fiscale_check_char, partita_iva_check_digit, partita_iva_ok,
};
pub use ticket::{
    check_template, Kit, KitService, KitStep, Milestone, NewTicket, TemplateMilestone,
    TemplateTask, Ticket, TicketDetail, TicketKind, TicketListItem, TicketPriority, TicketQuery,
    WorkStatus, WorkflowTemplate, MAX_TEMPLATE_ITEMS,
};
pub use update::{
    check_endpoint, AboutDesk, AlertWords, DiagnosticsSaved, MenuLabels, UpdateOffer,
    UpdateProgress, UpdateServer, ENDPOINT_VARIABLES, MAX_ENDPOINT_CHARS, MAX_MENU_LABEL_CHARS,
    MENU_EVENT, UPDATE_PROGRESS_EVENT,
};
pub use user::{
    check_password, normalize_login, AppInfo, DeskState, NewUser, Password, RecordScope, Role,
    Shop, Tenant, User, LOGIN_MAX, PASSWORD_MAX, PASSWORD_MIN,
};
