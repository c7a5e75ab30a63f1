//! Space-filling and factorial designs over a box of parameters.
//!
//! A design is a list of points, one `Vec<f64>` per point with one value per
//! parameter. The Sobol'-based Saltelli design and Morris trajectories live
//! with their analyses ([`super::saltelli_design`], [`super::morris_design`]);
//! this file holds the designs that stand on their own.

use super::SensitivityError;
use crate::sim::SimRng;
use rand::RngExt;

/// Largest number of points a factorial design may have; beyond this the
/// product of levels is almost certainly a mistake.
const MAX_FACTORIAL_POINTS: usize = 1 << 26;

/// Every combination of the given levels, one list of levels per parameter.
/// The last parameter varies fastest (lexicographic order), so point `i`
/// never depends on the number of threads that later evaluates it.
///
/// ```
/// use mlgov::sensitivity::full_factorial;
/// let d = full_factorial(&[vec![0.0, 1.0], vec![10.0, 20.0, 30.0]]).unwrap();
/// assert_eq!(d.len(), 6);
/// assert_eq!(d[1], vec![0.0, 20.0]);
/// ```
pub fn full_factorial(levels: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, SensitivityError> {
    if levels.is_empty() {
        return Err(SensitivityError::InvalidOption(
            "a factorial design needs at least one parameter".into(),
        ));
    }
    let mut total = 1usize;
    for (j, l) in levels.iter().enumerate() {
        if l.is_empty() {
            return Err(SensitivityError::InvalidOption(format!(
                "parameter {j} has no levels"
            )));
        }
        if let Some(v) = l.iter().find(|v| !v.is_finite()) {
            return Err(SensitivityError::InvalidOption(format!(
                "parameter {j} has a non-finite level {v}"
            )));
        }
        total = total
            .checked_mul(l.len())
            .filter(|&t| t <= MAX_FACTORIAL_POINTS)
            .ok_or_else(|| {
                SensitivityError::InvalidOption(format!(
                    "a factorial design of more than {MAX_FACTORIAL_POINTS} points"
                ))
            })?;
    }
    let mut points = Vec::with_capacity(total);
    let mut digits = vec![0usize; levels.len()];
    for _ in 0..total {
        points.push(digits.iter().zip(levels).map(|(&d, l)| l[d]).collect());
        // Odometer increment, last digit fastest.
        for j in (0..levels.len()).rev() {
            digits[j] += 1;
            if digits[j] < levels[j].len() {
                break;
            }
            digits[j] = 0;
        }
    }
    Ok(points)
}

/// A full factorial design with `n` evenly spaced levels per parameter,
/// endpoints included (`n = 1` uses each parameter's midpoint).
pub fn full_factorial_even(
    bounds: &[(f64, f64)],
    n: usize,
) -> Result<Vec<Vec<f64>>, SensitivityError> {
    check_bounds(bounds)?;
    if n == 0 {
        return Err(SensitivityError::InvalidOption(
            "a factorial design needs at least one level per parameter".into(),
        ));
    }
    let levels: Vec<Vec<f64>> = bounds
        .iter()
        .map(|&(lo, hi)| {
            if n == 1 {
                vec![0.5 * (lo + hi)]
            } else {
                // The last level is `hi` exactly, not lo + (n-1)/(n-1)(hi-lo).
                (0..n)
                    .map(|i| {
                        if i + 1 == n {
                            hi
                        } else {
                            lo + (hi - lo) * i as f64 / (n - 1) as f64
                        }
                    })
                    .collect()
            }
        })
        .collect();
    full_factorial(&levels)
}

/// A Latin hypercube of `n` points (McKay, Beckman & Conover 1979): each
/// parameter's range is cut into `n` equal strata and every stratum holds
/// exactly one point, at a uniform position inside it. Strata are matched
/// across parameters by independent random permutations drawn from `rng`, so
/// the design is a pure function of the generator's state.
pub fn latin_hypercube(
    bounds: &[(f64, f64)],
    n: usize,
    rng: &mut SimRng,
) -> Result<Vec<Vec<f64>>, SensitivityError> {
    check_bounds(bounds)?;
    if n == 0 {
        return Err(SensitivityError::InvalidOption(
            "a Latin hypercube needs at least one point".into(),
        ));
    }
    let mut points = vec![vec![0.0; bounds.len()]; n];
    let mut strata: Vec<usize> = (0..n).collect();
    for (j, &(lo, hi)) in bounds.iter().enumerate() {
        // Fisher-Yates, written out so the draws are fixed by this code and
        // not by a library's shuffle implementation.
        for i in (1..n).rev() {
            let r = rng.random_range(0..=i);
            strata.swap(i, r);
        }
        for (p, &s) in points.iter_mut().zip(&strata) {
            let u = (s as f64 + rng.random::<f64>()) / n as f64;
            p[j] = lo + (hi - lo) * u;
        }
    }
    Ok(points)
}

/// Maps a point of the unit cube to the box: `low + u (high - low)`.
pub fn scale_point(unit: &[f64], bounds: &[(f64, f64)]) -> Vec<f64> {
    unit.iter()
        .zip(bounds)
        .map(|(&u, &(lo, hi))| lo + u * (hi - lo))
        .collect()
}

/// Bounds must be a non-empty list of finite intervals with `low < high`.
fn check_bounds(bounds: &[(f64, f64)]) -> Result<(), SensitivityError> {
    if bounds.is_empty() {
        return Err(SensitivityError::InvalidOption(
            "a design needs at least one parameter".into(),
        ));
    }
    for (j, &(low, high)) in bounds.iter().enumerate() {
        if !(low.is_finite() && high.is_finite() && low < high) {
            return Err(SensitivityError::InvalidBounds {
                parameter: format!("x{j}"),
                low,
                high,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng_from_seed;

    #[test]
    fn even_factorial_hits_both_bounds() {
        let d = full_factorial_even(&[(0.0, 1.0), (-2.0, 2.0)], 3).unwrap();
        assert_eq!(d.len(), 9);
        assert_eq!(d[0], vec![0.0, -2.0]);
        assert_eq!(d[8], vec![1.0, 2.0]);
        assert_eq!(d[4], vec![0.5, 0.0]);
    }

    #[test]
    fn factorial_refuses_empty_levels_and_explosions() {
        assert!(full_factorial(&[vec![1.0], vec![]]).is_err());
        assert!(full_factorial_even(&[(0.0, 1.0); 10], 10).is_err());
    }

    #[test]
    fn lhs_is_seeded() {
        let a = latin_hypercube(&[(0.0, 1.0); 3], 10, &mut rng_from_seed(1)).unwrap();
        let b = latin_hypercube(&[(0.0, 1.0); 3], 10, &mut rng_from_seed(1)).unwrap();
        let c = latin_hypercube(&[(0.0, 1.0); 3], 10, &mut rng_from_seed(2)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
