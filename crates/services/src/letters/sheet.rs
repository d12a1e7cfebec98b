//! The letters of a module and their dispatch as a spreadsheet: the rows
//! of the letters page (each CAF its own départements), with when each
//! document was made and sent, to whom, and what became of the e-mail.

use documents::export::{Cell, Sheet};
use domain::{Principal, clock::french_instant};
use store::letters::Letter;
use uuid::Uuid;

use super::{CONVENTION, letters};
use crate::{Ctx, ServiceError};

/// "Retenue", "Non retenue", "Module infructueux".
pub fn outcome_label(code: &str) -> &'static str {
    match code {
        "retained" => "Retenue",
        "module_unsuccessful" => "Module infructueux",
        _ => "Non retenue",
    }
}

/// Where a letter stands, from its e-mail: "À envoyer", "En file
/// d'envoi", "Échec", "Envoyé".
pub fn sending_label(l: &Letter) -> &'static str {
    if l.queued_at.is_none() {
        return "À envoyer";
    }
    match l.email_status.as_deref() {
        Some("pending") => "En file d'envoi",
        Some("failed") => "Échec",
        _ => "Envoyé",
    }
}

/// "Courrier de résultat" or "Convention".
pub fn kind_label(kind: &str) -> &'static str {
    if kind == CONVENTION {
        "Convention"
    } else {
        "Courrier de résultat"
    }
}

fn instant(t: Option<jiff::Timestamp>) -> Cell {
    t.map_or(Cell::Empty, |t| Cell::Text(french_instant(t)))
}

/// The letters of a module `p` lists (staff of the call: the applications
/// of its départements), by structure, the result letter first.
pub async fn letters_sheet(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<Sheet, ServiceError> {
    let mut list = letters(ctx, p, call_id, code).await?;
    list.sort_by(|a, b| {
        (&a.structure_name, a.application_id, a.kind == CONVENTION).cmp(&(
            &b.structure_name,
            b.application_id,
            b.kind == CONVENTION,
        ))
    });
    Ok(Sheet {
        title: format!("Courriers {code}"),
        headers: [
            "candidature",
            "structure",
            "document",
            "resultat",
            "prepare_le",
            "mis_en_envoi_le",
            "destinataire",
            "etat_de_l_envoi",
            "envoye_le",
        ]
        .map(String::from)
        .to_vec(),
        rows: list
            .iter()
            .map(|l| {
                vec![
                    Cell::Text(l.application_id.to_string()),
                    Cell::Text(l.structure_name.clone()),
                    Cell::Text(kind_label(&l.kind).to_owned()),
                    Cell::Text(outcome_label(&l.outcome).to_owned()),
                    Cell::Text(french_instant(l.created_at)),
                    instant(l.queued_at),
                    l.email_to.clone().map_or(Cell::Empty, Cell::Text),
                    Cell::Text(sending_label(l).to_owned()),
                    instant(l.email_sent_at),
                ]
            })
            .collect(),
    })
}
