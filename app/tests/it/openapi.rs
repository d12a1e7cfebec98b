//! The OpenAPI description tells the truth: every route is described,
//! every path parameter is declared (and no query parameter sits in the
//! path), and answers match the statuses and bodies it declares.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

async fn description(app: &TestApp) -> Value {
    let r = app.client().get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    r.json()
}

/// `(method, path, operation)` for every operation.
fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((m.to_owned(), path.clone(), op.clone()));
            }
        }
    }
    out
}

fn template_params(path: &str) -> BTreeSet<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_owned)
        .collect()
}

fn params_in(op: &Value, place: &str) -> Vec<Value> {
    op["parameters"]
        .as_array()
        .map(|ps| ps.iter().filter(|p| p["in"] == place).cloned().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_path_parameter_is_declared_and_none_other() {
    let app = spawn_app().await;
    let spec = description(&app).await;
    let mut checked = 0;
    for (m, path, op) in operations(&spec) {
        let declared: BTreeSet<String> = params_in(&op, "path")
            .iter()
            .map(|p| p["name"].as_str().unwrap_or("").to_owned())
            .collect();
        assert_eq!(
            declared,
            template_params(&path),
            "{m} {path}: path parameters declared {declared:?}"
        );
        for p in params_in(&op, "path") {
            assert_eq!(p["required"], true, "{m} {path}: {p}");
            assert!(p["schema"].is_object(), "{m} {path}: {p}");
        }
        checked += 1;
    }
    assert!(checked > 80, "{checked}");
    // The query parameters of these are in the query, not in the path.
    for (m, path, names) in [
        (
            "get",
            "/api/v1/calls/{id}/applications",
            &["module", "department", "status", "limit", "offset"][..],
        ),
        (
            "get",
            "/api/v1/calls/{id}/applications/export",
            &["module", "department", "status", "format"][..],
        ),
        ("post", "/api/v1/imports/{kind}", &["dry_run"][..]),
        (
            "get",
            "/api/v1/structures",
            &["department", "q", "limit"][..],
        ),
    ] {
        let op = &spec["paths"][path][m];
        let query: BTreeSet<String> = params_in(op, "query")
            .iter()
            .map(|p| p["name"].as_str().unwrap_or("").to_owned())
            .collect();
        for n in names {
            assert!(
                query.contains(*n),
                "{m} {path}: {n} not in query ({query:?})"
            );
        }
    }
}

#[tokio::test]
async fn every_route_is_described_once() {
    let app = spawn_app().await;
    let spec = description(&app).await;
    let ops = operations(&spec);
    // Routes are registered from their annotations (utoipa-axum), so the
    // annotations in the sources and the operations described agree.
    let mut annotations = 0;
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/web/src");
    for entry in walk(&src) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        annotations += text.matches("#[utoipa::path(").count();
    }
    assert_eq!(
        ops.len(),
        annotations,
        "operations described vs annotated handlers"
    );
    for (m, path) in [
        ("get", "/api/v1/structures/export"),
        ("get", "/api/v1/promeneurs/export"),
        ("get", "/api/v1/conventions/export"),
        ("get", "/api/v1/imports/{kind}/template"),
        ("get", "/api/v1/openapi.json"),
    ] {
        assert!(spec["paths"][path][m].is_object(), "{m} {path} missing");
    }
    let ids: Vec<&str> = ops
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap_or(""))
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "operation ids are unique: {ids:?}");
    // Every reference names a schema that is there.
    let mut refs = Vec::new();
    collect_refs(&spec, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            spec["components"]["schemas"][name].is_object(),
            "{r} unresolved"
        );
    }
    // Schema names are unique (two structs of one name would share one
    // description, and one of them would be described wrongly).
    let mut names = BTreeSet::new();
    for entry in walk(&src) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if !(l.starts_with("#[derive(") && l.contains("ToSchema")) {
                continue;
            }
            let mut name = None;
            for next in lines.iter().skip(i + 1).take(6) {
                if let Some(rest) = next.trim().strip_prefix("#[schema(as = ") {
                    name = rest.split(')').next().map(str::to_owned);
                }
                let item = next.trim().trim_start_matches("pub ");
                if let Some(rest) = item.strip_prefix("struct ").or(item.strip_prefix("enum ")) {
                    let own = rest
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next();
                    name = name.or(own.map(str::to_owned));
                    break;
                }
            }
            let name = name.unwrap_or_default();
            assert!(
                names.insert(name.clone()),
                "schema name {name} used twice ({})",
                entry.display()
            );
        }
    }
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
    assert!(spec["components"]["securitySchemes"]["session"].is_object());
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.push(r.clone());
            }
            o.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

