//! The satisfaction survey of a session: once its last half-day has
//! ended, each participant (a seat, present or late at least once)
//! answers once — three scores from 1 to 5 and an optional comment. The
//! results (count, means, comments sorted by their text) go to those who
//! run the session and to the staff of its départements, and only from
//! [`MIN_ANSWERS`] answers on: fewer would let them tell who said what.
//!
//! Not audited: an audit entry carries the instant and the registration,
//! which is what the survey's tables are made not to keep together.

use domain::{Principal, clock::in_paris, training::RegistrationStatus};
use store::trainings::{Passport, Registration, Session, SurveyAnswer};
use uuid::Uuid;

use super::{SessionQuery, registration, runs, session, sessions, training};
use crate::{Ctx, ServiceError, auditions::french_start};

/// Below this many answers, the results show only their count.
pub const MIN_ANSWERS: usize = 3;

/// The longest comment, in characters.
pub const MAX_COMMENT: usize = 2_000;

/// What a participant types.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SurveyDraft {
    pub content_score: Option<i64>,
    pub facilitation_score: Option<i64>,
    pub usefulness_score: Option<i64>,
    pub comment: String,
}

/// The three questions: field, label (as the form and results say it).
pub const QUESTIONS: [(&str, &str); 3] = [
    ("content_score", "Le contenu de la formation"),
    ("facilitation_score", "L'animation"),
    ("usefulness_score", "L'utilité pour votre pratique"),
];

fn score(field: &str, label: &str, value: Option<i64>) -> Result<i64, ServiceError> {
    match value {
        Some(v @ 1..=5) => Ok(v),
        _ => Err(ServiceError::invalid_field(
            field,
            format!(
                "{label} : choisissez une note de 1 (pas du tout satisfait) à 5 (très satisfait)."
            ),
        )),
    }
}

/// The answer `d` checked: every score from 1 to 5, the comment at most
/// [`MAX_COMMENT`] characters. The first error names its field.
pub fn check(d: &SurveyDraft) -> Result<SurveyAnswer, ServiceError> {
    let [(cf, cl), (ff, fl), (uf, ul)] = QUESTIONS;
    let answer = SurveyAnswer {
        content_score: score(cf, cl, d.content_score)?,
        facilitation_score: score(ff, fl, d.facilitation_score)?,
        usefulness_score: score(uf, ul, d.usefulness_score)?,
        comment: d.comment.trim().to_owned(),
    };
    if answer.comment.chars().count() > MAX_COMMENT {
        return Err(ServiceError::invalid_field(
            "comment",
            format!("Le commentaire compte {MAX_COMMENT} caractères au plus."),
        ));
    }
    Ok(answer)
}

/// Where a participant stands with the survey of its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyState {
    /// The session is not over yet.
    NotYet,
    Open,
    Answered,
}

/// Whether `r` is a participant of `s` who may answer: a seat, present or
/// late at one half-day at least.
fn participated(r: &Registration) -> bool {
    r.status == RegistrationStatus::Registered
        && r.attendance
            .iter()
            .any(|(_, a)| a.is_some_and(domain::training::Attendance::attended))
}

/// Where `p`'s own registration `r` stands with the survey (`None`: `p`
/// is not a participant).
pub async fn survey_state(
    ctx: &Ctx,
    p: &Principal,
    r: &Registration,
    s: &Session,
) -> Result<Option<SurveyState>, ServiceError> {
    if r.promeneur_user_id != Some(p.user_id) || !participated(r) {
        return Ok(None);
    }
    if ctx.now() < s.ends_at {
        return Ok(Some(SurveyState::NotYet));
    }
    let done = store::trainings::answered(&ctx.db, &[r.id]).await?;
    Ok(Some(if done.is_empty() {
        SurveyState::Open
    } else {
        SurveyState::Answered
    }))
}

/// The surveys `p` has still to answer among its registrations `mine`
/// (sessions over for at most 30 days), as the home lists them: label
/// and link.
pub async fn to_answer(
    ctx: &Ctx,
    p: &Principal,
    mine: &[Passport],
) -> Result<Vec<(String, String)>, ServiceError> {
    let now = ctx.now();
    let since = now - jiff::SignedDuration::from_hours(24 * 30);
    let open: Vec<&Passport> = mine
        .iter()
        .filter(|x| x.session.ends_at <= now && x.session.ends_at > since)
        .filter(|x| x.registration.promeneur_user_id == Some(p.user_id))
        .filter(|x| participated(&x.registration))
        .collect();
    let ids: Vec<Uuid> = open.iter().map(|x| x.registration.id).collect();
    let done = store::trainings::answered(&ctx.db, &ids).await?;
    Ok(open
        .into_iter()
        .filter(|x| !done.contains(&x.registration.id))
        .map(|x| {
            (
                format!("Donner votre avis : {}", x.session.training_title),
                format!("/formations/inscriptions/{}/avis", x.registration.id),
            )
        })
        .collect())
}

