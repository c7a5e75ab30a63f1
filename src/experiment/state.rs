//! The state file `DIR/.mlgov/state.bin`: checkpoint while an experiment
//! runs, and the exact aggregate that `mlgov merge` adds up once it is done.
//!
//! Layout (little-endian): the magic `MLGOVST1`, a format version (`u32`),
//! the body length (`u64`), the body, and an FNV-1a 64 checksum of the body.
//! The body holds what defines the experiment ([`Info`]), the progress (next
//! replication, length and FNV-1a 64 hash of `runs.csv` at that point,
//! elapsed seconds) and the
//! [`Aggregate`]. Counts are varints, so the file is compact (a few MB for
//! 27 configurations × 120 months × 12 observables).
//!
//! The file is replaced atomically (written to a temporary file beside it, synced, then
//! renamed), so a process killed at any moment leaves either the previous or
//! the new checkpoint, never a mixture.

use super::aggregate::{Aggregate, Shape};
use super::{ExperimentError, Shard};
use crate::analysis::codec::{DecodeError, Decoder, Encoder};
use crate::sim::{MetricKind, ObservableKind};
use std::fs;
use std::path::{Path, PathBuf};

/// Hidden directory holding the engine's state inside an output directory.
pub(crate) const STATE_DIR: &str = ".mlgov";
const STATE_FILE: &str = "state.bin";
const MAGIC: &[u8; 8] = b"MLGOVST1";
/// Version 2 added the running hash of `runs.csv`; version 3 the kinds of
/// metrics and observables and the exact counts of discrete observables;
/// version 4 the input columns of `runs.csv`; version 5 the saved run
/// trajectories (`run_trajectories.csv.gz`) with their length and hash.
const VERSION: u32 = 5;

/// Everything that defines an experiment (and must match to resume or merge).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Info {
    pub identity: String,
    pub scenario: String,
    pub seed: u64,
    pub replications: u64,
    pub months: u32,
    pub configurations: Vec<String>,
    pub baseline: usize,
    pub observables: Vec<String>,
    pub final_metrics: Vec<String>,
    /// The input columns of `runs.csv` (between `reason` and the metrics).
    pub inputs: Vec<String>,
    /// How each final metric is summarised, in `final_metrics` order.
    pub final_kinds: Vec<MetricKind>,
    /// How each observable is summarised, in `observables` order.
    pub observable_kinds: Vec<ObservableKind>,
    pub shard: Option<Shard>,
    pub block_size: u64,
    /// Whether every run's monthly observations are saved
    /// (`run_trajectories.csv.gz`).
    pub save_trajectories: bool,
}

impl Info {
    /// The aggregate's shape.
    pub fn shape(&self) -> Shape {
        Shape {
            configs: self.configurations.len(),
            months: self.months as usize,
            observables: self.observables.len(),
            metrics: self.final_metrics.len(),
        }
    }

    /// Which observables are counted exactly (counts and categories).
    pub fn discrete(&self) -> Vec<bool> {
        self.observable_kinds
            .iter()
            .map(|k| k.is_discrete())
            .collect()
    }

    /// The replications `[start, end)` of this (shard of the) experiment.
    pub fn range(&self) -> (u64, u64) {
        match self.shard {
            Some(s) => s.range(self.replications),
            None => (0, self.replications),
        }
    }

