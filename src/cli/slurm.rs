//! `mlgov slurm`: an experiment as a Slurm array job, one task per shard,
//! and a job that merges the shards into the output folder.
//!
//! Everything is checked before anything is written: the options (each
//! value that goes into a job script is refused unless it is made of
//! characters that mean nothing to the shell or to `sbatch`), the scenario
//! (as `mlgov check` does), the experiment's size limits for the largest
//! shard, and the output folder. The scripts name the folder by its absolute
//! path, and this very program by the path it runs from, so the jobs run
//! the same mlgov on the same files wherever Slurm starts them.
//!
//! The layout of `DIR`:
//!
//! - `slurm/scenario.toml` (and `slurm/design.csv` with `--design`): the
//!   copies the jobs run, so editing the original while jobs wait in the
//!   queue changes nothing;
//! - `slurm/array.sh`: the array job; task `I` runs shard `I+1` of `N` with
//!   `--resume` into `shards/shard-<I+1>`, so a requeued task continues;
//! - `slurm/merge.sh`: the merge job, submitted with
//!   `--dependency=afterany` on the array: it checks that every shard
//!   finished (naming each that did not, with the commands that rerun it)
//!   and merges them into `DIR` itself;
//! - `slurm/logs/`: `shard-K.log` (what shard K's run printed, over all its
//!   attempts), `slurm-JOB_TASK.out` (Slurm's own messages about a task)
//!   and `merge-JOB.out`.

use super::run::interrupt::quote;
use super::say::say;
use anyhow::Context;
use clap::Args;
use mlgov::experiment::{OutputFormat, RunOptions, Shard};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The most shards (array tasks) `mlgov slurm` writes.
pub const MAX_SHARDS: u32 = 10_000;

/// Arguments of `mlgov slurm`.
#[derive(Args)]
pub struct SlurmArgs {
    /// Scenario file (TOML); checked, then copied to DIR/slurm/scenario.toml,
    /// which the jobs run.
    pub scenario: PathBuf,
    /// Number of shards: the array job has one task per shard (1 to 10000).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_SHARDS as i64))]
    pub shards: u32,
    /// Output folder: the job scripts and logs go to DIR/slurm/, the shards
    /// to DIR/shards/, and the merged results to DIR itself.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Slurm partition to run in (sbatch --partition).
    #[arg(long, value_name = "P", value_parser = slurm_name)]
    pub partition: Option<String>,
    /// Time limit of each task and of the merge job, HH:MM:SS or
    /// D-HH:MM:SS (sbatch --time).
    #[arg(long, value_name = "HH:MM:SS", value_parser = slurm_time)]
    pub time: Option<String>,
    /// CPUs of each task (sbatch --cpus-per-task); also the default
    /// --threads. Default 1.
    #[arg(long, value_name = "C", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub cpus_per_task: Option<u32>,
    /// Memory of each task and of the merge job, e.g. 4G or 500M (sbatch
    /// --mem; a number alone is megabytes).
    #[arg(long, value_name = "M", value_parser = slurm_mem)]
    pub mem: Option<String>,
    /// Account the jobs are charged to (sbatch --account).
    #[arg(long, value_name = "A", value_parser = slurm_name)]
    pub account: Option<String>,
    /// Replications per configuration (overrides the scenario).
    #[arg(long)]
    pub replications: Option<u64>,
    /// Master seed (overrides the scenario).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads of each task (default: --cpus-per-task).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run the rows of a design file, as `mlgov run --design` does; copied
    /// to DIR/slurm/design.csv.
    #[arg(long)]
    pub design: Option<PathBuf>,
    /// Also write every run's monthly observations
    /// (run_trajectories.csv.gz), as `mlgov run --save-trajectories`.
    #[arg(long)]
    pub save_trajectories: bool,
    /// Format of the merged result tables: csv, or parquet (the CSV tables
    /// and a typed Parquet copy of each). Default: the scenario's
    /// `[experiment] format`, else csv.
    #[arg(long, value_name = "csv|parquet")]
    pub format: Option<OutputFormat>,
    /// The merge job draws no charts and writes no report.html.
    #[arg(long)]
    pub no_plots: bool,
    /// Refuse shards of more simulated months (configurations ×
    /// replications of the shard × months) than this.
    #[arg(long, default_value_t = mlgov::experiment::DEFAULT_MAX_RUN_MONTHS)]
    pub max_run_months: u64,
    /// Refuse shards estimated to need more memory than this (MiB).
    #[arg(long, default_value_t = mlgov::experiment::DEFAULT_MAX_MEMORY_BYTES >> 20)]
    pub max_memory_mb: u64,
    /// Submit both jobs with sbatch (the merge job after the array) and
    /// print their job ids.
    #[arg(long)]
    pub submit: bool,
    /// Replace the job scripts of an earlier `mlgov slurm` in DIR and remove
    /// merged results found there; shards already in DIR/shards are kept
    /// (the array resumes them).
    #[arg(long)]
    pub force: bool,
}

