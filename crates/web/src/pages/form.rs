//! Reading HTML forms whose fields repeat (`themes`, rows of accounts and
//! slots): the raw pairs, in order.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
};
use std::collections::BTreeMap;

use crate::AppError;

/// The name/value pairs of an `application/x-www-form-urlencoded` body.
pub struct Fields(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::bad_request("Formulaire illisible."))?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Fields)
            .map_err(|_| AppError::bad_request("Formulaire illisible."))
    }
}

impl Fields {
    /// The first value of a field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        matches!(self.get(name), "on" | "1" | "true" | "oui")
    }

    /// Rows `prefix.N.field`, in the order of N.
    pub fn rows(&self, prefix: &str, fields: &[&str]) -> Vec<Vec<String>> {
        let mut by_index: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for (k, v) in &self.0 {
            let Some(rest) = k.strip_prefix(prefix).and_then(|r| r.strip_prefix('.')) else {
                continue;
            };
            let Some((n, field)) = rest.split_once('.') else {
                continue;
            };
            let (Ok(n), Some(pos)) = (n.parse::<usize>(), fields.iter().position(|f| *f == field))
            else {
                continue;
            };
            if n > 50 {
                continue;
            }
            by_index
                .entry(n)
                .or_insert_with(|| vec![String::new(); fields.len()])[pos]
                .clone_from(v);
        }
        by_index.into_values().collect()
    }
}

/// Errors by field, for templates.
#[derive(Default, Clone)]
pub struct Errs(pub BTreeMap<String, String>);

impl Errs {
    pub fn from_error(e: AppError) -> Result<Self, AppError> {
        if e.status == axum::http::StatusCode::UNPROCESSABLE_ENTITY {
            Ok(Self(e.fields))
        } else {
            Err(e)
        }
    }

    pub fn on(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// Errors of fields the form does not show as such.
    pub fn others(&self, shown: &[&str]) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| {
                !shown
                    .iter()
                    .any(|s| k.as_str() == *s || k.starts_with(&format!("{s}.")))
            })
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A form page shown again with its errors: 422, so that scripts and tests
/// see the refusal, with the page a person reads.
pub fn rejected(page: &impl askama::Template) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    Ok((
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        crate::view::render(page)?,
    )
        .into_response())
}
