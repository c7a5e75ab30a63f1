//! Final metrics and observables of every kind (continuous, 0/1 outcome,
//! share in [0, 1], time to an event; counts and categories): the engine's tables against
//! direct computation from `runs.csv` and the library's estimators, and
//! byte-identical outputs across threads and shards.

use crate::experiment_support::{options, read_csv};
use mlgov::analysis::{
    KaplanMeier, Moments, PairedCounts, logit_t_interval, order_statistic, wilson_interval,
};
use mlgov::experiment::{Experiment, Shard, merge_results, run_experiment};
use mlgov::sim::{Configuration, MetricKind, Model, ModelError, ObservableKind};
use rand::{Rng, RngExt};
use std::collections::HashMap;
use std::path::Path;

const MONTHS: u32 = 24;

/// A walk with drift: "band" is its category (low below 1, high from 1),
/// "steps_up" counts the months it rose; finals: the level, whether it
/// ends above 1, the month it first reaches 2 (months + 1 if never) and
/// the share of months it rose.
struct Kinds;

impl Model for Kinds {
    type Params = f64;
    type State = (f64, u32, u32);

    fn observables(&self) -> Vec<String> {
        vec!["level".into(), "band".into(), "steps_up".into()]
    }
    fn final_metrics(&self) -> Vec<String> {
        vec![
            "level".into(),
            "above".into(),
            "months_to_two".into(),
            "share_up".into(),
        ]
    }
    fn final_metric_kinds(&self) -> Vec<MetricKind> {
        vec![
            MetricKind::Continuous,
            MetricKind::Proportion,
            MetricKind::TimeToEvent,
            MetricKind::Share,
        ]
    }
    fn observable_kinds(&self) -> Vec<ObservableKind> {
        vec![
            ObservableKind::Continuous,
            ObservableKind::Categorical(vec!["low".into(), "high".into()]),
            ObservableKind::Count,
        ]
    }
    fn init<R: Rng + ?Sized>(&self, _: &f64, _: &mut R) -> Result<Self::State, ModelError> {
        Ok((0.0, 0, 0))
    }
    fn step<R: Rng + ?Sized>(
        &self,
        drift: &f64,
        s: &mut Self::State,
        t: u32,
        rng: &mut R,
    ) -> Result<(), ModelError> {
        let step = drift + rng.random_range(-0.5..0.5);
        s.0 += step;
        if step > 0.0 {
            s.1 += 1;
        }
        if s.2 == 0 && s.0 >= 2.0 {
            s.2 = t;
        }
        Ok(())
    }
    fn observe(&self, _: &f64, s: &Self::State, _: u32, out: &mut Vec<f64>) {
        out.extend([s.0, f64::from(u8::from(s.0 >= 1.0)), f64::from(s.1)]);
    }
    fn finish(&self, _: &f64, s: &Self::State, months: u32, out: &mut Vec<f64>) {
        let reached = if s.2 == 0 { months + 1 } else { s.2 };
        out.extend([
            s.0,
            f64::from(u8::from(s.0 >= 1.0)),
            f64::from(reached),
            f64::from(s.1) / f64::from(months),
        ]);
    }
}

fn experiment(replications: u64) -> Experiment<Kinds> {
    Experiment {
        model: Kinds,
        configurations: vec![
            Configuration::fixed("slow", 0.05),
            Configuration::fixed("fast", 0.15),
        ],
        baseline: 0,
        replications,
        months: MONTHS,
        seed: 2026,
        identity: "kinds-v1".into(),
        scenario_name: "kinds".into(),
    }
}

/// (configuration, replication) → finals, from runs.csv.
fn runs(dir: &Path) -> HashMap<(String, u64), Vec<f64>> {
    let (_, rows) = read_csv(&dir.join("runs.csv"));
    rows.into_iter()
        .map(|r| {
            let values = r[5..].iter().map(|v| v.parse().unwrap()).collect();
            ((r[0].clone(), r[1].parse().unwrap()), values)
        })
        .collect()
}

fn by_name(header: &[String], row: &[String], col: &str) -> String {
    row[header.iter().position(|h| h == col).unwrap()].clone()
}

