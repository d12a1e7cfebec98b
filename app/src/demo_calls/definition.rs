//! What staff wrote for the two demo calls: the contacts of the CAFs, the
//! criteria, the required pieces and the modules of 2024 and 2027.

use domain::call::{CriterionDraft, ModuleDraft, Question, RequiredDocument};
use store::calls::DepartmentContact;

pub(super) fn contacts() -> Vec<DepartmentContact> {
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

pub(super) fn modules_2024() -> Vec<ModuleDraft> {
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

pub(super) fn modules_2027() -> Vec<ModuleDraft> {
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
