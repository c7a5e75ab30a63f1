//! Sobol' variance-based indices from Saltelli's design.
//!
//! Design (Saltelli 2002; Saltelli et al. 2010, section 3): take `N` points of
//! a `2k`-dimensional Sobol' sequence; the first `k` coordinates form matrix
//! `A`, the last `k` matrix `B`, and `A_B^(i)` is `A` with column `i` taken
//! from `B`. The function is evaluated at the rows of `A`, `B` and every
//! `A_B^(i)`: `N (k + 2)` evaluations.
//!
//! Estimators, with `V` the variance of the `2N` values `f(A)`, `f(B)`:
//!
//! ```text
//! S1_i = (1/N) sum_j f(B)_j (f(A_B^(i))_j - f(A)_j) / V          (Saltelli et al. 2010, Table 2 (b))
//! ST_i = (1/(2N)) sum_j (f(A)_j - f(A_B^(i))_j)^2 / V           (Jansen 1999; Saltelli et al. 2010, Table 2 (f))
//! ```
//!
//! Outputs are centred on the mean of `f(A)` and `f(B)` first: a constant
//! shift leaves both estimators' expectations unchanged but, uncentred, adds
//! noise to `S1` proportional to the output's mean.
//!
//! Confidence intervals are bootstrap percentile intervals (Efron &
//! Tibshirani 1993, ch. 13): the `N` rows (each row is `A_j`, `B_j` and the
//! `A_B^(i)_j` together) are resampled with replacement `bootstrap` times, the
//! indices recomputed each time, and the interval is the pair of
//! `(1 - confidence)/2` and `(1 + confidence)/2` percentiles (linear
//! interpolation between order statistics). Resample `b` draws from its own
//! generator, seeded from `(seed, BOOTSTRAP_STREAM, b)`, so intervals are the
//! same for any thread count. The points are quasi-random rather than
//! independent, so the intervals are indicative (usually conservative), not
//! exact.
//!
//! When an output does not vary at all (`V = 0`), its indices are undefined
//! and reported as NaN.

use super::eval::evaluate_indexed;
use super::morris::check_outputs;
use super::{
    BOOTSTRAP_STREAM, Problem, SensitivityError, SobolSequence, check_threads, scale_point,
    sobol_seq::SOBOL_MAX_DIMENSIONS,
};
use crate::sim::{ModelError, rng_from_seed, stream_seed};
use rand::RngExt;
use rayon::prelude::*;

/// The smallest base sample `N` accepted. Below it the estimators' error (of
/// order `1/sqrt(N)` of the variance) swamps all but the largest indices and
/// the bootstrap resamples too few distinct rows for its percentiles to mean
/// anything. It is a floor, not advice: 512 to 8192 is usual.
pub const SOBOL_MIN_SAMPLES: usize = 32;

/// Settings of a Sobol' analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolOptions {
    /// Base sample size `N` (at least [`SOBOL_MIN_SAMPLES`]; a power of two
    /// keeps the Sobol' points balanced).
    pub samples: usize,
    /// Bootstrap resamples for the confidence intervals (default 1000).
    pub bootstrap: usize,
    /// Confidence level of the intervals, in (0, 1) (default 0.95).
    pub confidence: f64,
    /// Seed of the bootstrap (the Sobol' design itself is not random).
    pub seed: u64,
    /// Worker threads for evaluations and the bootstrap (`None`: all cores).
    /// Results do not depend on it.
    pub threads: Option<usize>,
}

impl Default for SobolOptions {
    fn default() -> Self {
        Self {
            samples: 1024,
            bootstrap: 1000,
            confidence: 0.95,
            seed: 0,
            threads: None,
        }
    }
}

/// Sobol' indices of one parameter for one output, with confidence bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndices {
    /// First-order index.
    pub s1: f64,
    /// Lower confidence bound of `s1`.
    pub s1_low: f64,
    /// Upper confidence bound of `s1`.
    pub s1_high: f64,
    /// Total-order index.
    pub st: f64,
    /// Lower confidence bound of `st`.
    pub st_low: f64,
    /// Upper confidence bound of `st`.
    pub st_high: f64,
}

