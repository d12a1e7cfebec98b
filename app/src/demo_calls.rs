//! Demo calls for applications: the real 2024 call of the CAFs of Allier
//! and Puy-de-Dôme (`app/demo/appel-a-candidatures-2024.txt`), in its
//! historical, decided state, and the 2027 renewal, open to applications
//! for module 1, closed for module 2 (its committee scores and proposes).
//! The weights of the criteria are not in the 2024 text (it only says the
//! grid is weighted): the ones below are illustrative.

use std::collections::BTreeMap;

use anyhow::Context;
use documents::text_pdf::{TextBlock, TextDocument, blocks_from_plain_text, text_pdf};
use domain::{
    AdminCap, DepartmentCode, NetworkScope,
    call::{CriterionDraft, ModuleDraft, Question, RequiredDocument, receipt_number},
};
use jiff::Timestamp;
use store::{
    Db,
    applications::{NewApplication, NewDocument, SubmitOutcome},
    audit::Actor,
    blobs::BlobStore,
    calls::{CallInput, DepartmentContact},
};
use uuid::Uuid;

const SEED: &str = include_str!("../demo/appel-a-candidatures-2024.txt");

const TITLE_2024: &str = "Appel à candidatures Promeneurs du Net Allier et Puy-de-Dôme 2024";
pub const TITLE_2027: &str = "Appel à candidatures Promeneurs du Net 2027";

fn contacts() -> Vec<DepartmentContact> {
    vec![
        DepartmentContact {
            department: "03".into(),
            contact_name: "Alexandra Meritet".into(),
            contact_email: "contact-caf03@demo.promeneurs.fr".into(),
            contact_phone: "04 70 08 49 38".into(),
        },
        DepartmentContact {
            department: "63".into(),
            contact_name: "Adrien Couette".into(),
            contact_email: "contact-caf63@demo.promeneurs.fr".into(),
            contact_phone: "04 73 14 67 62".into(),
        },
    ]
}

fn criteria(module: &str) -> Vec<CriterionDraft> {
    let c = |key: &str, label: &str, weight: i64| CriterionDraft {
        key: key.into(),
        label: label.into(),
        weight,
        max_score: 20,
    };
    let mut out = vec![
        c(
            "qualite",
            "Qualité du projet (faisabilité et pertinence)",
            3,
        ),
        c(
            "experience",
            "Expérience de la structure dans le domaine de la jeunesse",
            2,
        ),
        c(
            "coherence",
            "Cohérence du projet avec les orientations du cahier des charges et le projet global de la structure",
            2,
        ),
        c(
            "capacite",
            "Capacité de la structure à mettre en œuvre durablement le projet",
            2,
        ),
    ];
    if module == "M1" {
        out.push(c(
            "qualifications",
            "Qualifications et expérience du professionnel pressenti pour la coordination",
            3,
        ));
    } else {
        out.push(c(
            "formateurs",
            "Références et expérience des professionnels pressentis pour les formations",
            3,
        ));
    }
    out
}

fn required() -> Vec<RequiredDocument> {
    vec![
        RequiredDocument {
            kind: "formulaire".into(),
            label: "Dossier de candidature signé".into(),
        },
        RequiredDocument {
            kind: "budget".into(),
            label: "Budget prévisionnel".into(),
        },
    ]
}

#[allow(clippy::too_many_arguments)]
fn module(
    code: &str,
    title: &str,
    description: &str,
    service: (&str, &str),
    deadline: &str,
    audition: &str,
    decision: &str,
    question: &str,
) -> ModuleDraft {
    let mut docs = required();
    if code == "M1" {
        // The 2024 call asked the budget with the form; kept as one piece
        // for M1 so the journey needs one upload.
        docs.truncate(1);
    }
    ModuleDraft {
        code: code.into(),
        title: title.into(),
        description: description.into(),
        service_starts_on: service.0.into(),
        service_ends_on: service.1.into(),
        deadline: deadline.into(),
        audition_on: Some(audition.into()),
        decision_window: Some(decision.into()),
        min_applications: Some(2),
        quality_threshold: None,
        criteria: criteria(code),
        required_documents: docs,
        questions: vec![Question {
            key: "profil".into(),
            label: question.into(),
        }],
    }
}

