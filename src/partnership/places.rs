//! Places: a nation of regions, each of several localities, with local needs
//! that differ between and within regions (`docs/model.md` §7.P).
//!
//! A policy is tailored at the level that conceives it: one target for the
//! whole nation, one per region or one per locality. A lower level knows its
//! own needs better but counts only its own share of the benefit, so it
//! under-provides when benefits spill over to other places (Oates 1972;
//! Besley & Coate 2003). The functions here are the stylised, closed-form
//! part of that argument, usable without any partnership dynamics:
//!
//! ```
//! use mlgov::partnership::{oates_losses, oates_switch_spillover};
//! // Two regions of two localities; ideal provision per locality.
//! let needs = [0.5, 1.0, 1.5, 1.0];
//! let s = oates_switch_spillover(&needs).unwrap();
//! // Below the switch point local provision loses less than a uniform one.
//! let below = oates_losses(&needs, 2, 2, 0.9 * s);
//! let above = oates_losses(&needs, 2, 2, 1.1 * s);
//! assert!(below.local < below.central && above.local > above.central);
//! ```

use crate::governance::Level;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// The national mean of ideal provision: needs are measured in units of it.
pub const NEEDS_MEAN: f64 = 1.0;

/// Regions and localities, with each locality's ideal provision.
#[derive(Debug, Clone, PartialEq)]
pub struct Places {
    regions: usize,
    per_region: usize,
    needs: Vec<f64>,
    capacity: Vec<f64>,
    region_mean: Vec<f64>,
    national_mean: f64,
}

impl Places {
    /// Draws the needs and the capacity of `regions × per_region`
    /// localities. Needs are log-normal with mean `NEEDS_MEAN` and variance
    /// `V`: with `σ² = ln(1 + V)`, locality p of region r has
    /// `θ_p = exp(√(σ²ρ)·z_r + √(σ²(1−ρ))·z_p − σ²/2)`, so a share ρ of the
    /// log-variance lies between regions and every need is positive (it is
    /// an ideal level of provision). Each locality's own capacity is a
    /// multiplier `a_p = exp(√c²·y_p − c²/2)`, `c² = ln(1 + capacity_variance)`
    /// (mean 1). The draws are taken in a fixed order (every region's `z_r`,
    /// every locality's `z_p`, then every locality's `y_p`) and do not depend
    /// on the variances, so changing them keeps the same random numbers.
    pub fn draw<R: Rng + ?Sized>(
        regions: usize,
        per_region: usize,
        variance: f64,
        regional_share: f64,
        capacity_variance: f64,
        rng: &mut R,
    ) -> Places {
        let regions = regions.max(1);
        let per_region = per_region.max(1);
        let between: Vec<f64> = (0..regions)
            .map(|_| StandardNormal.sample(&mut *rng))
            .collect();
        let log_var = variance.max(0.0).ln_1p();
        let sb = (log_var * regional_share).max(0.0).sqrt();
        let sw = (log_var * (1.0 - regional_share)).max(0.0).sqrt();
        let needs = (0..regions * per_region)
            .map(|p| {
                let z: f64 = StandardNormal.sample(&mut *rng);
                NEEDS_MEAN * (sb * between[p / per_region] + sw * z - 0.5 * log_var).exp()
            })
            .collect();
        let cap_var = capacity_variance.max(0.0).ln_1p();
        let capacity = (0..regions * per_region)
            .map(|_| {
                let y: f64 = StandardNormal.sample(&mut *rng);
                (cap_var.sqrt() * y - 0.5 * cap_var).exp()
            })
            .collect();
        Places::from_needs(regions, per_region, needs).with_capacity(capacity)
    }

    /// These places with each locality's own capacity multiplier `a_p`
    /// (one per locality; [`Places::from_needs`] sets them all to 1).
    pub fn with_capacity(mut self, capacity: Vec<f64>) -> Places {
        assert_eq!(
            capacity.len(),
            self.needs.len(),
            "one capacity per locality"
        );
        self.capacity = capacity;
        self
    }

    /// Each locality's own capacity multiplier `a_p` (mean 1 in expectation).
    pub fn capacity(&self) -> &[f64] {
        &self.capacity
    }

    /// Places with given needs, `needs.len() = regions × per_region`, listed
    /// region by region, each with capacity multiplier 1.
    ///
    /// # Panics
    /// If the length does not match (a programming error, not user input).
    pub fn from_needs(regions: usize, per_region: usize, needs: Vec<f64>) -> Places {
        assert_eq!(needs.len(), regions * per_region, "one need per locality");
        let region_mean = needs
            .chunks(per_region)
            .map(|c| c.iter().sum::<f64>() / c.len() as f64)
            .collect();
        let national_mean = needs.iter().sum::<f64>() / needs.len() as f64;
        Places {
            regions,
            per_region,
            capacity: vec![1.0; needs.len()],
            needs,
            region_mean,
            national_mean,
        }
    }

