//! [`ContactRepo`]: the contact policy and rules, interactions, reminders,
//! the "to call" queue and meetings, written once for both backends (like
//! [`Repo`](super::Repo)).

use async_trait::async_trait;
use chrono::{DateTime, NaiveTime, Utc};
use sqlx::{PgConnection, QueryBuilder, SqliteConnection};
use uuid::Uuid;

use super::repo::parse_enum;
use super::{DealRepo, RecordRepo};
use crate::model::{
    CallOutcome, CampaignCadence, ContactChannel, ContactPreferences, ContactSettings, DialScheme,
    DoNotCallEntry, Interaction, Meeting, MeetingStatus, QuietHours, Reminder, StagePlaybook,
};
use crate::Result;

/// A candidate of the "to call" queue as stored: the record, its person,
/// when it entered its stage (or was created, for a lead) and the
/// attempts since then.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueRow {
    /// Lead or deal id.
    pub id: Uuid,
    /// Deal title (empty for a lead).
    pub title: String,
    /// The person.
    pub person_id: Option<Uuid>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Main number (E.164).
    pub phone: Option<String>,
    /// Entered the stage (UTC).
    pub entered: DateTime<Utc>,
    /// Attempts since.
    pub attempts: i64,
}

/// An earlier attempt as the rules read it: when, channel, campaign.
pub type AttemptRow = (DateTime<Utc>, ContactChannel, Option<Uuid>);

