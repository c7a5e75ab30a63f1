//! Binary outcomes (did the partnership survive?) as proportions: the share
//! with a Wilson score interval, and the difference of two shares measured
//! on the same replications (common random numbers) with Newcombe's
//! matched-pairs interval.
//!
//! A t-interval on 0/1 values misbehaves exactly where it matters: at a
//! share of 0 or 1 it has zero width, and near them it leaves [0, 1]. The
//! score intervals below stay inside their range and keep close to their
//! nominal coverage with few runs.
//!
//! - **Wilson** (1927), for `x` successes in `n` trials with `p̂ = x/n`:
//!   `(2x + z² ± z √(z² + 4x(1 − p̂))) / (2(n + z²))`.
//! - **Newcombe's method 10** (Newcombe 1998, *Statistics in Medicine* 17,
//!   2635–2650) for paired data. With `a` pairs where both succeed, `b`
//!   where only the first does, `c` where only the second does and `d`
//!   where neither does: `θ̂ = (b − c)/n`; `(l₁, u₁)` and `(l₂, u₂)` are the
//!   Wilson intervals of `p̂₁ = (a + b)/n` and `p̂₂ = (a + c)/n`;
//!   `φ̂ = C / √((a+b)(c+d)(a+c)(b+d))` with `C = ad − bc − n/2` if
//!   `ad − bc > n/2`, `C = ad − bc` if it is negative, and `C = 0`
//!   otherwise (`φ̂ = 0` when a margin is empty); then
//!   `θ̂ − √((p̂₁ − l₁)² − 2φ̂(p̂₁ − l₁)(u₂ − p̂₂) + (u₂ − p̂₂)²)` to
//!   `θ̂ + √((p̂₂ − l₂)² − 2φ̂(p̂₂ − l₂)(u₁ − p̂₁) + (u₁ − p̂₁)²)`.
//!
//! - **Shares averaged over places** (a value in [0, 1] per run, such as the
//!   share of places whose partnership survives): [`share_interval`] uses
//!   Wilson's interval when every run is exactly 0 or 1 (the values are then
//!   0/1 outcomes), and otherwise the t-interval of the mean on the logit
//!   scale, transformed back (the delta method, as Stata's `proportion`
//!   command does): with mean `m`, standard deviation `s` over `n` runs and
//!   `λ = ln(m/(1 − m))`, the interval is `expit(λ ± t(0.975, n − 1) ·
//!   s/(√n · m(1 − m)))`, `expit(x) = 1/(1 + e^(−x))`. Its ends stay inside
//!   (0, 1); for means away from the bounds it is close to the plain
//!   t-interval, and for 0/1 values with `t` replaced by `z` and `s` by the
//!   divisor-`n` deviation it is the logit interval of Brown, Cai & DasGupta
//!   (2001, *Statistical Science* 16, 101–133).
//!
//! ```
//! use mlgov::analysis::wilson_interval;
//! let (lo, hi) = wilson_interval(0, 20, 0.95).unwrap();
//! assert_eq!(lo, 0.0);
//! assert!((hi - 0.1611).abs() < 1e-4);
//! ```

use super::{Moments, normal_quantile, t_quantile};

/// How [`share_interval`] bounded a share's interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareMethod {
    /// Every value was 0 or 1: Wilson's score interval of the count of ones.
    Wilson,
    /// The t-interval of the mean on the logit scale, transformed back.
    LogitT,
}

impl ShareMethod {
    /// The name written in the `interval` column (`wilson`, `logit_t`).
    pub fn name(self) -> &'static str {
        match self {
            ShareMethod::Wilson => "wilson",
            ShareMethod::LogitT => "logit_t",
        }
    }
}

