//! The experiment's aggregate state: everything the summary, comparison and
//! trajectory tables are computed from, and nothing that grows with the
//! number of replications.
//!
//! Every part is exact integer arithmetic ([`Moments`], [`QuantileSketch`],
//! fixed-point sums), so absorbing blocks in any order or grouping, across
//! threads, resumed processes or shards, yields the same state.

use crate::analysis::codec::{DecodeError, Decoder, Encoder};
use crate::analysis::{Moments, QuantileSketch, SketchScratch, quantize};
use rayon::prelude::*;

/// The shape of an aggregate: how many configurations, months, observables
/// and final metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    pub configs: usize,
    pub months: usize,
    pub observables: usize,
    pub metrics: usize,
}

/// What one replication block produced for one configuration: the
/// observations and final metrics of its successful runs, back to back.
#[derive(Debug, Default)]
pub(crate) struct ConfigBlock {
    /// `ok_runs × months × observables` values, run-major then month.
    pub observations: Vec<f64>,
    /// `ok_runs × metrics` values.
    pub finals: Vec<f64>,
    /// Successful runs.
    pub ok: u64,
    /// Failed runs.
    pub failed: u64,
}

/// One replication block's results, ready to be absorbed.
#[derive(Debug)]
pub(crate) struct BlockResult {
    /// Per configuration, in configuration order.
    pub configs: Vec<ConfigBlock>,
    /// Paired differences `config − baseline`, `configs × metrics`.
    pub pairs: Vec<Moments>,
    /// The block's `runs.csv` rows, in canonical order.
    pub rows: Vec<u8>,
    /// The block's part of `run_trajectories.csv.gz` (one gzip member per
    /// replication; empty unless trajectories are saved).
    pub traj: Vec<u8>,
}

/// The exact aggregate of any set of replications.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Aggregate {
    pub shape: Shape,
    /// Successful and failed runs per configuration.
    pub ok: Vec<u64>,
    pub failed: Vec<u64>,
    /// Final metrics, `configs × metrics`.
    pub finals: Vec<Moments>,
    pub final_sketches: Vec<QuantileSketch>,
    /// Paired differences to the baseline, `configs × metrics` (the
    /// baseline's own entries stay empty).
    pub pairs: Vec<Moments>,
    /// Fixed-point sums of observations, `configs × months × observables`.
    pub traj_sums: Vec<i128>,
    pub traj_sketches: Vec<QuantileSketch>,
    /// Exact counts per value, `configs × months × observables`, filled for
    /// the discrete observables (counts, categories) only; their sketches
    /// stay empty.
    pub traj_counts: Vec<Counts>,
    /// Which observables are discrete.
    pub discrete: Vec<bool>,
}

/// Exact counts of whole-number values: `(value, count)` sorted by value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counts(pub Vec<(i64, u64)>);

impl Counts {
    fn add(&mut self, value: i64, count: u64) {
        match self.0.binary_search_by_key(&value, |e| e.0) {
            Ok(i) => self.0[i].1 += count,
            Err(i) => self.0.insert(i, (value, count)),
        }
    }

    fn merge(&mut self, other: &Counts) {
        for &(v, k) in &other.0 {
            self.add(v, k);
        }
    }

    /// How many values there are.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|e| e.1).sum()
    }

    /// How many values equal `value`.
    pub fn of(&self, value: i64) -> u64 {
        self.0
            .binary_search_by_key(&value, |e| e.0)
            .map_or(0, |i| self.0[i].1)
    }

    /// The exact order statistic of 0-based rank `⌊percent · (n − 1) / 100⌋`
    /// (as [`crate::analysis::order_statistic`]).
    pub fn order_statistic(&self, percent: u32) -> Option<f64> {
        let n = self.total();
        if n == 0 || percent > 100 {
            return None;
        }
        let rank = (u128::from(percent) * u128::from(n - 1) / 100) as u64;
        let mut seen = 0;
        for &(v, k) in &self.0 {
            seen += k;
            if seen > rank {
                return Some(v as f64);
            }
        }
        None
    }

    fn encode(&self, e: &mut Encoder) {
        e.u64(self.0.len() as u64);
        for &(v, k) in &self.0 {
            e.i64(v);
            e.u64(k);
        }
    }

    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let n = d.len(u32::MAX as u64, "count entries")?;
        let mut out = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            let v = d.i64("counted value")?;
            let k = d.u64("count")?;
            if out.last().is_some_and(|&(last, _)| last >= v) {
                return Err(DecodeError("counted values out of order".into()));
            }
            out.push((v, k));
        }
        Ok(Counts(out))
    }
}

fn fixed(v: f64) -> i128 {
    // Values were validated when the run finished; 0 is unreachable.
    quantize(v).unwrap_or(0)
}

