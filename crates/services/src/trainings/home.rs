//! The Formations part of every home: the sessions to come with their
//! seats (a promeneur's own state, an initial training to follow as "à
//! traiter"), a participant's surveys to answer, and for an employer the
//! registrations waiting for its approval.

use domain::{Principal, Role};

use crate::tasks::{Section, Task, count, plural};
use crate::{Ctx, ServiceError};

/// The training sessions to come that `p` reads, each with its seats
/// (and, for a promeneur, where its own registration stands).
pub(crate) async fn section(ctx: &Ctx, p: &Principal) -> Result<Section, ServiceError> {
    let sessions =
        crate::trainings::sessions(ctx, p, &crate::trainings::SessionQuery::default()).await?;
    // The caller's own registrations, read once for every session shown.
    let mine = match store::promeneurs::find_by_user(&ctx.db, p.user_id).await? {
        Some(me) => store::trainings::promeneur_registrations(&ctx.db, me.id).await?,
        None => Vec::new(),
    };
    let mut tasks = Vec::new();
    for s in sessions.iter().take(10) {
        let mut parts = vec![
            crate::auditions::french_start(s.starts_at),
            format!(
                "{} sur {}",
                plural(usize::try_from(s.held).unwrap_or(0), "inscrit", "inscrits"),
                s.capacity
            ),
        ];
        if s.waitlisted > 0 {
            parts.push(format!("{} en liste d'attente", s.waitlisted));
        }
        let mut pending = false;
        let own = mine
            .iter()
            .map(|x| &x.registration)
            .find(|r| r.session_id == s.id && r.status.is_live());
        if let Some(r) = own {
            parts.push(format!("moi : {}", r.status.label().to_lowercase()));
        } else if p.has_role(Role::Promeneur) && !p.is_staff() && s.open_at(ctx.now()) {
            pending = s.kind == domain::training::TrainingKind::Initial;
        }
        tasks.push(Task::link(
            s.training_title.clone(),
            format!("/formations/sessions/{}", s.id),
            Some(parts.join(" · ")),
            pending,
        ));
    }
    for (label, href) in super::survey::to_answer(ctx, p, &mine).await? {
        tasks.push(Task::link(label, href, None, true));
    }
    let note = tasks
        .is_empty()
        .then(|| "Aucune session de formation à venir pour l'instant.".to_owned());
    if !p.referent_structures().is_empty() {
        let waiting = crate::trainings::manage::pending_approvals(ctx, p).await?;
        tasks.insert(
            0,
            Task::count(
                "Inscriptions de vos promeneurs à confirmer",
                count(waiting.len()),
                "/formations/accords".to_owned(),
            ),
        );
    }
    Ok(Section {
        title: "Formations".to_owned(),
        tasks,
        note,
    })
}