fn num(header: &[String], row: &[String], col: &str) -> f64 {
    by_name(header, row, col)
        .parse()
        .unwrap_or_else(|_| panic!("{col} in {row:?}"))
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{a} vs {b}");
}

#[test]
fn every_kind_is_summarised_by_its_own_method() {
    let reps = 300;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("out");
    run_experiment(&experiment(reps), &options(&dir, 2, None)).unwrap();
    let runs = runs(&dir);
    let column = |config: &str, m: usize| -> Vec<f64> {
        (0..reps)
            .map(|k| runs[&(config.to_string(), k)][m])
            .collect()
    };
    let horizon = f64::from(MONTHS);
    let km_of = |times: &[f64]| {
        let obs: Vec<(f64, bool)> = times
            .iter()
            .map(|&t| {
                if t <= horizon {
                    (t, true)
                } else {
                    (horizon, false)
                }
            })
            .collect();
        KaplanMeier::new(&obs)
    };

    let (h, summary) = read_csv(&dir.join("summary.csv"));
    let row = |config: &str, metric: &str| {
        summary
            .iter()
            .find(|r| r[0] == config && r[1] == metric)
            .unwrap()
            .clone()
    };
    for config in ["slow", "fast"] {
        // Continuous: exact order statistics.
        let r = row(config, "level");
        assert_eq!(by_name(&h, &r, "kind"), "continuous");
        let mut sorted = column(config, 0);
        sorted.sort_by(f64::total_cmp);
        for (col, p) in [
            ("p05", 5),
            ("p25", 25),
            ("p50", 50),
            ("p75", 75),
            ("p95", 95),
        ] {
            assert_eq!(num(&h, &r, col), order_statistic(&sorted, p).unwrap());
        }

        // Proportion: share with the Wilson interval; no quantiles.
        let r = row(config, "above");
        assert_eq!(by_name(&h, &r, "kind"), "proportion");
        assert_eq!(by_name(&h, &r, "interval"), "wilson");
        let ones = column(config, 1).iter().filter(|&&v| v == 1.0).count() as u64;
        let (lo, hi) = wilson_interval(ones, reps, 0.95).unwrap();
        close(num(&h, &r, "mean"), ones as f64 / reps as f64);
        close(num(&h, &r, "ci95_low"), lo);
        close(num(&h, &r, "ci95_high"), hi);
        assert_eq!(by_name(&h, &r, "sd"), "");
        assert_eq!(by_name(&h, &r, "p50"), "");

        // Share in [0, 1]: mean, sd and exact quantiles as a measurement,
        // the logit-transformed t-interval (the shares are not all 0/1).
        let r = row(config, "share_up");
        assert_eq!(by_name(&h, &r, "kind"), "share");
        assert_eq!(by_name(&h, &r, "interval"), "logit_t");
        let shares = column(config, 3);
        let mut mo = Moments::new();
        shares.iter().for_each(|&v| mo.push(v).unwrap());
        let (mean, sd) = (mo.mean().unwrap(), mo.sd().unwrap());
        close(num(&h, &r, "mean"), mean);
        close(num(&h, &r, "sd"), sd);
        let (lo, hi) = logit_t_interval(mean, sd, reps, 0.95).unwrap();
        close(num(&h, &r, "ci95_low"), lo);
        close(num(&h, &r, "ci95_high"), hi);
        assert!(0.0 < lo && lo < mean && mean < hi && hi < 1.0);
        let mut sorted = shares.clone();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(num(&h, &r, "p50"), order_statistic(&sorted, 50).unwrap());

        // Time to event: restricted mean and Kaplan–Meier quantiles; a run
        // that never reaches 2 counts as the horizon, never as months + 1.
        let r = row(config, "months_to_two");
        assert_eq!(by_name(&h, &r, "kind"), "time_to_event");
        let times = column(config, 2);
        let km = km_of(&times);
        let clipped: f64 = times.iter().map(|t| t.min(horizon)).sum::<f64>() / reps as f64;
        close(num(&h, &r, "mean"), clipped);
        close(km.restricted_mean(horizon), clipped);
        let (lo, hi) = km.restricted_mean_ci(horizon, 0.95);
        close(num(&h, &r, "ci95_low"), lo);
        close(num(&h, &r, "ci95_high"), hi);
        let note = by_name(&h, &r, "note");
        for (col, p) in [
            ("p05", 0.05),
            ("p25", 0.25),
            ("p50", 0.5),
            ("p75", 0.75),
            ("p95", 0.95),
        ] {
            match km.quantile(p) {
                Some(q) => assert_eq!(num(&h, &r, col), q),
                None => {
                    assert_eq!(by_name(&h, &r, col), "");
                    assert!(note.contains(col), "{note}");
                    assert!(note.contains(&format!("not reached in {MONTHS} months")));
                }
            }
        }
    }
    // The slow walk must leave some quantile unreached for the test to
    // exercise the "not reached" path.
    assert_eq!(by_name(&h, &row("slow", "months_to_two"), "p95"), "");

    // time_to_event.csv: event share, median and its interval.
    let (th, tte) = read_csv(&dir.join("time_to_event.csv"));
    assert_eq!(tte.len(), 2);
    for r in &tte {
        let times = column(&r[0], 2);
        let km = km_of(&times);
        let events = times.iter().filter(|&&t| t <= horizon).count() as u64;
        assert_eq!(by_name(&th, r, "events"), events.to_string());
        let (lo, hi) = wilson_interval(events, reps, 0.95).unwrap();
        close(num(&th, r, "event_share_ci95_low"), lo);
        close(num(&th, r, "event_share_ci95_high"), hi);
        let (ml, mh) = km.quantile_ci(0.5, 0.95);
        let cell = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
        assert_eq!(by_name(&th, r, "median"), cell(km.quantile(0.5)));
        assert_eq!(by_name(&th, r, "median_ci95_low"), cell(ml));
        assert_eq!(by_name(&th, r, "median_ci95_high"), cell(mh));
    }

    // Comparisons: Newcombe for the 0/1 outcome, paired t on restricted
    // times for the time to event.
    let (ch, cmp) = read_csv(&dir.join("comparisons.csv"));
    let above = cmp.iter().find(|r| r[2] == "above").unwrap();
    assert_eq!(by_name(&ch, above, "interval"), "newcombe_paired");
    let mut table = PairedCounts::default();
    for k in 0..reps {
        let f = runs[&("fast".to_string(), k)][1] == 1.0;
        let s = runs[&("slow".to_string(), k)][1] == 1.0;
        table.push(f, s);
    }
    let (d, lo, hi) = table.difference_ci(0.95).unwrap();
    close(num(&ch, above, "mean_diff"), d);
    close(num(&ch, above, "ci95_low"), lo);
    close(num(&ch, above, "ci95_high"), hi);
    let tte = cmp.iter().find(|r| r[2] == "months_to_two").unwrap();
    let diff: f64 = (0..reps)
        .map(|k| {
            runs[&("fast".to_string(), k)][2].min(horizon)
                - runs[&("slow".to_string(), k)][2].min(horizon)
        })
        .sum::<f64>()
        / reps as f64;
    close(num(&ch, tte, "mean_diff"), diff);
    assert!(
        num(&ch, tte, "ci95_high") < 0.0,
        "the faster walk reaches 2 sooner"
    );

    // Trajectories: one share row per category (summing to 1), exact
    // quantiles for the count, and no row for the category codes.
    let (trh, traj) = read_csv(&dir.join("trajectories.csv"));
    assert!(traj.iter().all(|r| r[2] != "band"));
    for config in ["slow", "fast"] {
        for month in 1..=MONTHS {
            let get = |metric: &str| {
                traj.iter()
                    .find(|r| r[0] == config && r[1] == month.to_string() && r[2] == metric)
                    .unwrap()
                    .clone()
            };
            let (low, high) = (get("band_low"), get("band_high"));
            close(num(&trh, &low, "mean") + num(&trh, &high, "mean"), 1.0);
            assert_eq!(by_name(&trh, &low, "p50"), "");
            let count = get("steps_up");
            for col in ["p05", "p25", "p50", "p75", "p95"] {
                let v = num(&trh, &count, col);
                assert_eq!(v.fract(), 0.0, "counts are whole numbers");
                assert!(v <= f64::from(month));
            }
        }
    }
}

