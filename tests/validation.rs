//! Closed-form validation of the model's building blocks.

use mlgov::governance::Level;
use mlgov::partnership::{
    AsymmetricTrust, BetaTrust, VisionError, degroot_weights, friedkin_johnsen_equilibrium,
    friedkin_johnsen_step, uniform_policy_loss,
};
use mlgov::sim::rng_from_seed;
use nalgebra::{DMatrix, DVector};
use rand::{RngExt, SeedableRng};

fn random_stochastic(n: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut w = DMatrix::from_fn(n, n, |_, _| 0.05 + rng.random::<f64>());
    for mut row in w.row_iter_mut() {
        let s: f64 = row.iter().sum();
        row /= s;
    }
    w
}

#[test]
fn degroot_weights_are_the_left_unit_eigenvector() {
    for seed in 0..20 {
        let w = random_stochastic(6, seed);
        let s = degroot_weights(&w).unwrap();
        assert!((s.sum() - 1.0).abs() < 1e-12);
        let sw = w.transpose() * &s;
        assert!((sw - &s).amax() < 1e-12, "s is not a fixed point of s = sW");
        // The DeGroot iteration converges to the consensus s·x(0).
        let x0 = DVector::from_fn(6, |i, _| i as f64 / 5.0);
        let mut x = x0.clone();
        for _ in 0..2000 {
            x = &w * x;
        }
        let consensus = s.dot(&x0);
        assert!(
            (x.amax() - consensus).abs() < 1e-9 && x.iter().all(|v| (v - consensus).abs() < 1e-9)
        );
    }
}

#[test]
fn degroot_two_by_two_closed_form() {
    // For W = [[1-a, a], [b, 1-b]] the weights are (b, a)/(a+b).
    let (a, b) = (0.3, 0.1);
    let w = DMatrix::from_row_slice(2, 2, &[1.0 - a, a, b, 1.0 - b]);
    let s = degroot_weights(&w).unwrap();
    assert!((s[0] - b / (a + b)).abs() < 1e-12);
    assert!((s[1] - a / (a + b)).abs() < 1e-12);
}

#[test]
fn friedkin_johnsen_equilibrium_matches_iteration_and_formula() {
    for seed in 0..10 {
        let n = 5;
        let w = random_stochastic(n, 100 + seed);
        let lam: Vec<f64> = (0..n).map(|i| 0.3 + 0.1 * i as f64).collect();
        let u: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin().abs()).collect();
        let xs = friedkin_johnsen_equilibrium(
            &w,
            &DVector::from_vec(lam.clone()),
            &DVector::from_vec(u.clone()),
        )
        .unwrap();
        // Iterating x <- ΛWx + (I-Λ)u converges to the same point.
        let mut x = DVector::from_vec(u.clone());
        let mut scratch = DVector::zeros(n);
        for _ in 0..5000 {
            friedkin_johnsen_step(&w, &lam, &u, &mut x, &mut scratch);
        }
        assert!((&x - &xs).amax() < 1e-10);
        // And it solves (I - ΛW)x = (I - Λ)u.
        let l = DMatrix::from_diagonal(&DVector::from_vec(lam.clone()));
        let lhs = (DMatrix::identity(n, n) - &l * &w) * &xs;
        let rhs = (DMatrix::identity(n, n) - l) * DVector::from_vec(u);
        assert!((lhs - rhs).amax() < 1e-12);
    }
}

#[test]
fn friedkin_johnsen_tends_to_degroot_consensus_as_susceptibility_tends_to_one() {
    let w = random_stochastic(4, 7);
    let u = DVector::from_vec(vec![0.1, 0.9, 0.4, 0.6]);
    let consensus = degroot_weights(&w).unwrap().dot(&u);
    let mut last_gap = f64::INFINITY;
    for eps in [1e-2, 1e-4, 1e-6] {
        let lam = DVector::from_element(4, 1.0 - eps);
        let x = friedkin_johnsen_equilibrium(&w, &lam, &u).unwrap();
        let gap = x.iter().map(|v| (v - consensus).abs()).fold(0.0, f64::max);
        assert!(gap < last_gap);
        last_gap = gap;
    }
    assert!(last_gap < 1e-4, "gap {last_gap}");
}

