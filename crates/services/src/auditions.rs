//! Auditions of a module, shared by the pages and the API: slots (the
//! module's audition day by default), each given to one filed
//! application, and the invitations e-mailed with an .ics file.

use askama::Template;
use domain::{
    Principal,
    call::ApplicationStatus,
    clock::{french_date_with_weekday, french_time, in_paris},
    deadline::Deadline,
};
use jiff::{
    Timestamp,
    civil::{Date, Time},
};
use store::{auditions::Slot, outbox::Attachment};
use uuid::Uuid;

use crate::{Ctx, ServiceError, accounts::actor, applications, calls};

/// What staff type for a slot.
#[derive(Debug, Clone, Default)]
pub struct SlotDraft {
    /// Empty: the module's audition day.
    pub date: String,
    /// "HH:MM", Paris time.
    pub time: String,
    /// Empty: 45 minutes.
    pub duration_minutes: String,
    pub place: String,
    pub video_link: String,
}

fn check(
    d: &SlotDraft,
    default_date: Option<Date>,
) -> Result<(Timestamp, i64, String, String), ServiceError> {
    let mut errors = std::collections::BTreeMap::new();
    let date = if d.date.trim().is_empty() {
        default_date
    } else {
        domain::parse_french_date(&d.date).ok()
    };
    if date.is_none() {
        errors.insert(
            "date".to_owned(),
            "Indiquez le jour de l'audition (JJ/MM/AAAA).".to_owned(),
        );
    }
    let time = d
        .time
        .trim()
        .replace('h', ":")
        .parse::<Time>()
        .ok()
        .or_else(|| {
            format!("{}:00", d.time.trim().trim_end_matches(['h', 'H']))
                .parse()
                .ok()
        });
    if time.is_none() {
        errors.insert("time".to_owned(), "Indiquez l'heure (14:30).".to_owned());
    }
    let duration = if d.duration_minutes.trim().is_empty() {
        Some(45)
    } else {
        d.duration_minutes
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| (5..=480).contains(m))
    };
    if duration.is_none() {
        errors.insert(
            "duration_minutes".to_owned(),
            "La durée est un nombre de minutes, de 5 à 480.".to_owned(),
        );
    }
    let place = d.place.trim().to_owned();
    let link = d.video_link.trim().to_owned();
    if place.is_empty() && link.is_empty() {
        errors.insert(
            "place".to_owned(),
            "Indiquez un lieu ou un lien de visioconférence.".to_owned(),
        );
    }
    if !link.is_empty() && !link.starts_with("https://") {
        errors.insert(
            "video_link".to_owned(),
            "Le lien de visioconférence commence par https://.".to_owned(),
        );
    }
    if place.chars().count() > 500 || link.chars().count() > 500 {
        errors.insert("place".to_owned(), "500 caractères au plus.".to_owned());
    }
    let starts = match (date, time) {
        (Some(d), Some(t)) => match Deadline::at_local(d.to_datetime(t)) {
            Ok(x) => Some(x.instant()),
            Err(e) => {
                errors.insert("time".to_owned(), e.to_string());
                None
            }
        },
        _ => None,
    };
    match (starts, duration) {
        (Some(s), Some(m)) if errors.is_empty() => Ok((s, m, place, link)),
        _ => Err(ServiceError::invalid(errors)),
    }
}

