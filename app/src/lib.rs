//! The `promeneurs` program: configuration, start-up (migrations, reference
//! data, demo data), the HTTP server and the outbox worker. Business rules
//! live in the domain crate, not here.

pub mod config;
pub mod demo;
pub mod demo_calls;
pub mod demo_network;
pub mod demo_trainings;
pub mod mailer;
pub mod sandbox;
pub mod worker;

use std::{future::IntoFuture, net::SocketAddr, sync::Arc};

use anyhow::Context;
use domain::{Clock, SystemClock};
use store::Db;
use tokio::sync::watch;

pub use config::Settings;

/// Connects, migrates and loads the reference data.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let url = settings.database_url();
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("connexion à la base {url}"))?;
    let applied = db.migrate().await.context("migrations")?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    if store::reference::load(&db)
        .await
        .context("données de référence")?
    {
        tracing::info!("reference data loaded");
    }
    Ok(db)
}

/// Makes an API token for an account; returns the secret (shown once, only
/// its digest is kept).
pub async fn new_api_token(db: &Db, email: &str, label: &str) -> anyhow::Result<String> {
    let email = domain::Email::parse(email).context("adresse e-mail invalide")?;
    let creds = store::users::credentials(db, &email)
        .await?
        .context("aucun compte avec cette adresse")?;
    let secret = format!("pdn_{}", services::accounts::new_secret());
    let prefix: String = secret.chars().take(10).collect();
    let mut tx = db.begin().await?;
    store::tokens::create_api_token(
        &mut tx,
        &domain::AdminCap::for_console(),
        &store::audit::Actor::console(),
        jiff::Timestamp::now(),
        creds.id,
        label,
        &services::accounts::digest(&secret),
        &prefix,
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// How long requests in flight may still run after SIGINT/SIGTERM.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs the server (and, unless disabled, a worker) until SIGINT/SIGTERM;
/// requests in flight finish before it returns (within [`SHUTDOWN_GRACE`]).
pub async fn serve(
    settings: Settings,
    bind: SocketAddr,
    demo: bool,
    with_worker: bool,
) -> anyhow::Result<()> {
    let db = open_database(&settings).await?;
    if demo {
        demo::load(&db).await?;
        demo_network::load(&db).await?;
        demo_calls::load(
            &db,
            &store::blobs::BlobStore::new(settings.services().files_dir),
        )
        .await?;
        demo_trainings::load(&db).await?;
        demo::print_logins();
    }
    // Uploads cut short by a crash leave a temporary file, never a record:
    // remove them, and stored files no record points to any more.
    let blobs = store::blobs::BlobStore::new(settings.services().files_dir);
    let (partial, orphans) = blobs.clean(&db, std::time::Duration::from_hours(1)).await?;
    if partial + orphans > 0 {
        tracing::info!(partial, orphans, "file storage cleaned");
    }
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let state = web::AppState::new(db.clone(), settings.web_config(), clock.clone());
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = with_worker.then(|| {
        let w = worker::Worker::new(
            db.clone(),
            mailer::Mailer::from_settings(&settings),
            clock.clone(),
        )
        .with_services(state.ctx.clone());
        let notify = state.jobs_queued.clone();
        tokio::spawn(w.run(notify, stop_rx.clone()))
    });
    let app = web::router(state);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("écoute sur {bind}"))?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, "listening");
    println!("Promeneurs écoute sur http://{local}");
    let (signalled, on_signal) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = signalled.send(());
    });
    // Requests in flight get SHUTDOWN_GRACE to finish, not more: the rest
    // are dropped with the runtime (their sandbox children killed).
    let grace = async {
        if on_signal.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = server.into_future() => result?,
        () = grace => tracing::warn!("requests still running after the shutdown grace: dropped"),
    }
    tracing::info!("shutting down");
    let _ = stop_tx.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    db.close().await;
    Ok(())
}

/// `promeneurs import`: checks a file, prints every error by row, and
/// imports it when valid (unless `dry_run`). Returns the exit code: 0 when
/// the file is valid, 1 when it has errors.
pub async fn import_file(
    db: &Db,
    kind: &str,
    path: &std::path::Path,
    dry_run: bool,
) -> anyhow::Result<i32> {
    import_file_with(
        db,
        kind,
        path,
        dry_run,
        &services::sandbox::SandboxConfig::default(),
    )
    .await
}

/// [`import_file`], the file read by the sandbox child `sandbox` (the
/// command line passes this binary).
pub async fn import_file_with(
    db: &Db,
    kind: &str,
    path: &std::path::Path,
    dry_run: bool,
    sandbox: &services::sandbox::SandboxConfig,
) -> anyhow::Result<i32> {
    use services::imports::{self as import, Kind};
    let kind = Kind::parse(kind)
        .with_context(|| format!("type inconnu « {kind} » : structures ou promeneurs"))?;
    let bytes = std::fs::read(path).with_context(|| format!("lecture de {}", path.display()))?;
    let console = domain::Principal {
        read_only: std::collections::BTreeSet::new(),
        user_id: uuid::Uuid::nil(),
        email: "console".into(),
        name: "console".into(),
        grants: vec![domain::Grant::platform(domain::Role::Admin)],
    };
    let communes =
        services::network::input::CommuneIndex::new(store::reference::all_communes(db).await?);
    let plan = import::plan(db, &console, &communes, kind, &bytes, sandbox)
        .await
        .map_err(|e| anyhow::anyhow!(e.0))?;
    if !plan.is_valid() {
        eprintln!("{} erreur(s), rien n'est enregistré :", plan.errors.len());
        for e in &plan.errors {
            eprintln!("  ligne {}, colonne {} : {}", e.line, e.column, e.message);
        }
        return Ok(1);
    }
    if dry_run {
        println!(
            "Fichier valide : {} à créer, {} à mettre à jour (rien n'est enregistré : --dry-run).",
            plan.creates(),
            plan.updates()
        );
        return Ok(0);
    }
    let now = jiff::Timestamp::now();
    let total = plan.rows.len();
    let progress = move |done: usize| {
        if total >= 2000 && (done.is_multiple_of(1000) || done == total) {
            eprintln!("{done} / {total}");
        }
    };
    let summary = import::apply(
        db,
        &console,
        &store::audit::Actor::console(),
        now,
        domain::clock::in_paris(now).date(),
        &plan,
        None,
        &progress,
    )
    .await?
    .unwrap_or_default();
    println!(
        "Import terminé : {} créé(s), {} mis à jour.",
        summary.created, summary.updated
    );
    Ok(0)
}

/// Runs a worker alone until SIGINT/SIGTERM.
pub async fn work(settings: Settings) -> anyhow::Result<()> {
    let db = open_database(&settings).await?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let w = worker::Worker::new(
        db.clone(),
        mailer::Mailer::from_settings(&settings),
        clock.clone(),
    )
    .with_services(services::Ctx::with_settings(
        db.clone(),
        clock,
        settings.services(),
    ));
    let handle = tokio::spawn(w.run(Arc::new(tokio::sync::Notify::new()), stop_rx));
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    let _ = handle.await;
    db.close().await;
    Ok(())
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
