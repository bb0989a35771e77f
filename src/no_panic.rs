//! No text a user types or a file carries makes Banco panic: property
//! tests (`proptest`) feed arbitrary Unicode (and arbitrary bytes, for
//! files) to every validator and parser of typed or imported input, and
//! check round trips where there is one (E.164 → national → E.164,
//! money as formatted → parsed).

use proptest::prelude::*;
use serde_json::Value;

use crate::model::{
    check_company_tax_code, check_meeting_domain, check_name, check_note_body,
    check_person_tax_code, check_url, check_value, check_vat, minor_to_decimal, parse_money,
    parse_region, parse_tags, CustomField, CustomFieldKind, DateOrder, Email, EntityType, Phone,
};
use crate::services::deal_import::parse_date_in;
use crate::services::import::{decode_text, parse_csv, parse_date};
use crate::services::vcard::read_cards;

/// Any text, weighted towards what breaks byte-indexed code: accents,
/// dashes, digits and separators beside plain ASCII.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9 +().,;:/'\"-]{0,24}",
        "[A-Za-z0-9àèéìòùÀÈ–—’€ .,-]{0,24}",
        "[\\PC]{0,40}",
    ]
}

fn custom(kind: CustomFieldKind) -> CustomField {
    CustomField {
        id: uuid::Uuid::nil(),
        entity_type: EntityType::Person,
        key: "k".into(),
        label: "K".into(),
        kind,
        required: false,
        default_value: None,
        options: vec!["Sì".into(), "No".into()],
        position: 0,
        archived: false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn typed_fields_give_errors_not_panics(s in text()) {
        let _ = Phone::parse(&s, "IT", "phone");
        let _ = Email::parse(&s, "email");
        let _ = check_vat(&s, "vat");
        let _ = check_person_tax_code(&s, "cf");
        let _ = check_company_tax_code(&s, "cf");
        let _ = parse_money(&s, "amount");
        let _ = check_url(&s, "url");
        let _ = check_name(&s, "name");
        let _ = check_note_body(&s);
        let _ = check_meeting_domain(&s);
        let _ = crate::model::opens_in_browser(&s);
        for auth in crate::model::MeetingAuth::ALL {
            let access = crate::model::MeetingAccess {
                auth: *auth,
                app_id: s.clone(),
                key_id: s.clone(),
                guests: crate::model::GuestAccess::Token,
            };
            let _ = access.check(&s);
            let _ = crate::model::room_claim(&access.room_path(&s));
        }
        let _ = crate::services::meeting_tokens::check(
            &s,
            crate::services::meeting_tokens::TokenCheck::Secret(b"s"),
            "banco-ab",
            chrono::Utc::now(),
        );
        let _ = parse_region(&s, "region");
        let _ = parse_tags(&s);
        let _ = parse_date(&s);
        let _ = crate::model::parse_date(&s);
        for order in [DateOrder::Dmy, DateOrder::Mdy] {
            let _ = parse_date_in(&s, order);
        }
        for kind in CustomFieldKind::ALL {
            let _ = check_value(&custom(*kind), &Value::String(s.clone()), "custom.k");
        }
    }

    #[test]
    fn files_of_any_bytes_give_errors_not_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let text = decode_text(&bytes);
        let _ = parse_csv(&text);
        let _ = read_cards(&text);
        let _ = read_cards(&format!("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{text}\r\nEND:VCARD\r\n"));
    }

    #[test]
    fn an_e164_number_survives_its_national_form(national in 300_000_000u64..400_000_000u64) {
        // Italian mobiles: 3xx xxx xxxx.
        let e164 = format!("+39{national}0");
        if let Ok(p) = Phone::parse(&e164, "IT", "phone") {
            let again = Phone::parse(&p.national(), "IT", "phone").expect("its own national form");
            prop_assert_eq!(again.e164(), p.e164());
        }
    }

    #[test]
    fn money_as_written_parses_back(minor in -crate::model::MAX_UNIT_MINOR..=crate::model::MAX_UNIT_MINOR) {
        let written = minor_to_decimal(minor);
        prop_assert_eq!(parse_money(&written, "amount"), Ok(minor));
        prop_assert_eq!(parse_money(&written.replace('.', ","), "amount"), Ok(minor));
    }
}