#[test]
fn outputs_are_identical_across_threads_and_shards() {
    let root = tempfile::tempdir().unwrap();
    let one = root.path().join("one");
    run_experiment(&experiment(40), &options(&one, 1, None)).unwrap();
    let three = root.path().join("three");
    run_experiment(&experiment(40), &options(&three, 3, None)).unwrap();
    let mut shards = Vec::new();
    for k in 1..=2 {
        let d = root.path().join(format!("s{k}"));
        let shard = Some(Shard { index: k, count: 2 });
        run_experiment(&experiment(40), &options(&d, 2, shard)).unwrap();
        shards.push(d);
    }
    let merged = root.path().join("merged");
    merge_results(&shards, &merged).unwrap();
    for f in [
        "runs.csv",
        "summary.csv",
        "comparisons.csv",
        "trajectories.csv",
        "time_to_event.csv",
    ] {
        let a = std::fs::read(one.join(f)).unwrap();
        assert_eq!(a, std::fs::read(three.join(f)).unwrap(), "{f}: threads");
        assert_eq!(a, std::fs::read(merged.join(f)).unwrap(), "{f}: shards");
    }
    let manifest = std::fs::read_to_string(one.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"time_to_event\""));
    assert!(manifest.contains("\"categorical:low|high\""));
}

