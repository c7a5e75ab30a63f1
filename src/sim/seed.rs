//! Counter-based seed derivation. A run's seed is a pure function of the master
//! seed and the replication index, so results never depend on scheduling.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The portable, named generator every run uses.
pub type SimRng = Xoshiro256PlusPlus;

/// One step of the splitmix64 output function (Steele, Lea & Flood 2014):
/// a bijective 64-bit mix with good avalanche behaviour.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of replication `replication` under `master`. It does not depend on
/// the configuration: replication `k` of every configuration is paired.
pub fn run_seed(master: u64, replication: u64) -> u64 {
    splitmix64(splitmix64(master) ^ splitmix64(replication.wrapping_add(0x5EED)))
}

/// A sub-stream of a run seed (parameters, dynamics, ...), so that adding an
/// uncertain parameter does not shift the dynamics' random numbers.
pub fn stream_seed(seed: u64, stream: u64) -> u64 {
    splitmix64(seed ^ splitmix64(stream.wrapping_mul(0xA24B_AED4_963E_E407)))
}

/// A run seed as written in `runs.csv`: `x` and 16 lowercase hexadecimal
/// digits. Readers that guess column types (pandas, pyarrow, R's `read.csv`
/// and `readr`, a spreadsheet) keep this text as it is, whereas a decimal
/// seed above 2^53 would be read as a floating-point number and silently
/// changed, and a `0x` prefix is read as a number by some of them (pyarrow,
/// R). In Python, `int("0" + seed, 16)` gives the integer.
///
/// ```
/// use mlgov::sim::{parse_seed, seed_text};
/// assert_eq!(seed_text(11440495016852886982), "x9ec4cd9a7e2495c6");
/// assert_eq!(parse_seed("x9ec4cd9a7e2495c6"), Some(11440495016852886982));
/// assert_eq!(parse_seed("0x9ec4cd9a7e2495c6"), Some(11440495016852886982));
/// assert_eq!(parse_seed("11440495016852886982"), Some(11440495016852886982));
/// assert_eq!(parse_seed("x"), None);
/// ```
pub fn seed_text(seed: u64) -> String {
    format!("x{seed:016x}")
}

/// Reads a seed written as a decimal integer, or as `x` or `0x` followed by
/// hexadecimal digits (as in `runs.csv`, see [`seed_text`]); `None` if it
/// is none of these or beyond 64 bits.
pub fn parse_seed(text: &str) -> Option<u64> {
    let t = text.trim();
    let hex = ["0x", "0X", "x", "X"]
        .iter()
        .find_map(|prefix| t.strip_prefix(prefix));
    match hex {
        Some(h) if !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u64::from_str_radix(h, 16).ok()
        }
        Some(_) => None,
        None if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => t.parse().ok(),
        None => None,
    }
}

/// A generator seeded from a 64-bit seed (expanded by the generator's own
/// splitmix-based `seed_from_u64`).
pub fn rng_from_seed(seed: u64) -> SimRng {
    SimRng::seed_from_u64(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_differ_by_replication_and_master() {
        assert_ne!(run_seed(1, 0), run_seed(1, 1));
        assert_ne!(run_seed(1, 0), run_seed(2, 0));
        assert_eq!(run_seed(7, 3), run_seed(7, 3));
        assert_ne!(stream_seed(5, 1), stream_seed(5, 2));
    }

    #[test]
    fn splitmix_known_value() {
        // First output of splitmix64 seeded with 0 (reference implementation).
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }
}
