//! Structures: read one in scope, create, update, archive, approve one
//! that signed itself up.

use domain::Principal;
use store::structures::Structure;
use uuid::Uuid;

use super::{
    input::{StructureDraft, validate_structure},
    store_err,
};
use crate::{Ctx, ServiceError, accounts::actor};

pub async fn structure(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Structure, ServiceError> {
    store::structures::find(&ctx.db, &p.structure_scope(), id)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn create_structure(
    ctx: &Ctx,
    p: &Principal,
    draft: &StructureDraft,
) -> Result<Uuid, ServiceError> {
    let communes = ctx.communes().await?;
    let input = validate_structure(draft, &communes).map_err(ServiceError::invalid)?;
    let cap = p
        .network_editor(&input.department, None)
        .filter(|c| c.staff)
        .ok_or_else(|| {
            if p.network_scope().is_empty() {
                ServiceError::NotFound
            } else {
                ServiceError::invalid_field(
                    "commune_insee",
                    "Cette commune est hors de vos départements.",
                )
            }
        })?;
    let mut tx = ctx.db.begin().await?;
    let id = store::structures::create(&mut tx, &cap, &actor(p), ctx.now(), &input)
        .await
        .map_err(store_err)?;
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok(id)
}

pub async fn update_structure(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    draft: &StructureDraft,
) -> Result<(), ServiceError> {
    let current = structure(ctx, p, id).await?;
    let cap = p
        .network_editor(&current.department, Some(id))
        .ok_or(ServiceError::NotFound)?;
    let communes = ctx.communes().await?;
    let input = validate_structure(draft, &communes).map_err(ServiceError::invalid)?;
    if input.department != current.department
        && p.network_editor(&input.department, None)
            .is_none_or(|c| !c.staff)
    {
        return Err(ServiceError::invalid_field(
            "commune_insee",
            "Cette commune est hors de vos départements.",
        ));
    }
    if !cap.staff && input.siret != current.siret && current.siret.is_some() {
        return Err(ServiceError::invalid_field(
            "siret",
            "Seule la coordination peut changer le SIRET d'une structure.",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    store::structures::update(&mut tx, &cap, &actor(p), ctx.now(), id, &input)
        .await
        .map_err(store_err)?;
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok(())
}

pub async fn archive_structure(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    archived: bool,
) -> Result<(), ServiceError> {
    let current = structure(ctx, p, id).await?;
    let cap = p
        .network_editor(&current.department, Some(id))
        .filter(|c| c.staff)
        .ok_or_else(|| {
            ServiceError::forbidden("Seule la coordination peut archiver une structure.")
        })?;
    let mut tx = ctx.db.begin().await?;
    store::structures::set_archived(&mut tx, &cap, &actor(p), ctx.now(), id, archived).await?;
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok(())
}

/// The structures of `p`'s départements waiting for approval (staff only;
/// nothing for anyone else).
pub async fn pending_structures(ctx: &Ctx, p: &Principal) -> Result<Vec<Structure>, ServiceError> {
    if !p.is_staff() {
        return Ok(Vec::new());
    }
    let (items, _) = store::structures::list(
        &ctx.db,
        &p.structure_scope(),
        &store::structures::Filter {
            approved: Some(false),
            limit: 1_000,
            ..Default::default()
        },
    )
    .await?;
    Ok(items)
}

/// Approves a structure that signed itself up: staff of its département
/// (404 for anyone else); 409 when it is approved already.
pub async fn approve_structure(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<(), ServiceError> {
    let current = structure(ctx, p, id).await?;
    let cap = p
        .network_editor(&current.department, None)
        .filter(|c| c.staff)
        .ok_or(ServiceError::NotFound)?;
    if current.approved_at.is_some() {
        return Err(ServiceError::conflict(
            "already_approved",
            "Cette structure est déjà validée.",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    store::structures::approve(&mut tx, &cap, &actor(p), ctx.now(), id)
        .await
        .map_err(|e| match e {
            store::StoreError::NotFound => {
                ServiceError::conflict("already_approved", "Cette structure est déjà validée.")
            }
            other => other.into(),
        })?;
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok(())
}
