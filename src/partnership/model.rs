//! The governance model: a partnership of partners from several sectors and
//! levels working on a policy whose functions sit at the levels of a Lloyd
//! assignment. Monthly steps; every rule is written out in `docs/model.md`
//! and the code follows the same order and symbols.

use super::functions::{connect, fit_from_targets, level_targets, presence};
use super::mechanisms::Mechanism;
use super::pairs;
use super::params::{GovernanceParams, Sector};
use super::places::{Places, gini, spread_benefits};
use super::step::{domain_bit, joined_dispersion};
use super::upper::pooled_resources;
use crate::governance::Level;
use crate::sim::{MetricKind, Model, ModelError, ObservableKind, SimRng, stream_seed};
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::Distribution;

/// Kept-commitment evidence one week of staff exchange adds to the pair.
pub const EXCHANGE_EVIDENCE_PER_WEEK: f64 = 1.0;
/// Share of an exchange's evidence that spills over to the two sectors' other pairs.
pub const EXCHANGE_SPILLOVER: f64 = 0.1;
/// Kept-commitment evidence of one paired leadership exchange.
pub const LEADER_EXCHANGE_EVIDENCE: f64 = 2.0;
/// Extra contact a pair keeps per week of exchange (capped by [`BONUS_CAP`]).
pub const EXCHANGE_CONTACT_PER_WEEK: f64 = 0.05;
/// Largest extra contact a pair can gain from exchanges.
pub const BONUS_CAP: f64 = 0.5;
/// Extra contact between members of one mixed team.
pub const TEAM_CONTACT: f64 = 0.3;
/// Capacity and learning gain of one workshop, as a share of the gap to 1.
pub const WORKSHOP_GAIN: f64 = 0.04;
/// Demand on partners in each phase (negotiate, commit, execute).
pub const PHASE_DEMAND: [f64; 3] = [0.0, 0.3, 1.0];
/// Contact multiplier in each phase: dialogue is densest while negotiating.
pub const PHASE_CONTACT: [f64; 3] = [1.0, 1.0, 0.8];
/// Share of contact left between executing partners who do not trust each
/// other enough to take the risk of working together (formal contact only).
pub const FORMAL_CONTACT: f64 = 0.25;
/// Consecutive negative reviews after which an executing partnership dissolves.
pub const DISSOLVING_REVIEWS: u32 = 3;
/// Months a renegotiation lasts at least.
pub const RENEGOTIATION_MONTHS: u32 = 3;

/// Where the partnership is in the Ring & Van de Ven cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Partners negotiate expectations and build trust.
    Negotiate = 0,
    /// Partners commit: agreements, division of labour.
    Commit = 1,
    /// Partners execute: delivery and value added.
    Execute = 2,
    /// The partnership has dissolved.
    Dissolved = 3,
}

/// Every phase, in the order of their codes in the `phase` observable.
pub const PHASES: [Phase; 4] = [
    Phase::Negotiate,
    Phase::Commit,
    Phase::Execute,
    Phase::Dissolved,
];

/// The built-in model of multi-level governance partnerships.
#[derive(Debug, Clone, Copy, Default)]
pub struct GovernanceModel;

/// Per-month observation columns, in [`Model::observe`] order.
pub const OBSERVABLES: [&str; 12] = [
    "trust_mean",
    "trust_min",
    "vision_dispersion",
    "transaction_cost",
    "transaction_cost_cumulative",
    "delivery",
    "delivery_cumulative",
    "fit",
    "value_added",
    "value_added_cumulative",
    "active_partners",
    "phase",
];

/// Final metrics, in [`Model::finish`] order.
pub const FINAL_METRICS: [&str; 14] = [
    "trust_mean",
    "trust_min",
    "vision_dispersion",
    "transaction_cost_total",
    "delivery_total",
    "value_added_total",
    "fit",
    "survival",
    "months_to_trust",
    "empowerment",
    "service_delivery",
    "net_benefit",
    "active_partners",
    "equity",
];

