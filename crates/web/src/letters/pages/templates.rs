//! The Typst templates of the letters, edited by administrators.

#[allow(clippy::wildcard_imports)]
use super::*;

/// Administrators only (403 for anyone else signed in).
pub(super) fn admin_only(p: &Principal) -> Result<(), AppError> {
    p.admin().map(|_| ()).ok_or_else(|| {
        AppError::forbidden("Seuls les administrateurs modifient les modèles de courrier.")
    })
}

/// The French name of a kind of template (404 for an unknown one).
pub(super) fn kind_label(kind: &str) -> Result<&'static str, AppError> {
    match kind {
        letters::RESULT => Ok("Courrier de résultat"),
        letters::CONVENTION => Ok("Convention"),
        _ => Err(AppError::not_found()),
    }
}

/// A field of the data a template reads, and what it holds.
pub(super) struct DataField {
    name: &'static str,
    text: &'static str,
}

pub(super) const PARTY: &str = "name (nom), address (lignes de l'adresse, la dernière avec le code postal et la ville), city (ville), representative (représentant : name, title ; peut manquer)";
pub(super) const CAF: &str = "la liste des Caf concernées ; chacune a department_code, name (« Caisse d'allocations familiales de l'Allier »), short_name (« Caf de l'Allier »), address, city, signatory (name, title), contact (peut manquer)";

pub(super) fn data_fields(kind: &str) -> Vec<DataField> {
    let f = |name, text| DataField { name, text };
    if kind == letters::CONVENTION {
        vec![
            f(
                "reference",
                "le numéro de la convention, repris sur chaque page",
            ),
            f(
                "title",
                "l'intitulé de la convention, qui ne nomme que les départements où la structure est retenue : « Coordinateur du réseau des Promeneurs du Net de l'Allier sur les modules 1 et 2 »",
            ),
            f("call_title", "le titre de l'appel à candidatures"),
            f("structure", PARTY),
            f(
                "caf",
                "les Caf des départements où la structure est retenue ; chacune a department_code, name, short_name, address, city, signatory (name, title), contact (peut manquer)",
            ),
            f(
                "modules",
                "les modules où la structure est retenue, une seule convention pour tous : code (« 1 »), title, service_starts_on, service_ends_on (dates déjà écrites en français), departments (avec leur article : « l'Allier »), handover_months (mois de tuilage ; peut manquer)",
            ),
            f(
                "obligations",
                "les engagements de la structure, tirés du cahier des charges, une phrase chacun",
            ),
            f(
                "signed_on",
                "la date de signature ; quand elle manque, « le … » reste à remplir à la main",
            ),
        ]
    } else {
        vec![
            f("caf", CAF),
            f("applicant", PARTY),
            f("call_title", "le titre de l'appel à candidatures"),
            f("module_code", "le code du module : « M1 »"),
            f("module_title", "l'intitulé du module"),
            f(
                "departments",
                "les départements, avec leur article : « l'Allier », « le Puy-de-Dôme » ; pour une candidature retenue, seulement ceux où elle l'est",
            ),
            f(
                "applied_departments",
                "tous les départements de la candidature, avec leur article",
            ),
            f(
                "not_retained_in",
                "pour une candidature retenue, les départements où elle ne l'est pas : department (avec son article), reason (\"other_retained\" : une autre candidature y est retenue ; \"too_few_applications\", \"insufficient_quality\" ou \"unsuccessful\" : module infructueux)",
            ),
            f(
                "convention_title",
                "pour une candidature retenue, l'intitulé de la convention jointe",
            ),
            f(
                "outcome",
                "le résultat : \"retained\" (retenue), \"not_retained\" (non retenue) ou \"module_unsuccessful\" (module infructueux)",
            ),
            f(
                "motivation",
                "la motivation du comité, paragraphes séparés par une ligne vide ; peut manquer",
            ),
            f(
                "unsuccessful_reason",
                "pour un module infructueux : \"too_few_applications\" ou \"insufficient_quality\" ; peut manquer",
            ),
            f(
                "date",
                "la date du courrier, déjà en français : « 15 avril 2024 »",
            ),
            f("reference", "le numéro de la candidature"),
            f(
                "salutation",
                "la formule d'appel ; « Madame, Monsieur, » quand elle manque",
            ),
            f(
                "service_starts_on",
                "début de la mission, déjà en français ; peut manquer",
            ),
            f(
                "service_ends_on",
                "fin de la mission, déjà en français ; peut manquer",
            ),
            f(
                "handover_months",
                "mois de tuilage avec le coordinateur sortant ; peut manquer",
            ),
        ]
    }
}

