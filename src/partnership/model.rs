//! The governance model: a partnership of partners from several sectors and
//! levels working on a policy whose functions sit at the levels of a Lloyd
//! assignment. Monthly steps; every rule is written out in `docs/model.md`
//! and the code follows the same order and symbols.

use super::params::{GovernanceParams, Sector};
use super::vision::friedkin_johnsen_step;
use crate::governance::Level;
use crate::sim::{Model, ModelError, SimRng};
use nalgebra::{DMatrix, DVector};
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, Poisson};

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
pub const FINAL_METRICS: [&str; 13] = [
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
];

/// Everything that changes during a run.
#[derive(Debug, Clone)]
pub struct State {
    /// Current phase.
    pub phase: Phase,
    /// Month the current phase started.
    pub phase_start: u32,
    /// Whether delivery was forced to start by `delivery_start`.
    pub forced: bool,
    /// Whether each partner is still in the partnership.
    pub active: Vec<bool>,
    /// Capacity, grown by workshops.
    pub capacity: Vec<f64>,
    /// Commitment, widened by positive reviews.
    pub commitment: Vec<f64>,
    /// Kept-commitment evidence r\[i·n + j\]: i's evidence about j.
    pub r: Vec<f64>,
    /// Broken-commitment evidence s\[i·n + j\].
    pub s: Vec<f64>,
    /// Structural contact between partners (sector, level, involvement).
    pub base_contact: Vec<f64>,
    /// Extra contact built by exchanges and teams.
    pub bonus: Vec<f64>,
    /// Mixed-team membership: team index or `usize::MAX`.
    pub team: Vec<usize>,
    /// Views on the partnership's purpose (Friedkin–Johnsen x).
    pub view: DVector<f64>,
    /// Initial views (Friedkin–Johnsen u).
    pub anchor: Vec<f64>,
    /// Initial dispersion of views (for alignment).
    pub initial_dispersion: f64,
    /// Learning stock in [0, 1].
    pub learning: f64,
    /// Leadership gained from leadership exchanges.
    pub leadership_bonus: f64,
    /// Why the partnership dissolved, if it did.
    pub dissolved_by: Option<&'static str>,
    /// Consecutive negative reviews.
    pub negative_reviews: u32,
    /// Delivery, value added and cost since the last review.
    pub period: [f64; 3],
    /// This month's outputs.
    pub month: MonthOutputs,
    /// Running totals.
    pub totals: Totals,
    /// Generator for partner behaviour and exits.
    pub behaviour_rng: SimRng,
    /// Generator for intervention events, separate so interventions do not
    /// shift the behaviour stream (common random numbers across configurations).
    pub intervention_rng: SimRng,
    influence: DMatrix<f64>,
    scratch: DVector<f64>,
    kept: Vec<bool>,
    strain: Vec<f64>,
    contact_now: Vec<f64>,
    tau: Vec<f64>,
}

/// One month's outputs.
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
}

/// Running totals of a run.
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

fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn poisson<R: Rng + ?Sized>(rate: f64, rng: &mut R) -> u64 {
    if rate <= 0.0 {
        return 0;
    }
    match Poisson::new(rate) {
        Ok(d) => d.sample(rng) as u64,
        Err(_) => 0,
    }
}

impl State {
    fn n(&self) -> usize {
        self.active.len()
    }

    /// Expected trust of i in j, τ = (r + 1)/(r + s + 2), as of the last
    /// [`State::refresh_trust`].
    fn trust(&self, i: usize, j: usize) -> f64 {
        self.tau[i * self.n() + j]
    }

    /// Recomputes every τ from the evidence (after the evidence changed).
    fn refresh_trust(&mut self) {
        for ((t, r), s) in self.tau.iter_mut().zip(&self.r).zip(&self.s) {
            *t = (r + 1.0) / (r + s + 2.0);
        }
    }

