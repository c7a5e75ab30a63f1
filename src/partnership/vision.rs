//! Shared vision as opinion dynamics.
//!
//! Each partner holds a position on what the partnership is for. DeGroot
//! (1974): x(t+1) = W x(t) with W row-stochastic; for an irreducible,
//! aperiodic W the positions converge to the consensus s·x(0), where s is the
//! left unit eigenvector of W (s = sW, Σs = 1). Friedkin & Johnsen (1990):
//! x(t+1) = ΛW x(t) + (I − Λ)u, partners stay partly anchored to their initial
//! positions u with susceptibility Λ = diag(λᵢ); the equilibrium is
//! x* = (I − ΛW)⁻¹(I − Λ)u, which tends to the DeGroot consensus as Λ → I
//! (at Λ = I itself I − ΛW is singular, and the equilibrium is refused).
//! Both helpers refuse inputs without a unique answer rather than return
//! numbers; see their `# Errors` sections.
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

/// Largest 2-norm condition number of I − ΛW that
/// [`friedkin_johnsen_equilibrium`] accepts. Solving a system with condition
/// number κ in double precision can lose up to about κ·1.1e-16 relative
/// accuracy, so at 1e12 the equilibrium still has about four correct digits;
/// the smallest singular value is computed with an absolute error near
/// 1e-16·σ_max, so condition numbers up to about 1e14 are themselves measured
/// reliably and the limit is not decided by rounding noise.
const MAX_CONDITION: f64 = 1e12;

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
    /// I − ΛW is singular or too ill-conditioned to solve: its 2-norm
    /// condition number exceeds `limit` (1e12). This happens when a group of
    /// partners who listen only to each other are all fully susceptible
    /// (λ = 1, e.g. Λ = I), or nearly so: nothing anchors their views.
    #[error(
        "I - ΛW is singular or nearly so: condition number {condition:.3e} exceeds {limit:.0e}; \
         a group of partners listening only to each other has all susceptibilities at or \
         near 1 (for Λ = I use degroot_weights instead)"
    )]
    Singular {
        /// The 2-norm condition number σ_max/σ_min of I − ΛW (infinite when
        /// σ_min is exactly 0).
        condition: f64,
        /// The largest condition number accepted, 1e12.
        limit: f64,
    },
    /// The influence matrix is reducible: some partner is never influenced,
    /// directly or indirectly, by another, so consensus weights over all
    /// partners are not defined (with several closed groups there is no
    /// common consensus at all).
    #[error(
        "no unique consensus: the influence matrix is reducible (partner {listener} is never \
         influenced, directly or indirectly, by partner {speaker})"
    )]
    Reducible {
        /// A partner who does not hear `speaker`.
        listener: usize,
        /// A partner whose view never reaches `listener`.
        speaker: usize,
    },
    /// The influence matrix is irreducible but periodic: views cycle with this
    /// period instead of converging.
    #[error(
        "no unique consensus: the influence matrix is periodic with period {period} \
         (views cycle instead of converging)"
    )]
    Periodic {
        /// The gcd of the lengths of all influence cycles (≥ 2).
        period: usize,
    },
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

