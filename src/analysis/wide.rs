//! A minimal unsigned 256-bit integer, just enough for exact sums of squares.
//!
//! The exact moments in [`super::moments`] square 79-bit fixed-point values
//! (158 bits) and add up to 2^40 of them, which overflows `i128`. Only
//! addition, subtraction, `u128 × u128` and `× u64` products, comparison and
//! conversion to `f64` are needed, so this is a few dozen lines rather than a
//! dependency.

use std::cmp::Ordering;

/// An unsigned 256-bit integer `hi · 2^128 + lo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct U256 {
    /// The high 128 bits.
    pub hi: u128,
    /// The low 128 bits.
    pub lo: u128,
}

const MASK64: u128 = u64::MAX as u128;

impl U256 {
    /// Zero.
    pub const ZERO: U256 = U256 { hi: 0, lo: 0 };

    /// The exact product of two `u128` values.
    pub fn mul_u128(a: u128, b: u128) -> U256 {
        let (a1, a0) = (a >> 64, a & MASK64);
        let (b1, b0) = (b >> 64, b & MASK64);
        let p00 = a0 * b0;
        let p01 = a0 * b1;
        let p10 = a1 * b0;
        let p11 = a1 * b1;
        // middle = p01 + p10 + (p00 >> 64), may carry into bit 128.
        let (mid, carry1) = p01.overflowing_add(p10);
        let (mid, carry2) = mid.overflowing_add(p00 >> 64);
        let carries = (carry1 as u128) + (carry2 as u128);
        let lo = (mid << 64) | (p00 & MASK64);
        let hi = p11 + (mid >> 64) + (carries << 64);
        U256 { hi, lo }
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: U256) -> Option<U256> {
        let (lo, carry) = self.lo.overflowing_add(other.lo);
        let hi = self.hi.checked_add(other.hi)?.checked_add(carry as u128)?;
        Some(U256 { hi, lo })
    }

    /// `self - other`, or `None` if `other > self`.
    pub fn checked_sub(self, other: U256) -> Option<U256> {
        let (lo, borrow) = self.lo.overflowing_sub(other.lo);
        let hi = self.hi.checked_sub(other.hi)?.checked_sub(borrow as u128)?;
        Some(U256 { hi, lo })
    }

    /// `self × k`, or `None` on overflow.
    pub fn checked_mul_u64(self, k: u64) -> Option<U256> {
        let low = U256::mul_u128(self.lo, k as u128);
        let high = self.hi.checked_mul(k as u128)?;
        let hi = low.hi.checked_add(high)?;
        Some(U256 { hi, lo: low.lo })
    }

    /// The nearest-ish `f64` (each half is rounded once, then they are added);
    /// deterministic, with relative error below 2^-52.
    pub fn to_f64(self) -> f64 {
        const TWO_128: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;
        self.hi as f64 * TWO_128 + self.lo as f64
    }

    /// The 32 bytes, little-endian.
    pub fn to_le_bytes(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out[..16].copy_from_slice(&self.lo.to_le_bytes());
        out[16..].copy_from_slice(&self.hi.to_le_bytes());
        out
    }

    /// The inverse of [`U256::to_le_bytes`].
    pub fn from_le_bytes(bytes: [u8; 32]) -> U256 {
        let mut lo = [0u8; 16];
        let mut hi = [0u8; 16];
        lo.copy_from_slice(&bytes[..16]);
        hi.copy_from_slice(&bytes[16..]);
        U256 {
            hi: u128::from_le_bytes(hi),
            lo: u128::from_le_bytes(lo),
        }
    }
}

impl PartialOrd for U256 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for U256 {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.hi, self.lo).cmp(&(other.hi, other.lo))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_match_small_cases_and_carry() {
        assert_eq!(U256::mul_u128(3, 5), U256 { hi: 0, lo: 15 });
        // (2^128 - 1)^2 = 2^256 - 2^129 + 1
        let m = U256::mul_u128(u128::MAX, u128::MAX);
        assert_eq!(m.lo, 1);
        assert_eq!(m.hi, u128::MAX - 1);
        // 2^64 * 2^64 = 2^128
        assert_eq!(U256::mul_u128(1 << 64, 1 << 64), U256 { hi: 1, lo: 0 });
    }

    #[test]
    fn add_sub_round_trip_with_carry() {
        let a = U256 {
            hi: 1,
            lo: u128::MAX,
        };
        let b = U256 { hi: 0, lo: 1 };
        let s = a.checked_add(b).unwrap();
        assert_eq!(s, U256 { hi: 2, lo: 0 });
        assert_eq!(s.checked_sub(b).unwrap(), a);
        assert!(b.checked_sub(a).is_none());
        assert!(
            U256 {
                hi: u128::MAX,
                lo: 0
            }
            .checked_add(U256 { hi: 1, lo: 0 })
            .is_none()
        );
    }

    #[test]
    fn mul_u64_and_to_f64() {
        let a = U256 {
            hi: 0,
            lo: u128::MAX,
        };
        let p = a.checked_mul_u64(2).unwrap();
        assert_eq!(
            p,
            U256 {
                hi: 1,
                lo: u128::MAX - 1
            }
        );
        assert_eq!(U256 { hi: 1, lo: 0 }.to_f64(), 2f64.powi(128));
        assert_eq!(U256::from_le_bytes(p.to_le_bytes()), p);
    }
}