    /// Contact intensity between i and j this month.
    fn contact(&self, p: &GovernanceParams, i: usize, j: usize, t: u32) -> f64 {
        let n = self.n();
        let phase = (self.phase as usize).min(2);
        let lead = (p.leadership + self.leadership_bonus).min(1.0);
        let mult = PHASE_CONTACT[phase] * (0.75 + 0.5 * lead) * (1.0 + 0.3 * p.vision_work);
        let team =
            if t >= p.teams_from && self.team[i] != usize::MAX && self.team[i] == self.team[j] {
                TEAM_CONTACT
            } else {
                0.0
            };
        let m = (self.base_contact[i * n + j] * mult + self.bonus[i * n + j] + team).min(1.0);
        if self.phase == Phase::Execute && !self.cooperates(p, i, j) {
            m * FORMAL_CONTACT
        } else {
            m
        }
    }

    /// Whether i and j take the risk of working together: both trust each
    /// other above the perceived risk (Mayer, Davis & Schoorman 1995).
    fn cooperates(&self, p: &GovernanceParams, i: usize, j: usize) -> bool {
        self.trust(i, j).min(self.trust(j, i)) >= p.risk
    }

    fn active_ids(&self) -> Vec<usize> {
        (0..self.n()).filter(|&i| self.active[i]).collect()
    }

    /// Mean trust of `i` in the other active partners.
    fn trust_out(&self, i: usize) -> f64 {
        let mut sum = 0.0;
        let mut k = 0;
        for j in 0..self.n() {
            if j != i && self.active[j] {
                sum += self.trust(i, j);
                k += 1;
            }
        }
        if k == 0 { 0.5 } else { sum / k as f64 }
    }

    fn add_evidence(&mut self, i: usize, j: usize, amount: f64) {
        let n = self.n();
        self.r[i * n + j] += amount;
        self.r[j * n + i] += amount;
    }
}

impl GovernanceModel {
    fn locality_weights(p: &GovernanceParams) -> f64 {
        let a = p.assignment;
        0.4 * a.conceive.locality() + 0.3 * a.manage.locality() + 0.3 * a.implement.locality()
    }

    /// Fit to local needs (Oates) times domain coverage, given the
    /// partnership's integration quality `g` and the trust between levels.
    pub fn fit(p: &GovernanceParams, g: f64, level_trust: f64) -> f64 {
        let a = p.assignment;
        // The policy can be no more tailored than the less local of the
        // levels that conceive and implement it.
        let tailored = if a.implement.locality() < a.conceive.locality() {
            a.implement
        } else {
            a.conceive
        };
        let lt = tailored.locality();
        let loss_c = uniform_policy_loss(p.needs_variance, p.regional_share, tailored)
            + p.local_error * a.conceive.locality();
        let flex = flexibility(p);
        let delta = (a.manage.locality().max(a.implement.locality()) - lt).max(0.0);
        let recovered = (p.adaptation * flex * level_trust * delta).clamp(0.0, 1.0);
        let loss = loss_c * (1.0 - recovered);
        let needs_fit = 1.0 / (1.0 + loss);
        let k = p.domains.len().max(1) as f64;
        let seen = 1.0 + (k - 1.0) * lt;
        let coverage = (seen + (k - seen) * g.clamp(0.0, 1.0)) / k;
        needs_fit * coverage
    }

