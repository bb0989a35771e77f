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

use super::history::event;
use super::{now, Ctx};
use crate::model::{
    search_key, Interest, Lead, LeadEventKind, LeadStatus, Person, Shop, SourceChannel,
};
use crate::store::Db;
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

/// What [`deals`] made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DealSeedSummary {
    /// People created for the deals.
    pub people: u64,
    /// Deals created.
    pub deals: u64,
    /// Of them, open in the first pipeline.
    pub open: u64,
}

/// Offers of the synthetic deals: product, one-off and monthly price (cents).
const OFFERS: &[(&str, i64, i64)] = &[
    ("Fibra FTTH 1 Giga", 4_900, 2_999),
    ("Fibra FTTC 200 Mega", 2_900, 2_499),
    ("FWA Casa", 0, 2_699),
    ("Luce Casa Fissa", 0, 5_500),
    ("Gas Casa Fissa", 0, 6_200),
    ("SIM 150 Giga", 1_000, 999),
    ("Smartphone a rate", 9_900, 1_500),
];

/// Adds `count` synthetic deals over the last two years for benchmarks and
/// demos: the first `open` are open in the first pipeline (spread over its
/// stages, expected to close in the next six months); the rest are spread
/// over every pipeline, about 45 % won and 55 % lost, each with its
/// creation, one stage move and its close on the timeline. One person is
/// created per ten deals. Written with multi-row inserts in transactions of
/// 10,000 deals; deterministic for a given `seed`.
pub async fn deals(
    db: &Db,
    ctx: &Ctx,
    count: u64,
    open: u64,
    seed: u64,
    progress: impl FnMut(u64, u64) + Send,
) -> Result<DealSeedSummary> {
    deals_per_person(db, ctx, count, open, seed, 10, progress).await
}

