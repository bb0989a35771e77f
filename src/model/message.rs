//! Messages written from a record: SMS, WhatsApp and e-mail, opened in the
//! app the desk has for each (Banco sends nothing itself), checked by the
//! contact rules like a call and logged as an outbound interaction
//! (`services::calls::start_message`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::contact_rules::{ContactChannel, ContactPurpose};
use super::{EntityType, Interaction};

/// The URL a message button opens, for `channel`: `sms:+39…` (RFC 5724),
/// `https://wa.me/39…` (WhatsApp's click-to-chat: the E.164 number without
/// its `+`), `mailto:…` (RFC 6068, the address's `%`, `?` and `#`
/// percent-encoded). `None` for another channel, or when the record has
/// no number (SMS, WhatsApp) or no e-mail (e-mail).
pub fn message_url(
    channel: ContactChannel,
    e164: Option<&str>,
    email: Option<&str>,
) -> Option<String> {
    match channel {
        ContactChannel::Sms => e164.map(|n| format!("sms:{n}")),
        ContactChannel::Whatsapp => {
            e164.map(|n| format!("https://wa.me/{}", n.trim_start_matches('+')))
        }
        ContactChannel::Email => email.map(|a| {
            let encoded = a
                .replace('%', "%25")
                .replace('?', "%3F")
                .replace('#', "%23");
            format!("mailto:{encoded}")
        }),
        ContactChannel::Call | ContactChannel::Meeting => None,
    }
}

/// A message about to be written from a record (SMS, WhatsApp or e-mail,
/// in the app the desk has for it): checked by the contact rules like a
/// call, and logged as an outbound interaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartMessage {
    /// The record the button is on.
    pub entity_type: EntityType,
    /// Its id.
    pub entity_id: Uuid,
    /// `sms`, `whatsapp` or `email`.
    pub channel: ContactChannel,
    /// Service (default) or marketing.
    #[serde(default = "service")]
    pub purpose: ContactPurpose,
    /// A manager's reason to write although a contact rule refuses (as
    /// for a call).
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// A started message: the interaction (no outcome: Banco does not see the
/// message itself) and the URL to open ([`message_url`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartedMessage {
    /// The interaction logged.
    pub interaction: Interaction,
    /// `sms:`, `https://wa.me/` or `mailto:`.
    pub open_url: String,
}

fn service() -> ContactPurpose {
    ContactPurpose::Service
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_urls_per_channel() {
        let n = Some("+393331234567");
        assert_eq!(
            message_url(ContactChannel::Whatsapp, n, None).as_deref(),
            Some("https://wa.me/393331234567")
        );
        assert_eq!(
            message_url(ContactChannel::Sms, n, None).as_deref(),
            Some("sms:+393331234567")
        );
        assert_eq!(
            message_url(ContactChannel::Email, n, Some("anna#1?x%@esempio.it")).as_deref(),
            Some("mailto:anna%231%3Fx%25@esempio.it")
        );
        assert_eq!(message_url(ContactChannel::Email, n, None), None);
        assert_eq!(
            message_url(ContactChannel::Whatsapp, None, Some("a@b.it")),
            None
        );
        assert_eq!(message_url(ContactChannel::Call, n, None), None);
    }
}
