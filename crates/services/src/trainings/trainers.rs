//! Who trains (issue 14, point 1): the structure retained for module 2 of
//! a call in a département is its training provider for the module's
//! service period; the provider's referent designates trainers by e-mail
//! (an unknown address gets an account and its activation link), each a
//! `trainer` grant for that structure in those départements, ending with
//! the service period. An administrator may add a trainer by hand (a
//! structure, départements, an optional end) when no call exists.

use domain::{
    DepartmentCode, Email, NetworkScope, Principal, clock::french_date,
    date_input::parse_french_date,
};
use jiff::civil::Date;
use store::{
    structures::Structure,
    trainings::trainers::{Provision, Trainer},
};
use uuid::Uuid;

use crate::{Ctx, ServiceError, accounts::actor};

/// A provider's trainers, as its page shows them.
#[derive(Debug, Clone)]
pub struct Trainers {
    pub structure: Structure,
    /// Where the structure is the retained module 2 provider now or to come.
    pub provisions: Vec<Provision>,
    pub trainers: Vec<Trainer>,
    /// The caller may designate and end trainers here.
    pub can_manage: bool,
    /// The caller designates by hand (an administrator: départements and
    /// end chosen).
    pub by_hand: bool,
}

/// What a referent or an administrator types to designate a trainer.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TrainerInput {
    pub email: String,
    /// Needed when the address has no account yet.
    pub name: String,
    /// The départements of the grants (a referent: those of its
    /// provisions by default; an administrator: required when the
    /// structure has none).
    pub departments: Vec<String>,
    /// An administrator's end ("31/12/2025" or "2025-12-31"; empty: the
    /// service period's, or no end).
    pub ends_on: String,
}

const NOT_PROVIDER: &str = "Votre structure n'est pas retenue pour les formations (module 2) d'un appel en cours : seule la structure retenue par la Caf désigne des formateurs.";

