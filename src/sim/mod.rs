//! The generic simulation interface: a [`Model`] is initialised, stepped month by
//! month and observed, and a single run of any model is driven by [`run_single`].
//!
//! The experiment engine (`crate::experiment`) is generic over this trait, so a
//! researcher's own model gets the same Monte Carlo sweeps, statistics and charts
//! as the built-in governance model.
//!
//! Randomness is always passed in: a model never owns a generator. Seeds are
//! derived from `(master seed, replication)` by [`run_seed`], so replication `k`
//! of every configuration sees the same random numbers (common random numbers).
//!
//! ```
//! use mlgov::sim::{Model, ModelError, run_single, SimRng};
//! use rand::{Rng, RngExt};
//!
//! /// A random walk that must stay above zero.
//! struct Walk;
//! impl Model for Walk {
//!     type Params = f64; // step size
//!     type State = (f64, f64); // (position, running total)
//!     fn observables(&self) -> Vec<String> { vec!["position".into()] }
//!     fn final_metrics(&self) -> Vec<String> { vec!["total".into()] }
//!     fn init<R: Rng + ?Sized>(&self, _: &f64, _: &mut R) -> Result<(f64, f64), ModelError> {
//!         Ok((10.0, 0.0))
//!     }
//!     fn step<R: Rng + ?Sized>(&self, p: &f64, s: &mut (f64, f64), _t: u32, rng: &mut R)
//!         -> Result<(), ModelError> {
//!         s.0 += if rng.random_bool(0.5) { *p } else { -*p };
//!         s.1 += s.0;
//!         Ok(())
//!     }
//!     fn observe(&self, _: &f64, s: &(f64, f64), _t: u32, out: &mut Vec<f64>) { out.push(s.0) }
//!     fn finish(&self, _: &f64, s: &(f64, f64), _months: u32, out: &mut Vec<f64>) { out.push(s.1) }
//! }
//!
//! let run = run_single(&Walk, &1.0, 12, run_seed(42, 0)).unwrap();
//! assert_eq!(run.observations.len(), 12);
//! # use mlgov::sim::run_seed;
//! ```
//!
//! # Place in the layers
//! Owns the `Model` trait, configurations and their samplers, seeds and the
//! single run. It imports only `analysis`; it must not know any particular
//! model, the experiment engine or files (docs/architecture.md, layer 2).

mod seed;

pub use seed::{SimRng, parse_seed, rng_from_seed, run_seed, seed_text, splitmix64, stream_seed};

use rand::Rng;

/// A failure inside one model run. The experiment engine records it as a
/// failed run with this message and carries on with the others.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ModelError(pub String);

impl ModelError {
    /// Builds an error from anything printable.
    pub fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}

/// A discrete-time model the experiment engine can sweep.
///
/// The engine calls [`Model::init`] once, then for each month `t = 1..=months`
/// calls [`Model::step`] followed by [`Model::observe`], and at the end
/// [`Model::finish`] for the run's final metrics. Parameters are immutable
/// during a run; [`Model::State`] is the only thing that changes.
pub trait Model: Sync {
    /// Concrete parameters of one run (already sampled and checked).
    type Params: Send + Sync;
    /// Everything that changes during a run.
    type State;

    /// Names of the per-month observation columns, in the order
    /// [`Model::observe`] pushes them.
    fn observables(&self) -> Vec<String>;

    /// Names of the final metrics, in the order [`Model::finish`] pushes them.
    fn final_metrics(&self) -> Vec<String>;

    /// What kind of quantity each final metric is, in [`Model::final_metrics`]
    /// order; it decides how the experiment summarises it (see
    /// [`MetricKind`]). By default every metric is continuous.
    fn final_metric_kinds(&self) -> Vec<MetricKind> {
        vec![MetricKind::Continuous; self.final_metrics().len()]
    }

    /// What kind of quantity each observable is, in [`Model::observables`]
    /// order (see [`ObservableKind`]). By default every observable is
    /// continuous.
    fn observable_kinds(&self) -> Vec<ObservableKind> {
        vec![ObservableKind::Continuous; self.observables().len()]
    }

    /// The state at month 0.
    fn init<R: Rng + ?Sized>(
        &self,
        params: &Self::Params,
        rng: &mut R,
    ) -> Result<Self::State, ModelError>;

    /// Advances the state by one month; `t` is the month being simulated (1-based).
    fn step<R: Rng + ?Sized>(
        &self,
        params: &Self::Params,
        state: &mut Self::State,
        t: u32,
        rng: &mut R,
    ) -> Result<(), ModelError>;

    /// Appends this month's observations (one per [`Model::observables`] name).
    fn observe(&self, params: &Self::Params, state: &Self::State, t: u32, out: &mut Vec<f64>);

    /// Appends the run's final metrics (one per [`Model::final_metrics`] name).
    fn finish(&self, params: &Self::Params, state: &Self::State, months: u32, out: &mut Vec<f64>);
}

