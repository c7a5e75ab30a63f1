//! Running an experiment: validation, preparing or resuming the output
//! directory, the parallel waves of replication blocks, checkpoints, and the
//! final tables.

use super::aggregate::{Aggregate, BlockResult, ConfigBlock};
use super::output::{self, Manifest, RUN_TRAJECTORIES, RUNS, num};
use super::state::{FNV_OFFSET, Info, State, fnv1a_continue};
use super::verify::verify_runs;
use super::{
    BLOCK_SIZE, BLOCKS_PER_THREAD_PER_WAVE, DirLock, Experiment, ExperimentError, MAX_REPLICATIONS,
    MAX_THREADS, RunOptions, RunOutcome, estimated_memory,
};
use crate::analysis::{Moments, check_value, quantize};
use crate::sim::{
    Configuration, DYNAMICS_STREAM, InputValue, MetricKind, Model, ObservableKind, rng_from_seed,
    run_seed, seed_text, stream_seed,
};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Instant;

/// Runs (or, with `opts.resume`, continues) `exp` into `opts.out`.
///
/// Writes `runs.csv` as it goes, then `summary.csv`, `comparisons.csv`,
/// `trajectories.csv` and finally `manifest.json`. Refuses an output
/// directory that already holds results unless resuming, and refuses to
/// resume a checkpoint of a different experiment; in both cases nothing is
/// touched.
pub fn run_experiment<M: Model>(
    exp: &Experiment<M>,
    opts: &RunOptions,
) -> Result<RunOutcome, ExperimentError> {
    let started = Instant::now();
    let info = validate(exp, opts)?;
    let dir = opts.out.as_path();
    // Held until this function returns: no other process writes `dir` meanwhile.
    let _lock = DirLock::acquire(dir)?;
    let (mut state, resumed) = prepare(dir, &info, opts.resume)?;
    let elapsed_before = state.elapsed;
    let elapsed = || elapsed_before + started.elapsed().as_secs_f64();

    if !state.complete() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .build()
            .map_err(|e| ExperimentError::ThreadPool {
                threads: opts.threads,
                message: e.to_string(),
            })?;
        let finished = pool.install(|| run_waves(exp, opts, &mut state, &elapsed))?;
        if !finished {
            return Ok(RunOutcome {
                complete: false,
                resumed,
                runs_ok: state.aggregate.runs_ok(),
                runs_failed: state.aggregate.runs_failed(),
                elapsed_seconds: state.elapsed,
            });
        }
    }

    output::write_tables(dir, &state.info, &state.aggregate)?;
    if opts.format == super::OutputFormat::Parquet {
        super::columnar::write_parquet(dir, &state.info)?;
    }
    let total = elapsed();
    Manifest::new(
        &state.info,
        &state.aggregate,
        Some(opts.threads),
        total,
        opts.colours,
    )
    .write(dir)?;
    Ok(RunOutcome {
        complete: true,
        resumed,
        runs_ok: state.aggregate.runs_ok(),
        runs_failed: state.aggregate.runs_failed(),
        elapsed_seconds: total,
    })
}

/// Checks `exp` and `opts` as [`run_experiment`] does before it touches
/// anything: the replications, threads and shard, the size and memory
/// limits, the configurations and the columns of `runs.csv`. Reads and
/// writes nothing, so a job script can be checked before it is submitted.
pub fn check_experiment<M: Model>(
    exp: &Experiment<M>,
    opts: &RunOptions,
) -> Result<(), ExperimentError> {
    validate(exp, opts).map(|_| ())
}

