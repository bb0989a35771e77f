//! Consents per purpose and per channel (GDPR art. 6-7, issue 15): where
//! a decision was taken, the channels a purpose can be asked for, the
//! state a list of decisions gives for one purpose on one channel, and the
//! versioned texts the person was shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::string_enum::string_enum;
use super::{ContactChannel, FieldError};

string_enum! {
    /// The GDPR consents asked at capture (art. 6–7 GDPR; the purposes are
    /// the ones Italian telco/energy retail forms ask separately).
    ConsentKind {
        /// Being contacted about the request itself (service contact).
        ServiceContact = "service_contact",
        /// Marketing communications.
        Marketing = "marketing",
        /// Profiling of habits and preferences.
        Profiling = "profiling",
        /// Passing data to third parties (partners).
        ThirdParties = "third_parties",
    }
}

/// One recorded consent decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Consent {
    /// UUID v7.
    pub id: Uuid,
    /// Whose consent.
    pub person_id: Uuid,
    /// Lead during whose capture it was given, if any.
    pub lead_id: Option<Uuid>,
    /// Purpose.
    pub kind: ConsentKind,
    /// Given (`true`) or refused (`false`).
    pub granted: bool,
    /// Version of the consent text shown to the person.
    pub text_version: String,
    /// When (UTC).
    pub recorded_at: DateTime<Utc>,
    /// Staff member who recorded it.
    pub recorded_by: Option<Uuid>,
    /// The channel it is about; `None` for every channel.
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(default))]
    pub channel: Option<ContactChannel>,
    /// Where it was taken.
    #[serde(default = "default_source")]
    pub source: ConsentSource,
    /// The store it was taken in, if any.
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(default))]
    pub store_id: Option<Uuid>,
}

fn default_source() -> ConsentSource {
    ConsentSource::Store
}

string_enum! {
    /// Where a consent decision was taken.
    ConsentSource {
        /// At the counter of a store.
        Store = "store",
        /// A file import.
        Import = "import",
        /// A web form.
        WebForm = "web_form",
        /// On the phone.
        Phone = "phone",
        /// The person's objection to marketing (GDPR art. 21).
        Objection = "objection",
    }
}

/// The channels a consent can be given or withdrawn for, one by one
/// (a meeting is not a channel of its own: it follows "every channel").
pub const CONSENT_CHANNELS: [ContactChannel; 4] = [
    ContactChannel::Call,
    ContactChannel::Sms,
    ContactChannel::Email,
    ContactChannel::Whatsapp,
];

/// One decision to record: a purpose, optionally one channel (`None`:
/// every channel), given or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentDecision {
    /// Purpose.
    pub kind: ConsentKind,
    /// The channel it is about; `None` for every channel.
    #[serde(default)]
    pub channel: Option<ContactChannel>,
    /// Given (`true`) or refused / withdrawn (`false`).
    pub granted: bool,
}

impl ConsentDecision {
    /// Parses `kind[:channel]` as the command line writes it
    /// (`marketing:sms`, `profiling`).
    ///
    /// Errors: `unknown_value` on `kind` or `channel`; `channel`
    /// `not_a_consent_channel` for `meeting`.
    pub fn parse(text: &str, granted: bool) -> Result<ConsentDecision, FieldError> {
        let (kind, channel) = match text.split_once(':') {
            Some((k, c)) => (k, Some(c)),
            None => (text, None),
        };
        let kind = ConsentKind::parse(kind, "kind")?;
        let channel = channel
            .map(|c| ContactChannel::parse(c, "channel"))
            .transpose()?;
        let decision = ConsentDecision {
            kind,
            channel,
            granted,
        };
        decision.check()?;
        Ok(decision)
    }

    /// Errors: `channel` `not_a_consent_channel` for a channel outside
    /// [`CONSENT_CHANNELS`].
    pub fn check(&self) -> Result<(), FieldError> {
        match self.channel {
            Some(c) if !CONSENT_CHANNELS.contains(&c) => {
                Err(FieldError::new("channel", "not_a_consent_channel").with("value", c.as_str()))
            }
            _ => Ok(()),
        }
    }
}

/// The state of purpose `kind` on `channel` after `consents`: the newest
/// decision of that purpose that is about that channel or about every
/// channel; `None` when there is none. `channel` `None` asks about every
/// channel at once (only decisions for every channel count).
pub fn consent_state(
    consents: &[Consent],
    kind: ConsentKind,
    channel: Option<ContactChannel>,
) -> Option<bool> {
    consents
        .iter()
        .filter(|c| c.kind == kind && (c.channel.is_none() || c.channel == channel))
        .max_by_key(|c| (c.recorded_at, c.id))
        .map(|c| c.granted)
}

/// A version of the consent text, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct ConsentText {
    /// Version label (`2026-12-06.1`); a decision names the one shown.
    pub version: String,
    /// `it` or `en`.
    pub language: String,
    /// The text shown to the person.
    pub body: String,
    /// When it was written (UTC).
    pub created_at: DateTime<Utc>,
    /// Who wrote it.
    pub created_by: Option<Uuid>,
}

