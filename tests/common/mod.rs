//! Test helpers: a fresh, migrated database per test on each backend.
//!
//! SQLite: a new file in a temporary folder. Postgres: a new database in
//! the throwaway cluster that `scripts/test.sh` starts and names in
//! `BANCO_TEST_PG_URL`. Postgres tests never skip: without that variable
//! they fail and say how to get one.
#![allow(dead_code, missing_docs)]

use banco::services::Ctx;
use banco::store::Db;
use uuid::Uuid;

/// Keeps a SQLite test database's folder alive as long as the test.
pub struct TestDb {
    pub db: Db,
    pub ctx: Ctx,
    dir: Option<std::sync::Arc<tempfile::TempDir>>,
    /// Postgres: the schema owner's URL (what `banco admin` uses).
    pub owner_url: Option<String>,
}

impl TestDb {
    /// Where a test writes what only the schema owner may (a second
    /// tenant): the same pool on SQLite, an owner pool on Postgres.
    pub async fn owner_db(&self) -> Db {
        match &self.owner_url {
            Some(url) => Db::connect_owner(url).await.expect("the owner's pool"),
            None => self.db.clone(),
        }
    }

    /// Keeps the SQLite folder alive: a test body may not use every field,
    /// and a closure drops what it does not capture.
    pub fn guard(&self) -> Option<std::sync::Arc<tempfile::TempDir>> {
        self.dir.clone()
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::connect(&banco::store::sqlite_url_in(dir.path()))
        .await
        .expect("open sqlite");
    db.ready().await.expect("migrate sqlite");
    let ctx = Ctx::load(&db, None).await.expect("bootstrap");
    TestDb {
        db,
        ctx,
        dir: Some(std::sync::Arc::new(dir)),
        owner_url: None,
    }
}

pub fn pg_admin_url() -> String {
    std::env::var("BANCO_TEST_PG_URL").unwrap_or_else(|_| {
        panic!(
            "BANCO_TEST_PG_URL is not set: Postgres tests need a server. Run ./scripts/test.sh, \
             which starts a throwaway PostgreSQL 15 on loopback and sets it, or set it to a \
             postgres:// URL of a role that may CREATE DATABASE."
        )
    })
}

/// A URL for a new, empty database in the test cluster.
pub async fn fresh_pg_url() -> String {
    use sqlx::Connection;
    let admin = pg_admin_url();
    let name = format!("banco_t_{}", Uuid::now_v7().simple());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("connect to the test cluster");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    format!("{base}/{name}")
}

/// The password of every login the tests make on the test cluster.
pub const PG_PASSWORD: &str = "cassa-2026";

/// A login no other test of the cluster uses (logins are server roles,
/// shared by every database of the cluster): `prefix_` + 12 hex digits.
pub fn unique_login(prefix: &str) -> String {
    let id = Uuid::now_v7().simple().to_string();
    format!("{prefix}_{}", &id[id.len() - 12..])
}

/// `url` with `login` and [`PG_PASSWORD`] as its user part.
pub fn as_login(url: &str, login: &str) -> String {
    let mut u = url::Url::parse(url).expect("a postgres URL");
    u.set_username(login).expect("a username");
    u.set_password(Some(PG_PASSWORD)).expect("a password");
    u.to_string()
}

/// A new database set up as a chain server (`banco admin init`: tenant
/// "Banco", its store, an admin with a fresh login): the owner's URL and
/// the admin login's URL.
pub async fn fresh_chain() -> (String, String) {
    let url = fresh_pg_url().await;
    let login = unique_login("admin");
    banco::services::admin::init(
        &url,
        "Banco",
        &login,
        "Amministratore",
        banco::model::Password(PG_PASSWORD.into()),
    )
    .await
    .expect("banco admin init");
    let admin = as_login(&url, &login);
    (url, admin)
}

/// Postgres as a chain desk uses it: a fresh chain server, opened as its
/// admin's login, so every query runs within the row security.
pub async fn postgres() -> TestDb {
    let (owner, admin) = fresh_chain().await;
    let db = Db::connect(&admin).await.expect("open postgres");
    db.ready().await.expect("schema ready");
    let ctx = Ctx::load(&db, None).await.expect("the admin's context");
    TestDb {
        db,
        ctx,
        dir: None,
        owner_url: Some(owner),
    }
}

/// Path of a file under `tests/fixtures`.
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Declares a test that runs once on SQLite and once on Postgres:
/// `store_test!(name, |t: TestDb| async move { … });` makes `name::sqlite`
/// and `name::postgres`.
#[macro_export]
macro_rules! store_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $crate::sqlite_case!($body);

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::common::postgres().await;
                ($body)(t).await;
            }
        }
    };
}