/// Checks the experiment and options and describes the experiment.
fn validate<M: Model>(exp: &Experiment<M>, opts: &RunOptions) -> Result<Info, ExperimentError> {
    if exp.replications == 0 {
        return Err(ExperimentError::invalid(
            "--replications 0",
            "must be at least 1",
        ));
    }
    if exp.replications > MAX_REPLICATIONS {
        return Err(ExperimentError::invalid(
            format!("--replications {}", exp.replications),
            format!("must be at most {MAX_REPLICATIONS}"),
        ));
    }
    if opts.threads == 0 {
        return Err(ExperimentError::invalid(
            "--threads 0",
            "must be at least 1",
        ));
    }
    if opts.threads > MAX_THREADS {
        return Err(ExperimentError::invalid(
            format!("--threads {}", opts.threads),
            format!("must be at most {MAX_THREADS}"),
        ));
    }
    if exp.months == 0 {
        return Err(ExperimentError::invalid("months 0", "must be at least 1"));
    }
    if exp.configurations.is_empty() {
        return Err(ExperimentError::invalid(
            "configurations",
            "at least one is needed",
        ));
    }
    if exp.baseline >= exp.configurations.len() {
        return Err(ExperimentError::invalid(
            format!("baseline {}", exp.baseline),
            format!("there are only {} configurations", exp.configurations.len()),
        ));
    }
    let mut seen = HashSet::new();
    for c in &exp.configurations {
        if !seen.insert(c.name.as_str()) {
            return Err(ExperimentError::invalid(
                "configurations",
                format!("the name `{}` is used twice", c.name),
            ));
        }
    }
    if let Some(shard) = opts.shard {
        shard.validate()?;
    }
    check_size(exp, opts)?;
    let (final_kinds, observable_kinds) =
        (exp.model.final_metric_kinds(), exp.model.observable_kinds());
    if final_kinds.len() != exp.model.final_metrics().len()
        || observable_kinds.len() != exp.model.observables().len()
    {
        return Err(ExperimentError::invalid(
            "model",
            "gives a kind for each final metric and observable: the lists' lengths differ",
        ));
    }
    let inputs = exp.configurations[0].input_names.clone();
    if let Some(c) = exp.configurations.iter().find(|c| c.input_names != inputs) {
        return Err(ExperimentError::invalid(
            "configurations",
            format!(
                "every configuration must record the same input columns, but `{}` records `{}` and `{}` records `{}`",
                exp.configurations[0].name,
                inputs.join(","),
                c.name,
                c.input_names.join(",")
            ),
        ));
    }
    let mut columns = HashSet::new();
    for column in output::runs_columns(&inputs, &exp.model.final_metrics()) {
        if !columns.insert(column.clone()) {
            return Err(ExperimentError::invalid(
                "runs.csv columns",
                format!(
                    "the column `{column}` would appear twice (an input named like another column or a final metric)"
                ),
            ));
        }
    }
    Ok(Info {
        identity: exp.identity.clone(),
        scenario: exp.scenario_name.clone(),
        seed: exp.seed,
        replications: exp.replications,
        months: exp.months,
        configurations: exp.configurations.iter().map(|c| c.name.clone()).collect(),
        baseline: exp.baseline,
        observables: exp.model.observables(),
        final_metrics: exp.model.final_metrics(),
        inputs,
        final_kinds,
        observable_kinds,
        shard: opts.shard,
        block_size: BLOCK_SIZE,
        save_trajectories: opts.save_trajectories,
    })
}

/// Refuses, before anything is allocated, an experiment beyond
/// `opts.max_run_months` or `opts.max_memory_bytes`, saying its size and
/// the limit.
fn check_size<M: Model>(exp: &Experiment<M>, opts: &RunOptions) -> Result<(), ExperimentError> {
    let configs = exp.configurations.len() as u64;
    let (a, b) = opts
        .shard
        .map_or((0, exp.replications), |s| s.range(exp.replications));
    let run_months = u128::from(configs) * u128::from(b - a) * u128::from(exp.months);
    if run_months > u128::from(opts.max_run_months) {
        return Err(ExperimentError::invalid(
            "experiment size",
            format!(
                "{configs} configurations × {} replications × {} months = {run_months} simulated months, \
                 more than the limit of {}; raise it with --max-run-months if this is intended",
                b - a,
                exp.months,
                opts.max_run_months
            ),
        ));
    }
    let observables = exp.model.observables().len() as u64;
    let memory = estimated_memory(
        configs,
        u64::from(exp.months),
        observables,
        opts.threads as u64,
    );
    if memory > opts.max_memory_bytes {
        let mib = |v: u64| v.div_ceil(1 << 20);
        return Err(ExperimentError::invalid(
            "experiment memory",
            format!(
                "about {} MiB needed ({configs} configurations × {} months × {observables} observables, \
                 {} threads), more than the limit of {} MiB; use fewer threads, configurations or months, \
                 or raise it with --max-memory-mb",
                mib(memory),
                exp.months,
                opts.threads,
                mib(opts.max_memory_bytes)
            ),
        ));
    }
    Ok(())
}

