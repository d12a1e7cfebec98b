//! What the API handlers of every area share: a page of a list, its
//! paging parameters, instants as RFC 3339.

use serde::Serialize;

/// An instant as RFC 3339 with the Paris offset.
pub fn rfc3339(t: jiff::Timestamp) -> String {
    domain::clock::in_paris(t)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `{"items": [...], "total": N}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// `?limit=` (default 50, max 500) and `?offset=`.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl Paging {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 500)
    }

    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
}
