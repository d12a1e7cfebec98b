//! The results of a module as a spreadsheet: one row per application and
//! département, in the ranking's order, with the outcome of the
//! département and its proposal. Read through `results`, so the same
//! rules apply: staff of the call's départements, a seated member (whose
//! hidden scores stay hidden).

use documents::export::{Cell, Sheet};
use domain::{Principal, decision::Outcome};
use uuid::Uuid;

use super::results::results;
use crate::{Ctx, ServiceError};

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Pending => "En attente d'évaluations",
        Outcome::Awardable => "Attribuable",
        Outcome::Unsuccessful(domain::decision::Reason::TooFewApplications) => {
            "Infructueux : trop peu de candidatures"
        }
        Outcome::Unsuccessful(domain::decision::Reason::InsufficientQuality) => {
            "Infructueux : qualité insuffisante"
        }
    }
}

pub async fn results_sheet(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<Sheet, ServiceError> {
    let (_, _, departments) = results(ctx, p, call_id, code).await?;
    let mut rows = Vec::new();
    for d in &departments {
        let proposed = d.proposal.as_ref();
        for (i, r) in d.ranking.iter().enumerate() {
            let (mean, min, max, reviews) = match (&r.aggregate, r.hidden) {
                (Some(a), false) => (
                    text(a.mean.to_string()),
                    text(a.min.to_string()),
                    text(a.max.to_string()),
                    Cell::Int(i64::from(a.reviews)),
                ),
                _ => (
                    text(r.hidden_reason.unwrap_or("")),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ),
            };
            let is_proposed = proposed.is_some_and(|x| x.application_id == Some(r.application.id));
            rows.push(vec![
                text(d.department.as_str()),
                text(outcome(d.outcome)),
                Cell::Int(i64::try_from(i + 1).unwrap_or(i64::MAX)),
                text(r.application.structure_name.clone()),
                text(
                    r.application
                        .structure_siret
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ),
                mean,
                min,
                max,
                reviews,
                text(format!("{} sur {}", r.done.reviews, r.done.expected)),
                Cell::Bool(is_proposed),
                text(if is_proposed {
                    proposed.map(|x| x.status.label()).unwrap_or_default()
                } else {
                    ""
                }),
            ]);
        }
    }
    Ok(Sheet {
        title: format!("Résultats {code}"),
        headers: [
            "departement",
            "issue",
            "rang",
            "structure",
            "siret",
            "note_moyenne_sur_100",
            "note_min",
            "note_max",
            "evaluations",
            "evaluations_attendues",
            "proposee",
            "etat_de_la_proposition",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    })
}
