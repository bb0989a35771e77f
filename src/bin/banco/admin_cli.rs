//! `banco admin …`: a chain server's set-up and upkeep, run with the schema owner's credentials (`--database-url postgres://OWNER@HOST/DB`).

use banco::model::{NewUser, Password, Role};
use banco::services::admin;
use banco::store::Db;
use banco::{Error, Result};
use clap::Subcommand;

use crate::{json, parse};

/// `banco admin …`.
#[derive(Subcommand)]
pub enum AdminCommand {
    /// Set up a chain server: the roles, the schema with its row security,
    /// the first tenant, its store and its admin (whose password is read
    /// from standard input with --password-stdin, or typed at the prompt).
    Init {
        /// The first tenant's name.
        #[arg(long)]
        tenant: String,
        /// The first admin's login (also their Postgres login role).
        #[arg(long)]
        admin_login: String,
        /// The first admin's name as shown in lists.
        #[arg(long, default_value = "Amministratore")]
        admin_name: String,
        /// Read the admin's password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Bring the schema to this version of Banco (and reapply the row
    /// security). Desks never migrate a chain server themselves.
    Migrate,
    /// Tenants (chains) sharing this server.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// A tenant's stores.
    Store {
        #[command(subcommand)]
        command: AdminStoreCommand,
    },
    /// A tenant's users, each with a login role on the server.
    User {
        #[command(subcommand)]
        command: AdminUserCommand,
    },
}

/// `banco admin tenant …`.
#[derive(Subcommand)]
pub enum TenantCommand {
    /// Add a tenant (with the default pipelines and lost reasons).
    Add {
        /// Its name.
        name: String,
    },
}

/// `banco admin store …`.
#[derive(Subcommand)]
pub enum AdminStoreCommand {
    /// Add a store to a tenant (its code is the next free S01, S02, …).
    Add {
        /// The tenant's name.
        #[arg(long)]
        tenant: String,
        /// The store's name.
        store: String,
    },
}

/// `banco admin user …`.
#[derive(Subcommand)]
pub enum AdminUserCommand {
    /// Add a user with their login and first password.
    Add {
        /// The tenant's name.
        #[arg(long)]
        tenant: String,
        /// Login (also their Postgres login role).
        #[arg(long)]
        login: String,
        /// Name as shown in lists.
        #[arg(long)]
        name: String,
        /// staff, store_manager, area_manager or admin.
        #[arg(long, default_value = "staff")]
        role: String,
        /// Their store (name or code); an area manager's stores, one
        /// `--store` each (the first is their home store).
        #[arg(long)]
        store: Vec<String>,
        /// E-mail.
        #[arg(long, default_value = "")]
        email: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (creating their login role when missing).
    Password {
        /// The tenant's name.
        #[arg(long)]
        tenant: String,
        /// The user's login.
        #[arg(long)]
        login: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// A password from standard input (`--password-stdin`) or typed at the
/// terminal.
fn password(from_stdin: bool, prompt: &str) -> Result<Password> {
    if from_stdin {
        return crate::staff_cli::password_from_stdin();
    }
    rpassword::prompt_password(prompt)
        .map(Password)
        .map_err(|source| Error::Io {
            path: "terminal (or use --password-stdin)".into(),
            source,
        })
}

/// Runs `banco admin …` on the server of `url`, as its owner.
pub async fn run(url: &str, command: AdminCommand) -> Result<()> {
    match command {
        AdminCommand::Init {
            tenant,
            admin_login,
            admin_name,
            password_stdin,
        } => {
            let password = password(password_stdin, &format!("Password for {admin_login}: "))?;
            let done = admin::init(url, &tenant, &admin_login, &admin_name, password).await?;
            println!(
                "chain server ready: tenant {} ({}), store {} ({}), admin {} (login {})",
                done.tenant.name,
                done.tenant.id,
                done.store.name,
                done.store.code,
                done.admin.display_name,
                done.admin.login.as_deref().unwrap_or_default()
            );
            Ok(())
        }
        AdminCommand::Migrate => {
            admin::migrate(url).await?;
            println!(
                "schema at version {} with its row security",
                banco::store::latest_migration(banco::store::Backend::Postgres)
            );
            Ok(())
        }
        AdminCommand::Tenant {
            command: TenantCommand::Add { name },
        } => {
            with_owner(url, |db| async move {
                println!("{}", json(&admin::add_tenant(&db, &name).await?)?);
                Ok(())
            })
            .await
        }
        AdminCommand::Store {
            command: AdminStoreCommand::Add { tenant, store },
        } => {
            with_owner(url, |db| async move {
                println!("{}", json(&admin::add_store(&db, &tenant, &store).await?)?);
                Ok(())
            })
            .await
        }
        AdminCommand::User {
            command:
                AdminUserCommand::Password {
                    tenant,
                    login,
                    password_stdin,
                },
        } => user_password(url, tenant, login, password_stdin).await,
        AdminCommand::User {
            command:
                AdminUserCommand::Add {
                    tenant,
                    login,
                    name,
                    role,
                    store,
                    email,
                    password_stdin,
                },
        } => {
            let role: Role = parse(Role::parse(&role, "role"))?;
            if store.len() > 1 && role != Role::AreaManager {
                return Err(Error::Validation(vec![banco::model::FieldError::new(
                    "store",
                    "one_store_only",
                )]));
            }
            let password = password(password_stdin, &format!("Password for {login}: "))?;
            with_owner(url, |db| async move {
                let t = admin::tenant_named(&db, &tenant).await?;
                let mut stores = Vec::new();
                for s in &store {
                    stores.push(admin::store_named(&db, &t, s).await?.id);
                }
                let store_id = stores.first().copied();
                let user = admin::add_user(
                    &db,
                    &tenant,
                    NewUser {
                        display_name: name,
                        email,
                        role,
                        store_id,
                        stores,
                        login,
                        password,
                    },
                )
                .await?;
                println!("{}", json(&user)?);
                Ok(())
            })
            .await
        }
    }
}

/// Runs `banco admin user password …`.
async fn user_password(url: &str, tenant: String, login: String, from_stdin: bool) -> Result<()> {
    let password = password(from_stdin, &format!("Password for {login}: "))?;
    with_owner(url, |db| async move {
        let user = admin::set_password(&db, &tenant, &login, password).await?;
        println!("{}", json(&user)?);
        Ok(())
    })
    .await
}

/// Runs `f` on an owner pool of `url`'s server, and closes it.
async fn with_owner<F, Fut>(url: &str, f: F) -> Result<()>
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let db = Db::connect_owner(url).await?;
    let result = f(db.clone()).await;
    db.close().await;
    result
}
