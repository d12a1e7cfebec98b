use std::collections::BTreeSet;

use super::*;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn score(h: u32) -> Score {
    Score::from_hundredths(h).unwrap()
}

fn at(s: i64) -> Option<Timestamp> {
    Timestamp::from_second(s).ok()
}

const MEMBER: u128 = 10;
const APPLICATION: u128 = 20;
const STRUCTURE: u128 = 30;

fn candidate() -> Candidate {
    Candidate {
        id: id(APPLICATION),
        structure_id: id(STRUCTURE),
    }
}

#[test]
fn no_tie_and_no_declaration_is_no_conflict() {
    let ties = Ties::default();
    let m = Seated {
        id: id(MEMBER),
        ties: &ties,
    };
    assert_eq!(conflict_of(m, candidate(), []), None);
}

#[test]
fn a_member_seated_for_the_applicant_or_tied_by_its_account_is_in_conflict() {
    let seated = Ties {
        seated_for: Some(id(STRUCTURE)),
        account: BTreeSet::new(),
    };
    let by_account = Ties {
        seated_for: None,
        account: [id(99), id(STRUCTURE)].into(),
    };
    for ties in [&seated, &by_account] {
        let m = Seated {
            id: id(MEMBER),
            ties,
        };
        assert_eq!(
            conflict_of(m, candidate(), []),
            Some(Conflict::Applicant),
            "{ties:?}"
        );
    }
}

#[test]
fn the_tie_to_the_applicant_prevails_over_a_declaration() {
    let ties = Ties {
        seated_for: Some(id(STRUCTURE)),
        account: BTreeSet::new(),
    };
    let declared = [Declared {
        member_id: id(MEMBER),
        application_id: id(APPLICATION),
        reason: "Ancien salarié",
    }];
    let m = Seated {
        id: id(MEMBER),
        ties: &ties,
    };
    assert_eq!(
        conflict_of(m, candidate(), declared),
        Some(Conflict::Applicant)
    );
}

#[test]
fn a_declaration_counts_for_its_member_and_its_application_only() {
    let ties = Ties::default();
    let declared = [
        Declared {
            member_id: id(MEMBER + 1),
            application_id: id(APPLICATION),
            reason: "Un autre membre",
        },
        Declared {
            member_id: id(MEMBER),
            application_id: id(APPLICATION + 1),
            reason: "Une autre candidature",
        },
    ];
    let m = Seated {
        id: id(MEMBER),
        ties: &ties,
    };
    assert_eq!(conflict_of(m, candidate(), declared), None);
    let mine = [Declared {
        member_id: id(MEMBER),
        application_id: id(APPLICATION),
        reason: "Ancien salarié",
    }];
    assert_eq!(
        conflict_of(m, candidate(), mine),
        Some(Conflict::Declared("Ancien salarié".into()))
    );
}

fn review(member: u128, round: i64, score: u32) -> RoundScore {
    RoundScore {
        member_id: id(member),
        round,
        score,
    }
}

#[test]
fn no_review_is_no_aggregate() {
    assert_eq!(aggregate([], |_| true), None);
}

#[test]
fn the_mean_of_the_members_is_rounded_half_up() {
    let agg = aggregate([review(1, 1, 1_000), review(2, 1, 1_001)], |_| true).unwrap();
    assert_eq!(agg.mean, score(1_001));
    assert_eq!(agg.min, score(1_000));
    assert_eq!(agg.max, score(1_001));
    assert_eq!(agg.reviews, 2);
}

#[test]
fn a_member_with_two_rounds_counts_once_with_its_latest() {
    // The second round first, to show that the order read does not matter.
    let reviews = [
        review(1, 2, 8_000),
        review(1, 1, 2_000),
        review(2, 1, 6_000),
    ];
    let agg = aggregate(reviews, |_| true).unwrap();
    assert_eq!(agg.reviews, 2);
    assert_eq!(agg.mean, score(7_000));
    assert_eq!(agg.min, score(6_000));
    let agg = aggregate([review(1, 1, 2_000), review(1, 2, 8_000)], |_| true).unwrap();
    assert_eq!((agg.reviews, agg.mean), (1, score(8_000)));
}

#[test]
fn a_conflicted_member_review_is_ignored() {
    let reviews = [
        review(1, 1, 9_000),
        review(2, 1, 3_000),
        review(2, 2, 4_000),
    ];
    let agg = aggregate(reviews, |m| m != id(2)).unwrap();
    assert_eq!((agg.reviews, agg.mean), (1, score(9_000)));
    // Only conflicted reviews: nothing to aggregate.
    assert_eq!(aggregate(reviews, |_| false), None);
}

#[test]
fn a_score_out_of_range_is_left_out() {
    let agg = aggregate([review(1, 1, 10_001), review(2, 1, 5_000)], |_| true).unwrap();
    assert_eq!((agg.reviews, agg.mean), (1, score(5_000)));
}

#[test]
fn completeness_counts_the_fair_members_who_reviewed() {
    let c = completeness([id(1), id(2), id(3)], |m| m != id(3));
    assert_eq!(
        c,
        Completeness {
            reviews: 2,
            expected: 3
        }
    );
    assert!(!c.complete());
    assert_eq!(
        completeness([], |_| true),
        Completeness {
            reviews: 0,
            expected: 0
        }
    );
}

#[test]
fn ranking_puts_the_best_first_and_the_unscored_last() {
    let mut items = vec![
        ("none", None, at(1)),
        ("low", Some(score(4_000)), at(2)),
        ("high", Some(score(9_000)), at(3)),
    ];
    rank(&mut items, |x| RankKey {
        score: x.1,
        submitted_at: x.2,
    });
    let names: Vec<&str> = items.iter().map(|x| x.0).collect();
    assert_eq!(names, ["high", "low", "none"]);
}

#[test]
fn a_tie_goes_to_the_first_filed() {
    let mut items = vec![
        ("late", Some(score(7_000)), at(20)),
        ("early", Some(score(7_000)), at(10)),
        ("late unscored", None, at(5)),
        ("early unscored", None, at(1)),
    ];
    rank(&mut items, |x| RankKey {
        score: x.1,
        submitted_at: x.2,
    });
    let names: Vec<&str> = items.iter().map(|x| x.0).collect();
    assert_eq!(names, ["early", "late", "early unscored", "late unscored"]);
}

#[test]
fn ranking_nothing_is_nothing() {
    let mut items: Vec<RankKey> = Vec::new();
    rank(&mut items, |k| *k);
    assert!(items.is_empty());
    assert_eq!(
        rank_order(
            &RankKey {
                score: None,
                submitted_at: None
            },
            &RankKey {
                score: None,
                submitted_at: None
            }
        ),
        Ordering::Equal
    );
}
