//! Calls for applications, the public side: the list of published calls,
//! one call with its modules, and its files to download. Also what the
//! staff pages (`manage`, `modules`) show the same way. Every
//! read goes through `crate::calls`, which decides who sees what.

mod applications;
mod committee;
mod form;
mod manage;
mod modules;

use askama::Template;
use axum::{
    Router,
    extract::State,
    response::{Html, Response},
    routing::get,
};
use domain::{
    call::{CallStatus, DecisionWindow, ModuleSpec, Question, RequiredDocument},
    clock::french_date,
};
use jiff::Timestamp;
use store::calls::{CallDepartment, CallFile, Module};
use uuid::Uuid;

use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::MaybeUser,
    calls::{self, CallView},
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/appels", get(list))
        .route("/appels/{id}", get(show))
        .route("/appels/{id}/fichiers/{file_id}", get(file))
        .merge(manage::router())
        .merge(modules::router())
        .merge(applications::router())
        .merge(committee::router())
}

/// A success message of the call pages, chosen by a code in the query
/// string (never text from the URL itself).
pub fn with_message(layout: Layout, code: Option<&str>) -> Layout {
    let text = match code {
        Some("appel-cree") => {
            "L'appel est créé en brouillon : ajoutez ses modules et ses fichiers, puis publiez-le."
        }
        Some("appel-publie") => "L'appel est publié : sa page est visible de tous.",
        Some("fichier-ajoute") => "Le fichier est ajouté à l'appel.",
        Some("fichier-retire") => "Le fichier est retiré de l'appel.",
        Some("module-enregistre") => "Le module est enregistré.",
        Some("nouvelle-version") => {
            "Une nouvelle version du module est enregistrée ; les candidatures déjà déposées gardent la leur."
        }
        Some("module-supprime") => "Le module est supprimé.",
        Some("deja-publie") => "Cet appel est déjà publié.",
        Some("membre-ajoute") => "Le membre siège désormais au comité de l'appel.",
        Some("appel-relance") => {
            "Le module est relancé : voici le nouvel appel, en brouillon. Vérifiez ses dates, ses contacts et ses fichiers, puis publiez-le."
        }
        _ => return layout.with_message(code),
    };
    layout.with_flash("success", text)
}

/// A link to another call.
pub struct CallLink {
    pub id: Uuid,
    pub title: String,
}

/// The call `call` relaunches, if `p` may see it.
pub async fn relaunched_from(
    state: &AppState,
    p: Option<&domain::Principal>,
    call: &store::calls::Call,
) -> Result<Option<CallLink>, AppError> {
    let Some(id) = call.relaunch_of else {
        return Ok(None);
    };
    match calls::call(state, p, id).await.map_err(AppError::from) {
        Ok(v) => Ok(Some(CallLink {
            id,
            title: v.call.title,
        })),
        Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => Ok(None),
        Err(e) => Err(e),
    }
}

/// A line of the scoring grid, with its weight as a share of the note.
pub struct CriterionView {
    pub label: String,
    pub weight: u32,
    pub max_score: u32,
    /// Percent of the final note, rounded.
    pub share: u32,
}

/// A module as the pages show it: dates in French, the grid, the rule.
pub struct ModuleView {
    pub code: String,
    pub title: String,
    pub description: String,
    pub service_period: String,
    /// "dimanche 17 mars 2024 à 23 h 59".
    pub deadline: String,
    /// Applications are accepted now, by the server's clock.
    pub open: bool,
    pub audition: Option<String>,
    pub decision: Option<String>,
    pub criteria: Vec<CriterionView>,
    pub required_documents: Vec<RequiredDocument>,
    pub questions: Vec<Question>,
    pub rule: String,
    pub version: i64,
    /// Published: a change makes a new version.
    pub frozen: bool,
}

impl ModuleView {
    pub fn new(m: &Module, now: Timestamp) -> Self {
        let s = &m.spec;
        let total: u32 = s.criteria.iter().map(|c| c.weight).sum();
        Self {
            code: s.code.clone(),
            title: s.title.clone(),
            description: s.description.clone(),
            service_period: s.service_period_french(),
            deadline: s.deadline.french(),
            open: s.deadline.accepts(now),
            audition: s.audition_on.map(french_date),
            decision: s.decision_window.map(DecisionWindow::french),
            criteria: s
                .criteria
                .iter()
                .map(|c| CriterionView {
                    label: c.label.clone(),
                    weight: c.weight,
                    max_score: c.max_score,
                    share: (c.weight * 100 + total / 2).checked_div(total).unwrap_or(0),
                })
                .collect(),
            required_documents: s.required_documents.clone(),
            questions: s.questions.clone(),
            rule: unsuccessful_rule(s),
            version: m.version,
            frozen: m.frozen,
        }
    }
}

/// The "infructueux" rule of DESIGN §4 in words, with this module's
/// settings (minimum number of applications, quality threshold).
pub fn unsuccessful_rule(s: &ModuleSpec) -> String {
    let few = match s.min_applications {
        0 | 1 => "s'il ne reçoit aucune candidature".to_owned(),
        2 => "s'il reçoit une candidature ou moins".to_owned(),
        n => format!("s'il reçoit {} candidatures ou moins", n - 1),
    };
    match s.quality_threshold {
        Some(t) => format!(
            "Le module est déclaré infructueux dans un département {few}, ou si aucune n'atteint le seuil de qualité, fixé à {t} sur 100."
        ),
        None => format!(
            "Le module est déclaré infructueux dans un département {few}. Aucun seuil de qualité chiffré n'est fixé pour ce module."
        ),
    }
}

