//! Dates and yes/no answers as people type them in forms and spreadsheets
//! ("17/03/2024", "17 mars 2024", "oui", "x").

use jiff::civil::Date;

use crate::text::search_key;

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
#[error("Date non reconnue : écrivez-la JJ/MM/AAAA.")]
pub struct DateInputError {
    /// What was typed, for the caller to quote.
    pub input: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
#[error("Réponse non reconnue : « {0} ». Écrivez « oui » ou « non ».")]
pub struct YesNoError(pub String);

/// Reads a date written "2024-03-17", "17/03/2024", "17/03/24",
/// "17-03-2024", "17.03.2024", "1/3/2024", or in words ("17 mars 2024",
/// "1er mars 2024", "dimanche 17 mars 2024", "17 sept. 2024").
///
/// Spreadsheet exports may add a midnight time ("2024-03-17 00:00:00"),
/// which is ignored; any other time is refused. Two-digit years follow
/// spreadsheets: 00–29 are 2000–2029, 30–99 are 1930–1999. Impossible
/// dates (31/02) are refused.
pub fn parse_french_date(input: &str) -> Result<Date, DateInputError> {
    let error = || DateInputError {
        input: input.trim().to_owned(),
    };
    let s = input.trim();
    let s = ["T00:00:00", " 00:00:00", "T00:00", " 00:00"]
        .iter()
        .find_map(|suffix| s.strip_suffix(suffix))
        .unwrap_or(s)
        .trim();
    let (year, month, day) = numeric(s).or_else(|| in_words(s)).ok_or_else(error)?;
    Date::new(year, month, day).map_err(|_| error())
}

/// "2024-03-17", or day, month and year separated by "/", "-" or ".".
fn numeric(s: &str) -> Option<(i16, i8, i8)> {
    let sep = s.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(a) && all_digits(b) && all_digits(c)) {
        return None;
    }
    if a.len() == 4 && sep == '-' {
        // ISO 8601.
        if b.len() != 2 || c.len() != 2 {
            return None;
        }
        return Some((a.parse().ok()?, b.parse().ok()?, c.parse().ok()?));
    }
    if a.len() > 2 || b.len() > 2 {
        return None;
    }
    Some((year(c)?, b.parse().ok()?, a.parse().ok()?))
}

/// A four-digit year, or two digits read as spreadsheets do.
fn year(s: &str) -> Option<i16> {
    let n: i16 = s.parse().ok()?;
    match s.len() {
        4 => Some(n),
        2 if n < 30 => Some(2000 + n),
        2 => Some(1900 + n),
        _ => None,
    }
}

/// "17 mars 2024", "1er mars 2024", "dimanche 17 mars 2024".
fn in_words(s: &str) -> Option<(i16, i8, i8)> {
    const WEEKDAYS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    let key = search_key(s);
    let mut words: Vec<&str> = key.split(' ').collect();
    if words.first().is_some_and(|w| WEEKDAYS.contains(w)) {
        words.remove(0);
    }
    let [day, month, y] = words.as_slice() else {
        return None;
    };
    let day = day.strip_suffix("er").unwrap_or(day);
    if day.is_empty() || day.len() > 2 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if y.len() != 4 {
        return None;
    }
    Some((year(y)?, month_number(month)?, day.parse().ok()?))
}

fn month_number(word: &str) -> Option<i8> {
    const MONTHS: [(&str, &[&str]); 12] = [
        ("janvier", &["janv", "jan"]),
        ("fevrier", &["fevr", "fev"]),
        ("mars", &["mar"]),
        ("avril", &["avr"]),
        ("mai", &[]),
        ("juin", &[]),
        ("juillet", &["juil"]),
        ("aout", &[]),
        ("septembre", &["sept", "sep"]),
        ("octobre", &["oct"]),
        ("novembre", &["nov"]),
        ("decembre", &["dec"]),
    ];
    let index = MONTHS
        .iter()
        .position(|(name, short)| *name == word || short.contains(&word))?;
    i8::try_from(index + 1).ok()
}

