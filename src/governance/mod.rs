//! Lloyd's multi-level functions model: a policy action is **conceived**,
//! **managed** and **implemented**, and each function sits at the national,
//! regional or local level (Lloyd, *Working in Partnership*, slides 15–16).
//! That gives 3 × 3 × 3 = 27 [`Assignment`]s, written `C-M-I`.
//!
//! ```
//! use mlgov::governance::{Assignment, Level};
//! let a: Assignment = "N-R-L".parse().unwrap();
//! assert_eq!(a.implement, Level::Local);
//! assert_eq!(Assignment::all().len(), 27);
//! assert_eq!(Assignment::all()[0].to_string(), "N-N-N");
//! assert!("N-X-L".parse::<Assignment>().is_err());
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A level of government.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The national level (ministries, national agencies).
    National,
    /// The regional level.
    Regional,
    /// The local level: the place where needs are felt.
    Local,
}

impl Level {
    /// All levels, from the centre outwards.
    pub const ALL: [Level; 3] = [Level::National, Level::Regional, Level::Local];

    /// The one-letter code used in assignments.
    pub fn code(self) -> char {
        match self {
            Level::National => 'N',
            Level::Regional => 'R',
            Level::Local => 'L',
        }
    }

    /// The level of a one-letter code (`N`, `R`, `L`, case-insensitive).
    pub fn from_code(c: char) -> Option<Level> {
        match c.to_ascii_uppercase() {
            'N' => Some(Level::National),
            'R' => Some(Level::Regional),
            'L' => Some(Level::Local),
            _ => None,
        }
    }

    /// Position from the centre: national 0, regional 1, local 2.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Locality in [0, 1]: national 0, regional ½, local 1. The model's rules
    /// scale with it ("the more local the level, the more inter-connected are
    /// the problems", Lloyd slide 13).
    pub fn locality(self) -> f64 {
        self.index() as f64 / 2.0
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Level::National => "national",
            Level::Regional => "regional",
            Level::Local => "local",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One of the three functions of a policy action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Function {
    /// Designing the policy: objectives, instruments, targets.
    Conceive,
    /// Managing it: funding lines, programme management, monitoring.
    Manage,
    /// Implementing it where people are served.
    Implement,
}

impl Function {
    /// The functions in `C-M-I` order.
    pub const ALL: [Function; 3] = [Function::Conceive, Function::Manage, Function::Implement];
}

/// Which level conceives, manages and implements a policy action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Assignment {
    /// Level that conceives the policy.
    pub conceive: Level,
    /// Level that manages it.
    pub manage: Level,
    /// Level that implements it.
    pub implement: Level,
}

impl Assignment {
    /// An assignment from its three levels.
    pub fn new(conceive: Level, manage: Level, implement: Level) -> Self {
        Self {
            conceive,
            manage,
            implement,
        }
    }

    /// All 27 assignments in a fixed order: lexicographic in `C-M-I` with
    /// N < R < L, so `N-N-N` comes first and `L-L-L` last.
    pub fn all() -> Vec<Assignment> {
        let mut v = Vec::with_capacity(27);
        for c in Level::ALL {
            for m in Level::ALL {
                for i in Level::ALL {
                    v.push(Assignment::new(c, m, i));
                }
            }
        }
        v
    }

    /// The level of one function.
    pub fn level(&self, f: Function) -> Level {
        match f {
            Function::Conceive => self.conceive,
            Function::Manage => self.manage,
            Function::Implement => self.implement,
        }
    }

    /// Number of hand-overs between different levels (conceive→manage,
    /// manage→implement): 0, 1 or 2.
    pub fn handovers(&self) -> u32 {
        u32::from(self.conceive != self.manage) + u32::from(self.manage != self.implement)
    }

    /// Total vertical distance crossed by the hand-overs, counting
    /// national↔local as two steps: |C−M| + |M−I| in level positions (0..=4).
    pub fn vertical_distance(&self) -> u32 {
        let d = |a: Level, b: Level| (a.index() as i32 - b.index() as i32).unsigned_abs();
        d(self.conceive, self.manage) + d(self.manage, self.implement)
    }

    /// Mean locality of the three functions, in [0, 1].
    pub fn mean_locality(&self) -> f64 {
        (self.conceive.locality() + self.manage.locality() + self.implement.locality()) / 3.0
    }
}

impl fmt::Display for Assignment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}",
            self.conceive.code(),
            self.manage.code(),
            self.implement.code()
        )
    }
}

