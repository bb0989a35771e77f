//! `banco person show|edit`: a person's card, and correcting their name,
//! phones, e-mails, codice fiscale and city (issue 15). A refused field
//! exits 2 and names it; nothing is written. `banco gdpr export`: the
//! person's access export (GDPR art. 15).

use std::path::{Path, PathBuf};

use banco::model::{ConsentDecision, ConsentSource, IdentityEdit, PersonDetails, ProfileEdit};
use banco::services::{access_pdf, companies, consents, gdpr, Ctx};
use banco::store::outbox::Outbox;
use banco::store::Db;
use banco::Result;
use uuid::Uuid;

use crate::output::{print_one, OutFormat, ShowArgs};

/// `banco person …`. Parsed once per run, so the size of `Edit` (every
/// option of a person) costs nothing worth a box.
#[derive(clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum PersonCommand {
    /// A person's card: details, companies, leads, deals, consents, notes,
    /// and other people sharing a phone or e-mail.
    Show {
        /// Person id.
        id: Uuid,
        #[command(flatten)]
        show: ShowArgs,
    },
    /// Correct a person: each option given replaces that field ("" clears
    /// it, the names excepted); the rest is kept.
    Edit {
        /// Person id.
        id: Uuid,
        #[command(flatten)]
        identity: IdentityArgs,
        #[command(flatten)]
        profile: ProfileArgs,
        /// Codice fiscale.
        #[arg(long)]
        tax_code: Option<String>,
        #[arg(long)]
        city: Option<String>,
    },
    /// Give or withdraw consents: `--give marketing:sms`, `--withdraw
    /// profiling` (a purpose alone means every channel). Prints the
    /// person's decisions, newest first.
    Consent {
        /// Person id.
        id: Uuid,
        /// `purpose[:channel]` given (service_contact, marketing,
        /// profiling, third_parties; call, sms, email, whatsapp).
        #[arg(long)]
        give: Vec<String>,
        /// `purpose[:channel]` refused or withdrawn.
        #[arg(long)]
        withdraw: Vec<String>,
        /// Where it was asked: store, phone, web_form or import.
        #[arg(long, default_value = "store")]
        source: String,
    },
    /// The person objects to marketing (GDPR art. 21): marketing,
    /// profiling and third parties refused on every channel, their numbers
    /// on the do-not-call list for marketing.
    Object {
        /// Person id.
        id: Uuid,
    },
    /// The person's consent receipt as a PDF.
    Receipt {
        /// Person id.
        id: Uuid,
        /// Write it to this file.
        #[arg(long)]
        out: PathBuf,
        /// it or en.
        #[arg(long, default_value = "it")]
        lang: String,
    },
}

/// A person's names, phones and e-mails as options: the correction
/// ([`IdentityEdit`]) they make.
#[derive(clap::Args)]
pub struct IdentityArgs {
    #[arg(long)]
    first_name: Option<String>,
    #[arg(long)]
    last_name: Option<String>,
    /// Main phone (a national number is read in the tenant's region).
    #[arg(long)]
    phone: Option<String>,
    /// Second phone.
    #[arg(long)]
    phone_2: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    email_2: Option<String>,
}

impl From<IdentityArgs> for IdentityEdit {
    fn from(a: IdentityArgs) -> IdentityEdit {
        IdentityEdit {
            first_name: a.first_name,
            last_name: a.last_name,
            phone: a.phone,
            phone_2: a.phone_2,
            email: a.email,
            email_2: a.email_2,
        }
    }
}

/// A person's address, date of birth and preferences as options: the
/// correction ([`ProfileEdit`]) they make.
#[derive(clap::Args)]
pub struct ProfileArgs {
    /// Street and number.
    #[arg(long)]
    address: Option<String>,
    /// Postal code (CAP).
    #[arg(long)]
    postal_code: Option<String>,
    /// Province (sigla, e.g. NA).
    #[arg(long)]
    province: Option<String>,
    /// Date of birth: YYYY-MM-DD or DD/MM/YYYY.
    #[arg(long)]
    birth_date: Option<String>,
    /// Preferred language, ISO 639-1 (it, en, ro, …).
    #[arg(long)]
    language: Option<String>,
    /// Preferred channel: call, sms, email or whatsapp.
    #[arg(long)]
    channel: Option<String>,
}

impl From<ProfileArgs> for ProfileEdit {
    fn from(a: ProfileArgs) -> ProfileEdit {
        ProfileEdit {
            address: a.address,
            postal_code: a.postal_code,
            province: a.province,
            birth_date: a.birth_date,
            preferred_language: a.language,
            preferred_channel: a.channel,
        }
    }
}

