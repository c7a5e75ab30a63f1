//! Sensitivity analysis: which uncertain parameters drive the outputs, and how.
//!
//! Two global methods, both over a box of parameters `(low, high)`:
//!
//! - **Morris elementary effects** ([`morris`], Morris 1991; `mu_star` from
//!   Campolongo, Cariboni & Saltelli 2007) screen many parameters cheaply:
//!   `r (k + 1)` evaluations for `k` parameters and `r` trajectories. A large
//!   `mu_star` means influential; a large `sigma` means non-linear or
//!   interacting.
//! - **Sobol' indices** ([`sobol`]) split the output variance: the first-order
//!   index `S1` (Saltelli et al. 2010 estimator) is the share a parameter
//!   explains alone, the total index `ST` (Jansen 1999 estimator) adds every
//!   interaction it takes part in. Saltelli's design costs `N (k + 2)`
//!   evaluations. Confidence intervals come from a seeded bootstrap.
//!
//! Both take any function of a parameter vector that returns a vector of
//! outputs, so a model with several final metrics is analysed for each metric
//! at once. [`model_function`] turns a [`Model`](crate::sim::Model) and a
//! [`ParameterSpace`] into such a function, with
//! common random numbers across points.
//!
//! The designs are public on their own too ([`full_factorial`],
//! [`latin_hypercube`], [`SobolSequence`], [`saltelli_design`],
//! [`morris_design`]), and every result is deterministic given its seed and
//! identical for any number of threads: points are evaluated in parallel but
//! collected in design order, and the bootstrap draws from its own seeded
//! streams.
//!
//! ```
//! use mlgov::sensitivity::{sobol, Problem, SobolOptions};
//! use mlgov::sim::ModelError;
//!
//! // y = x0 + 2 x1 on the unit square: S1 = ST = (0.2, 0.8).
//! let problem = Problem::new(vec!["x0".into(), "x1".into()], vec![(0.0, 1.0); 2]).unwrap();
//! let f = |x: &[f64]| -> Result<Vec<f64>, ModelError> { Ok(vec![x[0] + 2.0 * x[1]]) };
//! let opts = SobolOptions { samples: 1024, ..SobolOptions::default() };
//! let result = sobol(f, &problem, &opts).unwrap();
//! assert!((result.indices[0][1].s1 - 0.8).abs() < 0.01);
//! assert!((result.indices[0][1].st - 0.8).abs() < 0.01);
//! ```
//!
//! # Place in the layers
//! Owns the designs and the indices. Generic over [`crate::sim::Model`]: it
//! must not know scenario files, the governance model or charts (the scenario
//! layer and the command line build what it runs; docs/architecture.md,
//! layer 3).

mod analyse;
mod design;
mod eval;
mod joe_kuo;
mod morris;
mod output;
mod sobol;
mod sobol_seq;

pub use analyse::{Method, ModelAnalysis, SensitivityResult, analyse_model};
pub use design::{full_factorial, full_factorial_even, latin_hypercube, scale_point};
pub use eval::{evaluate, model_function};
pub use morris::{
    MORRIS_MIN_TRAJECTORIES, MorrisDesign, MorrisIndices, MorrisOptions, MorrisResult, morris,
    morris_analyse, morris_design, morris_with_progress,
};
pub use output::{SENSITIVITY_CSV, write_morris_csv, write_sobol_csv};
pub use sobol::{
    SOBOL_MIN_SAMPLES, SobolIndices, SobolOptions, SobolResult, saltelli_design, sobol,
    sobol_analyse, sobol_with_progress,
};
pub use sobol_seq::{SOBOL_MAX_DIMENSIONS, SobolSequence};

use crate::sim::{ModelError, ParameterSpace};

/// Stream index (see [`crate::sim::stream_seed`]) of the random numbers that
/// build a design (Morris trajectories), so a design never shares random
/// numbers with the model runs seeded from the same master seed.
pub const DESIGN_STREAM: u64 = 0x5E45_0001;
/// Stream index of the bootstrap resampling behind Sobol' confidence intervals.
pub const BOOTSTRAP_STREAM: u64 = 0x5E45_0002;