    /// Number of localities.
    pub fn count(&self) -> usize {
        self.needs.len()
    }

    /// Number of regions.
    pub fn regions(&self) -> usize {
        self.regions
    }

    /// Localities per region.
    pub fn per_region(&self) -> usize {
        self.per_region
    }

    /// Ideal provision of every locality.
    pub fn needs(&self) -> &[f64] {
        &self.needs
    }

    /// How many decision units a level has: one nation, the regions, or the localities.
    pub fn units(&self, level: Level) -> usize {
        match level {
            Level::National => 1,
            Level::Regional => self.regions,
            Level::Local => self.count(),
        }
    }

    /// The unit of `level` that locality `p` belongs to.
    pub fn unit_of(&self, p: usize, level: Level) -> usize {
        match level {
            Level::National => 0,
            Level::Regional => p / self.per_region,
            Level::Local => p,
        }
    }

    /// Localities in one unit of `level`.
    pub fn places_per_unit(&self, level: Level) -> usize {
        self.count() / self.units(level)
    }

    /// The needs locality `p` has as seen from `level`: the national mean,
    /// its region's mean or its own.
    pub fn needs_at(&self, p: usize, level: Level) -> f64 {
        match level {
            Level::National => self.national_mean,
            Level::Regional => self.region_mean[p / self.per_region],
            Level::Local => self.needs[p],
        }
    }

    /// Share of the benefit of a decision taken at `level` that accrues
    /// outside the deciding unit when a share `spillover` of each
    /// locality's benefit is spread evenly over the other localities: 0 for
    /// the nation, `s·(P − n)/(P − 1)` for a region of n of P localities,
    /// `s` for a locality.
    pub fn leakage(&self, level: Level, spillover: f64) -> f64 {
        let total = self.count();
        if total <= 1 {
            return 0.0;
        }
        let inside = self.places_per_unit(level);
        spillover * (total - inside) as f64 / (total - 1) as f64
    }

    /// The provision the level that conceives the policy sets for locality
    /// `p`: the needs it sees, scaled down by the share of the benefit it
    /// does not count (a unit weighs only its own residents' benefit; with
    /// quadratic costs it provides `(1 − leak)·θ`).
    pub fn conceived_target(&self, p: usize, level: Level, spillover: f64) -> f64 {
        (1.0 - self.leakage(level, spillover)) * self.needs_at(p, level)
    }
}

/// Mean quadratic loss per locality of the three ways of conceiving a policy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OatesLosses {
    /// One national target: `mean (θ_p − θ̄)²`.
    pub central: f64,
    /// One target per region, each region counting only its own benefit.
    pub regional: f64,
    /// One target per locality, each counting only its own benefit: `s²·mean θ_p²`.
    pub local: f64,
}

/// The losses of central, regional and local provision for localities with
/// ideal provision `needs` (region by region), using exactly the targets the
/// model sets ([`Places::conceived_target`]).
///
/// # Panics
/// If `needs.len() ≠ regions × per_region`.
pub fn oates_losses(
    needs: &[f64],
    regions: usize,
    per_region: usize,
    spillover: f64,
) -> OatesLosses {
    let places = Places::from_needs(regions, per_region, needs.to_vec());
    let loss = |level: Level| {
        (0..places.count())
            .map(|p| (places.conceived_target(p, level, spillover) - needs[p]).powi(2))
            .sum::<f64>()
            / places.count() as f64
    };
    OatesLosses {
        central: loss(Level::National),
        regional: loss(Level::Regional),
        local: loss(Level::Local),
    }
}

/// The spill-over share at which local provision stops beating one uniform
/// national policy: local loses `s²·mean θ²`, central loses `Var θ`
/// (population variance), so they are equal at `s* = √(Var θ / mean θ²)`.
/// `None` when every need is zero (nothing to provide).
pub fn oates_switch_spillover(needs: &[f64]) -> Option<f64> {
    let n = needs.len() as f64;
    if needs.is_empty() {
        return None;
    }
    let mean = needs.iter().sum::<f64>() / n;
    let var = needs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let second = needs.iter().map(|x| x * x).sum::<f64>() / n;
    if second <= 0.0 {
        None
    } else {
        Some((var / second).sqrt())
    }
}

