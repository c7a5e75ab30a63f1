//! `mlgov run` and `mlgov merge`.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov run`.
#[derive(Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Replications per configuration (overrides the scenario).
    #[arg(long)]
    pub replications: Option<u64>,
    /// Master seed (overrides the scenario).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run only slice K of N, e.g. `--shard 2/8`.
    #[arg(long)]
    pub shard: Option<String>,
    /// Continue an interrupted run in the same directory.
    #[arg(long)]
    pub resume: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Do not draw charts.
    #[arg(long)]
    pub no_plots: bool,
}

/// Arguments of `mlgov merge`.
#[derive(Args)]
pub struct MergeArgs {
    /// Shard output directories.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output directory of the merged result.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `mlgov run`.
pub fn execute_run(_args: RunArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`mlgov run` is not available yet")
}

/// Runs `mlgov merge`.
pub fn execute_merge(_args: MergeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`mlgov merge` is not available yet")
}
