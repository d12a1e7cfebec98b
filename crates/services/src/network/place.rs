//! Where a search of the directory is measured from: the place a person
//! typed (a name, a postal code, "03200 Vichy") or a link gave (an INSEE
//! code), resolved against the communes served, with what to say when it
//! is not one commune.

use domain::text::search_key;
use store::reference::Commune;

use super::input::CommuneIndex;

/// Where the distances are measured from, and what to say when the place
/// typed is not one commune.
#[derive(Default)]
pub struct Place<'a> {
    pub origin: Option<&'a Commune>,
    pub notice: Option<String>,
    pub suggestions: Vec<&'a Commune>,
}

/// Resolves the place typed (`ou`: a name, a postal code, "03200 Vichy") or
/// given by a link (`commune`: an INSEE code).
pub fn locate<'a>(communes: &'a CommuneIndex, ou: &str, insee: &str) -> Place<'a> {
    if ou.is_empty() {
        return match (insee.is_empty(), communes.get(insee)) {
            (true, _) => Place::default(),
            (false, Some(c)) => Place {
                origin: Some(c),
                ..Place::default()
            },
            (false, None) => Place {
                notice: Some(
                    "Cette commune n'est pas dans l'Allier ni dans le Puy-de-Dôme : voici tous les promeneurs."
                        .to_owned(),
                ),
                ..Place::default()
            },
        };
    }
    // Five digits typed by a person are a postal code (03200 is Vichy's,
    // and also the INSEE code of Neuvy): several communes may share it.
    if ou.len() == 5 && ou.bytes().all(|b| b.is_ascii_digit()) {
        let shared: Vec<&Commune> = communes
            .suggest(ou, 20)
            .into_iter()
            .filter(|c| c.postal_codes.split_whitespace().any(|p| p == ou))
            .collect();
        match shared.as_slice() {
            [] => {}
            [one] => {
                return Place {
                    origin: Some(one),
                    ..Place::default()
                };
            }
            [first, others @ ..] => {
                // Neighbours: the most populous one is a fair centre.
                return Place {
                    origin: Some(first),
                    notice: Some(format!(
                        "Le code postal {ou} couvre plusieurs communes : les distances sont comptées depuis {}. Tu habites ailleurs ? Choisis ta commune :",
                        first.name
                    )),
                    suggestions: others.iter().take(8).copied().collect(),
                };
            }
        }
    }
    if let Ok(c) = communes.resolve(ou) {
        return Place {
            origin: Some(c),
            ..Place::default()
        };
    }
    let suggestions = communes.suggest(ou, 6);
    let key = search_key(ou);
    let homonyms = suggestions
        .iter()
        .filter(|c| search_key(&c.name) == key)
        .count();
    let notice = if homonyms > 1 {
        format!("Plusieurs communes s'appellent « {ou} ». Choisis la tienne :")
    } else if suggestions.is_empty() {
        format!(
            "On ne trouve pas « {ou} » dans l'Allier ni dans le Puy-de-Dôme. Vérifie l'orthographe ou essaie ton code postal. En attendant, voici tous les promeneurs."
        )
    } else {
        format!("On ne trouve pas exactement « {ou} ». Tu voulais dire :")
    };
    Place {
        origin: None,
        notice: Some(notice),
        suggestions,
    }
}
