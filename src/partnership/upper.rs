//! What the upper levels are for, beyond the conceived targets (§7.C of
//! `docs/model.md`): they pool resources and allocate them by need, and
//! they spread what works between places. A local-leaning assignment
//! reaches both only through the connectors between levels.
//!
//! - **Pooling** (mechanism `pooling`; Musgrave 1959 and Oates 1999 on
//!   redistribution by the centre; Davies 1968 on territorial justice): the
//!   less local of the conceiving and managing levels, X, pools the local
//!   resources of the places of each of its units and allocates them by
//!   need. With X local (L-L-?), only the connectors' strength κ of the pool
//!   is shared, nationally.
//! - **Diffusion** (mechanism `diffusion`; Rose 1991 on lesson-drawing,
//!   Shipan & Volden 2008 on diffusion): each month, every partnership
//!   closes a share of the gap between its learning stock and the best
//!   stock among the partnerships of the same unit of X; with X local, the
//!   share is scaled by κ and the group is the nation.
//!
//! The model's state and the parameters are all this file knows of.

use super::mechanisms::Mechanism;
use super::model::{Partnership, Phase};
use super::params::GovernanceParams;
use super::places::Places;
use crate::governance::Level;

/// The level that pools and spreads: the less local of the conceiving and
/// managing levels.
pub fn upper_level(p: &GovernanceParams) -> Level {
    let a = p.assignment;
    if a.conceive.index() <= a.manage.index() {
        a.conceive
    } else {
        a.manage
    }
}

/// Each locality's resource multiplier after pooling, `a'_p =
/// (1 − π)·a_p + π·(Σ_U a)·θ_p/Σ_U θ`, with U the unit of the pooling level
/// that holds p, π = 1 when that level is above the localities and π = κ
/// (the connectors' strength; U the nation) when it is local. The total over
/// each unit is kept (conservation). With the mechanism off, `a'_p = a_p`.
pub fn pooled_resources(p: &GovernanceParams, places: &Places, connect: f64) -> Vec<f64> {
    let own = places.capacity().to_vec();
    if !p.mechanisms.on(Mechanism::Pooling) {
        return own;
    }
    let x = upper_level(p);
    let (level, share) = if x == Level::Local {
        (Level::National, connect)
    } else {
        (x, 1.0)
    };
    if share <= 0.0 {
        return own;
    }
    let per = places.places_per_unit(level);
    let needs = places.needs();
    own.chunks(per)
        .zip(needs.chunks(per))
        .flat_map(|(a, theta)| {
            let (sa, st) = (a.iter().sum::<f64>(), theta.iter().sum::<f64>());
            a.iter()
                .zip(theta)
                .map(move |(&a_p, &t_p)| {
                    let by_need = if st > 0.0 { sa * t_p / st } else { a_p };
                    (1.0 - share) * a_p + share * by_need
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One month of lesson-drawing between the partnerships `units` (one per
/// unit of the implementing level): each that has not dissolved closes
/// `rate` of the gap to the best learning stock among the live partnerships
/// of its group, `rate = diffusion` when the pooling level is above the
/// localities and `diffusion·κ` otherwise. The best stocks are taken before
/// any partnership moves, so the order does not matter.
pub fn diffuse(
    p: &GovernanceParams,
    places: &Places,
    units: &mut [Partnership],
    connect: f64,
    best: &mut Vec<f64>,
) {
    if !p.mechanisms.on(Mechanism::Diffusion) || p.diffusion <= 0.0 || units.len() < 2 {
        return;
    }
    let x = upper_level(p);
    let (level, rate) = if x == Level::Local {
        (Level::National, p.diffusion * connect)
    } else {
        (x, p.diffusion)
    };
    if rate <= 0.0 {
        return;
    }
    let per_unit = places.places_per_unit(p.assignment.implement);
    let group_of = |u: usize| places.unit_of(u * per_unit, level);
    let groups = places.units(level);
    // The best stock of each group (at most one group per unit of the
    // pooling level; groups are few).
    best.clear();
    best.resize(groups, f64::NEG_INFINITY);
    for (u, unit) in units.iter().enumerate() {
        if unit.phase != Phase::Dissolved {
            let g = group_of(u);
            best[g] = best[g].max(unit.learning);
        }
    }
    for (u, unit) in units.iter_mut().enumerate() {
        let top = best[group_of(u)];
        if unit.phase != Phase::Dissolved && top > unit.learning {
            unit.learning += rate * (top - unit.learning);
        }
    }
}