/// The outcome of a Sobol' analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolResult {
    /// Parameter names, in problem order.
    pub parameters: Vec<String>,
    /// Output (metric) names.
    pub outputs: Vec<String>,
    /// `indices[o][i]`: output `o`, parameter `i`.
    pub indices: Vec<Vec<SobolIndices>>,
    /// Variance `V` of each output over `A` and `B`.
    pub variances: Vec<f64>,
    /// Base sample size `N`.
    pub samples: usize,
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Function evaluations made, `N (k + 2)`.
    pub evaluations: usize,
}

/// Saltelli's design over `k` parameters in unit-cube coordinates:
/// `N (k + 2)` points, row by row: `A_j`, `B_j`, `A_B^(1)_j`, ...,
/// `A_B^(k)_j` for `j = 0 .. N`.
///
/// `A` and `B` come from points `0 .. N` of the `2k`-dimensional Sobol'
/// sequence, origin included. Row 0 is then the all-low corner in `A` and in
/// `B`, so its `k + 2` evaluations are equal and add nothing to the
/// numerators; it is kept anyway because the first `2^m` points form a
/// balanced net and dropping one spoils that (Owen 2020, "On dropping the
/// first Sobol' point"). Measured on `y = x0 + 2 x1 + 3 x2 + 0.5 x3`, keeping
/// it makes the largest index error at `N = 1024` about 1e-4 instead of 5e-3.
/// Use `N` a power of two for the same reason.
pub fn saltelli_design(k: usize, samples: usize) -> Result<Vec<Vec<f64>>, SensitivityError> {
    let ab = sobol_rows(k, samples)?;
    Ok((0..samples * (k + 2))
        .map(|i| saltelli_point(&ab, k, i))
        .collect())
}

/// Points `0 .. samples` of the `2k`-dimensional Sobol' sequence: row `j`
/// holds `A_j` then `B_j`.
fn sobol_rows(k: usize, samples: usize) -> Result<Vec<Vec<f64>>, SensitivityError> {
    if k == 0 {
        return Err(SensitivityError::TooFewParameters { found: 0, min: 1 });
    }
    if 2 * k > SOBOL_MAX_DIMENSIONS {
        return Err(SensitivityError::TooManyDimensions {
            requested: 2 * k,
            max: SOBOL_MAX_DIMENSIONS,
        });
    }
    if samples as u64 >= u32::MAX as u64 {
        return Err(SensitivityError::InvalidOption(format!(
            "a Sobol' sample of {samples} exceeds the 2^32 points available"
        )));
    }
    let mut seq = SobolSequence::new(2 * k)?;
    Ok((0..samples)
        .map(|_| seq.next_point().expect("index checked above"))
        .collect())
}

/// Point `i` of Saltelli's design from the `A | B` rows: row `i / (k + 2)`,
/// and within it `A`, `B`, then `A_B^(0)`, ..., `A_B^(k-1)`.
fn saltelli_point(ab: &[Vec<f64>], k: usize, i: usize) -> Vec<f64> {
    let (a, b) = ab[i / (k + 2)].split_at(k);
    match i % (k + 2) {
        0 => a.to_vec(),
        1 => b.to_vec(),
        c => {
            let mut x = a.to_vec();
            x[c - 2] = b[c - 2];
            x
        }
    }
}

