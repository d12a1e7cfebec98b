//! Registrations to training sessions: who may register whom, the waiting
//! list's promotions told at once by e-mail (with the session's .ics),
//! attendance per half-day, the certificate earned by attending every
//! half-day and checked by its code without logging in, the passport, and
//! the initial training's date that attendance sets for the directory.

use askama::Template;
use domain::{
    Principal,
    clock::in_paris,
    training::{Attendance, RegistrationStatus, TrainingKind},
};
use store::{
    Tx,
    outbox::Attachment,
    promeneurs::Promeneur,
    trainings::{Passport, Promotion, Registered, Registration, Session},
};
use uuid::Uuid;

use super::{runs, session};
use crate::{
    Ctx, ServiceError,
    accounts::actor,
    auditions::{french_start, ics_stamp},
    mail,
};

/// The e-mail telling a promeneur where its registration stands.
#[derive(Template)]
#[template(path = "emails/training.txt")]
struct TrainingMail<'a> {
    name: &'a str,
    training: &'a str,
    when: String,
    place: &'a str,
    online_url: &'a str,
    /// `registered`, `waitlisted`, `pending_approval` or `promoted`.
    what: &'a str,
    position: i64,
    link: String,
}

/// The .ics of a session: from its first half-day's start to its last
/// half-day's end.
pub fn calendar(s: &Session, now: jiff::Timestamp) -> String {
    let location = if s.place.is_empty() {
        s.online_url.clone()
    } else {
        s.place.clone()
    };
    let mut description = format!("{} ({} demi-journée(s)).", s.training_title, s.parts.len());
    for p in &s.parts {
        description.push_str("\n- ");
        description.push_str(&french_start(p.starts_at));
    }
    if !s.online_url.is_empty() {
        description.push_str("\nVisioconférence : ");
        description.push_str(&s.online_url);
    }
    documents::ics::calendar(&documents::ics::Event {
        uid: format!("{}@promeneurs", s.id),
        starts: ics_stamp(s.starts_at),
        ends: ics_stamp(s.ends_at),
        stamp: ics_stamp(now),
        summary: format!("Formation : {}", s.training_title),
        location,
        description,
        sequence: 0,
    })
}

/// Queues the e-mail about a registration to its promeneur; a seat comes
/// with the session's .ics.
async fn tell(
    ctx: &Ctx,
    tx: &mut Tx,
    s: &Session,
    to: &Promeneur,
    (what, position): (&str, i64),
) -> Result<(), ServiceError> {
    let body = TrainingMail {
        name: &to.first_name,
        training: &s.training_title,
        when: french_start(s.starts_at),
        place: &s.place,
        online_url: &s.online_url,
        what,
        position,
        link: format!("{}/formations/sessions/{}", ctx.settings.base_url, s.id),
    };
    let subject = match what {
        "promoted" => format!(
            "Une place s'est libérée : tu es inscrit·e à « {} »",
            s.training_title
        ),
        "waitlisted" => format!("Liste d'attente : « {} »", s.training_title),
        "pending_approval" => format!(
            "Inscription à confirmer par ton employeur : « {} »",
            s.training_title
        ),
        _ => format!("Inscription confirmée : « {} »", s.training_title),
    };
    if matches!(what, "registered" | "promoted") {
        let ics = calendar(s, ctx.now());
        mail::queue_with(
            ctx,
            tx,
            to.email.as_str(),
            &subject,
            "training",
            &body,
            &[Attachment {
                file_name: "formation.ics".into(),
                content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
                content: ics.into_bytes(),
            }],
        )
        .await?;
    } else {
        mail::queue(ctx, tx, to.email.as_str(), &subject, "training", &body).await?;
    }
    Ok(())
}

/// Tells each promoted person, in the transaction that promoted it.
pub(super) async fn tell_promoted(
    ctx: &Ctx,
    tx: &mut Tx,
    promoted: &[Promotion],
) -> Result<(), ServiceError> {
    for m in promoted {
        let (Some(s), Some(who)) = (
            store::trainings::find_session(&ctx.db, m.session_id).await?,
            store::promeneurs::find_any(&ctx.db, m.promeneur_id).await?,
        ) else {
            continue;
        };
        tell(ctx, tx, &s, &who, ("promoted", 0)).await?;
    }
    Ok(())
}

