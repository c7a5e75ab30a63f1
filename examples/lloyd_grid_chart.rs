//! The 27 Lloyd assignments and their charts.
//!
//! Loads `examples/scenarios/lloyd_grid.toml` (a job-inclusion policy whose
//! conception, management and implementation are each put at the national,
//! regional or local level: 27 configurations `N-N-N` … `L-L-L`), runs it with
//! 50 replications instead of the scenario's 200 so that it takes seconds, and
//! draws the charts with the report API:
//!
//! - every standard chart into `DIR/charts/` (as `mlgov run` and `mlgov plot`
//!   do), among them `lloyd_grid.png`, the 3 × 9 grid coloured by total value
//!   added;
//! - a second Lloyd grid coloured by `months_to_trust`, drawn in memory and
//!   written as `DIR/charts/lloyd_grid_months_to_trust.png/.svg`.
//!
//! It prints the assignments with the highest and lowest net benefit and
//! where the chart files are.
//!
//! ```sh
//! cargo run --release --example lloyd_grid_chart                  # into results/lloyd_grid_chart
//! cargo run --release --example lloyd_grid_chart -- results/grid 200   # DIR and replications
//! ```

use anyhow::{Context, bail};
use mlgov::experiment::{RunOptions, remove_results, run_experiment};
use mlgov::report::{
    ChartKind, DEFAULT_GRID_METRIC, PlotOptions, Results, render_all, render_in_memory,
};
use mlgov::scenario::Scenario;
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .map_or_else(|| PathBuf::from("results/lloyd_grid_chart"), PathBuf::from);
    let replications: u64 = match args.next() {
        Some(n) => n
            .parse()
            .with_context(|| format!("replications must be a whole number, got `{n}`"))?,
        None => 50,
    };
    if replications == 0 {
        bail!("replications must be at least 1");
    }
    // The engine refuses a folder with results; an example is meant to be
    // run again, so remove the previous run's results (and nothing else).
    remove_results(&out)?;

    let path = scenario_path();
    let scenario = Scenario::load(&path)?;
    println!("{}", scenario.summary());

    let mut experiment = scenario.experiment();
    experiment.replications = replications; // the scenario asks for 200
    let outcome = run_experiment(&experiment, &RunOptions::new(&out))?;
    println!(
        "{} runs ok, {} failed ({} assignments × {replications} replications), {:.2} s; results in {}",
        outcome.runs_ok,
        outcome.runs_failed,
        experiment.configurations.len(),
        outcome.elapsed_seconds,
        out.display()
    );

    // Every standard chart, exactly as `mlgov plot DIR` draws them.
    let written = render_all(&out, &PlotOptions::default())?;

    // The same grid coloured by another final metric: drawn in memory and
    // written under its own name, so it does not replace `lloyd_grid`.
    let results = Results::load(&out)?;
    let charts_dir = out.join("charts");
    let metric = "months_to_trust";
    let mut extra = Vec::new();
    for mut chart in render_in_memory(
        &results,
        &PlotOptions::default()
            .with_grid_metric(metric)
            .with_only([ChartKind::LloydGrid]),
    )? {
        chart.stem = format!("{}_{metric}", chart.stem);
        extra.extend(chart.write_to(&charts_dir)?);
    }

    // The assignments ranked by net benefit (delivery + value added − cost).
    // (final metric, column label)
    let columns = [
        ("net_benefit", "net_benefit"),
        (DEFAULT_GRID_METRIC, "value_added"), // the colour of lloyd_grid.png
        ("delivery_total", "delivery"),
        ("transaction_cost_total", "cost"),
        ("fit", "fit"),
        ("months_to_trust", "months_to_trust"),
    ];
    let mut ranked: Vec<(&str, Vec<f64>)> = results
        .configurations
        .iter()
        .filter_map(|c| {
            let means = columns
                .iter()
                .map(|(m, _)| results.estimate(c, m).and_then(|e| e.mean))
                .collect::<Option<Vec<f64>>>()?;
            Some((c.as_str(), means))
        })
        .collect();
    ranked.sort_by(|a, b| b.1[0].total_cmp(&a.1[0]));
    print!("\n{:<6}", "C-M-I");
    for (_, label) in columns {
        print!(" {label:>15}");
    }
    println!();
    let show = |(name, means): &(&str, Vec<f64>)| {
        print!("{name:<6}");
        for v in means {
            print!(" {v:>15.2}");
        }
        println!();
    };
    ranked.iter().take(5).for_each(show);
    println!("…");
    ranked
        .iter()
        .skip(ranked.len().saturating_sub(3))
        .for_each(show);
    println!(
        "(means over {replications} replications; baseline {}; C-M-I = the levels that conceive, manage and implement)",
        results.baseline().unwrap_or("?")
    );

    println!("\ncharts in {}:", charts_dir.display());
    for file in written.iter().chain(&extra) {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        if name.starts_with("lloyd_grid") || !name.starts_with("trajectories_") {
            println!("  {}", file.display());
        }
    }
    let trajectories = written
        .iter()
        .filter(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("trajectories_"))
        })
        .count();
    println!(
        "  and {trajectories} trajectories_<observable>.png/.svg files, one pair per observable"
    );
    Ok(())
}

/// `examples/scenarios/lloyd_grid.toml`, relative to the working directory
/// when run from the repository root, else inside the package.
fn scenario_path() -> PathBuf {
    let relative = PathBuf::from("examples/scenarios/lloyd_grid.toml");
    if relative.exists() {
        relative
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
    }
}