/// One partnership: the partners of one implementing unit (the nation, a
/// region or a locality) and everything about them that changes during a run.
#[derive(Debug, Clone)]
pub struct Partnership {
    /// Current phase.
    pub phase: Phase,
    /// Month the current phase started.
    pub phase_start: u32,
    /// Whether delivery was forced to start by `delivery_start`.
    pub forced: bool,
    /// Whether each partner is in the partnership: it has joined
    /// (`join_month` ≤ t) and not left.
    pub active: Vec<bool>,
    /// Partners that have joined so far, including those who have left
    /// (`N_t` in `docs/model.md`): the base of the quorum and of the `|A|/N_t`
    /// share of value added.
    pub joined: usize,
    /// Capacity, grown by workshops.
    pub capacity: Vec<f64>,
    /// Commitment, widened by positive reviews.
    pub commitment: Vec<f64>,
    /// Side of the square pair arrays below (the number of partners plus
    /// padding, see `pairs::stride`); the pair {i, j} sits at i·stride + j.
    pub(super) stride: usize,
    /// The trust evidence of each unordered pair {i, j}, i < j, at
    /// i·stride + j in four planes of stride² values: kept-commitment
    /// evidence r_ij of i about j, r_ji of j about i, then broken-commitment
    /// evidence s_ij, s_ji (read it with [`Partnership::kept_evidence`],
    /// [`Partnership::broken_evidence`] and [`Partnership::trust`]). Planes
    /// let the monthly pass update four pairs at once.
    pub(super) evidence: Vec<f64>,
    /// Structural contact between partners (sector, level, involvement).
    pub(super) base_contact: Vec<f64>,
    /// Structural contact once the cross-level connectors work.
    pub(super) linked_contact: Vec<f64>,
    /// Extra contact built by exchanges.
    pub(super) bonus: Vec<f64>,
    /// Views on the partnership's purpose (Friedkin–Johnsen x).
    pub view: Vec<f64>,
    /// Initial views (Friedkin–Johnsen u).
    pub anchor: Vec<f64>,
    /// Dispersion of the initial views of the partners that have joined so
    /// far (for alignment).
    pub initial_dispersion: f64,
    /// Learning stock in [0, 1].
    pub learning: f64,
    /// Leadership gained from leadership exchanges.
    pub leadership_bonus: f64,
    /// Value shown: smoothed efficiency of delivery and value added against
    /// cost while executing (0.5 before).
    pub shown: f64,
    /// Why the partnership dissolved, if it did.
    pub dissolved_by: Option<&'static str>,
    /// Consecutive negative reviews.
    pub negative_reviews: u32,
    /// Consecutive reviews at which outside targets were missed.
    pub missed_targets: u32,
    /// Delivery, value added and cost per place since the last review.
    pub period: [f64; 3],
    /// This month's outputs.
    pub month: UnitMonth,
    /// Lasting formality from starting delivery before trust had grown
    /// (§7.0): the share of value added it removes.
    pub formality: f64,
    /// Months booked in `period` since the last review.
    pub period_months: u32,
    /// Mean prior trust over the ordered pairs of founding partners (the
    /// trust the partnership starts from, §7.0).
    pub start_trust: f64,
    /// Generator for partner behaviour and exits.
    pub behaviour_rng: SimRng,
    /// Generator for intervention events, separate so interventions do not
    /// shift the behaviour stream (common random numbers across configurations).
    pub intervention_rng: SimRng,
    /// Generator for funding renewals, separate so that configurations with
    /// and without short-term funding share the behaviour stream.
    pub funding_rng: SimRng,
    /// 1 if the partner kept this month's commitments, else 0 (and 0 for
    /// the padding up to the stride).
    pub(super) kept: Vec<f64>,
    /// Each partner's level index (N 0, R 1, L 2).
    pub(super) level: Vec<usize>,
    /// Each partner's bargaining-power factors, its sector's power and
    /// 1 + ½·(2 − level index) (`docs/model.md`, satisfaction).
    pub(super) power_factors: Vec<[f64; 2]>,
    pub(super) strain: Vec<f64>,
    /// The policy domains each partner works in, one bit per domain.
    pub(super) domain_bits: Vec<u16>,
    /// Both partners of the pair {i, j}, i < j, take the risk of working
    /// together (at i·stride + j; all ones for yes, zero for no).
    pub(super) coop: Vec<u64>,
    /// Contact from working in the same mixed team, by pair (at
    /// i·stride + j and j·stride + i; zero for pairs not in one team).
    pub(super) mate: Vec<f64>,
    /// Mean trust of each active partner in the other active partners.
    pub(super) out_trust: Vec<f64>,
    /// Whether `out_trust` and `coop` hold for the current active set and trust.
    pub(super) fresh: bool,
    pub(super) next_view: Vec<f64>,
    /// The active partners of this month's dynamics, ascending (its
    /// response, steps 8–12, works on the same partners).
    pub(super) ids: Vec<usize>,
}

