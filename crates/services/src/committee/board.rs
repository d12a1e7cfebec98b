//! The pages of a committee member ("Mon comité", the scoring page) read
//! what follows: the member's view of the applications, with the same
//! checks as the API (seat, conflicts).

use domain::Principal;
use store::{applications::Application, committee::Member};
use uuid::Uuid;

use super::{Seat, conflict_of, conflicted, default_round, member_application, seat_state};
use crate::{Ctx, ServiceError, applications, calls::CallView};

/// A filed application in a member's list: its conflict, if any, and the
/// rounds the member reviewed.
#[derive(Debug, Clone)]
pub struct BoardItem {
    pub application: Application,
    pub conflict: Option<String>,
    /// The rounds of the member's own reviews, in order (none for a
    /// conflicted member).
    pub rounds: Vec<i64>,
}

/// The filed applications of a call, for `p` seated on its committee (404
/// for anyone else, staff included: they have their own pages).
pub async fn member_board(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
) -> Result<(CallView, Member, Vec<BoardItem>), ServiceError> {
    let (state, seat) = seat_state(ctx, p, call_id).await?;
    let Seat::Member(m) = seat else {
        return Err(ServiceError::NotFound);
    };
    let items = state
        .apps
        .iter()
        .map(|a| {
            let conflict = conflict_of(&m, a, &state.conflicts);
            let mut rounds: Vec<i64> = if conflict.is_some() {
                Vec::new()
            } else {
                state
                    .scores_of(a.id)
                    .iter()
                    .filter(|r| r.member_id == m.id)
                    .map(|r| r.round)
                    .collect()
            };
            rounds.sort_unstable();
            rounds.dedup();
            BoardItem {
                application: a.clone(),
                conflict,
                rounds,
            }
        })
        .collect();
    Ok((state.view.clone(), m, items))
}

/// An application as a member of its committee reads it to score it.
#[derive(Debug, Clone)]
pub struct MemberApplication {
    pub application: Application,
    pub member: Member,
    /// Why the member may not review it; then `documents` is empty.
    pub conflict: Option<String>,
    /// The module version the application is filed under: its grid is the
    /// one the review follows.
    pub module: store::calls::Module,
    pub documents: Vec<store::applications::Document>,
    /// The round a review without one goes to (see `put_review`).
    pub default_round: i64,
}

/// A filed application for `p`, a member of its call's committee (404 for
/// anyone else).
pub async fn member_view(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
) -> Result<MemberApplication, ServiceError> {
    let (a, m) = member_application(ctx, p, id).await?;
    let declared = store::committee::conflicts(&ctx.db, a.call_id).await?;
    let conflict = conflict_of(&m, &a, &declared);
    let (module, _) = applications::modules_of(ctx, &a).await?;
    let documents = if conflict.is_some() {
        Vec::new()
    } else {
        store::applications::documents(&ctx.db, a.id).await?
    };
    let default_round = default_round(ctx, &a).await?;
    Ok(MemberApplication {
        application: a,
        member: m,
        conflict,
        module,
        documents,
        default_round,
    })
}

/// A document of an application, for a member of its committee without a
/// conflict of interest (404 outside the committee, 403 when conflicted).
pub async fn member_document(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    document_id: Uuid,
) -> Result<store::applications::Document, ServiceError> {
    let (a, m) = member_application(ctx, p, id).await?;
    let declared = store::committee::conflicts(&ctx.db, a.call_id).await?;
    if let Some(reason) = conflict_of(&m, &a, &declared) {
        return Err(conflicted(&reason));
    }
    store::applications::documents(&ctx.db, a.id)
        .await?
        .into_iter()
        .find(|d| d.id == document_id)
        .ok_or(ServiceError::NotFound)
}
