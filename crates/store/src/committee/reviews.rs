//! The members' reviews of a call's applications, one per round.

use std::collections::BTreeMap;

use domain::ReviewerCap;
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    from_micros, micros,
    query::Sql,
};

/// One member's review of one application in one round.
#[derive(Debug, Clone)]
pub struct Review {
    pub application_id: Uuid,
    pub member_id: Uuid,
    pub member_name: String,
    pub institution: String,
    pub round: i64,
    pub scores: BTreeMap<String, u32>,
    pub comment: String,
    /// Hundredths, 0..=10 000.
    pub score: u32,
    pub submitted_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    application_id: Uuid,
    member_id: Uuid,
    member_name: String,
    institution: String,
    round: i64,
    scores: String,
    comment: String,
    score: i64,
    submitted_at: i64,
}

impl ReviewRow {
    fn into_review(self) -> Result<Review, StoreError> {
        Ok(Review {
            application_id: self.application_id,
            member_id: self.member_id,
            member_name: self.member_name,
            institution: self.institution,
            round: self.round,
            scores: serde_json::from_str(&self.scores)
                .map_err(|e| StoreError::Invalid(e.to_string()))?,
            comment: self.comment,
            score: u32::try_from(self.score).unwrap_or(0),
            submitted_at: from_micros(self.submitted_at),
        })
    }
}

const REVIEW_SELECT: &str =
    "SELECT r.application_id, r.member_id, u.name AS member_name, m.institution,
    r.round, r.scores, r.comment, r.score, r.submitted_at
    FROM reviews r JOIN committee_members m ON m.id = r.member_id JOIN users u ON u.id = m.user_id";

/// What the committee's lists need of a review: who scored what, in
/// which round (no comment, no grid, no name: the lists read hundreds).
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct ReviewScore {
    pub application_id: Uuid,
    pub member_id: Uuid,
    pub round: i64,
    /// Hundredths, 0..=10 000.
    pub score: i64,
}

/// The scores of a call's reviews (optionally of one module), every round.
pub async fn scores(
    db: &Db,
    call_id: Uuid,
    module_code: Option<&str>,
) -> Result<Vec<ReviewScore>, StoreError> {
    let mut sql = Sql::new(
        "SELECT r.application_id, r.member_id, r.round, r.score FROM reviews r
         JOIN applications a ON a.id = r.application_id WHERE ",
    );
    let c = sql.arg(call_id);
    sql.push(&format!("a.call_id = {c}"));
    if let Some(code) = module_code {
        let m = sql.arg(code);
        sql.push(&format!(" AND a.module_code = {m}"));
    }
    sql.fetch_all(db).await
}

/// The reviews of one application, every round.
pub async fn reviews_of(db: &Db, application_id: Uuid) -> Result<Vec<Review>, StoreError> {
    let sql =
        format!("{REVIEW_SELECT} WHERE r.application_id = $1 ORDER BY r.round, r.submitted_at");
    let rows: Vec<ReviewRow> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(application_id).fetch_all(c).await?
    });
    rows.into_iter().map(ReviewRow::into_review).collect()
}

/// Submits (or revises) the review of `cap`'s member for a round, on an
/// application of its call.
#[allow(clippy::too_many_arguments)]
pub async fn put_review(
    tx: &mut Tx,
    cap: &ReviewerCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    round: i64,
    scores: &BTreeMap<String, u32>,
    comment: &str,
    score: u32,
) -> Result<(), StoreError> {
    crate::staff::check_reviewer(tx, cap, application_id).await?;
    let member_id = cap.member_id;
    let scores_json =
        serde_json::to_string(scores).map_err(|e| StoreError::Invalid(e.to_string()))?;
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO reviews (id, application_id, member_id, round, scores, comment, score, submitted_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                     ON CONFLICT (application_id, member_id, round)
                     DO UPDATE SET scores = excluded.scores, comment = excluded.comment, score = excluded.score, updated_at = excluded.updated_at")
            .bind(Uuid::now_v7())
            .bind(application_id)
            .bind(member_id)
            .bind(round)
            .bind(&scores_json)
            .bind(comment)
            .bind(i64::from(score))
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "review",
        "application",
        application_id,
        None,
        json!({"member_id": member_id, "round": round, "scores": scores, "score": score}),
    )
    .await
}