/// Buffers the monthly step reuses.
#[derive(Debug, Clone, Default)]
pub(super) struct Work {
    /// Views of the active partners; then their bargaining power.
    pub(super) values: Vec<f64>,
    /// Satisfaction of the active partners.
    pub(super) satisfaction: Vec<f64>,
    /// This month's trust of active partner i in active partner j, at
    /// j·stride + i (scratch of the scalar pair pass; zeros on the diagonal).
    pub(super) trust: Vec<f64>,
    /// This month's contact of active partners i and j, at j·stride + i and
    /// i·stride + j (zeros on the diagonal).
    pub(super) contact: Vec<f64>,
    /// Each partner's sums from the pair pass: Σ τ, Σ m·τ, Σ m·τ·x and Σ τ
    /// by the other's level (four rows), stride values each.
    pub(super) sums: Vec<f64>,
    /// All ones for an active partner, zero otherwise and for the padding.
    pub(super) act: Vec<u64>,
    /// Horizontal-cost terms of the first pair pass (stride² values).
    pub(super) terms: Vec<f64>,
    /// The best learning stock of each group of partnerships (diffusion).
    pub(super) best: Vec<f64>,
    /// Active public, non-public and voluntary partners (exchanges).
    pub(super) public: Vec<usize>,
    pub(super) others: Vec<usize>,
    pub(super) voluntary: Vec<usize>,
}

/// One partnership's month.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitMonth {
    /// Mean expected trust over ordered pairs of active partners.
    pub trust_mean: f64,
    /// Lowest expected trust over those pairs.
    pub trust_min: f64,
    /// Mean trust over pairs of partners at different levels.
    pub level_trust: f64,
    /// Standard deviation of active partners' views.
    pub dispersion: f64,
    /// Domain coverage of the policy (§7.7).
    pub coverage: f64,
    /// Capacity of the partners of the national and regional levels who
    /// kept their commitments, while executing.
    pub kept_capacity: f64,
    /// Capacity of the local partners who kept their commitments, while
    /// executing (each place scales it by its own resources, §7.C).
    pub kept_local: f64,
    /// Value added per place this month.
    pub value_added: f64,
    /// Transaction cost per place this month.
    pub cost: f64,
    /// Empowerment this month.
    pub empowerment: f64,
    /// Mean delivery over the places the partnership serves.
    pub delivery: f64,
    /// Active partners (0 once dissolved).
    pub active: f64,
}

