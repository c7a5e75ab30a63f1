//! Time-to-event data: the Kaplan–Meier estimator of the survival function,
//! its quantiles with Brookmeyer–Crowley confidence intervals, and the
//! restricted mean up to a horizon with its standard error.
//!
//! A "months until" outcome (months until trust grows, months a
//! partnership survives) is *censored*: in a run where the event does not
//! happen within the simulated months we only know that it would happen
//! later, if ever. Averaging a stand-in value ("months + 1") into a mean
//! biases it and mixes two questions; the Kaplan–Meier estimator uses
//! exactly what is known.
//!
//! Definitions (Kaplan & Meier 1958; Klein & Moeschberger 2003, *Survival
//! Analysis*, §4.2–4.5):
//!
//! - At each distinct event time `tᵢ`, with `Yᵢ` observations at risk
//!   (time ≥ `tᵢ`) and `dᵢ` events, `Ŝ(t) = Π_{tᵢ ≤ t} (1 − dᵢ/Yᵢ)`.
//!   Censoring at the same time as an event counts the censored
//!   observation as still at risk.
//! - Greenwood's variance: `Var Ŝ(t) = Ŝ(t)² Σ_{tᵢ ≤ t} dᵢ / (Yᵢ(Yᵢ − dᵢ))`.
//! - The `p`-quantile is the smallest event time with `Ŝ(t) ≤ 1 − p`
//!   (the median: `p = ½`); none if `Ŝ` never falls that low ("not
//!   reached").
//! - Its confidence interval (Brookmeyer & Crowley 1982, *Biometrics* 38,
//!   29–41) is the set of times where `|Ŝ(t) − (1 − p)| ≤ z · se(t)`: from
//!   the first event time where `Ŝ − z·se ≤ 1 − p` to the first where
//!   `Ŝ + z·se < 1 − p`. Either end may be "not reached".
//! - The restricted mean up to `τ` is `μ(τ) = ∫₀^τ Ŝ(u) du`, with variance
//!   `Σ_{tᵢ ≤ τ} Aᵢ² dᵢ / (Yᵢ(Yᵢ − dᵢ))`, `Aᵢ = ∫_{tᵢ}^τ Ŝ(u) du`
//!   (Klein & Moeschberger eq. 4.5.2).
//!
//! Comparisons of two survival proportions with `Ŝ(t)` exactly on the
//! boundary use a relative tolerance of 1e-12, so that rounding in the
//! product does not move a quantile by a whole event time.
//!
//! ```
//! use mlgov::analysis::KaplanMeier;
//! // (time, event happened); (4, false) is censored at 4.
//! let km = KaplanMeier::new(&[(1.0, true), (2.0, true), (3.0, true), (4.0, false)]);
//! assert_eq!(km.survival(2.5), 0.5);
//! assert_eq!(km.quantile(0.5), Some(2.0));
//! assert_eq!(km.quantile(0.9), None); // S never falls to 0.1
//! ```

use super::normal_quantile;

/// Relative tolerance for comparing a survival probability with a level.
const TOLERANCE: f64 = 1e-12;

/// One step of the Kaplan–Meier curve, at an event time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmStep {
    /// The event time.
    pub time: f64,
    /// Observations at risk just before `time`.
    pub at_risk: u64,
    /// Events at `time`.
    pub events: u64,
    /// `Ŝ(time)`, just after the step.
    pub survival: f64,
    /// Greenwood standard error of `Ŝ(time)` (0 once `Ŝ` is 0).
    pub std_error: f64,
}

/// The Kaplan–Meier estimate from a sample of possibly censored times.
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    steps: Vec<KmStep>,
    n: u64,
    events: u64,
}