/// The contact side of the store, scoped by tenant.
#[async_trait]
pub trait ContactRepo: RecordRepo + DealRepo {
    /// Fills each meeting's participants (id, name), by name.
    async fn participants_of(&mut self, tenant: Uuid, meetings: &mut [Meeting]) -> Result<()>;
    /// The tenant's contact policy (without the do-not-call list); `None`
    /// when never saved (the defaults apply).
    async fn contact_policy(&mut self, tenant: Uuid) -> Result<Option<ContactSettings>>;
    /// Saves the policy (upsert).
    async fn save_contact_policy(
        &mut self,
        tenant: Uuid,
        s: &ContactSettings,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// The do-not-call list, by number.
    async fn do_not_call_list(&mut self, tenant: Uuid) -> Result<Vec<DoNotCallEntry>>;
    /// Adds a number (or updates its reason).
    async fn add_do_not_call(&mut self, tenant: Uuid, e: &DoNotCallEntry, by: Uuid) -> Result<()>;
    /// Removes a number; whether it was there.
    async fn remove_do_not_call(&mut self, tenant: Uuid, phone: &str) -> Result<bool>;
    /// Whether a number is on the list.
    async fn is_do_not_call(&mut self, tenant: Uuid, phone: &str) -> Result<bool>;
    /// Every stage playbook: stage id and playbook.
    async fn stage_playbooks(&mut self, tenant: Uuid) -> Result<Vec<(Uuid, StagePlaybook)>>;
    /// Saves a stage's playbook (upsert).
    async fn save_stage_playbook(
        &mut self,
        tenant: Uuid,
        stage: Uuid,
        p: &StagePlaybook,
    ) -> Result<()>;
    /// Every campaign cadence: campaign id and cadence.
    async fn campaign_cadences(&mut self, tenant: Uuid) -> Result<Vec<(Uuid, CampaignCadence)>>;
    /// Saves a campaign's cadence (upsert).
    async fn save_campaign_cadence(
        &mut self,
        tenant: Uuid,
        campaign: Uuid,
        c: &CampaignCadence,
    ) -> Result<()>;
    /// A person's preferences (defaults when never set).
    async fn contact_preferences(
        &mut self,
        tenant: Uuid,
        person: Uuid,
    ) -> Result<ContactPreferences>;
    /// Saves a person's preferences (upsert).
    async fn save_contact_preferences(
        &mut self,
        tenant: Uuid,
        person: Uuid,
        p: &ContactPreferences,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Drops the merged person's preferences row (the service has already
    /// combined it into the kept one's).
    async fn delete_contact_preferences(&mut self, tenant: Uuid, person: Uuid) -> Result<()>;
    /// How `user`'s call button dials (`tel` when never set).
    async fn dial_scheme(&mut self, tenant: Uuid, user: Uuid) -> Result<DialScheme>;
    /// Sets it.
    async fn set_dial_scheme(&mut self, tenant: Uuid, user: Uuid, s: DialScheme) -> Result<()>;
    /// Writes an interaction.
    async fn insert_interaction(&mut self, tenant: Uuid, i: &Interaction) -> Result<()>;
    /// One interaction, with its user's name.
    async fn get_interaction(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Interaction>>;
    /// Records a call's outcome, length and note.
    async fn set_outcome(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        outcome: CallOutcome,
        duration_seconds: Option<i64>,
        note: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Interactions of any of `records` (entity ids) or of `person`,
    /// newest first.
    async fn interactions_of(
        &mut self,
        tenant: Uuid,
        records: &[Uuid],
        limit: u32,
    ) -> Result<Vec<Interaction>>;
    /// `user`'s outbound calls whose outcome is not recorded, newest first.
    async fn pending_calls(&mut self, tenant: Uuid, user: Uuid) -> Result<Vec<Interaction>>;
    /// A person's outbound attempts since `since`.
    async fn attempts_of_person(
        &mut self,
        tenant: Uuid,
        person: Uuid,
        since: DateTime<Utc>,
    ) -> Result<Vec<AttemptRow>>;
    /// Writes a reminder made at `at`.
    async fn insert_reminder(
        &mut self,
        tenant: Uuid,
        r: &Reminder,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Open reminders due before `until`, of `user` (or everyone's).
    async fn reminders_due(
        &mut self,
        tenant: Uuid,
        user: Option<Uuid>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Reminder>>;
    /// Marks a reminder done; whether it was open.
    async fn complete_reminder(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    /// Open deals of `stage` (in `pipeline`) that entered it at or before
    /// `entered_before` and have not been reached since, oldest first.
    async fn queue_deals(
        &mut self,
        tenant: Uuid,
        pipeline: Uuid,
        stage: Uuid,
        entered_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<QueueRow>>;
    /// New leads created at or before `created_before` and not reached
    /// since, oldest first.
    async fn queue_leads(
        &mut self,
        tenant: Uuid,
        created_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<QueueRow>>;
    /// Writes a meeting and its participants.
    async fn insert_meeting(&mut self, tenant: Uuid, m: &Meeting, at: DateTime<Utc>) -> Result<()>;
    /// One meeting with its participants.
    async fn get_meeting(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Meeting>>;
    /// Meetings starting in `[from, to)`, or of one record, by start.
    async fn list_meetings(
        &mut self,
        tenant: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        entity: Option<Uuid>,
    ) -> Result<Vec<Meeting>>;
    /// Saves a meeting's status, times, note and cancel reason.
    async fn update_meeting(
        &mut self,
        tenant: Uuid,
        m: &Meeting,
        cancel_reason: Option<&str>,
    ) -> Result<()>;
}

#[derive(sqlx::FromRow)]
struct PolicyRow {
    time_zone: String,
    quiet_start: Option<String>,
    quiet_end: Option<String>,
    daily_cap: Option<i64>,
    lead_sla_hours: Option<i64>,
    meeting_domain: String,
}

/// `HH:MM` clock times as stored.
fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn quiet_of(start: Option<String>, end: Option<String>) -> Option<QuietHours> {
    let parse = |s: Option<String>| s.and_then(|s| NaiveTime::parse_from_str(&s, "%H:%M").ok());
    Some(QuietHours {
        start: parse(start)?,
        end: parse(end)?,
    })
}

fn count(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

fn channels(json: &str) -> Vec<ContactChannel> {
    serde_json::from_str(json).unwrap_or_default()
}

#[derive(sqlx::FromRow)]
struct PlaybookRow {
    stage_id: Uuid,
    allowed_channels: String,
    max_attempts_per_day: Option<i64>,
    sla_hours: Option<i64>,
    quiet_start: Option<String>,
    quiet_end: Option<String>,
}

#[derive(sqlx::FromRow)]
struct InteractionRow {
    id: Uuid,
    entity_type: String,
    entity_id: Uuid,
    person_id: Option<Uuid>,
    channel: String,
    direction: String,
    purpose: String,
    outcome: Option<String>,
    phone_e164: Option<String>,
    campaign_id: Option<Uuid>,
    started_at: DateTime<Utc>,
    duration_seconds: Option<i64>,
    note: Option<String>,
    user_id: Uuid,
    user_name: Option<String>,
    override_code: Option<String>,
    override_reason: Option<String>,
    recorded_at: Option<DateTime<Utc>>,
}

impl TryFrom<InteractionRow> for Interaction {
    type Error = crate::Error;
    fn try_from(r: InteractionRow) -> Result<Interaction> {
        Ok(Interaction {
            id: r.id,
            entity_type: parse_enum(&r.entity_type, "interactions.entity_type")?,
            entity_id: r.entity_id,
            person_id: r.person_id,
            channel: parse_enum(&r.channel, "interactions.channel")?,
            direction: parse_enum(&r.direction, "interactions.direction")?,
            purpose: parse_enum(&r.purpose, "interactions.purpose")?,
            outcome: r
                .outcome
                .map(|o| parse_enum(&o, "interactions.outcome"))
                .transpose()?,
            phone: r.phone_e164,
            campaign_id: r.campaign_id,
            started_at: r.started_at,
            duration_seconds: r.duration_seconds,
            note: r.note,
            user_id: r.user_id,
            user_name: r.user_name,
            override_code: r.override_code,
            override_reason: r.override_reason,
            recorded_at: r.recorded_at,
        })
    }
}

const INTERACTION_COLUMNS: &str =
    "i.id, i.entity_type, i.entity_id, i.person_id, i.channel, i.direction, \
     i.purpose, i.outcome, i.phone_e164, i.campaign_id, i.started_at, i.duration_seconds, i.note, \
     i.user_id, u.display_name AS user_name, i.override_code, i.override_reason, i.recorded_at \
     FROM interactions i LEFT JOIN users u ON u.tenant_id = i.tenant_id AND u.id = i.user_id";

#[derive(sqlx::FromRow)]
struct ReminderRow {
    id: Uuid,
    entity_type: String,
    entity_id: Uuid,
    person_id: Option<Uuid>,
    interaction_id: Option<Uuid>,
    due_at: DateTime<Utc>,
    user_id: Uuid,
    note: Option<String>,
    done_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: Uuid,
    entity_type: String,
    entity_id: Uuid,
    title: String,
    starts_at: DateTime<Utc>,
    duration_minutes: i64,
    room: String,
    domain: String,
    customer_email: Option<String>,
    status: String,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    note_id: Option<Uuid>,
    created_by: Uuid,
}

impl TryFrom<MeetingRow> for Meeting {
    type Error = crate::Error;
    fn try_from(r: MeetingRow) -> Result<Meeting> {
        Ok(Meeting {
            id: r.id,
            entity_type: parse_enum(&r.entity_type, "meetings.entity_type")?,
            entity_id: r.entity_id,
            record_title: String::new(),
            title: r.title,
            starts_at: r.starts_at,
            duration_minutes: u32::try_from(r.duration_minutes).unwrap_or(0),
            room: r.room,
            domain: r.domain,
            customer_email: r.customer_email,
            status: parse_enum::<MeetingStatus>(&r.status, "meetings.status")?,
            started_at: r.started_at,
            ended_at: r.ended_at,
            note_id: r.note_id,
            participants: Vec::new(),
            created_by: r.created_by,
        })
    }
}

const MEETING_COLUMNS: &str =
    "id, entity_type, entity_id, title, starts_at, duration_minutes, room, domain, \
     customer_email, status, started_at, ended_at, note_id, created_by FROM meetings";

macro_rules! impl_contact_repo {
    ($conn:ty, $db:ty) => {
        #[async_trait]
        impl ContactRepo for $conn {
            async fn participants_of(&mut self, tenant: Uuid, meetings: &mut [Meeting]) -> Result<()> {
                if meetings.is_empty() {
                    return Ok(());
                }
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT mp.meeting_id, mp.user_id, u.display_name FROM meeting_participants mp \
                     JOIN users u ON u.tenant_id = mp.tenant_id AND u.id = mp.user_id WHERE mp.tenant_id = ",
                );
                qb.push_bind(tenant).push(" AND mp.meeting_id IN (");
                let mut sep = qb.separated(", ");
                for m in meetings.iter() {
                    sep.push_bind(m.id);
                }
                qb.push(") ORDER BY u.display_name");
                let rows: Vec<(Uuid, Uuid, String)> = qb.build_query_as().fetch_all(&mut *self).await?;
                for m in meetings.iter_mut() {
                    m.participants = rows
                        .iter()
                        .filter(|(mid, _, _)| *mid == m.id)
                        .map(|(_, u, n)| (*u, n.clone()))
                        .collect();
                }
                Ok(())
            }

            async fn contact_policy(&mut self, tenant: Uuid) -> Result<Option<ContactSettings>> {
                let row = sqlx::query_as::<_, PolicyRow>(
                    "SELECT time_zone, quiet_start, quiet_end, daily_cap, lead_sla_hours, meeting_domain \
                     FROM contact_policies WHERE tenant_id = $1",
                )
                .bind(tenant)
                .fetch_optional(&mut *self)
                .await?;
                Ok(row.map(|r| ContactSettings {
                    time_zone: r.time_zone,
                    quiet_hours: quiet_of(r.quiet_start, r.quiet_end),
                    daily_cap: count(r.daily_cap),
                    lead_sla_hours: count(r.lead_sla_hours),
                    meeting_domain: r.meeting_domain,
                    do_not_call: Vec::new(),
                }))
            }

            async fn save_contact_policy(&mut self, tenant: Uuid, s: &ContactSettings, by: Uuid, at: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO contact_policies (tenant_id, time_zone, quiet_start, quiet_end, daily_cap, \
                     lead_sla_hours, meeting_domain, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (tenant_id) DO UPDATE SET time_zone = excluded.time_zone, quiet_start = excluded.quiet_start, \
                     quiet_end = excluded.quiet_end, daily_cap = excluded.daily_cap, lead_sla_hours = excluded.lead_sla_hours, \
                     meeting_domain = excluded.meeting_domain, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                )
                .bind(tenant)
                .bind(&s.time_zone)
                .bind(s.quiet_hours.map(|q| hm(q.start)))
                .bind(s.quiet_hours.map(|q| hm(q.end)))
                .bind(s.daily_cap.map(i64::from))
                .bind(s.lead_sla_hours.map(i64::from))
                .bind(&s.meeting_domain)
                .bind(at)
                .bind(by)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn do_not_call_list(&mut self, tenant: Uuid) -> Result<Vec<DoNotCallEntry>> {
                let rows: Vec<(String, Option<String>, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT phone_e164, reason, added_at FROM do_not_call WHERE tenant_id = $1 ORDER BY phone_e164",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(phone, reason, added_at)| DoNotCallEntry { phone, reason, added_at })
                    .collect())
            }

            async fn add_do_not_call(&mut self, tenant: Uuid, e: &DoNotCallEntry, by: Uuid) -> Result<()> {
                sqlx::query(
                    "INSERT INTO do_not_call (tenant_id, phone_e164, reason, added_by, added_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (tenant_id, phone_e164) DO UPDATE SET reason = excluded.reason",
                )
                .bind(tenant)
                .bind(&e.phone)
                .bind(&e.reason)
                .bind(by)
                .bind(e.added_at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn remove_do_not_call(&mut self, tenant: Uuid, phone: &str) -> Result<bool> {
                let done = sqlx::query("DELETE FROM do_not_call WHERE tenant_id = $1 AND phone_e164 = $2")
                    .bind(tenant)
                    .bind(phone)
                    .execute(&mut *self)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn is_do_not_call(&mut self, tenant: Uuid, phone: &str) -> Result<bool> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM do_not_call WHERE tenant_id = $1 AND phone_e164 = $2")
                    .bind(tenant)
                    .bind(phone)
                    .fetch_one(&mut *self)
                    .await?;
                Ok(n > 0)
            }

            async fn stage_playbooks(&mut self, tenant: Uuid) -> Result<Vec<(Uuid, StagePlaybook)>> {
                let rows = sqlx::query_as::<_, PlaybookRow>(
                    "SELECT stage_id, allowed_channels, max_attempts_per_day, sla_hours, quiet_start, quiet_end \
                     FROM stage_playbooks WHERE tenant_id = $1",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| {
                        (
                            r.stage_id,
                            StagePlaybook {
                                allowed_channels: channels(&r.allowed_channels),
                                max_attempts_per_day: count(r.max_attempts_per_day),
                                sla_hours: count(r.sla_hours),
                                quiet_hours: quiet_of(r.quiet_start, r.quiet_end),
                            },
                        )
                    })
                    .collect())
            }

            async fn save_stage_playbook(&mut self, tenant: Uuid, stage: Uuid, p: &StagePlaybook) -> Result<()> {
                sqlx::query(
                    "INSERT INTO stage_playbooks (tenant_id, stage_id, allowed_channels, max_attempts_per_day, sla_hours, \
                     quiet_start, quiet_end) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, stage_id) DO UPDATE SET \
                     allowed_channels = excluded.allowed_channels, max_attempts_per_day = excluded.max_attempts_per_day, \
                     sla_hours = excluded.sla_hours, quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end",
                )
                .bind(tenant)
                .bind(stage)
                .bind(serde_json::to_string(&p.allowed_channels).unwrap_or_else(|_| "[]".into()))
                .bind(p.max_attempts_per_day.map(i64::from))
                .bind(p.sla_hours.map(i64::from))
                .bind(p.quiet_hours.map(|q| hm(q.start)))
                .bind(p.quiet_hours.map(|q| hm(q.end)))
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn campaign_cadences(&mut self, tenant: Uuid) -> Result<Vec<(Uuid, CampaignCadence)>> {
                let rows: Vec<(Uuid, Option<i64>, Option<i64>)> = sqlx::query_as(
                    "SELECT campaign_id, min_hours_between, max_per_week FROM campaign_cadences WHERE tenant_id = $1",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, h, w)| {
                        (
                            id,
                            CampaignCadence {
                                min_hours_between: count(h),
                                max_per_week: count(w),
                            },
                        )
                    })
                    .collect())
            }

            async fn save_campaign_cadence(&mut self, tenant: Uuid, campaign: Uuid, c: &CampaignCadence) -> Result<()> {
                sqlx::query(
                    "INSERT INTO campaign_cadences (tenant_id, campaign_id, min_hours_between, max_per_week) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, campaign_id) DO UPDATE SET \
                     min_hours_between = excluded.min_hours_between, max_per_week = excluded.max_per_week",
                )
                .bind(tenant)
                .bind(campaign)
                .bind(c.min_hours_between.map(i64::from))
                .bind(c.max_per_week.map(i64::from))
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn contact_preferences(&mut self, tenant: Uuid, person: Uuid) -> Result<ContactPreferences> {
                let row: Option<(bool, String)> = sqlx::query_as(
                    "SELECT do_not_contact, blocked_channels FROM contact_preferences WHERE tenant_id = $1 AND person_id = $2",
                )
                .bind(tenant)
                .bind(person)
                .fetch_optional(&mut *self)
                .await?;
                Ok(row
                    .map(|(do_not_contact, blocked)| ContactPreferences {
                        do_not_contact,
                        blocked_channels: channels(&blocked),
                    })
                    .unwrap_or_default())
            }

            async fn save_contact_preferences(
                &mut self,
                tenant: Uuid,
                person: Uuid,
                p: &ContactPreferences,
                by: Uuid,
                at: DateTime<Utc>,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO contact_preferences (tenant_id, person_id, do_not_contact, blocked_channels, updated_at, updated_by) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, person_id) DO UPDATE SET \
                     do_not_contact = excluded.do_not_contact, blocked_channels = excluded.blocked_channels, \
                     updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                )
                .bind(tenant)
                .bind(person)
                .bind(p.do_not_contact)
                .bind(serde_json::to_string(&p.blocked_channels).unwrap_or_else(|_| "[]".into()))
                .bind(at)
                .bind(by)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn delete_contact_preferences(&mut self, tenant: Uuid, person: Uuid) -> Result<()> {
                sqlx::query("DELETE FROM contact_preferences WHERE tenant_id = $1 AND person_id = $2")
                    .bind(tenant)
                    .bind(person)
                    .execute(&mut *self)
                    .await?;
                Ok(())
            }

            async fn dial_scheme(&mut self, tenant: Uuid, user: Uuid) -> Result<DialScheme> {
                let s: Option<String> = sqlx::query_scalar(
                    "SELECT dial_scheme FROM user_settings WHERE tenant_id = $1 AND user_id = $2",
                )
                .bind(tenant)
                .bind(user)
                .fetch_optional(&mut *self)
                .await?;
                match s {
                    Some(s) => parse_enum(&s, "user_settings.dial_scheme"),
                    None => Ok(DialScheme::Tel),
                }
            }

            async fn set_dial_scheme(&mut self, tenant: Uuid, user: Uuid, s: DialScheme) -> Result<()> {
                sqlx::query(
                    "INSERT INTO user_settings (tenant_id, user_id, dial_scheme) VALUES ($1, $2, $3) \
                     ON CONFLICT (tenant_id, user_id) DO UPDATE SET dial_scheme = excluded.dial_scheme",
                )
                .bind(tenant)
                .bind(user)
                .bind(s.as_str())
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn insert_interaction(&mut self, tenant: Uuid, i: &Interaction) -> Result<()> {
                sqlx::query(
                    "INSERT INTO interactions (tenant_id, id, entity_type, entity_id, person_id, channel, direction, purpose, \
                     outcome, phone_e164, campaign_id, started_at, duration_seconds, note, user_id, override_code, \
                     override_reason, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
                )
                .bind(tenant)
                .bind(i.id)
                .bind(i.entity_type.as_str())
                .bind(i.entity_id)
                .bind(i.person_id)
                .bind(i.channel.as_str())
                .bind(i.direction.as_str())
                .bind(i.purpose.as_str())
                .bind(i.outcome.map(|o| o.as_str()))
                .bind(&i.phone)
                .bind(i.campaign_id)
                .bind(i.started_at)
                .bind(i.duration_seconds)
                .bind(&i.note)
                .bind(i.user_id)
                .bind(&i.override_code)
                .bind(&i.override_reason)
                .bind(i.recorded_at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn get_interaction(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Interaction>> {
                let row = sqlx::query_as::<_, InteractionRow>(&format!(
                    "SELECT {INTERACTION_COLUMNS} WHERE i.tenant_id = $1 AND i.id = $2"
                ))
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                row.map(Interaction::try_from).transpose()
            }

            async fn set_outcome(
                &mut self,
                tenant: Uuid,
                id: Uuid,
                outcome: CallOutcome,
                duration_seconds: Option<i64>,
                note: Option<&str>,
                at: DateTime<Utc>,
            ) -> Result<()> {
                sqlx::query(
                    "UPDATE interactions SET outcome = $3, duration_seconds = $4, note = $5, recorded_at = $6 \
                     WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant)
                .bind(id)
                .bind(outcome.as_str())
                .bind(duration_seconds)
                .bind(note)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn interactions_of(&mut self, tenant: Uuid, records: &[Uuid], limit: u32) -> Result<Vec<Interaction>> {
                let mut qb = QueryBuilder::<$db>::new(format!("SELECT {INTERACTION_COLUMNS} WHERE i.tenant_id = "));
                qb.push_bind(tenant).push(" AND (i.entity_id IN (");
                let mut sep = qb.separated(", ");
                sep.push_bind(Uuid::nil());
                for id in records {
                    sep.push_bind(*id);
                }
                qb.push(") OR i.person_id IN (");
                let mut sep = qb.separated(", ");
                sep.push_bind(Uuid::nil());
                for id in records {
                    sep.push_bind(*id);
                }
                qb.push(")) ORDER BY i.started_at DESC LIMIT ")
                    .push_bind(i64::from(limit.clamp(1, 500)));
                let rows: Vec<InteractionRow> = qb.build_query_as().fetch_all(&mut *self).await?;
                rows.into_iter().map(Interaction::try_from).collect()
            }

            async fn pending_calls(&mut self, tenant: Uuid, user: Uuid) -> Result<Vec<Interaction>> {
                let rows = sqlx::query_as::<_, InteractionRow>(&format!(
                    "SELECT {INTERACTION_COLUMNS} WHERE i.tenant_id = $1 AND i.user_id = $2 AND i.outcome IS NULL \
                     AND i.channel = 'call' ORDER BY i.started_at DESC LIMIT 20"
                ))
                .bind(tenant)
                .bind(user)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter().map(Interaction::try_from).collect()
            }

            async fn attempts_of_person(&mut self, tenant: Uuid, person: Uuid, since: DateTime<Utc>) -> Result<Vec<AttemptRow>> {
                let rows: Vec<(DateTime<Utc>, String, Option<Uuid>)> = sqlx::query_as(
                    "SELECT started_at, channel, campaign_id FROM interactions WHERE tenant_id = $1 AND person_id = $2 \
                     AND direction = 'outbound' AND started_at >= $3 ORDER BY started_at",
                )
                .bind(tenant)
                .bind(person)
                .bind(since)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter()
                    .map(|(at, ch, campaign)| Ok((at, parse_enum(&ch, "interactions.channel")?, campaign)))
                    .collect()
            }

            async fn insert_reminder(&mut self, tenant: Uuid, r: &Reminder, at: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO reminders (tenant_id, id, entity_type, entity_id, person_id, interaction_id, due_at, user_id, \
                     note, done_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(tenant)
                .bind(r.id)
                .bind(r.entity_type.as_str())
                .bind(r.entity_id)
                .bind(r.person_id)
                .bind(r.interaction_id)
                .bind(r.due_at)
                .bind(r.user_id)
                .bind(&r.note)
                .bind(r.done_at)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn reminders_due(&mut self, tenant: Uuid, user: Option<Uuid>, until: DateTime<Utc>) -> Result<Vec<Reminder>> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT id, entity_type, entity_id, person_id, interaction_id, due_at, user_id, note, done_at \
                     FROM reminders WHERE done_at IS NULL AND tenant_id = ",
                );
                qb.push_bind(tenant).push(" AND due_at <= ").push_bind(until);
                if let Some(u) = user {
                    qb.push(" AND user_id = ").push_bind(u);
                }
                qb.push(" ORDER BY due_at LIMIT 500");
                let rows: Vec<ReminderRow> = qb.build_query_as().fetch_all(&mut *self).await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(Reminder {
                            id: r.id,
                            entity_type: parse_enum(&r.entity_type, "reminders.entity_type")?,
                            entity_id: r.entity_id,
                            person_id: r.person_id,
                            interaction_id: r.interaction_id,
                            due_at: r.due_at,
                            user_id: r.user_id,
                            note: r.note,
                            done_at: r.done_at,
                        })
                    })
                    .collect()
            }

            async fn complete_reminder(&mut self, tenant: Uuid, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
                let done = sqlx::query(
                    "UPDATE reminders SET done_at = $3 WHERE tenant_id = $1 AND id = $2 AND done_at IS NULL",
                )
                .bind(tenant)
                .bind(id)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn queue_deals(
                &mut self,
                tenant: Uuid,
                pipeline: Uuid,
                stage: Uuid,
                entered_before: DateTime<Utc>,
                limit: u32,
            ) -> Result<Vec<QueueRow>> {
                Ok(sqlx::query_as::<_, QueueRow>(
                    "SELECT d.id, d.title, d.person_id, p.first_name, p.last_name, p.phone_e164 AS phone, \
                     d.stage_entered_at AS entered, \
                     (SELECT COUNT(*) FROM interactions i WHERE i.tenant_id = d.tenant_id AND i.entity_id = d.id \
                      AND i.started_at >= d.stage_entered_at) AS attempts \
                     FROM deals d LEFT JOIN people p ON p.tenant_id = d.tenant_id AND p.id = d.person_id \
                     WHERE d.tenant_id = $1 AND d.pipeline_id = $2 AND d.status = 'open' AND d.stage_id = $3 \
                     AND d.stage_entered_at <= $4 AND NOT EXISTS (SELECT 1 FROM interactions i WHERE \
                     i.tenant_id = d.tenant_id AND i.entity_id = d.id AND i.outcome = 'reached' \
                     AND i.started_at >= d.stage_entered_at) ORDER BY d.stage_entered_at LIMIT $5",
                )
                .bind(tenant)
                .bind(pipeline)
                .bind(stage)
                .bind(entered_before)
                .bind(i64::from(limit))
                .fetch_all(&mut *self)
                .await?)
            }

            async fn queue_leads(&mut self, tenant: Uuid, created_before: DateTime<Utc>, limit: u32) -> Result<Vec<QueueRow>> {
                Ok(sqlx::query_as::<_, QueueRow>(
                    "SELECT l.id, '' AS title, l.person_id, p.first_name, p.last_name, p.phone_e164 AS phone, \
                     l.created_at AS entered, \
                     (SELECT COUNT(*) FROM interactions i WHERE i.tenant_id = l.tenant_id AND i.entity_id = l.id) AS attempts \
                     FROM leads l JOIN people p ON p.tenant_id = l.tenant_id AND p.id = l.person_id \
                     WHERE l.tenant_id = $1 AND l.status = 'new' AND l.created_at <= $2 AND NOT EXISTS \
                     (SELECT 1 FROM interactions i WHERE i.tenant_id = l.tenant_id AND i.entity_id = l.id \
                     AND i.outcome = 'reached') ORDER BY l.created_at LIMIT $3",
                )
                .bind(tenant)
                .bind(created_before)
                .bind(i64::from(limit))
                .fetch_all(&mut *self)
                .await?)
            }

            async fn insert_meeting(&mut self, tenant: Uuid, m: &Meeting, at: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO meetings (tenant_id, id, entity_type, entity_id, title, starts_at, duration_minutes, room, \
                     domain, customer_email, status, started_at, ended_at, note_id, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                )
                .bind(tenant)
                .bind(m.id)
                .bind(m.entity_type.as_str())
                .bind(m.entity_id)
                .bind(&m.title)
                .bind(m.starts_at)
                .bind(i64::from(m.duration_minutes))
                .bind(&m.room)
                .bind(&m.domain)
                .bind(&m.customer_email)
                .bind(m.status.as_str())
                .bind(m.started_at)
                .bind(m.ended_at)
                .bind(m.note_id)
                .bind(m.created_by)
                .bind(at)
                .execute(&mut *self)
                .await?;
                for (user, _) in &m.participants {
                    sqlx::query("INSERT INTO meeting_participants (tenant_id, meeting_id, user_id) VALUES ($1, $2, $3)")
                        .bind(tenant)
                        .bind(m.id)
                        .bind(*user)
                        .execute(&mut *self)
                        .await?;
                }
                Ok(())
            }

            async fn get_meeting(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Meeting>> {
                let row = sqlx::query_as::<_, MeetingRow>(&format!(
                    "SELECT {MEETING_COLUMNS} WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let mut one = vec![Meeting::try_from(row)?];
                self.participants_of(tenant, &mut one).await?;
                Ok(one.pop())
            }

            async fn list_meetings(
                &mut self,
                tenant: Uuid,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
                entity: Option<Uuid>,
            ) -> Result<Vec<Meeting>> {
                let mut qb = QueryBuilder::<$db>::new(format!("SELECT {MEETING_COLUMNS} WHERE tenant_id = "));
                qb.push_bind(tenant);
                match entity {
                    Some(e) => {
                        qb.push(" AND entity_id = ").push_bind(e);
                    }
                    None => {
                        qb.push(" AND starts_at >= ").push_bind(from).push(" AND starts_at < ").push_bind(to);
                    }
                }
                qb.push(" ORDER BY starts_at LIMIT 1000");
                let rows: Vec<MeetingRow> = qb.build_query_as().fetch_all(&mut *self).await?;
                let mut out = rows.into_iter().map(Meeting::try_from).collect::<Result<Vec<_>>>()?;
                self.participants_of(tenant, &mut out).await?;
                Ok(out)
            }

            async fn update_meeting(&mut self, tenant: Uuid, m: &Meeting, cancel_reason: Option<&str>) -> Result<()> {
                sqlx::query(
                    "UPDATE meetings SET status = $3, started_at = $4, ended_at = $5, note_id = $6, \
                     cancel_reason = coalesce($7, cancel_reason) WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant)
                .bind(m.id)
                .bind(m.status.as_str())
                .bind(m.started_at)
                .bind(m.ended_at)
                .bind(m.note_id)
                .bind(cancel_reason)
                .execute(&mut *self)
                .await?;
                Ok(())
            }
        }
    };
}

impl_contact_repo!(SqliteConnection, sqlx::Sqlite);
impl_contact_repo!(PgConnection, sqlx::Postgres);
