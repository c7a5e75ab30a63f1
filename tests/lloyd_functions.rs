//! Each of Lloyd's functions acts through its own mechanism (docs/model.md
//! §7.F and §7.P): a closed form for the Oates switch point, and paired
//! Monte Carlo comparisons (common random numbers, 95%) for each mechanism
//! in the full model.

use crate::common::{T95, assignments, paired, two};
use mlgov::partnership::{GovernanceModel, GovernanceParams, oates_losses, oates_switch_spillover};
use mlgov::scenario::Scenario;
use mlgov::sim::{Model, rng_from_seed, run_seed, run_single};
use rand::RngExt;

#[test]
fn oates_switch_point_matches_the_closed_form_to_1e9() {
    let mut rng = rng_from_seed(11);
    for case in 0..20 {
        let (regions, per) = (1 + case % 4, 2 + case % 3);
        let needs: Vec<f64> = (0..regions * per)
            .map(|_| 0.2 + 1.6 * rng.random::<f64>())
            .collect();
        let closed = oates_switch_spillover(&needs).unwrap();
        // Bisection on the model's own losses: local − central changes sign
        // once on [0, 1] (local loss grows as s², central does not move).
        let gap = |s: f64| {
            let l = oates_losses(&needs, regions, per, s);
            l.local - l.central
        };
        let (mut lo, mut hi) = (0.0, 1.0);
        assert!(
            gap(lo) < 0.0 && gap(hi) > 0.0,
            "case {case}: no switch in [0, 1]"
        );
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if gap(mid) < 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        assert!(
            (0.5 * (lo + hi) - closed).abs() < 1e-9,
            "case {case}: model {} closed form {closed}",
            0.5 * (lo + hi)
        );
        // The central loss is the population variance, the local one s²·E[θ²].
        let n = needs.len() as f64;
        let mean = needs.iter().sum::<f64>() / n;
        let var = needs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        let l = oates_losses(&needs, regions, per, 0.3);
        assert!((l.central - var).abs() < 1e-12);
        let second = needs.iter().map(|x| x * x).sum::<f64>() / n;
        assert!((l.local - 0.09 * second).abs() < 1e-12);
    }
}

#[test]
fn the_ranking_flips_with_heterogeneity_and_spillover() {
    // Needs that differ and no spill-over: local-leaning wins on net benefit.
    let hetero = "[governance]\nneeds_variance = 2.0\nspillover = 0.0";
    let s = assignments("N-N-L", "L-L-L", hetero);
    let (d, t) = paired(&s, "N-N-L", "L-L-L", "net_benefit", 100);
    assert!(
        d > 0.0 && t > T95,
        "heterogeneous: L-L-L − N-N-L = {d}, t {t}"
    );
    // Uniform needs and strong spill-over: national-leaning wins.
    let uniform = "[governance]\nneeds_variance = 0.0\nspillover = 0.9";
    let s = assignments("N-N-L", "L-L-L", uniform);
    let (d, t) = paired(&s, "N-N-L", "L-L-L", "net_benefit", 100);
    assert!(d < 0.0 && t < -T95, "uniform: L-L-L − N-N-L = {d}, t {t}");
}

#[test]
fn local_conception_raises_ownership_value_added_and_fit() {
    let s = assignments("N-N-N", "L-N-N", "");
    let (d, t) = paired(&s, "N-N-N", "L-N-N", "value_added_total", 100);
    assert!(d > 0.0 && t > T95, "value added: {d}, t {t}");
    let (d, t) = paired(&s, "N-N-N", "L-N-N", "fit", 100);
    assert!(d > 0.0 && t > T95, "fit: {d}, t {t}");
}

#[test]
fn national_pooling_prevents_the_postcode_lottery() {
    // Uniform needs, places whose own capacity differs (the default
    // capacity variance): a national conceiver and manager pools the
    // places' resources and allocates them by need, so every place is
    // served in proportion to its need; L-L-L leaves each place to its own
    // capacity (docs/model.md §7.C, territorial justice).
    let uniform = "[governance]\nneeds_variance = 0.0";
    let s = assignments("L-L-L", "N-N-L", uniform);
    let (d, t) = paired(&s, "L-L-L", "N-N-L", "equity", 100);
    assert!(d > 0.0 && t > T95, "equity N-N-L − L-L-L = {d}, t {t}");
    // Connectors give L-L-L part of a national pool: more equity.
    let s = two(
        "unconnected",
        "",
        "connected",
        "\"interventions.connectors.posts\" = 4",
        "[governance]\nassignment = \"L-L-L\"\nneeds_variance = 0.0",
    );
    let (d, t) = paired(&s, "unconnected", "connected", "equity", 100);
    assert!(
        d > 0.0 && t > T95,
        "equity, connected − unconnected L-L-L = {d}, t {t}"
    );
}

#[test]
fn the_managing_level_matters() {
    for (a, b) in [("N-N-L", "N-L-L"), ("R-R-L", "R-L-L")] {
        let s = assignments(a, b, "");
        let (d, t) = paired(&s, a, b, "fit", 100);
        assert!(d > 0.0 && t > T95, "{b} − {a} fit = {d}, t {t}");
        let (d, t) = paired(&s, a, b, "delivery_total", 100);
        assert!(
            d.abs() > 0.0 && t.abs() > T95,
            "{b} − {a} delivery = {d}, t {t}"
        );
    }
}

