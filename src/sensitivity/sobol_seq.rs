//! The Sobol' low-discrepancy sequence in base 2 (Sobol' 1967), with the
//! direction numbers of Joe & Kuo (2008), generated in Gray-code order
//! (Antonov & Saleev 1979) exactly like Joe & Kuo's reference program.
//!
//! Point 0 is the origin. [`SobolSequence`] starts there, as the reference
//! program does, and so does [`saltelli_design`](super::saltelli_design) (see
//! its documentation for why the origin is not skipped).

use super::SensitivityError;
use super::joe_kuo::{DIRECTION_NUMBERS, MAX_DIMENSIONS};

/// The most dimensions [`SobolSequence`] supports (Joe & Kuo's numbers are
/// bundled up to this dimension). A Saltelli design over `k` parameters needs
/// `2k` dimensions, so Sobol' indices are available for up to half as many
/// parameters.
pub const SOBOL_MAX_DIMENSIONS: usize = MAX_DIMENSIONS;

/// Bits of precision: points are multiples of `2^-32`, and at most `2^32`
/// points exist.
const BITS: usize = 32;

/// A generator of Sobol' points in `[0, 1)^d`.
///
/// ```
/// use mlgov::sensitivity::SobolSequence;
/// let mut seq = SobolSequence::new(2).unwrap();
/// let first: Vec<Vec<f64>> = (0..4).map(|_| seq.next_point().unwrap()).collect();
/// assert_eq!(first, vec![vec![0.0, 0.0], vec![0.5, 0.5], vec![0.75, 0.25], vec![0.25, 0.75]]);
/// ```
#[derive(Debug, Clone)]
pub struct SobolSequence {
    /// `directions[j][b]`: direction number `v_{b+1}` of dimension `j`, scaled by `2^32`.
    directions: Vec<[u32; BITS]>,
    /// The current point's integer coordinates.
    current: Vec<u32>,
    /// Index of the point [`SobolSequence::next_point`] returns next.
    index: u64,
}

impl SobolSequence {
    /// A sequence of `dimensions` dimensions, positioned at point 0 (the origin).
    pub fn new(dimensions: usize) -> Result<Self, SensitivityError> {
        if dimensions == 0 {
            return Err(SensitivityError::InvalidOption(
                "a Sobol' sequence needs at least one dimension".into(),
            ));
        }
        if dimensions > SOBOL_MAX_DIMENSIONS {
            return Err(SensitivityError::TooManyDimensions {
                requested: dimensions,
                max: SOBOL_MAX_DIMENSIONS,
            });
        }
        let mut directions = Vec::with_capacity(dimensions);
        // Dimension 1: m_i = 1 for every i, i.e. the van der Corput sequence.
        let mut first = [0u32; BITS];
        for (b, v) in first.iter_mut().enumerate() {
            *v = 1u32 << (BITS - 1 - b);
        }
        directions.push(first);
        for &(s, a, m) in DIRECTION_NUMBERS.iter().take(dimensions - 1) {
            directions.push(direction_numbers(s as usize, a, m));
        }
        Ok(Self {
            directions,
            current: vec![0; dimensions],
            index: 0,
        })
    }

    /// Number of dimensions.
    pub fn dimensions(&self) -> usize {
        self.directions.len()
    }

    /// Index of the point the next call to [`SobolSequence::next_point`] returns.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Moves to point `index` (the next point returned is that one).
    pub fn seek(&mut self, index: u64) -> Result<(), SensitivityError> {
        if index >= 1u64 << BITS {
            return Err(SensitivityError::InvalidOption(format!(
                "Sobol' point index {index} is beyond the 2^32 points available"
            )));
        }
        // In Gray-code order, point i is the XOR of the direction numbers
        // selected by the bits of gray(i) = i ^ (i >> 1).
        let gray = index ^ (index >> 1);
        for (x, v) in self.current.iter_mut().zip(&self.directions) {
            *x = (0..BITS)
                .filter(|b| gray >> b & 1 == 1)
                .fold(0, |acc, b| acc ^ v[b]);
        }
        self.index = index;
        Ok(())
    }

    /// Writes the next point into `out` (length [`SobolSequence::dimensions`])
    /// and advances; `None` once all `2^32` points are used.
    pub fn next_into(&mut self, out: &mut [f64]) -> Option<()> {
        if self.index >= 1u64 << BITS {
            return None;
        }
        const SCALE: f64 = 1.0 / (1u64 << BITS) as f64;
        for (o, &x) in out.iter_mut().zip(&self.current) {
            *o = f64::from(x) * SCALE;
        }
        // Gray-code step: point i+1 differs from point i in the direction
        // number indexed by the lowest zero bit of i.
        let bit = self.index.trailing_ones() as usize;
        if bit < BITS {
            for (x, v) in self.current.iter_mut().zip(&self.directions) {
                *x ^= v[bit];
            }
        }
        self.index += 1;
        Some(())
    }

    /// The next point as a new vector.
    pub fn next_point(&mut self) -> Option<Vec<f64>> {
        let mut out = vec![0.0; self.dimensions()];
        self.next_into(&mut out).map(|()| out)
    }
}

/// All 32 direction numbers of one dimension from its primitive polynomial of
/// degree `s` (inner coefficients `a`) and initial integers `m`, by the
/// recurrence of Bratley & Fox (1988) as in Joe & Kuo (2008), eq. (3):
/// `v_i = a_1 v_{i-1} ^ ... ^ a_{s-1} v_{i-s+1} ^ v_{i-s} ^ (v_{i-s} >> s)`.
fn direction_numbers(s: usize, a: u32, m: &[u32]) -> [u32; BITS] {
    let mut v = [0u32; BITS];
    for i in 0..BITS {
        v[i] = if i < s {
            m[i] << (BITS - 1 - i)
        } else {
            let mut x = v[i - s] ^ (v[i - s] >> s);
            for k in 1..s {
                if (a >> (s - 1 - k)) & 1 == 1 {
                    x ^= v[i - k];
                }
            }
            x
        };
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seek_agrees_with_stepping() {
        let mut a = SobolSequence::new(40).unwrap();
        let mut b = SobolSequence::new(40).unwrap();
        for _ in 0..777 {
            a.next_point().unwrap();
        }
        b.seek(777).unwrap();
        assert_eq!(a.next_point(), b.next_point());
        assert_eq!(a.index(), 778);
    }

    #[test]
    fn refuses_zero_and_too_many_dimensions() {
        assert!(SobolSequence::new(0).is_err());
        assert!(SobolSequence::new(SOBOL_MAX_DIMENSIONS).is_ok());
        assert!(SobolSequence::new(SOBOL_MAX_DIMENSIONS + 1).is_err());
    }

    #[test]
    fn first_points_of_every_dimension_are_balanced() {
        // Any 2^m consecutive-from-0 points put exactly one point in each
        // dyadic interval of length 2^-m in every dimension.
        let mut seq = SobolSequence::new(SOBOL_MAX_DIMENSIONS).unwrap();
        let pts: Vec<Vec<f64>> = (0..64).map(|_| seq.next_point().unwrap()).collect();
        for j in 0..SOBOL_MAX_DIMENSIONS {
            let mut seen = [false; 64];
            for p in &pts {
                seen[(p[j] * 64.0) as usize] = true;
            }
            assert!(seen.iter().all(|&s| s), "dimension {}", j + 1);
        }
    }
}
