//! Seating a member from the management page's form: the account by its
//! e-mail, the structure by its SIRET or from the list, every field's
//! error at once.

use domain::{Email, Principal, siret::Siret};
use uuid::Uuid;

use crate::{Ctx, FieldErrors, ServiceError, calls};

/// The seating form, as typed.
#[derive(Debug, Clone, Default)]
pub struct SeatDraft {
    pub email: String,
    pub institution: String,
    pub structure_siret: String,
    pub structure_id: String,
}

/// The structure the form names, by SIRET or from the list (422 on the
/// field at fault).
async fn structure_of(ctx: &Ctx, d: &SeatDraft) -> Result<Option<Uuid>, ServiceError> {
    let listed = match d.structure_id.as_str() {
        "" => None,
        s => Some(Uuid::parse_str(s).map_err(|_| {
            ServiceError::invalid_field("structure_id", "Choisissez une structure de la liste.")
        })?),
    };
    if d.structure_siret.is_empty() {
        return Ok(listed);
    }
    let siret = Siret::parse(&d.structure_siret)
        .map_err(|e| ServiceError::invalid_field("structure_siret", e.to_string()))?;
    let found = store::structures::find_by_siret(&ctx.db, &siret)
        .await?
        .ok_or_else(|| {
            ServiceError::invalid_field(
                "structure_siret",
                "Aucune structure enregistrée n'a ce SIRET.",
            )
        })?;
    match listed {
        Some(id) if id != found.id => Err(ServiceError::invalid_field(
            "structure_siret",
            "Le SIRET et la structure choisie dans la liste ne désignent pas la même structure : n'en indiquez qu'une.",
        )),
        _ => Ok(Some(found.id)),
    }
}

/// Seats the member the form describes (a CAF agent of the call).
pub async fn seat_from_form(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    d: &SeatDraft,
) -> Result<Uuid, ServiceError> {
    // Only a CAF agent of the call looks accounts up.
    calls::managed_call(ctx, p, call_id).await?;
    let mut errors = FieldErrors::new();
    let user = match Email::parse(&d.email) {
        Err(_) => {
            errors.insert(
                "email".to_owned(),
                "Indiquez l'adresse e-mail du compte de la personne (prenom.nom@exemple.fr)."
                    .to_owned(),
            );
            None
        }
        Ok(e) => {
            let found = store::users::find_by_email(&ctx.db, e.as_str()).await?;
            if found.is_none() {
                errors.insert(
                    "email".to_owned(),
                    "Aucun compte n'a cette adresse e-mail : la personne doit d'abord avoir un compte sur la plateforme.".to_owned(),
                );
            }
            found
        }
    };
    if d.institution.trim().is_empty() {
        errors.insert(
            "institution".to_owned(),
            "Indiquez l'institution du membre (Caf 03, Caf 63, Conseil départemental, DSDEN, MSA, SDJES…)."
                .to_owned(),
        );
    }
    let structure = match structure_of(ctx, d).await {
        Ok(s) => s,
        Err(ServiceError::Invalid(fields)) => {
            errors.extend(fields);
            None
        }
        Err(e) => return Err(e),
    };
    let Some(user) = user.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    super::add_member(ctx, p, call_id, user, &d.institution, structure)
        .await
        .map_err(|e| match e {
            // The account was given by its e-mail.
            ServiceError::Invalid(mut fields) => {
                if let Some(m) = fields.remove("user_id") {
                    fields.insert("email".to_owned(), m);
                }
                ServiceError::Invalid(fields)
            }
            other => other,
        })
}
