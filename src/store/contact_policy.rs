//! The contact rules a tenant keeps: policy, do-not-call list, stage playbooks, campaign cadences, a person's preferences and the dial scheme.

use chrono::{DateTime, NaiveTime, Utc};
use uuid::Uuid;

use super::sql::{json_column, query, query_as, query_scalar, Conn};
use crate::model::{
    CampaignCadence, ContactChannel, ContactPreferences, ContactSettings, DialScheme,
    DoNotCallEntry, GuestAccess, MeetingAccess, MeetingAuth, QuietHours, StagePlaybook,
};
use crate::Result;

#[derive(sqlx::FromRow)]
struct PolicyRow {
    time_zone: String,
    quiet_start: Option<String>,
    quiet_end: Option<String>,
    daily_cap: Option<i64>,
    lead_sla_hours: Option<i64>,
    meeting_domain: String,
    meeting_auth: MeetingAuth,
    meeting_app_id: String,
    meeting_key_id: String,
    meeting_guests: GuestAccess,
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

fn channels(json: &str, column: &str) -> Result<Vec<ContactChannel>> {
    json_column(json, column)
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

impl Conn<'_> {
    /// The tenant's contact policy (without the do-not-call list); `None`
    /// when never saved (the defaults apply).
    pub async fn contact_policy(&mut self, tenant: Uuid) -> Result<Option<ContactSettings>> {
        let row = query_as::<PolicyRow>(
            "SELECT time_zone, quiet_start, quiet_end, daily_cap, lead_sla_hours, meeting_domain, \
             meeting_auth, meeting_app_id, meeting_key_id, meeting_guests FROM contact_policies WHERE tenant_id = $1",
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
            meeting_access: MeetingAccess {
                auth: r.meeting_auth,
                app_id: r.meeting_app_id,
                key_id: r.meeting_key_id,
                guests: r.meeting_guests,
            },
            do_not_call: Vec::new(),
        }))
    }

    /// Saves the policy (upsert).
    pub async fn save_contact_policy(
        &mut self,
        tenant: Uuid,
        s: &ContactSettings,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO contact_policies (tenant_id, time_zone, quiet_start, quiet_end, daily_cap, \
             lead_sla_hours, meeting_domain, updated_at, updated_by, meeting_auth, meeting_app_id, meeting_key_id, \
             meeting_guests) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (tenant_id) DO UPDATE SET time_zone = excluded.time_zone, quiet_start = excluded.quiet_start, \
             quiet_end = excluded.quiet_end, daily_cap = excluded.daily_cap, lead_sla_hours = excluded.lead_sla_hours, \
             meeting_domain = excluded.meeting_domain, updated_at = excluded.updated_at, updated_by = excluded.updated_by, \
             meeting_auth = excluded.meeting_auth, meeting_app_id = excluded.meeting_app_id, \
             meeting_key_id = excluded.meeting_key_id, meeting_guests = excluded.meeting_guests",
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
        .bind(s.meeting_access.auth.as_str())
        .bind(&s.meeting_access.app_id)
        .bind(&s.meeting_access.key_id)
        .bind(s.meeting_access.guests.as_str())
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// The do-not-call list, by number.
    pub async fn do_not_call_list(&mut self, tenant: Uuid) -> Result<Vec<DoNotCallEntry>> {
        let rows: Vec<(String, Option<String>, DateTime<Utc>, bool)> = query_as(
            "SELECT phone_e164, reason, added_at, marketing_only FROM do_not_call WHERE tenant_id = $1 \
             ORDER BY phone_e164",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(phone, reason, added_at, marketing_only)| DoNotCallEntry {
                phone,
                reason,
                added_at,
                marketing_only,
            })
            .collect())
    }

    /// Adds a number for every contact (or updates its reason; a
    /// marketing-only entry becomes a full one).
    pub async fn add_do_not_call(
        &mut self,
        tenant: Uuid,
        e: &DoNotCallEntry,
        by: Uuid,
    ) -> Result<()> {
        query(
            "INSERT INTO do_not_call (tenant_id, phone_e164, reason, added_by, added_at, marketing_only) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (tenant_id, phone_e164) DO UPDATE SET reason = excluded.reason, marketing_only = $6",
        )
        .bind(tenant)
        .bind(&e.phone)
        .bind(&e.reason)
        .bind(by)
        .bind(e.added_at)
        .bind(false)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Adds a number for marketing contacts only (an objection); a number
    /// already on the list stays as it is. Anyone at the counter may
    /// (the chain server's `banco_objection` policy).
    pub async fn add_marketing_do_not_call(
        &mut self,
        tenant: Uuid,
        e: &DoNotCallEntry,
        by: Uuid,
    ) -> Result<()> {
        query(
            "INSERT INTO do_not_call (tenant_id, phone_e164, reason, added_by, added_at, marketing_only) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, phone_e164) DO NOTHING",
        )
        .bind(tenant)
        .bind(&e.phone)
        .bind(&e.reason)
        .bind(by)
        .bind(e.added_at)
        .bind(true)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Removes a number; whether it was there.
    pub async fn remove_do_not_call(&mut self, tenant: Uuid, phone: &str) -> Result<bool> {
        let done = query("DELETE FROM do_not_call WHERE tenant_id = $1 AND phone_e164 = $2")
            .bind(tenant)
            .bind(phone)
            .execute(&mut *self)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Whether a number is on the list: `Some(marketing_only)` when it is.
    pub async fn is_do_not_call(&mut self, tenant: Uuid, phone: &str) -> Result<Option<bool>> {
        query_scalar(
            "SELECT marketing_only FROM do_not_call WHERE tenant_id = $1 AND phone_e164 = $2",
        )
        .bind(tenant)
        .bind(phone)
        .fetch_optional(&mut *self)
        .await
    }

    /// Every stage playbook: stage id and playbook.
    pub async fn stage_playbooks(&mut self, tenant: Uuid) -> Result<Vec<(Uuid, StagePlaybook)>> {
        let rows = query_as::<PlaybookRow>(
            "SELECT stage_id, allowed_channels, max_attempts_per_day, sla_hours, quiet_start, quiet_end \
             FROM stage_playbooks WHERE tenant_id = $1",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.stage_id,
                    StagePlaybook {
                        allowed_channels: channels(
                            &r.allowed_channels,
                            "stage_playbooks.allowed_channels",
                        )?,
                        max_attempts_per_day: count(r.max_attempts_per_day),
                        sla_hours: count(r.sla_hours),
                        quiet_hours: quiet_of(r.quiet_start, r.quiet_end),
                    },
                ))
            })
            .collect()
    }

    /// Saves a stage's playbook (upsert).
    pub async fn save_stage_playbook(
        &mut self,
        tenant: Uuid,
        stage: Uuid,
        p: &StagePlaybook,
    ) -> Result<()> {
        query(
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

    /// Every campaign cadence: campaign id and cadence.
    pub async fn campaign_cadences(
        &mut self,
        tenant: Uuid,
    ) -> Result<Vec<(Uuid, CampaignCadence)>> {
        let rows: Vec<(Uuid, Option<i64>, Option<i64>)> = query_as(
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

    /// Saves a campaign's cadence (upsert).
    pub async fn save_campaign_cadence(
        &mut self,
        tenant: Uuid,
        campaign: Uuid,
        c: &CampaignCadence,
    ) -> Result<()> {
        query(
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

    /// A person's preferences (defaults when never set).
    pub async fn contact_preferences(
        &mut self,
        tenant: Uuid,
        person: Uuid,
    ) -> Result<ContactPreferences> {
        let row: Option<(bool, String)> = query_as(
            "SELECT do_not_contact, blocked_channels FROM contact_preferences WHERE tenant_id = $1 AND person_id = $2",
        )
        .bind(tenant)
        .bind(person)
        .fetch_optional(&mut *self)
        .await?;
        row.map(|(do_not_contact, blocked)| {
            Ok(ContactPreferences {
                do_not_contact,
                blocked_channels: channels(&blocked, "contact_preferences.blocked_channels")?,
            })
        })
        .transpose()
        .map(Option::unwrap_or_default)
    }

    /// Saves a person's preferences (upsert).
    pub async fn save_contact_preferences(
        &mut self,
        tenant: Uuid,
        person: Uuid,
        p: &ContactPreferences,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
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

    /// Drops the merged person's preferences row (the service has already
    /// combined it into the kept one's).
    pub async fn delete_contact_preferences(&mut self, tenant: Uuid, person: Uuid) -> Result<()> {
        query("DELETE FROM contact_preferences WHERE tenant_id = $1 AND person_id = $2")
            .bind(tenant)
            .bind(person)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// How `user`'s call button dials (`tel` when never set).
    pub async fn dial_scheme(&mut self, tenant: Uuid, user: Uuid) -> Result<DialScheme> {
        let s: Option<DialScheme> = query_scalar(
            "SELECT dial_scheme FROM user_settings WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind(tenant)
        .bind(user)
        .fetch_optional(&mut *self)
        .await?;
        Ok(s.unwrap_or(DialScheme::Tel))
    }

    /// Sets it.
    pub async fn set_dial_scheme(&mut self, tenant: Uuid, user: Uuid, s: DialScheme) -> Result<()> {
        query(
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
}