/// The whole policy: the nation's places and one partnership per unit of
/// the implementing level.
#[derive(Debug, Clone)]
pub struct State {
    /// Regions, localities and their needs.
    pub places: Places,
    /// The partnerships, one per unit of the implementing level.
    pub units: Vec<Partnership>,
    /// Each place's cumulative benefit (delivery + value added), before spill-overs.
    pub benefit: Vec<f64>,
    /// This month's outputs, averaged over places.
    pub month: MonthOutputs,
    /// Running totals, per place (averaged over places).
    pub totals: Totals,
    /// The month's phase of the nation (§7.13).
    pub phase: Phase,
    /// Each place's fit this month.
    pub fit: Vec<f64>,
    /// Each place's targets from the conceiving and the managing level
    /// ([`Places::conceived_target`]), fixed for the run.
    pub(super) targets: Vec<[f64; 2]>,
    /// Each place's local resources after pooling ([`pooled_resources`]),
    /// before and after the connectors start to work.
    pub(super) resources: [Vec<f64>; 2],
    /// Work buffers of the monthly step, shared by the partnerships (no
    /// allocation in the monthly step).
    pub(super) work: Work,
}

/// One month's outputs, averaged over places.
#[derive(Debug, Clone, Copy, Default)]
pub struct MonthOutputs {
    /// Mean expected trust over ordered pairs of active partners.
    pub trust_mean: f64,
    /// Lowest expected trust over those pairs.
    pub trust_min: f64,
    /// Standard deviation of active partners' views.
    pub dispersion: f64,
    /// Transaction cost this month.
    pub cost: f64,
    /// Delivery this month.
    pub delivery: f64,
    /// Fit to local needs this month.
    pub fit: f64,
    /// Value added this month.
    pub value_added: f64,
    /// Empowerment this month.
    pub empowerment: f64,
    /// Active partners.
    pub active: f64,
}

/// Running totals of a run, per place.
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    /// Cumulative transaction cost.
    pub cost: f64,
    /// Cumulative delivery.
    pub delivery: f64,
    /// Cumulative value added.
    pub value_added: f64,
    /// Sum of monthly fit.
    pub fit: f64,
    /// Sum of monthly empowerment.
    pub empowerment: f64,
    /// First month mean trust reached the threshold (0: not yet).
    pub trust_month: u32,
    /// Months simulated.
    pub months: u32,
}

impl GovernanceModel {
    /// The locality of the assignment: the mean of its three functions'
    /// `loc` (each function counts the same; no source weighs them).
    pub(super) fn locality_weights(p: &GovernanceParams) -> f64 {
        let a = p.assignment;
        (a.conceive.locality() + a.manage.locality() + a.implement.locality()) / 3.0
    }

    /// Fit of locality `place` to its needs: `1/(1 + loss_p) · coverage`,
    /// with the quadratic needs loss of [`needs_loss`](super::needs_loss) (Oates 1972) and the
    /// domain coverage of the partnership serving it ([`domain_coverage`](super::domain_coverage)).
    pub fn fit(
        p: &GovernanceParams,
        places: &Places,
        place: usize,
        level_trust: f64,
        connect: f64,
        coverage: f64,
    ) -> f64 {
        let targets = level_targets(p, places, place);
        let need = places.needs()[place];
        fit_from_targets(p, targets, need, level_trust, connect, coverage)
    }
}

/// Oates (1972): the expected quadratic loss of one uniform policy set at
/// `level` for places whose ideal points vary with `variance`, of which a
/// share `regional_share` lies between regions. A national policy loses the
/// whole variance; a regional one the within-region part; a local one none.
///
/// ```
/// use mlgov::governance::Level;
/// use mlgov::partnership::uniform_policy_loss;
/// assert_eq!(uniform_policy_loss(2.0, 0.25, Level::National), 2.0);
/// assert_eq!(uniform_policy_loss(2.0, 0.25, Level::Regional), 1.5);
/// assert_eq!(uniform_policy_loss(2.0, 0.25, Level::Local), 0.0);
/// ```
pub fn uniform_policy_loss(variance: f64, regional_share: f64, level: Level) -> f64 {
    match level {
        Level::National => variance,
        Level::Regional => variance * (1.0 - regional_share),
        Level::Local => 0.0,
    }
}

