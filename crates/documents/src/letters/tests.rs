use std::io::Write;
use std::process::{Command, Stdio};

use super::*;

fn caf_03() -> CafParty {
    CafParty {
        department_code: "03".into(),
        name: "Caisse d’allocations familiales de l’Allier".into(),
        short_name: "Caf de l’Allier".into(),
        address: vec!["1 rue de l’Exemple".into(), "03000 Moulins".into()],
        city: "Moulins".into(),
        signatory: Signatory {
            name: "Madame Claire Martin".into(),
            title: "Directrice".into(),
        },
        contact: Some("Service partenaires — 04 00 00 00 03".into()),
    }
}

fn caf_63() -> CafParty {
    CafParty {
        department_code: "63".into(),
        name: "Caisse d’allocations familiales du Puy-de-Dôme".into(),
        short_name: "Caf du Puy-de-Dôme".into(),
        address: vec![
            "2 place de l’Exemple".into(),
            "63000 Clermont-Ferrand".into(),
        ],
        city: "Clermont-Ferrand".into(),
        signatory: Signatory {
            name: "Monsieur Paul Bernard".into(),
            title: "Directeur".into(),
        },
        contact: None,
    }
}

fn applicant() -> Party {
    Party {
        name: "Centre social L’Escale".into(),
        address: vec!["3 avenue des Tilleuls".into(), "03100 Montluçon".into()],
        city: "Montluçon".into(),
        representative: Some(Signatory {
            name: "Madame Agnès Dupré".into(),
            title: "Présidente".into(),
        }),
    }
}

fn letter(outcome: LetterOutcome) -> LetterData {
    LetterData {
        caf: vec![caf_03(), caf_63()],
        applicant: applicant(),
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
        motivation: match outcome {
            LetterOutcome::Retained => None,
            _ => Some(
                "Le projet ne précise pas les moyens humains consacrés à la coordination.\n\n\
                 L’articulation avec les partenaires reste à construire."
                    .into(),
            ),
        },
        unsuccessful_reason: (outcome == LetterOutcome::ModuleUnsuccessful)
            .then_some(UnsuccessfulReason::TooFewApplications),
        date: "15 avril 2024".into(),
        reference: "AAP-2024-M1-0042".into(),
        salutation: Some("Madame la Présidente,".into()),
        service_starts_on: Some("1er juin 2024".into()),
        service_ends_on: Some("31 décembre 2026".into()),
        handover_months: Some(1),
    }
}

fn convention_data(caf: Vec<CafParty>) -> ConventionData {
    ConventionData {
        reference: "CONV-2024-M1-0042".into(),
        title: "Coordinateur du réseau des Promeneurs du Net de l’Allier et du Puy-de-Dôme sur \
                les modules 1 et 2"
            .into(),
        call_title: "Appel à candidatures Promeneurs du Net 2024".into(),
        structure: applicant(),
        caf,
        modules: vec![
            ConventionModule {
                code: "1".into(),
                title: "Coordination du réseau des Promeneurs du Net".into(),
                service_starts_on: "1er juin 2024".into(),
                service_ends_on: "31 décembre 2026".into(),
                departments: vec!["l’Allier".into(), "le Puy-de-Dôme".into()],
                handover_months: Some(1),
            },
            ConventionModule {
                code: "2".into(),
                title: "Formations complémentaires des promeneurs".into(),
                service_starts_on: "1er septembre 2024".into(),
                service_ends_on: "31 décembre 2025".into(),
                departments: vec!["l’Allier".into()],
                handover_months: None,
            },
        ],
        obligations: vec![
            "accompagner la mise en œuvre des Promeneurs du Net, en lien avec l’ensemble des \
             partenaires institutionnels et des acteurs jeunesse des départements\u{202f};"
                .into(),
            "assurer la gestion, le suivi et la coordination du projet\u{202f};".into(),
            "participer aux comités de pilotage et aux comités techniques du dispositif\u{202f};"
                .into(),
            "apporter aux professionnels inscrits dans le réseau des formations approfondissant \
             les thématiques de la démarche."
                .into(),
        ],
        signed_on: None,
    }
}

/// The text of a PDF as `pdftotext` reads it, [`loose`]; `None` without
/// poppler-utils.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(pdf).ok()?;
    let output = child.wait_with_output().ok()?;
    assert!(output.status.success(), "pdftotext failed");
    let text = String::from_utf8(output.stdout).expect("pdftotext writes UTF-8");
    Some(loose(&text))
}

/// `text` without white space nor hyphens: lines broken at the hyphen of
/// "Puy-de-Dôme" or hyphenated words read back whole. (The spaces are not
/// glyphs in a PDF, so their kind, narrow or not, cannot be read back.)
fn loose(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}'))
        .collect()
}

/// Whether the PDF's text holds `expected`, as [`loose`] as the text.
fn has(text: &str, expected: &str) -> bool {
    text.contains(&loose(expected))
}

