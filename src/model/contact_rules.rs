//! The contact-rule engine (issue 6, seeds 000 and 001): may this person be
//! contacted now, on this channel, for this purpose? Pure and
//! deterministic — the store gathers the facts, this decides, the UI says
//! why.
//!
//! Precedence, first refusal wins (the brief's order): the **person**
//! (consent for the purpose, do-not-contact, blocked channels) > the
//! **tenant** policy (do-not-call list, quiet hours, daily cap) > the
//! **campaign** cadence (hours between contacts, weekly cap) > the
//! pipeline **stage** playbook (allowed channels, attempts per day, quiet
//! hours). Days and hours are the tenant's local ones (IANA time zone,
//! `chrono-tz`), so quiet hours and "today" follow daylight saving.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::string_enum::string_enum;
use super::FieldError;

string_enum! {
    /// How staff reach a person.
    ContactChannel {
        /// A phone call.
        Call = "call",
        /// A text message.
        Sms = "sms",
        /// An e-mail.
        Email = "email",
        /// A WhatsApp message.
        Whatsapp = "whatsapp",
        /// A video meeting.
        Meeting = "meeting",
    }
}

string_enum! {
    /// Why: about the person's own request (service consent) or to sell
    /// (marketing consent).
    ContactPurpose {
        /// About the request or contract itself.
        Service = "service",
        /// A commercial proposal.
        Marketing = "marketing",
    }
}

string_enum! {
    /// Who set the rule that refused, in precedence order.
    RuleLevel {
        /// The person's consent and preferences.
        Person = "person",
        /// The tenant's policy.
        Tenant = "tenant",
        /// The campaign's cadence.
        Campaign = "campaign",
        /// The pipeline stage's playbook.
        Stage = "stage",
    }
}

/// A daily window, local time, when nobody is contacted. `start > end`
/// crosses midnight (21:00–09:00); `start == end` is no window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    /// First quiet minute.
    pub start: NaiveTime,
    /// First minute contacts are allowed again.
    pub end: NaiveTime,
}

impl QuietHours {
    /// Whether local time `t` is quiet.
    pub fn contains(&self, t: NaiveTime) -> bool {
        match self.start.cmp(&self.end) {
            std::cmp::Ordering::Less => t >= self.start && t < self.end,
            std::cmp::Ordering::Greater => t >= self.start || t < self.end,
            std::cmp::Ordering::Equal => false,
        }
    }

    /// When the quiet window around local `now` ends (local time).
    fn end_after(&self, now: NaiveDateTime) -> NaiveDateTime {
        let today_end = now.date().and_time(self.end);
        if today_end > now {
            today_end
        } else {
            today_end + Duration::days(1)
        }
    }
}

/// What the person said (latest decisions) and prefers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonPreferences {
    /// Latest service-contact consent (`None`: never asked).
    pub consent_service: Option<bool>,
    /// Latest marketing consent.
    pub consent_marketing: Option<bool>,
    /// Asked not to be contacted at all.
    pub do_not_contact: bool,
    /// Channels the person refused.
    pub blocked_channels: Vec<ContactChannel>,
}

/// The tenant's policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantPolicy {
    /// IANA time zone of the tenant's days and hours (`Europe/Rome`).
    pub time_zone: String,
    /// Quiet hours for every contact.
    pub quiet_hours: Option<QuietHours>,
    /// Most contact attempts per person per local day, every channel.
    pub daily_cap: Option<u32>,
    /// Numbers (E.164) that must never be called or texted.
    pub do_not_call: Vec<String>,
    /// Numbers (E.164) that must not be called or texted for marketing
    /// (an objection under GDPR art. 21).
    #[serde(default)]
    pub do_not_call_marketing: Vec<String>,
}

/// A campaign's cadence for its own contacts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignCadence {
    /// Least hours between two contacts of a person.
    pub min_hours_between: Option<u32>,
    /// Most contacts of a person in the last 7 days.
    pub max_per_week: Option<u32>,
}

