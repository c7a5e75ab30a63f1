//! Verifying the rows of `runs.csv` against the checkpoint before they are
//! trusted (`--resume`) or passed on (`mlgov merge`).
//!
//! Two checks, both streaming (memory does not grow with the file):
//!
//! - **structure**: the header is the experiment's; row `i` (0-based) is
//!   configuration `i mod C` of replication `start + i div C`, with that
//!   replication's seed, status `ok` or `failed`, and one field per column;
//!   there are exactly `(next − start) × C` rows. A damaged, inserted,
//!   duplicated, missing or truncated row is named by its line.
//! - **content**: the FNV-1a 64 hash of the bytes, which the checkpoint keeps
//!   as a running hash of everything written, must match. This catches a
//!   changed value inside a well-formed row.

use super::ExperimentError;
use super::output::{RUNS, runs_header};
use super::state::{FNV_OFFSET, State, fnv1a_continue};
use crate::sim::{run_seed, seed_text};
use std::io::{BufReader, Read};
use std::path::Path;

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hash: u64,
    read: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash = fnv1a_continue(self.hash, &buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// Checks the first `state.runs_len` bytes of `dir/runs.csv` against the
/// checkpoint `state`. `Err` names the file and, for a bad row, its line.
pub(crate) fn verify_runs(dir: &Path, state: &State) -> Result<(), ExperimentError> {
    let path = dir.join(RUNS);
    let damaged = |line: Option<u64>, problem: String| ExperimentError::DamagedRuns {
        path: path.clone(),
        line,
        problem,
    };
    let (file, _) =
        crate::input::open_regular(&path).map_err(ExperimentError::io(&path, "open"))?;
    let len = file
        .metadata()
        .map_err(ExperimentError::io(&path, "read"))?
        .len();
    // A file shorter than the checkpoint is read to its end, so that the
    // line where it was cut is named.
    let truncated = len < state.runs_len;
    let info = &state.info;
    let header = runs_header(info).map_err(ExperimentError::csv(&path))?;
    let mut hashing = Hashing {
        inner: BufReader::new(file).take(state.runs_len),
        hash: FNV_OFFSET,
        read: 0,
    };
    let mut head = vec![0u8; header.len().min(state.runs_len as usize)];
    let read_head = hashing.read_exact(&mut head);
    if read_head.is_err() && truncated {
        return Err(damaged(
            Some(1),
            format!("it has {len} bytes, cut inside the header: it was truncated or replaced"),
        ));
    }
    read_head.map_err(ExperimentError::io(&path, "read"))?;
    if head != header {
        return Err(damaged(
            Some(1),
            "the header is not this experiment's (configuration,replication,seed,status,reason, then the inputs and the final metrics)".into(),
        ));
    }
    let nc = info.configurations.len() as u64;
    let fields = 5 + info.inputs.len() + info.final_metrics.len();
    let (start, _) = info.range();
    let expected_rows = (state.next - start) * nc;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&mut hashing);
    let mut record = csv::ByteRecord::new();
    let mut row = 0u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // The reader starts after the header line, read above.
                let line = e.position().map_or(row + 2, |p| p.line() + 1);
                return Err(damaged(Some(line), format!("not valid CSV: {e}")));
            }
        }
        let line = record.position().map_or(row + 2, |p| p.line() + 1);
        if row >= expected_rows {
            return Err(damaged(
                Some(line),
                format!("one row too many: the checkpoint holds {expected_rows} rows"),
            ));
        }
        let rep = start + row / nc;
        let config = &info.configurations[(row % nc) as usize];
        let seed = run_seed(info.seed, rep);
        let text = |k: usize| String::from_utf8_lossy(record.get(k).unwrap_or_default());
        if record.len() != fields {
            return Err(damaged(
                Some(line),
                format!("{} fields, expected {fields}", record.len()),
            ));
        }
        if text(0) != config.as_str() || text(1) != rep.to_string().as_str() {
            return Err(damaged(
                Some(line),
                format!(
                    "expected configuration `{config}`, replication {rep}, found `{}`, {}",
                    text(0),
                    text(1)
                ),
            ));
        }
        if text(2) != seed_text(seed).as_str() {
            return Err(damaged(
                Some(line),
                format!(
                    "seed {} is not replication {rep}'s seed {}",
                    text(2),
                    seed_text(seed)
                ),
            ));
        }
        if !matches!(record.get(3), Some(b"ok" | b"failed")) {
            return Err(damaged(
                Some(line),
                format!("status `{}` is neither ok nor failed", text(3)),
            ));
        }
        row += 1;
    }
    drop(reader);
    if row < expected_rows {
        return Err(damaged(
            Some(row + 2),
            format!(
                "the file ends after {row} rows ({len} bytes) but the checkpoint holds {expected_rows} \
                 rows ({} bytes): it was truncated or rows are missing",
                state.runs_len
            ),
        ));
    }
    if truncated {
        return Err(damaged(
            Some(row + 1),
            format!(
                "the file has {len} bytes but the checkpoint recorded {}: it was truncated \
                 inside its last row",
                state.runs_len
            ),
        ));
    }
    if hashing.read != state.runs_len || hashing.hash != state.runs_hash {
        return Err(damaged(
            None,
            "its bytes differ from those the checkpoint recorded (checksum mismatch), \
             although every row is well-formed: a value was changed"
                .into(),
        ));
    }
    Ok(())
}

/// Checks a results directory written by [`super::run_experiment`] or
/// [`super::merge_results`] as `--resume` and `merge` do: its checkpoint
/// (`.mlgov/state.bin`) must be readable and intact, and every row of
/// `runs.csv` up to the checkpoint must be the expected one with the
/// recorded hash. Returns whether the run is finished. Reads only.
///
/// ```
/// use mlgov::experiment::{Experiment, RunOptions, run_experiment, verify_results, toy::RandomWalk};
/// let dir = tempfile::tempdir().unwrap();
/// let exp = Experiment {
///     model: RandomWalk::new(1),
///     configurations: vec![RandomWalk::configuration("flat", 0.0)],
///     baseline: 0,
///     replications: 10,
///     months: 6,
///     seed: 1,
///     identity: "doc".into(),
///     scenario_name: "walk".into(),
/// };
/// run_experiment(&exp, &RunOptions::new(dir.path())).unwrap();
/// assert!(verify_results(dir.path()).unwrap());
/// std::fs::write(dir.path().join("runs.csv"), "damaged").unwrap();
/// assert!(verify_results(dir.path()).is_err());
/// ```
pub fn verify_results(dir: &Path) -> Result<bool, ExperimentError> {
    let state = State::load(dir)?.ok_or_else(|| ExperimentError::CannotResume {
        dir: dir.to_path_buf(),
        problem: "it has no checkpoint (.mlgov/state.bin)".into(),
    })?;
    verify_runs(dir, &state)?;
    Ok(state.complete())
}
