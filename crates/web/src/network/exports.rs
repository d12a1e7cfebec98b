//! Spreadsheet exports of the network lists, with the lists' filters, as
//! CSV (for French Excel), XLSX or ODS; and the import templates. Mounted
//! under the pages and the API alike.

use axum::{
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use documents::export::{Cell, ExportFormat, Sheet};
use domain::promeneur::PromeneurStatus;
use serde::Deserialize;

use services::imports::Kind;

use crate::{
    AppError, AppState,
    api::network::{ConventionQuery, PromeneurQuery, StructureQuery},
    auth::CurrentUser,
    network::gate,
};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `csv` (by default), `xlsx` or `ods`.
    format: Option<String>,
}

fn format_of(q: &FormatQuery) -> Result<ExportFormat, AppError> {
    match q.format.as_deref() {
        None | Some("") => Ok(ExportFormat::Csv),
        Some(f) => ExportFormat::parse(f)
            .ok_or_else(|| AppError::invalid_field("format", "Format inconnu : csv, xlsx ou ods.")),
    }
}

pub(crate) fn send(sheet: &Sheet, format: ExportFormat, stem: &str) -> Result<Response, AppError> {
    let bytes = format.render(sheet).map_err(AppError::internal)?;
    let name = format!("{stem}.{}", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_text(s: Option<String>) -> Cell {
    s.map_or(Cell::Empty, Cell::Text)
}

fn date(d: Option<jiff::civil::Date>) -> Cell {
    d.map_or(Cell::Empty, Cell::Date)
}

/// The structures of the list, as a spreadsheet (the list's filters).
#[utoipa::path(get, operation_id = "export_structures", path = "/api/v1/structures/export", tag = "network", params(FormatQuery, StructureQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet")))))]
pub async fn structures(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(f): Query<FormatQuery>,
    Query(q): Query<StructureQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let scope = p.structure_scope();
    if scope.is_empty() {
        return Err(AppError::not_found());
    }
    let (items, _) = store::structures::list(&state.db, &scope, &q.filter(false)?).await?;
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
                    opt_text(s.siret),
                    text(s.commune_name),
                    text(s.commune_insee),
                    text(s.department),
                    text(s.address),
                    text(s.contact_name),
                    opt_text(s.email),
                    opt_text(s.phone.map(|x| display_phone(&x))),
                    opt_text(s.website),
                    Cell::Int(s.promeneur_count),
                    Cell::Bool(s.archived_at.is_some()),
                ]
            })
            .collect(),
    };
    send(&sheet, format, &format!("structures-{}", state.today()))
}

fn display_phone(e164: &str) -> String {
    domain::Phone::parse(e164).map_or_else(|_| e164.to_owned(), |p| p.display())
}

/// The promeneurs of the list, as a spreadsheet (the list's filters).
#[utoipa::path(get, operation_id = "export_promeneurs", path = "/api/v1/promeneurs/export", tag = "network", params(FormatQuery, PromeneurQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet")))))]
pub async fn promeneurs(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(f): Query<FormatQuery>,
    Query(q): Query<PromeneurQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let scope = p.network_scope();
    if scope.is_empty() {
        return Err(AppError::not_found());
    }
    let today = state.today();
    let (items, _) = store::promeneurs::list(&state.db, &scope, &q.filter(false)?).await?;
    // The columns of the import template first, so an export re-imports.
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
                    text(x.email),
                    opt_text(x.phone.map(|p| display_phone(&p))),
                    text(
                        x.structure_siret
                            .clone()
                            .unwrap_or_else(|| x.structure_name.clone()),
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
                    text(
                        PromeneurStatus::parse(&x.status)
                            .map(PromeneurStatus::label)
                            .unwrap_or_default(),
                    ),
                    Cell::Bool(x.public_consent),
                    text(x.public_bio),
                    text(x.structure_name),
                    text(x.department),
                    Cell::Bool(in_directory),
                    text(x.verification_code),
                ]
            })
            .collect(),
    };
    send(&sheet, format, &format!("promeneurs-{today}"))
}

/// The conventions of the list, as a spreadsheet (the list's filters).
#[utoipa::path(get, operation_id = "export_conventions", path = "/api/v1/conventions/export", tag = "network", params(FormatQuery, ConventionQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet")))))]
pub async fn conventions(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(f): Query<FormatQuery>,
    Query(q): Query<ConventionQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let scope = p.structure_scope();
    if scope.is_empty() {
        return Err(AppError::not_found());
    }
    let today = state.today();
    let (items, _) = store::conventions::list(&state.db, &scope, &q.filter(today, false)?).await?;
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
    send(&sheet, format, &format!("conventions-{today}"))
}

/// The empty spreadsheet to fill for an import, with its columns.
#[utoipa::path(get, operation_id = "import_template", path = "/api/v1/imports/{kind}/template", tag = "network",
    params(("kind" = crate::api::doc::ImportKind, Path, description = "Ce qui est importé"), FormatQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet")))))]
pub async fn template(
    CurrentUser(_, _): CurrentUser,
    Path(kind): Path<String>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let kind = Kind::parse(&kind).ok_or_else(AppError::not_found)?;
    let format = format_of(&f)?;
    send(
        &services::imports::template(kind),
        format,
        &format!("modele-{}", kind.as_str()),
    )
}
