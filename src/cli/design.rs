//! `mlgov design`: writes a design file (columns = uncertain parameter
//! paths) for `mlgov run --design`.

use super::say::say;
use clap::Args;
use mlgov::scenario::{DesignMethod, make_design};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov design`.
#[derive(Args)]
pub struct DesignArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// `lhs`, `sobol`, `morris` or `factorial`.
    #[arg(long)]
    pub method: String,
    /// Points (lhs), base samples N (sobol: N × (k + 2) rows), trajectories
    /// (morris: r × (k + 1) rows) or levels per parameter (factorial: n^k rows).
    #[arg(long)]
    pub samples: usize,
    /// The design file to write (CSV).
    #[arg(long)]
    pub out: PathBuf,
    /// Configuration whose uncertain parameters span the design (default:
    /// the baseline).
    #[arg(long)]
    pub configuration: Option<String>,
    /// Seed of the random designs (default: the scenario's experiment.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

/// Runs `mlgov design`.
pub fn execute(args: DesignArgs) -> anyhow::Result<ExitCode> {
    let method: DesignMethod = args.method.parse().map_err(super::usage)?;
    if args.samples == 0 {
        return Err(super::usage("--samples 0: must be at least 1"));
    }
    let scenario = match super::load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let index = super::pick_configuration(&scenario, args.configuration.as_deref())?;
    let seed = args.seed.unwrap_or(scenario.spec.experiment.seed);
    let design = make_design(&scenario, index, method, args.samples, seed).map_err(|e| {
        super::usage(format!(
            "cannot make a {} design of {}: {e}",
            args.method,
            args.scenario.display()
        ))
    })?;
    if let Err(code) = super::write_new(&args.out, &design.to_csv(), args.force) {
        return Ok(code);
    }
    say!(
        "wrote {} ({} design, {} rows × {} parameters: {}); run it with: mlgov run {} --design {} --out DIR",
        args.out.display(),
        args.method,
        design.rows.len(),
        design.columns.len(),
        design.columns.join(", "),
        args.scenario.display(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
