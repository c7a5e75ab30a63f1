//! Compact little-endian binary encoding used by checkpoints and shard
//! states: LEB128 varints for counts, zig-zag varints for signed indices,
//! fixed-width fields for exact sums and floats.

use super::wide::U256;

/// A malformed or truncated encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

impl DecodeError {
    fn truncated(what: &str) -> Self {
        DecodeError(format!("truncated while reading {what}"))
    }
}

/// Appends encoded values to a byte buffer.
#[derive(Debug, Default)]
pub struct Encoder {
    /// The encoded bytes so far.
    pub bytes: Vec<u8>,
}

impl Encoder {
    /// An unsigned varint.
    pub fn u64(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.bytes.push(byte);
                return;
            }
            self.bytes.push(byte | 0x80);
        }
    }

    /// A signed varint (zig-zag).
    pub fn i64(&mut self, v: i64) {
        self.u64(((v << 1) ^ (v >> 63)) as u64);
    }

    /// A raw `i128`.
    pub fn i128(&mut self, v: i128) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    /// A raw 256-bit integer.
    pub fn u256(&mut self, v: U256) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    /// A raw `f64` (bit pattern).
    pub fn f64(&mut self, v: f64) {
        self.bytes.extend_from_slice(&v.to_bits().to_le_bytes());
    }

    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }
}

/// Reads values back from a byte slice, advancing it.
#[derive(Debug)]
pub struct Decoder<'a> {
    /// The bytes not yet read.
    pub rest: &'a [u8],
}

impl<'a> Decoder<'a> {
    /// A decoder over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        if self.rest.len() < n {
            return Err(DecodeError::truncated(what));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// An unsigned varint.
    pub fn u64(&mut self, what: &str) -> Result<u64, DecodeError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1, what)?[0];
            v |= ((byte & 0x7f) as u64) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError(format!("varint too long in {what}")))
    }

    /// A signed varint (zig-zag).
    pub fn i64(&mut self, what: &str) -> Result<i64, DecodeError> {
        let z = self.u64(what)?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    /// A raw `i128`.
    pub fn i128(&mut self, what: &str) -> Result<i128, DecodeError> {
        let mut b = [0u8; 16];
        b.copy_from_slice(self.take(16, what)?);
        Ok(i128::from_le_bytes(b))
    }

    /// A raw 256-bit integer.
    pub fn u256(&mut self, what: &str) -> Result<U256, DecodeError> {
        let mut b = [0u8; 32];
        b.copy_from_slice(self.take(32, what)?);
        Ok(U256::from_le_bytes(b))
    }

    /// A raw `f64`.
    pub fn f64(&mut self, what: &str) -> Result<f64, DecodeError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8, what)?);
        Ok(f64::from_bits(u64::from_le_bytes(b)))
    }

    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self, what: &str) -> Result<String, DecodeError> {
        let len = self.u64(what)?;
        let len = usize::try_from(len).map_err(|_| DecodeError::truncated(what))?;
        let bytes = self.take(len, what)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError(format!("{what} is not UTF-8")))
    }

    /// A count that will size an allocation: refused if it exceeds `max`.
    pub fn len(&mut self, max: u64, what: &str) -> Result<usize, DecodeError> {
        let n = self.u64(what)?;
        if n > max {
            return Err(DecodeError(format!("{what}: {n} exceeds the limit {max}")));
        }
        Ok(n as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut e = Encoder::default();
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            e.u64(v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            e.i64(v);
        }
        e.i128(-5);
        e.f64(-0.25);
        e.str("N-R-L");
        let mut d = Decoder::new(&e.bytes);
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(d.u64("x").unwrap(), v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(d.i64("x").unwrap(), v);
        }
        assert_eq!(d.i128("x").unwrap(), -5);
        assert_eq!(d.f64("x").unwrap(), -0.25);
        assert_eq!(d.str("x").unwrap(), "N-R-L");
        assert!(d.rest.is_empty());
        assert!(d.u64("the end").is_err());
    }
}