const M1_TITLE: &str = "Coordination du réseau des Promeneurs du Net";
const M1_TEXT: &str = "Accompagner la mise en œuvre des Promeneurs du Net dans l'Allier et/ou le Puy-de-Dôme, en lien avec l'ensemble des partenaires institutionnels et des acteurs jeunesse des départements, en assurant la gestion, le suivi et la coordination du projet. Le démarrage de la mission est précédé d'un tuilage d'un mois avec la structure qui assure la coordination actuelle.";
const M1_QUESTION: &str = "Profil du coordinateur pressenti (qualifications, expérience)";
const M2_TITLE: &str = "Formations complémentaires des promeneurs";
const M2_TEXT: &str = "Apporter aux professionnels inscrits dans le réseau des formations permettant d'approfondir des thématiques liées aux orientations portées par la démarche Promeneurs du Net.";
const M2_QUESTION: &str = "Profil des formateurs pressentis (références, expérience)";

fn modules_2024() -> Vec<ModuleDraft> {
    vec![
        module(
            "M1",
            M1_TITLE,
            M1_TEXT,
            ("2024-06-01", "2026-12-31"),
            "2024-03-17",
            "2024-03-21",
            "2024-04/2024-05",
            M1_QUESTION,
        ),
        module(
            "M2",
            M2_TITLE,
            M2_TEXT,
            ("2024-09-01", "2025-12-31"),
            "2024-04-28",
            "2024-05-16",
            "2024-06/2024-07",
            M2_QUESTION,
        ),
    ]
}

/// The deadline of module 2 of the 2027 renewal, passed.
const M2_2027_DEADLINE: &str = "2026-11-20";

fn modules_2027() -> Vec<ModuleDraft> {
    vec![
        module(
            "M1",
            M1_TITLE,
            M1_TEXT,
            ("2027-06-01", "2029-12-31"),
            "2027-03-14",
            "2027-03-18",
            "2027-04/2027-05",
            M1_QUESTION,
        ),
        module(
            "M2",
            M2_TITLE,
            M2_TEXT,
            ("2027-09-01", "2028-12-31"),
            // Closed already: its committee scores and proposes now (the
            // committee proposes once the deadline has passed).
            M2_2027_DEADLINE,
            "2027-01-14",
            "2027-01/2027-02",
            M2_QUESTION,
        ),
    ]
}

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

/// One historical application, filed then decided.
struct Past {
    module: &'static str,
    structure: usize,
    departments: &'static [&'static str],
    filed: &'static str,
    retained: bool,
    summary: &'static str,
}

const PAST: &[Past] = &[
    Past {
        module: "M1",
        structure: 0,
        departments: &["03", "63"],
        filed: "2024-03-15T16:42:07+01:00",
        retained: true,
        summary: "Poursuite de la coordination bi-départementale : animation du réseau, accueil des nouveaux promeneurs, lien avec les comités des deux départements.",
    },
    Past {
        module: "M1",
        structure: 1,
        departments: &["63"],
        filed: "2024-03-17T23:41:55+01:00",
        retained: false,
        summary: "Coordination du réseau du Puy-de-Dôme par un animateur à mi-temps.",
    },
    Past {
        module: "M1",
        structure: 2,
        departments: &["03"],
        filed: "2024-03-12T10:05:31+01:00",
        retained: false,
        summary: "Coordination du réseau de l'Allier adossée au point information jeunesse.",
    },
    Past {
        module: "M2",
        structure: 3,
        departments: &["03", "63"],
        filed: "2024-04-26T11:20:44+02:00",
        retained: true,
        summary: "Six journées de formation par an : cadre légal, harcèlement, usages des réseaux, posture éducative en ligne.",
    },
    Past {
        module: "M2",
        structure: 2,
        departments: &["03", "63"],
        filed: "2024-04-28T22:10:03+02:00",
        retained: false,
        summary: "Deux modules de formation en ligne sur les usages numériques des adolescents.",
    },
];

