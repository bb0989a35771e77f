//! Video meetings' commands (issue 6, issue 19): scheduling, joining
//! (the meeting window), ending and cancelling, the invitation and the
//! customer's link, and this desk's key for the meeting server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Command;
use crate::model as m;

command! {
    /// Schedules a meeting.
    ScheduleMeeting = "schedule_meeting" {
        meeting: m::NewMeeting,
    } -> m::Meeting
}

command! {
    /// Meetings starting in `[from, to)`.
    ListMeetings = "list_meetings" {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    } -> Vec<m::Meeting>
}

command! {
    /// Meetings of one record.
    RecordMeetings = "record_meetings" {
        entity_type: m::EntityType,
        entity_id: Uuid,
    } -> Vec<m::Meeting>
}

command! {
    /// Joins a meeting and opens its window.
    JoinMeeting = "join_meeting" {
        id: Uuid,
        labels: Option<m::MeetingLabels>,
    } -> m::MeetingJoin
}

command! {
    /// Ends a meeting (the End button; closing its window does the same).
    EndMeeting = "end_meeting" {
        id: Uuid,
        labels: Option<m::MeetingNoteLabels>,
    } -> m::MeetingEnded
}

command! {
    /// Cancels a meeting.
    CancelMeeting = "cancel_meeting" {
        id: Uuid,
        reason: Option<String>,
    } -> m::Meeting
}

command! {
    /// Saves the meeting's invitation as an `.ics` file (a save dialog).
    SaveMeetingIcs = "save_meeting_ics" {
        id: Uuid,
    } -> Option<String>
}

command! {
    /// The customer's link to a meeting (with a guest token when the
    /// tenant lets guests in by token), for the clipboard.
    MeetingInvitationLink = "meeting_invitation_link" {
        id: Uuid,
    } -> String
}

command! {
    /// Whether the meeting server needs a key and this desk keeps one.
    MeetingKeyStatus = "meeting_key_status" {
    } -> m::MeetingKeyStatus
}

command! {
    /// Keeps the meeting server's secret or private key in this desk's
    /// OS keychain (admins only).
    SaveMeetingKey = "save_meeting_key" {
        key: String,
    } -> m::MeetingKeyStatus
}

command! {
    /// Deletes this desk's meeting server key (admins only).
    ForgetMeetingKey = "forget_meeting_key" {
    } -> m::MeetingKeyStatus
}
