//! Benchmark of the letters: 100 result letters and their conventions with
//! one engine, against baselines measured in the same run. Run it with
//! `bash bench/letters/run.sh`, or:
//!
//! ```sh
//! cargo run --release -p promeneurs-documents --example letters_bench -- [--letters N] [--out DIR]
//! ```
//!
//! `--out DIR` also writes one letter of each outcome and a convention there.

use std::time::{Duration, Instant};

use promeneurs_documents::letters::{
    CafParty, ConventionData, ConventionModule, LetterData, LetterEngine, LetterOutcome, Party,
    Signatory, UnsuccessfulReason,
};
use promeneurs_documents::receipt::{Receipt, ReceiptDocument, receipt_pdf};

fn caf(code: &str) -> CafParty {
    let (name, short, city, postal) = if code == "03" {
        ("de l’Allier", "Caf de l’Allier", "Moulins", "03000")
    } else {
        (
            "du Puy-de-Dôme",
            "Caf du Puy-de-Dôme",
            "Clermont-Ferrand",
            "63000",
        )
    };
    CafParty {
        department_code: code.into(),
        name: format!("Caisse d’allocations familiales {name}"),
        short_name: short.into(),
        address: vec!["1 rue de l’Exemple".into(), format!("{postal} {city}")],
        city: city.into(),
        signatory: Signatory {
            name: format!("Madame la Directrice {code}"),
            title: "Directrice".into(),
        },
        contact: Some(format!("Service partenaires — 04 00 00 00 {code}")),
    }
}

fn structure(i: usize) -> Party {
    Party {
        name: format!("Centre social n°\u{a0}{i} «\u{202f}Les Tilleuls\u{202f}»"),
        address: vec![format!("{i} avenue des Tilleuls"), "03100 Montluçon".into()],
        city: "Montluçon".into(),
        representative: Some(Signatory {
            name: format!("Madame Présidente {i}"),
            title: "Présidente".into(),
        }),
    }
}

fn letter(i: usize) -> LetterData {
    let outcome = [
        LetterOutcome::Retained,
        LetterOutcome::NotRetained,
        LetterOutcome::ModuleUnsuccessful,
    ][i % 3];
    LetterData {
        caf: vec![caf("03"), caf("63")],
        applicant: structure(i),
        call_title: "Appel à candidatures Promeneurs du Net 2024".into(),
        module_code: "1".into(),
        module_title: "Coordination du réseau des Promeneurs du Net".into(),
        departments: vec!["l’Allier".into(), "le Puy-de-Dôme".into()],
        applied_departments: vec!["l’Allier".into(), "le Puy-de-Dôme".into()],
        not_retained_in: Vec::new(),
        convention_title: (outcome == LetterOutcome::Retained).then(|| {
            "Coordinateur du réseau des Promeneurs du Net de l’Allier et du Puy-de-Dôme sur le \
             module 1"
                .into()
        }),
        outcome,
        motivation: (outcome != LetterOutcome::Retained).then(|| {
            "Le projet ne précise pas les moyens humains consacrés à la coordination.\n\n\
             L’articulation avec les partenaires reste à construire."
                .into()
        }),
        unsuccessful_reason: (outcome == LetterOutcome::ModuleUnsuccessful)
            .then_some(UnsuccessfulReason::TooFewApplications),
        date: "15 avril 2024".into(),
        reference: format!("AAP-2024-M1-{i:04}"),
        salutation: None,
        service_starts_on: Some("1er juin 2024".into()),
        service_ends_on: Some("31 décembre 2026".into()),
        handover_months: Some(1),
    }
}

fn convention(i: usize) -> ConventionData {
    ConventionData {
        reference: format!("CONV-2024-M1-{i:04}"),
        title: "Coordinateur du réseau des Promeneurs du Net de l’Allier et du Puy-de-Dôme sur \
                le module 1"
            .into(),
        call_title: "Appel à candidatures Promeneurs du Net 2024".into(),
        structure: structure(i),
        caf: vec![caf("03"), caf("63")],
        modules: vec![ConventionModule {
            code: "1".into(),
            title: "Coordination du réseau des Promeneurs du Net".into(),
            service_starts_on: "1er juin 2024".into(),
            service_ends_on: "31 décembre 2026".into(),
            departments: vec!["l’Allier".into(), "le Puy-de-Dôme".into()],
            handover_months: Some(1),
        }],
        obligations: vec![
            "accompagner la mise en œuvre des Promeneurs du Net, en lien avec l’ensemble des \
             partenaires institutionnels et des acteurs jeunesse des départements\u{202f};"
                .into(),
            "assurer la gestion, le suivi et la coordination du projet\u{202f};".into(),
            "participer aux comités de pilotage et aux comités techniques du dispositif.".into(),
        ],
        signed_on: None,
    }
}

