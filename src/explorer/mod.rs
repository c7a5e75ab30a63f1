//! The Lloyd explorer: the JSON API and page behind `mlgov serve`.
//!
//! An [`Explorer`] holds one base scenario (a scenario file, or the model's
//! defaults) and answers the page's requests:
//!
//! - **run**: the base scenario as it is (the *baseline*) and the
//!   configuration chosen on the page (the *explored* one: a Lloyd
//!   assignment and changed settings), simulated with common random numbers
//!   by the experiment engine; the answer holds the summary statistics with
//!   95% confidence intervals, the paired differences, the trajectories'
//!   quantile bands and the typology point, read from the same tables
//!   `mlgov run` writes;
//! - **grid**: the 27 Lloyd assignments with the page's settings, every
//!   final metric, cached;
//! - **scenario**: the scenario file for what is on screen, which
//!   `mlgov check` accepts and `mlgov run` reproduces.
//!
//! Every request is turned into scenario text and checked by
//! [`Scenario::from_toml`], so a bad value is refused with the same message
//! as in a scenario file, naming the field. Requests never name a file: each
//! simulation writes its tables into a private temporary folder that is
//! removed once they are read. Simulation sizes are capped ([`MAX_REPLICATIONS`], [`MAX_MONTHS`], [`MAX_GRID_REPLICATIONS`], [`MAX_LOCALITIES`]).
//!
//! ```
//! use mlgov::explorer::Explorer;
//! let explorer = Explorer::new(None).unwrap();
//! let body = br#"{"assignment": "N-R-L", "replications": 4, "months": 12,
//!                 "settings": {"interventions.workshops.per_year": 4}}"#;
//! let text = explorer.scenario_text(body).unwrap();
//! assert!(mlgov::Scenario::from_toml(&text, "explorer.toml").is_ok());
//! let bad = explorer.scenario_text(br#"{"settings": {"governance.silos": 0}}"#).unwrap_err();
//! assert_eq!(bad.field, "governance.silos");
//! ```
//!
//! # Place in the layers
//! Owns the explorer's requests and answers ([`Explorer`]) and, in `http`,
//! the wire. It sits above the report, the scenario and the engine, which it
//! calls; it must not know the command line (`mlgov serve` only parses the
//! address and calls [`serve`]; docs/architecture.md, layer 7).

mod controls;
mod error;
mod http;

pub use controls::{
    BASELINE, CONTROLS, Control, EXPLORED, FAN_OBSERVABLES, GRID_CACHE_SIZE, HEADLINE_METRICS,
    MAX_GRID_REPLICATIONS, MAX_LOCALITIES, MAX_MONTHS, MAX_REPLICATIONS, PAGE_REPLICATIONS,
};
pub use error::ApiError;
pub use http::{ServeOptions, serve};

use crate::Assignment;
use crate::experiment::{RunOptions, run_experiment};
use crate::partnership::GovernanceModel;
use crate::report::Results;
use crate::scenario::{Scenario, ScenarioError, ScenarioSpec};
use crate::sim::Model;
use serde_json::{Map, Value as Json, json};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use toml::Value;

/// A request of the page, checked.
#[derive(Debug, Clone)]
struct Request {
    assignment: Option<Assignment>,
    settings: Vec<(String, Value)>,
    replications: Option<u64>,
    months: Option<u32>,
    seed: Option<u64>,
    metric: Option<String>,
}

/// The explorer behind `mlgov serve`: a base scenario and a grid cache.
pub struct Explorer {
    /// The base scenario's TOML tree without variants, assignment lists,
    /// grids or baseline name.
    base_tree: Value,
    /// The base scenario, checked.
    base: ScenarioSpec,
    /// Where the base scenario came from (`None`: the model's defaults).
    source: Option<String>,
    /// Every field a request may set.
    settable: Vec<String>,
    grids: Mutex<VecDeque<(String, Arc<Json>)>>,
    counter: AtomicU64,
}