/// The `sqlite` test function of [`store_test!`] and [`sqlite_test!`].
#[macro_export]
macro_rules! sqlite_case {
    ($body:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sqlite() {
            let t = $crate::common::sqlite().await;
            let guard = t.guard();
            ($body)(t).await;
            drop(guard);
        }
    };
}

/// Declares a test of the embedded database only (`name::sqlite`): for
/// what a chain server does its own way (its sign-in is the server's, see
/// tests/chain.rs).
#[macro_export]
macro_rules! sqlite_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $crate::sqlite_case!($body);
        }
    };
}

/// A people import of `path` with the preview's mapping, leads from the
/// `import` channel, in the user's store and the tenant's region.
pub fn import_request(
    path: &str,
    preview: &banco::model::ImportPreview,
    duplicates: banco::model::DuplicatePolicy,
) -> banco::model::ImportRequest {
    banco::model::ImportRequest {
        path: path.into(),
        mapping: preview.mapping.clone(),
        duplicates,
        default_source: banco::model::SourceChannel::Import,
        store_id: None,
        phone_region: None,
        custom_columns: Vec::new(),
    }
}

/// Runs a people import with no progress display and no cancel.
pub async fn run_import(
    t: &TestDb,
    request: &banco::model::ImportRequest,
) -> banco::Result<banco::model::ImportReport> {
    let cancel = std::sync::atomic::AtomicBool::new(false);
    banco::services::import::run(&t.db, &t.ctx, request, |_, _| {}, &cancel).await
}

