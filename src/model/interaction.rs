//! Calls, interactions, the "to call" queue and video meetings
//! (issue 6, seeds 000 and 001): the shapes the services, the shell and
//! the UI exchange, and the rules about a single value (a dial URL, a
//! meeting's room link, a call outcome's fields).

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::contact_rules::{ContactChannel, ContactPurpose, QuietHours, Refusal};
use super::meeting_server::{check_meeting_domain, meeting_url, MeetingAccess};
use super::string_enum::string_enum;
use super::{EntityType, FieldError};

string_enum! {
    /// How the call button dials: the URL scheme handed to the system
    /// (the opener plugin), chosen per user in Settings.
    DialScheme {
        /// `tel:` — the system's phone app (Teams, FaceTime, a paired phone).
        Tel = "tel",
        /// `sip:` — a SIP softphone.
        Sip = "sip",
        /// `callto:` — Skype-style diallers.
        Callto = "callto",
    }
}

/// The URL the call button opens: `scheme:` + the number in E.164
/// (`tel:+393331234567`, RFC 3966 global number; `sip:+39…`; `callto:+39…`).
pub fn dial_url(scheme: DialScheme, e164: &str) -> String {
    format!("{}:{}", scheme.as_str(), e164)
}

string_enum! {
    /// Which way a contact went.
    Direction {
        /// Staff reached out.
        Outbound = "outbound",
        /// The person called in.
        Inbound = "inbound",
    }
}

string_enum! {
    /// How a call went.
    CallOutcome {
        /// Spoke with the person.
        Reached = "reached",
        /// Nobody answered.
        NoAnswer = "no_answer",
        /// The line was busy.
        Busy = "busy",
        /// The number is not the person's.
        WrongNumber = "wrong_number",
        /// The person asked to be called back at a given time (a task of
        /// kind `call`).
        CallBack = "call_back",
    }
}

/// One contact with a person: a call (out or in), a meeting, a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Interaction {
    /// UUID v7.
    pub id: Uuid,
    /// The record it was made from (lead, deal, person, company).
    pub entity_type: EntityType,
    /// That record's id.
    pub entity_id: Uuid,
    /// The person contacted, when known.
    pub person_id: Option<Uuid>,
    /// Channel.
    pub channel: ContactChannel,
    /// Direction.
    pub direction: Direction,
    /// Service or marketing.
    pub purpose: ContactPurpose,
    /// How it went; `None` until recorded.
    pub outcome: Option<CallOutcome>,
    /// The number (E.164).
    #[cfg_attr(feature = "store", sqlx(rename = "phone_e164"))]
    pub phone: Option<String>,
    /// The campaign it was made for.
    pub campaign_id: Option<Uuid>,
    /// When it started (UTC).
    pub started_at: DateTime<Utc>,
    /// Length in seconds.
    pub duration_seconds: Option<i64>,
    /// Free note.
    pub note: Option<String>,
    /// Who made or took it.
    pub user_id: Uuid,
    /// Their name (filled on read).
    pub user_name: Option<String>,
    /// The refusal code a manager overrode (`quiet_hours`, …).
    pub override_code: Option<String>,
    /// The manager's reason.
    pub override_reason: Option<String>,
    /// When the outcome was recorded (UTC).
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A call about to be made from a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartCall {
    /// The record the call button is on.
    pub entity_type: EntityType,
    /// Its id.
    pub entity_id: Uuid,
    /// The number to call as shown or typed (any format of the tenant's
    /// region); `None`: the person's main number, else the company's.
    #[serde(default)]
    pub phone: Option<String>,
    /// Service (default) or marketing.
    #[serde(default = "service")]
    pub purpose: ContactPurpose,
    /// A manager's reason to call although a contact rule refuses.
    #[serde(default)]
    pub override_reason: Option<String>,
}

fn service() -> ContactPurpose {
    ContactPurpose::Service
}

