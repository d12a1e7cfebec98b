//! Typst's error messages, which are in English, said in French for the
//! admins who edit the templates.

/// The most frequent messages (by their English beginning) and their
/// French translation; the rest of the message (a name, a key) follows.
const KNOWN: &[(&str, &str)] = &[
    ("unknown variable: ", "variable inconnue\u{202f}: "),
    (
        "dictionary does not contain key ",
        "la donnée demandée n’existe pas\u{202f}: ",
    ),
    (
        "unclosed delimiter",
        "délimiteur non fermé (crochet, parenthèse ou accolade)",
    ),
    (
        "unclosed string",
        "chaîne de caractères non fermée (guillemet manquant)",
    ),
    ("unexpected closing bracket", "crochet fermant en trop"),
    ("unexpected closing paren", "parenthèse fermante en trop"),
    ("unexpected closing brace", "accolade fermante en trop"),
    ("expected expression", "expression attendue"),
    ("unknown font family: ", "police inconnue\u{202f}: "),
    (
        "file not found",
        "fichier introuvable (seul « data.json » est disponible)",
    ),
    (
        "cannot access fields on type ",
        "impossible de lire un champ d’une valeur de type ",
    ),
    ("cannot add ", "addition impossible\u{202f}: "),
    ("cannot join ", "concaténation impossible\u{202f}: "),
    ("array index out of bounds", "indice hors du tableau"),
    ("loop seems to be infinite", "la boucle semble infinie"),
    (
        "maximum function call depth exceeded",
        "trop d’appels de fonctions imbriqués",
    ),
    ("unknown field", "champ inconnu"),
    ("unexpected argument", "argument inattendu"),
    ("missing argument: ", "argument manquant\u{202f}: "),
    ("panicked with: ", "arrêt demandé par le modèle\u{202f}: "),
    ("assertion failed", "vérification échouée"),
    (
        "can only be used when context is known",
        "ne peut être utilisé que dans un bloc « context »",
    ),
    (
        "unable to get the current date",
        "la date du jour n’est pas disponible\u{202f}: utilisez celle des données (data.date)",
    ),
    // The general forms last.
    ("expected ", "attendu\u{202f}: "),
    ("unexpected ", "inattendu\u{202f}: "),
];

/// Typst's `message` in French: translated when it is a known one, else
/// given as it is, said to be Typst's.
pub(super) fn french_message(message: &str) -> String {
    for (english, french) in KNOWN {
        if let Some(rest) = message.strip_prefix(english) {
            return format!("{french}{rest}");
        }
    }
    format!("erreur de Typst\u{202f}: {message}")
}

#[cfg(test)]
mod tests {
    use super::french_message;

    #[test]
    fn known_messages_are_translated() {
        assert_eq!(
            french_message("unknown variable: nom"),
            "variable inconnue\u{202f}: nom"
        );
        assert_eq!(
            french_message("dictionary does not contain key \"nom\""),
            "la donnée demandée n’existe pas\u{202f}: \"nom\""
        );
        assert_eq!(
            french_message("something new"),
            "erreur de Typst\u{202f}: something new"
        );
    }
}