    /// 1 / (1 + silo_block·(silos − 1)): how much silos leave of horizontal integration.
    pub fn silo_factor(p: &GovernanceParams) -> f64 {
        1.0 / (1.0 + p.silo_block * (p.silos - 1.0).max(0.0))
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

fn ownership(p: &GovernanceParams) -> f64 {
    if p.external_targets {
        1.0 - 0.25 * p.target_strictness
    } else {
        1.0
    }
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
        let mut behaviour_rng = SimRng::seed_from_u64(rng.next_u64());
        let mut intervention_rng = SimRng::seed_from_u64(rng.next_u64());
        let a = p.assignment;
        let involved = |l: Level| a.conceive == l || a.manage == l || a.implement == l;
        let mut r = vec![0.0; n * n];
        let mut s = vec![0.0; n * n];
        let mut base_contact = vec![0.0; n * n];
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
                r[i * n + j] = prior * p.prior_weight;
                s[i * n + j] = (1.0 - prior) * p.prior_weight;
                let steps = (pi.level.index() as i32 - pj.level.index() as i32).unsigned_abs();
                let inv = |l: Level| if involved(l) { 1.0 } else { 0.6 };
                base_contact[i * n + j] = p.meeting_rate
                    * if same { 1.0 } else { p.cross_sector_contact }
                    * p.cross_level_contact.powi(steps as i32)
                    * inv(pi.level)
                    * inv(pj.level);
            }
        }
        // Initial views: the sector's position plus individual spread.
        let anchor: Vec<f64> = p
            .partners
            .iter()
            .map(|q| {
                let z: f64 = rand_distr::StandardNormal.sample(&mut behaviour_rng);
                0.5 + q.sector.view_offset() * p.sector_distance + p.spread * z
            })
            .collect();
        // Mixed teams: members drawn in turn from the sectors present.
        let mut team = vec![usize::MAX; n];
        if p.teams > 0 {
            let mut pool: Vec<Vec<usize>> = Sector::ALL
                .iter()
                .map(|sec| (0..n).filter(|&i| p.partners[i].sector == *sec).collect())
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
                team[i] = k / size;
            }
        }
        let view = DVector::from_vec(anchor.clone());
        let initial_dispersion = sd(&anchor).max(1e-9);
        let mut state = State {
            phase: Phase::Negotiate,
            phase_start: 1,
            forced: false,
            active: vec![true; n],
            capacity: p.partners.iter().map(|q| q.capacity).collect(),
            commitment: p.partners.iter().map(|q| q.commitment).collect(),
            r,
            s,
            base_contact,
            bonus: vec![0.0; n * n],
            team,
            view,
            anchor,
            initial_dispersion,
            learning: 0.0,
            leadership_bonus: 0.0,
            negative_reviews: 0,
            dissolved_by: None,
            period: [0.0; 3],
            month: MonthOutputs::default(),
            totals: Totals::default(),
            behaviour_rng,
            intervention_rng,
            influence: DMatrix::zeros(n, n),
            scratch: DVector::zeros(n),
            kept: vec![true; n],
            strain: vec![0.0; n],
            contact_now: Vec::with_capacity(n * n),
            tau: vec![0.0; n * n],
        };
        state.refresh_trust();
        Ok(state)
    }

    fn step<R: Rng + ?Sized>(
        &self,
        p: &GovernanceParams,
        st: &mut State,
        t: u32,
        _rng: &mut R,
    ) -> Result<(), ModelError> {
        st.totals.months = t;
        if st.phase == Phase::Dissolved {
            st.month.cost = 0.0;
            st.month.delivery = 0.0;
            st.month.value_added = 0.0;
            st.month.empowerment = 0.0;
            st.month.fit = GovernanceModel::fit(p, 0.0, 0.0);
            st.totals.fit += st.month.fit;
            return Ok(());
        }
        let n = st.n();
        // 0. Delivery forced from outside.
        if p.delivery_start > 0 && t >= p.delivery_start && st.phase != Phase::Execute {
            st.phase = Phase::Execute;
            st.phase_start = t;
            st.forced = true;
            st.period = [0.0; 3];
        }
        // 1. Interventions.
        if interventions(p, st, t) {
            st.refresh_trust();
        }
        // 2. Behaviour: who keeps this month's commitments.
        let phase = st.phase as usize;
        let target_drag = if p.external_targets {
            0.1 * p.target_strictness
        } else {
            0.0
        };
        for j in 0..n {
            if !st.active[j] {
                continue;
            }
            let strain = (p.pressure
                * PHASE_DEMAND[phase]
                * (1.0 - st.trust_out(j))
                * (1.0 - st.capacity[j] * 0.5))
                .min(0.95);
            st.strain[j] = strain;
            let pk = st.commitment[j] * (1.0 - strain) * (1.0 - target_drag);
            st.kept[j] = unit(&mut st.behaviour_rng) < pk;
        }
        // 3. Trust: discounted beta evidence, weighted by this month's contact
        // (set from the trust at the start of the month).
        let mut contact = std::mem::take(&mut st.contact_now);
        contact.clear();
        contact.resize(n * n, 0.0);
        for i in 0..n {
            for j in 0..n {
                if i != j && st.active[i] && st.active[j] {
                    contact[i * n + j] = st.contact(p, i, j, t);
                }
            }
        }
        for i in 0..n {
            for j in 0..n {
                if i == j || !st.active[i] || !st.active[j] {
                    continue;
                }
                let k = i * n + j;
                let m = contact[k];
                let kept = if st.kept[j] { 1.0 } else { 0.0 };
                st.r[k] = p.forgetting * st.r[k] + p.weight_kept * m * kept;
                st.s[k] = p.forgetting * st.s[k] + p.weight_broken * m * (1.0 - kept);
            }
        }
        st.refresh_trust();
        // 4. Shared vision: Friedkin–Johnsen on trust-weighted contact.
        let susceptibility = p.susceptibility + 0.5 * p.vision_work * (1.0 - p.susceptibility);
        let mut lambda = vec![0.0; n];
        for (i, lam) in lambda.iter_mut().enumerate() {
            let mut row_sum = 0.0;
            for j in 0..n {
                let w = if i != j && st.active[i] && st.active[j] {
                    contact[i * n + j] * st.trust(i, j)
                } else {
                    0.0
                };
                st.influence[(i, j)] = w;
                row_sum += w;
            }
            if row_sum > 0.0 {
                for j in 0..n {
                    st.influence[(i, j)] *= (1.0 - p.self_weight) / row_sum;
                }
                st.influence[(i, i)] = p.self_weight;
                *lam = susceptibility;
            } else {
                st.influence[(i, i)] = 1.0;
            }
        }
        friedkin_johnsen_step(
            &st.influence,
            &lambda,
            &st.anchor,
            &mut st.view,
            &mut st.scratch,
        );
        // 5. Observed trust and dispersion.
        let ids = st.active_ids();
        let (mut tsum, mut tmin, mut tcount, mut coop) = (0.0, 1.0_f64, 0usize, 0usize);
        let (mut lsum, mut lcount) = (0.0, 0usize);
        for &i in &ids {
            for &j in &ids {
                if i != j {
                    let tau = st.trust(i, j);
                    tsum += tau;
                    tmin = tmin.min(tau);
                    tcount += 1;
                    coop += usize::from(st.cooperates(p, i, j));
                    if p.partners[i].level != p.partners[j].level {
                        lsum += tau;
                        lcount += 1;
                    }
                }
            }
        }
        let trust_mean = if tcount > 0 {
            tsum / tcount as f64
        } else {
            0.0
        };
        let level_trust = if lcount > 0 {
            lsum / lcount as f64
        } else {
            trust_mean
        };
        let views: Vec<f64> = ids.iter().map(|&i| st.view[i]).collect();
        let dispersion = sd(&views);
        let alignment = (1.0 - dispersion / st.initial_dispersion).clamp(0.0, 1.0) * 0.5 + 0.5;
        // 6. Transaction costs.
        let lead = (p.leadership + st.leadership_bonus).min(1.0);
        let mut horizontal = 0.0;
        for (a, &i) in ids.iter().enumerate() {
            for &j in &ids[a + 1..] {
                let m = 0.5 * (contact[i * n + j] + contact[j * n + i]);
                let tau = 0.5 * (st.trust(i, j) + st.trust(j, i));
                horizontal +=
                    p.pair_hassle * m * (p.hassle_floor + (1.0 - p.hassle_floor) * (1.0 - tau));
            }
        }
        horizontal *= 1.25 - 0.5 * lead;
        let waiver_cut = if p.waivers {
            0.5 * p.waiver_flexibility
        } else {
            0.0
        };
        let vertical = p.handover
            * p.silos
            * f64::from(p.assignment.vertical_distance())
            * (p.hassle_floor + (1.0 - p.hassle_floor) * (1.0 - level_trust))
            * (1.0 - waiver_cut);
        let a = p.assignment;
        let running = p.running
            * (1.0 + p.scale_penalty * 0.5 * (a.conceive.locality() + a.manage.locality()));
        let cost = horizontal + vertical + running;
        st.contact_now = contact;
        // 7. Fit, delivery and value added.
        let silo = GovernanceModel::silo_factor(p);
        let covered = p
            .domains
            .iter()
            .filter(|d| ids.iter().any(|&i| p.partners[i].domains.contains(d)))
            .count() as f64
            / p.domains.len().max(1) as f64;
        let integration =
            trust_mean * alignment * covered * silo * (0.5 + 0.5 * a.implement.locality());
        let fit = GovernanceModel::fit(p, integration, level_trust);
        let executing = st.phase == Phase::Execute;
        let mut delivery = 0.0;
        let mut value_added = 0.0;
        if executing {
            for &j in &ids {
                if st.kept[j] {
                    delivery += st.capacity[j] * p.productivity * fit;
                }
            }
            let diversity = blau(
                &ids.iter()
                    .map(|&i| p.partners[i].sector)
                    .collect::<Vec<_>>(),
            ) / 0.75;
            let teams_on = if t >= p.teams_from {
                p.teams.min(5) as f64
            } else {
                0.0
            };
            let cooperating = coop as f64 / tcount.max(1) as f64;
            value_added = p.creativity
                * trust_mean
                * cooperating
                * diversity.min(1.0)
                * (0.5 + st.learning)
                * alignment
                * silo
                * ownership(p)
                * (1.0 + 0.1 * teams_on)
                * ids.len() as f64
                / n as f64;
        }
        let vol = ids
            .iter()
            .filter(|&&i| p.partners[i].sector == Sector::Voluntary)
            .count() as f64
            / ids.len().max(1) as f64;
        let empowerment = ownership(p)
            * (0.5 * GovernanceModel::locality_weights(p)
                + 0.25 * trust_mean
                + 0.25 * (2.0 * vol).min(1.0));
        st.month = MonthOutputs {
            trust_mean,
            trust_min: if tcount > 0 { tmin } else { 0.0 },
            dispersion,
            cost,
            delivery,
            fit,
            value_added,
            empowerment,
        };
        st.totals.cost += cost;
        st.totals.delivery += delivery;
        st.totals.value_added += value_added;
        st.totals.fit += fit;
        st.totals.empowerment += empowerment;
        st.period[0] += delivery;
        st.period[1] += value_added;
        st.period[2] += cost;
        if st.totals.trust_month == 0 && trust_mean >= p.trust_threshold {
            st.totals.trust_month = t;
        }
        // 8. Satisfaction and exits.
        let satisfaction = satisfaction(p, st, &ids);
        let hazard_scale = if st.phase == Phase::Negotiate {
            0.5
        } else {
            1.0
        };
        for (k, &i) in ids.iter().enumerate() {
            let sat = satisfaction[k];
            let u = unit(&mut st.behaviour_rng);
            if sat < p.exit_threshold
                && u < hazard_scale * p.exit_rate * (p.exit_threshold - sat) / p.exit_threshold
            {
                st.active[i] = false;
            }
        }
        // 9. Review (Ring & Van de Ven): efficiency and equity.
        if p.review_interval > 0
            && t.is_multiple_of(p.review_interval)
            && matches!(st.phase, Phase::Commit | Phase::Execute)
        {
            review(p, st, &satisfaction, t);
        }
        // 10. Phase transitions.
        let in_phase = f64::from(t + 1 - st.phase_start);
        match st.phase {
            Phase::Negotiate
                if (trust_mean >= p.trust_threshold || in_phase >= p.max_negotiation_months)
                    && (st.negative_reviews == 0
                        || in_phase >= f64::from(RENEGOTIATION_MONTHS)) =>
            {
                st.phase = Phase::Commit;
                st.phase_start = t + 1;
            }
            Phase::Commit if in_phase >= p.commit_months => {
                st.phase = Phase::Execute;
                st.phase_start = t + 1;
                st.period = [0.0; 3];
            }
            _ => {}
        }
        // 11. Funding renewal for short-term grants.
        if !p.sustainable_funding && t.is_multiple_of(p.funding_horizon.max(1)) {
            let chance = p.renewal * (0.4 + 0.6 * trust_mean);
            if unit(&mut st.behaviour_rng) >= chance {
                st.phase = Phase::Dissolved;
                st.dissolved_by = Some("funding not renewed");
            }
        }
        // 12. Dissolution when too few partners remain.
        let remaining = st.active.iter().filter(|&&x| x).count();
        if st.phase != Phase::Dissolved
            && (remaining < p.min_partners || (remaining as f64) < p.quorum * n as f64)
        {
            st.phase = Phase::Dissolved;
            st.dissolved_by = Some("too few partners");
        }
        if st.phase == Phase::Dissolved {
            st.phase_start = t;
        }
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
            if st.phase == Phase::Dissolved {
                0.0
            } else {
                st.active.iter().filter(|&&a| a).count() as f64
            },
            st.phase as u8 as f64,
        ]);
    }

    fn finish(&self, p: &GovernanceParams, st: &State, months: u32, out: &mut Vec<f64>) {
        let t = &st.totals;
        let months_f = f64::from(months.max(1));
        let potential: f64 =
            p.partners.iter().map(|q| q.capacity).sum::<f64>() * p.productivity * months_f;
        let survived = st.phase != Phase::Dissolved;
        out.extend_from_slice(&[
            st.month.trust_mean,
            st.month.trust_min,
            st.month.dispersion,
            t.cost,
            t.delivery,
            t.value_added,
            t.fit / months_f,
            if survived { 1.0 } else { 0.0 },
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
            if survived {
                st.active.iter().filter(|&&a| a).count() as f64
            } else {
                0.0
            },
        ]);
    }
}