/// Why a design, an analysis or its output could not be produced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SensitivityError {
    /// A parameter's bounds are not a non-empty finite interval.
    #[error("parameter `{parameter}`: bounds must be finite with low < high, got ({low}, {high})")]
    InvalidBounds {
        /// Parameter name.
        parameter: String,
        /// Lower bound given.
        low: f64,
        /// Upper bound given.
        high: f64,
    },
    /// The problem is malformed (names and bounds disagree, duplicate names, ...).
    #[error("invalid problem: {0}")]
    InvalidProblem(String),
    /// Too few uncertain parameters for a sensitivity analysis.
    #[error("sensitivity analysis needs at least {min} uncertain parameters, found {found}")]
    TooFewParameters {
        /// Parameters found.
        found: usize,
        /// Minimum required.
        min: usize,
    },
    /// The sample size is too small for the method.
    #[error("{method} needs --samples of at least {min} ({why}), got {got}")]
    TooFewSamples {
        /// Method name.
        method: &'static str,
        /// Sample size given.
        got: usize,
        /// Minimum accepted.
        min: usize,
        /// Why that minimum.
        why: &'static str,
    },
    /// A design needs more dimensions than the Sobol' direction numbers cover.
    #[error(
        "a Sobol' sequence of {requested} dimensions was requested; at most {max} are supported"
    )]
    TooManyDimensions {
        /// Dimensions requested.
        requested: usize,
        /// Dimensions supported.
        max: usize,
    },
    /// The method name is not one of [`Method::ALL`].
    #[error("unknown method `{0}`: expected `morris` or `sobol`")]
    UnknownMethod(String),
    /// An option is out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The function failed at one design point.
    #[error("evaluation {index} failed at point ({point}): {source}")]
    Evaluation {
        /// 0-based index of the point in the design.
        index: usize,
        /// The point, as `name = value` pairs.
        point: String,
        /// The model's error.
        source: ModelError,
    },
    /// An output of the function is wrong in shape or value.
    #[error("evaluation {index} at point ({point}): {message}")]
    BadOutput {
        /// 0-based index of the point in the design.
        index: usize,
        /// The point, as `name = value` pairs.
        point: String,
        /// What is wrong.
        message: String,
    },
    /// Outputs handed to an analysis do not match its design.
    #[error("outputs do not match the design: {0}")]
    DesignMismatch(String),
    /// The worker pool could not be built.
    #[error("could not start {threads} worker threads: {message}")]
    ThreadPool {
        /// Threads requested.
        threads: usize,
        /// The pool builder's message.
        message: String,
    },
    /// Writing results failed.
    #[error("could not write {path}: {source}")]
    Io {
        /// File concerned.
        path: std::path::PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
}

/// The box of uncertain parameters an analysis moves, with the names that label
/// every result.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    parameters: Vec<String>,
    bounds: Vec<(f64, f64)>,
    outputs: Option<Vec<String>>,
}

impl Problem {
    /// A problem from parameter names and their `(low, high)` bounds. Bounds
    /// must be finite with `low < high`: a parameter that cannot move is not
    /// uncertain and only wastes evaluations.
    pub fn new(parameters: Vec<String>, bounds: Vec<(f64, f64)>) -> Result<Self, SensitivityError> {
        if parameters.len() != bounds.len() {
            return Err(SensitivityError::InvalidProblem(format!(
                "{} parameter names but {} bounds",
                parameters.len(),
                bounds.len()
            )));
        }
        for (i, name) in parameters.iter().enumerate() {
            if parameters[..i].contains(name) {
                return Err(SensitivityError::InvalidProblem(format!(
                    "parameter `{name}` appears twice"
                )));
            }
        }
        for (name, &(low, high)) in parameters.iter().zip(&bounds) {
            if !(low.is_finite() && high.is_finite() && low < high) {
                return Err(SensitivityError::InvalidBounds {
                    parameter: name.clone(),
                    low,
                    high,
                });
            }
        }
        Ok(Self {
            parameters,
            bounds,
            outputs: None,
        })
    }

    /// A problem whose parameters are named `x0, x1, ...`.
    pub fn unnamed(bounds: Vec<(f64, f64)>) -> Result<Self, SensitivityError> {
        let names = (0..bounds.len()).map(|i| format!("x{i}")).collect();
        Self::new(names, bounds)
    }

    /// The parameters of a [`ParameterSpace`], with their names and bounds.
    pub fn from_space<P, S: ParameterSpace<P> + ?Sized>(
        space: &S,
    ) -> Result<Self, SensitivityError> {
        Self::new(space.names(), space.bounds())
    }

    /// Names the outputs; without names they are called `y0, y1, ...`. The
    /// function must then return exactly this many outputs.
    pub fn with_outputs(mut self, outputs: Vec<String>) -> Self {
        self.outputs = Some(outputs);
        self
    }

    /// Number of parameters `k`.
    pub fn dimension(&self) -> usize {
        self.parameters.len()
    }

    /// Parameter names.
    pub fn parameters(&self) -> &[String] {
        &self.parameters
    }

    /// Parameter bounds.
    pub fn bounds(&self) -> &[(f64, f64)] {
        &self.bounds
    }

    /// Output names, if given.
    pub fn outputs(&self) -> Option<&[String]> {
        self.outputs.as_deref()
    }

    /// The output names to report for `count` outputs.
    fn output_names(&self, count: usize) -> Vec<String> {
        match &self.outputs {
            Some(names) => names.clone(),
            None => (0..count).map(|i| format!("y{i}")).collect(),
        }
    }

    /// `name = value, ...` for error messages.
    fn describe(&self, x: &[f64]) -> String {
        self.parameters
            .iter()
            .zip(x)
            .map(|(n, v)| format!("{n} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Refuses problems with fewer than two parameters: with one, there is
    /// nothing to rank or apportion.
    fn require_two(&self) -> Result<(), SensitivityError> {
        if self.dimension() < 2 {
            return Err(SensitivityError::TooFewParameters {
                found: self.dimension(),
                min: 2,
            });
        }
        Ok(())
    }
}

/// Validates an optional worker-thread count (`None` = all cores).
fn check_threads(threads: Option<usize>) -> Result<(), SensitivityError> {
    if threads == Some(0) {
        return Err(SensitivityError::InvalidOption(
            "threads must be at least 1".into(),
        ));
    }
    Ok(())
}
