//! Demo network for `serve --demo`: structures across the communes of 03
//! and 63, about 40 promeneurs in the Allier and 65 in the Puy-de-Dôme with
//! fictitious names, conventions (some to renew), and the demo referent and
//! promeneur accounts linked to them. Made through the spreadsheet import,
//! so the demo also exercises it.

use anyhow::Context;
use domain::{AdminCap, Grant, Principal, Role};
use jiff::{Timestamp, ToSpan, civil::Date};
use services::{
    imports::{self as import, Kind},
    network::input::CommuneIndex,
};
use store::{Db, audit::Actor};

const COMMUNES_03: &[&str] = &[
    "Vichy",
    "Moulins",
    "Montluçon",
    "Cusset",
    "Yzeure",
    "Commentry",
    "Saint-Pourçain-sur-Sioule",
    "Gannat",
    "Lapalisse",
    "Dompierre-sur-Besbre",
    "Domérat",
    "Bellerive-sur-Allier",
    "Varennes-sur-Allier",
    "Bourbon-l'Archambault",
    "Néris-les-Bains",
    "Désertines",
];

const COMMUNES_63: &[&str] = &[
    "Clermont-Ferrand",
    "Riom",
    "Thiers",
    "Issoire",
    "Cournon-d'Auvergne",
    "Chamalières",
    "Ambert",
    "Aubière",
    "Beaumont",
    "Pont-du-Château",
    "Gerzat",
    "Lempdes",
    "Billom",
    "Lezoux",
    "Saint-Éloy-les-Mines",
    "Châtel-Guyon",
    "Volvic",
    "Courpière",
    "Maringues",
    "Aigueperse",
    "La Bourboule",
    "Brassac-les-Mines",
    "Clermont-Ferrand",
    "Clermont-Ferrand",
    "Riom",
    "Thiers",
];

const KINDS: &[(&str, &str)] = &[
    ("centre social", "Centre social {}"),
    ("MJC", "MJC {}"),
    ("mission locale", "Mission locale {}"),
    ("PIJ / BIJ", "Point information jeunesse {}"),
    ("collectivité", "Ville {} — service jeunesse"),
    ("association", "Association Jeunesse et loisirs {}"),
    ("établissement scolaire", "Lycée professionnel {}"),
];

const FIRST: &[&str] = &[
    "Léa", "Hugo", "Camille", "Nadia", "Julien", "Sarah", "Mehdi", "Chloé", "Thomas", "Inès",
    "Lucas", "Manon", "Yanis", "Emma", "Karim", "Pauline", "Antoine", "Aïcha", "Maxime", "Océane",
    "Romain", "Jade", "Samir", "Laura", "Quentin", "Fatou", "Benoît", "Élodie", "Nicolas", "Zoé",
    "Rachid", "Marion", "Kevin", "Lina", "Florian", "Amandine", "Théo", "Sonia", "Adrien",
    "Mélanie",
];

const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Roux",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupuis",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
];

/// Job titles, feminine and masculine: a person's title agrees with the
/// first name.
const JOBS: &[(&str, &str)] = &[
    ("Animatrice jeunesse", "Animateur jeunesse"),
    ("Informatrice jeunesse", "Informateur jeunesse"),
    ("Conseillère en insertion", "Conseiller en insertion"),
    ("Éducatrice spécialisée", "Éducateur spécialisé"),
    ("Coordinatrice jeunesse", "Coordinateur jeunesse"),
    ("Animatrice socioculturelle", "Animateur socioculturel"),
    ("Conseillère mission locale", "Conseiller mission locale"),
    ("Assistante d'éducation", "Assistant d'éducation"),
];

/// The first names of `FIRST` taken as feminine (Camille too).
const FEMININE: &[&str] = &[
    "Léa", "Camille", "Nadia", "Sarah", "Chloé", "Inès", "Manon", "Emma", "Pauline", "Aïcha",
    "Océane", "Jade", "Laura", "Fatou", "Élodie", "Zoé", "Marion", "Lina", "Amandine", "Sonia",
    "Mélanie",
];