/// A Slurm partition or account name: letters, digits, `_`, `.` and `-`,
/// not starting with `-`.
fn slurm_name(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text.len() <= 128
        && !text.starts_with('-')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "`{text}` is not a Slurm name: use letters, digits, `_`, `.` and `-` only \
             (at most 128, not starting with `-`)"
        ))
    }
}

/// A time limit, `HH:MM:SS` or `D-HH:MM:SS` (minutes and seconds below 60,
/// hours below 24 after a day count), more than zero.
fn slurm_time(text: &str) -> Result<String, String> {
    let bad = || {
        format!(
            "`{text}` is not a time limit: give HH:MM:SS (e.g. 02:00:00 or 48:00:00) \
             or D-HH:MM:SS (e.g. 1-12:00:00), more than zero"
        )
    };
    let number = |part: &str, digits: std::ops::RangeInclusive<usize>| -> Option<u64> {
        (digits.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let (days, clock) = match text.split_once('-') {
        Some((d, rest)) => (Some(number(d, 1..=4).ok_or_else(bad)?), rest),
        None => (None, text),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let [h, m, s] = parts[..] else {
        return Err(bad());
    };
    let hours = number(h, if days.is_some() { 1..=2 } else { 1..=6 }).ok_or_else(bad)?;
    let minutes = number(m, 2..=2).ok_or_else(bad)?;
    let seconds = number(s, 2..=2).ok_or_else(bad)?;
    let total = days.unwrap_or(0) * 86_400 + hours * 3600 + minutes * 60 + seconds;
    if minutes > 59 || seconds > 59 || (days.is_some() && hours > 23) || total == 0 {
        return Err(bad());
    }
    Ok(text.to_string())
}

/// A memory size as sbatch --mem takes it: a whole number and an optional
/// unit K, M, G or T (megabytes without one).
fn slurm_mem(text: &str) -> Result<String, String> {
    let digits = text.trim_end_matches(|c: char| "KMGTkmgt".contains(c));
    let unit_len = text.len() - digits.len();
    let ok = unit_len <= 1
        && (1..=12).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "`{text}` is not a memory size: give a whole number and an optional unit K, M, G \
             or T, e.g. 4G or 500M (a number alone is megabytes, as for sbatch --mem)"
        ))
    }
}

/// Whether a path can be written into a job script as it is: in `#SBATCH`
/// lines, which are not read by a shell, quotes do not help, and `%` is a
/// Slurm file-name pattern. Letters, digits and `_ - . / + , @ :` only.
fn plain_path(path: &Path) -> Option<&str> {
    let text = path.to_str()?;
    text.chars()
        .all(|c| c.is_alphanumeric() || "_-./+,@:".contains(c))
        .then_some(text)
}

/// Everything the scripts are made from, checked.
struct Plan {
    /// The output folder, absolute.
    dir: String,
    /// This program, quoted for the shell.
    mlgov: String,
    shards: u32,
    replications: u64,
    seed: u64,
    threads: usize,
    cpus: u32,
    design: bool,
    save_trajectories: bool,
    format: OutputFormat,
    no_plots: bool,
    /// `--max-run-months` and `--max-memory-mb` when not the defaults.
    limits: String,
    /// `(option, value)` for the given sbatch options shared by both jobs.
    sbatch: Vec<(&'static str, String)>,
    scenario_name: String,
    configurations: usize,
}

impl Plan {
    /// The options of a shard's `mlgov run` after `--shard K/N`.
    fn run_options(&self) -> String {
        let mut words = format!(
            "--replications {} --seed {} --threads {}",
            self.replications, self.seed, self.threads
        );
        if self.design {
            words.push_str(&format!(" --design {}/slurm/design.csv", self.dir));
        }
        if self.save_trajectories {
            words.push_str(" --save-trajectories");
        }
        words.push_str(&self.limits);
        // A task has no one to ask whether to start a long run: the size
        // of a shard was chosen with `mlgov slurm`, and --time bounds it.
        words.push_str(" --resume --no-plots --format csv --yes");
        words
    }

