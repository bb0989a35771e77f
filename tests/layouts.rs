//! Contact lists as real products write them import without a hand-made
//! mapping, with the right people, phones and e-mails, on SQLite and on
//! Postgres: CSV exports of Google Contacts (current and older layout),
//! Outlook, HubSpot, Salesforce, Pipedrive, Zoho CRM, Odoo and an Italian
//! Excel sheet (Windows-1252, `;`), and vCards of every version and
//! encoding (Android 2.1 with quoted-printable, Apple 3.0, 4.0, Latin-1,
//! UTF-16), one broken card among good ones.
//!
//! Each file's header row is the product's published column list (some
//! columns left out where noted); the rows are made up.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{import, leads, vcard};
use banco::with_conn;
use common::TestDb;
use uuid::Uuid;

/// What a person must look like after the import.
struct Want {
    first: &'static str,
    last: &'static str,
    phone: Option<&'static str>,
    phone_2: Option<&'static str>,
    email: Option<&'static str>,
    email_2: Option<&'static str>,
}

const fn want(
    first: &'static str,
    last: &'static str,
    phone: Option<&'static str>,
    phone_2: Option<&'static str>,
    email: Option<&'static str>,
    email_2: Option<&'static str>,
) -> Want {
    Want {
        first,
        last,
        phone,
        phone_2,
        email,
        email_2,
    }
}

struct Layout {
    file: &'static str,
    /// The file's bytes (some layouts are not UTF-8).
    bytes: Vec<u8>,
    layout: Option<&'static str>,
    people: Vec<Want>,
}