/// Files an application in the demo (created nine days before, with a
/// PDF for each required piece); returns its id.
#[allow(clippy::too_many_arguments)]
async fn file_application(
    tx: &mut store::Tx,
    blobs: &BlobStore,
    call_id: Uuid,
    call_title: &str,
    module: &str,
    structure: &store::structures::Structure,
    departments: &[&str],
    filed: Timestamp,
    summary: &str,
    author: Uuid,
) -> anyhow::Result<Uuid> {
    let actor = Actor::user(author, "structure@demo.promeneurs.fr");
    // Read in the transaction: the call may not be committed yet.
    let m = store::calls::current_module_in(tx, call_id, module)
        .await?
        .context("demo module")?;
    let created = filed.saturating_sub(jiff::SignedDuration::from_hours(24 * 9))?;
    let id = store::applications::create(
        tx,
        &actor,
        created,
        &NewApplication {
            call_id,
            module_code: module.into(),
            module_id: m.id,
            structure_id: structure.id,
            departments: departments.iter().map(|d| (*d).to_owned()).collect(),
            summary: summary.into(),
            answers: BTreeMap::from([(
                "profil".to_owned(),
                "Professionnel diplômé (DEJEPS), cinq ans d'animation d'un réseau jeunesse."
                    .to_owned(),
            )]),
            created_by: author,
        },
    )
    .await?;
    for r in &m.spec.required_documents {
        let blob = put_pdf(
            blobs,
            &TextDocument {
                title: format!("{} — {}", r.label, structure.name),
                subtitle: Some(format!("{call_title}, module {module}")),
                blocks: vec![TextBlock::Paragraph(summary.into())],
            },
        )
        .await?;
        store::applications::add_document(
            tx,
            &actor,
            created,
            id,
            &NewDocument {
                kind: &r.kind,
                file_name: &format!("{}.pdf", r.kind),
                file_type: "pdf",
                size: blob.size,
                sha256: &blob.sha256,
                replace: true,
            },
        )
        .await?;
    }
    let required: Vec<String> = m
        .spec
        .required_documents
        .iter()
        .map(|r| r.kind.clone())
        .collect();
    let year = domain::clock::in_paris(m.spec.deadline.instant()).year();
    let outcome = store::applications::submit(tx, &actor, filed, id, m.id, &required, |n| {
        receipt_number(year, module, n)
    })
    .await?;
    anyhow::ensure!(
        matches!(outcome, SubmitOutcome::Filed(_)),
        "demo application not filed"
    );
    Ok(id)
}

/// Structures of the demo network: the first ten of each département.
async fn demo_structures(
    db: &Db,
) -> anyhow::Result<BTreeMap<&'static str, Vec<store::structures::Structure>>> {
    let scope = NetworkScope::everything();
    let mut by_dep = BTreeMap::new();
    for d in ["03", "63"] {
        let (list, _) = store::structures::list(
            db,
            &scope,
            &store::structures::Filter {
                department: Some(d.into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await?;
        by_dep.insert(d, list);
    }
    Ok(by_dep)
}

/// Seats the demo committee of a call; returns the member ids by e-mail.
async fn seat_committee(
    tx: &mut store::Tx,
    db: &Db,
    call_id: Uuid,
    members: &[(&str, &str)],
    at: Timestamp,
) -> anyhow::Result<Vec<(Uuid, Uuid)>> {
    let cap = AdminCap::for_console().pilot(&DepartmentCode::parse("03")?);
    let mut out = Vec::new();
    for (email, institution) in members {
        let user = store::users::find_by_email(db, email)
            .await?
            .context("demo committee member")?;
        let member = store::committee::add_member(
            tx,
            &cap,
            &Actor::system(),
            at,
            call_id,
            user,
            institution,
            None,
        )
        .await?;
        out.push((member, user));
    }
    Ok(out)
}

async fn past_applications(
    tx: &mut store::Tx,
    db: &Db,
    blobs: &BlobStore,
    call_id: Uuid,
    author: Uuid,
) -> anyhow::Result<()> {
    let by_dep = demo_structures(db).await?;
    // Structures: 0 and 2 of the Allier, 1 and 3 of the Puy-de-Dôme.
    let pick = |i: usize| -> anyhow::Result<&store::structures::Structure> {
        let dep = if i.is_multiple_of(2) { "03" } else { "63" };
        by_dep[dep].get(i / 2).context("demo structure")
    };
    let mut filed = Vec::new();
    for p in PAST {
        let id = file_application(
            tx,
            blobs,
            call_id,
            TITLE_2024,
            p.module,
            pick(p.structure)?,
            p.departments,
            ts(p.filed),
            p.summary,
            author,
        )
        .await?;
        filed.push((p, id));
    }
    // The committee (the two CAFs and the Conseil départemental) scores
    // every application before the audition, the day after the deadline.
    let members = seat_committee(
        tx,
        db,
        call_id,
        &[
            ("agent03@demo.promeneurs.fr", "Caf 03"),
            ("agent63@demo.promeneurs.fr", "Caf 63"),
            (
                "comite@demo.promeneurs.fr",
                "Conseil départemental de l'Allier",
            ),
        ],
        ts("2024-02-01T10:00:00+01:00"),
    )
    .await?;
    let staff = Actor::system();
    for (n, (p, id)) in filed.iter().enumerate() {
        let m = store::calls::current_module_in(tx, call_id, p.module)
            .await?
            .context("demo module")?;
        let reviewed = if p.module == "M1" {
            ts("2024-03-19T11:00:00+01:00")
        } else {
            ts("2024-04-30T11:00:00+02:00")
        };
        store::applications::start_review(tx, &staff, reviewed, *id).await?;
        for (k, (member, user)) in members.iter().enumerate() {
            // Retained applications score 15 to 18 out of 20, the others
            // 9 to 13: a ranking that matches the decision.
            let base: u32 = if p.retained { 15 } else { 9 };
            let scores: BTreeMap<String, u32> = m
                .spec
                .criteria
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let v = base + u32::try_from((n + k + i) % 4).unwrap_or(0);
                    (c.key.clone(), v.min(c.max_score))
                })
                .collect();
            let score = domain::scoring::review_score(&m.spec.criteria, &scores);
            store::committee::put_review(
                tx,
                &Actor::user(*user, "comité"),
                reviewed,
                *id,
                *member,
                1,
                &scores,
                "Évaluation du dossier avant l'audition.",
                score.hundredths(),
            )
            .await?;
        }
    }
    // The committee's proposals, validated by each CAF.
    for module in ["M1", "M2"] {
        let decided = if module == "M1" {
            ts("2024-05-14T15:00:00+02:00")
        } else {
            ts("2024-07-02T15:00:00+02:00")
        };
        let (_, winner) = filed
            .iter()
            .find(|(p, _)| p.module == module && p.retained)
            .context("a retained demo application")?;
        for (dep, agent) in [
            ("03", "agent03@demo.promeneurs.fr"),
            ("63", "agent63@demo.promeneurs.fr"),
        ] {
            let by = store::users::find_by_email(db, agent)
                .await?
                .context("demo agent")?;
            // The committee proposes; the CAF of each département, who did
            // not propose, validates.
            let proposer = "comite@demo.promeneurs.fr";
            let proposer_id = store::users::find_by_email(db, proposer)
                .await?
                .context("demo committee member")?;
            let motivation = "Le projet le mieux noté par le comité, bi-départemental, avec une équipe expérimentée.";
            let pid = store::committee::propose(
                tx,
                &Actor::user(proposer_id, proposer),
                decided.saturating_sub(jiff::SignedDuration::from_hours(24 * 7))?,
                &store::committee::NewProposal {
                    call_id,
                    module_code: module,
                    department: dep,
                    application_id: Some(*winner),
                    reason: None,
                    motivation,
                    proposed_by: proposer_id,
                },
            )
            .await?;
            let cap = AdminCap::for_console().pilot(&DepartmentCode::parse(dep)?);
            let proposal = store::committee::Proposal {
                id: pid,
                call_id,
                module_code: module.into(),
                department: dep.into(),
                application_id: Some(*winner),
                structure_name: None,
                unsuccessful: false,
                reason: None,
                motivation: motivation.into(),
                status: domain::decision::ProposalStatus::Proposed,
                proposed_by: proposer.into(),
                proposed_by_id: proposer_id,
                proposed_at: decided,
                decided_by: None,
                decided_at: None,
                decision_comment: String::new(),
            };
            store::committee::decide(
                tx,
                &cap,
                &Actor::user(by, agent),
                decided,
                &proposal,
                true,
                "Validé.",
            )
            .await?;
        }
    }
    Ok(())
}

