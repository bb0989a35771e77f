//! The one place where Banco's SQL meets a database driver.
//!
//! Every query of the store is written once, as text with `$1`, `$2`, …
//! placeholders (both SQLite and Postgres read them), and built with the
//! functions here: [`query`], [`query_as`], [`query_scalar`] or a
//! [`QueryBuilder`] for SQL that depends on a filter. Values are collected
//! as [`Arg`]s; only when the query runs on a [`Conn`] are they bound to the
//! backend's own argument buffer (`SqliteArguments` or `PgArguments`). So the
//! store and the services above it are compiled once, not once per backend,
//! and no SQL lives inside a macro.
//!
//! Why not `sqlx::Any`: it cannot bind or decode `Uuid` and `DateTime<Utc>`,
//! which every table uses. Why not `sea-query`: the SQL would become builder
//! calls; here a reader sees the SQL as it runs (see `ARCHITECTURE.md`).

use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, Decode, FromRow, PgConnection, Postgres, Sqlite, SqliteConnection, Type};
use uuid::Uuid;

use super::Backend;
use crate::model::RecordScope;
use crate::{Error, Result};

/// One bound value, kept until the query runs. `None` binds SQL `NULL`
/// typed as the variant's column type.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `BOOLEAN` (an integer 0/1 on SQLite).
    Bool(Option<bool>),
    /// `SMALLINT`.
    I16(Option<i16>),
    /// `INTEGER`.
    I32(Option<i32>),
    /// `BIGINT` (money in minor units, counts).
    I64(Option<i64>),
    /// `DOUBLE PRECISION` / `REAL`.
    F64(Option<f64>),
    /// `TEXT` (also JSON written as text).
    Text(Option<String>),
    /// `UUID` (a 16-byte blob on SQLite).
    Uuid(Option<Uuid>),
    /// `TIMESTAMPTZ`, always UTC.
    Time(Option<DateTime<Utc>>),
    /// `DATE`.
    Date(Option<NaiveDate>),
    /// `BYTEA` / `BLOB`.
    Bytes(Option<Vec<u8>>),
}

/// A Rust value that can be bound to a query (see [`Arg`]).
pub trait IntoArg {
    /// The value as an [`Arg`].
    fn into_arg(self) -> Arg;
}

macro_rules! into_arg {
    ($variant:ident: $($t:ty => $conv:expr),+ $(,)?) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Arg {
                #[allow(clippy::redundant_closure_call)]
                Arg::$variant(Some(($conv)(self)))
            }
        }
        impl IntoArg for Option<$t> {
            fn into_arg(self) -> Arg {
                #[allow(clippy::redundant_closure_call)]
                Arg::$variant(self.map($conv))
            }
        }
    )+};
}

into_arg!(Bool: bool => |v| v);
into_arg!(I16: i16 => |v| v);
into_arg!(I32: i32 => |v| v);
into_arg!(I64: i64 => |v| v);
into_arg!(F64: f64 => |v| v);
into_arg!(Text: String => |v| v, &str => str::to_string, &String => String::clone);
into_arg!(Uuid: Uuid => |v| v, &Uuid => |v: &Uuid| *v);
into_arg!(Time: DateTime<Utc> => |v| v, &DateTime<Utc> => |v: &DateTime<Utc>| *v);
into_arg!(Date: NaiveDate => |v| v, &NaiveDate => |v: &NaiveDate| *v);
into_arg!(Bytes: Vec<u8> => |v| v, &[u8] => <[u8]>::to_vec, &Vec<u8> => Vec::clone);

impl IntoArg for &Option<String> {
    fn into_arg(self) -> Arg {
        Arg::Text(self.clone())
    }
}

impl IntoArg for &Option<Uuid> {
    fn into_arg(self) -> Arg {
        Arg::Uuid(*self)
    }
}