/// How a final metric is summarised over runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetricKind {
    /// A measurement: mean with a t-interval, exact quantiles, paired mean
    /// difference.
    Continuous,
    /// A 0/1 outcome: the share of runs with 1, with a Wilson interval, and
    /// paired differences of shares with Newcombe's interval.
    Proportion,
    /// A share in [0, 1] per run that need not be 0 or 1 (e.g. the share of
    /// places whose partnership survives, a score in [0, 1]): mean,
    /// standard deviation and exact quantiles as a measurement, but an
    /// interval that stays inside [0, 1] (Wilson's when every run is 0 or
    /// 1, otherwise the logit-transformed t-interval,
    /// [`crate::analysis::share_interval`]), and paired differences with
    /// Newcombe's interval when every pair is 0/1, otherwise the paired
    /// t-interval clipped to [−1, 1]. A run whose value leaves [0, 1] fails.
    Share,
    /// The time (in months) until an event. A value `t ≤ months` means the
    /// event happened in month `t`; any value above the run's months means
    /// it did not happen within the run (censored at the horizon). It is
    /// summarised with the Kaplan–Meier estimator, never averaged.
    TimeToEvent,
}

impl MetricKind {
    /// The name used in output files (`continuous`, `proportion`, `share`,
    /// `time_to_event`).
    pub fn name(self) -> &'static str {
        match self {
            MetricKind::Continuous => "continuous",
            MetricKind::Proportion => "proportion",
            MetricKind::Share => "share",
            MetricKind::TimeToEvent => "time_to_event",
        }
    }

    /// The kind called `name` (the inverse of [`MetricKind::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        [
            MetricKind::Continuous,
            MetricKind::Proportion,
            MetricKind::Share,
            MetricKind::TimeToEvent,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}

/// How a monthly observable is summarised over runs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObservableKind {
    /// A measurement: mean and sketch quantiles per month.
    Continuous,
    /// A whole number (e.g. active partners): mean and exact quantiles from
    /// exact counts per value.
    Count,
    /// A category coded `0, 1, 2, …` in the order of these names (e.g. the
    /// phase): the share of runs in each category per month, reported as
    /// rows `<observable>_<name>`.
    Categorical(Vec<String>),
}

impl ObservableKind {
    /// The name used in output files: `continuous`, `count`, or
    /// `categorical:` followed by the category names joined by `|`.
    pub fn name(&self) -> String {
        match self {
            ObservableKind::Continuous => "continuous".into(),
            ObservableKind::Count => "count".into(),
            ObservableKind::Categorical(names) => format!("categorical:{}", names.join("|")),
        }
    }

    /// The kind written as `name` (the inverse of [`ObservableKind::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "continuous" => Some(ObservableKind::Continuous),
            "count" => Some(ObservableKind::Count),
            _ => name.strip_prefix("categorical:").map(|rest| {
                ObservableKind::Categorical(rest.split('|').map(str::to_string).collect())
            }),
        }
    }

    /// Whether values must be whole numbers (counts and category codes).
    pub fn is_discrete(&self) -> bool {
        !matches!(self, ObservableKind::Continuous)
    }
}

/// The full record of one run: each month's observations and the final metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// `observations[t-1]` holds month `t`'s values, in [`Model::observables`] order.
    pub observations: Vec<Vec<f64>>,
    /// Final metrics in [`Model::final_metrics`] order.
    pub finals: Vec<f64>,
}

/// Runs `model` for `months` months with the dynamics stream of `seed` and
/// keeps every observation. Used by `mlgov simulate` and by tests; the
/// experiment engine streams observations instead of keeping them.
pub fn run_single<M: Model>(
    model: &M,
    params: &M::Params,
    months: u32,
    seed: u64,
) -> Result<RunRecord, ModelError> {
    let mut rng = rng_from_seed(stream_seed(seed, DYNAMICS_STREAM));
    let mut state = model.init(params, &mut rng)?;
    let width = model.observables().len();
    let mut observations = Vec::with_capacity(months as usize);
    for t in 1..=months {
        model.step(params, &mut state, t, &mut rng)?;
        let mut row = Vec::with_capacity(width);
        model.observe(params, &state, t, &mut row);
        check_finite(&row, &model.observables(), t)?;
        observations.push(row);
    }
    let mut finals = Vec::new();
    model.finish(params, &state, months, &mut finals);
    check_finite(&finals, &model.final_metrics(), months)?;
    Ok(RunRecord {
        observations,
        finals,
    })
}

/// Stream index for sampling a run's uncertain parameters.
pub const PARAMETER_STREAM: u64 = 1;
/// Stream index for a run's dynamics (everything after the parameters are fixed).
pub const DYNAMICS_STREAM: u64 = 2;

