//! Each person's home after logging in: what to do next, by role, with
//! counts and links. A person with several roles gets each role's part.
//! Everything is read within the caller's scope, as the lists it links to.

use domain::{
    Principal, Role,
    availability::Availability,
    call::{ApplicationStatus, CallStatus},
    clock::french_instant,
    decision::ProposalStatus,
};
use serde::Serialize;

use crate::{
    Ctx, ServiceError,
    applications::{filed_applications, own_applications},
    calls::{self, CallView, is_call_staff},
    committee,
    directory::gate,
    handover,
    network::{filters, lists, signup, structures},
};

/// The home page: its parts, in the order they are shown.
#[derive(Debug, Clone, Serialize)]
pub struct Home {
    pub sections: Vec<Section>,
}

/// One part of the home: a heading, what to do, and a sentence when there
/// is nothing to count.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    pub tasks: Vec<Task>,
    /// Said under the tasks (or instead of them).
    pub note: Option<String>,
}

/// One thing to look at: "3 structures à valider", with the link to them.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub label: String,
    /// How many, when it is a count (0 is shown: nothing waiting).
    pub count: Option<i64>,
    pub href: String,
    /// A second line: a deadline, a state, what is missing.
    pub detail: Option<String>,
    /// Something waits for the reader (a count above 0, a missing piece).
    pub pending: bool,
}

impl Task {
    fn count(label: &str, count: i64, href: String) -> Self {
        Self {
            label: label.to_owned(),
            count: Some(count),
            href,
            detail: None,
            pending: count > 0,
        }
    }

    fn link(label: String, href: String, detail: Option<String>, pending: bool) -> Self {
        Self {
            label,
            count: None,
            href,
            detail,
            pending,
        }
    }
}

/// What `p` has to do, by role.
pub async fn home(ctx: &Ctx, p: &Principal) -> Result<Home, ServiceError> {
    let mut sections = Vec::new();
    if p.is_staff() {
        sections.push(network_section(ctx, p).await?);
        sections.push(calls_section(ctx, p).await?);
        sections.push(handover_section(ctx, p).await?);
        sections.push(trainings_section(ctx, p).await?);
    }
    if p.has_role(Role::CommitteeMember) {
        sections.push(committee_section(ctx, p).await?);
    }
    if p.has_role(Role::StructureReferent) {
        sections.push(referent_applications(ctx, p).await?);
        sections.push(referent_promeneurs(ctx, p).await?);
    }
    if p.has_role(Role::Promeneur) {
        sections.push(promeneur_section(ctx, p).await?);
    }
    if (p.has_role(Role::Trainer) || p.has_role(Role::Promeneur)) && !p.is_staff() {
        sections.push(trainings_section(ctx, p).await?);
    }
    if p.is_admin() {
        sections.push(admin_section());
    }
    if sections.is_empty() {
        sections.push(not_yet(
            "Rien à faire pour l'instant",
            "Votre compte n'a pas encore de rôle dans le réseau. La Caf de votre département vous en donnera un.",
        ));
    }
    Ok(Home { sections })
}

/// The training sessions to come that `p` reads, each with its seats
/// (and, for a promeneur, where its own registration stands).
async fn trainings_section(ctx: &Ctx, p: &Principal) -> Result<Section, ServiceError> {
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
    let note = tasks
        .is_empty()
        .then(|| "Aucune session de formation à venir pour l'instant.".to_owned());
    Ok(Section {
        title: "Formations".to_owned(),
        tasks,
        note,
    })
}

fn not_yet(title: &str, note: &str) -> Section {
    Section {
        title: title.to_owned(),
        tasks: Vec::new(),
        note: Some(note.to_owned()),
    }
}

