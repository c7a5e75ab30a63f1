//! A Monte Carlo comparison with paired differences and 95% intervals.
//!
//! A scenario written in code (a TOML string, checked by
//! [`Scenario::from_toml`]) compares a local partnership as it is with the
//! same partnership running twelve one-week staff exchanges a year. The
//! experiment engine runs both configurations with common random numbers:
//! replication `k` of each draws the same uncertain parameters and the same
//! partner behaviour, so the paired difference `staff_exchanges − as_is`
//! isolates the exchanges' effect. For each final metric the example prints
//! both means, the paired mean difference with its 95% confidence interval,
//! and whether that interval excludes zero; next to it, the half-width an
//! unpaired comparison of two independent samples would have had, to show
//! what pairing buys. It also draws the `differences` chart.
//!
//! ```sh
//! cargo run --release --example mc_comparison             # into results/mc_comparison
//! cargo run --release --example mc_comparison -- results/my_dir
//! ```

use anyhow::Context;
use mlgov::analysis::t_quantile;
use mlgov::experiment::{RunOptions, remove_results, run_experiment};
use mlgov::report::{ChartKind, PlotOptions, Results, render_all};
use mlgov::scenario::Scenario;
use std::path::PathBuf;

/// The scenario: every field not written here has its documented default
/// (docs/scenario.md).
const SCENARIO: &str = r#"
[scenario]
name = "staff_exchange_comparison"
description = "A local partnership with and without staff exchanges"

[experiment]
seed = 7
replications = 200
months = 120
baseline = "as_is"

[governance]
assignment = "N-R-L"
domains = ["jobs", "skills", "housing"]
silos = 3

[partnership.trust]
forgetting = { dist = "uniform", low = 0.92, high = 0.97 }

[interventions]
leadership = { dist = "uniform", low = 0.3, high = 0.7 }

[[variants]]
name = "as_is"

[[variants]]
name = "staff_exchanges"
description = "twelve one-week exchanges a year between the public and other sectors"
set = { "interventions.staff_exchanges.per_year" = 12, "interventions.staff_exchanges.weeks" = 1 }
"#;

fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("results/mc_comparison"), PathBuf::from);
    // The engine refuses a folder with results; an example is meant to be
    // run again, so remove the previous run's results (and nothing else).
    remove_results(&out)?;

    let scenario = Scenario::from_toml(SCENARIO, "mc_comparison.rs")?;
    println!("{}", scenario.summary());

    // The experiment exactly as `mlgov run` builds it from a scenario.
    let experiment = scenario.experiment();
    let outcome = run_experiment(&experiment, &RunOptions::new(&out))?;
    println!(
        "{} runs ok, {} failed, {:.2} s; results in {}\n",
        outcome.runs_ok,
        outcome.runs_failed,
        outcome.elapsed_seconds,
        out.display()
    );

    let results = Results::load(&out)?;
    let baseline = results.baseline().context("the results name no baseline")?;
    let other = results
        .differences
        .first()
        .map_or("staff_exchanges", |d| d.configuration.as_str());
    println!(
        "{:<24} {:>10} {:>15} {:>10} {:>22}  {:<10} {:>10}",
        "metric", baseline, other, "paired Δ", "95% CI of Δ", "", "unpaired ±"
    );
    for d in &results.differences {
        let (Some(mean), Some(low), Some(high)) = (d.mean, d.ci_low, d.ci_high) else {
            println!("{:<24} (no interval: too few successful runs)", d.metric);
            continue;
        };
        let mean_of = |configuration: &str| {
            results
                .estimate(configuration, &d.metric)
                .and_then(|e| e.mean)
                .map_or_else(|| "—".to_string(), sig)
        };
        let verdict = if low == 0.0 && high == 0.0 {
            "no change" // every paired difference is zero
        } else if low > 0.0 || high < 0.0 {
            "excludes 0"
        } else {
            "includes 0"
        };
        let unpaired = match (
            results.estimate(&d.baseline, &d.metric),
            results.estimate(&d.configuration, &d.metric),
        ) {
            (Some(a), Some(b)) => unpaired_half_width(a.sd, b.sd, a.n, b.n),
            _ => None,
        };
        println!(
            "{:<24} {:>10} {:>15} {:>10} {:>22}  {:<10} {:>10}",
            d.metric,
            mean_of(&d.baseline),
            mean_of(&d.configuration),
            signed(mean),
            format!("[{}, {}]", signed(low), signed(high)),
            verdict,
            unpaired.map_or_else(|| "—".to_string(), |h| format!("±{}", sig(h))),
        );
    }
    println!(
        "\npaired Δ = {other} − {baseline}, averaged over replications that share their random numbers;"
    );
    println!(
        "unpaired ± is the 95% half-width had the two samples been independent (Welch, from summary.csv)."
    );

    let charts = render_all(
        &out,
        &PlotOptions::default().with_only([ChartKind::Differences]),
    )?;
    for path in charts {
        println!("chart: {}", path.display());
    }
    Ok(())
}

/// Four significant digits, without an exponent for everyday magnitudes.
fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let decimals = (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{v:.decimals$}")
}

/// [`sig`] with an explicit sign.
fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", sig(v))
    } else {
        sig(v)
    }
}

/// The half-width of a 95% interval for the difference of two independent
/// means (Welch–Satterthwaite degrees of freedom).
fn unpaired_half_width(sd1: Option<f64>, sd2: Option<f64>, n1: u64, n2: u64) -> Option<f64> {
    let (sd1, sd2) = (sd1?, sd2?);
    if n1 < 2 || n2 < 2 {
        return None;
    }
    let (v1, v2) = (sd1 * sd1 / n1 as f64, sd2 * sd2 / n2 as f64);
    let se2 = v1 + v2;
    if se2 == 0.0 {
        return Some(0.0);
    }
    let df = se2 * se2 / (v1 * v1 / (n1 - 1) as f64 + v2 * v2 / (n2 - 1) as f64);
    Some(t_quantile(0.975, df) * se2.sqrt())
}