/// Room to adapt a policy below the level that conceived it: ½ by default,
/// up to 1 with waivers, cut by targets set from outside.
pub fn flexibility(p: &GovernanceParams) -> f64 {
    let base = 0.5
        + if p.waivers {
            0.5 * p.waiver_flexibility
        } else {
            0.0
        };
    let targets = if p.external_targets {
        1.0 - p.target_strictness
    } else {
        1.0
    };
    base * targets
}

/// Sets up one partnership from its own generator, starting from the pair
/// state `setup` that every partnership of the run shares.
fn partnership(p: &GovernanceParams, setup: &PairSetup, rng: &mut SimRng) -> Partnership {
    let n = p.partners.len();
    // Founding partners: present from month 1. Later joiners are not
    // members yet, but their evidence, contact and initial view are set up
    // now (the view draws stay in partner order).
    let founding: Vec<bool> = p.partners.iter().map(|q| q.join_month <= 1).collect();
    let joined = founding.iter().filter(|&&f| f).count();
    let mut behaviour_rng = SimRng::seed_from_u64(rng.next_u64());
    let mut intervention_rng = SimRng::seed_from_u64(rng.next_u64());
    let funding_rng = SimRng::seed_from_u64(rng.next_u64());
    // Later joiners draw their initial views from a fourth generator, seeded
    // only when there are any: the founders' draws, and the behaviour stream
    // that follows them, are those of the partnership without them.
    let mut joining_rng = if joined < n {
        Some(SimRng::seed_from_u64(rng.next_u64()))
    } else {
        None
    };
    let np = setup.stride;
    // Initial views: the sector's position plus individual spread.
    let anchor: Vec<f64> = p
        .partners
        .iter()
        .zip(&founding)
        .map(|(q, &founder)| {
            let z: f64 = match joining_rng.as_mut() {
                Some(later) if !founder => rand_distr::StandardNormal.sample(later),
                _ => rand_distr::StandardNormal.sample(&mut behaviour_rng),
            };
            0.5 + q.sector.view_offset() * p.sector_distance + p.spread * z
        })
        .collect();
    // Mixed teams: members drawn in turn from the sectors present.
    let mut team = vec![u64::MAX; np];
    if p.teams > 0 {
        let mut pool: Vec<Vec<usize>> = Sector::ALL
            .iter()
            .map(|sec| {
                (0..n)
                    .filter(|&i| founding[i] && p.partners[i].sector == *sec)
                    .collect()
            })
            .filter(|v: &Vec<usize>| !v.is_empty())
            .collect();
        let mut order: Vec<usize> = Vec::new();
        while pool.iter().any(|v| !v.is_empty()) {
            for v in pool.iter_mut() {
                if !v.is_empty() {
                    let k = intervention_rng.random_range(0..v.len());
                    order.push(v.swap_remove(k));
                }
            }
        }
        let size = p.team_size.max(2) as usize;
        for (k, &i) in order.iter().enumerate().take(size * p.teams as usize) {
            team[i] = (k / size) as u64;
        }
    }
    let initial_dispersion = joined_dispersion(p, &anchor, 1, &mut Vec::with_capacity(n));
    let mate = (0..np * np)
        .map(|k| {
            let (i, j) = (k / np, k % np);
            if i != j && team[i] != u64::MAX && team[i] == team[j] {
                TEAM_CONTACT
            } else {
                0.0
            }
        })
        .collect();
    let start_trust = {
        let (mut sum, mut count) = (0.0, 0usize);
        for i in (0..n).filter(|&i| founding[i]) {
            for j in (0..n).filter(|&j| j != i && founding[j]) {
                let (r, s) = evidence_slots(np, i, j);
                sum += (setup.evidence[r] + 1.0) / (setup.evidence[r] + setup.evidence[s] + 2.0);
                count += 1;
            }
        }
        if count > 0 { sum / count as f64 } else { 0.5 }
    };
    Partnership {
        phase: Phase::Negotiate,
        phase_start: 1,
        forced: false,
        active: founding,
        joined,
        capacity: p.partners.iter().map(|q| q.capacity).collect(),
        commitment: p.partners.iter().map(|q| q.commitment).collect(),
        evidence: setup.evidence.clone(),
        base_contact: setup.base_contact.clone(),
        linked_contact: setup.linked_contact.clone(),
        stride: np,
        bonus: vec![0.0; np * np],
        view: anchor.clone(),
        anchor,
        initial_dispersion,
        learning: 0.0,
        leadership_bonus: 0.0,
        shown: 0.5,
        negative_reviews: 0,
        missed_targets: 0,
        dissolved_by: None,
        period: [0.0; 3],
        month: UnitMonth::default(),
        formality: 0.0,
        period_months: 0,
        start_trust,
        behaviour_rng,
        intervention_rng,
        funding_rng,
        kept: (0..np).map(|i| if i < n { 1.0 } else { 0.0 }).collect(),
        level: p.partners.iter().map(|q| q.level.index()).collect(),
        power_factors: p
            .partners
            .iter()
            .map(|q| [q.sector.power(), 1.0 + 0.5 * (2 - q.level.index()) as f64])
            .collect(),
        strain: vec![0.0; n],
        domain_bits: p
            .partners
            .iter()
            .map(|q| q.domains.iter().fold(0, |bits, &d| bits | domain_bit(d)))
            .collect(),
        coop: vec![0; np * np],
        mate,
        out_trust: vec![0.5; n],
        fresh: false,
        next_view: vec![0.0; n],
        ids: Vec::with_capacity(n),
    }
}

