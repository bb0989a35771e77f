//! A people import's duplicates, rule by rule, on SQLite and Postgres: a
//! row matches the oldest person with one of its phones (main or second)
//! or its e-mail, including people that earlier rows of the same file
//! created or changed, within one batch of rows and across batches.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::capture;
use banco::with_conn;
use common::{run_import, walk_in, TestDb};

/// A request for `text` written to a file in `dir`, with an explicit
/// mapping: first name, last name, phone, second phone, e-mail.
fn request(dir: &tempfile::TempDir, text: &str, duplicates: DuplicatePolicy) -> ImportRequest {
    let path = dir.path().join("clienti.csv");
    std::fs::write(&path, text).unwrap();
    ImportRequest {
        path: path.display().to_string(),
        mapping: vec![
            Some(ImportField::FirstName),
            Some(ImportField::LastName),
            Some(ImportField::Phone),
            Some(ImportField::Phone2),
            Some(ImportField::Email),
        ],
        duplicates,
        default_source: SourceChannel::Import,
        store_id: None,
        phone_region: None,
        custom_columns: Vec::new(),
    }
}

/// The people with this phone (main or second) or e-mail.
async fn people_with(t: &TestDb, phone: &str, email: Option<&str>) -> Vec<Person> {
    let phones = [phone.to_string()];
    async {
        with_conn!(t.db, |c| c
            .find_people_by_contact(t.ctx.tenant_id(), &phones, email)
            .await)
    }
    .await
    .unwrap()
}

/// Three letters for `i` < 17,576 (`aaa`, `aab`, …): names of letters
/// only, as a name column must look like names.
fn letters(i: usize) -> String {
    [i / 676, (i / 26) % 26, i % 26]
        .iter()
        .map(|&d| char::from(b'a' + d as u8))
        .collect()
}

const HEADER: &str = "Nome;Cognome;Cellulare;Altro telefono;Email\n";

store_test!(
    rows_merge_into_people_of_the_crm_and_of_earlier_rows_of_the_file,
    |t: TestDb| async move {
        // Already in the CRM before the import.
        let ettore = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Ettore", "Neri", "333 200 0000", "ettore@esempio.it"),
        )
        .await
        .unwrap()
        .person;
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "{HEADER}\
             Mario;Rossi;333 100 0001;;mario@esempio.it\n\
             Maria;Rossi;333 100 0002;;\n\
             Mario;Rossi;333 100 0001;333 100 0003;\n\
             Marco;Bianchi;333 100 0003;;\n\
             Ettore;Neri Bianchi;+39 333 2000000;;\n\
             Luisa;Verdi;;;Mario@Esempio.it\n\
             ;;333 100 0009;;\n"
        );
        let report = run_import(&t, &request(&dir, &text, DuplicatePolicy::Update))
            .await
            .unwrap();
        let statuses: Vec<RowStatus> = report.rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                RowStatus::Imported,
                RowStatus::Imported,
                RowStatus::Merged,
                RowStatus::Merged,
                RowStatus::Merged,
                RowStatus::Merged,
                RowStatus::Rejected,
            ]
        );
        assert_eq!(report.rows[6].line, 8);
        assert_eq!(report.rows[6].messages[0].field, "row 8: first_name");
        let mario = report.rows[0].person_id.unwrap();
        // Row 4 gave Mario a second phone; row 5 matched him by it, and
        // row 7 by his e-mail (any case), each adding a lead to him.
        for row in [2, 3, 5] {
            assert_eq!(report.rows[row].person_id, Some(mario), "row {row}");
        }
        assert_eq!(report.rows[4].person_id, Some(ettore.id));
        let found = people_with(&t, "+393331000003", None).await;
        assert_eq!(found.len(), 1);
        let mario_now = &found[0];
        assert_eq!(mario_now.id, mario);
        assert_eq!(mario_now.phone.as_deref(), Some("+393331000001"));
        assert_eq!(mario_now.phone_2.as_deref(), Some("+393331000003"));
        // The last rows' names won (the file's values replace the person's).
        assert_eq!(mario_now.full_name(), "Luisa Verdi");
        let ettore_now = &people_with(&t, "+393332000000", None).await[0];
        assert_eq!(ettore_now.last_name, "Neri Bianchi");
        assert_eq!(ettore_now.email.as_deref(), Some("ettore@esempio.it"));
        // Maria has the same surname, not the same name: no warning.
        assert!(report.rows[1].messages.is_empty());
        assert_eq!(report.summary.imported, 2);
        assert_eq!(report.summary.merged, 4);
        assert_eq!(report.summary.rejected, 1);
        // One lead per row that went in, each on its person's timeline.
        let leads = banco::services::leads::list(&t.db, &t.ctx, &LeadQuery::default())
            .await
            .unwrap();
        assert_eq!(leads.total, 1 + 6);
    }
);

