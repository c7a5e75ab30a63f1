//! Statistics of the final metrics that need every run's value: exact
//! quantiles, Kaplan–Meier summaries of times to an event, shares of 0/1
//! outcomes and their paired differences.
//!
//! The values are re-read from `runs.csv` once the experiment is complete.
//! That file holds each successful run's exact `f64` (shortest round-trip
//! decimals) in canonical order whatever the threads, shards or
//! interruptions, so every statistic below is byte-identical however the
//! work was split. Memory: configurations × replications × metrics values.

use super::ExperimentError;
use super::aggregate::Aggregate;
use super::output::{RUNS, num};
use super::state::Info;
use crate::analysis::{
    KaplanMeier, Moments, PairedCounts, ShareMethod, order_statistic, share_interval,
    wilson_interval,
};
use crate::sim::MetricKind;
use std::collections::HashMap;
use std::path::Path;

/// The quantile levels of the tables, in percent.
pub(crate) const PERCENTS: [u32; 5] = [5, 25, 50, 75, 95];
const LEVEL: f64 = 0.95;

/// Every successful run's final metrics, per configuration.
pub(crate) struct RunValues {
    /// Per configuration: the replications of its successful runs, ascending.
    reps: Vec<Vec<u64>>,
    /// Per configuration: `ok runs × metrics` values, in `reps` order.
    values: Vec<Vec<f64>>,
    metrics: usize,
}

