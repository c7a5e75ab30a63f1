//! The monthly step of the governance model, in the order of
//! `docs/model.md` §"Process overview and scheduling": each partnership's
//! dynamics, then every place's outputs, then each partnership's response
//! to what it delivered. The step allocates nothing: the buffers it needs
//! live in [`State`] and [`Partnership`].
//!
//! The pair work is one pass (module `pairs`) over the unordered pairs
//! {i, j}: it works out the month's contact, updates the evidence of both
//! directions and their trust, finds who cooperates, adds up the
//! horizontal cost and every partner's sums for the observed trust and the
//! Friedkin–Johnsen step.

use super::events::{interventions, review, satisfaction};
use super::functions::{
    connect, coordination_share, domain_coverage, fit_from_targets, handover_cost, handover_delay,
    handovers, innovation, integration, ownership, reach, running_cost, silo_factor,
};
use super::mechanisms::Mechanism;
use super::model::{
    GovernanceModel, PHASE_CONTACT, PHASE_DEMAND, Partnership, Phase, RENEGOTIATION_MONTHS, State,
    Work, evidence_slots,
};
use super::pairs::{PairArrays, PairConsts, first_pass};
use super::params::{GovernanceParams, Sector};
use super::upper::diffuse;
use crate::governance::PolicyDomain;
use rand::Rng;
use rand_distr::{Distribution, Poisson};

/// A uniform draw in [0, 1) from the top 53 bits of one `u64`.
pub(super) fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A Poisson count with mean `rate` (0 when the rate is not positive).
pub(super) fn poisson<R: Rng + ?Sized>(rate: f64, rng: &mut R) -> u64 {
    if rate <= 0.0 {
        return 0;
    }
    match Poisson::new(rate) {
        Ok(d) => d.sample(rng) as u64,
        Err(_) => 0,
    }
}

impl Partnership {
    pub(super) fn n(&self) -> usize {
        self.active.len()
    }

    /// Adds kept-commitment evidence to both directions of a pair (the
    /// cooperation flags are brought up to date by [`Partnership::refresh`]).
    pub(super) fn add_evidence(&mut self, i: usize, j: usize, amount: f64) {
        self.add_kept(i, j, amount);
        self.add_kept(j, i, amount);
    }

    /// Adds kept-commitment evidence to what `i` knows of `j`.
    pub(super) fn add_kept(&mut self, i: usize, j: usize, amount: f64) {
        let (r, _) = evidence_slots(self.stride, i, j);
        self.evidence[r] += amount;
    }

    /// Kept-commitment evidence r_ij of partner `i` about partner `j` (i ≠ j).
    pub fn kept_evidence(&self, i: usize, j: usize) -> f64 {
        self.evidence[evidence_slots(self.stride, i, j).0]
    }

    /// Broken-commitment evidence s_ij of partner `i` about partner `j` (i ≠ j).
    pub fn broken_evidence(&self, i: usize, j: usize) -> f64 {
        self.evidence[evidence_slots(self.stride, i, j).1]
    }

    /// Expected trust of partner `i` in partner `j`, τ_ij = (r_ij + 1)/(r_ij + s_ij + 2)
    /// (`docs/model.md` §7.2), from the evidence as it stands.
    pub fn trust(&self, i: usize, j: usize) -> f64 {
        let (r, s) = (self.kept_evidence(i, j), self.broken_evidence(i, j));
        (r + 1.0) / (r + s + 2.0)
    }

    /// Recomputes the cooperation flags and out-trust of the active partners
    /// `ids` from the evidence, after the evidence or the active set changed
    /// outside the monthly trust update.
    pub(super) fn refresh(&mut self, p: &GovernanceParams, ids: &[usize]) {
        let np = self.stride;
        for &i in ids {
            let mut sum = 0.0;
            for &j in ids {
                if i != j {
                    let t = self.trust(i, j);
                    sum += t;
                    if i < j {
                        let both = t >= p.risk && self.trust(j, i) >= p.risk;
                        self.coop[i * np + j] = if both { u64::MAX } else { 0 };
                    }
                }
            }
            self.out_trust[i] = if ids.len() > 1 {
                sum / (ids.len() - 1) as f64
            } else {
                0.5
            };
        }
        self.fresh = true;
    }
}