/// The job title of `first`, the `n`th of the list.
fn job(first: &str, n: usize) -> &'static str {
    let (feminine, masculine) = JOBS[n % JOBS.len()];
    if FEMININE.contains(&first) {
        feminine
    } else {
        masculine
    }
}

const NETWORKS: &[&str] = &[
    "instagram",
    "snapchat",
    "tiktok",
    "discord",
    "facebook",
    "youtube",
    "twitch",
    "whatsapp",
];
const THEMES: &[&str] = &[
    "orientation",
    "emploi",
    "sante",
    "sexualite",
    "harcelement",
    "numerique",
    "logement",
    "droits",
    "loisirs",
    "citoyennete",
    "mobilite",
    "famille",
    "addictions",
];
const DAYS: &[&str] = &["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];

/// A small deterministic generator (the demo is the same at every start).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % (n as u64)).unwrap_or(0)
    }
}

/// A valid SIRET (Luhn) from a serial number; fictitious.
fn siret(serial: u64) -> String {
    let base = format!("8{:08}0001", serial * 7919 % 100_000_000);
    for check in 0..10 {
        let candidate = format!("{base}{check}");
        if domain::Siret::parse(&candidate).is_ok() {
            return candidate;
        }
    }
    unreachable!("one check digit makes a valid Luhn number")
}

fn handle(first: &str, last: &str, commune: &str) -> String {
    let key = |s: &str| domain::text::search_key(s).replace(' ', "");
    let mut h = format!("pdn.{}.{}", key(first), key(commune));
    h.truncate(24);
    let h = h.trim_end_matches('.').to_owned();
    let _ = last;
    h
}

fn csv_line(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(";")
}

struct DemoStructure {
    name: String,
    siret: String,
    commune: String,
}

fn structures(dep_communes: &[&str], serial: &mut u64) -> Vec<DemoStructure> {
    dep_communes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            *serial += 1;
            let (_, pattern) = KINDS[i % KINDS.len()];
            DemoStructure {
                name: pattern.replace("{}", &domain::text::of_place(c)),
                siret: siret(*serial),
                commune: (*c).to_owned(),
            }
        })
        .fold(Vec::new(), |mut acc, s| {
            // The same commune twice gets another kind of structure.
            if acc.iter().any(|x: &DemoStructure| x.name == s.name) {
                let (_, pattern) = KINDS[(acc.len() + 3) % KINDS.len()];
                acc.push(DemoStructure {
                    name: pattern.replace("{}", &domain::text::of_place(&s.commune)),
                    ..s
                });
            } else {
                acc.push(s);
            }
            acc
        })
}

