//! A chain server's Postgres set-up: its roles, who owns the schema, the migrations run as that owner, the row security of `row_security.sql`, and the schema check every desk makes at start.
//!
//! The roles (cluster-wide, made once, shared by every Banco database of
//! the server):
//! - `banco_owner` (no login, `CREATEROLE`): owns every table and function;
//!   only `banco admin …` acts as it (`SET ROLE`, granted to the login that
//!   ran `banco admin init`).
//! - `banco_login` (no login): what every staff login inherits — `USAGE`
//!   on the schema and row privileges on the tables, within the policies;
//!   no ownership, no `CREATE`, no `BYPASSRLS`.
//! - `banco_staff`, `banco_store_manager`, `banco_area_manager`,
//!   `banco_admin` (no login, members of `banco_login`): the group of each
//!   app role; a staff login is a member of the one of its user's role.
//! - one login role per user with a login, named as the login, made by the
//!   `banco_set_login` function (so with a SCRAM verifier computed here:
//!   the server never receives the password in clear).
//!
//! Policies decide rows from `session_user` (see `row_security.sql`).

use std::time::Duration;

use sqlx::postgres::PgConnection;
use sqlx::Connection;

use crate::model::{Password, Role};
use crate::{Error, Result};

/// The role that owns Banco's schema on a chain server.
pub const OWNER_ROLE: &str = "banco_owner";
/// The group every staff login belongs to.
pub const LOGIN_GROUP: &str = "banco_login";
/// What `users.password_hash` holds for a user whose password is their
/// Postgres login's (the hash lives in the server's `pg_authid`, not here).
pub const SERVER_LOGIN_MARKER: &str = "postgres-login";

/// The grants, functions and policies, reapplied whole by every
/// [`apply_owner_schema`].
const ROW_SECURITY: &str = include_str!("row_security.sql");

/// Creates the group roles when missing. Racing runs (several databases
/// of one server set up at once) may collide on the catalog; the caller
/// retries ([`ensure_roles`]).
const ROLES: &str = r#"
DO $$
DECLARE
    r text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'banco_owner') THEN
        CREATE ROLE banco_owner NOLOGIN CREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'banco_login') THEN
        CREATE ROLE banco_login NOLOGIN;
    END IF;
    FOREACH r IN ARRAY ARRAY['banco_staff', 'banco_store_manager', 'banco_area_manager', 'banco_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN IN ROLE banco_login', r);
        END IF;
        -- From PostgreSQL 16, CREATEROLE alone no longer lets banco_owner
        -- put a new login in a group: it needs the group's ADMIN OPTION
        -- (and nothing else of it). Up to 15, CREATEROLE is enough.
        IF pg_catalog.current_setting('server_version_num')::int >= 160000 THEN
            EXECUTE pg_catalog.format(
                'GRANT %I TO banco_owner WITH ADMIN OPTION, INHERIT FALSE, SET FALSE', r);
        END IF;
    END LOOP;
END
$$;
"#;

/// Lets the connected login act as the owner, and closes the database to
/// everyone else: `CONNECT` for staff logins only, no `CREATE` or `TEMP`
/// for anyone but the owner. Existing objects of an older install (made by
/// whoever migrated then) are handed to the owner.
const PREPARE_DATABASE: &str = r#"
DO $$
DECLARE
    obj record;
BEGIN
    IF NOT pg_catalog.pg_has_role(current_user, 'banco_owner', 'MEMBER') THEN
        EXECUTE pg_catalog.format('GRANT banco_owner TO %I', current_user);
    END IF;
    EXECUTE pg_catalog.format('REVOKE ALL ON DATABASE %I FROM PUBLIC', pg_catalog.current_database());
    EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO banco_login', pg_catalog.current_database());
    EXECUTE pg_catalog.format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO banco_owner', pg_catalog.current_database());
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    GRANT USAGE, CREATE ON SCHEMA public TO banco_owner;
    FOR obj IN
        SELECT c.oid::regclass AS rel FROM pg_catalog.pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           AND c.relowner <> 'banco_owner'::regrole
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE %s OWNER TO banco_owner', obj.rel);
    END LOOP;
    FOR obj IN
        SELECT p.oid::regprocedure AS fn FROM pg_catalog.pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> 'banco_owner'::regrole
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s OWNER TO banco_owner', obj.fn);
    END LOOP;
