//! Network pages: promeneurs (list, file, status, photo) for staff and
//! referents, and "Mon profil" for a promeneur's own public profile.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Query, State},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use domain::{
    Platform, Principal, Weekday,
    clock::{french_date, french_instant},
    promeneur::PromeneurStatus,
};
use serde::Deserialize;
use store::{
    promeneurs::{Promeneur, Theme},
    reference::Department,
    structures::Structure,
};
use uuid::Uuid;

use super::read_multipart;
use crate::http::Id;
use crate::http::form::{Errs, Fields};
use crate::network::query::PromeneurQuery;
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    network::{
        gate,
        input::{NetworkDraft, PromeneurDraft, SlotDraft},
    },
    view::{Layout, render},
};
use services::network::departments_of;
use services::network::{draft_of, promeneurs};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reseau/promeneurs", get(list))
        .route("/reseau/promeneurs/nouveau", get(new_page).post(create))
        .route("/reseau/promeneurs/{id}", get(show).post(save))
        .route("/reseau/promeneurs/{id}/statut", post(set_status))
        .route("/reseau/promeneurs/{id}/proposition", post(decide_proposal))
        .route(
            "/reseau/promeneurs/{id}/photo",
            post(set_photo).layer(DefaultBodyLimit::max(
                promeneurs::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/reseau/promeneurs/{id}/qr.svg", get(qr))
        .route("/reseau/promeneurs/{id}/compte", post(open_account))
        .route("/mon-profil", get(my_profile).post(save_my_profile))
}

pub struct Opt {
    pub value: String,
    pub label: String,
}

fn platforms() -> Vec<Opt> {
    Platform::ALL
        .iter()
        .map(|p| Opt {
            value: p.as_str().into(),
            label: p.label().into(),
        })
        .collect()
}

fn weekdays() -> Vec<Opt> {
    Weekday::ALL
        .iter()
        .map(|d| Opt {
            value: d.number().to_string(),
            label: capitalise(d.name()),
        })
        .collect()
}

fn statuses() -> Vec<Opt> {
    PromeneurStatus::ALL
        .iter()
        .map(|s| Opt {
            value: s.as_str().into(),
            label: s.label().into(),
        })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

async fn active_themes(state: &AppState) -> Result<Vec<Theme>, AppError> {
    Ok(store::promeneurs::themes(&state.db)
        .await?
        .into_iter()
        .filter(|t| !t.archived)
        .collect())
}

/// The structures `p` may attach a promeneur to.
async fn editable_structures(state: &AppState, p: &Principal) -> Result<Vec<Structure>, AppError> {
    let (all, _) = store::structures::list(
        &state.db,
        &p.network_scope(),
        &store::structures::Filter {
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    Ok(all
        .into_iter()
        .filter(|s| p.network_editor(&s.department, Some(s.id)).is_some())
        .collect())
}

// ---------------------------------------------------------------- list

pub struct Row {
    pub p: Promeneur,
    pub status_label: &'static str,
    pub in_directory: bool,
}

#[derive(Template)]
#[template(path = "network/promeneurs.html")]
struct List {
    layout: Layout,
    items: Vec<Row>,
    total: i64,
    departments: Vec<Department>,
    statuses: Vec<Opt>,
    q: String,
    department: String,
    status: String,
    to_confirm: bool,
    /// Promeneurs with a referent's proposal waiting (staff only).
    to_confirm_count: i64,
    can_create: bool,
    export_query: String,
}

#[derive(Deserialize, Default)]
struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    structure_id: String,
    #[serde(default)]
    to_confirm: String,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(f): Query<ListParams>,
) -> Result<Html<String>, AppError> {
    let scope = p.network_scope();
    if scope.is_empty() {
        return Err(AppError::not_found());
    }
    let query = PromeneurQuery {
        department: Some(f.department.clone()),
        status: Some(f.status.clone()),
        structure_id: Some(f.structure_id.clone()),
        q: Some(f.q.clone()),
        to_confirm: Some(f.to_confirm == "on"),
        limit: Some(500),
        offset: Some(0),
    };
    let (items, total) = store::promeneurs::list(&state.db, &scope, &query.filter(true)?).await?;
    let today = state.today();
    let to_confirm_count = if p.is_staff() {
        store::promeneurs::list(
            &state.db,
            &scope,
            &store::promeneurs::Filter {
                to_confirm: true,
                limit: 1,
                ..Default::default()
            },
        )
        .await?
        .1
    } else {
        0
    };
    let export_query = serde_urlencoded::to_string([
        ("q", f.q.as_str()),
        ("department", f.department.as_str()),
        ("status", f.status.as_str()),
        ("structure_id", f.structure_id.as_str()),
    ])
    .unwrap_or_default();
    render(&List {
        layout: Layout::new(&auth, "Promeneurs"),
        items: items
            .into_iter()
            .map(|x| Row {
                status_label: x.status.label(),
                in_directory: gate::visible(&x, today),
                p: x,
            })
            .collect(),
        total,
        departments: departments_of(&state, &p).await?,
        statuses: statuses(),
        q: f.q,
        department: f.department,
        status: f.status,
        to_confirm: f.to_confirm == "on",
        to_confirm_count,
        can_create: !editable_structures(&state, &p).await?.is_empty(),
        export_query,
    })
}

// ---------------------------------------------------------------- form

/// The editable form of a promeneur, shared by "new" and "edit".
pub struct FormView {
    pub d: PromeneurDraft,
    pub errors: Errs,
    pub structures: Vec<Structure>,
    pub themes: Vec<Theme>,
    pub platforms: Vec<Opt>,
    pub weekdays: Vec<Opt>,
    pub statuses: Vec<Opt>,
    pub networks: Vec<NetworkDraft>,
    pub presence: Vec<SlotDraft>,
    /// Staff and referents see every field; a promeneur only its profile.
    pub full: bool,
    pub creating: bool,
}

impl FormView {
    fn new(
        d: PromeneurDraft,
        errors: Errs,
        structures: Vec<Structure>,
        themes: Vec<Theme>,
        full: bool,
        creating: bool,
    ) -> Self {
        let mut networks = d.networks.clone();
        networks.extend(std::iter::repeat_n(NetworkDraft::default(), 2));
        let mut presence = d.presence.clone();
        presence.extend(std::iter::repeat_n(SlotDraft::default(), 2));
        Self {
            d,
            errors,
            structures,
            themes,
            platforms: platforms(),
            weekdays: weekdays(),
            statuses: statuses(),
            networks,
            presence,
            full,
            creating,
        }
    }

    pub fn has_theme(&self, slug: &str) -> bool {
        self.d.themes.iter().any(|t| t == slug)
    }

    #[allow(clippy::trivially_copy_pass_by_ref)] // askama passes loop indices by reference
    pub fn network_error(&self, i: &usize) -> Option<&str> {
        self.errors.on(&format!("networks.{i}"))
    }

    #[allow(clippy::trivially_copy_pass_by_ref)]
    pub fn slot_error(&self, i: &usize) -> Option<&str> {
        self.errors.on(&format!("presence.{i}"))
    }

    /// Errors of no field shown by the form.
    pub fn other_errors(&self) -> Vec<&str> {
        self.errors.others(&[
            "first_name",
            "last_name",
            "email",
            "phone",
            "structure_id",
            "job_title",
            "commune_insee",
            "status",
            "mandate_hours",
            "mandate_starts_on",
            "mandate_ends_on",
            "charter_signed_on",
            "initial_training_on",
            "networks",
            "presence",
            "themes",
            "public_bio",
        ])
    }
}

fn draft_from(f: &Fields) -> PromeneurDraft {
    let networks = f
        .rows("networks", &["platform", "handle"])
        .into_iter()
        .map(|r| NetworkDraft {
            platform: r[0].clone(),
            handle: r[1].clone(),
            url: String::new(),
        })
        .collect();
    let presence = f
        .rows("presence", &["weekday", "start", "end"])
        .into_iter()
        .map(|r| SlotDraft {
            weekday: r[0].clone(),
            start: r[1].clone(),
            end: r[2].clone(),
        })
        .collect();
    PromeneurDraft {
        first_name: f.get("first_name").into(),
        last_name: f.get("last_name").into(),
        email: f.get("email").into(),
        phone: f.get("phone").into(),
        structure: f.get("structure_id").into(),
        job_title: f.get("job_title").into(),
        commune: f.get("commune_insee").into(),
        networks,
        themes: f.all("themes"),
        presence,
        mandate_hours: f.get("mandate_hours").into(),
        mandate_starts_on: f.get("mandate_starts_on").into(),
        mandate_ends_on: f.get("mandate_ends_on").into(),
        charter_signed_on: f.get("charter_signed_on").into(),
        initial_training_on: f.get("initial_training_on").into(),
        public_consent: f.checked("public_consent"),
        public_bio: f.get("public_bio").into(),
        status: f.get("status").into(),
    }
}

#[derive(Template)]
#[template(path = "network/promeneur_new.html")]
struct NewPage {
    layout: Layout,
    form: FormView,
}

#[derive(Deserialize, Default)]
struct NewParams {
    #[serde(default)]
    structure: String,
}

async fn new_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<NewParams>,
) -> Result<Html<String>, AppError> {
    let structures = editable_structures(&state, &p).await?;
    if structures.is_empty() {
        return Err(AppError::not_found());
    }
    let d = PromeneurDraft {
        structure: if q.structure.is_empty() && structures.len() == 1 {
            structures[0].id.to_string()
        } else {
            q.structure
        },
        ..PromeneurDraft::default()
    };
    render(&NewPage {
        layout: Layout::new(&auth, "Nouveau promeneur"),
        form: FormView::new(
            d,
            Errs::default(),
            structures,
            active_themes(&state).await?,
            true,
            true,
        ),
    })
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    f: Fields,
) -> Result<Response, AppError> {
    let d = draft_from(&f);
    match promeneurs::create_promeneur(&state, &p, &d).await {
        Ok((id, outcome)) => Ok(Redirect::to(&format!(
            "/reseau/promeneurs/{id}?message={}",
            saved_message(outcome)
        ))
        .into_response()),
        Err(e) => {
            let errors = Errs::from_error(e.into())?;
            let structures = editable_structures(&state, &p).await?;
            let page = NewPage {
                layout: Layout::new(&auth, "Erreur : nouveau promeneur"),
                form: FormView::new(
                    d,
                    errors,
                    structures,
                    active_themes(&state).await?,
                    true,
                    true,
                ),
            };
            crate::http::form::rejected(&page)
        }
    }
}

// ---------------------------------------------------------------- file

pub struct HistoryRow {
    pub label: String,
    pub on: String,
    pub reason: String,
    pub by: String,
    pub at: String,
}

/// A referent's proposal as the file shows it.
pub struct ProposalView {
    pub lines: Vec<String>,
    pub by: String,
    pub at: String,
}

impl ProposalView {
    fn new(x: &store::promeneurs::Proposal) -> Self {
        let day = |d: Option<jiff::civil::Date>| d.map_or_else(|| "aucune".to_owned(), french_date);
        let mut lines = Vec::new();
        if x.active {
            lines.push("Statut : Actif".to_owned());
        }
        lines.push(match (x.mandate_hours, x.mandate_starts_on) {
            (Some(h), Some(s)) => format!(
                "Mandat : {h} h par semaine, du {}{}",
                french_date(s),
                x.mandate_ends_on
                    .map(|e| format!(" au {}", french_date(e)))
                    .unwrap_or_default()
            ),
            _ => "Mandat : aucun".to_owned(),
        });
        lines.push(format!("Charte signée le : {}", day(x.charter_signed_on)));
        lines.push(format!(
            "Formation initiale le : {}",
            day(x.initial_training_on)
        ));
        Self {
            lines,
            by: x.proposed_by.clone(),
            at: french_instant(x.proposed_at),
        }
    }
}

#[derive(Template)]
#[template(path = "network/promeneur.html")]
struct Show {
    layout: Layout,
    x: Promeneur,
    form: FormView,
    can_edit: bool,
    /// Staff of the département: confirm a referent's proposal.
    can_confirm: bool,
    proposal: Option<ProposalView>,
    status_label: &'static str,
    next_statuses: Vec<Opt>,
    history: Vec<HistoryRow>,
    blocks: Vec<&'static str>,
    verification_url: String,
    status_errors: Errs,
    photo_error: Option<String>,
    presence_words: String,
}

#[allow(clippy::too_many_arguments)]
async fn show_page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    draft: Option<PromeneurDraft>,
    errors: Errs,
    status_errors: Errs,
    photo_error: Option<String>,
    message: Option<&str>,
) -> Result<Show, AppError> {
    let x = promeneurs::promeneur(state, p, id).await?;
    let right = promeneurs::right(p, &x)?;
    let editor = right.editor();
    let can_edit = editor.is_some();
    let can_confirm = editor.is_some_and(|c| c.staff);
    let proposal = x.proposal.as_ref().map(ProposalView::new);
    let today = state.today();
    let status = x.status;
    let history = store::promeneurs::status_history(&state.db, x.id)
        .await?
        .into_iter()
        .rev()
        .map(|h| HistoryRow {
            label: h.status.label().to_owned(),
            on: h
                .on_date
                .parse()
                .map(french_date)
                .unwrap_or(h.on_date.clone()),
            reason: h.reason,
            by: h.actor_label,
            at: french_instant(store::from_micros(h.recorded_at)),
        })
        .collect();
    let structures = if can_edit {
        editable_structures(state, p).await?
    } else {
        Vec::new()
    };
    let d = draft.unwrap_or_else(|| draft_of(&x));
    let title = if errors.any() || status_errors.any() || photo_error.is_some() {
        format!("Erreur : {} {}", x.first_name, x.last_name)
    } else {
        format!("{} {}", x.first_name, x.last_name)
    };
    Ok(Show {
        layout: Layout::new(auth, title).with_message(message),
        form: FormView::new(
            d,
            errors,
            structures,
            active_themes(state).await?,
            true,
            false,
        ),
        can_edit,
        can_confirm,
        proposal,
        status_label: status.label(),
        next_statuses: PromeneurStatus::ALL
            .iter()
            .filter(|s| status.can_move_to(**s))
            .map(|s| Opt {
                value: s.as_str().into(),
                label: s.label().into(),
            })
            .collect(),
        history,
        blocks: gate::blocks(&x, today).iter().map(|b| b.label()).collect(),
        verification_url: format!(
            "{}/verifier/{}",
            state.settings.base_url, x.verification_code
        ),
        status_errors,
        photo_error,
        presence_words: domain::presence::describe_all(&gate::slots_of(&x)),
        x,
    })
}

#[derive(Deserialize)]
struct MessageQuery {
    message: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let page = show_page(
        &state,
        &p,
        &auth,
        id,
        None,
        Errs::default(),
        Errs::default(),
        None,
        q.message.as_deref(),
    )
    .await?;
    render(&page)
}

async fn save(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let d = draft_from(&f);
    match promeneurs::update_promeneur(&state, &p, id, &d).await {
        Ok(outcome) => Ok(Redirect::to(&format!(
            "/reseau/promeneurs/{id}?message={}",
            saved_message(outcome)
        ))
        .into_response()),
        Err(e) => {
            let errors = Errs::from_error(e.into())?;
            let page = show_page(
                &state,
                &p,
                &auth,
                id,
                Some(d),
                errors,
                Errs::default(),
                None,
                None,
            )
            .await?;
            crate::http::form::rejected(&page)
        }
    }
}

async fn set_status(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    match promeneurs::set_status(
        &state,
        &p,
        id,
        f.get("status"),
        f.get("on"),
        f.get("reason"),
    )
    .await
    {
        Ok(promeneurs::Outcome::Written) => Ok(Redirect::to(&format!(
            "/reseau/promeneurs/{id}?message=statut-modifie"
        ))
        .into_response()),
        Ok(promeneurs::Outcome::Proposed) => {
            Ok(Redirect::to(&format!("/reseau/promeneurs/{id}?message=propose")).into_response())
        }
        Err(e) => {
            let errors = Errs::from_error(e.into())?;
            let page = show_page(
                &state,
                &p,
                &auth,
                id,
                None,
                Errs::default(),
                errors,
                None,
                None,
            )
            .await?;
            crate::http::form::rejected(&page)
        }
    }
}

fn saved_message(outcome: promeneurs::Outcome) -> &'static str {
    match outcome {
        promeneurs::Outcome::Written => "enregistre",
        promeneurs::Outcome::Proposed => "propose",
    }
}

/// Staff confirm or reject a referent's proposal (works without JS).
async fn decide_proposal(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Redirect, AppError> {
    let accept = match f.get("decision") {
        "accepter" => true,
        "refuser" => false,
        _ => return Err(AppError::bad_request("Décision inconnue.")),
    };
    promeneurs::decide_proposal(&state, &p, id, accept).await?;
    let message = if accept {
        "proposition-confirmee"
    } else {
        "proposition-refusee"
    };
    Ok(Redirect::to(&format!(
        "/reseau/promeneurs/{id}?message={message}"
    )))
}

async fn set_photo(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    form: Multipart,
) -> Result<Response, AppError> {
    let (f, file) = read_multipart(form, "photo").await?;
    let remove = f.get("remove") == "1";
    let back = if f.get("back") == "profil" {
        "/mon-profil".to_owned()
    } else {
        format!("/reseau/promeneurs/{id}")
    };
    let bytes = match (&file, remove) {
        (_, true) => None,
        (Some(b), false) => Some(b.as_slice()),
        (None, false) => {
            return Err(AppError::invalid_field("photo", "Choisissez une photo."));
        }
    };
    match promeneurs::set_photo(&state, &p, id, bytes)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => {
            let m = if remove {
                "photo-supprimee"
            } else {
                "photo-enregistree"
            };
            Ok(Redirect::to(&format!("{back}?message={m}")).into_response())
        }
        Err(e)
            if e.status == StatusCode::UNSUPPORTED_MEDIA_TYPE
                || e.status == StatusCode::PAYLOAD_TOO_LARGE
                || e.status == StatusCode::UNPROCESSABLE_ENTITY =>
        {
            let status = e.status;
            if back == "/mon-profil" {
                return Err(e);
            }
            let page = show_page(
                &state,
                &p,
                &auth,
                id,
                None,
                Errs::default(),
                Errs::default(),
                Some(e.message),
                None,
            )
            .await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Opens the promeneur's own account (activation link by e-mail).
async fn open_account(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    _fields: Fields,
) -> Result<Redirect, AppError> {
    promeneurs::invite_promeneur(&state, &p, id).await?;
    Ok(Redirect::to(&format!(
        "/reseau/promeneurs/{id}?message=compte-ouvert"
    )))
}

/// The verification QR code of a promeneur, for its poster or card.
async fn qr(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let x = promeneurs::promeneur(&state, &p, id).await?;
    let url = format!(
        "{}/verifier/{}",
        state.settings.base_url, x.verification_code
    );
    let svg = documents::qr::qr_svg(
        &url,
        &format!(
            "QR code de vérification de {} {}",
            x.first_name, x.last_name
        ),
    )
    .map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"promeneur-{}.svg\"",
                    x.verification_code
                ),
            ),
        ],
        svg,
    )
        .into_response())
}

