//! The result files that the charts are drawn from, read into memory.
//!
//! The charts read nothing but these files, so they can be redrawn at any
//! time from a results directory (`mlgov plot DIR`):
//!
//! | file | content |
//! |---|---|
//! | `manifest.json` | configurations in order, baseline, scenario, replications, months |
//! | `summary.csv` | one row per configuration × final metric: mean, CI, quantiles |
//! | `comparisons.csv` | paired differences of each configuration from the baseline |
//! | `trajectories.csv` | per configuration, month and observable: mean and quantiles |
//! | `sensitivity.csv` | Morris or Sobol indices (written by `mlgov sensitivity`) |
//!
//! Lists of metrics are open: whatever metrics the files hold are drawn.

use super::ReportError;
use super::csvread::read_csv;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The parts of `manifest.json` that the charts use; other fields are ignored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifest {
    /// The configurations in the order the experiment declared them.
    pub configurations: Vec<String>,
    /// The configuration the others are compared with, if any.
    pub baseline: Option<String>,
    /// The scenario name, used in chart subtitles.
    pub scenario: Option<String>,
    /// Replications per configuration.
    pub replications: Option<u64>,
    /// Simulated months.
    pub months: Option<u64>,
    /// The categorical observables (e.g. `phase`) with their category
    /// names, from the manifest's `observables` and `observable_kinds`:
    /// `trajectories.csv` holds one share row `<observable>_<category>` each.
    pub categorical: Vec<(String, Vec<String>)>,
    /// Each configuration's colour as `#rrggbb`, from the manifest's
    /// `colours` (written by `mlgov run` and `mlgov merge`); empty for older
    /// results, which get the same assignment computed from the order of
    /// the configurations.
    pub colours: Vec<(String, String)>,
    /// The master seed.
    pub seed: Option<u64>,
    /// The mlgov version that wrote the results.
    pub version: Option<String>,
    /// The scenario's identity (name and hash of the scenario file).
    pub identity: Option<String>,
}

impl Manifest {
    /// Reads and checks `manifest.json`.
    pub fn load(path: &Path) -> Result<Self, ReportError> {
        let text =
            crate::input::read_regular_to_string(path).map_err(|e| ReportError::io(path, e))?;
        let bad = |message: String| ReportError::BadFile {
            path: path.to_path_buf(),
            message,
        };
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| bad(format!("line {}: invalid JSON: {e}", e.line())))?;
        let object = value
            .as_object()
            .ok_or_else(|| bad("expected a JSON object".to_string()))?;
        let string = |key: &str| -> Result<Option<String>, ReportError> {
            match object.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(bad(format!("field `{key}` must be a string"))),
            }
        };
        let count = |key: &str| -> Result<Option<u64>, ReportError> {
            match object.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(v) => v
                    .as_u64()
                    .map(Some)
                    .ok_or_else(|| bad(format!("field `{key}` must be a whole number"))),
            }
        };
        let configurations = match object.get("configurations") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    serde_json::Value::String(s) => Ok(s.clone()),
                    // Tolerate objects that carry their name, e.g. {"name": "..."}.
                    serde_json::Value::Object(o) => o
                        .get("name")
                        .and_then(|n| n.as_str())
                        .map(str::to_string)
                        .ok_or_else(|| {
                            bad("field `configurations`: an entry has no `name`".to_string())
                        }),
                    _ => Err(bad(
                        "field `configurations` must be a list of names".to_string()
                    )),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(bad(
                    "field `configurations` must be a list of names".to_string()
                ));
            }
        };
        let strings = |key: &str| -> Vec<String> {
            object
                .get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let categorical = strings("observables")
            .into_iter()
            .zip(strings("observable_kinds"))
            .filter_map(|(name, kind)| {
                let rest = kind.strip_prefix("categorical:")?;
                Some((name, rest.split('|').map(str::to_string).collect()))
            })
            .collect();
        let colours = match object.get("colours") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Object(map)) => map
                .iter()
                .map(|(name, value)| match value.as_str() {
                    Some(c) if super::style::parse_hex(c).is_some() => {
                        Ok((name.clone(), c.to_string()))
                    }
                    _ => Err(bad(format!(
                        "field `colours`: the colour of `{name}` must be a string `#rrggbb`"
                    ))),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(bad(
                    "field `colours` must map configuration names to `#rrggbb`".to_string(),
                ));
            }
        };
        Ok(Manifest {
            colours,
            seed: count("seed")?,
            version: string("mlgov_version")?,
            identity: string("identity")?,
            categorical,
            configurations,
            baseline: string("baseline")?,
            scenario: string("scenario")?,
            replications: count("replications")?,
            months: count("months")?,
        })
    }
}

