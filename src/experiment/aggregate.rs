//! The experiment's aggregate state: everything the summary, comparison and
//! trajectory tables are computed from, and nothing that grows with the
//! number of replications.
//!
//! Every part is exact integer arithmetic ([`Moments`], [`QuantileSketch`],
//! fixed-point sums), so absorbing blocks in any order or grouping, across
//! threads, resumed processes or shards, yields the same state.

use crate::analysis::codec::{DecodeError, Decoder, Encoder};
use crate::analysis::{Moments, QuantileSketch, quantize};
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
}

fn fixed(v: f64) -> i128 {
    // Values were validated when the run finished; 0 is unreachable.
    quantize(v).unwrap_or(0)
}

impl Aggregate {
    /// The empty aggregate.
    pub fn new(shape: Shape) -> Self {
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
        self.traj_sums
            .par_chunks_mut(nobs)
            .zip(self.traj_sketches.par_chunks_mut(nobs))
            .enumerate()
            .for_each_init(Vec::new, |batch, (cell, (sums, sketches))| {
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
                    sketch.insert_many(batch);
                }
            });
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
    }

    /// Reads an aggregate, checking that it has the `expected` shape.
    pub fn decode(d: &mut Decoder<'_>, expected: Shape) -> Result<Self, DecodeError> {
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
        let mut agg = Aggregate::new(shape);
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
                        .map(|i| (i as f64 * 0.37 + seed + c as f64).sin())
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
        let mut all = Aggregate::new(shape);
        all.absorb(&blocks);
        let mut parts = Aggregate::new(shape);
        parts.absorb(&blocks[2..]);
        let mut first = Aggregate::new(shape);
        first.absorb(&blocks[..2]);
        parts.merge(&first);
        assert_eq!(parts, all);
        assert_eq!(all.runs_ok(), 16);
        assert_eq!(all.runs_failed(), 8);

        let mut e = Encoder::default();
        all.encode(&mut e);
        let back = Aggregate::decode(&mut Decoder::new(&e.bytes), shape).unwrap();
        assert_eq!(back, all);
        let wrong = Shape { months: 4, ..shape };
        assert!(Aggregate::decode(&mut Decoder::new(&e.bytes), wrong).is_err());
    }
}