/// The 2027 renewal: the committee seated, and two applications of the
/// Allier filed to module 2 before its deadline (one by the demo
/// referent's structure), for the committee to score and propose, and the
/// CAF to decide.
async fn open_applications(
    tx: &mut store::Tx,
    db: &Db,
    blobs: &BlobStore,
    call_id: Uuid,
    author: Uuid,
    now: Timestamp,
) -> anyhow::Result<()> {
    let own = store::users::find(db, author)
        .await?
        .context("demo referent")?
        .grants
        .iter()
        .find_map(|g| g.structure_id)
        .context("the demo referent's structure")?;
    let by_dep = demo_structures(db).await?;
    let own = by_dep["03"]
        .iter()
        .chain(by_dep["63"].iter())
        .find(|s| s.id == own)
        .cloned()
        .context("the demo referent's structure among the first ones")?;
    let other = by_dep["03"]
        .iter()
        .find(|s| s.id != own.id)
        .context("another demo structure")?;
    for (s, summary) in [
        (
            &own,
            "Quatre journées de formation : posture éducative en ligne, cadre légal, harcèlement, santé mentale.",
        ),
        (
            other,
            "Un cycle de formation en ligne et deux journées en présence sur les usages numériques des jeunes.",
        ),
    ] {
        file_application(
            tx,
            blobs,
            call_id,
            TITLE_2027,
            "M2",
            s,
            &["03"],
            now,
            summary,
            author,
        )
        .await?;
    }
    seat_committee(
        tx,
        db,
        call_id,
        &[(
            "comite@demo.promeneurs.fr",
            "Conseil départemental de l'Allier",
        )],
        now,
    )
    .await?;
    Ok(())
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