    /// The `#SBATCH` lines of both jobs' options.
    fn sbatch_lines(&self, cpus: u32) -> String {
        let mut lines = format!("#SBATCH --cpus-per-task={cpus}\n");
        for (option, value) in &self.sbatch {
            lines.push_str(&format!("#SBATCH --{option}={value}\n"));
        }
        lines
    }

    fn array_path(&self) -> String {
        format!("{}/slurm/array.sh", self.dir)
    }

    fn merge_path(&self) -> String {
        format!("{}/slurm/merge.sh", self.dir)
    }

    /// The command line that submits both jobs.
    fn submit_line(&self) -> String {
        format!(
            "array=$(sbatch --parsable {}) && sbatch --dependency=afterany:$array {}",
            self.array_path(),
            self.merge_path()
        )
    }
}

/// Replaces each `@NAME@` of `template` by its value.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (name, value) in values {
        text = text.replace(&format!("@{name}@"), value);
    }
    debug_assert!(!text.contains("@MLGOV") && !text.contains("@DIR@"));
    text
}

const ARRAY_TEMPLATE: &str = r#"#!/bin/bash
# Written by `mlgov slurm` (mlgov @VERSION@): the experiment of
# @DIR@/slurm/scenario.toml (scenario "@SCENARIO@", @CONFIGURATIONS@
# configurations, @REPLICATIONS@ replications, seed @SEED@) as @N@ shards,
# one array task each: task I runs shard I+1 of @N@ into
# @DIR@/shards/shard-<I+1>, and what it prints goes to
# @DIR@/slurm/logs/shard-<I+1>.log. A task stopped and requeued
# (scontrol requeue, a node failure) resumes its shard from its checkpoint.
#
# Submit it with the merge job:
#   @SUBMIT@
# Rerun shard K alone with --array=K-1 (ranges and lists work too, as in
# --array=0,3-5 for shards 1 and 4 to 6), then merge; for shard 1:
#   sbatch --dependency=afterany:$(sbatch --parsable --array=0 @DIR@/slurm/array.sh) @DIR@/slurm/merge.sh
#SBATCH --job-name=mlgov
#SBATCH --array=0-@LAST@
@SBATCH@#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=@DIR@/slurm/logs/slurm-%A_%a.out

mlgov=@MLGOV@
dir=@DIR@
n=@N@
task="${SLURM_ARRAY_TASK_ID:?is not set: this is a Slurm array job, submit it with sbatch}"
k=$((task + 1))
exec >>"$dir/slurm/logs/shard-$k.log" 2>&1
echo "shard $k/$n: Slurm job ${SLURM_ARRAY_JOB_ID:-?}_${task}, attempt $((${SLURM_RESTART_COUNT:-0} + 1)), on $(hostname) at $(date -u '+%Y-%m-%d %H:%M:%S') UTC"
exec "$mlgov" run "$dir/slurm/scenario.toml" --out "$dir/shards/shard-$k" --shard "$k/$n" @RUN_OPTIONS@
"#;

const MERGE_TEMPLATE: &str = r#"#!/bin/bash
# Written by `mlgov slurm` (mlgov @VERSION@): merges the @N@ shards of
# @DIR@/slurm/array.sh into @DIR@.
# Submitted with --dependency=afterany on the array job, it runs once every
# task has ended, whether its shard finished or not: it checks that every
# shard finished, and fails naming each one that did not, with the commands
# that rerun it. It can also be run as it is: bash @DIR@/slurm/merge.sh
#SBATCH --job-name=mlgov-merge
@SBATCH@#SBATCH --open-mode=append
#SBATCH --output=@DIR@/slurm/logs/merge-%j.out

mlgov=@MLGOV@
mlgov_shown=@MLGOV_SHOWN@
dir=@DIR@
n=@N@
if [ -f "$dir/manifest.json" ]; then
    echo "$dir already holds the merged results (manifest.json): nothing to do"
    exit 0
fi
# A shard finished when its run wrote manifest.json; mlgov merge then checks
# each shard's checkpoint and rows.
unfinished=()
for ((k = 1; k <= n; k++)); do
    if [ ! -f "$dir/shards/shard-$k/manifest.json" ]; then
        unfinished+=("$k")
    fi