/// A connection (pooled or inside a transaction) of either backend: what
/// every store method runs on. Get one with [`with_conn!`](crate::with_conn)
/// or [`with_tx!`](crate::with_tx).
pub enum Conn<'a> {
    /// A SQLite connection.
    Sqlite(&'a mut SqliteConnection),
    /// A Postgres connection.
    Postgres(&'a mut PgConnection),
}

impl Conn<'_> {
    /// Which backend this connection belongs to.
    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }
}

/// What a row type needs to be read from both backends: `sqlx::FromRow` for
/// SQLite and Postgres rows (derive it, or use a tuple).
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// What a single-column result needs: decodable on both backends.
pub trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// Marker: a statement whose rows are not read ([`query`]).
pub struct Exec;
/// Marker: rows read as `R` ([`query_as`]).
pub struct As<R>(PhantomData<fn() -> R>);
/// Marker: the first column read as `T` ([`query_scalar`]).
pub struct One<T>(PhantomData<fn() -> T>);

/// A statement and its values, not yet run; `K` says how its rows are read.
#[must_use = "a query does nothing until it runs on a connection"]
pub struct Query<K> {
    sql: String,
    /// The same statement with `?` for each placeholder, for SQLite, when
    /// a [`QueryBuilder`] made it (see [`QueryBuilder::take`]).
    sqlite_sql: Option<String>,
    args: Vec<Arg>,
    kind: PhantomData<K>,
}

/// A statement whose result is only its count of changed rows.
pub fn query(sql: impl Into<String>) -> Query<Exec> {
    Query::new(sql.into())
}

/// A statement whose rows are read as `R` (a `#[derive(sqlx::FromRow)]`
/// struct or a tuple).
pub fn query_as<R: Row>(sql: impl Into<String>) -> Query<As<R>> {
    Query::new(sql.into())
}

/// A statement whose rows are read as their first column, `T`.
pub fn query_scalar<T: Scalar>(sql: impl Into<String>) -> Query<One<T>> {
    Query::new(sql.into())
}

/// What an `INSERT`, `UPDATE` or `DELETE` did.
#[derive(Debug, Clone, Copy)]
pub struct Done {
    rows: u64,
}

impl Done {
    /// How many rows the statement changed.
    pub fn rows_affected(&self) -> u64 {
        self.rows
    }
}

impl<K> Query<K> {
    fn new(sql: String) -> Self {
        Query {
            sql,
            sqlite_sql: None,
            args: Vec::new(),
            kind: PhantomData,
        }
    }

    /// The statement's text as SQLite runs it.
    fn sqlite_text(&self) -> &str {
        self.sqlite_sql.as_deref().unwrap_or(&self.sql)
    }

    /// Binds the next `$n` placeholder.
    pub fn bind(mut self, value: impl IntoArg) -> Self {
        self.args.push(value.into_arg());
        self
    }

    fn sqlite_args(&self) -> Result<SqliteArguments<'static>> {
        self.args_for(SqliteArguments::default())
    }

    fn pg_args(&self) -> Result<PgArguments> {
        self.args_for(PgArguments::default())
    }

    /// The values bound, in order, into one backend's argument buffer.
    fn args_for<'q, A>(&self, mut out: A) -> Result<A>
    where
        A: Arguments<'q>,
        Option<bool>: sqlx::Encode<'q, A::Database> + Type<A::Database>,
        Option<i16>: sqlx::Encode<'q, A::Database> + Type<A::Database>,
        Option<i32>: sqlx::Encode<'q, A::Database> + Type<A::Database>,
        Option<i64>: sqlx::Encode<'q, A::Database> + Type<A::Database>,
        Option<f64>: sqlx::Encode<'q, A::Database> + Type<A::Database>,
        Option<String>: sqlx::Encode<'q, A::Database> + Type<A::Database>,
        Option<Uuid>: sqlx::Encode<'q, A::Database> + Type<A::Database>,
        Option<DateTime<Utc>>: sqlx::Encode<'q, A::Database> + Type<A::Database>,
        Option<NaiveDate>: sqlx::Encode<'q, A::Database> + Type<A::Database>,
        Option<Vec<u8>>: sqlx::Encode<'q, A::Database> + Type<A::Database>,
    {
        for arg in &self.args {
            let added = match arg.clone() {
                Arg::Bool(v) => out.add(v),
                Arg::I16(v) => out.add(v),
                Arg::I32(v) => out.add(v),
                Arg::I64(v) => out.add(v),
                Arg::F64(v) => out.add(v),
                Arg::Text(v) => out.add(v),
                Arg::Uuid(v) => out.add(v),
                Arg::Time(v) => out.add(v),
                Arg::Date(v) => out.add(v),
                Arg::Bytes(v) => out.add(v),
            };
            added.map_err(|e| Error::Database(sqlx::Error::Encode(e)))?;
        }
        Ok(out)
    }
}

