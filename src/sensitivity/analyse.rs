//! Sensitivity analysis of a [`Model`] over a [`ParameterSpace`]: the whole job
//! behind `mlgov sensitivity` once a scenario is loaded, kept in the library so
//! that it is usable (and tested) without the command line.

use super::{
    MORRIS_MIN_TRAJECTORIES, MorrisOptions, MorrisResult, Problem, SOBOL_MIN_SAMPLES,
    SensitivityError, SobolOptions, SobolResult, check_threads, model_function,
    morris_with_progress, sobol_with_progress, write_morris_csv, write_sobol_csv,
};
use crate::sim::{Model, ParameterSpace};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A sensitivity method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Morris elementary effects (screening).
    Morris,
    /// Sobol' indices from Saltelli's design (variance decomposition).
    Sobol,
}

impl Method {
    /// Every method, in the order they are listed to users.
    pub const ALL: [Method; 2] = [Method::Morris, Method::Sobol];

    /// The name used on the command line and in `sensitivity.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        }
    }

    /// The smallest `samples` accepted: trajectories `r` for Morris, base
    /// sample `N` for Sobol'.
    pub fn min_samples(self) -> usize {
        match self {
            Method::Morris => MORRIS_MIN_TRAJECTORIES,
            Method::Sobol => SOBOL_MIN_SAMPLES,
        }
    }

    /// Function evaluations for `k` parameters: `r (k + 1)` for Morris,
    /// `N (k + 2)` for Sobol'.
    pub fn evaluations(self, k: usize, samples: usize) -> usize {
        match self {
            Method::Morris => samples.saturating_mul(k + 1),
            Method::Sobol => samples.saturating_mul(k + 2),
        }
    }
}

impl FromStr for Method {
    type Err = SensitivityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| SensitivityError::UnknownMethod(s.to_string()))
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Settings of [`analyse_model`].
#[derive(Debug, Clone, PartialEq)]
pub struct ModelAnalysis {
    /// Which method.
    pub method: Method,
    /// Trajectories `r` (Morris) or base sample `N` (Sobol').
    pub samples: usize,
    /// Months simulated per run.
    pub months: u32,
    /// Replications per design point, averaged (at least 1).
    pub replications: u64,
    /// Master seed: replication seeds, Morris trajectories and the bootstrap
    /// all derive from it, on separate streams.
    pub seed: u64,
    /// Worker threads (`None`: all cores).
    pub threads: Option<usize>,
}

impl ModelAnalysis {
    /// Checks the settings against a problem before any work: at least two
    /// parameters, enough samples, at least one replication and one thread.
    pub fn check(&self, problem: &Problem) -> Result<(), SensitivityError> {
        problem.require_two()?;
        check_threads(self.threads)?;
        if self.samples < self.method.min_samples() {
            return Err(SensitivityError::TooFewSamples {
                method: self.method.name(),
                got: self.samples,
                min: self.method.min_samples(),
                why: match self.method {
                    Method::Morris => {
                        "trajectories; sigma needs two elementary effects per parameter"
                    }
                    Method::Sobol => "base sample N, below which the indices are mostly noise",
                },
            });
        }
        if self.replications == 0 {
            return Err(SensitivityError::InvalidOption(
                "replications must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// A Morris or a Sobol' result.
#[derive(Debug, Clone, PartialEq)]
pub enum SensitivityResult {
    /// From [`Method::Morris`].
    Morris(MorrisResult),
    /// From [`Method::Sobol`].
    Sobol(SobolResult),
}

impl SensitivityResult {
    /// Writes `dir/sensitivity.csv` in the method's layout.
    pub fn write_csv(&self, dir: &Path) -> Result<PathBuf, SensitivityError> {
        match self {
            SensitivityResult::Morris(r) => write_morris_csv(dir, r),
            SensitivityResult::Sobol(r) => write_sobol_csv(dir, r),
        }
    }

    /// Function evaluations made (each one `replications` model runs).
    pub fn evaluations(&self) -> usize {
        match self {
            SensitivityResult::Morris(r) => r.evaluations,
            SensitivityResult::Sobol(r) => r.evaluations,
        }
    }
}

/// Analyses the final metrics of `model` over the uncertain parameters of
/// `space`, each design point being the mean of `settings.replications` runs
/// with common random numbers (see [`model_function`]). Morris uses 4 levels;
/// Sobol' uses 1000 bootstrap resamples and 95% intervals. `progress` is
/// called once per finished design point.
pub fn analyse_model<M, S>(
    model: &M,
    space: &S,
    settings: &ModelAnalysis,
    progress: &(dyn Fn() + Sync),
) -> Result<SensitivityResult, SensitivityError>
where
    M: Model,
    S: ParameterSpace<M::Params>,
{
    let problem = Problem::from_space(space)?.with_outputs(model.final_metrics());
    settings.check(&problem)?;
    let f = model_function(
        model,
        space,
        settings.months,
        settings.replications,
        settings.seed,
    );
    Ok(match settings.method {
        Method::Morris => {
            let opts = MorrisOptions {
                trajectories: settings.samples,
                seed: settings.seed,
                threads: settings.threads,
                ..MorrisOptions::default()
            };
            SensitivityResult::Morris(morris_with_progress(f, &problem, &opts, progress)?)
        }
        Method::Sobol => {
            let opts = SobolOptions {
                samples: settings.samples,
                seed: settings.seed,
                threads: settings.threads,
                ..SobolOptions::default()
            };
            SensitivityResult::Sobol(sobol_with_progress(f, &problem, &opts, progress)?)
        }
    })
}
