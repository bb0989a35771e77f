//! The counter's capture form and its rules.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ConsentKind, Email, FieldError, Interest, Lead, Person, Phone, SourceChannel, Utm};

/// Longest accepted name part, in characters.
const MAX_NAME: usize = 100;
/// Longest accepted note, in characters.
const MAX_NOTE: usize = 4000;

/// The four consent answers of the capture form (`true` = given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsentChoices {
    /// Contact about this request.
    pub service_contact: bool,
    /// Marketing.
    pub marketing: bool,
    /// Profiling.
    pub profiling: bool,
    /// Third parties.
    pub third_parties: bool,
}

impl ConsentChoices {
    /// Each purpose with its answer.
    pub fn entries(&self) -> [(ConsentKind, bool); 4] {
        [
            (ConsentKind::ServiceContact, self.service_contact),
            (ConsentKind::Marketing, self.marketing),
            (ConsentKind::Profiling, self.profiling),
            (ConsentKind::ThirdParties, self.third_parties),
        ]
    }
}

/// What the counter form (or `banco lead add`) sends. Field names are the
/// model's and the form's `name` attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaptureLead {
    /// Client-made id (UUID v7) that makes a retried save idempotent; made
    /// by the core when absent.
    pub id: Option<Uuid>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Phone as typed.
    pub phone: String,
    /// E-mail as typed.
    pub email: String,
    /// Offer of interest.
    pub interest: Interest,
    /// Source channel (`store_walkin` by default).
    pub source_channel: SourceChannel,
    /// Store; the user's store when absent.
    pub store_id: Option<Uuid>,
    /// Free note.
    pub note: String,
    /// Consent answers.
    pub consents: ConsentChoices,
    /// Attach to this existing person instead of matching by phone/e-mail
    /// (the clerk chose "same person").
    pub person_id: Option<Uuid>,
    /// A new person even when the phone or e-mail is someone else's (the
    /// clerk chose "new person": a family's shared e-mail, a number passed
    /// on).
    pub new_person: bool,
    /// Campaign the lead came from.
    pub campaign_id: Option<Uuid>,
    /// UTM codes of the link it came through.
    pub utm: Utm,
}

impl Default for CaptureLead {
    fn default() -> Self {
        CaptureLead {
            id: None,
            first_name: String::new(),
            last_name: String::new(),
            phone: String::new(),
            email: String::new(),
            interest: Interest::Fibre,
            source_channel: SourceChannel::StoreWalkin,
            store_id: None,
            note: String::new(),
            consents: ConsentChoices::default(),
            person_id: None,
            new_person: false,
            campaign_id: None,
            utm: Utm::default(),
        }
    }
}

/// A capture that passed every rule: trimmed names, parsed contacts.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidCapture {
    /// First name, trimmed.
    pub first_name: String,
    /// Last name, trimmed.
    pub last_name: String,
    /// Parsed phone.
    pub phone: Option<Phone>,
    /// Parsed e-mail.
    pub email: Option<Email>,
    /// Note, trimmed, `None` if empty.
    pub note: Option<String>,
}

impl CaptureLead {
    /// Applies the capture rules and returns every broken one at once:
    /// - a first or last name (`first_name`: `name_required`), each at most
    ///   100 characters (`too_long`);
    /// - a phone or an e-mail (`phone`: `contact_required`);
    /// - the phone, when given, valid in `region` (`invalid_phone`);
    /// - the e-mail, when given, valid (`invalid_email`);
    /// - the note at most 4,000 characters.
    pub fn validate(&self, region: &str) -> Result<ValidCapture, Vec<FieldError>> {
        let mut errors = Vec::new();
        let first_name = self.first_name.trim().to_string();
        let last_name = self.last_name.trim().to_string();
        if first_name.is_empty() && last_name.is_empty() {
            errors.push(FieldError::new("first_name", "name_required"));
        }
        for (field, value) in [("first_name", &first_name), ("last_name", &last_name)] {
            if value.chars().count() > MAX_NAME {
                errors.push(FieldError::new(field, "too_long").with("max", MAX_NAME.to_string()));
            }
        }
        let phone = match self.phone.trim() {
            "" => None,
            p => Phone::parse(p, region, "phone")
                .map_err(|e| errors.push(e))
                .ok(),
        };
        let email = match self.email.trim() {
            "" => None,
            e => Email::parse(e, "email").map_err(|e| errors.push(e)).ok(),
        };
        if self.phone.trim().is_empty() && self.email.trim().is_empty() {
            errors.push(FieldError::new("phone", "contact_required"));
        }
        let note = self.note.trim();
        if note.chars().count() > MAX_NOTE {
            errors.push(FieldError::new("note", "too_long").with("max", MAX_NOTE.to_string()));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidCapture {
            first_name,
            last_name,
            phone,
            email,
            note: (!note.is_empty()).then(|| note.to_string()),
        })
    }
}

/// What a capture did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureOutcome {
    /// The lead (new, or the existing one when the same id was saved before).
    pub lead: Lead,
    /// Its person.
    pub person: Person,
    /// `true` when the lead was attached to a person who already existed.
    pub existing_person: bool,
    /// `false` when this was a retry of a save that had already succeeded.
    pub created: bool,
    /// The deal a conversion rule opened from it, if one fired.
    #[serde(default)]
    pub deal_id: Option<Uuid>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(c: &CaptureLead) -> Vec<(String, String)> {
        c.validate("IT")
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn empty_form_says_name_and_contact_are_missing() {
        let c = CaptureLead::default();
        assert_eq!(
            codes(&c),
            vec![
                ("first_name".into(), "name_required".into()),
                ("phone".into(), "contact_required".into())
            ]
        );
    }

    #[test]
    fn bad_phone_and_email_are_both_reported() {
        let c = CaptureLead {
            first_name: "Mario".into(),
            phone: "12".into(),
            email: "mario@".into(),
            ..Default::default()
        };
        assert_eq!(
            codes(&c),
            vec![
                ("phone".into(), "invalid_phone".into()),
                ("email".into(), "invalid_email".into())
            ]
        );
    }

    #[test]
    fn valid_capture_is_trimmed_and_parsed() {
        let c = CaptureLead {
            first_name: " Mario ".into(),
            last_name: "Rossi".into(),
            phone: "333 123 4567".into(),
            ..Default::default()
        };
        let v = c.validate("IT").unwrap();
        assert_eq!(v.first_name, "Mario");
        assert_eq!(v.phone.unwrap().e164(), "+393331234567");
        assert_eq!(v.email, None);
    }
}
