//! What a call's committee reads — the call, its seats, its filed
//! applications, the scores of its reviews, the declared conflicts — kept
//! in memory per call and reused while the call's revision has not moved.
//! Triggers increase the revision in the same transaction as any change of
//! those rows (store migration 0006), so a request reads one row to know
//! whether its copy is current, instead of hundreds (the committee's lists
//! read every application and every review).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use store::{
    applications::Application,
    committee::{Conflict, Member, ReviewScore},
};
use uuid::Uuid;

use super::filed;
use crate::{
    Ctx, ServiceError,
    calls::{self, CallView},
};

/// At most this many calls are kept (a network runs a few calls a year).
const CALLS_KEPT: usize = 16;

/// A call's committee data as of one revision.
#[derive(Debug)]
pub(crate) struct CallState {
    revision: i64,
    /// The call, its modules and files.
    pub view: CallView,
    /// The committee's seats (with the structures their accounts are tied
    /// to).
    pub members: Vec<Member>,
    /// The filed applications the committee examines, every module.
    pub apps: Vec<Application>,
    /// The scores of the call's reviews, every round, by application.
    scores: HashMap<Uuid, Vec<ReviewScore>>,
    pub conflicts: Vec<Conflict>,
}

impl CallState {
    /// The scores of an application's reviews, every member and round.
    pub fn scores_of(&self, application_id: Uuid) -> &[ReviewScore] {
        self.scores.get(&application_id).map_or(&[], Vec::as_slice)
    }

    /// The seat of `user_id` on the committee, if it has one.
    pub fn member_of(&self, user_id: Uuid) -> Option<&Member> {
        self.members.iter().find(|m| m.user_id == user_id)
    }

    /// Whether `member_id` reviewed the application (in any round).
    pub fn reviewed(&self, member_id: Uuid, application_id: Uuid) -> bool {
        self.scores_of(application_id)
            .iter()
            .any(|r| r.member_id == member_id)
    }
}

/// The calls' committee data kept in memory (one per process; shared by
/// the clones of a [`Ctx`]).
#[derive(Debug, Default)]
pub struct CommitteeCache {
    calls: Mutex<HashMap<Uuid, Arc<CallState>>>,
}

impl CommitteeCache {
    fn get(&self, call_id: Uuid, revision: i64) -> Option<Arc<CallState>> {
        let calls = self
            .calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        calls
            .get(&call_id)
            .filter(|s| s.revision == revision)
            .cloned()
    }

    fn put(&self, call_id: Uuid, state: Arc<CallState>) {
        let mut calls = self
            .calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A slower request that read an older revision does not replace a
        // newer copy.
        if calls
            .get(&call_id)
            .is_some_and(|s| s.revision > state.revision)
        {
            return;
        }
        if calls.len() >= CALLS_KEPT && !calls.contains_key(&call_id) {
            calls.clear();
        }
        calls.insert(call_id, state);
    }
}

/// The committee data of a call, current: from memory when the call's
/// revision has not moved since it was read, else read again.
pub(crate) async fn state(ctx: &Ctx, call_id: Uuid) -> Result<Arc<CallState>, ServiceError> {
    let revision = store::calls::revision(&ctx.db, call_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if let Some(s) = ctx.committee.get(call_id, revision) {
        return Ok(s);
    }
    // Read after the revision: the rows are at least as new as it is (a
    // change committed in between moves the revision again, and the next
    // request reads them again).
    let call = store::calls::find(&ctx.db, call_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let state = Arc::new(CallState {
        revision,
        view: calls::view(ctx, call).await?,
        members: store::committee::members(&ctx.db, call_id).await?,
        apps: filed(ctx, call_id).await?,
        scores: by_application(store::committee::scores(&ctx.db, call_id, None).await?),
        conflicts: store::committee::conflicts(&ctx.db, call_id).await?,
    });
    ctx.committee.put(call_id, state.clone());
    Ok(state)
}

fn by_application(scores: Vec<ReviewScore>) -> HashMap<Uuid, Vec<ReviewScore>> {
    let mut out: HashMap<Uuid, Vec<ReviewScore>> = HashMap::new();
    for s in scores {
        out.entry(s.application_id).or_default().push(s);
    }
    out
}