impl Explorer {
    /// An explorer of the scenario `text` (labelled `file` in errors), or of
    /// the model's defaults when `None`. A scenario with variants, an
    /// assignment list or a grid is explored from its base settings (its
    /// own `governance.assignment`).
    pub fn new(scenario: Option<(&str, &str)>) -> Result<Self, ScenarioError> {
        let (text, source) = match scenario {
            Some((text, file)) => {
                Scenario::from_toml(text, file)?;
                (text.to_string(), Some(file.to_string()))
            }
            None => (
                "[scenario]\nname = \"explorer\"\ndescription = \"The model's default partnership\"\n"
                    .to_string(),
                None,
            ),
        };
        let mut tree: Value =
            Value::Table(text.parse::<toml::Table>().map_err(|e| ScenarioError {
                file: source.clone().unwrap_or_default(),
                problems: vec![crate::scenario::Problem {
                    path: String::new(),
                    message: e.to_string(),
                }],
            })?);
        if let Some(t) = tree.as_table_mut() {
            t.remove("variants");
            if let Some(e) = t.get_mut("experiment").and_then(Value::as_table_mut) {
                e.remove("assignments");
                e.remove("grid");
                e.remove("baseline");
            }
        }
        let label = source.clone().unwrap_or_else(|| "defaults".into());
        let base = Scenario::from_toml(&toml::to_string(&tree).unwrap_or_default(), &label)?;
        let mut settable: Vec<String> = CONTROLS.iter().map(|c| c.path.to_string()).collect();
        for p in base.spec.param_paths() {
            if !settable.contains(&p) {
                settable.push(p);
            }
        }
        Ok(Self {
            base_tree: tree,
            base: base.spec,
            source,
            settable,
            grids: Mutex::new(VecDeque::new()),
            counter: AtomicU64::new(0),
        })
    }

    /// What the page needs to draw its controls: the scenario, the limits,
    /// each control with the base scenario's value, the metrics.
    pub fn info(&self) -> Json {
        let spec = toml::Value::try_from(&self.base).unwrap_or(Value::Table(Default::default()));
        let controls: Vec<Json> = CONTROLS
            .iter()
            .map(|c| {
                json!({
                    "path": c.path,
                    "label": c.label,
                    "explain": c.explain,
                    "kind": c.kind,
                    "min": c.min,
                    "max": c.max,
                    "step": c.step,
                    "default": lookup(&spec, c.path).map(toml_to_json).unwrap_or(Json::Null),
                })
            })
            .collect();
        let model = GovernanceModel;
        let e = &self.base.experiment;
        json!({
            "scenario": self.base.scenario.name,
            "description": self.base.scenario.description,
            "source": self.source,
            "assignment": self.base.governance.assignment.to_string(),
            "replications": e.replications.min(PAGE_REPLICATIONS),
            "months": e.months.min(MAX_MONTHS),
            "seed": e.seed,
            "limits": {
                "replications": MAX_REPLICATIONS,
                "months": MAX_MONTHS,
                "grid_replications": MAX_GRID_REPLICATIONS,
                "localities": MAX_LOCALITIES,
            },
            "controls": controls,
            "metrics": model.final_metrics(),
            "headline": HEADLINE_METRICS,
            "fans": FAN_OBSERVABLES,
        })
    }

    fn parse(&self, body: &[u8], grid: bool) -> Result<Request, ApiError> {
        let json: Json = if body.iter().all(u8::is_ascii_whitespace) {
            Json::Object(Map::new())
        } else {
            serde_json::from_slice(body)
                .map_err(|e| ApiError::bad("", format!("the request is not valid JSON: {e}")))?
        };
        let Json::Object(obj) = json else {
            return Err(ApiError::bad("", "the request must be a JSON object"));
        };
        let mut req = Request {
            assignment: None,
            settings: Vec::new(),
            replications: None,
            months: None,
            seed: None,
            metric: None,
        };
        let max_reps = if grid {
            MAX_GRID_REPLICATIONS
        } else {
            MAX_REPLICATIONS
        };
        for (key, value) in &obj {
            match key.as_str() {
                "assignment" if !grid => {
                    let text = value.as_str().ok_or_else(|| {
                        ApiError::bad("assignment", "must be a code such as \"N-R-L\"")
                    })?;
                    req.assignment = Some(
                        text.parse::<Assignment>()
                            .map_err(|e| ApiError::bad("assignment", e.to_string()))?,
                    );
                }
                "replications" => {
                    let n = whole(value, "replications")?;
                    if n == 0 || n > max_reps {
                        return Err(ApiError::bad(
                            "replications",
                            format!(
                                "must be in [1, {max_reps}] in the explorer, got {n} (use `mlgov run` for more)"
                            ),
                        ));
                    }
                    req.replications = Some(n);
                }
                "months" => {
                    let n = whole(value, "months")?;
                    if n == 0 || n > u64::from(MAX_MONTHS) {
                        return Err(ApiError::bad(
                            "months",
                            format!(
                                "must be in [1, {MAX_MONTHS}] in the explorer, got {n} (use `mlgov run` for more)"
                            ),
                        ));
                    }
                    req.months = Some(n as u32);
                }
                "seed" => req.seed = Some(whole(value, "seed")?),
                "metric" if grid => {
                    let name = value
                        .as_str()
                        .ok_or_else(|| ApiError::bad("metric", "must be a metric name"))?;
                    req.metric = Some(self.check_metric(name)?);
                }
                "settings" => {
                    let Json::Object(map) = value else {
                        return Err(ApiError::bad(
                            "settings",
                            "must be an object of scenario fields and values",
                        ));
                    };
                    for (path, v) in map {
                        if !self.settable.iter().any(|s| s == path) {
                            return Err(ApiError::bad(
                                path.clone(),
                                "not a setting the explorer can change (the controls' fields and the scenario's numeric parameters can be set)",
                            ));
                        }
                        let tv = json_to_toml(v).ok_or_else(|| {
                            ApiError::bad(path.clone(), "must be a number or true/false")
                        })?;
                        req.settings.push((path.clone(), tv));
                    }
                }
                other => {
                    return Err(ApiError::bad(
                        other,
                        if grid {
                            "unknown field; a grid request may have settings, replications, months, seed and metric"
                        } else {
                            "unknown field; a run request may have assignment, settings, replications, months and seed"
                        },
                    ));
                }
            }
        }
        self.check_places(&req.settings)?;
        Ok(req)
    }

