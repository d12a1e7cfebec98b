//! The columns of an import: the template's headers, the other spellings
//! people use for them, the reading of a file's header row, and the
//! template to download.

use std::collections::HashMap;

use documents::import::{Table, normalise_header};

use super::{FileError, Kind};

pub(super) const STRUCTURE_COLUMNS: &[(&str, &str, &str)] = &[
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

pub(super) const PROMENEUR_COLUMNS: &[(&str, &str, &str)] = &[
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

pub(super) fn column_of(kind: Kind, field: &str) -> String {
    let base = field.split('.').next().unwrap_or(field);
    kind.columns()
        .iter()
        .find(|(_, f, _)| *f == base)
        .map_or_else(|| field.to_owned(), |(h, _, _)| (*h).to_owned())
}

pub(super) fn header_index(
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
