//! The model's mechanisms as data: each has a name (the one
//! `governance.mechanisms` lists), the section of `docs/model.md` that
//! defines it, its source, and what it does when it is switched off (its
//! neutral setting). Switching a mechanism off puts it at that setting; the
//! rest of the model is unchanged, so the difference a mechanism makes can
//! be measured by a paired comparison of a run with and without it.
//!
//! ```
//! use mlgov::partnership::{Mechanism, Mechanisms};
//! let only = Mechanisms::from_names(&["targets"]).unwrap();
//! assert!(only.on(Mechanism::Targets) && !only.on(Mechanism::Framing));
//! assert!(Mechanisms::all().on(Mechanism::Pooling));
//! ```

/// One mechanism of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mechanism {
    /// Conceived targets: each level provides for the needs it sees, less
    /// the spill-overs it does not count (§7.P).
    Targets,
    /// Framing: the conceiver sees the domains its partners hold (§7.F).
    Framing,
    /// Ownership of a policy conceived close by (§7.F).
    Ownership,
    /// Targets imposed by a manager above the implementer (§7.F).
    OutsideTargets,
    /// A manager above the conceiver pulls the target to its own standard (§7.F).
    Standardisation,
    /// A manager below the conceiver adapts the target to the needs it sees (§7.F).
    Adaptation,
    /// Needs information lost between implementer and manager (§7.F).
    Information,
    /// Expertise a local design lacks unless connected to the levels above (§7.F).
    Expertise,
    /// Administrative scale of the manager and coordination shared by places (§7.F).
    Scale,
    /// Proximity of the implementer to the users (§7.F).
    Proximity,
    /// Silos block integration and value added (§7.F).
    Silos,
    /// Interconnected domains must be joined up by the implementer (§7.F).
    Interconnection,
    /// Hand-overs between levels cost and delay (§7.F).
    Handovers,
    /// An organisation at many tables, or standing for many, is less present at each (§7.C).
    Attention,
    /// Resources pooled by an upper level and allocated by need (§7.C).
    Pooling,
    /// Lessons spread between places by an upper level (§7.C).
    Diffusion,
    /// Delivery started before trust has grown makes relations formal (§7.0).
    Formality,
    /// Outside targets the partnership cannot meet count against it at review (§7.9).
    TargetReview,
    /// Partners at a level with no function in the policy meet less (§5, I2).
    Involvement,
}

/// What the documentation's table says of one mechanism.
#[derive(Debug, Clone, Copy)]
pub struct MechanismInfo {
    /// The mechanism.
    pub mechanism: Mechanism,
    /// Its name in `governance.mechanisms`.
    pub name: &'static str,
    /// The section of `docs/model.md` that defines it.
    pub section: &'static str,
    /// Its parameters (scenario paths), if any.
    pub parameters: &'static str,
    /// Where it comes from.
    pub source: &'static str,
    /// What it does when switched off.
    pub neutral: &'static str,
}

