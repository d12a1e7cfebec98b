//! Promeneurs: read one in scope, create, update (a referent's gating
//! fields become a proposal staff confirm), change status, decide a
//! proposal, the photo, the own profile, the invitation to an account.

use domain::{
    DepartmentCode, NetworkCap, Principal,
    access::PromeneurRight,
    promeneur::PromeneurStatus,
    trust::{Editor, GatingDecision, GatingValues, gating_decision, status_without_proposal},
};
use jiff::civil::Date;
use store::promeneurs::{Promeneur, Proposal};
use uuid::Uuid;

use super::{
    gating_of, gating_of_input,
    input::{
        Context, Errors, NetworkDraft, PromeneurDraft, SlotDraft, ValidPromeneur, validate_profile,
        validate_promeneur,
    },
    set_gating, store_err,
};
use crate::{Ctx, ServiceError, accounts::actor};

pub async fn promeneur(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Promeneur, ServiceError> {
    store::promeneurs::find(&ctx.db, &p.network_scope(), id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// What `p` may change on `x`: the one rule ([`Principal::promeneur_right`])
/// that the pages, the API and the services below apply.
pub fn right(p: &Principal, x: &Promeneur) -> Result<PromeneurRight, ServiceError> {
    Ok(p.promeneur_right(&x.department, x.structure_id, x.user_id))
}

/// The capability of a full editor of `x`, or 403.
fn editor(p: &Principal, x: &Promeneur) -> Result<NetworkCap, ServiceError> {
    right(p, x)?
        .editor()
        .cloned()
        .ok_or_else(|| ServiceError::forbidden("Vous ne pouvez que consulter cette fiche."))
}

/// Validates a draft for `p`: the structure is one `p` may edit.
async fn check_promeneur(
    ctx: &Ctx,
    p: &Principal,
    draft: &PromeneurDraft,
) -> Result<ValidPromeneur, ServiceError> {
    let communes = ctx.communes().await?;
    let themes: Vec<String> = store::promeneurs::themes(&ctx.db)
        .await?
        .into_iter()
        .filter(|t| !t.archived)
        .map(|t| t.slug)
        .collect();
    let structure = match Uuid::parse_str(draft.structure.trim()) {
        Ok(id) => store::structures::find(&ctx.db, &p.network_scope(), id).await?,
        Err(_) => None,
    };
    let lookup = |_: &str| -> Result<(Uuid, DepartmentCode), String> {
        match &structure {
            Some(s) if s.archived_at.is_none() => Ok((s.id, s.department.clone())),
            Some(_) => Err("Cette structure est archivée.".into()),
            None => Err("Structure inconnue.".into()),
        }
    };
    let ctx = Context {
        communes: &communes,
        themes: &themes,
        structures: &lookup,
    };
    validate_promeneur(draft, &ctx).map_err(ServiceError::invalid)
}

/// What became of a change: written, or (the fields that open the
/// directory, changed by a referent) a proposal waiting for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Written,
    Proposed,
}

fn editor_of(cap: &NetworkCap) -> Editor {
    if cap.staff {
        Editor::Staff
    } else {
        Editor::Referent
    }
}

fn proposal_of(values: &GatingValues, p: &Principal, ctx: &Ctx) -> Proposal {
    Proposal {
        active: values.active,
        mandate_hours: values.mandate_hours,
        mandate_starts_on: values.mandate_starts_on,
        mandate_ends_on: values.mandate_ends_on,
        charter_signed_on: values.charter_signed_on,
        initial_training_on: values.initial_training_on,
        proposed_by: actor(p).label,
        proposed_at: ctx.now(),
    }
}

fn refused(fields: &[domain::trust::GatingField]) -> ServiceError {
    let names: Vec<&str> = fields.iter().map(|f| f.label()).collect();
    ServiceError::forbidden(format!(
        "Seules la Caf et la coordination du département renseignent : {}.",
        names.join(", ")
    ))
}

/// Consent to appear in the directory is given by the promeneur itself,
/// from its account.
pub fn consent_refused() -> ServiceError {
    ServiceError::invalid_field(
        "public_consent",
        "Le consentement à paraître dans l'annuaire est donné par le promeneur lui-même, depuis son compte (« Mon profil »).",
    )
}

/// Creates a promeneur. Consent is never set here (the promeneur gives it
/// from its account); a referent's gating fields (status `active`, mandate,
/// charter, training) become a proposal that staff confirm.
pub async fn create_promeneur(
    ctx: &Ctx,
    p: &Principal,
    draft: &PromeneurDraft,
) -> Result<(Uuid, Outcome), ServiceError> {
    let valid = check_promeneur(ctx, p, draft).await?;
    let cap = p
        .network_editor(&valid.input.department, Some(valid.input.structure_id))
        .ok_or_else(|| ServiceError::invalid_field("structure_id", "Structure inconnue."))?;
    let mut input = valid.input.clone();
    input.profile.public_consent = false;
    let wanted = gating_of_input(&input, valid.status == PromeneurStatus::Active);
    let mut status = valid.status;
    let proposal = match gating_decision(editor_of(&cap), &GatingValues::default(), &wanted) {
        GatingDecision::Write => None,
        GatingDecision::Propose(_) => {
            set_gating(&mut input, &GatingValues::default());
            status = status_without_proposal(PromeneurStatus::Candidate, status);
            Some(proposal_of(&wanted, p, ctx))
        }
        GatingDecision::Refuse(fields) => return Err(refused(&fields)),
    };
    let mut tx = ctx.db.begin().await?;
    let id = store::promeneurs::create(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        &input,
        status,
        ctx.today(),
    )
    .await
    .map_err(store_err)?;
    if let Some(proposal) = &proposal {
        let current = store::promeneurs::Current {
            id,
            structure_id: input.structure_id,
            department: input.department.clone(),
            status,
        };
        store::promeneurs::propose(&mut tx, &cap, &actor(p), ctx.now(), &current, proposal).await?;
    }
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok((
        id,
        if proposal.is_some() {
            Outcome::Proposed
        } else {
            Outcome::Written
        },
    ))
}

pub async fn update_promeneur(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    draft: &PromeneurDraft,
) -> Result<Outcome, ServiceError> {
    let current = promeneur(ctx, p, id).await?;
    // Its current employer must be one the caller edits…
    editor(p, &current)?;
    let valid = check_promeneur(ctx, p, draft).await?;
    // …and so must the new one.
    let cap = p
        .network_editor(&valid.input.department, Some(valid.input.structure_id))
        .ok_or_else(|| ServiceError::invalid_field("structure_id", "Structure inconnue."))?;
    let mut input = valid.input.clone();
    // Consent stays what the promeneur gave from its account.
    input.profile.public_consent = current.public_consent;
    let now_values = gating_of(&current);
    let mut wanted = gating_of_input(&input, now_values.active);
    let proposal = match gating_decision(editor_of(&cap), &now_values, &wanted) {
        GatingDecision::Write => None,
        GatingDecision::Propose(_) => {
            set_gating(&mut input, &now_values);
            // A pending request for `active` stays requested.
            wanted.active |= current.proposal.as_ref().is_some_and(|x| x.active);
            Some(proposal_of(&wanted, p, ctx))
        }
        GatingDecision::Refuse(fields) => return Err(refused(&fields)),
    };
    let mut tx = ctx.db.begin().await?;
    store::promeneurs::update(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        &(&current).into(),
        &input,
    )
    .await
    .map_err(store_err)?;
    if let Some(proposal) = &proposal {
        let moved = store::promeneurs::Current {
            structure_id: input.structure_id,
            department: input.department.clone(),
            ..(&current).into()
        };
        store::promeneurs::propose(&mut tx, &cap, &actor(p), ctx.now(), &moved, proposal).await?;
    }
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok(if proposal.is_some() {
        Outcome::Proposed
    } else {
        Outcome::Written
    })
}

/// A promeneur edits its own public profile.
#[allow(clippy::too_many_arguments)]
pub async fn update_own_profile(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    networks: &[NetworkDraft],
    presence: &[SlotDraft],
    themes: &[String],
    public_bio: &str,
    public_consent: bool,
) -> Result<(), ServiceError> {
    let current = promeneur(ctx, p, id).await?;
    if current.user_id != Some(p.user_id) {
        return Err(ServiceError::NotFound);
    }
    let known: Vec<String> = store::promeneurs::themes(&ctx.db)
        .await?
        .into_iter()
        .filter(|t| !t.archived)
        .map(|t| t.slug)
        .collect();
    let mut e = Errors::new();
    let profile = validate_profile(
        networks,
        presence,
        themes,
        &known,
        public_bio,
        public_consent,
        &mut e,
    );
    if !e.is_empty() {
        return Err(ServiceError::invalid(e));
    }
    let mut tx = ctx.db.begin().await?;
    store::promeneurs::update_profile(&mut tx, p.user_id, &actor(p), ctx.now(), id, &profile)
        .await?;
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok(())
}

pub async fn set_status(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    status: &str,
    on: &str,
    reason: &str,
) -> Result<Outcome, ServiceError> {
    let current = promeneur(ctx, p, id).await?;
    let cap = editor(p, &current)?;
    let next = PromeneurStatus::parse(status)
        .map_err(|e| ServiceError::invalid_field("status", e.to_string()))?;
    let from = current.status;
    if !from.can_move_to(next) {
        return Err(ServiceError::invalid_field(
            "status",
            format!(
                "Un promeneur au statut « {} » ne peut pas passer à « {} ».",
                from.label(),
                next.label()
            ),
        ));
    }
    let on: Date = if on.trim().is_empty() {
        ctx.today()
    } else {
        domain::date_input::parse_french_date(on)
            .map_err(|e| ServiceError::invalid_field("on", e.to_string()))?
    };
    if reason.chars().count() > 500 {
        return Err(ServiceError::invalid_field(
            "reason",
            "Motif trop long (500 caractères au plus).",
        ));
    }
    let now_values = gating_of(&current);
    let wanted = GatingValues {
        active: next == PromeneurStatus::Active,
        ..now_values.clone()
    };
    if let GatingDecision::Propose(_) = gating_decision(editor_of(&cap), &now_values, &wanted) {
        // A referent asks for `active`: with the dates it already proposed.
        let base = current
            .proposal
            .as_ref()
            .map_or(now_values, |x| GatingValues {
                active: true,
                mandate_hours: x.mandate_hours,
                mandate_starts_on: x.mandate_starts_on,
                mandate_ends_on: x.mandate_ends_on,
                charter_signed_on: x.charter_signed_on,
                initial_training_on: x.initial_training_on,
            });
        let proposal = proposal_of(
            &GatingValues {
                active: true,
                ..base
            },
            p,
            ctx,
        );
        let mut tx = ctx.db.begin().await?;
        store::promeneurs::propose(
            &mut tx,
            &cap,
            &actor(p),
            ctx.now(),
            &(&current).into(),
            &proposal,
        )
        .await?;
        tx.commit().await?;
        return Ok(Outcome::Proposed);
    }
    let mut tx = ctx.db.begin().await?;
    store::promeneurs::set_status(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        &(&current).into(),
        next,
        on,
        reason.trim(),
    )
    .await
    .map_err(store_err)?;
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok(Outcome::Written)
}

/// Staff of the promeneur's département accept (write the proposed
/// fields, and move it to `active` when asked) or reject a referent's
/// proposal. Out of scope: 404; a referent: 403; no proposal: 409.
pub async fn decide_proposal(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    accept: bool,
) -> Result<(), ServiceError> {
    let current = promeneur(ctx, p, id).await?;
    let cap = right(p, &current)?
        .editor()
        .filter(|c| c.staff)
        .cloned()
        .ok_or_else(|| {
            ServiceError::forbidden(
                "Seules la Caf et la coordination du département confirment une proposition.",
            )
        })?;
    let proposal = current.proposal.clone().ok_or_else(|| {
        ServiceError::conflict(
            "no_proposal",
            "Aucune proposition n'attend de confirmation pour ce promeneur.",
        )
    })?;
    let from = current.status;
    let activate = accept && proposal.active && from != PromeneurStatus::Active;
    if activate && !from.can_move_to(PromeneurStatus::Active) {
        return Err(ServiceError::invalid_field(
            "status",
            format!(
                "Un promeneur au statut « {} » ne peut pas passer à « Actif ».",
                from.label()
            ),
        ));
    }
    let cur: store::promeneurs::Current = (&current).into();
    let mut tx = ctx.db.begin().await?;
    store::promeneurs::decide_proposal(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        &cur,
        &proposal,
        accept,
    )
    .await
    .map_err(store_err)?;
    if activate {
        store::promeneurs::set_status(
            &mut tx,
            &cap,
            &actor(p),
            ctx.now(),
            &cur,
            PromeneurStatus::Active,
            ctx.today(),
            &format!("Proposition de {} confirmée", proposal.proposed_by),
        )
        .await
        .map_err(store_err)?;
    }
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok(())
}

/// The most bytes a photo upload may have.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

/// Sets (or with `None` removes) a promeneur's photo: staff, the
/// structure's referents, or the promeneur itself.
pub async fn set_photo(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    bytes: Option<&[u8]>,
) -> Result<(), ServiceError> {
    let current = promeneur(ctx, p, id).await?;
    if !right(p, &current)?.may_set_photo() {
        return Err(ServiceError::forbidden(
            "Vous ne pouvez que consulter cette fiche.",
        ));
    }
    let photo = match bytes {
        None => None,
        Some(b) if b.len() > MAX_PHOTO_BYTES => {
            return Err(ServiceError::TooLarge(
                "Cette photo est trop lourde (8 Mo au plus).".into(),
            ));
        }
        // Decoded in a child process: an image bomb fails this upload only.
        Some(b) => Some(
            crate::sandbox::photo(&ctx.settings.sandbox, b)
                .await
                .map_err(|e| {
                    if e.too_large {
                        // 422 `invalid_fields`, the child's message as the summary.
                        ServiceError::Unprocessable {
                            code: "invalid_fields",
                            message: e.message.clone(),
                            fields: [("photo".to_owned(), e.message)].into(),
                        }
                    } else {
                        ServiceError::UnsupportedType(e.message)
                    }
                })?,
        ),
    };
    let mut tx = ctx.db.begin().await?;
    let file = match &photo {
        Some(ph) => {
            Some(store::files::put(&mut tx, ctx.now(), "photo.jpg", "image/jpeg", &ph.bytes).await?)
        }
        None => None,
    };
    store::promeneurs::set_photo(&mut tx, &actor(p), ctx.now(), &current, file).await?;
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok(())
}

/// Opens an account for a promeneur (its professional e-mail, the role
/// `promeneur` only) and e-mails it the activation link: it can then edit
/// its own public profile. Staff or a referent of its structure.
pub async fn invite_promeneur(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<(), ServiceError> {
    let current = promeneur(ctx, p, id).await?;
    let cap = editor(p, &current)?;
    if current.user_id.is_some() {
        return Err(ServiceError::conflict(
            "already_linked",
            "Ce promeneur a déjà son compte.",
        ));
    }
    let email = current.email.clone();
    let mut tx = ctx.db.begin().await?;
    let user = store::users::create_promeneur_account(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        current.id,
        email,
        format!("{} {}", current.first_name, current.last_name),
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict("email") => ServiceError::conflict(
            "account_exists",
            "Un compte existe déjà avec cette adresse e-mail : un administrateur peut lui ajouter le rôle de promeneur.",
        ),
        store::StoreError::Conflict(_) => ServiceError::conflict(
            "already_linked",
            "Ce promeneur a déjà son compte.",
        ),
        other => other.into(),
    })?;
    crate::accounts::send_activation(ctx, &mut tx, &user).await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(())
}
