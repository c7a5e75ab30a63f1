//! What the level of each of Lloyd's functions does (`docs/model.md` §7.F).
//! Each function of a policy acts through its own mechanisms, so that the
//! order in `C-M-I` matters, not only which levels take part:
//!
//! - **conception** sets the target each place gets ([`policy_target`] via
//!   [`Places::conceived_target`]), the problem framing (domains seen,
//!   [`domain_coverage`]) and ownership ([`ownership`]);
//! - **management** adapts the conceived target toward the needs it sees, or
//!   pulls it toward its own uniform standard ([`management_weight`]); it
//!   loses needs information over the distance to the implementer
//!   ([`information_retained`]), sets targets from outside when far from it
//!   ([`ownership`]) and holds administrative scale ([`running_cost`]);
//! - **implementation** decides how many partnerships there are (one per
//!   unit of its level), their proximity to users ([`reach`]), and where
//!   silos bite ([`silo_factor`], [`integration`]);
//! - **connecting levels**: each hand-over between consecutive functions at
//!   different levels costs ([`handover_cost`]) and delays ([`handover_delay`]);
//!   connectors ([`connect`]) lower both.
//!
//! ```
//! use mlgov::governance::Assignment;
//! use mlgov::partnership::{GovernanceParams, handovers};
//! let a: Assignment = "N-N-L".parse().unwrap();
//! // One hand-over (manage → implement) across two level steps.
//! assert_eq!(handovers(a).iter().flatten().map(|h| h.2).collect::<Vec<_>>(), vec![2]);
//! ```

use super::model::flexibility;
use super::params::GovernanceParams;
use super::places::Places;
use crate::governance::{Assignment, Level};

/// Share of a hand-over's cost saved when both of its levels have active
/// partners in the partnership (someone on each side of the boundary).
pub const BRIDGE_CUT: f64 = 0.3;
/// Liaison posts at which connectors reach half their effect.
pub const CONNECT_HALF: f64 = 2.0;
/// Extra value added per unit of waiver flexibility: room to innovate.
pub const INNOVATION: f64 = 0.5;

/// The hand-overs of an assignment: (from, to, level steps) for
/// conceive → manage and manage → implement, `None` where both functions
/// sit at one level.
pub fn handovers(a: Assignment) -> [Option<(Level, Level, u32)>; 2] {
    let h = |x: Level, y: Level| {
        (x != y).then(|| (x, y, (x.index() as i32 - y.index() as i32).unsigned_abs()))
    };
    [h(a.conceive, a.manage), h(a.manage, a.implement)]
}

/// Strength of the cross-level connectors in month `t`:
/// `posts/(posts + CONNECT_HALF)` from `connectors.from_month` on, else 0.
pub fn connect(p: &GovernanceParams, t: u32) -> f64 {
    if t >= p.connectors_from && p.connector_posts > 0.0 {
        p.connector_posts / (p.connector_posts + CONNECT_HALF)
    } else {
        0.0
    }
}

/// Ownership of the policy by the partners:
/// `(1 − g_o·(1 − loc C)) · (1 − o·|loc M − loc I|) · targets`, where `g_o`
/// is `ownership_gap` (a policy conceived far away is less the partners'
/// own), `o` is `outside_targets` (a manager far from the implementer sets
/// targets from outside) and `targets = 1 − ¼·strictness` when explicit
/// outside targets are on.
pub fn ownership(p: &GovernanceParams) -> f64 {
    let a = p.assignment;
    let conceived = 1.0 - p.ownership_gap * (1.0 - a.conceive.locality());
    let distance = (a.manage.locality() - a.implement.locality()).abs();
    let managed = 1.0 - p.outside_targets * distance;
    let targets = if p.external_targets {
        1.0 - 0.25 * p.target_strictness
    } else {
        1.0
    };
    conceived * managed * targets
}

/// Share of the needs information that reaches the manager from the
/// implementer: `(1 − information_loss·(1 − connect))^steps(M, I)`.
pub fn information_retained(p: &GovernanceParams, connect: f64) -> f64 {
    let a = p.assignment;
    let steps = (a.manage.index() as i32 - a.implement.index() as i32).unsigned_abs();
    (1.0 - p.information_loss * (1.0 - connect)).powi(steps as i32)
}

