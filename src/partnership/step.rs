//! The monthly step of the governance model, in the order of
//! `docs/model.md` §"Process overview and scheduling". The step allocates
//! nothing: the buffers it needs live in [`State`].

use super::events::{interventions, review, satisfaction};
use super::model::{
    FORMAL_CONTACT, GovernanceModel, PHASE_CONTACT, PHASE_DEMAND, Phase, RENEGOTIATION_MONTHS,
    State, TEAM_CONTACT, ownership,
};
use super::params::{GovernanceParams, Sector};
use super::vision::friedkin_johnsen_step;
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

impl State {
    pub(super) fn n(&self) -> usize {
        self.active.len()
    }

    /// Expected trust of i in j, τ = (r + 1)/(r + s + 2), as of the last
    /// [`State::refresh_trust`].
    pub(super) fn trust(&self, i: usize, j: usize) -> f64 {
        self.tau[i * self.n() + j]
    }

    /// Recomputes every τ from the evidence (after the evidence changed).
    pub(super) fn refresh_trust(&mut self) {
        for ((t, r), s) in self.tau.iter_mut().zip(&self.r).zip(&self.s) {
            *t = (r + 1.0) / (r + s + 2.0);
        }
    }

    /// Whether i and j take the risk of working together: both trust each
    /// other above the perceived risk (Mayer, Davis & Schoorman 1995).
    pub(super) fn cooperates(&self, p: &GovernanceParams, i: usize, j: usize) -> bool {
        self.trust(i, j).min(self.trust(j, i)) >= p.risk
    }

    /// Mean trust of `i` in the other active partners `ids` (ascending).
    pub(super) fn trust_out(&self, i: usize, ids: &[usize]) -> f64 {
        let row = &self.tau[i * self.n()..(i + 1) * self.n()];
        let mut sum = 0.0;
        let mut k = 0;
        for &j in ids {
            if j != i {
                sum += row[j];
                k += 1;
            }
        }
        if k == 0 { 0.5 } else { sum / k as f64 }
    }

    pub(super) fn add_evidence(&mut self, i: usize, j: usize, amount: f64) {
        let n = self.n();
        self.r[i * n + j] += amount;
        self.r[j * n + i] += amount;
    }
}

/// Population standard deviation (0 for fewer than two values).
pub(super) fn sd(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64).sqrt()
}

/// Blau's index of heterogeneity 1 − Σ shareₖ² over the sectors of the
/// partners `ids`.
fn blau(p: &GovernanceParams, ids: &[usize]) -> f64 {
    if ids.is_empty() {
        return 0.0;
    }
    let n = ids.len() as f64;
    1.0 - Sector::ALL
        .iter()
        .map(|s| {
            let c = ids.iter().filter(|&&i| p.partners[i].sector == *s).count() as f64 / n;
            c * c
        })
        .sum::<f64>()
}