/// Staff: structures and claims to approve, promeneurs to confirm,
/// conventions to renew.
async fn network_section(ctx: &Ctx, p: &Principal) -> Result<Section, ServiceError> {
    let pending = structures::pending_structures(ctx, p).await?.len();
    let claims = signup::all_pending_claims(ctx, p).await?.len();
    let to_confirm = lists::to_confirm(ctx, p).await?;
    let renew = filters::conventions(None, None, true, ctx.today(), 1, 0)?;
    let (_, conventions) = lists::conventions(ctx, p, &renew).await?;
    Ok(Section {
        title: "Réseau".to_owned(),
        tasks: vec![
            Task::count(
                "Structures inscrites à valider",
                count(pending),
                "/reseau/structures/a-valider".to_owned(),
            ),
            Task::count(
                "Demandes de rattachement à une structure",
                count(claims),
                "/reseau/structures".to_owned(),
            ),
            Task::count(
                "Promeneurs à confirmer (propositions des structures)",
                to_confirm,
                "/reseau/promeneurs?to_confirm=on".to_owned(),
            ),
            Task::count(
                "Conventions à renouveler ou échues",
                conventions,
                "/reseau/conventions?a_renouveler=on".to_owned(),
            ),
        ],
        note: None,
    })
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Staff: each call of their départements: drafts to publish; for a
/// published call, its filed applications, complements awaited, reviews
/// missing and proposals waiting for a CAF's validation.
async fn calls_section(ctx: &Ctx, p: &Principal) -> Result<Section, ServiceError> {
    let mut tasks = Vec::new();
    for view in calls::call_views(ctx, Some(p)).await? {
        if !is_call_staff(p, &view.call) {
            continue;
        }
        let href = format!("/gestion/appels/{}", view.call.id);
        if view.call.status == CallStatus::Draft {
            tasks.push(Task::link(
                view.call.title.clone(),
                href,
                Some("Brouillon : à compléter et publier".to_owned()),
                true,
            ));
            continue;
        }
        if calls::staff_conflicted(ctx, p, view.call.id).await? {
            // Its structure applies: another agent follows the call, and
            // the home counts nothing of the others' applications.
            tasks.push(Task::link(
                view.call.title.clone(),
                href,
                Some(
                    "Votre structure candidate à cet appel : conflit d'intérêts, un autre agent le suit."
                        .to_owned(),
                ),
                false,
            ));
            continue;
        }
        tasks.push(call_task(ctx, p, &view, href).await?);
    }
    let note = tasks
        .is_empty()
        .then(|| "Aucun appel à candidatures dans vos départements.".to_owned());
    Ok(Section {
        title: "Appels à candidatures".to_owned(),
        tasks,
        note,
    })
}

async fn call_task(
    ctx: &Ctx,
    p: &Principal,
    view: &CallView,
    href: String,
) -> Result<Task, ServiceError> {
    let call_id = view.call.id;
    let filed = filed_applications(
        ctx,
        p,
        view,
        store::applications::Filter {
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?
    .items;
    let complements = filed
        .iter()
        .filter(|a| a.status == ApplicationStatus::ComplementRequested)
        .count();
    let ids: Vec<_> = filed.iter().map(|a| a.id).collect();
    let unanswered = store::applications::awaiting_answer(&ctx.db, &ids, "applicant")
        .await?
        .len();
    let missing: usize = committee::members_in(ctx, p, view)
        .await?
        .iter()
        .map(|m| m.to_review.saturating_sub(m.reviewed))
        .sum();
    let mut proposals = 0;
    for m in &view.modules {
        proposals += committee::proposals(ctx, p, call_id, &m.spec.code)
            .await?
            .iter()
            .filter(|x| x.status == ProposalStatus::Proposed)
            .count();
    }
    let now = ctx.now();
    let next_deadline = view
        .modules
        .iter()
        .map(|m| m.spec.deadline)
        .filter(|d| d.accepts(now))
        .min();
    let mut parts = vec![plural(
        filed.len(),
        "candidature déposée",
        "candidatures déposées",
    )];
    if complements > 0 {
        parts.push(plural(
            complements,
            "complément attendu",
            "compléments attendus",
        ));
    }
    if unanswered > 0 {
        parts.push(plural(
            unanswered,
            "message de structure sans réponse",
            "messages de structures sans réponse",
        ));
    }
    if missing > 0 {
        parts.push(plural(
            missing,
            "évaluation manquante",
            "évaluations manquantes",
        ));
    }
    if proposals > 0 {
        parts.push(plural(
            proposals,
            "proposition à valider",
            "propositions à valider",
        ));
    }
    parts.push(match next_deadline {
        Some(d) => format!("prochaine date limite le {}", french_instant(d.instant())),
        None => "dates limites passées".to_owned(),
    });
    Ok(Task::link(
        view.call.title.clone(),
        href,
        Some(parts.join(" · ")),
        complements + unanswered + missing + proposals > 0,
    ))
}

/// "1 candidature déposée", "3 candidatures déposées", "aucune …".
fn plural(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("0 {one}"),
        1 => format!("1 {one}"),
        _ => format!("{n} {many}"),
    }
}

async fn handover_section(ctx: &Ctx, p: &Principal) -> Result<Section, ServiceError> {
    let today = ctx.today();
    let running = handover::handovers(ctx, p)
        .await?
        .into_iter()
        .filter(|h| h.starts_on <= today && today <= h.read_until)
        .count();
    Ok(Section {
        title: "Passation de la coordination".to_owned(),
        tasks: vec![Task::count(
            "Passations en cours",
            count(running),
            "/gestion/tuilages".to_owned(),
        )],
        note: None,
    })
}

/// A committee member: for each call it sits on, what it has left to
/// review; calls with reviews left first.
async fn committee_section(ctx: &Ctx, p: &Principal) -> Result<Section, ServiceError> {
    let mut tasks = Vec::new();
    for id in p.seated_calls() {
        let (view, _, items) = match committee::member_board(ctx, p, id).await {
            Ok(board) => board,
            // A seat on a call one no longer sees: left out, as on /comite;
            // a call one may not follow (its structure applies): likewise.
            Err(ServiceError::NotFound | ServiceError::Forbidden(_)) => continue,
            Err(e) => return Err(e),
        };
        let mine = items.iter().filter(|i| i.conflict.is_none());
        let total = mine.clone().count();
        let left = mine.filter(|i| i.rounds.is_empty()).count();
        tasks.push(Task::link(
            view.call.title.clone(),
            "/comite".to_owned(),
            Some(format!(
                "{} · {total} en tout",
                plural(left, "candidature à évaluer", "candidatures à évaluer")
            )),
            left > 0,
        ));
    }
    tasks.sort_by_key(|t| !t.pending);
    let note = tasks
        .is_empty()
        .then(|| "Vous n'êtes membre d'aucun comité en cours.".to_owned());
    Ok(Section {
        title: "Mon comité".to_owned(),
        tasks,
        note,
    })
}

/// A structure's referent: its applications, with their state and the
/// module's deadline.
async fn referent_applications(ctx: &Ctx, p: &Principal) -> Result<Section, ServiceError> {
    let listed = own_applications(
        ctx,
        p,
        &store::applications::Filter {
            limit: 100,
            ..Default::default()
        },
    )
    .await?;
    let views = calls::call_views(ctx, Some(p)).await?;
    let ids: Vec<_> = listed.items.iter().map(|a| a.id).collect();
    let to_read = store::applications::awaiting_answer(&ctx.db, &ids, "staff").await?;
    let now = ctx.now();
    let tasks: Vec<Task> = listed
        .items
        .iter()
        .map(|a| {
            let deadline = views
                .iter()
                .find(|v| v.call.id == a.call_id)
                .and_then(|v| v.module(&a.module_code))
                .map(|m| m.spec.deadline);
            let open = deadline.is_some_and(|d| d.accepts(now));
            let detail = match deadline.filter(|_| a.status == ApplicationStatus::Draft) {
                Some(d) if open => format!(
                    "{} · à déposer avant le {}",
                    a.status.label(),
                    french_instant(d.instant())
                ),
                Some(_) => format!("{} · date limite passée", a.status.label()),
                None => a.status.label().to_owned(),
            };
            let unread = to_read.contains(&a.id);
            let detail = if unread {
                format!("{detail} · message de la Caf")
            } else {
                detail
            };
            let pending = unread
                || matches!(
                    a.status,
                    ApplicationStatus::ComplementRequested | ApplicationStatus::Draft
                ) && (open || a.status == ApplicationStatus::ComplementRequested);
            Task::link(
                format!("{} — module {}", a.call_title, a.module_code),
                format!("/candidatures/{}", a.id),
                Some(detail),
                pending,
            )
        })
        .collect();
    let note = tasks.is_empty().then(|| {
        "Aucune candidature pour l'instant : les appels ouverts sont sur la page « Appels à candidatures »."
            .to_owned()
    });
    Ok(Section {
        title: "Mes candidatures".to_owned(),
        tasks,
        note,
    })
}

/// A structure's referent: its promeneurs, with what each lacks to be in
/// the directory.
async fn referent_promeneurs(ctx: &Ctx, p: &Principal) -> Result<Section, ServiceError> {
    let today = ctx.today();
    let (items, total) = match lists::promeneurs(
        ctx,
        p,
        &store::promeneurs::Filter {
            limit: 200,
            ..Default::default()
        },
    )
    .await
    {
        Ok(found) => found,
        Err(ServiceError::NotFound) => (Vec::new(), 0),
        Err(e) => return Err(e),
    };
    let tasks: Vec<Task> = items
        .iter()
        .map(|x| {
            let blocks = gate::blocks(x, today);
            let detail = if blocks.is_empty() {
                "Dans l'annuaire".to_owned()
            } else {
                let missing: Vec<&str> = blocks.iter().map(|b| b.label()).collect();
                format!("Pas dans l'annuaire : {}", missing.join(", "))
            };
            Task::link(
                format!("{} {}", x.first_name, x.last_name),
                format!("/reseau/promeneurs/{}", x.id),
                Some(detail),
                !blocks.is_empty(),
            )
        })
        .collect();
    let note = if tasks.is_empty() {
        Some("Aucun promeneur déclaré pour votre structure.".to_owned())
    } else if total > count(tasks.len()) {
        Some(format!(
            "Les {} premiers sur {total} : la liste complète est sur la page « Promeneurs ».",
            tasks.len()
        ))
    } else {
        None
    };
    Ok(Section {
        title: "Mes promeneurs".to_owned(),
        tasks,
        note,
    })
}

/// A promeneur: its profile's state in the directory and when it is next
/// online.
async fn promeneur_section(ctx: &Ctx, p: &Principal) -> Result<Section, ServiceError> {
    let me = match lists::own_promeneur(ctx, p).await {
        Ok(me) => me,
        Err(ServiceError::NotFound) => {
            return Ok(not_yet(
                "Mon profil de promeneur",
                "Votre compte n'est relié à aucune fiche de promeneur : demandez-le à votre structure.",
            ));
        }
        Err(e) => return Err(e),
    };
    let blocks = gate::blocks(&me, ctx.today());
    let directory = if blocks.is_empty() {
        Task::link(
            "Mon profil est visible dans l'annuaire".to_owned(),
            format!("/promeneurs/{}", me.id),
            None,
            false,
        )
    } else {
        let missing: Vec<&str> = blocks.iter().map(|b| b.label()).collect();
        Task::link(
            "Mon profil n'est pas dans l'annuaire".to_owned(),
            "/mon-profil".to_owned(),
            Some(format!("Il manque : {}", missing.join(", "))),
            true,
        )
    };
    let slots = gate::slots_of(&me);
    let presence = match Availability::at(&slots, ctx.now()) {
        Availability::Never => Task::link(
            "Aucun créneau de présence".to_owned(),
            "/mon-profil".to_owned(),
            Some("Indiquez quand vous êtes en ligne : l'annuaire le montre aux jeunes.".to_owned()),
            true,
        ),
        a => Task::link(
            format!("Présence en ligne : {}", a.french()),
            "/mon-profil".to_owned(),
            None,
            false,
        ),
    };
    Ok(Section {
        title: "Mon profil de promeneur".to_owned(),
        tasks: vec![directory, presence],
        note: Some(
            "Formations : votre parcours de formation apparaîtra ici quand les formations seront gérées sur la plateforme."
                .to_owned(),
        ),
    })
}

fn admin_section() -> Section {
    let link = |label: &str, href: &str| Task::link(label.to_owned(), href.to_owned(), None, false);
    Section {
        title: "Administration".to_owned(),
        tasks: vec![
            link("Comptes et rôles", "/admin/utilisateurs"),
            link("E-mails envoyés", "/admin/emails"),
            link("Thèmes de l'annuaire", "/admin/themes"),
            link("Modèles de courrier", "/admin/modeles-de-courrier"),
            link("Journal des actions", "/journal"),
        ],
        note: None,
    }
}
