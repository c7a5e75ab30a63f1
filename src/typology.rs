//! Lloyd's typology of partnerships (slide 11): where a partnership sits
//! between an empowerment focus and a service-delivery focus.
//!
//! Owns the thresholds, the five types and their names: vocabulary, like
//! [`crate::governance`], that imports nothing of the crate. It sits at the
//! bottom of the layers so that the experiment engine (the `typology`
//! column of `summary.csv`), the assessment tools ([`crate::assess`]
//! re-exports it) and the charts all read the same regions.

use std::fmt;

/// A score at or above this counts as high (both axes).
pub const HIGH: f64 = 0.5;
/// Lower edge of the central band: a partnership strictly between
/// [`HYBRID_LOW`] and [`HYBRID_HIGH`] on *both* axes (within 0.1 of
/// [`HIGH`]) is a complex hybrid with mixed functions.
pub const HYBRID_LOW: f64 = 0.4;
/// Upper edge of the central band (see [`HYBRID_LOW`]).
pub const HYBRID_HIGH: f64 = 0.6;

/// Lloyd's partnership types on the empowerment / service-delivery plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Typology {
    /// High empowerment, low delivery.
    LocalPartnership,
    /// Low empowerment, high delivery.
    QuasiPublicDeliveryBody,
    /// High on both: mature multi-purpose partnerships (umbrella bodies).
    MatureMultiPurpose,
    /// Near the middle on both axes: mixed functions.
    ComplexHybrid,
    /// Low on both: a partnership still building its base capacity.
    BaseCapacity,
}

/// Lloyd's two levels of development: base capacity, or capacity plus delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CapacityLevel {
    /// Level 1: base capacity (organising, empowering; little delivery yet).
    Base = 1,
    /// Level 2: capacity and delivery.
    Delivery = 2,
}

impl CapacityLevel {
    /// Level 2 when service delivery is high ([`HIGH`] or more), else level 1.
    /// A missing (NaN) score counts as 0.
    pub fn of(service_delivery: f64) -> CapacityLevel {
        if clean(service_delivery) >= HIGH {
            CapacityLevel::Delivery
        } else {
            CapacityLevel::Base
        }
    }

    /// 1 or 2.
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// Clamps to [0, 1]; NaN (no evidence) counts as 0.
fn clean(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// Classifies a partnership by its `empowerment` and `service_delivery`
/// scores in [0, 1] (the model's final metrics of the same names).
///
/// 1. Strictly between [`HYBRID_LOW`] and [`HYBRID_HIGH`] (0.4 and 0.6) on
///    both axes: [`Typology::ComplexHybrid`].
/// 2. Otherwise by quadrant, a score ≥ [`HIGH`] being high: high/low =
///    local partnership, low/high = quasi-public delivery body, high/high =
///    mature multi-purpose, low/low = base capacity.
///
/// Scores outside [0, 1] are clamped and NaN counts as 0, so any input gives
/// a type.
///
/// ```
/// use mlgov::assess::{classify, Typology};
/// assert_eq!(classify(0.8, 0.2), Typology::LocalPartnership);
/// assert_eq!(classify(0.55, 0.45), Typology::ComplexHybrid);
/// assert_eq!(classify(0.1, 0.1), Typology::BaseCapacity);
/// ```
pub fn classify(empowerment: f64, service_delivery: f64) -> Typology {
    let (e, d) = (clean(empowerment), clean(service_delivery));
    let central = |x: f64| HYBRID_LOW < x && x < HYBRID_HIGH;
    if central(e) && central(d) {
        return Typology::ComplexHybrid;
    }
    match (e >= HIGH, d >= HIGH) {
        (true, false) => Typology::LocalPartnership,
        (false, true) => Typology::QuasiPublicDeliveryBody,
        (true, true) => Typology::MatureMultiPurpose,
        (false, false) => Typology::BaseCapacity,
    }
}

impl Typology {
    /// All types, in declaration order.
    pub const ALL: [Typology; 5] = [
        Typology::LocalPartnership,
        Typology::QuasiPublicDeliveryBody,
        Typology::MatureMultiPurpose,
        Typology::ComplexHybrid,
        Typology::BaseCapacity,
    ];

    /// Short name, as on Lloyd's slide.
    pub fn name(self) -> &'static str {
        match self {
            Typology::LocalPartnership => "local partnership",
            Typology::QuasiPublicDeliveryBody => "quasi-public service delivery body",
            Typology::MatureMultiPurpose => "mature multi-purpose partnership (umbrella body)",
            Typology::ComplexHybrid => "complex hybrid (mixed functions)",
            Typology::BaseCapacity => "base-capacity partnership",
        }
    }

    /// One-sentence description.
    pub fn description(self) -> &'static str {
        match self {
            Typology::LocalPartnership => {
                "Focused on empowerment: gives local actors a voice and builds shared ownership, \
                 but delivers few services itself."
            }
            Typology::QuasiPublicDeliveryBody => {
                "Focused on delivering services, close to a public agency; partners have \
                 little say in what is delivered."
            }
            Typology::MatureMultiPurpose => {
                "High on both empowerment and delivery: a mature umbrella body that both \
                 mobilises partners and delivers."
            }
            Typology::ComplexHybrid => {
                "Middling on both axes: mixed functions, neither clearly an empowerment \
                 body nor a delivery vehicle."
            }
            Typology::BaseCapacity => {
                "Low on both: the partnership is still building its base capacity (Lloyd's \
                 level 1) and neither empowers nor delivers much yet."
            }
        }
    }

    /// Lloyd's level: 1 (base capacity) for the low-delivery types, 2
    /// (capacity + delivery) for the high-delivery ones, and `None` for a
    /// complex hybrid, which sits between the two (use
    /// [`CapacityLevel::of`] on its delivery score instead).
    pub fn level(self) -> Option<CapacityLevel> {
        match self {
            Typology::LocalPartnership | Typology::BaseCapacity => Some(CapacityLevel::Base),
            Typology::QuasiPublicDeliveryBody | Typology::MatureMultiPurpose => {
                Some(CapacityLevel::Delivery)
            }
            Typology::ComplexHybrid => None,
        }
    }
}

impl fmt::Display for Typology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrant_corners() {
        assert_eq!(classify(1.0, 0.0), Typology::LocalPartnership);
        assert_eq!(classify(0.0, 1.0), Typology::QuasiPublicDeliveryBody);
        assert_eq!(classify(1.0, 1.0), Typology::MatureMultiPurpose);
        assert_eq!(classify(0.0, 0.0), Typology::BaseCapacity);
        assert_eq!(classify(0.5, 0.5), Typology::ComplexHybrid);
    }

    #[test]
    fn bad_inputs_do_not_panic() {
        assert_eq!(classify(f64::NAN, f64::NAN), Typology::BaseCapacity);
        assert_eq!(classify(7.0, -3.0), Typology::LocalPartnership);
        assert_eq!(
            classify(f64::INFINITY, f64::INFINITY),
            Typology::MatureMultiPurpose
        );
        assert_eq!(CapacityLevel::of(f64::NAN), CapacityLevel::Base);
    }

    #[test]
    fn names_are_distinct() {
        let mut names: Vec<_> = Typology::ALL.iter().map(|t| t.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 5);
        assert!(Typology::ALL.iter().all(|t| !t.description().is_empty()));
    }
}
