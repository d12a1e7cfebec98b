//! Account operations shared by the pages and the API: login with
//! throttling, logout, password reset and activation links, account
//! creation, password change.

use std::collections::BTreeMap;

use domain::{
    AdminCap, DepartmentCode, Email, Grant, Principal, Role,
    password::{self, NewPassword},
};
use jiff::SignedDuration;
use store::{
    audit::Actor,
    tokens::Purpose,
    users::{NewUser, User},
};

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use crate::{Ctx, ServiceError, mail};

/// Failed attempts allowed per account and per address in the window.
pub const MAX_FAILURES: i64 = 10;
pub const FAILURE_WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// A new secret for a session, a link or a token: 256 random bits,
/// URL-safe.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored in place of a secret.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn actor(p: &Principal) -> Actor {
    Actor::user(p.user_id, &p.email)
}

/// A new session: the secret for the cookie (never stored) and its user.
pub struct NewSession {
    pub secret: String,
    pub principal: Principal,
}

/// Checks the credentials and opens a new session (a fresh id at every
/// login). Unknown address and wrong password get the same answer, after
/// the same work.
pub async fn login(
    ctx: &Ctx,
    email: &str,
    password: &str,
    address: &str,
    previous_session: Option<&str>,
) -> Result<NewSession, ServiceError> {
    let now = ctx.now();
    let account =
        Email::parse(email).map_or_else(|_| email.trim().to_lowercase(), |e| e.as_str().to_owned());
    let since = now.checked_sub(FAILURE_WINDOW).unwrap_or(now);
    let (by_account, by_address) =
        store::sessions::failures_since(&ctx.db, &account, address, since).await?;
    if by_account >= MAX_FAILURES || by_address >= MAX_FAILURES {
        return Err(ServiceError::too_many(
            "Trop de tentatives de connexion échouées. Réessayez dans 15 minutes.",
        ));
    }
    let creds = match Email::parse(email) {
        Ok(e) => store::users::credentials(&ctx.db, &e).await?,
        Err(_) => None,
    };
    let hash = creds
        .as_ref()
        .filter(|c| c.active)
        .and_then(|c| c.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_owned());
    let candidate = password.to_owned();
    let verified = tokio::task::spawn_blocking(move || password::verify(&candidate, &hash))
        .await
        .map_err(ServiceError::internal)?;
    let user_id = match (&creds, verified) {
        (Some(c), true) if c.active && c.password_hash.is_some() => c.id,
        _ => {
            let mut tx = ctx.db.begin().await?;
            store::sessions::record_failure(&mut tx, &account, address, now).await?;
            tx.commit().await?;
            return Err(ServiceError::Unauthenticated {
                code: "invalid_credentials",
                message: "Adresse e-mail ou mot de passe incorrect.".to_owned(),
            });
        }
    };
    let principal = store::users::principal(&ctx.db, user_id, ctx.today())
        .await?
        .ok_or_else(ServiceError::unauthenticated)?;
    let secret = new_secret();
    let mut tx = ctx.db.begin().await?;
    if let Some(prev) = previous_session {
        store::sessions::delete(&mut tx, prev).await?;
    }
    store::sessions::create(
        &mut tx,
        &digest(&secret),
        user_id,
        &new_secret(),
        now,
        ctx.settings.session_ttl.min(ctx.settings.session_max),
    )
    .await?;
    store::sessions::clear_account_failures(&mut tx, &account).await?;
    tx.commit().await?;
    Ok(NewSession { secret, principal })
}

/// The caller of a live API token (not revoked, not expired, its account
/// active); its use is recorded at most once a minute, not once per call.
pub async fn token_caller(ctx: &Ctx, token: &str) -> Result<Option<Principal>, ServiceError> {
    let now = ctx.now();
    let d = digest(token);
    let Some((user_id, last_used)) =
        store::tokens::api_token_user(&ctx.db, &d, now - ctx.settings.token_lifetime).await?
    else {
        return Ok(None);
    };
    let Ok(Some(p)) = store::users::principal(&ctx.db, user_id, ctx.today()).await else {
        return Ok(None);
    };
    if last_used.is_none_or(|t| now.duration_since(t).as_secs() > 60) {
        let _ = store::tokens::mark_api_token_used(&ctx.db, &d, now).await;
    }
    Ok(Some(p))
}

/// The caller of a live session, with the session's CSRF token.
pub struct SessionCaller {
    pub principal: Principal,
    pub csrf_token: String,
    /// What is stored in place of the session id.
    pub digest: String,
}

/// The caller of a session cookie; past its absolute limit a session is
/// over, however active. The expiry slides, at most once a minute, never
/// past that limit.
pub async fn session_caller(ctx: &Ctx, sid: &str) -> Result<Option<SessionCaller>, ServiceError> {
    let now = ctx.now();
    let d = digest(sid);
    let Some(s) = store::sessions::find(&ctx.db, &d, now).await? else {
        return Ok(None);
    };
    if now.duration_since(s.created_at) >= ctx.settings.session_max {
        return Ok(None);
    }
    let Ok(Some(p)) = store::users::principal(&ctx.db, s.user_id, ctx.today()).await else {
        return Ok(None);
    };
    if now.duration_since(s.last_seen_at).as_secs() > 60 {
        let until = (now + ctx.settings.session_ttl).min(s.created_at + ctx.settings.session_max);
        let _ = store::sessions::touch(&ctx.db, &d, now, until).await;
    }
    Ok(Some(SessionCaller {
        principal: p,
        csrf_token: s.csrf_token,
        digest: d,
    }))
}

