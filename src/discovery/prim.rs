//! The Patient Rule Induction Method (Friedman & Fisher 1999) for scenario
//! discovery: a sequence of boxes in the space of the inputs, each holding a
//! higher share of the runs of interest than the one before.
//!
//! - **Peeling.** From the box that holds every run, each step considers
//!   removing, along one input, the `alpha` share of the runs in the box
//!   with the lowest values or with the highest (for a categorical input,
//!   one of its categories), and makes the removal with the largest gain in
//!   the box's share of cases per run removed,
//!   `(density_after − density_before) / runs removed` (Friedman & Fisher's
//!   criterion for peels of unequal size; the EMA Workbench's `lenient1`),
//!   so that removing a whole category must earn its size (ties: the smaller
//!   removal, then the earlier input, lower side first). Ties in values are never split: a removal
//!   takes every run at the value it cuts at. Peeling stops when the next
//!   box would hold less than `min_mass` of the runs, or nothing can be
//!   removed. Every box along the way is kept: the peeling trajectory.
//! - **Pasting.** The chosen box is then widened again where that raises
//!   its density: along one input at a time, the `paste_alpha` share of its
//!   runs nearest outside one of its limits (or one excluded category) is
//!   added back when that gives the highest density of the candidates and
//!   a higher one than the box has; repeated until no addition helps.
//! - **Coverage, density, mass.** For a box holding `n_B` of `n` runs, of
//!   which `k_B` are cases, out of `K` cases in all: coverage `k_B/K`,
//!   density `k_B/n_B`, mass `n_B/n`.
//! - **Quasi-p-values.** For each limit of a box, the chance of seeing at
//!   least `k_B` cases among `n_B` runs if the density were that of the box
//!   without this limit (a one-sided binomial test, as in the EMA
//!   Workbench): a limit with a large value adds little.

use crate::analysis::binomial_upper_tail;

/// One input of the runs: its values, numeric or categorical.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// A number per run.
    Numeric(Vec<f64>),
    /// A category per run (an index into `levels`).
    Categorical {
        /// The category of each run.
        codes: Vec<usize>,
        /// The names of the categories.
        levels: Vec<String>,
    },
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical { codes, .. } => codes.len(),
        }
    }
}

/// A named input.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The input's name (a scenario path, or a factor such as `variant`).
    pub name: String,
    /// Its values, one per run.
    pub column: Column,
}

/// Settings of the search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrimOptions {
    /// Share of the box's runs removed by one peel (0 < alpha < 1).
    pub alpha: f64,
    /// Share of the box's runs added back by one paste (0 < paste_alpha < 1).
    pub paste_alpha: f64,
    /// Smallest mass a box on the trajectory may have (0 < min_mass ≤ 1).
    pub min_mass: f64,
}

impl Default for PrimOptions {
    /// `alpha = 0.05`, `paste_alpha = 0.05`, `min_mass = 0.05`, the usual
    /// values (Friedman & Fisher 1999; EMA Workbench).
    fn default() -> Self {
        PrimOptions {
            alpha: 0.05,
            paste_alpha: 0.05,
            min_mass: 0.05,
        }
    }
}

/// The limits a box puts on one input.
#[derive(Debug, Clone, PartialEq)]
pub enum Limit {
    /// Runs with `lower ≤ x ≤ upper`; a side equal to the data's own
    /// extreme is not a restriction.
    Range {
        /// Lowest value kept.
        lower: f64,
        /// Highest value kept.
        upper: f64,
    },
    /// Runs whose category is one of these.
    Categories(Vec<String>),
}

/// One restricted input of a box, with its quasi-p-values.
#[derive(Debug, Clone, PartialEq)]
pub struct Restriction {
    /// Index of the input.
    pub input: usize,
    /// The input's name.
    pub name: String,
    /// The limits.
    pub limit: Limit,
    /// Whether the lower limit restricts (numeric inputs).
    pub lower_restricted: bool,
    /// Whether the upper limit restricts (numeric inputs).
    pub upper_restricted: bool,
    /// Quasi-p-value of the lower limit (numeric) or of the categories
    /// (categorical).
    pub quasi_p_lower: Option<f64>,
    /// Quasi-p-value of the upper limit (numeric inputs).
    pub quasi_p_upper: Option<f64>,
}

/// A box and how well it describes the cases.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// Share of all cases that the box holds.
    pub coverage: f64,
    /// Share of the box's runs that are cases.
    pub density: f64,
    /// Share of all runs that the box holds.
    pub mass: f64,
    /// Runs in the box.
    pub runs: usize,
    /// Cases in the box.
    pub cases: usize,
    /// The restricted inputs, in input order.
    pub restrictions: Vec<Restriction>,
    limits: Vec<Bound>,
}

