//! `mlgov sensitivity`.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov sensitivity`.
#[derive(Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// `morris` or `sobol`.
    #[arg(long)]
    pub method: String,
    /// Base sample size (Sobol) or number of trajectories (Morris).
    #[arg(long)]
    pub samples: usize,
    /// Configuration to analyse (default: the baseline).
    #[arg(long)]
    pub configuration: Option<String>,
    /// Master seed (overrides the scenario).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `mlgov sensitivity`.
pub fn execute(_args: SensitivityArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`mlgov sensitivity` is not available yet")
}
