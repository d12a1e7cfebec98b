//! Checking a file: every row validated against the current data and the
//! importer's scope, every error reported by row and column.

use std::collections::HashMap;

use domain::{
    DepartmentCode, Email, NetworkScope, Principal, date_input::parse_yes_no,
    network::NetworkAccount, presence::PresenceSlot, siret::Siret,
};
use store::{Db, structures::Structure};
use uuid::Uuid;

use super::{
    Action, FileError, Kind, MAX_BYTES, MAX_ROWS, Payload, Plan, PlannedRow, RowError,
    columns::{column_of, header_index},
};
use crate::network::input::{
    CommuneIndex, Context, NetworkDraft, PromeneurDraft, SlotDraft, StructureDraft,
    validate_promeneur, validate_structure,
};

/// Reads and checks a file against the current data and the importer's
/// scope.
pub async fn plan(
    db: &Db,
    principal: &Principal,
    communes: &CommuneIndex,
    kind: Kind,
    bytes: &[u8],
    sandbox: &crate::sandbox::SandboxConfig,
) -> Result<Plan, FileError> {
    if bytes.len() > MAX_BYTES {
        return Err(FileError(format!(
            "Ce fichier est trop gros ({} Mo au plus).",
            MAX_BYTES / 1024 / 1024
        )));
    }
    // Read in a child process: a hostile workbook fails this import only.
    let table = crate::sandbox::read_table(sandbox, bytes)
        .await
        .map_err(FileError)?;
    if table.rows.len() > MAX_ROWS {
        return Err(FileError(format!(
            "Ce fichier compte trop de lignes ({MAX_ROWS} au plus)."
        )));
    }
    let (index, ignored) = header_index(kind, &table)?;
    let scope = principal.staff_scope();
    let mut plan = Plan {
        kind,
        rows: Vec::new(),
        errors: Vec::new(),
        ignored_columns: ignored,
        payloads: Vec::new(),
    };
    let cell = |row: &documents::import::Row, name: &str| -> String {
        index
            .get(name)
            .and_then(|&i| row.cells.get(i))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let net_scope = NetworkScope {
        departments: scope.clone(),
        structures: std::collections::BTreeSet::new(),
        own_user: None,
    };
    let (all_structures, _) = store::structures::list(
        db,
        &net_scope,
        &store::structures::Filter {
            include_archived: true,
            limit: 100_000,
            ..Default::default()
        },
    )
    .await
    .map_err(|e| FileError(format!("Erreur de lecture des données : {e}")))?;
    match kind {
        Kind::Structures => {
            let all_sirets = store::structures::all_sirets(db)
                .await
                .map_err(|e| FileError(e.to_string()))?;
            let mut seen: HashMap<String, usize> = HashMap::new();
            for row in &table.rows {
                let d = StructureDraft {
                    name: cell(row, "nom"),
                    kind: cell(row, "type"),
                    siret: cell(row, "siret"),
                    commune: commune_cell(&cell(row, "code_insee"), &cell(row, "commune")),
                    address: cell(row, "adresse"),
                    contact_name: cell(row, "contact"),
                    email: cell(row, "email"),
                    phone: cell(row, "telephone"),
                    website: cell(row, "site"),
                };
                match validate_structure(&d, communes) {
                    Err(errs) => {
                        for (f, m) in errs {
                            plan.errors.push(RowError {
                                line: row.line,
                                column: column_of(kind, &f),
                                message: m,
                            });
                        }
                    }
                    Ok(input) => {
                        if !scope.contains(&input.department) {
                            plan.errors.push(RowError {
                                line: row.line,
                                column: "commune".into(),
                                message: "Cette commune est hors de vos départements.".into(),
                            });
                            continue;
                        }
                        let identity = input.siret.as_ref().map_or_else(
                            || {
                                format!(
                                    "{}|{}",
                                    input.department,
                                    domain::text::search_key(&input.name)
                                )
                            },
                            |s| s.as_str().to_owned(),
                        );
                        if let Some(first) = seen.insert(identity, row.line) {
                            plan.errors.push(RowError {
                                line: row.line,
                                column: if input.siret.is_some() {
                                    "siret"
                                } else {
                                    "nom"
                                }
                                .into(),
                                message: format!("Cette structure figure déjà à la ligne {first}."),
                            });
                            continue;
                        }
                        let existing = all_structures.iter().find(|s| match &input.siret {
                            Some(siret) => s.siret.as_ref() == Some(siret),
                            None => {
                                s.siret.is_none()
                                    && s.department == input.department
                                    && domain::text::search_key(&s.name)
                                        == domain::text::search_key(&input.name)
                            }
                        });
                        // Not in scope but known: a structure of another département.
                        if existing.is_none()
                            && input.siret.as_ref().is_some_and(|s| all_sirets.contains(s))
                        {
                            plan.errors.push(RowError {
                                line: row.line,
                                column: "siret".into(),
                                message:
                                    "Ce SIRET est celui d'une structure hors de vos départements."
                                        .into(),
                            });
                            continue;
                        }
                        let existing = existing.map(|s| s.id);
                        plan.rows.push(PlannedRow {
                            line: row.line,
                            action: if existing.is_some() {
                                Action::Update
                            } else {
                                Action::Create
                            },
                            label: input.name.clone(),
                        });
                        plan.payloads.push(Payload::Structure(existing, input));
                    }
                }
            }
        }
        Kind::Promeneurs => {
            let themes: Vec<String> = store::promeneurs::themes(db)
                .await
                .map_err(|e| FileError(e.to_string()))?
                .into_iter()
                .filter(|t| !t.archived)
                .map(|t| t.slug)
                .collect();
            let by_siret: HashMap<&Siret, &Structure> = all_structures
                .iter()
                .filter_map(|s| s.siret.as_ref().map(|x| (x, s)))
                .collect();
            let find_structure = |v: &str| -> Result<(Uuid, DepartmentCode), String> {
                if let Ok(siret) = Siret::parse(v) {
                    return by_siret
                        .get(&siret)
                        .map(|s| (s.id, s.department.clone()))
                        .ok_or_else(|| {
                            format!(
                                "Aucune structure de vos départements n'a le SIRET {}.",
                                siret.as_str()
                            )
                        });
                }
                let key = domain::text::search_key(v);
                let found: Vec<&Structure> = all_structures
                    .iter()
                    .filter(|s| domain::text::search_key(&s.name) == key && s.archived_at.is_none())
                    .collect();
                match found.as_slice() {
                    [one] => Ok((one.id, one.department.clone())),
                    [] => Err(format!(
                        "Structure inconnue : « {v} ». Importez d'abord les structures, ou indiquez son SIRET."
                    )),
                    _ => Err(format!(
                        "Plusieurs structures s'appellent « {v} » : indiquez son SIRET."
                    )),
                }
            };
            let ctx = Context {
                communes,
                themes: &themes,
                structures: &find_structure,
            };
            let by_email = store::promeneurs::current_by_email(db)
                .await
                .map_err(|e| FileError(e.to_string()))?;
            let mut seen: HashMap<Email, usize> = HashMap::new();
            for row in &table.rows {
                let mut cell_errors = Vec::new();
                let networks = split_list(&cell(row, "reseaux"))
                    .into_iter()
                    .map(|item| network_draft(&item))
                    .collect();
                let presence = match PresenceSlot::parse_list(&cell(row, "presences")) {
                    Ok(slots) => slots
                        .iter()
                        .map(|s| SlotDraft {
                            weekday: s.weekday().number().to_string(),
                            start: s.start().to_string(),
                            end: s.end().to_string(),
                        })
                        .collect(),
                    Err(e) => {
                        cell_errors.push(("presences", e.to_string()));
                        Vec::new()
                    }
                };
                let consent = match parse_yes_no(&cell(row, "consentement_public")) {
                    Ok(b) => b,
                    Err(e) => {
                        cell_errors.push(("consentement_public", e.to_string()));
                        false
                    }
                };
                let d = PromeneurDraft {
                    first_name: cell(row, "prenom"),
                    last_name: cell(row, "nom"),
                    email: cell(row, "email"),
                    phone: cell(row, "telephone"),
                    structure: cell(row, "structure"),
                    job_title: cell(row, "fonction"),
                    commune: commune_cell(&cell(row, "code_insee"), &cell(row, "commune")),
                    networks,
                    themes: split_list(&cell(row, "themes")),
                    presence,
                    mandate_hours: cell(row, "heures_par_semaine"),
                    mandate_starts_on: cell(row, "debut_mandat"),
                    mandate_ends_on: cell(row, "fin_mandat"),
                    charter_signed_on: cell(row, "charte_signee_le"),
                    initial_training_on: cell(row, "formation_initiale_le"),
                    public_consent: consent,
                    public_bio: cell(row, "presentation"),
                    status: cell(row, "statut"),
                };
                for (column, message) in cell_errors {
                    plan.errors.push(RowError {
                        line: row.line,
                        column: column.into(),
                        message,
                    });
                }
                match validate_promeneur(&d, &ctx) {
                    Err(errs) => {
                        for (f, m) in errs {
                            plan.errors.push(RowError {
                                line: row.line,
                                column: column_of(kind, &f),
                                message: m,
                            });
                        }
                    }
                    Ok(valid) => {
                        if let Some(first) = seen.insert(valid.input.email.clone(), row.line) {
                            plan.errors.push(RowError {
                                line: row.line,
                                column: "email".into(),
                                message: format!(
                                    "Cette adresse e-mail figure déjà à la ligne {first}."
                                ),
                            });
                            continue;
                        }
                        let existing = by_email.get(&valid.input.email).cloned();
                        if let Some(p) = &existing
                            && !scope.contains(&p.department)
                        {
                            plan.errors.push(RowError {
                                line: row.line,
                                column: "email".into(),
                                message: "Cette adresse est celle d'un promeneur hors de vos départements.".into(),
                            });
                            continue;
                        }
                        plan.rows.push(PlannedRow {
                            line: row.line,
                            action: if existing.is_some() {
                                Action::Update
                            } else {
                                Action::Create
                            },
                            label: format!("{} {}", valid.input.first_name, valid.input.last_name),
                        });
                        plan.payloads.push(Payload::Promeneur(existing, valid));
                    }
                }
            }
        }
    }
    plan.errors.sort_by_key(|e| e.line);
    Ok(plan)
}

/// The commune of a row: the INSEE column when filled, else the text.
fn commune_cell(insee: &str, text: &str) -> String {
    if insee.is_empty() {
        text.to_owned()
    } else {
        format!("insee:{insee}")
    }
}

/// Items of a cell: separated by commas, semicolons or new lines.
fn split_list(cell: &str) -> Vec<String> {
    cell.split([',', ';', '\n', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "instagram:pdn.vichy", "Snapchat : pdn-vichy" or a profile link.
fn network_draft(item: &str) -> NetworkDraft {
    let looks_like_url =
        item.starts_with("http://") || item.starts_with("https://") || item.starts_with("www.");
    if looks_like_url {
        return NetworkDraft {
            platform: String::new(),
            handle: String::new(),
            url: item.to_owned(),
        };
    }
    match item.split_once(':') {
        Some((p, h)) => NetworkDraft {
            platform: p.trim().to_owned(),
            handle: h.trim().to_owned(),
            url: String::new(),
        },
        None => match NetworkAccount::from_url(item) {
            Ok(_) => NetworkDraft {
                url: item.to_owned(),
                ..NetworkDraft::default()
            },
            Err(_) => NetworkDraft {
                platform: String::new(),
                handle: item.to_owned(),
                url: String::new(),
            },
        },
    }
}