/// Breadth-first distances from `root` along the positive entries of `w`
/// (an edge i → j when w_ij > 0, i.e. i listens to j), or along their
/// reverse; `usize::MAX` marks unreached partners.
fn bfs_levels(w: &DMatrix<f64>, root: usize, reverse: bool) -> Vec<usize> {
    let n = w.nrows();
    let mut level = vec![usize::MAX; n];
    let mut queue = std::collections::VecDeque::from([root]);
    level[root] = 0;
    while let Some(i) = queue.pop_front() {
        for j in 0..n {
            let positive = if reverse { w[(j, i)] } else { w[(i, j)] } > 0.0;
            if positive && level[j] == usize::MAX {
                level[j] = level[i] + 1;
                queue.push_back(j);
            }
        }
    }
    level
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Refuses `w` unless its positive entries form a strongly connected,
/// aperiodic graph (W primitive), the condition for a unique consensus that
/// weighs every partner.
fn check_primitive(w: &DMatrix<f64>) -> Result<(), VisionError> {
    // Strongly connected iff every partner reaches 0 and 0 reaches every one.
    let from0 = bfs_levels(w, 0, false);
    if let Some(speaker) = from0.iter().position(|&l| l == usize::MAX) {
        return Err(VisionError::Reducible {
            listener: 0,
            speaker,
        });
    }
    let to0 = bfs_levels(w, 0, true);
    if let Some(listener) = to0.iter().position(|&l| l == usize::MAX) {
        return Err(VisionError::Reducible {
            listener,
            speaker: 0,
        });
    }
    // The period of a strongly connected graph is the gcd, over its edges
    // i → j, of level(i) + 1 − level(j) with breadth-first levels from any
    // root: summed round any cycle these terms give the cycle's length, so
    // the gcd divides every cycle length; and each term is the difference of
    // two closed-walk lengths through the root (to i and on to j, versus
    // straight to j and back), so the period divides it.
    let n = w.nrows();
    let mut period = 0;
    for i in 0..n {
        for j in 0..n {
            if w[(i, j)] > 0.0 {
                period = gcd(period, (from0[i] + 1).abs_diff(from0[j]));
                if period == 1 {
                    return Ok(());
                }
            }
        }
    }
    Err(VisionError::Periodic { period })
}

/// The DeGroot consensus weights of a row-stochastic matrix: the left unit
/// eigenvector s with s = sW and Σs = 1. Each partner's weight is its share in
/// the final consensus: x(t) = Wᵗx(0) → (s·x(0))·1.
///
/// s is computed by the Grassmann–Taksar–Heyman state reduction, which
/// involves no subtractions and so stays accurate even when some influences
/// are tiny (Grassmann, Taksar & Heyman 1985).
///
/// # Errors
///
/// - [`VisionError::Dimension`] or [`VisionError::NotStochastic`] for a
///   matrix that is not square, not row-stochastic, or not finite;
/// - [`VisionError::Reducible`] when the positive entries (i → j when
///   w_ij > 0) are not strongly connected. This includes block-diagonal W
///   (several groups, no common consensus) and W where some partner listens
///   to nobody outside a closed group (a consensus may exist there, but it
///   gives the other partners zero weight, and this helper is for the
///   irreducible case);
/// - [`VisionError::Periodic`] when W is irreducible but the gcd of its cycle
///   lengths is d ≥ 2 (e.g. a permutation cycle): views then cycle with period
///   d instead of converging.
///
/// ```
/// use mlgov::partnership::{degroot_weights, VisionError};
/// use nalgebra::DMatrix;
/// // Two groups that never hear each other: no common consensus.
/// let blocks = DMatrix::from_row_slice(4, 4, &[
///     0.5, 0.5, 0.0, 0.0,
///     0.5, 0.5, 0.0, 0.0,
///     0.0, 0.0, 0.5, 0.5,
///     0.0, 0.0, 0.5, 0.5,
/// ]);
/// assert!(matches!(degroot_weights(&blocks), Err(VisionError::Reducible { .. })));
/// // Two partners who swap views every step: x(t) oscillates for ever.
/// let swap = DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 1.0, 0.0]);
/// assert_eq!(degroot_weights(&swap), Err(VisionError::Periodic { period: 2 }));
/// ```
pub fn degroot_weights(w: &DMatrix<f64>) -> Result<DVector<f64>, VisionError> {
    check_stochastic(w)?;
    check_primitive(w)?;
    // GTH: censor the chain onto partners 0..k for k = n−1 down to 1, using
    // 1 − p_kk = Σ_{j<k} p_kj (positive, since W is irreducible), then
    // back-substitute π_k = Σ_{i<k} π_i p_ik / (1 − p_kk).
    let n = w.nrows();
    let mut p = w.clone();
    for k in (1..n).rev() {
        let out: f64 = (0..k).map(|j| p[(k, j)]).sum();
        for i in 0..k {
            p[(i, k)] /= out;
        }
        for i in 0..k {
            let pik = p[(i, k)];
            if pik != 0.0 {
                for j in 0..k {
                    p[(i, j)] += pik * p[(k, j)];
                }
            }
        }
    }
    let mut s = DVector::zeros(n);
    s[0] = 1.0;
    for k in 1..n {
        s[k] = (0..k).map(|i| s[i] * p[(i, k)]).sum();
    }
    let total = s.sum();
    Ok(s / total)
}

/// The 2-norm condition number σ_max/σ_min of `a` (infinite when singular).
fn condition_number(a: &DMatrix<f64>) -> f64 {
    let sv = a.singular_values_unordered();
    let (max, min) = (sv.max(), sv.min());
    if min > 0.0 { max / min } else { f64::INFINITY }
}

/// The Friedkin–Johnsen equilibrium x* = (I − ΛW)⁻¹(I − Λ)u for influence
/// matrix `w`, susceptibilities `lambda` (the diagonal of Λ) and initial
/// positions `u`.
///
/// # Errors
///
/// - [`VisionError::Dimension`], [`VisionError::NotStochastic`] or
///   [`VisionError::Susceptibility`] for malformed input;
/// - [`VisionError::Singular`] when the 2-norm condition number of I − ΛW,
///   computed from its singular values, exceeds 1e12. I − ΛW is exactly
///   singular when some group of partners listens only within itself and all
///   of them have λ = 1 (Λ = I is the extreme case: DeGroot dynamics, whose
///   limit [`degroot_weights`] gives); susceptibilities within about 1e-12 of
///   1 make it too ill-conditioned to solve reliably.
///
/// ```
/// use mlgov::partnership::{friedkin_johnsen_equilibrium, VisionError};
/// use nalgebra::{DMatrix, DVector};
/// let w = DMatrix::from_row_slice(2, 2, &[0.5, 0.5, 0.25, 0.75]);
/// let u = DVector::from_vec(vec![0.2, 0.8]);
/// // Fully susceptible partners: I − W is singular, refused rather than zeros.
/// let all = DVector::from_element(2, 1.0);
/// assert!(matches!(
///     friedkin_johnsen_equilibrium(&w, &all, &u),
///     Err(VisionError::Singular { .. })
/// ));
/// // Almost fully susceptible: solvable, and close to the DeGroot consensus 0.6.
/// let almost = DVector::from_element(2, 1.0 - 1e-6);
/// let x = friedkin_johnsen_equilibrium(&w, &almost, &u).unwrap();
/// assert!((x[0] - 0.6).abs() < 1e-5 && (x[1] - 0.6).abs() < 1e-5);
/// ```
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
    let condition = condition_number(&a);
    if condition > MAX_CONDITION {
        return Err(VisionError::Singular {
            condition,
            limit: MAX_CONDITION,
        });
    }
    let b = (DMatrix::identity(n, n) - lam) * u;
    // Unreachable after the condition test, but never return zeros silently.
    a.lu().solve(&b).ok_or(VisionError::Singular {
        condition: f64::INFINITY,
        limit: MAX_CONDITION,
    })
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
    fn period_is_the_gcd_of_cycle_lengths() {
        // 0 → 1 → 0 (length 2) and 0 → 1 → 2 → 0 (length 3): aperiodic
        // without any self-weight.
        let w = DMatrix::from_row_slice(3, 3, &[0.0, 1.0, 0.0, 0.5, 0.0, 0.5, 1.0, 0.0, 0.0]);
        assert_eq!(check_primitive(&w), Ok(()));
        // Bipartite: 0 ↔ 1, 0 ↔ 3, 2 ↔ 1, 2 ↔ 3 has only even cycles.
        let w = DMatrix::from_row_slice(
            4,
            4,
            &[
                0.0, 0.5, 0.0, 0.5, 0.5, 0.0, 0.5, 0.0, 0.0, 0.5, 0.0, 0.5, 0.5, 0.0, 0.5, 0.0,
            ],
        );
        assert_eq!(
            check_primitive(&w),
            Err(VisionError::Periodic { period: 2 })
        );
        // Cycles of lengths 3 and 6 only: period 3.
        let mut w = DMatrix::zeros(6, 6);
        for i in 0..6 {
            w[(i, (i + 1) % 6)] = 0.5;
            w[(i, (i + 4) % 6)] = 0.5;
        }
        assert_eq!(
            check_primitive(&w),
            Err(VisionError::Periodic { period: 3 })
        );
    }

    #[test]
    fn reducible_names_a_missing_path() {
        // Partner 0 listens only to itself; partner 1 listens to both.
        let w = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.5, 0.5]);
        assert_eq!(
            degroot_weights(&w),
            Err(VisionError::Reducible {
                listener: 0,
                speaker: 1
            })
        );
        let w = DMatrix::from_row_slice(2, 2, &[0.5, 0.5, 0.0, 1.0]);
        assert_eq!(
            degroot_weights(&w),
            Err(VisionError::Reducible {
                listener: 1,
                speaker: 0
            })
        );
    }

    #[test]
    fn one_partner_is_its_own_consensus() {
        let w = DMatrix::from_element(1, 1, 1.0);
        assert_eq!(degroot_weights(&w).unwrap()[0], 1.0);
    }

    #[test]
    fn singular_when_fully_susceptible() {
        let w = DMatrix::from_row_slice(2, 2, &[0.5, 0.5, 0.5, 0.5]);
        let lam = DVector::from_vec(vec![1.0, 1.0]);
        let u = DVector::from_vec(vec![0.0, 1.0]);
        match friedkin_johnsen_equilibrium(&w, &lam, &u) {
            Err(VisionError::Singular { condition, limit }) => {
                assert!(condition > 1e12, "condition {condition}");
                assert_eq!(limit, 1e12);
            }
            other => panic!("expected Singular, got {other:?}"),
        }
    }
}
