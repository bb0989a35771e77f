//! Video meetings: the form that schedules one, a meeting's line with its
//! actions, a record's meetings, the Meetings screen (day and week) and the
//! note dialog when a meeting ends.

mod form;
mod item;
mod note;
mod record;
mod screen;

pub use form::MeetingForm;
pub use note::MeetingNoteDialog;
pub use record::RecordMeetings;
pub use screen::Meetings;