/// An estimate of one final metric for one configuration (a `summary.csv` row).
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Number of replications behind the estimate.
    pub n: u64,
    /// Mean over replications; `None` when the file gives no value.
    pub mean: Option<f64>,
    /// Standard deviation over replications (empty when n < 2).
    pub sd: Option<f64>,
    /// Lower end of the 95% confidence interval of the mean.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: Option<f64>,
    /// Median over replications.
    pub p50: Option<f64>,
}

/// A paired difference of one configuration from the baseline (a
/// `comparisons.csv` row).
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The configuration compared with the baseline.
    pub configuration: String,
    /// The baseline configuration.
    pub baseline: String,
    /// The metric compared.
    pub metric: String,
    /// Mean of the paired differences (configuration − baseline).
    pub mean: Option<f64>,
    /// Lower end of the 95% confidence interval of the mean difference.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% confidence interval of the mean difference.
    pub ci_high: Option<f64>,
}

/// One month of one observable for one configuration (a `trajectories.csv` row).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthStats {
    /// The month, 1-based.
    pub month: u64,
    /// Mean over replications.
    pub mean: Option<f64>,
    /// 5%, 25%, 50%, 75% and 95% quantiles over replications.
    pub quantiles: [Option<f64>; 5],
}

/// Everything the experiment charts are drawn from.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The results directory.
    pub dir: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
    /// Configurations in display order: the manifest's order, then any others
    /// in order of first appearance in `summary.csv`.
    pub configurations: Vec<String>,
    /// Final metrics in order of first appearance in `summary.csv`.
    pub final_metrics: Vec<String>,
    /// `summary.csv`, keyed by (configuration, metric).
    pub summary: BTreeMap<(String, String), Estimate>,
    /// `comparisons.csv` rows in file order (empty when the file is absent).
    pub differences: Vec<Difference>,
    /// Observables in order of first appearance in `trajectories.csv`.
    pub observables: Vec<String>,
    /// `trajectories.csv`, keyed by (configuration, observable), sorted by month.
    pub trajectories: BTreeMap<(String, String), Vec<MonthStats>>,
}

impl Results {
    /// Reads a results directory: `manifest.json` and `summary.csv` must be
    /// there; `comparisons.csv` and `trajectories.csv` are read when present.
    pub fn load(dir: &Path) -> Result<Self, ReportError> {
        if !dir.is_dir() {
            return Err(ReportError::MissingFile {
                path: dir.to_path_buf(),
            });
        }
        let manifest = Manifest::load(&dir.join("manifest.json"))?;
        let mut results = Results {
            dir: dir.to_path_buf(),
            configurations: manifest.configurations.clone(),
            manifest,
            ..Results::default()
        };
        results.read_summary(&dir.join("summary.csv"))?;
        let comparisons = dir.join("comparisons.csv");
        if comparisons.exists() {
            results.read_comparisons(&comparisons)?;
        }
        let trajectories = dir.join("trajectories.csv");
        if trajectories.exists() {
            results.read_trajectories(&trajectories)?;
        }
        Ok(results)
    }

    fn note_configuration(&mut self, name: &str) {
        if !self.configurations.iter().any(|c| c == name) {
            self.configurations.push(name.to_string());
        }
    }

    fn read_summary(&mut self, path: &Path) -> Result<(), ReportError> {
        let required = ["configuration", "metric", "n", "mean"];
        let mut rows = Vec::new();
        read_csv(path, &required, |row| {
            let configuration = row.name("configuration")?;
            let metric = row.name("metric")?;
            let estimate = Estimate {
                n: row.count("n")?,
                mean: row.number("mean")?,
                sd: row.number("sd")?,
                ci_low: row.number("ci95_low")?,
                ci_high: row.number("ci95_high")?,
                p50: row.number("p50")?,
            };
            rows.push((row.line(), configuration, metric, estimate));
            Ok(())
        })?;
        if rows.is_empty() {
            return Err(ReportError::Empty {
                path: path.to_path_buf(),
            });
        }
        for (line, configuration, metric, estimate) in rows {
            self.note_configuration(&configuration);
            if !self.final_metrics.contains(&metric) {
                self.final_metrics.push(metric.clone());
            }
            let key = (configuration, metric);
            if self.summary.insert(key.clone(), estimate).is_some() {
                return Err(ReportError::BadLine {
                    path: path.to_path_buf(),
                    line,
                    message: format!(
                        "configuration `{}` and metric `{}` appear more than once",
                        key.0, key.1
                    ),
                });
            }
        }
        Ok(())
    }

