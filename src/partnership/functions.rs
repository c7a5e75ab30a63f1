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

use super::mechanisms::Mechanism;
use super::model::flexibility;
use super::params::GovernanceParams;
use super::places::Places;
use crate::governance::{Assignment, Level};

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
/// `posts/(posts + half_posts)` from `connectors.from_month` on, else 0.
pub fn connect(p: &GovernanceParams, t: u32) -> f64 {
    if t >= p.connectors_from && p.connector_posts > 0.0 {
        p.connector_posts / (p.connector_posts + p.connector_half)
    } else {
        0.0
    }
}

/// Ownership of the policy by the partners:
/// `(1 − g_o·(1 − loc C)) · (1 − o·max(0, loc I − loc M)) · targets`, where
/// `g_o` is `ownership_gap` (a policy conceived far away is less the
/// partners' own; mechanism `ownership`), `o` is `outside_targets` (a
/// manager above the implementer sets its targets from outside; mechanism
/// `outside_targets`) and `targets = 1 − ¼·strictness` when explicit
/// outside targets are on.
pub fn ownership(p: &GovernanceParams) -> f64 {
    let a = p.assignment;
    let conceived = if p.mechanisms.on(Mechanism::Ownership) {
        1.0 - p.ownership_gap * (1.0 - a.conceive.locality())
    } else {
        1.0
    };
    let managed = if p.mechanisms.on(Mechanism::OutsideTargets) {
        1.0 - p.outside_targets * (a.implement.locality() - a.manage.locality()).max(0.0)
    } else {
        1.0
    };
    let targets = if p.external_targets {
        1.0 - 0.25 * p.target_strictness
    } else {
        1.0
    };
    conceived * managed * targets
}

/// Share of the needs information that reaches the manager from the
/// implementer: `(1 − information_loss·(1 − connect))^steps(M, I)`
/// (mechanism `information`).
pub fn information_retained(p: &GovernanceParams, connect: f64) -> f64 {
    if !p.mechanisms.on(Mechanism::Information) {
        return 1.0;
    }
    let a = p.assignment;
    let steps = (a.manage.index() as i32 - a.implement.index() as i32).unsigned_abs();
    (1.0 - p.information_loss * (1.0 - connect)).powi(steps as i32)
}