const _: () = assert!(PolicyDomain::ALL.len() <= 16);

/// One bit per policy domain (there are fewer than 16).
pub(super) fn domain_bit(d: PolicyDomain) -> u16 {
    1 << (d as u16)
}

/// Population standard deviation (0 for fewer than two values).
pub(super) fn sd(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64).sqrt()
}

/// Blau's index of heterogeneity 1 − Σ shareₖ² over the sectors of `n`
/// partners, `counts[k]` of them in sector k.
fn blau(counts: &[usize; 4], n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    1.0 - counts.iter().map(|&c| (c as f64 / n).powi(2)).sum::<f64>()
}

/// What depends only on who is active this month.
struct Roster {
    /// Policy domains held by an active partner, one bit per domain.
    held: u16,
    /// Active partners by sector.
    sectors: [usize; 4],
}

/// The month's active partners, found in one pass over the partners: `ids`
/// (ascending), `act` (all ones for an active partner, zero otherwise and
/// for the padding up to the stride), and their [`Roster`].
fn roster(
    p: &GovernanceParams,
    u: &Partnership,
    ids: &mut Vec<usize>,
    act: &mut Vec<u64>,
) -> Roster {
    ids.clear();
    act.clear();
    act.resize(u.stride, 0);
    let mut r = Roster {
        held: 0,
        sectors: [0; 4],
    };
    for (i, (&on, q)) in u.active.iter().zip(&p.partners).enumerate() {
        if on {
            ids.push(i);
            act[i] = u64::MAX;
            r.held |= u.domain_bits[i];
            r.sectors[q.sector as usize] += 1;
        }
    }
    r
}

/// Partners whose `join_month` is `t` become active. Their trust evidence
/// and contact have not changed since `init` (only pairs of active partners
/// are updated), so they start from the prior; their view sits at its
/// initial position (an inactive partner is fully stubborn). The reference
/// dispersion of alignment becomes that of the initial views of every
/// partner joined so far.
fn join(p: &GovernanceParams, u: &mut Partnership, t: u32, buf: &mut Vec<f64>) {
    let mut any = false;
    for (i, q) in p.partners.iter().enumerate() {
        if q.join_month > 1 && q.join_month == t {
            u.active[i] = true;
            u.joined += 1;
            any = true;
        }
    }
    if any {
        u.initial_dispersion = joined_dispersion(p, &u.anchor, t, buf);
        u.fresh = false;
    }
}

/// The reference dispersion of alignment at month `t`: the spread of the
/// initial views of every partner joined by then (`buf` is scratch space).
pub(super) fn joined_dispersion(
    p: &GovernanceParams,
    anchor: &[f64],
    t: u32,
    buf: &mut Vec<f64>,
) -> f64 {
    buf.clear();
    buf.extend(
        p.partners
            .iter()
            .zip(anchor)
            .filter(|(q, _)| q.join_month <= t)
            .map(|(_, &u)| u),
    );
    sd(buf).max(1e-9)
}