fn layouts() -> Vec<Layout> {
    vec![
        Layout {
            file: "google.csv",
            layout: Some("Google Contacts"),
            bytes: "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address\n\
Giulia,,Bianchi,,,,,,,,Ottica Bianchi,Titolare,,1985-04-12,cliente storico,,* myContacts,* Home,giulia.bianchi@example.it,Work,g.bianchi@ottica.example.it,Mobile,+39 391 123 4567 ::: 333 765 4321,Home,06 1234 5678,Home,\"Via Roma 1\n47121 Forlì FC\",Via Roma 1,Forlì,,FC,47121,Italia,\n\
Luca,,Neri,,,,,,,,,,,,,,* myContacts,,,,,Mobile,393 100 0011,,,,,,,,,,,\n"
                .as_bytes()
                .to_vec(),
            people: vec![
                want("Giulia", "Bianchi", Some("+393911234567"), Some("+390612345678"), Some("giulia.bianchi@example.it"), Some("g.bianchi@ottica.example.it")),
                want("Luca", "Neri", Some("+393931000011"), None, None, None),
            ],
        },
        Layout {
            file: "google-legacy.csv",
            layout: Some("Google Contacts"),
            bytes: "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,Organization 1 - Title,Organization 1 - Department,Organization 1 - Symbol,Organization 1 - Location,Organization 1 - Job Description\n\
Anna Russo,Anna,,Russo,,,,,,,,,,,,,,,,,,,,,,,,,* My Contacts,* Home,anna.russo@example.it,Mobile,392.555.1234,Work,+39 02 1234 5678,,Russo Srl,,,,,,\n"
                .as_bytes()
                .to_vec(),
            people: vec![want("Anna", "Russo", Some("+393925551234"), Some("+390212345678"), Some("anna.russo@example.it"), None)],
        },
        Layout {
            file: "outlook.csv",
            layout: Some("Outlook"),
            bytes: "First Name,Middle Name,Last Name,Title,Suffix,Initials,Web Page,Gender,Birthday,Anniversary,Location,Language,Internet Free Busy,Notes,E-mail Address,E-mail 2 Address,E-mail 3 Address,Primary Phone,Home Phone,Home Phone 2,Mobile Phone,Pager,Home Fax,Home Address,Home Street,Home Street 2,Home Street 3,Home Address PO Box,Home City,Home State,Home Postal Code,Home Country,Spouse,Children,Manager's Name,Assistant's Name,Referred By,Company Main Phone,Business Phone,Business Phone 2,Business Fax,Assistant's Phone,Company,Job Title,Department,Office Location,Organizational ID Number,Profession,Account,Business Address,Business Street,Business Street 2,Business Street 3,Business Address PO Box,Business City,Business State,Business Postal Code,Business Country,Other Phone,Other Fax,Other Address,Other Street,Other Street 2,Other Street 3,Other Address PO Box,Other City,Other State,Other Postal Code,Other Country,Callback,Car Phone,ISDN,Radio Phone,TTY/TDD Phone,Telex,User 1,User 2,User 3,User 4,Keywords,Mileage,Hobby,Billing Information,Directory Server,Sensitivity,Priority,Private,Categories\r\n\
Marco,,Verdi,,,,,,,,,,,nota outlook,marco.verdi@example.com,mverdi@lavoro.example.it,,,02 8765 4321,,392 555 1234,,02 1111 2222,,,,,,Milano,,,Italia,,,,,,,,,,,Verdi Impianti,,,,,,,,,,,,,,,,+39 011 555 6666,,,,,,,,,,,,,,,,,,,,,,,,,,Normal,,False,\r\n"
                .as_bytes()
                .to_vec(),
            // Mobile first, home second; the other phone goes to the lead's note.
            people: vec![want("Marco", "Verdi", Some("+393925551234"), Some("+390287654321"), Some("marco.verdi@example.com"), Some("mverdi@lavoro.example.it"))],
        },
        Layout {
            file: "hubspot.csv",
            layout: Some("HubSpot"),
            bytes: "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Company Name,City,Country/Region,Lifecycle Stage,Lead Status,Contact owner,Create Date,Original Source\n\
51,Sara,Gallo,sara.gallo@example.it,+39 051 123 4567,+39 347 123 4567,Gallo SpA,Bologna,Italy,Lead,New,Luca Neri,2024-03-05 10:22,Offline Sources\n"
                .as_bytes()
                .to_vec(),
            people: vec![want("Sara", "Gallo", Some("+393471234567"), Some("+390511234567"), Some("sara.gallo@example.it"), None)],
        },
        Layout {
            file: "salesforce.csv",
            layout: Some("Salesforce"),
            bytes: "Contact ID,Salutation,First Name,Last Name,Title,Account Name,Mailing Street,Mailing City,Mailing State/Province,Mailing Zip/Postal Code,Mailing Country,Phone,Mobile,Fax,Email,Lead Source,Created Date,Contact Owner\n\
0035g00000A1b2C,Sig.,Paolo,Conti,Responsabile acquisti,Conti Energia,Via Po 3,Torino,TO,10100,Italia,011 1234567,(338) 123-4567,011 7654321,paolo.conti@example.it,Web,12/03/2024,Sara Gallo\n"
                .as_bytes()
                .to_vec(),
            people: vec![want("Paolo", "Conti", Some("+393381234567"), Some("+390111234567"), Some("paolo.conti@example.it"), None)],
        },
        Layout {
            file: "pipedrive.csv",
            layout: Some("Pipedrive"),
            bytes: "Person - ID,Person - Name,Person - First name,Person - Last name,Person - Organization,Person - Email - Work,Person - Email - Home,Person - Email - Other,Person - Phone - Work,Person - Phone - Home,Person - Phone - Mobile,Person - Phone - Other,Person - Label,Person - Owner,Person - Add time\n\
17,Elena Fabbri,Elena,Fabbri,Fabbri & Co,elena@fabbri.example.it,elena.fabbri@example.com,,0544 123456,,329 1234567,,Hot lead,Paolo Conti,2024-02-01 09:00:00\n"
                .as_bytes()
                .to_vec(),
            people: vec![want("Elena", "Fabbri", Some("+393291234567"), Some("+390544123456"), Some("elena@fabbri.example.it"), Some("elena.fabbri@example.com"))],
        },
        Layout {
            file: "zoho.csv",
            layout: Some("Zoho CRM"),
            bytes: "Record Id,Lead Owner,First Name,Last Name,Company,Email,Secondary Email,Phone,Mobile,Lead Source,Lead Status,City,Country,Created Time,Description\n\
zcrm_4150868000001,Elena Fabbri,Franco,Rinaldi,Rinaldi Snc,franco@rinaldi.example.it,rinaldi.franco@example.com,+39 0541 123456,+39 340 1234567,Web,Contacted,Rimini,Italy,2024-05-02 11:00:00,vuole fibra\n"
                .as_bytes()
                .to_vec(),
            people: vec![want("Franco", "Rinaldi", Some("+393401234567"), Some("+390541123456"), Some("franco@rinaldi.example.it"), Some("rinaldi.franco@example.com"))],
        },
        Layout {
            file: "odoo.csv",
            layout: Some("Odoo"),
            bytes: "Name,Email,Phone,Mobile,Related Company,City,Country,Salesperson,Tags\n\
Chiara Lombardi,chiara@lombardi.example.it,+39 049 8765432,+39 380 1234567,Lombardi Srl,Padova,Italy,Mitchell Admin,VIP\n"
                .as_bytes()
                .to_vec(),
            people: vec![want("Chiara", "Lombardi", Some("+393801234567"), Some("+390498765432"), Some("chiara@lombardi.example.it"), None)],
        },
        Layout {
            file: "excel-italiano.csv",
            layout: Some("Excel (italiano)"),
            bytes: encoding_1252(
                "Nome;Cognome;Cellulare;Telefono;E-mail;Indirizzo;CAP;Città;Provincia;Codice fiscale;Note\r\n\
Nicolò;D'Amico;391 1234567;0543 123456;nicolo@example.it;Via Garibaldi 2;47121;Forlì;FC;DMCNCL80A01D704X;passa in negozio giovedì\r\n\
Maria;Esposito;;081/1234567;;Via Toledo 5;80134;Napoli;NA;;\r\n",
            ),
            people: vec![
                want("Nicolò", "D'Amico", Some("+393911234567"), Some("+390543123456"), Some("nicolo@example.it"), None),
                want("Maria", "Esposito", None, Some("+390811234567"), None, None),
            ],
        },
        // Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated.
        Layout {
            file: "excel-unicode.txt",
            layout: Some("Excel (italiano)"),
            bytes: [0xFF, 0xFE]
                .into_iter()
                .chain(
                    "Nome\tCognome\tCellulare\r\nZoë\tCatalano\t333 9876543\r\n"
                        .encode_utf16()
                        .flat_map(u16::to_le_bytes),
                )
                .collect(),
            people: vec![want("Zoë", "Catalano", Some("+393339876543"), None, None, None)],
        },
        // A list of Ukrainian customers kept in Windows-1251 (no BOM, not
        // UTF-8): the encoding is guessed, not assumed to be Windows-1252.
        Layout {
            file: "clienti-1251.csv",
            layout: Some("Excel (italiano)"),
            bytes: encoding_rs::WINDOWS_1251
                .encode("Nome;Cognome;Cellulare\r\nОлена;Шевченко;347 1234567\r\nТарас;Коваленко;348 7654321\r\n")
                .0
                .into_owned(),
            people: vec![
                want("Олена", "Шевченко", Some("+393471234567"), None, None, None),
                want("Тарас", "Коваленко", Some("+393487654321"), None, None, None),
            ],
        },
    ]
}