#[test]
fn degroot_weights_of_a_nearly_decomposable_pair_keep_relative_accuracy() {
    // W = [[1-a, a], [b, 1-b]] with a tiny: s = (b, a)/(a+b); the small weight
    // must come out with full relative accuracy (power iteration would need
    // ~1/a steps here).
    let (a, b) = (1e-13, 0.2);
    let w = DMatrix::from_row_slice(2, 2, &[1.0 - a, a, b, 1.0 - b]);
    let s = degroot_weights(&w).unwrap();
    let small = a / (a + b);
    assert!(((s[1] - small) / small).abs() < 1e-9, "s = {s}");
    assert!((s[0] - b / (a + b)).abs() < 1e-15);
}

#[test]
fn degroot_weights_without_self_weight_need_only_aperiodicity() {
    // Cycles 0→1→0 (length 2) and 0→1→2→0 (length 3): gcd 1, so a consensus
    // exists. s = sW gives s = (0.4, 0.4, 0.2).
    let w = DMatrix::from_row_slice(3, 3, &[0.0, 1.0, 0.0, 0.5, 0.0, 0.5, 1.0, 0.0, 0.0]);
    let s = degroot_weights(&w).unwrap();
    let expected = DVector::from_vec(vec![0.4, 0.4, 0.2]);
    assert!((&s - &expected).amax() < 1e-15, "s = {s}");
    let x0 = DVector::from_vec(vec![1.0, 0.0, 0.5]);
    let mut x = x0.clone();
    for _ in 0..500 {
        x = &w * x;
    }
    let consensus = s.dot(&x0);
    assert!(x.iter().all(|v| (v - consensus).abs() < 1e-12), "x = {x}");
}

#[test]
fn degroot_weights_refuse_reducible_matrices() {
    // Two groups that never hear each other: each reaches its own consensus.
    let w = DMatrix::from_row_slice(
        4,
        4,
        &[
            0.6, 0.4, 0.0, 0.0, 0.3, 0.7, 0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.0, 0.0, 0.2, 0.8,
        ],
    );
    let err = degroot_weights(&w).unwrap_err();
    assert_eq!(
        err,
        VisionError::Reducible {
            listener: 0,
            speaker: 2
        }
    );
    assert!(err.to_string().contains("reducible"), "{err}");
    // The dynamics confirm it: the two groups settle at different values.
    let mut x = DVector::from_vec(vec![0.0, 0.2, 0.8, 1.0]);
    for _ in 0..500 {
        x = &w * x;
    }
    assert!((x[0] - x[3]).abs() > 0.5);
}

