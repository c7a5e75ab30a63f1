//! Numeric parameters that are either a fixed number or a distribution sampled
//! afresh for every replication.
//!
//! In a scenario file a parameter is written as a number (`forgetting = 0.95`)
//! or as a table naming a distribution:
//!
//! ```toml
//! forgetting = { dist = "uniform", low = 0.9, high = 0.99 }
//! prior = { dist = "truncated_normal", mean = 0.5, sd = 0.1, low = 0.2, high = 0.8 }
//! ```

use rand::Rng;
use rand_distr::Distribution as _;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A probability distribution for an uncertain parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dist {
    /// Uniform on [low, high].
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Normal with mean and standard deviation (unbounded support).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
    },
    /// Normal restricted to [low, high] (sampled by rejection).
    TruncatedNormal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal (> 0).
        sd: f64,
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Beta(alpha, beta) scaled to [low, high] (default [0, 1]).
    Beta {
        /// First shape (> 0).
        alpha: f64,
        /// Second shape (> 0).
        beta: f64,
        /// Lower bound of the scaled support.
        #[serde(default)]
        low: Option<f64>,
        /// Upper bound of the scaled support.
        #[serde(default)]
        high: Option<f64>,
    },
    /// Triangular on [low, high] with the given mode.
    Triangular {
        /// Lower bound.
        low: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        high: f64,
    },
    /// Log-normal: exp(N(mu, sigma²)), support (0, ∞).
    Lognormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm (> 0).
        sigma: f64,
    },
}

