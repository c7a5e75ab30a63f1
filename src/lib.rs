//! # mlgov: multi-level governance partnerships, modelled and simulated
//!
//! mlgov models how a policy that is **conceived**, **managed** and
//! **implemented** at national, regional or local level (Lloyd's multi-level
//! functions model) plays out through a partnership whose trust, shared vision
//! and transaction costs change month by month. It runs single simulations,
//! Monte Carlo experiments with paired comparisons, and sensitivity analyses,
//! and draws the charts.
//!
//! The crate is laid out by concept:
//!
//! - [`governance`]: levels, functions, the 27 `C-M-I` assignments, policy domains, silos.
//! - [`partnership`]: partners, beta-evidence trust, shared vision (DeGroot,
//!   Friedkin–Johnsen), transaction costs, phases, interventions, and the
//!   governance model itself ([`partnership::GovernanceModel`]).
//! - [`assess`]: checklists that map to parameters, and Lloyd's typology.
//! - [`scenario`]: TOML scenario files, checked into parameters.
//! - [`sim`]: the generic [`sim::Model`] trait and single runs.
//! - [`experiment`]: the parallel, reproducible Monte Carlo engine and designs.
//! - [`analysis`]: streaming statistics and sensitivity indices.
//! - [`report`]: CSV/JSON writers and charts.
//! - [`sensitivity`]: sampling designs (factorial, Latin hypercube, Sobol, Morris) and
//!   Morris / Sobol sensitivity indices.
#![warn(missing_docs)]

pub mod analysis;
pub mod assess;
pub mod examples;
pub mod experiment;
pub mod governance;
pub mod partnership;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod sim;
