//! Benchmarks of the experiment engine's overhead, with the toy random-walk
//! model (12 observables, 3 final metrics) standing in for a real model.
//!
//! `cargo bench --bench experiment` runs the criterion benchmarks: a small
//! experiment with 1 and 2 threads, quantile-sketch insertion, one run of
//! the governance model (the Lloyd grid's baseline, 120 months), and a
//! slice of the Lloyd grid experiment (27 configurations × 16 replications ×
//! 120 months) with 1 and 2 threads.
//!
//! Setting `MLGOV_PERF=CONFIGSxREPLICATIONSxMONTHS[xTHREADS]` instead runs
//! one full-size experiment and prints its wall-clock time, e.g.
//! `MLGOV_PERF=27x1000x120x2 cargo bench --bench experiment`; wrap the bench
//! binary in `/usr/bin/time -v` for the peak memory (see docs/performance.md).

use criterion::{Criterion, criterion_group};
use mlgov::analysis::QuantileSketch;
use mlgov::experiment::toy::{RandomWalk, WalkParams};
use mlgov::experiment::{Experiment, RunOptions, run_experiment};
use mlgov::partnership::GovernanceModel;
use mlgov::scenario::Scenario;
use mlgov::sim::{Configuration, PARAMETER_STREAM, rng_from_seed, run_single, stream_seed};
use std::hint::black_box;
use std::time::Instant;

fn experiment(configs: usize, replications: u64, months: u32) -> Experiment<RandomWalk> {
    let configurations: Vec<Configuration<WalkParams>> = (0..configs)
        .map(|c| RandomWalk::configuration(&format!("config-{c}"), c as f64 * 0.01))
        .collect();
    Experiment {
        model: RandomWalk::new(12),
        configurations,
        baseline: 0,
        replications,
        months,
        seed: 1,
        identity: "bench".into(),
        scenario_name: "bench".into(),
    }
}

fn run<M: mlgov::sim::Model>(exp: &Experiment<M>, threads: usize) -> f64 {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut opts = RunOptions::new(dir.path().join("out"));
    opts.threads = threads;
    let start = Instant::now();
    let outcome = run_experiment(exp, &opts).expect("experiment runs");
    assert!(outcome.complete);
    start.elapsed().as_secs_f64()
}

fn bench_engine(c: &mut Criterion) {
    let exp = experiment(4, 64, 24);
    let mut group = c.benchmark_group("experiment 4 configs x 64 reps x 24 months");
    group.sample_size(10);
    for threads in [1, 2] {
        group.bench_function(format!("{threads} threads"), |b| {
            b.iter(|| run(black_box(&exp), threads))
        });
    }
    group.finish();
}

fn bench_sketch(c: &mut Criterion) {
    let values: Vec<f64> = (0..10_000)
        .map(|i| ((i as f64) * 0.618).sin() * 50.0)
        .collect();
    c.bench_function("sketch insert 10k", |b| {
        b.iter(|| {
            let mut s = QuantileSketch::new();
            values.iter().for_each(|&v| s.insert(v));
            black_box(s.count())
        })
    });
}

fn lloyd_grid(replications: u64) -> Experiment<GovernanceModel> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/scenarios/lloyd_grid.toml"
    );
    let scenario = Scenario::load(std::path::Path::new(path)).expect("lloyd_grid.toml checks");
    Experiment {
        model: GovernanceModel,
        configurations: scenario.engine_configurations(),
        baseline: scenario.baseline(),
        replications,
        months: scenario.spec.experiment.months,
        seed: scenario.spec.experiment.seed,
        identity: "bench".into(),
        scenario_name: "lloyd_grid".into(),
    }
}

fn bench_governance(c: &mut Criterion) {
    let exp = lloyd_grid(64);
    let config = &exp.configurations[exp.baseline];
    let params =
        (config.sampler)(&mut rng_from_seed(stream_seed(7, PARAMETER_STREAM))).expect("parameters");
    c.bench_function("governance model: one run of 120 months", |b| {
        b.iter(|| run_single(&GovernanceModel, black_box(&params), 120, 7).expect("runs"))
    });
    let mut group = c.benchmark_group("lloyd_grid 27 configs x 64 reps x 120 months");
    group.sample_size(10);
    for threads in [1, 2] {
        group.bench_function(format!("{threads} threads"), |b| {
            b.iter(|| run(black_box(&exp), threads))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench_engine, bench_sketch, bench_governance
}

fn perf_run(spec: &str) {
    let parts: Vec<u64> = spec
        .split('x')
        .map(|p| p.trim().parse().unwrap_or(0))
        .collect();
    let &[configs, reps, months, ..] = parts.as_slice() else {
        eprintln!("MLGOV_PERF={spec}: expected CONFIGSxREPLICATIONSxMONTHS[xTHREADS]");
        std::process::exit(2);
    };
    let threads = parts.get(3).copied().unwrap_or(2) as usize;
    let exp = experiment(configs as usize, reps, months as u32);
    let secs = run(&exp, threads);
    println!(
        "{configs} configurations x {reps} replications x {months} months, {threads} threads: {secs:.2} s \
         ({:.0} runs/s)",
        (configs * reps) as f64 / secs
    );
}

fn main() {
    if let Ok(spec) = std::env::var("MLGOV_PERF") {
        perf_run(&spec);
        return;
    }
    benches();
    Criterion::default()
        .without_plots()
        .configure_from_args()
        .final_summary();
}
