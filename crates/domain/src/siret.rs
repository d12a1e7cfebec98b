//! SIRET numbers: the 14-digit identifier of an establishment (the 9-digit
//! SIREN of the legal unit, then the 5-digit NIC). The last digit is a Luhn
//! key, except for La Poste's establishments (see [`Siret::parse`]).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A SIRET whose length and control key have been checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum SiretError {
    #[error("Le SIRET doit compter 14 chiffres.")]
    Length,
    #[error("Le SIRET ne doit contenir que des chiffres.")]
    NotDigits,
    #[error("Le SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez les chiffres.")]
    Checksum,
}

/// The SIREN of La Poste, whose establishments do not follow the Luhn rule.
const LA_POSTE_SIREN: &str = "356000000";

impl Siret {
    /// Reads a SIRET as people type it: spaces, non-breaking spaces and dots
    /// between the digits are ignored.
    ///
    /// The control key is Luhn's. La Poste's establishments (SIREN
    /// 356000000) are numbered past what the key allows: INSEE accepts them
    /// when the sum of the 14 digits is a multiple of 5. A La Poste SIRET is
    /// therefore accepted when it passes either rule (its head office,
    /// 356 000 000 00048, passes Luhn but not the sum rule).
    pub fn parse(input: &str) -> Result<Self, SiretError> {
        let digits: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || *c == '.'))
            .collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(SiretError::NotDigits);
        }
        if digits.len() != 14 {
            return Err(SiretError::Length);
        }
        let la_poste = digits.starts_with(LA_POSTE_SIREN) && digit_sum(&digits).is_multiple_of(5);
        if luhn_ok(&digits) || la_poste {
            Ok(Self(digits))
        } else {
            Err(SiretError::Checksum)
        }
    }

    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SIREN of the legal unit (first 9 digits).
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }

    /// The establishment's internal number (last 5 digits).
    pub fn nic(&self) -> &str {
        &self.0[9..]
    }

    /// "123 456 789 00012", as INSEE prints it.
    pub fn formatted(&self) -> String {
        let s = &self.0;
        format!("{} {} {} {}", &s[..3], &s[3..6], &s[6..9], &s[9..])
    }
}

fn digit_values(digits: &str) -> impl DoubleEndedIterator<Item = u32> + '_ {
    digits.chars().filter_map(|c| c.to_digit(10))
}

fn digit_sum(digits: &str) -> u32 {
    digit_values(digits).sum()
}

/// Luhn: from the right, every second digit is doubled (minus 9 above 9).
fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digit_values(digits)
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl TryFrom<String> for Siret {
    type Error = SiretError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Siret> for String {
    fn from(value: Siret) -> Self {
        value.0
    }
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_sirets_as_people_type_them() {
        for (input, digits) in [
            ("73282932000074", "73282932000074"),
            ("732 829 320 00074", "73282932000074"),
            ("732.829.320.00074", "73282932000074"),
            ("732\u{a0}829\u{a0}320\u{202f}00074", "73282932000074"),
            (" 44306184100047 ", "44306184100047"),
            ("55208131766522", "55208131766522"),
        ] {
            assert_eq!(Siret::parse(input).unwrap().as_str(), digits, "{input}");
        }
    }

    #[test]
    fn splits_and_formats() {
        let s = Siret::parse("73282932000074").unwrap();
        assert_eq!(s.siren(), "732829320");
        assert_eq!(s.nic(), "00074");
        assert_eq!(s.formatted(), "732 829 320 00074");
        assert_eq!(s.to_string(), "73282932000074");
    }

    #[test]
    fn refuses_a_wrong_key() {
        assert_eq!(Siret::parse("73282932000075"), Err(SiretError::Checksum));
        assert_eq!(Siret::parse("50000000000000"), Err(SiretError::Checksum));
    }

    #[test]
    fn refuses_wrong_lengths_and_letters() {
        assert_eq!(Siret::parse(""), Err(SiretError::Length));
        assert_eq!(Siret::parse("7328293200007"), Err(SiretError::Length));
        assert_eq!(Siret::parse("732829320000740"), Err(SiretError::Length));
        assert_eq!(Siret::parse("7328293200007A"), Err(SiretError::NotDigits));
        assert_eq!(
            Siret::parse("732-829-320-00074"),
            Err(SiretError::NotDigits)
        );
    }

    #[test]
    fn la_poste_establishments_follow_the_sum_rule() {
        // Digit sums 35: valid although Luhn fails.
        assert!(Siret::parse("35600000009075").is_ok());
        assert!(Siret::parse("356 000 000 09093").is_ok());
        // The head office passes Luhn (sum 26).
        assert!(Siret::parse("35600000000048").is_ok());
        // Neither rule.
        assert_eq!(Siret::parse("35600000009090"), Err(SiretError::Checksum));
        assert_eq!(Siret::parse("35600000000049"), Err(SiretError::Checksum));
        // The sum rule does not extend to other SIRENs: 73282932000077 has
        // a digit sum of 50 but a wrong Luhn key.
        assert!(digit_sum("73282932000077").is_multiple_of(5));
        assert!(!luhn_ok("73282932000077"));
        assert_eq!(Siret::parse("73282932000077"), Err(SiretError::Checksum));
    }

    #[test]
    fn messages_are_french() {
        assert_eq!(
            SiretError::Length.to_string(),
            "Le SIRET doit compter 14 chiffres."
        );
        assert!(SiretError::Checksum.to_string().contains("clé de contrôle"));
    }

    #[test]
    fn crosses_json_as_a_string() {
        let s = Siret::parse("732 829 320 00074").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"73282932000074\"");
        let back: Siret = serde_json::from_str("\"732 829 320 00074\"").unwrap();
        assert_eq!(back, s);
        assert!(serde_json::from_str::<Siret>("\"73282932000075\"").is_err());
    }
}