/// What a session's page offers beyond the promeneur's registration: the
/// survey to answer, and for those who run it the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLinks {
    /// The caller's registration whose survey is open.
    pub survey: Option<Uuid>,
    /// The caller already answered.
    pub answered: bool,
    /// The caller runs the session: sign-in sheet, exports, results.
    pub runs: bool,
}

/// The session page's links for `p` (`mine`: its live registration).
pub async fn session_links(
    ctx: &Ctx,
    p: &Principal,
    s: &Session,
    mine: Option<&Registration>,
) -> Result<SessionLinks, ServiceError> {
    let state = match mine {
        Some(r) => survey_state(ctx, p, r, s).await?,
        None => None,
    };
    Ok(SessionLinks {
        survey: mine
            .filter(|_| state == Some(SurveyState::Open))
            .map(|r| r.id),
        answered: state == Some(SurveyState::Answered),
        runs: runs(p, s) || p.is_admin(),
    })
}

/// The registration `p` answers for (its own, as a participant) and its
/// session, with where it stands: 404 for anyone else.
pub async fn survey_of(
    ctx: &Ctx,
    p: &Principal,
    registration_id: Uuid,
) -> Result<(Registration, Session, SurveyState), ServiceError> {
    let (r, s) = registration(ctx, p, registration_id).await?;
    let state = survey_state(ctx, p, &r, &s)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((r, s, state))
}

/// Records the participant's answer: 409 before the session's end or for
/// a second answer (two at once store one), 422 for a bad score or too
/// long a comment, 404 for anyone but a participant.
pub async fn answer(
    ctx: &Ctx,
    p: &Principal,
    registration_id: Uuid,
    d: &SurveyDraft,
) -> Result<(), ServiceError> {
    let (r, s, state) = survey_of(ctx, p, registration_id).await?;
    let already = || {
        ServiceError::conflict(
            "already_answered",
            "Vous avez déjà répondu à ce questionnaire : une seule réponse par participant. Merci !",
        )
    };
    match state {
        SurveyState::NotYet => {
            return Err(ServiceError::conflict(
                "not_over",
                format!(
                    "Le questionnaire ouvre à la fin de la session, le {}.",
                    french_start(s.ends_at)
                ),
            ));
        }
        SurveyState::Answered => return Err(already()),
        SurveyState::Open => {}
    }
    let answer = check(d)?;
    let mut tx = ctx.db.begin().await?;
    store::trainings::answer_survey(&mut tx, r.id, s.id, &answer, in_paris(ctx.now()).date())
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => already(),
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(())
}

/// The means of the three scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Means {
    pub content: f64,
    pub facilitation: f64,
    pub usefulness: f64,
}

/// What the results show: always the count; the means and the comments
/// (sorted by their text) only from [`MIN_ANSWERS`] answers on.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyResults {
    pub answers: usize,
    pub means: Option<Means>,
    pub comments: Vec<String>,
}

#[allow(clippy::cast_precision_loss)]
fn mean(answers: &[SurveyAnswer], f: impl Fn(&SurveyAnswer) -> i64) -> f64 {
    // Scores are 1 to 5 and answers far fewer than 2^52: exact.
    let sum: i64 = answers.iter().map(f).sum();
    (sum as f64 / answers.len() as f64 * 10.0).round() / 10.0
}

/// The results of `answers`, under the anonymity threshold.
pub fn results(answers: &[SurveyAnswer]) -> SurveyResults {
    if answers.len() < MIN_ANSWERS {
        return SurveyResults {
            answers: answers.len(),
            means: None,
            comments: Vec::new(),
        };
    }
    let mut comments: Vec<String> = answers
        .iter()
        .map(|a| a.comment.clone())
        .filter(|c| !c.is_empty())
        .collect();
    comments.sort_by_cached_key(|c| (c.to_lowercase(), c.clone()));
    SurveyResults {
        answers: answers.len(),
        means: Some(Means {
            content: mean(answers, |a| a.content_score),
            facilitation: mean(answers, |a| a.facilitation_score),
            usefulness: mean(answers, |a| a.usefulness_score),
        }),
        comments,
    }
}

