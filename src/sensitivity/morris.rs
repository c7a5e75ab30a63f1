//! Morris elementary effects (Morris 1991), with `mu_star` (Campolongo,
//! Cariboni & Saltelli 2007).
//!
//! Each parameter's range is mapped to `[0, 1]` and cut into a grid of `p`
//! levels `0, 1/(p-1), ..., 1`. A trajectory starts at a random grid point
//! and moves one parameter at a time, in random order and direction, by
//! `Delta = p / (2 (p - 1))`; `k` parameters take `k + 1` points per
//! trajectory. The elementary effect of parameter `i` on the way is
//!
//! ```text
//! EE_i = (f(x + Delta e_i) - f(x)) / Delta
//! ```
//!
//! with `x` in unit-cube coordinates, so effects are in output units per full
//! parameter range and comparable across parameters. Over `r` trajectories:
//! `mu` = mean of `EE_i`, `mu_star` = mean of `|EE_i|` (immune to effects of
//! opposite signs cancelling), `sigma` = sample standard deviation of `EE_i`
//! (denominator `r - 1`). For a linear function `EE_i` is constant, so
//! `sigma = 0`; non-linearity and interactions make it positive.

use super::eval::evaluate;
use super::{DESIGN_STREAM, Problem, SensitivityError, check_threads, scale_point};
use crate::sim::{ModelError, rng_from_seed, stream_seed};
use rand::RngExt;

/// The fewest trajectories accepted: `sigma` is a sample standard deviation
/// and needs at least two elementary effects per parameter. Two is a floor,
/// not advice; screening usually takes 10 to 50 trajectories.
pub const MORRIS_MIN_TRAJECTORIES: usize = 2;

/// Settings of a Morris analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisOptions {
    /// Number of trajectories `r` (at least [`MORRIS_MIN_TRAJECTORIES`]).
    pub trajectories: usize,
    /// Grid levels `p`, even and at least 2. The default 4 (`Delta = 2/3`)
    /// follows Saltelli et al. (2008), section 3.3.
    pub levels: usize,
    /// Seed of the trajectories' random numbers (drawn from the stream
    /// [`DESIGN_STREAM`] of this seed).
    pub seed: u64,
    /// Worker threads for evaluations (`None`: all cores). Results do not
    /// depend on it.
    pub threads: Option<usize>,
}

impl Default for MorrisOptions {
    fn default() -> Self {
        Self {
            trajectories: 20,
            levels: 4,
            seed: 0,
            threads: None,
        }
    }
}

/// A Morris design in unit-cube coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    /// `r (k + 1)` points in `[0, 1]^k`; trajectory `t` is rows
    /// `t (k + 1) ..= t (k + 1) + k`.
    pub points: Vec<Vec<f64>>,
    /// `r k` moves, trajectory by trajectory: move `m` of trajectory `t`
    /// (from row `t (k + 1) + m` to the next) changes parameter `.0`, upwards
    /// when `.1` is true.
    pub moves: Vec<(usize, bool)>,
    /// Step `Delta` in unit-cube coordinates.
    pub delta: f64,
    /// Number of parameters `k`.
    pub dimension: usize,
    /// Number of trajectories `r`.
    pub trajectories: usize,
    /// Grid levels `p`.
    pub levels: usize,
}

/// Morris measures of one parameter for one output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndices {
    /// Mean elementary effect.
    pub mu: f64,
    /// Mean absolute elementary effect.
    pub mu_star: f64,
    /// Standard deviation of the elementary effects.
    pub sigma: f64,
}

/// The outcome of a Morris analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisResult {
    /// Parameter names, in problem order.
    pub parameters: Vec<String>,
    /// Output (metric) names.
    pub outputs: Vec<String>,
    /// `indices[o][i]`: output `o`, parameter `i`.
    pub indices: Vec<Vec<MorrisIndices>>,
    /// Trajectories `r`.
    pub trajectories: usize,
    /// Grid levels `p`.
    pub levels: usize,
    /// Function evaluations made, `r (k + 1)`.
    pub evaluations: usize,
}

