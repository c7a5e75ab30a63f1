//! `mlgov run` and `mlgov merge`: argument checking and calls into
//! [`mlgov::experiment`]. Arguments are checked before anything is read or
//! written, so a bad argument never touches an existing results directory.

use anyhow::Context;
use clap::Args;
use mlgov::experiment::{Experiment, RunOptions, Shard, merge_results, run_experiment};
use mlgov::sim::Model;
use std::io::IsTerminal;
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
    /// Do not draw charts.
    #[arg(long)]
    pub no_plots: bool,
}

/// Checks the arguments that do not depend on the scenario and turns them
/// into engine options.
fn run_options(args: &RunArgs) -> anyhow::Result<RunOptions> {
    if args.replications == Some(0) {
        anyhow::bail!("--replications 0: must be at least 1");
    }
    if args.threads == Some(0) {
        anyhow::bail!("--threads 0: must be at least 1");
    }
    let shard = args.shard.as_deref().map(str::parse::<Shard>).transpose()?;
    let mut options = RunOptions::new(&args.out);
    if let Some(threads) = args.threads {
        options.threads = threads;
    }
    options.shard = shard;
    options.resume = args.resume;
    options.progress = !args.quiet && std::io::stderr().is_terminal();
    Ok(options)
}

/// Runs `mlgov run`.
pub fn execute_run(args: RunArgs) -> anyhow::Result<ExitCode> {
    run_options(&args)?;
    let scenario = match super::load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    run_with(scenario.experiment(), &args)
}

/// Runs an experiment of any model with the command-line options: applies
/// `--replications` and `--seed`, runs (or resumes) it, prints a one-line
/// summary unless `--quiet`, and draws the charts unless `--no-plots`.
pub fn run_with<M: Model>(mut exp: Experiment<M>, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let options = run_options(args)?;
    if let Some(replications) = args.replications {
        exp.replications = replications;
    }
    if let Some(seed) = args.seed {
        exp.seed = seed;
    }
    let outcome = run_experiment(&exp, &options)?;
    if !args.quiet {
        let shard = options
            .shard
            .map(|s| format!(" (shard {s})"))
            .unwrap_or_default();
        eprintln!(
            "{} runs ok, {} failed{shard}, {:.1} s; results in {}",
            outcome.runs_ok,
            outcome.runs_failed,
            outcome.elapsed_seconds,
            args.out.display()
        );
        if outcome.runs_failed > 0 {
            eprintln!("failed runs and their reasons are listed in runs.csv");
        }
    }
    if !args.no_plots {
        draw_charts(&args.out, args.quiet)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Draws the charts of a results directory into `DIR/charts/`.
fn draw_charts(dir: &std::path::Path, quiet: bool) -> anyhow::Result<()> {
    let _lock = super::lock_dir(dir)?;
    let files = mlgov::report::render_all(dir, &mlgov::report::PlotOptions::default())
        .with_context(|| format!("drawing the charts of {}", dir.display()))?;
    if !quiet {
        eprintln!(
            "drew {} chart files in {}",
            files.len(),
            dir.join("charts").display()
        );
    }
    Ok(())
}

/// Runs `mlgov merge`.
pub fn execute_merge(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let outcome = merge_results(&args.dirs, &args.out)?;
    eprintln!(
        "merged {} shards: {} runs ok, {} failed; results in {}",
        outcome.shards,
        outcome.runs_ok,
        outcome.runs_failed,
        args.out.display()
    );
    if !args.no_plots {
        draw_charts(&args.out, false)?;
    }
    Ok(ExitCode::SUCCESS)
}