fn promeneur_rows(
    out: &mut Vec<String>,
    rng: &mut Lcg,
    structures: &[DemoStructure],
    count: usize,
    offset: usize,
    today: Date,
) {
    for i in 0..count {
        let s = &structures[i % structures.len()];
        let first = FIRST[(i + offset) % FIRST.len()];
        let last = LAST[(i * 7 + offset) % LAST.len()];
        let email = format!(
            "{}.{}@structure.example.org",
            domain::text::search_key(first).replace(' ', "-"),
            domain::text::search_key(last).replace(' ', "-")
        );
        let mut nets = Vec::new();
        for k in 0..=rng.next(3) {
            let platform = NETWORKS[(i + k * 3 + rng.next(2)) % NETWORKS.len()];
            if nets.iter().any(|n: &String| n.starts_with(platform)) {
                continue;
            }
            let h = match platform {
                "whatsapp" => format!("336{:08}", 10_000_000 + i * 37),
                "discord" => handle(first, last, &s.commune).replace('.', "_"),
                "snapchat" => handle(first, last, &s.commune)
                    .replace('.', "-")
                    .chars()
                    .take(15)
                    .collect::<String>()
                    .trim_end_matches('-')
                    .to_owned(),
                "twitch" | "facebook" => handle(first, last, &s.commune).replace('.', ""),
                _ => handle(first, last, &s.commune),
            };
            nets.push(format!("{platform}:{h}"));
        }
        let mut themes = Vec::new();
        for _ in 0..(2 + rng.next(3)) {
            let t = THEMES[rng.next(THEMES.len())];
            if !themes.contains(&t) {
                themes.push(t);
            }
        }
        let mut slots = Vec::new();
        let mut used_days = Vec::new();
        for _ in 0..=rng.next(3) {
            let day = DAYS[rng.next(DAYS.len())];
            if used_days.contains(&day) {
                continue;
            }
            used_days.push(day);
            let start = 14 + rng.next(5);
            slots.push(format!("{day} {start}h-{}h", start + 2));
        }
        // Most are active and public; a few are on their way in or out.
        let (status, trained, consent) = match i % 10 {
            7 => ("en formation", false, true),
            8 if i % 20 == 8 => ("candidat", false, false),
            9 if i % 30 == 9 => ("suspendu", true, true),
            _ => ("actif", true, i % 17 != 5),
        };
        let start = today.saturating_sub(i64::try_from(30 + rng.next(700)).unwrap_or(30).days());
        let fr = |d: Date| d.strftime("%d/%m/%Y").to_string();
        out.push(csv_line(&[
            first.into(),
            last.into(),
            email,
            format!(
                "04 7{} {:02} {:02} {:02}",
                3 + i % 2,
                10 + i % 80,
                i % 100,
                (i * 7) % 100
            ),
            s.siret.clone(),
            job(first, i + offset).into(),
            s.commune.clone(),
            nets.join(", "),
            themes.join(", "),
            slots.join(", "),
            format!("{}", 2 + rng.next(8)),
            fr(start),
            String::new(),
            fr(start.saturating_add(10.days())),
            if trained {
                fr(start.saturating_add(40.days()).min(today))
            } else {
                String::new()
            },
            status.into(),
            if consent { "oui" } else { "non" }.into(),
            "Tu peux m'écrire pour parler orientation, projets, ou simplement poser une question."
                .into(),
        ]));
    }
}