/// A started call: the interaction (outcome pending) and the URL to open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartedCall {
    /// The interaction, outcome `None`.
    pub interaction: Interaction,
    /// `tel:+39…` (the user's [`DialScheme`]).
    pub dial_url: String,
    /// Who is called (display name).
    pub title: String,
}

/// The outcome dialog's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeInput {
    /// How it went.
    pub outcome: CallOutcome,
    /// Length in seconds (0–86,400).
    #[serde(default)]
    pub duration_seconds: Option<i64>,
    /// Optional note (at most 4,000 characters).
    #[serde(default)]
    pub note: Option<String>,
    /// For [`CallOutcome::CallBack`]: when to call back (UTC, in the future).
    #[serde(default)]
    pub call_back_at: Option<DateTime<Utc>>,
}

impl OutcomeInput {
    /// Checks the fields against `now`. Errors (all at once):
    /// `out_of_range` on `duration_seconds`; `required` / `in_the_past` on
    /// `call_back_at` for a call back; `too_long` on `note`.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(d) = self.duration_seconds {
            if !(0..=86_400).contains(&d) {
                errors.push(
                    FieldError::new("duration_seconds", "out_of_range")
                        .with("min", "0")
                        .with("max", "86400"),
                );
            }
        }
        if self.outcome == CallOutcome::CallBack {
            match self.call_back_at {
                None => errors.push(FieldError::new("call_back_at", "required")),
                Some(at) if at <= now => {
                    errors.push(FieldError::new("call_back_at", "in_the_past"))
                }
                _ => {}
            }
        }
        if self
            .note
            .as_deref()
            .is_some_and(|n| n.chars().count() > 4000)
        {
            errors.push(FieldError::new("note", "too_long").with("max", "4000"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// An inbound call to log: the caller's number and the record it is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundCall {
    /// The caller's number as typed or pasted.
    pub phone: String,
    /// The record chosen among the matches (person, lead or deal).
    pub entity_type: EntityType,
    /// Its id.
    pub entity_id: Uuid,
    /// How it went, length and note.
    pub outcome: OutcomeInput,
}

/// A person whose number matches an inbound call, with what is open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerMatch {
    /// The person.
    pub person_id: Uuid,
    /// Their name.
    pub name: String,
    /// Their main number (E.164).
    pub phone: Option<String>,
    /// Already a customer.
    pub is_customer: bool,
    /// Open leads: id and interest.
    pub leads: Vec<(Uuid, String)>,
    /// Open deals: id and title.
    pub deals: Vec<(Uuid, String)>,
}

string_enum! {
    /// Why a record is in the "to call" queue.
    QueueReason {
        /// The stage's SLA has passed.
        Overdue = "overdue",
        /// The stage's SLA runs out soon (within a quarter of it).
        DueSoon = "due_soon",
        /// A call-back the person asked for is due.
        CallBack = "call_back",
    }
}

/// One row of the "to call" queue, most urgent first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    /// Lead or deal (or the record of a call-back).
    pub entity_type: EntityType,
    /// Its id.
    pub entity_id: Uuid,
    /// Deal title or the lead's person name.
    pub title: String,
    /// The person.
    pub person_id: Option<Uuid>,
    /// Their name.
    pub person_name: Option<String>,
    /// Their number (E.164).
    pub phone: Option<String>,
    /// The stage (deal) or status (lead) the SLA belongs to.
    pub stage: String,
    /// When the SLA runs out or the call-back is due (UTC).
    pub deadline: DateTime<Utc>,
    /// Why it is here.
    pub reason: QueueReason,
    /// Attempts since it entered the stage.
    pub attempts: u32,
    /// The task of kind `call`, for a call-back (marking it done takes it
    /// off the queue).
    pub task_id: Option<Uuid>,
}

string_enum! {
    /// What a desk alert is about.
    AlertKind {
        /// A call-back the user promised falls due.
        CallBack = "call_back",
        /// A meeting the user scheduled or takes part in is about to start.
        Meeting = "meeting",
    }
}

