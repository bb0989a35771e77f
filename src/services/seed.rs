//! Realistic synthetic Italian data for demos and benchmarks.
//!
//! People get common Italian first and last names (ISTAT frequency lists),
//! valid Italian mobile numbers (`+39 3xx`, ten digits, the prefixes of the
//! Italian mobile operators), e-mails at common Italian providers; leads are
//! spread over the last 365 days, the tenant's stores, the source channels
//! (mostly walk-in) and interests, in every status.

use chrono::Duration;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::capture::event;
use super::{now, Ctx};
use crate::model::{
    search_key, Interest, Lead, LeadEventKind, LeadStatus, Person, Shop, SourceChannel,
};
use crate::store::{Db, Repo};
use crate::{with_conn, with_tx, Result};

const FIRST_NAMES: &[&str] = &[
    "Giuseppe",
    "Giovanni",
    "Antonio",
    "Mario",
    "Luigi",
    "Francesco",
    "Angelo",
    "Vincenzo",
    "Pietro",
    "Salvatore",
    "Carlo",
    "Franco",
    "Domenico",
    "Bruno",
    "Paolo",
    "Michele",
    "Giorgio",
    "Aldo",
    "Sergio",
    "Luciano",
    "Marco",
    "Alessandro",
    "Andrea",
    "Luca",
    "Matteo",
    "Lorenzo",
    "Davide",
    "Simone",
    "Federico",
    "Nicolò",
    "Maria",
    "Anna",
    "Giuseppina",
    "Rosa",
    "Angela",
    "Giovanna",
    "Teresa",
    "Lucia",
    "Carmela",
    "Caterina",
    "Francesca",
    "Chiara",
    "Sara",
    "Giulia",
    "Martina",
    "Alessia",
    "Elisa",
    "Federica",
    "Valentina",
    "Sofia",
];
const LAST_NAMES: &[&str] = &[
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Conte",
    "Ferraro",
    "Ferri",
    "Fabbri",
    "Bianco",
    "Marini",
    "Grasso",
    "Valentini",
];
const MOBILE_PREFIXES: &[&str] = &[
    "320", "324", "328", "329", "330", "333", "335", "338", "339", "340", "345", "347", "348",
    "349", "351", "366", "388", "392",
];
const MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "libero.it",
    "hotmail.it",
    "yahoo.it",
    "virgilio.it",
    "alice.it",
    "outlook.it",
    "tiscali.it",
];
const STORES: &[(&str, &str)] = &[
    ("Milano Centro", "MI01"),
    ("Roma Tuscolana", "RM01"),
    ("Napoli Vomero", "NA01"),
];

/// Statistics of a seeding run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SeedSummary {
    /// People created.
    pub people: u64,
    /// Leads created.
    pub leads: u64,
}