/// One month of the whole policy: every partnership's dynamics (steps J–7
/// of `docs/model.md` §3), every place's fit, delivery and benefit, the
/// averages over places, then every partnership's book-keeping, exits,
/// review, phase, funding and quorum (steps 8–12).
pub(super) fn month(p: &GovernanceParams, st: &mut State, t: u32) {
    st.totals.months = t;
    let link = connect(p, t);
    let implement = p.assignment.implement;
    let per_unit = st.places.places_per_unit(implement);
    let scale = coordination_share(p, per_unit);
    for u in st.units.iter_mut() {
        if u.phase == Phase::Dissolved {
            let frozen = u.month;
            u.month = Default::default();
            u.month.trust_mean = frozen.trust_mean;
            u.month.trust_min = frozen.trust_min;
            u.month.dispersion = frozen.dispersion;
            u.month.coverage = domain_coverage(p, 1.0, 0.0);
        } else {
            dynamics(p, u, &mut st.work, t, link, scale);
        }
    }
    // Places: fit, delivery and benefit.
    let count = st.places.count();
    let reach = reach(p);
    let resources = &st.resources[usize::from(link > 0.0)];
    let mut sums = MonthSums::default();
    for (place, &own) in resources.iter().enumerate().take(count) {
        let u = &mut st.units[st.places.unit_of(place, implement)];
        let level_trust = if u.phase == Phase::Dissolved {
            0.0
        } else {
            u.month.level_trust
        };
        // GovernanceModel::fit, with the run's targets worked out once.
        let need = st.places.needs()[place];
        let fit = fit_from_targets(
            p,
            st.targets[place],
            need,
            level_trust,
            link,
            u.month.coverage,
        );
        st.fit[place] = fit;
        let delivery =
            (u.month.kept_capacity + own * u.month.kept_local) * p.productivity * fit * reach;
        u.month.delivery += delivery / per_unit as f64;
        st.benefit[place] += delivery + u.month.value_added;
        sums.add(&u.month, fit, delivery);
    }
    let places = count as f64;
    let m = &mut st.month;
    m.trust_mean = sums.trust_mean / places;
    m.trust_min = sums.trust_min / places;
    m.dispersion = sums.dispersion / places;
    m.cost = sums.cost / places;
    m.delivery = sums.delivery / places;
    m.fit = sums.fit / places;
    m.value_added = sums.value_added / places;
    m.empowerment = sums.empowerment / places;
    m.active = sums.active / places;
    st.totals.cost += m.cost;
    st.totals.delivery += m.delivery;
    st.totals.value_added += m.value_added;
    st.totals.fit += m.fit;
    st.totals.empowerment += m.empowerment;
    if st.totals.trust_month == 0 && m.trust_mean >= p.trust_threshold {
        st.totals.trust_month = t;
    }
    // Each partnership responds to what it showed.
    let mut phases = [0usize; 4];
    for u in st.units.iter_mut() {
        if u.phase != Phase::Dissolved {
            respond(p, u, &mut st.work, t, link);
        }
        phases[u.phase as usize] += 1;
    }
    // Lessons spread between the places' partnerships (§7.C).
    diffuse(p, &st.places, &mut st.units, link, &mut st.work.best);
    // The nation's phase: the most common phase among the partnerships
    // (the earlier phase on a tie).
    let modal = (0..4).fold(0, |best, k| if phases[k] > phases[best] { k } else { best });
    st.phase = [
        Phase::Negotiate,
        Phase::Commit,
        Phase::Execute,
        Phase::Dissolved,
    ][modal];
}

/// Sums over places of the partnerships' month.
#[derive(Default)]
struct MonthSums {
    trust_mean: f64,
    trust_min: f64,
    dispersion: f64,
    cost: f64,
    delivery: f64,
    fit: f64,
    value_added: f64,
    empowerment: f64,
    active: f64,
}

impl MonthSums {
    fn add(&mut self, m: &super::model::UnitMonth, fit: f64, delivery: f64) {
        self.trust_mean += m.trust_mean;
        self.trust_min += m.trust_min;
        self.dispersion += m.dispersion;
        self.cost += m.cost;
        self.delivery += delivery;
        self.fit += fit;
        self.value_added += m.value_added;
        self.empowerment += m.empowerment;
        self.active += m.active;
    }
}

