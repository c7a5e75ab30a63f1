//! A mergeable quantile sketch with a relative-error guarantee, in the style
//! of DDSketch (Masson, Rim & Lee 2019, "DDSketch: a fast and fully-mergeable
//! quantile sketch with relative-error guarantees", PVLDB 12(12)).
//!
//! # Method
//! With `α =` [`RELATIVE_ACCURACY`] `= 0.01` and `γ = (1 + α)/(1 − α)`, a
//! value `v` with `|v| ≥` [`ZERO_THRESHOLD`] goes to bucket
//! `i = ⌈log_γ |v|⌉` (so `γ^(i−1) < |v| ≤ γ^i`) of the positive or the
//! negative store; smaller magnitudes are counted in a single zero bucket.
//! Counts are integers, so merging two sketches (adding counts) is exact,
//! associative and commutative: a sketch does not depend on the order in
//! which values were inserted or sketches were merged.
//!
//! # Quantile rule and accuracy
//! [`QuantileSketch::quantile`]`(q)` returns an estimate of the order
//! statistic of 0-based rank `⌊q · (n − 1)⌋` of the sorted data: the
//! representative `±2γ^i/(γ + 1)` of the bucket holding that rank, clamped to
//! the exact `[min, max]` of the data. For `|x| ≥ ZERO_THRESHOLD` the
//! estimate is within relative error `α` (1 %) of the true order statistic;
//! values below the threshold are reported as 0 (absolute error < 1e-9).
//!
//! # Bounded size
//! Each store keeps at most [`MAX_BUCKETS`] buckets: when the indices seen
//! span more, every bucket below `top − MAX_BUCKETS + 1` (`top` = the largest
//! index ever seen in that store) is folded into that lowest kept bucket.
//! The final bucket of a value is therefore `max(i, top − MAX_BUCKETS + 1)`,
//! a function of the multiset of values only, so collapsing keeps merges
//! order-independent. Only the smallest magnitudes lose accuracy (they are
//! over-estimated), and only when one sketch holds magnitudes more than
//! `γ^2048 ≈ 6e17` apart: since aggregated values are within `±1e9` and the
//! zero bucket takes everything below `1e-9`, this practically never happens.
//!
//! ```
//! use mlgov::analysis::QuantileSketch;
//! let mut s = QuantileSketch::new();
//! for i in 1..=1000 { s.insert(i as f64); }
//! let median = s.quantile(0.5).unwrap(); // true value of rank 499: 500
//! assert!((median - 500.0).abs() <= 0.01 * 500.0);
//! ```

use super::codec::{DecodeError, Decoder, Encoder};

/// The relative accuracy `α` of every sketch.
pub const RELATIVE_ACCURACY: f64 = 0.01;
/// Magnitudes below this are counted as zero.
pub const ZERO_THRESHOLD: f64 = 1e-9;
/// The most buckets one store (positive or negative) keeps.
pub const MAX_BUCKETS: usize = 2048;

const GAMMA: f64 = (1.0 + RELATIVE_ACCURACY) / (1.0 - RELATIVE_ACCURACY);
/// `1 / ln γ`, precomputed: insertion is one `ln`, one multiply, one `ceil`.
const INV_LN_GAMMA: f64 = 49.998_333_288_886_78;

/// A mergeable quantile sketch. See the module docs for the method.
#[derive(Debug, Clone)]
pub struct QuantileSketch {
    positive: Store,
    negative: Store,
    zero: u64,
    min: f64,
    max: f64,
}

impl Default for QuantileSketch {
    fn default() -> Self {
        Self::new()
    }
}

/// The bucket index of a magnitude `a ≥ ZERO_THRESHOLD`.
#[inline]
fn index_of(a: f64) -> i32 {
    (a.ln() * INV_LN_GAMMA).ceil() as i32
}

/// Reusable buffers for [`QuantileSketch::insert_many_with`].
#[derive(Debug, Clone, Default)]
pub struct SketchScratch {
    positive: Vec<i32>,
    negative: Vec<i32>,
}

/// The representative magnitude of bucket `i`: `2γ^i / (γ + 1)`.
fn representative(i: i32) -> f64 {
    2.0 * (i as f64 / INV_LN_GAMMA).exp() / (GAMMA + 1.0)
}

