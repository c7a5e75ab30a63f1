//! Costs of the sensitivity machinery itself (not of any model): Sobol' point
//! generation, a Saltelli analysis with its 1000-resample bootstrap, and a
//! Morris analysis, on the cheap Ishigami function.

use criterion::{Criterion, criterion_group, criterion_main};
use mlgov::sensitivity::{
    MorrisOptions, Problem, SobolOptions, SobolSequence, morris, saltelli_design, sobol,
};
use mlgov::sim::ModelError;
use std::f64::consts::PI;
use std::hint::black_box;

fn ishigami(x: &[f64]) -> Result<Vec<f64>, ModelError> {
    Ok(vec![
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin(),
    ])
}

fn bench(c: &mut Criterion) {
    c.bench_function("sobol_sequence_64d_4096_points", |b| {
        b.iter(|| {
            let mut seq = SobolSequence::new(64).unwrap();
            let mut p = vec![0.0; 64];
            for _ in 0..4096 {
                seq.next_into(&mut p).unwrap();
            }
            black_box(p)
        })
    });
    c.bench_function("saltelli_design_k10_n1024", |b| {
        b.iter(|| black_box(saltelli_design(10, 1024).unwrap()))
    });
    let problem = Problem::unnamed(vec![(-PI, PI); 3]).unwrap();
    let sobol_opts = SobolOptions {
        samples: 1024,
        threads: Some(1),
        ..SobolOptions::default()
    };
    c.bench_function("sobol_ishigami_n1024_bootstrap1000", |b| {
        b.iter(|| black_box(sobol(ishigami, &problem, &sobol_opts).unwrap()))
    });
    let morris_opts = MorrisOptions {
        trajectories: 100,
        threads: Some(1),
        ..MorrisOptions::default()
    };
    c.bench_function("morris_ishigami_r100", |b| {
        b.iter(|| black_box(morris(ishigami, &problem, &morris_opts).unwrap()))
    });
}

// No plots: criterion's plotters backend needs system fonts, which a fresh
// machine does not have.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);
