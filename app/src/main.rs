//! `promeneurs`: the command line of API.md ("Command line").

use std::{io::Read, net::SocketAddr};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use domain::{AdminCap, DepartmentCode, Email, Grant, Role, password::NewPassword};
use promeneurs::{Settings, open_database};
use store::{audit::Actor, users::NewUser};

#[derive(Parser)]
#[command(name = "promeneurs", version, about = "Plateforme Promeneurs du Net")]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the web server (and a worker).
    Serve {
        #[arg(long, env = "PROMENEURS_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Loads demo accounts (once) and prints their logins.
        #[arg(long)]
        demo: bool,
        /// Do not run a worker inside the server.
        #[arg(long)]
        no_worker: bool,
    },
    /// Runs a worker alone (e-mails and other queued jobs).
    Worker,
    /// Applies database migrations and loads reference data.
    Migrate,
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Imports structures or promeneurs from a CSV, XLSX or ODS file.
    /// Nothing is written unless every row is valid.
    Import {
        /// `structures` or `promeneurs`.
        kind: String,
        file: std::path::PathBuf,
        /// Checks the file and writes nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Internal: reads or typesets one untrusted document (input on stdin,
    /// answer on stdout) under memory and CPU limits. Run by the server.
    #[command(hide = true)]
    Sandbox {
        job: String,
        #[arg(long)]
        memory_mb: u64,
        #[arg(long)]
        seconds: u64,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Creates an account.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        #[arg(long = "department")]
        departments: Vec<String>,
        #[arg(long)]
        structure: Option<uuid::Uuid>,
        /// Reads the password from standard input (else the account is
        /// activated through "Mot de passe oublié ?").
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Prints a new API token for the account, and nothing else.
    New {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "ligne de commande")]
        label: String,
    },
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // Colours only on a terminal: logs written to a file or the journal
    // stay plain text (and cost less to format).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The sandbox child starts no runtime and no thread before its limits.
    if let Command::Sandbox {
        job,
        memory_mb,
        seconds,
    } = &cli.command
    {
        std::process::exit(promeneurs::sandbox::run(job, *memory_mb, *seconds));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let done = runtime.block_on(run(cli));
    // Do not wait forever for blocking work still running at the end.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    done
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    init_logs(&cli.settings.log_format);
    let settings = cli.settings;
    match cli.command {
        Command::Serve {
            bind,
            demo,
            no_worker,
        } => promeneurs::serve(settings, bind, demo, !no_worker).await,
        Command::Worker => promeneurs::work(settings).await,
        Command::Migrate => {
            let db = open_database(&settings).await?;
            db.close().await;
            println!("Base de données à jour.");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    departments,
                    structure,
                    password_stdin,
                },
        } => {
            let db = open_database(&settings).await?;
            let email = Email::parse(&email).context("adresse e-mail invalide")?;
            let role = Role::parse(&role)?;
            let mut grants = Vec::new();
            for d in &departments {
                let mut g = Grant::departmental(role, DepartmentCode::parse(d)?);
                g.structure_id = structure;
                grants.push(g);
            }
            if grants.is_empty() {
                if role.is_departmental() {
                    bail!("le rôle {role} demande au moins un --department");
                }
                let mut g = Grant::platform(role);
                g.structure_id = structure;
                grants.push(g);
            }
            let password_hash = if password_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                let p = NewPassword::parse(s.trim_end_matches(['\n', '\r']))?;
                Some(tokio::task::spawn_blocking(move || p.hash()).await?)
            } else {
                None
            };
            let mut tx = db.begin().await?;
            let user = store::users::create(
                &mut tx,
                &AdminCap::for_console(),
                &Actor::console(),
                jiff::Timestamp::now(),
                NewUser {
                    email,
                    name,
                    grants,
                    password_hash,
                },
            )
            .await
            .map_err(|e| match e {
                store::StoreError::Conflict(_) => {
                    anyhow::anyhow!("un compte existe déjà avec cette adresse")
                }
                other => other.into(),
            })?;
            tx.commit().await?;
            db.close().await;
            println!("{}", user.id);
            Ok(())
        }
        Command::Import {
            kind,
            file,
            dry_run,
        } => {
            let db = open_database(&settings).await?;
            let sandbox = settings.sandbox_config();
            let code = promeneurs::import_file_with(&db, &kind, &file, dry_run, &sandbox).await;
            db.close().await;
            std::process::exit(code?);
        }
        Command::Token {
            command: TokenCommand::New { email, label },
        } => {
            let db = open_database(&settings).await?;
            let secret = promeneurs::new_api_token(&db, &email, &label).await?;
            db.close().await;
            println!("{secret}");
            Ok(())
        }
        Command::Sandbox { .. } => unreachable!("handled before the runtime starts"),
    }
}