pub async fn logout(ctx: &Ctx, session_digest: &str) -> Result<(), ServiceError> {
    let mut tx = ctx.db.begin().await?;
    store::sessions::delete(&mut tx, session_digest).await?;
    tx.commit().await?;
    Ok(())
}

fn link(ctx: &Ctx, secret: &str) -> String {
    format!("{}/reinitialiser/{secret}", ctx.settings.base_url)
}

/// Reset requests accepted from one address per quarter of an hour.
pub const RESETS_PER_ADDRESS: i64 = 5;
/// Reset e-mails sent to one account per hour: more would let anyone flood
/// a person's mailbox from many addresses.
pub const RESET_MAILS_PER_ACCOUNT: i64 = 3;

/// Sends a reset link if the address belongs to an active account. The
/// caller answers the same either way, and a throttled account too: only
/// the address's own flood gets 429, so the answer never tells whether an
/// account exists.
pub async fn request_reset(ctx: &Ctx, email: &str, address: &str) -> Result<(), ServiceError> {
    let now = ctx.now();
    let from_address = store::sessions::count_event(
        &ctx.db,
        "reset",
        address,
        now,
        now - jiff::SignedDuration::from_mins(15),
    )
    .await?;
    if from_address > RESETS_PER_ADDRESS {
        return Err(ServiceError::too_many(
            "Trop de demandes de réinitialisation ont été envoyées depuis votre connexion : \
             réessayez dans un quart d'heure.",
        ));
    }
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let Some(creds) = store::users::credentials(&ctx.db, &email).await? else {
        return Ok(());
    };
    if !creds.active {
        return Ok(());
    }
    let to_account = store::sessions::count_event(
        &ctx.db,
        "reset_mail",
        &creds.id.to_string(),
        now,
        now - jiff::SignedDuration::from_hours(1),
    )
    .await?;
    if to_account > RESET_MAILS_PER_ACCOUNT {
        tracing::warn!(user = %creds.id, "password reset e-mails throttled for this account");
        return Ok(());
    }
    let user = store::users::find(&ctx.db, creds.id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let secret = new_secret();
    let ttl = ctx.settings.reset_link_ttl;
    let mut tx = ctx.db.begin().await?;
    store::tokens::create_link(&mut tx, user.id, Purpose::Reset, &digest(&secret), now, ttl)
        .await?;
    let body = mail::PasswordReset {
        name: &user.name,
        link: &link(ctx, &secret),
        hours: ttl.as_hours().max(1),
    };
    mail::queue(
        ctx,
        &mut tx,
        user.email.as_str(),
        "Promeneurs du Net : changer votre mot de passe",
        "password_reset",
        &body,
    )
    .await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(())
}

pub async fn link_is_valid(ctx: &Ctx, secret: &str) -> Result<bool, ServiceError> {
    Ok(store::tokens::link_is_valid(&ctx.db, &digest(secret), ctx.now()).await?)
}

pub fn check_new_password(password: &str, confirm: &str) -> Result<NewPassword, ServiceError> {
    let p = NewPassword::parse(password)
        .map_err(|e| ServiceError::invalid_field("password", capitalise(&e.to_string())))?;
    if password != confirm {
        return Err(ServiceError::invalid_field(
            "password_confirm",
            "Les deux mots de passe ne sont pas identiques.",
        ));
    }
    Ok(p)
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str().trim_end_matches('.')),
        None => String::new(),
    }
}