/// Starts a fresh output directory or loads its checkpoint.
fn prepare(dir: &Path, info: &Info, resume: bool) -> Result<(State, bool), ExperimentError> {
    let cannot = |problem: String| ExperimentError::CannotResume {
        dir: dir.to_path_buf(),
        problem,
    };
    if resume {
        if let Some(state) = State::load(dir)? {
            if let Some((what, there, here)) = state.info.difference(info) {
                return Err(cannot(format!(
                    "its checkpoint is of a different experiment: {what} is {there} there but {here} in this run"
                )));
            }
            if state.info.shard != info.shard {
                let show = |s: Option<super::Shard>| {
                    s.map_or("no shard".to_string(), |s| format!("shard {s}"))
                };
                return Err(cannot(format!(
                    "its checkpoint is for {}, this run is for {}",
                    show(state.info.shard),
                    show(info.shard)
                )));
            }
            reconcile_runs(dir, &state, info)?;
            if info.save_trajectories {
                reconcile_trajectories(dir, &state, info)?;
            }
            return Ok((state, true));
        }
        clear_unstarted(dir)?;
        output::ensure_no_results(dir).map_err(|e| match e {
            ExperimentError::OutputExists { found, .. } => cannot(format!(
                "it holds {} but no checkpoint (.mlgov/state.bin), so nothing in it can be verified; \
                 to start afresh, remove it (rm -r {}) and run again without --resume",
                found.display(),
                dir.display()
            )),
            other => other,
        })?;
    } else {
        output::ensure_no_results(dir)?;
    }
    fs::create_dir_all(dir).map_err(ExperimentError::io(dir, "create directory"))?;
    let runs = dir.join(RUNS);
    let header = output::runs_header(info).map_err(ExperimentError::csv(&runs))?;
    let traj = dir.join(RUN_TRAJECTORIES);
    let traj_header = if info.save_trajectories {
        output::run_trajectories_header(info).map_err(ExperimentError::csv(&traj))?
    } else {
        Vec::new()
    };
    let state = State {
        info: info.clone(),
        next: info.range().0,
        runs_len: header.len() as u64,
        runs_hash: fnv1a_continue(FNV_OFFSET, &header),
        traj_len: traj_header.len() as u64,
        traj_hash: fnv1a_continue(FNV_OFFSET, &traj_header),
        elapsed: 0.0,
        aggregate: Aggregate::new(info.shape(), &info.discrete()),
    };
    // The checkpoint first: if killed before runs.csv exists, resume recreates it.
    state.save(dir)?;
    fs::write(&runs, &header).map_err(ExperimentError::io(&runs, "write"))?;
    if info.save_trajectories {
        fs::write(&traj, &traj_header).map_err(ExperimentError::io(&traj, "write"))?;
    }
    Ok((state, false))
}

/// A directory where a fresh run stopped before its first checkpoint (killed,
/// or a full disk while writing it) holds at most `.mlgov/` without
/// `state.bin` (perhaps a temporary file left by a write cut short): nothing was run, so `--resume`
/// removes that folder and starts afresh. Anything else is left alone.
fn clear_unstarted(dir: &Path) -> Result<(), ExperimentError> {
    let state_dir = dir.join(super::state::STATE_DIR);
    if !state_dir.is_dir() || super::state::state_path(dir).exists() {
        return Ok(());
    }
    if output::ensure_no_results_besides_state(dir).is_err() {
        return Ok(());
    }
    fs::remove_dir_all(&state_dir).map_err(ExperimentError::io(&state_dir, "remove"))
}

