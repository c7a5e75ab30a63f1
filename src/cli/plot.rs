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
    /// Results directory written by `mlgov run` or `mlgov merge`.
    pub dir: PathBuf,
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
