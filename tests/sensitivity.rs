//! Designs, Morris validation, determinism across thread counts, the model
//! adapter, failures and the CSV output of `mlgov::sensitivity`.

use mlgov::sensitivity::{
    Method, ModelAnalysis, MorrisOptions, Problem, SensitivityError, SensitivityResult,
    SobolOptions, analyse_model, full_factorial_even, latin_hypercube, model_function, morris,
    morris_analyse, morris_design, scale_point, sobol, write_morris_csv, write_sobol_csv,
};
use mlgov::sim::{Model, ModelError, ParameterSpace, rng_from_seed};
use rand::{Rng, RngExt};

#[test]
fn latin_hypercube_has_one_point_per_stratum_per_dimension() {
    let bounds = [(0.0, 1.0), (-5.0, 5.0), (100.0, 101.0), (2.0, 2.5)];
    for (n, seed) in [(1, 0), (7, 1), (50, 2), (257, 3)] {
        let design = latin_hypercube(&bounds, n, &mut rng_from_seed(seed)).unwrap();
        assert_eq!(design.len(), n);
        for (j, &(lo, hi)) in bounds.iter().enumerate() {
            let mut count = vec![0; n];
            for p in &design {
                assert!(p[j] >= lo && p[j] < hi, "{} outside [{lo}, {hi})", p[j]);
                let stratum = (((p[j] - lo) / (hi - lo)) * n as f64).floor() as usize;
                count[stratum.min(n - 1)] += 1;
            }
            assert!(
                count.iter().all(|&c| c == 1),
                "n = {n}, dimension {j}: {count:?}"
            );
        }
    }
}

#[test]
fn even_factorial_enumerates_every_combination() {
    let d = full_factorial_even(&[(0.0, 1.0), (10.0, 20.0), (-1.0, 1.0)], 4).unwrap();
    assert_eq!(d.len(), 64);
    let mut sorted = d.clone();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    sorted.dedup();
    assert_eq!(sorted.len(), 64);
    assert_eq!(d[1], vec![0.0, 10.0, -1.0 + 2.0 / 3.0]);
    assert_eq!(d[63], vec![1.0, 20.0, 1.0]);
}

fn linear(a: &'static [f64]) -> impl Fn(&[f64]) -> Result<Vec<f64>, ModelError> + Sync {
    move |x: &[f64]| Ok(vec![x.iter().zip(a).map(|(x, a)| x * a).sum()])
}

#[test]
fn morris_on_a_linear_model_gives_coefficient_times_range() {
    // Every elementary effect of y = sum a_i x_i is a_i (high_i - low_i)
    // exactly, so mu = a_i range, mu_star = |a_i| range and sigma = 0, up to
    // rounding (tolerance 1e-9 relative).
    const A: [f64; 4] = [2.0, -3.0, 0.5, 0.0];
    let bounds = vec![(0.0, 1.0), (-2.0, 2.0), (10.0, 30.0), (0.0, 5.0)];
    let problem = Problem::unnamed(bounds.clone()).unwrap();
    let opts = MorrisOptions {
        trajectories: 10,
        seed: 5,
        ..MorrisOptions::default()
    };
    let r = morris(linear(&A), &problem, &opts).unwrap();
    assert_eq!(r.evaluations, 10 * 5);
    for i in 0..4 {
        let m = r.indices[0][i];
        let expected = A[i] * (bounds[i].1 - bounds[i].0);
        let tol = 1e-9 * expected.abs().max(1.0);
        assert!((m.mu - expected).abs() < tol, "mu[{i}] = {}", m.mu);
        assert!(
            (m.mu_star - expected.abs()).abs() < tol,
            "mu*[{i}] = {}",
            m.mu_star
        );
        assert!(m.sigma < tol, "sigma[{i}] = {}", m.sigma);
    }
}

