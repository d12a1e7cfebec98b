//! Passwords: the rules a new password must meet, and argon2id hashing.
//! Hashing is CPU-heavy: callers in async code run it on a blocking thread.

use std::fmt;

/// A password that meets the rules. Its `Debug` never shows it.
pub struct NewPassword(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WeakPassword {
    #[error("le mot de passe doit compter au moins {0} caractères")]
    TooShort(usize),
    #[error("le mot de passe ne doit pas dépasser 256 caractères")]
    TooLong,
}

impl NewPassword {
    pub const MIN_CHARS: usize = 10;

    pub fn parse(input: &str) -> Result<Self, WeakPassword> {
        let n = input.chars().count();
        if n < Self::MIN_CHARS {
            return Err(WeakPassword::TooShort(Self::MIN_CHARS));
        }
        if n > 256 {
            return Err(WeakPassword::TooLong);
        }
        Ok(Self(input.to_owned()))
    }

    /// An argon2id PHC string.
    pub fn hash(&self) -> String {
        password_auth::generate_hash(&self.0)
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// Checks a password against a stored hash.
pub fn verify(candidate: &str, hash: &str) -> bool {
    password_auth::verify_password(candidate, hash).is_ok()
}

/// A fixed hash checked when the account does not exist, so that an unknown
/// address costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| password_auth::generate_hash("promeneurs-timing-equaliser"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_others_do_not() {
        let p = NewPassword::parse("correct horse battery").unwrap();
        let h = p.hash();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterie", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            NewPassword::parse("court").unwrap_err(),
            WeakPassword::TooShort(10)
        );
        assert!(format!("{:?}", NewPassword::parse("0123456789").unwrap()).contains("***"));
    }
}
