//! Spreadsheet import of structures and promeneurs (UI and `promeneurs
//! import`): the whole file is checked first, every error reported by row
//! and column; nothing is written unless every row is valid; a second
//! import of the same people updates them (by SIRET, by e-mail).
//!
//! Called by the web pages and API, the command line and the demo. A file
//! refused as a whole is a [`FileError`] (its French message; the web layer
//! tells "too large" and "not a spreadsheet" apart); errors of rows are in
//! the [`Plan`]; [`apply`] fails with a [`ServiceError`] (`NotFound` when a
//! row leaves the importer's rights).

use std::collections::HashMap;

use documents::import::{Table, normalise_header};
use domain::{
    NetworkScope, Principal,
    date_input::parse_yes_no,
    network::NetworkAccount,
    presence::PresenceSlot,
    promeneur::PromeneurStatus,
    siret::Siret,
    trust::{Editor, GatingDecision, gating_decision, status_without_proposal},
};
use jiff::{Timestamp, civil::Date};
use serde::Serialize;
use store::{Db, StoreError, audit::Actor, structures::Structure};
use uuid::Uuid;

use crate::ServiceError;

use crate::network::input::{
    CommuneIndex, Context, NetworkDraft, PromeneurDraft, SlotDraft, StructureDraft,
    validate_promeneur, validate_structure,
};

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 20_000;
/// The largest file accepted (bytes).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Structures,
    Promeneurs,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "structures" => Some(Kind::Structures),
            "promeneurs" => Some(Kind::Promeneurs),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Structures => "structures",
            Kind::Promeneurs => "promeneurs",
        }
    }

    /// The template's columns: (header, field key, help).
    pub fn columns(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            Kind::Structures => STRUCTURE_COLUMNS,
            Kind::Promeneurs => PROMENEUR_COLUMNS,
        }
    }
}

const STRUCTURE_COLUMNS: &[(&str, &str, &str)] = &[
    ("nom", "name", "Nom de la structure (obligatoire)"),
    (
        "type",
        "kind",
        "centre social, MJC, mission locale, PIJ / BIJ, collectivité, association, établissement scolaire ou autre",
    ),
    (
        "siret",
        "siret",
        "14 chiffres ; sert à reconnaître la structure lors d'un nouvel import",
    ),
    (
        "commune",
        "commune_insee",
        "Nom, ou code postal suivi du nom (« 03200 Vichy »)",
    ),
    (
        "code_insee",
        "commune_insee",
        "Facultatif : le code INSEE de la commune, lu avant la colonne commune",
    ),
    ("adresse", "address", ""),
    ("contact", "contact_name", "Personne à contacter"),
    ("email", "email", ""),
    ("telephone", "phone", ""),
    ("site", "website", "https://…"),
];

const PROMENEUR_COLUMNS: &[(&str, &str, &str)] = &[
    ("prenom", "first_name", "obligatoire"),
    ("nom", "last_name", "obligatoire"),
    (
        "email",
        "email",
        "Adresse professionnelle ; sert à reconnaître la personne lors d'un nouvel import",
    ),
    ("telephone", "phone", "Numéro professionnel (jamais publié)"),
    (
        "structure",
        "structure_id",
        "SIRET ou nom exact de la structure employeuse",
    ),
    ("fonction", "job_title", "Ex. : animatrice jeunesse"),
    (
        "commune",
        "commune_insee",
        "Commune d'intervention : nom, ou code postal suivi du nom",
    ),
    (
        "code_insee",
        "commune_insee",
        "Facultatif : le code INSEE de la commune, lu avant la colonne commune",
    ),
    (
        "reseaux",
        "networks",
        "Ex. : instagram:pdn.vichy, snapchat:pdn-vichy ou des liens de profil",
    ),
    ("themes", "themes", "Ex. : orientation, santé"),
    (
        "presences",
        "presence",
        "Ex. : mardi 17h-19h, jeudi 14h-16h30",
    ),
    (
        "heures_par_semaine",
        "mandate_hours",
        "Heures par semaine du mandat",
    ),
    ("debut_mandat", "mandate_starts_on", "JJ/MM/AAAA"),
    (
        "fin_mandat",
        "mandate_ends_on",
        "JJ/MM/AAAA, vide si sans fin",
    ),
    ("charte_signee_le", "charter_signed_on", "JJ/MM/AAAA"),
    ("formation_initiale_le", "initial_training_on", "JJ/MM/AAAA"),
    (
        "statut",
        "status",
        "candidat, en formation, actif, suspendu ou parti",
    ),
    (
        "consentement_public",
        "public_consent",
        "oui ou non : accepte de paraître dans l'annuaire public",
    ),
    (
        "presentation",
        "public_bio",
        "Quelques mots publiés dans l'annuaire",
    ),
];

