//! `mlgov run` and `mlgov merge`: argument checking and calls into
//! [`mlgov::experiment`]. Arguments are checked before anything is read or
//! written, so a bad argument never touches an existing results directory.

use super::say::{note, quiet, say};
use anyhow::Context;
use clap::Args;
use mlgov::experiment::{
    Experiment, ExperimentError, OutputFormat, RunOptions, Shard, merge_results_with,
    run_experiment,
};
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
    /// Run the rows of a design file (CSV: one column per scenario parameter
    /// path, one row per point), each as a configuration.
    #[arg(long)]
    pub design: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run only slice K of N, e.g. `--shard 2/8`.
    #[arg(long)]
    pub shard: Option<String>,
    /// Continue an interrupted run in the same directory.
    #[arg(long)]
    pub resume: bool,
    /// Do not draw charts or write report.html.
    #[arg(long)]
    pub no_plots: bool,
    /// Also write every run's monthly observations to
    /// DIR/run_trajectories.csv.gz (gzip-compressed CSV).
    #[arg(long)]
    pub save_trajectories: bool,
    /// Format of the result tables: csv, or parquet (the CSV tables and a
    /// typed Parquet copy of each). Default: the scenario's
    /// `[experiment] format`, else csv.
    #[arg(long, value_name = "csv|parquet")]
    pub format: Option<OutputFormat>,
    /// Refuse experiments of more simulated months (configurations ×
    /// replications × months) than this.
    #[arg(long, default_value_t = mlgov::experiment::DEFAULT_MAX_RUN_MONTHS)]
    pub max_run_months: u64,
    /// Refuse experiments estimated to need more memory than this (MiB).
    #[arg(long, default_value_t = mlgov::experiment::DEFAULT_MAX_MEMORY_BYTES >> 20)]
    pub max_memory_mb: u64,
    /// Start without asking when the run is estimated to take more than a
    /// day of CPU time.
    #[arg(long)]
    pub yes: bool,
}

/// CPU time of one partnership simulated for one month, as measured on the
/// Lloyd grid (docs/performance.md, "The model with places").
const SECONDS_PER_PARTNERSHIP_MONTH: f64 = 1e-6;

/// CPU time beyond which `mlgov run` asks for `--yes`: a day.
const CONFIRM_CPU_SECONDS: f64 = 86_400.0;

/// Asks before starting a run estimated to take more than a day of CPU time
/// (partnership-months × [`SECONDS_PER_PARTNERSHIP_MONTH`]), unless `--yes`:
/// at a terminal a question, otherwise (and under `--quiet`) a refusal
/// (exit 2) stating the estimate.
fn confirm_long_work(scenario: &mlgov::scenario::Scenario, args: &RunArgs) -> anyhow::Result<()> {
    use mlgov::governance::Level;
    if args.yes {
        return Ok(());
    }
    let mut replications = args
        .replications
        .unwrap_or(scenario.spec.experiment.replications);
    if let Some(shard) = args.shard.as_deref().and_then(|s| s.parse::<Shard>().ok()) {
        replications = replications.div_ceil(u64::from(shard.count.max(1)));
    }
    let partnerships: u128 = scenario
        .configurations()
        .iter()
        .map(|c| {
            let places = &c.spec.places;
            u128::from(match c.spec.governance.assignment.implement {
                Level::National => 1,
                Level::Regional => places.regions,
                Level::Local => places.regions * places.localities_per_region,
            })
        })
        .sum();
    let months = u128::from(scenario.spec.experiment.months);
    let work = partnerships * months * u128::from(replications);
    let seconds = work as f64 * SECONDS_PER_PARTNERSHIP_MONTH;
    if seconds <= CONFIRM_CPU_SECONDS {
        return Ok(());
    }
    let threads = args
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .max(1);
    let estimate = format!(
        "this run simulates {work} partnership-months: about {:.0} hours of CPU time at 1 µs each \
         (docs/performance.md), about {:.0} hours on {threads} thread{}",
        seconds / 3600.0,
        seconds / 3600.0 / threads as f64,
        if threads == 1 { "" } else { "s" }
    );
    if !quiet() && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        eprint!("{estimate}.\nStart it? [y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Ok(());
        }
        return Err(super::usage(
            "not started; add --yes to start it without asking",
        ));
    }
    Err(super::usage(format!(
        "{estimate}; add --yes to start it (or fewer replications, months or configurations)"
    )))
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
    /// Format of the merged result tables: csv, or parquet (the CSV tables
    /// and a typed Parquet copy of each).
    #[arg(long, value_name = "csv|parquet", default_value = "csv")]
    pub format: OutputFormat,
    /// Do not draw charts or write report.html.
    #[arg(long)]
    pub no_plots: bool,
}