/// Verifies `runs.csv` against the checkpoint (every row and the running
/// hash) and cuts it back to the checkpointed length (dropping the rows of
/// runs that were in flight when the process stopped).
fn reconcile_runs(dir: &Path, state: &State, info: &Info) -> Result<(), ExperimentError> {
    let path = dir.join(RUNS);
    // A FIFO or device in its place is refused, not waited on.
    if path.exists() {
        crate::input::open_regular(&path).map_err(ExperimentError::io(&path, "open"))?;
    }
    let len = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let header = output::runs_header(info).map_err(ExperimentError::csv(&path))?;
    if len < state.runs_len && state.runs_len == header.len() as u64 {
        // Stopped between the first checkpoint and writing the header.
        return fs::write(&path, &header).map_err(ExperimentError::io(&path, "write"));
    }
    verify_runs(dir, state)?;
    if len > state.runs_len {
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(ExperimentError::io(&path, "open"))?;
        file.set_len(state.runs_len)
            .map_err(ExperimentError::io(&path, "truncate"))?;
    }
    Ok(())
}

/// Verifies the first `traj_len` bytes of `run_trajectories.csv.gz` against
/// the checkpoint's hash and cuts the file back to that length (dropping the
/// replications in flight when the process stopped).
fn reconcile_trajectories(dir: &Path, state: &State, info: &Info) -> Result<(), ExperimentError> {
    let path = dir.join(RUN_TRAJECTORIES);
    // A FIFO or device in its place is refused, not waited on.
    if path.exists() {
        crate::input::open_regular(&path).map_err(ExperimentError::io(&path, "open"))?;
    }
    let len = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let header = output::run_trajectories_header(info).map_err(ExperimentError::csv(&path))?;
    if len < state.traj_len && state.traj_len == header.len() as u64 {
        // Stopped between the first checkpoint and writing the header.
        return fs::write(&path, &header).map_err(ExperimentError::io(&path, "write"));
    }
    let damaged = |problem: String| ExperimentError::Damaged {
        path: path.clone(),
        problem,
    };
    if len < state.traj_len {
        return Err(damaged(format!(
            "it has {len} bytes but the checkpoint recorded {}: it was truncated",
            state.traj_len
        )));
    }
    let (file, _) =
        crate::input::open_regular(&path).map_err(ExperimentError::io(&path, "open"))?;
    let mut reader = std::io::Read::take(std::io::BufReader::new(file), state.traj_len);
    let mut buf = vec![0u8; 1 << 16];
    let mut hash = FNV_OFFSET;
    loop {
        let n = std::io::Read::read(&mut reader, &mut buf)
            .map_err(ExperimentError::io(&path, "read"))?;
        if n == 0 {
            break;
        }
        hash = fnv1a_continue(hash, &buf[..n]);
    }
    if hash != state.traj_hash {
        return Err(damaged(
            "its bytes differ from those the checkpoint recorded (checksum mismatch)".into(),
        ));
    }
    if len > state.traj_len {
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(ExperimentError::io(&path, "open"))?;
        file.set_len(state.traj_len)
            .map_err(ExperimentError::io(&path, "truncate"))?;
    }
    Ok(())
}