/// Something due for the signed-in user that the desk raises as a system
/// notification (issue 14), and whose record a click on it opens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeskAlert {
    /// Call-back or meeting.
    pub kind: AlertKind,
    /// The call task's or the meeting's id (UUID v7): one notification each.
    pub id: Uuid,
    /// When the call-back is due or the meeting starts (UTC).
    pub at: DateTime<Utc>,
    /// The record to open: lead, deal, person or company.
    pub entity_type: EntityType,
    /// Its id.
    pub entity_id: Uuid,
    /// The record's title (a deal's title, a lead's or person's name).
    pub record_title: String,
    /// The meeting's title, or the call-back's note (may be empty).
    pub detail: String,
}

/// A meeting is announced this many minutes before it starts (and up to
/// [`MEETING_LATE_MINUTES`] after, while nobody has joined).
pub const MEETING_NOTICE_MINUTES: i64 = 10;
/// How long after its start a meeting nobody joined is still announced.
pub const MEETING_LATE_MINUTES: i64 = 5;
/// How long after it fell due a call-back still raises a notification
/// (older ones wait in the "to call" queue, so a desk opened in the
/// morning is not flooded with yesterday's).
pub const CALL_BACK_GRACE_HOURS: i64 = 12;
/// The event that opens an alert's record in the main window (payload: a
/// [`DeskAlert`], sent by the shell when its notification is clicked).
pub const ALERT_EVENT: &str = "alert-open";

/// Where a record stands against its SLA at `now`: `Overdue` once the
/// deadline has passed, `DueSoon` within the last quarter of `sla_hours`
/// (at least one hour), else `None` (not urgent yet). Source: the brief's
/// "to call" queue; the quarter is Banco's choice, shown in the queue.
pub fn sla_reason(
    deadline: DateTime<Utc>,
    sla_hours: u32,
    now: DateTime<Utc>,
) -> Option<QueueReason> {
    let warn = chrono::Duration::minutes((i64::from(sla_hours) * 60 / 4).max(60));
    if deadline <= now {
        Some(QueueReason::Overdue)
    } else if deadline - now <= warn {
        Some(QueueReason::DueSoon)
    } else {
        None
    }
}

/// A number on the do-not-call list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoNotCallEntry {
    /// E.164.
    pub phone: String,
    /// Why (a complaint, the Registro delle opposizioni, …).
    pub reason: Option<String>,
    /// When it was added (UTC).
    pub added_at: DateTime<Utc>,
    /// Only marketing contacts are refused (an objection under GDPR
    /// art. 21): the person can still be called about their own request
    /// or contract.
    #[serde(default)]
    pub marketing_only: bool,
}

/// The tenant's contact policy as edited in Settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactSettings {
    /// IANA time zone (`Europe/Rome`).
    pub time_zone: String,
    /// Quiet hours for every contact (local times).
    pub quiet_hours: Option<QuietHours>,
    /// Most attempts per person per local day.
    pub daily_cap: Option<u32>,
    /// Hours within which a new lead should be called.
    pub lead_sla_hours: Option<u32>,
    /// The Jitsi server: `meet.jit.si`, `video.example.it`, or an
    /// `http(s)://host[:port]` base URL.
    pub meeting_domain: String,
    /// How the meeting server admits people (tokens, JaaS, the
    /// customer's way in); the default is an open server.
    #[serde(default)]
    pub meeting_access: MeetingAccess,
    /// The do-not-call list (read only here; edited one number at a time).
    #[serde(default)]
    pub do_not_call: Vec<DoNotCallEntry>,
}

/// The default meeting server.
pub const DEFAULT_MEETING_DOMAIN: &str = "meet.jit.si";

