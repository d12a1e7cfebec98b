//! What the staff's and trainers' pages need beyond the API's use cases: a
//! session typed as days and hours in Paris time, the promeneurs one may
//! register to a session, the approvals an employer has to give, and the
//! roll call of one half-day marked at once.

use std::collections::BTreeMap;

use domain::promeneur::PromeneurStatus;
use domain::{Principal, deadline::Deadline, parse_french_date, training::Attendance};
use jiff::civil::Time;
use store::{
    promeneurs::Promeneur,
    trainings::{Registration, Session},
};
use uuid::Uuid;

use super::{PartDraft, SessionDraft, create_session, runs, session};
use crate::{Ctx, ServiceError};

/// One half-day as a page types it: a day and two hours, Paris time.
#[derive(Debug, Clone, Default)]
pub struct HalfDayRow {
    pub date: String,
    pub start: String,
    pub end: String,
}

/// A session as its page types it.
#[derive(Debug, Clone, Default)]
pub struct SessionForm {
    pub rows: Vec<HalfDayRow>,
    pub place: String,
    pub online_url: String,
    pub departments: Vec<String>,
    pub capacity: String,
    pub needs_approval: bool,
    pub closes_date: String,
    pub closes_time: String,
}

fn hour(s: &str) -> Option<Time> {
    let s = s.trim().replace(['h', 'H'], ":");
    let s = if s.ends_with(':') {
        format!("{s}00")
    } else {
        s
    };
    s.parse::<Time>().ok()
}

fn local(date: &str, time: &str) -> Result<String, String> {
    let d = parse_french_date(date).map_err(|e| e.to_string())?;
    let t = hour(time).ok_or_else(|| "Heure attendue au format 09:30.".to_owned())?;
    Deadline::at_local(d.to_datetime(t))
        .map(|x| x.instant().to_string())
        .map_err(|e| e.to_string())
}

/// The API's draft from what a page typed: empty rows are skipped, each
/// unreadable day or hour is said on its own field (`parts.N.date`, …).
pub fn session_draft(f: &SessionForm) -> Result<SessionDraft, ServiceError> {
    let mut errors = BTreeMap::new();
    let mut parts = Vec::new();
    for (i, r) in f.rows.iter().enumerate() {
        if r.date.trim().is_empty() && r.start.trim().is_empty() && r.end.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let starts = local(&r.date, &r.start);
        let ends = local(&r.date, &r.end);
        match (starts, ends) {
            (Ok(s), Ok(e)) => parts.push(PartDraft {
                starts_at: s,
                ends_at: e,
            }),
            (s, e) => {
                if parse_french_date(&r.date).is_err() {
                    errors.insert(
                        format!("parts.{i}.date"),
                        format!("Demi-journée {n} : date attendue (JJ/MM/AAAA)."),
                    );
                } else if let Err(m) = s {
                    errors.insert(
                        format!("parts.{i}.start"),
                        format!("Demi-journée {n}, début : {m}"),
                    );
                } else if let Err(m) = e {
                    errors.insert(
                        format!("parts.{i}.end"),
                        format!("Demi-journée {n}, fin : {m}"),
                    );
                }
            }
        }
    }
    let closes = if f.closes_date.trim().is_empty() {
        errors.insert(
            "closes_date".to_owned(),
            "Indiquez la date de clôture des inscriptions.".to_owned(),
        );
        String::new()
    } else {
        let time = if f.closes_time.trim().is_empty() {
            "23:59"
        } else {
            f.closes_time.as_str()
        };
        local(&f.closes_date, time).unwrap_or_else(|m| {
            errors.insert("closes_date".to_owned(), format!("Clôture : {m}"));
            String::new()
        })
    };
    let capacity = f.capacity.trim().parse::<i64>().ok();
    if capacity.is_none() {
        errors.insert(
            "capacity".to_owned(),
            "La capacité est un nombre de places entre 1 et 1 000.".to_owned(),
        );
    }
    if parts.is_empty() && errors.keys().all(|k| !k.starts_with("parts")) {
        errors.insert(
            "parts".to_owned(),
            "Indiquez au moins une demi-journée (date, heure de début et de fin).".to_owned(),
        );
    }
    if !errors.is_empty() {
        return Err(ServiceError::invalid(errors));
    }
    Ok(SessionDraft {
        parts,
        place: f.place.clone(),
        online_url: f.online_url.clone(),
        departments: f.departments.clone(),
        capacity,
        needs_approval: f.needs_approval,
        registration_closes_at: closes,
        ..SessionDraft::default()
    })
}

/// Schedules a session typed on its page.
pub async fn create_session_from_form(
    ctx: &Ctx,
    p: &Principal,
    training_id: Uuid,
    f: &SessionForm,
) -> Result<Uuid, ServiceError> {
    let d = session_draft(f)?;
    create_session(ctx, p, training_id, &d).await
}

