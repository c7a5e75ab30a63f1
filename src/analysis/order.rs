//! Exact quantiles of a finite sample as order statistics.
//!
//! The `q`-quantile of `n` values is the value of 0-based rank
//! `⌊q · (n − 1)⌋` in ascending order, with `q` given in whole percent so
//! that the rank is computed in integers (`⌊percent · (n − 1) / 100⌋`) and
//! never depends on how `0.95 · 19` rounds. It is always one of the values
//! (no interpolation), the minimum for `q = 0` and the maximum for
//! `q = 1`; for 0/1 or whole-number data it is 0/1 or a whole number.
//!
//! ```
//! use mlgov::analysis::order_statistic;
//! let sorted = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
//! assert_eq!(order_statistic(&sorted, 50), Some(5.0)); // rank ⌊0.5 · 9⌋ = 4
//! assert_eq!(order_statistic(&sorted, 95), Some(9.0)); // rank ⌊8.55⌋ = 8
//! assert_eq!(order_statistic(&[], 50), None);
//! ```

/// The order statistic of rank `⌊percent · (n − 1) / 100⌋` of `sorted`
/// (ascending); `None` for an empty slice or `percent > 100`.
pub fn order_statistic(sorted: &[f64], percent: u32) -> Option<f64> {
    if sorted.is_empty() || percent > 100 {
        return None;
    }
    let rank = (u128::from(percent) * (sorted.len() as u128 - 1)) / 100;
    sorted.get(rank as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_are_exact_integers() {
        // n = 21: 0.95 · 20 = 19 exactly (floating 0.95 · 20 would be a
        // hair below or above depending on rounding).
        let v: Vec<f64> = (0..21).map(f64::from).collect();
        assert_eq!(order_statistic(&v, 95), Some(19.0));
        assert_eq!(order_statistic(&v, 5), Some(1.0));
        assert_eq!(order_statistic(&v, 0), Some(0.0));
        assert_eq!(order_statistic(&v, 100), Some(20.0));
        assert_eq!(order_statistic(&v, 101), None);
        assert_eq!(order_statistic(&[7.5], 25), Some(7.5));
        // Binary data stays binary.
        let b = [0.0, 0.0, 1.0, 1.0, 1.0];
        assert_eq!(order_statistic(&b, 25), Some(0.0));
        assert_eq!(order_statistic(&b, 50), Some(1.0));
    }
}
