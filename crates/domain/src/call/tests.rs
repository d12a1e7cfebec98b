use super::*;

#[test]
fn each_transition_leads_to_its_target_from_its_sources_only() {
    for t in Transition::ALL {
        let sources = t.sources();
        assert!(!sources.is_empty(), "{t:?} starts from nowhere");
        for s in ApplicationStatus::ALL {
            match t.apply(s) {
                Ok(to) => {
                    assert!(sources.contains(&s));
                    assert_eq!(to, t.target(), "{t:?} from {s:?}");
                }
                Err(e) => {
                    assert!(!sources.contains(&s));
                    assert_eq!(e.from, s);
                }
            }
        }
    }
    use ApplicationStatus as S;
    assert_eq!(
        Transition::Submit.sources(),
        [S::Draft, S::ComplementRequested]
    );
    assert_eq!(
        Transition::RequestComplement.sources(),
        [S::Submitted, S::ComplementRequested, S::UnderReview]
    );
    assert_eq!(Transition::StartReview.sources(), [S::Submitted]);
    assert_eq!(
        Transition::Withdraw.sources(),
        [
            S::Draft,
            S::Submitted,
            S::ComplementRequested,
            S::UnderReview
        ]
    );
    let editable: Vec<S> = S::ALL.into_iter().filter(|s| s.editable()).collect();
    assert_eq!(editable, Transition::Submit.sources());
}

fn draft() -> ModuleDraft {
    ModuleDraft {
        code: "m1".into(),
        title: "Coordination".into(),
        service_starts_on: "2024-06-01".into(),
        service_ends_on: "31/12/2026".into(),
        deadline: "17/03/2024".into(),
        audition_on: Some("2024-03-21".into()),
        decision_window: Some("2024-04/2024-05".into()),
        criteria: vec![CriterionDraft {
            key: "qualite".into(),
            label: "Qualité du projet".into(),
            weight: 3,
            max_score: 20,
        }],
        required_documents: vec![RequiredDocument {
            kind: "formulaire".into(),
            label: "Dossier de candidature signé".into(),
        }],
        ..ModuleDraft::default()
    }
}

#[test]
fn a_module_of_the_2024_call_is_read() {
    let m = draft().validate().unwrap();
    assert_eq!(m.code, "M1");
    assert_eq!(m.deadline.rfc3339(), "2024-03-17T23:59:59+01:00");
    assert_eq!(m.min_applications, 2);
    assert_eq!(m.quality_threshold, None);
    assert_eq!(m.decision_window.unwrap().french(), "avril à mai 2024");
    assert_eq!(
        m.service_period_french(),
        "du 1er juin 2024 au 31 décembre 2026"
    );
    assert!(m.publication_errors().is_empty());
}

#[test]
fn every_error_is_reported_by_field() {
    let mut d = draft();
    d.service_ends_on = "2024-01-01".into();
    d.deadline = "demain".into();
    d.quality_threshold = Some(120);
    d.criteria.push(CriterionDraft {
        key: "qualite".into(),
        label: String::new(),
        weight: 0,
        max_score: 20,
    });
    let e = d.validate().unwrap_err();
    for k in [
        "service_ends_on",
        "deadline",
        "quality_threshold",
        "criteria.1.key",
        "criteria.1.label",
        "criteria.1.weight",
    ] {
        assert!(e.contains_key(k), "{k} missing in {e:?}");
    }
}

#[test]
fn decision_windows() {
    assert_eq!(
        DecisionWindow::parse("2024-06").unwrap().french(),
        "juin 2024"
    );
    assert_eq!(
        DecisionWindow::parse("2024-12/2025-01").unwrap().french(),
        "décembre 2024 à janvier 2025"
    );
    assert!(DecisionWindow::parse("2024-05/2024-04").is_none());
    assert!(DecisionWindow::parse("mai").is_none());
    assert_eq!(
        DecisionWindow::parse("2024-04/2024-05").unwrap().encode(),
        "2024-04/2024-05"
    );
}

#[test]
fn transitions_follow_the_design() {
    use ApplicationStatus as S;
    assert_eq!(S::Draft.submit(), Ok(S::Submitted));
    assert_eq!(S::ComplementRequested.submit(), Ok(S::Submitted));
    assert!(S::Submitted.submit().is_err());
    assert_eq!(
        S::Submitted.request_complement(),
        Ok(S::ComplementRequested)
    );
    assert!(S::Draft.request_complement().is_err());
    assert_eq!(S::Submitted.start_review(), Ok(S::UnderReview));
    for s in [
        S::Draft,
        S::Submitted,
        S::ComplementRequested,
        S::UnderReview,
    ] {
        assert_eq!(s.withdraw(), Ok(S::Withdrawn));
    }
    for s in [S::Retained, S::NotRetained, S::Withdrawn] {
        assert!(s.withdraw().is_err());
        assert!(s.submit().is_err());
    }
    for s in S::ALL {
        assert_eq!(S::parse(s.as_str()), Some(s));
    }
}

#[test]
fn scope_is_within_the_call() {
    let d = |s: &str| DepartmentCode::parse(s).unwrap();
    let call = [d("03"), d("63")];
    assert_eq!(
        check_scope(&call, &[d("63"), d("03"), d("63")]).unwrap(),
        vec![d("03"), d("63")]
    );
    assert!(check_scope(&call, &[]).is_err());
    assert!(check_scope(&[d("03")], &[d("63")]).is_err());
}

#[test]
fn receipt_numbers() {
    assert_eq!(receipt_number(2024, "M1", 7), "2024-M1-0007");
}
