//! `mlgov check`.

use clap::Args;
use mlgov::scenario::Scenario;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov check`.
#[derive(Args)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
}

/// Checks the scenario: exit 0 with a one-line summary, or 2 listing every problem.
pub fn execute(args: CheckArgs) -> anyhow::Result<ExitCode> {
    match Scenario::load(&args.scenario) {
        Ok(s) => {
            super::say::say!("{}", s.summary());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(2))
        }
    }
}
