//! Scenario files (TOML) and their checking.
//!
//! A [`ScenarioSpec`] is what serde reads: every field has a default, so a
//! minimal scenario is a few lines. [`Scenario::from_toml`] checks it and
//! expands the configurations to compare (named variants, Lloyd assignments,
//! a factorial grid); errors name the field path, the allowed range and the
//! value given, and every problem is reported, not only the first.
//!
//! ```
//! use mlgov::scenario::Scenario;
//! let s = Scenario::from_toml(
//!     r#"
//!     [experiment]
//!     replications = 10
//!     assignments = "all"
//!     "#,
//!     "example.toml",
//! )
//! .unwrap();
//! assert_eq!(s.configurations().len(), 27);
//! assert_eq!(s.configurations()[0].name, "N-N-N");
//!
//! let err = Scenario::from_toml("[partnership.trust]\nforgetting = 1.7\nfogetting = 2", "bad.toml")
//!     .unwrap_err();
//! let text = err.to_string();
//! assert!(text.contains("partnership.trust.forgetting: must be in (0, 1], got 1.7"));
//! assert!(text.contains("partnership.trust.fogetting: unknown field"));
//! ```

mod build;
mod check;
mod design;
mod param;
mod space;
mod spec;

pub use check::{MAX_GRID_VALUES, MAX_PARTNERS, Problem};
pub use design::{Design, DesignMethod, MAX_DESIGN_ROWS, make_design};
pub use param::{Dist, Param, Range};
pub use space::ScenarioSpace;
pub use spec::*;

use crate::experiment::Experiment;
use crate::governance::Assignment;
use crate::partnership::{GovernanceModel, GovernanceParams};
use crate::sim::{Configuration, InputValue, ModelError, SimRng, rng_from_seed};
use check::problem;
pub(crate) use check::{MAX_HINTS, suggest};
use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use toml::Value;

/// Every problem found in a scenario file.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ScenarioError {
    /// The file (or label) the scenario came from.
    pub file: String,
    /// The problems, in the order found.
    pub problems: Vec<Problem>,
}

/// The most problems a [`ScenarioError`] lists when shown; the rest are
/// counted (`... and N more problems`), so that a file of hundreds of
/// thousands of mistakes gives a readable answer. All of them stay in
/// [`ScenarioError::problems`].
pub const MAX_LISTED_PROBLEMS: usize = 100;

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{}: {} problem{}",
            self.file,
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for p in self.problems.iter().take(MAX_LISTED_PROBLEMS) {
            write!(f, "\n  {p}")?;
        }
        if n > MAX_LISTED_PROBLEMS {
            write!(f, "\n  ... and {} more problems", n - MAX_LISTED_PROBLEMS)?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// One configuration of a scenario: a name and its (checked) spec.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigSpec {
    /// Name used in outputs.
    pub name: String,
    /// The spec with this configuration's overrides applied.
    pub spec: ScenarioSpec,
    /// What sets this configuration apart, as input columns of `runs.csv`:
    /// `variant` (the variant's name, when the scenario has variants),
    /// `governance.assignment` (when `[experiment] assignments` is given),
    /// each grid path with its level, and with a design
    /// ([`Scenario::with_design`]) `design_row` and each design column with
    /// the row's value, in that order.
    pub factors: Vec<(String, InputValue)>,
}

/// A checked scenario: the base spec and the configurations to compare.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Where it came from.
    pub file: String,
    /// The spec as written (before variants).
    pub spec: ScenarioSpec,
    /// A 64-bit FNV-1a hash of the file's text, in hex.
    pub hash: String,
    configs: Vec<ConfigSpec>,
    baseline: usize,
    /// The TOML tree as written (configurations are built from it).
    tree: Value,
    /// The hash of the design file run with it ([`Scenario::with_design`]).
    design: Option<String>,
}

