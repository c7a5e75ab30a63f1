//! `mlgov simulate`.

use clap::Args;
use mlgov::partnership::{GovernanceModel, Phase};
use mlgov::sim::{Model, parse_seed, run_seed, run_single, seed_text};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov simulate`.
#[derive(Args)]
pub struct SimulateArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Run seed, as recorded in the `seed` column of `runs.csv` (`x` and
    /// hexadecimal digits; `0x…` and a decimal integer are also accepted). Default: the
    /// seed of replication 0 of `mlgov run`.
    #[arg(long, conflicts_with = "replication", value_parser = seed_arg)]
    pub seed: Option<u64>,
    /// Replication of `mlgov run` to reproduce (its run seed derives from the
    /// scenario's `experiment.seed`); default 0.
    #[arg(long)]
    pub replication: Option<u64>,
    /// Output directory; `run.csv` is written there.
    #[arg(long)]
    pub out: PathBuf,
    /// Configuration to simulate (default: the baseline).
    #[arg(long)]
    pub configuration: Option<String>,
    /// Months to simulate (default: the scenario's `experiment.months`).
    #[arg(long)]
    pub months: Option<u32>,
    /// Replace an existing `DIR/run.csv`.
    #[arg(long)]
    pub force: bool,
}

/// Parses `--seed`: decimal, or `x` or `0x` and hexadecimal, at most 64 bits.
fn seed_arg(text: &str) -> Result<u64, String> {
    parse_seed(text).ok_or_else(|| {
        format!(
            "`{text}` is not a seed: give it as in the seed column of runs.csv (x and 16 hexadecimal \
             digits) or as a decimal integer below 2^64"
        )
    })
}

/// Runs one simulation and writes `DIR/run.csv`.
pub fn execute(args: SimulateArgs) -> anyhow::Result<ExitCode> {
    let scenario = match super::load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let index = super::pick_configuration(&scenario, args.configuration.as_deref())?;
    let months = args.months.unwrap_or(scenario.spec.experiment.months);
    if months == 0 || months > 1200 {
        return Err(super::usage(format!(
            "--months must be in [1, 1200], got {months}"
        )));
    }
    let seed = match args.seed {
        Some(seed) => seed,
        None => run_seed(scenario.spec.experiment.seed, args.replication.unwrap_or(0)),
    };
    let config = &scenario.engine_configurations()[index];
    let params = config
        .params_for_run(seed)
        .map_err(|e| anyhow::anyhow!("configuration `{}`: {e}", config.name))?;
    let model = GovernanceModel;
    let run = run_single(&model, &params, months, seed).map_err(|e| {
        anyhow::anyhow!(
            "configuration `{}`, seed {}: the run failed: {e}",
            config.name,
            seed_text(seed)
        )
    })?;
    let mut text = String::from("month");
    for name in model.observables() {
        text.push(',');
        text.push_str(&name);
    }
    text.push_str(",phase_name\n");
    for (k, row) in run.observations.iter().enumerate() {
        text.push_str(&(k + 1).to_string());
        for v in row {
            text.push(',');
            text.push_str(&v.to_string());
        }
        let phase = row.last().copied().and_then(Phase::from_observation);
        text.push(',');
        text.push_str(phase.map_or("unknown", Phase::name));
        text.push('\n');
    }
    let path = args.out.join("run.csv");
    let _lock = super::lock_dir(&args.out)?;
    if let Err(code) = super::write_new(&path, text.as_bytes(), args.force) {
        return Ok(code);
    }
    let finals: Vec<String> = model
        .final_metrics()
        .iter()
        .zip(&run.finals)
        .filter(|(n, _)| {
            matches!(
                n.as_str(),
                "trust_mean"
                    | "transaction_cost_total"
                    | "delivery_total"
                    | "value_added_total"
                    | "survival"
            )
        })
        .map(|(n, v)| format!("{n} = {v:.3}"))
        .collect();
    super::say::say!(
        "wrote {} ({} months, configuration \"{}\", seed {}): {}",
        path.display(),
        months,
        config.name,
        seed_text(seed),
        finals.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