/// Runs waves until done (`Ok(true)`) or `stop_after_waves` (`Ok(false)`).
/// Called inside the experiment's thread pool.
fn run_waves<M: Model>(
    exp: &Experiment<M>,
    opts: &RunOptions,
    state: &mut State,
    elapsed: &dyn Fn() -> f64,
) -> Result<bool, ExperimentError> {
    let dir = opts.out.as_path();
    let runs_path = dir.join(RUNS);
    let mut runs = OpenOptions::new()
        .append(true)
        .open(&runs_path)
        .map_err(ExperimentError::io(&runs_path, "open for appending"))?;
    let traj_path = dir.join(RUN_TRAJECTORIES);
    let mut traj = if state.info.save_trajectories {
        Some(
            OpenOptions::new()
                .append(true)
                .open(&traj_path)
                .map_err(ExperimentError::io(&traj_path, "open for appending"))?,
        )
    } else {
        None
    };
    let names = Names {
        save_trajectories: state.info.save_trajectories,
        inputs: state.info.inputs.len(),
        observables: state.info.observables.clone(),
        final_metrics: state.info.final_metrics.clone(),
        observable_kinds: state.info.observable_kinds.clone(),
        final_kinds: state.info.final_kinds.clone(),
    };
    let (start, end) = state.info.range();
    let per_rep = exp.configurations.len() as u64;
    let progress = opts
        .progress
        .then(|| progress_bar((end - start) * per_rep, (state.next - start) * per_rep));
    let per_wave = BLOCKS_PER_THREAD_PER_WAVE * opts.threads;
    let mut waves = 0u64;
    let mut saved_at = Instant::now();
    let mut unsaved = false;
    while state.next < end {
        let stop_requested = opts
            .stop
            .as_ref()
            .is_some_and(|s| s.load(std::sync::atomic::Ordering::SeqCst));
        if opts.stop_after_waves == Some(waves) || stop_requested {
            if unsaved {
                state.elapsed = elapsed();
                state.save(dir)?;
            }
            if let Some(pb) = &progress {
                pb.abandon();
            }
            return Ok(false);
        }
        let mut blocks = Vec::with_capacity(per_wave);
        let mut a = state.next;
        while a < end && blocks.len() < per_wave {
            let b = (a + BLOCK_SIZE).min(end);
            blocks.push((a, b));
            a = b;
        }
        let results = blocks
            .par_iter()
            .map(|&(a, b)| {
                let r = run_block(exp, &names, a, b);
                if let Some(pb) = &progress {
                    pb.inc((b - a) * per_rep);
                }
                r
            })
            .collect::<Result<Vec<BlockResult>, csv::Error>>()
            .map_err(ExperimentError::csv(&runs_path))?;
        state.aggregate.absorb(&results);
        let rows: Vec<u8> = results
            .iter()
            .flat_map(|r| r.rows.iter().copied())
            .collect();
        runs.write_all(&rows)
            .map_err(ExperimentError::io(&runs_path, "append to"))?;
        state.runs_len += rows.len() as u64;
        state.runs_hash = fnv1a_continue(state.runs_hash, &rows);
        if let Some(file) = &mut traj {
            for r in &results {
                file.write_all(&r.traj)
                    .map_err(ExperimentError::io(&traj_path, "append to"))?;
                state.traj_len += r.traj.len() as u64;
                state.traj_hash = fnv1a_continue(state.traj_hash, &r.traj);
            }
        }
        state.next = a;
        waves += 1;
        unsaved = true;
        if state.next >= end || saved_at.elapsed() >= opts.checkpoint_interval {
            state.elapsed = elapsed();
            state.save(dir)?;
            saved_at = Instant::now();
            unsaved = false;
        }
    }
    if let Some(pb) = &progress {
        pb.finish();
    }
    Ok(true)
}

fn progress_bar(total: u64, done: u64) -> ProgressBar {
    let pb = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {pos}/{len} runs  {rate}  elapsed {elapsed}  ETA {eta}",
    ) {
        pb.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} runs/s", state.per_sec());
            },
        ));
    }
    pb.set_position(done);
    pb
}

struct Names {
    /// Whether to write `run_trajectories.csv.gz`.
    save_trajectories: bool,
    /// How many input columns `runs.csv` has.
    inputs: usize,
    observables: Vec<String>,
    final_metrics: Vec<String>,
    observable_kinds: Vec<ObservableKind>,
    final_kinds: Vec<MetricKind>,
}