    fn check_metric(&self, name: &str) -> Result<String, ApiError> {
        let metrics = GovernanceModel.final_metrics();
        if metrics.iter().any(|m| m == name) {
            Ok(name.to_string())
        } else {
            Err(ApiError::bad(
                "metric",
                format!(
                    "unknown metric \"{name}\"; metrics are: {}",
                    metrics.join(", ")
                ),
            ))
        }
    }

    fn check_places(&self, settings: &[(String, Value)]) -> Result<(), ApiError> {
        let get = |path: &str, base: u32| {
            settings
                .iter()
                .find(|(p, _)| p == path)
                .map_or(Some(i64::from(base)), |(_, v)| v.as_integer())
        };
        let regions = get("places.regions", self.base.places.regions);
        let per = get(
            "places.localities_per_region",
            self.base.places.localities_per_region,
        );
        let changed = settings.iter().any(|(p, _)| p.starts_with("places."));
        if let (true, Some(r), Some(l)) = (changed, regions, per)
            && r > 0
            && l > 0
            && (r as u64).saturating_mul(l as u64) > MAX_LOCALITIES
        {
            return Err(ApiError::bad(
                "places",
                format!(
                    "{r} regions × {l} localities = {} localities, more than the explorer's limit of {MAX_LOCALITIES} (use `mlgov run` for larger nations)",
                    r * l
                ),
            ));
        }
        Ok(())
    }

    /// The tree of the base scenario with a request's experiment settings.
    fn experiment_tree(&self, req: &Request, grid: bool) -> Result<Value, ApiError> {
        let mut tree = self.base_tree.clone();
        let e = &self.base.experiment;
        let reps = req.replications.unwrap_or(e.replications.min(if grid {
            MAX_GRID_REPLICATIONS.min(50)
        } else {
            PAGE_REPLICATIONS
        }));
        let set = |tree: &mut Value, path: &str, v: Value| {
            crate::scenario::set_value(tree, path, v).map_err(|m| ApiError::bad(path, m))
        };
        set(
            &mut tree,
            "experiment.replications",
            Value::Integer(reps as i64),
        )?;
        let months = req.months.unwrap_or(e.months.min(MAX_MONTHS));
        set(
            &mut tree,
            "experiment.months",
            Value::Integer(i64::from(months)),
        )?;
        let seed = req.seed.unwrap_or(e.seed);
        // TOML integers are signed: a seed beyond i64 cannot be written.
        let seed = i64::try_from(seed).map_err(|_| {
            ApiError::bad("seed", format!("must be at most {}, got {seed}", i64::MAX))
        })?;
        set(&mut tree, "experiment.seed", Value::Integer(seed))?;
        Ok(tree)
    }