/// What every partnership of a run starts from, worked out once per run:
/// the prior trust evidence and the structural contact of each pair (they
/// depend on the partners and the assignment only).
struct PairSetup {
    stride: usize,
    evidence: Vec<f64>,
    base_contact: Vec<f64>,
    linked_contact: Vec<f64>,
}

impl PairSetup {
    fn new(p: &GovernanceParams, places: &Places) -> Self {
        let n = p.partners.len();
        let np = pairs::stride(n);
        let a = p.assignment;
        let involved = |l: Level| a.conceive == l || a.manage == l || a.implement == l;
        let here = |l: Level| presence(p, l, |x| places.places_per_unit(x));
        let inv = |l: Level| {
            here(l)
                * if involved(l) || !p.mechanisms.on(Mechanism::Involvement) {
                    1.0
                } else {
                    p.uninvolved_contact
                }
        };
        let link = connect_strength(p);
        let mut evidence = vec![0.0; 4 * np * np];
        let mut base_contact = vec![0.0; np * np];
        let mut linked_contact = vec![0.0; np * np];
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                let (pi, pj) = (&p.partners[i], &p.partners[j]);
                let same = pi.sector == pj.sector;
                let prior = if same {
                    p.prior
                } else {
                    (p.prior - p.cross_sector_gap).max(0.0)
                };
                let (r, s) = evidence_slots(np, i, j);
                evidence[r] = prior * p.prior_weight;
                evidence[s] = (1.0 - prior) * p.prior_weight;
                let steps = (pi.level.index() as i32 - pj.level.index() as i32).unsigned_abs();
                let base = p.meeting_rate
                    * if same { 1.0 } else { p.cross_sector_contact }
                    * p.cross_level_contact.powi(steps as i32)
                    * inv(pi.level)
                    * inv(pj.level);
                base_contact[i * np + j] = base;
                linked_contact[i * np + j] = if steps > 0 {
                    (base * (1.0 + link)).min(1.0)
                } else {
                    base
                };
            }
        }
        PairSetup {
            stride: np,
            evidence,
            base_contact,
            linked_contact,
        }
    }
}

