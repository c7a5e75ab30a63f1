//! The mechanisms of `docs/model.md` as switches: each one off sits at its
//! neutral value (bit-identical to setting its parameter there), the
//! documentation's table lists exactly the code's mechanisms, resources are
//! conserved whatever the assignment and the partition of the nation, and
//! with only the conceived targets on, the ranking of the conceiving levels
//! follows the three-tier Oates losses.

use crate::common::{self, T95, paired, two};
use mlgov::partnership::{
    GovernanceModel, GovernanceParams, MECHANISMS, Mechanism, Places, oates_losses,
    pooled_resources,
};
use mlgov::scenario::Scenario;
use mlgov::sim::Model;

/// The final metrics of configuration `name` of the scenario `toml` for
/// replications 0..n, with the engine's run seeds (the scenario's own
/// master seed).
fn finals(toml: &str, name: &str, n: u64) -> Vec<Vec<f64>> {
    let s = Scenario::from_toml(toml, "test.toml").unwrap_or_else(|e| panic!("{e}"));
    common::finals(toml, name, n, s.spec.experiment.seed)
}

fn metric(name: &str) -> usize {
    GovernanceModel
        .final_metrics()
        .iter()
        .position(|m| m == name)
        .unwrap()
}

/// Every mechanism but `off`, as a TOML list.
fn all_but(off: &str) -> String {
    let names: Vec<String> = MECHANISMS
        .iter()
        .filter(|m| m.name != off)
        .map(|m| format!("\"{}\"", m.name))
        .collect();
    format!("[{}]", names.join(", "))
}