/// The promeneurs `p` may register to a session, by name: those it edits
/// (staff of the département, or the referent of their structure) in the
/// session's départements, who have not left and hold no live
/// registration to it yet.
pub async fn registrable(
    ctx: &Ctx,
    p: &Principal,
    s: &Session,
) -> Result<Vec<Promeneur>, ServiceError> {
    let scope = domain::NetworkScope {
        own_user: None,
        ..p.network_scope()
    };
    if scope.departments.is_empty() && scope.structures.is_empty() {
        return Ok(Vec::new());
    }
    let taken = store::trainings::session_registrations(&ctx.db, s.id).await?;
    let mut out = Vec::new();
    for d in &s.departments {
        let filter = store::promeneurs::Filter {
            department: Some(d.clone()),
            limit: 5_000,
            ..Default::default()
        };
        let (items, _) = store::promeneurs::list(&ctx.db, &scope, &filter).await?;
        out.extend(items.into_iter().filter(|x| {
            x.status != PromeneurStatus::Left
                && !taken
                    .iter()
                    .any(|r| r.promeneur_id == x.id && r.status.is_live())
        }));
    }
    Ok(out)
}

/// The registrations waiting for `p`'s approval as an employer, with their
/// sessions, oldest first.
pub async fn pending_approvals(
    ctx: &Ctx,
    p: &Principal,
) -> Result<Vec<(Registration, Session)>, ServiceError> {
    let structures: Vec<Uuid> = p.referent_structures().into_iter().collect();
    let regs = store::trainings::pending_approvals(&ctx.db, &structures).await?;
    let filter = store::trainings::SessionFilter {
        ids: Some(regs.iter().map(|r| r.session_id).collect()),
        ..Default::default()
    };
    let sessions = if regs.is_empty() {
        Vec::new()
    } else {
        store::trainings::sessions(&ctx.db, &filter).await?
    };
    Ok(regs
        .into_iter()
        .filter_map(|r| {
            let s = sessions.iter().find(|s| s.id == r.session_id)?.clone();
            Some((r, s))
        })
        .collect())
}

/// The roll call of a session: its half-days and the people holding a
/// seat, for those who run it (404 outside one's scope, 403 otherwise).
pub async fn roll_call(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
) -> Result<(Session, Vec<Registration>), ServiceError> {
    let s = session(ctx, p, session_id).await?;
    if !runs(p, &s) {
        return Err(ServiceError::forbidden(
            "Seuls ceux qui animent la session font l'appel.",
        ));
    }
    let seated = store::trainings::session_registrations(&ctx.db, session_id)
        .await?
        .into_iter()
        .filter(|r| r.status == domain::training::RegistrationStatus::Registered)
        .collect();
    Ok((s, seated))
}

/// Marks one half-day for several people at once (the roll call's one
/// button). Every mark is checked before any is written: a registration
/// of another session or without a seat refuses the whole call (404).
pub async fn mark_roll(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
    part_id: Uuid,
    marks: &[(Uuid, Attendance)],
) -> Result<usize, ServiceError> {
    let (s, seated) = roll_call(ctx, p, session_id).await?;
    if !s.parts.iter().any(|x| x.id == part_id) {
        return Err(ServiceError::NotFound);
    }
    if marks
        .iter()
        .any(|(id, _)| !seated.iter().any(|r| r.id == *id))
    {
        return Err(ServiceError::NotFound);
    }
    for (id, mark) in marks {
        super::mark_attendance(ctx, p, *id, Some(part_id), *mark).await?;
    }
    Ok(marks.len())
}

/// The caller's own training passport (404 for an account that is not a
/// promeneur).
pub async fn my_passport(
    ctx: &Ctx,
    p: &Principal,
) -> Result<Vec<store::trainings::Passport>, ServiceError> {
    let me = store::promeneurs::find_by_user(&ctx.db, p.user_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(store::trainings::promeneur_registrations(&ctx.db, me.id).await?)
}

/// A duration typed in hours ("6", "6,5", "3.25", "6 h 30"); `Ok(None)`
/// when empty.
pub fn duration_minutes(typed: &str) -> Result<Option<i64>, ServiceError> {
    let s: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Ok(None);
    }
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit()) && x.len() <= 4;
    let parsed = if let Some((h, m)) = s.to_lowercase().split_once('h') {
        (digits(h) && digits(m) && !h.is_empty())
            .then(|| Some(h.parse::<i64>().ok()? * 60 + m.parse::<i64>().unwrap_or(0)))
            .flatten()
    } else if let Some((h, f)) = s.split_once([',', '.']) {
        (digits(h) && digits(f) && !f.is_empty() && f.len() <= 2)
            .then(|| {
                let scale = if f.len() == 1 { 10 } else { 100 };
                let frac = f.parse::<i64>().ok()? * 60 / scale;
                Some(h.parse::<i64>().unwrap_or(0) * 60 + frac)
            })
            .flatten()
    } else {
        digits(&s)
            .then(|| s.parse::<i64>().ok().map(|h| h * 60))
            .flatten()
    };
    parsed.map(Some).ok_or_else(|| {
        ServiceError::invalid_field(
            "duration_minutes",
            "La durée est un nombre d'heures (par exemple 3,5 ou 6 h 30).",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::duration_minutes;

    #[test]
    fn durations_read_as_people_type_them() {
        for (typed, minutes) in [
            ("6", 360),
            ("6,5", 390),
            ("3.25", 195),
            ("6 h 30", 390),
            ("2h", 120),
        ] {
            assert_eq!(duration_minutes(typed).unwrap(), Some(minutes), "{typed}");
        }
        assert_eq!(duration_minutes(" ").unwrap(), None);
        for bad in ["six", "-1", "1,5,5", "h30", "1e9"] {
            assert!(duration_minutes(bad).is_err(), "{bad}");
        }
    }
}
