//! Structure referents join the platform: the public sign-up (a new
//! structure is registered at once; a known SIRET becomes a claim that
//! staff of its département approve or refuse), and the invitation of a
//! referent by staff or by a fellow referent. Accounts are opened without
//! a password: the e-mailed activation link sets it.

use std::collections::BTreeMap;

use askama::Template;
use domain::{Email, NetworkCap, Principal, Siret};
use store::{audit::Actor, claims::Claim, structures::Structure, users::User};
use uuid::Uuid;

use crate::{
    Ctx, ServiceError,
    accounts::{actor, send_activation},
    mail,
    network::input::{StructureDraft, validate_structure},
};

/// What a visitor types on `/inscription`.
#[derive(Debug, Clone, Default)]
pub struct SignupDraft {
    pub name: String,
    pub email: String,
    pub siret: String,
    /// The structure, needed only when its SIRET is not yet known.
    pub structure_name: String,
    pub kind: String,
    pub commune: String,
}

/// What the visitor is told (the same whether or not the address already
/// had an account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupOutcome {
    /// The structure was registered with the visitor as its referent.
    NewStructure,
    /// The structure was known: the CAF confirms the claim.
    Claim,
}

#[derive(Template)]
#[template(path = "emails/account_exists.txt")]
struct AccountExists<'a> {
    login: &'a str,
    forgot: &'a str,
}

#[derive(Template)]
#[template(path = "emails/claim_decision.txt")]
struct ClaimDecision<'a> {
    name: &'a str,
    structure: &'a str,
    approved: bool,
    link: &'a str,
}

/// The actor of what a visitor does before having an account.
fn visitor(email: &str) -> Actor {
    Actor {
        id: None,
        label: format!("inscription ({email})"),
    }
}

/// What the visitor's structure is: known by its SIRET, or to register.
enum Target {
    Known(Structure),
    New(store::structures::StructureInput),
}

async fn check(ctx: &Ctx, d: &SignupDraft) -> Result<(String, Email, Target), ServiceError> {
    let mut errors = BTreeMap::new();
    let name = d.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.insert(
            "name".to_owned(),
            "Indiquez vos prénom et nom (200 caractères au plus).".to_owned(),
        );
    }
    let email = Email::parse(&d.email)
        .map_err(|_| {
            errors.insert(
                "email".to_owned(),
                "Adresse e-mail invalide : elle s'écrit comme nom@exemple.fr.".to_owned(),
            );
        })
        .ok();
    let siret = if d.siret.trim().is_empty() {
        errors.insert(
            "siret".to_owned(),
            "Indiquez le SIRET de votre structure (14 chiffres).".to_owned(),
        );
        None
    } else {
        Siret::parse(&d.siret)
            .map_err(|e| {
                errors.insert("siret".to_owned(), e.to_string());
            })
            .ok()
    };
    let mut target = None;
    if let Some(siret) = &siret {
        if let Some(s) = store::structures::find_by_siret(&ctx.db, siret).await? {
            target = Some(Target::Known(s));
        } else {
            let communes = ctx.communes().await?;
            let draft = StructureDraft {
                name: d.structure_name.clone(),
                kind: d.kind.clone(),
                siret: siret.as_str().to_owned(),
                commune: d.commune.clone(),
                contact_name: name.clone(),
                email: email
                    .as_ref()
                    .map(|e| e.as_str().to_owned())
                    .unwrap_or_default(),
                ..StructureDraft::default()
            };
            match validate_structure(&draft, &communes) {
                Ok(input) => target = Some(Target::New(input)),
                Err(e) => {
                    for (k, v) in e {
                        let field = match k.as_str() {
                            "kind" => "kind",
                            "commune_insee" => "commune",
                            "siret" => "siret",
                            // The structure's e-mail is the visitor's.
                            "email" => "email",
                            _ => "structure_name",
                        };
                        let v = if field == "structure_name" && d.structure_name.trim().is_empty() {
                            "Ce SIRET n'est pas encore inscrit : indiquez le nom de la structure pour l'inscrire."
                                .to_owned()
                        } else {
                            v
                        };
                        errors.entry(field.to_owned()).or_insert(v);
                    }
                }
            }
        }
    }
    match (email, target) {
        (Some(email), Some(target)) if errors.is_empty() => Ok((name, email, target)),
        _ => Err(ServiceError::invalid(errors)),
    }
}

/// Sign-ups accepted from one address per hour: each sends an e-mail to
/// the address typed, so a flood would make the platform a spam relay.
pub const SIGNUPS_PER_HOUR: i64 = 5;

/// Counts a sign-up from `address` and refuses it past the hourly limit.
pub async fn throttle(ctx: &Ctx, address: &str) -> Result<(), ServiceError> {
    let now = ctx.now();
    let n = store::sessions::count_event(
        &ctx.db,
        "signup",
        address,
        now,
        now - jiff::SignedDuration::from_hours(1),
    )
    .await?;
    if n > SIGNUPS_PER_HOUR {
        return Err(ServiceError::too_many(
            "Trop d'inscriptions ont été envoyées depuis votre connexion : réessayez dans une heure.",
        ));
    }
    Ok(())
}