/// Steps J–7 for one partnership: joining, forced delivery, interventions,
/// behaviour, contact and trust, vision, observed trust, costs, coverage and
/// value added. `link` is the connectors' strength this month and `scale`
/// the share of the coordination cost each place served bears.
fn dynamics(
    p: &GovernanceParams,
    u: &mut Partnership,
    work: &mut Work,
    t: u32,
    link: f64,
    scale: f64,
) {
    let n = u.n();
    if u.joined < n {
        join(p, u, t, &mut work.values);
    }
    // The active partners this month (kept with the partnership for its
    // response, steps 8–12).
    let mut ids = std::mem::take(&mut u.ids);
    let who = roster(p, u, &mut ids, &mut work.act);
    // 0. Delivery forced from outside.
    if p.delivery_start > 0 && t >= p.delivery_start && u.phase != Phase::Execute {
        u.phase = Phase::Execute;
        u.phase_start = t;
        u.forced = true;
        u.period = [0.0; 3];
        u.period_months = 0;
        // Trust as it stands: each active partner's mean trust in the
        // others, from the evidence (brought up to date first).
        u.refresh(p, &ids);
        let trust = if ids.is_empty() {
            0.0
        } else {
            ids.iter().map(|&i| u.out_trust[i]).sum::<f64>() / ids.len() as f64
        };
        u.formality = formality(p, u.start_trust, trust);
    }
    // 1. Interventions.
    if interventions(p, u, work, &ids, t) {
        u.fresh = false;
    }
    if !u.fresh {
        u.refresh(p, &ids);
    }
    let own = ownership(p);
    // 2. Behaviour: who keeps this month's commitments.
    let phase = u.phase as usize;
    // A partnership that has learnt together delivers with less strain.
    let routine = 1.0 - u.learning;
    let target_drag = if p.external_targets {
        0.1 * p.target_strictness
    } else {
        0.0
    };
    // Capacity of the partners who keep them, in partner order.
    let mut kept_capacity = 0.0;
    let mut kept_local = 0.0;
    {
        // The partners' arrays as slices and the generator as a local copy,
        // so that writing one does not make the others be read again.
        let demand = p.pressure * PHASE_DEMAND[phase];
        let (out_trust, capacity) = (&u.out_trust[..], &u.capacity[..]);
        let (commitment, strains, kept) = (&u.commitment[..], &mut u.strain[..], &mut u.kept[..]);
        let level = &u.level[..];
        let mut rng = u.behaviour_rng.clone();
        for &j in &ids {
            let strain =
                (demand * (1.0 - out_trust[j]) * (1.0 - capacity[j] * 0.5) * routine).min(0.95);
            strains[j] = strain;
            let pk = commitment[j] * (1.0 - strain) * (1.0 - target_drag);
            // Without a branch on the draw (adding +0 changes nothing).
            let k = if unit(&mut rng) < pk { 1.0 } else { 0.0 };
            kept[j] = k;
            // Local partners' capacity is scaled by each place's own
            // resources when the places' delivery is worked out.
            let local = if level[j] == 2 { 1.0 } else { 0.0 };
            kept_capacity += capacity[j] * k * (1.0 - local);
            kept_local += capacity[j] * k * local;
        }
        u.behaviour_rng = rng;
    }
    // 3–6. The pair pass over the active partners (below): this month's
    // contact (with cooperation as of the start of the month), evidence and
    // trust of both directions, who cooperates now, the horizontal cost and
    // the sums that the observed trust and the Friedkin–Johnsen step need.
    // Each partner's sums receive their terms in ascending order of the
    // other partner, as a row-by-row pass would.
    let lead = (p.leadership + u.leadership_bonus).min(1.0);
    let mult = PHASE_CONTACT[phase.min(2)] * (0.75 + 0.5 * lead) * (1.0 + 0.3 * p.vision_work);
    let teams_on = t >= p.teams_from;
    let executing = u.phase == Phase::Execute;
    let base = if link > 0.0 {
        &u.linked_contact
    } else {
        &u.base_contact
    };
    let lambda_v = p.susceptibility + 0.5 * p.vision_work * (1.0 - p.susceptibility);
    let teams = teams_on && p.teams > 0;
    let others = ids.len().saturating_sub(1);
    let mut tsum = 0.0;
    let mut at_level = [0usize; 4];
    let np = u.stride;
    let consts = PairConsts {
        mult,
        lambda: p.forgetting,
        wk: p.weight_kept,
        wb: p.weight_broken,
        risk: p.risk,
        floor: p.hassle_floor,
        hassle_left: 1.0 - p.hassle_floor,
        executing,
        teams,
    };
    let totals = first_pass(
        &consts,
        &mut PairArrays {
            n,
            np,
            ids: &ids,
            act: &work.act,
            kept: &u.kept,
            mate: &u.mate,
            base,
            bonus: &u.bonus,
            coop: &mut u.coop,
            evidence: &mut u.evidence,
            trust: &mut work.trust,
            contact: &mut work.contact,
            terms: &mut work.terms,
            level: &u.level,
            view: &u.view,
            sums: &mut work.sums,
        },
    );
    let (coop, mut horizontal, tmin) = (totals.coop, totals.horizontal, totals.tmin);
    // Then partner by partner: its observed trust and its Friedkin–Johnsen
    // step; `level_sum[a][b]` is the sum of the trust of partners at level a
    // in partners at level b.
    let level_sum = {
        let sums = &work.sums[..7 * np];
        let (row_tau, row_weight) = (&sums[..np], &sums[np..2 * np]);
        let (row_weighted, row_level) = (&sums[2 * np..3 * np], &sums[3 * np..]);
        let (by_n, by_r, by_l) = (
            &row_level[..np],
            &row_level[np..2 * np],
            &row_level[2 * np..3 * np],
        );
        // The partners' arrays as slices, so that writing one does not make
        // the others be looked up again.
        let (level, view, anchor) = (&u.level[..], &u.view[..], &u.anchor[..]);
        let (out_trust, next_view) = (&mut u.out_trust[..], &mut u.next_view[..]);
        // Sums of trust by the level of the truster (row) and of the
        // trusted (column), each in its own register.
        let (mut s00, mut s01, mut s02) = (0.0f64, 0.0f64, 0.0f64);
        let (mut s10, mut s11, mut s12) = (0.0f64, 0.0f64, 0.0f64);
        let (mut s20, mut s21, mut s22) = (0.0f64, 0.0f64, 0.0f64);
        work.values.clear();
        for &i in &ids {
            let level_i = level[i] & 3;
            tsum += row_tau[i];
            at_level[level_i] += 1;
            // Levels are 0, 1 and 2.
            let (x0, x1, x2) = (by_n[i], by_r[i], by_l[i]);
            match level_i {
                0 => (s00, s01, s02) = (s00 + x0, s01 + x1, s02 + x2),
                1 => (s10, s11, s12) = (s10 + x0, s11 + x1, s12 + x2),
                2 => (s20, s21, s22) = (s20 + x0, s21 + x1, s22 + x2),
                _ => {}
            }
            out_trust[i] = if others > 0 {
                row_tau[i] / others as f64
            } else {
                0.5
            };
            let next = if row_weight[i] > 0.0 {
                lambda_v
                    * (p.self_weight * view[i]
                        + (1.0 - p.self_weight) * row_weighted[i] / row_weight[i])
                    + (1.0 - lambda_v) * anchor[i]
            } else {
                anchor[i]
            };
            next_view[i] = next;
            // The active partners' views, for their dispersion.
            work.values.push(next);
        }
        [[s00, s01, s02], [s10, s11, s12], [s20, s21, s22]]
    };
    // A partner outside the partnership keeps its initial view.
    if ids.len() < n {
        for i in (0..n).filter(|&i| !u.active[i]) {
            u.next_view[i] = u.anchor[i];
        }
    }
    std::mem::swap(&mut u.view, &mut u.next_view);
    // Ordered pairs between partners of levels a and b.
    let level_count = |a: usize, b: usize| {
        if a == b {
            at_level[a] * at_level[a].saturating_sub(1)
        } else {
            at_level[a] * at_level[b]
        }
    };
    u.fresh = true;
    let pairs = ids.len() * others;
    let trust_mean = if pairs > 0 { tsum / pairs as f64 } else { 0.0 };
    let (mut cross_sum, mut cross_count) = (0.0, 0usize);
    for (a, sums_a) in level_sum.iter().enumerate() {
        for (b, &sum) in sums_a.iter().enumerate() {
            if a != b {
                cross_sum += sum;
                cross_count += level_count(a, b);
            }
        }
    }
    let level_trust = if cross_count > 0 {
        cross_sum / cross_count as f64
    } else {
        trust_mean
    };
    let dispersion = sd(&work.values);
    let alignment = (1.0 - dispersion / u.initial_dispersion).clamp(0.0, 1.0) * 0.5 + 0.5;
    // 6. Transaction costs: horizontal, hand-overs, running.
    horizontal *= p.pair_hassle * (1.25 - 0.5 * lead);
    let mut vertical = 0.0;
    for (from, to, steps) in handovers(p.assignment).into_iter().flatten() {
        let (x, y) = (from.index(), to.index());
        let count = level_count(x, y) + level_count(y, x);
        let between = if count > 0 {
            (level_sum[x][y] + level_sum[y][x]) / count as f64
        } else {
            0.0
        };
        vertical += handover_cost(p, steps, between, count > 0, link);
    }
    let cost = (horizontal + vertical) * scale + running_cost(p);
    // 7. Coverage, delivery capacity, value added, empowerment.
    let covered = p
        .domains
        .iter()
        .filter(|&&d| who.held & domain_bit(d) != 0)
        .count() as f64
        / p.domains.len().max(1) as f64;
    // Formal relations join the domains up less (§7.0).
    let g = integration(p, trust_mean, alignment, covered) * (1.0 - u.formality);
    let mut value_added = 0.0;
    if executing {
        let diversity = blau(&who.sectors, ids.len()) / 0.75;
        let teams = if teams_on { p.teams.min(5) as f64 } else { 0.0 };
        let cooperating = coop as f64 / pairs.max(1) as f64;
        value_added = p.creativity
            * trust_mean
            * cooperating
            * diversity.min(1.0)
            * (0.5 + u.learning)
            * alignment
            * silo_factor(p)
            * own
            * innovation(p)
            * (1.0 + 0.1 * teams)
            * (1.0 - u.formality)
            * ids.len() as f64
            / u.joined as f64;
    }
    let vol = who.sectors[Sector::Voluntary as usize] as f64 / ids.len().max(1) as f64;
    let empowerment = own
        * (0.5 * GovernanceModel::locality_weights(p)
            + 0.25 * trust_mean
            + 0.25 * (2.0 * vol).min(1.0));
    u.month = super::model::UnitMonth {
        trust_mean,
        trust_min: if pairs > 0 { tmin } else { 0.0 },
        level_trust,
        dispersion,
        coverage: domain_coverage(p, covered, g),
        kept_capacity: if executing { kept_capacity } else { 0.0 },
        kept_local: if executing { kept_local } else { 0.0 },
        value_added,
        cost,
        empowerment,
        delivery: 0.0,
        active: ids.len() as f64,
    };
    u.ids = ids;
}