/// A box's limits on one input, in the input's own terms.
#[derive(Debug, Clone, PartialEq)]
enum Bound {
    Range(f64, f64),
    Allowed(Vec<bool>),
}

/// What is wrong with the data handed to [`prim`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrimError {
    /// No runs.
    #[error("no runs to search")]
    Empty,
    /// Inputs and outcomes of different lengths.
    #[error("input `{name}` has {got} values for {runs} runs")]
    Length {
        /// The input.
        name: String,
        /// Its number of values.
        got: usize,
        /// The number of outcomes.
        runs: usize,
    },
    /// A numeric input holds a value that is not finite.
    #[error("input `{name}` holds a value that is not a finite number")]
    NotFinite {
        /// The input.
        name: String,
    },
    /// Settings out of range.
    #[error("{0}")]
    Options(String),
}

/// The data PRIM works on, checked.
struct Data<'a> {
    inputs: &'a [Input],
    cases: &'a [bool],
    total_cases: usize,
    /// Each numeric input's extremes (for telling a restriction from the
    /// data's own range).
    extremes: Vec<(f64, f64)>,
}

/// Runs PRIM on `inputs` (one value per run each) for the runs of interest
/// `cases` and returns the peeling trajectory: box 0 holds every run.
pub fn prim(
    inputs: &[Input],
    cases: &[bool],
    options: &PrimOptions,
) -> Result<Vec<PrimBox>, PrimError> {
    let data = Data::new(inputs, cases, options)?;
    let mut members: Vec<usize> = (0..cases.len()).collect();
    let mut limits = data.full_limits();
    let mut trajectory = vec![data.describe(&limits, &members)];
    let min_runs = options.min_mass * cases.len() as f64;
    while let Some((next, kept)) = data.best_peel(&limits, &members, options.alpha) {
        if (kept.len() as f64) < min_runs {
            break;
        }
        limits = next;
        members = kept;
        trajectory.push(data.describe(&limits, &members));
    }
    Ok(trajectory)
}

/// The box `chosen` pasted (widened where that raises its density), with
/// its statistics and quasi-p-values recomputed.
pub fn paste(
    inputs: &[Input],
    cases: &[bool],
    chosen: &PrimBox,
    options: &PrimOptions,
) -> Result<PrimBox, PrimError> {
    let data = Data::new(inputs, cases, options)?;
    let mut limits = chosen.limits.clone();
    loop {
        let members = data.members(&limits);
        let current = data.density(&members);
        let best = data
            .paste_candidates(&limits, &members, options.paste_alpha)
            .into_iter()
            .map(|c| {
                let m = data.members(&c);
                (data.density(&m), m.len(), c)
            })
            .filter(|(d, _, _)| *d > current)
            .fold(None::<(f64, usize, Vec<Bound>)>, |best, cand| match best {
                Some(b) if b.0 >= cand.0 => Some(b),
                _ => Some(cand),
            });
        match best {
            Some((_, _, next)) => limits = next,
            None => return Ok(data.describe(&limits, &members)),
        }
    }
}