#[derive(Template)]
#[template(path = "letters/templates.html")]
pub(super) struct TemplateListPage {
    layout: Layout,
    kinds: Vec<(&'static str, &'static str, bool)>,
}

pub(super) async fn template_list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Html<String>, AppError> {
    admin_only(&p)?;
    let mut kinds = Vec::new();
    for kind in [letters::RESULT, letters::CONVENTION] {
        let (_, builtin) = letters::current_template(&state, kind).await?;
        kinds.push((kind, kind_label(kind)?, builtin));
    }
    render(&TemplateListPage {
        layout: Layout::new(&auth, "Modèles de courrier"),
        kinds,
    })
}

#[derive(Deserialize, Default)]
pub(super) struct TemplateQuery {
    message: Option<String>,
}

#[derive(Template)]
#[template(path = "letters/template.html")]
pub(super) struct TemplatePage {
    layout: Layout,
    kind: String,
    label: &'static str,
    source: String,
    builtin: bool,
    fields: Vec<DataField>,
    error: Option<String>,
    summary: Vec<ErrorLink>,
}

pub(super) fn template_view(
    auth: &Auth,
    kind: &str,
    source: String,
    builtin: bool,
    error: Option<String>,
    message: Option<&str>,
) -> Result<TemplatePage, AppError> {
    let label = kind_label(kind)?;
    let title = format!(
        "{}Modèle : {}",
        if error.is_some() { "Erreur : " } else { "" },
        label.to_lowercase()
    );
    let mut layout = Layout::new(auth, title);
    match message {
        Some("enregistre") => {
            layout = layout.with_flash(
                "success",
                "Le modèle est enregistré : les prochains courriers préparés l'utilisent.",
            );
        }
        Some("origine") => {
            layout = layout.with_flash("success", "Le modèle d'origine est rétabli.");
        }
        _ => {}
    }
    let summary = error
        .iter()
        .map(|e| ErrorLink {
            href: "#source".to_owned(),
            text: e.clone(),
        })
        .collect();
    Ok(TemplatePage {
        layout,
        kind: kind.to_owned(),
        label,
        source,
        builtin,
        fields: data_fields(kind),
        error,
        summary,
    })
}

pub(super) async fn template_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Path(kind): Path<String>,
    Query(q): Query<TemplateQuery>,
) -> Result<Html<String>, AppError> {
    admin_only(&p)?;
    kind_label(&kind)?;
    let (source, builtin) = letters::current_template(&state, &kind).await?;
    render(&template_view(
        &auth,
        &kind,
        source,
        builtin,
        None,
        q.message.as_deref(),
    )?)
}

/// Saves the template checked (422 with the line of the error, the text
/// kept), or goes back to the built-in one with `reset=1`.
pub(super) async fn save_template(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Path(kind): Path<String>,
    f: Fields,
) -> Result<Response, AppError> {
    admin_only(&p)?;
    kind_label(&kind)?;
    let reset = f.get("reset") == "1";
    let source = f.get("source").replace("\r\n", "\n");
    let result = if reset {
        letters::set_template(&state, &p, &kind, None)
            .await
            .map_err(AppError::from)
    } else {
        letters::set_template(&state, &p, &kind, Some(&source))
            .await
            .map_err(AppError::from)
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/modeles-de-courrier/{kind}?message={}",
            if reset { "origine" } else { "enregistre" }
        ))
        .into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let message = e
                .fields
                .get("template")
                .cloned()
                .unwrap_or_else(|| e.message.clone());
            let (_, builtin) = letters::current_template(&state, &kind).await?;
            crate::http::form::rejected(&template_view(
                &auth,
                &kind,
                source,
                builtin,
                Some(message),
                None,
            )?)
        }
        Err(e) => Err(e),
    }
}