/// The structure and the caller's right on its trainers: an administrator
/// manages any; a referent manages those of its structure while it is a
/// retained provider (403 otherwise); staff of its département read; 404
/// for anyone else.
async fn scoped(ctx: &Ctx, p: &Principal, structure_id: Uuid) -> Result<Trainers, ServiceError> {
    let structure = store::structures::find(&ctx.db, &NetworkScope::everything(), structure_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let provisions =
        store::trainings::trainers::provisions(&ctx.db, structure_id, ctx.today()).await?;
    let by_hand = p.is_admin();
    let referent = p.referent_structures().contains(&structure_id);
    let reads = by_hand || referent || p.staff_scope().contains(&structure.department);
    if !reads {
        return Err(ServiceError::NotFound);
    }
    if referent && !by_hand && provisions.is_empty() {
        return Err(ServiceError::forbidden(NOT_PROVIDER));
    }
    let trainers = store::trainings::trainers::trainers(&ctx.db, structure_id, ctx.today()).await?;
    Ok(Trainers {
        structure,
        provisions,
        trainers,
        can_manage: by_hand || referent,
        by_hand,
    })
}

/// The trainers of a structure.
pub async fn trainers(
    ctx: &Ctx,
    p: &Principal,
    structure_id: Uuid,
) -> Result<Trainers, ServiceError> {
    scoped(ctx, p, structure_id).await
}

async fn managed(ctx: &Ctx, p: &Principal, structure_id: Uuid) -> Result<Trainers, ServiceError> {
    let t = scoped(ctx, p, structure_id).await?;
    if !t.can_manage {
        return Err(ServiceError::forbidden(
            "Seul le référent de la structure retenue (ou un administrateur) désigne ses formateurs.",
        ));
    }
    Ok(t)
}

fn parse_department(code: &str) -> Result<DepartmentCode, ServiceError> {
    DepartmentCode::parse(code.trim()).map_err(|_| {
        ServiceError::invalid_field("departments", format!("Département inconnu : « {code} »."))
    })
}

/// The grants a designation gives: per département, its last day.
fn grants(
    t: &Trainers,
    input: &TrainerInput,
    today: Date,
) -> Result<Vec<(DepartmentCode, Option<Date>)>, ServiceError> {
    let ends_on = if input.ends_on.trim().is_empty() {
        None
    } else {
        let d = parse_french_date(&input.ends_on)
            .map_err(|e| ServiceError::invalid_field("ends_on", e.to_string()))?;
        if d < today {
            return Err(ServiceError::invalid_field(
                "ends_on",
                "La date de fin est passée : choisissez aujourd'hui ou plus tard.",
            ));
        }
        Some(d)
    };
    let mut asked = Vec::new();
    for c in input.departments.iter().filter(|c| !c.trim().is_empty()) {
        let d = parse_department(c)?;
        if !asked.contains(&d) {
            asked.push(d);
        }
    }
    if !t.by_hand || (asked.is_empty() && !t.provisions.is_empty()) {
        // The provider's own départements, each until its service ends.
        if let Some(d) = asked
            .iter()
            .find(|d| !t.provisions.iter().any(|p| &p.department == *d))
        {
            return Err(ServiceError::invalid_field(
                "departments",
                format!(
                    "La structure n'est pas retenue pour les formations dans le département {d}."
                ),
            ));
        }
        return Ok(t
            .provisions
            .iter()
            .filter(|p| asked.is_empty() || asked.contains(&p.department))
            .map(|p| {
                let end = ends_on.map_or(p.ends_on, |e| e.min(p.ends_on));
                (p.department.clone(), Some(end))
            })
            .collect());
    }
    if asked.is_empty() {
        return Err(ServiceError::invalid_field(
            "departments",
            "Choisissez au moins un département.",
        ));
    }
    asked.sort();
    Ok(asked.into_iter().map(|d| (d, ends_on)).collect())
}

/// Designates a trainer of a structure by e-mail; returns its account id.
/// An existing account gets the grants (and an e-mail saying so); an
/// unknown address gets an account and its activation link.
pub async fn designate(
    ctx: &Ctx,
    p: &Principal,
    structure_id: Uuid,
    input: &TrainerInput,
) -> Result<Uuid, ServiceError> {
    let t = managed(ctx, p, structure_id).await?;
    let email = Email::parse(&input.email).map_err(|_| {
        ServiceError::invalid_field(
            "email",
            "Adresse e-mail invalide : écrivez-la nom@domaine.fr.",
        )
    })?;
    let grants = grants(&t, input, ctx.today())?;
    for (d, _) in &grants {
        if store::reference::department(&ctx.db, d.as_str())
            .await?
            .is_none()
        {
            return Err(ServiceError::invalid_field(
                "departments",
                format!("Le département {d} n'est pas servi par cette plateforme."),
            ));
        }
    }
    let existing = store::users::find_by_email(&ctx.db, email.as_str()).await?;
    let name = input.name.trim();
    if existing.is_none() && name.is_empty() {
        return Err(ServiceError::invalid_field(
            "name",
            "Cette adresse n'a pas encore de compte : indiquez le prénom et le nom du formateur.",
        ));
    }
    if name.chars().count() > 200 {
        return Err(ServiceError::invalid_field(
            "name",
            "Le nom : 200 caractères au plus.",
        ));
    }
    let now = ctx.now();
    let by = actor(p);
    let mut tx = ctx.db.begin().await?;
    let user_id = if let Some(id) = existing {
        store::trainings::trainers::designate(&mut tx, &by, now, (id, structure_id), &grants)
            .await?;
        crate::mail::queue_text(
            &mut tx,
            now,
            email.as_str(),
            "Promeneurs du Net : vous êtes formateur",
            "trainer",
            told(&t.structure.name, &grants, &ctx.settings.base_url),
        )
        .await?;
        id
    } else {
        let mut user = store::trainings::trainers::create_trainer_account(
            &mut tx,
            &by,
            now,
            email,
            name.to_owned(),
        )
        .await?;
        store::trainings::trainers::designate(&mut tx, &by, now, (user.id, structure_id), &grants)
            .await?;
        user.grants = grants
            .iter()
            .map(|(d, _)| domain::Grant {
                role: domain::Role::Trainer,
                department: Some(d.clone()),
                structure_id: Some(structure_id),
                call_id: None,
            })
            .collect();
        crate::accounts::send_activation(ctx, &mut tx, &user).await?;
        user.id
    };
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(user_id)
}

/// The e-mail to an existing account made trainer.
fn told(structure: &str, grants: &[(DepartmentCode, Option<Date>)], base_url: &str) -> String {
    let deps: Vec<&str> = grants.iter().map(|(d, _)| d.as_str()).collect();
    let until = grants
        .iter()
        .filter_map(|(_, e)| *e)
        .max()
        .map(|e| format!(", jusqu'au {}", french_date(e)))
        .unwrap_or_default();
    format!(
        "Bonjour,\n\n\
         {structure} vous a désigné formateur pour les formations des promeneurs ({}){until}.\n\
         Vous pouvez créer des formations et des sessions, et faire l'appel :\n\
         {base_url}/formations\n\n\
         — Promeneurs du Net",
        deps.join(", ")
    )
}

/// Ends a trainer's designation (its grants for that structure removed);
/// 404 for someone who is not a trainer of that structure.
pub async fn end(
    ctx: &Ctx,
    p: &Principal,
    structure_id: Uuid,
    user_id: Uuid,
) -> Result<(), ServiceError> {
    managed(ctx, p, structure_id).await?;
    let mut tx = ctx.db.begin().await?;
    store::trainings::trainers::end(&mut tx, &actor(p), ctx.now(), user_id, structure_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The structures an administrator may pick to add a trainer by hand, by
/// name (403 for anyone else).
pub async fn structures_for_admin(
    ctx: &Ctx,
    p: &Principal,
) -> Result<Vec<Structure>, ServiceError> {
    if !p.is_admin() {
        return Err(ServiceError::forbidden(
            "Réservé aux administrateurs de la plateforme.",
        ));
    }
    let (list, _) = store::structures::list(
        &ctx.db,
        &NetworkScope::everything(),
        &store::structures::Filter {
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    Ok(list)
}