    fn read_comparisons(&mut self, path: &Path) -> Result<(), ReportError> {
        let required = ["configuration", "baseline", "metric", "mean_diff"];
        let mut differences = Vec::new();
        read_csv(path, &required, |row| {
            differences.push(Difference {
                configuration: row.name("configuration")?,
                baseline: row.name("baseline")?,
                metric: row.name("metric")?,
                mean: row.number("mean_diff")?,
                ci_low: row.number("ci95_low")?,
                ci_high: row.number("ci95_high")?,
            });
            Ok(())
        })?;
        self.differences = differences;
        Ok(())
    }

    fn read_trajectories(&mut self, path: &Path) -> Result<(), ReportError> {
        let required = crate::experiment::TRAJECTORY_COLUMNS;
        let mut series: BTreeMap<(String, String), Vec<MonthStats>> = BTreeMap::new();
        let mut observables = Vec::new();
        let mut configurations = Vec::new();
        read_csv(path, &required, |row| {
            let configuration = row.name("configuration")?;
            let metric = row.name("metric")?;
            let stats = MonthStats {
                month: row.count("month")?,
                mean: row.number("mean")?,
                quantiles: [
                    row.number("p05")?,
                    row.number("p25")?,
                    row.number("p50")?,
                    row.number("p75")?,
                    row.number("p95")?,
                ],
            };
            if !observables.contains(&metric) {
                observables.push(metric.clone());
            }
            if !configurations.contains(&configuration) {
                configurations.push(configuration.clone());
            }
            series
                .entry((configuration, metric))
                .or_default()
                .push(stats);
            Ok(())
        })?;
        for points in series.values_mut() {
            points.sort_by_key(|p| p.month);
        }
        for c in &configurations {
            self.note_configuration(c);
        }
        self.observables = observables;
        self.trajectories = series;
        Ok(())
    }

    /// The estimate of `metric` for `configuration`, if the summary has one.
    pub fn estimate(&self, configuration: &str, metric: &str) -> Option<&Estimate> {
        self.summary
            .get(&(configuration.to_string(), metric.to_string()))
    }

    /// The colour of `configuration` on every chart: the manifest's, else
    /// black for the baseline and the configuration palette in order for
    /// the others.
    pub(crate) fn colour(&self, configuration: &str) -> plotters::style::RGBColor {
        if let Some(c) = self
            .manifest
            .colours
            .iter()
            .find(|(name, _)| name == configuration)
            .and_then(|(_, c)| super::style::parse_hex(c))
        {
            return c;
        }
        super::style::configuration_colours(&self.configurations, self.baseline())
            .into_iter()
            .find(|(name, _)| name == configuration)
            .map_or(super::style::MUTED, |(_, c)| c)
    }

    /// The baseline: the manifest's, else the first configuration.
    pub fn baseline(&self) -> Option<&str> {
        self.manifest
            .baseline
            .as_deref()
            .or_else(|| self.configurations.first().map(String::as_str))
    }

    /// A one-line description for chart subtitles, e.g.
    /// "scenario basingstoke · 200 replications · 120 months".
    pub fn subtitle(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.manifest.scenario {
            parts.push(format!("scenario {s}"));
        }
        if let Some(r) = self.manifest.replications {
            parts.push(format!("{r} replications"));
        }
        if let Some(m) = self.manifest.months {
            parts.push(format!("{m} months"));
        }
        parts.join(" · ")
    }
}

/// One Morris elementary-effects result (a `sensitivity.csv` row, method `morris`).
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndex {
    /// The output metric.
    pub metric: String,
    /// The uncertain parameter.
    pub parameter: String,
    /// Mean elementary effect.
    pub mu: Option<f64>,
    /// Mean absolute elementary effect: the importance measure.
    pub mu_star: Option<f64>,
    /// Standard deviation of the elementary effects (interactions, non-linearity).
    pub sigma: Option<f64>,
}

