//! A toy model and helpers shared by the experiment tests.
#![allow(dead_code)]

use mlgov::experiment::{Experiment, RunOptions, Shard};
use mlgov::sim::{Configuration, Model, ModelError, SimRng};
use rand::{Rng, RngExt};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A noisy random walk with a per-configuration drift, and ways to fail.
pub struct Toy;

#[derive(Clone, Copy, Debug)]
pub struct ToyParams {
    pub drift: f64,
    pub noise: f64,
    /// Return an error at this month.
    pub error_at: Option<u32>,
    /// Panic at this month.
    pub panic_at: Option<u32>,
    /// Observe NaN at this month.
    pub nan_at: Option<u32>,
}

impl Model for Toy {
    type Params = ToyParams;
    type State = (f64, f64, f64); // (position, second walk, running total)

    fn observables(&self) -> Vec<String> {
        vec!["position".into(), "other".into()]
    }
    fn final_metrics(&self) -> Vec<String> {
        vec!["final".into(), "total".into()]
    }
    fn init<R: Rng + ?Sized>(&self, _: &ToyParams, rng: &mut R) -> Result<Self::State, ModelError> {
        Ok((rng.random_range(0.0..1.0), 10.0, 0.0))
    }
    fn step<R: Rng + ?Sized>(
        &self,
        p: &ToyParams,
        s: &mut Self::State,
        t: u32,
        rng: &mut R,
    ) -> Result<(), ModelError> {
        if p.error_at == Some(t) {
            return Err(ModelError::new("the partnership collapsed"));
        }
        if p.panic_at == Some(t) {
            panic!("toy model bug at month {t}");
        }
        s.0 += p.drift + p.noise * rng.random_range(-1.0..1.0);
        s.1 *= 1.0 + 0.1 * rng.random_range(-1.0..1.0);
        s.2 += s.0;
        Ok(())
    }
    fn observe(&self, p: &ToyParams, s: &Self::State, t: u32, out: &mut Vec<f64>) {
        out.push(if p.nan_at == Some(t) { f64::NAN } else { s.0 });
        out.push(s.1);
    }
    fn finish(&self, _: &ToyParams, s: &Self::State, _: u32, out: &mut Vec<f64>) {
        out.push(s.0);
        out.push(s.2);
    }
}

fn config(name: &str, drift: f64, kind: u8) -> Configuration<ToyParams> {
    // Noise differs by configuration so paired differences are not constant.
    let scale = 1.0 + drift;
    Configuration::new(name, move |rng: &mut SimRng| {
        let u: f64 = rng.random_range(0.0..1.0);
        let mut p = ToyParams {
            drift,
            noise: scale * rng.random_range(0.5..1.5),
            error_at: None,
            panic_at: None,
            nan_at: None,
        };
        match kind {
            1 if u < 0.3 => p.error_at = Some(3),
            2 if u < 0.2 => p.panic_at = Some(2),
            2 if u < 0.3 => return Err(ModelError::new("no valid parameters")),
            3 if u < 0.15 => p.nan_at = Some(4),
            4 if u < 0.1 => panic!("sampler bug"),
            _ => {}
        }
        Ok(p)
    })
}

/// Five configurations: a baseline, a clean alternative, one that errors,
/// one that panics (or cannot sample), one that produces NaN or panics in
/// its sampler.
pub fn experiment(replications: u64, seed: u64) -> Experiment<Toy> {
    Experiment {
        model: Toy,
        configurations: vec![
            config("base", 0.0, 0),
            config("up", 0.2, 0),
            config("flaky", 0.1, 1),
            config("panicky", -0.1, 2),
            config("nan", 0.05, 3),
            config("sampler-panic", 0.3, 4),
        ],
        baseline: 0,
        replications,
        months: 6,
        seed,
        identity: "toy-v1".into(),
        scenario_name: "toy".into(),
    }
}

/// The clean configurations only.
pub fn clean_experiment(replications: u64, seed: u64) -> Experiment<Toy> {
    let mut e = experiment(replications, seed);
    e.configurations.truncate(2);
    e
}

pub fn options(out: &Path, threads: usize, shard: Option<Shard>) -> RunOptions {
    let mut o = RunOptions::new(out);
    o.threads = threads;
    o.shard = shard;
    o.checkpoint_interval = std::time::Duration::ZERO;
    o
}

pub const FILES: [&str; 4] = [
    "runs.csv",
    "summary.csv",
    "comparisons.csv",
    "trajectories.csv",
];

/// Asserts that the four CSV outputs of two directories are byte-identical.
pub fn assert_same_outputs(a: &Path, b: &Path) {
    for f in FILES {
        let x = std::fs::read(a.join(f)).unwrap_or_else(|e| panic!("{}: {e}", a.join(f).display()));
        let y = std::fs::read(b.join(f)).unwrap_or_else(|e| panic!("{}: {e}", b.join(f).display()));
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Snapshot of every file under a directory (path → bytes).
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Reads a CSV file into header + rows of strings.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}
