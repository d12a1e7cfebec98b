//! What the OpenAPI description says of every operation alike: the two
//! ways to authenticate, the error responses in the error JSON of API.md,
//! and the closed sets of path parameters.

use std::collections::BTreeSet;

use utoipa::{
    PartialSchema, ToSchema,
    openapi::{
        Content, OpenApi, Ref, RefOr, Required, ResponseBuilder,
        path::{Operation, ParameterIn},
        security::{
            ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme,
        },
    },
};

use crate::auth::SESSION_COOKIE;

/// The operations that answer without an account (a session or a token
/// is read when there is one).
const PUBLIC: &[&str] = &[
    "create_session",
    "openapi",
    "departments",
    "department",
    "communes",
    "themes",
    "public_promeneurs",
    "list_calls",
    "show_call",
    "module_versions",
    "get_file",
];

/// What an import reads.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ImportKind {
    Structures,
    Promeneurs,
}

/// A letter template.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum TemplateKind {
    Result,
    Convention,
}

/// Completes the description once every route is in: security schemes,
/// and the error responses every operation can give, in the error JSON.
pub fn finish(api: &mut OpenApi) {
    let components = api.components.get_or_insert_with(Default::default);
    components.security_schemes.insert(
        "session".to_owned(),
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            SESSION_COOKIE,
            "Cookie de session (POST /api/v1/session) ; les appels qui écrivent envoient aussi `X-CSRF-Token`.",
        )))
        .into(),
    );
    components.security_schemes.insert(
        "bearer".to_owned(),
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)).into(),
    );
    for (name, schema) in [
        ("ErrorBody", crate::http::error::ErrorBody::schema()),
        ("ErrorDetail", crate::http::error::ErrorDetail::schema()),
        ("ImportKind", ImportKind::schema()),
        ("TemplateKind", TemplateKind::schema()),
    ] {
        components.schemas.insert(name.to_owned(), schema);
    }
    let account = || {
        vec![
            SecurityRequirement::new("session", Vec::<String>::new()),
            SecurityRequirement::new("bearer", Vec::<String>::new()),
        ]
    };
    for item in api.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let public = op
                .operation_id
                .as_deref()
                .is_some_and(|id| PUBLIC.contains(&id));
            let mut security = account();
            if public {
                security.insert(0, SecurityRequirement::default());
            }
            op.security = Some(security);
            add_errors(op, public);
        }
    }
}

fn add_errors(op: &mut Operation, public: bool) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let in_path = params.iter().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Path,
        RefOr::Ref(_) => false,
    });
    let in_query = params.iter().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Query,
        RefOr::Ref(_) => false,
    });
    let body = op.request_body.is_some();
    let mut statuses = BTreeSet::from([("401", "Non connecté, ou session ou jeton invalide")]);
    if !public {
        statuses.insert(("403", "Votre rôle ne le permet pas"));
    }
    if in_path || !public {
        statuses.insert((
            "404",
            "Inconnu, ou hors de votre périmètre (département, structure)",
        ));
    }
    if body {
        statuses.insert(("400", "Contenu mal formé"));
        statuses.insert(("413", "Contenu trop volumineux"));
        statuses.insert(("415", "Type de contenu refusé"));
    }
    if body || in_query {
        statuses.insert(("422", "Champs invalides, un message par champ"));
    }
    for (status, description) in statuses {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(ResponseBuilder::new().description(description).build()));
    }
    // Every error answer without a body of its own is the error JSON.
    for (status, response) in &mut op.responses.responses {
        let error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(r)) = (error, response)
            && r.content.is_empty()
        {
            r.content.insert(
                "application/json".to_owned(),
                RefOr::T(Content::new(Some(Ref::from_schema_name("ErrorBody")))),
            );
        }
    }
    // Path parameters are always required.
    if let Some(params) = op.parameters.as_mut() {
        for p in params.iter_mut() {
            if let RefOr::T(p) = p
                && p.parameter_in == ParameterIn::Path
            {
                p.required = Required::True;
            }
        }
    }
}