/// Whether `p` reads the results of `s`: those who run it, the staff of
/// its départements (also reading only), an administrator.
fn reads_results(p: &Principal, s: &Session) -> bool {
    let staff = p.staff_scope();
    runs(p, s) || s.departments.iter().any(|d| staff.contains(d))
}

const RESERVED: &str = "Les résultats de l'enquête sont réservés à ceux qui animent la session et à la Caf ou la coordination de ses départements.";

/// The results of one session's survey: 404 when `p` does not see the
/// session, 403 when it sees it without reading its results.
pub async fn session_results(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
) -> Result<(Session, SurveyResults), ServiceError> {
    let s = session(ctx, p, session_id).await?;
    if !reads_results(p, &s) {
        return Err(ServiceError::forbidden(RESERVED));
    }
    let answers: Vec<SurveyAnswer> = store::trainings::survey_answers(&ctx.db, &[s.id])
        .await?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    Ok((s, results(&answers)))
}

/// The results of a training's survey over the sessions of it whose
/// results `p` reads and that have [`MIN_ANSWERS`] answers at least (with
/// the others, the training's means and comments less a session's would
/// give away the answers of a session under the threshold); with the
/// number of sessions counted. 404 when `p` does not see the training,
/// 403 when it reads none of its sessions' results.
pub async fn training_results(
    ctx: &Ctx,
    p: &Principal,
    training_id: Uuid,
) -> Result<(store::trainings::Training, usize, SurveyResults), ServiceError> {
    let t = training(ctx, p, training_id).await?;
    let q = SessionQuery {
        training_id: Some(training_id),
        past: true,
        ..SessionQuery::default()
    };
    let ids: Vec<Uuid> = sessions(ctx, p, &q)
        .await?
        .iter()
        .filter(|s| reads_results(p, s))
        .map(|s| s.id)
        .collect();
    if ids.is_empty() && p.training_staff(&t.departments).is_none() && !p.is_staff() {
        return Err(ServiceError::forbidden(RESERVED));
    }
    let all = store::trainings::survey_answers(&ctx.db, &ids).await?;
    let counted: Vec<Uuid> = ids
        .into_iter()
        .filter(|id| all.iter().filter(|(s, _)| s == id).count() >= MIN_ANSWERS)
        .collect();
    let answers: Vec<SurveyAnswer> = all
        .into_iter()
        .filter(|(s, _)| counted.contains(s))
        .map(|(_, a)| a)
        .collect();
    Ok((t, counted.len(), results(&answers)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(c: i64, f: i64, u: i64, comment: &str) -> SurveyAnswer {
        SurveyAnswer {
            content_score: c,
            facilitation_score: f,
            usefulness_score: u,
            comment: comment.to_owned(),
        }
    }

    #[test]
    fn fewer_than_three_answers_show_only_their_count() {
        let two = [a(5, 5, 5, "Zut"), a(1, 1, 1, "")];
        let r = results(&two);
        assert_eq!((r.answers, r.means, r.comments.len()), (2, None, 0));
        let three = [a(5, 4, 3, "Zut"), a(4, 4, 4, ""), a(4, 5, 2, "bien")];
        let r = results(&three);
        assert_eq!(r.answers, 3);
        let m = r.means.unwrap();
        assert!((m.content - 4.3).abs() < 1e-9, "{m:?}");
        assert!((m.usefulness - 3.0).abs() < 1e-9, "{m:?}");
        // Sorted by text, whatever the order of the answers.
        assert_eq!(r.comments, ["bien", "Zut"]);
    }

    #[test]
    fn scores_go_from_one_to_five_and_comments_are_bounded() {
        let ok = SurveyDraft {
            content_score: Some(1),
            facilitation_score: Some(5),
            usefulness_score: Some(3),
            comment: "  Merci  ".into(),
        };
        assert_eq!(check(&ok).unwrap().comment, "Merci");
        for bad in [None, Some(0), Some(6)] {
            let d = SurveyDraft {
                facilitation_score: bad,
                ..ok.clone()
            };
            assert!(check(&d).is_err());
        }
        let long = SurveyDraft {
            comment: "é".repeat(MAX_COMMENT + 1),
            ..ok
        };
        assert!(check(&long).is_err());
    }
}