/// [`deals`] with one person per `per_person` deals (at least 1): the
/// benchmarks of a million people use 2.
pub async fn deals_per_person(
    db: &Db,
    ctx: &Ctx,
    count: u64,
    open: u64,
    seed: u64,
    per_person: u64,
    mut progress: impl FnMut(u64, u64) + Send,
) -> Result<DealSeedSummary> {
    let per_person = per_person.max(1);
    use crate::model::{Deal, DealEvent, DealEventKind, DealLine, DealStatus, DealTotals, Utm};
    use crate::store::deal_search_text;
    let mut rng = StdRng::seed_from_u64(seed);
    let tenant = ctx.tenant_id();
    let (pipelines, users, stores, reasons) = with_conn!(db, |c| {
        Ok::<_, crate::Error>((
            c.list_pipelines(tenant).await?,
            c.list_users(tenant).await?,
            c.list_stores(tenant).await?,
            c.list_lost_reasons(tenant).await?,
        ))
    })?;
    let pipelines: Vec<_> = pipelines.into_iter().filter(|p| !p.archived).collect();
    let (Some(first), Some(reason)) = (pipelines.first().cloned(), reasons.first().cloned()) else {
        return Ok(DealSeedSummary {
            people: 0,
            deals: 0,
            open: 0,
        });
    };
    let at = now();
    let mut summary = DealSeedSummary {
        people: 0,
        deals: 0,
        open: 0,
    };
    let batch = 10_000u64;
    while summary.deals < count {
        let n = batch.min(count - summary.deals);
        let people: Vec<Person> = (0..n.div_ceil(per_person))
            .map(|_| fake_person(&mut rng))
            .collect();
        let mut rows = Vec::with_capacity(n as usize);
        let mut events = Vec::with_capacity(n as usize * 3);
        for i in 0..n {
            let is_open = summary.deals + i < open;
            let pipeline = if is_open {
                &first
            } else {
                pick(&mut rng, &pipelines)
            };
            let stages: Vec<_> = pipeline.stages.iter().filter(|s| !s.archived).collect();
            let person = &people[(i / per_person) as usize];
            let (product, one_off, monthly) = *pick(&mut rng, OFFERS);
            let line = DealLine {
                id: Uuid::now_v7(),
                product: product.into(),
                quantity: 1,
                one_off_minor: one_off,
                monthly_minor: monthly,
            };
            let totals = DealTotals {
                one_off_minor: one_off,
                monthly_minor: monthly,
                value_minor: one_off + monthly * 24,
            };
            let created = at - Duration::minutes(rng.gen_range(60..730 * 24 * 60));
            let stage = *pick(&mut rng, &stages);
            let moved = created + Duration::minutes(rng.gen_range(30..20 * 24 * 60));
            let status = if is_open {
                DealStatus::Open
            } else if rng.gen_ratio(45, 100) {
                DealStatus::Won
            } else {
                DealStatus::Lost
            };
            let closed = (status != DealStatus::Open)
                .then(|| (moved + Duration::minutes(rng.gen_range(30..60 * 24 * 60))).min(at));
            let owner = pick(&mut rng, &users);
            let title = format!("{product} – {} {}", person.first_name, person.last_name);
            let deal = Deal {
                id: Uuid::now_v7(),
                pipeline_id: pipeline.id,
                stage_id: stage.id,
                status,
                title: title.clone(),
                person_id: Some(person.id),
                company_id: None,
                lead_id: None,
                owner_id: Some(owner.id),
                store_id: Some(pick(&mut rng, &stores).id),
                campaign_id: None,
                source_channel: *pick(
                    &mut rng,
                    &[
                        SourceChannel::StoreWalkin,
                        SourceChannel::InboundCall,
                        SourceChannel::Referral,
                    ],
                ),
                utm: Utm::default(),
                currency: ctx.tenant.currency.clone(),
                totals,
                contract_months: 24,
                probability: match status {
                    DealStatus::Open => stage.probability,
                    DealStatus::Won => 100,
                    DealStatus::Lost => 0,
                },
                probability_overridden: false,
                expected_close: is_open
                    .then(|| (at + Duration::days(rng.gen_range(1..180))).date_naive()),
                closed_at: closed,
                lost_reason_id: (status == DealStatus::Lost).then_some(reason.id),
                lost_note: None,
                external_ref: None,
                rule_id: None,
                stage_entered_at: moved.min(at),
                created_at: created,
                updated_at: closed.unwrap_or(moved).min(at),
                created_by: Some(owner.id),
                version: 1,
            };
            let ev = |kind, from, to, when, left| DealEvent {
                id: Uuid::now_v7(),
                deal_id: deal.id,
                kind,
                from_stage_id: from,
                to_stage_id: to,
                detail: None,
                user_id: Some(owner.id),
                user_name: None,
                at: when,
                left_at: left,
            };
            // Each stage entry knows when the deal left it (the store keeps
            // `left_at` in step on normal writes; here it is computed).
            let moved = moved.min(at);
            if stage.id != stages[0].id {
                events.push(ev(
                    DealEventKind::Created,
                    None,
                    Some(stages[0].id),
                    created,
                    Some(moved),
                ));
                events.push(ev(
                    DealEventKind::StageMoved,
                    Some(stages[0].id),
                    Some(stage.id),
                    moved,
                    closed,
                ));
            } else {
                events.push(ev(
                    DealEventKind::Created,
                    None,
                    Some(stages[0].id),
                    created,
                    closed,
                ));
            }
            if let Some(closed) = closed {
                let kind = if status == DealStatus::Won {
                    DealEventKind::Won
                } else {
                    DealEventKind::Lost
                };
                events.push(ev(kind, Some(stage.id), None, closed, None));
            }
            let search = deal_search_text(
                &title,
                Some(&format!("{} {}", person.first_name, person.last_name)),
                None,
            );
            rows.push((deal, search, line));
        }
        with_tx!(db, |c| {
            for p in &people {
                c.insert_person(tenant, p).await?;
            }
            c.bulk_insert_deals(tenant, &rows, &events).await
        })?;
        summary.people += people.len() as u64;
        summary.open += rows
            .iter()
            .filter(|(d, _, _)| d.status == DealStatus::Open)
            .count() as u64;
        summary.deals += n;
        progress(summary.deals, count);
    }
    with_conn!(db, |c| c.analyze().await)?;
    Ok(summary)
}