/// Runs `$q` (a [`Query`]) on `$c` with sqlx's `$make` (`query_as_with` or
/// `query_scalar_with`) and its `$fetch` method, on whichever backend.
macro_rules! run {
    ($q:ident, $c:ident, $make:ident, $fetch:ident) => {
        Ok(match $c {
            Conn::Sqlite(c) => {
                sqlx::$make($q.sqlite_text(), $q.sqlite_args()?)
                    .$fetch(&mut **c)
                    .await?
            }
            Conn::Postgres(c) => sqlx::$make(&$q.sql, $q.pg_args()?).$fetch(&mut **c).await?,
        })
    };
}

impl Query<Exec> {
    /// Runs the statement. Errors: [`Error::Database`] (a unique-key
    /// violation becomes [`Error::Duplicate`]).
    pub async fn execute(self, c: &mut Conn<'_>) -> Result<Done> {
        let rows = match c {
            Conn::Sqlite(c) => sqlx::query_with(self.sqlite_text(), self.sqlite_args()?)
                .execute(&mut **c)
                .await
                .map_err(Error::from_db)?
                .rows_affected(),
            Conn::Postgres(c) => sqlx::query_with(&self.sql, self.pg_args()?)
                .execute(&mut **c)
                .await
                .map_err(Error::from_db)?
                .rows_affected(),
        };
        Ok(Done { rows })
    }
}

impl<R: Row> Query<As<R>> {
    /// Every row.
    pub async fn fetch_all(self, c: &mut Conn<'_>) -> Result<Vec<R>> {
        run!(self, c, query_as_with, fetch_all)
    }

    /// The first row, if any.
    pub async fn fetch_optional(self, c: &mut Conn<'_>) -> Result<Option<R>> {
        run!(self, c, query_as_with, fetch_optional)
    }

    /// The first row. Errors: `sqlx::Error::RowNotFound` if there is none.
    pub async fn fetch_one(self, c: &mut Conn<'_>) -> Result<R> {
        run!(self, c, query_as_with, fetch_one)
    }
}

impl<T: Scalar> Query<One<T>> {
    /// The first column of every row.
    pub async fn fetch_all(self, c: &mut Conn<'_>) -> Result<Vec<T>> {
        run!(self, c, query_scalar_with, fetch_all)
    }

    /// The first column of the first row, if any.
    pub async fn fetch_optional(self, c: &mut Conn<'_>) -> Result<Option<T>> {
        run!(self, c, query_scalar_with, fetch_optional)
    }

    /// The first column of the first row. Errors: `sqlx::Error::RowNotFound`.
    pub async fn fetch_one(self, c: &mut Conn<'_>) -> Result<T> {
        run!(self, c, query_scalar_with, fetch_one)
    }
}

/// SQL assembled piece by piece (filters, `IN` lists, multi-row inserts);
/// each [`push_bind`](QueryBuilder::push_bind) adds the next `$n`.
pub struct QueryBuilder {
    sql: String,
    args: Vec<Arg>,
    /// Where each bound placeholder sits in `sql` (byte offset, length).
    marks: Vec<(usize, usize)>,
}

