//! `banco user|store …`, and who the command line acts as: the login
//! signed in with `--sign-in` and its password.

use banco::model::Role;
use banco::services::{staff, Ctx};
use banco::store::Db;
use banco::{Error, Result};
use clap::Subcommand;
use uuid::Uuid;

use crate::{json, output, parse};

/// `banco user …`.
#[derive(Subcommand)]
pub enum UserCommand {
    /// List users.
    List(output::ListArgs),
    /// Add a user.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "staff")]
        role: String,
        #[arg(long, default_value = "")]
        email: String,
        #[arg(long)]
        store: Option<Uuid>,
        /// Sign-in name (then the first password is read from standard input).
        #[arg(long, requires = "password_stdin")]
        login: Option<String>,
        /// Read the new user's first password from the first line of standard input.
        #[arg(long, requires = "login")]
        password_stdin: bool,
    },
    /// Set a user's password (and login): the new password is read from
    /// the first line of standard input.
    Password {
        /// The user's id.
        user: Uuid,
        /// A new login (default: keep the current one).
        #[arg(long, default_value = "")]
        login: String,
        /// Required: read the password from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

/// `banco store …`.
#[derive(Subcommand)]
pub enum StoreCommand {
    /// List stores.
    List(output::ListArgs),
    /// Add a store.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        code: String,
    },
}

/// Opens the database of `url` for the acting user, ready for this build.
///
/// A chain server: with `login`, connects as that login with its password
/// (`$BANCO_PASSWORD`, the OS keychain, or the prompt); without, as the
/// URL's own login. Either way the server checks the password, and the
/// acting user is the Banco user of the connected login. SQLite: see
/// [`signed_in`].
///
/// Returns the password a chain server's `login` signed in with, for
/// keeping an offline verifier.
///
/// Errors: [`Error::SignIn`] (`wrong_credentials`, `not_a_user`,
/// `login_required`); [`Error::SchemaMismatch`]; as [`Db::connect`].
pub async fn open_signed_in(
    url: &str,
    login: Option<&str>,
) -> Result<(Db, Ctx, Option<banco::model::Password>)> {
    use banco::services::sign_in;
    let login = login.filter(|l| !l.trim().is_empty());
    if !banco::store::is_postgres_url(url) {
        let db = Db::connect(url).await?;
        let ctx = async {
            db.ready().await?;
            signed_in(&db, login).await
        }
        .await;
        return match ctx {
            Ok(ctx) => Ok((db, ctx, None)),
            Err(e) => {
                db.close().await;
                Err(e)
            }
        };
    }
    if let Some(login) = login {
        let password = login_password(url, login)?;
        let (db, ctx) = sign_in::sign_in_server(url, login, password.clone()).await?;
        return Ok((db, ctx, Some(password)));
    }
    let (db, ctx) = sign_in::open_server(url).await?;
    Ok((db, ctx, None))
}

/// The password of `login` on the chain server at `url`: `$BANCO_PASSWORD`,
/// else the one kept in the OS keychain, else typed at the prompt.
pub fn login_password(url: &str, login: &str) -> Result<banco::model::Password> {
    match std::env::var("BANCO_PASSWORD") {
        Ok(p) => Ok(banco::model::Password(p)),
        Err(_) => match saved_login_password(url, login)? {
            Some(p) => Ok(p),
            None => prompt(login),
        },
    }
}

/// The password kept in the OS keychain for `login` on `url`'s server.
fn saved_login_password(url: &str, login: &str) -> Result<Option<banco::model::Password>> {
    let Ok(mut u) = url::Url::parse(url) else {
        return Ok(None);
    };
    if u.set_username(login).is_err() {
        return Ok(None);
    }
    banco::store::keychain::saved_password(u.as_str())
}

fn prompt(login: &str) -> Result<banco::model::Password> {
    rpassword::prompt_password(format!("Password for {login}: "))
        .map(banco::model::Password)
        .map_err(|source| Error::Io {
            path: "terminal (or set $BANCO_PASSWORD)".into(),
            source,
        })
}