/// Adds a slot to a module (a CAF agent of the call).
pub async fn create_slot(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
    d: &SlotDraft,
) -> Result<Uuid, ServiceError> {
    let (view, cap) = calls::managed_call_staff(ctx, p, call_id).await?;
    let module = view.module(code).ok_or(ServiceError::NotFound)?;
    let (starts_at, duration_minutes, place, video_link) = check(d, module.spec.audition_on)?;
    let mut tx = ctx.db.begin().await?;
    let id = store::auditions::create(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        &store::auditions::NewSlot {
            call_id,
            module_code: &module.spec.code,
            starts_at,
            duration_minutes,
            place: &place,
            video_link: &video_link,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn managed_slot(
    ctx: &Ctx,
    p: &Principal,
    slot_id: Uuid,
) -> Result<(Slot, domain::CallStaffCap), ServiceError> {
    let slot = store::auditions::slot(&ctx.db, slot_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (_, cap) = calls::managed_call_staff(ctx, p, slot.call_id).await?;
    Ok((slot, cap))
}

/// Gives a slot to a filed application of its module (or frees it).
pub async fn assign(
    ctx: &Ctx,
    p: &Principal,
    slot_id: Uuid,
    application_id: Option<Uuid>,
) -> Result<(), ServiceError> {
    let (slot, cap) = managed_slot(ctx, p, slot_id).await?;
    if let Some(id) = application_id {
        let a = applications::application(ctx, p, id).await?;
        let filed = matches!(
            a.status,
            ApplicationStatus::Submitted
                | ApplicationStatus::ComplementRequested
                | ApplicationStatus::UnderReview
        );
        if a.call_id != slot.call_id || a.module_code != slot.module_code || !filed {
            return Err(ServiceError::invalid_field(
                "application_id",
                "Choisissez une candidature déposée à ce module.",
            ));
        }
    }
    let mut tx = ctx.db.begin().await?;
    store::auditions::assign(&mut tx, &cap, &actor(p), ctx.now(), slot_id, application_id)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => ServiceError::conflict(
                "already_assigned",
                "Cette candidature a déjà un créneau d'audition : libérez-le d'abord.",
            ),
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_slot(ctx: &Ctx, p: &Principal, slot_id: Uuid) -> Result<(), ServiceError> {
    let (_, cap) = managed_slot(ctx, p, slot_id).await?;
    let mut tx = ctx.db.begin().await?;
    store::auditions::delete(&mut tx, &cap, &actor(p), ctx.now(), slot_id).await?;
    tx.commit().await?;
    Ok(())
}

/// "jeudi 21 mars 2024 à 9 h 30".
pub fn french_start(t: Timestamp) -> String {
    let z = in_paris(t);
    format!(
        "{} à {}",
        french_date_with_weekday(z.date()),
        french_time(z.hour(), z.minute())
    )
}

pub(crate) fn ics_stamp(t: Timestamp) -> String {
    let z = t.to_zoned(jiff::tz::TimeZone::UTC);
    documents::ics::utc_stamp(
        z.year(),
        z.month(),
        z.day(),
        z.hour(),
        z.minute(),
        z.second(),
    )
}

/// The .ics of a slot.
pub fn calendar(slot: &Slot, call_title: &str, now: Timestamp) -> String {
    let ends = slot
        .starts_at
        .checked_add(jiff::SignedDuration::from_mins(slot.duration_minutes))
        .unwrap_or(slot.starts_at);
    let location = if slot.place.is_empty() {
        slot.video_link.clone()
    } else {
        slot.place.clone()
    };
    let mut description = format!(
        "Audition de {} devant le comité de sélection ({} minutes).",
        slot.structure_name.as_deref().unwrap_or("la structure"),
        slot.duration_minutes
    );
    if !slot.video_link.is_empty() {
        description.push_str("\nVisioconférence : ");
        description.push_str(&slot.video_link);
    }
    documents::ics::calendar(&documents::ics::Event {
        uid: format!("{}@promeneurs", slot.id),
        starts: ics_stamp(slot.starts_at),
        ends: ics_stamp(ends),
        stamp: ics_stamp(now),
        summary: format!("Audition — {call_title}, module {}", slot.module_code),
        location,
        description,
        // Each new invitation supersedes the previous one.
        sequence: u32::try_from(now.as_second() - slot.created_at.as_second()).unwrap_or(0),
    })
}

#[derive(Template)]
#[template(path = "emails/audition.txt")]
struct Invitation<'a> {
    structure: &'a str,
    call: &'a str,
    module: &'a str,
    when: String,
    duration: i64,
    place: &'a str,
    video_link: &'a str,
}

/// E-mails the invitation of every assigned slot of the module not yet
/// invited (or changed since), with its .ics; returns how many.
pub async fn invite(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<usize, ServiceError> {
    let (view, cap) = calls::managed_call_staff(ctx, p, call_id).await?;
    let module = view.module(code).ok_or(ServiceError::NotFound)?;
    let now = ctx.now();
    let slots = store::auditions::slots(&ctx.db, call_id, &module.spec.code).await?;
    let by = crate::accounts::actor(p);
    let mut sent = 0;
    let mut tx = ctx.db.begin().await?;
    for slot in slots.iter().filter(|s| s.invited_at.is_none()) {
        let Some(app_id) = slot.application_id else {
            continue;
        };
        let a = match applications::application(ctx, p, app_id).await {
            Ok(a) => a,
            // Another département's application: its own CAF invites it.
            Err(ServiceError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        let to =
            store::applications::referent_emails(&ctx.db, a.structure_id, a.created_by).await?;
        let body = Invitation {
            structure: &a.structure_name,
            call: &view.call.title,
            module: &format!("{} — {}", module.spec.code, module.spec.title),
            when: french_start(slot.starts_at),
            duration: slot.duration_minutes,
            place: &slot.place,
            video_link: &slot.video_link,
        }
        .render()
        .map_err(|e| ServiceError::internal(e.to_string()))?;
        let ics = calendar(slot, &view.call.title, now);
        for address in &to {
            store::outbox::enqueue_email_with(
                &mut tx,
                now,
                &store::outbox::OutgoingEmail {
                    to: address.clone(),
                    subject: format!(
                        "Convocation à l'audition du {}",
                        french_start(slot.starts_at)
                    ),
                    body: body.clone(),
                    template: "audition".into(),
                },
                &[Attachment {
                    file_name: "audition.ics".into(),
                    content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
                    content: ics.clone().into_bytes(),
                }],
            )
            .await?;
        }
        store::auditions::mark_invited(&mut tx, &cap, &by, now, slot, &to).await?;
        sent += 1;
    }
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(sent)
}

/// What a slot given to an application of another département says in
/// place of the applicant's name.
pub const OTHER_DEPARTMENT: &str = "Candidature d'un autre département";

/// The auditions of a module as its page shows them.
pub struct ModuleAuditions {
    pub view: calls::CallView,
    /// In time order.
    pub slots: Vec<Slot>,
    /// `p` is a CAF agent of the call: it schedules.
    pub manages: bool,
    /// The filed applications of the module `p` may give a slot to (empty
    /// when it only reads).
    pub applications: Vec<store::applications::Application>,
}

/// The slots of a module, for the call's staff and its committee (404 for
/// anyone else), with the applications a CAF agent of the call gives them
/// to.
pub async fn module_auditions(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<ModuleAuditions, ServiceError> {
    let (view, seat) = crate::committee::seat(ctx, p, call_id).await?;
    let code = view
        .module(code)
        .ok_or(ServiceError::NotFound)?
        .spec
        .code
        .clone();
    let mut slots = store::auditions::slots(&ctx.db, call_id, &code).await?;
    if !matches!(seat, crate::committee::Seat::Member(_)) {
        // Staff read the applications of their départements only: a slot
        // given to another's keeps its time, not the applicant's name.
        for s in &mut slots {
            let Some(app_id) = s.application_id else {
                continue;
            };
            let a = store::applications::find(&ctx.db, &domain::NetworkScope::everything(), app_id)
                .await?;
            if a.is_none_or(|a| !applications::is_staff_of(p, &a)) {
                s.structure_name = Some(OTHER_DEPARTMENT.to_owned());
            }
        }
    }
    let manages = calls::manager(p, &view.call).is_some();
    let applications = if manages {
        let scope = p.application_scope();
        let (items, _) = store::applications::list(
            &ctx.db,
            &scope,
            &store::applications::Filter {
                call_id: Some(call_id),
                module_code: Some(code),
                filed_only: true,
                limit: 10_000,
                ..Default::default()
            },
        )
        .await?;
        items
            .into_iter()
            .filter(|a| {
                matches!(
                    a.status,
                    ApplicationStatus::Submitted
                        | ApplicationStatus::ComplementRequested
                        | ApplicationStatus::UnderReview
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(ModuleAuditions {
        view,
        slots,
        manages,
        applications,
    })
}

/// The audition slot given to an application `p` reads, if any.
pub async fn audition_of(
    ctx: &Ctx,
    p: &Principal,
    application_id: Uuid,
) -> Result<Option<Slot>, ServiceError> {
    let a = applications::application(ctx, p, application_id).await?;
    Ok(store::auditions::slot_of(&ctx.db, a.id).await?)
}

/// The .ics of the audition of an application `p` reads (404 without a
/// slot).
pub async fn audition_ics(
    ctx: &Ctx,
    p: &Principal,
    application_id: Uuid,
) -> Result<String, ServiceError> {
    let a = applications::application(ctx, p, application_id).await?;
    let slot = store::auditions::slot_of(&ctx.db, a.id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(calendar(&slot, &a.call_title, ctx.now()))
}

/// A slot of a call `p` manages (404 otherwise).
pub async fn slot(ctx: &Ctx, p: &Principal, slot_id: Uuid) -> Result<Slot, ServiceError> {
    Ok(managed_slot(ctx, p, slot_id).await?.0)
}

/// The auditions of a module as a spreadsheet, in time order: the slots
/// its page lists (call staff and committee, 404 for anyone else). Staff
/// read the slots given to applications of their départements and the
/// free ones; the committee reads them all.
pub async fn auditions_sheet(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<documents::export::Sheet, ServiceError> {
    use documents::export::{Cell, Sheet};
    let (_, seat) = crate::committee::seat(ctx, p, call_id).await?;
    let m = module_auditions(ctx, p, call_id, code).await?;
    let code = m
        .view
        .module(code)
        .ok_or(ServiceError::NotFound)?
        .spec
        .code
        .clone();
    let (filed, _) = store::applications::list(
        &ctx.db,
        &domain::NetworkScope::everything(),
        &store::applications::Filter {
            call_id: Some(call_id),
            module_code: Some(code.clone()),
            filed_only: true,
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    let member = matches!(seat, crate::committee::Seat::Member(_));
    let mut rows = Vec::new();
    for s in &m.slots {
        let app = s
            .application_id
            .and_then(|id| filed.iter().find(|a| a.id == id));
        if !member && app.is_some_and(|a| !applications::is_staff_of(p, a)) {
            continue;
        }
        let z = in_paris(s.starts_at);
        rows.push(vec![
            Cell::Text(french_date_with_weekday(z.date())),
            Cell::Text(french_time(z.hour(), z.minute())),
            Cell::Int(s.duration_minutes),
            Cell::Text(s.place.clone()),
            Cell::Text(s.video_link.clone()),
            s.application_id
                .map_or(Cell::Empty, |id| Cell::Text(id.to_string())),
            Cell::Text(
                s.structure_name
                    .clone()
                    .unwrap_or_else(|| "Libre".to_owned()),
            ),
            app.map_or(Cell::Empty, |a| {
                Cell::Text(domain::DepartmentCode::join(&a.departments, " "))
            }),
            s.invited_at.map_or(Cell::Empty, |t| {
                Cell::Text(domain::clock::french_instant(t))
            }),
        ]);
    }
    Ok(Sheet {
        title: format!("Auditions {code}"),
        headers: [
            "jour",
            "heure",
            "duree_minutes",
            "lieu",
            "lien_de_visioconference",
            "candidature",
            "structure",
            "departements",
            "convoquee_le",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    })
}
