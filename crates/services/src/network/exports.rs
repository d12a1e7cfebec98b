//! The network lists as spreadsheets (the lists' filters applied): the
//! rows and columns; the web layer renders them as CSV, XLSX or ODS.
//! The promeneurs' columns start with the import template's, so that an
//! export re-imports.

use documents::export::{Cell, Sheet};
use domain::Principal;

use crate::{Ctx, ServiceError, directory::gate};

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_text(s: Option<String>) -> Cell {
    s.map_or(Cell::Empty, Cell::Text)
}

fn date(d: Option<jiff::civil::Date>) -> Cell {
    d.map_or(Cell::Empty, Cell::Date)
}

fn display_phone(e164: &str) -> String {
    domain::Phone::parse(e164).map_or_else(|_| e164.to_owned(), |p| p.display())
}

/// The structures in `p`'s scope matching `filter`; 404 for a caller
/// without a network scope, before the filter's own error if any.
pub async fn structures(
    ctx: &Ctx,
    p: &Principal,
    filter: Result<store::structures::Filter, ServiceError>,
) -> Result<Sheet, ServiceError> {
    let scope = p.structure_scope();
    if scope.is_empty() {
        return Err(ServiceError::NotFound);
    }
    let (items, _) = store::structures::list(&ctx.db, &scope, &filter?).await?;
    let sheet = Sheet {
        title: "Structures".into(),
        headers: [
            "nom",
            "type",
            "siret",
            "commune",
            "code_insee",
            "departement",
            "adresse",
            "contact",
            "email",
            "telephone",
            "site",
            "promeneurs",
            "archivee",
        ]
        .map(String::from)
        .to_vec(),
        rows: items
            .into_iter()
            .map(|s| {
                vec![
                    text(s.name),
                    text(s.kind.label()),
                    opt_text(s.siret.map(String::from)),
                    text(s.commune_name),
                    text(s.commune_insee),
                    text(s.department.as_str()),
                    text(s.address),
                    text(s.contact_name),
                    opt_text(s.email.map(String::from)),
                    opt_text(s.phone.map(|x| display_phone(&x))),
                    opt_text(s.website),
                    Cell::Int(s.promeneur_count),
                    Cell::Bool(s.archived_at.is_some()),
                ]
            })
            .collect(),
    };
    Ok(sheet)
}

/// The promeneurs in `p`'s scope matching `filter`.
pub async fn promeneurs(
    ctx: &Ctx,
    p: &Principal,
    filter: Result<store::promeneurs::Filter, ServiceError>,
) -> Result<Sheet, ServiceError> {
    let scope = p.network_scope();
    if scope.is_empty() {
        return Err(ServiceError::NotFound);
    }
    let today = ctx.today();
    let (items, _) = store::promeneurs::list(&ctx.db, &scope, &filter?).await?;
    let sheet = Sheet {
        title: "Promeneurs".into(),
        headers: [
            "prenom",
            "nom",
            "email",
            "telephone",
            "structure",
            "fonction",
            "commune",
            "reseaux",
            "themes",
            "presences",
            "heures_par_semaine",
            "debut_mandat",
            "fin_mandat",
            "charte_signee_le",
            "formation_initiale_le",
            "statut",
            "consentement_public",
            "presentation",
            "nom_structure",
            "departement",
            "dans_l_annuaire",
            "code_verification",
        ]
        .map(String::from)
        .to_vec(),
        rows: items
            .into_iter()
            .map(|x| {
                let slots = gate::slots_of(&x);
                let in_directory = gate::visible(&x, today);
                let networks: Vec<String> = x
                    .networks
                    .iter()
                    .map(|n| format!("{}:{}", n.platform, n.handle))
                    .collect();
                let presence: Vec<String> = slots
                    .iter()
                    .map(|s| format!("{} {}-{}", s.weekday().name(), s.start(), s.end()))
                    .collect();
                vec![
                    text(x.first_name),
                    text(x.last_name),
                    text(x.email.as_str()),
                    opt_text(x.phone.map(|p| display_phone(&p))),
                    text(
                        x.structure_siret
                            .as_ref()
                            .map_or_else(|| x.structure_name.clone(), |s| s.as_str().to_owned()),
                    ),
                    text(x.job_title),
                    text(format!("{} ({})", x.commune_name, x.commune_insee)),
                    text(networks.join(", ")),
                    text(x.themes.join(", ")),
                    text(presence.join(", ")),
                    x.mandate_hours.map_or(Cell::Empty, Cell::Int),
                    date(x.mandate_starts_on),
                    date(x.mandate_ends_on),
                    date(x.charter_signed_on),
                    date(x.initial_training_on),
                    text(x.status.label()),
                    Cell::Bool(x.public_consent),
                    text(x.public_bio),
                    text(x.structure_name),
                    text(x.department.as_str()),
                    Cell::Bool(in_directory),
                    text(x.verification_code),
                ]
            })
            .collect(),
    };
    Ok(sheet)
}

/// The conventions in `p`'s scope matching `filter`.
pub async fn conventions(
    ctx: &Ctx,
    p: &Principal,
    filter: Result<store::conventions::Filter, ServiceError>,
) -> Result<Sheet, ServiceError> {
    let scope = p.structure_scope();
    if scope.is_empty() {
        return Err(ServiceError::NotFound);
    }
    let today = ctx.today();
    let (items, _) = store::conventions::list(&ctx.db, &scope, &filter?).await?;
    let sheet = Sheet {
        title: "Conventions".into(),
        headers: [
            "structure",
            "departement",
            "debut",
            "fin",
            "signee_le",
            "statut",
        ]
        .map(String::from)
        .to_vec(),
        rows: items
            .into_iter()
            .map(|c| {
                let status = c.status(today).label();
                vec![
                    text(c.structure_name),
                    text(c.department),
                    Cell::Date(c.starts_on),
                    Cell::Date(c.ends_on),
                    date(c.signed_on),
                    text(status),
                ]
            })
            .collect(),
    };
    Ok(sheet)
}
