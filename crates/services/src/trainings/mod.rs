//! Trainings (module 2 of the call, and the coordinators' own): the
//! catalogue and its sessions (this file); registrations, the waiting
//! list, attendance, certificates and the passport ([`registrations`]).
//!
//! Who reads what: staff and trainers the départements they run trainings
//! in; a referent the départements of its structures; a promeneur its own
//! département; an administrator everything.

use std::collections::BTreeSet;

use domain::{DepartmentCode, Principal, Role, training::TrainingKind};
use jiff::Timestamp;
use store::trainings::{Session, SessionFilter, Training};
use uuid::Uuid;

use crate::{Ctx, ServiceError, accounts::actor};

pub mod documents;
pub mod exports;
pub mod home;
pub mod manage;
pub mod registrations;
pub mod reminders;
pub mod survey;
pub mod trainers;
pub mod words;

pub use registrations::{
    CertificateFacts, approve, cancel, certificate, certificate_pdf, mark_attendance,
    my_registration, passport, register, registration, session_registrations, verify_certificate,
};

/// The départements whose trainings `p` reads (`None`: all of them).
pub async fn visible_departments(
    ctx: &Ctx,
    p: &Principal,
) -> Result<Option<Vec<DepartmentCode>>, ServiceError> {
    let me = if p.has_role(Role::Promeneur) && !p.is_admin() {
        store::promeneurs::find_by_user(&ctx.db, p.user_id).await?
    } else {
        None
    };
    visible_with(ctx, p, me.as_ref()).await
}

/// [`visible_departments`], the caller's promeneur record (if it is a
/// promeneur) already read.
pub(crate) async fn visible_with(
    ctx: &Ctx,
    p: &Principal,
    me: Option<&store::promeneurs::Promeneur>,
) -> Result<Option<Vec<DepartmentCode>>, ServiceError> {
    if p.is_admin() {
        return Ok(None);
    }
    let mut out: BTreeSet<DepartmentCode> = p
        .grants
        .iter()
        .filter(|g| matches!(g.role, Role::CafAgent | Role::Coordinator | Role::Trainer))
        .filter_map(|g| g.department.clone())
        .collect();
    for s in p.referent_structures() {
        if let Some(s) =
            store::structures::find(&ctx.db, &domain::NetworkScope::everything(), s).await?
        {
            out.insert(s.department);
        }
    }
    if let Some(me) = me {
        out.insert(me.department.clone());
    }
    Ok(Some(out.into_iter().collect()))
}

fn parse_departments(codes: &[String]) -> Result<Vec<DepartmentCode>, ServiceError> {
    let mut out = Vec::new();
    for c in codes {
        let d = DepartmentCode::parse(c.trim()).map_err(|_| {
            ServiceError::invalid_field("departments", format!("Département inconnu : « {c} »."))
        })?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    if out.is_empty() {
        return Err(ServiceError::invalid_field(
            "departments",
            "Choisissez au moins un département.",
        ));
    }
    out.sort();
    Ok(out)
}

fn text(
    field: &str,
    label: &str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<String, ServiceError> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(ServiceError::invalid_field(
            field,
            format!("Indiquez {label}."),
        ));
    }
    if v.chars().count() > max {
        return Err(ServiceError::invalid_field(
            field,
            format!("{label} : {max} caractères au plus."),
        ));
    }
    Ok(v.to_owned())
}

/// What staff or a trainer type to add a training.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TrainingDraft {
    pub title: String,
    pub theme: String,
    pub objectives: String,
    pub description: String,
    /// `initial`, `continuing` or `analysis` (continuing when empty).
    pub kind: String,
    pub duration_minutes: Option<i64>,
    pub provider_structure_id: Option<Uuid>,
    pub departments: Vec<String>,
}