/// The logit-transformed t-interval of a mean `mean` of values in [0, 1]
/// with standard deviation `sd` over `n` values:
/// `expit(ln(m/(1 − m)) ± t(1 − (1 − level)/2, n − 1) · sd/(√n · m(1 − m)))`.
/// A mean of exactly 0 or 1, or `sd = 0`, gives the point `(mean, mean)`;
/// `None` for `n < 2` or a mean outside [0, 1].
///
/// ```
/// use mlgov::analysis::logit_t_interval;
/// // Ten values with mean 0.9 and sd 0.1: t(0.975, 9) = 2.262157,
/// // logit(0.9) = 2.197225, half-width 2.262157 · 0.1/(√10 · 0.09) = 0.794841.
/// let (lo, hi) = logit_t_interval(0.9, 0.1, 10, 0.95).unwrap();
/// assert!((lo - 0.802562).abs() < 1e-5 && (hi - 0.952214).abs() < 1e-5);
/// ```
pub fn logit_t_interval(mean: f64, sd: f64, n: u64, level: f64) -> Option<(f64, f64)> {
    if n < 2 || !(0.0..=1.0).contains(&mean) || !sd.is_finite() {
        return None;
    }
    if mean == 0.0 || mean == 1.0 || sd == 0.0 {
        return Some((mean, mean));
    }
    let t = t_quantile(1.0 - (1.0 - level) / 2.0, (n - 1) as f64);
    let centre = (mean / (1.0 - mean)).ln();
    let half = t * sd / ((n as f64).sqrt() * mean * (1.0 - mean));
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    Some((expit(centre - half), expit(centre + half)))
}

/// The interval of the mean of `values`, each a share in [0, 1], at
/// confidence `level`, and the method used: Wilson's when every value is 0
/// or 1, otherwise [`logit_t_interval`] with the exact mean and standard
/// deviation of [`Moments`]. `None` when a value is outside [0, 1] or not
/// a number, or there are too few values (none for Wilson, one for the
/// logit interval).
pub fn share_interval(values: &[f64], level: f64) -> Option<(f64, f64, ShareMethod)> {
    if values.iter().any(|v| !(0.0..=1.0).contains(v)) {
        return None;
    }
    let n = values.len() as u64;
    if values.iter().all(|&v| v == 0.0 || v == 1.0) {
        let ones = values.iter().filter(|&&v| v == 1.0).count() as u64;
        let (lo, hi) = wilson_interval(ones, n, level)?;
        return Some((lo, hi, ShareMethod::Wilson));
    }
    let mut m = Moments::new();
    for &v in values {
        m.push(v).ok()?;
    }
    let (lo, hi) = logit_t_interval(m.mean()?, m.sd()?, n, level)?;
    Some((lo, hi, ShareMethod::LogitT))
}

/// The Wilson score interval of a proportion: `x` successes in `n` trials
/// at confidence `level`; `None` for `n = 0` or `x > n`.
pub fn wilson_interval(x: u64, n: u64, level: f64) -> Option<(f64, f64)> {
    if n == 0 || x > n {
        return None;
    }
    let z = normal_quantile(1.0 - (1.0 - level) / 2.0);
    let (x, n, z2) = (x as f64, n as f64, z * z);
    let p = x / n;
    let centre = 2.0 * x + z2;
    let half = z * (z2 + 4.0 * x * (1.0 - p)).sqrt();
    let denom = 2.0 * (n + z2);
    Some((
        ((centre - half) / denom).max(0.0),
        ((centre + half) / denom).min(1.0),
    ))
}

/// The 2 × 2 table of paired binary outcomes (first, second) over the same
/// units (here: replications with common random numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PairedCounts {
    /// Both succeed.
    pub both: u64,
    /// Only the first succeeds.
    pub first_only: u64,
    /// Only the second succeeds.
    pub second_only: u64,
    /// Neither succeeds.
    pub neither: u64,
}

impl PairedCounts {
    /// Adds one pair.
    pub fn push(&mut self, first: bool, second: bool) {
        match (first, second) {
            (true, true) => self.both += 1,
            (true, false) => self.first_only += 1,
            (false, true) => self.second_only += 1,
            (false, false) => self.neither += 1,
        }
    }

    /// Pairs.
    pub fn n(&self) -> u64 {
        self.both + self.first_only + self.second_only + self.neither
    }