fn skipped() {
    eprintln!("pdftotext is not installed (poppler-utils): the text is not checked");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A PDF, with every font it uses embedded.
fn assert_pdf(pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(contains(pdf, b"/FontFile"), "fonts are not embedded");
}

#[test]
fn each_outcome_gives_a_letter_to_the_applicant() {
    let expected = [
        (LetterOutcome::Retained, "votre candidature est retenue"),
        (LetterOutcome::NotRetained, "n’a pas été retenue"),
        (LetterOutcome::ModuleUnsuccessful, "est déclaré infructueux"),
    ];
    for (outcome, sentence) in expected {
        let pdf = result_letter(&letter(outcome)).unwrap();
        assert_pdf(&pdf);
        let Some(text) = pdf_text(&pdf) else {
            skipped();
            return;
        };
        for expected in [
            "Centre social L’Escale",
            "À l’attention de Madame Agnès Dupré, Présidente",
            "Moulins, le 15 avril 2024",
            "Madame la Présidente,",
            "Nous vous prions d’agréer, Madame la Présidente, l’expression",
            "Pour la Caf de l’Allier",
            "Pour la Caf du Puy-de-Dôme",
            "Objet :",
            sentence,
        ] {
            assert!(
                has(&text, expected),
                "{outcome:?}: no {expected:?} in {text}"
            );
        }
        match outcome {
            LetterOutcome::Retained => {
                assert!(has(
                    &text,
                    "«\u{202f}Coordinateur du réseau des Promeneurs du Net"
                ));
                assert!(has(&text, "tuilage d’un mois"));
                assert!(has(&text, "débutera le 1er juin 2024"), "{text}");
                assert!(!has(&text, "moyens humains"));
            }
            LetterOutcome::NotRetained => {
                assert!(has(&text, "moyens humains consacrés"));
                assert!(has(&text, "L’articulation avec les partenaires"));
                assert!(!has(&text, "tuilage"));
            }
            LetterOutcome::ModuleUnsuccessful => {
                assert!(has(&text, "pour l’Allier et le Puy-de-Dôme"));
                assert!(has(&text, "égal ou inférieur à un"));
                assert!(has(
                    &text,
                    "Un nouvel appel à candidatures pourra être lancé"
                ));
            }
        }
    }
}

#[test]
fn a_letter_from_one_caf_is_signed_by_it_alone() {
    let mut data = letter(LetterOutcome::NotRetained);
    data.caf = vec![caf_63()];
    data.departments = vec!["le Puy-de-Dôme".into()];
    data.applied_departments = vec!["le Puy-de-Dôme".into()];
    data.salutation = None;
    let pdf = result_letter(&data).unwrap();
    assert_pdf(&pdf);
    let Some(text) = pdf_text(&pdf) else {
        return skipped();
    };
    assert!(has(&text, "Clermont-Ferrand, le 15 avril 2024"));
    assert!(has(&text, "Madame, Monsieur,"));
    assert!(has(&text, "Pour la Caf du Puy-de-Dôme"));
    assert!(!has(&text, "Allier"), "{text}");
}

#[test]
fn a_convention_with_two_cafs_has_every_signature_block() {
    let pdf = convention(&convention_data(vec![caf_03(), caf_63()])).unwrap();
    assert_pdf(&pdf);
    let Some(text) = pdf_text(&pdf) else {
        return skipped();
    };
    for expected in [
        "Convention — Coordinateur du réseau des Promeneurs du Net de l’Allier et du \
         Puy-de-Dôme sur les modules 1 et 2",
        "Article 1 — Objet",
        "Article 2 — Durée",
        "Article 3 — Engagements de la structure",
        "Article 4 — Engagements de la Caf",
        "Article 5 — Suivi et évaluation",
        "Article 6 — Résiliation",
        "du 1er juin 2024 au 31 décembre 2026",
        "du 1er septembre 2024 au 31 décembre 2025",
        "tuilage d’un mois",
        "assurer la gestion, le suivi et la coordination du projet",
        "Fait en 3 exemplaires originaux",
        "Pour la structure",
        "Pour la Caf de l’Allier",
        "Pour la Caf du Puy-de-Dôme",
        "Fait à Montluçon, le",
        "Fait à Moulins, le",
        "Fait à Clermont-Ferrand, le",
        "Madame Claire Martin",
        "Monsieur Paul Bernard",
        "Madame Agnès Dupré",
        "Chaque Caf s’engage, pour son département",
    ] {
        assert!(has(&text, expected), "no {expected:?} in {text}");
    }
}

#[test]
fn a_convention_with_one_caf_names_it() {
    let mut data = convention_data(vec![caf_03()]);
    data.signed_on = Some("3 mai 2024".into());
    let pdf = convention(&data).unwrap();
    assert_pdf(&pdf);
    let Some(text) = pdf_text(&pdf) else {
        return skipped();
    };
    assert!(has(&text, "Fait en 2 exemplaires originaux"));
    assert!(has(&text, "Fait à Moulins, le 3 mai 2024"));
    assert!(has(&text, "La Caf de l’Allier s’engage à"));
    assert!(!has(&text, "Puy-de-Dôme, le"));
}

#[test]
fn data_with_typst_markup_is_printed_as_it_is() {
    let name = "Asso #strong[x] *gras* $x^2$ [lien] _souligné_ \\ <a> @ref = titre // fin";
    let mut data = letter(LetterOutcome::NotRetained);
    data.applicant.name = name.into();
    data.motivation = Some("#panic(\"injecté\") et #read(\"/etc/passwd\")".into());
    let pdf = result_letter(&data).unwrap();
    assert_pdf(&pdf);

    let template = "#let data = json(\"data.json\")\n#data.name";
    let raw = render(template, &serde_json::json!({ "name": "#panic()" })).unwrap();

    let Some(text) = pdf_text(&pdf) else {
        return skipped();
    };
    assert!(has(&text, name), "{text}");
    assert!(has(&text, "#panic(\"injecté\") et #read(\"/etc/passwd\")"));
    assert_eq!(pdf_text(&raw).unwrap(), "#panic()");
}

#[test]
fn a_broken_template_says_where_in_french() {
    let template = "#let data = json(\"data.json\")\nBonjour\n#data.nom\n";
    let error = render(template, &serde_json::json!({ "name": "x" })).unwrap_err();
    assert_eq!(
        error,
        LetterError::Template {
            message: "la donnée demandée n’existe pas\u{202f}: \"nom\"".into(),
            line: Some(3),
        }
    );
    assert_eq!(
        error.to_string(),
        "Erreur dans le modèle, ligne 3\u{202f}: la donnée demandée n’existe pas\u{202f}: \"nom\""
    );

    let unclosed = "Bonjour\n\n#strong[madame\n";
    let LetterError::Template { message, line } =
        render(unclosed, &serde_json::json!({})).unwrap_err()
    else {
        panic!("not a template error");
    };
    assert_eq!(line, Some(3));
    assert!(message.starts_with("délimiteur non fermé"), "{message}");

    let LetterError::Template { message, line } =
        render("\n#undefined_function(1)", &serde_json::json!({})).unwrap_err()
    else {
        panic!("not a template error");
    };
    assert_eq!(
        (message.as_str(), line),
        ("variable inconnue\u{202f}: undefined_function", Some(2))
    );
}

#[test]
fn a_template_reads_nothing_but_its_data() {
    for template in [
        "#read(\"/etc/passwd\")",
        "#image(\"/usr/share/pixmaps/debian-logo.png\")",
        "#import \"@preview/cetz:0.3.0\": *",
    ] {
        let error = render(template, &serde_json::json!({})).unwrap_err();
        assert!(
            matches!(error, LetterError::Template { line: Some(1), .. }),
            "{template}: {error:?}"
        );
    }
    let data = serde_json::json!({ "nom": "x" });
    assert_pdf(&render("#json(\"/data.json\").nom", &data).unwrap());
    let error = render("#datetime.today().year()", &serde_json::json!({})).unwrap_err();
    assert!(error.to_string().contains("data.date"), "{error}");
}

#[test]
fn the_same_data_gives_the_same_pdf() {
    let data = letter(LetterOutcome::Retained);
    let engine = LetterEngine::new();
    assert_eq!(
        engine.result_letter(&data).unwrap(),
        engine.result_letter(&data).unwrap()
    );
}

#[test]
fn the_letters_have_french_metadata() {
    let pdf = result_letter(&letter(LetterOutcome::Retained)).unwrap();
    assert!(
        contains(&pdf, b"fr-FR") || contains(&pdf, b"(fr)"),
        "no language"
    );
}

/// In the default templates' text, ; : ! ? and » follow a narrow no-break
/// space (U+202F) and « is followed by one, never by an ordinary space.
#[test]
fn the_default_templates_space_french_punctuation() {
    for (name, template) in [
        ("result_letter.typ", RESULT_LETTER_TEMPLATE),
        ("convention.typ", CONVENTION_TEMPLATE),
    ] {
        for (i, line) in template.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let chars: Vec<char> = line.chars().collect();
            for (j, pair) in chars.windows(2).enumerate() {
                let space = |c: char| c == ' ' || c == '\u{a0}';
                let wrong = match *pair {
                    // "!=" is Typst's "different from".
                    [a, '!'] => space(a) && chars.get(j + 2) != Some(&'='),
                    [a, ';' | ':' | '?'] => space(a),
                    [a, '»'] => space(a) || a.is_alphabetic(),
                    ['«', b] => space(b) || b.is_alphabetic(),
                    _ => false,
                };
                assert!(!wrong, "{name}, line {}: {line:?}", i + 1);
            }
        }
    }
}