store_test!(
    skipped_rows_name_the_person_they_match_and_same_names_are_flagged,
    |t: TestDb| async move {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "{HEADER}\
             Anna;Galli;333 300 0001;;\n\
             Anna;Galli;;;anna.galli@esempio.it\n\
             Annina;Galli;+39 333 3000001;;\n"
        );
        let report = run_import(&t, &request(&dir, &text, DuplicatePolicy::Skip))
            .await
            .unwrap();
        let statuses: Vec<RowStatus> = report.rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [RowStatus::Imported, RowStatus::Imported, RowStatus::Skipped]
        );
        // Row 3: the same name as row 2's Anna, other contacts.
        assert_eq!(report.rows[1].messages[0].code, "possible_duplicate");
        assert_eq!(
            report.rows[1].messages[0]
                .params
                .get("value")
                .map(String::as_str),
            Some("Anna Galli")
        );
        // Row 4: the phone of row 2's person.
        assert_eq!(report.rows[2].messages[0].code, "duplicate_skipped");
        assert_eq!(report.rows[2].person_id, report.rows[0].person_id);
        assert_eq!(report.rows[2].lead_id, None);
        // Create: every row a new person, even with a known phone.
        let again = run_import(&t, &request(&dir, &text, DuplicatePolicy::Create))
            .await
            .unwrap();
        assert_eq!(again.summary.imported, 3);
        assert_eq!(people_with(&t, "+393333000001", None).await.len(), 3);
    }
);

store_test!(
    a_row_matches_a_person_created_by_an_earlier_batch_of_the_file,
    |t: TestDb| async move {
        // The file is read 500 rows at a time: row 702 repeats row 2's
        // phone, row 703 row 701's e-mail.
        let dir = tempfile::tempdir().unwrap();
        let mut text = HEADER.to_string();
        for i in 0..700 {
            let l = letters(i);
            text.push_str(&format!(
                "Nome{l};Cognome{l};333 4{i:06};;persona{i}@esempio.it\n"
            ));
        }
        text.push_str("Primo;Ancora;333 4000000;;\n");
        text.push_str("Ultimo;Ancora;;;PERSONA699@esempio.it\n");
        let report = run_import(&t, &request(&dir, &text, DuplicatePolicy::Update))
            .await
            .unwrap();
        assert_eq!(report.summary.imported, 700);
        assert_eq!(report.summary.merged, 2);
        assert_eq!(report.rows[700].person_id, report.rows[0].person_id);
        assert_eq!(report.rows[701].person_id, report.rows[699].person_id);
        assert_eq!(report.rows[701].line, 703);
        let first = &people_with(&t, "+393334000000", None).await;
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].full_name(), "Primo Ancora");
        let leads = banco::services::leads::list(&t.db, &t.ctx, &LeadQuery::default())
            .await
            .unwrap();
        assert_eq!(leads.total, 702);
    }
);