impl Default for ContactSettings {
    /// Europe/Rome; quiet hours 21:00–09:00 (the Italian telemarketing
    /// code of conduct's calling window, 9–21); 3 attempts per person per
    /// day; new leads called within 24 hours; meet.jit.si.
    fn default() -> Self {
        let hm = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
        ContactSettings {
            time_zone: "Europe/Rome".into(),
            quiet_hours: Some(QuietHours {
                start: hm(21),
                end: hm(9),
            }),
            daily_cap: Some(3),
            lead_sla_hours: Some(24),
            meeting_domain: DEFAULT_MEETING_DOMAIN.into(),
            meeting_access: MeetingAccess::default(),
            do_not_call: Vec::new(),
        }
    }
}

impl ContactSettings {
    /// Checks the policy. Errors (all at once): `unknown_value` on
    /// `time_zone`; `invalid` on `meeting_domain`; `out_of_range` on
    /// `daily_cap` (1–50) and `lead_sla_hours` (1–720); the meeting
    /// access's ([`MeetingAccess::check`]).
    pub fn validate(&self) -> Result<ContactSettings, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut out = self.clone();
        if let Err(e) = super::contact_rules::parse_time_zone(&self.time_zone) {
            errors.push(e);
        }
        out.time_zone = self.time_zone.trim().to_string();
        match check_meeting_domain(&self.meeting_domain) {
            Ok(d) => {
                match self.meeting_access.check(&d) {
                    Ok(a) => out.meeting_access = a,
                    Err(e) => errors.extend(e),
                }
                out.meeting_domain = d;
            }
            Err(e) => errors.push(e),
        }
        for (field, value, max) in [
            ("daily_cap", self.daily_cap, 50),
            ("lead_sla_hours", self.lead_sla_hours, 720),
        ] {
            if value.is_some_and(|v| v == 0 || v > max) {
                errors.push(
                    FieldError::new(field, "out_of_range")
                        .with("min", "1")
                        .with("max", max.to_string()),
                );
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

string_enum! {
    /// Where a meeting is: `scheduled → in_progress → ended | cancelled`
    /// (a scheduled meeting may also be cancelled).
    MeetingStatus {
        /// Planned.
        Scheduled = "scheduled",
        /// Someone joined.
        InProgress = "in_progress",
        /// Over; duration recorded.
        Ended = "ended",
        /// Called off.
        Cancelled = "cancelled",
    }
}

impl MeetingStatus {
    /// Whether a meeting may go from `self` to `to`.
    pub fn can_move_to(self, to: MeetingStatus) -> bool {
        use MeetingStatus::*;
        matches!(
            (self, to),
            (Scheduled, InProgress)
                | (Scheduled, Cancelled)
                | (InProgress, Ended)
                | (InProgress, Cancelled)
        )
    }
}

/// A video meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Meeting {
    /// UUID v7.
    pub id: Uuid,
    /// The record it is about.
    pub entity_type: EntityType,
    /// Its id.
    pub entity_id: Uuid,
    /// That record's name (filled on read).
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(skip))]
    pub record_title: String,
    /// Title.
    pub title: String,
    /// Planned start (UTC).
    pub starts_at: DateTime<Utc>,
    /// Planned length in minutes (5–480).
    #[cfg_attr(feature = "store", sqlx(try_from = "i64"))]
    pub duration_minutes: u32,
    /// Room name (`banco-` + 32 hex digits).
    pub room: String,
    /// The server it was scheduled on.
    pub domain: String,
    /// The customer's e-mail, for the invitation.
    pub customer_email: Option<String>,
    /// Status.
    pub status: MeetingStatus,
    /// When someone joined (UTC).
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended (UTC).
    pub ended_at: Option<DateTime<Utc>>,
    /// The meeting note written when it ended.
    pub note_id: Option<Uuid>,
    /// Internal participants: id and name.
    #[cfg_attr(feature = "store", sqlx(skip))]
    pub participants: Vec<(Uuid, String)>,
    /// Who scheduled it.
    pub created_by: Uuid,
}

