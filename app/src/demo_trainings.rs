//! Demo trainings (issue 14, point 10): the 2024 module 2 provider with
//! its trainer `formation@demo.promeneurs.fr` runs three sessions, so that
//! a newcomer sees the whole cycle at once: one past, with attendance
//! marked and certificates earned; one full, with a waiting list; one
//! open, with seats left. The demo promeneur followed the past one and is
//! registered to the open one. Dates are relative to today; everything
//! goes through the services (designation, catalogue, registrations,
//! attendance), so the state is the one the platform itself makes.
//!
//! The 2024 call's service period for module 2 ended on 31 December 2025:
//! a designation by the provider's referent would already have ended, so
//! the trainer is added the way an administrator does it when no call is
//! running (by hand, without end).

use std::sync::Arc;

use anyhow::Context;
use domain::{
    Clock, DepartmentCode, FixedClock, NetworkScope, Principal,
    clock::paris,
    training::{Attendance, RegistrationStatus},
};
use jiff::{Timestamp, ToSpan, civil::Date};
use services::{
    Ctx,
    trainings::{self, PartDraft, SessionDraft, TrainingDraft, trainers::TrainerInput},
};
use store::Db;
use uuid::Uuid;

pub const TRAINER: &str = "formation@demo.promeneurs.fr";
const COORDINATION: &str = "coordination@demo.promeneurs.fr";
const ADMIN: &str = "admin@demo.promeneurs.fr";
const PROMENEUR: &str = "promeneur@demo.promeneurs.fr";

/// The three sessions: (training, kind, theme, days from today, capacity,
/// how many registered by the coordination, place).
const SESSIONS: [(&str, &str, &str, i64, i64, usize, &str); 3] = [
    (
        "Cadre légal de la présence éducative en ligne",
        "continuing",
        "Droit et éthique",
        -21,
        12,
        8,
        "Maison des associations, Moulins",
    ),
    (
        "Harcèlement en ligne : repérer et accompagner",
        "continuing",
        "Harcèlement",
        14,
        8,
        11,
        "Centre social des Salins, Clermont-Ferrand",
    ),
    (
        "Analyse de pratiques : les situations préoccupantes",
        "analysis",
        "Posture professionnelle",
        35,
        15,
        4,
        "Pôle jeunesse, Vichy",
    ),
];

async fn principal(ctx: &Ctx, email: &str) -> anyhow::Result<Principal> {
    let id = store::users::find_by_email(&ctx.db, email)
        .await?
        .with_context(|| format!("demo account {email}"))?;
    store::users::principal(&ctx.db, id, ctx.today())
        .await?
        .with_context(|| format!("demo principal {email}"))
}

/// An instant of `day` at `hour:minute` in Paris, as RFC 3339.
fn at(day: Date, hour: i8, minute: i8) -> anyhow::Result<String> {
    let z = day.at(hour, minute, 0, 0).to_zoned(paris())?;
    Ok(z.timestamp().to_string())
}

/// The 2024 call's module 2 provider: the structure of its retained
/// application.
async fn provider(db: &Db) -> anyhow::Result<Uuid> {
    let scope = NetworkScope::everything();
    for code in ["03", "63"] {
        let (list, _) = store::structures::list(
            db,
            &scope,
            &store::structures::Filter {
                department: Some(DepartmentCode::parse(code)?),
                limit: 10,
                ..Default::default()
            },
        )
        .await?;
        for s in list {
            // Any day of its 2024 service period finds its validated decision.
            let day: Date = "2025-06-01".parse()?;
            if !store::trainings::trainers::provisions(db, s.id, day)
                .await?
                .is_empty()
            {
                return Ok(s.id);
            }
        }
    }
    anyhow::bail!("the demo 2024 call has no retained module 2 provider")
}