/// Replications `a..b` of every configuration, in canonical order.
fn run_block<M: Model>(
    exp: &Experiment<M>,
    names: &Names,
    a: u64,
    b: u64,
) -> Result<BlockResult, csv::Error> {
    let nc = exp.configurations.len();
    let nm = names.final_metrics.len();
    let ni = names.inputs;
    let reps = (b - a) as usize;
    let per_run = exp.months as usize * names.observables.len();
    let mut configs: Vec<ConfigBlock> = (0..nc)
        .map(|_| ConfigBlock {
            observations: Vec::with_capacity(reps * per_run),
            finals: Vec::with_capacity(reps * nm),
            ..ConfigBlock::default()
        })
        .collect();
    let mut pairs = vec![Moments::new(); nc * nm];
    let mut rows = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let mut finals_at: Vec<Option<usize>> = vec![None; nc];
    let mut record: Vec<String> = Vec::with_capacity(5 + ni + nm);
    let nobs = names.observables.len();
    let mut traj = Vec::new();
    let rows_writer = || {
        csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new())
    };
    let mut traj_rows = rows_writer();
    let mut traj_record: Vec<String> = Vec::with_capacity(3 + nobs);
    for rep in a..b {
        let seed = run_seed(exp.seed, rep);
        for (c, config) in exp.configurations.iter().enumerate() {
            let cb = &mut configs[c];
            let (obs_start, fin_start) = (cb.observations.len(), cb.finals.len());
            let result = catch_unwind(AssertUnwindSafe(|| {
                simulate(
                    &exp.model,
                    config,
                    seed,
                    exp.months,
                    names,
                    &mut cb.observations,
                    &mut cb.finals,
                )
            }))
            .unwrap_or_else(|payload| {
                Err(format!("panicked: {}", panic_message(payload.as_ref())))
            });
            let inputs = run_inputs(config, seed, ni);
            let result = match (result, &inputs) {
                (Ok(()), Err(reason)) => Err(reason.clone()),
                (result, _) => result,
            };
            record.clear();
            record.extend([config.name.clone(), rep.to_string(), seed_text(seed)]);
            match result {
                Ok(()) => {
                    cb.ok += 1;
                    finals_at[c] = Some(fin_start);
                    record.extend(["ok".to_string(), String::new()]);
                    push_inputs(&mut record, inputs.ok(), ni);
                    record.extend(cb.finals[fin_start..].iter().map(|&v| num(v)));
                    if names.save_trajectories && nobs > 0 {
                        for (t, month) in cb.observations[obs_start..].chunks(nobs).enumerate() {
                            traj_record.clear();
                            traj_record.extend([
                                config.name.clone(),
                                rep.to_string(),
                                (t + 1).to_string(),
                            ]);
                            traj_record.extend(month.iter().map(|&v| num(v)));
                            traj_rows.write_record(&traj_record)?;
                        }
                    }
                }
                Err(reason) => {
                    cb.observations.truncate(obs_start);
                    cb.finals.truncate(fin_start);
                    cb.failed += 1;
                    finals_at[c] = None;
                    record.extend(["failed".to_string(), reason]);
                    push_inputs(&mut record, inputs.ok(), ni);
                    record.extend((0..nm).map(|_| String::new()));
                }
            }
            rows.write_record(&record)?;
        }
        if names.save_trajectories {
            let text = std::mem::replace(&mut traj_rows, rows_writer())
                .into_inner()
                .map_err(|e| csv::Error::from(e.into_error()))?;
            traj.extend(output::gzip_member(&text)?);
        }
        if let Some(base) = finals_at[exp.baseline] {
            for c in (0..nc).filter(|&c| c != exp.baseline) {
                let Some(at) = finals_at[c] else { continue };
                for m in 0..nm {
                    let q = |v: f64| quantize(v).unwrap_or(0);
                    let d =
                        q(configs[c].finals[at + m]) - q(configs[exp.baseline].finals[base + m]);
                    pairs[c * nm + m].push_fixed(d);
                }
            }
        }
    }
    let rows = rows
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(BlockResult {
        configs,
        pairs,
        rows,
        traj,
    })
}

/// The input values of a run as `runs.csv` cells (`ni` of them), or why
/// they could not be drawn (the run then fails with that reason).
fn run_inputs<P>(config: &Configuration<P>, seed: u64, ni: usize) -> Result<Vec<String>, String> {
    let values = config
        .inputs_for_run(seed)
        .map_err(|e| format!("drawing the inputs failed: {e}"))?;
    if values.len() != ni {
        return Err(format!(
            "the configuration gave {} input values, expected {ni}",
            values.len()
        ));
    }
    values
        .into_iter()
        .zip(&config.input_names)
        .map(|(v, name)| match v {
            InputValue::Number(x) if x.is_finite() => Ok(num(x)),
            InputValue::Number(x) => Err(format!("input `{name}` is not finite ({x})")),
            InputValue::Text(t) => Ok(t),
            InputValue::Missing => Ok(String::new()),
        })
        .collect()
}