impl KaplanMeier {
    /// The estimate from `(time, event)` pairs: `event` is `false` for a
    /// censored time. Times that are NaN are ignored.
    pub fn new(observations: &[(f64, bool)]) -> Self {
        let mut obs: Vec<(f64, bool)> = observations
            .iter()
            .copied()
            .filter(|(t, _)| !t.is_nan())
            .collect();
        // Ascending time; at equal times events first (censored at an event
        // time are still at risk for it).
        obs.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let n = obs.len() as u64;
        let mut steps = Vec::new();
        let (mut at_risk, mut survival, mut greenwood) = (n, 1.0_f64, 0.0_f64);
        let mut i = 0;
        let mut events_total = 0;
        while i < obs.len() {
            let t = obs[i].0;
            let mut j = i;
            let mut d = 0;
            while j < obs.len() && obs[j].0 == t {
                d += u64::from(obs[j].1);
                j += 1;
            }
            if d > 0 {
                survival *= 1.0 - d as f64 / at_risk as f64;
                greenwood += if at_risk > d {
                    d as f64 / (at_risk as f64 * (at_risk - d) as f64)
                } else {
                    f64::INFINITY
                };
                let std_error = if survival > 0.0 {
                    survival * greenwood.sqrt()
                } else {
                    0.0
                };
                steps.push(KmStep {
                    time: t,
                    at_risk,
                    events: d,
                    survival,
                    std_error,
                });
                events_total += d;
            }
            at_risk -= (j - i) as u64;
            i = j;
        }
        Self {
            steps,
            n,
            events: events_total,
        }
    }

    /// The estimate from times to an event watched up to `horizon`: a time
    /// `t ≤ horizon` is an event at `t`, any later time (the convention for
    /// "not within the run") is censored at the horizon.
    pub fn with_horizon(times: impl IntoIterator<Item = f64>, horizon: f64) -> Self {
        let obs: Vec<(f64, bool)> = times
            .into_iter()
            .map(|t| {
                if t <= horizon {
                    (t, true)
                } else {
                    (horizon, false)
                }
            })
            .collect();
        Self::new(&obs)
    }

    /// Observations.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Observed events (not censored).
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The steps of the curve, one per distinct event time.
    pub fn steps(&self) -> &[KmStep] {
        &self.steps
    }

    /// `Ŝ(t)`: the estimated probability that the event has not happened by
    /// time `t` (1 before the first event).
    pub fn survival(&self, t: f64) -> f64 {
        self.steps
            .iter()
            .take_while(|s| s.time <= t)
            .last()
            .map_or(1.0, |s| s.survival)
    }

    /// Greenwood standard error of `Ŝ(t)`.
    pub fn std_error(&self, t: f64) -> f64 {
        self.steps
            .iter()
            .take_while(|s| s.time <= t)
            .last()
            .map_or(0.0, |s| s.std_error)
    }

    /// The `p`-quantile (0 < p < 1): the smallest event time with
    /// `Ŝ(t) ≤ 1 − p`; `None` if the curve never falls that low.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        let level = 1.0 - p;
        self.first(|s| at_most(s.survival, level))
    }

    /// The Brookmeyer–Crowley confidence interval of the `p`-quantile at
    /// confidence `level` (e.g. 0.95): `(lower, upper)`, each `None` when
    /// not reached.
    pub fn quantile_ci(&self, p: f64, level: f64) -> (Option<f64>, Option<f64>) {
        let z = normal_quantile(1.0 - (1.0 - level) / 2.0);
        let target = 1.0 - p;
        let lower = self.first(|s| at_most(s.survival - z * s.std_error, target));
        let upper = self.first(|s| !at_most(target, s.survival + z * s.std_error));
        (lower, upper)
    }

    fn first(&self, pred: impl Fn(&KmStep) -> bool) -> Option<f64> {
        self.steps.iter().find(|s| pred(s)).map(|s| s.time)
    }

    /// The restricted mean `∫₀^τ Ŝ(u) du` (τ > 0): the mean time to the
    /// event when every time beyond `τ` counts as `τ`.
    pub fn restricted_mean(&self, tau: f64) -> f64 {
        let mut area = 0.0;
        let (mut prev_t, mut prev_s) = (0.0_f64, 1.0_f64);
        for s in self.steps.iter().take_while(|s| s.time <= tau) {
            area += (s.time - prev_t) * prev_s;
            prev_t = s.time;
            prev_s = s.survival;
        }
        area + (tau - prev_t).max(0.0) * prev_s
    }

    /// The standard error of [`KaplanMeier::restricted_mean`]
    /// (Klein & Moeschberger eq. 4.5.2).
    pub fn restricted_mean_se(&self, tau: f64) -> f64 {
        let inside: Vec<&KmStep> = self.steps.iter().take_while(|s| s.time <= tau).collect();
        // A_i = ∫_{t_i}^τ S, built backwards.
        let mut tail = 0.0;
        let mut var = 0.0;
        for (k, s) in inside.iter().enumerate().rev() {
            let next_t = inside.get(k + 1).map_or(tau, |n| n.time);
            tail += (next_t - s.time) * s.survival;
            if s.at_risk > s.events {
                var += tail * tail * s.events as f64
                    / (s.at_risk as f64 * (s.at_risk - s.events) as f64);
            }
        }
        var.sqrt()
    }

    /// The normal-approximation confidence interval of the restricted mean.
    pub fn restricted_mean_ci(&self, tau: f64, level: f64) -> (f64, f64) {
        let z = normal_quantile(1.0 - (1.0 - level) / 2.0);
        let (m, se) = (self.restricted_mean(tau), self.restricted_mean_se(tau));
        (m - z * se, m + z * se)
    }
}