/// Windows-1252 bytes of a Latin text (what Excel on Italian Windows saves).
fn encoding_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
        .collect()
}

async fn person(t: &TestDb, id: Uuid) -> Person {
    async { with_conn!(t.db, |c| c.get_person(t.ctx.tenant_id(), id).await) }
        .await
        .unwrap()
        .unwrap()
}

fn check(got: &Person, want: &Want, what: &str) {
    assert_eq!(got.first_name, want.first, "{what}");
    assert_eq!(got.last_name, want.last, "{what}");
    assert_eq!(got.phone.as_deref(), want.phone, "{what}: phone");
    assert_eq!(got.phone_2.as_deref(), want.phone_2, "{what}: phone_2");
    assert_eq!(got.email.as_deref(), want.email, "{what}: email");
    assert_eq!(got.email_2.as_deref(), want.email_2, "{what}: email_2");
}

store_test!(
    contact_exports_import_without_a_mapping,
    |t: TestDb| async move {
        let dir = tempfile::tempdir().unwrap();
        let mut notes = Vec::new();
        let mut imported = Vec::new();
        for layout in layouts() {
            let path = dir.path().join(layout.file);
            std::fs::write(&path, &layout.bytes).unwrap();
            let preview = import::preview(&path).unwrap();
            assert_eq!(preview.layout.as_deref(), layout.layout, "{}", layout.file);
            assert!(
                preview.problems.is_empty(),
                "{}: {:?} with {:?}",
                layout.file,
                preview.problems,
                preview.mapping
            );
            let path = path.display().to_string();
            let request = common::import_request(&path, &preview, DuplicatePolicy::Create);
            let report = common::run_import(&t, &request).await.unwrap();
            assert_eq!(
                report.summary.imported,
                layout.people.len() as u64,
                "{}: {:?}",
                layout.file,
                report.rows
            );
            for (row, want) in report.rows.iter().zip(&layout.people) {
                let got = person(&t, row.person_id.unwrap()).await;
                check(&got, want, layout.file);
                imported.push(got);
                let lead = leads::detail(&t.db, &t.ctx, row.lead_id.unwrap())
                    .await
                    .unwrap();
                notes.extend(lead.lead.note);
            }
        }
        // Nothing is lost: Google's second mobile and Outlook's third phone
        // are in the notes of the leads.
        let all = notes.join("\n");
        assert!(all.contains("333 765 4321"), "{all}");
        assert!(all.contains("+39 011 555 6666"), "{all}");
        // Addresses, birthdays and codici fiscali come along; a codice
        // fiscale whose check character is wrong waits in the note.
        let named = |first: &str| imported.iter().find(|p| p.first_name == first).unwrap();
        let giulia = named("Giulia");
        assert_eq!(giulia.address.as_deref(), Some("Via Roma 1"));
        assert_eq!(giulia.postal_code.as_deref(), Some("47121"));
        assert_eq!(giulia.province.as_deref(), Some("FC"));
        assert_eq!(
            giulia.birth_date.map(|d| d.to_string()).as_deref(),
            Some("1985-04-12")
        );
        let maria = named("Maria");
        assert_eq!(maria.address.as_deref(), Some("Via Toledo 5"));
        assert_eq!(maria.province.as_deref(), Some("NA"));
        assert_eq!(named("Nicolò").tax_code, None);
        assert!(all.contains("tax_code: DMCNCL80A01D704X"), "{all}");
    }
);