impl Meeting {
    /// The room link (`https://meet.jit.si/banco-…`).
    pub fn url(&self) -> String {
        meeting_url(&self.domain, &self.room)
    }

    /// Real length in whole minutes, once ended.
    pub fn actual_minutes(&self) -> Option<i64> {
        match (self.started_at, self.ended_at) {
            (Some(s), Some(e)) => Some(((e - s).num_seconds().max(0) + 59) / 60),
            _ => None,
        }
    }
}

/// A meeting to schedule from a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMeeting {
    /// The record.
    pub entity_type: EntityType,
    /// Its id.
    pub entity_id: Uuid,
    /// Title (1–200 characters).
    pub title: String,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// Length in minutes (5–480).
    pub duration_minutes: u32,
    /// Internal participants (users); the scheduler is always one.
    #[serde(default)]
    pub participants: Vec<Uuid>,
    /// The customer's e-mail for the invitation (checked like any e-mail).
    #[serde(default)]
    pub customer_email: Option<String>,
    /// A manager's reason to schedule although a contact rule refuses.
    #[serde(default)]
    pub override_reason: Option<String>,
}

impl NewMeeting {
    /// Checks title and duration. Errors (all at once): `required` /
    /// `too_long` on `title`, `out_of_range` on `duration_minutes`.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.push(FieldError::new("title", "required"));
        } else if title.chars().count() > 200 {
            errors.push(FieldError::new("title", "too_long").with("max", "200"));
        }
        if !(5..=480).contains(&self.duration_minutes) {
            errors.push(
                FieldError::new("duration_minutes", "out_of_range")
                    .with("min", "5")
                    .with("max", "480"),
            );
        }
        errors
    }
}

/// What the meeting window needs: the server's base URL and host, the
/// room, the user's display name, and the link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingJoin {
    /// The meeting (now in progress).
    pub meeting: Meeting,
    /// `https://meet.jit.si` (where `external_api.js` is loaded from).
    pub base_url: String,
    /// `meet.jit.si` (the IFrame API's `domain`).
    pub host: String,
    /// The joining user's name.
    pub display_name: String,
    /// The meeting opens in the system browser, not in Banco's meeting
    /// window: its server ends embedded meetings after five minutes
    /// ([`crate::model::opens_in_browser`]). The user ends it in Banco
    /// when it is over (length and meeting note as usual).
    #[serde(default)]
    pub in_browser: bool,
    /// The user's token for the server (a moderator's, this room only),
    /// when the server admits people by token; `None` for an open server
    /// or a meeting in the browser.
    #[serde(default)]
    pub jwt: Option<String>,
}

/// The words of the meeting note written when a meeting ends, in the
/// user's language (the UI sends them; the core has no language of its
/// own). The default is English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingNoteLabels {
    /// "Participants".
    pub participants: String,
    /// "Duration".
    pub duration: String,
    /// "planned".
    pub planned: String,
    /// "Room".
    pub room: String,
}

impl Default for MeetingNoteLabels {
    fn default() -> Self {
        MeetingNoteLabels {
            participants: "Participants".into(),
            duration: "Duration".into(),
            planned: "planned".into(),
            room: "Room".into(),
        }
    }
}

/// A meeting that ended, and the note written on its record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingEnded {
    /// The meeting, status ended.
    pub meeting: Meeting,
    /// The meeting note (prefilled with participants and duration).
    pub note: super::Note,
}

/// The result of checking the contact rules before a call or a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactCheck {
    /// Nothing refuses.
    pub allowed: bool,
    /// The first refusal, in precedence order.
    pub refusal: Option<Refusal>,
    /// Whether the acting user may override it (store managers and admins).
    pub can_override: bool,
    /// The channel checked.
    pub channel: ContactChannel,
}

/// A person's contact preferences as edited on their card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPreferences {
    /// Asked not to be contacted at all.
    pub do_not_contact: bool,
    /// Channels refused.
    pub blocked_channels: Vec<ContactChannel>,
}

