//! Evaluating a design: in parallel, collected in design order, failing loudly.
//!
//! Points are handed to a rayon pool of the requested size and the outputs are
//! collected by index, so the result is the same bytes for any thread count.
//! When a point fails, the error reported is always the one of the
//! lowest-indexed failing point: points after a known failure are skipped,
//! points before it are still evaluated, so the earliest failure is found
//! whatever the scheduling.

use super::{Problem, SensitivityError, check_threads};
use crate::sim::{Model, ModelError, ParameterSpace, run_seed, run_single};
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Evaluates `f` at every point of `points` (already in the problem's units)
/// with `threads` workers (`None`: all cores), calling `progress` once per
/// finished point. Returns one output vector per point, in design order.
///
/// Every output vector must have the same length (the problem's output names,
/// if given, fix it) and finite values; anything else is an error naming the
/// point, as is an error returned by `f`. Nothing is dropped silently.
pub fn evaluate<F>(
    f: &F,
    problem: &Problem,
    points: &[Vec<f64>],
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Vec<f64>>, SensitivityError>
where
    F: Fn(&[f64]) -> Result<Vec<f64>, ModelError> + Sync,
{
    evaluate_indexed(
        f,
        problem,
        points.len(),
        &|i| points[i].clone(),
        threads,
        progress,
    )
}

/// [`evaluate`] over `count` points built on demand by `point(i)`, so a large
/// design never has to sit in memory all at once.
pub(super) fn evaluate_indexed<F>(
    f: &F,
    problem: &Problem,
    count: usize,
    point: &(dyn Fn(usize) -> Vec<f64> + Sync),
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Vec<f64>>, SensitivityError>
where
    F: Fn(&[f64]) -> Result<Vec<f64>, ModelError> + Sync,
{
    check_threads(threads)?;
    if count == 0 {
        return Ok(Vec::new());
    }
    // The output width comes from the names or, failing them, from point 0,
    // evaluated first so the width never depends on scheduling.
    let (width, first) = match problem.outputs() {
        Some(names) => (names.len(), None),
        None => {
            let y = call(f, problem, &point(0), 0, None)?;
            progress();
            (y.len(), Some(y))
        }
    };
    if width == 0 {
        return Err(SensitivityError::InvalidProblem(
            "the function has no outputs to analyse".into(),
        ));
    }
    let start = usize::from(first.is_some());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| SensitivityError::ThreadPool {
            threads: threads.unwrap_or(0),
            message: e.to_string(),
        })?;
    let first_failure = AtomicUsize::new(usize::MAX);
    let results: Vec<Option<Result<Vec<f64>, SensitivityError>>> = pool.install(|| {
        (start..count)
            .into_par_iter()
            .map(|i| {
                if i > first_failure.load(Ordering::Relaxed) {
                    return None;
                }
                let r = call(f, problem, &point(i), i, Some(width));
                if r.is_err() {
                    first_failure.fetch_min(i, Ordering::Relaxed);
                }
                progress();
                Some(r)
            })
            .collect()
    });
    let mut outputs = Vec::with_capacity(count);
    outputs.extend(first);
    for r in results {
        // A skipped point (None) always comes after an evaluated failure,
        // which this loop returns first.
        outputs.push(r.expect("a point is skipped only after a reported failure")?);
    }
    Ok(outputs)
}

/// Evaluates point `i` (`x`) and checks the output's width and finiteness.
fn call<F>(
    f: &F,
    problem: &Problem,
    x: &[f64],
    i: usize,
    width: Option<usize>,
) -> Result<Vec<f64>, SensitivityError>
where
    F: Fn(&[f64]) -> Result<Vec<f64>, ModelError> + Sync,
{
    let y = f(x).map_err(|source| SensitivityError::Evaluation {
        index: i,
        point: problem.describe(x),
        source,
    })?;
    let bad = |message: String| SensitivityError::BadOutput {
        index: i,
        point: problem.describe(x),
        message,
    };
    if let Some(w) = width
        && y.len() != w
    {
        return Err(bad(format!("returned {} outputs, expected {w}", y.len())));
    }
    if let Some((j, v)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        let names = problem.output_names(y.len());
        let name = names.get(j).map(String::as_str).unwrap_or("?");
        return Err(bad(format!("output `{name}` is not finite ({v})")));
    }
    Ok(y)
}

/// Adapts a [`Model`] and a [`ParameterSpace`] into a function of the
/// parameter vector: at point `x` it builds the run parameters with
/// [`ParameterSpace::build`], runs the model for `months` months in
/// `replications` replications seeded `run_seed(master_seed, 0..replications)`
/// and returns the mean of each final metric (in
/// [`Model::final_metrics`] order).
///
/// Every point uses the same replication seeds (common random numbers), so
/// differences between points come from the parameters, not from the noise;
/// this is what makes elementary effects and variance shares of a stochastic
/// model meaningful at modest replication counts. Replications run in order
/// inside one evaluation; parallelism is across points.
pub fn model_function<'a, M, S>(
    model: &'a M,
    space: &'a S,
    months: u32,
    replications: u64,
    master_seed: u64,
) -> impl Fn(&[f64]) -> Result<Vec<f64>, ModelError> + Sync + 'a
where
    M: Model,
    S: ParameterSpace<M::Params>,
{
    let width = model.final_metrics().len();
    move |x: &[f64]| {
        if replications == 0 {
            return Err(ModelError::new("replications must be at least 1"));
        }
        let params = space.build(x)?;
        let mut sum = vec![0.0; width];
        for k in 0..replications {
            let seed = run_seed(master_seed, k);
            let run = run_single(model, &params, months, seed)
                .map_err(|e| ModelError::new(format!("replication {k} (seed {seed}): {e}")))?;
            if run.finals.len() != width {
                return Err(ModelError::new(format!(
                    "replication {k} (seed {seed}) returned {} final metrics, expected {width}",
                    run.finals.len()
                )));
            }
            for (s, v) in sum.iter_mut().zip(&run.finals) {
                *s += v;
            }
        }
        let n = replications as f64;
        Ok(sum.into_iter().map(|s| s / n).collect())
    }
}
