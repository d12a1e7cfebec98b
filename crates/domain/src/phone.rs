//! Professional telephone numbers, stored in E.164 ("+33470300000") and
//! shown the French way ("04 70 30 00 00").
//!
//! National numbers of the overseas départements (0262, 0590, 0696…) belong
//! to their own country codes in E.164 (+262, +590, +596…); they are stored
//! that way and still shown in the national format.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A telephone number in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
#[error(
    "Numéro de téléphone non reconnu : 10 chiffres commençant par 0, ou +33 suivi de 9 chiffres."
)]
pub struct InvalidPhone;

/// French national prefixes (the three digits after the leading 0) that
/// belong to an overseas country code, per the ARCEP numbering plan.
const OVERSEAS: [(&str, &str); 15] = [
    // Guadeloupe, Saint-Martin, Saint-Barthélemy.
    ("590", "590"),
    ("690", "590"),
    ("691", "590"),
    // Guyane.
    ("594", "594"),
    ("694", "594"),
    // Martinique.
    ("596", "596"),
    ("696", "596"),
    ("697", "596"),
    // La Réunion and Mayotte.
    ("262", "262"),
    ("263", "262"),
    ("269", "262"),
    ("692", "262"),
    ("693", "262"),
    ("639", "262"),
    // Saint-Pierre-et-Miquelon.
    ("508", "508"),
];

impl Phone {
    /// Accepts "04 70 30 00 00", "04.70.30.00.00", "0470300000",
    /// "+33 4 70 30 00 00", "+33 (0)4 70 30 00 00", "0033470300000", and
    /// other international numbers written "+" (or "00"), country code and
    /// number: 8 to 15 digits in all.
    pub fn parse(input: &str) -> Result<Self, InvalidPhone> {
        let cleaned: String = input
            .replace("(0)", "")
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '/' | '(' | ')')))
            .collect();
        let (international, digits) = if let Some(rest) = cleaned.strip_prefix('+') {
            (true, rest)
        } else if let Some(rest) = cleaned.strip_prefix("00")
            && cleaned.len() != 10
        {
            // "00 70 30 00 00" is a mistyped national number, not a call abroad.
            (true, rest)
        } else {
            (false, cleaned.as_str())
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidPhone);
        }
        if !international {
            return match digits.strip_prefix('0') {
                Some(nine) if digits.len() == 10 => french(nine),
                _ => Err(InvalidPhone),
            };
        }
        if let Some(national) = digits.strip_prefix("33") {
            // "+33 04 70…": the trunk 0 written by mistake.
            let nine = match national.strip_prefix('0') {
                Some(rest) if national.len() == 10 => rest,
                _ => national,
            };
            return french(nine);
        }
        if digits.starts_with('0') || !(8..=15).contains(&digits.len()) {
            return Err(InvalidPhone);
        }
        // "+262 0262…": same mistake in an overseas département.
        for (_, cc) in OVERSEAS {
            if let Some(national) = digits.strip_prefix(cc)
                && national.len() == 10
                && let Some(nine) = national.strip_prefix('0')
            {
                return french(nine);
            }
        }
        Ok(Self(format!("+{digits}")))
    }

    /// The E.164 form, "+33470300000".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The E.164 form, "+33470300000".
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The 10-digit national form ("0470300000", "0262123456") for numbers
    /// of the French numbering plan, overseas included.
    pub fn national(&self) -> Option<String> {
        let digits = &self.0[1..];
        if let Some(nine) = digits.strip_prefix("33")
            && nine.len() == 9
        {
            return Some(format!("0{nine}"));
        }
        OVERSEAS.iter().find_map(|(prefix, cc)| {
            digits
                .strip_prefix(cc)
                .filter(|nine| nine.len() == 9 && nine.starts_with(prefix))
                .map(|nine| format!("0{nine}"))
        })
    }

    /// "04 70 30 00 00" for French numbers, the E.164 form otherwise.
    pub fn display(&self) -> String {
        match self.national() {
            Some(n) => {
                let mut out = String::with_capacity(14);
                for (i, c) in n.chars().enumerate() {
                    if i > 0 && i % 2 == 0 {
                        out.push(' ');
                    }
                    out.push(c);
                }
                out
            }
            None => self.0.clone(),
        }
    }

    /// "tel:+33470300000", for links.
    pub fn tel_uri(&self) -> String {
        format!("tel:{}", self.0)
    }
}

