//! Identifiers read from the path of a request. A segment that cannot be
//! one names nothing: 404, the same answer as an unknown identifier.

use axum::{
    extract::{FromRequestParts, Path},
    http::{StatusCode, request::Parts},
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::AppError;

/// The path parameters of a route, parsed: `Id(id): Id` for `/x/{id}`,
/// `Id((id, code)): Id<(Uuid, String)>` for `/x/{id}/modules/{code}`.
/// A malformed identifier answers 404 (page or JSON, as any 404). The
/// OpenAPI description declares the parameters in `#[utoipa::path]`.
#[derive(Debug, Clone, Copy)]
pub struct Id<T = Uuid>(pub T);

impl<S, T> FromRequestParts<S> for Id<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(t)) => Ok(Id(t)),
            // A segment that does not parse.
            Err(e) if e.status() == StatusCode::BAD_REQUEST => Err(AppError::not_found()),
            // A route whose parameters do not match the type: our mistake.
            Err(e) => Err(AppError::internal(e.body_text())),
        }
    }
}
