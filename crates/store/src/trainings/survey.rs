//! Satisfaction answers to a session. An answer carries its session and
//! its day, never who gave it: `training_survey_done` only records that a
//! registration answered, and the answer's id is random (UUIDv4, not v7,
//! whose time order could tie answers to the order people answered in).

use jiff::civil::Date;
use uuid::Uuid;

use crate::{Db, StoreError, Tx};

/// One answer: three scores from 1 to 5 and a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyAnswer {
    pub content_score: i64,
    pub facilitation_score: i64,
    pub usefulness_score: i64,
    pub comment: String,
}

/// Records `registration_id`'s answer to its session's survey: the row
/// saying it answered, then the answer, in the caller's transaction. The
/// first decides: `Conflict("already")` when the registration already
/// answered (two requests at once store one answer).
pub async fn answer_survey(
    tx: &mut Tx,
    registration_id: Uuid,
    session_id: Uuid,
    answer: &SurveyAnswer,
    on: Date,
) -> Result<(), StoreError> {
    let done = write!(&mut *tx, c => {
        sqlx::query("INSERT INTO training_survey_done (registration_id) VALUES ($1) ON CONFLICT (registration_id) DO NOTHING")
            .bind(registration_id)
            .execute(c)
            .await
            .map_err(|e| StoreError::from(e).unique_as("already"))?
            .rows_affected()
    });
    if done == 0 {
        return Err(StoreError::Conflict("already"));
    }
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO training_survey_answers (id, session_id, content_score, facilitation_score,
                     usefulness_score, comment, answered_on) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(Uuid::new_v4())
            .bind(session_id)
            .bind(answer.content_score)
            .bind(answer.facilitation_score)
            .bind(answer.usefulness_score)
            .bind(answer.comment.as_str())
            .bind(on.to_string())
            .execute(c)
            .await?
            .rows_affected()
    });
    Ok(())
}

/// Which of `registrations` answered their session's survey.
pub async fn answered(db: &Db, registrations: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
    if registrations.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::query::Sql::new("SELECT registration_id FROM training_survey_done WHERE ");
    let inl = sql.in_list("registration_id", registrations);
    sql.push(&inl);
    let rows: Vec<(Uuid,)> = sql.fetch_all(db).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

#[derive(sqlx::FromRow)]
struct Row {
    session_id: Uuid,
    content_score: i64,
    facilitation_score: i64,
    usefulness_score: i64,
    comment: String,
}

/// The answers to the surveys of `sessions`, each with its session,
/// sorted by their comment's text (never in the order they were given).
pub async fn survey_answers(
    db: &Db,
    sessions: &[Uuid],
) -> Result<Vec<(Uuid, SurveyAnswer)>, StoreError> {
    if sessions.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::query::Sql::new(
        "SELECT session_id, content_score, facilitation_score, usefulness_score, comment FROM training_survey_answers WHERE ",
    );
    let inl = sql.in_list("session_id", sessions);
    sql.push(&inl);
    sql.push(" ORDER BY comment, id");
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let answer = SurveyAnswer {
                content_score: r.content_score,
                facilitation_score: r.facilitation_score,
                usefulness_score: r.usefulness_score,
                comment: r.comment,
            };
            (r.session_id, answer)
        })
        .collect())
}