/// The texts Banco starts with (version `INITIAL_CONSENT_TEXT_VERSION`)
/// until an admin writes the shop's own.
pub fn default_consent_text(language: &str) -> &'static str {
    match language {
        "en" => {
            "Under Regulation (EU) 2016/679 (GDPR) I have read the privacy notice. \
             I may give or refuse each purpose below, for each channel, and withdraw \
             any of them at any time at the store, by phone or by e-mail, without \
             affecting what was done before. Contact about my request: needed to \
             answer it. Marketing: offers by phone, SMS, e-mail or WhatsApp. \
             Profiling: analysis of my purchases to tailor offers. Third parties: \
             passing my data to partners for their own offers."
        }
        _ => {
            "Ai sensi del Regolamento (UE) 2016/679 (GDPR) dichiaro di aver letto \
             l'informativa sul trattamento dei dati personali. Posso dare o negare \
             ciascuna finalità qui sotto, per ciascun canale, e revocarla in ogni \
             momento in negozio, per telefono o per e-mail, senza effetti su quanto \
             fatto prima. Contatto per la mia richiesta: necessario per darle \
             seguito. Marketing: offerte per telefono, SMS, e-mail o WhatsApp. \
             Profilazione: analisi dei miei acquisti per offerte su misura. Terzi: \
             comunicazione dei miei dati a partner per loro offerte."
        }
    }
}

/// The words of the consent receipt in one language (`it` or `en`): the
/// receipt is printed at the counter in the language the person reads,
/// which may not be the window's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLabels {
    /// The document's title.
    pub title: &'static str,
    /// "Controller" (the tenant).
    pub controller: &'static str,
    /// "Store".
    pub store: &'static str,
    /// "Person".
    pub person: &'static str,
    /// "Codice fiscale".
    pub tax_code: &'static str,
    /// "Printed on".
    pub printed: &'static str,
    /// Heading of the current choices.
    pub current: &'static str,
    /// Heading of the history.
    pub history: &'static str,
    /// Heading of the text shown.
    pub text: &'static str,
    /// "every channel".
    pub every_channel: &'static str,
    /// "given".
    pub given: &'static str,
    /// "refused".
    pub refused: &'static str,
    /// "not asked".
    pub not_asked: &'static str,
    /// "text version".
    pub version: &'static str,
    /// "by".
    pub by: &'static str,
    /// The footer: how to change or withdraw.
    pub footer: &'static str,
    /// Purposes, in [`ConsentKind::ALL`] order.
    pub purposes: [&'static str; 4],
    /// Channels, in [`CONSENT_CHANNELS`] order.
    pub channels: [&'static str; 4],
    /// Sources, in [`ConsentSource::ALL`] order.
    pub sources: [&'static str; 5],
}

impl ReceiptLabels {
    /// The labels of `language` (`en`, anything else Italian).
    pub fn of(language: &str) -> ReceiptLabels {
        if language == "en" {
            ReceiptLabels {
                title: "Consent receipt",
                controller: "Controller",
                store: "Store",
                person: "Person",
                tax_code: "Tax code",
                printed: "Printed on (UTC)",
                current: "Your choices today",
                history: "History of your choices",
                text: "The text you were shown",
                every_channel: "every channel",
                given: "given",
                refused: "refused",
                not_asked: "not asked",
                version: "text version",
                by: "recorded by",
                footer: "You may change or withdraw each consent at any time at the store, by phone or by e-mail (GDPR art. 7(3)); withdrawing does not affect what was done before. You may also object to marketing at any time (art. 21).",
                purposes: ["Contact about my request", "Marketing", "Profiling", "Third parties"],
                channels: ["phone call", "SMS", "e-mail", "WhatsApp"],
                sources: ["at the store", "import", "web form", "by phone", "objection (art. 21)"],
            }
        } else {
            ReceiptLabels {
                title: "Ricevuta dei consensi",
                controller: "Titolare del trattamento",
                store: "Negozio",
                person: "Interessato",
                tax_code: "Codice fiscale",
                printed: "Stampata il (UTC)",
                current: "Le sue scelte oggi",
                history: "Storico delle sue scelte",
                text: "Il testo che le è stato mostrato",
                every_channel: "tutti i canali",
                given: "dato",
                refused: "negato",
                not_asked: "non richiesto",
                version: "versione del testo",
                by: "registrato da",
                footer: "Può modificare o revocare ogni consenso in qualsiasi momento in negozio, per telefono o per e-mail (art. 7.3 GDPR); la revoca non ha effetto su quanto fatto prima. Può inoltre opporsi al marketing in ogni momento (art. 21).",
                purposes: ["Contatto per la mia richiesta", "Marketing", "Profilazione", "Terzi"],
                channels: ["telefonata", "SMS", "e-mail", "WhatsApp"],
                sources: ["in negozio", "importazione", "modulo web", "per telefono", "opposizione (art. 21)"],
            }
        }
    }

    /// The purpose's name.
    pub fn purpose(&self, kind: ConsentKind) -> &'static str {
        let i = ConsentKind::ALL
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(0);
        self.purposes[i]
    }

    /// The channel's name ("every channel" for `None`).
    pub fn channel(&self, channel: Option<ContactChannel>) -> &'static str {
        match channel.and_then(|c| CONSENT_CHANNELS.iter().position(|x| *x == c)) {
            Some(i) => self.channels[i],
            None => self.every_channel,
        }
    }

    /// The source's name.
    pub fn source(&self, source: ConsentSource) -> &'static str {
        let i = ConsentSource::ALL
            .iter()
            .position(|s| *s == source)
            .unwrap_or(0);
        self.sources[i]
    }
}