/// Applies this month's interventions; true when trust evidence changed.
fn interventions(p: &GovernanceParams, st: &mut State, t: u32) -> bool {
    let mut changed = false;
    let n = st.n();
    let ids = st.active_ids();
    let public: Vec<usize> = ids
        .iter()
        .copied()
        .filter(|&i| p.partners[i].sector == Sector::Public)
        .collect();
    let others: Vec<usize> = ids
        .iter()
        .copied()
        .filter(|&i| p.partners[i].sector != Sector::Public)
        .collect();
    let voluntary: Vec<usize> = ids
        .iter()
        .copied()
        .filter(|&i| p.partners[i].sector == Sector::Voluntary)
        .collect();
    // Staff exchanges between the public sector and the others.
    if t >= p.exchanges_from
        && p.exchanges_per_year > 0.0
        && !public.is_empty()
        && !others.is_empty()
    {
        let count = poisson(p.exchanges_per_year / 12.0, &mut st.intervention_rng);
        for _ in 0..count {
            let i = public[st.intervention_rng.random_range(0..public.len())];
            let j = others[st.intervention_rng.random_range(0..others.len())];
            let evidence = p.weight_kept * EXCHANGE_EVIDENCE_PER_WEEK * p.exchange_weeks;
            st.add_evidence(i, j, evidence);
            changed = true;
            spill(
                p,
                st,
                &ids,
                p.partners[i].sector,
                p.partners[j].sector,
                evidence * EXCHANGE_SPILLOVER,
            );
            let b =
                (st.bonus[i * n + j] + EXCHANGE_CONTACT_PER_WEEK * p.exchange_weeks).min(BONUS_CAP);
            st.bonus[i * n + j] = b;
            st.bonus[j * n + i] = b;
            st.learning += 0.01 * (1.0 - st.learning);
        }
    }
    // Paired leadership exchanges between public and voluntary leaders.
    if t >= p.leaders_from
        && p.leader_pairs_per_year > 0.0
        && !public.is_empty()
        && !voluntary.is_empty()
    {
        let count = poisson(p.leader_pairs_per_year / 12.0, &mut st.intervention_rng);
        for _ in 0..count {
            let i = public[st.intervention_rng.random_range(0..public.len())];
            let j = voluntary[st.intervention_rng.random_range(0..voluntary.len())];
            let evidence = p.weight_kept * LEADER_EXCHANGE_EVIDENCE;
            st.add_evidence(i, j, evidence);
            changed = true;
            spill(
                p,
                st,
                &ids,
                Sector::Public,
                Sector::Voluntary,
                evidence * p.leader_spillover,
            );
            st.leadership_bonus = (st.leadership_bonus + 0.01).min(0.3);
        }
    }
    // Competency workshops.
    if t >= p.workshops_from && p.workshops_per_year > 0.0 {
        let count = poisson(p.workshops_per_year / 12.0, &mut st.intervention_rng);
        for _ in 0..count {
            for &i in &ids {
                st.capacity[i] += WORKSHOP_GAIN * (1.0 - st.capacity[i]);
            }
            st.learning += WORKSHOP_GAIN * (1.0 - st.learning);
        }
    }
    changed
}

