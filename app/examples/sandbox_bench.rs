//! Cost of the sandbox child process (`promeneurs sandbox <job>`) against
//! the same work done in process, measured in the same run. Run it with
//! `bash bench/sandbox/run.sh`, or:
//!
//! ```sh
//! cargo build --release -p promeneurs --bin promeneurs --example sandbox_bench
//! target/release/examples/sandbox_bench [ROUNDS]
//! ```
//!
//! The `promeneurs` binary is looked for next to the examples directory.

use std::fmt::Write;
use std::time::{Duration, Instant};

use documents::letters::{CafParty, LetterData, LetterOutcome, Party, Signatory};
use services::sandbox::{self, JOB_TABLE, SandboxConfig};

fn letter(i: usize) -> LetterData {
    let caf = CafParty {
        department_code: "03".into(),
        name: "Caisse d’allocations familiales de l’Allier".into(),
        short_name: "Caf de l’Allier".into(),
        address: vec!["1 rue de l’Exemple".into(), "03000 Moulins".into()],
        city: "Moulins".into(),
        signatory: Signatory {
            name: "Madame la Directrice".into(),
            title: "Directrice".into(),
        },
        contact: None,
    };
    LetterData {
        caf: vec![caf],
        applicant: Party {
            name: format!("Centre social n°\u{a0}{i}"),
            address: vec![format!("{i} avenue des Tilleuls"), "03100 Montluçon".into()],
            city: "Montluçon".into(),
            representative: None,
        },
        call_title: "Appel à candidatures Promeneurs du Net 2024".into(),
        module_code: "1".into(),
        module_title: "Coordination du réseau".into(),
        departments: vec!["l’Allier".into()],
        applied_departments: vec!["l’Allier".into()],
        not_retained_in: Vec::new(),
        convention_title: None,
        outcome: LetterOutcome::NotRetained,
        motivation: Some("Le projet ne précise pas les moyens humains.".into()),
        unsuccessful_reason: None,
        date: "15 avril 2024".into(),
        reference: format!("AAP-2024-M1-{i:04}"),
        salutation: None,
        service_starts_on: Some("1er juin 2024".into()),
        service_ends_on: Some("31 décembre 2026".into()),
        handover_months: Some(1),
    }
}

fn csv(rows: usize) -> Vec<u8> {
    let mut out = String::from("prenom;nom;email;structure;fonction;commune;statut\n");
    for i in 0..rows {
        let _ = writeln!(
            out,
            "Léa;Martin {i};lea{i}@exemple.fr;73282932000074;Animatrice;Vichy;actif"
        );
    }
    out.into_bytes()
}

/// Median of `rounds` runs of `work`.
async fn median<F, Fut>(rounds: usize, mut work: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        work().await;
        times.push(start.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(7);
    let exe = std::env::current_exe().expect("current exe");
    let binary = exe
        .parent()
        .and_then(|examples| examples.parent())
        .map(|dir| dir.join("promeneurs"))
        .expect("target directory");
    assert!(
        binary.exists(),
        "build the promeneurs binary first: {}",
        binary.display()
    );
    let in_process = SandboxConfig::default();
    let child = SandboxConfig {
        binary: Some(binary),
        ..SandboxConfig::default()
    };
    let tiny = b"nom\nx\n".to_vec();
    let import = csv(2000);
    let letters: Vec<serde_json::Value> = (0..20)
        .map(|i| serde_json::to_value(letter(i)).expect("json"))
        .collect();
    let template = documents::letters::RESULT_LETTER_TEMPLATE;
    // Warm the in-process engine (fonts, Typst caches): the server keeps one.
    let one = [(0usize, &letters[0])];
    sandbox::render(&in_process, &[template], &one)
        .await
        .expect("letter");

    println!("| work | in process (baseline) | child process | ratio | child − in process |");
    println!("|---|---:|---:|---:|---:|");
    let line = |name: &str, base: Duration, sandboxed: Duration| {
        println!(
            "| {name} | {} | {} | {:.2} | {} |",
            ms(base),
            ms(sandboxed),
            sandboxed.as_secs_f64() / base.as_secs_f64().max(1e-9),
            ms(sandboxed.saturating_sub(base)),
        );
    };
    let run_table = |config: &SandboxConfig, input: &Vec<u8>| {
        let config = config.clone();
        let input = input.clone();
        async move {
            sandbox::run(&config, JOB_TABLE, input, 1)
                .await
                .expect("table");
        }
    };
    let base = median(rounds, || run_table(&in_process, &tiny)).await;
    let sandboxed = median(rounds, || run_table(&child, &tiny)).await;
    line("spawn: a 2-line CSV", base, sandboxed);
    let base = median(rounds, || run_table(&in_process, &import)).await;
    let sandboxed = median(rounds, || run_table(&child, &import)).await;
    line("import read: CSV of 2 000 rows", base, sandboxed);
    let batch: Vec<(usize, &serde_json::Value)> = letters.iter().map(|l| (0, l)).collect();
    for (name, docs) in [
        ("1 letter (template check)", &one[..]),
        ("20 letters", &batch[..]),
    ] {
        let base = median(rounds, || async {
            sandbox::render(&in_process, &[template], docs)
                .await
                .expect("letters");
        })
        .await;
        let sandboxed = median(rounds, || async {
            sandbox::render(&child, &[template], docs)
                .await
                .expect("letters");
        })
        .await;
        line(name, base, sandboxed);
    }
}