impl RunValues {
    /// Reads `dir/runs.csv` and checks it against the aggregate's counts.
    pub fn read(dir: &Path, info: &Info, agg: &Aggregate) -> Result<Self, ExperimentError> {
        let path = dir.join(RUNS);
        let damaged = |problem: String| ExperimentError::Damaged {
            path: path.clone(),
            problem,
        };
        let (file, _) =
            crate::input::open_regular(&path).map_err(ExperimentError::io(&path, "open"))?;
        let mut reader = csv::Reader::from_reader(file);
        let nm = info.final_metrics.len();
        let header = reader.headers().map_err(ExperimentError::csv(&path))?;
        let ni = info.inputs.len();
        let skip = 5 + ni;
        let names: Vec<&str> = header.iter().skip(skip).collect();
        let inputs: Vec<&str> = header.iter().skip(5).take(ni).collect();
        if names != info.final_metrics || inputs != info.inputs {
            return Err(damaged(format!(
                "the header's inputs and metrics `{}` are not the experiment's `{}`",
                header.iter().skip(5).collect::<Vec<_>>().join(","),
                info.inputs
                    .iter()
                    .chain(&info.final_metrics)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(",")
            )));
        }
        let index: HashMap<&str, usize> = info
            .configurations
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let nc = info.configurations.len();
        let mut reps: Vec<Vec<u64>> = vec![Vec::new(); nc];
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); nc];
        for record in reader.records() {
            let record = record.map_err(ExperimentError::csv(&path))?;
            let line = record.position().map_or(0, |p| p.line());
            let bad = |what: &str| damaged(format!("line {line}: {what}"));
            if record.len() != skip + nm {
                return Err(bad(&format!(
                    "{} cells, expected {}",
                    record.len(),
                    skip + nm
                )));
            }
            let c = *index
                .get(&record[0])
                .ok_or_else(|| bad(&format!("unknown configuration `{}`", &record[0])))?;
            if &record[3] != "ok" {
                continue;
            }
            let rep: u64 = record[1]
                .parse()
                .map_err(|_| bad(&format!("replication `{}`", &record[1])))?;
            if reps[c].last().is_some_and(|&last| last >= rep) {
                return Err(bad("replications are not in ascending order"));
            }
            reps[c].push(rep);
            for cell in record.iter().skip(skip) {
                let v: f64 = cell
                    .parse()
                    .map_err(|_| bad(&format!("`{cell}` is not a number")))?;
                values[c].push(v);
            }
        }
        for (c, r) in reps.iter().enumerate() {
            if r.len() as u64 != agg.ok[c] {
                return Err(damaged(format!(
                    "{} successful runs of `{}`, but the checkpoint counted {}",
                    r.len(),
                    info.configurations[c],
                    agg.ok[c]
                )));
            }
        }
        Ok(Self {
            reps,
            values,
            metrics: nm,
        })
    }

    /// Configuration `c`'s values of metric `m`, in replication order.
    fn column(&self, c: usize, m: usize) -> impl Iterator<Item = f64> + '_ {
        self.values[c]
            .chunks_exact(self.metrics)
            .map(move |run| run[m])
    }

    /// `(config c, config b)` values of metric `m` on the replications
    /// where both succeeded.
    fn paired(&self, c: usize, b: usize, m: usize) -> Vec<(f64, f64)> {
        let (rc, rb) = (&self.reps[c], &self.reps[b]);
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while i < rc.len() && j < rb.len() {
            match rc[i].cmp(&rb[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    out.push((
                        self.values[c][i * self.metrics + m],
                        self.values[b][j * self.metrics + m],
                    ));
                    i += 1;
                    j += 1;
                }
            }
        }
        out
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

/// The `summary.csv` cells after `configuration,metric` for one
/// configuration and metric: `kind,n,mean,sd,ci95_low,ci95_high,interval,
/// p05,p25,p50,p75,p95,note`.
pub(crate) fn summary_cells(
    info: &Info,
    agg: &Aggregate,
    runs: &RunValues,
    c: usize,
    m: usize,
) -> Vec<String> {
    let kind = info.final_kinds[m];
    let n = runs.reps[c].len() as u64;
    let empty5 = || vec![String::new(); PERCENTS.len()];
    let mut row = vec![kind.name().to_string(), n.to_string()];
    match kind {
        MetricKind::Proportion => {
            let ones = runs.column(c, m).filter(|&v| v == 1.0).count() as u64;
            let ci = wilson_interval(ones, n, LEVEL);
            row.extend([
                opt((n > 0).then(|| ones as f64 / n as f64)),
                String::new(),
                opt(ci.map(|c| c.0)),
                opt(ci.map(|c| c.1)),
                "wilson".into(),
            ]);
            row.extend(empty5());
            row.push(String::new());
        }
        MetricKind::TimeToEvent => {
            let horizon = f64::from(info.months);
            if n == 0 {
                row.extend(vec![String::new(); 4]);
                row.push("kaplan_meier".into());
                row.extend(empty5());
                row.push(String::new());
                return row;
            }
            let km = KaplanMeier::with_horizon(runs.column(c, m), horizon);
            let (lo, hi) = km.restricted_mean_ci(horizon, LEVEL);
            row.extend([
                num(km.restricted_mean(horizon)),
                String::new(),
                num(lo),
                num(hi),
                "kaplan_meier".into(),
            ]);
            let mut missing = Vec::new();
            for p in PERCENTS {
                let q = km.quantile(f64::from(p) / 100.0);
                if q.is_none() {
                    missing.push(format!("p{p:02}"));
                }
                row.push(opt(q));
            }
            let months = info.months;
            let mut note = format!("mean restricted to {months} months");
            if !missing.is_empty() {
                note.push_str(&format!(
                    "; {} not reached in {months} months",
                    missing.join(", ")
                ));
            }
            row.push(note);
        }
        _ => {
            let mo = &agg.finals[c * info.final_metrics.len() + m];
            let mut sorted: Vec<f64> = runs.column(c, m).collect();
            let (ci, method) = if kind == MetricKind::Share {
                // The runs' values passed the run check: all in [0, 1].
                let share = share_interval(&sorted, LEVEL);
                (
                    share.map(|s| (s.0, s.1)),
                    share.map_or(ShareMethod::LogitT, |s| s.2).name(),
                )
            } else {
                (mo.mean_ci(LEVEL), "t")
            };
            row.extend([
                opt(mo.mean()),
                opt(mo.sd()),
                opt(ci.map(|c| c.0)),
                opt(ci.map(|c| c.1)),
                method.into(),
            ]);
            sorted.sort_by(f64::total_cmp);
            row.extend(PERCENTS.map(|p| opt(order_statistic(&sorted, p))));
            row.push(String::new());
        }
    }
    row
}

/// The `comparisons.csv` cells after `configuration,baseline,metric`:
/// `n,mean_diff,ci95_low,ci95_high,interval`.
pub(crate) fn comparison_cells(
    info: &Info,
    agg: &Aggregate,
    runs: &RunValues,
    c: usize,
    m: usize,
) -> Vec<String> {
    let b = info.baseline;
    let kind = info.final_kinds[m];
    let moments_cells = |mo: &Moments, label: &str| {
        let ci = mo.mean_ci(LEVEL);
        vec![
            mo.count().to_string(),
            opt(mo.mean()),
            opt(ci.map(|c| c.0)),
            opt(ci.map(|c| c.1)),
            label.to_string(),
        ]
    };
    match kind {
        MetricKind::Proportion => newcombe_cells(&runs.paired(c, b, m)),
        MetricKind::TimeToEvent => {
            // Runs are censored only at the horizon, so each run's time
            // restricted to the horizon is known exactly and the restricted
            // means' difference is the mean of the paired differences.
            let horizon = f64::from(info.months);
            let mut mo = Moments::new();
            for (x, y) in runs.paired(c, b, m) {
                // Both values passed the run's checks (|v| ≤ 1e9).
                let _ = mo.push(x.min(horizon) - y.min(horizon));
            }
            moments_cells(&mo, "paired_t_restricted_mean")
        }
        MetricKind::Share => {
            let pairs = runs.paired(c, b, m);
            let binary = |v: f64| v == 0.0 || v == 1.0;
            if !pairs.is_empty() && pairs.iter().all(|&(x, y)| binary(x) && binary(y)) {
                return newcombe_cells(&pairs);
            }
            // A difference of two shares lies in [−1, 1], so its t-interval
            // is clipped there.
            let mo = &agg.pairs[c * info.final_metrics.len() + m];
            let ci = mo.mean_ci(LEVEL);
            vec![
                mo.count().to_string(),
                opt(mo.mean()),
                opt(ci.map(|c| c.0.max(-1.0))),
                opt(ci.map(|c| c.1.min(1.0))),
                "paired_t".into(),
            ]
        }
        _ => moments_cells(&agg.pairs[c * info.final_metrics.len() + m], "paired_t"),
    }
}

/// Comparison cells of paired 0/1 outcomes: the difference of the shares
/// of ones with Newcombe's paired interval.
fn newcombe_cells(pairs: &[(f64, f64)]) -> Vec<String> {
    let mut t = PairedCounts::default();
    for &(x, y) in pairs {
        t.push(x == 1.0, y == 1.0);
    }
    let d = t.difference_ci(LEVEL);
    vec![
        t.n().to_string(),
        opt(d.map(|d| d.0)),
        opt(d.map(|d| d.1)),
        opt(d.map(|d| d.2)),
        "newcombe_paired".into(),
    ]
}

/// The columns of `time_to_event.csv`.
pub const TIME_TO_EVENT_COLUMNS: [&str; 21] = [
    "configuration",
    "metric",
    "n",
    "events",
    "event_share",
    "event_share_ci95_low",
    "event_share_ci95_high",
    "horizon",
    "restricted_mean",
    "restricted_mean_ci95_low",
    "restricted_mean_ci95_high",
    "p25",
    "p25_ci95_low",
    "p25_ci95_high",
    "median",
    "median_ci95_low",
    "median_ci95_high",
    "p75",
    "p75_ci95_low",
    "p75_ci95_high",
    "note",
];

/// One `time_to_event.csv` row after `configuration,metric`.
pub(crate) fn time_to_event_cells(
    info: &Info,
    runs: &RunValues,
    c: usize,
    m: usize,
) -> Vec<String> {
    let horizon = f64::from(info.months);
    let n = runs.reps[c].len() as u64;
    let mut row = vec![n.to_string()];
    if n == 0 {
        row.extend(vec![String::new(); TIME_TO_EVENT_COLUMNS.len() - 3]);
        return row;
    }
    let km = KaplanMeier::with_horizon(runs.column(c, m), horizon);
    let share = wilson_interval(km.events(), n, LEVEL);
    let (lo, hi) = km.restricted_mean_ci(horizon, LEVEL);
    row.extend([
        km.events().to_string(),
        num(km.events() as f64 / n as f64),
        opt(share.map(|s| s.0)),
        opt(share.map(|s| s.1)),
        num(horizon),
        num(km.restricted_mean(horizon)),
        num(lo),
        num(hi),
    ]);
    let mut reasons = Vec::new();
    for (p, name) in [(0.25, "p25"), (0.5, "median"), (0.75, "p75")] {
        let q = km.quantile(p);
        let (ql, qh) = km.quantile_ci(p, LEVEL);
        if q.is_none() {
            reasons.push(format!("{name} not reached in {} months", info.months));
        } else if qh.is_none() {
            reasons.push(format!(
                "{name}'s upper limit not reached in {} months",
                info.months
            ));
        }
        row.extend([opt(q), opt(ql), opt(qh)]);
    }
    row.push(reasons.join("; "));
    row
}