/// Weight the manager gives to its own view of the target: a manager more
/// local than the conceiver adapts, `adaptation · flex · info · level_trust`
/// (flexibility to act, information from the implementer, trust between
/// levels); a manager less local than the conceiver standardises,
/// `outside_targets · (loc C − loc M)`; at the conceiver's level, 0.
pub fn management_weight(p: &GovernanceParams, level_trust: f64, connect: f64) -> f64 {
    let a = p.assignment;
    let (c, m) = (a.conceive.locality(), a.manage.locality());
    if m > c {
        (p.adaptation * flexibility(p) * information_retained(p, connect) * level_trust)
            .clamp(0.0, 1.0)
    } else if m < c {
        (p.outside_targets * (c - m)).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The provision locality `place` gets: the conceiver's target moved toward
/// the manager's by [`management_weight`]:
/// `x_p = c_p + w·(m_p − c_p)`, with `c_p`, `m_p` the targets the conceiving
/// and managing levels would set ([`Places::conceived_target`]).
pub fn policy_target(
    p: &GovernanceParams,
    places: &Places,
    place: usize,
    level_trust: f64,
    connect: f64,
) -> f64 {
    let a = p.assignment;
    let c = places.conceived_target(place, a.conceive, p.spillover);
    let m = places.conceived_target(place, a.manage, p.spillover);
    provision(p, c, m, level_trust, connect)
}

/// [`policy_target`] from the conceiver's target `c` and the manager's `m`.
pub(super) fn provision(
    p: &GovernanceParams,
    c: f64,
    m: f64,
    level_trust: f64,
    connect: f64,
) -> f64 {
    c + management_weight(p, level_trust, connect) * (m - c)
}

/// Quadratic loss of locality `place`: `(x_p − θ_p)² + local_error·loc C`
/// (Oates 1972), the second term the expertise a local design lacks.
pub fn needs_loss(
    p: &GovernanceParams,
    places: &Places,
    place: usize,
    level_trust: f64,
    connect: f64,
) -> f64 {
    let x = policy_target(p, places, place, level_trust, connect);
    loss_at(p, x, places.needs()[place])
}

/// `GovernanceModel::fit` of a locality whose ideal is `need`, from the
/// conceiver's and the manager's targets for it (the monthly step keeps
/// them for the run).
pub(super) fn fit_from_targets(
    p: &GovernanceParams,
    [c, m]: [f64; 2],
    need: f64,
    level_trust: f64,
    connect: f64,
    coverage: f64,
) -> f64 {
    coverage / (1.0 + loss_at(p, provision(p, c, m, level_trust, connect), need))
}

/// [`needs_loss`] of provision `x` for a locality whose ideal is `need`.
pub(super) fn loss_at(p: &GovernanceParams, x: f64, need: f64) -> f64 {
    (x - need).powi(2) + p.local_error * p.assignment.conceive.locality()
}

/// What silos leave of horizontal integration where the policy is
/// implemented: `1/(1 + silo_block·(silos − 1)·(½ + ½·loc I))`; vertical
/// lines meet, and divide, most where the problems are most connected.
pub fn silo_factor(p: &GovernanceParams) -> f64 {
    let li = p.assignment.implement.locality();
    1.0 / (1.0 + p.silo_block * (p.silos - 1.0).max(0.0) * (0.5 + 0.5 * li))
}

/// Integration quality of a partnership:
/// `g = trust · alignment · covered · σ_I · (½ + ½·loc I)`.
pub fn integration(p: &GovernanceParams, trust: f64, alignment: f64, covered: f64) -> f64 {
    let li = p.assignment.implement.locality();
    trust * alignment * covered * silo_factor(p) * (0.5 + 0.5 * li)
}

/// Domain coverage of the policy on the ground: the conceiver sees
/// `seen = 1 + (k − 1)·loc C` of the k domains; designed-in domains still
/// need half their integration, the others all of it:
/// `coverage = covered · (½·seen/k + (1 − ½·seen/k)·g)`. Never free: it
/// falls with uncovered domains and with weak integration at every level.
pub fn domain_coverage(p: &GovernanceParams, covered: f64, g: f64) -> f64 {
    let k = p.domains.len().max(1) as f64;
    let seen = 1.0 + (k - 1.0) * p.assignment.conceive.locality();
    let designed = 0.5 * seen / k;
    covered * (designed + (1.0 - designed) * g.clamp(0.0, 1.0))
}

/// Proximity of the implementer to the users: `0.8 + 0.2·loc I` of the
/// delivery reaches them.
pub fn reach(p: &GovernanceParams) -> f64 {
    0.8 + 0.2 * p.assignment.implement.locality()
}

/// Running cost per place and month: `running · (1 + scale_penalty·loc M)`;
/// a local manager loses administrative scale.
pub fn running_cost(p: &GovernanceParams) -> f64 {
    p.running * (1.0 + p.scale_penalty * p.assignment.manage.locality())
}

/// The cost of one hand-over across `steps` levels:
/// `handover · (1 + ½(steps − 1)) · silos · (φ + (1 − φ)(1 − τ)) ·
/// (1 − BRIDGE_CUT·bridged) · (1 − ½·connect) · (1 − cut)`, with τ the trust
/// between the partners of the two levels, `bridged` whether both levels
/// have partners, and `cut` the waivers' saving.
pub fn handover_cost(
    p: &GovernanceParams,
    steps: u32,
    trust_between: f64,
    bridged: bool,
    connect: f64,
) -> f64 {
    let cut = if p.waivers {
        0.5 * p.waiver_flexibility
    } else {
        0.0
    };
    p.handover
        * (1.0 + 0.5 * (f64::from(steps) - 1.0))
        * p.silos
        * (p.hassle_floor + (1.0 - p.hassle_floor) * (1.0 - trust_between))
        * (1.0 - if bridged { BRIDGE_CUT } else { 0.0 })
        * (1.0 - 0.5 * connect)
        * (1.0 - cut)
}

/// Months the hand-overs add before delivery can start:
/// `handover_delay · Σ steps · (1 − connect)`.
pub fn handover_delay(p: &GovernanceParams, connect: f64) -> f64 {
    let steps: u32 = handovers(p.assignment).iter().flatten().map(|h| h.2).sum();
    p.handover_delay * f64::from(steps) * (1.0 - connect)
}

/// Room to innovate: `1 + INNOVATION·waiver_flexibility` with waivers, else 1.
pub fn innovation(p: &GovernanceParams) -> f64 {
    if p.waivers {
        1.0 + INNOVATION * p.waiver_flexibility
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(code: &str) -> GovernanceParams {
        let mut p = GovernanceParams::default_params();
        p.assignment = code.parse().unwrap();
        p
    }

    #[test]
    fn handovers_count_boundaries_not_steps() {
        let steps = |c: &str| -> Vec<u32> {
            handovers(with(c).assignment)
                .iter()
                .flatten()
                .map(|h| h.2)
                .collect()
        };
        assert_eq!(steps("N-N-L"), vec![2]);
        assert_eq!(steps("N-R-L"), vec![1, 1]);
        assert_eq!(steps("L-L-L"), Vec::<u32>::new());
        // One hand-over of two steps costs less than two of one step.
        let p = with("N-N-L");
        let one = handover_cost(&p, 2, 0.5, true, 0.0);
        let two = 2.0 * handover_cost(&p, 1, 0.5, true, 0.0);
        assert!(one < two);
        // Trust between the levels, partners on both sides and connectors lower it.
        assert!(handover_cost(&p, 1, 0.8, true, 0.0) < handover_cost(&p, 1, 0.4, true, 0.0));
        assert!(handover_cost(&p, 1, 0.5, true, 0.0) < handover_cost(&p, 1, 0.5, false, 0.0));
        assert!(handover_cost(&p, 1, 0.5, true, 0.5) < handover_cost(&p, 1, 0.5, true, 0.0));
    }

    #[test]
    fn ownership_follows_conception_and_managerial_distance() {
        assert!(ownership(&with("L-N-N")) > ownership(&with("N-N-N")));
        assert!(ownership(&with("N-L-L")) > ownership(&with("N-N-L")));
        assert_eq!(ownership(&with("L-L-L")), 1.0);
    }

    #[test]
    fn management_adapts_down_and_standardises_up() {
        let places = Places::from_needs(1, 2, vec![0.5, 1.5]);
        let mut p = with("N-L-L");
        p.spillover = 0.0;
        let national = policy_target(&p, &places, 0, 1.0, 0.0);
        assert!(
            national < 1.0 && national > 0.5,
            "adapted toward 0.5: {national}"
        );
        p.assignment = "L-N-L".parse().unwrap();
        let pulled = policy_target(&p, &places, 0, 1.0, 0.0);
        assert!((pulled - (0.5 + p.outside_targets * 0.5)).abs() < 1e-12);
        p.assignment = "L-L-L".parse().unwrap();
        assert_eq!(policy_target(&p, &places, 0, 1.0, 0.0), 0.5);
    }

    #[test]
    fn coverage_is_never_free() {
        let p = with("L-L-L");
        assert!(domain_coverage(&p, 1.0, 1.0) == 1.0);
        assert!(domain_coverage(&p, 1.0, 0.2) < 1.0);
        assert!(domain_coverage(&p, 2.0 / 3.0, 1.0) < domain_coverage(&p, 1.0, 1.0));
        // A national framing needs more integration than a local one.
        assert!(domain_coverage(&with("N-L-L"), 1.0, 0.5) < domain_coverage(&p, 1.0, 0.5));
    }

    #[test]
    fn implementation_is_close_to_users_and_management_holds_scale() {
        assert!(reach(&with("N-N-L")) > reach(&with("N-N-R")));
        assert!(reach(&with("N-N-R")) > reach(&with("N-N-N")));
        assert!(running_cost(&with("N-L-N")) > running_cost(&with("N-N-N")));
        assert_eq!(running_cost(&with("L-N-L")), running_cost(&with("N-N-N")));
        // Information from the implementer fades with distance; connectors help.
        let p = with("N-N-L");
        assert!(information_retained(&p, 0.0) < information_retained(&with("N-R-L"), 0.0));
        assert!(information_retained(&p, 0.5) > information_retained(&p, 0.0));
        assert!(handover_delay(&p, 0.5) < handover_delay(&p, 0.0));
    }

    #[test]
    fn silos_bite_where_implemented() {
        assert!(silo_factor(&with("N-N-L")) < silo_factor(&with("N-N-N")));
        let mut p = with("N-N-L");
        p.silos = 1.0;
        assert_eq!(silo_factor(&p), 1.0);
    }
}
