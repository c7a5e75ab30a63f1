//! `mlgov check`.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov check`.
#[derive(Args)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
}

/// Runs `mlgov check`.
pub fn execute(_args: CheckArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}
