//! The access export (GDPR art. 15) as a readable PDF beside its JSON:
//! the same content, section by section, in Italian or English.

use chrono::Utc;

use super::pdf::{render, Block};
use super::words::code_word;
use crate::model::{PersonDataExport, ReceiptLabels};

/// The access export as a readable PDF in `language` (`it` or `en`,
/// anything else Italian): the same content as the JSON, section by
/// section, for the person to read (GDPR art. 12: "in a concise,
/// transparent, intelligible and easily accessible form"). Times in UTC.
pub fn access_export_pdf(e: &PersonDataExport, language: &str) -> Vec<u8> {
    let en = language == "en";
    let t = |it: &'static str, english: &'static str| if en { english } else { it };
    let when = |d: &chrono::DateTime<Utc>| d.format("%Y-%m-%d %H:%M").to_string();
    let yes_no = |b: bool| t(if b { "sì" } else { "no" }, if b { "yes" } else { "no" });
    let p = &e.person;
    let mut b = vec![
        Block::Text(format!(
            "{}: {}",
            t("Titolare del trattamento", "Controller"),
            e.controller
        )),
        Block::Text(format!(
            "{} (UTC): {}",
            t("Prodotto il", "Made on"),
            when(&e.generated_at)
        )),
        Block::Heading(t("I suoi dati", "Your details").into()),
        Block::Text(format!("{}: {}", t("Nome", "Name"), p.full_name())),
    ];
    for (label, value) in [
        (t("Telefono", "Phone"), &p.phone),
        (t("Secondo telefono", "Second phone"), &p.phone_2),
        ("E-mail", &p.email),
        (t("Seconda e-mail", "Second e-mail"), &p.email_2),
        (t("Codice fiscale", "Tax code"), &p.tax_code),
        (t("Indirizzo", "Address"), &p.address),
        (t("CAP", "Postal code"), &p.postal_code),
        (t("Città", "City"), &p.city),
        (t("Provincia", "Province"), &p.province),
        (t("Paese", "Country"), &p.country),
        (t("Azienda", "Company"), &p.company_name),
        (
            t(
                "Lingua preferita (ISO 639-1)",
                "Preferred language (ISO 639-1)",
            ),
            &p.preferred_language,
        ),
    ] {
        if let Some(v) = value {
            b.push(Block::Text(format!("{label}: {v}")));
        }
    }
    if let Some(born) = p.birth_date {
        b.push(Block::Text(format!(
            "{}: {}",
            t("Data di nascita", "Date of birth"),
            born.format("%d/%m/%Y")
        )));
    }
    if let Some(ch) = p.preferred_channel {
        b.push(Block::Text(format!(
            "{}: {}",
            t("Canale preferito", "Preferred channel"),
            ReceiptLabels::of(language).channel(Some(ch))
        )));
    }
    b.push(Block::Text(format!(
        "{}: {}",
        t("Cliente", "Customer"),
        yes_no(p.is_customer)
    )));
    if let Some(s) = e.segment {
        b.push(Block::Text(format!(
            "{}: {}",
            t("Segmento", "Segment"),
            code_word(language, "segment", s.as_str())
        )));
    }
    for (k, v) in &p.custom {
        b.push(Block::Text(format!("{k}: {v}")));
    }
    b.push(Block::Heading(t("Consensi", "Consents").into()));
    let words = ReceiptLabels::of(language);
    for c in &e.consents {
        b.push(Block::Small(format!(
            "{} · {} · {} · {} · {} {}",
            when(&c.recorded_at),
            words.purpose(c.kind),
            words.channel(c.channel),
            if c.granted {
                t("dato", "given")
            } else {
                t("negato", "refused")
            },
            t("testo", "text"),
            c.text_version
        )));
    }
    let prefs = &e.contact_preferences;
    b.push(Block::Text(format!(
        "{}: {}",
        t("Non contattare", "Do not contact"),
        yes_no(prefs.do_not_contact)
    )));
    b.push(Block::Heading(
        t("Lead e trattative", "Leads and deals").into(),
    ));
    for l in &e.leads {
        b.push(Block::Text(format!(
            "Lead {} · {} · {} · {}",
            when(&l.lead.created_at),
            code_word(language, "interest", l.lead.interest.as_str()),
            code_word(language, "status", l.lead.status.as_str()),
            l.store_name.clone().unwrap_or_default()
        )));
        if let Some(n) = &l.lead.note {
            b.push(Block::Small(n.clone()));
        }
    }
    for d in &e.deals {
        b.push(Block::Text(format!(
            "{} · {} · {} {}",
            d.deal.title,
            code_word(language, "deal_status", d.deal.status.as_str()),
            crate::model::minor_to_decimal(d.deal.totals.value_minor),
            d.deal.currency
        )));
        for line in &d.lines {
            b.push(Block::Small(format!(
                "{} × {}",
                line.quantity, line.product
            )));
        }
    }
    b.push(Block::Heading(t("Contratti", "Contracts").into()));
    for k in &e.contracts {
        let c = &k.contract;
        b.push(Block::Text(format!(
            "{} · {} · {}",
            c.offer,
            code_word(language, "contract_status", c.status.as_str()),
            c.start_date
        )));
        for (label, v) in [
            ("POD", &c.pod),
            ("PDR", &c.pdr),
            ("MSISDN", &c.msisdn),
            ("ICCID", &c.iccid),
            ("IBAN", &c.iban),
        ] {
            if let Some(v) = v {
                b.push(Block::Small(format!("{label}: {v}")));
            }
        }
    }
    b.push(Block::Heading(
        t("Chiamate e messaggi", "Calls and messages").into(),
    ));
    for i in &e.interactions {
        b.push(Block::Small(format!(
            "{} · {} · {} · {}{}",
            when(&i.started_at),
            code_word(language, "channel", i.channel.as_str()),
            code_word(language, "direction", i.direction.as_str()),
            i.outcome.map_or("-".to_string(), |o| code_word(
                language,
                "outcome",
                o.as_str()
            )),
            i.note
                .as_ref()
                .map(|n| format!(" · {n}"))
                .unwrap_or_default()
        )));
    }
    b.push(Block::Heading(t("Riunioni", "Meetings").into()));
    for m in &e.meetings {
        b.push(Block::Small(format!(
            "{} · {}",
            when(&m.starts_at),
            m.title
        )));
    }
    b.push(Block::Heading(t("Note", "Notes").into()));
    for n in &e.notes {
        b.push(Block::Small(format!(
            "{} · {}",
            when(&n.created_at),
            n.body
        )));
    }
    b.push(Block::Heading(t("Documenti", "Documents").into()));
    for d in &e.documents {
        b.push(Block::Small(format!(
            "{} · {} · {} byte",
            when(&d.created_at),
            d.file_name,
            d.size_bytes
        )));
    }
    b.push(Block::Heading(
        t("Richieste e attività", "Tickets and tasks").into(),
    ));
    for k in &e.tickets {
        b.push(Block::Small(format!(
            "{} · {}",
            k.ticket.title,
            code_word(language, "work_status", k.ticket.status.as_str())
        )));
    }
    for k in &e.tasks {
        let done = match k.status {
            crate::model::TaskStatus::Open => t("da fare", "to do"),
            crate::model::TaskStatus::Done => t("fatta", "done"),
        };
        b.push(Block::Small(format!("{} · {done}", k.title)));
    }
    b.push(Block::Heading(t("Cronologia", "Timeline").into()));
    for x in &e.timeline {
        b.push(Block::Small(format!(
            "{} · {}{}",
            when(&x.at),
            code_word(language, "timeline", &x.kind),
            x.detail
                .as_ref()
                .map(|d| format!(" · {d}"))
                .unwrap_or_default()
        )));
    }
    render(
        t(
            "I suoi dati personali (art. 15 GDPR)",
            "Your personal data (GDPR art. 15)",
        ),
        &b,
    )
}