impl<'a> Data<'a> {
    fn new(
        inputs: &'a [Input],
        cases: &'a [bool],
        options: &PrimOptions,
    ) -> Result<Self, PrimError> {
        if cases.is_empty() {
            return Err(PrimError::Empty);
        }
        let ok = |v: f64, lo: f64, hi: f64| v > lo && v < hi;
        if !ok(options.alpha, 0.0, 1.0) || !ok(options.paste_alpha, 0.0, 1.0) {
            return Err(PrimError::Options(format!(
                "alpha and paste_alpha must be in (0, 1), got {} and {}",
                options.alpha, options.paste_alpha
            )));
        }
        if !(options.min_mass > 0.0 && options.min_mass <= 1.0) {
            return Err(PrimError::Options(format!(
                "min_mass must be in (0, 1], got {}",
                options.min_mass
            )));
        }
        let mut extremes = Vec::with_capacity(inputs.len());
        for input in inputs {
            if input.column.len() != cases.len() {
                return Err(PrimError::Length {
                    name: input.name.clone(),
                    got: input.column.len(),
                    runs: cases.len(),
                });
            }
            extremes.push(match &input.column {
                Column::Numeric(v) => {
                    if v.iter().any(|x| !x.is_finite()) {
                        return Err(PrimError::NotFinite {
                            name: input.name.clone(),
                        });
                    }
                    v.iter()
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                            (a.min(x), b.max(x))
                        })
                }
                Column::Categorical { .. } => (0.0, 0.0),
            });
        }
        Ok(Data {
            inputs,
            cases,
            total_cases: cases.iter().filter(|&&c| c).count(),
            extremes,
        })
    }

    fn full_limits(&self) -> Vec<Bound> {
        self.inputs
            .iter()
            .zip(&self.extremes)
            .map(|(input, &(lo, hi))| match &input.column {
                Column::Numeric(_) => Bound::Range(lo, hi),
                Column::Categorical { levels, .. } => Bound::Allowed(vec![true; levels.len()]),
            })
            .collect()
    }

    fn inside(&self, limits: &[Bound], run: usize) -> bool {
        self.inputs
            .iter()
            .zip(limits)
            .all(|(input, bound)| match (&input.column, bound) {
                (Column::Numeric(v), Bound::Range(lo, hi)) => v[run] >= *lo && v[run] <= *hi,
                (Column::Categorical { codes, .. }, Bound::Allowed(ok)) => ok[codes[run]],
                _ => false,
            })
    }

    fn members(&self, limits: &[Bound]) -> Vec<usize> {
        (0..self.cases.len())
            .filter(|&r| self.inside(limits, r))
            .collect()
    }

    fn count_cases(&self, members: &[usize]) -> usize {
        members.iter().filter(|&&r| self.cases[r]).count()
    }

    fn density(&self, members: &[usize]) -> f64 {
        if members.is_empty() {
            0.0
        } else {
            self.count_cases(members) as f64 / members.len() as f64
        }
    }

    /// The peel that leaves the densest box, with the runs it keeps.
    fn best_peel(
        &self,
        limits: &[Bound],
        members: &[usize],
        alpha: f64,
    ) -> Option<(Vec<Bound>, Vec<usize>)> {
        let before = self.density(members);
        let mut best: Option<(f64, usize, Vec<Bound>, Vec<usize>)> = None;
        for (d, input) in self.inputs.iter().enumerate() {
            for next in peel_candidates(input, &limits[d], members, alpha) {
                let mut candidate = limits.to_vec();
                candidate[d] = next;
                let kept: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&r| self.inside_one(input, &candidate[d], r))
                    .collect();
                if kept.is_empty() || kept.len() == members.len() {
                    continue;
                }
                // Gain in density per run removed, so that a large peel
                // (a whole category, or many tied values) must earn its size.
                let removed = members.len() - kept.len();
                let gain = (self.density(&kept) - before) / removed as f64;
                let better = match &best {
                    None => true,
                    Some((bg, br, _, _)) => gain > *bg || (gain == *bg && removed < *br),
                };
                if better {
                    best = Some((gain, removed, candidate, kept));
                }
            }
        }
        best.map(|(_, _, limits, kept)| (limits, kept))
    }

    fn inside_one(&self, input: &Input, bound: &Bound, run: usize) -> bool {
        match (&input.column, bound) {
            (Column::Numeric(v), Bound::Range(lo, hi)) => v[run] >= *lo && v[run] <= *hi,
            (Column::Categorical { codes, .. }, Bound::Allowed(ok)) => ok[codes[run]],
            _ => false,
        }
    }

    /// Boxes one paste wider than `limits`.
    fn paste_candidates(&self, limits: &[Bound], members: &[usize], alpha: f64) -> Vec<Vec<Bound>> {
        let step = ((alpha * members.len() as f64).floor() as usize).max(1);
        let mut out = Vec::new();
        for (d, input) in self.inputs.iter().enumerate() {
            // Runs inside the box on every other input but outside on this one.
            let others: Vec<usize> = (0..self.cases.len())
                .filter(|&r| {
                    self.inputs
                        .iter()
                        .zip(limits)
                        .enumerate()
                        .all(|(e, (inp, b))| e == d || self.inside_one(inp, b, r))
                        && !self.inside_one(input, &limits[d], r)
                })
                .collect();
            if others.is_empty() {
                continue;
            }
            match (&input.column, &limits[d]) {
                (Column::Numeric(v), Bound::Range(lo, hi)) => {
                    let mut below: Vec<f64> =
                        others.iter().map(|&r| v[r]).filter(|x| x < lo).collect();
                    below.sort_by(|a, b| b.total_cmp(a));
                    if !below.is_empty() {
                        let to = below[(step - 1).min(below.len() - 1)];
                        out.push(with(limits, d, Bound::Range(to, *hi)));
                    }
                    let mut above: Vec<f64> =
                        others.iter().map(|&r| v[r]).filter(|x| x > hi).collect();
                    above.sort_by(f64::total_cmp);
                    if !above.is_empty() {
                        let to = above[(step - 1).min(above.len() - 1)];
                        out.push(with(limits, d, Bound::Range(*lo, to)));
                    }
                }
                (Column::Categorical { codes, .. }, Bound::Allowed(ok)) => {
                    let mut excluded: Vec<usize> = others.iter().map(|&r| codes[r]).collect();
                    excluded.sort_unstable();
                    excluded.dedup();
                    for c in excluded {
                        let mut wider = ok.clone();
                        wider[c] = true;
                        out.push(with(limits, d, Bound::Allowed(wider)));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Coverage, density, mass, restrictions and quasi-p-values of a box.
    fn describe(&self, limits: &[Bound], members: &[usize]) -> PrimBox {
        let n = self.cases.len();
        let k = self.count_cases(members);
        let density = self.density(members);
        let mut restrictions = Vec::new();
        for (d, input) in self.inputs.iter().enumerate() {
            let (lo0, hi0) = self.extremes[d];
            // The quasi-p-value of a limit: relax it alone and test.
            let p_without = |relaxed: Bound| {
                let wider = with(limits, d, relaxed);
                let m = self.members(&wider);
                binomial_upper_tail(k as u64, members.len() as u64, self.density(&m))
            };
            match (&input.column, &limits[d]) {
                (Column::Numeric(_), Bound::Range(lo, hi)) => {
                    let (lower, upper) = (*lo > lo0, *hi < hi0);
                    if lower || upper {
                        restrictions.push(Restriction {
                            input: d,
                            name: input.name.clone(),
                            limit: Limit::Range {
                                lower: *lo,
                                upper: *hi,
                            },
                            lower_restricted: lower,
                            upper_restricted: upper,
                            quasi_p_lower: lower.then(|| p_without(Bound::Range(lo0, *hi))),
                            quasi_p_upper: upper.then(|| p_without(Bound::Range(*lo, hi0))),
                        });
                    }
                }
                (Column::Categorical { levels, .. }, Bound::Allowed(ok))
                    if ok.iter().any(|&a| !a) =>
                {
                    restrictions.push(Restriction {
                        input: d,
                        name: input.name.clone(),
                        limit: Limit::Categories(
                            levels
                                .iter()
                                .zip(ok)
                                .filter(|(_, a)| **a)
                                .map(|(l, _)| l.clone())
                                .collect(),
                        ),
                        lower_restricted: false,
                        upper_restricted: false,
                        quasi_p_lower: Some(p_without(Bound::Allowed(vec![true; ok.len()]))),
                        quasi_p_upper: None,
                    });
                }
                _ => {}
            }
        }
        PrimBox {
            coverage: if self.total_cases > 0 {
                k as f64 / self.total_cases as f64
            } else {
                0.0
            },
            density,
            mass: members.len() as f64 / n as f64,
            runs: members.len(),
            cases: k,
            restrictions,
            limits: limits.to_vec(),
        }
    }
}

fn with(limits: &[Bound], d: usize, bound: Bound) -> Vec<Bound> {
    let mut out = limits.to_vec();
    out[d] = bound;
    out
}

/// The peels of one input: its lowest and its highest `alpha` share of the
/// box's runs (never splitting tied values), or one of its categories.
fn peel_candidates(input: &Input, bound: &Bound, members: &[usize], alpha: f64) -> Vec<Bound> {
    let step = ((alpha * members.len() as f64).floor() as usize).max(1);
    match (&input.column, bound) {
        (Column::Numeric(v), Bound::Range(lo, hi)) => {
            let mut xs: Vec<f64> = members.iter().map(|&r| v[r]).collect();
            xs.sort_by(f64::total_cmp);
            let n = xs.len();
            if n < 2 || xs[0] == xs[n - 1] {
                return vec![];
            }
            // Lower: keep from the value at index `step`, or from the next
            // distinct value above the minimum when ties would keep all.
            let mut cut = xs[step.min(n - 1)];
            if cut == xs[0] {
                cut = *xs.iter().find(|&&x| x > xs[0]).unwrap_or(&xs[0]);
            }
            let lower = Bound::Range(cut.max(*lo), *hi);
            let mut cut = xs[n - 1 - step.min(n - 1)];
            if cut == xs[n - 1] {
                cut = *xs
                    .iter()
                    .rev()
                    .find(|&&x| x < xs[n - 1])
                    .unwrap_or(&xs[n - 1]);
            }
            let upper = Bound::Range(*lo, cut.min(*hi));
            vec![lower, upper]
        }
        (Column::Categorical { codes, .. }, Bound::Allowed(ok)) => {
            let mut present: Vec<usize> = members.iter().map(|&r| codes[r]).collect();
            present.sort_unstable();
            present.dedup();
            if present.len() < 2 {
                return vec![];
            }
            present
                .into_iter()
                .map(|c| {
                    let mut narrower = ok.clone();
                    narrower[c] = false;
                    Bound::Allowed(narrower)
                })
                .collect()
        }
        _ => vec![],
    }
}