    /// How `other` differs as an experiment (the shard is not compared):
    /// `(what, value here, value there)`, or `None` if it is the same. When
    /// the metric kinds differ (results written by a version of the model
    /// that summarised a metric differently), the first metric whose kind
    /// differs is named.
    pub fn difference(&self, other: &Info) -> Option<(String, String, String)> {
        let list = |v: &[String]| v.join(",");
        let name = |i: &Info| {
            i.configurations
                .get(i.baseline)
                .cloned()
                .unwrap_or_default()
        };
        let each_kind = |i: &Info| {
            let f = i.final_kinds.iter().map(|k| k.name().to_string());
            let o = i.observable_kinds.iter().map(ObservableKind::name);
            f.chain(o).collect::<Vec<_>>()
        };
        let kinds = |i: &Info| each_kind(i).join(",");
        let fields: [(&'static str, String, String); 12] = [
            ("identity", self.identity.clone(), other.identity.clone()),
            ("seed", self.seed.to_string(), other.seed.to_string()),
            (
                "replications",
                self.replications.to_string(),
                other.replications.to_string(),
            ),
            ("months", self.months.to_string(), other.months.to_string()),
            (
                "configurations",
                list(&self.configurations),
                list(&other.configurations),
            ),
            ("baseline", name(self), name(other)),
            (
                "observables",
                list(&self.observables),
                list(&other.observables),
            ),
            (
                "final metrics",
                list(&self.final_metrics),
                list(&other.final_metrics),
            ),
            ("metric kinds", kinds(self), kinds(other)),
            ("input columns", list(&self.inputs), list(&other.inputs)),
            (
                "saved trajectories (--save-trajectories)",
                self.save_trajectories.to_string(),
                other.save_trajectories.to_string(),
            ),
            (
                "block size",
                self.block_size.to_string(),
                other.block_size.to_string(),
            ),
        ];
        let (what, here, there) = fields.into_iter().find(|(_, a, b)| a != b)?;
        if what == "metric kinds" {
            // The names agree (they are compared first): say which differs.
            let names = self.final_metrics.iter().chain(&self.observables);
            let differs = names
                .zip(each_kind(self).into_iter().zip(each_kind(other)))
                .find(|(_, (a, b))| a != b);
            if let Some((name, (a, b))) = differs {
                return Some((format!("the kind of `{name}`"), a, b));
            }
        }
        Some((what.to_string(), here, there))
    }

    fn encode(&self, e: &mut Encoder) {
        e.str(&self.identity);
        e.str(&self.scenario);
        e.u64(self.seed);
        e.u64(self.replications);
        e.u64(self.months as u64);
        for list in [
            &self.configurations,
            &self.observables,
            &self.final_metrics,
            &self.inputs,
        ] {
            e.u64(list.len() as u64);
            list.iter().for_each(|s| e.str(s));
        }
        e.u64(self.baseline as u64);
        self.final_kinds.iter().for_each(|k| e.str(k.name()));
        self.observable_kinds.iter().for_each(|k| e.str(&k.name()));
        let (k, n) = self.shard.map_or((0, 0), |s| (s.index, s.count));
        e.u64(k as u64);
        e.u64(n as u64);
        e.u64(self.block_size);
        e.u64(u64::from(self.save_trajectories));
    }

    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let identity = d.str("identity")?;
        let scenario = d.str("scenario name")?;
        let seed = d.u64("seed")?;
        let replications = d.u64("replications")?;
        let months = d.len(u32::MAX as u64, "months")? as u32;
        let mut lists = Vec::new();
        for what in ["configurations", "observables", "final metrics", "inputs"] {
            let n = d.len(1 << 20, what)?;
            lists.push((0..n).map(|_| d.str(what)).collect::<Result<Vec<_>, _>>()?);
        }
        let inputs = lists.pop().unwrap_or_default();
        let final_metrics = lists.pop().unwrap_or_default();
        let observables = lists.pop().unwrap_or_default();
        let configurations = lists.pop().unwrap_or_default();
        let baseline = d.len(configurations.len() as u64, "baseline")?;
        let final_kinds = (0..final_metrics.len())
            .map(|_| {
                let name = d.str("metric kind")?;
                MetricKind::from_name(&name)
                    .ok_or_else(|| DecodeError(format!("unknown metric kind `{name}`")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let observable_kinds = (0..observables.len())
            .map(|_| {
                let name = d.str("observable kind")?;
                ObservableKind::from_name(&name)
                    .ok_or_else(|| DecodeError(format!("unknown observable kind `{name}`")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let index = d.len(u32::MAX as u64, "shard index")? as u32;
        let count = d.len(u32::MAX as u64, "shard count")? as u32;
        let shard = (count > 0).then_some(Shard { index, count });
        if let Some(s) = shard {
            s.validate().map_err(|e| DecodeError(e.to_string()))?;
        }
        Ok(Info {
            identity,
            scenario,
            seed,
            replications,
            months,
            configurations,
            baseline,
            observables,
            final_metrics,
            inputs,
            final_kinds,
            observable_kinds,
            shard,
            block_size: d.u64("block size")?,
            save_trajectories: d.len(1, "saved trajectories")? == 1,
        })
    }
}

/// A checkpoint: the experiment, how far it got, and the aggregate so far.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub info: Info,
    /// The first replication not yet absorbed.
    pub next: u64,
    /// The byte length of `runs.csv` holding exactly the absorbed runs.
    pub runs_len: u64,
    /// FNV-1a 64 of those `runs_len` bytes.
    pub runs_hash: u64,
    /// The byte length of `run_trajectories.csv.gz` holding exactly the
    /// absorbed runs (0 when trajectories are not saved).
    pub traj_len: u64,
    /// FNV-1a 64 of those `traj_len` bytes.
    pub traj_hash: u64,
    /// Wall-clock seconds spent so far, over all invocations.
    pub elapsed: f64,
    pub aggregate: Aggregate,
}

/// The state file of output directory `dir`.
pub(crate) fn state_path(dir: &Path) -> PathBuf {
    dir.join(STATE_DIR).join(STATE_FILE)
}

/// The FNV-1a 64 hash of no bytes.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a 64 of the bytes hashed so far (`h`) followed by `bytes`: the
/// hash of a file can be kept up to date as it grows.
pub(crate) fn fnv1a_continue(h: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(h, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_continue(FNV_OFFSET, bytes)
}

impl State {
    /// Whether every replication of the (shard's) range has been absorbed.
    pub fn complete(&self) -> bool {
        self.next >= self.info.range().1
    }

    /// Atomically replaces the state file of `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), ExperimentError> {
        let mut body = Encoder::default();
        self.info.encode(&mut body);
        body.u64(self.next);
        body.u64(self.runs_len);
        body.u64(self.runs_hash);
        body.u64(self.traj_len);
        body.u64(self.traj_hash);
        body.f64(self.elapsed);
        self.aggregate.encode(&mut body);
        let body = body.bytes;
        let mut out = Vec::with_capacity(body.len() + 28);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(&fnv1a(&body).to_le_bytes());
        let path = state_path(dir);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(ExperimentError::io(parent, "create directory"))?;
        }
        write_atomic(&path, &out, true)
    }

    /// Reads the state file of `dir`; `Ok(None)` if there is none.
    pub fn load(dir: &Path) -> Result<Option<State>, ExperimentError> {
        let path = state_path(dir);
        let bytes = match crate::input::read_regular(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ExperimentError::io(&path, "read")(e)),
        };
        let corrupt = |problem: String| ExperimentError::CorruptState {
            path: path.clone(),
            problem,
        };
        if bytes.len() < 28 || &bytes[..8] != MAGIC {
            return Err(corrupt("missing the MLGOVST1 header".into()));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
        if version != VERSION {
            return Err(corrupt(format!(
                "format version {version}, this mlgov reads version {VERSION}"
            )));
        }
        let len = u64::from_le_bytes(bytes[12..20].try_into().unwrap_or_default());
        if len != (bytes.len() - 28) as u64 {
            return Err(corrupt("truncated (length does not match)".into()));
        }
        let body = &bytes[20..bytes.len() - 8];
        let sum = u64::from_le_bytes(bytes[bytes.len() - 8..].try_into().unwrap_or_default());
        if fnv1a(body) != sum {
            return Err(corrupt("checksum mismatch".into()));
        }
        let mut d = Decoder::new(body);
        let decode = |d: &mut Decoder<'_>| -> Result<State, DecodeError> {
            let info = Info::decode(d)?;
            let next = d.u64("next replication")?;
            let runs_len = d.u64("runs.csv length")?;
            let runs_hash = d.u64("runs.csv hash")?;
            let traj_len = d.u64("run_trajectories.csv.gz length")?;
            let traj_hash = d.u64("run_trajectories.csv.gz hash")?;
            let elapsed = d.f64("elapsed seconds")?;
            let aggregate = Aggregate::decode(d, info.shape(), &info.discrete())?;
            Ok(State {
                info,
                next,
                runs_len,
                runs_hash,
                traj_len,
                traj_hash,
                elapsed,
                aggregate,
            })
        };
        let state = decode(&mut d).map_err(|e| corrupt(e.0))?;
        let (start, end) = state.info.range();
        if state.next < start || state.next > end {
            return Err(corrupt(format!(
                "next replication {} is outside the range {start}..{end}",
                state.next
            )));
        }
        if !d.rest.is_empty() {
            return Err(corrupt("trailing bytes after the aggregate".into()));
        }
        Ok(Some(state))
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename
/// ([`crate::atomic::replace`]), so readers (and a resumed run) see the old
/// file or the new one, never half of one. A write that fails (a full disk,
/// say) removes its temporary file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], sync: bool) -> Result<(), ExperimentError> {
    crate::atomic::replace(path, bytes, sync).map_err(ExperimentError::atomic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(survival: MetricKind) -> Info {
        Info {
            identity: "id".into(),
            scenario: "s".into(),
            seed: 1,
            replications: 10,
            months: 12,
            configurations: vec!["a".into(), "b".into()],
            baseline: 0,
            observables: vec!["trust_mean".into()],
            final_metrics: vec!["value_added_total".into(), "survival".into()],
            inputs: vec![],
            final_kinds: vec![MetricKind::Continuous, survival],
            observable_kinds: vec![ObservableKind::Continuous],
            shard: None,
            block_size: 64,
            save_trajectories: false,
        }
    }

    /// Results written when a metric was summarised differently (an older
    /// version of the model) are told apart by the metric, not by a list of
    /// every kind.
    #[test]
    fn a_different_metric_kind_is_named() {
        let old = info(MetricKind::Continuous);
        let new = info(MetricKind::Share);
        assert_eq!(old.difference(&old.clone()), None);
        let (what, there, here) = old.difference(&new).unwrap();
        assert_eq!(what, "the kind of `survival`");
        assert_eq!((there.as_str(), here.as_str()), ("continuous", "share"));
        // Other differences are reported as before.
        let mut other = new.clone();
        other.seed = 2;
        assert_eq!(
            new.difference(&other),
            Some(("seed".to_string(), "1".to_string(), "2".to_string()))
        );
    }

    #[test]
    fn a_failed_atomic_write_leaves_no_tmp_file() {
        let root = tempfile::tempdir().unwrap();
        // The rename cannot replace a directory that holds a file.
        let path = root.path().join("state.bin");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("x"), b"x").unwrap();
        let e = write_atomic(&path, b"bytes", true).unwrap_err().to_string();
        assert!(e.contains("state.bin"), "{e}");
        // No temporary file of any name is left beside it.
        let entries = || {
            let mut names: Vec<String> = fs::read_dir(root.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(entries(), ["state.bin"]);
        // A successful write leaves only the file.
        let ok = root.path().join("other.bin");
        write_atomic(&ok, b"bytes", true).unwrap();
        assert_eq!(fs::read(&ok).unwrap(), b"bytes");
        assert_eq!(entries(), ["other.bin", "state.bin"]);
    }
}