impl Scenario {
    /// Reads and checks a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let bytes = crate::input::read_input(path, crate::input::MAX_INPUT_BYTES).map_err(|e| {
            ScenarioError {
                file: file.clone(),
                problems: vec![problem("", format!("cannot read the file: {e}"))],
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|e| ScenarioError {
            file: file.clone(),
            problems: vec![problem(
                "",
                format!(
                    "not a text file: invalid UTF-8 at byte {} (a scenario is a TOML text file)",
                    e.utf8_error().valid_up_to()
                ),
            )],
        })?;
        Self::from_toml(&text, &file)
    }

    /// Parses and checks scenario text; `file` labels the errors.
    pub fn from_toml(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        // The literals widened below, as a problem shows them (`got X` with
        // the float's digits) and as written.
        let mut widened: Vec<(String, String)> = Vec::new();
        let fail = |mut problems: Vec<Problem>, widened: &[(String, String)]| {
            for p in &mut problems {
                for (shown, written) in widened {
                    if let Some(head) = p.message.strip_suffix(&format!("got {shown}")) {
                        p.message = format!("{head}got {written}");
                    }
                }
            }
            ScenarioError {
                file: file.to_string(),
                problems,
            }
        };
        // A whole number beyond TOML's range (±2^63) is read as a number with
        // a fraction, so that the field check names its field, range and value
        // together with every other problem, instead of a syntax error that
        // hides them. (Each pass widens one literal; the text keeps its lines.)
        // Each pass parses the whole text again, so only the first
        // `MAX_WIDENED` such literals are widened (a file of nothing but huge
        // numbers would otherwise take time quadratic in its size); past
        // them the syntax error is reported as it stands.
        const MAX_WIDENED: usize = 32;
        let mut parsed = std::borrow::Cow::Borrowed(text);
        let mut passes = 0;
        let user: Value = loop {
            let e = match parsed.parse::<toml::Table>() {
                Ok(t) => break Value::Table(t),
                Err(e) => e,
            };
            let wider = match e.span() {
                Some(s) if passes < MAX_WIDENED => widen_huge_integer(&parsed, s),
                _ => None,
            };
            if let Some((text, value)) = wider {
                passes += 1;
                parsed = std::borrow::Cow::Owned(text);
                if let Ok(f) = value.parse::<f64>() {
                    widened.push((format!("{f:.0}"), value));
                }
                continue;
            }
            let text: &str = &parsed;
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    match field_at_line(text, line) {
                        Some(field) => format!(" at line {line} (field `{field}`)"),
                        None => format!(" at line {line}"),
                    }
                })
                .unwrap_or_default();
            let msg = e.message().to_string();
            return Err(fail(
                vec![problem("", format!("TOML syntax error{at}: {msg}"))],
                &widened,
            ));
        };
        let mut problems = Vec::new();
        let (base, cleaned) =
            checked_spec_and_tree(&user, "", &HashSet::new(), &mut problems, true);
        let Some(base) = base else {
            return Err(fail(problems, &widened));
        };
        let known: HashSet<&Problem> = problems.iter().collect();
        // The configurations are built from the tree without the entries the
        // base check refused (unknown fields, wrong types): their problems
        // are reported once, and checking each configuration does not walk
        // them again (a file of many unknown keys would otherwise cost their
        // number times the configurations').
        let tree = match &cleaned {
            Some(cleaned) if !problems.is_empty() => cleaned,
            _ => &user,
        };
        let mut more = Vec::new();
        let configs = expand(tree, &base, &known, &mut more, None);
        drop(known);
        problems.append(&mut more);
        // A problem of a variant or grid path shows in every configuration
        // built from it: report it once.
        report_once(&mut problems);
        if !problems.is_empty() {
            return Err(fail(problems, &widened));
        }
        let baseline = if base.experiment.baseline.is_empty() {
            0
        } else {
            match configs
                .iter()
                .position(|c| c.name == base.experiment.baseline)
            {
                Some(i) => i,
                None => {
                    let names: Vec<&str> = configs.iter().map(|c| c.name.as_str()).collect();
                    return Err(fail(
                        vec![problem(
                            "experiment.baseline",
                            format!(
                                "no configuration named \"{}\"; configurations are: {}",
                                base.experiment.baseline,
                                names.join(", ")
                            ),
                        )],
                        &widened,
                    ));
                }
            }
        };
        Ok(Scenario {
            file: file.to_string(),
            spec: base,
            hash: format!("{:016x}", fnv1a(text.as_bytes())),
            configs,
            baseline,
            tree: user,
            design: None,
        })
    }

    /// This scenario run at the points of an external design: every
    /// configuration (variant × assignment × grid combination) at every row
    /// of `design`, with the row's values set at its columns' parameter
    /// paths (after the variant and the grid). Configuration names end in
    /// `row=K` (1-based; the whole name is `row=K` when the scenario has one
    /// configuration); the baseline is row 1 of the scenario's baseline.
    ///
    /// Refused, with every problem at once: a column that is not a
    /// parameter path of the scenario (with the nearest path), a grid path,
    /// and a value outside its parameter's range or that makes a
    /// configuration invalid, naming the row and column.
    ///
    /// ```
    /// use mlgov::scenario::{Design, Scenario};
    /// let s = Scenario::from_toml("[partnership]\nfairness = { dist = \"uniform\", low = 0.4, high = 0.8 }", "s.toml").unwrap();
    /// let d = Design::parse(b"partnership.fairness,governance.silos\n0.5,2\n0.7,4\n", "d.csv").unwrap();
    /// let runs = s.with_design(&d).unwrap();
    /// assert_eq!(runs.configurations().len(), 2);
    /// assert_eq!(runs.configurations()[1].name, "row=2");
    /// let bad = Design::parse(b"partnership.fairnes,governance.silos\n0.5,-2\n", "d.csv").unwrap();
    /// let err = s.with_design(&bad).unwrap_err().to_string();
    /// assert!(err.contains("column `partnership.fairnes`: is not a parameter"));
    /// assert!(err.contains("row 1, column `governance.silos`: must be in"));
    /// ```
    pub fn with_design(&self, design: &Design) -> Result<Scenario, ScenarioError> {
        self.build_with_design(design, Vec::new())
    }

    /// [`Scenario::with_design`] with the design read from a CSV file; every
    /// problem of the file (cells that are not numbers, rows of the wrong
    /// length) and of its columns and values is reported at once.
    pub fn with_design_file(&self, path: &Path) -> Result<Scenario, ScenarioError> {
        let bytes = design::read_bytes(path)?;
        let (design, problems) = Design::parse_lenient(&bytes, &path.display().to_string());
        if design.columns.is_empty() {
            return Err(ScenarioError {
                file: design.file,
                problems,
            });
        }
        self.build_with_design(&design, problems)
    }

    fn build_with_design(
        &self,
        design: &Design,
        mut problems: Vec<Problem>,
    ) -> Result<Scenario, ScenarioError> {
        let fail = |problems: Vec<Problem>| ScenarioError {
            file: design.file.clone(),
            problems,
        };
        let mut paths: Vec<String> = Vec::new();
        let mut ranges: std::collections::HashMap<String, Range> = Default::default();
        for c in &self.configs {
            let mut spec = c.spec.clone();
            spec.for_each_param(&mut |slot| {
                if let std::collections::hash_map::Entry::Vacant(e) = ranges.entry(slot.path) {
                    paths.push(e.key().clone());
                    e.insert(slot.range);
                }
            });
        }
        for column in &design.columns {
            let at = format!("column `{column}`");
            if self.spec.experiment.grid.contains_key(column) {
                problems.push(problem(
                    at,
                    "is a path of [experiment] grid: set a parameter in the grid or in the design, not both",
                ));
            } else if !ranges.contains_key(column) {
                let hint = suggest(column, paths.iter())
                    .map(|p| format!(" (did you mean `{p}`?)"))
                    .unwrap_or_default();
                problems.push(problem(
                    at,
                    format!("is not a parameter of the scenario{hint}; columns are scenario parameter paths such as `partnership.fairness`"),
                ));
            }
        }
        for (i, row) in design.rows.iter().enumerate() {
            for (column, v) in design.columns.iter().zip(row) {
                // NaN: a cell already reported as not a number.
                if let Some(range) = ranges.get(column)
                    && !v.is_nan()
                    && !range.contains(*v)
                {
                    problems.push(problem(
                        format!("row {}, column `{column}`", i + 1),
                        format!("must be in {range}, got {v}"),
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(fail(problems));
        }
        let configs = expand(
            &self.tree,
            &self.spec,
            &HashSet::new(),
            &mut problems,
            Some(design),
        );
        report_once(&mut problems);
        if !problems.is_empty() {
            return Err(fail(problems));
        }
        let base = &self.configs[self.baseline].name;
        let baseline = configs
            .iter()
            .position(|c| c.name == format!("{base}/row=1") || (c.name == "row=1"))
            .unwrap_or(0);
        Ok(Scenario {
            file: self.file.clone(),
            spec: self.spec.clone(),
            hash: self.hash.clone(),
            configs,
            baseline,
            tree: self.tree.clone(),
            design: Some(design.hash.clone()),
        })
    }

    /// The configurations to compare, in output order.
    pub fn configurations(&self) -> &[ConfigSpec] {
        &self.configs
    }

    /// Index of the baseline configuration.
    pub fn baseline(&self) -> usize {
        self.baseline
    }

    /// Index of a configuration by name, with an error listing the names.
    ///
    /// An exact match wins; otherwise a single match ignoring case is taken,
    /// so `n-r-l` finds `N-R-L` as assignment codes do in scenario files.
    pub fn configuration_index(&self, name: &str) -> Result<usize, String> {
        let exact = self.configs.iter().position(|c| c.name == name);
        let folded = || {
            let mut hits = (0..self.configs.len())
                .filter(|&k| self.configs[k].name.eq_ignore_ascii_case(name));
            match (hits.next(), hits.next()) {
                (Some(k), None) => Some(k),
                _ => None,
            }
        };
        exact.or_else(folded).ok_or_else(|| {
            let names: Vec<&str> = self.configs.iter().map(|c| c.name.as_str()).collect();
            format!(
                "no configuration named \"{name}\"; configurations are: {}",
                names.join(", ")
            )
        })
    }

    /// Number of parameters that are distributions in configuration `index`.
    pub fn uncertain_count(&self, index: usize) -> usize {
        let mut spec = self.configs[index].spec.clone();
        let mut n = 0;
        spec.for_each_param(&mut |s| n += usize::from(s.param.is_uncertain()));
        n
    }

    /// The paths of the parameters that are uncertain (distributions) in at
    /// least one configuration: those of the first configuration in path
    /// order, then any further ones of later configurations.
    pub fn uncertain_paths(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.configs {
            let mut spec = c.spec.clone();
            spec.for_each_param(&mut |slot| {
                if slot.param.is_uncertain() && !out.contains(&slot.path) {
                    out.push(slot.path);
                }
            });
        }
        out
    }

    /// The input columns of `runs.csv` for this scenario, in order: the
    /// configurations' factors (`variant`, `governance.assignment`, the grid
    /// paths; see [`ConfigSpec::factors`]), then [`Scenario::uncertain_paths`].
    pub fn input_columns(&self) -> Vec<String> {
        let factors = self.configs[0].factors.iter().map(|(name, _)| name.clone());
        factors.chain(self.uncertain_paths()).collect()
    }

    /// The configurations as samplers for the experiment engine: each draws
    /// the uncertain parameters (in a fixed path order) and builds the run's
    /// parameters, and records the run's inputs ([`Scenario::input_columns`]):
    /// its factors, and the value each uncertain parameter took in the run
    /// (its fixed value in a configuration where it is not uncertain; empty
    /// where the configuration has no such parameter).
    pub fn engine_configurations(&self) -> Vec<Configuration<GovernanceParams>> {
        let columns = self.input_columns();
        let uncertain = self.uncertain_paths();
        self.configs
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let spec = Arc::new(c.spec.clone());
                let paths = c.spec.param_paths();
                let picks: Vec<Option<usize>> = uncertain
                    .iter()
                    .map(|u| paths.iter().position(|p| p == u))
                    .collect();
                let factors: Vec<InputValue> = c.factors.iter().map(|(_, v)| v.clone()).collect();
                let recorded = Arc::clone(&spec);
                // Without uncertain parameters every run has the same
                // parameters and draws nothing: work them out once.
                let fixed = (self.uncertain_count(k) == 0).then(|| {
                    let (fixed, values) = draw(&spec, &mut rng_from_seed(0));
                    (GovernanceParams::from_spec(&fixed), values)
                });
                let fixed_values = fixed.as_ref().map(|(_, values)| values.clone());
                Configuration::new(c.name.clone(), move |rng: &mut SimRng| match &fixed {
                    Some((params, _)) => params.clone(),
                    None => sample_params(&spec, rng),
                })
                .with_inputs(columns.clone(), move |rng: &mut SimRng| {
                    let values = match &fixed_values {
                        Some(values) => values.clone(),
                        None => draw(&recorded, rng).1,
                    };
                    let mut out = factors.clone();
                    out.extend(picks.iter().map(|k| match k {
                        Some(k) => InputValue::Number(values[*k]),
                        None => InputValue::Missing,
                    }));
                    Ok(out)
                })
            })
            .collect()
    }

    /// The Monte Carlo experiment this scenario describes, as `mlgov run`
    /// runs it: every configuration, the baseline, and the `[experiment]`
    /// replications, months and seed (change the public fields to override
    /// them). Its identity (name and file hash) is what `--resume` and
    /// `mlgov merge` check.
    pub fn experiment(&self) -> Experiment<GovernanceModel> {
        Experiment {
            model: GovernanceModel,
            configurations: self.engine_configurations(),
            baseline: self.baseline,
            replications: self.spec.experiment.replications,
            months: self.spec.experiment.months,
            seed: self.spec.experiment.seed,
            identity: match &self.design {
                Some(design) => {
                    format!("{}:{} design:{design}", self.spec.scenario.name, self.hash)
                }
                None => format!("{}:{}", self.spec.scenario.name, self.hash),
            },
            scenario_name: self.spec.scenario.name.clone(),
        }
    }

    /// A one-line summary for `mlgov check`.
    pub fn summary(&self) -> String {
        let s = &self.spec;
        let count =
            |c: &ConfigSpec| -> u32 { c.spec.partnership.partners.iter().map(|g| g.count).sum() };
        let fewest = self.configs.iter().map(count).min().unwrap_or(0);
        let most = self.configs.iter().map(count).max().unwrap_or(0);
        let partners = if fewest == most {
            fewest.to_string()
        } else {
            format!("{fewest}–{most}")
        };
        let uncertain = self.uncertain_count(self.baseline);
        format!(
            "{}: ok — scenario \"{}\", {} configuration{} (baseline \"{}\"), {} partners, {} uncertain parameter{}, {} replications × {} months, seed {}",
            self.file,
            s.scenario.name,
            self.configs.len(),
            if self.configs.len() == 1 { "" } else { "s" },
            self.configs[self.baseline].name,
            partners,
            uncertain,
            if uncertain == 1 { "" } else { "s" },
            s.experiment.replications,
            s.experiment.months,
            s.experiment.seed
        )
    }
}

/// Draws one replication's parameters from a configuration's spec.
pub fn sample_params(
    spec: &ScenarioSpec,
    rng: &mut SimRng,
) -> Result<GovernanceParams, ModelError> {
    GovernanceParams::from_spec(&draw(spec, rng).0)
}

/// Draws the uncertain parameters of `spec` in path order: the spec with
/// them fixed, and every parameter's value in path order. The one place
/// where a run's parameters are drawn, so the recorded inputs are the
/// values the run used.
fn draw(spec: &ScenarioSpec, rng: &mut SimRng) -> (ScenarioSpec, Vec<f64>) {
    let mut s = spec.clone();
    let mut values = Vec::new();
    s.for_each_param(&mut |slot| {
        if let Param::Dist(d) = &*slot.param {
            *slot.param = Param::Fixed(d.sample(rng));
        }
        values.push(slot.param.value());
    });
    (s, values)
}

/// The dotted path of the `key = value` on line `line` (1-based) of a TOML
/// text, from the key and the last `[table]` header above it; `None` when
/// that line does not hold a simple `key =`. Used to name the field of a
/// syntax error such as a whole number beyond 64 bits.
fn field_at_line(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().take(line).collect();
    let here = lines.get(line.checked_sub(1)?)?;
    let (key, _) = here.split_once('=')?;
    let key = key.trim();
    let simple = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'))
    };
    if !simple(key) {
        return None;
    }
    let table = lines[..line - 1].iter().rev().find_map(|l| {
        let l = l.trim();
        let inner = l.strip_prefix("[[").and_then(|r| r.strip_suffix("]]"));
        let inner = inner.or_else(|| l.strip_prefix('[').and_then(|r| r.strip_suffix(']')));
        inner.map(str::trim).filter(|t| simple(t))
    });
    Some(match table {
        Some(t) => format!("{t}.{key}"),
        None => key.to_string(),
    })
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Structural check, deserialisation and range check of one tree. Problems
/// are prefixed with `prefix` (a variant's label).
/// The spec is returned whenever it could be read, even with range problems,
/// so that configurations can still be checked; `known` problems (already
/// reported for the base scenario) are not repeated.
fn checked_spec(
    user: &Value,
    prefix: &str,
    known: &HashSet<&Problem>,
    problems: &mut Vec<Problem>,
) -> Option<ScenarioSpec> {
    checked_spec_and_tree(user, prefix, known, problems, false).0
}

/// [`checked_spec`], and (with `keep_tree`) the tree without the entries the
/// structural check refused.
fn checked_spec_and_tree(
    user: &Value,
    prefix: &str,
    known: &HashSet<&Problem>,
    problems: &mut Vec<Problem>,
    keep_tree: bool,
) -> (Option<ScenarioSpec>, Option<Value>) {
    let mut local = Vec::new();
    let cleaned = check::check_structure(user, &mut local);
    let tree = keep_tree.then(|| cleaned.clone());
    let spec = match cleaned.try_into::<ScenarioSpec>() {
        Ok(s) => Some(s),
        Err(e) => {
            local.push(problem("", e.message().trim().to_string()));
            None
        }
    };
    if let Some(s) = &spec {
        check::check_ranges(s, &mut local);
    }
    local.retain(|p| !known.contains(p));
    let ok = local.is_empty();
    problems.extend(local.into_iter().map(|p| Problem {
        path: if prefix.is_empty() {
            p.path
        } else if p.path.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}: {}", p.path)
        },
        message: p.message,
    }));
    let spec = if ok || prefix.is_empty() { spec } else { None };
    (spec, tree)
}