/// Steps 8–12 for one partnership that has not dissolved: book-keeping and
/// value shown, satisfaction and exits, review, phase transitions, funding
/// renewal and the quorum.
fn respond(p: &GovernanceParams, u: &mut Partnership, work: &mut Work, t: u32, link: f64) {
    let m = u.month;
    u.period[0] += m.delivery;
    u.period[1] += m.value_added;
    u.period[2] += m.cost;
    u.period_months += 1;
    if u.phase == Phase::Execute {
        let benefit = m.delivery + m.value_added;
        let efficiency = if benefit + m.cost > 0.0 {
            benefit / (benefit + m.cost)
        } else {
            0.0
        };
        u.shown += SHOWN_WEIGHT * (efficiency - u.shown);
    }
    // The active partners, as in this month's dynamics.
    let ids = std::mem::take(&mut u.ids);
    // 8. Satisfaction and exits.
    satisfaction(p, u, &ids, &mut work.values, &mut work.satisfaction);
    let hazard_scale = if u.phase == Phase::Negotiate {
        0.5
    } else {
        1.0
    };
    let mut left = 0;
    let mut rng = u.behaviour_rng.clone();
    for (&i, &sat) in ids.iter().zip(&work.satisfaction) {
        let draw = unit(&mut rng);
        if sat < p.exit_threshold
            && draw < hazard_scale * p.exit_rate * (p.exit_threshold - sat) / p.exit_threshold
        {
            u.active[i] = false;
            u.fresh = false;
            left += 1;
        }
    }
    u.behaviour_rng = rng;
    let remaining = ids.len() - left;
    u.ids = ids;
    // 9. Review (Ring & Van de Ven): efficiency and equity.
    if p.review_interval > 0
        && t.is_multiple_of(p.review_interval)
        && matches!(u.phase, Phase::Commit | Phase::Execute)
    {
        review(p, u, &work.satisfaction, t);
    }
    // 10. Phase transitions; the hand-overs delay the start of delivery.
    let in_phase = f64::from(t + 1 - u.phase_start);
    match u.phase {
        Phase::Negotiate
            if (m.trust_mean >= p.trust_threshold || in_phase >= p.max_negotiation_months)
                && (u.negative_reviews == 0 || in_phase >= f64::from(RENEGOTIATION_MONTHS)) =>
        {
            u.phase = Phase::Commit;
            u.phase_start = t + 1;
        }
        Phase::Commit if in_phase >= p.commit_months + handover_delay(p, link) => {
            u.phase = Phase::Execute;
            u.phase_start = t + 1;
            u.period = [0.0; 3];
            u.period_months = 0;
            u.formality = formality(p, u.start_trust, m.trust_mean);
        }
        _ => {}
    }
    // 11. Funding renewal for short-term grants, on the value shown.
    if !p.sustainable_funding
        && u.phase != Phase::Dissolved
        && t.is_multiple_of(p.funding_horizon.max(1))
    {
        let chance = p.renewal * (0.2 + 0.8 * u.shown);
        if unit(&mut u.funding_rng) >= chance {
            u.phase = Phase::Dissolved;
            u.dissolved_by = Some("funding not renewed");
        }
    }
    // 12. Dissolution when too few partners remain: the base is the
    // partners that have joined so far, not those still to come.
    if u.phase != Phase::Dissolved
        && (remaining < p.min_partners.min(u.joined)
            || (remaining as f64) < p.quorum * u.joined as f64)
    {
        u.phase = Phase::Dissolved;
        u.dissolved_by = Some("too few partners");
    }
    if u.phase == Phase::Dissolved {
        u.phase_start = t;
    }
}