    fn run_text(&self, req: &Request) -> Result<String, ApiError> {
        let mut tree = self.experiment_tree(req, false)?;
        let mut set = toml::Table::new();
        let assignment = req.assignment.unwrap_or(self.base.governance.assignment);
        set.insert(
            "governance.assignment".into(),
            Value::String(assignment.to_string()),
        );
        for (path, v) in &req.settings {
            set.insert(path.clone(), v.clone());
        }
        let mut baseline = toml::Table::new();
        baseline.insert("name".into(), Value::String(BASELINE.into()));
        baseline.insert(
            "description".into(),
            Value::String("the scenario as it is".into()),
        );
        let mut explored = toml::Table::new();
        explored.insert("name".into(), Value::String(EXPLORED.into()));
        explored.insert(
            "description".into(),
            Value::String(format!(
                "{assignment} with the settings chosen in the explorer"
            )),
        );
        explored.insert("set".into(), Value::Table(set));
        crate::scenario::set_value(
            &mut tree,
            "experiment.baseline",
            Value::String(BASELINE.into()),
        )
        .map_err(ApiError::internal)?;
        if let Some(t) = tree.as_table_mut() {
            t.insert(
                "variants".into(),
                Value::Array(vec![Value::Table(baseline), Value::Table(explored)]),
            );
        }
        let text = format!(
            "# Written by the Lloyd explorer (`mlgov serve`): the baseline is the scenario\n\
             # as it is, `explored` the configuration chosen on the page.\n\
             # Reproduce it with: mlgov run THIS_FILE --out results/explored\n\
             # (change [experiment] replications for a larger run).\n\n{}",
            toml::to_string(&tree).map_err(|e| ApiError::internal(e.to_string()))?
        );
        Scenario::from_toml(&text, "request").map_err(|e| ApiError::from_scenario(&e))?;
        Ok(text)
    }

    fn grid_text(&self, req: &Request) -> Result<String, ApiError> {
        let mut tree = self.experiment_tree(req, true)?;
        for (path, v) in &req.settings {
            crate::scenario::set_value(&mut tree, path, v.clone())
                .map_err(|m| ApiError::bad(path.clone(), m))?;
        }
        crate::scenario::set_value(
            &mut tree,
            "experiment.assignments",
            Value::String("all".into()),
        )
        .map_err(ApiError::internal)?;
        let text = format!(
            "# Written by the Lloyd explorer (`mlgov serve`): the 27 Lloyd assignments\n\
             # with the settings chosen on the page.\n\n{}",
            toml::to_string(&tree).map_err(|e| ApiError::internal(e.to_string()))?
        );
        Scenario::from_toml(&text, "request").map_err(|e| ApiError::from_scenario(&e))?;
        Ok(text)
    }

    /// The scenario file (TOML) for a run request: `mlgov check` accepts it
    /// and `mlgov run` reproduces the run.
    pub fn scenario_text(&self, body: &[u8]) -> Result<String, ApiError> {
        self.run_text(&self.parse(body, false)?)
    }

    /// Simulates a run request (see the module documentation).
    pub fn run(&self, body: &[u8]) -> Result<Json, ApiError> {
        let req = self.parse(body, false)?;
        let text = self.run_text(&req)?;
        let started = std::time::Instant::now();
        let results = self.simulate(&text)?;
        let model = GovernanceModel;
        let metrics = model.final_metrics();
        let mut summary = Map::new();
        let mut typology = Map::new();
        let mut trajectories = Map::new();
        for config in [BASELINE, EXPLORED] {
            let mut m = Map::new();
            for metric in &metrics {
                if let Some(e) = results.estimate(config, metric) {
                    m.insert(
                        metric.clone(),
                        json!({"n": e.n, "mean": e.mean, "sd": e.sd, "ci_low": e.ci_low, "ci_high": e.ci_high}),
                    );
                }
            }
            summary.insert(config.into(), Json::Object(m));
            let point = |metric: &str| {
                results.estimate(config, metric).map_or(
                    Json::Null,
                    |e| json!({"mean": e.mean, "ci_low": e.ci_low, "ci_high": e.ci_high}),
                )
            };
            typology.insert(
                config.into(),
                json!({"empowerment": point("empowerment"), "service_delivery": point("service_delivery")}),
            );
            let mut t = Map::new();
            for obs in FAN_OBSERVABLES {
                if let Some(rows) = results
                    .trajectories
                    .get(&(config.to_string(), obs.to_string()))
                {
                    let cols = |k: usize| -> Vec<Option<f64>> {
                        rows.iter().map(|r| r.quantiles[k]).collect()
                    };
                    t.insert(
                        obs.into(),
                        json!({
                            "month": rows.iter().map(|r| r.month).collect::<Vec<_>>(),
                            "mean": rows.iter().map(|r| r.mean).collect::<Vec<_>>(),
                            "p05": cols(0), "p25": cols(1), "p50": cols(2), "p75": cols(3), "p95": cols(4),
                        }),
                    );
                }
            }
            trajectories.insert(config.into(), Json::Object(t));
        }
        let mut differences = Map::new();
        for d in results
            .differences
            .iter()
            .filter(|d| d.configuration == EXPLORED)
        {
            differences.insert(
                d.metric.clone(),
                json!({"mean": d.mean, "ci_low": d.ci_low, "ci_high": d.ci_high}),
            );
        }
        Ok(json!({
            "assignment": req.assignment.unwrap_or(self.base.governance.assignment).to_string(),
            "baseline_assignment": self.base.governance.assignment.to_string(),
            "replications": results.manifest.replications,
            "months": results.manifest.months,
            "summary": summary,
            "differences": differences,
            "trajectories": trajectories,
            "typology": typology,
            "scenario": text,
            "elapsed_ms": started.elapsed().as_secs_f64() * 1000.0,
        }))
    }