impl Aggregate {
    /// The empty aggregate; `discrete[j]` says whether observable `j` is
    /// counted exactly.
    pub fn new(shape: Shape, discrete: &[bool]) -> Self {
        let cm = shape.configs * shape.metrics;
        let cells = shape.configs * shape.months * shape.observables;
        Self {
            shape,
            ok: vec![0; shape.configs],
            failed: vec![0; shape.configs],
            finals: vec![Moments::new(); cm],
            final_sketches: vec![QuantileSketch::new(); cm],
            pairs: vec![Moments::new(); cm],
            traj_sums: vec![0; cells],
            traj_sketches: vec![QuantileSketch::new(); cells],
            traj_counts: vec![Counts::default(); cells],
            discrete: (0..shape.observables)
                .map(|j| discrete.get(j).copied().unwrap_or(false))
                .collect(),
        }
    }

    /// Successful runs in total.
    pub fn runs_ok(&self) -> u64 {
        self.ok.iter().sum()
    }

    /// Failed runs in total.
    pub fn runs_failed(&self) -> u64 {
        self.failed.iter().sum()
    }

    /// Adds the blocks' results. The trajectory cells, by far the largest
    /// part, are filled in parallel (one task per configuration × month) on
    /// the current rayon pool.
    pub fn absorb(&mut self, blocks: &[BlockResult]) {
        let Shape {
            months,
            observables: nobs,
            metrics,
            ..
        } = self.shape;
        for block in blocks {
            for (c, cb) in block.configs.iter().enumerate() {
                self.ok[c] += cb.ok;
                self.failed[c] += cb.failed;
                for run in cb.finals.chunks_exact(metrics.max(1)).take(cb.ok as usize) {
                    for (m, &v) in run.iter().enumerate() {
                        self.finals[c * metrics + m].push_fixed(fixed(v));
                        self.final_sketches[c * metrics + m].insert(v);
                    }
                }
            }
            for (acc, p) in self.pairs.iter_mut().zip(&block.pairs) {
                acc.merge(p);
            }
        }
        if nobs == 0 || months == 0 {
            return;
        }
        let stride = months * nobs;
        let discrete = &self.discrete;
        self.traj_sums
            .par_chunks_mut(nobs)
            .zip(self.traj_sketches.par_chunks_mut(nobs))
            .zip(self.traj_counts.par_chunks_mut(nobs))
            .enumerate()
            .for_each_init(
                || (Vec::new(), SketchScratch::default()),
                |(batch, scratch), (cell, ((sums, sketches), counts))| {
                    let (c, t) = (cell / months, cell % months);
                    // One observable at a time, so each sketch gets its whole
                    // batch in one sorted sweep (see `insert_many`).
                    for (j, (sum, sketch)) in sums.iter_mut().zip(sketches.iter_mut()).enumerate() {
                        batch.clear();
                        for block in blocks {
                            let obs = &block.configs[c].observations;
                            batch.extend(obs.chunks_exact(stride).map(|run| run[t * nobs + j]));
                        }
                        *sum += batch.iter().map(|&v| fixed(v)).sum::<i128>();
                        if discrete[j] {
                            // Whole numbers, checked when the run finished.
                            batch.iter().for_each(|&v| counts[j].add(v as i64, 1));
                        } else {
                            sketch.insert_many_with(batch, scratch);
                        }
                    }
                },
            );
    }