/// Evidence that reaches every pair between two sectors (understanding of
/// the other sector carried back into the organisations).
fn spill(p: &GovernanceParams, st: &mut State, ids: &[usize], a: Sector, b: Sector, amount: f64) {
    if amount <= 0.0 {
        return;
    }
    let n = st.n();
    for &i in ids {
        for &j in ids {
            let (si, sj) = (p.partners[i].sector, p.partners[j].sector);
            if i != j && ((si == a && sj == b) || (si == b && sj == a)) {
                st.r[i * n + j] += amount;
            }
        }
    }
}

/// Each active partner's satisfaction: trust in the others × equity × ownership.
fn satisfaction(p: &GovernanceParams, st: &State, ids: &[usize]) -> Vec<f64> {
    let power: Vec<f64> = ids
        .iter()
        .map(|&i| {
            let q = &p.partners[i];
            st.capacity[i] * q.sector.power() * (1.0 + 0.5 * (2 - q.level.index()) as f64)
        })
        .collect();
    let total: f64 = power.iter().sum();
    let m = ids.len().max(1) as f64;
    ids.iter()
        .enumerate()
        .map(|(k, &i)| {
            let benefit = p.fairness / m + (1.0 - p.fairness) * power[k] / total.max(1e-12);
            let equity = (benefit * m).min(1.0);
            ownership(p) * (0.5 * st.trust_out(i) + 0.5 * equity) - 0.5 * st.strain[i]
        })
        .collect()
}