/// Refuses NaN or infinite values, naming the column and month.
pub fn check_finite(values: &[f64], names: &[String], t: u32) -> Result<(), ModelError> {
    for (i, v) in values.iter().enumerate() {
        if !v.is_finite() {
            let name = names.get(i).map(String::as_str).unwrap_or("?");
            return Err(ModelError::new(format!(
                "observation `{name}` is not finite ({v}) at month {t}"
            )));
        }
    }
    Ok(())
}

/// Draws one replication's parameters from its parameter stream.
pub type Sampler<P> = Box<dyn Fn(&mut SimRng) -> Result<P, ModelError> + Send + Sync>;

/// The value of one input column of `runs.csv` in one run (see
/// [`Configuration::with_inputs`]).
#[derive(Debug, Clone, PartialEq)]
pub enum InputValue {
    /// A number, such as the value drawn for an uncertain parameter or a
    /// grid factor's level.
    Number(f64),
    /// A label, such as a variant's name or an assignment code.
    Text(String),
    /// Not defined for this configuration (an empty cell).
    Missing,
}

/// Draws a run's input values from its parameter stream, in the order of the
/// configuration's input names.
pub type InputSampler =
    Box<dyn Fn(&mut SimRng) -> Result<Vec<InputValue>, ModelError> + Send + Sync>;

/// A named configuration to compare: how to draw one replication's parameters.
///
/// The sampler receives the replication's parameter stream, so replication `k`
/// of every configuration draws its uncertain parameters from the same random
/// numbers (common random numbers).
pub struct Configuration<P> {
    /// Name used in every output (`N-R-L` for the Lloyd grid).
    pub name: String,
    /// Draws one replication's parameters.
    pub sampler: Sampler<P>,
    /// Names of the input columns that `runs.csv` records for each run
    /// (between `reason` and the final metrics); empty unless set by
    /// [`Configuration::with_inputs`]. Every configuration of an experiment
    /// has the same names.
    pub input_names: Vec<String>,
    /// Draws a run's input values (see [`Configuration::with_inputs`]).
    pub inputs: Option<InputSampler>,
}

impl<P> Configuration<P> {
    /// A configuration from a name and a sampler.
    pub fn new(
        name: impl Into<String>,
        sampler: impl Fn(&mut SimRng) -> Result<P, ModelError> + Send + Sync + 'static,
    ) -> Self {
        Self {
            name: name.into(),
            sampler: Box::new(sampler),
            input_names: Vec::new(),
            inputs: None,
        }
    }

    /// Records inputs with every run: `names` are the input columns of
    /// `runs.csv` and `inputs` draws their values for a run from the run's
    /// parameter stream, exactly as the sampler draws the parameters (so a
    /// value drawn for an uncertain parameter is the value the run used).
    pub fn with_inputs(
        mut self,
        names: Vec<String>,
        inputs: impl Fn(&mut SimRng) -> Result<Vec<InputValue>, ModelError> + Send + Sync + 'static,
    ) -> Self {
        self.input_names = names;
        self.inputs = Some(Box::new(inputs));
        self
    }

    /// The input values of the run with seed `run_seed`, in
    /// [`Configuration::input_names`] order (empty without inputs).
    pub fn inputs_for_run(&self, run_seed: u64) -> Result<Vec<InputValue>, ModelError> {
        match &self.inputs {
            Some(f) => f(&mut rng_from_seed(stream_seed(run_seed, PARAMETER_STREAM))),
            None => Ok(Vec::new()),
        }
    }

    /// A configuration whose parameters are fixed (nothing uncertain).
    pub fn fixed(name: impl Into<String>, params: P) -> Self
    where
        P: Clone + Send + Sync + 'static,
    {
        Self::new(name, move |_| Ok(params.clone()))
    }

    /// The parameters of the run with seed `run_seed` (see [`run_seed`]):
    /// drawn from that seed's [`PARAMETER_STREAM`], exactly as the
    /// experiment engine draws them, so a run of an experiment can be
    /// replayed on its own.
    pub fn params_for_run(&self, run_seed: u64) -> Result<P, ModelError> {
        (self.sampler)(&mut rng_from_seed(stream_seed(run_seed, PARAMETER_STREAM)))
    }
}

impl<P> std::fmt::Debug for Configuration<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Configuration")
            .field("name", &self.name)
            .finish()
    }
}

/// A box of uncertain parameters that sensitivity analysis can move: each
/// parameter has a name and bounds, and a point inside the box builds one run's
/// parameters.
pub trait ParameterSpace<P>: Sync {
    /// Parameter names (e.g. scenario field paths), in vector order.
    fn names(&self) -> Vec<String>;
    /// `(low, high)` for each parameter, in vector order.
    fn bounds(&self) -> Vec<(f64, f64)>;
    /// The run parameters at point `x` (one value per parameter, inside the bounds).
    fn build(&self, x: &[f64]) -> Result<P, ModelError>;
}