#[test]
fn fit_is_never_free_where_the_policy_is_local() {
    let s = two(
        "one_silo",
        "\"governance.silos\" = 1",
        "ten_silos",
        "\"governance.silos\" = 10",
        "[governance]\nassignment = \"L-L-L\"",
    );
    let (d, t) = paired(&s, "one_silo", "ten_silos", "fit", 100);
    assert!(d < 0.0 && t < -T95, "silos: {d}, t {t}");
    // A domain no partner brings lowers the fit of L-L-L too.
    let s = two(
        "covered",
        "",
        "uncovered",
        "\"governance.domains\" = [\"jobs\", \"skills\", \"housing\", \"environment\"]",
        "[governance]\nassignment = \"L-L-L\"",
    );
    let (d, t) = paired(&s, "covered", "uncovered", "fit", 100);
    assert!(d < 0.0 && t < -T95, "uncovered domain: {d}, t {t}");
}

#[test]
fn connectors_lower_the_cost_of_connecting_levels() {
    let s = two(
        "none",
        "",
        "liaison",
        "\"interventions.connectors.posts\" = 4",
        "[governance]\nassignment = \"N-R-L\"",
    );
    let (d, t) = paired(&s, "none", "liaison", "transaction_cost_total", 100);
    assert!(d < 0.0 && t < -T95, "cost: {d}, t {t}");
    let (d, t) = paired(&s, "none", "liaison", "fit", 100);
    assert!(d > 0.0 && t > T95, "fit: {d}, t {t}");
}

#[test]
fn survival_follows_demonstrated_value() {
    let s = two(
        "plain",
        "",
        "creative",
        "\"partnership.delivery.creativity\" = 32",
        "[interventions.funding]\nsustainable = false\nhorizon = 24",
    );
    let (d, t) = paired(&s, "plain", "creative", "survival", 200);
    assert!(d > 0.0 && t > T95, "survival: {d}, t {t}");
}

#[test]
fn waivers_raise_room_for_innovation() {
    let s = two(
        "no_waivers",
        "",
        "waivers",
        "\"interventions.waivers.enabled\" = true",
        "",
    );
    let (d, t) = paired(&s, "no_waivers", "waivers", "value_added_total", 100);
    assert!(d > 0.0 && t > T95, "value added: {d}, t {t}");
}

#[test]
fn a_healthy_default_partnership_keeps_its_trust_in_the_long_run() {
    // Mean trust over 200 replications of the default scenario: after the
    // dip when delivery starts, learning rebuilds it; by the end of twenty
    // years it is above the threshold and not falling.
    let p = GovernanceParams::default_params();
    let model = GovernanceModel;
    let reps = 200;
    let (mut at_10y, mut at_15y, mut at_20y) = (0.0, 0.0, 0.0);
    for k in 0..reps {
        let run = run_single(&model, &p, 240, run_seed(5, k)).unwrap();
        at_10y += run.observations[119][0];
        at_15y += run.observations[179][0];
        at_20y += run.observations[239][0];
    }
    let (a, b, c) = (
        at_10y / reps as f64,
        at_15y / reps as f64,
        at_20y / reps as f64,
    );
    assert!(c >= p.trust_threshold, "trust at 20 years {c}");
    assert!(c >= b - 0.005 && b >= a - 0.005, "trust {a} → {b} → {c}");
}

#[test]
fn the_27_assignments_do_not_tie_under_lloyd_grid() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/scenarios/lloyd_grid.toml"
    ))
    .unwrap();
    let s = Scenario::from_toml(&text, "lloyd_grid.toml").unwrap();
    let configs = s.engine_configurations();
    assert_eq!(configs.len(), 27);
    let model = GovernanceModel;
    let names = model.final_metrics();
    let months = s.spec.experiment.months;
    let reps = s.spec.experiment.replications;
    let metrics = [
        "value_added_total",
        "trust_mean",
        "net_benefit",
        "fit",
        "equity",
    ];
    let idx: Vec<usize> = metrics
        .iter()
        .map(|m| names.iter().position(|x| x == m).unwrap())
        .collect();
    let means: Vec<Vec<f64>> = configs
        .iter()
        .map(|c| {
            let mut sums = vec![0.0; idx.len()];
            for k in 0..reps {
                let seed = run_seed(s.spec.experiment.seed, k);
                let p = c.params_for_run(seed).unwrap();
                let run = run_single(&model, &p, months, seed).unwrap();
                for (sum, &i) in sums.iter_mut().zip(&idx) {
                    *sum += run.finals[i];
                }
            }
            sums.iter().map(|x| x / reps as f64).collect()
        })
        .collect();
    for (m, metric) in metrics.iter().enumerate() {
        for a in 0..means.len() {
            for b in a + 1..means.len() {
                let (x, y) = (means[a][m], means[b][m]);
                assert!(
                    (x - y).abs() > 1e-9 * x.abs().max(y.abs()).max(1.0),
                    "{metric}: {} and {} tie at {x}",
                    configs[a].name,
                    configs[b].name
                );
            }
        }
    }
}