/// Every mechanism, in the order of `docs/model.md`'s table (a test checks
/// the table against this list).
pub const MECHANISMS: [MechanismInfo; 19] = [
    MechanismInfo {
        mechanism: Mechanism::Targets,
        name: "targets",
        section: "7.P",
        parameters: "governance.spillover",
        source: "Oates 1972; Besley & Coate 2003",
        neutral: "every place is provided exactly its own need",
    },
    MechanismInfo {
        mechanism: Mechanism::Framing,
        name: "framing",
        section: "7.F",
        parameters: "partners' domains; governance.silo_block",
        source: "Lloyd slide 13",
        neutral: "every conceiver sees every domain",
    },
    MechanismInfo {
        mechanism: Mechanism::Ownership,
        name: "ownership",
        section: "7.F",
        parameters: "governance.ownership_gap",
        source: "Ansell & Gash 2008; the recipe",
        neutral: "ownership 1 wherever the policy is conceived",
    },
    MechanismInfo {
        mechanism: Mechanism::OutsideTargets,
        name: "outside_targets",
        section: "7.F",
        parameters: "governance.outside_targets",
        source: "Lloyd slide 10",
        neutral: "a manager above the implementer imposes nothing",
    },
    MechanismInfo {
        mechanism: Mechanism::Standardisation,
        name: "standardisation",
        section: "7.F",
        parameters: "governance.standardisation",
        source: "Hooghe & Marks 2003",
        neutral: "a manager above the conceiver keeps the conceived target",
    },
    MechanismInfo {
        mechanism: Mechanism::Adaptation,
        name: "adaptation",
        section: "7.F",
        parameters: "governance.adaptation",
        source: "Hayek 1945; Hooghe & Marks 2003",
        neutral: "a manager below the conceiver keeps the conceived target",
    },
    MechanismInfo {
        mechanism: Mechanism::Information,
        name: "information",
        section: "7.F",
        parameters: "governance.information_loss",
        source: "principal-agent chains (Hooghe & Marks 2003)",
        neutral: "no needs information is lost between levels",
    },
    MechanismInfo {
        mechanism: Mechanism::Expertise,
        name: "expertise",
        section: "7.F",
        parameters: "governance.local_error",
        source: "Oates 1972",
        neutral: "a local design loses no expertise",
    },
    MechanismInfo {
        mechanism: Mechanism::Scale,
        name: "scale",
        section: "7.F",
        parameters: "partnership.costs.scale_penalty, partnership.costs.scale_economy",
        source: "Oates 1972",
        neutral: "running and coordination costs per place whatever the level",
    },
    MechanismInfo {
        mechanism: Mechanism::Proximity,
        name: "proximity",
        section: "7.F",
        parameters: "governance.proximity_loss",
        source: "Lloyd slide 13; Hayek 1945",
        neutral: "all delivery reaches the users whoever implements",
    },
    MechanismInfo {
        mechanism: Mechanism::Silos,
        name: "silos",
        section: "7.F",
        parameters: "governance.silos, governance.silo_block",
        source: "Lloyd slide 14",
        neutral: "silos block nothing",
    },
    MechanismInfo {
        mechanism: Mechanism::Interconnection,
        name: "interconnection",
        section: "7.F",
        parameters: "governance.interconnection",
        source: "Lloyd slide 13",
        neutral: "more domains are no harder to join up",
    },
    MechanismInfo {
        mechanism: Mechanism::Handovers,
        name: "handovers",
        section: "7.F",
        parameters: "partnership.costs.handover, governance.handover_delay",
        source: "Lloyd slide 15; Williamson 1991; Hooghe & Marks 2003",
        neutral: "hand-overs between levels cost nothing and take no time",
    },
    MechanismInfo {
        mechanism: Mechanism::Attention,
        name: "attention",
        section: "7.C",
        parameters: "governance.attention",
        source: "conservation (MODEL-BRIEF 1b); Simon 1947",
        neutral: "every seat is fully present at its table",
    },
    MechanismInfo {
        mechanism: Mechanism::Pooling,
        name: "pooling",
        section: "7.C",
        parameters: "places.capacity_variance",
        source: "Musgrave 1959; Oates 1999; Davies 1968",
        neutral: "each place keeps its own resources",
    },
    MechanismInfo {
        mechanism: Mechanism::Diffusion,
        name: "diffusion",
        section: "7.C",
        parameters: "governance.diffusion",
        source: "Rose 1991; Shipan & Volden 2008",
        neutral: "no lessons spread between partnerships",
    },
    MechanismInfo {
        mechanism: Mechanism::Formality,
        name: "formality",
        section: "7.0",
        parameters: "partnership.delivery.formality",
        source: "Ring & Van de Ven 1994; Lloyd slide 10",
        neutral: "the start of delivery leaves no lasting mark",
    },
    MechanismInfo {
        mechanism: Mechanism::TargetReview,
        name: "target_review",
        section: "7.9",
        parameters: "interventions.external_targets.level",
        source: "Lloyd slide 10",
        neutral: "missed outside targets do not count at review",
    },
    MechanismInfo {
        mechanism: Mechanism::Involvement,
        name: "involvement",
        section: "5 (I2)",
        parameters: "partnership.uninvolved_contact",
        source: "Ansell & Gash 2008 (incentives to participate)",
        neutral: "partners at every level meet as if their level had a function",
    },
];

/// A set of mechanisms switched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mechanisms(u32);

impl Mechanisms {
    /// Every mechanism on (the default).
    pub fn all() -> Self {
        Mechanisms((1 << MECHANISMS.len()) - 1)
    }

    /// Every mechanism off.
    pub fn none() -> Self {
        Mechanisms(0)
    }

    fn bit(m: Mechanism) -> u32 {
        let k = MECHANISMS
            .iter()
            .position(|i| i.mechanism == m)
            .expect("every mechanism is in the table");
        1 << k
    }

    /// Whether `m` is on.
    pub fn on(self, m: Mechanism) -> bool {
        self.0 & Self::bit(m) != 0
    }

    /// This set with `m` switched on or off.
    pub fn with(self, m: Mechanism, on: bool) -> Self {
        if on {
            Mechanisms(self.0 | Self::bit(m))
        } else {
            Mechanisms(self.0 & !Self::bit(m))
        }
    }

    /// The set named by `names` (each a name of [`MECHANISMS`]); the first
    /// unknown name is the error.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<Self, String> {
        let mut set = Mechanisms::none();
        for name in names {
            let name = name.as_ref();
            match MECHANISMS.iter().find(|i| i.name == name) {
                Some(i) => set = set.with(i.mechanism, true),
                None => return Err(name.to_string()),
            }
        }
        Ok(set)
    }

    /// The names of the mechanisms on, in table order.
    pub fn names(self) -> Vec<&'static str> {
        MECHANISMS
            .iter()
            .filter(|i| self.on(i.mechanism))
            .map(|i| i.name)
            .collect()
    }
}

/// The names of every mechanism, in table order.
pub fn mechanism_names() -> Vec<&'static str> {
    MECHANISMS.iter().map(|i| i.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let names = mechanism_names();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(Mechanisms::from_names(&names).unwrap(), Mechanisms::all());
        assert_eq!(Mechanisms::all().names(), names);
        assert_eq!(Mechanisms::from_names(&["nope"]), Err("nope".to_string()));
        let some = Mechanisms::from_names(&["pooling", "targets"]).unwrap();
        assert_eq!(some.names(), vec!["targets", "pooling"]);
    }
}
