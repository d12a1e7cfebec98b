//! The public directory over the API (API.md "Public pages").

use axum::{
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::json::Paging;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{AppError, AppState, auth::MaybeUser};
use services::directory::public::{self, PublicTerms};
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
    /// With `commune`: only the promeneurs at most this many kilometres
    /// away (a whole number, 1 to 500); without it, every distance.
    #[param(value_type = Option<u16>, minimum = 1, maximum = 500)]
    pub radius_km: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl PublicQuery {
    fn terms(&self) -> PublicTerms {
        PublicTerms {
            commune: self.commune.clone(),
            department: self.department.clone(),
            network: self.network.clone(),
            theme: self.theme.clone(),
            q: self.q.clone(),
            online_now: self.online_now.clone(),
            radius_km: self.radius_km.clone(),
        }
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
    let pg = Paging {
        limit: q.limit,
        offset: q.offset,
    };
    let (offset, limit) = (
        usize::try_from(pg.offset()).unwrap_or(0),
        usize::try_from(pg.limit()).unwrap_or(50),
    );
    let body = public::json_search(&state, &q.terms(), offset, limit).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=30"),
        ],
        body,
    )
        .into_response())
}