/// Checks the arguments that do not depend on the scenario and turns them
/// into engine options.
fn run_options(args: &RunArgs) -> anyhow::Result<RunOptions> {
    if args.replications == Some(0) {
        return Err(super::usage("--replications 0: must be at least 1"));
    }
    if args.threads == Some(0) {
        return Err(super::usage("--threads 0: must be at least 1"));
    }
    let shard = args.shard.as_deref().map(str::parse::<Shard>).transpose()?;
    let mut options = RunOptions::new(&args.out);
    if let Some(threads) = args.threads {
        options.threads = threads;
    }
    options.shard = shard;
    options.resume = args.resume;
    options.save_trajectories = args.save_trajectories;
    options.format = args.format.unwrap_or_default();
    options.progress = !quiet() && std::io::stderr().is_terminal();
    options.max_run_months = args.max_run_months;
    options.max_memory_bytes = args.max_memory_mb.saturating_mul(1 << 20);
    Ok(options)
}

/// Runs `mlgov run`.
pub fn execute_run(mut args: RunArgs) -> anyhow::Result<ExitCode> {
    run_options(&args)?;
    let mut scenario = match super::load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    if let Some(path) = &args.design {
        match scenario.with_design_file(path) {
            Ok(s) => scenario = s,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(2));
            }
        }
    }
    args.format = Some(args.format.unwrap_or(scenario.spec.experiment.format));
    confirm_long_work(&scenario, &args)?;
    run_with(scenario.experiment(), &args)
}