/// Why a `C-M-I` code could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid assignment code `{code}`: {reason} (expected three levels N, R or L joined by `-`, conceive-manage-implement, e.g. `N-R-L`)"
)]
pub struct AssignmentParseError {
    /// The text given.
    pub code: String,
    /// What is wrong with it.
    pub reason: String,
}

impl FromStr for Assignment {
    type Err = AssignmentParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| AssignmentParseError {
            code: s.to_string(),
            reason,
        };
        let parts: Vec<&str> = s.trim().split('-').collect();
        if parts.len() != 3 {
            return Err(err(format!("found {} part(s), not 3", parts.len())));
        }
        let mut levels = [Level::National; 3];
        for (k, (part, func)) in parts
            .iter()
            .zip(["conceive", "manage", "implement"])
            .enumerate()
        {
            let mut chars = part.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => {
                    levels[k] = Level::from_code(c)
                        .ok_or_else(|| err(format!("`{c}` is not a level for `{func}`")))?;
                }
                _ => return Err(err(format!("`{part}` is not a level for `{func}`"))),
            }
        }
        Ok(Assignment::new(levels[0], levels[1], levels[2]))
    }
}

impl Serialize for Assignment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Assignment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A policy domain. At the ministry a policy looks one-dimensional; in a
/// place it touches several domains at once (Lloyd slide 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyDomain {
    /// Employment and job placement.
    Jobs,
    /// Skills and training.
    Skills,
    /// Schools and education.
    Education,
    /// Housing.
    Housing,
    /// Health and wellbeing.
    Health,
    /// Social care and family services.
    SocialCare,
    /// Community safety.
    CommunitySafety,
    /// Economic development and business support.
    EconomicDevelopment,
    /// Environment.
    Environment,
    /// Food and nutrition.
    Food,
}

impl PolicyDomain {
    /// Every domain, in declaration order.
    pub const ALL: [PolicyDomain; 10] = [
        PolicyDomain::Jobs,
        PolicyDomain::Skills,
        PolicyDomain::Education,
        PolicyDomain::Housing,
        PolicyDomain::Health,
        PolicyDomain::SocialCare,
        PolicyDomain::CommunitySafety,
        PolicyDomain::EconomicDevelopment,
        PolicyDomain::Environment,
        PolicyDomain::Food,
    ];

    /// The snake_case name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            PolicyDomain::Jobs => "jobs",
            PolicyDomain::Skills => "skills",
            PolicyDomain::Education => "education",
            PolicyDomain::Housing => "housing",
            PolicyDomain::Health => "health",
            PolicyDomain::SocialCare => "social_care",
            PolicyDomain::CommunitySafety => "community_safety",
            PolicyDomain::EconomicDevelopment => "economic_development",
            PolicyDomain::Environment => "environment",
            PolicyDomain::Food => "food",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_27_in_order_and_round_trip() {
        let all = Assignment::all();
        assert_eq!(all.len(), 27);
        assert_eq!(all[0].to_string(), "N-N-N");
        assert_eq!(all[1].to_string(), "N-N-R");
        assert_eq!(all[26].to_string(), "L-L-L");
        let mut seen = std::collections::HashSet::new();
        for a in &all {
            let back: Assignment = a.to_string().parse().unwrap();
            assert_eq!(*a, back);
            assert!(seen.insert(*a));
        }
    }

    #[test]
    fn bad_codes_are_refused_with_reason() {
        for bad in ["", "N-R", "N-R-L-L", "N-X-L", "NN-R-L", "n r l"] {
            let e = bad.parse::<Assignment>().unwrap_err();
            assert!(e.to_string().contains("invalid assignment code"), "{e}");
        }
        assert_eq!("n-r-l".parse::<Assignment>().unwrap().to_string(), "N-R-L");
    }

    #[test]
    fn handovers_and_distance() {
        let a: Assignment = "N-N-L".parse().unwrap();
        assert_eq!(a.handovers(), 1);
        assert_eq!(a.vertical_distance(), 2);
        let b: Assignment = "L-N-L".parse().unwrap();
        assert_eq!(b.handovers(), 2);
        assert_eq!(b.vertical_distance(), 4);
        assert_eq!("R-R-R".parse::<Assignment>().unwrap().handovers(), 0);
    }
}
