//! Demo calls for applications: the real 2024 call of the CAFs of Allier
//! and Puy-de-Dôme (`app/demo/appel-a-candidatures-2024.txt`), in its
//! historical, decided state, and the 2027 renewal, open to applications
//! for module 1, closed for module 2 (its committee scores and proposes).
//! The weights of the criteria are not in the 2024 text (it only says the
//! grid is weighted): the ones below are illustrative.

//!
//! Here: the calls created and loaded; what staff wrote for them and the
//! applications are in the submodules.

mod applications;
mod definition;

use anyhow::Context;
use applications::{open_applications, past_applications};
use definition::{contacts, modules_2024, modules_2027};
use documents::text_pdf::{TextBlock, TextDocument, blocks_from_plain_text, text_pdf};
use domain::{AdminCap, DepartmentCode, call::ModuleDraft};
use jiff::Timestamp;
use store::{Db, audit::Actor, blobs::BlobStore, calls::CallInput};
use uuid::Uuid;

const SEED: &str = include_str!("../../demo/appel-a-candidatures-2024.txt");

const TITLE_2024: &str = "Appel à candidatures Promeneurs du Net Allier et Puy-de-Dôme 2024";
pub const TITLE_2027: &str = "Appel à candidatures Promeneurs du Net 2027";

fn ts(s: &str) -> Timestamp {
    s.parse().expect("demo instant")
}

async fn put_pdf(blobs: &BlobStore, doc: &TextDocument) -> anyhow::Result<store::blobs::Blob> {
    Ok(blobs.put_bytes(&text_pdf(doc)).await?)
}

/// The files offered with a call: the cahier des charges (the 2024 text)
/// and the application form.
async fn call_files(
    tx: &mut store::Tx,
    blobs: &BlobStore,
    cap: &domain::DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    call_id: Uuid,
    year: &str,
) -> anyhow::Result<()> {
    let cahier = put_pdf(
        blobs,
        &TextDocument {
            title: format!("Appel à candidatures Promeneurs du Net {year}"),
            subtitle: Some("Caf de l'Allier et Caf du Puy-de-Dôme — cahier des charges".into()),
            blocks: blocks_from_plain_text(SEED),
        },
    )
    .await?;
    let form = put_pdf(
        blobs,
        &TextDocument {
            title: "Dossier de candidature".into(),
            subtitle: Some(format!("Promeneurs du Net Allier et Puy-de-Dôme {year}")),
            blocks: [
                "Structure candidate : nom, SIRET, adresse, représentant légal.",
                "Module(s) visé(s) et département(s) : Allier, Puy-de-Dôme ou les deux.",
                "Présentation du projet et moyens mobilisés.",
                "Profil du coordinateur ou des formateurs pressentis.",
                "Budget prévisionnel.",
                "Date, nom et signature du représentant légal.",
            ]
            .iter()
            .map(|s| TextBlock::Bullet((*s).to_owned()))
            .collect(),
        },
    )
    .await?;
    for (label, name, blob) in [
        ("Cahier des charges", "cahier-des-charges.pdf", &cahier),
        (
            "Dossier de candidature à compléter",
            "dossier-de-candidature.pdf",
            &form,
        ),
    ] {
        store::calls::add_file(
            tx,
            cap,
            actor,
            now,
            call_id,
            &store::calls::NewFile {
                label,
                file_name: name,
                file_type: "pdf",
                size: blob.size,
                sha256: &blob.sha256,
            },
        )
        .await?;
    }
    Ok(())
}

async fn create_call(
    tx: &mut store::Tx,
    blobs: &BlobStore,
    title: &str,
    year: &str,
    modules: &[ModuleDraft],
    created: Timestamp,
    published: Timestamp,
) -> anyhow::Result<Uuid> {
    let cap = AdminCap::for_console().pilot(&DepartmentCode::parse("03")?);
    let actor = Actor::system();
    let input = CallInput {
        title: title.into(),
        description: "Les Caf de l'Allier et du Puy-de-Dôme recherchent la ou les structures qui coordonneront le réseau des Promeneurs du Net (module 1) et qui formeront les promeneurs (module 2). On peut candidater pour un département ou pour les deux, pour un module ou pour les deux.".into(),
        departments: contacts(),
    };
    let id = store::calls::create(tx, &cap, &actor, created, &input).await?;
    for m in modules {
        let spec = m
            .validate()
            .map_err(|e| anyhow::anyhow!("demo module: {e:?}"))?;
        store::calls::put_module(tx, &cap, &actor, created, id, &spec).await?;
    }
    call_files(tx, blobs, &cap, &actor, created, id, year).await?;
    store::calls::publish(tx, &cap, &actor, published, id).await?;
    Ok(id)
}

/// Loads the demo calls unless already loaded (after the demo network,
/// whose structures answer the 2024 call). Returns whether it did.
pub async fn load(db: &Db, blobs: &BlobStore) -> anyhow::Result<bool> {
    if store::meta::get(db, "demo_calls_loaded").await?.is_some() {
        return Ok(false);
    }
    let author = store::users::find_by_email(db, "structure@demo.promeneurs.fr")
        .await?
        .context("demo referent")?;
    let now = Timestamp::now();
    let mut tx = db.begin().await?;
    if !store::meta::claim(&mut tx, "demo_calls_loaded", &now.to_string()).await? {
        return Ok(false);
    }
    let past = create_call(
        &mut tx,
        blobs,
        TITLE_2024,
        "2024",
        &modules_2024(),
        ts("2024-01-08T09:30:00+01:00"),
        ts("2024-01-15T10:00:00+01:00"),
    )
    .await?;
    past_applications(&mut tx, db, blobs, past, author).await?;
    // Published in the autumn; the two applications to module 2 were filed
    // before its deadline (20 November 2026).
    let opened = ts("2026-10-01T09:00:00+02:00").min(now);
    let filed = ts("2026-11-17T10:00:00+01:00").min(now);
    let renewal = create_call(
        &mut tx,
        blobs,
        TITLE_2027,
        "2027",
        &modules_2027(),
        opened,
        opened,
    )
    .await?;
    open_applications(&mut tx, db, blobs, renewal, author, filed).await?;
    tx.commit().await?;
    Ok(true)
}