/// Draws `opts.trajectories` Morris trajectories over `k` parameters
/// (Morris 1991, section 3: random base point on the grid, random direction
/// per parameter, random order of moves).
pub fn morris_design(k: usize, opts: &MorrisOptions) -> Result<MorrisDesign, SensitivityError> {
    check_options(opts)?;
    if k == 0 {
        return Err(SensitivityError::TooFewParameters { found: 0, min: 1 });
    }
    let p = opts.levels;
    let half = p / 2;
    let to_unit = |level: usize| level as f64 / (p - 1) as f64;
    let mut rng = rng_from_seed(stream_seed(opts.seed, DESIGN_STREAM));
    let r = opts.trajectories;
    let mut points = Vec::with_capacity(r * (k + 1));
    let mut moves = Vec::with_capacity(r * k);
    let mut order: Vec<usize> = (0..k).collect();
    for _ in 0..r {
        // Grid levels, kept as integers so every coordinate is exact.
        let base: Vec<usize> = (0..k).map(|_| rng.random_range(0..half)).collect();
        let up: Vec<bool> = (0..k).map(|_| rng.random_bool(0.5)).collect();
        for i in (1..k).rev() {
            let j = rng.random_range(0..=i);
            order.swap(i, j);
        }
        // Moving down starts Delta (= p/2 levels) higher, so the trajectory
        // stays on the grid.
        let mut level: Vec<usize> = base
            .iter()
            .zip(&up)
            .map(|(&b, &u)| if u { b } else { b + half })
            .collect();
        points.push(level.iter().map(|&l| to_unit(l)).collect());
        for &i in &order {
            level[i] = if up[i] {
                level[i] + half
            } else {
                level[i] - half
            };
            points.push(level.iter().map(|&l| to_unit(l)).collect());
            moves.push((i, up[i]));
        }
    }
    Ok(MorrisDesign {
        points,
        moves,
        delta: half as f64 / (p - 1) as f64,
        dimension: k,
        trajectories: r,
        levels: p,
    })
}

/// Morris measures from a design and the outputs at its points (scaled to the
/// problem's box), `outputs[j]` belonging to `design.points[j]`.
pub fn morris_analyse(
    problem: &Problem,
    design: &MorrisDesign,
    outputs: &[Vec<f64>],
) -> Result<MorrisResult, SensitivityError> {
    let k = design.dimension;
    let r = design.trajectories;
    if problem.dimension() != k {
        return Err(SensitivityError::DesignMismatch(format!(
            "the problem has {} parameters, the design {k}",
            problem.dimension()
        )));
    }
    let width = check_outputs(outputs, design.points.len())?;
    let mut effects = vec![vec![Vec::with_capacity(r); k]; width];
    for t in 0..r {
        for m in 0..k {
            let (i, up) = design.moves[t * k + m];
            let before = &outputs[t * (k + 1) + m];
            let after = &outputs[t * (k + 1) + m + 1];
            for o in 0..width {
                let change = if up {
                    after[o] - before[o]
                } else {
                    before[o] - after[o]
                };
                effects[o][i].push(change / design.delta);
            }
        }
    }
    let indices = effects
        .iter()
        .map(|per_param| per_param.iter().map(|ee| measures(ee)).collect())
        .collect();
    Ok(MorrisResult {
        parameters: problem.parameters().to_vec(),
        outputs: problem.output_names(width),
        indices,
        trajectories: r,
        levels: design.levels,
        evaluations: design.points.len(),
    })
}

/// Runs a Morris analysis of `f` over `problem`: design, parallel evaluation,
/// measures.
pub fn morris<F>(
    f: F,
    problem: &Problem,
    opts: &MorrisOptions,
) -> Result<MorrisResult, SensitivityError>
where
    F: Fn(&[f64]) -> Result<Vec<f64>, ModelError> + Sync,
{
    morris_with_progress(f, problem, opts, &|| {})
}

