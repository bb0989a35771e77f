//! Exports people can open (issue 15, item 6), on both backends: the
//! Leads, Deals and Companies lists and the KPI tables as plain CSV, as CSV
//! for Italian Excel and as `.xlsx`; a cell that could run as a formula is
//! neutralised; exports are for managers and each is in the audit trail,
//! which only admins read.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::io::Read;

use banco::model::*;
use banco::services::{audit, capture, companies, export, kpi};
use banco::Error;
use common::{staff_ctx, walk_in, TestDb};

/// A file of an `.xlsx` (a zip) as text.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

store_test!(
    every_list_opens_in_italian_excel_and_runs_no_formula,
    |t: TestDb| async move {
        let lead = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Nicolò", "D'Amato", "+39 333 123 4567", "nicolo@example.it"),
        )
        .await
        .unwrap();
        let query = LeadQuery::default();

        // Excel (Italia): BOM, `;`, Italian headers, the phone as text, the
        // capture time in the shop's zone (Europe/Rome by default).
        let bytes = export::leads(&t.db, &t.ctx, &query, ExportFormat::ExcelIt)
            .await
            .unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        assert!(
            header.starts_with("ID;Creato il;Nome;Cognome;Telefono;"),
            "{header}"
        );
        let row = lines.next().unwrap();
        let local = lead
            .lead
            .created_at
            .with_timezone(&chrono_tz::Europe::Rome)
            .format("%d/%m/%Y %H:%M")
            .to_string();
        assert!(
            row.contains(&format!(";{local};Nicolò;D'Amato;333 123 4567;")),
            "{row}"
        );

        // Plain CSV stays for programs: E.164, RFC 3339 UTC.
        let csv = export::leads(&t.db, &t.ctx, &query, ExportFormat::Csv)
            .await
            .unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.starts_with("id,created_at,first_name"), "{csv}");
        assert!(csv.contains(",+393331234567,"), "{csv}");

        // .xlsx: a workbook whose phone is a text cell.
        let xlsx = export::leads(&t.db, &t.ctx, &query, ExportFormat::Xlsx)
            .await
            .unwrap();
        assert!(part(&xlsx, "xl/sharedStrings.xml").contains("333 123 4567"));
        assert!(part(&xlsx, "xl/workbook.xml").contains("name=\"Lead\""));

        // JSON: the list's items.
        let json = export::leads(&t.db, &t.ctx, &query, ExportFormat::Json)
            .await
            .unwrap();
        let items: Vec<LeadListItem> = serde_json::from_slice(&json).unwrap();
        assert_eq!(items.len(), 1);

        // A company named like a formula is written as text everywhere.
        let evil = "=HYPERLINK(\"http://evil.example\",\"Clicca\")";
        companies::create(
            &t.db,
            &t.ctx,
            &CompanyInput {
                name: evil.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let cq = CompanyQuery::default();
        for format in [ExportFormat::Csv, ExportFormat::ExcelIt] {
            let out = companies::export(&t.db, &t.ctx, &cq, format).await.unwrap();
            let out = String::from_utf8_lossy(&out);
            assert!(out.contains("'=HYPERLINK"), "{format}: {out}");
            assert!(
                !out.contains(",=HYPERLINK") && !out.contains(";=HYPERLINK"),
                "{out}"
            );
            assert!(
                !out.contains(",\"=HYPERLINK") && !out.contains(";\"=HYPERLINK"),
                "{out}"
            );
        }
        let xlsx = companies::export(&t.db, &t.ctx, &cq, ExportFormat::Xlsx)
            .await
            .unwrap();
        assert!(!part(&xlsx, "xl/worksheets/sheet1.xml").contains("<f>"));
        assert!(
            part(&xlsx, "xl/sharedStrings.xml").contains("&apos;=HYPERLINK")
                || part(&xlsx, "xl/sharedStrings.xml").contains("'=HYPERLINK")
        );

        // Deals and KPI tables in the spreadsheet formats; JSON is the
        // Leads list's only.
        let deals = export::deals(&t.db, &t.ctx, &DealFilter::default(), ExportFormat::ExcelIt)
            .await
            .unwrap();
        let deals = String::from_utf8(deals[3..].to_vec()).unwrap();
        assert!(
            deals.starts_with("ID;Titolo;Pipeline;Fase;Stato;"),
            "{deals}"
        );
        let table = kpi::export(
            &t.db,
            &t.ctx,
            KpiRange::default(),
            KpiTable::Pipelines,
            ExportFormat::Xlsx,
        )
        .await
        .unwrap();
        assert!(part(&table, "xl/sharedStrings.xml").contains("Tasso di vittoria"));
        let json = kpi::export(
            &t.db,
            &t.ctx,
            KpiRange::default(),
            KpiTable::Pipelines,
            ExportFormat::Json,
        )
        .await;
        assert!(matches!(json, Err(Error::Validation(_))), "{json:?}");

        // Every export is in the audit trail, which admins read: who, what,
        // in which format, how many rows; never the words typed in search.
        let searched = LeadQuery {
            search: Some("D'Amato".into()),
            ..Default::default()
        };
        export::leads(&t.db, &t.ctx, &searched, ExportFormat::Csv)
            .await
            .unwrap();
        let trail = audit::list(&t.db, &t.ctx, &Default::default(), 100)
            .await
            .unwrap();
        let subjects: Vec<&str> = trail.iter().map(|e| e.subject.as_str()).collect();
        for subject in ["leads", "companies", "deals", "kpi:pipelines"] {
            assert!(subjects.contains(&subject), "{subjects:?}");
        }
        assert!(trail.iter().all(|e| e.action == "export"
            && e.user_id == Some(t.ctx.user.id)
            && e.user_name.as_deref() == Some(t.ctx.user.display_name.as_str())));
        let newest = &trail[0];
        assert_eq!(newest.subject, "leads");
        let detail: serde_json::Value = serde_json::from_str(&newest.detail).unwrap();
        assert_eq!(detail["format"], "csv");
        assert_eq!(detail["rows"], 1);
        assert_eq!(detail["filter"]["search"], true);
        for e in &trail {
            assert!(
                !e.detail.contains("Amato") && !e.detail.contains("333"),
                "{}",
                e.detail
            );
        }

        // Nobody changes or deletes the trail, an admin's own login
        // included (a trigger on SQLite, no privilege on a chain server).
        for sql in [
            "UPDATE audit_events SET subject = 'x'",
            "DELETE FROM audit_events",
        ] {
            let refused = match t.db.pool() {
                banco::store::Pool::Sqlite(p) => sqlx::query(sql).execute(p).await.is_err(),
                banco::store::Pool::Postgres(p) => sqlx::query(sql).execute(p).await.is_err(),
            };
            assert!(refused, "{sql} was allowed");
        }
        assert_eq!(
            audit::list(&t.db, &t.ctx, &Default::default(), 100)
                .await
                .unwrap()
                .len(),
            trail.len()
        );

        // Narrowed by period, user and action; exported as a sheet, which
        // itself goes in the trail.
        let by = |filter: AuditFilter| {
            let (db, ctx) = (t.db.clone(), t.ctx.clone());
            async move { audit::list(&db, &ctx, &filter, 100).await.unwrap().len() }
        };
        let now = chrono::Utc::now();
        let hour = chrono::Duration::hours(1);
        assert_eq!(
            by(AuditFilter {
                from: Some(now - hour),
                ..Default::default()
            })
            .await,
            trail.len()
        );
        assert_eq!(
            by(AuditFilter {
                to: Some(now - hour),
                ..Default::default()
            })
            .await,
            0
        );
        assert_eq!(
            by(AuditFilter {
                user_id: Some(uuid::Uuid::now_v7()),
                ..Default::default()
            })
            .await,
            0
        );
        assert_eq!(
            by(AuditFilter {
                user_id: Some(t.ctx.user.id),
                action: Some("export".into()),
                ..Default::default()
            })
            .await,
            trail.len()
        );
        assert_eq!(
            by(AuditFilter {
                action: Some("gdpr_erasure".into()),
                ..Default::default()
            })
            .await,
            0
        );
        let backwards = AuditFilter {
            from: Some(now),
            to: Some(now - hour),
            ..Default::default()
        };
        assert!(matches!(
            audit::list(&t.db, &t.ctx, &backwards, 10).await,
            Err(Error::Validation(_))
        ));
        let sheet = audit::export(
            &t.db,
            &t.ctx,
            &AuditFilter::default(),
            ExportFormat::ExcelIt,
        )
        .await
        .unwrap();
        let text = String::from_utf8(sheet[3..].to_vec()).unwrap();
        assert!(
            text.starts_with("Quando;Chi;Azione;Oggetto;Formato;Righe;Dettaglio"),
            "{text}"
        );
        assert_eq!(text.lines().count(), trail.len() + 1, "{text}");
        let english = t.ctx.clone().speaking("en");
        let sheet = audit::export(
            &t.db,
            &english,
            &AuditFilter::default(),
            ExportFormat::ExcelIt,
        )
        .await
        .unwrap();
        assert!(String::from_utf8_lossy(&sheet).contains("When;Who;Action"));
        let newest = &audit::list(&t.db, &t.ctx, &Default::default(), 1)
            .await
            .unwrap()[0];
        assert_eq!(newest.subject, "audit");

        // Exports of records are for managers.
        let anna = staff_ctx(&t, "Anna Banco", Role::Staff).await;
        for result in [
            export::leads(&t.db, &anna, &query, ExportFormat::Xlsx).await,
            export::deals(&t.db, &anna, &DealFilter::default(), ExportFormat::Csv).await,
            companies::export(&t.db, &anna, &cq, ExportFormat::ExcelIt).await,
        ] {
            assert!(
                matches!(
                    result,
                    Err(Error::Forbidden {
                        action: "export_data",
                        ..
                    })
                ),
                "{:?}",
                result.map(|b| b.len())
            );
        }
        let err = audit::list(&t.db, &anna, &Default::default(), 10)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Forbidden {
                    action: "read_audit",
                    ..
                }
            ),
            "{err:?}"
        );
    }
);