fn receipt(i: usize) -> Receipt {
    Receipt {
        number: format!("AAP-2024-M1-{i:04}"),
        call_title: "Appel à candidatures Promeneurs du Net 2024".into(),
        module: "Module 1 — Coordination du réseau des Promeneurs du Net".into(),
        structure: format!("Centre social n°\u{a0}{i}"),
        departments: "Allier (03) et Puy-de-Dôme (63)".into(),
        submitted_at: "dimanche 17 mars 2024 à 23 h 58 min 12 s".into(),
        submitted_by: "Agnès Dupré".into(),
        documents: (0..5)
            .map(|d| ReceiptDocument {
                kind: format!("Pièce n°\u{a0}{}", d + 1),
                filename: format!("piece-{d}.pdf"),
                size: 1_234_567,
                sha256: "ab".repeat(32),
            })
            .collect(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut letters = 100;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--letters" => {
                letters = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--letters N");
            }
            "--out" => out = Some(args.next().expect("--out DIR")),
            _ => panic!("unknown argument {arg}; expected --letters N or --out DIR"),
        }
    }

    // Baseline 1: the receipts, written without a typesetting engine.
    let start = Instant::now();
    let receipt_bytes: usize = (0..letters).map(|i| receipt_pdf(&receipt(i)).len()).sum();
    let receipts = start.elapsed();

    // Baseline 2: the first letter, with the fonts loaded and Typst cold.
    let start = Instant::now();
    let engine = LetterEngine::new();
    let fonts = start.elapsed();
    engine.result_letter(&letter(0)).expect("the first letter");
    let first = start.elapsed();

    // The measure: N letters and N conventions with the same engine.
    let start = Instant::now();
    let mut letter_bytes = 0;
    for i in 0..letters {
        letter_bytes += engine.result_letter(&letter(i)).expect("a letter").len();
    }
    let letters_time = start.elapsed();
    let start = Instant::now();
    let mut convention_bytes = 0;
    for i in 0..letters {
        convention_bytes += engine
            .convention(&convention(i))
            .expect("a convention")
            .len();
    }
    let conventions_time = start.elapsed();
    let total = letters_time + conventions_time;

    // The same work on 2 threads sharing the engine.
    let start = Instant::now();
    std::thread::scope(|scope| {
        for half in 0..2 {
            let engine = &engine;
            scope.spawn(move || {
                for i in (half..letters).step_by(2) {
                    engine.result_letter(&letter(i)).expect("a letter");
                    engine.convention(&convention(i)).expect("a convention");
                }
            });
        }
    });
    let two_threads = start.elapsed();

    let per_letter = letters_time / u32::try_from(letters).expect("a small count");
    let per_convention = conventions_time / u32::try_from(letters).expect("a small count");
    let per_receipt = receipts / u32::try_from(letters).expect("a small count");
    let kib = |bytes: usize| bytes / letters / 1024;
    println!("letters: {letters}");
    println!(
        "receipts (baseline, no engine)    {:>10}  {:>9}/doc  {} KiB/doc",
        ms(receipts),
        ms(per_receipt),
        kib(receipt_bytes)
    );
    println!("engine: fonts loaded              {:>10}", ms(fonts));
    println!("first letter (fonts + cold Typst) {:>10}", ms(first));
    println!(
        "{letters} result letters              {:>10}  {:>9}/doc  {} KiB/doc",
        ms(letters_time),
        ms(per_letter),
        kib(letter_bytes)
    );
    println!(
        "{letters} conventions                 {:>10}  {:>9}/doc  {} KiB/doc",
        ms(conventions_time),
        ms(per_convention),
        kib(convention_bytes)
    );
    println!("letters + conventions             {:>10}", ms(total));
    println!("letters + conventions, 2 threads  {:>10}", ms(two_threads));
    println!(
        "ratio letter / receipt            {:>10.0}",
        per_letter.as_secs_f64() / per_receipt.as_secs_f64()
    );
    println!(
        "ratio letter / first letter       {:>10.2}",
        per_letter.as_secs_f64() / first.as_secs_f64()
    );
    let verdict = if letters_time < Duration::from_secs(5) {
        "PASS"
    } else {
        "FAIL"
    };
    println!("target: {letters} letters under 5 s: {verdict}");

    if let Some(dir) = out {
        std::fs::create_dir_all(&dir).expect("the output directory");
        for (i, name) in [(0, "retained"), (1, "not-retained"), (2, "unsuccessful")] {
            let pdf = engine.result_letter(&letter(i)).expect("a letter");
            std::fs::write(format!("{dir}/letter-{name}.pdf"), pdf).expect("written");
        }
        let pdf = engine.convention(&convention(0)).expect("a convention");
        std::fs::write(format!("{dir}/convention.pdf"), pdf).expect("written");
        println!("samples written to {dir}");
    }
}
