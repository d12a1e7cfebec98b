//! The proposals and decisions of a call as a spreadsheet: one row per
//! module and département, with the committee's latest proposal (the
//! retained application's structure, or "infructueux"), who proposed it
//! and when, and where the CAF of the département stands on it. Read
//! through `seat`, as the results pages: the call's committee sees every
//! département, its staff only theirs.

use documents::export::{Cell, Sheet};
use domain::{
    Principal,
    clock::french_instant,
    decision::{ProposalStatus, Reason},
};
use store::committee::Proposal;
use uuid::Uuid;

use super::{Seat, seat};
use crate::{Ctx, ServiceError};

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// "Centre A", or "Infructueux : trop peu de candidatures".
pub fn proposed(x: &Proposal) -> String {
    if x.unsuccessful {
        match x.reason {
            Some(Reason::TooFewApplications) => "Infructueux : trop peu de candidatures".into(),
            Some(Reason::InsufficientQuality) => "Infructueux : qualité insuffisante".into(),
            None => "Infructueux".into(),
        }
    } else {
        x.structure_name.clone().unwrap_or_default()
    }
}

fn proposal_row(module: &str, department: &str, x: Option<&Proposal>) -> Vec<Cell> {
    let mut row = vec![text(module), text(department)];
    let Some(x) = x else {
        row.push(text("Aucune proposition"));
        return row;
    };
    let decided = x.status != ProposalStatus::Proposed;
    row.extend([
        text(proposed(x)),
        text(x.motivation.clone()),
        text(x.proposed_by.clone()),
        text(french_instant(x.proposed_at)),
        text(x.status.label()),
        text(if decided {
            x.decided_by.clone().unwrap_or_default()
        } else {
            String::new()
        }),
        x.decided_at
            .filter(|_| decided)
            .map_or(Cell::Empty, |t| text(french_instant(t))),
        text(x.decision_comment.clone()),
    ]);
    row
}

/// Every module of the call and every département of it `p` reads, in
/// the call's order, with the latest proposal of each (404 for anyone
/// but the call's staff and committee).
pub async fn decisions_sheet(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
) -> Result<Sheet, ServiceError> {
    let (view, seat) = seat(ctx, p, call_id).await?;
    let scope = p.staff_scope();
    let departments: Vec<_> = view
        .call
        .department_codes()
        .into_iter()
        .filter(|d| matches!(seat, Seat::Member(_)) || scope.contains(d))
        .collect();
    let mut rows = Vec::new();
    for m in &view.modules {
        let all = store::committee::proposals(&ctx.db, view.call.id, &m.spec.code).await?;
        for d in &departments {
            // In the order they were made: the last one stands.
            let latest = all.iter().rev().find(|x| &x.department == d);
            rows.push(proposal_row(&m.spec.code, d.as_str(), latest));
        }
    }
    Ok(Sheet {
        title: "Propositions et décisions".into(),
        headers: [
            "module",
            "departement",
            "proposition",
            "motivation",
            "proposee_par",
            "proposee_le",
            "etat",
            "validee_ou_rejetee_par",
            "validee_ou_rejetee_le",
            "commentaire_de_la_caf",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    })
}
