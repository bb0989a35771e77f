//! Signing in to a chain server: each person is a login role of the server, made with its first password when an admin adds them, checked by the server at sign-in, unlock and password change, and set for others only by the roles that may.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::Ctx;
use banco::store::Db;
use sqlx::Connection;

use common::unique_login;

fn refusal(e: banco::Error) -> String {
    match e {
        banco::Error::SignIn { reason, .. } => reason.to_string(),
        banco::Error::Forbidden { action, .. } => format!("forbidden {action}"),
        banco::Error::Validation(errors) => format!("{}: {}", errors[0].field, errors[0].code),
        other => format!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_sign_in_to_a_chain_server_as_their_own_login() {
    let (owner, admin_url) = common::fresh_chain().await;
    let server = {
        let mut u = url::Url::parse(&owner).unwrap();
        u.set_username("").unwrap();
        u.to_string()
    };
    let admin_db = Db::connect(&admin_url).await.unwrap();
    let admin_ctx = Ctx::load(&admin_db, None).await.unwrap();
    let pw = |s: &str| Password(s.into());
    // The admin adds colleagues from the window's Users screen: each gets a
    // login role on the server with its first password.
    let (giulia, luca) = (unique_login("giulia"), unique_login("luca"));
    let add = |login: String, role: Role| {
        let (db, ctx) = (admin_db.clone(), admin_ctx.clone());
        async move {
            banco::services::staff::add_user(
                &db,
                &ctx,
                NewUser {
                    display_name: login.clone(),
                    email: String::new(),
                    role,
                    store_id: ctx.user.store_id,
                    stores: Vec::new(),
                    login,
                    password: Password("4821".into()),
                },
            )
            .await
        }
    };
    let g = add(giulia.clone(), Role::StoreManager).await.unwrap();
    assert!(g.has_password);
    add(luca.clone(), Role::Staff).await.unwrap();
    // A login is a server role: another tenant's, or the server's own, is taken.
    assert_eq!(
        refusal(add(giulia.clone(), Role::Staff).await.unwrap_err()),
        "login: already_used"
    );
    assert_eq!(
        refusal(add("banco".into(), Role::Staff).await.unwrap_err()),
        "login: already_used"
    );

    // The server checks the password; one answer for every wrong guess.
    use banco::services::sign_in;
    let (g_db, g_ctx) = sign_in::sign_in_server(&server, &giulia, pw("4821"))
        .await
        .unwrap();
    assert_eq!(g_ctx.user.id, g.id);
    for (login, password) in [
        (giulia.as_str(), "4822"),
        ("nessuno", "4821"),
        ("Not A Login!", "x"),
    ] {
        let e = sign_in::sign_in_server(&server, login, pw(password))
            .await
            .unwrap_err();
        assert_eq!(refusal(e), "wrong_credentials", "{login}");
    }
    // The owner's superuser is no Banco user.
    let e = sign_in::sign_in_server(&server, "banco", pw("x"))
        .await
        .unwrap_err();
    assert_eq!(refusal(e), "wrong_credentials");

    // Unlocking checks the same password; changing it needs the current one.
    sign_in::verify_user(&g_db, g_ctx.tenant_id(), g.id, pw("4821"))
        .await
        .unwrap();
    assert_eq!(
        refusal(
            sign_in::verify_user(&g_db, g_ctx.tenant_id(), g.id, pw("0000"))
                .await
                .unwrap_err()
        ),
        "wrong_credentials"
    );
    assert_eq!(
        refusal(
            sign_in::change_own_password(&g_db, &g_ctx, pw("0000"), pw("nuova-9"))
                .await
                .unwrap_err()
        ),
        "wrong_credentials"
    );
    sign_in::change_own_password(&g_db, &g_ctx, pw("4821"), pw("nuova-9"))
        .await
        .unwrap();
    // Her desk's pool signs in with the new password from now on: its
    // next new connection is not refused with the old one.
    let banco::store::Pool::Postgres(pool) = g_db.pool() else {
        panic!("a chain server's pool")
    };
    sqlx::ConnectOptions::connect(&*pool.connect_options())
        .await
        .expect("a new connection of her desk's pool signs in");
    assert!(sign_in::sign_in_server(&server, &giulia, pw("4821"))
        .await
        .is_err());
    let (again, _) = sign_in::sign_in_server(&server, &giulia, pw("nuova-9"))
        .await
        .unwrap();
    again.close().await;

    // A store manager sets her own staff's password, not the admin's.
    let users = banco::services::staff::list_users(&g_db, &g_ctx)
        .await
        .unwrap();
    let luca_id = users
        .iter()
        .find(|u| u.login.as_deref() == Some(luca.as_str()))
        .unwrap()
        .id;
    sign_in::set_password(&g_db, &g_ctx, luca_id, "", pw("5555"))
        .await
        .unwrap();
    let (l_db, l_ctx) = sign_in::sign_in_server(&server, &luca, pw("5555"))
        .await
        .unwrap();
    assert_eq!(
        refusal(
            sign_in::set_password(&g_db, &g_ctx, admin_ctx.user.id, "", pw("presa"))
                .await
                .unwrap_err()
        ),
        "forbidden set_password"
    );
    // Staff set nobody's; and the server refuses them even past the core.
    assert_eq!(
        refusal(
            sign_in::set_password(&l_db, &l_ctx, g.id, "", pw("presa"))
                .await
                .unwrap_err()
        ),
        "forbidden set_password"
    );
    // Her store manager deactivates Luca: his login role may no longer
    // connect at all (NOLOGIN), so no client reaches the server as him.
    banco::services::staff::set_active(&g_db, &g_ctx, luca_id, false)
        .await
        .unwrap();
    assert_eq!(
        refusal(
            sign_in::sign_in_server(&server, &luca, pw("5555"))
                .await
                .unwrap_err()
        ),
        "wrong_credentials"
    );
    let direct = sqlx::PgConnection::connect(
        &common::as_login(&owner, &luca).replace(common::PG_PASSWORD, "5555"),
    )
    .await
    .map(|_| ())
    .unwrap_err();
    match direct {
        sqlx::Error::Database(e) => assert_eq!(e.code().as_deref(), Some("28000"), "{e}"),
        other => panic!("{other}"),
    }
    // Reactivated by the admin, he signs in again with the same password.
    banco::services::staff::set_active(&admin_db, &admin_ctx, luca_id, true)
        .await
        .unwrap();
    sign_in::sign_in_server(&server, &luca, pw("5555"))
        .await
        .unwrap()
        .0
        .close()
        .await;
    for db in [g_db, l_db, admin_db] {
        db.close().await;
    }
}

/// The first start's connection set-up on a desk's data folder: the
/// server's settings are checked field by field, a refused sign-in keeps
/// nothing, the right one keeps the settings (never the password) in
/// `connection.json`, and a forgotten password means the sign-in screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_is_pointed_at_a_chain_server_from_its_first_start() {
    use banco::services::desk_connection::{connect_server, reopen, saved, CONNECTION_FILE};
    let (owner, admin_url) = common::fresh_chain().await;
    let admin = url::Url::parse(&admin_url).unwrap();
    let server = ServerSettings {
        host: admin.host_str().unwrap().into(),
        port: admin.port().unwrap(),
        database: admin.path().trim_start_matches('/').into(),
        // A throwaway cluster on loopback speaks no TLS.
        tls: TlsMode::Disable,
        ca_file: None,
        login: format!("  {}  ", admin.username().to_uppercase()),
    };
    let data = tempfile::tempdir().unwrap();
    let pw = |s: &str| Password(s.into());

    // Every broken field at once, and nothing kept.
    let broken = ServerSettings {
        host: "https://db.catena.it".into(),
        port: 0,
        database: String::new(),
        ..server.clone()
    };
    match connect_server(data.path(), broken, pw(""))
        .await
        .unwrap_err()
    {
        banco::Error::Validation(errors) => {
            let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["host", "port", "database", "password"]);
        }
        other => panic!("{other:?}"),
    }
    // A wrong password, and a login the server does not know.
    assert_eq!(
        refusal(
            connect_server(data.path(), server.clone(), pw("cassa-2025"))
                .await
                .unwrap_err()
        ),
        "wrong_credentials"
    );
    let stranger = ServerSettings {
        login: unique_login("nessuno"),
        ..server.clone()
    };
    assert_eq!(
        refusal(
            connect_server(data.path(), stranger, pw(common::PG_PASSWORD))
                .await
                .unwrap_err()
        ),
        "wrong_credentials"
    );
    // A server that is not there says so, and keeps nothing either.
    let nowhere = ServerSettings {
        port: 1,
        ..server.clone()
    };
    assert!(matches!(
        connect_server(data.path(), nowhere, pw(common::PG_PASSWORD))
            .await
            .unwrap_err(),
        banco::Error::Database(_)
    ));
    assert!(saved(data.path()).unwrap().is_none());
    assert!(!data.path().join(CONNECTION_FILE).exists());

    // The right password: signed in as that login, the settings kept.
    let connected = connect_server(data.path(), server.clone(), pw(common::PG_PASSWORD))
        .await
        .unwrap();
    assert_eq!(connected.ctx.user.login.as_deref(), Some(admin.username()));
    assert_eq!(
        connected.url,
        format!(
            "postgres://{}@{}:{}{}?sslmode=disable",
            admin.username(),
            admin.host_str().unwrap(),
            admin.port().unwrap(),
            admin.path()
        )
    );
    let kept = saved(data.path()).unwrap();
    let Some(DeskConnection::Server { server: kept }) = kept else {
        panic!("{kept:?}")
    };
    assert_eq!(kept.login, admin.username(), "kept trimmed and normalized");
    let text = std::fs::read_to_string(data.path().join(CONNECTION_FILE)).unwrap();
    assert!(!text.contains(common::PG_PASSWORD), "{text}");
    // The desk's next session works within the row security like any other.
    let seen = banco::services::staff::list_stores(&connected.db, &connected.ctx)
        .await
        .unwrap();
    assert_eq!(seen.len(), 1);
    connected.db.close().await;
    // Without a password in a keychain the next start shows the sign-in
    // (this test's process has no Secret Service; tests/keychain.rs and
    // the end-to-end test run one).
    if banco::store::keychain::saved_password(&connected.url)
        .ok()
        .flatten()
        .is_none()
    {
        assert!(reopen(&kept).await.unwrap().is_none());
    }
    let _ = owner;
}
