//! The Monte Carlo experiment engine: every configuration × every
//! replication of a [`Model`], in parallel, with results that are
//! byte-identical however the work is split.
//!
//! # How a run is defined
//! Replication `k` has seed [`run_seed`]`(seed, k)` for *every*
//! configuration (common random numbers). Its parameters are drawn by the
//! configuration's sampler from stream [`PARAMETER_STREAM`] of that seed and
//! its dynamics use stream [`DYNAMICS_STREAM`], exactly as
//! [`crate::sim::run_single`] does. A run whose sampler, `init` or `step`
//! fails, that panics, or that produces a non-finite value or one beyond
//! ±1e9 is recorded in `runs.csv` as `failed` with the reason and left out of
//! every statistic; the experiment carries on.
//!
//! # Determinism
//! Replications are processed in blocks of [`BLOCK_SIZE`] consecutive
//! replications across all configurations (so each block sees both sides of
//! every paired comparison). Blocks run in parallel in waves; each wave's
//! results are absorbed into an exact aggregate (integer sums and
//! integer-count quantile sketches from [`crate::analysis`]) whose final
//! state does not depend on the grouping. Hence `summary.csv`,
//! `comparisons.csv`, `trajectories.csv` and `runs.csv` are byte-identical
//! for any `threads`, for any sharding followed by [`merge_results`], and
//! after any interruption followed by `resume`. Only `manifest.json` differs
//! (threads, shard, elapsed time).
//!
//! # Checkpoints, resume and shards
//! After every wave the engine appends the wave's rows to `runs.csv`; at
//! most every [`RunOptions::checkpoint_interval`] (and at the end) it then
//! atomically replaces `DIR/.mlgov/state.bin` with the aggregate, the next
//! replication and the length of `runs.csv`. Resuming truncates `runs.csv`
//! to that length and carries on, so each run appears exactly once. A shard
//! (`--shard K/N`) runs replications `⌊(K−1)R/N⌋ .. ⌊KR/N⌋`; its final
//! state file is what [`merge_results`] adds up.
//!
//! ```
//! use mlgov::experiment::{Experiment, RunOptions, run_experiment, toy::RandomWalk};
//! let dir = tempfile::tempdir().unwrap();
//! let exp = Experiment {
//!     model: RandomWalk::new(2),
//!     configurations: vec![RandomWalk::configuration("flat", 0.0), RandomWalk::configuration("up", 0.1)],
//!     baseline: 0,
//!     replications: 20,
//!     months: 12,
//!     seed: 42,
//!     identity: "doc example v1".into(),
//!     scenario_name: "walk".into(),
//! };
//! let outcome = run_experiment(&exp, &RunOptions::new(dir.path().join("out"))).unwrap();
//! assert!(outcome.complete);
//! assert_eq!(outcome.runs_ok, 40);
//! assert!(dir.path().join("out/summary.csv").exists());
//! ```
//!
//! # Place in the layers
//! Owns the run loop, the aggregate, checkpoints, shards, merge and the
//! layout and columns of a results folder. Generic over [`Model`]: it imports
//! `sim`, `analysis`, `typology`, `input` and `atomic`, and must not know the
//! governance model, scenario files, reports, charts or their colours (the
//! caller passes colours in through [`RunOptions::colours`];
//! docs/architecture.md, layer 3, and `tests/layers.rs`).

mod aggregate;
mod columnar;
mod error;
mod finals;
mod lock;
mod merge;
mod output;
mod runner;
mod shard;
mod state;
pub mod toy;
mod verify;

pub use columnar::{
    COMPARISONS_PARQUET, ColumnType, OutputFormat, ROW_GROUP_ROWS, RUN_TRAJECTORIES_PARQUET,
    RUNS_PARQUET, SUMMARY_PARQUET, TIME_TO_EVENT_PARQUET, TRAJECTORIES_PARQUET,
};
pub use error::ExperimentError;
pub use finals::TIME_TO_EVENT_COLUMNS;
pub use lock::{DirLock, LOCK_FILE};
pub use merge::{merge_results, merge_results_as, merge_results_with};
pub(crate) use output::num;
pub use output::{
    CHARTS_DIR, COMPARISON_COLUMNS, REPORT_FILE, RUN_COLUMNS, RUN_TRAJECTORIES, SUMMARY_COLUMNS,
    TRAJECTORY_COLUMNS, remove_results, result_entries, run_trajectory_columns, runs_columns,
};
pub use runner::{check_experiment, run_experiment};
pub use shard::Shard;
pub use verify::verify_results;

use crate::sim::{Configuration, Model};
#[allow(unused_imports)] // referenced by the module docs
use crate::sim::{DYNAMICS_STREAM, PARAMETER_STREAM, run_seed};
use std::path::PathBuf;
use std::time::Duration;

/// Consecutive replications (of every configuration) in one unit of work.
/// Fixed, so that it never depends on the number of threads.
pub const BLOCK_SIZE: u64 = 8;

/// Blocks per wave and per thread: a checkpoint is written after each wave.
pub const BLOCKS_PER_THREAD_PER_WAVE: usize = 4;

/// Default [`RunOptions::checkpoint_interval`].
pub const DEFAULT_CHECKPOINT_INTERVAL: Duration = Duration::from_secs(30);

/// The largest number of replications: keeps every exact sum far from
/// overflow and every sketch bucket count within `u32`.
pub const MAX_REPLICATIONS: u64 = u32::MAX as u64;

/// The most worker threads [`RunOptions::threads`] may ask for.
pub const MAX_THREADS: usize = 1024;

/// Default [`RunOptions::max_run_months`]: 10^11 simulated months
/// (configurations × replications × months), days of work on a large
/// machine. Larger experiments are refused up front unless the limit is
/// raised (`mlgov run --max-run-months`).
pub const DEFAULT_MAX_RUN_MONTHS: u64 = 100_000_000_000;

