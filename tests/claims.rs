//! One test per claim of the model brief (§4), each a paired Monte Carlo
//! comparison over many seeds (common random numbers: replication k of both
//! configurations shares its seed) that must be significant at 95%.

use crate::common::{T95, paired, two};

/// Settings that make every default partner group keep its commitments
/// 97% of the time (trust then reaches the threshold in about two years).
fn committed_partners() -> String {
    (0..10)
        .map(|k| format!("\"partnership.partners[{k}].commitment\" = 0.97"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn claim1_staff_exchanges_make_trust_grow_faster() {
    let s = two(
        "none",
        "",
        "exchanges",
        "\"interventions.staff_exchanges.per_year\" = 12",
        "",
    );
    let (d, t) = paired(&s, "none", "exchanges", "months_to_trust", 150);
    assert!(d < 0.0 && t < -T95, "months_to_trust diff {d}, t {t}");
    let s = two(
        "none",
        "",
        "leaders",
        "\"interventions.leadership_exchanges.pairs_per_year\" = 12",
        "[experiment]\nmonths = 24",
    );
    let (d, t) = paired(&s, "none", "leaders", "trust_mean", 150);
    assert!(d > 0.0 && t > T95, "trust at 24 months diff {d}, t {t}");
}

#[test]
fn claim2_pushing_into_delivery_early_lowers_value_added_and_survival() {
    let s = two(
        "when_ready",
        "",
        "pushed",
        "\"interventions.delivery_start\" = 6",
        "",
    );
    let (d, t) = paired(&s, "when_ready", "pushed", "value_added_total", 150);
    assert!(d < 0.0 && t < -T95, "value added diff {d}, t {t}");
    let (d, t) = paired(&s, "when_ready", "pushed", "survival", 300);
    assert!(d < 0.0 && t < -T95, "survival diff {d}, t {t}");
    // Where trust can grow before delivery (committed partners: trust
    // reaches the threshold in about two years), pushing delivery to month
    // 3 or 6 also lowers net benefit: the delivery gained by starting early
    // is outweighed by the lasting formality (docs/model.md §7.0).
    let committed = committed_partners();
    for month in [3, 6] {
        let s = two(
            "when_ready",
            &committed,
            "pushed",
            &format!("{committed}, \"interventions.delivery_start\" = {month}"),
            "",
        );
        let (d, t) = paired(&s, "when_ready", "pushed", "net_benefit", 200);
        assert!(
            d < 0.0 && t < -T95,
            "net benefit, pushed at month {month}: diff {d}, t {t}"
        );
        let (d, t) = paired(&s, "when_ready", "pushed", "value_added_total", 200);
        assert!(
            d < 0.0 && t < -T95,
            "value added, pushed at month {month}: diff {d}, t {t}"
        );
    }
}

#[test]
fn claim3b_building_trust_lowers_the_hassle_of_the_same_work() {
    // The recipe: hassle costs fall as trust grows. Committed partners and
    // staff exchanges both build trust; the coordination the structure
    // requires is the same, so its cost falls.
    let metric = "transaction_cost_total";
    let s = two("usual", "", "committed", &committed_partners(), "");
    let (d, t) = paired(&s, "usual", "committed", metric, 150);
    assert!(d < 0.0 && t < -T95, "commitment: diff {d}, t {t}");
    let s = two(
        "none",
        "",
        "exchanges",
        "\"interventions.staff_exchanges.per_year\" = 12",
        "",
    );
    let (d, t) = paired(&s, "none", "exchanges", metric, 150);
    assert!(d < 0.0 && t < -T95, "staff exchanges: diff {d}, t {t}");
}

#[test]
fn claim3_transaction_costs_rise_with_partners_levels_and_silos_and_fall_with_trust() {
    let metric = "transaction_cost_total";
    let s = two(
        "twelve",
        "",
        "twenty_four",
        "\"partnership.partners[7].count\" = 8, \"partnership.partners[8].count\" = 8",
        "",
    );
    let (d, t) = paired(&s, "twelve", "twenty_four", metric, 100);
    assert!(d > 0.0 && t > T95, "partners: diff {d}, t {t}");
    let s = two(
        "N-N-N",
        "\"governance.assignment\" = \"N-N-N\"",
        "N-L-N",
        "\"governance.assignment\" = \"N-L-N\"",
        "",
    );
    let (d, t) = paired(&s, "N-N-N", "N-L-N", metric, 100);
    assert!(d > 0.0 && t > T95, "levels crossed: diff {d}, t {t}");
    let s = two(
        "one_silo",
        "\"governance.silos\" = 1",
        "six_silos",
        "\"governance.silos\" = 6",
        "",
    );
    let (d, t) = paired(&s, "one_silo", "six_silos", metric, 100);
    assert!(d > 0.0 && t > T95, "silos: diff {d}, t {t}");
    let s = two(
        "low_trust",
        "\"partnership.trust.prior\" = 0.4",
        "high_trust",
        "\"partnership.trust.prior\" = 0.8",
        "[experiment]\nmonths = 24",
    );
    let (d, t) = paired(&s, "low_trust", "high_trust", metric, 100);
    assert!(d < 0.0 && t < -T95, "trust: diff {d}, t {t}");
}

#[test]
fn claim4_local_and_connected_fits_better_where_needs_differ_national_is_cheaper_where_uniform() {
    let s = two(
        "N-N-N",
        "\"governance.assignment\" = \"N-N-N\"",
        "L-L-L",
        "\"governance.assignment\" = \"L-L-L\"",
        "",
    );
    let (d, t) = paired(&s, "N-N-N", "L-L-L", "fit", 100);
    assert!(d > 0.0 && t > T95, "fit, differing needs: diff {d}, t {t}");
    // Connecting the levels: national conception implemented locally fits
    // better than all-national.
    let s = two(
        "N-N-N",
        "\"governance.assignment\" = \"N-N-N\"",
        "N-R-L",
        "\"governance.assignment\" = \"N-R-L\"",
        "",
    );
    let (d, t) = paired(&s, "N-N-N", "N-R-L", "fit", 100);
    assert!(d > 0.0 && t > T95, "fit, connected levels: diff {d}, t {t}");
    let uniform = "[governance]\nneeds_variance = 0\ndomains = [\"jobs\"]";
    let s = two(
        "N-N-N",
        "\"governance.assignment\" = \"N-N-N\"",
        "L-L-L",
        "\"governance.assignment\" = \"L-L-L\"",
        uniform,
    );
    let (d, t) = paired(&s, "N-N-N", "L-L-L", "transaction_cost_total", 100);
    assert!(
        d > 0.0 && t > T95,
        "cost, uniform needs: L-L-L - N-N-N = {d}, t {t}"
    );
    let (d, _) = paired(&s, "N-N-N", "L-L-L", "fit", 100);
    assert!(
        d <= 0.0,
        "with uniform needs local decisions do not fit better: {d}"
    );
}

#[test]
fn claim5_vertical_silos_reduce_the_value_of_local_horizontal_partnerships() {
    let s = two(
        "one_silo",
        "\"governance.silos\" = 1",
        "five_silos",
        "\"governance.silos\" = 5",
        "[governance]\nassignment = \"L-L-L\"",
    );
    let (d, t) = paired(&s, "one_silo", "five_silos", "value_added_total", 100);
    assert!(d < 0.0 && t < -T95, "value added diff {d}, t {t}");
}

#[test]
fn claim6_external_targets_and_unsustainable_funding_lower_survival() {
    let s = two(
        "own_goals",
        "",
        "targets",
        "\"interventions.external_targets.enabled\" = true",
        "",
    );
    let (d, t) = paired(&s, "own_goals", "targets", "survival", 150);
    assert!(d < 0.0 && t < -T95, "targets: diff {d}, t {t}");
    let s = two(
        "sustainable",
        "",
        "short_term",
        "\"interventions.funding.sustainable\" = false",
        "",
    );
    let (d, t) = paired(&s, "sustainable", "short_term", "survival", 150);
    assert!(d < 0.0 && t < -T95, "funding: diff {d}, t {t}");
}

#[test]
fn claim7_fairness_raises_survival_review_and_learning_raise_value_added() {
    let s = two(
        "unfair",
        "\"partnership.fairness\" = 0.2",
        "fair",
        "\"partnership.fairness\" = 0.9",
        "",
    );
    let (d, t) = paired(&s, "unfair", "fair", "survival", 150);
    assert!(d > 0.0 && t > T95, "fairness: diff {d}, t {t}");
    let s = two(
        "no_review",
        "\"interventions.review.interval\" = 0",
        "review",
        "\"interventions.review.interval\" = 6",
        "",
    );
    let (d, t) = paired(&s, "no_review", "review", "value_added_total", 100);
    assert!(d > 0.0 && t > T95, "review: diff {d}, t {t}");
    let s = two(
        "no_workshops",
        "",
        "workshops",
        "\"interventions.workshops.per_year\" = 4",
        "",
    );
    let (d, t) = paired(&s, "no_workshops", "workshops", "value_added_total", 100);
    assert!(d > 0.0 && t > T95, "learning (workshops): diff {d}, t {t}");
}
