//! Tasks for every desk (issue 16): a to-do with a due time, an assignee
//! and a record (person, company, lead or deal), optionally part of a
//! ticket's milestone. "My tasks" and "My store's tasks" list the open ones
//! as overdue, today and upcoming.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::field_error::check_name;
use super::string_enum::string_enum;
use super::{EntityType, FieldError};

string_enum! {
    /// What a task asks for.
    TaskKind {
        /// Something to do.
        Todo = "todo",
        /// A call to make.
        Call = "call",
    }
}

string_enum! {
    /// Whether a task is still to do.
    TaskStatus {
        /// To do.
        Open = "open",
        /// Done (its ticket milestone may close with it).
        Done = "done",
    }
}

string_enum! {
    /// Whose tasks a list shows.
    TaskScope {
        /// Assigned to the acting user.
        Mine = "mine",
        /// Of the acting user's stores (any assignee).
        Store = "store",
    }
}

string_enum! {
    /// Where an open task falls on the acting user's day.
    DueBucket {
        /// Due before today.
        Overdue = "overdue",
        /// Due today (or without a due time).
        Today = "today",
        /// Due after today.
        Upcoming = "upcoming",
    }
}

/// A task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Task {
    /// UUID v7.
    pub id: Uuid,
    /// What to do.
    pub title: String,
    /// A to-do or a call.
    pub kind: TaskKind,
    /// Open or done.
    pub status: TaskStatus,
    /// When it is due (UTC); `None`: as soon as possible.
    pub due_at: Option<DateTime<Utc>>,
    /// Who does it.
    pub assignee_id: Option<Uuid>,
    /// The store it belongs to (the assignee's, else the record's).
    pub store_id: Option<Uuid>,
    /// The record it is about.
    pub entity_type: EntityType,
    /// That record's id.
    pub entity_id: Uuid,
    /// The ticket it is part of.
    pub ticket_id: Option<Uuid>,
    /// The ticket milestone it is part of.
    pub milestone_id: Option<Uuid>,
    /// When it was done (UTC).
    pub done_at: Option<DateTime<Utc>>,
    /// When it was made (UTC).
    pub created_at: DateTime<Utc>,
}

/// A task with what a list shows beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct TaskListItem {
    /// The task.
    #[cfg_attr(feature = "store", sqlx(flatten))]
    #[serde(flatten)]
    pub task: Task,
    /// The assignee's name.
    pub assignee_name: Option<String>,
    /// The record's title (a person's or company's name, a lead's person,
    /// a deal's title).
    pub record_title: Option<String>,
    /// The ticket's title.
    pub ticket_title: Option<String>,
    /// Where it falls today (filled by the service; `None` when done).
    #[cfg_attr(feature = "store", sqlx(skip))]
    #[serde(default)]
    pub bucket: Option<DueBucket>,
}

/// A task to create by hand.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewTask {
    /// What to do (1–120 characters).
    pub title: String,
    /// A to-do or a call; a to-do when absent.
    pub kind: Option<TaskKind>,
    /// When it is due (UTC).
    pub due_at: Option<DateTime<Utc>>,
    /// Who does it; the acting user when absent.
    pub assignee_id: Option<Uuid>,
    /// The record it is about.
    pub entity_type: Option<EntityType>,
    /// That record's id.
    pub entity_id: Option<Uuid>,
}

impl NewTask {
    /// The title, trimmed.
    ///
    /// Errors: `title` (`required`, `too_long`); `entity_id` (`required`).
    pub fn check(&self) -> Result<(String, EntityType, Uuid), Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = match check_name(&self.title, "title") {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let record = match (self.entity_type, self.entity_id) {
            (Some(t), Some(id)) => Some((t, id)),
            _ => {
                errors.push(FieldError::new("entity_id", "required"));
                None
            }
        };
        match (title, record) {
            (Some(title), Some((t, id))) if errors.is_empty() => Ok((title, t, id)),
            _ => Err(errors),
        }
    }
}

/// Which tasks a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaskQuery {
    /// Mine or my store's; mine when absent.
    pub scope: Option<TaskScope>,
    /// Only open ones (the default) or done ones too.
    #[serde(default)]
    pub include_done: bool,
    /// Only one record's.
    pub entity_id: Option<Uuid>,
    /// Only one ticket's.
    pub ticket_id: Option<Uuid>,
    /// Page size (1–500; 100 when absent).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// Where a task due at `due` falls on `today` (the acting user's day):
/// before it overdue, on it (or no due time) today, after it upcoming.
pub fn due_bucket(
    due: Option<DateTime<Utc>>,
    today: NaiveDate,
    day_of: impl Fn(DateTime<Utc>) -> NaiveDate,
) -> DueBucket {
    match due.map(day_of) {
        None => DueBucket::Today,
        Some(d) if d < today => DueBucket::Overdue,
        Some(d) if d == today => DueBucket::Today,
        Some(_) => DueBucket::Upcoming,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn buckets_follow_the_local_day() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let utc = |d: u32, h: u32| Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap();
        let rome = |t: DateTime<Utc>| t.with_timezone(&chrono_tz::Europe::Rome).date_naive();
        assert_eq!(due_bucket(None, today, rome), DueBucket::Today);
        // 23:00 UTC on the 4th is midnight of the 5th in Rome.
        assert_eq!(due_bucket(Some(utc(4, 23)), today, rome), DueBucket::Today);
        assert_eq!(
            due_bucket(Some(utc(4, 22)), today, rome),
            DueBucket::Overdue
        );
        assert_eq!(
            due_bucket(Some(utc(4, 12)), today, rome),
            DueBucket::Overdue
        );
        assert_eq!(
            due_bucket(Some(utc(5, 23)), today, rome),
            DueBucket::Upcoming
        );
    }

    #[test]
    fn a_new_task_needs_a_title_and_a_record() {
        let errors = NewTask::default().check().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "entity_id"]);
        let ok = NewTask {
            title: "  Richiamare per il modem ".into(),
            entity_type: Some(EntityType::Person),
            entity_id: Some(Uuid::nil()),
            ..Default::default()
        };
        assert_eq!(ok.check().unwrap().0, "Richiamare per il modem");
    }
}