/// Other spellings of headers people use.
fn alias(header: &str) -> &str {
    match header {
        "e_mail" | "courriel" | "mail" | "adresse_e_mail" | "adresse_email" => "email",
        "tel" | "telephone_professionnel" | "portable" => "telephone",
        "structure_siret" | "siret_structure" | "structure_employeuse" | "employeur" => "structure",
        "insee" | "code_commune" => "code_insee",
        "ville" | "commune_d_intervention" => "commune",
        "raison_sociale" | "nom_de_la_structure" => "nom",
        "reseaux_sociaux" | "comptes" => "reseaux",
        "thematiques" => "themes",
        "presence" | "creneaux" | "horaires" => "presences",
        "heures" | "heures_hebdomadaires" | "mandat_heures" => "heures_par_semaine",
        "charte" | "date_charte" => "charte_signee_le",
        "formation_initiale" | "date_formation_initiale" => "formation_initiale_le",
        "consentement" | "publication" | "annuaire" => "consentement_public",
        "bio" | "description" => "presentation",
        "type_de_structure" => "type",
        "site_web" | "site_internet" => "site",
        "poste" | "metier" => "fonction",
        other => other,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub line: usize,
    /// The column's header in the template.
    pub column: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedRow {
    pub line: usize,
    pub action: Action,
    pub label: String,
}

enum Payload {
    Structure(Option<Uuid>, store::structures::StructureInput),
    Promeneur(
        Option<store::promeneurs::Current>,
        crate::network::input::ValidPromeneur,
    ),
}

/// The result of checking a file.
pub struct Plan {
    pub kind: Kind,
    pub rows: Vec<PlannedRow>,
    pub errors: Vec<RowError>,
    /// Columns of the file that were not recognised (ignored).
    pub ignored_columns: Vec<String>,
    payloads: Vec<Payload>,
}

impl Plan {
    pub fn creates(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.action == Action::Create)
            .count()
    }
    pub fn updates(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.action == Action::Update)
            .count()
    }
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A problem with the file as a whole (type, size, headers).
#[derive(Debug, Clone)]
pub struct FileError(pub String);

fn column_of(kind: Kind, field: &str) -> String {
    let base = field.split('.').next().unwrap_or(field);
    kind.columns()
        .iter()
        .find(|(_, f, _)| *f == base)
        .map_or_else(|| field.to_owned(), |(h, _, _)| (*h).to_owned())
}

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
                        if !scope.contains(
                            &domain::DepartmentCode::parse(&input.department)
                                .map_err(|e| FileError(e.to_string()))?,
                        ) {
                            plan.errors.push(RowError {
                                line: row.line,
                                column: "commune".into(),
                                message: "Cette commune est hors de vos départements.".into(),
                            });
                            continue;
                        }
                        let identity = input.siret.clone().unwrap_or_else(|| {
                            format!(
                                "{}|{}",
                                input.department,
                                domain::text::search_key(&input.name)
                            )
                        });
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
                            Some(siret) => s.siret.as_deref() == Some(siret),
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
            let by_siret: HashMap<&str, &Structure> = all_structures
                .iter()
                .filter_map(|s| s.siret.as_deref().map(|x| (x, s)))
                .collect();
            let find_structure = |v: &str| -> Result<(Uuid, String), String> {
                if let Ok(siret) = Siret::parse(v) {
                    return by_siret
                        .get(siret.as_str())
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
            let mut seen: HashMap<String, usize> = HashMap::new();
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
                            && !scope.contains(
                                &domain::DepartmentCode::parse(&p.department)
                                    .map_err(|e| FileError(e.to_string()))?,
                            )
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

fn header_index(
    kind: Kind,
    table: &Table,
) -> Result<(HashMap<String, usize>, Vec<String>), FileError> {
    let mut index = HashMap::new();
    let mut ignored = Vec::new();
    for (i, h) in table.headers.iter().enumerate() {
        let n = normalise_header(h);
        let n = alias(&n).to_owned();
        if kind.columns().iter().any(|(c, _, _)| *c == n) {
            index.entry(n).or_insert(i);
        } else if !h.trim().is_empty() {
            ignored.push(h.clone());
        }
    }
    if index.contains_key("code_insee") && !index.contains_key("commune") {
        index.insert("commune".to_owned(), usize::MAX);
    }
    let required: &[&str] = match kind {
        Kind::Structures => &["nom", "commune"],
        Kind::Promeneurs => &["prenom", "nom", "email", "structure", "commune"],
    };
    let missing: Vec<&str> = required
        .iter()
        .filter(|c| !index.contains_key(**c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(FileError(format!(
            "Colonnes obligatoires absentes de la première ligne : {}. Partez du modèle à télécharger.",
            missing.join(", ")
        )));
    }
    Ok((index, ignored))
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

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
}

/// Writes a valid plan in one transaction. `progress` is told how many rows
/// are done, for large files.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    now: Timestamp,
    today: Date,
    plan: &Plan,
    batch: Option<Uuid>,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<Option<Summary>, ServiceError> {
    if !plan.is_valid() {
        return Err(StoreError::Invalid("plan with errors".into()).into());
    }
    // An import from an account (pages, API) never sets consent (the
    // promeneur's own), and a referent's gating fields (status active,
    // mandate, charter, training) become proposals that staff confirm. The
    // console (`promeneurs import`, the demo) writes every column.
    let console = principal.user_id.is_nil();
    let mut before: HashMap<Uuid, store::promeneurs::Promeneur> = HashMap::new();
    if !console {
        for payload in &plan.payloads {
            if let Payload::Promeneur(Some(current), _) = payload
                && let Some(x) = store::promeneurs::find_any(db, current.id).await?
            {
                before.insert(current.id, x);
            }
        }
    }
    let mut tx = db.begin().await?;
    let mut summary = Summary::default();
    for (i, (row, payload)) in plan.rows.iter().zip(&plan.payloads).enumerate() {
        match payload {
            Payload::Structure(existing, input) => {
                let dep = domain::DepartmentCode::parse(&input.department)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                let cap = principal
                    .network_editor(&dep, *existing)
                    .ok_or(StoreError::NotFound)?;
                match existing {
                    Some(id) => {
                        store::structures::update(&mut tx, &cap, actor, now, *id, input).await?;
                    }
                    None => {
                        store::structures::create(&mut tx, &cap, actor, now, input).await?;
                    }
                }
            }
            Payload::Promeneur(existing, valid) => {
                let dep = domain::DepartmentCode::parse(&valid.input.department)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                let cap = principal
                    .network_editor(&dep, Some(valid.input.structure_id))
                    .ok_or(StoreError::NotFound)?;
                let mut input = valid.input.clone();
                let mut status = valid.status;
                let mut proposal = None;
                if !console {
                    let prior = existing.as_ref().and_then(|c| before.get(&c.id));
                    input.profile.public_consent = prior.is_some_and(|x| x.public_consent);
                    let now_values = prior.map(crate::network::gating_of).unwrap_or_default();
                    let wanted =
                        crate::network::gating_of_input(&input, status == PromeneurStatus::Active);
                    let editor = if cap.staff {
                        Editor::Staff
                    } else {
                        Editor::Referent
                    };
                    if let GatingDecision::Propose(_) =
                        gating_decision(editor, &now_values, &wanted)
                    {
                        crate::network::set_gating(&mut input, &now_values);
                        let from = prior
                            .and_then(|x| PromeneurStatus::parse(&x.status).ok())
                            .unwrap_or(PromeneurStatus::Candidate);
                        status = status_without_proposal(from, status);
                        proposal = Some(store::promeneurs::Proposal {
                            active: wanted.active && from != PromeneurStatus::Active,
                            mandate_hours: wanted.mandate_hours,
                            mandate_starts_on: wanted.mandate_starts_on,
                            mandate_ends_on: wanted.mandate_ends_on,
                            charter_signed_on: wanted.charter_signed_on,
                            initial_training_on: wanted.initial_training_on,
                            proposed_by: actor.label.clone(),
                            proposed_at: now,
                        });
                    }
                }
                let input = &input;
                let id = match existing {
                    Some(current) => {
                        store::promeneurs::update(&mut tx, &cap, actor, now, current, input)
                            .await?;
                        if current.status != status.as_str() {
                            // As updated: its employer may have changed.
                            let updated = store::promeneurs::Current {
                                structure_id: input.structure_id,
                                department: input.department.clone(),
                                ..current.clone()
                            };
                            store::promeneurs::set_status(
                                &mut tx,
                                &cap,
                                actor,
                                now,
                                &updated,
                                status.as_str(),
                                today,
                                "Import d'un tableur",
                            )
                            .await?;
                        }
                        current.id
                    }
                    None => {
                        store::promeneurs::create(
                            &mut tx,
                            &cap,
                            actor,
                            now,
                            input,
                            status.as_str(),
                            today,
                        )
                        .await?
                    }
                };
                if let Some(proposal) = &proposal {
                    let current = store::promeneurs::Current {
                        id,
                        structure_id: input.structure_id,
                        department: input.department.clone(),
                        status: status.as_str().to_owned(),
                    };
                    store::promeneurs::propose(&mut tx, &cap, actor, now, &current, proposal)
                        .await?;
                }
            }
        }
        match row.action {
            Action::Create => summary.created += 1,
            Action::Update => summary.updated += 1,
        }
        if i % 100 == 99 {
            progress(i + 1);
        }
    }
    if let Some(batch) = batch {
        let text = format!(
            "{} créé(s), {} mis à jour",
            summary.created, summary.updated
        );
        if !store::imports::mark_applied(&mut tx, now, batch, &text).await? {
            // Already applied (a second click): write nothing.
            drop(tx);
            return Ok(None);
        }
    }
    store::audit::log(
        &mut tx,
        actor,
        now,
        "import",
        plan.kind.as_str(),
        batch.map_or_else(|| "console".to_owned(), |b| b.to_string()),
        None,
        serde_json::json!({"created": summary.created, "updated": summary.updated}),
    )
    .await?;
    tx.commit().await?;
    progress(plan.rows.len());
    Ok(Some(summary))
}

/// The template: headers, one example row, and a help row.
pub fn template(kind: Kind) -> documents::export::Sheet {
    use documents::export::{Cell, Sheet};
    let headers = kind
        .columns()
        .iter()
        .map(|(h, _, _)| (*h).to_owned())
        .collect();
    let example: Vec<Cell> = match kind {
        Kind::Structures => [
            "Centre social des Ailes",
            "centre social",
            "73282932000074",
            "Vichy",
            "12 rue des Ailes",
            "Claire Martin",
            "accueil@centre-ailes.fr",
            "04 70 00 00 00",
            "",
        ]
        .iter()
        .map(|s| Cell::Text((*s).to_owned()))
        .collect(),
        Kind::Promeneurs => [
            "Léa",
            "Dupont",
            "lea.dupont@centre-ailes.fr",
            "06 00 00 00 00",
            "73282932000074",
            "Animatrice jeunesse",
            "Vichy",
            "instagram:pdn.lea.vichy, snapchat:pdn-lea",
            "orientation, sante",
            "mardi 17h-19h, jeudi 14h-16h30",
            "6",
            "01/09/2024",
            "",
            "15/09/2024",
            "10/10/2024",
            "actif",
            "oui",
            "Je réponds aux questions des 12-25 ans.",
        ]
        .iter()
        .map(|s| Cell::Text((*s).to_owned()))
        .collect(),
    };
    Sheet {
        title: format!("Modèle {}", kind.as_str()),
        headers,
        rows: vec![example],
    }
}
