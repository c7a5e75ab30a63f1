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
//! `γ^2048 ≈ 1e18` apart: since aggregated values are within `±1e9` and the
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

/// The non-empty buckets of one sign, as parallel sorted vectors: `keys`
/// strictly ascending, `counts[k] > 0` the count of bucket `keys[k]`.
///
/// Sparse rather than dense because values that cross zero spread thinly
/// over many small-magnitude buckets: a dense array over the span of a
/// random walk's values is several times larger than its non-empty buckets.
#[derive(Debug, Clone, Default, PartialEq)]
struct Store {
    keys: Vec<i32>,
    counts: Vec<u64>,
}

impl Store {
    #[inline]
    fn add(&mut self, i: i32, c: u64) {
        let Some(&top) = self.keys.last() else {
            self.keys.push(i);
            self.counts.push(c);
            return;
        };
        if i > top {
            self.keys.push(i);
            self.counts.push(c);
            self.collapse();
            return;
        }
        let j = i.max(top - MAX_BUCKETS as i32 + 1);
        match self.keys.binary_search(&j) {
            Ok(k) => self.counts[k] += c,
            Err(k) => {
                self.keys.insert(k, j);
                self.counts.insert(k, c);
            }
        }
    }

    /// Folds every bucket below `top − MAX_BUCKETS + 1` into that bucket.
    fn collapse(&mut self) {
        let Some(&top) = self.keys.last() else { return };
        let floor = top - MAX_BUCKETS as i32 + 1;
        let cut = self.keys.partition_point(|&k| k < floor);
        if cut == 0 {
            return;
        }
        let folded: u64 = self.counts.drain(..cut).sum();
        self.keys.drain(..cut);
        if self.keys.first() == Some(&floor) {
            self.counts[0] += folded;
        } else {
            self.keys.insert(0, floor);
            self.counts.insert(0, folded);
        }
    }

    fn merge(&mut self, other: &Store) {
        // Highest first, so the top (and hence the collapse floor) is set at once.
        for (i, c) in other.buckets().rev() {
            self.add(i, c);
        }
    }

    fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Buckets `(index, count)` in ascending index order.
    fn buckets(&self) -> impl DoubleEndedIterator<Item = (i32, u64)> + '_ {
        self.keys.iter().copied().zip(self.counts.iter().copied())
    }

    fn encode(&self, e: &mut Encoder) {
        e.u64(self.keys.len() as u64);
        let mut prev = None;
        for (k, c) in self.buckets() {
            match prev {
                None => e.i64(k as i64),
                Some(p) => e.u64((k - p) as u64),
            }
            e.u64(c);
            prev = Some(k);
        }
    }

    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let len = d.len(MAX_BUCKETS as u64, "sketch bucket count")?;
        let mut store = Store {
            keys: Vec::with_capacity(len),
            counts: Vec::with_capacity(len),
        };
        let bad = |what: &str| DecodeError(format!("sketch store: {what}"));
        for n in 0..len {
            let key = if n == 0 {
                let k = d.i64("sketch bucket index")?;
                i32::try_from(k).ok().filter(|k| k.abs() < 1 << 24)
            } else {
                let step = d.u64("sketch bucket step")?;
                let prev = store.keys[n - 1] as i64;
                (step > 0 && step < 1 << 24).then(|| (prev + step as i64) as i32)
            };
            let key = key.ok_or_else(|| bad("bucket index out of range"))?;
            let count = d.u64("sketch count")?;
            if count == 0 {
                return Err(bad("empty bucket"));
            }
            store.keys.push(key);
            store.counts.push(count);
        }
        if let (Some(first), Some(last)) = (store.keys.first(), store.keys.last()) {
            if last - first >= MAX_BUCKETS as i32 {
                return Err(bad("buckets span more than the maximum"));
            }
        }
        Ok(store)
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
            for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
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
        assert!(s1.positive.keys.last().unwrap() - s1.positive.keys[0] < MAX_BUCKETS as i32);
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
