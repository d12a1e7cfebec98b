//! The committee's arithmetic (DESIGN §4): the automatic conflict of
//! interest of a member with an application, the aggregation of the
//! reviews (each member's latest round, conflicted members out) and the
//! ranking of a module's applications. Pure rules over light views of the
//! rows; `services::committee` gathers the rows and asks here.

use std::{cmp::Ordering, collections::BTreeMap};

use jiff::Timestamp;
use uuid::Uuid;

use crate::{
    independence::{self, Completeness, Conflict, Ties},
    scoring::{Aggregate, Score},
};

/// A conflict a member declared with an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared<'a> {
    pub member_id: Uuid,
    pub application_id: Uuid,
    pub reason: &'a str,
}

/// A seated member as the rules see it: its id and what ties it to
/// structures (its seat, its account).
#[derive(Debug, Clone, Copy)]
pub struct Seated<'a> {
    pub id: Uuid,
    pub ties: &'a Ties,
}

/// An application as the rules see it: its id and its applicant structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub structure_id: Uuid,
}

/// Why `member` may not review `application`, if it may not: it belongs
/// to the applicant structure (seated for it, or tied to it by its
/// account), or it declared a conflict with this application.
pub fn conflict_of<'d>(
    member: Seated<'_>,
    application: Candidate,
    declared: impl IntoIterator<Item = Declared<'d>>,
) -> Option<Conflict> {
    let reason = declared
        .into_iter()
        .find(|c| c.member_id == member.id && c.application_id == application.id)
        .map(|c| c.reason);
    independence::member_conflict(member.ties, application.structure_id, reason)
}

/// One review of an application as the aggregation sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundScore {
    pub member_id: Uuid,
    /// 1 before the audition, 2 after.
    pub round: i64,
    /// Hundredths, 0..=10 000.
    pub score: u32,
}

/// The score of one application from its reviews: for each member who
/// counts (`counts`: seated and not in conflict with it), its latest
/// round; then mean, min and max of those. `None` when no review counts.
/// Within one round, the first review read is kept.
pub fn aggregate(
    reviews: impl IntoIterator<Item = RoundScore>,
    counts: impl Fn(Uuid) -> bool,
) -> Option<Aggregate> {
    let mut latest: BTreeMap<Uuid, RoundScore> = BTreeMap::new();
    for r in reviews {
        if !counts(r.member_id) {
            continue;
        }
        if latest.get(&r.member_id).is_none_or(|l| l.round < r.round) {
            latest.insert(r.member_id, r);
        }
    }
    let scores: Vec<Score> = latest
        .values()
        .filter_map(|r| Score::from_hundredths(r.score))
        .collect();
    Aggregate::of(&scores)
}

/// How far the committee got with one application: among the members not
/// in conflict with it (`fair`), those who reviewed it (`reviewed`).
pub fn completeness(
    fair: impl IntoIterator<Item = Uuid>,
    reviewed: impl Fn(Uuid) -> bool,
) -> Completeness {
    let (mut expected, mut reviews) = (0u32, 0u32);
    for m in fair {
        expected = expected.saturating_add(1);
        if reviewed(m) {
            reviews = reviews.saturating_add(1);
        }
    }
    Completeness { reviews, expected }
}

/// What places an application in a ranking: the score the reader sees
/// (none without reviews, or when hidden from it) and when it was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankKey {
    pub score: Option<Score>,
    pub submitted_at: Option<Timestamp>,
}

/// The order of a ranking: the best score first, applications without a
/// score last; on a tie, the one filed first.
pub fn rank_order(x: &RankKey, y: &RankKey) -> Ordering {
    y.score
        .cmp(&x.score)
        .then(x.submitted_at.cmp(&y.submitted_at))
}

/// Sorts `items` into their ranking (stable: equal keys keep their order).
pub fn rank<T>(items: &mut [T], key: impl Fn(&T) -> RankKey) {
    items.sort_by(|x, y| rank_order(&key(x), &key(y)));
}

#[cfg(test)]
#[path = "committee_tests.rs"]
mod tests;
