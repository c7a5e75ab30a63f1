//! The `mlgov` command line: argument parsing and calls into the library.
//!
//! Owns the subcommand list (its doc comments are the help, the man page and
//! the completions) and dispatch to `cli/`; it must hold no domain rule.

mod cli;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

/// The version, and the git revision when built from a git checkout (see
/// build.rs), e.g. `0.1.0 (git 1a2b3c4d5e6f)`.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("MLGOV_GIT_REVISION"));

#[derive(Parser)]
#[command(
    name = "mlgov",
    version = VERSION,
    about = "Model and simulate multi-level governance partnerships",
    long_about = None
)]
struct Cli {
    /// Print nothing but errors (results go to files; the exit code tells
    /// success).
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a scenario file and report every error found.
    Check(cli::check::CheckArgs),
    /// Run one simulation and write DIR/run.csv, one row per month.
    Simulate(cli::simulate::SimulateArgs),
    /// Run a Monte Carlo experiment: all configurations x replications.
    Run(cli::run::RunArgs),
    /// Write a design file (lhs, sobol, morris or factorial) over the
    /// scenario's uncertain parameters, for `run --design`.
    Design(cli::design::DesignArgs),
    /// Merge the output directories of shards into one result.
    Merge(cli::run::MergeArgs),
    /// Write a Slurm array job that runs an experiment's shards and a job
    /// that merges them (DIR/slurm/array.sh and merge.sh); --submit submits
    /// both.
    Slurm(cli::slurm::SlurmArgs),
    /// Redraw the charts of a results directory from its CSV files.
    Plot(cli::plot::PlotArgs),
    /// Write DIR/report.html: one self-contained page with the tables,
    /// charts and method notes of a results directory.
    Report(cli::report::ReportArgs),
    /// Sensitivity analysis (Morris or Sobol) over the uncertain parameters.
    Sensitivity(cli::sensitivity::SensitivityArgs),
    /// Serve the Lloyd explorer, an interactive teaching page, on a local
    /// web address.
    Serve(cli::serve::ServeArgs),
    /// Scenario discovery (PRIM): which inputs lead a final metric below or
    /// above a threshold, from the runs of a results directory.
    Discover(cli::discover::DiscoverArgs),
    /// Write a starter scenario, or one of the example scenarios.
    Init(cli::init::InitArgs),
    /// List the example scenarios and Rust examples, one line each.
    Examples,
    /// Print an assessment checklist template, or turn a filled checklist
    /// into a scenario with a short forecast.
    Assess(cli::assess::AssessArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell or
    /// elvish (docs/install.md tells where to put it).
    Completions(cli::install::CompletionsArgs),
    /// Print the man page, or write one page per command into a folder.
    Man(cli::install::ManArgs),
}

/// Writing to a closed pipe (`mlgov examples | head`) ends the program
/// quietly, as it does for other command-line tools, instead of a panic
/// from `println!`. Rust ignores SIGPIPE by default; this restores the
/// default action. This one call stays on `libc`: `signal-hook` (which
/// handles SIGINT and SIGTERM, src/cli/run.rs) installs handlers and has no
/// call that gives a signal back its default disposition, and a handler
/// that imitated the default would do the same with more machinery.
#[cfg(unix)]
fn quiet_on_closed_pipe() {
    // SAFETY: called once at start-up, before any other thread exists;
    // setting a signal to its default action has no other effect.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn quiet_on_closed_pipe() {}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    cli::say::set_quiet(cli.quiet);
    let result = match cli.command {
        Command::Check(a) => cli::check::execute(a),
        Command::Simulate(a) => cli::simulate::execute(a),
        Command::Run(a) => cli::run::execute_run(a),
        Command::Design(a) => cli::design::execute(a),
        Command::Merge(a) => cli::run::execute_merge(a),
        Command::Slurm(a) => cli::slurm::execute(a),
        Command::Plot(a) => cli::plot::execute(a),
        Command::Report(a) => cli::report::execute(a),
        Command::Sensitivity(a) => cli::sensitivity::execute(a),
        Command::Serve(a) => cli::serve::execute(a),
        Command::Discover(a) => cli::discover::execute(a),
        Command::Init(a) => cli::init::execute(a),
        Command::Examples => cli::init::list(),
        Command::Assess(a) => cli::assess::execute(a),
        Command::Completions(a) => cli::install::completions(a, &mut Cli::command()),
        Command::Man(a) => cli::install::man(a, Cli::command()),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(cli::exit_status(&err))
        }
    }
}