fn review(p: &GovernanceParams, st: &mut State, satisfaction: &[f64], t: u32) {
    let [d, v, c] = st.period;
    st.period = [0.0; 3];
    let benefit = d + v;
    let efficiency = if benefit + c > 0.0 {
        benefit / (benefit + c)
    } else {
        0.0
    };
    let equity = satisfaction.iter().sum::<f64>() / satisfaction.len().max(1) as f64;
    let lead = (p.leadership + st.leadership_bonus).min(1.0);
    st.learning += p.learning_rate * (0.5 + 0.5 * lead) * (1.0 - st.learning);
    let executing = st.phase == Phase::Execute;
    let positive = if executing {
        efficiency >= 0.5 && equity >= p.exit_threshold
    } else {
        equity >= p.exit_threshold
    };
    if positive {
        st.negative_reviews = 0;
        for c in st.commitment.iter_mut() {
            *c += 0.1 * (1.0 - *c);
        }
    } else {
        st.negative_reviews += 1;
        if st.negative_reviews >= DISSOLVING_REVIEWS && (st.forced || executing) {
            st.phase = Phase::Dissolved;
            st.dissolved_by = Some("negative reviews");
        } else if !st.forced {
            st.phase = Phase::Negotiate;
            st.phase_start = t + 1;
        }
    }
}

fn sd(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64).sqrt()
}

/// Blau's index of heterogeneity 1 − Σ shareₖ² over sectors.
fn blau(sectors: &[Sector]) -> f64 {
    if sectors.is_empty() {
        return 0.0;
    }
    let n = sectors.len() as f64;
    1.0 - Sector::ALL
        .iter()
        .map(|s| {
            let c = sectors.iter().filter(|x| *x == s).count() as f64 / n;
            c * c
        })
        .sum::<f64>()
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
}
