//! The management page of a call, in one service call: the call loaded
//! once, with everything the page shows (its filed applications, its
//! committee and how far each member got, the structures a member may be
//! seated for, the calls it relaunches or is relaunched by).

use domain::Principal;
use store::{applications::Application, structures::Structure};
use uuid::Uuid;

use crate::{
    Ctx, ServiceError,
    calls::{self, CallView, is_call_staff, manager},
    committee,
};

/// What the management page of a call shows.
#[derive(Debug)]
pub struct Management {
    pub view: CallView,
    /// The caller is a CAF agent of the call: it edits and seats members.
    pub manages: bool,
    /// The filed applications of the call in the caller's scope.
    pub filed: Vec<Application>,
    /// The committee, with each member's progress.
    pub members: Vec<committee::Progress>,
    /// The structures of the call's départements, one may seat a member
    /// for (empty unless the caller manages the call).
    pub structures: Vec<Structure>,
    /// The call this one relaunches, if the caller sees it: id and title.
    pub relaunch_of: Option<(Uuid, String)>,
    /// The calls relaunching a module of this one: id and title.
    pub relaunches: Vec<(Uuid, String)>,
}

/// The management page of a call, for its staff (404 for anyone else; the
/// refusal of staff in conflict, unless seated on its committee).
pub async fn management(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
) -> Result<Management, ServiceError> {
    let view = calls::call(ctx, Some(p), call_id).await?;
    if !is_call_staff(p, &view.call) {
        return Err(ServiceError::NotFound);
    }
    let (filed, _) = store::applications::list(
        &ctx.db,
        &p.application_scope(),
        &store::applications::Filter {
            call_id: Some(call_id),
            filed_only: true,
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    let members = committee::members_in(ctx, p, &view).await?;
    let manages = manager(p, &view.call).is_some();
    let mut structures = Vec::new();
    if manages {
        for d in &view.call.departments {
            let (items, _) = store::structures::list(
                &ctx.db,
                &domain::NetworkScope::everything(),
                &store::structures::Filter {
                    department: Some(d.department.clone()),
                    limit: 10_000,
                    ..Default::default()
                },
            )
            .await?;
            structures.extend(items);
        }
    }
    let relaunch_of = match view.call.relaunch_of {
        None => None,
        Some(id) => match calls::call(ctx, Some(p), id).await {
            Ok(v) => Some((id, v.call.title)),
            Err(ServiceError::NotFound) => None,
            Err(e) => return Err(e),
        },
    };
    let relaunches = store::calls::relaunches(&ctx.db, call_id).await?;
    Ok(Management {
        view,
        manages,
        filed,
        members,
        structures,
        relaunch_of,
        relaunches,
    })
}