/// The acting user of a SQLite database: the one `login` names, signed in
/// with the password from `$BANCO_PASSWORD` or the terminal; the first
/// admin while the database is unclaimed and no login is given.
async fn signed_in(db: &Db, login: Option<&str>) -> Result<Ctx> {
    use banco::services::sign_in;
    let Some(login) = login.filter(|l| !l.trim().is_empty()) else {
        if sign_in::is_unclaimed(db).await? {
            return Ctx::load(db, None).await;
        }
        return Err(Error::SignIn {
            reason: "login_required",
            retry_after_s: 0,
        });
    };
    let password = match std::env::var("BANCO_PASSWORD") {
        Ok(p) => banco::model::Password(p),
        Err(_) => prompt(login)?,
    };
    sign_in::sign_in(db, login, password).await
}

/// The first line of standard input, without its line ending: a password
/// given with `--password-stdin`.
pub(crate) fn password_from_stdin() -> Result<banco::model::Password> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|source| Error::Io {
            path: "standard input".into(),
            source,
        })?;
    Ok(banco::model::Password(
        line.trim_end_matches(['\n', '\r']).to_string(),
    ))
}

/// Runs `banco user …` on the connection of `url`, whose password kept in
/// the OS keychain follows a change of the signed-in user's own password.
pub async fn user(db: &Db, ctx: &Ctx, url: &str, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::List(list) => {
            let (rows, total) = list.page_of(staff::list_users(db, ctx).await?);
            output::print_list(
                &list,
                &rows,
                total,
                &[
                    "id",
                    "display_name",
                    "login",
                    "role",
                    "email",
                    "store_id",
                    "active",
                ],
            )
        }
        UserCommand::Add {
            name,
            role,
            email,
            store,
            login,
            password_stdin,
        } => {
            let role: Role = parse(Role::parse(&role, "role"))?;
            let password = if password_stdin {
                password_from_stdin()?
            } else {
                banco::model::Password::default()
            };
            let user = staff::add_user(
                db,
                ctx,
                banco::model::NewUser {
                    display_name: name,
                    email,
                    role,
                    store_id: store.or(ctx.user.store_id),
                    stores: Vec::new(),
                    login: login.unwrap_or_default(),
                    password,
                },
            )
            .await?;
            println!("{}", json(&user)?);
            Ok(())
        }
        UserCommand::Password {
            user,
            login,
            password_stdin: _,
        } => {
            let password = password_from_stdin()?;
            let user =
                banco::services::sign_in::set_password(db, ctx, user, &login, password.clone())
                    .await?;
            // Their own password: the keychain's copy for this server follows.
            if let (true, Some(mine)) = (user.id == ctx.user.id, user.login.as_deref()) {
                banco::services::desk_connection::keep_changed_password(url, mine, &password);
            }
            println!("{}", json(&user)?);
            Ok(())
        }
    }
}

/// Runs `banco store …`.
pub async fn store(db: &Db, ctx: &Ctx, command: StoreCommand) -> Result<()> {
    match command {
        StoreCommand::List(list) => {
            let (rows, total) = list.page_of(staff::list_stores(db, ctx).await?);
            output::print_list(&list, &rows, total, &[])
        }
        StoreCommand::Add { name, code } => {
            println!("{}", json(&staff::add_store(db, ctx, &name, &code).await?)?);
            Ok(())
        }
    }
}

/// `banco connect --password-stdin`: checks that the password read from
/// standard input connects to the server of `url`, then keeps it in the OS
/// keychain for later runs of the command line and the app.
///
/// Errors: [`Error::Validation`] for a URL that is not a server login;
/// the connection's error (nothing is kept); the keychain's.
pub async fn connect(url: &str) -> Result<()> {
    let account = banco::store::keychain::account(url)
        .ok_or_else(|| Error::field("database_url", "not_a_server_login"))?;
    let password = password_from_stdin()?;
    let mut with_password =
        url::Url::parse(url).map_err(|_| Error::field("database_url", "not_a_server_login"))?;
    with_password
        .set_password(Some(password.expose()))
        .map_err(|()| Error::field("database_url", "not_a_server_login"))?;
    let db = Db::connect(with_password.as_str()).await?;
    db.close().await;
    banco::store::keychain::save_password(url, &password)?;
    println!("password for {account} kept in the OS keychain");
    Ok(())
}

/// `banco forget`: deletes the server's password from the OS keychain.
pub fn forget(url: &str) -> Result<()> {
    let account = banco::store::keychain::account(url)
        .ok_or_else(|| Error::field("database_url", "not_a_server_login"))?;
    if banco::store::keychain::forget_password(url)? {
        println!("password for {account} deleted from the OS keychain");
    } else {
        println!("no password for {account} in the OS keychain");
    }
    Ok(())
}