/// A file offered with a call, for the lists.
pub struct FileView {
    pub id: Uuid,
    pub label: String,
    pub file_name: String,
    /// "PDF, 12 ko".
    pub about: String,
}

impl FileView {
    pub fn new(f: &CallFile) -> Self {
        let kind = documents::filetype::FileType::parse(&f.file_type)
            .map_or("fichier", documents::filetype::FileType::label);
        Self {
            id: f.id,
            label: f.label.clone(),
            file_name: f.file_name.clone(),
            about: format!("{kind}, {}", french_size(f.size)),
        }
    }
}

/// "850 octets", "12 ko", "1,5 Mo".
pub fn french_size(bytes: i64) -> String {
    let b = bytes.max(0);
    if b < 1000 {
        format!("{b} octets")
    } else if b < 1_000_000 {
        format!("{} ko", (b + 500) / 1000)
    } else {
        let tenths = (b + 50_000) / 100_000;
        if tenths % 10 == 0 {
            format!("{} Mo", tenths / 10)
        } else {
            format!("{},{} Mo", tenths / 10, tenths % 10)
        }
    }
}

/// A CAF contact of a call, with a dialable phone link.
pub struct ContactView {
    pub caf_name: String,
    pub department: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub tel: String,
}

impl ContactView {
    fn new(d: &CallDepartment) -> Self {
        Self {
            caf_name: d.caf_name.clone(),
            department: format!("{} ({})", d.name, d.department),
            name: d.contact_name.clone(),
            email: d.contact_email.clone(),
            phone: d.contact_phone.clone(),
            tel: d
                .contact_phone
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect(),
        }
    }
}

struct ListItem {
    id: Uuid,
    title: String,
    departments: String,
    modules: Vec<ModuleView>,
}

#[derive(Template)]
#[template(path = "calls/list.html")]
struct List {
    layout: Layout,
    items: Vec<ListItem>,
    staff: bool,
}

/// Published calls, newest first, each module with its deadline.
async fn list(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
) -> Result<Html<String>, AppError> {
    let p = auth.principal.as_ref();
    let now = state.now();
    let mut items = Vec::new();
    for c in calls::calls(&state, p).await? {
        if c.status != CallStatus::Published {
            continue;
        }
        let v = calls::call(&state, p, c.id).await?;
        items.push(ListItem {
            id: c.id,
            title: c.title.clone(),
            departments: calls::departments_label(&c, &c.department_codes()),
            modules: v.modules.iter().map(|m| ModuleView::new(m, now)).collect(),
        });
    }
    render(&List {
        layout: Layout::new(&auth, "Appels à candidatures"),
        items,
        staff: p.is_some_and(domain::Principal::is_staff),
    })
}

#[derive(Template)]
#[template(path = "calls/show.html")]
struct Show {
    layout: Layout,
    id: Uuid,
    title: String,
    description: String,
    departments: String,
    published: bool,
    staff: bool,
    modules: Vec<ModuleView>,
    files: Vec<FileView>,
    contacts: Vec<ContactView>,
    /// The call this one relaunches.
    relaunch_of: Option<CallLink>,
    /// The tag of a module's sub-headings.
    sub: &'static str,
}

/// One call: what is asked, until when, how it is judged, whom to ask.
async fn show(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Id(id): Id,
) -> Result<Html<String>, AppError> {
    let p = auth.principal.as_ref();
    let v: CallView = calls::call(&state, p, id).await?;
    let now = state.now();
    render(&Show {
        layout: Layout::new(&auth, v.call.title.clone()),
        id: v.call.id,
        title: v.call.title.clone(),
        description: v.call.description.clone(),
        departments: calls::departments_label(&v.call, &v.call.department_codes()),
        published: v.call.status == CallStatus::Published,
        staff: p.is_some_and(|p| calls::is_call_staff(p, &v.call)),
        modules: v.modules.iter().map(|m| ModuleView::new(m, now)).collect(),
        files: v.files.iter().map(FileView::new).collect(),
        contacts: v.call.departments.iter().map(ContactView::new).collect(),
        relaunch_of: relaunched_from(&state, p, &v.call).await?,
        sub: "h4",
    })
}

/// A file of the call, always as an attachment.
async fn file(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Id((id, file_id)): Id<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    calls::exports::call_file(&state, auth.principal.as_ref(), id, file_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_french() {
        assert_eq!(french_size(850), "850 octets");
        assert_eq!(french_size(12_345), "12 ko");
        assert_eq!(french_size(1_500_000), "1,5 Mo");
        assert_eq!(french_size(200_000_000), "200 Mo");
    }

    #[test]
    fn the_rule_follows_the_settings() {
        let mut d = domain::call::ModuleDraft {
            code: "M1".into(),
            title: "Coordination".into(),
            service_starts_on: "2024-06-01".into(),
            service_ends_on: "2026-12-31".into(),
            deadline: "2024-03-17".into(),
            ..Default::default()
        };
        let s = d.validate().unwrap();
        assert!(
            unsuccessful_rule(&s)
                .starts_with("Le module est déclaré infructueux dans un département s'il reçoit une candidature ou moins.")
        );
        d.quality_threshold = Some(60);
        d.min_applications = Some(3);
        let s = d.validate().unwrap();
        assert_eq!(
            unsuccessful_rule(&s),
            "Le module est déclaré infructueux dans un département s'il reçoit 2 candidatures ou moins, ou si aucune n'atteint le seuil de qualité, fixé à 60 sur 100."
        );
    }
}