/// Weight the manager gives to its own view of the target: a manager more
/// local than the conceiver adapts, `adaptation · flex · info · level_trust`
/// (mechanism `adaptation`); a manager less local than the conceiver
/// standardises, `standardisation · (loc C − loc M)` (mechanism
/// `standardisation`); at the conceiver's level, 0.
pub fn management_weight(p: &GovernanceParams, level_trust: f64, connect: f64) -> f64 {
    let a = p.assignment;
    let (c, m) = (a.conceive.locality(), a.manage.locality());
    if m > c && p.mechanisms.on(Mechanism::Adaptation) {
        (p.adaptation * flexibility(p) * information_retained(p, connect) * level_trust)
            .clamp(0.0, 1.0)
    } else if m < c && p.mechanisms.on(Mechanism::Standardisation) {
        (p.standardisation * (c - m)).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The targets the conceiving and the managing level would set for
/// locality `place` ([`Places::conceived_target`]); with the mechanism
/// `targets` off, both are the locality's own need.
pub fn level_targets(p: &GovernanceParams, places: &Places, place: usize) -> [f64; 2] {
    if !p.mechanisms.on(Mechanism::Targets) {
        let need = places.needs()[place];
        return [need, need];
    }
    let a = p.assignment;
    [
        places.conceived_target(place, a.conceive, p.spillover),
        places.conceived_target(place, a.manage, p.spillover),
    ]
}

/// The provision locality `place` gets: the conceiver's target moved toward
/// the manager's by [`management_weight`]:
/// `x_p = c_p + w·(m_p − c_p)`, with `c_p`, `m_p` from [`level_targets`].
pub fn policy_target(
    p: &GovernanceParams,
    places: &Places,
    place: usize,
    level_trust: f64,
    connect: f64,
) -> f64 {
    let [c, m] = level_targets(p, places, place);
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

/// Quadratic loss of locality `place`: `(x_p − θ_p)² + e`, with `e` the
/// expertise a local design lacks ([`expertise_loss`]; Oates 1972).
pub fn needs_loss(
    p: &GovernanceParams,
    places: &Places,
    place: usize,
    level_trust: f64,
    connect: f64,
) -> f64 {
    let x = policy_target(p, places, place, level_trust, connect);
    loss_at(p, x, places.needs()[place], connect)
}

/// Expertise a design conceived at level C lacks:
/// `local_error · loc C · (1 − connect)`; connectors bring the upper
/// levels' specialists to a local design (mechanism `expertise`).
pub fn expertise_loss(p: &GovernanceParams, connect: f64) -> f64 {
    if p.mechanisms.on(Mechanism::Expertise) {
        p.local_error * p.assignment.conceive.locality() * (1.0 - connect)
    } else {
        0.0
    }
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
    coverage / (1.0 + loss_at(p, provision(p, c, m, level_trust, connect), need, connect))
}

/// [`needs_loss`] of provision `x` for a locality whose ideal is `need`.
pub(super) fn loss_at(p: &GovernanceParams, x: f64, need: f64, connect: f64) -> f64 {
    (x - need).powi(2) + expertise_loss(p, connect)
}

/// What silos leave of joint work: `1/(1 + silo_block·(silos − 1))`
/// (mechanism `silos`; Lloyd slide 14: vertical lines divide connected
/// elements at whatever level the work is done).
pub fn silo_factor(p: &GovernanceParams) -> f64 {
    if !p.mechanisms.on(Mechanism::Silos) {
        return 1.0;
    }
    1.0 / (1.0 + p.silo_block * (p.silos - 1.0).max(0.0))
}

/// What interconnection leaves of integration: `1/(1 + interconnection·(k − 1))`
/// for k policy domains (mechanism `interconnection`; Lloyd slide 13: the
/// more domains meet in the problem, the harder they are to join up,
/// whoever implements).
pub fn interconnection_factor(p: &GovernanceParams) -> f64 {
    if !p.mechanisms.on(Mechanism::Interconnection) {
        return 1.0;
    }
    let k = p.domains.len().max(1) as f64;
    1.0 / (1.0 + p.interconnection * (k - 1.0))
}

/// Integration quality of a partnership:
/// `g = trust · alignment · covered · σ · ι`, with σ the [`silo_factor`]
/// and ι the [`interconnection_factor`].
pub fn integration(p: &GovernanceParams, trust: f64, alignment: f64, covered: f64) -> f64 {
    trust * alignment * covered * silo_factor(p) * interconnection_factor(p)
}

/// Domains the conceiver sees (mechanism `framing`): with `h` of the
/// policy's k domains held by the partners at the conceiving level,
/// `seen = 1 + (h − 1)·σ` (0 if h = 0), σ the [`silo_factor`]: a conceiving
/// body sees what the organisations at its own level work on, and silos
/// keep it from combining them. With the mechanism off, `seen = k`.
pub fn domains_seen(p: &GovernanceParams) -> f64 {
    let k = p.domains.len().max(1) as f64;
    if !p.mechanisms.on(Mechanism::Framing) {
        return k;
    }
    let held = p
        .domains
        .iter()
        .filter(|&&d| {
            p.partners
                .iter()
                .any(|q| q.level == p.assignment.conceive && q.domains.contains(&d))
        })
        .count() as f64;
    if held == 0.0 {
        0.0
    } else {
        1.0 + (held - 1.0) * silo_factor(p)
    }
}

/// Domain coverage of the policy on the ground: with `d = design_share ·
/// seen/k` the share of the joining-up the design does itself
/// ([`domains_seen`]), `coverage = covered · (d + (1 − d)·g)`. It falls with
/// uncovered domains and with weak integration at every level.
pub fn domain_coverage(p: &GovernanceParams, covered: f64, g: f64) -> f64 {
    let k = p.domains.len().max(1) as f64;
    let designed = p.design_share * domains_seen(p) / k;
    covered * (designed + (1.0 - designed) * g.clamp(0.0, 1.0))
}

/// Proximity of the implementer to the users: `1 − proximity_loss·(1 − loc I)`
/// of the delivery reaches them (mechanism `proximity`).
pub fn reach(p: &GovernanceParams) -> f64 {
    if !p.mechanisms.on(Mechanism::Proximity) {
        return 1.0;
    }
    1.0 - p.proximity_loss * (1.0 - p.assignment.implement.locality())
}

/// Running cost per place and month: `running · (1 + scale_penalty·loc M)`;
/// a local manager loses administrative scale (mechanism `scale`).
pub fn running_cost(p: &GovernanceParams) -> f64 {
    if !p.mechanisms.on(Mechanism::Scale) {
        return p.running;
    }
    p.running * (1.0 + p.scale_penalty * p.assignment.manage.locality())
}

/// Share of a partnership's coordination cost each of the `places` it
/// serves bears: `places^(−scale_economy)` (mechanism `scale`).
pub fn coordination_share(p: &GovernanceParams, places: usize) -> f64 {
    if !p.mechanisms.on(Mechanism::Scale) {
        return 1.0;
    }
    (places as f64).powf(-p.scale_economy)
}

/// The cost of one hand-over across `steps` levels (mechanism `handovers`):
/// `handover · (1 + ½(steps − 1)) · S · (φ + (1 − φ)(1 − τ)) ·
/// (1 − bridge_cut·bridged) · (1 − ½·connect) · (1 − cut)`, with S the
/// silos to align (1 with the mechanism `silos` off), τ the trust between
/// the partners of the two levels, `bridged` whether both levels have
/// partners, and `cut` the waivers' saving.
pub fn handover_cost(
    p: &GovernanceParams,
    steps: u32,
    trust_between: f64,
    bridged: bool,
    connect: f64,
) -> f64 {
    if !p.mechanisms.on(Mechanism::Handovers) {
        return 0.0;
    }
    let cut = if p.waivers {
        0.5 * p.waiver_flexibility
    } else {
        0.0
    };
    let silos = if p.mechanisms.on(Mechanism::Silos) {
        p.silos
    } else {
        1.0
    };
    p.handover
        * (1.0 + 0.5 * (f64::from(steps) - 1.0))
        * silos
        * (p.hassle_floor + (1.0 - p.hassle_floor) * (1.0 - trust_between))
        * (1.0 - if bridged { p.bridge_cut } else { 0.0 })
        * (1.0 - 0.5 * connect)
        * (1.0 - cut)
}

/// Months the hand-overs add before delivery can start:
/// `handover_delay · Σ steps · (1 − connect)` (mechanism `handovers`).
pub fn handover_delay(p: &GovernanceParams, connect: f64) -> f64 {
    if !p.mechanisms.on(Mechanism::Handovers) {
        return 0.0;
    }
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

/// How present a partner of level `level` is at one table of a partnership
/// implemented at `implement` (mechanism `attention`): an organisation of
/// an upper level sits at `n = k(level)/k(I)` tables, and a seat of a lower
/// level stands for `n = k(I)/k(level)` organisations; its presence is
/// `n^(−attention)` (1 at its own level). `places_per_unit` gives k.
pub fn presence(
    p: &GovernanceParams,
    level: Level,
    places_per_unit: impl Fn(Level) -> usize,
) -> f64 {
    if !p.mechanisms.on(Mechanism::Attention) {
        return 1.0;
    }
    let (own, table) = (
        places_per_unit(level) as f64,
        places_per_unit(p.assignment.implement) as f64,
    );
    let n = if own > table {
        own / table
    } else {
        table / own
    };
    n.powf(-p.attention)
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
    fn silos_bite_at_every_level() {
        assert_eq!(silo_factor(&with("N-N-L")), silo_factor(&with("N-N-N")));
        assert!(silo_factor(&with("L-L-L")) < 1.0);
        let mut p = with("N-N-L");
        p.silos = 1.0;
        assert_eq!(silo_factor(&p), 1.0);
    }
}