impl Dist {
    /// Problems with the distribution's own parameters, if any.
    pub fn problem(&self) -> Option<String> {
        let finite = |xs: &[(&str, f64)]| -> Option<String> {
            xs.iter()
                .find(|(_, v)| !v.is_finite())
                .map(|(n, v)| format!("`{n}` must be a finite number, got {v}"))
        };
        match *self {
            Dist::Uniform { low, high } => finite(&[("low", low), ("high", high)])
                .or_else(|| (low >= high).then(|| format!("needs low < high, got low = {low}, high = {high}"))),
            Dist::Normal { mean, sd } => finite(&[("mean", mean), ("sd", sd)])
                .or_else(|| (sd <= 0.0).then(|| format!("needs sd > 0, got {sd}"))),
            Dist::TruncatedNormal { mean, sd, low, high } => {
                finite(&[("mean", mean), ("sd", sd), ("low", low), ("high", high)])
                    .or_else(|| (sd <= 0.0).then(|| format!("needs sd > 0, got {sd}")))
                    .or_else(|| (low >= high).then(|| format!("needs low < high, got low = {low}, high = {high}")))
                    .or_else(|| {
                        let z_lo = (low - mean) / sd;
                        let z_hi = (high - mean) / sd;
                        (z_lo > 5.0 || z_hi < -5.0).then(|| {
                            format!("[{low}, {high}] lies more than 5 sd from the mean {mean}: almost no mass to sample")
                        })
                    })
            }
            Dist::Beta { alpha, beta, low, high } => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                finite(&[("alpha", alpha), ("beta", beta), ("low", lo), ("high", hi)])
                    .or_else(|| (alpha <= 0.0 || beta <= 0.0).then(|| format!("needs alpha > 0 and beta > 0, got {alpha}, {beta}")))
                    .or_else(|| (lo >= hi).then(|| format!("needs low < high, got low = {lo}, high = {hi}")))
            }
            Dist::Triangular { low, mode, high } => finite(&[("low", low), ("mode", mode), ("high", high)])
                .or_else(|| {
                    (!(low <= mode && mode <= high && low < high))
                        .then(|| format!("needs low <= mode <= high and low < high, got {low}, {mode}, {high}"))
                }),
            Dist::Lognormal { mu, sigma } => finite(&[("mu", mu), ("sigma", sigma)])
                .or_else(|| (sigma <= 0.0).then(|| format!("needs sigma > 0, got {sigma}"))),
        }
    }

    /// The support [low, high] (infinite ends for unbounded distributions).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Uniform { low, high } => (low, high),
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::TruncatedNormal { low, high, .. } => (low, high),
            Dist::Beta { low, high, .. } => (low.unwrap_or(0.0), high.unwrap_or(1.0)),
            Dist::Triangular { low, high, .. } => (low, high),
            Dist::Lognormal { .. } => (0.0, f64::INFINITY),
        }
    }

    /// Bounds for sensitivity analysis: the support where it is finite, else
    /// the central 98% (mean ± 2.326 sd for the normal; the 1st and 99th
    /// percentiles for the log-normal).
    pub fn analysis_bounds(&self) -> (f64, f64) {
        const Z99: f64 = 2.326_347_874_040_841;
        match *self {
            Dist::Normal { mean, sd } => (mean - Z99 * sd, mean + Z99 * sd),
            Dist::Lognormal { mu, sigma } => ((mu - Z99 * sigma).exp(), (mu + Z99 * sigma).exp()),
            _ => self.support(),
        }
    }

    /// A central value: the mean (mode for the triangular).
    pub fn nominal(&self) -> f64 {
        match *self {
            Dist::Uniform { low, high } => 0.5 * (low + high),
            Dist::Normal { mean, .. } => mean,
            Dist::TruncatedNormal {
                mean, low, high, ..
            } => mean.clamp(low, high),
            Dist::Beta {
                alpha,
                beta,
                low,
                high,
            } => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                lo + (hi - lo) * alpha / (alpha + beta)
            }
            Dist::Triangular { mode, .. } => mode,
            Dist::Lognormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
        }
    }

    /// Draws one value. Assumes [`Dist::problem`] returned `None`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Dist::Uniform { low, high } => low + (high - low) * unit(rng),
            Dist::Normal { mean, sd } => mean + sd * std_normal(rng),
            Dist::TruncatedNormal {
                mean,
                sd,
                low,
                high,
            } => {
                for _ in 0..100_000 {
                    let x = mean + sd * std_normal(rng);
                    if (low..=high).contains(&x) {
                        return x;
                    }
                }
                mean.clamp(low, high)
            }
            Dist::Beta {
                alpha,
                beta,
                low,
                high,
            } => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                let b = rand_distr::Beta::new(alpha, beta).expect("checked beta shapes");
                lo + (hi - lo) * b.sample(rng)
            }
            Dist::Triangular { low, mode, high } => {
                let u = unit(rng);
                let f = (mode - low) / (high - low);
                if u < f {
                    low + ((high - low) * (mode - low) * u).sqrt()
                } else {
                    high - ((high - low) * (high - mode) * (1.0 - u)).sqrt()
                }
            }
            Dist::Lognormal { mu, sigma } => (mu + sigma * std_normal(rng)).exp(),
        }
    }
}

fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    // 53 random bits in [0, 1).
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn std_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    rand_distr::StandardNormal.sample(rng)
}

/// A numeric parameter: a fixed number or a distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Param {
    /// A fixed value.
    Fixed(f64),
    /// Sampled per replication.
    Dist(Dist),
}

impl Param {
    /// The fixed value, or the distribution's central value.
    pub fn value(&self) -> f64 {
        match self {
            Param::Fixed(v) => *v,
            Param::Dist(d) => d.nominal(),
        }
    }

    /// True when the parameter is a distribution.
    pub fn is_uncertain(&self) -> bool {
        matches!(self, Param::Dist(_))
    }
}

impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::Fixed(v)
    }
}

/// The allowed range of a parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Whether `low` itself is excluded.
    pub low_open: bool,
    /// Whether `high` itself is excluded.
    pub high_open: bool,
}

impl Range {
    /// [low, high].
    pub const fn closed(low: f64, high: f64) -> Self {
        Self {
            low,
            high,
            low_open: false,
            high_open: false,
        }
    }
    /// (low, high].
    pub const fn left_open(low: f64, high: f64) -> Self {
        Self {
            low,
            high,
            low_open: true,
            high_open: false,
        }
    }
    /// [low, ∞).
    pub const fn at_least(low: f64) -> Self {
        Self {
            low,
            high: f64::INFINITY,
            low_open: false,
            high_open: true,
        }
    }