/// Sobol' indices from the outputs at the points of
/// [`saltelli_design`]`(k, opts.samples)` (scaled to the problem's box),
/// `outputs[j]` belonging to point `j`. Uses `opts.bootstrap`,
/// `opts.confidence`, `opts.seed` and `opts.threads`.
pub fn sobol_analyse(
    problem: &Problem,
    opts: &SobolOptions,
    outputs: &[Vec<f64>],
) -> Result<SobolResult, SensitivityError> {
    check_options(opts)?;
    let k = problem.dimension();
    let n = opts.samples;
    let width = check_outputs(outputs, n * (k + 2))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()
        .map_err(|e| SensitivityError::ThreadPool {
            threads: opts.threads.unwrap_or(0),
            message: e.to_string(),
        })?;
    let identity: Vec<usize> = (0..n).collect();
    let point = estimate(outputs, k, width, &identity);
    let boot_seed = stream_seed(opts.seed, BOOTSTRAP_STREAM);
    // replicates[b][o] = (s1 per parameter, st per parameter)
    let replicates: Vec<Vec<Estimate>> = pool.install(|| {
        (0..opts.bootstrap)
            .into_par_iter()
            .map(|b| {
                let mut rng = rng_from_seed(stream_seed(boot_seed, b as u64));
                let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
                estimate(outputs, k, width, &rows)
            })
            .collect()
    });
    let (lo_q, hi_q) = ((1.0 - opts.confidence) / 2.0, (1.0 + opts.confidence) / 2.0);
    let mut indices = Vec::with_capacity(width);
    let mut samples = vec![0.0; opts.bootstrap];
    for (o, est) in point.iter().enumerate() {
        let mut per_param = Vec::with_capacity(k);
        for i in 0..k {
            let mut interval = |pick: &dyn Fn(&Estimate) -> f64| {
                for (s, rep) in samples.iter_mut().zip(&replicates) {
                    *s = pick(&rep[o]);
                }
                (
                    percentile(&mut samples, lo_q),
                    percentile(&mut samples, hi_q),
                )
            };
            let (s1_low, s1_high) = interval(&|e| e.s1[i]);
            let (st_low, st_high) = interval(&|e| e.st[i]);
            per_param.push(SobolIndices {
                s1: est.s1[i],
                s1_low,
                s1_high,
                st: est.st[i],
                st_low,
                st_high,
            });
        }
        indices.push(per_param);
    }
    Ok(SobolResult {
        parameters: problem.parameters().to_vec(),
        outputs: problem.output_names(width),
        indices,
        variances: point.iter().map(|e| e.variance).collect(),
        samples: n,
        bootstrap: opts.bootstrap,
        confidence: opts.confidence,
        evaluations: outputs.len(),
    })
}

/// Runs a Sobol' analysis of `f` over `problem`: Saltelli design, parallel
/// evaluation, indices with bootstrap intervals.
pub fn sobol<F>(
    f: F,
    problem: &Problem,
    opts: &SobolOptions,
) -> Result<SobolResult, SensitivityError>
where
    F: Fn(&[f64]) -> Result<Vec<f64>, ModelError> + Sync,
{
    sobol_with_progress(f, problem, opts, &|| {})
}