/// vCards as phones and programs write them.
fn vcards() -> Vec<u8> {
    let mut out = Vec::new();
    // Android / Outlook vCard 2.1: bare types, quoted-printable UTF-8 name, folded QP line.
    out.extend_from_slice(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ferr=C3=A0;Nicol=C3=B2;;;\r\n\
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Nicol=C3=B2 Ferr=C3=A0\r\nTEL;CELL:391 1234567\r\nTEL;HOME;VOICE:0543-123456\r\n\
EMAIL;HOME:nicolo.ferra@example.it\r\nNOTE;ENCODING=QUOTED-PRINTABLE:prima riga=0D=0A=\r\nseconda riga\r\n\
PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR\r\n 8aHx4dGhwcICQuJyAiLCMcHCg3KSwwMTQ0NB8nOT04MjwuMzQy\r\n\r\nEND:VCARD\r\n",
    );
    // Apple Contacts 3.0: grouped properties, X-ABLabel, typed e-mails.
    out.extend_from_slice(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//macOS 14.0//EN\r\nN:Bianchi;Giulia;;;\r\nFN:Giulia Bianchi\r\n\
ORG:Ottica Bianchi;\r\nitem1.EMAIL;type=INTERNET;type=pref:giulia@example.it\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n\
EMAIL;type=INTERNET;type=WORK:g.bianchi@ottica.example.it\r\nTEL;type=CELL;type=VOICE;type=pref:+39 393 100 0011\r\n\
TEL;type=IPHONE;type=CELL;type=VOICE:333 765 4321\r\nitem2.ADR;type=HOME;type=pref:;;Via Roma 1;Forlì;FC;47121;Italia\r\nEND:VCARD\r\n"
            .as_bytes(),
    );
    // A broken card: no name at all, and a line that is not a property.
    out.extend_from_slice(b"BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:333 000 1111\r\nEND:VCARD\r\n");
    // vCard 4.0 with tel: URIs.
    out.extend_from_slice(
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Luca Neri\r\nN:Neri;Luca;;;\r\nTEL;VALUE=uri;TYPE=\"cell,voice\":tel:+39-392-555-1234\r\nEMAIL:luca@example.it\r\nEND:VCARD\r\n",
    );
    out
}