/// Signs a visitor up. An address that already has an account gets an
/// e-mail saying so, and the visitor the same answer as a new one: the
/// page never tells which addresses are registered.
pub async fn sign_up(ctx: &Ctx, d: &SignupDraft) -> Result<SignupOutcome, ServiceError> {
    let (name, email, target) = check(ctx, d).await?;
    let outcome = match target {
        Target::Known(_) => SignupOutcome::Claim,
        Target::New(_) => SignupOutcome::NewStructure,
    };
    if store::users::find_by_email(&ctx.db, email.as_str())
        .await?
        .is_some()
    {
        account_exists(ctx, &email).await?;
        return Ok(outcome);
    }
    let now = ctx.now();
    let by = visitor(email.as_str());
    let mut tx = ctx.db.begin().await?;
    let created = match &target {
        Target::New(input) => {
            let cap = NetworkCap::for_signup(input.department.clone());
            let id = store::structures::create(&mut tx, &cap, &by, now, input)
                .await
                .map_err(|e| match e {
                    store::StoreError::Conflict(_) => ServiceError::invalid_field(
                        "siret",
                        "Une structure vient d'être inscrite avec ce SIRET : envoyez à nouveau le formulaire.",
                    ),
                    other => other.into(),
                })?;
            tell_agents_of_signup(ctx, &mut tx, input, &name, &email).await?;
            store::users::create_referent_account(
                &mut tx,
                &cap,
                &by,
                now,
                email.clone(),
                name,
                Some(id),
            )
            .await
        }
        Target::Known(s) => {
            let cap = NetworkCap::for_signup(s.department.clone());
            match store::users::create_referent_account(
                &mut tx,
                &cap,
                &by,
                now,
                email.clone(),
                name,
                None,
            )
            .await
            {
                Ok(user) => {
                    store::claims::create(
                        &mut tx,
                        &cap,
                        &Actor::user(user.id, user.email.as_str()),
                        now,
                        user.id,
                        s.id,
                    )
                    .await?;
                    tell_caf_of_claim(ctx, &mut tx, s, &user).await?;
                    Ok(user)
                }
                Err(e) => Err(e),
            }
        }
    };
    let user = match created {
        Ok(user) => user,
        // Registered in between by someone else: the same answer.
        Err(store::StoreError::Conflict("email")) => {
            drop(tx);
            account_exists(ctx, &email).await?;
            return Ok(outcome);
        }
        Err(e) => return Err(e.into()),
    };
    send_activation(ctx, &mut tx, &user).await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    if outcome == SignupOutcome::NewStructure {
        ctx.directory.invalidate();
    }
    Ok(outcome)
}

#[derive(Template)]
#[template(path = "emails/structure_pending.txt")]
struct StructurePending<'a> {
    structure: &'a str,
    siret: &'a str,
    commune: &'a str,
    name: &'a str,
    email: &'a str,
    link: &'a str,
}

/// The CAF agents of the département (else the CAF's contact address)
/// learn that a structure signed itself up and waits for their approval.
async fn tell_agents_of_signup(
    ctx: &Ctx,
    tx: &mut store::Tx,
    input: &store::structures::StructureInput,
    name: &str,
    email: &Email,
) -> Result<(), store::StoreError> {
    let mut to = store::users::caf_agent_emails(&ctx.db, input.department.as_str()).await?;
    if to.is_empty()
        && let Some(d) = store::reference::department(&ctx.db, input.department.as_str()).await?
        && !d.contact_email.is_empty()
    {
        to.push(d.contact_email);
    }
    let commune = ctx
        .communes()
        .await
        .ok()
        .and_then(|c| c.get(&input.commune_insee).map(|c| c.name.clone()))
        .unwrap_or_else(|| input.commune_insee.clone());
    let body = StructurePending {
        structure: &input.name,
        siret: input.siret.as_ref().map_or("", |x| x.as_str()),
        commune: &commune,
        name,
        email: email.as_str(),
        link: &format!("{}/reseau/structures/a-valider", ctx.settings.base_url),
    };
    for address in to {
        mail::queue(
            ctx,
            tx,
            &address,
            &format!("Structure à valider : {}", input.name),
            "structure_pending",
            &body,
        )
        .await?;
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "emails/claim_pending.txt")]
struct ClaimPending<'a> {
    name: &'a str,
    email: &'a str,
    structure: &'a str,
    link: &'a str,
}

