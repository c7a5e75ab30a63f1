//! `mlgov sensitivity`: Morris screening or Sobol' indices of a scenario's
//! final metrics over its uncertain parameters, written to `DIR/sensitivity.csv`.
//!
//! Loading the scenario is the scenario module's job; everything after it
//! (checking the flags, running, writing, charting) is [`run_with`], generic
//! over the model, so the command works for any [`Model`] and
//! [`ParameterSpace`].

use super::say::{note, quiet, say};
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mlgov::partnership::GovernanceModel;
use mlgov::scenario::ScenarioSpace;
use mlgov::sensitivity::{Method, ModelAnalysis, Problem, analyse_model};
use mlgov::sim::{Model, ParameterSpace};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov sensitivity`.
#[derive(Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// `morris` or `sobol`.
    #[arg(long)]
    pub method: String,
    /// Base sample size (Sobol) or number of trajectories (Morris).
    #[arg(long)]
    pub samples: usize,
    /// Configuration to analyse (default: the baseline).
    #[arg(long)]
    pub configuration: Option<String>,
    /// Master seed (overrides the scenario).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Replications averaged at each design point (common seeds at every point).
    #[arg(long, default_value_t = 10)]
    pub replications: u64,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Refuse designs of more evaluations (design points) than this.
    #[arg(long, default_value_t = DEFAULT_MAX_EVALUATIONS)]
    pub max_evaluations: u64,
    /// Refuse analyses of more simulated months (design points ×
    /// replications × months) than this.
    #[arg(long, default_value_t = mlgov::experiment::DEFAULT_MAX_RUN_MONTHS)]
    pub max_run_months: u64,
    /// Replace `sensitivity.csv`, `sensitivity.json` and the charts in
    /// `--out` even if mlgov did not write them.
    #[arg(long)]
    pub force: bool,
}

/// Default `--max-evaluations`: 10^6 design points (the design alone is then
/// 8 bytes × parameters per point, a few hundred MB at most).
pub const DEFAULT_MAX_EVALUATIONS: u64 = 1_000_000;

/// Runs `mlgov sensitivity`.
pub fn execute(args: SensitivityArgs) -> anyhow::Result<ExitCode> {
    // The flags that do not need the scenario are checked first, so mistakes
    // are reported before any loading (tests/sensitivity_cli.rs relies on
    // this: keep it before the loader when wiring).
    check_flags(&args)?;
    let scenario = match super::load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let index = super::pick_configuration(&scenario, args.configuration.as_deref())?;
    let config = &scenario.configurations()[index];
    let space = ScenarioSpace::new(config);
    let k = space.names().len();
    if k < 2 {
        // A problem of the input, not of the run: exit 2.
        return Err(super::usage(format!(
            "{}: configuration \"{}\" has {k} uncertain parameter{}; sensitivity analysis needs at least two \
             (write parameters as distributions, e.g. forgetting = {{ dist = \"uniform\", low = 0.9, high = 0.99 }})",
            scenario.file,
            config.name,
            if k == 1 { "" } else { "s" }
        )));
    }
    let replications = args.replications;
    if replications == 0 {
        return Err(super::usage("--replications must be at least 1"));
    }
    run_with(
        &GovernanceModel,
        &space,
        scenario.spec.experiment.months,
        replications,
        scenario.spec.experiment.seed,
        &args,
        (&scenario.spec.scenario.name, &config.name),
    )
}

/// Checks `--method`, `--threads` and the method's minimum `--samples`.
fn check_flags(args: &SensitivityArgs) -> anyhow::Result<Method> {
    let method: Method = args
        .method
        .parse()
        .map_err(|e| super::usage(format!("invalid --method: {e}")))?;
    if args.threads == Some(0) {
        return Err(super::usage(
            "--threads must be at least 1 (omit it to use all cores)",
        ));
    }
    if let Some(t) = args.threads.filter(|&t| t > mlgov::experiment::MAX_THREADS) {
        return Err(super::usage(format!(
            "--threads {t}: must be at most {}",
            mlgov::experiment::MAX_THREADS
        )));
    }
    if args.samples < method.min_samples() {
        return Err(super::usage(format!(
            "--samples {} is too small for {method}: the minimum is {} ({})",
            args.samples,
            method.min_samples(),
            match method {
                Method::Morris => "trajectories; sigma needs two elementary effects per parameter",
                Method::Sobol => "base sample N; fewer leaves the indices mostly noise",
            }
        )));
    }
    Ok(method)
}

/// Everything after the scenario is loaded: checks, runs the analysis of the
/// model's final metrics over `space` (each design point the mean of
/// `replications` runs of `months` months, seeded from `--seed` or else
/// `seed`), writes `DIR/sensitivity.csv` and draws the chart.
pub fn run_with<M, S>(
    model: &M,
    space: &S,
    months: u32,
    replications: u64,
    seed: u64,
    args: &SensitivityArgs,
    (scenario_name, configuration): (&str, &str),
) -> anyhow::Result<ExitCode>
where
    M: Model,
    S: ParameterSpace<M::Params>,
{
    let method = check_flags(args)?;
    let settings = ModelAnalysis {
        method,
        samples: args.samples,
        months,
        replications,
        seed: args.seed.unwrap_or(seed),
        threads: args.threads,
    };
    let scenario = args.scenario.display();
    let problem = Problem::from_space(space)
        .with_context(|| format!("uncertain parameters of {scenario}"))?;
    settings
        .check(&problem)
        .with_context(|| format!("cannot analyse {scenario}"))?;
    let k = problem.dimension();
    let evaluations = method.evaluations(k, args.samples);
    let per = match method {
        Method::Morris => format!("{} trajectories × ({k} parameters + 1)", args.samples),
        Method::Sobol => format!("{} samples × ({k} parameters + 2)", args.samples),
    };
    if evaluations as u64 > args.max_evaluations {
        return Err(super::usage(format!(
            "--samples {}: {per} = {evaluations} design points, more than the limit of {}; \
             raise it with --max-evaluations if this is intended",
            args.samples, args.max_evaluations
        )));
    }
    let run_months = evaluations as u128 * u128::from(replications) * u128::from(months);
    if run_months > u128::from(args.max_run_months) {
        return Err(super::usage(format!(
            "{evaluations} design points × {replications} replications × {months} months = \
             {run_months} simulated months, more than the limit of {}; \
             raise it with --max-run-months if this is intended",
            args.max_run_months
        )));
    }
    note!(
        "{method}: {k} parameters, {evaluations} design points x {replications} replications \
         = {} runs of {months} months",
        evaluations as u128 * u128::from(replications)
    );
    let _lock = super::lock_dir(&args.out)?;
    // Files of the user's in the way are refused before the analysis runs.
    let redo = format!(
        "mlgov sensitivity {scenario} ... --out {}",
        args.out.display()
    );
    super::refuse_foreign(
        &args.out.join(mlgov::sensitivity::SENSITIVITY_CSV),
        args.force,
        |head| head.starts_with(b"method,metric,parameter,"),
        &redo,
    )?;
    super::refuse_foreign(
        &args.out.join(mlgov::report::SensitivityAbout::FILE),
        args.force,
        |head| head.windows(15).any(|w| w == b"\"mlgov_version\""),
        &redo,
    )?;
    let bar = progress_bar(evaluations as u64);
    let result = analyse_model(model, space, &settings, &|| bar.inc(1))
        .with_context(|| format!("{method} analysis of {scenario} failed"))?;
    bar.finish_and_clear();
    let path = result.write_csv(&args.out)?;
    say!("wrote {}", path.display());
    // What was analysed, for the chart's subtitle (and the reader).
    let about = mlgov::report::SensitivityAbout {
        method: method.to_string(),
        scenario: scenario_name.to_string(),
        configuration: configuration.to_string(),
        samples: args.samples as u64,
        replications,
        months: u64::from(months),
        seed: settings.seed,
        mlgov_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let about_path = args.out.join(mlgov::report::SensitivityAbout::FILE);
    let mut text = serde_json::to_string_pretty(&about)?;
    text.push('\n');
    mlgov::atomic::write_atomic(&about_path, text.as_bytes())
        .with_context(|| format!("cannot write {}", about_path.display()))?;

    let charts = super::charts::draw(&args.out, args.force, |opts| {
        mlgov::report::render_sensitivity(&args.out, opts)
    })
    .with_context(|| format!("drawing the sensitivity chart in {}", args.out.display()))?;
    for f in charts {
        say!("wrote {}", f.display());
    }

    Ok(ExitCode::SUCCESS)
}

/// A progress bar on stderr when it is a terminal and not `--quiet`; hidden
/// otherwise, so logs and pipes stay clean.
fn progress_bar(len: u64) -> ProgressBar {
    if quiet() || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} points, eta {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlgov::sim::ModelError;
    use rand::{Rng, RngExt};

    /// `level = months * rate + noise`; `boost` does nothing.
    struct Drift;
    impl Model for Drift {
        type Params = (f64, f64);
        type State = f64;
        fn observables(&self) -> Vec<String> {
            vec!["level".into()]
        }
        fn final_metrics(&self) -> Vec<String> {
            vec!["level".into()]
        }
        fn init<R: Rng + ?Sized>(&self, _: &(f64, f64), _: &mut R) -> Result<f64, ModelError> {
            Ok(0.0)
        }
        fn step<R: Rng + ?Sized>(
            &self,
            p: &(f64, f64),
            s: &mut f64,
            _: u32,
            rng: &mut R,
        ) -> Result<(), ModelError> {
            *s += p.0 + 0.1 * (rng.random::<f64>() - 0.5);
            Ok(())
        }
        fn observe(&self, _: &(f64, f64), s: &f64, _: u32, out: &mut Vec<f64>) {
            out.push(*s)
        }
        fn finish(&self, _: &(f64, f64), s: &f64, _: u32, out: &mut Vec<f64>) {
            out.push(*s)
        }
    }

    struct Space(usize);
    impl ParameterSpace<(f64, f64)> for Space {
        fn names(&self) -> Vec<String> {
            ["rate", "boost"][..self.0]
                .iter()
                .map(|s| s.to_string())
                .collect()
        }
        fn bounds(&self) -> Vec<(f64, f64)> {
            vec![(0.0, 1.0); self.0]
        }
        fn build(&self, x: &[f64]) -> Result<(f64, f64), ModelError> {
            Ok((x[0], x.get(1).copied().unwrap_or(0.0)))
        }
    }

    fn args(method: &str, samples: usize, out: PathBuf) -> SensitivityArgs {
        SensitivityArgs {
            scenario: "test.toml".into(),
            method: method.into(),
            samples,
            configuration: None,
            seed: Some(3),
            threads: Some(2),
            replications: 2,
            out,
            max_evaluations: DEFAULT_MAX_EVALUATIONS,
            max_run_months: mlgov::experiment::DEFAULT_MAX_RUN_MONTHS,
            force: false,
        }
    }

    #[test]
    fn run_with_writes_the_csv() {
        let dir = tempfile::tempdir().unwrap();
        for (method, samples, header) in [
            ("morris", 4, "method,metric,parameter,mu,mu_star,sigma"),
            (
                "sobol",
                32,
                "method,metric,parameter,s1,s1_low,s1_high,st,st_low,st_high",
            ),
        ] {
            let a = args(method, samples, dir.path().join(method));
            let code = run_with(&Drift, &Space(2), 6, 3, 1, &a, ("drift", "only")).unwrap();
            assert_eq!(code, ExitCode::SUCCESS);
            let text =
                std::fs::read_to_string(dir.path().join(method).join("sensitivity.csv")).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines[0], header);
            assert!(lines[1].starts_with(&format!("{method},level,rate,")));
            assert!(lines[2].starts_with(&format!("{method},level,boost,")));
        }
    }

    #[test]
    fn run_with_refuses_bad_flags_and_spaces() {
        let out = PathBuf::from("unused");
        let err = |a: &SensitivityArgs, k: usize| {
            format!(
                "{:#}",
                run_with(&Drift, &Space(k), 6, 1, 1, a, ("drift", "only")).unwrap_err()
            )
        };
        let e = err(&args("fast", 10, out.clone()), 2);
        assert!(
            e.contains("unknown method `fast`") && e.contains("`sobol`"),
            "{e}"
        );
        let e = err(&args("morris", 1, out.clone()), 2);
        assert!(e.contains("minimum is 2"), "{e}");
        let e = err(&args("sobol", 31, out.clone()), 2);
        assert!(e.contains("minimum is 32"), "{e}");
        let mut a = args("morris", 10, out.clone());
        a.threads = Some(0);
        assert!(err(&a, 2).contains("--threads must be at least 1"));
        let e = err(&args("morris", 10, out), 1);
        assert!(
            e.contains("at least 2 uncertain parameters, found 1"),
            "{e}"
        );
    }
}
