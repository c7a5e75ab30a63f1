//! Exact, order-independent moments of a stream of values.
//!
//! Floating-point sums depend on the order of the additions, so a mean that
//! is computed by several threads, machines or resumed processes would differ
//! in the last bits from one computed in a single pass. [`Moments`] avoids
//! that by quantising every value to a fixed-point integer
//! `r = round(v · 2^S)` with `S =` [`FRACTION_BITS`] and keeping
//! `n`, `Σ r` and `Σ r²` as integers. Integer addition is associative and
//! commutative, so any grouping of the same multiset of values gives the same
//! state, and every statistic derived from that state is bit-identical.
//!
//! * Resolution: `2^-48 ≈ 3.6e-15` in absolute terms; values are accepted
//!   up to `|v| ≤` [`MAX_ABS_VALUE`] `= 1e9` (so `|r| < 2^78`).
//! * `Σ r` is an `i128`; `Σ r²` is kept exactly in 256 bits (rather than
//!   summing a rounded `v²`), so the variance is the exact sample variance of
//!   the quantised values: constant data gives exactly zero, and
//!   `n·Σr² − (Σr)²` can never come out negative.
//! * No overflow is possible for up to 2^40 values (the experiment engine
//!   refuses larger experiments).
//!
//! ```
//! use mlgov::analysis::Moments;
//! let mut a = Moments::new();
//! let mut b = Moments::new();
//! for v in [1.0, 2.0, 3.0] { a.push(v).unwrap(); }
//! for v in [3.0, 2.0] { b.push(v).unwrap(); }
//! b.push(1.0).unwrap();
//! assert_eq!(a, b);
//! assert_eq!(a.mean(), Some(2.0));
//! assert_eq!(a.sd(), Some(1.0));
//! ```

use super::student_t::t_quantile;
use super::wide::U256;

/// Fractional bits of the fixed-point representation (`r = round(v · 2^48)`).
pub const FRACTION_BITS: u32 = 48;
/// The largest magnitude [`Moments::push`] accepts.
pub const MAX_ABS_VALUE: f64 = 1e9;

const SCALE: f64 = (1u64 << FRACTION_BITS) as f64;

/// Why a value cannot enter exact aggregation.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// NaN or ±∞.
    #[error("value is not finite ({0})")]
    NotFinite(f64),
    /// Beyond [`MAX_ABS_VALUE`].
    #[error("value {0} is outside ±1e9, the range of exact aggregation")]
    TooLarge(f64),
}

/// Whether `v` can enter exact aggregation: finite and within ±[`MAX_ABS_VALUE`].
pub fn check_value(v: f64) -> Result<(), ValueError> {
    if !v.is_finite() {
        return Err(ValueError::NotFinite(v));
    }
    if v.abs() > MAX_ABS_VALUE {
        return Err(ValueError::TooLarge(v));
    }
    Ok(())
}

/// Quantises `v` to the fixed-point integer used by [`Moments`].
pub fn quantize(v: f64) -> Result<i128, ValueError> {
    check_value(v)?;
    Ok((v * SCALE).round() as i128)
}

/// The real value of a fixed-point integer sum, divided by `n`.
pub fn fixed_mean(sum: i128, n: u64) -> Option<f64> {
    (n > 0).then(|| (sum as f64 / SCALE) / n as f64)
}

/// Exact count, sum and sum of squares of quantised values. See the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Moments {
    n: u64,
    sum: i128,
    sum_sq: U256,
}

impl Moments {
    /// No values yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one value, refusing NaN, infinities and `|v| > 1e9`.
    pub fn push(&mut self, v: f64) -> Result<(), ValueError> {
        self.push_fixed(quantize(v)?);
        Ok(())
    }

    /// Adds one already quantised value (see [`quantize`]); differences of
    /// two quantised values are fine too.
    pub fn push_fixed(&mut self, r: i128) {
        self.n += 1;
        self.sum += r;
        let a = r.unsigned_abs();
        self.sum_sq = wrapping_add(self.sum_sq, U256::mul_u128(a, a));
    }

