//! Départements are identified by their INSEE code ("03", "63", "2A", "971").

use std::fmt;

use serde::{Deserialize, Serialize};

/// A French département code, as INSEE writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DepartmentCode(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("code de département invalide : « {0} »")]
pub struct InvalidDepartment(pub String);

impl DepartmentCode {
    pub fn parse(input: &str) -> Result<Self, InvalidDepartment> {
        let s = input.trim().to_ascii_uppercase();
        let ok = match s.len() {
            2 => {
                s == "2A"
                    || s == "2B"
                    || (s.bytes().all(|b| b.is_ascii_digit())
                        && s != "00"
                        && s != "20"
                        && s.as_str() <= "95")
            }
            3 => s.starts_with("97") && (b'1'..=b'6').contains(&s.as_bytes()[2]),
            _ => false,
        };
        if ok {
            Ok(Self(s))
        } else {
            Err(InvalidDepartment(input.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The codes written one after the other: `"03, 63"`.
    pub fn join(codes: &[DepartmentCode], separator: &str) -> String {
        codes
            .iter()
            .map(DepartmentCode::as_str)
            .collect::<Vec<_>>()
            .join(separator)
    }
}

impl TryFrom<String> for DepartmentCode {
    type Error = InvalidDepartment;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DepartmentCode> for String {
    fn from(value: DepartmentCode) -> Self {
        value.0
    }
}

/// A code compares with the text of a form or a query as it is written
/// there (a select's value, a path segment), without parsing it again.
impl PartialEq<str> for DepartmentCode {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for DepartmentCode {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for DepartmentCode {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl fmt::Display for DepartmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_metropolitan_corsican_and_overseas_codes() {
        for ok in ["03", "63", "2A", "2b", "95", "971", "976", " 01 "] {
            assert!(DepartmentCode::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(DepartmentCode::parse("2b").unwrap().as_str(), "2B");
    }

    #[test]
    fn refuses_what_is_not_a_department() {
        for bad in [
            "", "0", "00", "20", "96", "3", "977", "970", "6 3", "ab", "0303",
        ] {
            assert!(DepartmentCode::parse(bad).is_err(), "{bad}");
        }
    }
}