// ---------------------------------------------------------------- my profile

#[derive(Template)]
#[template(path = "network/my_profile.html")]
struct MyProfile {
    layout: Layout,
    x: Promeneur,
    form: FormView,
    blocks: Vec<&'static str>,
    verification_url: String,
}

async fn my_profile_page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    draft: Option<PromeneurDraft>,
    errors: Errs,
    message: Option<&str>,
) -> Result<MyProfile, AppError> {
    let x = store::promeneurs::find_by_user(&state.db, p.user_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let d = draft.unwrap_or_else(|| draft_of(&x));
    let title = if errors.any() {
        "Erreur : mon profil"
    } else {
        "Mon profil public"
    };
    Ok(MyProfile {
        layout: Layout::new(auth, title).with_message(message),
        blocks: gate::blocks(&x, state.today())
            .iter()
            .map(|b| b.label())
            .collect(),
        verification_url: format!(
            "{}/verifier/{}",
            state.settings.base_url, x.verification_code
        ),
        form: FormView::new(
            d,
            errors,
            Vec::new(),
            active_themes(state).await?,
            false,
            false,
        ),
        x,
    })
}

async fn my_profile(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    render(
        &my_profile_page(
            &state,
            &p,
            &auth,
            None,
            Errs::default(),
            q.message.as_deref(),
        )
        .await?,
    )
}

async fn save_my_profile(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    fields: Fields,
) -> Result<Response, AppError> {
    let me = store::promeneurs::find_by_user(&state.db, p.user_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let d = draft_from(&fields);
    match promeneurs::update_own_profile(
        &state,
        &p,
        me.id,
        &d.networks,
        &d.presence,
        &d.themes,
        &d.public_bio,
        d.public_consent,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/mon-profil?message=enregistre").into_response()),
        Err(e) => {
            let errors = Errs::from_error(e.into())?;
            let page = my_profile_page(&state, &p, &auth, Some(d), errors, None).await?;
            crate::http::form::rejected(&page)
        }
    }
}
