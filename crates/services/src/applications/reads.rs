//! What the pages and the API show of applications: the lists (each
//! application with its documents), one application with its documents,
//! its thread and its receipts. Each checks who reads, as
//! [`super::application`] does.

use std::collections::BTreeSet;

use domain::{NetworkScope, Principal, access::DepartmentScope};
use store::{
    applications::{Application, Document, Filter, Message, Receipt},
    structures::Structure,
};
use uuid::Uuid;

use super::application;
use crate::{Ctx, ServiceError, calls::CallView};

/// A page of applications, with the documents of each.
#[derive(Debug, Clone)]
pub struct Listed {
    pub items: Vec<Application>,
    /// How many match, every page included.
    pub total: i64,
    pub documents: Vec<Document>,
}

async fn listed(ctx: &Ctx, scope: &NetworkScope, filter: &Filter) -> Result<Listed, ServiceError> {
    let (items, total) = store::applications::list(&ctx.db, scope, filter).await?;
    let ids: Vec<Uuid> = items.iter().map(|a| a.id).collect();
    let documents = store::applications::documents_of(&ctx.db, &ids).await?;
    Ok(Listed {
        items,
        total,
        documents,
    })
}

/// The filed applications of a call `p` reads as its staff (`view` from
/// [`crate::calls::staff_call`]) that pass `filter`: those of `p`'s
/// départements, drafts never.
pub async fn filed_applications(
    ctx: &Ctx,
    p: &Principal,
    view: &CallView,
    filter: Filter,
) -> Result<Listed, ServiceError> {
    let filter = Filter {
        call_id: Some(view.call.id),
        filed_only: true,
        ..filter
    };
    listed(ctx, &p.application_scope(), &filter).await
}

/// What `p` reads as an applicant: its structures' own.
fn own_scope(p: &Principal) -> NetworkScope {
    NetworkScope {
        departments: DepartmentScope::Some(BTreeSet::new()),
        structures: p.referent_structures(),
        own_user: None,
    }
}

/// The applications of `p`'s structures (drafts included) that pass
/// `filter`.
pub async fn own_applications(
    ctx: &Ctx,
    p: &Principal,
    filter: &Filter,
) -> Result<Listed, ServiceError> {
    listed(ctx, &own_scope(p), filter).await
}

/// The structures `p` applies for (of which it is a referent).
pub async fn applicant_structures(
    ctx: &Ctx,
    p: &Principal,
) -> Result<Vec<Structure>, ServiceError> {
    let mine = p.referent_structures();
    let (own, _) = store::structures::list(
        &ctx.db,
        &own_scope(p),
        &store::structures::Filter {
            limit: 100,
            ..Default::default()
        },
    )
    .await?;
    Ok(own.into_iter().filter(|s| mine.contains(&s.id)).collect())
}

/// An application as `p` may see it, with its documents.
pub async fn with_documents(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
) -> Result<(Application, Vec<Document>), ServiceError> {
    let a = application(ctx, p, id).await?;
    let docs = store::applications::documents(&ctx.db, a.id).await?;
    Ok((a, docs))
}

/// The thread between staff and the applicant of an application `p` sees.
pub async fn messages(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Vec<Message>, ServiceError> {
    let a = application(ctx, p, id).await?;
    Ok(store::applications::messages(&ctx.db, a.id).await?)
}

/// The receipts of an application `p` sees.
pub async fn receipts(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Vec<Receipt>, ServiceError> {
    let a = application(ctx, p, id).await?;
    Ok(store::applications::receipts(&ctx.db, a.id).await?)
}

/// An application's page: the application, its documents, its thread and
/// its receipts.
#[derive(Debug, Clone)]
pub struct Details {
    pub application: Application,
    pub documents: Vec<Document>,
    pub messages: Vec<Message>,
    pub receipts: Vec<Receipt>,
}

/// What an application's page shows of it to `p` (404 outside its scope).
pub async fn details(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Details, ServiceError> {
    let (application, documents) = with_documents(ctx, p, id).await?;
    let messages = store::applications::messages(&ctx.db, id).await?;
    let receipts = store::applications::receipts(&ctx.db, id).await?;
    Ok(Details {
        application,
        documents,
        messages,
        receipts,
    })
}
