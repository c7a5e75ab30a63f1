//! `mlgov simulate`.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov simulate`.
#[derive(Args)]
pub struct SimulateArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Seed of the run (default: the scenario's master seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory; `run.csv` is written there.
    #[arg(long)]
    pub out: PathBuf,
    /// Configuration to simulate (default: the baseline).
    #[arg(long)]
    pub configuration: Option<String>,
}

/// Runs `mlgov simulate`.
pub fn execute(_args: SimulateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}
