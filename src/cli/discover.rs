//! `mlgov discover`: scenario discovery (PRIM) on the runs of a results
//! directory: under which inputs does a final metric fall below (or rise
//! above) a threshold? Writes `OUT/discovery.csv` (the peeling trajectory),
//! `OUT/boxes.csv` (the chosen box, pasted) and two charts.

use super::say::{note, say};
use super::usage;
use anyhow::Context;
use clap::Args;
use mlgov::atomic::write_atomic;
use mlgov::discovery::{
    Limit, PrimOptions, Threshold, box_csv, choose_box, load_runs, paste, prim, trajectory_csv,
};
use mlgov::report::{discovery_box, discovery_tradeoff};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov discover`.
#[derive(Args)]
#[command(group(clap::ArgGroup::new("threshold").required(true).args(["below", "above"])))]
pub struct DiscoverArgs {
    /// Results directory written by `mlgov run` or `mlgov merge`.
    pub dir: PathBuf,
    /// Final metric that defines the runs of interest.
    #[arg(long)]
    pub metric: String,
    /// Runs of interest: the metric below this value.
    #[arg(long, allow_negative_numbers = true)]
    pub below: Option<f64>,
    /// Runs of interest: the metric above this value.
    #[arg(long, allow_negative_numbers = true)]
    pub above: Option<f64>,
    /// Folder for discovery.csv, boxes.csv and the charts.
    #[arg(long)]
    pub out: PathBuf,
    /// Share of the box's runs removed by each peel.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Share of the box's runs added back by each paste.
    #[arg(long, default_value_t = 0.05)]
    pub paste_alpha: f64,
    /// Smallest share of all runs a box may hold.
    #[arg(long, default_value_t = 0.05)]
    pub min_mass: f64,
    /// Box of the trajectory to report (default: the densest box whose
    /// coverage is at least --min-coverage).
    #[arg(long = "box")]
    pub chosen: Option<usize>,
    /// Smallest coverage of the box chosen by default.
    #[arg(long, default_value_t = 0.5)]
    pub min_coverage: f64,
    /// Replace discovery files already in --out.
    #[arg(long)]
    pub force: bool,
}

/// The files `mlgov discover` writes into `--out`.
const OUTPUTS: [&str; 6] = [
    "discovery.csv",
    "boxes.csv",
    "discovery_tradeoff.png",
    "discovery_tradeoff.svg",
    "discovery_box.png",
    "discovery_box.svg",
];

/// Runs `mlgov discover`.
pub fn execute(args: DiscoverArgs) -> anyhow::Result<ExitCode> {
    let threshold = match (args.below, args.above) {
        (Some(x), None) if x.is_finite() => Threshold::Below(x),
        (None, Some(x)) if x.is_finite() => Threshold::Above(x),
        _ => return Err(usage("--below or --above needs a finite number")),
    };
    let options = PrimOptions {
        alpha: args.alpha,
        paste_alpha: args.paste_alpha,
        min_mass: args.min_mass,
    };
    for (flag, v, closed) in [
        ("--alpha", args.alpha, false),
        ("--paste-alpha", args.paste_alpha, false),
        ("--min-mass", args.min_mass, true),
        ("--min-coverage", args.min_coverage, true),
    ] {
        let ok = v > 0.0 && (v < 1.0 || (closed && v == 1.0));
        if !ok {
            let range = if closed { "(0, 1]" } else { "(0, 1)" };
            return Err(usage(format!("{flag} must be in {range}, got {v}")));
        }
    }
    // The results go into a folder: a file by that name is a mistake in the
    // command line, with or without --force.
    if args.out.exists() && !args.out.is_dir() {
        return Err(usage(format!(
            "--out {}: is a file; --out names the folder for the results",
            args.out.display()
        )));
    }
    if !args.force {
        let present: Vec<String> = OUTPUTS
            .iter()
            .map(|f| args.out.join(f))
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        if !present.is_empty() {
            return Err(usage(format!(
                "{} already exists; choose another --out or add --force to replace it",
                present.join(", ")
            )));
        }
    }
    let data = match load_runs(&args.dir, &args.metric, threshold) {
        Err(e @ mlgov::discovery::DiscoveryError::UnknownMetric { .. }) => {
            return Err(usage(e.to_string()));
        }
        other => {
            other.with_context(|| format!("cannot read the runs of {}", args.dir.display()))?
        }
    };
    let cases = data.cases.iter().filter(|&&c| c).count();
    let what = threshold.describe(&args.metric);
    note!(
        "{} runs ({} of them with {what}), {} inputs{}",
        data.cases.len(),
        cases,
        data.inputs.len(),
        if data.runs_skipped > 0 {
            format!(
                "; {} runs left out (failed or without a value)",
                data.runs_skipped
            )
        } else {
            String::new()
        }
    );
    for (name, why) in &data.skipped {
        note!("input `{name}` left out: {why}");
    }
    if cases == 0 || cases == data.cases.len() {
        anyhow::bail!(
            "{} of {} runs have {what}: nothing to tell apart; choose another threshold",
            cases,
            data.cases.len()
        );
    }
    let trajectory = prim(&data.inputs, &data.cases, &options)?;
    let chosen = match args.chosen {
        Some(k) if k < trajectory.len() => k,
        Some(k) => {
            return Err(usage(format!(
                "--box {k}: the trajectory has boxes 0 to {}",
                trajectory.len() - 1
            )));
        }
        None => choose_box(&trajectory, args.min_coverage),
    };
    let pasted = paste(&data.inputs, &data.cases, &trajectory[chosen], &options)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let subtitle = format!(
        "{what} in {cases} of {} runs of {}; alpha {}, minimum mass {}",
        data.cases.len(),
        args.dir.display(),
        args.alpha,
        args.min_mass
    );
    let write = |name: &str, text: String| -> anyhow::Result<()> {
        let path = args.out.join(name);
        write_atomic(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    };
    write("discovery.csv", trajectory_csv(&trajectory, chosen))?;
    write("boxes.csv", box_csv(&data.inputs, &pasted, chosen))?;
    let mut files = vec![args.out.join("discovery.csv"), args.out.join("boxes.csv")];
    for chart in [
        discovery_tradeoff(&trajectory, chosen, &subtitle)?,
        discovery_box(&data.inputs, &pasted, chosen, &subtitle)?,
    ] {
        files.extend(chart.write_to(&args.out)?);
    }
    say!(
        "box {chosen} of {} (pasted): coverage {:.3}, density {:.3} (all runs: {:.3}), mass {:.3}",
        trajectory.len() - 1,
        pasted.coverage,
        pasted.density,
        trajectory[0].density,
        pasted.mass
    );
    for r in &pasted.restrictions {
        let limit = match &r.limit {
            Limit::Range { lower, upper } => match (r.lower_restricted, r.upper_restricted) {
                (true, true) => format!("{lower} ≤ {} ≤ {upper}", r.name),
                (true, false) => format!("{} ≥ {lower}", r.name),
                _ => format!("{} ≤ {upper}", r.name),
            },
            Limit::Categories(c) => format!("{} in {{{}}}", r.name, c.join(", ")),
        };
        let p = [r.quasi_p_lower, r.quasi_p_upper]
            .into_iter()
            .flatten()
            .map(|p| format!("{p:.2e}"))
            .collect::<Vec<_>>()
            .join(", ");
        say!("  {limit}  (quasi-p {p})");
    }
    for f in &files {
        say!("{}", f.display());
    }
    Ok(ExitCode::SUCCESS)
}
