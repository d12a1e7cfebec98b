//! The audit log in French: what each recorded action and object is
//! called on the journal's page, and the changed fields as « champ :
//! valeur » lines instead of raw JSON (the page and its export). Codes stay
//! in the database and the API; an unknown code is shown as it is.

use serde_json::Value;

/// (code, French) of the objects the journal records.
pub const ENTITIES: &[(&str, &str)] = &[
    ("api_token", "Jeton d'API"),
    ("application", "Candidature"),
    ("audition_slot", "Créneau d'audition"),
    ("call", "Appel à candidatures"),
    ("call_module", "Module d'un appel"),
    ("console", "Ligne de commande"),
    ("convention", "Convention"),
    ("department", "Caf (département)"),
    ("handover", "Passation"),
    ("letter_template", "Modèle de courrier"),
    ("promeneur", "Promeneur"),
    ("proposal", "Proposition du comité"),
    ("structure", "Structure"),
    ("theme", "Thème de l'annuaire"),
    ("training", "Formation"),
    (
        "training_registration",
        "Inscription à une session de formation",
    ),
    ("training_session", "Session de formation"),
    ("user", "Compte"),
];

/// (code, French) of the actions the journal records.
pub const ACTIONS: &[(&str, &str)] = &[
    ("add_document", "Pièce ajoutée"),
    ("add_file", "Fichier ajouté"),
    ("add_member", "Membre du comité ajouté"),
    ("answer", "Réponse à une demande de complément"),
    ("approve", "Validation"),
    ("approve_claim", "Rattachement accepté"),
    ("archive", "Archivage"),
    ("assign", "Créneau attribué"),
    ("cancel", "Annulation"),
    ("claim", "Demande de rattachement"),
    ("confirm_proposal", "Proposition confirmée"),
    ("create", "Création"),
    ("decide", "Décision"),
    ("declare_conflict", "Conflit d'intérêts déclaré"),
    ("delete", "Suppression"),
    ("delete_document", "Pièce supprimée"),
    ("generate_letters", "Courriers préparés"),
    ("grant_role", "Rôle accordé"),
    ("import", "Import d'un tableur"),
    ("mark_attendance", "Appel (présence)"),
    ("message", "Message"),
    ("open_account", "Compte ouvert"),
    ("promote", "Place obtenue depuis la liste d'attente"),
    ("propose", "Proposition"),
    ("publish", "Publication"),
    ("register", "Inscription"),
    ("reject", "Refus"),
    ("remove_file", "Fichier retiré"),
    ("request_complement", "Complément demandé"),
    ("review", "Évaluation"),
    ("revoke", "Révocation"),
    ("revoke_all", "Révocation de tous les jetons"),
    ("save", "Enregistrement"),
    ("send_invitation", "Invitation envoyée"),
    ("send_letter", "Courrier envoyé"),
    ("set_password", "Mot de passe changé"),
    ("set_photo", "Photo changée"),
    ("set_status", "Changement de statut"),
    ("set_template", "Modèle changé"),
    ("sign", "Signature"),
    ("start_review", "Mise en instruction"),
    ("submit", "Dépôt"),
    ("tick", "Étape cochée"),
    ("unarchive", "Désarchivage"),
    ("update", "Modification"),
    ("update_profile", "Profil modifié"),
    ("validate", "Validation"),
    ("withdraw", "Retrait"),
];

fn label<'a>(table: &[(&str, &'a str)], code: &'a str) -> &'a str {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

pub fn entity(code: &str) -> &str {
    label(ENTITIES, code)
}

pub fn action(code: &str) -> &str {
    label(ACTIONS, code)
}

/// The recorded fields, one « champ : valeur » a line, in the order
/// recorded; nested values are written compactly.
pub fn changes(fields: &Value) -> Vec<String> {
    match fields {
        Value::Null => Vec::new(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{} : {}", k.replace('_', " "), value(v)))
            .collect(),
        other => vec![value(other)],
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Null => "(vide)".to_owned(),
        Value::Bool(true) => "oui".to_owned(),
        Value::Bool(false) => "non".to_owned(),
        Value::String(s) if s.is_empty() => "(vide)".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value).collect::<Vec<_>>().join(", "),
        Value::Number(n) => n.to_string(),
        Value::Object(_) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codes_read_in_french_and_unknown_ones_as_they_are() {
        assert_eq!(action("grant_role"), "Rôle accordé");
        assert_eq!(entity("api_token"), "Jeton d'API");
        assert_eq!(action("something_new"), "something_new");
    }

    #[test]
    fn changes_are_lines_not_json() {
        let lines =
            changes(&json!({"roles": ["caf_agent", "coordinator"], "active": false, "name": ""}));
        assert!(
            lines.contains(&"roles : caf_agent, coordinator".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&"active : non".to_owned()));
        assert!(lines.contains(&"name : (vide)".to_owned()));
        assert!(changes(&Value::Null).is_empty());
    }
}