/// Appends a run's input cells, or `ni` empty cells when they are unknown.
fn push_inputs(record: &mut Vec<String>, inputs: Option<Vec<String>>, ni: usize) {
    match inputs {
        Some(cells) => record.extend(cells),
        None => record.extend((0..ni).map(|_| String::new())),
    }
}

/// One run, streaming its observations and finals into the block's buffers.
/// On error the caller truncates the buffers back.
fn simulate<M: Model>(
    model: &M,
    config: &Configuration<M::Params>,
    seed: u64,
    months: u32,
    names: &Names,
    observations: &mut Vec<f64>,
    finals: &mut Vec<f64>,
) -> Result<(), String> {
    let params = config
        .params_for_run(seed)
        .map_err(|e| format!("parameter sampling failed: {e}"))?;
    let mut rng = rng_from_seed(stream_seed(seed, DYNAMICS_STREAM));
    let mut state = model
        .init(&params, &mut rng)
        .map_err(|e| format!("initialisation failed: {e}"))?;
    for t in 1..=months {
        model
            .step(&params, &mut state, t, &mut rng)
            .map_err(|e| format!("month {t}: {e}"))?;
        let start = observations.len();
        model.observe(&params, &state, t, observations);
        check_values(
            &observations[start..],
            &names.observables,
            "observation",
            Some(t),
        )?;
        for ((v, name), kind) in observations[start..]
            .iter()
            .zip(&names.observables)
            .zip(&names.observable_kinds)
        {
            check_discrete(*v, kind)
                .map_err(|e| format!("observation `{name}` at month {t}: {e}"))?;
        }
    }
    let start = finals.len();
    model.finish(&params, &state, months, finals);
    check_values(&finals[start..], &names.final_metrics, "final metric", None)?;
    for ((v, name), kind) in finals[start..]
        .iter()
        .zip(&names.final_metrics)
        .zip(&names.final_kinds)
    {
        let ok = match kind {
            MetricKind::Proportion => *v == 0.0 || *v == 1.0,
            MetricKind::TimeToEvent => *v >= 0.0,
            MetricKind::Share => (0.0..=1.0).contains(v),
            _ => true,
        };
        if !ok {
            return Err(format!(
                "final metric `{name}` is a {} but is {v}",
                match kind {
                    MetricKind::Proportion => "0/1 outcome",
                    MetricKind::Share => "share (in [0, 1])",
                    _ => "time to an event (at least 0)",
                }
            ));
        }
    }
    Ok(())
}

/// Counts must be whole numbers, categories one of their codes.
fn check_discrete(v: f64, kind: &ObservableKind) -> Result<(), String> {
    match kind {
        ObservableKind::Count if v.fract() != 0.0 => {
            Err(format!("is a count but is {v}, not a whole number"))
        }
        ObservableKind::Categorical(names)
            if v.fract() != 0.0 || v < 0.0 || v >= names.len() as f64 =>
        {
            Err(format!(
                "is a category coded 0..{} but is {v}",
                names.len().saturating_sub(1)
            ))
        }
        _ => Ok(()),
    }
}

/// Refuses a wrong number of values, non-finite values and `|v| > 1e9`.
/// (The message, with the month if any, is written only on failure: no
/// string is formatted in the per-month path.)
fn check_values(
    values: &[f64],
    names: &[String],
    kind: &str,
    month: Option<u32>,
) -> Result<(), String> {
    let when = || month.map_or(String::new(), |t| format!(" at month {t}"));
    if values.len() != names.len() {
        return Err(format!(
            "the model gave {} {kind} values{}, expected {}",
            values.len(),
            when(),
            names.len()
        ));
    }
    for (v, name) in values.iter().zip(names) {
        check_value(*v).map_err(|e| format!("{kind} `{name}`{}: {e}", when()))?;
    }
    Ok(())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}
