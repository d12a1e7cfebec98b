//! Reference data read by pages and API: the départements served (with
//! each CAF's details) and the communes.

use domain::Principal;
use store::reference::{Commune, Department};

use crate::{Ctx, ServiceError};

/// Every département served.
pub async fn departments(ctx: &Ctx) -> Result<Vec<Department>, ServiceError> {
    Ok(store::reference::departments(&ctx.db).await?)
}

/// One département, or not found.
pub async fn department(ctx: &Ctx, code: &str) -> Result<Department, ServiceError> {
    store::reference::department(&ctx.db, code)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The départements whose CAF `p` pilots (none: not found).
pub async fn piloted(ctx: &Ctx, p: &Principal) -> Result<Vec<Department>, ServiceError> {
    let list: Vec<Department> = departments(ctx)
        .await?
        .into_iter()
        .filter(|d| p.pilot(&d.code).is_some())
        .collect();
    if list.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(list)
}

/// Communes by name (any case, any accents) or postal code, best first;
/// `department` empty: all of them.
pub async fn communes(
    ctx: &Ctx,
    q: &str,
    department: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Commune>, i64), ServiceError> {
    let dep = Some(department.trim()).filter(|d| !d.is_empty());
    Ok(store::reference::search_communes(&ctx.db, q.trim(), dep, limit, offset).await?)
}