store_test!(
    a_large_file_lists_the_rows_with_a_message_and_writes_every_row_to_the_full_report,
    |t: TestDb| async move {
        // 1,500 rows (more than LISTED_ROWS): every 100th has a phone that
        // cannot be read (in, with a warning), row 1,002 has no name.
        let dir = tempfile::tempdir().unwrap();
        let mut text = HEADER.to_string();
        for i in 0..1_500 {
            let l = letters(i);
            let phone = if i % 100 == 0 {
                "12".to_string()
            } else {
                format!("333 5{i:06}")
            };
            let names = if i == 1_000 {
                ";".to_string()
            } else {
                format!("Nome{l};Cognome{l}")
            };
            text.push_str(&format!("{names};{phone};;persona{i}@esempio.it\n"));
        }
        let mut full = Vec::new();
        let report = banco::services::import::run_reporting(
            &t.db,
            &t.ctx,
            &request(&dir, &text, DuplicatePolicy::Skip),
            |_, _| {},
            &std::sync::atomic::AtomicBool::new(false),
            &mut full,
        )
        .await
        .unwrap();
        assert_eq!(report.summary.rows, 1_500);
        assert_eq!(report.summary.imported, 1_499);
        assert_eq!(report.summary.rejected, 1);
        // Listed: the 15 rows with a warning; the others only counted.
        assert!(report.rows.iter().all(|r| !r.messages.is_empty()));
        assert_eq!(report.rows.len(), 15);
        assert_eq!(report.rows[10].line, 1_002);
        assert_eq!(report.rows[10].status, RowStatus::Rejected);
        assert_eq!(report.not_listed, 1_485);
        // The full report: the header and every row, in file order.
        let full = String::from_utf8(full).unwrap();
        let lines: Vec<&str> = full.lines().collect();
        assert_eq!(lines.len(), 1 + 1_500);
        assert!(lines[0].starts_with("line,status,person_id,lead_id"));
        assert!(lines[2].starts_with("3,imported,"));
        assert!(lines[1_500].starts_with("1501,imported,"));
        assert!(lines[101].contains("row 102: phone"), "{}", lines[101]);
    }
);

store_test!(
    addresses_birth_dates_and_codici_fiscali_are_checked_and_kept,
    |t: TestDb| async move {
        let dir = tempfile::tempdir().unwrap();
        let mut req = request(
            &dir,
            "Nome;Cognome;Cellulare;CAP;Provincia;Data di nascita;Codice fiscale\n\
             Mario;Rossi;347 900 0001;00187;rm;10/12/1985;RSSMRA85T10A562S\n\
             Lia;Verdi;347 900 0002;1234;Roma;0/0/00;\n\
             Ugo;Neri;347 900 0003;;;11/12/1985;RSSMRA85T10A562S\n",
            DuplicatePolicy::Create,
        );
        req.mapping = vec![
            Some(ImportField::FirstName),
            Some(ImportField::LastName),
            Some(ImportField::Phone),
            Some(ImportField::PostalCode),
            Some(ImportField::Province),
            Some(ImportField::BirthDate),
            Some(ImportField::TaxCode),
        ];
        let report = run_import(&t, &req).await.unwrap();
        assert_eq!(report.summary.imported, 3, "{:?}", report.rows);
        let mario = &people_with(&t, "+393479000001", None).await[0];
        assert_eq!(mario.postal_code.as_deref(), Some("00187"));
        assert_eq!(mario.province.as_deref(), Some("RM"));
        assert_eq!(
            mario.birth_date.map(|d| d.to_string()).as_deref(),
            Some("1985-12-10")
        );
        assert_eq!(mario.tax_code.as_deref(), Some("RSSMRA85T10A562S"));
        // A bad CAP and province are warnings, the row is imported without
        // them; Outlook's 0/0/00 is no date and no warning.
        let lia = &people_with(&t, "+393479000002", None).await[0];
        assert_eq!((lia.postal_code.as_ref(), lia.birth_date), (None, None));
        let codes = |i: usize| {
            report.rows[i]
                .messages
                .iter()
                .map(|m| (m.field.clone(), m.code.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(1),
            vec![
                (
                    "row 3: postal_code".to_string(),
                    "invalid_postal_code".to_string()
                ),
                (
                    "row 3: province".to_string(),
                    "invalid_province".to_string()
                ),
            ]
        );
        // A birth date the codice fiscale contradicts is left out, kept in
        // the lead's note.
        let ugo = &people_with(&t, "+393479000003", None).await[0];
        assert_eq!(ugo.birth_date, None);
        assert_eq!(
            codes(2),
            vec![(
                "row 4: birth_date".to_string(),
                "tax_code_mismatch".to_string()
            )]
        );
        let lead = banco::services::leads::detail(&t.db, &t.ctx, report.rows[2].lead_id.unwrap())
            .await
            .unwrap();
        assert!(
            lead.lead
                .note
                .as_deref()
                .unwrap_or("")
                .contains("birth_date: 11/12/1985"),
            "{:?}",
            lead.lead.note
        );
    }
);