/// A pipeline stage's playbook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagePlaybook {
    /// Channels allowed at this stage (empty: all).
    pub allowed_channels: Vec<ContactChannel>,
    /// Most attempts per person per local day at this stage.
    pub max_attempts_per_day: Option<u32>,
    /// Hours within which a deal or lead at this stage should be contacted
    /// (the "to call" queue orders by it; never a refusal).
    pub sla_hours: Option<u32>,
    /// Quiet hours of this stage, beside the tenant's.
    pub quiet_hours: Option<QuietHours>,
}

impl StagePlaybook {
    /// When the SLA of a record that entered the stage at `entered` runs
    /// out (`None` without an SLA).
    pub fn sla_deadline(&self, entered: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.sla_hours
            .map(|h| entered + Duration::hours(i64::from(h)))
    }
}

/// An earlier contact attempt of the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastAttempt {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// On which channel.
    pub channel: ContactChannel,
    /// Whether it was made for the campaign being checked.
    pub same_campaign: bool,
}

/// One contact about to be made, with every fact the rules read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactRequest {
    /// Now (UTC).
    pub at: DateTime<Utc>,
    /// The channel.
    pub channel: ContactChannel,
    /// The purpose.
    pub purpose: ContactPurpose,
    /// The number to call or text (E.164), for the do-not-call list.
    pub phone: Option<String>,
    /// The person's consent and preferences.
    pub person: PersonPreferences,
    /// The tenant's policy.
    pub tenant: TenantPolicy,
    /// The campaign's cadence, when contacting for a campaign.
    pub campaign: Option<CampaignCadence>,
    /// The stage's playbook, when the record is in a pipeline stage.
    pub stage: Option<StagePlaybook>,
    /// The person's attempts already made (any order). Each counts, even
    /// one a few seconds after `at`: a meeting scheduled for now starts at
    /// the minute, after the call that led to it.
    pub history: Vec<PastAttempt>,
}

/// Why a contact may not be made: the level of the rule, a stable code
/// (`no_consent`, `do_not_contact`, `channel_blocked`, `do_not_call`,
/// `quiet_hours`, `daily_cap`, `cadence`, `weekly_cap`,
/// `channel_not_allowed`, `stage_attempts`) that the UI translates as
/// `contact_rule.<code>`, and its values (`until` as local `HH:MM`,
/// `until_utc` RFC 3339, `done`, `max`, `channel`, `kind`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// Who set the rule.
    pub level: RuleLevel,
    /// Stable code.
    pub code: String,
    /// Values for the message.
    pub params: BTreeMap<String, String>,
}

impl Refusal {
    fn new(level: RuleLevel, code: &str) -> Refusal {
        Refusal {
            level,
            code: code.into(),
            params: BTreeMap::new(),
        }
    }

    fn with(mut self, key: &str, value: impl Into<String>) -> Refusal {
        self.params.insert(key.into(), value.into());
        self
    }

    /// English text (`quiet hours until 09:00`, `3 of 3 attempts today`).
    pub fn english(&self) -> String {
        let p = |k: &str| self.params.get(k).cloned().unwrap_or_default();
        match self.code.as_str() {
            "no_consent" => format!("no consent to {} contacts", p("kind")),
            "do_not_contact" => "the person asked not to be contacted".into(),
            "channel_blocked" => format!("the person refused contacts by {}", p("channel")),
            "do_not_call" => "the number is on the do-not-call list".into(),
            "quiet_hours" => format!("quiet hours until {}", p("until")),
            "daily_cap" => format!("{} of {} attempts today", p("done"), p("max")),
            "cadence" => format!("the campaign allows the next contact at {}", p("until")),
            "weekly_cap" => format!("{} of {} campaign contacts this week", p("done"), p("max")),
            "channel_not_allowed" => format!("{} is not used at this stage", p("channel")),
            "stage_attempts" => {
                format!("{} of {} attempts today at this stage", p("done"), p("max"))
            }
            other => other.to_string(),
        }
    }
}