#[test]
fn morris_sees_interactions_in_sigma() {
    // y = x0 x1 + x2 on [0, 1]^3: the effect of x0 depends on x1 and the
    // reverse, so their sigma is positive; x2 acts alone, so its sigma is 0.
    let f = |x: &[f64]| -> Result<Vec<f64>, ModelError> { Ok(vec![x[0] * x[1] + x[2]]) };
    let problem = Problem::unnamed(vec![(0.0, 1.0); 3]).unwrap();
    let r = morris(f, &problem, &MorrisOptions::default()).unwrap();
    let m = &r.indices[0];
    assert!(m[0].sigma > 0.1 && m[1].sigma > 0.1, "{m:?}");
    assert!(
        m[2].sigma < 1e-12 && (m[2].mu_star - 1.0).abs() < 1e-12,
        "{m:?}"
    );
}

#[test]
fn morris_design_evaluated_elsewhere_gives_the_same_result() {
    let f = |x: &[f64]| -> Result<Vec<f64>, ModelError> { Ok(vec![x[0] * x[1].exp() - x[2]]) };
    let problem = Problem::unnamed(vec![(0.0, 1.0), (-1.0, 1.0), (5.0, 6.0)]).unwrap();
    let opts = MorrisOptions {
        trajectories: 12,
        levels: 6,
        seed: 21,
        threads: Some(2),
    };
    let design = morris_design(3, &opts).unwrap();
    let outputs: Vec<Vec<f64>> = design
        .points
        .iter()
        .map(|u| f(&scale_point(u, problem.bounds())).unwrap())
        .collect();
    let later = morris_analyse(&problem, &design, &outputs).unwrap();
    assert_eq!(later, morris(f, &problem, &opts).unwrap());
    assert_eq!(later.levels, 6);
}

/// A tiny stochastic model: a level that grows by `rate` each month, plus a
/// one-off `3 * boost`, plus noise that does not depend on the parameters.
struct Growth;

impl Model for Growth {
    type Params = (f64, f64);
    type State = (f64, f64);
    fn observables(&self) -> Vec<String> {
        vec!["level".into()]
    }
    fn final_metrics(&self) -> Vec<String> {
        vec!["level".into(), "noise".into()]
    }
    fn init<R: Rng + ?Sized>(&self, _: &(f64, f64), _: &mut R) -> Result<(f64, f64), ModelError> {
        Ok((0.0, 0.0))
    }
    fn step<R: Rng + ?Sized>(
        &self,
        p: &(f64, f64),
        s: &mut (f64, f64),
        _t: u32,
        rng: &mut R,
    ) -> Result<(), ModelError> {
        s.0 += p.0;
        s.1 += rng.random::<f64>() - 0.5;
        Ok(())
    }
    fn observe(&self, _: &(f64, f64), s: &(f64, f64), _t: u32, out: &mut Vec<f64>) {
        out.push(s.0 + s.1)
    }
    fn finish(&self, p: &(f64, f64), s: &(f64, f64), _months: u32, out: &mut Vec<f64>) {
        out.push(s.0 + 3.0 * p.1 + s.1);
        out.push(s.1);
    }
}

struct GrowthSpace;

impl ParameterSpace<(f64, f64)> for GrowthSpace {
    fn names(&self) -> Vec<String> {
        vec!["growth.rate".into(), "growth.boost".into()]
    }
    fn bounds(&self) -> Vec<(f64, f64)> {
        vec![(0.0, 1.0), (0.0, 2.0)]
    }
    fn build(&self, x: &[f64]) -> Result<(f64, f64), ModelError> {
        Ok((x[0], x[1]))
    }
}

#[test]
fn model_function_averages_replications_with_common_random_numbers() {
    let f = model_function(&Growth, &GrowthSpace, 12, 8, 99);
    let y0 = f(&[0.5, 1.0]).unwrap();
    let y1 = f(&[0.25, 1.0]).unwrap();
    // Same seeds at both points: the noise is identical and cancels.
    assert_eq!(y0[1], y1[1]);
    assert!((y0[0] - y1[0] - 12.0 * 0.25).abs() < 1e-12);
    assert!(y0[1] != 0.0 && y0[1].abs() < 6.0);
    // Another master seed, other noise.
    let g = model_function(&Growth, &GrowthSpace, 12, 8, 100);
    assert_ne!(g(&[0.5, 1.0]).unwrap()[1], y0[1]);
}