/// Every share the governance model declares gets summary intervals inside
/// [0, 1] and paired differences inside [−1, 1], on assignments where
/// survival is 0/1 (one national programme) and where it is a share of
/// twelve places; the metrics are read from the model's own list.
#[test]
fn governance_shares_keep_their_intervals_in_bounds() {
    use mlgov::partnership::GovernanceModel;
    use mlgov::scenario::Scenario;
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/lloyd_grid.toml"),
    )
    .unwrap()
    .replace("replications = 200", "replications = 40")
    .replace("months = 120", "months = 48")
    .replace(
        "assignments = \"all\"",
        "assignments = [\"N-N-N\", \"N-N-L\", \"L-L-L\"]",
    );
    let scenario = Scenario::from_toml(&text, "lloyd_grid.toml").unwrap();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("out");
    run_experiment(&scenario.experiment(), &options(&dir, 2, None)).unwrap();
    let model = GovernanceModel;
    let shares: Vec<String> = model
        .final_metrics()
        .into_iter()
        .zip(model.final_metric_kinds())
        .filter(|(_, k)| *k == MetricKind::Share)
        .map(|(m, _)| m)
        .collect();
    assert!(shares.iter().any(|m| m == "survival"), "{shares:?}");
    let (h, summary) = read_csv(&dir.join("summary.csv"));
    let mut methods = Vec::new();
    for r in summary.iter().filter(|r| shares.contains(&r[1])) {
        assert_eq!(by_name(&h, r, "kind"), "share");
        let (lo, hi) = (num(&h, r, "ci95_low"), num(&h, r, "ci95_high"));
        let mean = num(&h, r, "mean");
        assert!(
            0.0 <= lo && lo <= mean && mean <= hi && hi <= 1.0,
            "{} {}: {lo} {mean} {hi}",
            r[0],
            r[1]
        );
        methods.push((r[0].clone(), r[1].clone(), by_name(&h, r, "interval")));
    }
    assert_eq!(methods.len(), 3 * shares.len());
    // One national programme: survival is 0/1 in every run (Wilson);
    // twelve local partnerships: a share of places (logit t).
    let method = |c: &str, m: &str| {
        methods
            .iter()
            .find(|(cc, mm, _)| cc == c && mm == m)
            .unwrap()
            .2
            .clone()
    };
    assert_eq!(method("N-N-N", "survival"), "wilson");
    assert_eq!(method("L-L-L", "trust_mean"), "logit_t");
    let (ch, cmp) = read_csv(&dir.join("comparisons.csv"));
    for r in cmp.iter().filter(|r| shares.contains(&r[2])) {
        let (lo, hi) = (num(&ch, r, "ci95_low"), num(&ch, r, "ci95_high"));
        assert!(-1.0 <= lo && lo <= hi && hi <= 1.0, "{r:?}");
    }
}