impl Work {
    /// Buffers for partnerships of `n` partners.
    pub(super) fn new(n: usize) -> Self {
        let np = pairs::stride(n);
        Work {
            values: Vec::with_capacity(n),
            satisfaction: Vec::with_capacity(n),
            trust: vec![0.0; np * np],
            contact: vec![0.0; np * np],
            sums: vec![0.0; 7 * np],
            act: vec![0; np],
            terms: vec![0.0; np * np],
            best: Vec::with_capacity(64),
            public: Vec::with_capacity(n),
            others: Vec::with_capacity(n),
            voluntary: Vec::with_capacity(n),
        }
    }
}

/// Where the evidence of partner `i` about partner `j` (i ≠ j) is kept in
/// arrays of stride `np`: the indices of r_ij and of s_ij.
pub(super) fn evidence_slots(np: usize, i: usize, j: usize) -> (usize, usize) {
    let (k, r, s) = if i < j {
        (i * np + j, pairs::R_IJ, pairs::S_IJ)
    } else {
        (j * np + i, pairs::R_JI, pairs::S_JI)
    };
    (r * np * np + k, s * np * np + k)
}

/// The connectors' strength once they work (for the linked contact).
fn connect_strength(p: &GovernanceParams) -> f64 {
    connect(p, p.connectors_from.max(1))
}

impl Model for GovernanceModel {
    type Params = GovernanceParams;
    type State = State;

    fn observables(&self) -> Vec<String> {
        OBSERVABLES.iter().map(|s| s.to_string()).collect()
    }

    fn final_metrics(&self) -> Vec<String> {
        FINAL_METRICS.iter().map(|s| s.to_string()).collect()
    }

    fn init<R: Rng + ?Sized>(
        &self,
        p: &GovernanceParams,
        rng: &mut R,
    ) -> Result<State, ModelError> {
        let n = p.partners.len();
        if n < 2 {
            return Err(ModelError::new("a partnership needs at least two partners"));
        }
        if p.partners.iter().filter(|q| q.join_month <= 1).count() < 2 {
            return Err(ModelError::new(
                "a partnership needs at least two partners present from month 1",
            ));
        }
        // The places' needs come from their own stream, the same for every
        // assignment; each partnership from a stream of its unit's index, so
        // unit 0 of every assignment shares its random numbers.
        let mut places_rng = SimRng::seed_from_u64(rng.next_u64());
        let units_seed = rng.next_u64();
        let places = Places::draw(
            p.regions,
            p.localities_per_region,
            p.needs_variance,
            p.regional_share,
            p.capacity_variance,
            &mut places_rng,
        );
        let setup = PairSetup::new(p, &places);
        let units = (0..places.units(p.assignment.implement))
            .map(|u| {
                partnership(
                    p,
                    &setup,
                    &mut SimRng::seed_from_u64(stream_seed(units_seed, u as u64)),
                )
            })
            .collect();
        let count = places.count();
        let targets = (0..count).map(|k| level_targets(p, &places, k)).collect();
        let resources = [
            pooled_resources(p, &places, 0.0),
            pooled_resources(p, &places, connect_strength(p)),
        ];
        Ok(State {
            targets,
            resources,
            work: Work::new(p.partners.len()),
            units,
            benefit: vec![0.0; count],
            month: MonthOutputs::default(),
            totals: Totals::default(),
            phase: Phase::Negotiate,
            fit: vec![0.0; count],
            places,
        })
    }

    fn step<R: Rng + ?Sized>(
        &self,
        p: &GovernanceParams,
        st: &mut State,
        t: u32,
        _rng: &mut R,
    ) -> Result<(), ModelError> {
        super::step::month(p, st, t);
        Ok(())
    }

    fn observe(&self, _p: &GovernanceParams, st: &State, _t: u32, out: &mut Vec<f64>) {
        let m = &st.month;
        out.extend_from_slice(&[
            m.trust_mean,
            m.trust_min,
            m.dispersion,
            m.cost,
            st.totals.cost,
            m.delivery,
            st.totals.delivery,
            m.fit,
            m.value_added,
            st.totals.value_added,
            m.active,
            st.phase as u8 as f64,
        ]);
    }

