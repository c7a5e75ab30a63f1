//! `mlgov assess`: a checklist template, and a filled checklist turned into
//! a scenario with a short forecast.

use super::say::{note, quiet, say};
use clap::Args;
use mlgov::analysis::{KaplanMeier, ShareMethod, share_interval, t_quantile, wilson_interval};
use mlgov::assess::{AssessError, CapacityLevel, Checklist, Typology, classify};
use mlgov::partnership::GovernanceModel;
use mlgov::scenario::Scenario;
use mlgov::sim::{MetricKind, Model, run_seed, run_single};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `mlgov assess`.
#[derive(Args)]
pub struct AssessArgs {
    /// Filled checklist (TOML; start from `mlgov assess --template`).
    #[arg(required_unless_present = "template", conflicts_with = "template")]
    pub checklist: Option<PathBuf>,
    /// Print a blank checklist with every question (or write it to --out).
    #[arg(long)]
    pub template: bool,
    /// Scenario file to write (with --template: the checklist file; `-`
    /// prints). Without it, only the forecast is printed.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite --out if it exists.
    #[arg(long)]
    pub force: bool,
    /// Scenario whose partners, policy and experiment the assessed
    /// scenario keeps (default: the built-in defaults).
    #[arg(long, value_name = "SCENARIO", conflicts_with = "template")]
    pub base: Option<PathBuf>,
    /// Replications of the forecast (0: no forecast).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub replications: u32,
}

/// The most replications of the forecast (each run's final metrics are kept
/// in memory); for more, run the written scenario with `mlgov run`.
pub const MAX_FORECAST_REPLICATIONS: u32 = 100_000;

