//! HTML forms: reading their fields (the raw pairs in order, for fields
//! that repeat: `themes`, rows of accounts and slots), their errors by
//! field, the summary of those errors, and the page shown again with them.

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

/// One line of a form's error summary: the message, linked to its control.
pub struct ErrorLink {
    /// `#` and the id of the control; empty: the message has no control
    /// to go to (shown without a link).
    pub href: String,
    pub text: String,
}

/// The errors of a form as links to their controls, in the order of
/// `order` (field names, a name also covering its rows `name.…`; errors
/// of other fields last), rows by their number; `ids` maps an error key
/// to the id of the control it is about when they differ (a group of
/// checkboxes), an empty id giving a message without a link.
pub fn error_links(errors: &Errs, order: &[&str], ids: &[(&str, &str)]) -> Vec<ErrorLink> {
    let rank = |k: &str| {
        order
            .iter()
            .position(|p| k == *p || k.strip_prefix(p).is_some_and(|r| r.starts_with('.')))
            .unwrap_or(order.len())
    };
    let mut keys: Vec<(&String, &String)> = errors.0.iter().collect();
    keys.sort_by_key(|(k, _)| (rank(k), row_index(k), (*k).clone()));
    keys.into_iter()
        .map(|(k, v)| {
            let id = ids
                .iter()
                .find(|(key, _)| key == k)
                .map_or(k.as_str(), |(_, id)| id);
            ErrorLink {
                href: if id.is_empty() {
                    String::new()
                } else {
                    format!("#{id}")
                },
                text: v.clone(),
            }
        })
        .collect()
}

/// The row number of `criteria.12.key` (so that row 10 comes after 2).
fn row_index(k: &str) -> usize {
    k.split('.')
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
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

/// A form page: 422 when it shows errors (`refused`), 200 otherwise.
pub fn form_page(
    page: &impl askama::Template,
    refused: bool,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    if refused {
        rejected(page)
    } else {
        Ok(crate::view::render(page)?.into_response())
    }
}

/// A form page's title, "Erreur : …" when it shows errors.
pub fn form_title(errors: &Errs, title: &str) -> String {
    if errors.any() {
        format!("Erreur : {}", title.to_lowercase())
    } else {
        title.to_owned()
    }
}

/// A form refused: on invalid fields (422) the page shown again, built by
/// `page` with the errors by field, with a 422; any other error as it is.
pub async fn redisplay<P, F, Fut>(
    e: impl Into<AppError>,
    page: F,
) -> Result<axum::response::Response, AppError>
where
    P: askama::Template,
    F: FnOnce(Errs) -> Fut,
    Fut: std::future::Future<Output = Result<P, AppError>>,
{
    let errors = Errs::from_error(e.into())?;
    rejected(&page(errors).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errs(pairs: &[(&str, &str)]) -> Errs {
        Errs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn errors_link_to_their_fields_in_form_order() {
        let errs = errs(&[
            ("criteria.10.key", "a"),
            ("criteria.2.weight", "b"),
            ("deadline", "c"),
            ("title", "d"),
        ]);
        let links = error_links(
            &errs,
            &["title", "deadline", "criteria"],
            &[("deadline", "deadline_date")],
        );
        let hrefs: Vec<&str> = links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "#title",
                "#deadline_date",
                "#criteria.2.weight",
                "#criteria.10.key"
            ]
        );
    }

    #[test]
    fn an_error_without_a_control_has_no_link_and_unknown_fields_come_last() {
        let errs = errs(&[("other", "x"), ("module", "m"), ("departments", "d")]);
        let links = error_links(
            &errs,
            &["module", "departments"],
            &[("departments", "departments-group"), ("module", "")],
        );
        let got: Vec<(&str, &str)> = links
            .iter()
            .map(|l| (l.href.as_str(), l.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [("", "m"), ("#departments-group", "d"), ("#other", "x")]
        );
    }
}
