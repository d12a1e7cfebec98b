//! What the network's pages and API list and show: structures,
//! promeneurs and conventions within the caller's scope (an empty scope
//! sees nothing: not found), a structure's file, a promeneur's history.

use domain::Principal;
use store::{
    conventions::{self, Convention},
    files::StoredFile,
    promeneurs::{self, Promeneur, StatusChange},
    reference::Department,
    structures::{self, Structure},
    users::Referent,
};
use uuid::Uuid;

use crate::{Ctx, ServiceError};

/// Structures in `p`'s scope.
pub async fn structures(
    ctx: &Ctx,
    p: &Principal,
    f: &structures::Filter,
) -> Result<(Vec<Structure>, i64), ServiceError> {
    let scope = p.structure_scope();
    if scope.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(structures::list(&ctx.db, &scope, f).await?)
}

/// Promeneurs in `p`'s scope.
pub async fn promeneurs(
    ctx: &Ctx,
    p: &Principal,
    f: &promeneurs::Filter,
) -> Result<(Vec<Promeneur>, i64), ServiceError> {
    let scope = p.network_scope();
    if scope.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(promeneurs::list(&ctx.db, &scope, f).await?)
}

/// How many promeneurs wait for staff to confirm a referent's proposal
/// (0 for anyone but staff).
pub async fn to_confirm(ctx: &Ctx, p: &Principal) -> Result<i64, ServiceError> {
    if !p.is_staff() {
        return Ok(0);
    }
    let scope = p.network_scope();
    if scope.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(store::promeneurs::count_to_confirm(&ctx.db, &scope).await?)
}

/// Conventions in `p`'s scope.
pub async fn conventions(
    ctx: &Ctx,
    p: &Principal,
    f: &conventions::Filter,
) -> Result<(Vec<Convention>, i64), ServiceError> {
    let scope = p.structure_scope();
    if scope.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(conventions::list(&ctx.db, &scope, f).await?)
}

/// One convention in `p`'s scope.
pub async fn convention(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Convention, ServiceError> {
    conventions::find(&ctx.db, &p.structure_scope(), id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The signed scan of a convention in `p`'s scope.
pub async fn convention_document(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
) -> Result<StoredFile, ServiceError> {
    let c = convention(ctx, p, id).await?;
    crate::files::stored(ctx, c.document_id).await
}

/// The conventions of a structure `p` sees (read with
/// [`super::structures::structure`]).
pub async fn conventions_of(
    ctx: &Ctx,
    p: &Principal,
    s: &Structure,
    limit: i64,
) -> Result<(Vec<Convention>, i64), ServiceError> {
    let f = conventions::Filter {
        structure_id: Some(s.id),
        limit,
        ..Default::default()
    };
    Ok(conventions::list(&ctx.db, &p.structure_scope(), &f).await?)
}

/// The structures `p` may attach a promeneur to.
pub async fn editable_structures(ctx: &Ctx, p: &Principal) -> Result<Vec<Structure>, ServiceError> {
    let f = structures::Filter {
        limit: 10_000,
        ..Default::default()
    };
    let (all, _) = structures::list(&ctx.db, &p.network_scope(), &f).await?;
    Ok(all
        .into_iter()
        .filter(|s| p.network_editor(&s.department, Some(s.id)).is_some())
        .collect())
}

/// Whether `p` may attach a promeneur to some structure (the link to the
/// form): [`editable_structures`] is not empty, without reading every
/// structure of a département (one row per département `p` writes in).
pub async fn may_add_promeneur(ctx: &Ctx, p: &Principal) -> Result<bool, ServiceError> {
    let scope = p.network_scope();
    for d in store::reference::departments(&ctx.db).await? {
        if !p.staff_writes(&d.code) {
            continue;
        }
        let f = structures::Filter {
            department: Some(d.code),
            limit: 1,
            ..Default::default()
        };
        if !structures::list(&ctx.db, &scope, &f).await?.0.is_empty() {
            return Ok(true);
        }
    }
    if p.referent_structures().is_empty() {
        return Ok(false);
    }
    Ok(!editable_structures(ctx, p).await?.is_empty())
}

/// The referents of a structure `p` sees.
pub async fn referents(ctx: &Ctx, s: &Structure) -> Result<Vec<Referent>, ServiceError> {
    Ok(store::users::referents(&ctx.db, s.id).await?)
}

/// What a structure's page shows besides the structure.
pub struct StructureFile {
    pub promeneurs: Vec<Promeneur>,
    pub conventions: Vec<Convention>,
    /// The départements whose CAF `p` pilots (conventions are signed there).
    pub pilot_departments: Vec<Department>,
    pub referents: Vec<Referent>,
}

/// The file of a structure `p` sees (read with
/// [`super::structures::structure`]).
pub async fn structure_file(
    ctx: &Ctx,
    p: &Principal,
    s: &Structure,
) -> Result<StructureFile, ServiceError> {
    let f = promeneurs::Filter {
        structure_id: Some(s.id),
        limit: 500,
        ..Default::default()
    };
    let (promeneurs, _) = promeneurs::list(&ctx.db, &p.network_scope(), &f).await?;
    let f = conventions::Filter {
        structure_id: Some(s.id),
        limit: 100,
        ..Default::default()
    };
    let (conventions, _) = conventions::list(&ctx.db, &p.network_scope(), &f).await?;
    let pilot_departments = store::reference::departments(&ctx.db)
        .await?
        .into_iter()
        .filter(|d| p.pilot(&d.code).is_some())
        .collect();
    Ok(StructureFile {
        promeneurs,
        conventions,
        pilot_departments,
        referents: referents(ctx, s).await?,
    })
}

/// The status changes of a promeneur `p` sees (read with
/// [`super::promeneurs::promeneur`]), oldest first.
pub async fn status_history(ctx: &Ctx, x: &Promeneur) -> Result<Vec<StatusChange>, ServiceError> {
    Ok(promeneurs::status_history(&ctx.db, x.id).await?)
}

/// The promeneur record of the caller itself ("Mon profil").
pub async fn own_promeneur(ctx: &Ctx, p: &Principal) -> Result<Promeneur, ServiceError> {
    promeneurs::find_by_user(&ctx.db, p.user_id)
        .await?
        .ok_or(ServiceError::NotFound)
}