impl QueryBuilder {
    /// Starts with `init`.
    pub fn new(init: impl Into<String>) -> Self {
        QueryBuilder {
            sql: init.into(),
            args: Vec::new(),
            marks: Vec::new(),
        }
    }

    /// Appends SQL text as is (never a user's value: bind those).
    pub fn push(&mut self, sql: impl std::fmt::Display) -> &mut Self {
        use std::fmt::Write;
        let _ = write!(self.sql, "{sql}");
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn push_bind(&mut self, value: impl IntoArg) -> &mut Self {
        self.args.push(value.into_arg());
        let n = self.args.len();
        let at = self.sql.len();
        self.push(format_args!("${n}"));
        self.marks.push((at, self.sql.len() - at));
        self
    }

    /// Appends ` AND (…)` limiting the rows of `alias` (a `leads` or
    /// `deals` table) to `scope` ([`RecordScope`]: the store rule of
    /// issue 12), on the embedded database only: on a chain server the
    /// row policies apply the same rule, and a second copy would only slow
    /// the plans they were measured with. Nothing for
    /// [`RecordScope::Tenant`].
    pub fn push_scope(&mut self, alias: &str, scope: &RecordScope, backend: Backend) -> &mut Self {
        let RecordScope::Limited { user, stores } = scope else {
            return self;
        };
        if backend == Backend::Postgres {
            return self;
        }
        self.push(format_args!(
            " AND ({alias}.store_id IS NULL OR {alias}.owner_id = "
        ))
        .push_bind(*user);
        if !stores.is_empty() {
            self.push(format_args!(" OR {alias}.store_id IN ("));
            let mut sep = self.separated(", ");
            for s in stores {
                sep.push_bind(*s);
            }
            self.push(")");
        }
        self.push(")")
    }

    /// A helper that puts `separator` between the pieces pushed through it.
    pub fn separated(&mut self, separator: &'static str) -> Separated<'_> {
        Separated {
            builder: self,
            separator,
            first: true,
        }
    }

    /// `VALUES (…), (…)`: one parenthesised tuple per item, `bind` pushing
    /// its values through a [`Separated`] with `", "`.
    pub fn push_values<I, F>(&mut self, items: I, mut bind: F) -> &mut Self
    where
        I: IntoIterator,
        F: FnMut(Separated<'_>, I::Item),
    {
        self.push("VALUES ");
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push("(");
            bind(self.separated(", "), item);
            self.push(")");
        }
        self
    }

    /// The SQL so far.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The statement, to run with [`Query::execute`].
    pub fn build(&mut self) -> Query<Exec> {
        self.take()
    }

    /// The query, its rows read as `R`.
    pub fn build_query_as<R: Row>(&mut self) -> Query<As<R>> {
        self.take()
    }

    /// The query, its rows read as their first column `T`.
    pub fn build_query_scalar<T: Scalar>(&mut self) -> Query<One<T>> {
        self.take()
    }

    /// The query, with its SQLite text: each bound placeholder written
    /// `?` instead of `$n`. SQLite finds a named parameter by a linear scan
    /// of the statement's names, and sqlx asks for every parameter's name
    /// when it binds, so a statement of n `$n` placeholders costs O(n²)
    /// to bind (a 500-row insert of 19 columns: most of an import's time,
    /// `BENCHMARKS.md`); `?` placeholders have no name and bind in order.
    /// Only when every placeholder of the text is one of the builder's
    /// (none written by hand), which keeps the order of the values.
    fn take<K>(&mut self) -> Query<K> {
        let sql = std::mem::take(&mut self.sql);
        let marks = std::mem::take(&mut self.marks);
        let placeholders = sql
            .as_bytes()
            .windows(2)
            .filter(|w| w[0] == b'$' && w[1].is_ascii_digit())
            .count();
        let sqlite_sql = (!marks.is_empty() && placeholders == marks.len()).then(|| {
            let mut out = String::with_capacity(sql.len());
            let mut from = 0;
            for (at, len) in &marks {
                out.push_str(&sql[from..*at]);
                out.push('?');
                from = at + len;
            }
            out.push_str(&sql[from..]);
            out
        });
        Query {
            sql,
            sqlite_sql,
            args: std::mem::take(&mut self.args),
            kind: PhantomData,
        }
    }
}

/// Pushes through a [`QueryBuilder`] with a separator between pieces.
pub struct Separated<'b> {
    builder: &'b mut QueryBuilder,
    separator: &'static str,
    first: bool,
}

impl Separated<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.builder.push(self.separator);
        }
        self.first = false;
    }

    /// Appends SQL text, after the separator if something came before.
    pub fn push(&mut self, sql: impl std::fmt::Display) -> &mut Self {
        self.sep();
        self.builder.push(sql);
        self
    }

    /// Appends a placeholder bound to `value`, after the separator.
    pub fn push_bind(&mut self, value: impl IntoArg) -> &mut Self {
        self.sep();
        self.builder.push_bind(value);
        self
    }

    /// Appends SQL text without a separator.
    pub fn push_unseparated(&mut self, sql: impl std::fmt::Display) -> &mut Self {
        self.builder.push(sql);
        self
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A JSON column (stored as text) read back as `T`. Errors:
/// [`Error::Integrity`] naming the column when the text is not valid JSON
/// of that shape: a damaged value is reported, never read as empty.
pub(crate) fn json_column<T: serde::de::DeserializeOwned>(text: &str, column: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        Error::Integrity(format!(
            "column {column} holds JSON that cannot be read: {e}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_json_column_is_an_error_not_an_empty_value() {
        let ok: Vec<String> = json_column(r#"["a"]"#, "t.tags").unwrap();
        assert_eq!(ok, vec!["a".to_string()]);
        let err = json_column::<Vec<String>>("[\"a\"", "companies.tags").unwrap_err();
        assert!(
            matches!(&err, Error::Integrity(m) if m.contains("companies.tags")),
            "{err}"
        );
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }

    #[test]
    fn builder_numbers_placeholders_and_separates() {
        let mut qb = QueryBuilder::new("SELECT 1 WHERE a = ");
        qb.push_bind(1_i64).push(" AND b IN (");
        let mut sep = qb.separated(", ");
        sep.push_bind("x").push_bind("y");
        qb.push(")");
        assert_eq!(qb.sql(), "SELECT 1 WHERE a = $1 AND b IN ($2, $3)");
        let q = qb.build();
        assert_eq!(
            q.args,
            vec![
                Arg::I64(Some(1)),
                Arg::Text(Some("x".into())),
                Arg::Text(Some("y".into()))
            ]
        );
    }

    #[test]
    fn push_values_writes_one_tuple_per_item() {
        let mut qb = QueryBuilder::new("INSERT INTO t (a, b) ");
        qb.push_values([(1_i64, "a"), (2, "b")], |mut row, (n, s)| {
            row.push_bind(n).push_bind(s);
        });
        assert_eq!(qb.sql(), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        let q = qb.build();
        assert_eq!(q.sql, "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(
            q.sqlite_text(),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
    }

    #[test]
    fn sqlite_keeps_numbered_placeholders_when_one_was_written_by_hand() {
        let mut qb = QueryBuilder::new("SELECT 1 WHERE a = ");
        qb.push_bind(1_i64)
            .push(" OR b = $1 AND c = ")
            .push_bind("x");
        let q = qb.build();
        assert_eq!(
            q.sqlite_text(),
            "SELECT 1 WHERE a = $1 OR b = $1 AND c = $2"
        );
        assert_eq!(query("SELECT $1").sqlite_text(), "SELECT $1");
    }
}