done
if [ "${#unfinished[@]}" -gt 0 ]; then
    tasks=""
    first=""
    last=""
    span() { if [ "$first" = "$last" ]; then echo "$first"; else echo "$first-$last"; fi; }
    for k in "${unfinished[@]}"; do
        echo "error: shard $k/$n did not finish: $dir/shards/shard-$k has no manifest.json (see $dir/slurm/logs/shard-$k.log and $dir/slurm/logs/slurm-*_$((k - 1)).out)" >&2
        t=$((k - 1))
        if [ -n "$last" ] && [ "$t" -eq $((last + 1)) ]; then
            last=$t
            continue
        fi
        if [ -n "$first" ]; then tasks="${tasks:+$tasks,}$(span)"; fi
        first=$t
        last=$t
    done
    tasks="${tasks:+$tasks,}$(span)"
    echo "${#unfinished[@]} of $n shards did not finish; nothing was merged. Rerun them on the cluster and merge again (each resumes from its checkpoint; to give them longer, add --time=HH:MM:SS after the second sbatch):" >&2
    echo "  sbatch --dependency=afterany:\$(sbatch --parsable --array=$tasks $dir/slurm/array.sh) $dir/slurm/merge.sh" >&2
    echo "or run each one here, then merge with: bash $dir/slurm/merge.sh" >&2
    for k in "${unfinished[@]}"; do
        echo "  $mlgov_shown run $dir/slurm/scenario.toml --out $dir/shards/shard-$k --shard $k/$n @RUN_OPTIONS@" >&2
    done
    exit 1
fi
# The shards by their short names, from their folder: 10000 absolute paths
# could exceed the system's limit on the length of a command line.
cd "$dir/shards" || exit
shards=()
for ((k = 1; k <= n; k++)); do
    shards+=("shard-$k")
done
"$mlgov" merge "${shards[@]}" --out "$dir" --format @FORMAT@@NO_PLOTS@ || exit
"#;

/// The report's last step in `merge.sh`: it quotes the scenario, as the
/// report of `mlgov run` does.
const MERGE_REPORT: &str = r#""$mlgov" --quiet report "$dir" --scenario "$dir/slurm/scenario.toml"
"#;

fn array_script(p: &Plan) -> String {
    let last = (p.shards - 1).to_string();
    fill(
        ARRAY_TEMPLATE,
        &[
            ("VERSION", env!("CARGO_PKG_VERSION")),
            ("SCENARIO", &p.scenario_name.replace(['\n', '\r'], " ")),
            ("CONFIGURATIONS", &p.configurations.to_string()),
            ("REPLICATIONS", &p.replications.to_string()),
            ("SEED", &p.seed.to_string()),
            ("SUBMIT", &p.submit_line()),
            ("LAST", &last),
            ("SBATCH", &p.sbatch_lines(p.cpus)),
            ("MLGOV", &p.mlgov),
            ("RUN_OPTIONS", &p.run_options()),
            ("N", &p.shards.to_string()),
            ("DIR", &p.dir),
        ],
    )
}

fn merge_script(p: &Plan) -> String {
    let mut text = fill(
        MERGE_TEMPLATE,
        &[
            ("VERSION", env!("CARGO_PKG_VERSION")),
            ("SBATCH", &p.sbatch_lines(1)),
            ("MLGOV_SHOWN", &quote(&p.mlgov)),
            ("MLGOV", &p.mlgov),
            ("RUN_OPTIONS", &p.run_options()),
            ("FORMAT", &p.format.to_string()),
            ("NO_PLOTS", if p.no_plots { " --no-plots" } else { "" }),
            ("N", &p.shards.to_string()),
            ("DIR", &p.dir),
        ],
    );
    // With a design the experiment's identity is the scenario's and the
    // design's, which `mlgov report --scenario` does not take: the merge's
    // own report stands.
    if !p.no_plots && !p.design {
        text.push_str(MERGE_REPORT);
    }
    text
}

