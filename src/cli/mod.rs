//! One file per subcommand; each parses its arguments and calls the library.

pub mod check;
pub mod plot;
pub mod run;
pub mod sensitivity;
pub mod simulate;

use mlgov::scenario::Scenario;
use std::path::Path;
use std::process::ExitCode;

/// Loads and checks a scenario; on failure prints every problem and gives
/// the exit code (2) the command should return.
pub fn load_scenario(path: &Path) -> Result<Scenario, ExitCode> {
    Scenario::load(path).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}

/// Index of the named configuration, or of the baseline when none is named.
pub fn pick_configuration(scenario: &Scenario, name: Option<&str>) -> anyhow::Result<usize> {
    match name {
        Some(name) => scenario
            .configuration_index(name)
            .map_err(anyhow::Error::msg),
        None => Ok(scenario.baseline()),
    }
}
