//! Signing in: the first start claims the database, people sign in with
//! their own password, wrong passwords lock a login for a while, and only
//! the right roles set other people's passwords — on the embedded
//! database, where Banco keeps the password hashes. A chain server's logins
//! are its own roles, checked by the server (tests/chain.rs).
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{sign_in, staff};
use banco::Error;
use common::{staff_ctx, TestDb};

fn pw(s: &str) -> Password {
    Password(s.into())
}

/// Giulia Conti, counter staff of the admin's store, with `login` and the
/// first PIN 4821.
async fn giulia(t: &TestDb, login: &str) -> User {
    staff::add_user(
        &t.db,
        &t.ctx,
        NewUser {
            display_name: "Giulia Conti".into(),
            role: Role::Staff,
            store_id: t.ctx.user.store_id,
            login: login.into(),
            password: pw("4821"),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

fn reason(e: Error) -> &'static str {
    match e {
        Error::SignIn { reason, .. } => reason,
        other => panic!("expected a sign-in refusal, got {other:?}"),
    }
}

fn codes(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Validation(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// Claims the fresh database for its admin with login `admin`.
async fn claimed(t: &TestDb) {
    sign_in::claim(&t.db, "Admin", pw("cassa-2026"))
        .await
        .unwrap();
}

sqlite_test!(
    the_first_start_claims_the_database_once,
    |t: TestDb| async move {
        assert!(sign_in::is_unclaimed(&t.db).await.unwrap());
        // Before the claim nobody can sign in, not even with a guess.
        assert_eq!(
            reason(
                sign_in::sign_in(&t.db, "admin", pw("1234"))
                    .await
                    .unwrap_err()
            ),
            "wrong_credentials"
        );
        let bad = sign_in::claim(&t.db, "9admin", pw("12")).await.unwrap_err();
        assert_eq!(
            codes(bad),
            [
                ("login".into(), "invalid_login".into()),
                ("password".into(), "password_too_short".into())
            ]
        );
        assert!(
            sign_in::is_unclaimed(&t.db).await.unwrap(),
            "nothing written"
        );

        let ctx = sign_in::claim(&t.db, " Admin ", pw("cassa-2026"))
            .await
            .unwrap();
        assert_eq!(ctx.user.id, t.ctx.user.id, "the first admin claims it");
        assert_eq!(ctx.user.login.as_deref(), Some("admin"));
        assert!(ctx.user.has_password);
        assert!(!sign_in::is_unclaimed(&t.db).await.unwrap());
        assert_eq!(
            reason(
                sign_in::claim(&t.db, "other", pw("whatever"))
                    .await
                    .unwrap_err()
            ),
            "not_unclaimed",
            "a second claim would hand the database to whoever comes next"
        );
    }
);

sqlite_test!(
    people_sign_in_with_their_own_password,
    |t: TestDb| async move {
        claimed(&t).await;
        let ctx = sign_in::sign_in(&t.db, "ADMIN", pw("cassa-2026"))
            .await
            .unwrap();
        assert_eq!(ctx.user.id, t.ctx.user.id, "logins ignore case");
        for (login, password) in [
            ("admin", "cassa-2025"),
            ("nobody", "cassa-2026"),
            ("", "cassa-2026"),
            ("é", "cassa-2026"),
        ] {
            assert_eq!(
                reason(
                    sign_in::sign_in(&t.db, login, pw(password))
                        .await
                        .unwrap_err()
                ),
                "wrong_credentials",
                "{login:?}: one answer for every wrong guess"
            );
        }

        // A new colleague with a first PIN signs in; the hash never
        // leaves the store.
        let giulia = giulia(&t, "giulia.conti").await;
        assert!(giulia.has_password);
        let as_giulia = sign_in::sign_in(&t.db, "giulia.conti", pw("4821"))
            .await
            .unwrap();
        assert_eq!(as_giulia.user.id, giulia.id);
        assert_eq!(as_giulia.user.role, Role::Staff);
        let listed =
            serde_json::to_string(&staff::list_users(&t.db, &t.ctx).await.unwrap()).unwrap();
        assert!(!listed.contains("argon2"), "{listed}");
        assert!(!listed.contains("4821"), "{listed}");

        // The same login twice, or half the credentials, is refused whole.
        let twice = staff::add_user(
            &t.db,
            &t.ctx,
            NewUser {
                display_name: "Altra Giulia".into(),
                login: "Giulia.Conti".into(),
                password: pw("9999"),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(codes(twice), [("login".into(), "already_used".into())]);
        let half = staff::add_user(
            &t.db,
            &t.ctx,
            NewUser {
                display_name: "Luca Neri".into(),
                login: "luca".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(codes(half), [("password".into(), "required".into())]);
        assert_eq!(staff::list_users(&t.db, &t.ctx).await.unwrap().len(), 2);

        // Checking someone's password (switching who is at the counter).
        let switched = sign_in::verify_user(&t.db, t.ctx.tenant_id(), giulia.id, pw("4821"))
            .await
            .unwrap();
        assert_eq!(switched.user.id, giulia.id);
        let wrong = sign_in::verify_user(&t.db, t.ctx.tenant_id(), giulia.id, pw("cassa-2026"))
            .await
            .unwrap_err();
        assert_eq!(reason(wrong), "wrong_credentials");
    }
);

sqlite_test!(
    wrong_passwords_lock_the_login_for_a_while,
    |t: TestDb| async move {
        claimed(&t).await;
        for _ in 0..sign_in::LOCK_AFTER {
            let e = sign_in::sign_in(&t.db, "admin", pw("guess"))
                .await
                .unwrap_err();
            assert_eq!(reason(e), "wrong_credentials");
        }
        // Locked: even the right password waits.
        match sign_in::sign_in(&t.db, "admin", pw("cassa-2026")).await {
            Err(Error::SignIn {
                reason: "too_many_attempts",
                retry_after_s,
            }) => assert!(
                (1..=sign_in::FIRST_LOCK_S as u64).contains(&retry_after_s),
                "{retry_after_s}"
            ),
            other => panic!("expected a lock, got {other:?}"),
        }
        // An admin setting a new password lifts the lock.
        let admin = t.ctx.user.id;
        sign_in::set_password(&t.db, &t.ctx, admin, "", pw("nuova-2026"))
            .await
            .unwrap();
        sign_in::sign_in(&t.db, "admin", pw("nuova-2026"))
            .await
            .unwrap();
        assert_eq!(
            reason(
                sign_in::sign_in(&t.db, "admin", pw("cassa-2026"))
                    .await
                    .unwrap_err()
            ),
            "wrong_credentials",
            "the old password is gone"
        );
    }
);

sqlite_test!(
    only_the_right_roles_set_other_peoples_passwords,
    |t: TestDb| async move {
        claimed(&t).await;
        let clerk = staff_ctx(&t, "Anna Ferri", Role::Staff).await;
        let manager = staff_ctx(&t, "Marco Bianchi", Role::StoreManager).await;
        let admin = t.ctx.user.id;

        // Staff set no one's password, not even their own without the
        // current one.
        let e = sign_in::set_password(&t.db, &clerk, clerk.user.id, "anna", pw("1111"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Forbidden {
                    action: "set_password",
                    ..
                }
            ),
            "{e:?}"
        );
        // A store manager sets their staff's, never an admin's.
        sign_in::set_password(&t.db, &manager, clerk.user.id, "anna", pw("1111"))
            .await
            .unwrap();
        let e = sign_in::set_password(&t.db, &manager, admin, "", pw("0000"))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
        // A user without a login needs one named.
        let e = sign_in::set_password(&t.db, &t.ctx, manager.user.id, "", pw("2222"))
            .await
            .unwrap_err();
        assert_eq!(codes(e), [("login".into(), "required".into())]);
        // Another user's login is taken.
        let e = sign_in::set_password(&t.db, &t.ctx, manager.user.id, "anna", pw("2222"))
            .await
            .unwrap_err();
        assert_eq!(codes(e), [("login".into(), "already_used".into())]);

        // Anna changes her own PIN: the current one first.
        let anna = sign_in::sign_in(&t.db, "anna", pw("1111")).await.unwrap();
        let e = sign_in::change_own_password(&t.db, &anna, pw("0000"), pw("7777"))
            .await
            .unwrap_err();
        assert_eq!(reason(e), "wrong_credentials");
        sign_in::change_own_password(&t.db, &anna, pw("1111"), pw("7777"))
            .await
            .unwrap();
        sign_in::sign_in(&t.db, "anna", pw("7777")).await.unwrap();
    }
);

sqlite_test!(an_admin_sets_when_desks_lock, |t: TestDb| async move {
    assert_eq!(t.ctx.tenant.idle_lock_minutes, 10, "the default");
    let clerk = staff_ctx(&t, "Anna Ferri", Role::Staff).await;
    let e = sign_in::set_idle_lock(&t.db, &clerk, 0).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Forbidden {
                action: "edit_settings",
                ..
            }
        ),
        "{e:?}"
    );
    let e = sign_in::set_idle_lock(&t.db, &t.ctx, 481)
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        [("idle_lock_minutes".into(), "out_of_range".into())]
    );
    let tenant = sign_in::set_idle_lock(&t.db, &t.ctx, 3).await.unwrap();
    assert_eq!(tenant.idle_lock_minutes, 3);
    let again = banco::services::Ctx::of(&t.db, t.ctx.tenant_id(), t.ctx.user.id)
        .await
        .unwrap();
    assert_eq!(again.tenant.idle_lock_minutes, 3);
});

sqlite_test!(
    only_managers_make_a_desk_forget_its_server_password,
    |t: TestDb| async move {
        let clerk = staff_ctx(&t, "Anna Ferri", Role::Staff).await;
        let url = "postgres://banco@db.example.it/banco";
        let e = sign_in::forget_this_computer(&clerk, url).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Forbidden {
                    action: "forget_computer",
                    ..
                }
            ),
            "{e:?}"
        );
        // The embedded database has no server password to forget.
        let e = sign_in::forget_this_computer(&t.ctx, "sqlite:/tmp/banco.db").unwrap_err();
        assert_eq!(
            codes(e),
            [("database_url".into(), "not_a_server_login".into())]
        );
    }
);

sqlite_test!(
    a_deactivated_colleague_cannot_sign_in_until_reactivated,
    |t: TestDb| async move {
        let giulia = giulia(&t, "giulia").await;
        let manager = staff_ctx(&t, "Mario Capo", Role::StoreManager).await;
        // Who may: not staff, not on an admin, not on oneself.
        let giulia_ctx = sign_in::sign_in(&t.db, "giulia", pw("4821")).await.unwrap();
        assert!(matches!(
            staff::set_active(&t.db, &giulia_ctx, manager.user.id, false).await,
            Err(Error::Forbidden { .. })
        ));
        assert!(matches!(
            staff::set_active(&t.db, &manager, t.ctx.user.id, false).await,
            Err(Error::Forbidden { .. })
        ));
        assert_eq!(
            codes(
                staff::set_active(&t.db, &t.ctx, t.ctx.user.id, false)
                    .await
                    .unwrap_err()
            ),
            [("user".into(), "not_yourself".into())]
        );
        // Her store manager deactivates her: she cannot sign in, and a
        // desk she was signed in at no longer acts as her.
        let off = staff::set_active(&t.db, &manager, giulia.id, false)
            .await
            .unwrap();
        assert!(!off.active);
        assert_eq!(
            reason(
                sign_in::sign_in(&t.db, "giulia", pw("4821"))
                    .await
                    .unwrap_err()
            ),
            "wrong_credentials"
        );
        assert!(
            banco::services::Ctx::of(&t.db, t.ctx.tenant_id(), giulia.id)
                .await
                .is_err()
        );
        // Reactivated, she signs in again with the same PIN.
        staff::set_active(&t.db, &t.ctx, giulia.id, true)
            .await
            .unwrap();
        sign_in::sign_in(&t.db, "giulia", pw("4821")).await.unwrap();
    }
);