/// [`morris`], calling `progress` once per finished evaluation.
pub fn morris_with_progress<F>(
    f: F,
    problem: &Problem,
    opts: &MorrisOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<MorrisResult, SensitivityError>
where
    F: Fn(&[f64]) -> Result<Vec<f64>, ModelError> + Sync,
{
    problem.require_two()?;
    check_threads(opts.threads)?;
    let design = morris_design(problem.dimension(), opts)?;
    let points: Vec<Vec<f64>> = design
        .points
        .iter()
        .map(|u| scale_point(u, problem.bounds()))
        .collect();
    let outputs = evaluate(&f, problem, &points, opts.threads, progress)?;
    morris_analyse(problem, &design, &outputs)
}

fn check_options(opts: &MorrisOptions) -> Result<(), SensitivityError> {
    if opts.trajectories < MORRIS_MIN_TRAJECTORIES {
        return Err(SensitivityError::TooFewSamples {
            method: "morris",
            got: opts.trajectories,
            min: MORRIS_MIN_TRAJECTORIES,
            why: "trajectories; sigma needs two elementary effects per parameter",
        });
    }
    if opts.levels < 2 || !opts.levels.is_multiple_of(2) {
        return Err(SensitivityError::InvalidOption(format!(
            "Morris levels must be even and at least 2, got {}",
            opts.levels
        )));
    }
    Ok(())
}

/// Checks that there is one output vector per point, all of one non-zero
/// width, and returns the width.
pub(super) fn check_outputs(
    outputs: &[Vec<f64>],
    points: usize,
) -> Result<usize, SensitivityError> {
    if outputs.len() != points {
        return Err(SensitivityError::DesignMismatch(format!(
            "{} output vectors for {points} design points",
            outputs.len()
        )));
    }
    let width = outputs.first().map_or(0, Vec::len);
    if width == 0 {
        return Err(SensitivityError::DesignMismatch("no outputs".into()));
    }
    if let Some(j) = outputs.iter().position(|y| y.len() != width) {
        return Err(SensitivityError::DesignMismatch(format!(
            "point {j} has {} outputs, point 0 has {width}",
            outputs[j].len()
        )));
    }
    Ok(width)
}

/// `mu`, `mu_star` and `sigma` of one parameter's elementary effects.
fn measures(ee: &[f64]) -> MorrisIndices {
    let n = ee.len() as f64;
    let mu = ee.iter().sum::<f64>() / n;
    let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / n;
    let ss = ee.iter().map(|e| (e - mu) * (e - mu)).sum::<f64>();
    let sigma = if ee.len() > 1 {
        (ss / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    MorrisIndices { mu, mu_star, sigma }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories_stay_on_the_grid_and_move_one_parameter_by_delta() {
        let opts = MorrisOptions {
            trajectories: 7,
            levels: 6,
            seed: 3,
            threads: Some(1),
        };
        let d = morris_design(5, &opts).unwrap();
        assert_eq!(d.points.len(), 7 * 6);
        assert!((d.delta - 0.6).abs() < 1e-15);
        for t in 0..7 {
            for m in 0..5 {
                let (a, b) = (&d.points[t * 6 + m], &d.points[t * 6 + m + 1]);
                let changed: Vec<usize> = (0..5).filter(|&j| a[j] != b[j]).collect();
                assert_eq!(changed, vec![d.moves[t * 5 + m].0]);
                let i = changed[0];
                let step = if d.moves[t * 5 + m].1 {
                    b[i] - a[i]
                } else {
                    a[i] - b[i]
                };
                assert!((step - d.delta).abs() < 1e-12);
            }
            // Every parameter moves exactly once per trajectory.
            let mut moved: Vec<usize> = d.moves[t * 5..(t + 1) * 5].iter().map(|m| m.0).collect();
            moved.sort_unstable();
            assert_eq!(moved, vec![0, 1, 2, 3, 4]);
        }
        for p in &d.points {
            for &u in p {
                assert!((0.0..=1.0).contains(&u));
                let level = u * 5.0;
                assert!((level - level.round()).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn odd_levels_and_single_trajectories_are_refused() {
        let mut opts = MorrisOptions {
            levels: 5,
            ..MorrisOptions::default()
        };
        assert!(morris_design(3, &opts).is_err());
        opts.levels = 4;
        opts.trajectories = 1;
        assert!(matches!(
            morris_design(3, &opts),
            Err(SensitivityError::TooFewSamples { min: 2, .. })
        ));
    }
}