    /// Whether `v` lies in the range.
    pub fn contains(&self, v: f64) -> bool {
        if !v.is_finite() {
            return false;
        }
        let lo_ok = if self.low_open {
            v > self.low
        } else {
            v >= self.low
        };
        let hi_ok = if self.high_open {
            v < self.high
        } else {
            v <= self.high
        };
        lo_ok && hi_ok
    }

    /// Whether the support [lo, hi] of a distribution fits in the range.
    pub fn contains_support(&self, lo: f64, hi: f64) -> bool {
        // An open end still admits a support starting there: a continuous
        // distribution puts no mass on the end point itself.
        let lo_ok = if lo.is_infinite() {
            self.low == f64::NEG_INFINITY
        } else {
            lo >= self.low
        };
        let hi_ok = if hi.is_infinite() {
            self.high == f64::INFINITY
        } else {
            hi <= self.high
        };
        lo_ok && hi_ok
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hi = if self.high.is_infinite() {
            "∞".to_string()
        } else {
            self.high.to_string()
        };
        write!(
            f,
            "{}{}, {}{}",
            if self.low_open { "(" } else { "[" },
            self.low,
            hi,
            if self.high_open { ")" } else { "]" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng_from_seed;

    #[test]
    fn samples_stay_in_support() {
        let mut rng = rng_from_seed(3);
        let dists = [
            Dist::Uniform {
                low: 0.2,
                high: 0.4,
            },
            Dist::TruncatedNormal {
                mean: 0.5,
                sd: 0.3,
                low: 0.1,
                high: 0.9,
            },
            Dist::Beta {
                alpha: 2.0,
                beta: 5.0,
                low: Some(1.0),
                high: Some(3.0),
            },
            Dist::Triangular {
                low: 0.0,
                mode: 0.7,
                high: 1.0,
            },
            Dist::Lognormal {
                mu: 0.0,
                sigma: 0.5,
            },
        ];
        for d in dists {
            assert!(d.problem().is_none());
            let (lo, hi) = d.support();
            for _ in 0..2000 {
                let x = d.sample(&mut rng);
                assert!(x >= lo && x <= hi, "{d:?} gave {x}");
            }
        }
    }

    #[test]
    fn sample_means_match() {
        let mut rng = rng_from_seed(11);
        let n = 20_000;
        for (d, mean) in [
            (
                Dist::Uniform {
                    low: 1.0,
                    high: 3.0,
                },
                2.0,
            ),
            (
                Dist::Normal {
                    mean: -1.0,
                    sd: 2.0,
                },
                -1.0,
            ),
            (
                Dist::Triangular {
                    low: 0.0,
                    mode: 0.5,
                    high: 1.0,
                },
                0.5,
            ),
            (
                Dist::Beta {
                    alpha: 2.0,
                    beta: 2.0,
                    low: None,
                    high: None,
                },
                0.5,
            ),
        ] {
            let m: f64 = (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64;
            assert!((m - mean).abs() < 0.05, "{d:?}: {m}");
        }
    }

    #[test]
    fn problems_are_named() {
        assert!(
            Dist::Uniform {
                low: 1.0,
                high: 0.0
            }
            .problem()
            .unwrap()
            .contains("low < high")
        );
        assert!(
            Dist::Normal { mean: 0.0, sd: 0.0 }
                .problem()
                .unwrap()
                .contains("sd > 0")
        );
        assert!(
            Dist::Triangular {
                low: 0.0,
                mode: 2.0,
                high: 1.0
            }
            .problem()
            .is_some()
        );
        let r = Range::left_open(0.0, 1.0);
        assert!(!r.contains(0.0) && r.contains(1.0));
        assert!(!r.contains_support(f64::NEG_INFINITY, 0.5));
        assert_eq!(r.to_string(), "(0, 1]");
    }
}