/// `value ≤ level`, allowing for rounding in the product of the estimate.
fn at_most(value: f64, level: f64) -> bool {
    value <= level + TOLERANCE * level.abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Remission times of the 6-MP group of Freireich et al. (1963), the
    /// classic example (Klein & Moeschberger 2003, Table 1.1); `false` marks
    /// censored times.
    fn six_mp() -> Vec<(f64, bool)> {
        [
            (6, true),
            (6, true),
            (6, true),
            (6, false),
            (7, true),
            (9, false),
            (10, true),
            (10, false),
            (11, false),
            (13, true),
            (16, true),
            (17, false),
            (19, false),
            (20, false),
            (22, true),
            (23, true),
            (25, false),
            (32, false),
            (32, false),
            (34, false),
            (35, false),
        ]
        .into_iter()
        .map(|(t, e)| (t as f64, e))
        .collect()
    }

    #[test]
    fn six_mp_matches_the_textbook_table() {
        // Klein & Moeschberger Table 4.1A: S(t) and Greenwood SE, 4 dp.
        let published = [
            (6.0, 21, 3, 0.8571, 0.0764),
            (7.0, 17, 1, 0.8067, 0.0869),
            (10.0, 15, 1, 0.7529, 0.0963),
            (13.0, 12, 1, 0.6902, 0.1068),
            (16.0, 11, 1, 0.6275, 0.1141),
            (22.0, 7, 1, 0.5378, 0.1282),
            (23.0, 6, 1, 0.4482, 0.1346),
        ];
        let km = KaplanMeier::new(&six_mp());
        assert_eq!(km.n(), 21);
        assert_eq!(km.events(), 9);
        assert_eq!(km.steps().len(), published.len());
        for (s, &(t, y, d, surv, se)) in km.steps().iter().zip(&published) {
            assert_eq!((s.time, s.at_risk, s.events), (t, y, d));
            assert!((s.survival - surv).abs() < 5e-5, "S({t}) = {}", s.survival);
            assert!((s.std_error - se).abs() < 5e-5, "se({t}) = {}", s.std_error);
        }
        // By hand: S(23) = 18/21 · 16/17 · 14/15 · 11/12 · 10/11 · 6/7 · 5/6.
        let by_hand =
            18.0 / 21.0 * 16.0 / 17.0 * 14.0 / 15.0 * 11.0 / 12.0 * 10.0 / 11.0 * 6.0 / 7.0 * 5.0
                / 6.0;
        assert!((km.survival(30.0) - by_hand).abs() < 1e-12);
        assert_eq!(km.survival(5.9), 1.0);
        // The median is 23 (first time S ≤ 0.5); the 75th percentile is not
        // reached (S stays at 0.448 after 23).
        assert_eq!(km.quantile(0.5), Some(23.0));
        assert_eq!(km.quantile(0.25), Some(13.0)); // S(13) = 0.690 ≤ 0.75
        assert_eq!(km.quantile(0.75), None);
        // Brookmeyer–Crowley by hand: |S − 0.5| ≤ 1.96 se first holds at 13
        // (0.6902 − 1.96·0.1068 = 0.481 ≤ 0.5; at 10: 0.7529 − 0.189 > 0.5)
        // and S + 1.96 se never drops below 0.5, so the upper end is not
        // reached.
        assert_eq!(km.quantile_ci(0.5, 0.95), (Some(13.0), None));
        // Restricted mean to 35 by hand: the area under the steps.
        let s = |t| km.survival(t);
        let area = 6.0
            + 1.0 * s(6.0)
            + 3.0 * s(7.0)
            + 3.0 * s(10.0)
            + 3.0 * s(13.0)
            + 6.0 * s(16.0)
            + 1.0 * s(22.0)
            + 12.0 * s(23.0);
        assert!((km.restricted_mean(35.0) - area).abs() < 1e-12);
        assert!((km.restricted_mean(3.0) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn uncensored_sample_reduces_to_the_empirical_distribution() {
        let times: Vec<f64> = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0].to_vec();
        let n = times.len() as f64;
        let km = KaplanMeier::new(&times.iter().map(|&t| (t, true)).collect::<Vec<_>>());
        // S(t) is the share above t; the median is the 4th of 8 sorted (3).
        assert!((km.survival(2.0) - 5.0 / 8.0).abs() < 1e-12);
        assert_eq!(km.quantile(0.5), Some(3.0));
        // Restricted mean = mean of min(T, τ); its variance = the plug-in
        // variance of min(T, τ) divided by n.
        let tau = 5.5;
        let clipped: Vec<f64> = times.iter().map(|&t| t.min(tau)).collect();
        let mean = clipped.iter().sum::<f64>() / n;
        let var = clipped.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n / n;
        assert!((km.restricted_mean(tau) - mean).abs() < 1e-12);
        assert!((km.restricted_mean_se(tau) - var.sqrt()).abs() < 1e-12);
    }

    /// Exponential times with rate λ: median ln 2 / λ, restricted mean
    /// (1 − e^{−λτ})/λ. Random independent censoring exercises the general
    /// estimator; the Brookmeyer–Crowley interval must cover the true
    /// median about 95% of the time.
    #[test]
    fn exponential_times_recover_known_median_and_restricted_mean() {
        let (lambda, tau) = (0.1_f64, 15.0_f64);
        let median = std::f64::consts::LN_2 / lambda;
        let rmst = (1.0 - (-lambda * tau).exp()) / lambda;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let mut draw = |rate: f64| -(1.0 - rng.random::<f64>()).ln() / rate;
        let sample = |n: usize, draw: &mut dyn FnMut(f64) -> f64| -> Vec<(f64, bool)> {
            (0..n)
                .map(|_| {
                    let (t, c) = (draw(lambda), draw(0.03));
                    // Administrative censoring at 30 as well.
                    let c = c.min(30.0);
                    if t <= c { (t, true) } else { (c, false) }
                })
                .collect()
        };
        let big = KaplanMeier::new(&sample(20_000, &mut draw));
        let m = big.quantile(0.5).unwrap();
        assert!((m - median).abs() < 0.02 * median, "median {m} vs {median}");
        let r = big.restricted_mean(tau);
        let se = big.restricted_mean_se(tau);
        assert!((r - rmst).abs() < 4.0 * se, "rmst {r} ± {se} vs {rmst}");
        let (trials, mut covered, mut rmst_covered) = (400, 0, 0);
        for _ in 0..trials {
            let km = KaplanMeier::new(&sample(150, &mut draw));
            if let (Some(lo), Some(hi)) = km.quantile_ci(0.5, 0.95)
                && lo <= median
                && median < hi
            {
                covered += 1;
            }
            let (lo, hi) = km.restricted_mean_ci(tau, 0.95);
            if lo <= rmst && rmst <= hi {
                rmst_covered += 1;
            }
        }
        // Binomial(400, 0.95) lies in [365, 392] with probability > 0.999.
        assert!(
            (365..=395).contains(&covered),
            "median CI covered {covered}/400"
        );
        assert!(
            (365..=395).contains(&rmst_covered),
            "RMST CI covered {rmst_covered}/400"
        );
    }

    #[test]
    fn degenerate_samples() {
        let empty = KaplanMeier::new(&[]);
        assert_eq!(empty.quantile(0.5), None);
        assert_eq!(empty.restricted_mean(10.0), 10.0);
        let none = KaplanMeier::new(&[(10.0, false), (10.0, false)]);
        assert_eq!(none.quantile(0.5), None);
        assert_eq!(none.quantile_ci(0.5, 0.95), (None, None));
        assert_eq!(none.restricted_mean_se(10.0), 0.0);
        let all = KaplanMeier::new(&[(2.0, true), (2.0, true)]);
        assert_eq!(all.survival(2.0), 0.0);
        assert_eq!(all.std_error(2.0), 0.0);
        assert_eq!(all.quantile(0.5), Some(2.0));
        assert_eq!(all.restricted_mean(5.0), 2.0);
    }
}