/// Loads the demo network once (after the demo accounts).
pub async fn load(db: &Db) -> anyhow::Result<bool> {
    if store::meta::get(db, "demo_network_loaded").await?.is_some() {
        return Ok(false);
    }
    let now = Timestamp::now();
    let today = domain::clock::in_paris(now).date();
    let console = Principal {
        read_only: std::collections::BTreeSet::new(),
        user_id: uuid::Uuid::nil(),
        email: "console".into(),
        name: "Démonstration".into(),
        grants: vec![Grant::platform(Role::Admin)],
    };
    let actor = Actor::system();
    let communes = CommuneIndex::new(store::reference::all_communes(db).await?);
    let mut serial = 0;
    let s03 = structures(COMMUNES_03, &mut serial);
    let s63 = structures(COMMUNES_63, &mut serial);
    let mut lines = vec!["nom;type;siret;commune;email".to_owned()];
    for (i, s) in s03.iter().chain(&s63).enumerate() {
        let (kind, _) = KINDS
            .iter()
            .find(|(_, p)| s.name.starts_with(p.split("{}").next().unwrap_or("")))
            .copied()
            .unwrap_or(KINDS[i % KINDS.len()]);
        lines.push(csv_line(&[
            s.name.clone(),
            kind.into(),
            s.siret.clone(),
            s.commune.clone(),
            format!("contact{}@structure.example.org", i + 1),
        ]));
    }
    run(
        db,
        &console,
        &actor,
        &communes,
        Kind::Structures,
        &lines.join("\n"),
        now,
        today,
    )
    .await?;

    let mut rng = Lcg(2024);
    let mut rows = vec![
        "prenom;nom;email;telephone;structure;fonction;commune;reseaux;themes;presences;heures_par_semaine;debut_mandat;fin_mandat;charte_signee_le;formation_initiale_le;statut;consentement_public;presentation".to_owned(),
    ];
    promeneur_rows(&mut rows, &mut rng, &s03, 40, 0, today);
    promeneur_rows(&mut rows, &mut rng, &s63, 65, 11, today);
    run(
        db,
        &console,
        &actor,
        &communes,
        Kind::Promeneurs,
        &rows.join("\n"),
        now,
        today,
    )
    .await?;

    let mut tx = db.begin().await?;
    if !store::meta::claim(&mut tx, "demo_network_loaded", &now.to_string()).await? {
        return Ok(false);
    }
    // Conventions: every structure has one; a few end within 90 days.
    let admin = AdminCap::for_console();
    for (i, s) in s03.iter().chain(&s63).enumerate() {
        let found = store::structures::find_by_siret(db, &domain::Siret::parse(&s.siret)?)
            .await?
            .context("demo structure")?;
        let cap = admin.pilot(&found.department);
        let n = i64::try_from(i).unwrap_or(0);
        let ends = if i % 6 == 0 {
            today.saturating_add((20 + n % 60).days())
        } else {
            today.saturating_add((200 + n * 11).days())
        };
        store::conventions::create(
            &mut tx,
            &cap,
            &actor,
            now,
            &store::conventions::ConventionInput {
                structure_id: found.id,
                starts_on: ends.saturating_sub(3.years()),
                ends_on: ends,
                signed_on: Some(ends.saturating_sub(3.years()).saturating_sub(15.days())),
                document_id: None,
            },
        )
        .await?;
        if i == 0 {
            // The demo referent runs the first structure of the Allier.
            if let Some(u) = store::users::find_by_email(db, "structure@demo.promeneurs.fr").await?
            {
                store::users::add_grant(
                    &mut tx,
                    &admin,
                    &actor,
                    now,
                    u,
                    &Grant {
                        role: Role::StructureReferent,
                        department: None,
                        structure_id: Some(found.id),
                        call_id: None,
                    },
                )
                .await?;
            }
        }
    }
    // The demo promeneur account is the first promeneur of the Allier.
    let first = format!(
        "{}.{}@structure.example.org",
        domain::text::search_key(FIRST[0]),
        domain::text::search_key(LAST[0])
    );
    if let (Some(p), Some(u)) = (
        store::promeneurs::find_by_email(db, &domain::Email::parse(&first)?).await?,
        store::users::find_by_email(db, "promeneur@demo.promeneurs.fr").await?,
    ) {
        store::promeneurs::link_user(&mut tx, p.id, u).await?;
    }
    tx.commit().await?;
    Ok(true)
}

#[allow(clippy::too_many_arguments)]
async fn run(
    db: &Db,
    console: &Principal,
    actor: &Actor,
    communes: &CommuneIndex,
    kind: Kind,
    csv: &str,
    now: Timestamp,
    today: Date,
) -> anyhow::Result<()> {
    let plan = import::plan(
        db,
        console,
        communes,
        kind,
        csv.as_bytes(),
        // The demo's own CSV: read in process.
        &services::sandbox::SandboxConfig::default(),
    )
    .await
    .map_err(|e| anyhow::anyhow!(e.0))?;
    if !plan.is_valid() {
        let first: Vec<String> = plan
            .errors
            .iter()
            .take(5)
            .map(|e| format!("ligne {} {} : {}", e.line, e.column, e.message))
            .collect();
        anyhow::bail!("demo {}: {}", kind.as_str(), first.join(" ; "));
    }
    import::apply(db, console, actor, now, today, &plan, None, &|_| {}).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_agree_with_the_first_name_and_de_elides() {
        assert_eq!(job("Antoine", 4), "Coordinateur jeunesse");
        assert_eq!(job("Léa", 4), "Coordinatrice jeunesse");
        assert_eq!(domain::text::of_place("Aigueperse"), "d'Aigueperse");
        assert_eq!(domain::text::of_place("Éloy"), "d'Éloy");
        assert_eq!(domain::text::of_place("Vichy"), "de Vichy");
    }
}
