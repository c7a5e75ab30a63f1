//! Property tests: for random parameters anywhere in their allowed ranges,
//! and partner groups joining at random months, trust stays in [0, 1],
//! costs are never negative and nothing is NaN or infinite.

use mlgov::partnership::{GovernanceModel, GovernanceParams};
use mlgov::scenario::{Param, ScenarioSpec};
use mlgov::sim::{MetricKind, Model, run_single};
use proptest::prelude::*;

/// A spec with every numeric parameter moved to `u[k]` of the way through
/// its range (unbounded ranges are capped at 10).
fn spec_at(u: &[f64], assignment: usize, flags: u8, joins: &[u32]) -> ScenarioSpec {
    let mut spec = ScenarioSpec::default();
    let mut k = 0;
    spec.for_each_param(&mut |slot| {
        let lo = slot.range.low;
        let hi = if slot.range.high.is_finite() {
            slot.range.high
        } else {
            10.0
        };
        let mut v = lo + (hi - lo) * u[k % u.len()];
        if slot.range.low_open && v <= lo {
            v = lo + 1e-6;
        }
        *slot.param = Param::Fixed(v);
        k += 1;
    });
    spec.governance.assignment = mlgov::governance::Assignment::all()[assignment % 27];
    let i = &mut spec.interventions;
    i.external_targets.enabled = flags & 1 != 0;
    i.funding.sustainable = flags & 2 != 0;
    i.waivers.enabled = flags & 4 != 0;
    i.delivery_start = if flags & 8 != 0 { 3 } else { 0 };
    i.mixed_teams.teams = u32::from(flags >> 4 & 3);
    i.review.interval = u32::from(flags >> 6) * 4;
    // The first two groups (one partner each) found the partnership; the
    // others join in month 1 (half the time) or at a month up to 80, some
    // after the 60 simulated months.
    for (g, &j) in spec.partnership.partners.iter_mut().skip(2).zip(joins) {
        g.join_month = if j <= 80 { 1 } else { j - 80 };
    }
    spec
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn observations_stay_in_bounds(
        u in proptest::collection::vec(0.0f64..=1.0, 60),
        assignment in 0usize..27,
        flags in any::<u8>(),
        seed in any::<u64>(),
        joins in proptest::collection::vec(1u32..=160, 8),
    ) {
        let spec = spec_at(&u, assignment, flags, &joins);
        let params = GovernanceParams::from_spec(&spec).unwrap();
        let model = GovernanceModel;
        let run = run_single(&model, &params, 60, seed).unwrap();
        let names = model.observables();
        let col = |n: &str| names.iter().position(|x| x == n).unwrap();
        for row in &run.observations {
            for v in row {
                prop_assert!(v.is_finite());
            }
            for n in ["trust_mean", "trust_min", "fit"] {
                prop_assert!((0.0..=1.0).contains(&row[col(n)]), "{} = {}", n, row[col(n)]);
            }
            prop_assert!(row[col("trust_min")] <= row[col("trust_mean")] + 1e-12);
            for n in ["transaction_cost", "transaction_cost_cumulative", "delivery", "value_added", "vision_dispersion"] {
                prop_assert!(row[col(n)] >= 0.0, "{} = {}", n, row[col(n)]);
            }
        }
        // Every metric the model declares a share stays in [0, 1] (the
        // experiment's bounded intervals rely on it).
        for ((n, v), kind) in model.final_metrics().iter().zip(&run.finals).zip(model.final_metric_kinds()) {
            prop_assert!(v.is_finite(), "{} = {}", n, v);
            if kind == MetricKind::Share {
                prop_assert!((0.0..=1.0).contains(v), "{} = {}", n, v);
            }
        }
    }
}