/// A walk-in customer as the counter captures one: names, phone and e-mail
/// as typed, service contact and marketing agreed.
pub fn walk_in(first: &str, last: &str, phone: &str, email: &str) -> banco::model::CaptureLead {
    banco::model::CaptureLead {
        first_name: first.into(),
        last_name: last.into(),
        phone: phone.into(),
        email: email.into(),
        consents: banco::model::ConsentChoices {
            service_contact: true,
            marketing: true,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A new staff member of the acting user's store with `role` (e-mail
/// `first.last@banco.test`), and the context of that member.
pub async fn staff_ctx(t: &TestDb, name: &str, role: banco::model::Role) -> Ctx {
    let user = banco::services::staff::add_user(
        &t.db,
        &t.ctx,
        banco::model::NewUser {
            display_name: name.into(),
            email: format!("{}@banco.test", name.to_lowercase().replace(' ', ".")),
            role,
            store_id: t.ctx.user.store_id,
            ..Default::default()
        },
    )
    .await
    .expect("a new staff member");
    Ctx::load(&t.db, Some(user.id))
        .await
        .expect("their context")
}

/// A policy without quiet hours or caps (tests that are not about them
/// must pass at any hour of the day).
pub async fn open_policy(t: &TestDb) -> banco::model::ContactSettings {
    banco::services::contact_policy::save_settings(
        &t.db,
        &t.ctx,
        &banco::model::ContactSettings {
            time_zone: "UTC".into(),
            quiet_hours: None,
            daily_cap: None,
            lead_sla_hours: Some(24),
            meeting_domain: "meet.jit.si".into(),
            meeting_access: Default::default(),
            do_not_call: vec![],
        },
    )
    .await
    .expect("the open policy is saved")
}

/// A walk-in `first` Ferrara with `phone`, captured at the counter by the
/// test's admin; the person.
pub async fn customer(t: &TestDb, first: &str, phone: &str) -> banco::model::Person {
    banco::services::capture::capture_lead(&t.db, &t.ctx, walk_in(first, "Ferrara", phone, ""))
        .await
        .expect("a walk-in")
        .person
}

/// The Customers list of `filter` for `ctx`, as the service gives it,
/// after checking that walking the names (the way over many customers)
/// gives the same page as grouping every contract (the way over few).
pub async fn customers_both_ways(
    t: &TestDb,
    ctx: &Ctx,
    filter: &banco::model::ContractFilter,
) -> banco::model::Page<banco::model::CustomerListItem> {
    let served = banco::services::contracts::customers(&t.db, ctx, filter)
        .await
        .expect("the Customers list");
    let renewal = filter.renewal_window().expect("a valid month");
    let scope = ctx.record_scope();
    let mut ways = Vec::new();
    for up_to in [0, i64::MAX] {
        let page = async {
            banco::with_conn!(t.db, |c| c
                .list_customers(ctx.tenant_id(), filter, renewal, &scope, up_to)
                .await)
        }
        .await
        .expect("the Customers list, one way");
        ways.push(page);
    }
    assert_eq!(
        ways[0], ways[1],
        "walking and grouping differ for {filter:?}"
    );
    assert_eq!(ways[1], served);
    served
}

pub fn line(product: &str, one_off: i64, monthly: i64) -> banco::model::DealLine {
    banco::model::DealLine {
        id: Uuid::nil(),
        product: product.into(),
        quantity: 1,
        one_off_minor: one_off,
        monthly_minor: monthly,
    }
}

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// A won deal of `ctx` for a new walk-in (`first`, `phone`) with one line,
/// signed `months_ago` months ago; its contract.
pub async fn won(
    t: &TestDb,
    ctx: &Ctx,
    first: &str,
    phone: &str,
    product: &str,
    months_ago: u32,
) -> banco::model::Contract {
    let out =
        banco::services::capture::capture_lead(&t.db, ctx, walk_in(first, "Esposito", phone, ""))
            .await
            .unwrap();
    let pipeline = banco::services::pipelines::list(&t.db, ctx).await.unwrap()[0].clone();
    let deal = banco::services::deals::create(
        &t.db,
        ctx,
        banco::model::NewDeal {
            pipeline_id: Some(pipeline.id),
            person_id: Some(out.person.id),
            lines: vec![line(product, 0, 4_500)],
            contract_months: Some(24),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let start = today()
        .checked_sub_months(chrono::Months::new(months_ago))
        .unwrap();
    banco::services::deals::move_deal(
        &t.db,
        ctx,
        deal.deal.id,
        &banco::model::DealMove::Won {
            contract_start: Some(start),
        },
    )
    .await
    .unwrap()
    .contract
    .unwrap()
}

/// `form` captured by the test's admin, then a deal `title` of one
/// "Fibra" line at `monthly` cents a month for 24 months, won today; the
/// person.
pub async fn wins(
    t: &TestDb,
    form: banco::model::CaptureLead,
    title: &str,
    monthly: i64,
) -> banco::model::Person {
    let person = banco::services::capture::capture_lead(&t.db, &t.ctx, form)
        .await
        .expect("a walk-in")
        .person;
    let pipeline = banco::services::pipelines::list(&t.db, &t.ctx)
        .await
        .unwrap()[0]
        .clone();
    let deal = banco::services::deals::create(
        &t.db,
        &t.ctx,
        banco::model::NewDeal {
            pipeline_id: Some(pipeline.id),
            person_id: Some(person.id),
            title: title.into(),
            lines: vec![line("Fibra", 0, monthly)],
            contract_months: Some(24),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    banco::services::deals::move_deal(
        &t.db,
        &t.ctx,
        deal.deal.id,
        &banco::model::DealMove::Won {
            contract_start: Some(today()),
        },
    )
    .await
    .unwrap();
    person
}
