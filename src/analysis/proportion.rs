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
//! ```
//! use mlgov::analysis::wilson_interval;
//! let (lo, hi) = wilson_interval(0, 20, 0.95).unwrap();
//! assert_eq!(lo, 0.0);
//! assert!((hi - 0.1611).abs() < 1e-4);
//! ```

use super::normal_quantile;

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
}