/// Reads an IANA time zone name. Errors: `unknown_value` on `time_zone`.
pub fn parse_time_zone(name: &str) -> Result<Tz, FieldError> {
    name.trim().parse::<Tz>().map_err(|_| {
        FieldError::new("time_zone", "unknown_value")
            .with("value", name.trim())
            .with("allowed", "IANA time zones such as Europe/Rome")
    })
}

/// The UTC instant of a local time, across daylight-saving changes: in
/// the spring gap (02:30 does not exist) the first valid minute after it;
/// in the autumn overlap the earlier of the two.
fn to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut t = local;
    for _ in 0..180 {
        if let Some(d) = tz.from_local_datetime(&t).earliest() {
            return d.with_timezone(&Utc);
        }
        t += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&local)
}

fn local_day(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

fn quiet(level: RuleLevel, q: &QuietHours, tz: Tz, at: DateTime<Utc>) -> Option<Refusal> {
    let local = at.with_timezone(&tz).naive_local();
    if !q.contains(local.time()) {
        return None;
    }
    let end = q.end_after(local);
    Some(
        Refusal::new(level, "quiet_hours")
            .with("until", end.format("%H:%M").to_string())
            .with("until_utc", to_utc(tz, end).to_rfc3339()),
    )
}

/// Decides a contact: `Ok(None)` when every rule allows it, `Ok(Some(_))`
/// with the first refusal in precedence order (see the module docs).
///
/// Errors: `unknown_value` on `time_zone` for a tenant zone that is not an
/// IANA name.
pub fn check_contact(req: &ContactRequest) -> Result<Option<Refusal>, FieldError> {
    let tz = parse_time_zone(&req.tenant.time_zone)?;
    let today = local_day(tz, req.at);
    // Every attempt in the history has been made (a meeting scheduled for
    // now starts at the minute, so the call made seconds ago is "after"
    // it and still counts): the day's count is that of its local day.
    let today_attempts = req
        .history
        .iter()
        .filter(|a| local_day(tz, a.at) == today)
        .count() as u32;

    // 1. The person.
    let p = &req.person;
    let (consent, kind) = match req.purpose {
        ContactPurpose::Service => (p.consent_service, "service_contact"),
        ContactPurpose::Marketing => (p.consent_marketing, "marketing"),
    };
    if consent != Some(true) {
        return Ok(Some(
            Refusal::new(RuleLevel::Person, "no_consent").with("kind", kind),
        ));
    }
    if p.do_not_contact {
        return Ok(Some(Refusal::new(RuleLevel::Person, "do_not_contact")));
    }
    if p.blocked_channels.contains(&req.channel) {
        return Ok(Some(
            Refusal::new(RuleLevel::Person, "channel_blocked")
                .with("channel", req.channel.as_str()),
        ));
    }

    // 2. The tenant.
    let phone_channel = matches!(
        req.channel,
        ContactChannel::Call | ContactChannel::Sms | ContactChannel::Whatsapp
    );
    if phone_channel {
        if let Some(phone) = &req.phone {
            let marketing = req.purpose == ContactPurpose::Marketing
                && req.tenant.do_not_call_marketing.iter().any(|n| n == phone);
            if marketing || req.tenant.do_not_call.iter().any(|n| n == phone) {
                return Ok(Some(Refusal::new(RuleLevel::Tenant, "do_not_call")));
            }
        }
    }
    if let Some(q) = &req.tenant.quiet_hours {
        if let Some(r) = quiet(RuleLevel::Tenant, q, tz, req.at) {
            return Ok(Some(r));
        }
    }
    if let Some(max) = req.tenant.daily_cap {
        if today_attempts >= max {
            return Ok(Some(
                Refusal::new(RuleLevel::Tenant, "daily_cap")
                    .with("done", today_attempts.to_string())
                    .with("max", max.to_string()),
            ));
        }
    }

    // 3. The campaign.
    if let Some(c) = &req.campaign {
        let mine: Vec<&PastAttempt> = req.history.iter().filter(|a| a.same_campaign).collect();
        if let (Some(h), Some(last)) = (c.min_hours_between, mine.iter().map(|a| a.at).max()) {
            let next = last + Duration::hours(i64::from(h));
            if next > req.at {
                let local = next.with_timezone(&tz);
                return Ok(Some(
                    Refusal::new(RuleLevel::Campaign, "cadence")
                        .with("until", local.format("%d/%m %H:%M").to_string())
                        .with("until_utc", next.to_rfc3339()),
                ));
            }
        }
        if let Some(max) = c.max_per_week {
            let week_ago = req.at - Duration::days(7);
            let done = mine.iter().filter(|a| a.at > week_ago).count() as u32;
            if done >= max {
                return Ok(Some(
                    Refusal::new(RuleLevel::Campaign, "weekly_cap")
                        .with("done", done.to_string())
                        .with("max", max.to_string()),
                ));
            }
        }
    }

    // 4. The stage.
    if let Some(s) = &req.stage {
        if !s.allowed_channels.is_empty() && !s.allowed_channels.contains(&req.channel) {
            return Ok(Some(
                Refusal::new(RuleLevel::Stage, "channel_not_allowed")
                    .with("channel", req.channel.as_str()),
            ));
        }
        if let Some(q) = &s.quiet_hours {
            if let Some(r) = quiet(RuleLevel::Stage, q, tz, req.at) {
                return Ok(Some(r));
            }
        }
        if let Some(max) = s.max_attempts_per_day {
            if today_attempts >= max {
                return Ok(Some(
                    Refusal::new(RuleLevel::Stage, "stage_attempts")
                        .with("done", today_attempts.to_string())
                        .with("max", max.to_string()),
                ));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn request(at: &str) -> ContactRequest {
        ContactRequest {
            at: utc(at),
            channel: ContactChannel::Call,
            purpose: ContactPurpose::Service,
            phone: Some("+393331234567".into()),
            person: PersonPreferences {
                consent_service: Some(true),
                consent_marketing: Some(false),
                ..Default::default()
            },
            tenant: TenantPolicy {
                time_zone: "Europe/Rome".into(),
                quiet_hours: Some(QuietHours {
                    start: hm(21, 0),
                    end: hm(9, 0),
                }),
                daily_cap: Some(3),
                do_not_call: vec![],
                do_not_call_marketing: vec![],
            },
            campaign: None,
            stage: None,
            history: vec![],
        }
    }

    fn refusal(r: &ContactRequest) -> Option<(RuleLevel, String, String)> {
        check_contact(r)
            .unwrap()
            .map(|x| (x.level, x.code.clone(), x.english()))
    }

    #[test]
    fn allowed_in_office_hours() {
        // 10:00 in Rome in winter is 09:00 UTC.
        assert_eq!(refusal(&request("2026-01-15T09:00:00Z")), None);
    }

    #[test]
    fn quiet_hours_cross_midnight_and_say_until_when() {
        // 07:30 in Rome (CET, UTC+1).
        let r = request("2026-01-15T06:30:00Z");
        let got = check_contact(&r).unwrap().unwrap();
        assert_eq!(got.english(), "quiet hours until 09:00");
        assert_eq!(got.params["until_utc"], "2026-01-15T08:00:00+00:00");
        // 22:15 the evening before: until 09:00 the next day.
        let got = check_contact(&request("2026-01-14T21:15:00Z"))
            .unwrap()
            .unwrap();
        assert_eq!(got.params["until_utc"], "2026-01-15T08:00:00+00:00");
    }

    #[test]
    fn daylight_saving_days_keep_local_hours() {
        // Spring forward, 29 March 2026: 08:30 CEST is 06:30 UTC; quiet
        // hours end at 09:00 CEST = 07:00 UTC (not 08:00).
        let got = check_contact(&request("2026-03-29T06:30:00Z"))
            .unwrap()
            .unwrap();
        assert_eq!(got.params["until"], "09:00");
        assert_eq!(got.params["until_utc"], "2026-03-29T07:00:00+00:00");
        // 09:00 CEST that day is allowed.
        assert_eq!(refusal(&request("2026-03-29T07:00:00Z")), None);
        // Fall back, 25 October 2026: 08:30 CET is 07:30 UTC; the end is
        // 09:00 CET = 08:00 UTC.
        let got = check_contact(&request("2026-10-25T07:30:00Z"))
            .unwrap()
            .unwrap();
        assert_eq!(got.params["until_utc"], "2026-10-25T08:00:00+00:00");
        // A window ending inside the spring gap (02:30 does not exist)
        // ends at the first valid minute, 03:00 CEST = 01:00 UTC.
        let mut r = request("2026-03-29T00:30:00Z"); // 01:30 CET
        r.tenant.quiet_hours = Some(QuietHours {
            start: hm(1, 0),
            end: hm(2, 30),
        });
        let got = check_contact(&r).unwrap().unwrap();
        assert_eq!(got.params["until_utc"], "2026-03-29T01:00:00+00:00");
    }

    #[test]
    fn a_meeting_for_this_minute_counts_the_attempts_made_seconds_ago() {
        // A meeting scheduled at 10:00:40 for "now", 10:00 (the form's
        // minute), after three calls in that minute: the cap is reached.
        let mut r = request("2026-01-15T09:00:00Z");
        r.channel = ContactChannel::Meeting;
        r.history = ["09:00:05", "09:00:20", "09:00:35"]
            .iter()
            .map(|t| PastAttempt {
                at: utc(&format!("2026-01-15T{t}Z")),
                channel: ContactChannel::Call,
                same_campaign: true,
            })
            .collect();
        let got = refusal(&r).unwrap();
        assert_eq!(got.1, "daily_cap", "{got:?}");
        // A campaign's hours between contacts count from the last one too.
        r.tenant.daily_cap = None;
        r.campaign = Some(CampaignCadence {
            min_hours_between: Some(24),
            max_per_week: None,
        });
        assert_eq!(refusal(&r).unwrap().1, "cadence");
    }

    #[test]
    fn today_is_the_local_day_even_on_a_23_hour_day() {
        // On 29 March 2026 the local day starts at 23:00 UTC on the 28th
        // and lasts 23 hours.
        let mut r = request("2026-03-29T20:00:00Z"); // 22:00 CEST, quiet
        r.tenant.quiet_hours = None;
        r.history = vec![
            PastAttempt {
                at: utc("2026-03-28T22:59:00Z"), // 23:59 CET on the 28th
                channel: ContactChannel::Call,
                same_campaign: false,
            },
            PastAttempt {
                at: utc("2026-03-28T23:01:00Z"), // 00:01 on the 29th
                channel: ContactChannel::Call,
                same_campaign: false,
            },
            PastAttempt {
                at: utc("2026-03-29T10:00:00Z"),
                channel: ContactChannel::Sms,
                same_campaign: false,
            },
        ];
        assert_eq!(refusal(&r), None, "two attempts today, cap 3");
        r.history.push(PastAttempt {
            at: utc("2026-03-29T19:00:00Z"),
            channel: ContactChannel::Call,
            same_campaign: false,
        });
        assert_eq!(
            refusal(&r),
            Some((
                RuleLevel::Tenant,
                "daily_cap".into(),
                "3 of 3 attempts today".into()
            ))
        );
    }

    #[test]
    fn the_person_comes_first_then_tenant_campaign_stage() {
        // Quiet hours AND no marketing consent: the consent is said first.
        let mut r = request("2026-01-15T06:30:00Z");
        r.purpose = ContactPurpose::Marketing;
        assert_eq!(
            refusal(&r),
            Some((
                RuleLevel::Person,
                "no_consent".into(),
                "no consent to marketing contacts".into()
            ))
        );
        r.purpose = ContactPurpose::Service;
        r.person.blocked_channels = vec![ContactChannel::Call];
        assert_eq!(refusal(&r).unwrap().1, "channel_blocked");
        r.person.blocked_channels.clear();
        // A marketing-only entry (an objection) lets a service call through.
        r.tenant.do_not_call_marketing = vec!["+393331234567".into()];
        assert_eq!(refusal(&r).unwrap().1, "quiet_hours");
        r.tenant.do_not_call = vec!["+393331234567".into()];
        assert_eq!(refusal(&r).unwrap().1, "do_not_call");
        // An e-mail is not stopped by the do-not-call list.
        r.channel = ContactChannel::Email;
        assert_eq!(refusal(&r).unwrap().1, "quiet_hours");

        // In office hours the campaign cadence applies, then the stage.
        let mut r = request("2026-01-15T10:00:00Z");
        r.campaign = Some(CampaignCadence {
            min_hours_between: Some(48),
            max_per_week: Some(2),
        });
        r.history = vec![PastAttempt {
            at: utc("2026-01-14T10:00:00Z"),
            channel: ContactChannel::Call,
            same_campaign: true,
        }];
        let got = check_contact(&r).unwrap().unwrap();
        assert_eq!(
            (got.level, got.code.as_str()),
            (RuleLevel::Campaign, "cadence")
        );
        assert_eq!(got.params["until"], "16/01 11:00");
        r.history[0].at = utc("2026-01-12T10:00:00Z");
        r.history.push(PastAttempt {
            at: utc("2026-01-10T10:00:00Z"),
            channel: ContactChannel::Call,
            same_campaign: true,
        });
        assert_eq!(refusal(&r).unwrap().1, "weekly_cap");
        r.campaign = None;
        r.stage = Some(StagePlaybook {
            allowed_channels: vec![ContactChannel::Email, ContactChannel::Meeting],
            max_attempts_per_day: Some(1),
            sla_hours: Some(24),
            quiet_hours: Some(QuietHours {
                start: hm(13, 0),
                end: hm(14, 30),
            }),
        });
        assert_eq!(
            refusal(&r),
            Some((
                RuleLevel::Stage,
                "channel_not_allowed".into(),
                "call is not used at this stage".into()
            ))
        );
        r.channel = ContactChannel::Email;
        r.at = utc("2026-01-15T12:10:00Z"); // 13:10 in Rome: the stage's lunch break
        let got = check_contact(&r).unwrap().unwrap();
        assert_eq!(
            (got.level, got.params["until"].as_str()),
            (RuleLevel::Stage, "14:30")
        );
        r.at = utc("2026-01-15T14:00:00Z");
        assert_eq!(refusal(&r), None);
        r.history.push(PastAttempt {
            at: utc("2026-01-15T08:30:00Z"),
            channel: ContactChannel::Email,
            same_campaign: false,
        });
        assert_eq!(
            refusal(&r).unwrap().2,
            "1 of 1 attempts today at this stage"
        );
        let s = r.stage.as_ref().unwrap();
        assert_eq!(
            s.sla_deadline(utc("2026-01-15T08:00:00Z")),
            Some(utc("2026-01-16T08:00:00Z"))
        );
    }

    #[test]
    fn a_bad_time_zone_is_an_input_error() {
        let mut r = request("2026-01-15T09:00:00Z");
        r.tenant.time_zone = "Europe/Atlantide".into();
        assert_eq!(check_contact(&r).unwrap_err().code, "unknown_value");
        assert!(parse_time_zone("America/New_York").is_ok());
    }
}