/// What recording an outcome produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeRecorded {
    /// The interaction, outcome set.
    pub interaction: Interaction,
    /// The task of kind `call` a call back made (see
    /// [`crate::model::Task`]).
    pub call_back: Option<super::Task>,
}

/// The meeting window's own messages and the meeting note's words, in
/// the UI's language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingLabels {
    /// Shown while Jitsi loads.
    pub loading: String,
    /// Shown (before the server's URL) when it cannot be reached.
    pub unreachable: String,
    /// Before the names of who is in the call ("In riunione").
    #[serde(default)]
    pub in_call: String,
    /// The server ended the call ("Il server ha chiuso la riunione").
    #[serde(default)]
    pub server_ended: String,
    /// The server refused the token.
    #[serde(default)]
    pub token_refused: String,
    /// The token expired.
    #[serde(default)]
    pub token_expired: String,
    /// The words of the note written when the window closes.
    #[serde(default)]
    pub note: MeetingNoteLabels,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dial_urls_use_e164() {
        assert_eq!(
            dial_url(DialScheme::Tel, "+393331234567"),
            "tel:+393331234567"
        );
        assert_eq!(
            dial_url(DialScheme::Sip, "+390212345678"),
            "sip:+390212345678"
        );
        assert_eq!(
            dial_url(DialScheme::Callto, "+41441234567"),
            "callto:+41441234567"
        );
    }

    #[test]
    fn meeting_lifecycle() {
        use MeetingStatus::*;
        assert!(Scheduled.can_move_to(InProgress));
        assert!(InProgress.can_move_to(Ended));
        assert!(Scheduled.can_move_to(Cancelled));
        assert!(!Scheduled.can_move_to(Ended));
        assert!(!Ended.can_move_to(InProgress));
        assert!(!Cancelled.can_move_to(Scheduled));
    }

    #[test]
    fn outcome_checks() {
        let now = Utc::now();
        let mut o = OutcomeInput {
            outcome: CallOutcome::CallBack,
            duration_seconds: Some(-1),
            note: None,
            call_back_at: None,
        };
        let codes: Vec<_> = o
            .validate(now)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("duration_seconds".to_string(), "out_of_range".to_string()),
                ("call_back_at".to_string(), "required".to_string())
            ]
        );
        o.duration_seconds = Some(90);
        o.call_back_at = Some(now - chrono::Duration::minutes(1));
        assert_eq!(o.validate(now).unwrap_err()[0].code, "in_the_past");
        o.call_back_at = Some(now + chrono::Duration::hours(2));
        assert!(o.validate(now).is_ok());
    }

    #[test]
    fn sla_reasons() {
        let now = Utc::now();
        let h = chrono::Duration::hours;
        assert_eq!(sla_reason(now - h(1), 24, now), Some(QueueReason::Overdue));
        assert_eq!(sla_reason(now + h(5), 24, now), Some(QueueReason::DueSoon));
        assert_eq!(sla_reason(now + h(7), 24, now), None);
        // A 2-hour SLA warns in its last hour (at least one hour).
        assert_eq!(
            sla_reason(now + chrono::Duration::minutes(50), 2, now),
            Some(QueueReason::DueSoon)
        );
    }

    #[test]
    fn settings_checks() {
        let mut s = ContactSettings::default();
        assert!(s.validate().is_ok());
        s.time_zone = "Mars/Olympus".into();
        s.daily_cap = Some(0);
        s.meeting_domain = "ftp://x".into();
        let fields: Vec<_> = s
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["time_zone", "meeting_domain", "daily_cap"]);
        // "HH:MM" is read as a clock time.
        let q: QuietHours = serde_json::from_str(r#"{"start":"21:00","end":"09:00"}"#).unwrap();
        assert_eq!(q.end, NaiveTime::from_hms_opt(9, 0, 0).unwrap());
    }
}