/// Adds `leads` synthetic leads (about one person in eight gets two leads),
/// creating three demo stores if the tenant has only one. Deterministic for
/// a given `seed`. Runs in transactions of 5,000 leads; `progress(done,
/// total)` follows them.
pub async fn seed(
    db: &Db,
    ctx: &Ctx,
    leads: u64,
    seed: u64,
    mut progress: impl FnMut(u64, u64) + Send,
) -> Result<SeedSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let tenant = ctx.tenant_id();
    let mut stores = with_conn!(db, |c| c.list_stores(tenant).await)?;
    if stores.len() < 2 {
        let at = now();
        let existing: Vec<String> = stores.iter().map(|s| s.code.clone()).collect();
        let new: Vec<Shop> = STORES
            .iter()
            .filter(|(_, code)| !existing.iter().any(|e| e == code))
            .map(|(name, code)| Shop {
                id: Uuid::now_v7(),
                name: (*name).into(),
                code: (*code).into(),
            })
            .collect();
        with_tx!(db, |c| {
            for s in &new {
                c.insert_store(tenant, s, at).await?;
            }
            Ok::<_, crate::Error>(())
        })?;
        stores.extend(new);
    }
    let mut summary = SeedSummary {
        people: 0,
        leads: 0,
    };
    let mut last_person: Option<Uuid> = None;
    let batch = 5_000u64;
    while summary.leads < leads {
        let n = batch.min(leads - summary.leads);
        let rows: Vec<(Option<Person>, Lead)> = (0..n)
            .map(|_| {
                let reuse = last_person.filter(|_| rng.gen_ratio(1, 8));
                let person = if reuse.is_some() {
                    None
                } else {
                    Some(fake_person(&mut rng))
                };
                let person_id =
                    reuse.unwrap_or_else(|| person.as_ref().map(|p| p.id).unwrap_or_default());
                last_person = Some(person_id);
                let lead = fake_lead(&mut rng, ctx, person_id, &stores);
                (person, lead)
            })
            .collect();
        with_tx!(db, |c| {
            for (person, lead) in &rows {
                if let Some(p) = person {
                    c.insert_person(tenant, p).await?;
                }
                c.insert_lead(lead).await?;
                let mut e = event(lead.id, LeadEventKind::Created, ctx, lead.created_at);
                e.detail = Some("seed".into());
                c.insert_event(tenant, &e).await?;
            }
            Ok::<_, crate::Error>(())
        })?;
        summary.people += rows.iter().filter(|(p, _)| p.is_some()).count() as u64;
        summary.leads += n;
        progress(summary.leads, leads);
    }
    with_conn!(db, |c| c.analyze().await)?;
    Ok(summary)
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn fake_person(rng: &mut StdRng) -> Person {
    let first = pick(rng, FIRST_NAMES).to_string();
    let last = pick(rng, LAST_NAMES).to_string();
    let phone = format!(
        "+39{}{:07}",
        pick(rng, MOBILE_PREFIXES),
        rng.gen_range(0..10_000_000u32)
    );
    let email = rng.gen_ratio(7, 10).then(|| {
        let local = search_key(&format!("{first}.{last}")).replace([' ', '\''], "");
        format!(
            "{local}{}@{}",
            rng.gen_range(1..1000),
            pick(rng, MAIL_DOMAINS)
        )
    });
    let at = now() - Duration::days(rng.gen_range(0..365));
    Person::new(Uuid::now_v7(), first, last, Some(phone), email, at)
}

fn fake_lead(rng: &mut StdRng, ctx: &Ctx, person_id: Uuid, stores: &[Shop]) -> Lead {
    let at = now() - Duration::minutes(rng.gen_range(0..365 * 24 * 60));
    let source = match rng.gen_range(0..100) {
        0..=59 => SourceChannel::StoreWalkin,
        60..=69 => SourceChannel::QrCode,
        70..=79 => SourceChannel::InboundCall,
        80..=89 => SourceChannel::Referral,
        _ => *pick(rng, SourceChannel::ALL),
    };
    let status = match rng.gen_range(0..100) {
        0..=39 => LeadStatus::New,
        40..=64 => LeadStatus::InProgress,
        65..=79 => LeadStatus::Qualified,
        80..=89 => LeadStatus::Converted,
        _ => LeadStatus::Disqualified,
    };
    Lead {
        id: Uuid::now_v7(),
        tenant_id: ctx.tenant_id(),
        person_id,
        store_id: Some(pick(rng, stores).id),
        owner_id: Some(ctx.user.id),
        status,
        disqualify_reason: (status == LeadStatus::Disqualified)
            .then(|| "Non interessato".to_string()),
        source_channel: source,
        interest: *pick(rng, Interest::ALL),
        campaign_id: None,
        utm_source: None,
        utm_medium: None,
        utm_campaign: None,
        utm_term: None,
        utm_content: None,
        note: None,
        created_at: at,
        updated_at: at,
        created_by: Some(ctx.user.id),
    }
}