/// Uses a reset or activation link once: sets the password, ends every
/// session of the account and revokes its API tokens (whoever could read
/// the old secrets must not keep a way in).
pub async fn use_link(ctx: &Ctx, secret: &str, password: NewPassword) -> Result<(), ServiceError> {
    let hash = tokio::task::spawn_blocking(move || password.hash())
        .await
        .map_err(ServiceError::internal)?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let Some(user_id) = store::tokens::consume_link(&mut tx, &digest(secret), now).await? else {
        return Err(ServiceError::conflict(
            "link_expired",
            "Ce lien n'est plus valable : il a déjà servi ou il a expiré.",
        ));
    };
    let user = store::users::find(&ctx.db, user_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let by = Actor::user(user.id, user.email.as_str());
    store::users::set_password(&mut tx, &by, now, user_id, &hash, None).await?;
    store::tokens::revoke_all_of(&mut tx, &by, now, user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the caller's password after checking the current one; other
/// sessions end, this one stays.
pub async fn change_password(
    ctx: &Ctx,
    p: &Principal,
    session_digest: Option<&str>,
    current: &str,
    new: NewPassword,
) -> Result<(), ServiceError> {
    let email = Email::parse(&p.email).map_err(|_| ServiceError::unauthenticated())?;
    let creds = store::users::credentials(&ctx.db, &email)
        .await?
        .ok_or_else(ServiceError::unauthenticated)?;
    let hash = creds
        .password_hash
        .unwrap_or_else(|| password::dummy_hash().to_owned());
    let candidate = current.to_owned();
    let ok = tokio::task::spawn_blocking(move || password::verify(&candidate, &hash))
        .await
        .map_err(ServiceError::internal)?;
    if !ok {
        return Err(ServiceError::invalid_field(
            "current_password",
            "Le mot de passe actuel est incorrect.",
        ));
    }
    let new_hash = tokio::task::spawn_blocking(move || new.hash())
        .await
        .map_err(ServiceError::internal)?;
    let mut tx = ctx.db.begin().await?;
    store::users::set_password(
        &mut tx,
        &actor(p),
        ctx.now(),
        p.user_id,
        &new_hash,
        session_digest,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What an administrator fills in to create an account.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    pub email: String,
    pub name: String,
    pub role: String,
    pub departments: Vec<String>,
}

/// Parses the input into grants, with a French message per bad field.
pub fn parse_user_input(input: &UserInput) -> Result<(Email, String, Vec<Grant>), ServiceError> {
    let mut errors = BTreeMap::new();
    let email = Email::parse(&input.email)
        .map_err(|_| errors.insert("email".into(), "Adresse e-mail invalide.".into()))
        .ok();
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.insert(
            "name".into(),
            "Indiquez un nom (200 caractères au plus).".into(),
        );
    }
    let role = Role::parse(&input.role)
        .map_err(|_| errors.insert("role".into(), "Choisissez un rôle.".into()))
        .ok();
    let mut deps = Vec::new();
    for d in &input.departments {
        match DepartmentCode::parse(d) {
            Ok(d) if !deps.contains(&d) => deps.push(d),
            Ok(_) => {}
            Err(_) => {
                errors.insert(
                    "departments".into(),
                    format!("Département inconnu : « {d} »."),
                );
            }
        }
    }
    if let Some(r) = role
        && r.is_departmental()
        && deps.is_empty()
        && !errors.contains_key("departments")
    {
        errors.insert(
            "departments".into(),
            "Ce rôle s'exerce dans au moins un département : cochez-en un.".into(),
        );
    }
    if !errors.is_empty() {
        return Err(ServiceError::invalid(errors));
    }
    let role = role.expect("checked above");
    let grants = if role.is_departmental() {
        deps.into_iter()
            .map(|d| Grant::departmental(role, d))
            .collect()
    } else {
        vec![Grant::platform(role)]
    };
    Ok((email.expect("checked above"), name, grants))
}

/// Creates an account and e-mails its activation link.
pub async fn create_user(
    ctx: &Ctx,
    cap: &AdminCap,
    by: &Actor,
    input: &UserInput,
) -> Result<User, ServiceError> {
    let (email, name, grants) = parse_user_input(input)?;
    for g in &grants {
        if let Some(d) = &g.department
            && store::reference::department(&ctx.db, d.as_str())
                .await?
                .is_none()
        {
            return Err(ServiceError::invalid_field(
                "departments",
                format!("Le département {d} n'est pas servi par cette plateforme."),
            ));
        }
    }
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let user = store::users::create(
        &mut tx,
        cap,
        by,
        now,
        NewUser {
            email,
            name,
            grants,
            password_hash: None,
        },
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict("email") => {
            ServiceError::invalid_field("email", "Un compte existe déjà avec cette adresse e-mail.")
        }
        other => other.into(),
    })?;
    send_activation(ctx, &mut tx, &user).await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(user)
}

/// Queues the e-mail with the link that activates a new account.
pub async fn send_activation(
    ctx: &Ctx,
    tx: &mut store::Tx,
    user: &User,
) -> Result<(), ServiceError> {
    let secret = new_secret();
    let ttl = ctx.settings.activation_link_ttl;
    store::tokens::create_link(
        tx,
        user.id,
        Purpose::Activation,
        &digest(&secret),
        ctx.now(),
        ttl,
    )
    .await?;
    let roles = roles_label(&user.grants);
    let body = mail::Activation {
        name: &user.name,
        link: &link(ctx, &secret),
        roles: &roles,
        days: ttl.as_hours() / 24,
    };
    mail::queue(
        ctx,
        tx,
        user.email.as_str(),
        "Promeneurs du Net : Activez votre compte",
        "activation",
        &body,
    )
    .await?;
    Ok(())
}

/// "Agent de Caf (03, 63)".
pub fn roles_label(grants: &[Grant]) -> String {
    let mut out: Vec<String> = Vec::new();
    for role in Role::ALL {
        let mine: Vec<&Grant> = grants.iter().filter(|g| g.role == role).collect();
        if mine.is_empty() {
            continue;
        }
        let deps: Vec<&str> = mine
            .iter()
            .filter_map(|g| g.department.as_ref().map(DepartmentCode::as_str))
            .collect();
        if deps.is_empty() {
            out.push(role.label().to_owned());
        } else {
            out.push(format!("{} ({})", role.label(), deps.join(", ")));
        }
    }
    out.join(", ")
}
