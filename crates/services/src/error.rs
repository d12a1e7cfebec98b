//! The one error of the services: what went wrong, in terms the web layer
//! turns into a status and a French page or JSON body (and the worker into
//! a log line).

use std::collections::BTreeMap;

/// A French message per field (the same map as `domain::call::FieldErrors`).
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing does not exist, or is outside the caller's scope.
    #[error("not found")]
    NotFound,
    /// The caller is not (or no longer) who it claims: a stable code and a
    /// French message.
    #[error("unauthenticated ({code}): {message}")]
    Unauthenticated { code: &'static str, message: String },
    /// The caller sees the thing but may not do this; the reason in French.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The current state refuses the change: a stable code for programs,
    /// a French message for people.
    #[error("conflict ({code}): {message}")]
    Conflict { code: &'static str, message: String },
    /// Invalid input: a French message per field.
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    /// Input refused as a whole, with a code of its own ("not_ready",
    /// "missing_documents"), a French message and the fields concerned.
    #[error("unprocessable ({code}): {message}")]
    Unprocessable {
        code: &'static str,
        message: String,
        fields: FieldErrors,
    },
    /// A file or a body over its size limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// A file of a type not accepted here.
    #[error("unsupported type: {0}")]
    UnsupportedType(String),
    /// Too many attempts: try again later.
    #[error("too many requests: {0}")]
    TooMany(String),
    /// A request that cannot be read at all.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Anything else (database down, a bug): logged, never shown.
    #[error("internal error: {0}")]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl ServiceError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(BTreeMap::from([(field.to_owned(), message.into())]))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    /// 401-like: not signed in, or the session is gone.
    pub fn unauthenticated() -> Self {
        Self::Unauthenticated {
            code: "unauthorized",
            message: "Vous devez vous connecter.".to_owned(),
        }
    }

    pub fn too_many(message: impl Into<String>) -> Self {
        Self::TooMany(message.into())
    }

    pub fn invalid(fields: FieldErrors) -> Self {
        Self::Invalid(fields)
    }

    pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(e.into())
    }
}

impl From<store::StoreError> for ServiceError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::NotFound => Self::NotFound,
            store::StoreError::Conflict(what) => Self::conflict("conflict", conflict_message(what)),
            other => Self::Internal(Box::new(other)),
        }
    }
}

/// The French message of a unique constraint the store reported.
fn conflict_message(what: &str) -> String {
    match what {
        "email" => "Un compte existe déjà avec cette adresse e-mail.".to_owned(),
        other => format!("Conflit : {other}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_keep_their_meaning() {
        assert!(matches!(
            ServiceError::from(store::StoreError::NotFound),
            ServiceError::NotFound
        ));
        match ServiceError::from(store::StoreError::Conflict("email")) {
            ServiceError::Conflict { code, message } => {
                assert_eq!(code, "conflict");
                assert_eq!(message, "Un compte existe déjà avec cette adresse e-mail.");
            }
            other => panic!("{other:?}"),
        }
        match ServiceError::from(store::StoreError::Conflict("siret")) {
            ServiceError::Conflict { message, .. } => assert_eq!(message, "Conflit : siret."),
            other => panic!("{other:?}"),
        }
        let e = ServiceError::from(store::StoreError::Invalid("bad row".into()));
        assert!(matches!(e, ServiceError::Internal(_)));
        assert_eq!(e.to_string(), "internal error: invalid data: bad row");
    }
}
