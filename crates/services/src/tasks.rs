//! What a home is made of: sections of tasks ("3 structures à valider",
//! with the link to them), shared by the home and the areas that add their
//! own part to it.

use serde::Serialize;

/// One part of the home: a heading, what to do, and a sentence when there
/// is nothing to count.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    pub tasks: Vec<Task>,
    /// Said under the tasks (or instead of them).
    pub note: Option<String>,
}

/// One thing to look at: "3 structures à valider", with the link to them.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub label: String,
    /// How many, when it is a count (0 is shown: nothing waiting).
    pub count: Option<i64>,
    pub href: String,
    /// A second line: a deadline, a state, what is missing.
    pub detail: Option<String>,
    /// Something waits for the reader (a count above 0, a missing piece).
    pub pending: bool,
}

impl Task {
    pub(crate) fn count(label: &str, count: i64, href: String) -> Self {
        Self {
            label: label.to_owned(),
            count: Some(count),
            href,
            detail: None,
            pending: count > 0,
        }
    }

    pub(crate) fn link(label: String, href: String, detail: Option<String>, pending: bool) -> Self {
        Self {
            label,
            count: None,
            href,
            detail,
            pending,
        }
    }
}

pub(crate) fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// "1 candidature déposée", "3 candidatures déposées", "aucune …".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("0 {one}"),
        1 => format!("1 {one}"),
        _ => format!("{n} {many}"),
    }
}