#[test]
fn each_mechanism_off_is_its_parameter_at_the_neutral_value() {
    // (mechanism, the settings that put its parameters at their neutral values)
    let cases: [(&str, &str); 16] = [
        ("ownership", "\"governance.ownership_gap\" = 0"),
        ("outside_targets", "\"governance.outside_targets\" = 0"),
        ("standardisation", "\"governance.standardisation\" = 0"),
        ("adaptation", "\"governance.adaptation\" = 0"),
        ("information", "\"governance.information_loss\" = 0"),
        ("expertise", "\"governance.local_error\" = 0"),
        (
            "scale",
            "\"partnership.costs.scale_penalty\" = 0, \"partnership.costs.scale_economy\" = 0",
        ),
        ("proximity", "\"governance.proximity_loss\" = 0"),
        ("silos", "\"governance.silos\" = 1"),
        ("interconnection", "\"governance.interconnection\" = 0"),
        (
            "handovers",
            "\"partnership.costs.handover\" = 0, \"governance.handover_delay\" = 0",
        ),
        ("attention", "\"governance.attention\" = 0"),
        ("diffusion", "\"governance.diffusion\" = 0"),
        ("formality", "\"partnership.delivery.formality\" = 0"),
        (
            "target_review",
            "\"interventions.external_targets.level\" = 0",
        ),
        ("involvement", "\"partnership.uninvolved_contact\" = 1"),
    ];
    // External targets, connectors and early delivery on, so that every
    // mechanism has something to act on.
    let base = "[experiment]\nmonths = 60\nseed = 11\n[interventions]\ndelivery_start = 4\n\
                [interventions.external_targets]\nenabled = true\n\
                [interventions.connectors]\nposts = 2\n";
    for assignment in ["N-R-L", "L-N-R", "R-L-N", "L-L-L"] {
        for (name, neutral) in cases {
            let toml = two(
                "off",
                &format!(
                    "\"governance.mechanisms\" = {}, \"governance.assignment\" = \"{assignment}\"",
                    all_but(name)
                ),
                "neutral",
                &format!("{neutral}, \"governance.assignment\" = \"{assignment}\""),
                base,
            );
            let (a, b) = (finals(&toml, "off", 4), finals(&toml, "neutral", 4));
            for (x, y) in a.iter().zip(&b) {
                for (k, (u, v)) in x.iter().zip(y).enumerate() {
                    assert!(
                        u.to_bits() == v.to_bits(),
                        "{assignment}, {name}: metric {k} differs, off {u} against neutral {v}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_mechanism_changes_the_grid_somewhere() {
    // Switching one mechanism off changes at least one final metric of at
    // least one assignment (none is dead code).
    // Workshops make the partnerships' learning differ (something to diffuse).
    let base = "[experiment]\nmonths = 60\nseed = 3\n[places]\ncapacity_variance = 0.3\n\
                [interventions]\ndelivery_start = 4\n[interventions.workshops]\nper_year = 4\n\
                [interventions.external_targets]\nenabled = true\n\
                [interventions.connectors]\nposts = 2\n";
    for m in MECHANISMS.iter() {
        let changed = ["N-R-L", "L-N-R", "R-L-N", "L-L-L", "N-N-N"]
            .iter()
            .any(|assignment| {
                let toml = two(
                    "all",
                    &format!("\"governance.assignment\" = \"{assignment}\""),
                    "without",
                    &format!(
                        "\"governance.mechanisms\" = {}, \"governance.assignment\" = \"{assignment}\"",
                        all_but(m.name)
                    ),
                    base,
                );
                finals(&toml, "all", 3) != finals(&toml, "without", 3)
            });
        assert!(changed, "switching `{}` off changed nothing", m.name);
    }
}

#[test]
fn the_documented_table_lists_the_code_mechanisms_in_order() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/model.md")).unwrap();
    let start = text
        .find("| mechanism |")
        .expect("docs/model.md has a table headed `| mechanism |`");
    let documented: Vec<String> = text[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.split('|')
                .nth(1)
                .unwrap()
                .trim()
                .trim_matches('`')
                .to_string()
        })
        .collect();
    let code: Vec<String> = MECHANISMS.iter().map(|m| m.name.to_string()).collect();
    assert_eq!(documented, code);
}

#[test]
fn pooling_keeps_each_unit_total_and_follows_need() {
    let needs = vec![0.5, 1.5, 1.0, 1.0, 0.2, 1.8];
    let capacity = vec![1.4, 0.6, 1.0, 1.0, 0.5, 1.5];
    let places = Places::from_needs(3, 2, needs.clone()).with_capacity(capacity.clone());
    for code in ["N-N-L", "R-R-L", "L-R-L", "L-L-L", "N-L-L"] {
        let mut p = GovernanceParams::default_params();
        p.assignment = code.parse().unwrap();
        for connect in [0.0, 0.5] {
            let a = pooled_resources(&p, &places, connect);
            let total: f64 = a.iter().sum();
            assert!(
                (total - capacity.iter().sum::<f64>()).abs() < 1e-12,
                "{code}"
            );
        }
        let a = pooled_resources(&p, &places, 0.0);
        match code {
            // Pooled nationally, allocated by need: a'_p = Σa·θ_p/Σθ.
            "N-N-L" | "N-L-L" => {
                for (x, t) in a.iter().zip(&needs) {
                    assert!((x - 6.0 * t / 6.0).abs() < 1e-12);
                }
            }
            // Pooled in each region of two.
            "R-R-L" | "L-R-L" => {
                assert!((a[0] - 2.0 * 0.5 / 2.0).abs() < 1e-12);
                assert!((a[5] - 2.0 * 1.8 / 2.0).abs() < 1e-12);
            }
            // Local conception and management: each place keeps its own,
            // unless connectors share part of a national pool.
            _ => {
                assert_eq!(a, capacity);
                let b = pooled_resources(&p, &places, 0.5);
                assert!((b[4] - (0.5 * 0.5 + 0.5 * 0.2)).abs() < 1e-12);
            }
        }
        p.mechanisms = p.mechanisms.with(Mechanism::Pooling, false);
        assert_eq!(pooled_resources(&p, &places, 0.5), capacity);
    }
}

#[test]
fn repartitioning_the_nation_changes_no_national_total_with_mechanisms_off() {
    // The same twelve localities as 1×12, 3×4 and 12×1: with every
    // mechanism off, a national programme and twelve local partnerships
    // give the same national totals whatever the regions.
    for assignment in ["N-N-N", "L-L-L"] {
        let runs: Vec<Vec<Vec<f64>>> = [(1, 12), (3, 4), (12, 1)]
            .iter()
            .map(|(r, l)| {
                let toml = format!(
                    "[experiment]\nmonths = 48\nseed = 9\n\
                     [governance]\nassignment = \"{assignment}\"\nmechanisms = []\n\
                     [places]\nregions = {r}\nlocalities_per_region = {l}\ncapacity_variance = 0\n"
                );
                finals(&toml, "scenario", 5)
            })
            .collect();
        // The needs differ between partitions (the regions' draws come
        // first), but with the targets off every place is provided its own
        // need, so no total depends on them.
        for name in [
            "delivery_total",
            "value_added_total",
            "transaction_cost_total",
            "net_benefit",
        ] {
            let k = metric(name);
            let per: Vec<Vec<f64>> = runs
                .iter()
                .map(|r| r.iter().map(|x| x[k]).collect())
                .collect();
            assert_eq!(per[0], per[1], "{assignment} {name}: 1x12 vs 3x4");
            assert_eq!(per[1], per[2], "{assignment} {name}: 3x4 vs 12x1");
        }
    }
}

#[test]
fn with_every_mechanism_off_the_levels_differ_only_by_chance() {
    // Every partnership the same model: national, regional and local
    // implementation give the same delivery, value added and costs per
    // place in expectation (paired over 150 seeds, no significant difference).
    let extra = "[experiment]\nmonths = 60\n[governance]\nmechanisms = []\nneeds_variance = 0\n\
                 [places]\ncapacity_variance = 0\n";
    for (a, b) in [("N-N-N", "L-L-L"), ("R-R-R", "L-L-L"), ("N-N-N", "R-R-R")] {
        let s = common::assignments(a, b, extra);
        for m in [
            "delivery_total",
            "value_added_total",
            "transaction_cost_total",
        ] {
            let (d, t) = paired(&s, a, b, m, 150);
            assert!(t.abs() < 3.0, "{a} vs {b}, {m}: diff {d}, t {t}");
        }
    }
}

/// The expected three-tier Oates losses at (V, ρ, s), over the needs the
/// model draws (replications 0..n of the scenario's places).
fn expected_oates(v: f64, rho: f64, s: f64, n: u64) -> [f64; 3] {
    let mut sum = [0.0; 3];
    for k in 0..n {
        let mut rng = mlgov::sim::rng_from_seed(k);
        let places = Places::draw(3, 4, v, rho, 0.0, &mut rng);
        let l = oates_losses(places.needs(), 3, 4, s);
        sum[0] += l.central;
        sum[1] += l.regional;
        sum[2] += l.local;
    }
    sum.map(|x| x / n as f64)
}

#[test]
fn with_only_the_conceived_targets_the_conceiving_level_follows_oates() {
    // (needs variance, regional share, spill-over): points where local,
    // regional and national conception each lose least.
    for (v, rho, s) in [(1.0, 0.4, 0.1), (0.05, 0.5, 0.8), (1.0, 1.0, 0.3)] {
        let losses = expected_oates(v, rho, s, 4000);
        let extra = format!(
            "[experiment]\nmonths = 60\n[governance]\nmechanisms = [\"targets\"]\n\
             needs_variance = {v}\nregional_share = {rho}\nspillover = {s}\n"
        );
        let level = ["N", "R", "L"];
        for x in 0..3 {
            for y in (x + 1)..3 {
                let (a, b) = (format!("{}-N-N", level[x]), format!("{}-N-N", level[y]));
                let toml = common::assignments(&a, &b, &extra);
                let (d, t) = paired(&toml, &a, &b, "net_benefit", 200);
                // b beats a on net benefit exactly when it loses less.
                if losses[y] < losses[x] {
                    assert!(
                        d > 0.0 && t > T95,
                        "V {v}, ρ {rho}, s {s}: {b} vs {a}: {d}, t {t}, losses {losses:?}"
                    );
                } else {
                    assert!(
                        d < 0.0 && t < -T95,
                        "V {v}, ρ {rho}, s {s}: {b} vs {a}: {d}, t {t}, losses {losses:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn connecting_the_levels_pays_where_local_management_loses_scale() {
    // At the defaults, local management and implementation of a local idea
    // (L-L-L) beat regional or national management: hand-overs cost more
    // than the scale and the pooled resources bring.
    for mixed in ["L-R-L", "L-N-L"] {
        let s = common::assignments("L-L-L", mixed, "");
        let (d, t) = paired(&s, "L-L-L", mixed, "net_benefit", 150);
        assert!(
            d < 0.0 && t < -T95,
            "defaults: {mixed} - L-L-L = {d}, t {t}"
        );
    }
    // Where a local manager loses much administrative scale (scale_penalty
    // 2) and liaison posts connect the levels (4 posts: hand-overs cost
    // less, information and expertise cross, resources and lessons are
    // shared), the connected mixed assignments beat L-L-L.
    let extra = "[partnership.costs]\nscale_penalty = 2\n[interventions.connectors]\nposts = 4\n";
    for mixed in ["L-R-L", "L-N-L"] {
        let s = common::assignments("L-L-L", mixed, extra);
        let (d, t) = paired(&s, "L-L-L", mixed, "net_benefit", 150);
        assert!(
            d > 0.0 && t > T95,
            "connected: {mixed} - L-L-L = {d}, t {t}"
        );
    }
    // The connectors themselves are what pays for L-R-L.
    let s = two(
        "unconnected",
        "\"governance.assignment\" = \"L-R-L\"",
        "connected",
        "\"governance.assignment\" = \"L-R-L\", \"interventions.connectors.posts\" = 4",
        "",
    );
    let (d, t) = paired(&s, "unconnected", "connected", "net_benefit", 150);
    assert!(d > 0.0 && t > T95, "connectors: {d}, t {t}");
}

#[test]
fn with_only_scale_on_the_levels_differ_by_the_documented_scale_effects() {
    // Uniform needs, equal places, every mechanism but `scale` off: a
    // partnership is the same model at every level, so per place the
    // coordination cost of a national programme is 12^(−scale_economy) of a
    // local partnership's in expectation, the running cost differs by
    // scale_penalty·loc M, and delivery does not differ.
    let (months, running, penalty, economy) = (60.0, 0.4, 0.6, 0.3);
    let extra = format!(
        "[experiment]\nmonths = {months}\n[governance]\nmechanisms = [\"scale\"]\nneeds_variance = 0\n\
         [places]\ncapacity_variance = 0\n[partnership.costs]\nrunning = {running}\n\
         scale_penalty = {penalty}\nscale_economy = {economy}\n"
    );
    let s = common::assignments("N-N-N", "L-L-L", &extra);
    let cost = metric("transaction_cost_total");
    let (national, local) = (finals(&s, "N-N-N", 300), finals(&s, "L-L-L", 300));
    let mean =
        |runs: &[Vec<f64>], k: usize| runs.iter().map(|r| r[k]).sum::<f64>() / runs.len() as f64;
    let coordination_national = mean(&national, cost) - running * months;
    let coordination_local = mean(&local, cost) - running * (1.0 + penalty) * months;
    let ratio = coordination_national / coordination_local;
    let expected = 12f64.powf(-economy);
    assert!(
        (ratio / expected - 1.0).abs() < 0.05,
        "coordination per place, national over local: {ratio}, expected {expected}"
    );
    let (d, t) = paired(&s, "N-N-N", "L-L-L", "delivery_total", 300);
    assert!(t.abs() < 3.0, "delivery: diff {d}, t {t}");
}

#[test]
fn regional_conception_wins_where_needs_differ_between_regions_and_its_partners_see_the_problem() {
    // Needs that differ only between regions, some spill-over: a regional
    // design fits each region without the local design's under-provision.
    // With the default partners the regional level holds one of the three
    // domains (framing), and L-L-L still leads; when the regional partners
    // work on the policy's domains, R-R-L beats L-L-L.
    let extra = "[governance]\nregional_share = 1.0\nspillover = 0.3\nneeds_variance = 1.0\n";
    let s = common::assignments("L-L-L", "R-R-L", extra);
    let (d, t) = paired(&s, "L-L-L", "R-R-L", "net_benefit", 150);
    assert!(
        d < 0.0 && t < -T95,
        "default partners: R-R-L - L-L-L = {d}, t {t}"
    );
    let domains = "\"partnership.partners[2].domains\" = [\"economic_development\", \"housing\", \"jobs\"], \
                   \"partnership.partners[3].domains\" = [\"skills\", \"jobs\"]";
    let s = two(
        "L-L-L",
        &format!("{domains}, \"governance.assignment\" = \"L-L-L\""),
        "R-R-L",
        &format!("{domains}, \"governance.assignment\" = \"R-R-L\""),
        extra,
    );
    let (d, t) = paired(&s, "L-L-L", "R-R-L", "net_benefit", 150);
    assert!(
        d > 0.0 && t > T95,
        "regional partners who see the problem: R-R-L - L-L-L = {d}, t {t}"
    );
}