/// Runs `banco person …`.
pub async fn person(db: &Db, ctx: &Ctx, command: PersonCommand) -> Result<()> {
    match command {
        PersonCommand::Show { id, show } => {
            print_one(show.format, &companies::person_card(db, ctx, id).await?)
        }
        PersonCommand::Edit {
            id,
            identity,
            profile,
            tax_code,
            city,
        } => {
            let now = companies::person_card(db, ctx, id).await?.person;
            let details = PersonDetails {
                identity: identity.into(),
                profile: profile.into(),
                tax_code: tax_code.unwrap_or_else(|| now.tax_code.clone().unwrap_or_default()),
                city: city.unwrap_or_else(|| now.city.clone().unwrap_or_default()),
                custom: now.custom.clone(),
                // Saved over exactly what was read, or refused.
                expected_version: Some(now.updated_at),
            };
            let card = companies::update_person_details(db, ctx, id, &details).await?;
            print_one(OutFormat::Json, &card)
        }
        PersonCommand::Consent {
            id,
            give,
            withdraw,
            source,
        } => {
            let source = ConsentSource::parse(&source, "source").map_err(one)?;
            let mut decisions = Vec::new();
            let mut errors = Vec::new();
            for (list, granted) in [(give, true), (withdraw, false)] {
                for text in list {
                    match ConsentDecision::parse(&text, granted) {
                        Ok(d) => decisions.push(d),
                        Err(e) => errors.push(e),
                    }
                }
            }
            if !errors.is_empty() {
                return Err(banco::Error::Validation(errors));
            }
            let history = consents::record(db, ctx, id, &decisions, source).await?;
            print_one(OutFormat::Json, &history)
        }
        PersonCommand::Object { id } => {
            let history = consents::object_to_marketing(db, ctx, id).await?;
            print_one(OutFormat::Json, &history)
        }
        PersonCommand::Receipt { id, out, lang } => {
            let pdf = consents::receipt_pdf(db, ctx, id, &lang).await?;
            std::fs::write(&out, pdf).map_err(|source| banco::Error::Io {
                path: out.display().to_string(),
                source,
            })
        }
    }
}

fn one(e: banco::model::FieldError) -> banco::Error {
    banco::Error::Validation(vec![e])
}

/// `banco gdpr …`.
#[derive(clap::Subcommand)]
pub enum GdprCommand {
    /// Everything held about a person (GDPR art. 15), as JSON; written to
    /// the audit trail. Store managers and admins.
    Export {
        /// Person id.
        person: Uuid,
        /// Write it to this file (standard output when absent).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write it as a readable PDF to this file.
        #[arg(long)]
        pdf: Option<PathBuf>,
        /// The PDF's language: it or en.
        #[arg(long, default_value = "it")]
        lang: String,
        /// Also write the files of their documents into this folder
        /// (created if missing).
        #[arg(long)]
        documents: Option<PathBuf>,
    },
    /// Erases a person's data (GDPR art. 17): their record stays,
    /// anonymised, for the KPIs; notes, documents and identifiers go,
    /// everywhere, also from the shop's backups and this computer's
    /// outbox. Admins. Cannot be undone.
    Erase {
        /// Person id.
        person: Uuid,
        /// Confirms that the data is to be erased for good.
        #[arg(long)]
        yes: bool,
    },
    /// The retention rule: people whose leads were never converted and
    /// who were not touched for N months are erased (admins). Without
    /// `--apply`, shows what it would erase.
    Retention {
        /// Sets the rule first (months; 0 turns it off).
        #[arg(long)]
        months: Option<u32>,
        /// Erases them now (with `--yes`).
        #[arg(long)]
        apply: bool,
        /// Confirms `--apply`.
        #[arg(long)]
        yes: bool,
    },
}

/// Runs `banco gdpr …`; `data_dir` holds this computer's outbox.
pub async fn gdpr(db: &Db, ctx: &Ctx, data_dir: &Path, command: GdprCommand) -> Result<()> {
    match command {
        GdprCommand::Export {
            person,
            out,
            pdf,
            lang,
            documents,
        } => {
            let export = gdpr::access_export(db, ctx, person).await?;
            if let Some(dir) = documents {
                let io = |path: &Path| {
                    let path = path.display().to_string();
                    move |source| banco::Error::Io { path, source }
                };
                std::fs::create_dir_all(&dir).map_err(io(&dir))?;
                for (name, bytes) in gdpr::export_documents(db, ctx, &export).await? {
                    let file = dir.join(name);
                    std::fs::write(&file, bytes).map_err(io(&file))?;
                }
            }
            if let Some(file) = pdf {
                let bytes = access_pdf::access_export_pdf(&export, &lang);
                std::fs::write(&file, bytes).map_err(|source| banco::Error::Io {
                    path: file.display().to_string(),
                    source,
                })?;
            }
            let text = crate::json(&export)?;
            crate::write_out(out.as_ref(), &text)
        }
        GdprCommand::Erase { person, yes } => {
            if !yes {
                return Err(banco::Error::field("yes", "confirmation_required"));
            }
            let outbox = Outbox::open(data_dir).await?;
            let erased = gdpr::erase(db, ctx, person, Some(&outbox)).await;
            outbox.close().await;
            let erased = erased?;
            println!("{}", crate::json(&erased)?);
            for (file, why) in &erased.backups_failed {
                eprintln!("backup non ripulito: {file}: {why}");
            }
            if erased.backups_failed.is_empty() {
                Ok(())
            } else {
                Err(banco::Error::field("backup", "not_cleaned"))
            }
        }
        GdprCommand::Retention { months, apply, yes } => {
            if let Some(m) = months {
                gdpr::set_retention_months(db, ctx, m).await?;
            }
            if !apply {
                let preview = gdpr::retention_preview(db, ctx).await?;
                println!("{}", crate::json(&preview)?);
                return Ok(());
            }
            if !yes {
                return Err(banco::Error::field("yes", "confirmation_required"));
            }
            let outbox = Outbox::open(data_dir).await?;
            let run = gdpr::apply_retention(db, ctx, Some(&outbox)).await;
            outbox.close().await;
            let run = run?;
            println!("{}", crate::json(&run)?);
            if run.backups_failed.is_empty() {
                Ok(())
            } else {
                Err(banco::Error::field("backup", "not_cleaned"))
            }
        }
    }
}