fn settings(method: Method, samples: usize, threads: Option<usize>) -> ModelAnalysis {
    ModelAnalysis {
        method,
        samples,
        months: 12,
        replications: 4,
        seed: 7,
        threads,
    }
}

#[test]
fn morris_through_a_model_is_exact_thanks_to_common_random_numbers() {
    let r = analyse_model(
        &Growth,
        &GrowthSpace,
        &settings(Method::Morris, 6, Some(2)),
        &|| {},
    )
    .unwrap();
    let SensitivityResult::Morris(r) = r else {
        panic!("not a Morris result")
    };
    assert_eq!(r.parameters, vec!["growth.rate", "growth.boost"]);
    assert_eq!(r.outputs, vec!["level", "noise"]);
    // level = 12 rate + 3 boost + noise: effects 12 * 1 and 3 * 2.
    let level = &r.indices[0];
    assert!((level[0].mu_star - 12.0).abs() < 1e-9 && level[0].sigma < 1e-9);
    assert!((level[1].mu_star - 6.0).abs() < 1e-9 && level[1].sigma < 1e-9);
    // The noise does not depend on the parameters at all.
    assert!(
        r.indices[1]
            .iter()
            .all(|m| m.mu_star == 0.0 && m.sigma == 0.0)
    );
}

fn csv_bytes(result: &SensitivityResult) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = result.write_csv(dir.path()).unwrap();
    std::fs::read(path).unwrap()
}

#[test]
fn output_is_byte_identical_for_one_and_two_threads() {
    for (method, samples) in [(Method::Morris, 10), (Method::Sobol, 64)] {
        let one = analyse_model(
            &Growth,
            &GrowthSpace,
            &settings(method, samples, Some(1)),
            &|| {},
        )
        .unwrap();
        let two = analyse_model(
            &Growth,
            &GrowthSpace,
            &settings(method, samples, Some(2)),
            &|| {},
        )
        .unwrap();
        assert_eq!(one, two, "{method}");
        assert_eq!(csv_bytes(&one), csv_bytes(&two), "{method}");
    }
}

#[test]
fn progress_is_reported_once_per_evaluation() {
    let count = std::sync::atomic::AtomicUsize::new(0);
    let tick = || {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    };
    let r = analyse_model(
        &Growth,
        &GrowthSpace,
        &settings(Method::Sobol, 32, Some(2)),
        &tick,
    )
    .unwrap();
    assert_eq!(r.evaluations(), 32 * 4);
    assert_eq!(Method::Sobol.evaluations(2, 32), 32 * 4);
    assert_eq!(count.into_inner(), 32 * 4);
}

#[test]
fn a_failed_evaluation_names_the_earliest_failing_point() {
    // Fails wherever x0 > 0.6; the reported point is the first such point
    // in design order, whatever the thread count.
    let f = |x: &[f64]| -> Result<Vec<f64>, ModelError> {
        if x[0] > 0.6 {
            Err(ModelError::new("trust collapsed"))
        } else {
            Ok(vec![x[0] + x[1]])
        }
    };
    let problem = Problem::new(vec!["alpha".into(), "beta".into()], vec![(0.0, 1.0); 2]).unwrap();
    let mut messages = Vec::new();
    for threads in [1, 2] {
        let opts = SobolOptions {
            samples: 64,
            threads: Some(threads),
            ..SobolOptions::default()
        };
        let err = sobol(f, &problem, &opts).unwrap_err();
        let SensitivityError::Evaluation { index, .. } = &err else {
            panic!("{err}")
        };
        assert!(*index > 0);
        messages.push(err.to_string());
    }
    assert_eq!(messages[0], messages[1]);
    assert!(messages[0].contains("alpha = 0.") && messages[0].contains("trust collapsed"));
}