/// Default [`RunOptions::max_memory_bytes`]: 8 GiB (`mlgov run
/// --max-memory-mb`). See [`estimated_memory`].
pub const DEFAULT_MAX_MEMORY_BYTES: u64 = 8 << 30;

/// Bytes of memory budgeted per cell (configuration × month × observable)
/// of the aggregate: its fixed-point sum and a typical quantile sketch.
pub const BYTES_PER_CELL: u64 = 1024;

/// The memory an experiment needs, estimated before anything is allocated:
/// the aggregate ([`BYTES_PER_CELL`] per configuration × month × observable)
/// plus the observations of one wave in flight (8 bytes per cell for each of
/// the `threads` × [`BLOCKS_PER_THREAD_PER_WAVE`] × [`BLOCK_SIZE`]
/// replications of a wave). Saturates instead of overflowing.
pub fn estimated_memory(configurations: u64, months: u64, observables: u64, threads: u64) -> u64 {
    let cells = configurations
        .saturating_mul(months)
        .saturating_mul(observables);
    let wave = threads
        .saturating_mul(BLOCKS_PER_THREAD_PER_WAVE as u64)
        .saturating_mul(BLOCK_SIZE)
        .saturating_mul(cells)
        .saturating_mul(8);
    cells.saturating_mul(BYTES_PER_CELL).saturating_add(wave)
}

/// A Monte Carlo experiment: configurations to compare, each replicated.
pub struct Experiment<M: Model> {
    /// The model every run simulates.
    pub model: M,
    /// The configurations, in output order.
    pub configurations: Vec<Configuration<M::Params>>,
    /// Index of the configuration the others are compared with.
    pub baseline: usize,
    /// Replications per configuration.
    pub replications: u64,
    /// Months per run.
    pub months: u32,
    /// Master seed.
    pub seed: u64,
    /// What defines the experiment besides the fields above (e.g. a hash of
    /// the scenario file): resume and merge refuse a different identity.
    pub identity: String,
    /// The scenario's name, recorded in the manifest.
    pub scenario_name: String,
}

/// How to run an experiment (none of this changes the results).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Output directory.
    pub out: PathBuf,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Run only this slice of the replications.
    pub shard: Option<Shard>,
    /// Continue the run checkpointed in `out`.
    pub resume: bool,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// The least time between two checkpoints (the final state is always
    /// written). A killed run loses at most about this much work; writing
    /// the state costs time proportional to its size, so not every wave.
    pub checkpoint_interval: Duration,
    /// Stop (as if interrupted) after this many waves of this invocation,
    /// leaving a checkpoint to resume. For tests and demonstrations; `None`
    /// in normal use.
    pub stop_after_waves: Option<u64>,
    /// Refuse experiments of more simulated months than this
    /// (configurations × replications of this shard × months).
    pub max_run_months: u64,
    /// Refuse experiments whose [`estimated_memory`] exceeds this.
    pub max_memory_bytes: u64,
    /// Checked after every wave: when set (e.g. by a signal handler), the
    /// run saves its checkpoint and returns, as for `stop_after_waves`.
    pub stop: Option<&'static std::sync::atomic::AtomicBool>,
    /// Also write every successful run's monthly observations to
    /// `run_trajectories.csv.gz` (`mlgov run --save-trajectories`), streamed
    /// wave by wave. The other files are unchanged; a resumed run or a shard
    /// must use the same setting.
    pub save_trajectories: bool,
    /// The format of the result tables: CSV (the default), or CSV and a
    /// typed Parquet copy of each table (`mlgov run --format parquet`),
    /// written when the run completes.
    pub format: OutputFormat,
    /// Gives each configuration its colour on the charts, recorded in
    /// `manifest.json` (`colours`) so that every chart and report of these
    /// results agrees. The engine knows no colours: `mlgov run` passes
    /// [`crate::report::configuration_colours`]. `None` (the default)
    /// records none, and the charts then choose them in the same way.
    pub colours: Option<Colouring>,
}

/// Colours for the configurations (names, the baseline's name), as
/// `(name, "#rrggbb")` in the same order: see [`RunOptions::colours`].
pub type Colouring = fn(&[String], Option<&str>) -> Vec<(String, String)>;

impl RunOptions {
    /// Defaults: all available cores, no shard, no resume, no progress bar.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        Self {
            out: out.into(),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            shard: None,
            resume: false,
            progress: false,
            checkpoint_interval: DEFAULT_CHECKPOINT_INTERVAL,
            stop_after_waves: None,
            max_run_months: DEFAULT_MAX_RUN_MONTHS,
            max_memory_bytes: DEFAULT_MAX_MEMORY_BYTES,
            stop: None,
            save_trajectories: false,
            format: OutputFormat::Csv,
            colours: None,
        }
    }
}

/// What [`run_experiment`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    /// Whether every replication (of the shard) is done and the result files
    /// are written; `false` only when stopped by `stop_after_waves` or
    /// `stop`, after saving a checkpoint to resume from.
    pub complete: bool,
    /// Whether a checkpoint was continued.
    pub resumed: bool,
    /// Successful runs so far (over all invocations).
    pub runs_ok: u64,
    /// Failed runs so far (over all invocations).
    pub runs_failed: u64,
    /// Wall-clock seconds over all invocations.
    pub elapsed_seconds: f64,
}

/// What [`merge_results`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeOutcome {
    /// How many shards were merged.
    pub shards: u32,
    /// Successful runs in the merged result.
    pub runs_ok: u64,
    /// Failed runs in the merged result.
    pub runs_failed: u64,
}