END
$$;
"#;

/// The group role of an app role (`banco_staff`, …).
pub fn group_role(role: Role) -> String {
    format!("banco_{}", role.as_str())
}

/// A SCRAM-SHA-256 verifier of `password` (RFC 7677, Postgres' stored
/// form `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`), made
/// here with a random salt so the password never travels to the server.
pub fn scram_verifier(password: &Password) -> String {
    postgres_protocol::password::scram_sha_256(password.expose().as_bytes())
}

/// Creates the cluster-wide roles when missing, retrying while another
/// set-up of the same server races on the catalog.
///
/// Errors: [`Error::Database`] when the login may not create roles
/// (it needs `CREATEROLE` or to be a superuser).
pub async fn ensure_roles(conn: &mut PgConnection) -> Result<()> {
    let mut attempt = 0;
    loop {
        match sqlx::raw_sql(ROLES).execute(&mut *conn).await {
            Ok(_) => return Ok(()),
            Err(e) if attempt < 20 && racing(&e) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
            }
            Err(e) => return Err(Error::from_db(e)),
        }
    }
}

/// A catalog collision of two set-ups at once (`tuple concurrently
/// updated`, a role created meanwhile): worth another try.
fn racing(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            Some("XX000") | Some("23505") | Some("42710") | Some("40001") | Some("40P01")
        ),
        _ => false,
    }
}

/// Sets up the database the connection is on and brings its schema to
/// this build's: [`ensure_roles`], then the grants of `PREPARE_DATABASE`,
/// then — acting as `banco_owner` — every pending migration and the row
/// security, reapplied whole. Idempotent: `banco admin init` and `banco
/// admin migrate` both end here.
///
/// Errors: [`Error::Database`] when the login is neither a superuser nor
/// the database's owner with `CREATEROLE`; [`Error::Migrate`].
pub async fn apply_owner_schema(conn: &mut PgConnection) -> Result<()> {
    ensure_roles(conn).await?;
    let mut attempt = 0;
    loop {
        match sqlx::raw_sql(PREPARE_DATABASE).execute(&mut *conn).await {
            Ok(_) => break,
            Err(e) if attempt < 20 && racing(&e) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
            }
            Err(e) => return Err(Error::from_db(e)),
        }
    }
    sqlx::raw_sql("SET ROLE banco_owner")
        .execute(&mut *conn)
        .await?;
    let result = async {
        super::POSTGRES_MIGRATIONS.run(&mut *conn).await?;
        let mut tx = conn.begin().await?;
        sqlx::raw_sql(ROW_SECURITY).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok::<_, Error>(())
    }
    .await;
    sqlx::raw_sql("RESET ROLE").execute(&mut *conn).await?;
    result
}

/// The newest migration applied to the database the connection is on;
/// `None` when it has no Banco schema (or the login may not read it).
pub async fn schema_version(conn: &mut PgConnection) -> Result<Option<i64>> {
    let exists: bool =
        sqlx::query_scalar("SELECT to_regclass('public._sqlx_migrations') IS NOT NULL")
            .fetch_one(&mut *conn)
            .await?;
    if !exists {
        return Ok(None);
    }
    match sqlx::query_scalar::<_, Option<i64>>(
        "SELECT MAX(version) FROM public._sqlx_migrations WHERE success",
    )
    .fetch_one(&mut *conn)
    .await
    {
        Ok(v) => Ok(v),
        Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("42501") => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Checks that the server's schema is exactly this build's.
///
/// Errors: [`Error::SchemaMismatch`].
pub async fn check_schema(conn: &mut PgConnection) -> Result<()> {
    let app = super::latest_migration(super::Backend::Postgres);
    match schema_version(conn).await? {
        Some(v) if v == app => Ok(()),
        database => Err(Error::SchemaMismatch { database, app }),
    }
}
