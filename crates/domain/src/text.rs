//! Normalised search keys: French search ignores case, accents and
//! punctuation ("Saint-Éloy-les-Mines" is found by "st eloy" and "saint eloy").

/// Lower-cases, strips diacritics, turns punctuation into single spaces and
/// expands the "st"/"ste" abbreviations.
pub fn search_key(input: &str) -> String {
    let mut folded = String::with_capacity(input.len());
    for c in input.chars().flat_map(char::to_lowercase) {
        match fold_char(c) {
            Some(s) => folded.push_str(s),
            None if c.is_alphanumeric() => folded.push(c),
            None => folded.push(' '),
        }
    }
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(match word {
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        });
    }
    out
}

fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'œ' => "oe",
        'æ' => "ae",
        '\'' | '’' | '-' | '_' | '.' | ',' | '/' => " ",
        c if c.is_ascii_alphanumeric() => return None,
        _ => return None,
    })
}

/// "de Vichy", "d'Aigueperse", "d'Issoire": "de" before a place name,
/// elided before a vowel (and a mute h, as in "d'Hérisson").
pub fn of_place(name: &str) -> String {
    let elided = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUYHÂÉÈÊÎÔ".contains(c));
    if elided {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::{of_place, search_key};

    #[test]
    fn ignores_case_accents_and_punctuation() {
        assert_eq!(search_key("Saint-Éloy-les-Mines"), "saint eloy les mines");
        assert_eq!(search_key("ST ELOY"), "saint eloy");
        assert_eq!(search_key("Puy-de-Dôme"), "puy de dome");
        assert_eq!(search_key("L’Œuvre d'Art"), "l oeuvre d art");
        assert_eq!(search_key("  Vichy  "), "vichy");
    }

    #[test]
    fn de_is_elided_before_a_vowel() {
        assert_eq!(of_place("Vichy"), "de Vichy");
        assert_eq!(of_place("Aigueperse"), "d'Aigueperse");
        assert_eq!(of_place("Issoire"), "d'Issoire");
        assert_eq!(of_place("Ébreuil"), "d'Ébreuil");
        assert_eq!(of_place("Hérisson"), "d'Hérisson");
    }
}
