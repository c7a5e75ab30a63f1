//! `mlgov plot`.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov plot`.
#[derive(Args)]
pub struct PlotArgs {
    /// Results directory written by `mlgov run` or `mlgov merge`.
    pub dir: PathBuf,
    /// Metric that colours the Lloyd grid (default: value_added_total).
    #[arg(long)]
    pub metric: Option<String>,
}

/// Runs `mlgov plot`.
pub fn execute(_args: PlotArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`mlgov plot` is not available yet")
}