    /// The 27-assignment grid of a grid request: every final metric's mean
    /// and 95% CI per assignment (only `metric` when the request names one).
    /// Grids are cached by their scenario text.
    pub fn grid(&self, body: &[u8]) -> Result<Json, ApiError> {
        let req = self.parse(body, true)?;
        let text = self.grid_text(&req)?;
        let cached = {
            let cache = self.grids.lock().unwrap_or_else(|p| p.into_inner());
            cache
                .iter()
                .find(|(k, _)| *k == text)
                .map(|(_, v)| v.clone())
        };
        let (all, was_cached) = match cached {
            Some(v) => (v, true),
            None => {
                let results = self.simulate(&text)?;
                let mut cells = Map::new();
                for config in &results.configurations {
                    let mut m = Map::new();
                    for metric in &results.final_metrics {
                        if let Some(e) = results.estimate(config, metric) {
                            m.insert(
                                metric.clone(),
                                json!({"mean": e.mean, "ci_low": e.ci_low, "ci_high": e.ci_high}),
                            );
                        }
                    }
                    cells.insert(config.clone(), Json::Object(m));
                }
                let v = Arc::new(json!({
                    "replications": results.manifest.replications,
                    "months": results.manifest.months,
                    "cells": cells,
                }));
                let mut cache = self.grids.lock().unwrap_or_else(|p| p.into_inner());
                if cache.len() >= GRID_CACHE_SIZE {
                    cache.pop_front();
                }
                cache.push_back((text.clone(), v.clone()));
                (v, false)
            }
        };
        let mut out = (*all).clone();
        if let Some(metric) = &req.metric
            && let Some(Json::Object(cells)) = out.get_mut("cells")
        {
            for cell in cells.values_mut() {
                if let Json::Object(m) = cell {
                    m.retain(|k, _| k == metric);
                }
            }
        }
        out["cached"] = Json::Bool(was_cached);
        out["metric"] = req.metric.map_or(Json::Null, Json::String);
        Ok(out)
    }

    /// A grid request from a query string (`metric=…&replications=…`).
    pub fn grid_query(&self, query: &str) -> Result<Json, ApiError> {
        let mut obj = Map::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v).ok_or_else(|| ApiError::bad(k, "bad percent-encoding"))?;
            let value = match k {
                "metric" => Json::String(v),
                "replications" | "months" | "seed" => Json::Number(
                    v.parse::<u64>()
                        .map_err(|_| {
                            ApiError::bad(k, format!("must be a whole number, got \"{v}\""))
                        })?
                        .into(),
                ),
                other => {
                    return Err(ApiError::bad(
                        other,
                        "unknown parameter; use metric, replications, months and seed (POST a JSON body to change settings)",
                    ));
                }
            };
            obj.insert(k.to_string(), value);
        }
        let body = serde_json::to_vec(&Json::Object(obj))
            .map_err(|e| ApiError::internal(e.to_string()))?;
        self.grid(&body)
    }

    /// Runs a checked scenario text in a private temporary folder and reads
    /// its tables.
    fn simulate(&self, text: &str) -> Result<Results, ApiError> {
        let scenario =
            Scenario::from_toml(text, "request").map_err(|e| ApiError::from_scenario(&e))?;
        let dir = temp_dir(self.counter.fetch_add(1, Ordering::SeqCst));
        let _cleanup = RemoveOnDrop(dir.clone());
        let mut options = RunOptions::new(&dir);
        options.progress = false;
        options.colours = Some(crate::report::configuration_colours);
        run_experiment(&scenario.experiment(), &options)
            .map_err(|e| ApiError::internal(format!("the simulation failed: {e}")))?;
        Results::load(&dir).map_err(|e| ApiError::internal(format!("reading the results: {e}")))
    }
}