const COMPANY_WORDS: &[&str] = &[
    "Impianti",
    "Elettrica",
    "Energia",
    "Costruzioni",
    "Trasporti",
    "Ristorazione",
    "Servizi",
    "Informatica",
    "Telecomunicazioni",
    "Arredamenti",
    "Meccanica",
    "Alimentari",
    "Consulenze",
    "Immobiliare",
    "Logistica",
    "Tessile",
    "Edilizia",
    "Ottica",
    "Farmacia",
    "Autofficina",
];
const COMPANY_FORMS: &[&str] = &["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "& C.", "Soc. Coop."];
const SECTORS: &[&str] = &[
    "Energia",
    "Telecomunicazioni",
    "Ristorazione",
    "Commercio",
    "Edilizia",
    "Manifattura",
    "Servizi",
    "Trasporti",
    "Sanità",
    "Turismo",
];
const CITIES: &[&str] = &[
    "Roma", "Milano", "Napoli", "Torino", "Palermo", "Genova", "Bologna", "Firenze", "Bari",
    "Catania", "Venezia", "Verona", "Messina", "Padova", "Trieste", "Brescia", "Parma", "Bergamo",
];
const NOTE_PHRASES: &[&str] = &[
    "Richiamare per l'offerta fibra FTTH",
    "Interessato al passaggio luce e gas",
    "Ha chiesto il preventivo per il fotovoltaico",
    "Contratto mobile in scadenza a fine mese",
    "Preferisce essere contattato la mattina",
    "Sopralluogo fissato per la prossima settimana",
    "Bolletta troppo alta, valutare offerta business",
    "Già cliente per la linea fissa, proporre convergenza",
    "Chiede portabilità di tre SIM aziendali",
    "Inviata documentazione via e-mail",
];

/// A valid partita IVA: ten random digits and their check digit.
fn fake_vat(rng: &mut StdRng) -> String {
    let body: String = (0..10)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect();
    let check = crate::model::partita_iva_check_digit(&body).unwrap_or(0);
    format!("{body}{check}")
}

fn fake_company(rng: &mut StdRng) -> crate::model::Company {
    let name = format!(
        "{} {} {}",
        pick(rng, LAST_NAMES),
        pick(rng, COMPANY_WORDS),
        pick(rng, COMPANY_FORMS)
    );
    let at = now() - Duration::days(rng.gen_range(0..3650));
    crate::model::Company {
        id: Uuid::now_v7(),
        name,
        legal_name: None,
        kind: crate::model::CompanyKind::Client,
        status: crate::model::CompanyStatus::Active,
        vat_number: Some(fake_vat(rng)),
        tax_code: None,
        billing_address: None,
        shipping_address: None,
        website: None,
        email: None,
        phone: Some(format!(
            "+390{}{:06}",
            rng.gen_range(10..99),
            rng.gen_range(0..1_000_000u32)
        )),
        tags: Vec::new(),
        owner_id: None,
        parent_id: None,
        sector: Some(pick(rng, SECTORS).to_string()),
        year_established: Some(rng.gen_range(1950..2025)),
        revenue_minor: Some(rng.gen_range(10_000_000..5_000_000_000i64)),
        employees: Some(rng.gen_range(1..500)),
        office_location: Some(pick(rng, CITIES).to_string()),
        is_customer: false,
        custom: Default::default(),
        created_at: at,
        updated_at: at,
    }
}

/// What [`records`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordsSeed {
    /// People.
    pub people: u64,
    /// Companies.
    pub companies: u64,
    /// Notes.
    pub notes: u64,
}

/// Adds `people` people (no leads), `companies` companies (valid VAT
/// numbers, sector, city, size) and `notes` notes spread over them, with
/// their search index rows, in bulk batches (one transaction each): the
/// data set of the search and duplicate benchmarks. Same `seed`, same data.
pub async fn records(
    db: &Db,
    ctx: &Ctx,
    people: u64,
    companies: u64,
    notes: u64,
    seed: u64,
    mut progress: impl FnMut(u64, u64),
) -> Result<RecordsSeed> {
    let tenant = ctx.tenant_id();
    let mut rng = StdRng::seed_from_u64(seed);
    let total = people + companies + notes;
    let mut done = RecordsSeed::default();
    // Targets for notes: a sample of the records written (id, kind, title).
    let mut targets: Vec<(crate::model::EntityType, Uuid, String)> = Vec::new();
    let batch = 10_000u64;
    while done.people < people {
        let n = batch.min(people - done.people);
        let rows: Vec<Person> = (0..n).map(|_| fake_person(&mut rng)).collect();
        for p in rows.iter().step_by(7) {
            targets.push((crate::model::EntityType::Person, p.id, p.full_name()));
        }
        with_tx!(db, |c| c.bulk_insert_people(tenant, &rows).await)?;
        done.people += n;
        progress(done.people, total);
    }
    while done.companies < companies {
        let n = batch.min(companies - done.companies);
        let rows: Vec<crate::model::Company> = (0..n).map(|_| fake_company(&mut rng)).collect();
        for c in rows.iter().step_by(2) {
            targets.push((crate::model::EntityType::Company, c.id, c.name.clone()));
        }
        with_tx!(db, |c| c.bulk_insert_companies(tenant, &rows).await)?;
        done.companies += n;
        progress(done.people + done.companies, total);
    }
    while done.notes < notes && !targets.is_empty() {
        let n = batch.min(notes - done.notes);
        let rows: Vec<(crate::model::Note, String)> = (0..n)
            .map(|_| {
                let (kind, id, title) = pick(&mut rng, &targets).clone();
                let at = now() - Duration::minutes(rng.gen_range(0..365 * 24 * 60));
                let body = format!(
                    "{}. {} {}",
                    pick(&mut rng, NOTE_PHRASES),
                    pick(&mut rng, NOTE_PHRASES),
                    pick(&mut rng, CITIES)
                );
                (
                    crate::model::Note {
                        id: Uuid::now_v7(),
                        entity_type: kind,
                        entity_id: id,
                        kind: crate::model::NoteKind::General,
                        body,
                        html: String::new(),
                        pinned: false,
                        author_id: Some(ctx.user.id),
                        author_name: None,
                        mentions: Vec::new(),
                        revisions: 0,
                        created_at: at,
                        updated_at: at,
                    },
                    title,
                )
            })
            .collect();
        with_tx!(db, |c| c.bulk_insert_notes(tenant, &rows).await)?;
        done.notes += n;
        progress(done.people + done.companies + done.notes, total);
    }
    with_conn!(db, |c| c.analyze().await)?;
    Ok(done)
}
