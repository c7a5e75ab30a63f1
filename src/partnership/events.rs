//! Interventions, satisfaction and reviews: the events of the monthly step
//! that act on the partnership as a whole.

use super::functions::ownership;
use super::mechanisms::Mechanism;
use super::model::{
    BONUS_CAP, DISSOLVING_REVIEWS, EXCHANGE_CONTACT_PER_WEEK, EXCHANGE_EVIDENCE_PER_WEEK,
    EXCHANGE_SPILLOVER, LEADER_EXCHANGE_EVIDENCE, Partnership, Phase, WORKSHOP_GAIN, Work,
};
use super::params::{GovernanceParams, Sector};
use super::step::poisson;
use rand::RngExt;

/// Applies this month's interventions to the active partners `ids`; true
/// when trust evidence changed.
pub(super) fn interventions(
    p: &GovernanceParams,
    st: &mut Partnership,
    work: &mut Work,
    ids: &[usize],
    t: u32,
) -> bool {
    let mut changed = false;
    let np = st.stride;
    let exchanging = (t >= p.exchanges_from && p.exchanges_per_year > 0.0)
        || (t >= p.leaders_from && p.leader_pairs_per_year > 0.0);
    work.public.clear();
    work.others.clear();
    work.voluntary.clear();
    if exchanging {
        for &i in ids {
            match p.partners[i].sector {
                Sector::Public => work.public.push(i),
                Sector::Voluntary => {
                    work.others.push(i);
                    work.voluntary.push(i);
                }
                _ => work.others.push(i),
            }
        }
    }
    let (public, others, voluntary) = (&work.public, &work.others, &work.voluntary);
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
                ids,
                p.partners[i].sector,
                p.partners[j].sector,
                evidence * EXCHANGE_SPILLOVER,
            );
            let b = (st.bonus[i * np + j] + EXCHANGE_CONTACT_PER_WEEK * p.exchange_weeks)
                .min(BONUS_CAP);
            st.bonus[i * np + j] = b;
            st.bonus[j * np + i] = b;
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
                ids,
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
            for &i in ids {
                st.capacity[i] += WORKSHOP_GAIN * (1.0 - st.capacity[i]);
            }
            st.learning += WORKSHOP_GAIN * (1.0 - st.learning);
        }
    }
    changed
}

/// Evidence that reaches every pair between two sectors (understanding of
/// the other sector carried back into the organisations).
fn spill(
    p: &GovernanceParams,
    st: &mut Partnership,
    ids: &[usize],
    a: Sector,
    b: Sector,
    amount: f64,
) {
    if amount <= 0.0 {
        return;
    }
    for &i in ids {
        for &j in ids {
            let (si, sj) = (p.partners[i].sector, p.partners[j].sector);
            if i != j && ((si == a && sj == b) || (si == b && sj == a)) {
                st.add_kept(i, j, amount);
            }
        }
    }
}

/// Each active partner's satisfaction: trust in the others, equity and the
/// value shown, weighed by ownership, less strain. `power` is a work buffer;
/// the result, one value per partner of `ids`, goes to `out`.
pub(super) fn satisfaction(
    p: &GovernanceParams,
    st: &Partnership,
    ids: &[usize],
    power: &mut Vec<f64>,
    out: &mut Vec<f64>,
) {
    power.clear();
    // capacity · sector power · (1 + ½·(2 − level)), the two constant
    // factors looked up once per run (`Partnership::power_factors`).
    let (factors, capacity) = (&st.power_factors[..], &st.capacity[..]);
    power.extend(ids.iter().map(|&i| {
        let [sector, level] = factors[i];
        capacity[i] * sector * level
    }));
    let total: f64 = power.iter().sum();
    let m = ids.len().max(1) as f64;
    let own = ownership(p);
    let owned = 0.85 + 0.15 * own;
    let shown = 1.0 + 0.4 * (st.shown - 0.5);
    let (equal_share, unequal, total) = (p.fairness / m, 1.0 - p.fairness, total.max(1e-12));
    out.clear();
    let (out_trust, strain) = (&st.out_trust[..], &st.strain[..]);
    out.extend(ids.iter().zip(power.iter()).map(|(&i, &power)| {
        let benefit = equal_share + unequal * power / total;
        let equity = (benefit * m).min(1.0);
        owned * (0.5 * out_trust[i] + 0.5 * equity) * shown - 0.5 * strain[i]
    }));
}

/// A review of efficiency and equity (Ring & Van de Ven 1994).
pub(super) fn review(p: &GovernanceParams, st: &mut Partnership, satisfaction: &[f64], t: u32) {
    let [d, v, c] = st.period;
    let months = st.period_months;
    st.period = [0.0; 3];
    st.period_months = 0;
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
    // Outside targets (mechanism `target_review`): the level that set them
    // judges the delivery per place over the period against a share of what
    // the active partners could deliver at full capacity and perfect fit,
    // and withdraws after DISSOLVING_REVIEWS misses in a row.
    if executing && p.external_targets && p.mechanisms.on(Mechanism::TargetReview) {
        let potential: f64 = st
            .capacity
            .iter()
            .zip(&st.active)
            .filter(|&(_, &on)| on)
            .map(|(c, _)| c)
            .sum::<f64>()
            * p.productivity
            * f64::from(months);
        if d >= p.target_level * potential {
            st.missed_targets = 0;
        } else {
            st.missed_targets += 1;
            if st.missed_targets >= DISSOLVING_REVIEWS {
                st.phase = Phase::Dissolved;
                st.dissolved_by = Some("outside targets missed");
                return;
            }
        }
    }
    if positive {
        st.negative_reviews = 0;
        // The current members' commitment widens (partners who left never
        // act again; partners still to join bring their own commitment).
        // Ownership of the policy makes the commitment widen faster.
        let widen = 0.1 * ownership(p);
        for (c, &member) in st.commitment.iter_mut().zip(&st.active) {
            if member {
                *c += widen * (1.0 - *c);
            }
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