    /// `p̂₁ − p̂₂` with Newcombe's method-10 interval at confidence `level`:
    /// `(difference, low, high)`; `None` when there are no pairs.
    pub fn difference_ci(&self, level: f64) -> Option<(f64, f64, f64)> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let (a, b, c, d) = (
            self.both as f64,
            self.first_only as f64,
            self.second_only as f64,
            self.neither as f64,
        );
        let nf = n as f64;
        let (p1, p2) = ((a + b) / nf, (a + c) / nf);
        let (l1, u1) = wilson_interval(self.both + self.first_only, n, level)?;
        let (l2, u2) = wilson_interval(self.both + self.second_only, n, level)?;
        let margins = (a + b) * (c + d) * (a + c) * (b + d);
        let cross = a * d - b * c;
        let corrected = if cross > nf / 2.0 {
            cross - nf / 2.0
        } else if cross < 0.0 {
            cross
        } else {
            0.0
        };
        let phi = if margins > 0.0 {
            corrected / margins.sqrt()
        } else {
            0.0
        };
        let theta = p1 - p2;
        let root = |x: f64, y: f64| (x * x - 2.0 * phi * x * y + y * y).max(0.0).sqrt();
        Some((
            theta,
            theta - root(p1 - l1, u2 - p2),
            theta + root(p2 - l2, u1 - p1),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_newcombes_published_examples() {
        // Newcombe (1998), "Two-sided confidence intervals for the single
        // proportion", Statistics in Medicine 17, 857–872, Table II
        // (method 3, Wilson score without continuity correction).
        let published = [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ];
        for (x, n, lo, hi) in published {
            let (l, h) = wilson_interval(x, n, 0.95).unwrap();
            assert!(
                (l - lo).abs() < 5e-5 && (h - hi).abs() < 5e-5,
                "{x}/{n}: {l} {h}"
            );
        }
        assert_eq!(wilson_interval(20, 20, 0.95).unwrap().1, 1.0);
        assert_eq!(wilson_interval(1, 0, 0.95), None);
        assert_eq!(wilson_interval(3, 2, 0.95), None);
    }

    #[test]
    fn newcombe_paired_matches_the_published_example() {
        // Complete response before and after consolidation therapy (Cavo et
        // al. 2012), worked in Fagerland, Lydersen & Laake (2017),
        // *Statistical Analysis of Contingency Tables*, ch. 8: the
        // Newcombe square-and-add interval is −0.0621 (−0.1186 to −0.0046).
        let t = PairedCounts {
            both: 59,
            first_only: 6,
            second_only: 16,
            neither: 80,
        };
        let (d, lo, hi) = t.difference_ci(0.95).unwrap();
        assert!((d + 0.0621).abs() < 5e-5);
        assert!((lo + 0.1186).abs() < 5e-5, "{lo}");
        assert!((hi + 0.0046).abs() < 5e-5, "{hi}");
    }

    #[test]
    fn paired_interval_edge_cases() {
        let mut same = PairedCounts::default();
        (0..30).for_each(|k| same.push(k % 3 == 0, k % 3 == 0));
        let (d, lo, hi) = same.difference_ci(0.95).unwrap();
        assert_eq!(d, 0.0);
        assert!(lo < 0.0 && hi > 0.0 && lo >= -1.0 && hi <= 1.0);
        let mut all = PairedCounts::default();
        (0..10).for_each(|_| all.push(true, false));
        let (d, lo, hi) = all.difference_ci(0.95).unwrap();
        assert_eq!(d, 1.0);
        assert!(lo > 0.5 && hi <= 1.0 + 1e-12);
        assert_eq!(PairedCounts::default().difference_ci(0.95), None);
    }

    #[test]
    fn logit_interval_is_the_t_interval_on_the_logit_scale() {
        // Closed form: logit(lo) and logit(hi) lie t·sd/(√n·m(1 − m)) either
        // side of logit(m).
        let logit = |p: f64| (p / (1.0 - p)).ln();
        for (m, sd, n) in [(0.9, 0.1, 10), (0.3, 0.25, 50), (0.995, 0.02, 200)] {
            let (lo, hi) = logit_t_interval(m, sd, n, 0.95).unwrap();
            let t = t_quantile(0.975, (n - 1) as f64);
            let half = t * sd / ((n as f64).sqrt() * m * (1.0 - m));
            assert!((logit(m) - logit(lo) - half).abs() < 1e-9);
            assert!((logit(hi) - logit(m) - half).abs() < 1e-9);
            assert!(0.0 < lo && lo < m && m < hi && hi < 1.0);
        }
        // Far from the bounds and with many values it is the t-interval.
        let (lo, hi) = logit_t_interval(0.5, 0.1, 10_000, 0.95).unwrap();
        let half = t_quantile(0.975, 9_999.0) * 0.1 / 100.0;
        assert!((lo - (0.5 - half)).abs() < 1e-6 && (hi - (0.5 + half)).abs() < 1e-6);
        // Brown, Cai & DasGupta's logit interval for x of n 0/1 outcomes,
        // expit(λ ± z/√(n p(1 − p))), once sd is the divisor-n deviation
        // and t is replaced by z (through an sd scaled by z/t).
        let (x, n) = (17u64, 20u64);
        let p = x as f64 / n as f64;
        let z = normal_quantile(0.975);
        let t = t_quantile(0.975, (n - 1) as f64);
        let sd = (p * (1.0 - p)).sqrt() * z / t;
        let (lo, hi) = logit_t_interval(p, sd, n, 0.95).unwrap();
        let h = z / (n as f64 * p * (1.0 - p)).sqrt();
        let expit = |v: f64| 1.0 / (1.0 + (-v).exp());
        assert!((lo - expit(logit(p) - h)).abs() < 1e-12);
        assert!((hi - expit(logit(p) + h)).abs() < 1e-12);
        assert_eq!(logit_t_interval(1.0, 0.0, 5, 0.95), Some((1.0, 1.0)));
        assert_eq!(logit_t_interval(0.5, 0.1, 1, 0.95), None);
        assert_eq!(logit_t_interval(1.2, 0.1, 5, 0.95), None);
    }

    #[test]
    fn share_interval_picks_wilson_for_zero_one_values() {
        let values = [1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let (lo, hi, method) = share_interval(&values, 0.95).unwrap();
        assert_eq!(method, ShareMethod::Wilson);
        assert_eq!(Some((lo, hi)), wilson_interval(9, 10, 0.95));
        let all = [1.0; 30];
        let (lo, hi, _) = share_interval(&all, 0.95).unwrap();
        assert!(lo > 0.88 && lo < 1.0 && hi == 1.0);
        let shares = [1.0, 11.0 / 12.0, 1.0, 1.0, 10.0 / 12.0];
        let (lo, hi, method) = share_interval(&shares, 0.95).unwrap();
        assert_eq!(method, ShareMethod::LogitT);
        assert!(lo > 0.0 && hi < 1.0, "{lo} {hi}");
        assert_eq!(share_interval(&[0.5, 1.5], 0.95), None);
        assert_eq!(share_interval(&[f64::NAN, 0.5], 0.95), None);
        assert_eq!(share_interval(&[0.5], 0.95), None);
    }

    #[test]
    fn share_intervals_stay_in_bounds_and_cover_where_t_intervals_leave_them() {
        // Runs whose outcome is the share of 12 places that survive, each
        // with probability 0.95: 25 runs per experiment, 2,000 experiments.
        use rand::SeedableRng;
        use rand_distr::{Binomial, Distribution};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        let places = Binomial::new(12, 0.95).unwrap();
        let (mut covered, mut t_outside) = (0, 0);
        let experiments = 2_000;
        for _ in 0..experiments {
            let values: Vec<f64> = (0..25)
                .map(|_| places.sample(&mut rng) as f64 / 12.0)
                .collect();
            let (lo, hi, _) = share_interval(&values, 0.95).unwrap();
            assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
            covered += usize::from(lo <= 0.95 && 0.95 <= hi);
            let mut m = Moments::new();
            values.iter().for_each(|&v| m.push(v).unwrap());
            if let Some((_, t_hi)) = m.mean_ci(0.95) {
                t_outside += usize::from(t_hi > 1.0);
            }
        }
        let coverage = covered as f64 / experiments as f64;
        assert!((0.93..=0.97).contains(&coverage), "coverage {coverage}");
        assert!(t_outside > 0, "the t-interval never left [0, 1] here");
    }
}