    /// Adds another aggregate of the same shape (e.g. another shard's).
    pub fn merge(&mut self, other: &Aggregate) {
        let add = |a: &mut Vec<u64>, b: &Vec<u64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.ok, &other.ok);
        add(&mut self.failed, &other.failed);
        for (a, b) in self.finals.iter_mut().zip(&other.finals) {
            a.merge(b);
        }
        for (a, b) in self.pairs.iter_mut().zip(&other.pairs) {
            a.merge(b);
        }
        for (a, b) in self.final_sketches.iter_mut().zip(&other.final_sketches) {
            a.merge(b);
        }
        for (a, b) in self.traj_sums.iter_mut().zip(&other.traj_sums) {
            *a += b;
        }
        for (a, b) in self.traj_counts.iter_mut().zip(&other.traj_counts) {
            a.merge(b);
        }
        self.traj_sketches
            .par_iter_mut()
            .zip(other.traj_sketches.par_iter())
            .for_each(|(a, b)| a.merge(b));
    }

    /// Appends the aggregate's encoding.
    pub fn encode(&self, e: &mut Encoder) {
        for v in [
            self.shape.configs,
            self.shape.months,
            self.shape.observables,
            self.shape.metrics,
        ] {
            e.u64(v as u64);
        }
        self.ok.iter().chain(&self.failed).for_each(|&v| e.u64(v));
        for m in self.finals.iter().chain(&self.pairs) {
            let (n, sum, sq) = m.raw();
            e.u64(n);
            e.i128(sum);
            e.u256(sq);
        }
        self.final_sketches.iter().for_each(|s| s.encode(e));
        self.traj_sums.iter().for_each(|&s| e.i128(s));
        self.traj_sketches.iter().for_each(|s| s.encode(e));
        self.traj_counts.iter().for_each(|s| s.encode(e));
    }

    /// Reads an aggregate, checking that it has the `expected` shape.
    pub fn decode(
        d: &mut Decoder<'_>,
        expected: Shape,
        discrete: &[bool],
    ) -> Result<Self, DecodeError> {
        let mut dims = [0usize; 4];
        for v in dims.iter_mut() {
            *v = d.len(u32::MAX as u64, "aggregate shape")?;
        }
        let shape = Shape {
            configs: dims[0],
            months: dims[1],
            observables: dims[2],
            metrics: dims[3],
        };
        if shape != expected {
            return Err(DecodeError(format!(
                "aggregate shape {shape:?} does not match the header {expected:?}"
            )));
        }
        let mut agg = Aggregate::new(shape, discrete);
        for v in agg.ok.iter_mut().chain(agg.failed.iter_mut()) {
            *v = d.u64("run counts")?;
        }
        for m in agg.finals.iter_mut().chain(agg.pairs.iter_mut()) {
            let n = d.u64("moments count")?;
            let sum = d.i128("moments sum")?;
            let sq = d.u256("moments sum of squares")?;
            *m = Moments::from_raw(n, sum, sq);
        }
        for s in agg.final_sketches.iter_mut() {
            *s = QuantileSketch::decode(d)?;
        }
        for s in agg.traj_sums.iter_mut() {
            *s = d.i128("trajectory sum")?;
        }
        for s in agg.traj_sketches.iter_mut() {
            *s = QuantileSketch::decode(d)?;
        }
        for s in agg.traj_counts.iter_mut() {
            *s = Counts::decode(d)?;
        }
        Ok(agg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(shape: Shape, seed: f64) -> BlockResult {
        let configs = (0..shape.configs)
            .map(|c| {
                let runs = 2;
                ConfigBlock {
                    observations: (0..runs * shape.months * shape.observables)
                        .map(|i| {
                            let v = (i as f64 * 0.37 + seed + c as f64).sin();
                            // Observable 1 is discrete: whole numbers.
                            if i % shape.observables == 1 {
                                (3.0 * v).round()
                            } else {
                                v
                            }
                        })
                        .collect(),
                    finals: (0..runs * shape.metrics).map(|i| i as f64 + seed).collect(),
                    ok: runs as u64,
                    failed: 1,
                }
            })
            .collect();
        let mut pairs = vec![Moments::new(); shape.configs * shape.metrics];
        pairs[shape.metrics].push(seed).unwrap();
        BlockResult {
            configs,
            pairs,
            rows: Vec::new(),
            traj: Vec::new(),
        }
    }

    #[test]
    fn absorb_grouping_and_encoding_are_exact() {
        let shape = Shape {
            configs: 2,
            months: 3,
            observables: 2,
            metrics: 2,
        };
        let blocks: Vec<_> = (0..4).map(|k| block(shape, k as f64)).collect();
        let discrete = [false, true];
        let mut all = Aggregate::new(shape, &discrete);
        all.absorb(&blocks);
        let mut parts = Aggregate::new(shape, &discrete);
        parts.absorb(&blocks[2..]);
        let mut first = Aggregate::new(shape, &discrete);
        first.absorb(&blocks[..2]);
        parts.merge(&first);
        assert_eq!(parts, all);
        assert_eq!(all.runs_ok(), 16);
        assert_eq!(all.runs_failed(), 8);

        let mut e = Encoder::default();
        all.encode(&mut e);
        let back = Aggregate::decode(&mut Decoder::new(&e.bytes), shape, &discrete).unwrap();
        assert_eq!(back, all);
        let wrong = Shape { months: 4, ..shape };
        assert!(Aggregate::decode(&mut Decoder::new(&e.bytes), wrong, &discrete).is_err());
        // The discrete observable was counted exactly, not sketched.
        assert!(
            all.traj_counts
                .iter()
                .skip(1)
                .step_by(2)
                .all(|c| c.total() == 8)
        );
        assert!(all.traj_counts.iter().step_by(2).all(|c| c.total() == 0));
    }

    #[test]
    fn counts_give_exact_order_statistics() {
        let mut c = Counts::default();
        for v in [3, 1, 2, 3, 3, 0, 2, 1, 3, 2] {
            c.add(v, 1);
        }
        let mut sorted = vec![0.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0];
        sorted.sort_by(f64::total_cmp);
        for p in [0, 5, 25, 50, 75, 95, 100] {
            assert_eq!(
                c.order_statistic(p),
                crate::analysis::order_statistic(&sorted, p),
                "{p}"
            );
        }
        assert_eq!(c.of(3), 4);
        assert_eq!(Counts::default().order_statistic(50), None);
    }
}
