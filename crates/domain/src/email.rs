//! E-mail addresses, normalised once at the edge (trimmed, lower-cased).

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("adresse e-mail invalide")]
pub struct InvalidEmail;

impl Email {
    pub fn parse(input: &str) -> Result<Self, InvalidEmail> {
        let s = input.trim().to_lowercase();
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidEmail);
        }
        let (local, domain) = s.split_once('@').ok_or(InvalidEmail)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains(['<', '>', '(', ')', ',', ';', ':', '\\', '"', '[', ']', '@']);
        if domain_ok && local_ok {
            Ok(Self(s))
        } else {
            Err(InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidEmail;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_spaces() {
        let e = Email::parse("  Alexandra.Meritet@CAF03.caf.fr ").unwrap();
        assert_eq!(e.as_str(), "alexandra.meritet@caf03.caf.fr");
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "", "a", "a@b", "@caf.fr", "a@.fr", "a@b..fr", "a b@c.fr", "a@b.fr.", "<a>@b.fr",
            "a@b@c.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
