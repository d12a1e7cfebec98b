//! Committee scoring (DESIGN §4): a review gives each criterion of the
//! module an integer from 0 to its maximum; its score is
//! `100 × Σ(weight × score / max) / Σ weight`, from 0 to 100, kept as an
//! integer number of hundredths. An application's score is the mean of its
//! completed reviews (conflicted members excluded), shown with its spread.

use std::{collections::BTreeMap, fmt};

use crate::call::Criterion;

/// A score from 0 to 100 with two decimals, as hundredths (0..=10 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u32);

impl Score {
    pub const MAX: Score = Score(10_000);

    pub fn from_hundredths(h: u32) -> Option<Self> {
        (h <= 10_000).then_some(Self(h))
    }

    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// The threshold of a module (a whole number out of 100).
    pub fn whole(points: u32) -> Option<Self> {
        Self::from_hundredths(points.checked_mul(100)?)
    }

    /// As a JSON number with two decimals (73.5 → 73.5).
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl fmt::Display for Score {
    /// "73,50" (French decimal comma).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Why a review's scores are refused, by criterion key.
pub type ScoreErrors = BTreeMap<String, String>;

/// Checks the scores of one review against the module's criteria: every
/// criterion scored, each from 0 to its maximum, no unknown key (a
/// criterion of the other module, for instance).
pub fn check_scores(
    criteria: &[Criterion],
    scores: &BTreeMap<String, i64>,
) -> Result<BTreeMap<String, u32>, ScoreErrors> {
    let mut errors = ScoreErrors::new();
    let mut out = BTreeMap::new();
    for key in scores.keys() {
        if !criteria.iter().any(|c| &c.key == key) {
            errors.insert(
                key.clone(),
                "Ce critère n'est pas dans la grille de ce module.".to_owned(),
            );
        }
    }
    for c in criteria {
        match scores.get(&c.key) {
            None => {
                errors.insert(c.key.clone(), "Notez ce critère.".to_owned());
            }
            Some(&s) => match u32::try_from(s) {
                Ok(v) if v <= c.max_score => {
                    out.insert(c.key.clone(), v);
                }
                _ => {
                    errors.insert(
                        c.key.clone(),
                        format!("La note est un entier de 0 à {}.", c.max_score),
                    );
                }
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The score of one complete review, rounded to the nearest hundredth
/// (half up). `scores` must have passed `check_scores`.
pub fn review_score(criteria: &[Criterion], scores: &BTreeMap<String, u32>) -> Score {
    // Exact arithmetic: Σ(w × s / m) / Σw over the common denominator
    // Π m would overflow; use u128 with each term scaled to
    // 10 000 × w × s / m, summed as a fraction per term.
    let total_weight: u128 = criteria.iter().map(|c| u128::from(c.weight)).sum();
    if total_weight == 0 {
        return Score(0);
    }
    // Numerator and denominator of Σ(w × s / m), kept exact.
    let (mut num, mut den) = (0_u128, 1_u128);
    for c in criteria {
        let s = u128::from(scores.get(&c.key).copied().unwrap_or(0));
        let m = u128::from(c.max_score.max(1));
        let w = u128::from(c.weight);
        // num/den + w·s/m
        num = num * m + w * s * den;
        den *= m;
        let g = gcd(num, den);
        num /= g;
        den /= g;
    }
    // 10 000 × num / (den × total_weight), rounded half up.
    let n = 10_000 * num;
    let d = den * total_weight;
    let h = (2 * n + d) / (2 * d);
    Score(u32::try_from(h.min(10_000)).unwrap_or(10_000))
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// An application's score from its reviews: mean, min, max, count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aggregate {
    pub mean: Score,
    pub min: Score,
    pub max: Score,
    pub reviews: u32,
}

impl Aggregate {
    /// `None` without any review. The mean is rounded half up.
    pub fn of(scores: &[Score]) -> Option<Self> {
        let n = u32::try_from(scores.len()).ok().filter(|n| *n > 0)?;
        let sum: u64 = scores.iter().map(|s| u64::from(s.0)).sum();
        let mean = (2 * sum + u64::from(n)) / (2 * u64::from(n));
        Some(Self {
            mean: Score(u32::try_from(mean).unwrap_or(10_000)),
            min: *scores.iter().min()?,
            max: *scores.iter().max()?,
            reviews: n,
        })
    }

    /// The reviewers disagree widely: 25 points or more between the lowest
    /// and the highest review.
    pub fn disagreement(self) -> bool {
        self.max.0 - self.min.0 >= DISAGREEMENT
    }
}

/// 25 points, in hundredths.
pub const DISAGREEMENT: u32 = 2_500;

#[cfg(test)]
mod tests {
    use super::*;

    fn crit(key: &str, weight: u32, max: u32) -> Criterion {
        Criterion {
            key: key.into(),
            label: key.into(),
            weight,
            max_score: max,
        }
    }

    fn grid() -> Vec<Criterion> {
        vec![
            crit("qualite", 3, 20),
            crit("experience", 2, 20),
            crit("coherence", 2, 20),
            crit("capacite", 2, 20),
            crit("qualifications", 3, 20),
        ]
    }

    fn scores(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    /// A small deterministic generator for the property tests.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: u32) -> u32 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            u32::try_from((self.0 >> 33) % u64::from(n.max(1))).unwrap()
        }
    }

    fn random_grid(r: &mut Lcg) -> Vec<Criterion> {
        (0..=r.next(7))
            .map(|i| crit(&format!("c{i}"), 1 + r.next(10), 1 + r.next(30)))
            .collect()
    }

    fn random_scores(r: &mut Lcg, g: &[Criterion]) -> BTreeMap<String, u32> {
        g.iter()
            .map(|c| (c.key.clone(), r.next(c.max_score + 1)))
            .collect()
    }

    #[test]
    fn the_formula_of_the_design() {
        let g = grid();
        let all = |v| {
            scores(&[
                ("qualite", v),
                ("experience", v),
                ("coherence", v),
                ("capacite", v),
                ("qualifications", v),
            ])
        };
        assert_eq!(review_score(&g, &all(20)), Score::MAX);
        assert_eq!(review_score(&g, &all(0)), Score(0));
        assert_eq!(review_score(&g, &all(10)), Score(5_000));
        // 100 × (3×15/20 + 2×10/20 + 2×12/20 + 2×8/20 + 3×18/20) / 12
        // = 100 × (2.25 + 1 + 1.2 + 0.8 + 2.7) / 12 = 66.25
        let s = scores(&[
            ("qualite", 15),
            ("experience", 10),
            ("coherence", 12),
            ("capacite", 8),
            ("qualifications", 18),
        ]);
        assert_eq!(review_score(&g, &s), Score(6_625));
        assert_eq!(review_score(&g, &s).to_string(), "66,25");
        // Rounded half up to the hundredth: 100 × 1/3 = 33.333… → 33.33,
        // 100 × 2/3 → 66.67.
        let thirds = vec![crit("a", 1, 3)];
        assert_eq!(review_score(&thirds, &scores(&[("a", 1)])), Score(3_333));
        assert_eq!(review_score(&thirds, &scores(&[("a", 2)])), Score(6_667));
    }

    #[test]
    fn property_scores_stay_within_bounds() {
        let mut r = Lcg(7);
        for _ in 0..2_000 {
            let g = random_grid(&mut r);
            let s = random_scores(&mut r, &g);
            let v = review_score(&g, &s);
            assert!(v <= Score::MAX, "{v:?}");
            let top: BTreeMap<String, u32> =
                g.iter().map(|c| (c.key.clone(), c.max_score)).collect();
            assert_eq!(review_score(&g, &top), Score::MAX);
            let zero: BTreeMap<String, u32> = g.iter().map(|c| (c.key.clone(), 0)).collect();
            assert_eq!(review_score(&g, &zero), Score(0));
        }
    }

    #[test]
    fn property_raising_one_score_never_lowers_the_review() {
        let mut r = Lcg(11);
        for _ in 0..2_000 {
            let g = random_grid(&mut r);
            let s = random_scores(&mut r, &g);
            let c = &g[usize::try_from(r.next(u32::try_from(g.len()).unwrap())).unwrap()];
            if s[&c.key] == c.max_score {
                continue;
            }
            let mut up = s.clone();
            *up.get_mut(&c.key).unwrap() += 1;
            assert!(review_score(&g, &up) >= review_score(&g, &s));
        }
    }

    #[test]
    fn property_weights_pull_towards_the_heavier_criterion() {
        // Two criteria, one at the max and one at zero: the score is the
        // share of the weight of the first, whatever the maxima.
        let mut r = Lcg(13);
        for _ in 0..2_000 {
            let (w1, w2) = (1 + r.next(20), 1 + r.next(20));
            let g = vec![crit("a", w1, 1 + r.next(30)), crit("b", w2, 1 + r.next(30))];
            let s = scores(&[("a", g[0].max_score), ("b", 0)]);
            let expected = (20_000 * u64::from(w1) + u64::from(w1 + w2)) / (2 * u64::from(w1 + w2));
            assert_eq!(u64::from(review_score(&g, &s).hundredths()), expected);
            // Scaling every weight by the same factor changes nothing.
            let k = 1 + r.next(5);
            let g2: Vec<Criterion> = g
                .iter()
                .map(|c| crit(&c.key, c.weight * k, c.max_score))
                .collect();
            let any = random_scores(&mut r, &g);
            assert_eq!(review_score(&g, &any), review_score(&g2, &any));
        }
    }

    #[test]
    fn scores_are_checked_against_the_grid() {
        let g = grid();
        let mut s: BTreeMap<String, i64> = g.iter().map(|c| (c.key.clone(), 10)).collect();
        assert!(check_scores(&g, &s).is_ok());
        s.insert("formateurs".into(), 12); // a criterion of module 2
        s.insert("qualite".into(), 21);
        s.remove("capacite");
        let e = check_scores(&g, &s).unwrap_err();
        assert!(e["formateurs"].contains("pas dans la grille"));
        assert!(e["qualite"].contains("de 0 à 20"));
        assert!(e.contains_key("capacite"));
        s.insert("capacite".into(), -1);
        assert!(check_scores(&g, &s).unwrap_err().contains_key("capacite"));
    }

    #[test]
    fn aggregates_show_the_mean_and_the_spread() {
        assert_eq!(Aggregate::of(&[]), None);
        let a = Aggregate::of(&[Score(6_000), Score(8_000), Score(7_001)]).unwrap();
        assert_eq!(a.mean, Score(7_000));
        assert_eq!((a.min, a.max, a.reviews), (Score(6_000), Score(8_000), 3));
        assert!(!a.disagreement());
        assert!(
            Aggregate::of(&[Score(5_000), Score(7_500)])
                .unwrap()
                .disagreement()
        );
    }
}