/// A promeneur `p` may register: itself (`true`), or one it edits as
/// staff or referent (`false`); 404 for anyone else.
async fn registrant(
    ctx: &Ctx,
    p: &Principal,
    promeneur_id: Uuid,
) -> Result<(Promeneur, bool), ServiceError> {
    let who = store::promeneurs::find(&ctx.db, &p.network_scope(), promeneur_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    match p.promeneur_right(&who.department, who.structure_id, who.user_id) {
        domain::access::PromeneurRight::Edit(_) => Ok((who, false)),
        domain::access::PromeneurRight::OwnProfile => Ok((who, true)),
        domain::access::PromeneurRight::Read => Err(ServiceError::NotFound),
    }
}

/// Registers a promeneur to a session: a seat while one is free, else the
/// waiting list. The promeneur is e-mailed (with the .ics for a seat).
pub async fn register(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
    promeneur_id: Uuid,
) -> Result<Registered, ServiceError> {
    let s = session(ctx, p, session_id).await?;
    let (who, myself) = registrant(ctx, p, promeneur_id).await?;
    if !s.departments.contains(&who.department) {
        return Err(ServiceError::invalid_field(
            "promeneur_id",
            "Cette session n'est pas ouverte aux promeneurs de ce département.",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let done = store::trainings::register(
        &mut tx,
        &actor(p),
        ctx.now(),
        session_id,
        promeneur_id,
        myself,
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict("closed") => ServiceError::conflict(
            "closed",
            format!(
                "Les inscriptions à cette session sont closes depuis le {}.",
                french_start(s.registration_closes_at)
            ),
        ),
        store::StoreError::Conflict("already") => ServiceError::conflict(
            "already_registered",
            format!(
                "{} {} est déjà inscrit·e à cette session (ou sur sa liste d'attente).",
                who.first_name, who.last_name
            ),
        ),
        other => other.into(),
    })?;
    tell(
        ctx,
        &mut tx,
        &s,
        &who,
        (done.status.as_str(), done.position.unwrap_or(0)),
    )
    .await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(done)
}

/// A registration `p` may see: the promeneur's own, its referents' and
/// staff's, and those of a session `p` runs (404 otherwise).
pub async fn registration(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
) -> Result<(Registration, Session), ServiceError> {
    let r = store::trainings::registration(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let s = store::trainings::find_session(&ctx.db, r.session_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let own = store::promeneurs::find(&ctx.db, &p.network_scope(), r.promeneur_id)
        .await?
        .is_some();
    if own || runs(p, &s) || p.is_admin() {
        Ok((r, s))
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Whether `p` answers for the registered promeneur (itself, its referent,
/// staff of its département).
fn answers_for(p: &Principal, r: &Registration) -> bool {
    r.promeneur_user_id == Some(p.user_id)
        || p.referent_structures().contains(&r.structure_id)
        || domain::DepartmentCode::parse(&r.department).is_ok_and(|d| p.staff_writes(&d))
}

/// Cancels a registration; the freed seat goes to the first in line, who
/// is e-mailed at once.
pub async fn cancel(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<(), ServiceError> {
    let (r, s) = registration(ctx, p, id).await?;
    let runner = runs(p, &s);
    if !answers_for(p, &r) && !runner {
        return Err(ServiceError::forbidden(
            "Seuls le promeneur, son employeur et ceux qui animent la session annulent une inscription.",
        ));
    }
    // Once the session has begun, only those who run it correct the list.
    if !runner && ctx.now() >= s.starts_at {
        return Err(ServiceError::conflict(
            "started",
            "La session a commencé : l'inscription ne s'annule plus. Prévenez ceux qui l'animent.",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let promoted = store::trainings::cancel(&mut tx, &actor(p), ctx.now(), id)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => {
                ServiceError::conflict("status", "Cette inscription est déjà annulée.")
            }
            other => other.into(),
        })?;
    tell_promoted(ctx, &mut tx, &promoted).await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(())
}

/// The employer (a referent of the promeneur's structure) or staff give or
/// refuse the working time for a registration waiting for it.
pub async fn approve(ctx: &Ctx, p: &Principal, id: Uuid, yes: bool) -> Result<(), ServiceError> {
    let (r, s) = registration(ctx, p, id).await?;
    let staff = domain::DepartmentCode::parse(&r.department).is_ok_and(|d| p.staff_writes(&d));
    if !staff && !p.referent_structures().contains(&r.structure_id) {
        return Err(ServiceError::forbidden(
            "Seul l'employeur du promeneur (ou la Caf) donne son accord.",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let promoted = store::trainings::approve(&mut tx, &actor(p), ctx.now(), id, yes)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => ServiceError::conflict(
                "status",
                "Cette inscription n'attend pas d'accord de l'employeur.",
            ),
            other => other.into(),
        })?;
    if yes && let Some(who) = store::promeneurs::find_any(&ctx.db, r.promeneur_id).await? {
        tell(ctx, &mut tx, &s, &who, ("registered", 0)).await?;
    }
    tell_promoted(ctx, &mut tx, &promoted).await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(())
}

/// The registrations of a session, for those who run it.
pub async fn session_registrations(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
) -> Result<(Session, Vec<Registration>), ServiceError> {
    let s = session(ctx, p, session_id).await?;
    if !runs(p, &s) && !p.is_admin() {
        return Err(ServiceError::forbidden(
            "La liste des inscrits est réservée à ceux qui animent la session.",
        ));
    }
    let regs = store::trainings::session_registrations(&ctx.db, session_id).await?;
    Ok((s, regs))
}

/// Marks one half-day (`part`: its id; `None`: every half-day) of a
/// registration. Attending every half-day earns the certificate (its code
/// is made then); for an initial training it also sets the promeneur's
/// initial training date, which the directory's gating reads.
pub async fn mark_attendance(
    ctx: &Ctx,
    p: &Principal,
    registration_id: Uuid,
    part: Option<Uuid>,
    mark: Attendance,
) -> Result<Registration, ServiceError> {
    let (r, s) = registration(ctx, p, registration_id).await?;
    let cap = p
        .training_staff(&s.departments)
        .filter(|_| runs(p, &s))
        .ok_or_else(|| {
            ServiceError::forbidden("Seuls ceux qui animent la session font l'appel.")
        })?;
    if r.status != RegistrationStatus::Registered {
        return Err(ServiceError::NotFound);
    }
    let parts: Vec<&store::trainings::Part> = match part {
        Some(id) => vec![
            s.parts
                .iter()
                .find(|x| x.id == id)
                .ok_or(ServiceError::NotFound)?,
        ],
        None => s.parts.iter().collect(),
    };
    // Nobody is marked present at a half-day that has not come yet: a
    // certificate (and the directory's initial training) follows attendance.
    if let Some(early) = parts
        .iter()
        .find(|x| in_paris(x.starts_at).date() > ctx.today())
    {
        return Err(ServiceError::conflict(
            "too_early",
            format!(
                "L'appel de cette demi-journée s'ouvre le jour même, le {}.",
                domain::clock::french_date(in_paris(early.starts_at).date())
            ),
        ));
    }
    let parts: Vec<Uuid> = parts.iter().map(|x| x.id).collect();
    let mut tx = ctx.db.begin().await?;
    for id in parts {
        store::trainings::set_attendance(
            &mut tx,
            &cap,
            &actor(p),
            ctx.now(),
            registration_id,
            id,
            mark,
        )
        .await?;
    }
    tx.commit().await?;
    let r = store::trainings::registration(&ctx.db, registration_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if r.earned_certificate() {
        let mut tx = ctx.db.begin().await?;
        store::trainings::set_certificate_code(
            &mut tx,
            r.id,
            &store::promeneurs::new_verification_code(),
        )
        .await?;
        let mut changed = false;
        if s.kind == TrainingKind::Initial {
            let day = in_paris(s.ends_at).date();
            changed = store::trainings::set_initial_training(
                &mut tx,
                &actor(p),
                ctx.now(),
                r.promeneur_id,
                day,
            )
            .await?;
        }
        tx.commit().await?;
        if changed {
            ctx.directory.invalidate();
        }
    }
    store::trainings::registration(&ctx.db, registration_id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A certificate as its PDF and its verification page say it.
#[derive(Debug, Clone)]
pub struct CertificateFacts {
    pub code: String,
    pub promeneur: String,
    pub structure: String,
    pub training: String,
    pub kind: TrainingKind,
    pub provider: Option<String>,
    /// The half-days followed, as "jeudi 12 janvier 2027 à 9 h 30".
    pub half_days: Vec<String>,
    pub place: String,
}

fn facts(r: &Registration, s: &Session) -> Option<CertificateFacts> {
    Some(CertificateFacts {
        code: r.certificate_code.clone()?,
        promeneur: r.promeneur_name.clone(),
        structure: r.structure_name.clone(),
        training: s.training_title.clone(),
        kind: s.kind,
        provider: s.provider_name.clone(),
        half_days: s.parts.iter().map(|x| french_start(x.starts_at)).collect(),
        place: if s.place.is_empty() {
            "à distance".to_owned()
        } else {
            format!("lieu : {}", s.place)
        },
    })
}

/// The certificate of a registration `p` sees: 409 unless every half-day
/// was attended.
pub async fn certificate(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
) -> Result<CertificateFacts, ServiceError> {
    let (r, s) = registration(ctx, p, id).await?;
    if !r.earned_certificate() {
        return Err(ServiceError::conflict(
            "not_attended",
            "Pas d'attestation : la présence (ou le retard) n'est pas notée à toutes les demi-journées de la session.",
        ));
    }
    facts(&r, &s).ok_or_else(|| {
        ServiceError::conflict(
            "not_attended",
            "L'attestation n'est pas encore prête : l'appel de la session n'est pas terminé.",
        )
    })
}

/// The certificate of a registration as a PDF (same rights and refusals
/// as [`certificate`]).
pub async fn certificate_pdf(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Vec<u8>, ServiceError> {
    let f = certificate(ctx, p, id).await?;
    let data = documents::letters::CertificateData {
        verify_url: format!("{}/verifier/{}", ctx.settings.base_url, f.code),
        code: f.code,
        promeneur: f.promeneur,
        structure: f.structure,
        training: f.training,
        kind: f.kind.label().to_owned(),
        provider: f.provider,
        half_days: f.half_days,
        place: f.place,
        issued_on: domain::clock::french_date(in_paris(ctx.now()).date()),
    };
    // Typeset in the sandboxed child, as the letters are.
    crate::sandbox::render(
        &ctx.settings.sandbox,
        &[documents::letters::CERTIFICATE_TEMPLATE],
        &[(0, &data)],
    )
    .await
    .map_err(|e| ServiceError::internal(e.to_string()))?
    .pop()
    .ok_or_else(|| ServiceError::internal("no certificate typeset"))
}

/// What a certificate's code proves, for anyone (no login): `None` for an
/// unknown code.
pub async fn verify_certificate(
    ctx: &Ctx,
    code: &str,
) -> Result<Option<CertificateFacts>, ServiceError> {
    let Some(code) = store::promeneurs::normalise_code(code) else {
        return Ok(None);
    };
    Ok(store::trainings::certificate(&ctx.db, &code)
        .await?
        .filter(|x| x.registration.earned_certificate())
        .and_then(|x| facts(&x.registration, &x.session)))
}

/// A promeneur's training passport: every registration with its session,
/// latest first (those who see the promeneur's record).
pub async fn passport(
    ctx: &Ctx,
    p: &Principal,
    promeneur_id: Uuid,
) -> Result<Vec<Passport>, ServiceError> {
    store::promeneurs::find(&ctx.db, &p.network_scope(), promeneur_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(store::trainings::promeneur_registrations(&ctx.db, promeneur_id).await?)
}

/// One session `p` reads (404 otherwise) with what [`my_registration`]
/// says, the caller's promeneur record read once (the registration page).
pub async fn session_with_mine(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
) -> Result<(Session, Option<(Promeneur, Option<Registration>)>), ServiceError> {
    let me = store::promeneurs::find_by_user(&ctx.db, p.user_id).await?;
    let s = store::trainings::find_session(&ctx.db, session_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let as_promeneur = me.as_ref().filter(|_| p.has_role(domain::Role::Promeneur));
    if let Some(deps) = super::visible_with(ctx, p, as_promeneur).await?
        && !s.departments.iter().any(|d| deps.contains(d))
    {
        return Err(ServiceError::NotFound);
    }
    let mine = match me {
        Some(me) => {
            let r = store::trainings::registrations::live_registration(&ctx.db, session_id, me.id)
                .await?;
            Some((me, r))
        }
        None => None,
    };
    Ok((s, mine))
}

/// The caller's own promeneur record and its live registration to a
/// session, if any (`None` for an account that is not a promeneur).
pub async fn my_registration(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
) -> Result<Option<(Promeneur, Option<Registration>)>, ServiceError> {
    let Some(me) = store::promeneurs::find_by_user(&ctx.db, p.user_id).await? else {
        return Ok(None);
    };
    let mine =
        store::trainings::registrations::live_registration(&ctx.db, session_id, me.id).await?;
    Ok(Some((me, mine)))
}