/// [`sobol`], calling `progress` once per finished evaluation.
pub fn sobol_with_progress<F>(
    f: F,
    problem: &Problem,
    opts: &SobolOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<SobolResult, SensitivityError>
where
    F: Fn(&[f64]) -> Result<Vec<f64>, ModelError> + Sync,
{
    problem.require_two()?;
    check_options(opts)?;
    let k = problem.dimension();
    // A and B are kept (N x 2k numbers); the N (k + 2) points are built as
    // they are evaluated.
    let bounds: Vec<(f64, f64)> = problem
        .bounds()
        .iter()
        .chain(problem.bounds())
        .copied()
        .collect();
    let ab: Vec<Vec<f64>> = sobol_rows(k, opts.samples)?
        .iter()
        .map(|u| scale_point(u, &bounds))
        .collect();
    let point = |i: usize| saltelli_point(&ab, k, i);
    let count = opts.samples * (k + 2);
    let outputs = evaluate_indexed(&f, problem, count, &point, opts.threads, progress)?;
    sobol_analyse(problem, opts, &outputs)
}

fn check_options(opts: &SobolOptions) -> Result<(), SensitivityError> {
    check_threads(opts.threads)?;
    if opts.samples < SOBOL_MIN_SAMPLES {
        return Err(SensitivityError::TooFewSamples {
            method: "sobol",
            got: opts.samples,
            min: SOBOL_MIN_SAMPLES,
            why: "base sample N; the design evaluates N (k + 2) points",
        });
    }
    if opts.bootstrap == 0 {
        return Err(SensitivityError::InvalidOption(
            "the bootstrap needs at least one resample".into(),
        ));
    }
    if !(opts.confidence > 0.0 && opts.confidence < 1.0) {
        return Err(SensitivityError::InvalidOption(format!(
            "confidence must be in (0, 1), got {}",
            opts.confidence
        )));
    }
    Ok(())
}

/// Indices of one output on one set of rows.
struct Estimate {
    s1: Vec<f64>,
    st: Vec<f64>,
    variance: f64,
}

/// First-order and total indices of every output on the given rows of the
/// design (rows may repeat, as in a bootstrap resample).
fn estimate(outputs: &[Vec<f64>], k: usize, width: usize, rows: &[usize]) -> Vec<Estimate> {
    let stride = k + 2;
    let n = rows.len() as f64;
    (0..width)
        .map(|o| {
            let fa = |j: usize| outputs[j * stride][o];
            let fb = |j: usize| outputs[j * stride + 1][o];
            let fab = |j: usize, i: usize| outputs[j * stride + 2 + i][o];
            let mean = rows.iter().map(|&j| fa(j) + fb(j)).sum::<f64>() / (2.0 * n);
            let variance = rows
                .iter()
                .map(|&j| (fa(j) - mean).powi(2) + (fb(j) - mean).powi(2))
                .sum::<f64>()
                / (2.0 * n);
            let mut s1 = vec![0.0; k];
            let mut st = vec![0.0; k];
            for i in 0..k {
                let (mut first, mut total) = (0.0, 0.0);
                for &j in rows {
                    let (a, b, ab) = (fa(j) - mean, fb(j) - mean, fab(j, i) - mean);
                    first += b * (ab - a);
                    total += (a - ab) * (a - ab);
                }
                s1[i] = first / n / variance;
                st[i] = total / (2.0 * n) / variance;
            }
            if variance == 0.0 {
                s1.fill(f64::NAN);
                st.fill(f64::NAN);
            }
            Estimate { s1, st, variance }
        })
        .collect()
}

/// The `q`-quantile of the non-NaN values (linear interpolation between order
/// statistics, Hyndman & Fan 1996 type 7); NaN if every value is NaN. Sorts
/// `values` in place.
fn percentile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let finite = values.iter().take_while(|v| !v.is_nan()).count();
    // total_cmp puts positive NaN last; negative NaN (never produced here) first.
    let v = &values[..finite];
    match v.len() {
        0 => f64::NAN,
        1 => v[0],
        len => {
            let h = (len - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(len - 1);
            v[lo] + (h - lo as f64) * (v[hi] - v[lo])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saltelli_rows_share_columns_as_documented() {
        let d = saltelli_design(3, 4).unwrap();
        assert_eq!(d.len(), 4 * 5);
        for j in 0..4 {
            let (a, b) = (&d[j * 5], &d[j * 5 + 1]);
            for i in 0..3 {
                let abi = &d[j * 5 + 2 + i];
                for c in 0..3 {
                    assert_eq!(abi[c], if c == i { b[c] } else { a[c] });
                }
            }
        }
        // Rows 0 and 1 are Sobol' points 0 and 1: the origin, then 0.5 everywhere.
        assert_eq!(d[0], vec![0.0; 3]);
        assert_eq!(d[5], vec![0.5; 3]);
        assert!(saltelli_design(65, 4).is_err());
    }

    #[test]
    fn percentile_interpolates_and_ignores_nan() {
        let mut v = vec![3.0, f64::NAN, 1.0, 2.0, 4.0];
        assert_eq!(percentile(&mut v, 0.5), 2.5);
        assert_eq!(percentile(&mut v, 0.0), 1.0);
        assert_eq!(percentile(&mut v, 1.0), 4.0);
        assert!(percentile(&mut [f64::NAN], 0.5).is_nan());
    }
}
