//! Where the tenant's desks look for new versions (issue 14): every user
//! reads it, only an admin sets or clears it, an unsafe URL is refused and
//! leaves the setting as it was; on SQLite and on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::Role;
use banco::services::updates::{self, UpdateServer};
use banco::Error;
use common::{staff_ctx, TestDb};

const ENDPOINT: &str =
    "https://aggiornamenti.catena.example.it/banco/{{target}}/{{arch}}/latest.json";

store_test!(admins_choose_the_update_server, |t: TestDb| async move {
    let staff = staff_ctx(&t, "Giulia Banco", Role::Staff).await;
    let manager = staff_ctx(&t, "Marco Negozio", Role::StoreManager).await;
    assert_eq!(
        updates::update_server(&t.db, &staff).await.unwrap(),
        UpdateServer { endpoint: None }
    );

    let saved = updates::set_update_server(&t.db, &t.ctx, Some(&format!("  {ENDPOINT} ")))
        .await
        .unwrap();
    assert_eq!(saved.endpoint.as_deref(), Some(ENDPOINT));
    // Every desk reads it, whoever is signed in.
    for ctx in [&staff, &manager, &t.ctx] {
        assert_eq!(updates::update_server(&t.db, ctx).await.unwrap(), saved);
    }

    // Nobody but an admin changes it, and a refusal changes nothing.
    for ctx in [&staff, &manager] {
        match updates::set_update_server(&t.db, ctx, None).await {
            Err(Error::Forbidden { action, .. }) => assert_eq!(action, "edit_update_server"),
            other => panic!("expected forbidden, got {other:?}"),
        }
    }
    // A manifest over plain http from another computer could be swapped on
    // the way: refused, the setting kept.
    for (bad, code) in [
        (
            "http://aggiornamenti.catena.example.it/latest.json",
            "insecure_url",
        ),
        ("\\\\server\\banco\\latest.json", "invalid_url"),
    ] {
        match updates::set_update_server(&t.db, &t.ctx, Some(bad)).await {
            Err(Error::Validation(v)) => {
                assert_eq!(
                    (v[0].field.as_str(), v[0].code.as_str()),
                    ("update_endpoint", code)
                )
            }
            other => panic!("expected {code} for {bad}, got {other:?}"),
        }
    }
    assert_eq!(updates::update_server(&t.db, &staff).await.unwrap(), saved);

    // A test server on this computer is allowed; clearing stops the checks.
    let local =
        updates::set_update_server(&t.db, &t.ctx, Some("http://127.0.0.1:8123/latest.json"))
            .await
            .unwrap();
    assert_eq!(
        local.endpoint.as_deref(),
        Some("http://127.0.0.1:8123/latest.json")
    );
    let cleared = updates::set_update_server(&t.db, &t.ctx, Some("  "))
        .await
        .unwrap();
    assert_eq!(cleared.endpoint, None);
    assert_eq!(
        updates::update_server(&t.db, &staff).await.unwrap(),
        cleared
    );
});