/// Reads a yes/no cell: "oui", "o", "yes", "y", "vrai", "true", "1", "x",
/// "✓" are yes; "non", "n", "no", "faux", "false", "0" and an empty cell
/// are no. Case is ignored.
pub fn parse_yes_no(input: &str) -> Result<bool, YesNoError> {
    let s = input.trim().to_lowercase();
    match s.as_str() {
        "oui" | "o" | "yes" | "y" | "vrai" | "true" | "1" | "x" | "✓" | "✔" => Ok(true),
        "non" | "n" | "no" | "faux" | "false" | "0" | "" => Ok(false),
        _ => Err(YesNoError(input.trim().to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn reads_the_usual_ways_of_writing_a_date() {
        for input in [
            "2024-03-17",
            "17/03/2024",
            "17/03/24",
            "17-03-2024",
            "17.03.2024",
            "17/3/2024",
            " 17/03/2024 ",
            "2024-03-17 00:00:00",
            "2024-03-17T00:00:00",
            "17/03/2024 00:00",
            "17 mars 2024",
            "17 Mars 2024",
            "dimanche 17 mars 2024",
            "17 mar. 2024",
        ] {
            assert_eq!(parse_french_date(input), Ok(date(2024, 3, 17)), "{input}");
        }
        assert_eq!(parse_french_date("1/3/2024"), Ok(date(2024, 3, 1)));
        assert_eq!(parse_french_date("1er mars 2024"), Ok(date(2024, 3, 1)));
        assert_eq!(parse_french_date("15 août 2024"), Ok(date(2024, 8, 15)));
        assert_eq!(parse_french_date("3 févr. 2025"), Ok(date(2025, 2, 3)));
        assert_eq!(parse_french_date("29/02/2024"), Ok(date(2024, 2, 29)));
    }

    #[test]
    fn two_digit_years_follow_spreadsheets() {
        assert_eq!(parse_french_date("01/01/29"), Ok(date(2029, 1, 1)));
        assert_eq!(parse_french_date("01/01/30"), Ok(date(1930, 1, 1)));
        assert_eq!(parse_french_date("01/01/00"), Ok(date(2000, 1, 1)));
    }

    #[test]
    fn refuses_impossible_or_ambiguous_dates() {
        for bad in [
            "",
            "17",
            "17/03",
            "31/02/2024",
            "29/02/2023",
            "17/13/2024",
            "00/03/2024",
            "2024/03/17",
            "2024-3-17",
            "17/03/2024/1",
            "17/03-2024",
            "17/03/202",
            "117/03/2024",
            "17 mars",
            "17 foo 2024",
            "17 mars 24",
            "2024-03-17 10:30",
            "hier",
        ] {
            let e = parse_french_date(bad).expect_err(bad);
            assert_eq!(e.input, bad.trim());
        }
        assert_eq!(
            parse_french_date("31/02/2024").unwrap_err().to_string(),
            "Date non reconnue : écrivez-la JJ/MM/AAAA."
        );
    }

    #[test]
    fn reads_yes_and_no() {
        for yes in [
            "oui", "OUI", " Oui ", "o", "1", "true", "TRUE", "x", "X", "vrai", "yes", "✓",
        ] {
            assert_eq!(parse_yes_no(yes), Ok(true), "{yes}");
        }
        for no in ["non", "Non", "n", "0", "false", "", "   ", "faux", "no"] {
            assert_eq!(parse_yes_no(no), Ok(false), "{no}");
        }
        for bad in ["peut-être", "2", "ok", "-"] {
            assert!(parse_yes_no(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_yes_no("bof").unwrap_err().to_string(),
            "Réponse non reconnue : « bof ». Écrivez « oui » ou « non »."
        );
    }
}