/// Splits `a.b[2].c` into keys and indices.
enum Seg {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return Err(format!("`{path}` is not a valid parameter path"));
        }
        segs.push(Seg::Key(key.to_string()));
        let mut rest = rest;
        while let Some(r) = rest.strip_prefix('[') {
            let end = r
                .find(']')
                .ok_or_else(|| format!("`{path}`: missing `]`"))?;
            let idx = r[..end]
                .parse()
                .map_err(|_| format!("`{path}`: `{}` is not an index", &r[..end]))?;
            segs.push(Seg::Index(idx));
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return Err(format!("`{path}` is not a valid parameter path"));
        }
    }
    Ok(segs)
}

/// Sets the field at `path` (dotted, with list indices: `partnership.partners[2].capacity`)
/// in a scenario's TOML `tree` to `value`, creating tables as needed. List
/// elements must exist, except that a scenario without partners gets the
/// default partner list first. Nothing is checked here: load the result
/// with [`Scenario::from_toml`] to check it.
///
/// ```
/// let mut tree = toml::Value::Table(Default::default());
/// mlgov::scenario::set_value(&mut tree, "partnership.trust.prior", toml::Value::Float(0.7)).unwrap();
/// mlgov::scenario::set_value(&mut tree, "partnership.partners[0].capacity", toml::Value::Float(0.9)).unwrap();
/// let text = toml::to_string(&tree).unwrap();
/// assert!(mlgov::scenario::Scenario::from_toml(&text, "t.toml").is_ok());
/// assert!(mlgov::scenario::set_value(&mut tree, "governance.domains[99]", toml::Value::Float(1.0)).is_err());
/// ```
pub fn set_value(tree: &mut Value, path: &str, value: Value) -> Result<(), String> {
    set_path(tree, path, value)
}

