//! The public directory over the API (API.md "Public pages").

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use domain::Platform;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::json::Paging;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppError, AppState,
    auth::MaybeUser,
    network::directory::{DirectoryQuery, json_page},
};
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(public_promeneurs))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PublicQuery {
    /// INSEE code of the commune to sort by distance from.
    pub commune: Option<String>,
    pub department: Option<String>,
    pub network: Option<String>,
    pub theme: Option<String>,
    pub q: Option<String>,
    pub online_now: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl PublicQuery {
    /// The directory query; unknown values are 422 for the API.
    pub async fn to_query(&self, state: &AppState) -> Result<DirectoryQuery, AppError> {
        let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let origin = match nonempty(&self.commune) {
            Some(c) => {
                let communes = state.communes().await?;
                let c = communes
                    .get(c.trim())
                    .ok_or_else(|| AppError::invalid_field("commune", "Commune inconnue."))?;
                Some((c.lat, c.lon))
            }
            None => None,
        };
        Ok(DirectoryQuery {
            origin,
            department: nonempty(&self.department),
            network: match nonempty(&self.network) {
                Some(n) => Some(
                    Platform::parse(&n)
                        .map_err(|e| AppError::invalid_field("network", e.to_string()))?,
                ),
                None => None,
            },
            theme: nonempty(&self.theme),
            q: nonempty(&self.q),
            online_now: matches!(
                self.online_now.as_deref(),
                Some("true" | "1" | "on" | "oui")
            ),
        })
    }
}

/// The public directory: only promeneurs that pass the gating; never an
/// e-mail or a phone number.
#[utoipa::path(get, path = "/api/v1/public/promeneurs", tag = "public", params(PublicQuery),
    responses((status = 200, description = "`{items, total}` of public profiles")))]
pub async fn public_promeneurs(
    State(state): State<AppState>,
    MaybeUser(_): MaybeUser,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let now = state.now();
    let snapshot = state.directory.snapshot(&state.db, now).await?;
    let query = q.to_query(&state).await?;
    let pg = Paging {
        limit: q.limit,
        offset: q.offset,
    };
    let (offset, limit) = (
        usize::try_from(pg.offset()).unwrap_or(0),
        usize::try_from(pg.limit()).unwrap_or(50),
    );
    let key = format!("api:{offset}:{limit}:{}", query.cache_key(now, false));
    let body = if let Some(body) = snapshot.cached(&key) {
        body
    } else {
        let (total, hits) = snapshot.search(&query, now, offset, limit);
        let body = Bytes::from(json_page(total, &hits));
        snapshot.remember(key, body.clone());
        body
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=30"),
        ],
        body,
    )
        .into_response())
}
