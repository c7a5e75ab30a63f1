//! `mlgov plot`: redraws the charts of a results directory from its files.

use super::say::say;
use anyhow::Context;
use clap::Args;
use mlgov::report::{PlotOptions, render_all};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov plot`.
#[derive(Args)]
pub struct PlotArgs {
    /// Results directory written by `mlgov run` or `mlgov merge` (with
    /// `--handout`: the folder to write the handout into).
    pub dir: PathBuf,
    /// Draw the one-page handout of Lloyd's functions-by-levels picture
    /// (slide 16) into DIR, as lloyd_functions_handout.png and .svg, instead
    /// of the charts of a results directory.
    #[arg(long, conflicts_with = "metric")]
    pub handout: bool,
    /// Metric that colours the Lloyd grid (default: net_benefit).
    #[arg(long)]
    pub metric: Option<String>,
    /// Replace files in DIR/charts that have a chart's name but were not
    /// drawn by mlgov.
    #[arg(long)]
    pub force: bool,
}

/// Runs `mlgov plot`: draws every chart into DIR/charts and lists the files.
pub fn execute(args: PlotArgs) -> anyhow::Result<ExitCode> {
    if args.handout {
        return handout(&args);
    }
    let metric = args.metric.clone();
    let _lock = if args.dir.is_dir() {
        Some(super::lock_dir(&args.dir)?)
    } else {
        None
    };
    let written = super::charts::draw(&args.dir, args.force, |opts: &PlotOptions| {
        let opts = match metric {
            Some(m) => opts.clone().with_grid_metric(m),
            None => opts.clone(),
        };
        render_all(&args.dir, &opts)
    })
    .with_context(|| format!("cannot draw the charts of {}", args.dir.display()))?;
    if written.is_empty() {
        say!("no charts to draw in {}", args.dir.display());
    }
    for path in &written {
        say!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mlgov plot --handout DIR`: writes the handout's PNG and SVG into
/// DIR (created if needed), refusing to replace them without `--force`.
fn handout(args: &PlotArgs) -> anyhow::Result<ExitCode> {
    let stem = mlgov::report::HANDOUT_STEM;
    for ext in ["png", "svg"] {
        let path = args.dir.join(format!("{stem}.{ext}"));
        if path.exists() && !args.force {
            eprintln!(
                "error: {} already exists; add --force to replace it",
                path.display()
            );
            return Ok(ExitCode::from(2));
        }
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create folder {}", args.dir.display()))?;
    let chart = mlgov::report::render_handout()?;
    for path in chart.write_to(&args.dir)? {
        say!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