/// Runs `mlgov slurm`.
pub fn execute(args: SlurmArgs) -> anyhow::Result<ExitCode> {
    if args.threads == Some(0) {
        return Err(super::usage("--threads 0: must be at least 1"));
    }
    if args.replications == Some(0) {
        return Err(super::usage("--replications 0: must be at least 1"));
    }
    let dir = std::path::absolute(&args.out)
        .with_context(|| format!("cannot resolve --out {}", args.out.display()))?;
    let Some(dir_text) = plain_path(&dir).map(str::to_string) else {
        return Err(super::usage(format!(
            "--out {}: the job scripts name this folder in #SBATCH lines and shell commands, \
             so its absolute path ({}) may hold only letters, digits and _ - . / + , @ : \
             (no spaces, quotes, `%` or other shell characters); choose another --out",
            args.out.display(),
            dir.display()
        )));
    };
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
    let mut exp = scenario.experiment();
    if let Some(r) = args.replications {
        exp.replications = r;
    }
    if let Some(s) = args.seed {
        exp.seed = s;
    }
    if u64::from(args.shards) > exp.replications {
        return Err(super::usage(format!(
            "--shards {}: more shards than replications ({}); every shard needs at least one",
            args.shards, exp.replications
        )));
    }
    let cpus = args.cpus_per_task.unwrap_or(1);
    let threads = args.threads.unwrap_or(cpus as usize);
    // The largest shard against the limits, as each task's run checks it.
    let largest = (1..=args.shards)
        .map(|index| Shard {
            index,
            count: args.shards,
        })
        .max_by_key(|s| {
            let (a, b) = s.range(exp.replications);
            b - a
        })
        .expect("at least one shard");
    let mut options = RunOptions::new(dir.join("shards").join(format!("shard-{}", largest.index)));
    options.threads = threads;
    options.shard = Some(largest);
    options.save_trajectories = args.save_trajectories;
    options.max_run_months = args.max_run_months;
    options.max_memory_bytes = args.max_memory_mb.saturating_mul(1 << 20);
    mlgov::experiment::check_experiment(&exp, &options).map_err(|e| {
        super::usage(format!(
            "{e} (checked for shard {largest}, the largest of the array's shards)"
        ))
    })?;

    let mut limits = String::new();
    if args.max_run_months != mlgov::experiment::DEFAULT_MAX_RUN_MONTHS {
        limits.push_str(&format!(" --max-run-months {}", args.max_run_months));
    }
    if args.max_memory_mb != mlgov::experiment::DEFAULT_MAX_MEMORY_BYTES >> 20 {
        limits.push_str(&format!(" --max-memory-mb {}", args.max_memory_mb));
    }
    let sbatch_options: Vec<(&'static str, String)> = [
        ("partition", &args.partition),
        ("account", &args.account),
        ("time", &args.time),
        ("mem", &args.mem),
    ]
    .into_iter()
    .filter_map(|(option, value)| value.clone().map(|v| (option, v)))
    .collect();
    let exe = std::env::current_exe().context("cannot find the path of this mlgov program")?;
    let plan = Plan {
        dir: dir_text,
        mlgov: quote(&exe.to_string_lossy()),
        shards: args.shards,
        replications: exp.replications,
        seed: exp.seed,
        threads,
        cpus,
        design: args.design.is_some(),
        save_trajectories: args.save_trajectories,
        format: args.format.unwrap_or(scenario.spec.experiment.format),
        no_plots: args.no_plots,
        limits,
        sbatch: sbatch_options,
        scenario_name: exp.scenario_name.clone(),
        configurations: exp.configurations.len(),
    };

    // The output folder: nothing of an earlier run is replaced without --force.
    if dir.exists() && !dir.is_dir() {
        return Err(super::usage(format!(
            "--out {}: exists and is not a folder",
            args.out.display()
        )));
    }
    let slurm_dir = dir.join("slurm");
    let earlier: Vec<PathBuf> = ["array.sh", "merge.sh", "scenario.toml", "design.csv"]
        .iter()
        .map(|f| slurm_dir.join(f))
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    let results = mlgov::experiment::result_entries(&dir);
    let shards_dir = dir.join("shards");
    let has_shards = std::fs::read_dir(&shards_dir).is_ok_and(|mut d| d.next().is_some());
    if !args.force {
        if let Some(path) = earlier.first() {
            return Err(super::usage(format!(
                "{} already exists (written by an earlier `mlgov slurm`); nothing was written: \
                 choose another --out, or add --force to replace the job scripts (shards \
                 already in {} are kept, and the array resumes them)",
                path.display(),
                shards_dir.display()
            )));
        }
        if let Some(path) = results.first() {
            return Err(super::usage(format!(
                "{} already holds results ({}); nothing was written: choose another --out, \
                 or add --force to remove them (the merge job writes them again)",
                dir.display(),
                path.display()
            )));
        }
        if has_shards {
            return Err(super::usage(format!(
                "{} already holds shards of an earlier run; nothing was written: choose \
                 another --out, or add --force to keep them and write the job scripts (the \
                 array resumes them; a shard of a different experiment is refused by its task)",
                shards_dir.display()
            )));
        }
    }

    let _lock = super::lock_dir(&dir)?;
    for path in &results {
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
        removed.with_context(|| format!("cannot remove {}", path.display()))?;
    }
    let logs = slurm_dir.join("logs");
    std::fs::create_dir_all(&logs)
        .with_context(|| format!("cannot create folder {}", logs.display()))?;
    let copy = |from: &Path, name: &str| -> anyhow::Result<()> {
        let bytes = mlgov::input::read_input(from, mlgov::input::MAX_INPUT_BYTES)
            .with_context(|| format!("cannot read {}", from.display()))?;
        let to = slurm_dir.join(name);
        mlgov::atomic::write_atomic(&to, &bytes)
            .with_context(|| format!("cannot write {}", to.display()))
    };
    copy(&args.scenario, "scenario.toml")?;
    if let Some(design) = &args.design {
        copy(design, "design.csv")?;
    }
    let array = PathBuf::from(plan.array_path());
    let merge = PathBuf::from(plan.merge_path());
    for (path, text) in [(&array, array_script(&plan)), (&merge, merge_script(&plan))] {
        mlgov::atomic::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        make_executable(path)?;
    }
    say!(
        "wrote {}: {} shards of {} replications × {} configurations, {} CPU{} and {} thread{} each",
        array.display(),
        plan.shards,
        plan.replications,
        plan.configurations,
        cpus,
        if cpus == 1 { "" } else { "s" },
        threads,
        if threads == 1 { "" } else { "s" }
    );
    say!(
        "wrote {}: merges them into {} once every task has ended",
        merge.display(),
        plan.dir
    );
    if !args.submit {
        say!("submit both with:\n  {}", plan.submit_line());
        return Ok(ExitCode::SUCCESS);
    }

    let array_id = sbatch(&["--parsable", &plan.array_path()]).map_err(|e| {
        anyhow::anyhow!(
            "{e}\nthe job scripts are written; submit them with:\n  {}",
            plan.submit_line()
        )
    })?;
    let merge_id = sbatch(&[
        "--parsable",
        &format!("--dependency=afterany:{array_id}"),
        &plan.merge_path(),
    ])
    .map_err(|e| {
        anyhow::anyhow!(
            "{e}\nthe array job {array_id} is submitted; submit the merge job with:\n  \
             sbatch --dependency=afterany:{array_id} {}",
            plan.merge_path()
        )
    })?;
    say!(
        "submitted array job {array_id} ({} tasks) and merge job {merge_id} (after every task has ended)",
        plan.shards
    );
    say!(
        "follow them with: squeue -j {array_id},{merge_id}; the merged results will be in {} \
         (log: {}/slurm/logs/merge-{merge_id}.out)",
        plan.dir,
        plan.dir
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `sbatch ARGS` and returns the job id it printed (`--parsable`:
/// `ID` or `ID;CLUSTER`).
fn sbatch(args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("sbatch").args(args).output().map_err(|e| {
        anyhow::anyhow!("cannot run sbatch: {e} (is Slurm installed, and is this a login node?)")
    })?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let id = stdout
        .trim()
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    if !out.status.success() || id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        anyhow::bail!(
            "`sbatch {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(id)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        for ok in [
            "00:00:01",
            "02:00:00",
            "48:00:00",
            "1-12:00:00",
            "7-00:00:00",
        ] {
            assert_eq!(slurm_time(ok).as_deref(), Ok(ok));
        }
        for bad in [
            "",
            "00:00:00",
            "2:00",
            "120",
            "02:60:00",
            "02:00:60",
            "1-24:00:00",
            "02:0:00",
            "a:00:00",
            "1-",
            "-1:00:00",
            "02:00:00;",
            "02:00:00 ",
            "1-2-03:00:00",
        ] {
            assert!(slurm_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn memory_sizes() {
        for ok in ["4G", "500M", "1024", "2T", "64k", "0"] {
            assert!(slurm_mem(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "G",
            "4GB",
            "4.5G",
            "-4G",
            "4X",
            "4 G",
            "4G;",
            "$(x)",
            "1234567890123",
        ] {
            assert!(slurm_mem(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        for ok in ["debug", "gpu-a100", "proj_42.x"] {
            assert!(slurm_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-p", "a b", "a;b", "a,b", "$x", "a'b", "é"] {
            assert!(slurm_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths() {
        assert!(plain_path(Path::new("/home/ana/results/lloyd-2.v1")).is_some());
        for bad in ["/a b", "/a%b", "/a'b", "/a$b", "/a\nb", "/a;b", "/~a"] {
            assert!(plain_path(Path::new(bad)).is_none(), "{bad:?}");
        }
    }
}