/// Lasting formality of a partnership that starts delivering with mean
/// trust `trust`, having started from `start` (mechanism `formality`, §7.0):
/// `formality · clamp((trust_threshold − trust)/(trust_threshold − start), 0, 1)`,
/// the share of the trust it still had to build.
/// Commitments made before trust has grown are kept by formal rules rather
/// than by personal relations, and formal relations do not become
/// informal later (Ring & Van de Ven 1994; Lloyd slide 10).
pub(super) fn formality(p: &GovernanceParams, start: f64, trust: f64) -> f64 {
    let to_build = p.trust_threshold - start;
    if !p.mechanisms.on(Mechanism::Formality) || to_build <= 0.0 {
        return 0.0;
    }
    p.formality * ((p.trust_threshold - trust) / to_build).clamp(0.0, 1.0)
}

/// Weight of this month's efficiency in the value shown (an exponential
/// average with a memory of about ten months).
pub const SHOWN_WEIGHT: f64 = 0.1;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Model, SimRng};
    use rand::SeedableRng;

    /// The pair passes keep the evidence of both directions in planes and
    /// sum rows from column-major scratch; what they leave must agree with
    /// the evidence read back pair by pair.
    #[test]
    fn pair_pass_agrees_with_the_evidence_read_back() {
        let p = GovernanceParams::default_params();
        let model = GovernanceModel;
        let mut rng = SimRng::seed_from_u64(11);
        let mut st = model.init(&p, &mut rng).unwrap();
        let u = &st.units[0];
        let n = u.n();
        for i in 0..n {
            for j in (0..n).filter(|&j| j != i) {
                let (r, s) = (u.kept_evidence(i, j), u.broken_evidence(i, j));
                assert_eq!(r + s, p.prior_weight, "prior evidence of ({i}, {j})");
                assert_eq!(u.trust(i, j), (r + 1.0) / (r + s + 2.0));
            }
        }
        for t in 1..=24 {
            month(&p, &mut st, t);
        }
        for u in st.units.iter().filter(|u| u.phase != Phase::Dissolved) {
            let ids: Vec<usize> = (0..u.n()).filter(|&i| u.active[i]).collect();
            for &i in &ids {
                let others: Vec<usize> = ids.iter().copied().filter(|&j| j != i).collect();
                let mean = others.iter().map(|&j| u.trust(i, j)).sum::<f64>() / others.len() as f64;
                assert!(
                    (u.out_trust[i] - mean).abs() < 1e-12,
                    "out-trust of {i}: {} vs {mean}",
                    u.out_trust[i]
                );
                for &j in others.iter().filter(|&&j| j > i) {
                    let both = u.trust(i, j) >= p.risk && u.trust(j, i) >= p.risk;
                    assert_eq!(
                        u.coop[i * u.stride + j] != 0,
                        both,
                        "cooperation of ({i}, {j})"
                    );
                    // Each direction has its own evidence plane.
                    let (np, k) = (u.stride, i * u.stride + j);
                    assert_eq!(
                        u.kept_evidence(i, j),
                        u.evidence[super::super::pairs::R_IJ * np * np + k],
                        "plane of ({i}, {j})"
                    );
                    assert_eq!(
                        u.kept_evidence(j, i),
                        u.evidence[super::super::pairs::R_JI * np * np + k]
                    );
                }
            }
        }
    }
}
