//! Reference data read by pages and API: the départements served (with
//! each CAF's details) and the communes.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use domain::Principal;
use store::reference::{Commune, Department};

use crate::{Ctx, ServiceError};

/// Every département served.
pub async fn departments(ctx: &Ctx) -> Result<Vec<Department>, ServiceError> {
    Ok(store::reference::departments(&ctx.db).await?)
}

/// How long the wordmark's CAF names are kept in memory: a change made by
/// another instance shows within this time (this instance's own at once).
const CAFS_LABEL_TTL: Duration = Duration::from_secs(30);

/// The CAFs of the wordmark, "Caf de l'Allier et du Puy-de-Dôme": every
/// CAF's name, read at most once per `CAFS_LABEL_TTL`.
pub async fn cafs_label(ctx: &Ctx) -> Result<Arc<str>, ServiceError> {
    if let Ok(guard) = ctx.cafs_label.read()
        && let Some((at, label)) = guard.as_ref()
        && at.elapsed() < CAFS_LABEL_TTL
    {
        return Ok(label.clone());
    }
    let names: Vec<String> = departments(ctx)
        .await?
        .into_iter()
        .map(|d| d.caf_name)
        .collect();
    let label: Arc<str> = join_caf_names(&names).into();
    if let Ok(mut guard) = ctx.cafs_label.write() {
        *guard = Some((Instant::now(), label.clone()));
    }
    Ok(label)
}

/// Forgets the wordmark's CAF names (after a change of a CAF's settings).
pub(crate) fn forget_cafs_label(ctx: &Ctx) {
    if let Ok(mut guard) = ctx.cafs_label.write() {
        *guard = None;
    }
}

/// "Caf de l'Allier" and "Caf du Puy-de-Dôme" make "Caf de l'Allier et du
/// Puy-de-Dôme": the first word said once when every name starts with it;
/// otherwise the names joined ("A, B et C").
pub fn join_caf_names(names: &[String]) -> String {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    let head = names
        .first()
        .and_then(|n| n.split_once(' '))
        .map(|(h, _)| h);
    let (prefix, parts): (&str, Vec<&str>) = match head {
        Some(h) if names.len() > 1 && names.iter().all(|n| n.starts_with(&format!("{h} "))) => {
            (h, names.iter().map(|n| &n[h.len() + 1..]).collect())
        }
        _ => ("", names),
    };
    let list = match parts.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
    };
    if prefix.is_empty() {
        list
    } else {
        format!("{prefix} {list}")
    }
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

#[cfg(test)]
mod tests {
    use super::join_caf_names;

    fn join(names: &[&str]) -> String {
        join_caf_names(&names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn the_wordmark_says_the_shared_first_word_once() {
        assert_eq!(
            join(&["Caf de l'Allier", "Caf du Puy-de-Dôme"]),
            "Caf de l'Allier et du Puy-de-Dôme"
        );
        assert_eq!(
            join(&["Caf de l'Allier", "Caf du Cantal", "Caf de la Loire"]),
            "Caf de l'Allier, du Cantal et de la Loire"
        );
        assert_eq!(join(&["Caf de l'Allier"]), "Caf de l'Allier");
        assert_eq!(
            join(&["Caf de l'Allier", "Caisse du Puy-de-Dôme"]),
            "Caf de l'Allier et Caisse du Puy-de-Dôme"
        );
        assert_eq!(join(&[]), "");
    }
}