#[test]
fn degroot_weights_refuse_periodic_matrices() {
    // A 2-cycle permutation: x(t) swaps for ever.
    let w = DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 1.0, 0.0]);
    let err = degroot_weights(&w).unwrap_err();
    assert_eq!(err, VisionError::Periodic { period: 2 });
    assert!(err.to_string().contains("period 2"), "{err}");
    let x0 = DVector::from_vec(vec![0.0, 1.0]);
    assert_eq!(&w * &w * &x0, x0);
    assert_ne!(&w * &x0, x0);
    // A 3-cycle permutation has period 3.
    let w = DMatrix::from_row_slice(3, 3, &[0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
    assert_eq!(
        degroot_weights(&w),
        Err(VisionError::Periodic { period: 3 })
    );
}

fn singular_condition(result: Result<DVector<f64>, VisionError>) -> f64 {
    match result {
        Err(VisionError::Singular { condition, limit }) => {
            assert_eq!(limit, 1e12);
            assert!(condition > limit);
            condition
        }
        other => panic!("expected VisionError::Singular, got {other:?}"),
    }
}

#[test]
fn friedkin_johnsen_refuses_full_susceptibility() {
    // Λ = I: I − W is singular for every row-stochastic W (W1 = 1).
    for seed in 0..10 {
        let w = random_stochastic(5, 200 + seed);
        let u = DVector::from_fn(5, |i, _| i as f64 / 4.0);
        let err = friedkin_johnsen_equilibrium(&w, &DVector::from_element(5, 1.0), &u);
        singular_condition(err.clone());
        assert!(err.unwrap_err().to_string().contains("condition number"));
    }
}

#[test]
fn friedkin_johnsen_refuses_a_closed_group_without_anchor() {
    // Block-diagonal W; the first group is fully susceptible, the second is
    // not. I − ΛW is singular although Λ ≠ I.
    let w = DMatrix::from_row_slice(
        4,
        4,
        &[
            0.6, 0.4, 0.0, 0.0, 0.3, 0.7, 0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.0, 0.0, 0.2, 0.8,
        ],
    );
    let u = DVector::from_vec(vec![0.0, 0.2, 0.8, 1.0]);
    let lam = DVector::from_vec(vec![1.0, 1.0, 0.5, 0.5]);
    singular_condition(friedkin_johnsen_equilibrium(&w, &lam, &u));
    // One anchored partner in the first group is enough: the equilibrium
    // exists and the iteration reaches it.
    let lam = vec![1.0, 0.9, 0.5, 0.5];
    let x = friedkin_johnsen_equilibrium(&w, &DVector::from_vec(lam.clone()), &u).unwrap();
    let mut it = u.clone();
    let mut scratch = DVector::zeros(4);
    for _ in 0..20_000 {
        friedkin_johnsen_step(&w, &lam, u.as_slice(), &mut it, &mut scratch);
    }
    assert!((&it - &x).amax() < 1e-10, "{it} vs {x}");
}

#[test]
fn friedkin_johnsen_condition_number_matches_its_closed_form() {
    // W = J/n (everyone listens equally to all) and Λ = λI: I − λW has
    // eigenvalues 1 − λ (on 1) and 1 (on 1⊥), so its condition number is
    // 1/(1 − λ), and x* = (1 − λ)u + λ·mean(u)·1 exactly.
    let n = 4;
    let w = DMatrix::from_element(n, n, 1.0 / n as f64);
    let u = DVector::from_vec(vec![0.1, 0.9, 0.4, 0.6]);
    let mean = u.mean();
    // Nearly singular: refused, naming the condition number it has. The
    // smallest singular value carries an absolute error near 1e-16, so the
    // reported figure is accurate to a few per cent up to about 1e14 (at
    // 1e15 it is already ~10% off, and at λ = 1 meaningless but huge).
    for gap in [0.0, 1e-15] {
        let lam = DVector::from_element(n, 1.0 - gap);
        singular_condition(friedkin_johnsen_equilibrium(&w, &lam, &u));
    }
    for gap in [5e-13, 1e-13, 1e-14] {
        let lam = 1.0 - gap;
        let condition = singular_condition(friedkin_johnsen_equilibrium(
            &w,
            &DVector::from_element(n, lam),
            &u,
        ));
        let exact = 1.0 / (1.0 - lam);
        assert!(
            (condition / exact - 1.0).abs() < 0.05,
            "condition {condition:e} vs {exact:e}"
        );
    }
    // Ill-conditioned but under the limit: accepted and accurate.
    for gap in [1e-6, 1e-9, 2e-12] {
        let lam = 1.0 - gap;
        let x = friedkin_johnsen_equilibrium(&w, &DVector::from_element(n, lam), &u).unwrap();
        let exact = u.map(|ui| (1.0 - lam) * ui + lam * mean);
        assert!((&x - &exact).amax() < 1e-4, "gap {gap}: {x} vs {exact}");
    }
}

#[test]
fn friedkin_johnsen_refuses_nearly_full_susceptibility_on_random_matrices() {
    for seed in 0..10 {
        let w = random_stochastic(6, 300 + seed);
        let u = DVector::from_fn(6, |i, _| (i as f64 * 0.37).sin().abs());
        singular_condition(friedkin_johnsen_equilibrium(
            &w,
            &DVector::from_element(6, 1.0 - 1e-15),
            &u,
        ));
    }
}

#[test]
fn beta_evidence_settles_at_its_fixed_point() {
    let (lambda, wp, wm, p) = (0.9, 1.0, 2.5, 0.7);
    let mut t = BetaTrust::new(lambda, wp, wm).unwrap();
    let (r_star, s_star) = t.fixed_point(p);
    assert!((r_star - p * wp / (1.0 - lambda)).abs() < 1e-12);
    assert!((s_star - (1.0 - p) * wm / (1.0 - lambda)).abs() < 1e-12);
    let mut rng = rng_from_seed(5);
    let (mut sum_r, mut sum_s, n) = (0.0, 0.0, 400_000);
    for k in 0..(n + 1000) {
        t.observe(rng.random::<f64>() < p);
        if k >= 1000 {
            sum_r += t.r;
            sum_s += t.s;
        }
    }
    // The time average of the evidence equals its fixed point.
    assert!(
        (sum_r / n as f64 - r_star).abs() < 0.05,
        "{}",
        sum_r / n as f64
    );
    assert!(
        (sum_s / n as f64 - s_star).abs() < 0.05,
        "{}",
        sum_s / n as f64
    );
    // Deterministic expected evidence converges exactly.
    let mut e = BetaTrust::new(lambda, wp, wm).unwrap();
    for _ in 0..2000 {
        e.update(p, 1.0 - p);
    }
    assert!((e.r - r_star).abs() < 1e-9 && (e.s - s_star).abs() < 1e-9);
}

#[test]
fn asymmetric_rule_mean_matches_closed_form() {
    let mut rng = rng_from_seed(9);
    for (alpha, beta, p) in [(0.05, 0.15, 0.8), (0.1, 0.3, 0.6), (0.02, 0.02, 0.5)] {
        let mut t = AsymmetricTrust::new(0.5, alpha, beta);
        let (mut sum, n) = (0.0, 400_000);
        for k in 0..(n + 1000) {
            t.observe(rng.random::<f64>() < p);
            if k >= 1000 {
                sum += t.value;
            }
        }
        let expected = p * alpha / (p * alpha + (1.0 - p) * beta);
        assert!(
            (sum / n as f64 - expected).abs() < 0.01,
            "{alpha} {beta} {p}: {} vs {expected}",
            sum / n as f64
        );
        assert!((t.stationary_mean(p) - expected).abs() < 1e-15);
    }
}

#[test]
fn oates_uniform_policy_loses_the_variance_of_local_needs() {
    // Places in regions: ideal point = regional effect + local effect.
    let (var, share): (f64, f64) = (2.0, 0.3);
    let mut rng = rng_from_seed(21);
    let normal = |rng: &mut mlgov::sim::SimRng, sd: f64| -> f64 {
        use rand_distr::Distribution;
        let z: f64 = rand_distr::StandardNormal.sample(rng);
        sd * z
    };
    let (regions, places) = (4000, 50);
    let mut ideal = Vec::new();
    for _ in 0..regions {
        let r = normal(&mut rng, (var * share).sqrt());
        let v: Vec<f64> = (0..places)
            .map(|_| r + normal(&mut rng, (var * (1.0 - share)).sqrt()))
            .collect();
        ideal.push(v);
    }
    let all: Vec<f64> = ideal.iter().flatten().copied().collect();
    let mean = all.iter().sum::<f64>() / all.len() as f64;
    let national = all.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / all.len() as f64;
    let regional = ideal
        .iter()
        .map(|v| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            v.iter().map(|x| (x - m).powi(2)).sum::<f64>()
        })
        .sum::<f64>()
        / all.len() as f64;
    assert!(
        (national - uniform_policy_loss(var, share, Level::National)).abs() < 0.06,
        "{national}"
    );
    assert!(
        (regional - uniform_policy_loss(var, share, Level::Regional)).abs() < 0.05,
        "{regional}"
    );
    assert_eq!(uniform_policy_loss(var, share, Level::Local), 0.0);
}