impl QuantileSketch {
    /// An empty sketch.
    pub fn new() -> Self {
        Self {
            positive: Store::default(),
            negative: Store::default(),
            zero: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Adds a value. Non-finite values are ignored (callers reject them first).
    #[inline]
    pub fn insert(&mut self, v: f64) {
        if !v.is_finite() {
            return;
        }
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        let a = v.abs();
        if a < ZERO_THRESHOLD {
            self.zero += 1;
        } else if v > 0.0 {
            self.positive.add(index_of(a), 1);
        } else {
            self.negative.add(index_of(a), 1);
        }
    }

    /// Adds many values at once: the same result as inserting them one by
    /// one, but faster when the sketch is not in cache, because the bucket
    /// indices are sorted first and the counts are then updated in one
    /// ascending sweep instead of at random places.
    pub fn insert_many(&mut self, values: &[f64]) {
        self.insert_many_with(values, &mut SketchScratch::default());
    }

    /// [`QuantileSketch::insert_many`] with buffers kept by the caller, so
    /// that many batches allocate nothing.
    pub fn insert_many_with(&mut self, values: &[f64], scratch: &mut SketchScratch) {
        let SketchScratch { positive, negative } = scratch;
        positive.clear();
        negative.clear();
        for &v in values {
            if !v.is_finite() {
                continue;
            }
            self.min = self.min.min(v);
            self.max = self.max.max(v);
            let a = v.abs();
            if a < ZERO_THRESHOLD {
                self.zero += 1;
            } else if v > 0.0 {
                positive.push(index_of(a));
            } else {
                negative.push(index_of(a));
            }
        }
        for (store, keys) in [
            (&mut self.positive, positive),
            (&mut self.negative, negative),
        ] {
            keys.sort_unstable();
            for run in keys.chunk_by(|a, b| a == b) {
                store.add(run[0], run.len() as u64);
            }
        }
    }

    /// Adds every value of `other` (exact and order-independent).
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zero += other.zero;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// The number of values.
    pub fn count(&self) -> u64 {
        self.zero + self.positive.total() + self.negative.total()
    }

    /// The estimate of the order statistic of rank `⌊q(n − 1)⌋`, or `None`
    /// for an empty sketch or `q` outside `[0, 1]`.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = ((q * (n - 1) as f64).floor() as u64).min(n - 1);
        let mut seen = 0u64;
        // Negative values in ascending order: largest magnitude first.
        for (i, c) in self.negative.buckets().rev() {
            seen += c;
            if seen > rank {
                return Some(self.clamp(-representative(i)));
            }
        }
        seen += self.zero;
        if seen > rank {
            return Some(self.clamp(0.0));
        }
        for (i, c) in self.positive.buckets() {
            seen += c;
            if seen > rank {
                return Some(self.clamp(representative(i)));
            }
        }
        Some(self.max)
    }

    /// Several quantiles in one pass over the buckets; `qs` must be in
    /// ascending order (otherwise this falls back to one pass per quantile).
    /// Same results as [`QuantileSketch::quantile`].
    pub fn quantiles(&self, qs: &[f64]) -> Vec<Option<f64>> {
        let n = self.count();
        if n == 0 || !qs.is_sorted() || qs.iter().any(|q| !(0.0..=1.0).contains(q)) {
            return qs.iter().map(|&q| self.quantile(q)).collect();
        }
        let ranks: Vec<u64> = qs
            .iter()
            .map(|q| ((q * (n - 1) as f64).floor() as u64).min(n - 1))
            .collect();
        let mut out = Vec::with_capacity(qs.len());
        let mut seen = 0u64;
        let buckets = self
            .negative
            .buckets()
            .rev()
            .map(|(i, c)| (-representative(i), c))
            .chain(std::iter::once((0.0, self.zero)))
            .chain(self.positive.buckets().map(|(i, c)| (representative(i), c)));
        for (value, c) in buckets {
            seen += c;
            while out.len() < ranks.len() && seen > ranks[out.len()] {
                out.push(Some(self.clamp(value)));
            }
            if out.len() == ranks.len() {
                break;
            }
        }
        out.resize(qs.len(), Some(self.max));
        out
    }

    fn clamp(&self, v: f64) -> f64 {
        v.max(self.min).min(self.max)
    }

    /// Appends the sketch's canonical encoding (trimmed stores).
    pub fn encode(&self, e: &mut Encoder) {
        e.u64(self.zero);
        e.f64(self.min);
        e.f64(self.max);
        self.positive.encode(e);
        self.negative.encode(e);
    }

    /// Reads a sketch written by [`QuantileSketch::encode`].
    pub fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            zero: d.u64("sketch zero count")?,
            min: d.f64("sketch minimum")?,
            max: d.f64("sketch maximum")?,
            positive: Store::decode(d)?,
            negative: Store::decode(d)?,
        })
    }
}

impl PartialEq for QuantileSketch {
    /// Equal when they hold the same counts in the same buckets and the same
    /// extremes.
    fn eq(&self, other: &Self) -> bool {
        self.zero == other.zero
            && self.min.to_bits() == other.min.to_bits()
            && self.max.to_bits() == other.max.to_bits()
            && self.positive == other.positive
            && self.negative == other.negative
    }
}

