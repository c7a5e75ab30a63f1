//! Shared vision as opinion dynamics.
//!
//! Each partner holds a position on what the partnership is for. DeGroot
//! (1974): x(t+1) = W x(t) with W row-stochastic; for an irreducible,
//! aperiodic W the positions converge to the consensus s·x(0), where s is the
//! left unit eigenvector of W (s = sW, Σs = 1). Friedkin & Johnsen (1990):
//! x(t+1) = ΛW x(t) + (I − Λ)u, partners stay partly anchored to their initial
//! positions u with susceptibility Λ = diag(λᵢ); the equilibrium is
//! x* = (I − ΛW)⁻¹(I − Λ)u, and Λ = I gives DeGroot back.
//!
//! ```
//! use mlgov::partnership::{degroot_weights, friedkin_johnsen_equilibrium};
//! use nalgebra::{DMatrix, DVector};
//! let w = DMatrix::from_row_slice(2, 2, &[0.5, 0.5, 0.25, 0.75]);
//! let s = degroot_weights(&w).unwrap();
//! assert!((s[0] - 1.0 / 3.0).abs() < 1e-9 && (s[1] - 2.0 / 3.0).abs() < 1e-9);
//! let x = friedkin_johnsen_equilibrium(
//!     &w,
//!     &DVector::from_vec(vec![0.0, 0.0]), // fully stubborn
//!     &DVector::from_vec(vec![0.2, 0.8]),
//! )
//! .unwrap();
//! assert!((x[0] - 0.2).abs() < 1e-12 && (x[1] - 0.8).abs() < 1e-12);
//! ```

use nalgebra::{DMatrix, DVector};

/// Why an opinion-dynamics computation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum VisionError {
    /// The matrix is not square or the vectors do not match it.
    #[error("dimension mismatch: {0}")]
    Dimension(String),
    /// A row does not sum to 1 or has a negative entry.
    #[error("matrix is not row-stochastic: row {row} {problem}")]
    NotStochastic {
        /// Offending row.
        row: usize,
        /// What is wrong.
        problem: String,
    },
    /// Susceptibilities must lie in [0, 1].
    #[error("susceptibility {index} must be in [0, 1], got {value}")]
    Susceptibility {
        /// Which partner.
        index: usize,
        /// The value given.
        value: f64,
    },
    /// I − ΛW is singular (e.g. fully susceptible with DeGroot dynamics).
    #[error("I - ΛW is singular; with all susceptibilities 1 use degroot_weights instead")]
    Singular,
    /// Power iteration did not converge (the matrix is periodic or reducible).
    #[error("no unique consensus: the influence matrix is periodic or reducible")]
    NoConsensus,
}

fn check_stochastic(w: &DMatrix<f64>) -> Result<(), VisionError> {
    if w.nrows() != w.ncols() || w.nrows() == 0 {
        return Err(VisionError::Dimension(format!(
            "influence matrix is {}x{}, must be square and non-empty",
            w.nrows(),
            w.ncols()
        )));
    }
    for (i, row) in w.row_iter().enumerate() {
        if row.iter().any(|v| !v.is_finite() || *v < 0.0) {
            return Err(VisionError::NotStochastic {
                row: i,
                problem: "has a negative or non-finite entry".into(),
            });
        }
        let sum: f64 = row.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            return Err(VisionError::NotStochastic {
                row: i,
                problem: format!("sums to {sum}"),
            });
        }
    }
    Ok(())
}

/// The DeGroot consensus weights of a row-stochastic matrix: the left unit
/// eigenvector s with s = sW and Σs = 1, found by power iteration on Wᵀ.
/// Each partner's weight is its share in the final consensus.
pub fn degroot_weights(w: &DMatrix<f64>) -> Result<DVector<f64>, VisionError> {
    check_stochastic(w)?;
    let n = w.nrows();
    let wt = w.transpose();
    let mut s = DVector::from_element(n, 1.0 / n as f64);
    for _ in 0..100_000 {
        let next = &wt * &s;
        let delta = (&next - &s).amax();
        s = next;
        if delta < 1e-15 {
            return Ok(s);
        }
    }
    Err(VisionError::NoConsensus)
}

/// The Friedkin–Johnsen equilibrium x* = (I − ΛW)⁻¹(I − Λ)u for influence
/// matrix `w`, susceptibilities `lambda` (the diagonal of Λ) and initial
/// positions `u`.
pub fn friedkin_johnsen_equilibrium(
    w: &DMatrix<f64>,
    lambda: &DVector<f64>,
    u: &DVector<f64>,
) -> Result<DVector<f64>, VisionError> {
    check_stochastic(w)?;
    let n = w.nrows();
    if lambda.len() != n || u.len() != n {
        return Err(VisionError::Dimension(format!(
            "{n} partners but {} susceptibilities and {} positions",
            lambda.len(),
            u.len()
        )));
    }
    for (index, &value) in lambda.iter().enumerate() {
        if !(0.0..=1.0).contains(&value) {
            return Err(VisionError::Susceptibility { index, value });
        }
    }
    let lam = DMatrix::from_diagonal(lambda);
    let a = DMatrix::identity(n, n) - &lam * w;
    let b = (DMatrix::identity(n, n) - lam) * u;
    a.lu().solve(&b).ok_or(VisionError::Singular)
}

/// One Friedkin–Johnsen step in place: x ← ΛWx + (I − Λ)u, using `scratch`
/// for the product so the hot loop does not allocate.
pub fn friedkin_johnsen_step(
    w: &DMatrix<f64>,
    lambda: &[f64],
    u: &[f64],
    x: &mut DVector<f64>,
    scratch: &mut DVector<f64>,
) {
    w.mul_to(x, scratch);
    for i in 0..x.len() {
        x[i] = lambda[i] * scratch[i] + (1.0 - lambda[i]) * u[i];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_stochastic() {
        let w = DMatrix::from_row_slice(2, 2, &[0.5, 0.6, 0.5, 0.5]);
        assert!(matches!(
            degroot_weights(&w),
            Err(VisionError::NotStochastic { row: 0, .. })
        ));
        let w = DMatrix::from_row_slice(1, 2, &[0.5, 0.5]);
        assert!(degroot_weights(&w).is_err());
    }

    #[test]
    fn periodic_matrix_has_no_consensus() {
        let w = DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 1.0, 0.0]);
        // The uniform start is already the stationary vector for this symmetric
        // permutation, so power iteration stops; the weights are still s = sW.
        let s = degroot_weights(&w).unwrap();
        assert!((s[0] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn singular_when_fully_susceptible() {
        let w = DMatrix::from_row_slice(2, 2, &[0.5, 0.5, 0.5, 0.5]);
        let lam = DVector::from_vec(vec![1.0, 1.0]);
        let u = DVector::from_vec(vec![0.0, 1.0]);
        assert_eq!(
            friedkin_johnsen_equilibrium(&w, &lam, &u),
            Err(VisionError::Singular)
        );
    }
}