/// Loads the demo trainings unless already loaded (after the demo calls).
/// Returns whether it did.
pub async fn load(db: &Db) -> anyhow::Result<bool> {
    if store::meta::get(db, "demo_trainings_loaded")
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let now = Timestamp::now();
    let mut tx = db.begin().await?;
    if !store::meta::claim(&mut tx, "demo_trainings_loaded", &now.to_string()).await? {
        return Ok(false);
    }
    tx.commit().await?;
    // A clock of its own: the past session is scheduled and filled before
    // it happened, then its attendance marked after.
    let clock = Arc::new(FixedClock::new(now));
    let ctx = Ctx::new(db.clone(), clock.clone() as Arc<dyn Clock>, "");
    let structure = provider(db).await?;
    let admin = principal(&ctx, ADMIN).await?;
    trainings::trainers::designate(
        &ctx,
        &admin,
        structure,
        &TrainerInput {
            email: TRAINER.into(),
            departments: vec!["03".into(), "63".into()],
            ..Default::default()
        },
    )
    .await?;
    let trainer = principal(&ctx, TRAINER).await?;
    let coordination = principal(&ctx, COORDINATION).await?;
    let me = principal(&ctx, PROMENEUR).await?;
    let myself = store::promeneurs::find_by_user(db, me.user_id)
        .await?
        .context("demo promeneur record")?;
    let (others, _) = store::promeneurs::list(
        db,
        &NetworkScope::everything(),
        &store::promeneurs::Filter {
            department: Some(DepartmentCode::parse("03")?),
            limit: 40,
            ..Default::default()
        },
    )
    .await?;
    let others: Vec<Uuid> = others
        .into_iter()
        .map(|p| p.id)
        .filter(|id| *id != myself.id)
        .collect();
    let today = domain::clock::in_paris(now).date();
    for (n, (title, kind, theme, days, capacity, count, place)) in SESSIONS.into_iter().enumerate()
    {
        let day = today.checked_add(days.days())?;
        if days < 0 {
            // Scheduled six weeks before it happened.
            clock.set(now.checked_sub(jiff::SignedDuration::from_hours(24 * (42 - days)))?);
        } else {
            clock.set(now);
        }
        let training = trainings::create_training(
            &ctx,
            &trainer,
            &TrainingDraft {
                title: title.into(),
                theme: theme.into(),
                objectives: "Donner aux promeneurs des repères pour leur pratique en ligne.".into(),
                description: format!("{title}. Journée animée par l'organisme de formation retenu par les Caf (module 2)."),
                kind: kind.into(),
                duration_minutes: Some(360),
                provider_structure_id: Some(structure),
                departments: vec!["03".into(), "63".into()],
            },
        )
        .await?;
        let closes = day.checked_sub(3.days())?;
        let session = trainings::create_session(
            &ctx,
            &trainer,
            training,
            &SessionDraft {
                parts: vec![
                    PartDraft {
                        starts_at: at(day, 9, 0)?,
                        ends_at: at(day, 12, 0)?,
                    },
                    PartDraft {
                        starts_at: at(day, 13, 30)?,
                        ends_at: at(day, 16, 30)?,
                    },
                ],
                place: place.into(),
                capacity: Some(capacity),
                registration_closes_at: at(closes, 23, 59)?,
                ..Default::default()
            },
        )
        .await?;
        // The demo promeneur registers itself to the past and the open
        // sessions; the coordination registers the others.
        if n != 1 {
            trainings::register(&ctx, &me, session, myself.id).await?;
        }
        let mut registered = Vec::new();
        for id in others.iter().skip(n * 12).take(count) {
            let r = trainings::register(&ctx, &coordination, session, *id).await?;
            if r.status == RegistrationStatus::Registered {
                registered.push(r.id);
            }
        }
        if days < 0 {
            // The trainer's roll call, the evening of the session: all
            // present but one, absent in the afternoon.
            clock.set(at(day, 18, 0)?.parse()?);
            let mine = trainings::my_registration(&ctx, &me, session)
                .await?
                .and_then(|(_, r)| r)
                .map(|r| r.id);
            for (i, id) in mine.into_iter().chain(registered).enumerate() {
                if i == 3 {
                    let (_, s) = trainings::registration(&ctx, &trainer, id).await?;
                    for (part, mark) in s
                        .parts
                        .iter()
                        .zip([Attendance::Present, Attendance::Absent])
                    {
                        trainings::mark_attendance(&ctx, &trainer, id, Some(part.id), mark).await?;
                    }
                } else {
                    trainings::mark_attendance(&ctx, &trainer, id, None, Attendance::Present)
                        .await?;
                }
            }
        }
    }
    Ok(true)
}