/// One Sobol result (a `sensitivity.csv` row, method `sobol`).
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndex {
    /// The output metric.
    pub metric: String,
    /// The uncertain parameter.
    pub parameter: String,
    /// First-order index with its 95% interval.
    pub s1: [Option<f64>; 3],
    /// Total-order index with its 95% interval.
    pub st: [Option<f64>; 3],
}

/// The content of `sensitivity.csv`, with what `sensitivity.json` says
/// about the analysis when that file is beside it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sensitivity {
    /// Rows with method `morris`, in file order.
    pub morris: Vec<MorrisIndex>,
    /// Rows with method `sobol`, in file order.
    pub sobol: Vec<SobolIndex>,
    /// The design of the analysis, from `sensitivity.json`.
    pub about: Option<SensitivityAbout>,
}

/// `sensitivity.json`, written by `mlgov sensitivity` beside
/// `sensitivity.csv`: what was analysed, for the chart's subtitle.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SensitivityAbout {
    /// `morris` or `sobol`.
    pub method: String,
    /// The scenario's name.
    pub scenario: String,
    /// The configuration whose uncertain parameters were varied.
    pub configuration: String,
    /// Morris trajectories or the Sobol base sample size N.
    pub samples: u64,
    /// Replications averaged at each design point.
    pub replications: u64,
    /// Simulated months per run.
    pub months: u64,
    /// The master seed.
    pub seed: u64,
    /// The mlgov version that ran the analysis.
    pub mlgov_version: String,
}

impl SensitivityAbout {
    /// The file name, beside `sensitivity.csv`.
    pub const FILE: &'static str = "sensitivity.json";

    /// The chart subtitle: method, configuration, samples, replications.
    pub fn subtitle(&self) -> String {
        let design = match self.method.as_str() {
            "morris" => format!("Morris, {} trajectories", self.samples),
            "sobol" => format!("Sobol', base sample N = {}", self.samples),
            other => format!("{other}, {} samples", self.samples),
        };
        format!(
            "{design} · configuration {} of scenario {} · {} replication{} per design point · {} months",
            self.configuration,
            self.scenario,
            self.replications,
            if self.replications == 1 { "" } else { "s" },
            self.months
        )
    }
}

impl Sensitivity {
    /// Reads `sensitivity.csv`.
    pub fn load(path: &Path) -> Result<Self, ReportError> {
        let mut out = Sensitivity::default();
        let rows = read_csv(path, &["method", "metric", "parameter"], |row| {
            let method = row.name("method")?.to_ascii_lowercase();
            let metric = row.name("metric")?;
            let parameter = row.name("parameter")?;
            let need = |columns: &[&str]| -> Result<(), ReportError> {
                match columns.iter().find(|c| !row.has(c)) {
                    Some(c) => Err(ReportError::MissingColumn {
                        path: path.to_path_buf(),
                        column: (*c).to_string(),
                    }),
                    None => Ok(()),
                }
            };
            match method.as_str() {
                "morris" => {
                    need(&["mu_star", "sigma"])?;
                    out.morris.push(MorrisIndex {
                        metric,
                        parameter,
                        mu: row.number("mu")?,
                        mu_star: row.number("mu_star")?,
                        sigma: row.number("sigma")?,
                    });
                }
                "sobol" => {
                    need(&["s1", "st"])?;
                    out.sobol.push(SobolIndex {
                        metric,
                        parameter,
                        s1: [
                            row.number("s1")?,
                            row.number("s1_low")?,
                            row.number("s1_high")?,
                        ],
                        st: [
                            row.number("st")?,
                            row.number("st_low")?,
                            row.number("st_high")?,
                        ],
                    });
                }
                other => {
                    return Err(row.error(format!(
                        "unknown method `{other}` (expected `morris` or `sobol`)"
                    )));
                }
            }
            Ok(())
        })?;
        if rows == 0 {
            return Err(ReportError::Empty {
                path: path.to_path_buf(),
            });
        }
        let about = path.with_file_name(SensitivityAbout::FILE);
        if about.exists() {
            let text = crate::input::read_regular_to_string(&about)
                .map_err(|e| ReportError::io(&about, e))?;
            out.about = Some(
                serde_json::from_str(&text).map_err(|e| ReportError::BadFile {
                    path: about.clone(),
                    message: format!("line {}: {e}", e.line()),
                })?,
            );
        }
        Ok(out)
    }
}