/// Partners whose `join_month` is `t` become active. Their trust evidence
/// and contact have not changed since `init` (only pairs of active partners
/// are updated), so they start from the prior; their view sits at its
/// initial position (an inactive partner is fully stubborn). The reference
/// dispersion of alignment becomes that of the initial views of every
/// partner joined so far.
fn join(p: &GovernanceParams, st: &mut State, t: u32) {
    let mut any = false;
    for (i, q) in p.partners.iter().enumerate() {
        if q.join_month > 1 && q.join_month == t {
            st.active[i] = true;
            st.joined += 1;
            any = true;
        }
    }
    if any {
        st.initial_dispersion = joined_dispersion(p, &st.anchor, t, &mut st.work.values);
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

/// One month: interventions, behaviour, trust, vision, costs, outputs,
/// exits, review, phase change, funding, dissolution.
pub(super) fn step(p: &GovernanceParams, st: &mut State, t: u32) {
    st.totals.months = t;
    if st.phase == Phase::Dissolved {
        st.month.cost = 0.0;
        st.month.delivery = 0.0;
        st.month.value_added = 0.0;
        st.month.empowerment = 0.0;
        st.month.fit = GovernanceModel::fit(p, 0.0, 0.0);
        st.totals.fit += st.month.fit;
        return;
    }
    let n = st.n();
    // Partners joining this month (only when some are still to come, so
    // that a scenario without late joiners runs exactly as before).
    if st.joined < n {
        join(p, st, t);
    }
    let mut work = std::mem::take(&mut st.work);
    work.ids.clear();
    work.ids.extend((0..n).filter(|&i| st.active[i]));
    let ids = &work.ids;
    // 0. Delivery forced from outside.
    if p.delivery_start > 0 && t >= p.delivery_start && st.phase != Phase::Execute {
        st.phase = Phase::Execute;
        st.phase_start = t;
        st.forced = true;
        st.period = [0.0; 3];
    }
    // 1. Interventions.
    if interventions(p, st, ids, t) {
        st.refresh_trust();
    }
    // 2. Behaviour: who keeps this month's commitments.
    let phase = st.phase as usize;
    let target_drag = if p.external_targets {
        0.1 * p.target_strictness
    } else {
        0.0
    };
    for &j in ids {
        let strain = (p.pressure
            * PHASE_DEMAND[phase]
            * (1.0 - st.trust_out(j, ids))
            * (1.0 - st.capacity[j] * 0.5))
            .min(0.95);
        st.strain[j] = strain;
        let pk = st.commitment[j] * (1.0 - strain) * (1.0 - target_drag);
        st.kept[j] = unit(&mut st.behaviour_rng) < pk;
    }
    // 3. Contact (from the trust at the start of the month), then trust:
    // discounted beta evidence weighted by the contact.
    let mut contact = std::mem::take(&mut st.contact_now);
    contact.clear();
    contact.resize(n * n, 0.0);
    let lead = (p.leadership + st.leadership_bonus).min(1.0);
    let mult = PHASE_CONTACT[phase.min(2)] * (0.75 + 0.5 * lead) * (1.0 + 0.3 * p.vision_work);
    let teams_on = t >= p.teams_from;
    let executing = st.phase == Phase::Execute;
    for &i in ids {
        let team_i = st.team[i];
        for &j in ids {
            if i == j {
                continue;
            }
            let k = i * n + j;
            let team = if teams_on && team_i != usize::MAX && team_i == st.team[j] {
                TEAM_CONTACT
            } else {
                0.0
            };
            let mut m = (st.base_contact[k] * mult + st.bonus[k] + team).min(1.0);
            if executing && !st.cooperates(p, i, j) {
                m *= FORMAL_CONTACT;
            }
            contact[k] = m;
            let kept = if st.kept[j] { 1.0 } else { 0.0 };
            st.r[k] = p.forgetting * st.r[k] + p.weight_kept * m * kept;
            st.s[k] = p.forgetting * st.s[k] + p.weight_broken * m * (1.0 - kept);
        }
    }
    st.refresh_trust();
    // 4. Shared vision: Friedkin–Johnsen on trust-weighted contact.
    let susceptibility = p.susceptibility + 0.5 * p.vision_work * (1.0 - p.susceptibility);
    work.lambda.clear();
    work.lambda.resize(n, 0.0);
    {
        // nalgebra stores the matrix column by column: w(i, j) at j·n + i.
        let w = st.influence.as_mut_slice();
        for i in 0..n {
            let mut row_sum = 0.0;
            for j in 0..n {
                let v = if i != j && st.active[i] && st.active[j] {
                    contact[i * n + j] * st.tau[i * n + j]
                } else {
                    0.0
                };
                w[j * n + i] = v;
                row_sum += v;
            }
            if row_sum > 0.0 {
                let scale = (1.0 - p.self_weight) / row_sum;
                for j in 0..n {
                    w[j * n + i] *= scale;
                }
                w[i * n + i] = p.self_weight;
                work.lambda[i] = susceptibility;
            } else {
                w[i * n + i] = 1.0;
            }
        }
    }
    friedkin_johnsen_step(
        &st.influence,
        &work.lambda,
        &st.anchor,
        &mut st.view,
        &mut st.scratch,
    );
    // 5. Observed trust and dispersion.
    let (mut tsum, mut tmin, mut tcount, mut coop) = (0.0, 1.0_f64, 0usize, 0usize);
    let (mut lsum, mut lcount) = (0.0, 0usize);
    for &i in ids {
        let level_i = p.partners[i].level;
        for &j in ids {
            if i != j {
                let tau = st.trust(i, j);
                tsum += tau;
                tmin = tmin.min(tau);
                tcount += 1;
                coop += usize::from(st.cooperates(p, i, j));
                if level_i != p.partners[j].level {
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
    work.values.clear();
    work.values.extend(ids.iter().map(|&i| st.view[i]));
    let dispersion = sd(&work.values);
    let alignment = (1.0 - dispersion / st.initial_dispersion).clamp(0.0, 1.0) * 0.5 + 0.5;
    // 6. Transaction costs.
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
    let running =
        p.running * (1.0 + p.scale_penalty * 0.5 * (a.conceive.locality() + a.manage.locality()));
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
    let mut delivery = 0.0;
    let mut value_added = 0.0;
    if executing {
        for &j in ids {
            if st.kept[j] {
                delivery += st.capacity[j] * p.productivity * fit;
            }
        }
        let diversity = blau(p, ids) / 0.75;
        let teams_on = if teams_on { p.teams.min(5) as f64 } else { 0.0 };
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
            / st.joined as f64;
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
    st.month.trust_mean = trust_mean;
    st.month.trust_min = if tcount > 0 { tmin } else { 0.0 };
    st.month.dispersion = dispersion;
    st.month.cost = cost;
    st.month.delivery = delivery;
    st.month.fit = fit;
    st.month.value_added = value_added;
    st.month.empowerment = empowerment;
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
    satisfaction(p, st, ids, &mut work.values, &mut work.satisfaction);
    let hazard_scale = if st.phase == Phase::Negotiate {
        0.5
    } else {
        1.0
    };
    for (k, &i) in ids.iter().enumerate() {
        let sat = work.satisfaction[k];
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
        review(p, st, &work.satisfaction, t);
    }
    st.work = work;
    // 10. Phase transitions.
    let in_phase = f64::from(t + 1 - st.phase_start);
    match st.phase {
        Phase::Negotiate
            if (trust_mean >= p.trust_threshold || in_phase >= p.max_negotiation_months)
                && (st.negative_reviews == 0 || in_phase >= f64::from(RENEGOTIATION_MONTHS)) =>
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
    if !p.sustainable_funding
        && st.phase != Phase::Dissolved
        && t.is_multiple_of(p.funding_horizon.max(1))
    {
        let chance = p.renewal * (0.4 + 0.6 * trust_mean);
        if unit(&mut st.funding_rng) >= chance {
            st.phase = Phase::Dissolved;
            st.dissolved_by = Some("funding not renewed");
        }
    }
    // 12. Dissolution when too few partners remain: the base is the
    // partners that have joined so far, not those still to come.
    let remaining = st.active.iter().filter(|&&x| x).count();
    if st.phase != Phase::Dissolved
        && (remaining < p.min_partners.min(st.joined)
            || (remaining as f64) < p.quorum * st.joined as f64)
    {
        st.phase = Phase::Dissolved;
        st.dissolved_by = Some("too few partners");
    }
    if st.phase == Phase::Dissolved {
        st.phase_start = t;
    }
}
