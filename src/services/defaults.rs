//! What a new tenant starts with: the default pipelines (seed 000) and
//! lost reasons, written by [`ensure_defaults`] when the tenant has none.
//! Kept apart from `pipelines` so that start-up (`context`) does not
//! depend on the pipeline use cases.

use uuid::Uuid;

use super::now;
use crate::model::{LostReason, Pipeline, Stage};
use crate::store::Conn;
use crate::Result;

/// The pipelines a new tenant starts with (seed 000): name and stages with
/// their default win probability in percent. All editable.
pub const DEFAULT_PIPELINES: &[(&str, &[(&str, u8)])] = &[
    (
        "Fisso",
        &[
            ("Pre-check", 10),
            ("Offerta", 30),
            ("Contratto", 60),
            ("Attivazione", 80),
            ("Attivo", 95),
        ],
    ),
    (
        "Energia",
        &[
            ("Pre-check", 10),
            ("Offerta", 30),
            ("Contratto", 60),
            ("Switch", 80),
            ("Attivo", 95),
        ],
    ),
    (
        "Mobile",
        &[
            ("Offerta", 30),
            ("Portabilità", 60),
            ("Attivazione", 80),
            ("Attivo", 95),
        ],
    ),
    (
        "Assistenza",
        &[
            ("Aperta", 20),
            ("In lavorazione", 50),
            ("In attesa del cliente", 60),
            ("Risolta", 90),
        ],
    ),
];

/// Lost reasons a new tenant starts with.
pub const DEFAULT_LOST_REASONS: &[&str] = &[
    "Prezzo",
    "Copertura non disponibile",
    "Scelto un concorrente",
    "Non risponde",
    "Non più interessato",
    "Documenti mancanti",
];

/// Creates the default pipelines and lost reasons when the tenant has no
/// pipeline yet (a new database, or one made before deals existed).
pub async fn ensure_defaults(c: &mut Conn<'_>, tenant: Uuid) -> Result<()> {
    if !c.list_pipelines(tenant).await?.is_empty() {
        return Ok(());
    }
    let at = now();
    for (i, (name, stages)) in DEFAULT_PIPELINES.iter().enumerate() {
        let id = Uuid::now_v7();
        let pipeline = Pipeline {
            id,
            name: (*name).to_string(),
            position: i as u32,
            archived: false,
            stages: stages
                .iter()
                .enumerate()
                .map(|(j, (stage, p))| Stage {
                    id: Uuid::now_v7(),
                    pipeline_id: id,
                    name: (*stage).to_string(),
                    position: j as u32,
                    probability: *p,
                    archived: false,
                })
                .collect(),
        };
        c.insert_pipeline(tenant, &pipeline, at).await?;
    }
    if c.list_lost_reasons(tenant).await?.is_empty() {
        for (i, label) in DEFAULT_LOST_REASONS.iter().enumerate() {
            let reason = LostReason {
                id: Uuid::now_v7(),
                label: (*label).to_string(),
                archived: false,
            };
            c.insert_lost_reason(tenant, &reason, i as u32).await?;
        }
    }
    Ok(())
}
