//! Roles over stores, on SQLite and on Postgres: an area manager manages a set of stores (their home store among them), other roles have one store, and on the embedded database the rebuilt `users` table keeps every foreign key.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{staff, Ctx};
use common::TestDb;

store_test!(
    an_area_manager_manages_a_set_of_stores,
    |t: TestDb| async move {
        let home = t.ctx.user.store_id.unwrap();
        let north = staff::add_store(&t.db, &t.ctx, "Negozio Nord", "N01")
            .await
            .unwrap();
        let added = staff::add_user(
            &t.db,
            &t.ctx,
            NewUser {
                display_name: "Ada Zona".into(),
                role: Role::AreaManager,
                store_id: Some(north.id),
                stores: vec![home, north.id, home],
                ..NewUser::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            added.stores,
            [north.id, home],
            "the home store first, once each"
        );
        let ctx = Ctx::of(&t.db, t.ctx.tenant_id(), added.id).await.unwrap();
        let mut stores = ctx.user.stores.clone();
        stores.sort();
        let mut expected = vec![home, north.id];
        expected.sort();
        assert_eq!(stores, expected);
        assert!(ctx.require_manager("export").is_ok());
        let listed = staff::list_users(&t.db, &t.ctx).await.unwrap();
        let ada = listed.iter().find(|u| u.id == added.id).unwrap();
        assert_eq!(ada.stores.len(), 2);
        assert!(listed
            .iter()
            .filter(|u| u.id != added.id)
            .all(|u| u.stores.is_empty()));
        // Another role's extra stores are ignored; an area without stores is refused.
        let manager = staff::add_user(
            &t.db,
            &t.ctx,
            NewUser {
                display_name: "Bea Negozio".into(),
                role: Role::StoreManager,
                store_id: Some(home),
                stores: vec![north.id],
                ..NewUser::default()
            },
        )
        .await
        .unwrap();
        assert!(manager.stores.is_empty());
        let err = staff::add_user(
            &t.db,
            &t.ctx,
            NewUser {
                display_name: "Senza Zona".into(),
                role: Role::AreaManager,
                ..NewUser::default()
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, banco::Error::Validation(ref e) if e[0].field == "stores"),
            "{err:?}"
        );
        if let banco::store::Pool::Sqlite(pool) = t.db.pool() {
            // The users table was rebuilt for the new role: its foreign
            // keys still hold, and every connection enforces them again.
            for _ in 0..3 {
                let on: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                    .fetch_one(pool)
                    .await
                    .unwrap();
                assert_eq!(on, 1);
            }
            let broken = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(pool)
                .await
                .unwrap();
            assert!(broken.is_empty());
            let orphan = sqlx::query(
                "INSERT INTO user_stores (tenant_id, user_id, store_id) VALUES ($1, $2, $3)",
            )
            .bind(t.ctx.tenant_id())
            .bind(uuid::Uuid::now_v7())
            .bind(home)
            .execute(pool)
            .await;
            assert!(orphan.is_err(), "a store set of nobody is refused");
        }
    }
);