/// The Gini coefficient of non-negative values: the mean absolute
/// difference over all ordered pairs divided by twice the mean,
/// `G = Σ_p Σ_q |b_p − b_q| / (2 P² b̄)`; 0 when all values are equal
/// (including all zero).
///
/// ```
/// use mlgov::partnership::gini;
/// assert_eq!(gini(&[1.0, 1.0, 1.0]), 0.0);
/// assert!((gini(&[0.0, 0.0, 0.0, 1.0]) - 0.75).abs() < 1e-12);
/// ```
pub fn gini(values: &[f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if mean <= 0.0 {
        return 0.0;
    }
    let mut sum = 0.0;
    for a in values {
        for b in values {
            sum += (a - b).abs();
        }
    }
    sum / (2.0 * (n * n) as f64 * mean)
}

/// Spreads a share `spillover` of each locality's benefit evenly over the
/// other localities: `b'_p = (1 − s)·b_p + s·Σ_{q≠p} b_q/(P − 1)`. The
/// total is unchanged. With one locality nothing spills.
pub fn spread_benefits(benefits: &[f64], spillover: f64, out: &mut Vec<f64>) {
    out.clear();
    let n = benefits.len();
    if n <= 1 {
        out.extend_from_slice(benefits);
        return;
    }
    let total: f64 = benefits.iter().sum();
    out.extend(
        benefits
            .iter()
            .map(|&b| (1.0 - spillover) * b + spillover * (total - b) / (n - 1) as f64),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng_from_seed;

    #[test]
    fn draws_have_the_stated_mean_variance_and_log_split() {
        let mut rng = rng_from_seed(3);
        let (mut mean, mut total, mut log_within, mut cap_mean, mut cap_var) =
            (0.0, 0.0, 0.0, 0.0, 0.0);
        let reps = 4000;
        for _ in 0..reps {
            let p = Places::draw(6, 6, 0.5, 0.25, 0.09, &mut rng);
            assert!(p.needs.iter().all(|&x| x > 0.0), "needs are positive");
            mean += p.needs.iter().sum::<f64>() / 36.0;
            total += p
                .needs
                .iter()
                .map(|x| (x - NEEDS_MEAN).powi(2))
                .sum::<f64>()
                / 36.0;
            let logs: Vec<f64> = p.needs.iter().map(|x| x.ln()).collect();
            for r in 0..6 {
                let c = &logs[r * 6..r * 6 + 6];
                let m = c.iter().sum::<f64>() / 6.0;
                log_within += c.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 36.0;
            }
            cap_mean += p.capacity.iter().sum::<f64>() / 36.0;
            cap_var += p.capacity.iter().map(|a| (a - 1.0).powi(2)).sum::<f64>() / 36.0;
        }
        let r = reps as f64;
        let (mean, total, log_within) = (mean / r, total / r, log_within / r);
        // V = 0.5: E[θ] = 1, E[(θ − 1)²] = V; the within-region log-variance is
        // σ²(1 − ρ)(5/6) with σ² = ln(1 + V).
        assert!((mean - 1.0).abs() < 0.02, "mean {mean}");
        assert!((total - 0.5).abs() < 0.02, "total {total}");
        let sigma2 = 1.5f64.ln();
        assert!(
            (log_within - sigma2 * 0.75 * 5.0 / 6.0).abs() < 0.02,
            "log within {log_within}"
        );
        assert!((cap_mean / r - 1.0).abs() < 0.01, "capacity mean");
        assert!((cap_var / r - 0.09).abs() < 0.01, "capacity variance");
        // Without variance every place has the national need and capacity 1.
        let flat = Places::draw(3, 4, 0.0, 0.4, 0.0, &mut rng);
        assert!(flat.needs.iter().all(|&x| (x - 1.0).abs() < 1e-15));
        assert!(flat.capacity.iter().all(|&x| (x - 1.0).abs() < 1e-15));
    }

    #[test]
    fn units_and_leakage() {
        let p = Places::from_needs(3, 4, vec![1.0; 12]);
        assert_eq!(p.units(Level::Regional), 3);
        assert_eq!(p.unit_of(5, Level::Regional), 1);
        assert_eq!(p.unit_of(5, Level::Local), 5);
        assert_eq!(p.leakage(Level::National, 0.3), 0.0);
        assert!((p.leakage(Level::Regional, 0.3) - 0.3 * 8.0 / 11.0).abs() < 1e-15);
        assert_eq!(p.leakage(Level::Local, 0.3), 0.3);
    }

    #[test]
    fn spread_keeps_the_total_and_equalises() {
        let mut out = Vec::new();
        spread_benefits(&[0.0, 0.0, 3.0], 0.5, &mut out);
        assert_eq!(out, vec![0.75, 0.75, 1.5]);
        assert!(gini(&out) < gini(&[0.0, 0.0, 3.0]));
    }
}
