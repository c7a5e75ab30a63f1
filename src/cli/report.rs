//! `mlgov report`: writes `DIR/report.html`, one self-contained page with
//! the tables, charts and method notes of a results directory.

use super::say::say;
use anyhow::Context;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `mlgov report`.
#[derive(Args)]
pub struct ReportArgs {
    /// Results directory written by `mlgov run` or `mlgov merge`.
    pub dir: PathBuf,
    /// The scenario file the results came from, quoted in full in the
    /// report; it must be the file the results were run from (its name and
    /// hash match the manifest's identity).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Replace `DIR/report.html` even if mlgov did not write it.
    #[arg(long)]
    pub force: bool,
}

/// Runs `mlgov report`.
pub fn execute(args: ReportArgs) -> anyhow::Result<ExitCode> {
    if !args.dir.is_dir() {
        anyhow::bail!(
            "{}: not a results directory (write one with `mlgov run SCENARIO --out DIR`)",
            args.dir.display()
        );
    }
    let scenario_text = match &args.scenario {
        Some(path) => {
            let scenario = match super::load_scenario(path) {
                Ok(s) => s,
                Err(code) => return Ok(code),
            };
            let identity = scenario.experiment().identity;
            let recorded = manifest_identity(&args.dir)?;
            if recorded.as_deref() != Some(identity.as_str()) {
                return Err(super::usage(format!(
                    "--scenario {}: its identity `{identity}` differs from the results' \
                     `{}` (manifest.json); give the scenario file the results were run from",
                    path.display(),
                    recorded.unwrap_or_default()
                )));
            }
            Some(
                mlgov::input::read_regular_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
            )
        }
        None => None,
    };
    let path = write(&args.dir, scenario_text.as_deref(), args.force)?;
    say!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Writes `DIR/report.html` while holding the directory's lock, refusing
/// to replace a `report.html` that mlgov did not write unless `force`.
pub fn write(dir: &Path, scenario_text: Option<&str>, force: bool) -> anyhow::Result<PathBuf> {
    let _lock = super::lock_dir(dir)?;
    super::refuse_foreign(
        &dir.join(mlgov::report::REPORT_FILE),
        force,
        mlgov::report::written_by_mlgov,
        &format!("mlgov report {}", dir.display()),
    )?;
    mlgov::report::write_report(dir, scenario_text)
        .with_context(|| format!("cannot write the report of {}", dir.display()))
}

/// The `identity` field of `DIR/manifest.json`.
fn manifest_identity(dir: &Path) -> anyhow::Result<Option<String>> {
    let path = dir.join("manifest.json");
    let text = mlgov::input::read_regular_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}: invalid JSON", path.display()))?;
    Ok(value
        .get("identity")
        .and_then(|v| v.as_str())
        .map(str::to_string))
}