/// Adds a training to the catalogue (staff of its départements, or a
/// trainer, for its provider).
pub async fn create_training(
    ctx: &Ctx,
    p: &Principal,
    d: &TrainingDraft,
) -> Result<Uuid, ServiceError> {
    let title = text("title", "le titre", &d.title, 200, true)?;
    let theme = text("theme", "le thème", &d.theme, 200, false)?;
    let objectives = text("objectives", "les objectifs", &d.objectives, 5_000, false)?;
    let description = text(
        "description",
        "la description",
        &d.description,
        10_000,
        false,
    )?;
    let kind = if d.kind.trim().is_empty() {
        TrainingKind::Continuing
    } else {
        TrainingKind::parse(&d.kind).ok_or_else(|| {
            ServiceError::invalid_field(
                "kind",
                "Type inconnu : formation initiale, continue ou analyse de pratiques.",
            )
        })?
    };
    let duration = d.duration_minutes.unwrap_or(0);
    if !(0..=60 * 24 * 30).contains(&duration) {
        return Err(ServiceError::invalid_field(
            "duration_minutes",
            "La durée est un nombre de minutes (au plus 30 jours).",
        ));
    }
    let departments = parse_departments(&d.departments)?;
    let cap = p.training_staff(&departments).ok_or_else(|| {
        ServiceError::forbidden(
            "Seuls les agents de Caf, les coordinateurs et les formateurs de ces départements ajoutent des formations.",
        )
    })?;
    if cap.departments.len() < departments.len() {
        return Err(ServiceError::invalid_field(
            "departments",
            "Vous ne pouvez ajouter une formation que dans vos départements.",
        ));
    }
    if let Some(s) = d.provider_structure_id
        && store::structures::find(&ctx.db, &domain::NetworkScope::everything(), s)
            .await?
            .is_none()
    {
        return Err(ServiceError::invalid_field(
            "provider_structure_id",
            "Cette structure n'existe pas.",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let id = store::trainings::create_training(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        &store::trainings::NewTraining {
            title: &title,
            theme: &theme,
            objectives: &objectives,
            description: &description,
            kind,
            duration_minutes: duration,
            provider_structure_id: d.provider_structure_id,
            departments: &departments,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The trainings `p` reads.
pub async fn trainings(ctx: &Ctx, p: &Principal) -> Result<Vec<Training>, ServiceError> {
    let deps = visible_departments(ctx, p).await?;
    Ok(store::trainings::trainings(&ctx.db, deps.as_deref()).await?)
}

/// One training `p` reads (404 otherwise).
pub async fn training(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Training, ServiceError> {
    let t = store::trainings::find_training(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    match visible_departments(ctx, p).await? {
        Some(deps) if !t.departments.iter().any(|d| deps.contains(d)) => {
            Err(ServiceError::NotFound)
        }
        _ => Ok(t),
    }
}

/// One half-day as typed: RFC 3339 instants with their offset.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PartDraft {
    pub starts_at: String,
    pub ends_at: String,
}

/// What staff or a trainer type to schedule a session. Without `parts`,
/// the session is one sitting from `starts_at` to `ends_at`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SessionDraft {
    pub starts_at: String,
    pub ends_at: String,
    pub parts: Vec<PartDraft>,
    pub place: String,
    pub online_url: String,
    pub departments: Vec<String>,
    pub capacity: Option<i64>,
    pub needs_approval: bool,
    pub registration_closes_at: String,
}

fn instant(field: &str, value: &str) -> Result<Timestamp, ServiceError> {
    value.trim().parse::<Timestamp>().map_err(|_| {
        ServiceError::invalid_field(
            field,
            "Date et heure attendues au format 2027-01-12T09:00:00+01:00.",
        )
    })
}

fn parts_of(d: &SessionDraft) -> Result<Vec<domain::training::Part>, ServiceError> {
    let typed: Vec<(&str, &str)> = if d.parts.is_empty() {
        vec![(d.starts_at.as_str(), d.ends_at.as_str())]
    } else {
        d.parts
            .iter()
            .map(|p| (p.starts_at.as_str(), p.ends_at.as_str()))
            .collect()
    };
    if typed.len() > 20 {
        return Err(ServiceError::invalid_field(
            "parts",
            "Une session compte au plus 20 demi-journées.",
        ));
    }
    typed
        .into_iter()
        .map(|(s, e)| {
            Ok(domain::training::Part {
                starts_at: instant("starts_at", s)?,
                ends_at: instant("ends_at", e)?,
            })
        })
        .collect()
}

/// Schedules a session of a training `p` runs.
pub async fn create_session(
    ctx: &Ctx,
    p: &Principal,
    training_id: Uuid,
    d: &SessionDraft,
) -> Result<Uuid, ServiceError> {
    let t = training(ctx, p, training_id).await?;
    let parts = parts_of(d)?;
    let closes = instant("registration_closes_at", &d.registration_closes_at)?;
    domain::training::check_schedule(&parts, closes)
        .map_err(|(field, message)| ServiceError::invalid_field(field, message))?;
    let capacity = d.capacity.unwrap_or(0);
    if !(1..=1_000).contains(&capacity) {
        return Err(ServiceError::invalid_field(
            "capacity",
            "La capacité est un nombre de places entre 1 et 1 000.",
        ));
    }
    let place = text("place", "le lieu", &d.place, 500, false)?;
    let online_url = text("online_url", "le lien", &d.online_url, 500, false)?;
    if !online_url.is_empty() && !online_url.starts_with("https://") {
        return Err(ServiceError::invalid_field(
            "online_url",
            "Le lien de visioconférence commence par https://.",
        ));
    }
    if place.is_empty() && online_url.is_empty() {
        return Err(ServiceError::invalid_field(
            "place",
            "Indiquez le lieu ou le lien de visioconférence.",
        ));
    }
    let departments = if d.departments.is_empty() {
        t.departments.clone()
    } else {
        parse_departments(&d.departments)?
    };
    if departments.iter().any(|d| !t.departments.contains(d)) {
        return Err(ServiceError::invalid_field(
            "departments",
            "Une session est ouverte aux départements de sa formation.",
        ));
    }
    let cap = p
        .training_staff(&departments)
        .filter(|c| c.departments.len() == departments.len())
        .ok_or_else(|| {
            ServiceError::forbidden(
                "Seuls les agents de Caf, les coordinateurs et les formateurs de la formation programment ses sessions.",
            )
        })?;
    let mut tx = ctx.db.begin().await?;
    let id = store::trainings::create_session(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        &store::trainings::NewSession {
            training_id,
            parts: &parts,
            place: &place,
            online_url: &online_url,
            departments: &departments,
            capacity,
            needs_approval: d.needs_approval,
            registration_closes_at: closes,
        },
    )
    .await
    .map_err(|e| match e {
        store::StoreError::NotFound => ServiceError::forbidden(
            "Seuls les agents de Caf, les coordinateurs et les formateurs de la formation programment ses sessions.",
        ),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// Which sessions a list asks for.
#[derive(Debug, Clone, Default)]
pub struct SessionQuery {
    pub department: Option<DepartmentCode>,
    pub kind: Option<TrainingKind>,
    pub training_id: Option<Uuid>,
    /// Past sessions too.
    pub past: bool,
}

/// The sessions `p` reads that pass `q`, soonest first.
pub async fn sessions(
    ctx: &Ctx,
    p: &Principal,
    q: &SessionQuery,
) -> Result<Vec<Session>, ServiceError> {
    Ok(sessions_and_scope(ctx, p, q).await?.0)
}

/// [`sessions`], with the départements `p` reads (`None`: all of them),
/// for a list that also offers them as a filter: one read of each.
pub async fn sessions_and_scope(
    ctx: &Ctx,
    p: &Principal,
    q: &SessionQuery,
) -> Result<(Vec<Session>, Option<Vec<DepartmentCode>>), ServiceError> {
    let visible = visible_departments(ctx, p).await?;
    let mut deps = visible.clone();
    if let Some(d) = &q.department {
        deps = match deps {
            None => Some(vec![d.clone()]),
            Some(v) => Some(v.into_iter().filter(|x| x == d).collect()),
        };
    }
    let f = SessionFilter {
        departments: deps,
        ends_after: (!q.past).then(|| ctx.now()),
        training_id: q.training_id,
        kind: q.kind,
        provider: None,
        ids: None,
    };
    Ok((store::trainings::sessions(&ctx.db, &f).await?, visible))
}

/// One session `p` reads (404 otherwise).
pub async fn session(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Session, ServiceError> {
    let s = store::trainings::find_session(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    match visible_departments(ctx, p).await? {
        Some(deps) if !s.departments.iter().any(|d| deps.contains(d)) => {
            Err(ServiceError::NotFound)
        }
        _ => Ok(s),
    }
}

/// Whether `p` runs session `s` (staff of one of its départements, or a
/// trainer of its provider).
pub fn runs(p: &Principal, s: &Session) -> bool {
    p.training_staff(&s.departments)
        .is_some_and(|c| c.provider.is_none() || c.provider == s.provider_structure_id)
}

/// Changes a session's capacity; a larger one promotes the waiting list,
/// whose people are e-mailed.
pub async fn set_capacity(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    capacity: i64,
) -> Result<Session, ServiceError> {
    let s = session(ctx, p, id).await?;
    let cap = p
        .training_staff(&s.departments)
        .filter(|_| runs(p, &s))
        .ok_or_else(|| {
            ServiceError::forbidden("Seuls ceux qui animent la session changent sa capacité.")
        })?;
    let mut tx = ctx.db.begin().await?;
    let promoted =
        store::trainings::set_capacity(&mut tx, &cap, &actor(p), ctx.now(), id, capacity)
            .await
            .map_err(|e| match e {
                store::StoreError::Invalid(m) => ServiceError::invalid_field("capacity", m),
                other => other.into(),
            })?;
    registrations::tell_promoted(ctx, &mut tx, &promoted).await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    session(ctx, p, id).await
}