/// The CAF of the structure's département (its contact address) learns
/// that someone asks to represent the structure.
async fn tell_caf_of_claim(
    ctx: &Ctx,
    tx: &mut store::Tx,
    s: &Structure,
    user: &User,
) -> Result<(), store::StoreError> {
    let Some(d) = store::reference::department(&ctx.db, s.department.as_str()).await? else {
        return Ok(());
    };
    if d.contact_email.is_empty() {
        return Ok(());
    }
    let body = ClaimPending {
        name: &user.name,
        email: user.email.as_str(),
        structure: &s.name,
        link: &format!("{}/reseau/structures/{}", ctx.settings.base_url, s.id),
    };
    mail::queue(
        ctx,
        tx,
        &d.contact_email,
        &format!("Demande de rattachement à {}", s.name),
        "claim_pending",
        &body,
    )
    .await
}

async fn account_exists(ctx: &Ctx, email: &Email) -> Result<(), ServiceError> {
    let base = &ctx.settings.base_url;
    let body = AccountExists {
        login: &format!("{base}/connexion"),
        forgot: &format!("{base}/mot-de-passe-oublie"),
    };
    let mut tx = ctx.db.begin().await?;
    mail::queue(
        ctx,
        &mut tx,
        email.as_str(),
        "Promeneurs du Net : vous avez déjà un compte",
        "account_exists",
        &body,
    )
    .await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(())
}

/// Opens the account of a new referent of structure `id`, by staff of its
/// département or by one of its referents, and e-mails the activation
/// link.
pub async fn invite_referent(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    name: &str,
    email: &str,
) -> Result<User, ServiceError> {
    let s = super::structures::structure(ctx, p, id).await?;
    let cap = p
        .network_editor(&s.department, Some(s.id))
        .ok_or_else(|| ServiceError::forbidden("Vous ne pouvez que consulter cette structure."))?;
    let mut errors = BTreeMap::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.insert(
            "referent_name".to_owned(),
            "Indiquez les prénom et nom du référent (200 caractères au plus).".to_owned(),
        );
    }
    let email = Email::parse(email)
        .map_err(|_| {
            errors.insert(
                "referent_email".to_owned(),
                "Adresse e-mail invalide : elle s'écrit comme nom@exemple.fr.".to_owned(),
            );
        })
        .ok();
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::invalid(errors));
    };
    if s.archived_at.is_some() {
        return Err(ServiceError::conflict(
            "archived",
            "Cette structure est archivée : restaurez-la avant d'inviter un référent.",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let user = store::users::create_referent_account(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        email,
        name.to_owned(),
        Some(s.id),
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict("email") => ServiceError::invalid_field(
            "referent_email",
            "Un compte existe déjà avec cette adresse e-mail : un administrateur peut lui ajouter le rôle de référent de cette structure.",
        ),
        other => other.into(),
    })?;
    send_activation(ctx, &mut tx, &user).await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(user)
}

/// The pending claims on structure `id`, for staff of its département
/// (nothing for anyone else).
pub async fn pending_claims(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
) -> Result<Vec<Claim>, ServiceError> {
    if !p.is_staff() {
        return Ok(Vec::new());
    }
    Ok(store::claims::pending(&ctx.db, &p.staff_scope(), Some(id)).await?)
}

/// Every pending claim in `p`'s départements (staff only).
pub async fn all_pending_claims(ctx: &Ctx, p: &Principal) -> Result<Vec<Claim>, ServiceError> {
    if !p.is_staff() {
        return Ok(Vec::new());
    }
    Ok(store::claims::pending(&ctx.db, &p.staff_scope(), None).await?)
}

/// Approves or refuses a claim (staff of the structure's département;
/// 404 for anyone else) and e-mails the claimant the decision.
pub async fn decide_claim(
    ctx: &Ctx,
    p: &Principal,
    claim_id: Uuid,
    approve: bool,
) -> Result<Claim, ServiceError> {
    let claim = store::claims::find(&ctx.db, &p.staff_scope(), claim_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let cap = p
        .network_editor(&claim.department, Some(claim.structure_id))
        .filter(|c| c.staff)
        .ok_or(ServiceError::NotFound)?;
    let mut tx = ctx.db.begin().await?;
    store::claims::decide(&mut tx, &cap, &actor(p), ctx.now(), claim_id, approve)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => ServiceError::conflict(
                "claim_decided",
                "Cette demande de rattachement a déjà été traitée.",
            ),
            other => other.into(),
        })?;
    let link = format!("{}/candidatures", ctx.settings.base_url);
    let body = ClaimDecision {
        name: &claim.user_name,
        structure: &claim.structure_name,
        approved: approve,
        link: &link,
    };
    mail::queue(
        ctx,
        &mut tx,
        claim.user_email.as_str(),
        if approve {
            "Promeneurs du Net : votre rattachement est confirmé"
        } else {
            "Promeneurs du Net : votre demande de rattachement"
        },
        "claim_decision",
        &body,
    )
    .await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(claim)
}

/// The claims an account made (to explain, on its pages, why it has no
/// structure yet).
pub async fn my_claims(ctx: &Ctx, p: &Principal) -> Result<Vec<Claim>, ServiceError> {
    Ok(store::claims::of_user(&ctx.db, p.user_id).await?)
}