/// A fresh private folder name for one simulation.
fn temp_dir(k: u64) -> PathBuf {
    std::env::temp_dir().join(format!("mlgov-serve-{}-{k}", std::process::id()))
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn whole(v: &Json, field: &str) -> Result<u64, ApiError> {
    v.as_u64()
        .ok_or_else(|| ApiError::bad(field, format!("must be a whole number, got {v}")))
}

fn json_to_toml(v: &Json) -> Option<Value> {
    match v {
        Json::Bool(b) => Some(Value::Boolean(*b)),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Integer)
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(Value::Float)),
        _ => None,
    }
}

fn toml_to_json(v: &Value) -> Json {
    match v {
        Value::String(s) => Json::String(s.clone()),
        Value::Integer(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::Boolean(b) => Json::Bool(*b),
        Value::Datetime(d) => Json::String(d.to_string()),
        Value::Array(a) => Json::Array(a.iter().map(toml_to_json).collect()),
        Value::Table(t) => Json::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

fn lookup<'a>(tree: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(tree, |node, key| node.get(key))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_is_a_scenario_field_the_checker_accepts() {
        let explorer = Explorer::new(None).unwrap();
        let info = explorer.info();
        for c in info["controls"].as_array().unwrap() {
            let path = c["path"].as_str().unwrap();
            let default = &c["default"];
            assert!(!default.is_null(), "{path} has no default");
            let body = json!({"settings": {path: default}}).to_string();
            explorer
                .scenario_text(body.as_bytes())
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }

    #[test]
    fn bad_values_are_refused_naming_the_field() {
        let explorer = Explorer::new(None).unwrap();
        let err = |body: &str| explorer.scenario_text(body.as_bytes()).unwrap_err();
        let e = err(r#"{"settings": {"interventions.external_targets.strictness": 1.5}}"#);
        assert_eq!(e.field, "interventions.external_targets.strictness");
        assert!(e.message.contains("1.5"), "{e}");
        assert_eq!(err(r#"{"replications": 501}"#).field, "replications");
        assert_eq!(err(r#"{"months": 241}"#).field, "months");
        assert_eq!(err(r#"{"months": -3}"#).field, "months");
        assert_eq!(err(r#"{"assignment": "N-X-L"}"#).field, "assignment");
        assert_eq!(
            err(r#"{"settings": {"experiment.seed": 3}}"#).field,
            "experiment.seed"
        );
        assert_eq!(
            err(r#"{"settings": {"governance.silos": "many"}}"#).field,
            "governance.silos"
        );
        assert_eq!(err(r#"{"colour": 1}"#).field, "colour");
        assert_eq!(
            err(r#"{"settings": {"places.regions": 10}}"#).field,
            "places"
        );
        assert_eq!(err("[1, 2]").status, 400);
        assert_eq!(err("{").status, 400);
    }

    #[test]
    fn the_scenario_text_has_the_request_and_a_baseline() {
        let explorer = Explorer::new(None).unwrap();
        let body = br#"{"assignment": "L-L-L", "replications": 7, "months": 30, "seed": 9,
                        "settings": {"interventions.waivers.enabled": true}}"#;
        let text = explorer.scenario_text(body).unwrap();
        let s = Scenario::from_toml(&text, "t.toml").unwrap();
        assert_eq!(s.spec.experiment.replications, 7);
        assert_eq!(s.spec.experiment.months, 30);
        assert_eq!(s.spec.experiment.seed, 9);
        let names: Vec<&str> = s.configurations().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, [BASELINE, EXPLORED]);
        assert_eq!(s.baseline(), 0);
        let explored = &s.configurations()[1].spec;
        assert_eq!(explored.governance.assignment.to_string(), "L-L-L");
        assert!(explored.interventions.waivers.enabled);
        let base = &s.configurations()[0].spec;
        assert_eq!(base.governance.assignment.to_string(), "N-N-L");
        assert!(!base.interventions.waivers.enabled);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("net%5Fbenefit+x").as_deref(),
            Some("net_benefit x")
        );
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%4"), None);
    }
}
