//! `mlgov merge`: adding up the shards of one experiment.
//!
//! Each finished shard directory holds its slice of `runs.csv` and, in
//! `.mlgov/state.bin`, the exact aggregate of its slice. Merging checks that
//! the directories are the shards `1/N .. N/N` of one experiment, each exactly
//! once, adds the aggregates (exact, so the order is irrelevant) and
//! concatenates the `runs.csv` slices in shard order, which gives files
//! byte-identical to a run on one machine.

use super::aggregate::Aggregate;
use super::output::{self, Manifest, RUN_TRAJECTORIES, RUNS};
use super::state::{FNV_OFFSET, Info, State, fnv1a_continue};
use super::verify::verify_runs;
use super::{DirLock, ExperimentError, MergeOutcome, OutputFormat, Shard};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Merges the finished shard directories `dirs` into `out` (which must not
/// hold results yet). A single unsharded run directory is accepted as shard
/// 1/1.
pub fn merge_results(dirs: &[PathBuf], out: &Path) -> Result<MergeOutcome, ExperimentError> {
    merge_results_as(dirs, out, OutputFormat::Csv)
}

/// [`merge_results`], writing the result tables in `format` (with
/// [`OutputFormat::Parquet`], a Parquet copy of each table too).
pub fn merge_results_as(
    dirs: &[PathBuf],
    out: &Path,
    format: OutputFormat,
) -> Result<MergeOutcome, ExperimentError> {
    merge_results_with(dirs, out, format, None)
}

/// [`merge_results_as`], recording the configurations' chart colours given
/// by `colours` in the manifest, as [`RunOptions::colours`](super::RunOptions::colours)
/// does for a run (`mlgov merge` passes the report's colours).
pub fn merge_results_with(
    dirs: &[PathBuf],
    out: &Path,
    format: OutputFormat,
    colours: Option<super::Colouring>,
) -> Result<MergeOutcome, ExperimentError> {
    let existed = out.exists();
    let result = merge_into(dirs, out, format, colours);
    if result.is_err() && !existed {
        // Refused: leave no empty output folder behind (only removed if empty).
        let _ = fs::remove_dir(out);
    }
    result
}

fn merge_into(
    dirs: &[PathBuf],
    out: &Path,
    format: OutputFormat,
    colours: Option<super::Colouring>,
) -> Result<MergeOutcome, ExperimentError> {
    if dirs.is_empty() {
        return Err(ExperimentError::Merge("no shard directories given".into()));
    }
    // The output is locked until the merge is written, and every shard is
    // held with a shared lock on its writer's lock file when there is one
    // (nothing is written into a shard: it may be on a read-only file
    // system), so no run writes them meanwhile.
    let mut locks = vec![DirLock::acquire(out)?];
    output::ensure_no_results(out)?;
    let mut locked = vec![fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf())];
    // Each shard's checkpoint is loaded, checked and added to the total in
    // turn, and only what the concatenation needs is kept: the memory of a
    // merge is that of two aggregates, however many shards there are.
    let mut shards: Vec<(PathBuf, Shard, Slice)> = Vec::with_capacity(dirs.len());
    let mut first: Option<(PathBuf, Shard, Info)> = None;
    let mut aggregate: Option<Aggregate> = None;
    for dir in dirs {
        let canonical = fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
        if dir.is_dir() && !locked.contains(&canonical) {
            locks.push(DirLock::acquire_for_reading(dir)?);
            locked.push(canonical);
        }
        let state = State::load(dir)?.ok_or_else(|| {
            ExperimentError::Merge(format!(
                "{} has no .mlgov/state.bin: is it the output directory of `mlgov run`?",
                dir.display()
            ))
        })?;
        let shard = state.info.shard.unwrap_or(Shard { index: 1, count: 1 });
        if !state.complete() {
            let (a, b) = state.info.range();
            return Err(ExperimentError::Merge(format!(
                "{} (shard {shard}) is not finished: replications {a}..{b}, next is {}; \
                 finish it with `mlgov run ... --shard {shard} --resume` first",
                dir.display(),
                state.next
            )));
        }
        verify_runs(dir, &state)?;
        match &first {
            None => first = Some((dir.clone(), shard, state.info.clone())),
            Some((first_dir, first_shard, info)) => {
                if let Some((what, a, b)) = info.difference(&state.info) {
                    return Err(ExperimentError::Merge(format!(
                        "different experiments: {} and {} differ in {what} ({a} vs {b})",
                        first_dir.display(),
                        dir.display()
                    )));
                }
                if shard.count != first_shard.count {
                    return Err(ExperimentError::Merge(format!(
                        "{} is shard {first_shard} but {} is shard {shard}: all must be shards of the same N",
                        first_dir.display(),
                        dir.display()
                    )));
                }
            }
        }
        let total = aggregate
            .get_or_insert_with(|| Aggregate::new(state.info.shape(), &state.info.discrete()));
        total.merge(&state.aggregate);
        shards.push((
            dir.clone(),
            shard,
            Slice {
                runs: (state.runs_len, state.runs_hash),
                trajectories: (state.traj_len, state.traj_hash),
                elapsed: state.elapsed,
            },
        ));
    }
    let (Some((_, first_shard, first_info)), Some(aggregate)) = (first, aggregate) else {
        return Err(ExperimentError::Merge("no shard directories given".into()));
    };

    let n = first_shard.count;
    let mut by_index: Vec<Option<usize>> = vec![None; n as usize];
    for (i, (dir, shard, _)) in shards.iter().enumerate() {
        let slot = &mut by_index[shard.index as usize - 1];
        if let Some(j) = *slot {
            return Err(ExperimentError::Merge(format!(
                "shard {shard} given twice ({} and {})",
                shards[j].0.display(),
                dir.display()
            )));
        }
        *slot = Some(i);
    }
    let order: Vec<usize> = by_index
        .iter()
        .enumerate()
        .map(|(k, i)| {
            i.ok_or_else(|| ExperimentError::Merge(format!("missing shard {}/{n}", k + 1)))
        })
        .collect::<Result<_, _>>()?;

    let mut info = first_info;
    info.shard = None;
    // In shard order, so that the floating-point sum is the same whatever
    // the order of the directories.
    let elapsed: f64 = order.iter().map(|&i| shards[i].2.elapsed).sum();

    fs::create_dir_all(out).map_err(ExperimentError::io(out, "create directory"))?;
    let runs_header = output::runs_header(&info).map_err(ExperimentError::csv(&out.join(RUNS)))?;
    let (runs_len, runs_hash) = concatenate(&shards, &order, out, RUNS, &runs_header, |s| s.runs)?;
    let (traj_len, traj_hash) = if info.save_trajectories {
        let path = out.join(RUN_TRAJECTORIES);
        let header = output::run_trajectories_header(&info).map_err(ExperimentError::csv(&path))?;
        concatenate(&shards, &order, out, RUN_TRAJECTORIES, &header, |s| {
            s.trajectories
        })?
    } else {
        (0, FNV_OFFSET)
    };
    let state = State {
        next: info.replications,
        info,
        runs_len,
        runs_hash,
        traj_len,
        traj_hash,
        elapsed,
        aggregate,
    };
    state.save(out)?;
    output::write_tables(out, &state.info, &state.aggregate)?;
    if format == OutputFormat::Parquet {
        super::columnar::write_parquet(out, &state.info)?;
    }
    Manifest::new(&state.info, &state.aggregate, None, elapsed, colours).write(out)?;
    Ok(MergeOutcome {
        shards: n,
        runs_ok: state.aggregate.runs_ok(),
        runs_failed: state.aggregate.runs_failed(),
    })
}

