//! What the public pages and API of the directory read: the search as
//! JSON, the verification codes, the photos.

use bytes::Bytes;
use domain::Platform;
use store::files::StoredFile;
use uuid::Uuid;

use super::{DirectoryQuery, json_page};
use crate::{Ctx, ServiceError};

/// A verification code as typed ("7kx4 9qpm"), in its printed form
/// ("7KX4-9QPM"), or `None` when it cannot be one.
pub fn normalise_code(typed: &str) -> Option<String> {
    store::promeneurs::normalise_code(typed)
}

/// The name of a promeneur who has this code but is not (or no longer)
/// public. A structure waiting for the CAF's approval has nothing public,
/// not even the names of its promeneurs: their codes are unknown.
pub async fn name_behind_code(ctx: &Ctx, code: &str) -> Result<Option<String>, ServiceError> {
    Ok(store::promeneurs::find_by_code(&ctx.db, code)
        .await?
        .filter(|p| p.structure_approved)
        .map(|p| format!("{} {}", p.first_name, p.last_name)))
}

/// The photo of a public promeneur (anyone else: not found).
pub async fn photo(ctx: &Ctx, id: Uuid) -> Result<StoredFile, ServiceError> {
    let snapshot = ctx.directory.snapshot(&ctx.db, ctx.now()).await?;
    if !snapshot.get(id).is_some_and(|e| e.has_photo) {
        return Err(ServiceError::NotFound);
    }
    let promeneur = store::promeneurs::find_any(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    crate::files::stored(ctx, promeneur.photo_id).await
}

/// The public search as the API's query string types it.
#[derive(Debug, Clone, Default)]
pub struct PublicTerms {
    /// INSEE code of the commune to sort by distance from.
    pub commune: Option<String>,
    pub department: Option<String>,
    pub network: Option<String>,
    pub theme: Option<String>,
    pub q: Option<String>,
    pub online_now: Option<String>,
    /// With `commune`: only the promeneurs at most this far, in whole km.
    pub radius_km: Option<String>,
}

/// The largest radius one may ask for (km): farther than any two
/// communes of the départements served.
pub const MAX_RADIUS_KM: u16 = 500;

/// The directory query of `t`; unknown values are invalid fields.
pub async fn query_of(ctx: &Ctx, t: &PublicTerms) -> Result<DirectoryQuery, ServiceError> {
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let origin = match nonempty(&t.commune) {
        Some(c) => {
            let communes = ctx.communes().await?;
            let c = communes
                .get(c.trim())
                .ok_or_else(|| ServiceError::invalid_field("commune", "Commune inconnue."))?;
            Some((c.lat, c.lon))
        }
        None => None,
    };
    let radius_km = match nonempty(&t.radius_km) {
        None => None,
        Some(_) if origin.is_none() => {
            return Err(ServiceError::invalid_field(
                "radius_km",
                "Le rayon se compte depuis une commune : indiquez aussi « commune ».",
            ));
        }
        Some(r) => Some(
            r.trim()
                .parse::<u16>()
                .ok()
                .filter(|r| (1..=MAX_RADIUS_KM).contains(r))
                .map(f64::from)
                .ok_or_else(|| {
                    ServiceError::invalid_field(
                        "radius_km",
                        format!(
                            "Le rayon est un nombre entier de kilomètres, de 1 à {MAX_RADIUS_KM}."
                        ),
                    )
                })?,
        ),
    };
    Ok(DirectoryQuery {
        origin,
        radius_km,
        department: nonempty(&t.department),
        network: nonempty(&t.network)
            .map(|n| {
                Platform::parse(&n)
                    .map_err(|e| ServiceError::invalid_field("network", e.to_string()))
            })
            .transpose()?,
        theme: nonempty(&t.theme),
        q: nonempty(&t.q),
        online_now: matches!(t.online_now.as_deref(), Some("true" | "1" | "on" | "oui")),
    })
}

/// A page of the public directory as JSON (`{items, total}`), from the
/// snapshot's cache when it holds the answer.
pub async fn json_search(
    ctx: &Ctx,
    t: &PublicTerms,
    offset: usize,
    limit: usize,
) -> Result<Bytes, ServiceError> {
    let now = ctx.now();
    let snapshot = ctx.directory.snapshot(&ctx.db, now).await?;
    let query = query_of(ctx, t).await?;
    let key = snapshot
        .keeps_answers()
        .then(|| format!("api:{offset}:{limit}:{}", query.cache_key(now, false)));
    if let Some(body) = key.as_deref().and_then(|k| snapshot.cached(k)) {
        return Ok(body);
    }
    let (total, hits) = snapshot.search(&query, now, offset, limit);
    let body = Bytes::from(json_page(total, &hits));
    if let Some(key) = key {
        snapshot.remember(key, body.clone());
    }
    Ok(body)
}