    /// Adds another set of values (exact: the result does not depend on the
    /// order or grouping of merges).
    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.sum += other.sum;
        self.sum_sq = wrapping_add(self.sum_sq, other.sum_sq);
    }

    /// The number of values.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The raw state `(n, Σr, Σr²)`, for serialisation.
    pub fn raw(&self) -> (u64, i128, U256) {
        (self.n, self.sum, self.sum_sq)
    }

    /// Rebuilds a state from [`Moments::raw`].
    pub fn from_raw(n: u64, sum: i128, sum_sq: U256) -> Self {
        Self { n, sum, sum_sq }
    }

    /// The mean, or `None` without values.
    pub fn mean(&self) -> Option<f64> {
        fixed_mean(self.sum, self.n)
    }

    /// The sample variance (divisor `n − 1`), or `None` for fewer than two values.
    pub fn variance(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let l = self.sum.unsigned_abs();
        let dev = self
            .sum_sq
            .checked_mul_u64(self.n)?
            .checked_sub(U256::mul_u128(l, l))?;
        let n = self.n as f64;
        Some(dev.to_f64() / (n * (n - 1.0)) / (SCALE * SCALE))
    }

    /// The sample standard deviation, or `None` for fewer than two values.
    pub fn sd(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// The two-sided confidence interval of the mean at `level` (e.g. 0.95),
    /// `mean ± t(1 − (1 − level)/2, n − 1) · sd / √n`; `None` for `n < 2`.
    pub fn mean_ci(&self, level: f64) -> Option<(f64, f64)> {
        let mean = self.mean()?;
        let sd = self.sd()?;
        let t = t_quantile(1.0 - (1.0 - level) / 2.0, (self.n - 1) as f64);
        let half = t * sd / (self.n as f64).sqrt();
        Some((mean - half, mean + half))
    }
}

fn wrapping_add(a: U256, b: U256) -> U256 {
    let (lo, carry) = a.lo.overflowing_add(b.lo);
    U256 {
        hi: a.hi.wrapping_add(b.hi).wrapping_add(carry as u128),
        lo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(values: &[f64]) -> (f64, f64) {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    #[test]
    fn matches_direct_computation() {
        let values = [0.3, -1.7, 2.25, 8.0, 1e-3, 4.5, -0.25];
        let mut m = Moments::new();
        for v in values {
            m.push(v).unwrap();
        }
        let (mean, sd) = direct(&values);
        assert!((m.mean().unwrap() - mean).abs() < 1e-12);
        assert!((m.sd().unwrap() - sd).abs() < 1e-12);
        let (lo, hi) = m.mean_ci(0.95).unwrap();
        let half = 2.446912 * sd / 7f64.sqrt(); // t(0.975, 6)
        assert!((lo - (mean - half)).abs() < 1e-5);
        assert!((hi - (mean + half)).abs() < 1e-5);
    }

    #[test]
    fn constant_data_has_zero_spread_even_when_large() {
        let mut m = Moments::new();
        for _ in 0..1000 {
            m.push(123_456_789.123_456).unwrap();
        }
        assert_eq!(m.variance(), Some(0.0));
        let (lo, hi) = m.mean_ci(0.95).unwrap();
        assert_eq!(lo, hi);
    }

    #[test]
    fn large_mean_small_spread_is_accurate() {
        // Catastrophic cancellation would ruin a naive floating-point Σv² formula.
        let mut m = Moments::new();
        let values: Vec<f64> = (0..100).map(|i| 1e8 + (i % 7) as f64 * 1e-3).collect();
        for &v in &values {
            m.push(v).unwrap();
        }
        let (_, sd) = direct(&values);
        assert!((m.sd().unwrap() - sd).abs() / sd < 1e-6);
    }

    #[test]
    fn merge_is_order_independent() {
        let values: Vec<f64> = (0..50)
            .map(|i| ((i * 37 % 11) as f64).sin() * 1e3)
            .collect();
        let mut whole = Moments::new();
        values.iter().for_each(|&v| whole.push(v).unwrap());
        let mut a = Moments::new();
        let mut b = Moments::new();
        values[..20].iter().for_each(|&v| a.push(v).unwrap());
        values[20..].iter().rev().for_each(|&v| b.push(v).unwrap());
        let mut ab = a;
        ab.merge(&b);
        let mut ba = b;
        ba.merge(&a);
        assert_eq!(ab, whole);
        assert_eq!(ba, whole);
    }

    #[test]
    fn refuses_bad_values_and_small_n() {
        let mut m = Moments::new();
        assert!(matches!(m.push(f64::NAN), Err(ValueError::NotFinite(_))));
        assert!(matches!(m.push(2e9), Err(ValueError::TooLarge(_))));
        assert_eq!(m.count(), 0);
        assert_eq!(m.mean(), None);
        m.push(1.0).unwrap();
        assert_eq!(m.sd(), None);
        assert_eq!(m.mean_ci(0.95), None);
        m.push(-1e9).unwrap();
        assert_eq!(m.count(), 2);
    }
}