    fn final_metric_kinds(&self) -> Vec<MetricKind> {
        FINAL_METRICS
            .iter()
            .map(|&m| match m {
                "months_to_trust" => MetricKind::TimeToEvent,
                // Shares and scores in [0, 1] (tests/properties.rs checks
                // the bounds). Survival is the share of places whose
                // partnership survives: 0 or 1 with one national programme,
                // a fraction otherwise.
                "trust_mean" | "trust_min" | "fit" | "survival" | "empowerment"
                | "service_delivery" | "equity" => MetricKind::Share,
                _ => MetricKind::Continuous,
            })
            .collect()
    }

    fn observable_kinds(&self) -> Vec<ObservableKind> {
        OBSERVABLES
            .iter()
            .map(|&o| match o {
                "phase" => ObservableKind::Categorical(
                    PHASES.iter().map(|p| p.name().to_string()).collect(),
                ),
                // A mean over places: a whole number only with one programme.
                _ => ObservableKind::Continuous,
            })
            .collect()
    }

    fn finish(&self, p: &GovernanceParams, st: &State, months: u32, out: &mut Vec<f64>) {
        let t = &st.totals;
        let months_f = f64::from(months.max(1));
        // Every partner delivering every month it is a member, with all its
        // delivery reaching users: founders all `months`, a later joiner
        // from its `join_month` on.
        let potential: f64 = p
            .partners
            .iter()
            .map(|q| {
                q.capacity * f64::from((months + 1).saturating_sub(q.join_month.max(1)).min(months))
            })
            .sum::<f64>()
            * p.productivity;
        let places = st.places.count() as f64;
        let survival = st
            .places
            .needs()
            .iter()
            .enumerate()
            .filter(|&(place, _)| {
                st.units[st.places.unit_of(place, p.assignment.implement)].phase != Phase::Dissolved
            })
            .count() as f64
            / places;
        // Territorial justice (Davies 1968): each place's benefit, after
        // spill-overs, per unit of its need.
        let mut spread = Vec::with_capacity(st.benefit.len());
        let spill = if p.mechanisms.on(Mechanism::Targets) {
            p.spillover
        } else {
            0.0
        };
        spread_benefits(&st.benefit, spill, &mut spread);
        for (b, &need) in spread.iter_mut().zip(st.places.needs()) {
            *b /= need;
        }
        out.extend_from_slice(&[
            st.month.trust_mean,
            st.month.trust_min,
            st.month.dispersion,
            t.cost,
            t.delivery,
            t.value_added,
            t.fit / months_f,
            survival,
            if t.trust_month == 0 {
                f64::from(months) + 1.0
            } else {
                f64::from(t.trust_month)
            },
            t.empowerment / months_f,
            if potential > 0.0 {
                (t.delivery / potential).min(1.0)
            } else {
                0.0
            },
            t.delivery + t.value_added - t.cost,
            st.month.active,
            1.0 - gini(&spread),
        ]);
    }
}

impl Phase {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Negotiate => "negotiate",
            Phase::Commit => "commit",
            Phase::Execute => "execute",
            Phase::Dissolved => "dissolved",
        }
    }

    /// The phase recorded in the `phase` observable (0 negotiate, 1 commit,
    /// 2 execute, 3 dissolved); `None` for any other value.
    ///
    /// ```
    /// use mlgov::partnership::Phase;
    /// assert_eq!(Phase::from_observation(2.0), Some(Phase::Execute));
    /// assert_eq!(Phase::from_observation(0.5), None);
    /// ```
    pub fn from_observation(value: f64) -> Option<Phase> {
        PHASES.into_iter().find(|p| *p as u8 as f64 == value)
    }
}
