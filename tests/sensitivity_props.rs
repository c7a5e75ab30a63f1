//! Invariants of the designs and indices over many random settings.

use mlgov::sensitivity::{
    MorrisOptions, Problem, SobolOptions, latin_hypercube, morris_design, sobol,
};
use mlgov::sim::{ModelError, rng_from_seed};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn latin_hypercube_strata_are_each_hit_once(k in 1usize..6, n in 1usize..200, seed: u64) {
        let bounds: Vec<(f64, f64)> = (0..k).map(|j| (j as f64, 2.0 * j as f64 + 1.0)).collect();
        let d = latin_hypercube(&bounds, n, &mut rng_from_seed(seed)).unwrap();
        for (j, &(lo, hi)) in bounds.iter().enumerate() {
            let mut hits = vec![0u32; n];
            for p in &d {
                prop_assert!(p[j] >= lo && p[j] < hi);
                let s = (((p[j] - lo) / (hi - lo)) * n as f64).floor() as usize;
                hits[s.min(n - 1)] += 1;
            }
            prop_assert!(hits.iter().all(|&h| h == 1));
        }
    }

    #[test]
    fn morris_trajectories_move_each_parameter_once_by_delta(
        k in 1usize..10, r in 2usize..10, half in 1usize..5, seed: u64,
    ) {
        let opts = MorrisOptions { trajectories: r, levels: 2 * half, seed, threads: Some(1) };
        let d = morris_design(k, &opts).unwrap();
        prop_assert_eq!(d.points.len(), r * (k + 1));
        for t in 0..r {
            let mut moved = vec![0; k];
            for m in 0..k {
                let (a, b) = (&d.points[t * (k + 1) + m], &d.points[t * (k + 1) + m + 1]);
                let (i, up) = d.moves[t * k + m];
                moved[i] += 1;
                let step = if up { b[i] - a[i] } else { a[i] - b[i] };
                prop_assert!((step - d.delta).abs() < 1e-12);
                for j in (0..k).filter(|&j| j != i) {
                    prop_assert_eq!(a[j], b[j]);
                }
            }
            prop_assert!(moved.iter().all(|&c| c == 1));
        }
        prop_assert!(d.points.iter().flatten().all(|&u| (0.0..=1.0).contains(&u)));
    }

    #[test]
    fn sobol_indices_of_linear_models_are_coefficient_shares(
        a in prop::collection::vec(-5.0f64..5.0, 2..6),
    ) {
        let total: f64 = a.iter().map(|a| a * a).sum();
        prop_assume!(total > 0.1);
        let problem = Problem::unnamed(vec![(0.0, 1.0); a.len()]).unwrap();
        let coef = a.clone();
        let f = move |x: &[f64]| -> Result<Vec<f64>, ModelError> {
            Ok(vec![x.iter().zip(&coef).map(|(x, a)| x * a).sum()])
        };
        let opts = SobolOptions { samples: 256, bootstrap: 20, ..SobolOptions::default() };
        let r = sobol(f, &problem, &opts).unwrap();
        for (i, ai) in a.iter().enumerate() {
            let share = ai * ai / total;
            let s = r.indices[0][i];
            prop_assert!((s.s1 - share).abs() < 0.01, "S1 {} vs {}", s.s1, share);
            prop_assert!((s.st - share).abs() < 0.01, "ST {} vs {}", s.st, share);
            prop_assert!(s.s1_low <= s.s1_high && s.st_low <= s.st_high);
        }
    }
}