#[test]
fn bad_outputs_are_refused_with_the_point() {
    let problem = Problem::unnamed(vec![(0.0, 1.0); 2]).unwrap();
    let nan = |x: &[f64]| -> Result<Vec<f64>, ModelError> { Ok(vec![x[0].ln() * 0.0]) };
    let err = morris(nan, &problem, &MorrisOptions::default()).unwrap_err();
    assert!(err.to_string().contains("not finite"), "{err}");
    let ragged = |x: &[f64]| -> Result<Vec<f64>, ModelError> {
        Ok(if x[0] > 0.5 {
            vec![1.0, 2.0]
        } else {
            vec![1.0]
        })
    };
    let named = problem.clone().with_outputs(vec!["a".into()]);
    let err = morris(ragged, &named, &MorrisOptions::default()).unwrap_err();
    assert!(err.to_string().contains("expected 1"), "{err}");
}

#[test]
fn settings_are_checked_before_any_work() {
    let problem = Problem::unnamed(vec![(0.0, 1.0); 2]).unwrap();
    let err = "fast".parse::<Method>().unwrap_err().to_string();
    assert!(err.contains("`fast`") && err.contains("morris") && err.contains("sobol"));
    assert_eq!("sobol".parse::<Method>().unwrap(), Method::Sobol);
    let err = settings(Method::Morris, 1, None)
        .check(&problem)
        .unwrap_err();
    assert!(err.to_string().contains("at least 2"), "{err}");
    let err = settings(Method::Sobol, 16, None)
        .check(&problem)
        .unwrap_err();
    assert!(err.to_string().contains("at least 32"), "{err}");
    assert!(
        settings(Method::Sobol, 32, Some(0))
            .check(&problem)
            .is_err()
    );
    let one = Problem::unnamed(vec![(0.0, 1.0)]).unwrap();
    let err = settings(Method::Morris, 10, None).check(&one).unwrap_err();
    assert!(
        err.to_string().contains("at least 2 uncertain parameters"),
        "{err}"
    );
    let err = Problem::new(vec!["a".into(), "b".into()], vec![(0.0, 1.0), (2.0, 2.0)]);
    assert!(err.unwrap_err().to_string().contains("`b`"));
}

#[test]
fn csv_files_have_the_documented_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nested");
    let problem = Problem::new(vec!["a,b".into(), "c".into()], vec![(0.0, 1.0); 2]).unwrap();
    let f = |x: &[f64]| -> Result<Vec<f64>, ModelError> { Ok(vec![x[0], 2.0 * x[1]]) };
    let m = morris(f, &problem, &MorrisOptions::default()).unwrap();
    let path = write_morris_csv(&out, &m).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "method,metric,parameter,mu,mu_star,sigma");
    assert_eq!(lines.len(), 1 + 2 * 2);
    let numbers = |line: &str, prefix: &str| -> Vec<f64> {
        let rest = line
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{line}"));
        rest.split(',').map(|v| v.parse().unwrap()).collect()
    };
    let close = |got: Vec<f64>, want: [f64; 3]| {
        assert!(
            got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-12),
            "{got:?}"
        );
    };
    close(numbers(lines[1], "morris,y0,\"a,b\","), [1.0, 1.0, 0.0]);
    close(numbers(lines[2], "morris,y0,c,"), [0.0, 0.0, 0.0]);
    close(numbers(lines[4], "morris,y1,c,"), [2.0, 2.0, 0.0]);
    let s = sobol(
        f,
        &problem,
        &SobolOptions {
            samples: 32,
            ..SobolOptions::default()
        },
    )
    .unwrap();
    let path = write_sobol_csv(&out, &s).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("method,metric,parameter,s1,s1_low,s1_high,st,st_low,st_high\n"));
    assert_eq!(text.lines().count(), 5);
    // Only the final file remains: the temporary was renamed.
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["sensitivity.csv"]);
}
