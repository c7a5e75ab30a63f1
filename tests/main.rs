//! mlgov's integration tests, in one test program.
//!
//! Each file beside this one is a module of a single crate (`cargo test
//! --test it`), so the library is linked once instead of once per file: the
//! test build is several times faster and smaller (docs/performance.md,
//! "Build footprint"). Run one file's tests with its module name as the
//! filter, e.g. `cargo test --test it hardening::`.
//!
//! The modules share one process, so none may change process-wide state
//! (environment variables, the current directory, signal handlers, the
//! global allocator); a test that must is a test program of its own, as
//! `tests/fuzz.rs` is (it installs an allocator that refuses oversized
//! requests and times its inputs by the process's CPU clock).
//! Temporary files go to a fresh `tempfile` folder or a name that carries
//! the module's name, and shared resources (the Python environment) are
//! created under a lock.

// Shared helpers.
mod common;
mod experiment_support;
mod explorer_support;
mod python_support;

// The model and its validation.
mod claims;
mod doc_figures;
mod golden;
mod join_month;
mod lloyd_functions;
mod model_mechanisms;
mod properties;
mod validation;

// Scenarios, checklists and examples.
mod assess;
mod design;
mod example_scenarios;

// The experiment engine.
mod experiment;
mod experiment_cli;
mod experiment_kinds;
mod experiment_stats;
mod parquet_output;
mod run_inputs;
mod run_trajectories;

// Sensitivity analysis and scenario discovery.
mod discover;
mod sensitivity;
mod sensitivity_cli;
mod sensitivity_props;
mod sensitivity_sobol;

// Charts, the handout and the report.
mod charts;
mod charts_bad_input;
mod handout;
mod report;

// The explorer.
mod explorer_api;
mod explorer_browser;
mod worksheet;

// The crate's own structure.
mod layers;

// The command line, the documentation's commands and operator faults.
mod cli_conventions;
mod cli_core;
mod cli_newcomer;
mod distributed_recipe;
mod doc_commands;
mod hardening;
mod slurm;

// Reading the outputs from Python.
mod python_readers;
mod python_walkthrough;