fn set_path(tree: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let segs = parse_path(path)?;
    let mut node = tree;
    for (k, seg) in segs.iter().enumerate() {
        let last = k + 1 == segs.len();
        match seg {
            Seg::Key(key) => {
                let t = node.as_table_mut().ok_or_else(|| {
                    format!("`{path}`: `{key}` is inside something that is not a table")
                })?;
                if last {
                    t.insert(key.clone(), value);
                    return Ok(());
                }
                if !t.contains_key(key) {
                    let fresh = if matches!(segs[k + 1], Seg::Index(_)) {
                        if key == "partners" {
                            Value::try_from(default_partners()).expect("serialises")
                        } else {
                            return Err(format!("`{path}`: there is no list `{key}` to index"));
                        }
                    } else {
                        Value::Table(Default::default())
                    };
                    t.insert(key.clone(), fresh);
                }
                node = t.get_mut(key).expect("just inserted");
            }
            Seg::Index(i) => {
                let a = node.as_array_mut().ok_or_else(|| {
                    format!("`{path}`: index [{i}] of something that is not a list")
                })?;
                let len = a.len();
                node = a.get_mut(*i).ok_or_else(|| {
                    format!("`{path}`: index {i} is out of range (the list has {len} entries)")
                })?;
                if last {
                    *node = value;
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// The most configurations (variants × assignments × grid combinations) a
/// scenario may describe. Each is built and checked by `mlgov check`, and the
/// experiment's memory grows with their number; split a larger study into
/// several scenarios.
pub const MAX_CONFIGURATIONS: usize = 10_000;

/// Why a variant may not set `path`: the `[scenario]`, `[experiment]` and
/// `[[variants]]` sections describe the whole experiment (its name, runs,
/// months, seed, the configurations themselves), which every configuration
/// shares, so a variant's `set` cannot change them; `None` for the fields of
/// a configuration.
fn shared_setting(path: &str) -> Option<String> {
    let section = path.split(['.', '[']).next().unwrap_or(path);
    match section {
        "scenario" | "experiment" | "variants" => Some(format!(
            "`{path}` is a setting of the whole experiment, shared by every configuration, \
             and cannot be set by a variant; set it in [{section}] instead"
        )),
        _ => None,
    }
}

/// The configurations: variants (or the scenario itself) × assignments × grid.
fn expand(
    user: &Value,
    base: &ScenarioSpec,
    known: &HashSet<&Problem>,
    problems: &mut Vec<Problem>,
    design: Option<&Design>,
) -> Vec<ConfigSpec> {
    // Each configuration is built from this tree: without the variants, and
    // without the grid's and the assignments' lists, which describe the
    // configurations (read from `base`) and were checked with it. Kept, a
    // copy of each list in every configuration would cost the list's length
    // times the number of configurations.
    let mut bare = user.clone();
    if let Some(t) = bare.as_table_mut() {
        t.remove("variants");
        if let Some(e) = t.get_mut("experiment").and_then(Value::as_table_mut) {
            e.remove("grid");
            e.remove("assignments");
        }
    }
    // Level 1: variants.
    let mut level1: Vec<(String, Value)> = Vec::new();
    if base.variants.is_empty() {
        level1.push((String::new(), bare.clone()));
    } else {
        for v in &base.variants {
            let mut tree = bare.clone();
            let mut ok = true;
            for (path, value) in &v.set {
                if let Some(why) = shared_setting(path) {
                    problems.push(problem(format!("variants.{}.set.\"{path}\"", v.name), why));
                    ok = false;
                    continue;
                }
                if let Err(e) = set_path(&mut tree, path, value.clone()) {
                    problems.push(problem(format!("variants.{}.set", v.name), e));
                    ok = false;
                }
            }
            if ok {
                level1.push((v.name.clone(), tree));
            }
        }
    }
    // Level 2: assignments.
    let assignments: Vec<Option<Assignment>> = match &base.experiment.assignments {
        Assignments::Own => vec![None],
        Assignments::All => Assignment::all().into_iter().map(Some).collect(),
        Assignments::List(v) => v.iter().copied().map(Some).collect(),
    };
    // The size is known before anything is built: refuse a scenario whose
    // configurations would not fit, instead of building them.
    let variants = base.variants.len().max(1) as u128;
    let grid = base.experiment.grid.iter().fold(1u128, |n, (_, values)| {
        n.saturating_mul(values.len() as u128)
    });
    let rows = design.map_or(1, |d| d.rows.len()) as u128;
    let total = variants
        .saturating_mul(assignments.len() as u128)
        .saturating_mul(grid)
        .saturating_mul(rows);
    if total > MAX_CONFIGURATIONS as u128 {
        let by_design = if design.is_some() {
            format!(" × {rows} design rows")
        } else {
            String::new()
        };
        problems.push(problem(
            if grid > 1 {
                "experiment.grid"
            } else {
                "experiment"
            },
            format!(
                "gives {total} configurations ({variants} variants × {} assignments × {grid} grid \
                 combinations{by_design}), more than the limit of {MAX_CONFIGURATIONS}",
                assignments.len()
            ),
        ));
        return Vec::new();
    }
    // Level 4: the rows of an external design (one pass without a design).
    let design_rows: Vec<Option<(usize, &[f64])>> = match design {
        Some(d) => d
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| Some((i + 1, r.as_slice())))
            .collect(),
        None => vec![None],
    };
    // Level 3: grid (every combination, first path varying slowest).
    let mut combos: Vec<Vec<(String, f64)>> = vec![vec![]];
    for (path, values) in &base.experiment.grid {
        let mut next = Vec::new();
        for c in &combos {
            for v in values {
                let mut c2 = c.clone();
                c2.push((path.clone(), *v));
                next.push(c2);
            }
        }
        combos = next;
    }
    let mut out = Vec::with_capacity(total as usize);
    for (vname, tree) in &level1 {
        for a in &assignments {
            for combo in &combos {
                let mut t = tree.clone();
                let mut parts: Vec<String> = Vec::new();
                let mut factors: Vec<(String, InputValue)> = Vec::new();
                if !vname.is_empty() {
                    parts.push(vname.clone());
                    factors.push(("variant".into(), InputValue::Text(vname.clone())));
                }
                if let Some(a) = a {
                    let _ = set_path(
                        &mut t,
                        "governance.assignment",
                        Value::String(a.to_string()),
                    );
                    parts.push(a.to_string());
                    factors.push((
                        "governance.assignment".into(),
                        InputValue::Text(a.to_string()),
                    ));
                }
                let mut ok = true;
                for (path, v) in combo {
                    if let Err(e) = set_path(&mut t, path, Value::Float(*v)) {
                        problems.push(problem("experiment.grid", e));
                        ok = false;
                    }
                    let short = path.rsplit('.').next().unwrap_or(path);
                    parts.push(format!("{short}={v}"));
                    factors.push((path.clone(), InputValue::Number(*v)));
                }
                if !ok {
                    continue;
                }
                for row in &design_rows {
                    let (mut t, mut parts, mut factors) =
                        (t.clone(), parts.clone(), factors.clone());
                    let mut row_ok = true;
                    let mut label = if vname.is_empty() {
                        if combo.is_empty() {
                            String::new()
                        } else {
                            format!("configuration {}", parts.join("/"))
                        }
                    } else {
                        format!("variants.{vname}")
                    };
                    if let (Some((k, values)), Some(d)) = (row, design) {
                        for (path, v) in d.columns.iter().zip(values.iter()) {
                            if let Err(e) = set_path(&mut t, path, Value::Float(*v)) {
                                problems.push(problem(format!("row {k}, column `{path}`"), e));
                                row_ok = false;
                            }
                        }
                        parts.push(format!("row={k}"));
                        factors.push(("design_row".into(), InputValue::Number(*k as f64)));
                        factors.extend(
                            d.columns
                                .iter()
                                .zip(values.iter())
                                .map(|(path, v)| (path.clone(), InputValue::Number(*v))),
                        );
                        label = if label.is_empty() {
                            format!("row {k}")
                        } else {
                            format!("{label}, row {k}")
                        };
                    }
                    if !row_ok {
                        continue;
                    }
                    let name = if parts.is_empty() {
                        base.scenario.name.clone()
                    } else {
                        parts.join("/")
                    };
                    if let Some(spec) = checked_spec(&t, &label, known, problems) {
                        out.push(ConfigSpec {
                            name,
                            spec,
                            factors,
                        });
                    }
                }
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for c in &out {
        if !seen.insert(c.name.clone()) {
            problems.push(problem(
                "",
                format!("two configurations are both named \"{}\"", c.name),
            ));
        }
    }
    out
}

/// Keeps the first of each repeated problem, in order: a problem of a
/// variant, grid path or design column shows in every configuration built
/// from it, and is reported once.
fn report_once(problems: &mut Vec<Problem>) {
    let first: Vec<bool> = {
        let mut seen: HashSet<&Problem> = HashSet::with_capacity(problems.len());
        problems.iter().map(|p| seen.insert(p)).collect()
    };
    let mut keep = first.into_iter();
    problems.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests;

/// `text` with the whole-number literal at `span` written with a fraction
/// (`.0`), when it is a decimal whole number outside TOML's range (±2^63),
/// and the number as written (without `_`); `None` for any other syntax
/// error.
fn widen_huge_integer(text: &str, span: std::ops::Range<usize>) -> Option<(String, String)> {
    let literal = text.get(span.clone())?;
    let digits = literal.strip_prefix(['+', '-']).unwrap_or(literal);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        || !digits.as_bytes()[0].is_ascii_digit()
        || digits.ends_with('_')
    {
        return None;
    }
    let value: String = literal.chars().filter(|c| *c != '_').collect();
    if value.parse::<i64>().is_ok() {
        return None;
    }
    let widened = format!("{}{literal}.0{}", &text[..span.start], &text[span.end..]);
    Some((widened, value))
}