/// Dense counts of consecutive bucket indices `offset..offset + counts.len()`.
/// The last entry is the largest index seen (non-zero); the front may hold
/// zero slack. Dense because insertion is then a single increment; the span
/// of indices grows only logarithmically with the number of values (the
/// smallest magnitudes seen), so memory stays nearly flat as replications
/// grow. Counts are `u32` to halve the memory: a bucket saturates at
/// `u32::MAX` values (the experiment engine never puts more than its
/// replication limit, `u32::MAX`, into one sketch).
#[derive(Debug, Clone, Default)]
struct Store {
    offset: i32,
    counts: Vec<u32>,
}

/// Extra buckets allocated when a store grows, relative to its length.
fn slack(len: usize) -> usize {
    len / 8 + 8
}

impl Store {
    fn top(&self) -> i32 {
        self.offset + self.counts.len() as i32 - 1
    }

    #[inline]
    fn add(&mut self, i: i32, c: u64) {
        let c = u32::try_from(c).unwrap_or(u32::MAX);
        if self.counts.is_empty() {
            self.offset = i;
            self.counts.push(c);
            return;
        }
        let top = self.top();
        if i > top {
            let len = (i - self.offset) as usize + 1;
            if len > self.counts.capacity() {
                self.counts
                    .reserve_exact(len - self.counts.len() + slack(len));
            }
            self.counts.resize(len, 0);
            if let Some(last) = self.counts.last_mut() {
                *last = last.saturating_add(c);
            }
            self.collapse();
            return;
        }
        let floor = top - MAX_BUCKETS as i32 + 1;
        let j = i.max(floor);
        if j < self.offset {
            let new_offset = (j - slack(self.counts.len()) as i32).max(floor);
            let extra = (self.offset - new_offset) as usize;
            let mut grown =
                Vec::with_capacity(extra + self.counts.len() + slack(self.counts.len()));
            grown.resize(extra, 0);
            grown.extend_from_slice(&self.counts);
            self.counts = grown;
            self.offset = new_offset;
        }
        let slot = &mut self.counts[(j - self.offset) as usize];
        *slot = slot.saturating_add(c);
    }

    /// Folds everything below `top − MAX_BUCKETS + 1` into that bucket.
    fn collapse(&mut self) {
        if self.counts.len() <= MAX_BUCKETS {
            return;
        }
        let cut = self.counts.len() - MAX_BUCKETS;
        let folded = self.counts[..=cut]
            .iter()
            .fold(0u32, |a, &b| a.saturating_add(b));
        self.counts.drain(..cut);
        self.counts[0] = folded;
        self.offset += cut as i32;
    }

    fn merge(&mut self, other: &Store) {
        // Highest first, so the top (and hence the collapse floor) is set at once.
        for (i, c) in other.buckets().rev() {
            self.add(i, c);
        }
    }

    fn total(&self) -> u64 {
        self.counts.iter().map(|&c| c as u64).sum()
    }