/// Runs an experiment of any model with the command-line options: applies
/// `--replications` and `--seed`, runs (or resumes) it, prints a one-line
/// summary on stdout (unless `--quiet`), and draws the charts unless
/// `--no-plots`.
pub fn run_with<M: Model>(mut exp: Experiment<M>, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let options = run_options(args)?;
    if let Some(replications) = args.replications {
        exp.replications = replications;
    }
    if let Some(seed) = args.seed {
        exp.seed = seed;
    }
    let options = RunOptions {
        stop: Some(interrupt::install()),
        colours: Some(mlgov::report::configuration_colours),
        ..options
    };
    let outcome = match run_experiment(&exp, &options) {
        Ok(outcome) => outcome,
        Err(e) => {
            if matches!(
                e,
                ExperimentError::DamagedRuns { .. } | ExperimentError::CorruptState { .. }
            ) {
                eprintln!(
                    "error: {e}\nstart afresh with: rm -r {} && {}",
                    interrupt::quote(&args.out.to_string_lossy()),
                    interrupt::command_line(false)
                );
                return Ok(ExitCode::from(1));
            }
            return Err(e.into());
        }
    };
    if !outcome.complete
        && let Some(signal) = interrupt::received()
    {
        eprintln!(
            "interrupted by {}: {} runs saved in {}; continue with: {}",
            interrupt::name(signal),
            outcome.runs_ok + outcome.runs_failed,
            args.out.display(),
            interrupt::command_line(true)
        );
        return Ok(ExitCode::from(128 + signal as u8));
    }
    let shard = options
        .shard
        .map(|s| format!(" (shard {s})"))
        .unwrap_or_default();
    say!(
        "{} runs ok, {} failed{shard}, {:.1} s; results in {}",
        outcome.runs_ok,
        outcome.runs_failed,
        outcome.elapsed_seconds,
        args.out.display()
    );
    if outcome.runs_failed > 0 {
        note!("failed runs and their reasons are listed in runs.csv");
    }
    if !args.no_plots {
        draw_charts(&args.out)?;
        // The scenario file quoted in the report is the one just run.
        let text = mlgov::input::read_input(&args.scenario, mlgov::input::MAX_INPUT_BYTES)
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        write_report(&args.out, text.as_deref())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `DIR/report.html` and says so.
fn write_report(dir: &std::path::Path, scenario_text: Option<&str>) -> anyhow::Result<()> {
    let path = super::report::write(dir, scenario_text, false)?;
    say!("wrote {}", path.display());
    Ok(())
}

/// Draws the charts of a results directory into `DIR/charts/`.
fn draw_charts(dir: &std::path::Path) -> anyhow::Result<()> {
    let _lock = super::lock_dir(dir)?;
    let files = super::charts::draw(dir, false, |opts| mlgov::report::render_all(dir, opts))
        .with_context(|| format!("drawing the charts of {}", dir.display()))?;
    say!(
        "drew {} chart files in {}",
        files.len(),
        dir.join("charts").display()
    );
    Ok(())
}

/// Runs `mlgov merge`.
pub fn execute_merge(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let outcome = merge_results_with(
        &args.dirs,
        &args.out,
        args.format,
        Some(mlgov::report::configuration_colours),
    )
    .map_err(|e| match e {
        // `merge` has no --resume: an output folder holding results (say, of
        // a merge that failed half-way) is refused with the command that
        // clears it.
        // Only mlgov's result files are named for removal: the folder may
        // hold other files, even the shards being merged (`mlgov slurm`
        // merges DIR/shards/* into DIR).
        ExperimentError::OutputExists { dir, found } => {
            let entries: Vec<String> = mlgov::experiment::result_entries(&dir)
                .iter()
                .map(|p| interrupt::quote(&p.to_string_lossy()))
                .collect();
            anyhow::anyhow!(
                "{} already holds results ({}); choose another --out, or, if they are \
                 an earlier merge's output to be made again, remove them first: rm -r {}",
                dir.display(),
                found.display(),
                entries.join(" ")
            )
        }
        other => other.into(),
    })?;
    say!(
        "merged {} shards: {} runs ok, {} failed; results in {}",
        outcome.shards,
        outcome.runs_ok,
        outcome.runs_failed,
        args.out.display()
    );
    if !args.no_plots {
        draw_charts(&args.out)?;
        write_report(&args.out, None)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// SIGINT and SIGTERM during `mlgov run`: the first one asks the engine to
/// stop after the wave in flight, save its checkpoint and return; the
/// command then prints the `--resume` command and exits with 128 + the
/// signal number (130, 143). A second signal ends the process at once (the
/// default action), which is also safe: the last checkpoint is kept.
///
/// The handlers are `signal-hook`'s: it runs the actions registered for a
/// signal in the order of registration, inside one async-signal-safe
/// handler, and each action here only reads or stores an atomic (or, for a
/// second signal, performs the signal's default action).
pub mod interrupt {
    use std::sync::Once;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    static STOP: AtomicBool = AtomicBool::new(false);
    static SIGNAL: AtomicUsize = AtomicUsize::new(0);
    static INSTALLED: Once = Once::new();

    /// Installs the handlers (once per process); returns the flag the
    /// engine polls.
    pub fn install() -> &'static AtomicBool {
        #[cfg(unix)]
        INSTALLED.call_once(|| {
            use signal_hook::consts::{SIGINT, SIGTERM};
            use signal_hook::flag;
            for signal in [SIGINT, SIGTERM] {
                // In this order: a signal that finds the flag already set
                // (the second one) ends the process by its default action;
                // the first records which signal it was and sets the flag.
                // Registration fails only for a signal that cannot be
                // handled, which these two can; without the handlers the
                // signals keep their default action, as before any run.
                let _ = flag::register_conditional_default(signal, &STOP);
                let _ = flag::register_usize(signal, &SIGNAL, signal as usize);
                let _ = flag::register(signal, &STOP);
            }
        });
        #[cfg(not(unix))]
        INSTALLED.call_once(|| {});
        &STOP
    }

    /// The signal that asked to stop, if any.
    pub fn received() -> Option<i32> {
        STOP.load(Ordering::SeqCst)
            .then(|| SIGNAL.load(Ordering::SeqCst))
            .filter(|&s| s > 0 && s < 128)
            .map(|s| s as i32)
    }

    pub fn name(signal: i32) -> String {
        #[cfg(unix)]
        {
            if signal == signal_hook::consts::SIGINT {
                return "SIGINT".into();
            }
            if signal == signal_hook::consts::SIGTERM {
                return "SIGTERM".into();
            }
        }
        format!("signal {signal}")
    }

    /// This command line with `--resume` (added if missing) or without it,
    /// quoted for a POSIX shell.
    pub fn command_line(resume: bool) -> String {
        let mut words: Vec<String> = std::env::args().filter(|w| w != "--resume").collect();
        if resume {
            words.push("--resume".into());
        }
        words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
    }

    /// A word quoted for a POSIX shell (unchanged when it needs no quotes).
    pub fn quote(word: &str) -> String {
        let plain = !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
        if plain {
            word.to_string()
        } else {
            format!("'{}'", word.replace('\'', "'\\''"))
        }
    }
}