/// Checks `value` against an OpenAPI 3.1 schema of the description
/// (the subset utoipa writes); returns what does not match.
fn conform(spec: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return conform(spec, &spec["components"]["schemas"][name], value, at);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let fits = options
                .iter()
                .filter(|s| conform(spec, s, value, at).is_empty())
                .count();
            let ok = if key == "oneOf" { fits == 1 } else { fits >= 1 };
            return if ok {
                Vec::new()
            } else {
                vec![format!("{at}: {fits} of the {key} fit {value}")]
            };
        }
    }
    if let Some(all) = schema["allOf"].as_array() {
        return all
            .iter()
            .flat_map(|s| conform(spec, s, value, at))
            .collect();
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let fits = types.is_empty()
        || types.contains(&kind)
        || (kind == "integer" && types.contains(&"number"));
    if !fits {
        return vec![format!("{at}: {kind} where {types:?} is declared")];
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(value)
    {
        return vec![format!("{at}: {value} not in {values:?}")];
    }
    let mut errors = Vec::new();
    match value {
        Value::Object(o) => {
            for r in schema["required"].as_array().into_iter().flatten() {
                let r = r.as_str().unwrap_or("");
                if !o.contains_key(r) {
                    errors.push(format!("{at}.{r}: required, absent"));
                }
            }
            for (k, v) in o {
                if let Some(s) = schema["properties"].get(k) {
                    errors.extend(conform(spec, s, v, &format!("{at}.{k}")));
                } else if schema["additionalProperties"].is_object() {
                    errors.extend(conform(
                        spec,
                        &schema["additionalProperties"],
                        v,
                        &format!("{at}.{k}"),
                    ));
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                errors.extend(conform(spec, &schema["items"], v, &format!("{at}[{i}]")));
            }
        }
        _ => {}
    }
    errors
}

/// The declared answer for `status`, or a failure naming the operation.
fn declared<'a>(spec: &'a Value, m: &str, path: &str, status: StatusCode) -> &'a Value {
    let responses = &spec["paths"][path][m]["responses"];
    let r = &responses[status.as_str()];
    assert!(
        r.is_object(),
        "{m} {path} answered {status}, not declared: {:?}",
        responses.as_object().map(|o| o.keys().collect::<Vec<_>>())
    );
    r
}

fn check_body(spec: &Value, m: &str, path: &str, r: &Resp) {
    let response = declared(spec, m, path, r.status);
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(content) = response["content"].as_object() {
        if content.is_empty() || r.status == StatusCode::NO_CONTENT {
            return;
        }
        let mime = ct.split(';').next().unwrap_or("").trim();
        let media = content
            .get(mime)
            .unwrap_or_else(|| panic!("{m} {path} {}: {ct} not in {:?}", r.status, content.keys()));
        if mime == "application/json" && media["schema"].is_object() {
            let errors = conform(spec, &media["schema"], &r.json(), "$");
            assert!(errors.is_empty(), "{m} {path} {}: {errors:?}", r.status);
        }
    }
}

#[tokio::test]
async fn the_import_422_bodies_match_their_schema() {
    let app = spawn_app().await;
    let spec = description(&app).await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let path = "/api/v1/imports/{kind}";
    // Invalid rows: the report.
    let file = "prenom;nom;email;structure;fonction;commune;reseaux;presences;statut\n\
                Tom;Durand;pas-un-email;Inconnue;Animateur;Vichy;;jeudi 19h-17h;actif\n";
    let r = coord
        .bytes(
            "POST",
            "/api/v1/imports/promeneurs",
            "text/csv",
            file.into(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["errors"].is_array(), "{}", r.body);
    check_body(&spec, "post", path, &r);
    // An empty file: the error JSON.
    let r = coord
        .bytes("POST", "/api/v1/imports/promeneurs", "text/csv", Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["code"].is_string(), "{}", r.body);
    check_body(&spec, "post", path, &r);
    // A query value of the wrong type: 422, the error JSON, nothing written.
    let ok = "nom;type;siret;commune;code_insee\nMJC de Vichy;MJC;73282932000074;Vichy;\n";
    let r = coord
        .bytes(
            "POST",
            "/api/v1/imports/structures?dry_run=peut-etre",
            "text/csv",
            ok.into(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.json()["error"]["fields"]["dry_run"],
        "Valeur invalide dans l'adresse."
    );
    check_body(&spec, "post", path, &r);
    assert_eq!(coord.get("/api/v1/structures").await.json()["total"], 0);
}

#[tokio::test]
async fn malformed_query_values_and_ids_answer_what_is_declared() {
    let app = spawn_app().await;
    let spec = description(&app).await;
    let mut admin = app.logged_in(ADMIN).await;
    for (url, path, status) in [
        (
            "/api/v1/users?limit=abc",
            "/api/v1/users",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/audit?offset=1.5",
            "/api/v1/audit",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/public/promeneurs?limit=%00",
            "/api/v1/public/promeneurs",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let r = admin.get(url).await;
        assert_eq!(r.status, status, "{url}: {}", r.body);
        assert_eq!(r.error_code(), "invalid_fields", "{url}: {}", r.body);
        check_body(&spec, "get", path, &r);
    }
    let r = admin
        .json("DELETE", "/api/v1/tokens/pas-un-uuid", &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    check_body(&spec, "delete", "/api/v1/tokens/{id}", &r);
}

/// A value for a path parameter from its schema: a fresh UUID, the first
/// of an enumeration, or a code that names nothing.
fn sample(spec: &Value, p: &Value) -> String {
    let mut s = p["schema"].clone();
    if let Some(r) = s["$ref"].as_str() {
        s = spec["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].clone();
    }
    if let Some(first) = s["enum"][0].as_str() {
        return first.to_owned();
    }
    if s["format"] == "uuid" {
        return uuid::Uuid::new_v4().to_string();
    }
    "zz".to_owned()
}

#[tokio::test]
async fn reads_with_generated_ids_answer_what_they_declare() {
    let app = spawn_app().await;
    let spec = description(&app).await;
    let mut callers = [
        app.logged_in(ADMIN).await,
        app.logged_in(AGENT03).await,
        app.client(),
    ];
    let mut called = 0;
    for (m, path, op) in operations(&spec) {
        if m != "get" || path.ends_with("/openapi.json") {
            continue;
        }
        let mut url = path.clone();
        for p in params_in(&op, "path") {
            let name = p["name"].as_str().unwrap_or("");
            url = url.replace(&format!("{{{name}}}"), &sample(&spec, &p));
        }
        for c in &mut callers {
            let r = c.get(&url).await;
            assert!(
                r.status != StatusCode::INTERNAL_SERVER_ERROR,
                "{url}: {}",
                r.body
            );
            check_body(&spec, "get", &path, &r);
            called += 1;
        }
    }
    assert!(called > 100, "{called}");
}