    /// Non-zero buckets `(index, count)` in ascending index order.
    fn buckets(&self) -> impl DoubleEndedIterator<Item = (i32, u64)> + '_ {
        let offset = self.offset;
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(move |(k, c)| (offset + k as i32, *c as u64))
    }

    /// `(first non-zero index, counts from there)`.
    fn trimmed(&self) -> (i32, &[u32]) {
        let skip = self.counts.iter().take_while(|c| **c == 0).count();
        (self.offset + skip as i32, &self.counts[skip..])
    }

    fn encode(&self, e: &mut Encoder) {
        let (offset, counts) = self.trimmed();
        e.u64(counts.len() as u64);
        if !counts.is_empty() {
            e.i64(offset as i64);
            for &c in counts {
                e.u64(c as u64);
            }
        }
    }

    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let len = d.len(MAX_BUCKETS as u64, "sketch bucket count")?;
        if len == 0 {
            return Ok(Store::default());
        }
        let offset = d.i64("sketch offset")?;
        let offset = i32::try_from(offset)
            .ok()
            .filter(|o| o.abs() < 1 << 24)
            .ok_or_else(|| DecodeError(format!("sketch offset {offset} out of range")))?;
        let counts = (0..len)
            .map(|_| {
                let c = d.u64("sketch count")?;
                u32::try_from(c).map_err(|_| DecodeError(format!("sketch count {c} too large")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if counts.first() == Some(&0) || counts.last() == Some(&0) {
            return Err(DecodeError("sketch store has empty end buckets".into()));
        }
        Ok(Store { offset, counts })
    }
}

impl PartialEq for Store {
    /// Equal when the non-zero buckets are equal (slack ignored).
    fn eq(&self, other: &Self) -> bool {
        self.trimmed() == other.trimmed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
        sorted[(q * (sorted.len() - 1) as f64).floor() as usize]
    }

    #[test]
    fn gamma_constant_is_consistent() {
        assert!((INV_LN_GAMMA - 1.0 / GAMMA.ln()).abs() < 1e-9);
    }

    #[test]
    fn quantiles_within_relative_accuracy() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for case in 0..4 {
            let values: Vec<f64> = (0..2000)
                .map(|_| match case {
                    0 => rng.random_range(0.0..1.0),
                    1 => rng.random_range(-50.0..50.0),
                    2 => (rng.random_range(-10.0..10.0f64)).exp(),
                    _ => -rng.random_range(1e-3..1e6),
                })
                .collect();
            let mut s = QuantileSketch::new();
            values.iter().for_each(|&v| s.insert(v));
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let qs = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0];
            let all = s.quantiles(&qs);
            for (k, q) in qs.into_iter().enumerate() {
                assert_eq!(all[k], s.quantile(q));
                let truth = exact_quantile(&sorted, q);
                let est = s.quantile(q).unwrap();
                assert!(
                    (est - truth).abs() <= RELATIVE_ACCURACY * truth.abs() * (1.0 + 1e-9),
                    "case {case} q {q}: {est} vs {truth}"
                );
            }
        }
    }

    #[test]
    fn constant_and_zero_data() {
        let mut s = QuantileSketch::new();
        (0..10).for_each(|_| s.insert(0.37));
        assert_eq!(s.quantile(0.5), Some(0.37));
        let mut z = QuantileSketch::new();
        [0.0, 1e-12, -1e-12].iter().for_each(|&v| z.insert(v));
        assert_eq!(z.quantile(0.5), Some(0.0));
        assert_eq!(QuantileSketch::new().quantile(0.5), None);
        assert_eq!(s.quantile(1.5), None);
    }

    #[test]
    fn merge_is_exact_and_commutative() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let values: Vec<f64> = (0..3000).map(|_| rng.random_range(-1e3..1e4)).collect();
        let mut seq = QuantileSketch::new();
        values.iter().for_each(|&v| seq.insert(v));
        let (mut a, mut b) = (QuantileSketch::new(), QuantileSketch::new());
        values[..1234].iter().for_each(|&v| a.insert(v));
        values[1234..].iter().rev().for_each(|&v| b.insert(v));
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, seq);
        assert_eq!(ba, seq);
        assert_eq!(ab.count(), 3000);
    }

    #[test]
    fn collapse_is_order_independent() {
        // Magnitudes spanning far more than MAX_BUCKETS buckets (1e-8 .. 1e9
        // is ~1960 buckets; add a huge range on top via tiny and big values).
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let values: Vec<f64> = (0..5000)
            .map(|_| 10f64.powf(rng.random_range(-8.9..8.9)) * 1.0)
            .chain((0..50).map(|k| 1e-9 * (1.0 + k as f64)))
            .chain([1e9, 9.9e8])
            .collect();
        let mut asc = values.clone();
        asc.sort_by(f64::total_cmp);
        let mut desc = asc.clone();
        desc.reverse();
        let build = |vs: &[f64]| {
            let mut s = QuantileSketch::new();
            vs.iter().for_each(|&v| s.insert(v));
            s
        };
        let (s1, s2, s3) = (build(&values), build(&asc), build(&desc));
        assert!(
            index_of(1e9) - index_of(1e-9) >= MAX_BUCKETS as i32,
            "collapse must trigger"
        );
        assert!(s1.positive.counts.len() <= MAX_BUCKETS);
        assert_eq!(s1, s2);
        assert_eq!(s1, s3);
        let mut merged = build(&desc[..100]);
        merged.merge(&build(&desc[100..]));
        assert_eq!(merged, s1);
        let mut merged2 = build(&asc[..100]);
        merged2.merge(&build(&asc[100..]));
        assert_eq!(merged2, s1);
        // High quantiles keep their accuracy.
        let truth = exact_quantile(&asc, 0.95);
        let est = s1.quantile(0.95).unwrap();
        assert!((est - truth).abs() <= RELATIVE_ACCURACY * truth);
    }

    #[test]
    fn batch_insertion_equals_single_insertion() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let values: Vec<f64> = (0..500).map(|_| rng.random_range(-30.0..30.0)).collect();
        let mut one = QuantileSketch::new();
        values.iter().for_each(|&v| one.insert(v));
        let mut many = QuantileSketch::new();
        for chunk in values.chunks(37) {
            many.insert_many(chunk);
        }
        assert_eq!(one, many);
    }

    #[test]
    fn encoding_round_trips() {
        let mut s = QuantileSketch::new();
        [-3.0, -0.5, 0.0, 2.0, 2.0, 1e6]
            .iter()
            .for_each(|&v| s.insert(v));
        let mut e = Encoder::default();
        s.encode(&mut e);
        let back = QuantileSketch::decode(&mut Decoder::new(&e.bytes)).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.quantile(0.5), s.quantile(0.5));
    }
}
