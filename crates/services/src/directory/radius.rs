//! How far from the commune searched the directory's page goes: 20 km
//! unless the person widens (or narrows) it. A parameter of the page's
//! address (`rayon`), so that it works without script and can be shared;
//! and the words that say it.

use domain::text::of_place;

/// The radius of a search from a commune when none is asked (km).
pub const DEFAULT_KM: u16 = 20;
/// The largest radius one may ask for by hand (km).
const MAX_KM: u16 = 500;
/// The choices offered: the parameter's value, and the radius (`None`:
/// every distance).
pub const CHOICES: [(&str, Option<u16>); 4] = [
    ("10", Some(10)),
    ("20", Some(20)),
    ("40", Some(40)),
    ("tous", None),
];

/// The radius asked: a whole number of km (1 to 500), `tous` for every
/// distance; anything else (nothing, a typo): the default.
pub fn parse(rayon: &str) -> Option<u16> {
    if rayon == "tous" {
        return None;
    }
    Some(
        rayon
            .parse::<u16>()
            .ok()
            .filter(|r| (1..=MAX_KM).contains(r))
            .unwrap_or(DEFAULT_KM),
    )
}

/// The parameter's value for a radius ("" for the default: shorter links).
pub fn value(km: Option<u16>) -> String {
    match km {
        Some(DEFAULT_KM) => String::new(),
        Some(km) => km.to_string(),
        None => "tous".to_owned(),
    }
}

/// "10 km", "Partout".
pub fn label(km: Option<u16>) -> String {
    km.map_or_else(|| "Partout".to_owned(), |km| format!("{km} km"))
}

/// "5 promeneurs à moins de 20 km de Vichy", or without a radius "5
/// promeneurs trouvés".
pub fn heading(total: usize, km: Option<u16>, place: Option<&str>) -> String {
    match (km, place) {
        (Some(km), Some(place)) => {
            let near = format!("à moins de {km} km {}", of_place(place));
            match total {
                0 => format!("Aucun promeneur {near}"),
                1 => format!("1 promeneur {near}"),
                n => format!("{n} promeneurs {near}"),
            }
        }
        _ => match total {
            0 => "Aucun promeneur trouvé".to_owned(),
            1 => "1 promeneur trouvé".to_owned(),
            n => format!("{n} promeneurs trouvés"),
        },
    }
}

/// When nobody is within the radius but someone farther matches: the
/// smallest choice that reaches the nearest one (every distance if none
/// does), and its words.
pub fn widen(nearest_km: f64, km: u16) -> (Option<u16>, String) {
    let reach = CHOICES
        .iter()
        .filter_map(|(_, r)| *r)
        .find(|r| *r > km && f64::from(*r) >= nearest_km);
    let nearest = if nearest_km < 1.0 {
        "à moins d'1 km".to_owned()
    } else {
        format!("à {nearest_km:.0} km")
    };
    let words = match reach {
        Some(r) => format!("Voir les promeneurs à moins de {r} km (le plus proche est {nearest})"),
        None => format!(
            "Voir tous les promeneurs, du plus proche au plus loin (le plus proche est {nearest})"
        ),
    };
    (reach, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_radius_is_read_leniently() {
        assert_eq!(parse(""), Some(20));
        assert_eq!(parse("10"), Some(10));
        assert_eq!(parse("40"), Some(40));
        assert_eq!(parse("tous"), None);
        assert_eq!(parse("0"), Some(20));
        assert_eq!(parse("9999"), Some(20));
        assert_eq!(parse("loin"), Some(20));
        assert_eq!(value(Some(20)), "");
        assert_eq!(value(Some(40)), "40");
        assert_eq!(value(None), "tous");
    }

    #[test]
    fn the_heading_says_how_near() {
        assert_eq!(
            heading(5, Some(20), Some("Vichy")),
            "5 promeneurs à moins de 20 km de Vichy"
        );
        assert_eq!(
            heading(1, Some(10), Some("Abrest")),
            "1 promeneur à moins de 10 km d'Abrest"
        );
        assert_eq!(
            heading(0, Some(10), Some("Vichy")),
            "Aucun promeneur à moins de 10 km de Vichy"
        );
        assert_eq!(heading(81, None, Some("Vichy")), "81 promeneurs trouvés");
        assert_eq!(heading(2, Some(20), None), "2 promeneurs trouvés");
    }

    #[test]
    fn widening_reaches_the_nearest() {
        assert_eq!(widen(23.4, 10).0, Some(40));
        assert_eq!(widen(15.0, 10).0, Some(20));
        assert_eq!(widen(57.0, 20).0, None);
        assert!(widen(57.0, 20).1.starts_with("Voir tous les promeneurs"));
        assert_eq!(
            widen(23.4, 10).1,
            "Voir les promeneurs à moins de 40 km (le plus proche est à 23 km)"
        );
    }
}
