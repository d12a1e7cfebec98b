//! The demo applications: the 2024 ones, filed then decided, and the two
//! filed to module 2 of the 2027 renewal for its committee; with the
//! demo structures and committees they need.

use std::collections::BTreeMap;

use anyhow::Context;
use documents::text_pdf::{TextBlock, TextDocument};
use domain::{
    AdminCap, CallStaffCap, DepartmentCode, NetworkScope, ReviewerCap, call::receipt_number,
};
use jiff::Timestamp;
use store::{
    Db,
    applications::{NewApplication, NewDocument, SubmitOutcome},
    audit::Actor,
    blobs::BlobStore,
};
use uuid::Uuid;

use super::{TITLE_2024, TITLE_2027, put_pdf, ts};

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
    let cap = domain::ApplicantCap::for_console(structure.id);
    // Read in the transaction: the call may not be committed yet.
    let m = store::calls::current_module_in(tx, call_id, module)
        .await?
        .context("demo module")?;
    let created = filed.saturating_sub(jiff::SignedDuration::from_hours(24 * 9))?;
    let id = store::applications::create(
        tx,
        &cap,
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
            &cap,
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
    let outcome = store::applications::submit(tx, &cap, &actor, filed, id, m.id, &required, |n| {
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
                department: Some(domain::DepartmentCode::parse(d)?),
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
    let cap = CallStaffCap::for_console(call_id, &[DepartmentCode::parse("03")?])
        .context("demo call staff")?;
    let mut out = Vec::new();
    for (email, institution) in members {
        let user = store::users::find_by_email(db, email)
            .await?
            .context("demo committee member")?;
        let member =
            store::committee::add_member(tx, &cap, &Actor::system(), at, user, institution, None)
                .await?;
        out.push((member, user));
    }
    Ok(out)
}

pub(super) async fn past_applications(
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
    let staff_cap = CallStaffCap::for_console(
        call_id,
        &[DepartmentCode::parse("03")?, DepartmentCode::parse("63")?],
    )
    .context("demo call staff")?;
    for (n, (p, id)) in filed.iter().enumerate() {
        let m = store::calls::current_module_in(tx, call_id, p.module)
            .await?
            .context("demo module")?;
        let reviewed = if p.module == "M1" {
            ts("2024-03-19T11:00:00+01:00")
        } else {
            ts("2024-04-30T11:00:00+02:00")
        };
        store::applications::start_review(tx, &staff_cap, &staff, reviewed, *id).await?;
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
                &ReviewerCap::for_console(*member, call_id),
                &Actor::user(*user, "comité"),
                reviewed,
                *id,
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
            let seat = members
                .iter()
                .find(|(_, user)| *user == proposer_id)
                .context("demo committee seat")?;
            let pid = store::committee::propose(
                tx,
                store::committee::Proposer::Member(&ReviewerCap::for_console(seat.0, call_id)),
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
            let code = DepartmentCode::parse(dep)?;
            let cap = AdminCap::for_console().pilot(&code);
            let proposal = store::committee::Proposal {
                id: pid,
                call_id,
                module_code: module.into(),
                department: code,
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
pub(super) async fn open_applications(
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
