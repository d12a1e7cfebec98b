//! Demo data for `serve --demo`: one account per role, the contacts of the
//! two CAFs of the 2024 call. Loaded once per database.

use domain::{AdminCap, DepartmentCode, Email, Grant, Role, password::NewPassword};
use jiff::Timestamp;
use store::{Db, audit::Actor, reference::CafSettings, users::NewUser};

pub const PASSWORD: &str = "promeneurs-demo";

/// (e-mail, name, role, départements)
pub const ACCOUNTS: &[(&str, &str, Role, &[&str])] = &[
    (
        "admin@demo.promeneurs.fr",
        "Camille Administratrice",
        Role::Admin,
        &[],
    ),
    (
        "agent03@demo.promeneurs.fr",
        "Agent Caf de l'Allier",
        Role::CafAgent,
        &["03"],
    ),
    (
        "agent63@demo.promeneurs.fr",
        "Agent Caf du Puy-de-Dôme",
        Role::CafAgent,
        &["63"],
    ),
    (
        "coordination@demo.promeneurs.fr",
        "Coordination PDN 03-63",
        Role::Coordinator,
        &["03", "63"],
    ),
    (
        "comite@demo.promeneurs.fr",
        "Membre du comité technique",
        Role::CommitteeMember,
        &[],
    ),
    (
        "formation@demo.promeneurs.fr",
        "Formatrice PDN",
        Role::Trainer,
        &[],
    ),
    (
        "structure@demo.promeneurs.fr",
        "Référent de structure",
        Role::StructureReferent,
        &[],
    ),
    (
        "promeneur@demo.promeneurs.fr",
        "Promeneur de démonstration",
        Role::Promeneur,
        &[],
    ),
];

/// Loads the demo data unless already loaded. Returns whether it did.
pub async fn load(db: &Db) -> anyhow::Result<bool> {
    if store::meta::get(db, "demo_loaded").await?.is_some() {
        return Ok(false);
    }
    let hash = tokio::task::spawn_blocking(|| {
        NewPassword::parse(PASSWORD)
            .expect("demo password is valid")
            .hash()
    })
    .await?;
    let now = Timestamp::now();
    let cap = AdminCap::for_console();
    let actor = Actor::system();
    let mut tx = db.begin().await?;
    // The claim makes a second start (or a concurrent one) skip the rest.
    if !store::meta::claim(&mut tx, "demo_loaded", &now.to_string()).await? {
        return Ok(false);
    }
    for &(email, name, role, deps) in ACCOUNTS {
        // The trainer's grants come with its designation by the module 2
        // provider (`demo_trainings`): scoped to it and its départements.
        let grants = if role == Role::Trainer {
            Vec::new()
        } else if deps.is_empty() {
            vec![Grant::platform(role)]
        } else {
            deps.iter()
                .map(|d| Grant::departmental(role, DepartmentCode::parse(d).expect("demo code")))
                .collect()
        };
        let new = NewUser {
            email: Email::parse(email)?,
            name: name.to_owned(),
            grants,
            password_hash: Some(hash.clone()),
        };
        store::users::create(&mut tx, &cap, &actor, now, new).await?;
    }
    // The contacts published in the 2024 call for applications, with a demo
    // address: a demo (which sends convention reminders) must never e-mail
    // a real person.
    for (code, settings) in [
        (
            "03",
            CafSettings {
                caf_address: Some("Caf de l'Allier — Pôle partenaires\n03000 Moulins".into()),
                contact_name: Some("Alexandra Meritet".into()),
                contact_email: Some("contact-caf03@demo.promeneurs.fr".into()),
                contact_phone: Some("04 70 08 49 38".into()),
                ..Default::default()
            },
        ),
        (
            "63",
            CafSettings {
                caf_address: Some("Caf du Puy-de-Dôme\n63000 Clermont-Ferrand".into()),
                contact_name: Some("Adrien Couette".into()),
                contact_email: Some("contact-caf63@demo.promeneurs.fr".into()),
                contact_phone: Some("04 73 14 67 62".into()),
                ..Default::default()
            },
        ),
    ] {
        let dcap = cap.pilot(&DepartmentCode::parse(code)?);
        store::reference::update_caf_settings(&mut tx, &dcap, &actor, now, &settings).await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub fn print_logins() {
    println!("Données de démonstration chargées. Comptes (mot de passe « {PASSWORD} ») :");
    for (email, _, role, deps) in ACCOUNTS {
        let scope = if deps.is_empty() {
            String::new()
        } else {
            format!(" ({})", deps.join(", "))
        };
        println!("  {email:<36} {}{scope}", role.label());
    }
}
