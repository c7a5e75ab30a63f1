//! Shards: splitting one experiment's replications across machines.
//!
//! Shard `K/N` runs replications `⌊(K−1)R/N⌋ .. ⌊KR/N⌋` (half-open) of the
//! `R` replications, for every configuration, so the N shards partition the
//! replications exactly and differ in size by at most one.

use super::ExperimentError;
use std::fmt;
use std::str::FromStr;

/// Slice `index` (1-based) of `count` of an experiment's replications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    /// Which slice, `1..=count`.
    pub index: u32,
    /// How many slices.
    pub count: u32,
}

impl Shard {
    /// The replications `[start, end)` this shard runs out of `replications`.
    pub fn range(&self, replications: u64) -> (u64, u64) {
        let r = replications as u128;
        let n = self.count as u128;
        let start = (self.index as u128 - 1) * r / n;
        let end = self.index as u128 * r / n;
        (start as u64, end as u64)
    }

    /// Checks `1 ≤ index ≤ count`.
    pub fn validate(&self) -> Result<(), ExperimentError> {
        if self.count == 0 {
            return Err(ExperimentError::invalid(
                format!("--shard {self}"),
                "N must be at least 1",
            ));
        }
        if self.index == 0 || self.index > self.count {
            return Err(ExperimentError::invalid(
                format!("--shard {self}"),
                "K must be between 1 and N",
            ));
        }
        Ok(())
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ExperimentError;

    /// Parses `K/N`, e.g. `2/8`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |problem: &str| ExperimentError::invalid(format!("--shard {s}"), problem);
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| bad("expected K/N, e.g. --shard 2/8"))?;
        let k: u32 = k
            .trim()
            .parse()
            .map_err(|_| bad("K must be a whole number, as in --shard 2/8"))?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| bad("N must be a whole number, as in --shard 2/8"))?;
        let shard = Shard { index: k, count: n };
        shard.validate().map_err(|e| match e {
            ExperimentError::InvalidArgument { problem, .. } => bad(&problem),
            other => other,
        })?;
        Ok(shard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(
            "2/8".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 8 }
        );
        let msg = |s: &str| s.parse::<Shard>().unwrap_err().to_string();
        assert_eq!(msg("4/3"), "--shard 4/3: K must be between 1 and N");
        assert_eq!(msg("0/3"), "--shard 0/3: K must be between 1 and N");
        assert_eq!(msg("1/0"), "--shard 1/0: N must be at least 1");
        assert!(msg("x").contains("expected K/N"));
        assert!(msg("a/3").contains("K must be a whole number"));
        assert!(msg("1/-2").contains("N must be a whole number"));
    }

    #[test]
    fn ranges_partition_the_replications() {
        for r in [0u64, 1, 7, 10, 1000] {
            for n in 1..=7u32 {
                let mut next = 0;
                for k in 1..=n {
                    let (a, b) = Shard { index: k, count: n }.range(r);
                    assert_eq!(a, next);
                    assert!(b >= a && b - a <= r / n as u64 + 1);
                    next = b;
                }
                assert_eq!(next, r);
            }
        }
    }
}