/// The nine digits after the trunk 0 of a French number.
fn french(nine: &str) -> Result<Phone, InvalidPhone> {
    if nine.len() != 9 || nine.starts_with('0') || !nine.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidPhone);
    }
    let cc = OVERSEAS
        .iter()
        .find(|(prefix, _)| nine.starts_with(prefix))
        .map_or("33", |(_, cc)| cc);
    Ok(Phone(format!("+{cc}{nine}")))
}

impl TryFrom<String> for Phone {
    type Error = InvalidPhone;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(value: Phone) -> Self {
        value.0
    }
}

/// The E.164 form; use [`Phone::display`] for people.
impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_french_numbers_in_every_usual_form() {
        for input in [
            "04 70 30 00 00",
            "0470300000",
            "04.70.30.00.00",
            "04-70-30-00-00",
            "04\u{a0}70\u{a0}30\u{a0}00\u{a0}00",
            "+33 4 70 30 00 00",
            "+33470300000",
            "+33 (0)4 70 30 00 00",
            "+33 04 70 30 00 00",
            "0033 4 70 30 00 00",
            " 04 70 30 00 00 ",
        ] {
            let p = Phone::parse(input).unwrap_or_else(|_| panic!("{input}"));
            assert_eq!(p.e164(), "+33470300000", "{input}");
            assert_eq!(p.display(), "04 70 30 00 00", "{input}");
        }
        assert_eq!(
            Phone::parse("06 12 34 56 78").unwrap().as_str(),
            "+33612345678"
        );
    }

    #[test]
    fn overseas_departements_get_their_own_country_code() {
        let p = Phone::parse("02 62 12 34 56").unwrap();
        assert_eq!(p.e164(), "+262262123456");
        assert_eq!(p.display(), "02 62 12 34 56");
        let p = Phone::parse("0696 12 34 56").unwrap();
        assert_eq!(p.e164(), "+596696123456");
        assert_eq!(p.display(), "06 96 12 34 56");
        // Written with the international prefix, or wrongly with +33.
        assert_eq!(
            Phone::parse("+262 262 12 34 56").unwrap(),
            Phone::parse("0262123456").unwrap()
        );
        assert_eq!(
            Phone::parse("+33 2 62 12 34 56").unwrap().e164(),
            "+262262123456"
        );
        assert_eq!(
            Phone::parse("+590 0590 12 34 56").unwrap().e164(),
            "+590590123456"
        );
        assert_eq!(Phone::parse("0639123456").unwrap().e164(), "+262639123456");
    }

    #[test]
    fn other_countries_are_kept_in_e164() {
        let p = Phone::parse("+41 22 123 45 67").unwrap();
        assert_eq!(p.e164(), "+41221234567");
        assert_eq!(p.display(), "+41221234567");
        assert_eq!(p.national(), None);
        assert_eq!(
            Phone::parse("0032 2 123 45 67").unwrap().e164(),
            "+3221234567"
        );
        assert_eq!(p.tel_uri(), "tel:+41221234567");
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        for bad in [
            "",
            "0",
            "047030000",
            "04703000000",
            "4 70 30 00 00",
            "00 70 30 00 00",
            "+33 4 70 30 00",
            "+33 4 70 30 00 00 0",
            "+33 0 70 30 00 00",
            "+1234567",
            "+1234567890123456",
            "+0 1234 5678",
            "04 70 3O 00 00",
            "tél. 04 70 30 00 00",
        ] {
            assert_eq!(Phone::parse(bad), Err(InvalidPhone), "{bad}");
        }
        assert_eq!(
            InvalidPhone.to_string(),
            "Numéro de téléphone non reconnu : 10 chiffres commençant par 0, ou +33 suivi de 9 chiffres."
        );
    }

    #[test]
    fn crosses_json_as_e164() {
        let p = Phone::parse("04 70 30 00 00").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"+33470300000\"");
        let back: Phone = serde_json::from_str("\"+33470300000\"").unwrap();
        assert_eq!(back, p);
        assert!(serde_json::from_str::<Phone>("\"123\"").is_err());
    }
}