/// Runs `mlgov assess`.
pub fn execute(args: AssessArgs) -> anyhow::Result<ExitCode> {
    if args.replications > MAX_FORECAST_REPLICATIONS {
        return Err(super::usage(format!(
            "--replications {}: must be at most {MAX_FORECAST_REPLICATIONS} for the forecast; \
             run the written scenario with `mlgov run` for more",
            args.replications
        )));
    }
    if args.template {
        let text = Checklist::template_toml();
        return Ok(match args.out.as_deref() {
            None => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Some(p) if p.as_os_str() == "-" => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Some(p) => match super::write_new(p, text.as_bytes(), args.force) {
                Ok(()) => {
                    say!(
                        "wrote {} (answer every question, then: mlgov assess {} --out scenario.toml)",
                        p.display(),
                        p.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(code) => code,
            },
        });
    }
    let path = args
        .checklist
        .expect("clap requires CHECKLIST without --template");
    let file = path.display().to_string();
    let text = match read_text(&path) {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("error: {file}: {msg}");
            return Ok(ExitCode::from(2));
        }
    };
    let checklist = match Checklist::read(&text) {
        Ok(c) => c,
        Err(AssessError::Invalid { problems }) => {
            let n = problems.len();
            eprintln!(
                "error: {file}: {n} problem{} in the checklist",
                if n == 1 { "" } else { "s" }
            );
            let listed = mlgov::scenario::MAX_LISTED_PROBLEMS;
            for p in problems.iter().take(listed) {
                eprintln!("  {p}");
            }
            if n > listed {
                eprintln!("  ... and {} more problems", n - listed);
            }
            eprintln!("(`mlgov assess --template` prints every question)");
            return Ok(ExitCode::from(2));
        }
        Err(e) => {
            eprintln!("error: {file}: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "assessed".to_string());
    let (base, base_file) = match &args.base {
        Some(b) => match read_text(b) {
            Ok(t) => (t, b.display().to_string()),
            Err(msg) => {
                eprintln!("error: {}: {msg}", b.display());
                return Ok(ExitCode::from(2));
            }
        },
        None => (
            format!(
                "[scenario]\nname = {}\ndescription = {}\n",
                toml::Value::String(stem.clone()),
                toml::Value::String(format!("Partnership assessed in {file}"))
            ),
            "the default scenario".to_string(),
        ),
    };
    let header = format!(
        "Scenario from the assessment checklist {file} (mlgov assess{}).\n\
         The checklist's answers set the parameters through the mapping in\n\
         docs/model.md §7.16; everything else is {}.",
        args.base
            .as_ref()
            .map(|b| format!(" --base {}", b.display()))
            .unwrap_or_default(),
        if args.base.is_some() {
            "as in the base scenario"
        } else {
            "at its default (docs/scenario.md)"
        }
    );
    let scenario_text = match checklist.scenario_toml(&base, &base_file, &header) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    match args.out.as_deref() {
        Some(p) if p.as_os_str() == "-" => print!("{scenario_text}"),
        Some(p) => {
            if let Err(code) = super::write_new(p, scenario_text.as_bytes(), args.force) {
                return Ok(code);
            }
            say!("wrote {} (scenario from {file})", p.display());
        }
        None => note!("(no --out given: the scenario is not written)"),
    }
    if args.replications > 0 {
        let scenario = Scenario::from_toml(&scenario_text, &file)
            .map_err(|e| anyhow::anyhow!("the assessed scenario does not check: {e}"))?;
        if !quiet() {
            forecast(&scenario, args.replications);
        }
        if let Some(p) = args.out.as_deref().filter(|p| p.as_os_str() != "-") {
            say!(
                "full experiment and charts: mlgov run {} --out results/{}",
                p.display(),
                p.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| stem.clone())
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = mlgov::input::read_input(path, mlgov::input::MAX_INPUT_BYTES)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    String::from_utf8(bytes).map_err(|_| "not a text file (not UTF-8)".to_string())
}

/// The final metrics the forecast prints, with their labels.
const SHOWN: [(&str, &str); 8] = [
    ("trust_mean", "mean trust at the end"),
    ("survival", "survival (share of places)"),
    ("months_to_trust", "months until trust grows"),
    ("transaction_cost_total", "transaction costs"),
    ("delivery_total", "delivery"),
    ("value_added_total", "value added"),
    ("empowerment", "empowerment"),
    ("service_delivery", "service delivery"),
];

/// Runs the baseline configuration `replications` times (replication k
/// with the seed `mlgov run` gives it) and prints means with 95% intervals
/// and Lloyd's typology.
fn forecast(scenario: &Scenario, replications: u32) {
    let index = scenario.baseline();
    let config = &scenario.engine_configurations()[index];
    let exp = &scenario.spec.experiment;
    let months = exp.months;
    let model = GovernanceModel;
    let runs: Vec<Option<Vec<f64>>> = (0..u64::from(replications))
        .into_par_iter()
        .map(|rep| {
            let seed = run_seed(exp.seed, rep);
            let params = config.params_for_run(seed).ok()?;
            run_single(&model, &params, months, seed)
                .ok()
                .map(|r| r.finals)
        })
        .collect();
    let ok: Vec<&Vec<f64>> = runs.iter().flatten().collect();
    let failed = runs.len() - ok.len();
    say!(
        "forecast for \"{}\": {} replications × {} months (mean [95% CI]; shares: Wilson interval; months: Kaplan–Meier median [95% CI]){}",
        config.name,
        ok.len(),
        months,
        if failed > 0 {
            format!("; {failed} runs failed")
        } else {
            String::new()
        }
    );
    if ok.is_empty() {
        return;
    }
    let names = model.final_metrics();
    let col = |name: &str| names.iter().position(|m| m == name);
    let kinds = model.final_metric_kinds();
    for (metric, label) in SHOWN {
        let Some(i) = col(metric) else { continue };
        let xs: Vec<f64> = ok.iter().map(|r| r[i]).collect();
        match kinds[i] {
            MetricKind::Proportion => {
                let ones = xs.iter().filter(|&&v| v == 1.0).count() as u64;
                let (lo, hi) = wilson_interval(ones, xs.len() as u64, 0.95).unwrap_or((0.0, 1.0));
                say!(
                    "  {label:26} {:>9.3} [{lo:.3}, {hi:.3}]  (Wilson interval)",
                    ones as f64 / xs.len() as f64
                );
            }
            MetricKind::TimeToEvent => {
                let horizon = f64::from(months);
                let km = KaplanMeier::with_horizon(xs.iter().copied(), horizon);
                let share = 100.0 * km.events() as f64 / xs.len() as f64;
                let reached = format!(
                    "reached in {share:.0}% of runs; threshold {}",
                    exp.trust_threshold
                );
                match km.quantile(0.5) {
                    Some(m) => {
                        let (lo, hi) = km.quantile_ci(0.5, 0.95);
                        let end = |v: Option<f64>| {
                            v.map_or(format!("not reached in {months} months"), |v| {
                                format!("{v}")
                            })
                        };
                        say!(
                            "  {label:26} median {m} [{}, {}]  ({reached})",
                            end(lo),
                            end(hi)
                        );
                    }
                    None => {
                        say!("  {label:26} median not reached in {months} months  ({reached})")
                    }
                }
            }
            MetricKind::Share => {
                let (mean, _) = mean_ci(&xs);
                match share_interval(&xs, 0.95) {
                    Some((lo, hi, method)) => say!(
                        "  {label:26} {mean:>9.3} [{lo:.3}, {hi:.3}]  ({} interval)",
                        match method {
                            ShareMethod::Wilson => "Wilson",
                            ShareMethod::LogitT => "logit t",
                        }
                    ),
                    None => say!("  {label:26} {mean:>9.3}"),
                }
            }
            _ => {
                let (mean, half) = mean_ci(&xs);
                // Every other metric shown is at least 0.
                say!(
                    "  {label:26} {mean:>9.3} [{:.3}, {:.3}]",
                    (mean - half).max(0.0),
                    mean + half
                );
            }
        }
    }
    let (Some(ie), Some(id)) = (col("empowerment"), col("service_delivery")) else {
        return;
    };
    let (e, _) = mean_ci(&ok.iter().map(|r| r[ie]).collect::<Vec<_>>());
    let (d, _) = mean_ci(&ok.iter().map(|r| r[id]).collect::<Vec<_>>());
    let typology = classify(e, d);
    say!(
        "  Lloyd's typology (of the means): {} — level {} ({})",
        typology.name(),
        CapacityLevel::of(d).number(),
        typology.description()
    );
    let shares: Vec<String> = Typology::ALL
        .iter()
        .filter_map(|t| {
            let k = ok.iter().filter(|r| classify(r[ie], r[id]) == *t).count();
            (k > 0).then(|| format!("{} {:.0}%", t.name(), 100.0 * k as f64 / ok.len() as f64))
        })
        .collect();
    say!("  runs by type: {}", shares.join(", "));
}

/// Mean and the half-width of its 95% interval (Student t).
fn mean_ci(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    if xs.len() < 2 {
        return (mean, 0.0);
    }
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    (mean, t_quantile(0.975, n - 1.0) * (var / n).sqrt())
}