/// What the merge keeps of a shard's checkpoint once its aggregate is added.
struct Slice {
    /// Length and hash of its `runs.csv` at the checkpoint.
    runs: (u64, u64),
    /// Length and hash of its `run_trajectories.csv.gz` (0 and the empty
    /// hash when trajectories are not saved).
    trajectories: (u64, u64),
    /// Its wall-clock seconds.
    elapsed: f64,
}

/// Writes `out/NAME` (`runs.csv` or `run_trajectories.csv.gz`): `header`,
/// then each shard's body (exactly its checkpointed bytes after its header,
/// whose hash must be the one its checkpoint recorded) in shard order.
/// Returns the length and hash of the result.
fn concatenate(
    shards: &[(PathBuf, Shard, Slice)],
    order: &[usize],
    out: &Path,
    name: &str,
    header: &[u8],
    recorded: impl Fn(&Slice) -> (u64, u64),
) -> Result<(u64, u64), ExperimentError> {
    let path = out.join(name);
    // Written beside the target and renamed into place when complete; an
    // error on the way drops it, which removes the temporary file.
    let mut replacement =
        crate::atomic::Replacement::new(&path).map_err(ExperimentError::atomic)?;
    let dest = replacement.file();
    dest.write_all(header)
        .map_err(ExperimentError::io(&path, "write"))?;
    let mut total = header.len() as u64;
    let mut hash = fnv1a_continue(FNV_OFFSET, header);
    for &i in order {
        let (dir, shard, slice) = &shards[i];
        let (len, shard_hash) = recorded(slice);
        let src_path = dir.join(name);
        let (mut src, _) = crate::input::open_regular(&src_path)
            .map_err(ExperimentError::io(&src_path, "open"))?;
        let mut head = vec![0u8; header.len()];
        let bad = || {
            ExperimentError::Merge(format!(
                "{} (shard {shard}) does not start with the expected header or is shorter than its checkpoint",
                src_path.display()
            ))
        };
        src.read_exact(&mut head).map_err(|_| bad())?;
        if head != header {
            return Err(bad());
        }
        let mut check = fnv1a_continue(FNV_OFFSET, &head);
        let body = len.saturating_sub(header.len() as u64);
        let mut src = src.take(body);
        let mut buf = vec![0u8; 1 << 16];
        let mut copied = 0u64;
        loop {
            let n = src
                .read(&mut buf)
                .map_err(ExperimentError::io(&src_path, "read"))?;
            if n == 0 {
                break;
            }
            hash = fnv1a_continue(hash, &buf[..n]);
            check = fnv1a_continue(check, &buf[..n]);
            dest.write_all(&buf[..n])
                .map_err(ExperimentError::io(&path, "write"))?;
            copied += n as u64;
        }
        if copied != body {
            return Err(bad());
        }
        if check != shard_hash {
            return Err(ExperimentError::Merge(format!(
                "{} (shard {shard}) differs from what its checkpoint recorded (checksum mismatch)",
                src_path.display()
            )));
        }
        total += body;
    }
    replacement.commit(true).map_err(ExperimentError::atomic)?;
    Ok((total, hash))
}