store_test!(
    vcards_of_every_version_and_encoding,
    |t: TestDb| async move {
        let report = vcard::import(&t.db, &t.ctx, &vcards(), DuplicatePolicy::Skip)
            .await
            .unwrap();
        let statuses: Vec<RowStatus> = report.rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            vec![
                RowStatus::Imported,
                RowStatus::Imported,
                RowStatus::Rejected,
                RowStatus::Imported
            ],
            "{:?}",
            report.rows
        );
        assert_eq!(report.rows[2].messages[0].code, "name_required");
        let nicolo = person(&t, report.rows[0].person_id.unwrap()).await;
        check(
            &nicolo,
            &want(
                "Nicolò",
                "Ferrà",
                Some("+393911234567"),
                Some("+390543123456"),
                Some("nicolo.ferra@example.it"),
                None,
            ),
            "2.1",
        );
        let giulia = person(&t, report.rows[1].person_id.unwrap()).await;
        check(
            &giulia,
            &want(
                "Giulia",
                "Bianchi",
                Some("+393931000011"),
                Some("+393337654321"),
                Some("giulia@example.it"),
                Some("g.bianchi@ottica.example.it"),
            ),
            "apple",
        );
        assert_eq!(giulia.city.as_deref(), Some("Forlì"));
        assert_eq!(giulia.company_name.as_deref(), Some("Ottica Bianchi"));
        let luca = person(&t, report.rows[3].person_id.unwrap()).await;
        assert_eq!(luca.phone.as_deref(), Some("+393925551234"));

        // The same cards in Windows-1252 (Latin-1 letters as single bytes),
        // and in UTF-16 with a byte-order mark, read the same.
        let latin = encoding_1252(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Città;Zoë;;;\r\nFN:Zoë Città\r\nTEL;TYPE=CELL:347 111 2222\r\nEND:VCARD\r\n",
        );
        let report = vcard::import(&t.db, &t.ctx, &latin, DuplicatePolicy::Skip)
            .await
            .unwrap();
        let zoe = person(&t, report.rows[0].person_id.unwrap()).await;
        assert_eq!(
            (zoe.first_name.as_str(), zoe.last_name.as_str()),
            ("Zoë", "Città")
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Åsa Lindqvist\r\nTEL:+46 70 123 45 67\r\nEND:VCARD\r\n"
            .encode_utf16()
        {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let report = vcard::import(&t.db, &t.ctx, &utf16, DuplicatePolicy::Skip)
            .await
            .unwrap();
        let asa = person(&t, report.rows[0].person_id.unwrap()).await;
        assert_eq!(asa.first_name, "Åsa");
        assert_eq!(asa.phone.as_deref(), Some("+46701234567"));

        // A file that is no vCard at all says so and writes nothing.
        let err = vcard::import(&t.db, &t.ctx, b"just some text\n", DuplicatePolicy::Skip)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, banco::Error::Validation(v) if v[0].code == "empty" || v[0].code == "invalid_vcard"),
            "{err:?}"
        );
    }
);
