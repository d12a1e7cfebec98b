//! Issue 11, step 2: the spreadsheet import is a service. The command line,
//! the demo and the sandbox child reach it through `services`, never through
//! the HTTP crate; the service works without the web layer, and the API's
//! report keeps its OpenAPI description.

use serde_json::json;

use crate::harness::*;

fn console() -> domain::Principal {
    domain::Principal {
        read_only: std::collections::BTreeSet::new(),
        user_id: uuid::Uuid::nil(),
        email: "console".into(),
        name: "console".into(),
        grants: vec![domain::Grant::platform(domain::Role::Admin)],
    }
}

/// The body of `name` in `source`: from its signature to the next item.
fn body_of<'a>(source: &'a str, name: &str) -> &'a str {
    let start = source
        .find(name)
        .unwrap_or_else(|| panic!("{name} not found"));
    let rest = &source[start..];
    let end = rest.find("\n}\n").unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn the_import_command_the_demo_and_the_sandbox_child_do_not_use_web() {
    for (file, source) in [
        ("demo.rs", include_str!("../../src/demo.rs")),
        (
            "demo_calls/mod.rs",
            include_str!("../../src/demo_calls/mod.rs"),
        ),
        (
            "demo_calls/applications.rs",
            include_str!("../../src/demo_calls/applications.rs"),
        ),
        (
            "demo_calls/definition.rs",
            include_str!("../../src/demo_calls/definition.rs"),
        ),
        ("demo_network.rs", include_str!("../../src/demo_network.rs")),
        ("sandbox.rs", include_str!("../../src/sandbox.rs")),
        ("worker.rs", include_str!("../../src/worker.rs")),
    ] {
        assert!(!source.contains("web::"), "{file} uses the web crate");
    }
    let lib = include_str!("../../src/lib.rs");
    for function in [
        "pub async fn import_file(",
        "pub async fn import_file_with(",
    ] {
        let body = body_of(lib, function);
        assert!(!body.contains("web::"), "{function} uses the web crate");
    }
}

#[tokio::test]
async fn the_import_service_checks_and_writes_without_the_web_layer() {
    let app = spawn_app().await;
    let communes = services::network::input::CommuneIndex::new(
        store::reference::all_communes(&app.db).await.unwrap(),
    );
    let sandbox = services::sandbox::SandboxConfig::default();
    let kind = services::imports::Kind::Structures;
    let now = app.now();
    let today = domain::clock::in_paris(now).date();
    let actor = store::audit::Actor::console();

    // A bad row: reported by line and column, in French; nothing written.
    let bad = b"nom;type;siret;commune\nMJC;MJC;123;Vichy\n";
    let plan = services::imports::plan(&app.db, &console(), &communes, kind, bad, &sandbox)
        .await
        .unwrap();
    assert!(!plan.is_valid());
    assert_eq!(plan.errors[0].line, 2);
    assert_eq!(plan.errors[0].column, "siret");
    let refused = services::imports::apply(
        &app.db,
        &console(),
        &actor,
        now,
        today,
        &plan,
        None,
        &|_| {},
    )
    .await;
    assert!(matches!(refused, Err(services::ServiceError::Internal(_))));

    // A file refused as a whole: its French message.
    let Err(e) = services::imports::plan(
        &app.db,
        &console(),
        &communes,
        kind,
        b"prenom;courriel\nLea;lea@example.fr\n",
        &sandbox,
    )
    .await
    else {
        panic!("headers missing, yet planned");
    };
    assert!(e.0.starts_with("Colonnes obligatoires absentes"), "{}", e.0);

    // A good one: created, then updated by SIRET on a second import.
    let good = "nom;type;siret;commune\nMJC de Vichy;MJC;73282932000074;Vichy\n";
    for (created, updated) in [(1, 0), (0, 1)] {
        let plan = services::imports::plan(
            &app.db,
            &console(),
            &communes,
            kind,
            good.as_bytes(),
            &sandbox,
        )
        .await
        .unwrap();
        assert!(plan.is_valid(), "{:?}", plan.errors);
        let summary = services::imports::apply(
            &app.db,
            &console(),
            &actor,
            now,
            today,
            &plan,
            None,
            &|_| {},
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!((summary.created, summary.updated), (created, updated));
    }
    let mut coord = app.logged_in(COORDINATOR).await;
    assert_eq!(coord.get("/api/v1/structures").await.json()["total"], 1);
}

/// The service's report types carry no OpenAPI schema; the API's copies
/// describe them exactly as before the move.
#[tokio::test]
async fn the_import_report_keeps_its_description() {
    let app = spawn_app().await;
    let spec = app.client().get("/api/v1/openapi.json").await.json();
    let schemas = &spec["components"]["schemas"];
    assert_eq!(
        schemas["PlannedRow"],
        json!({"type": "object", "required": ["line", "action", "label"], "properties": {
            "action": {"$ref": "#/components/schemas/Action"},
            "label": {"type": "string"},
            "line": {"type": "integer", "minimum": 0}}})
    );
    assert_eq!(
        schemas["RowError"],
        json!({"type": "object", "required": ["line", "column", "message"], "properties": {
            "column": {"type": "string", "description": "The column's header in the template."},
            "line": {"type": "integer", "minimum": 0,
                "description": "The row number as the spreadsheet shows it (the header is row 1)."},
            "message": {"type": "string"}}})
    );
    assert_eq!(
        schemas["Action"],
        json!({"type": "string", "enum": ["create", "update"]})
    );
    assert_eq!(
        schemas["Summary"],
        json!({"type": "object", "required": ["created", "updated"], "properties": {
            "created": {"type": "integer", "minimum": 0},
            "updated": {"type": "integer", "minimum": 0}}})
    );
}
