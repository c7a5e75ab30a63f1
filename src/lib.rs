//! # mlgov: multi-level governance partnerships, modelled and simulated
//!
//! mlgov models how a policy that is **conceived**, **managed** and
//! **implemented** at national, regional or local level (Lloyd's multi-level
//! functions model) plays out through a partnership whose trust, shared vision
//! and transaction costs change month by month. It runs single simulations,
//! Monte Carlo experiments with paired comparisons, and sensitivity analyses,
//! and draws the charts.
//!
//! It is for researchers and teachers of public policy who want to ask "what
//! if this function sat at another level?" of a partnership and get an
//! answer with its uncertainty: the `mlgov` program runs scenario files
//! (TOML) without any Rust, and this library exposes the same model,
//! experiment engine, statistics and charts for your own studies, including
//! models of your own through the generic [`sim::Model`] trait.
//!
//! ## Guides
//!
//! The guides are Markdown files in `docs/`, in the repository and in the
//! published package:
//!
//! - [User guide](https://docs.rs/crate/mlgov/latest/source/docs/guide.md):
//!   installing, scenarios, experiments, outputs, charts, and this API.
//! - [The model](https://docs.rs/crate/mlgov/latest/source/docs/model.md):
//!   every state variable, update rule, parameter and source (ODD protocol).
//! - [Scenario files](https://docs.rs/crate/mlgov/latest/source/docs/scenario.md):
//!   every field, default and range.
//! - [Experiments](https://docs.rs/crate/mlgov/latest/source/docs/experiments.md):
//!   output files, determinism, statistics and their accuracy.
//! - [Charts](https://docs.rs/crate/mlgov/latest/source/docs/charts.md),
//!   [sensitivity analysis](https://docs.rs/crate/mlgov/latest/source/docs/sensitivity.md),
//!   [distributed runs](https://docs.rs/crate/mlgov/latest/source/docs/distributed.md),
//!   [performance](https://docs.rs/crate/mlgov/latest/source/docs/performance.md)
//!   and a [lesson plan](https://docs.rs/crate/mlgov/latest/source/docs/teaching.md).
//!
//! ## Modules
//!
//! The crate is laid out by concept, in layers whose imports point down
//! only (docs/architecture.md draws them; `tests/layers.rs` checks them):
//!
//! - [`input`] and [`atomic`]: reading a user's file within limits, and
//!   replacing a file atomically.
//! - [`governance`]: levels, functions, the 27 `C-M-I` assignments, policy domains, silos.
//! - [`typology`]: Lloyd's typology of partnerships (empowerment and service delivery).
//! - [`partnership`]: partners, beta-evidence trust, shared vision (DeGroot,
//!   Friedkin–Johnsen), transaction costs, phases, interventions, and the
//!   governance model itself ([`partnership::GovernanceModel`]).
//! - [`assess`]: checklists that map to parameters, and Lloyd's typology.
//! - [`discovery`]: scenario discovery (PRIM) on the inputs and outcomes of the runs.
//! - [`scenario`]: TOML scenario files, checked into parameters.
//! - [`sim`]: the generic [`sim::Model`] trait and single runs.
//! - [`experiment`]: the parallel, reproducible Monte Carlo engine and designs.
//! - [`analysis`]: streaming statistics and sensitivity indices.
//! - [`report`]: reading a results folder, charts, the handout and `report.html`.
//! - [`examples`]: the example scenarios shipped with mlgov.
//! - [`explorer`]: the Lloyd explorer behind `mlgov serve`.
//! - [`sensitivity`]: sampling designs (factorial, Latin hypercube, Sobol, Morris) and
//!   Morris / Sobol sensitivity indices.
//!
//! ## Quick start
//!
//! A scenario is TOML text (see `docs/scenario.md`); every field has a
//! default. Load it, replay one run, and run the Monte Carlo experiment that
//! `mlgov run` would run:
//!
//! ```
//! use mlgov::experiment::{RunOptions, run_experiment};
//! use mlgov::scenario::Scenario;
//! use mlgov::sim::{run_seed, run_single};
//! use mlgov::GovernanceModel;
//!
//! let scenario = Scenario::from_toml(r#"
//!     [scenario]
//!     name = "quick"
//!     [experiment]
//!     replications = 8
//!     months = 36
//!     assignments = ["N-N-L", "L-L-L"]
//! "#, "quick.toml").unwrap();
//!
//! // One run: replication 0 of the baseline configuration (N-N-L).
//! let seed = run_seed(scenario.spec.experiment.seed, 0);
//! let config = &scenario.engine_configurations()[scenario.baseline()];
//! let params = config.params_for_run(seed).unwrap();
//! let run = run_single(&GovernanceModel, &params, 36, seed).unwrap();
//! assert_eq!(run.observations.len(), 36);
//!
//! // The experiment: summary.csv, comparisons.csv, trajectories.csv, ...
//! let out = std::env::temp_dir().join(format!("mlgov-quick-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&out);
//! let outcome = run_experiment(&scenario.experiment(), &RunOptions::new(&out)).unwrap();
//! assert_eq!(outcome.runs_ok, 16);
//! assert!(out.join("summary.csv").exists());
//! # std::fs::remove_dir_all(&out).unwrap();
//! ```
#![warn(missing_docs)]

pub mod analysis;
pub mod assess;
pub mod atomic;
pub mod discovery;
pub mod examples;
pub mod experiment;
pub mod explorer;
pub mod governance;
pub mod input;
pub mod partnership;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod sim;
pub mod typology;

/// The Rust snippets of the user guide are compiled (and the ones that write
/// nothing are run) as doctests, so the guide keeps up with the API.
#[cfg(doctest)]
#[doc = include_str!("../docs/guide.md")]
mod guide_snippets {}

pub use experiment::{Experiment, RunOptions, run_experiment};
pub use governance::{Assignment, Function, Level};
pub use partnership::{GovernanceModel, GovernanceParams, Phase};
pub use scenario::Scenario;
pub use sim::{Model, ModelError, run_single};
