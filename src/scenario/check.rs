//! Structural checks of a parsed TOML tree against the scenario schema, and
//! range checks of the numeric parameters. Every problem is collected, so
//! `mlgov check` can list them all at once.

use super::spec::{PartnerGroup, ScenarioSpec, VariantSpec};
use crate::governance::{Assignment, Level, PolicyDomain};
use crate::partnership::Sector;
use std::collections::BTreeSet;
use toml::Value;

/// Largest number of regions, and of localities per region.
pub const MAX_PLACES_PER_LEVEL: u32 = 50;
/// Largest number of localities in all.
pub const MAX_LOCALITIES: u64 = 400;
/// Largest number of partners in all (so also of partner groups, each of at
/// least one partner).
pub const MAX_PARTNERS: u64 = 500;
/// Most values one grid path may list. A longer list is refused before any
/// configuration is built (the configurations are limited too, to
/// [`super::MAX_CONFIGURATIONS`]).
pub const MAX_GRID_VALUES: usize = 1_000;
/// Largest partners² × localities: the pair matrices of every local
/// partnership of one run (about 60 bytes a slot).
pub const MAX_PAIR_SLOTS: u64 = 4_000_000;

/// One problem found in a scenario, with the field path it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Problem {
    /// Dotted field path (empty for whole-file problems).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

pub(crate) fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        path: path.into(),
        message: message.into(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Closest known name, for "did you mean" hints.
///
/// Names whose length differs from `word`'s by more than the distance
/// allowed are skipped without computing the distance, and the buffers are
/// reused, so that a file of many unknown names is checked in time linear in
/// its size.
pub(crate) fn suggest<'a>(word: &str, known: impl Iterator<Item = &'a String>) -> Option<String> {
    /// Edit distance between `a` and `b`, with `prev` and `cur` as scratch.
    fn dist(a: &[char], b: &[char], prev: &mut Vec<usize>, cur: &mut Vec<usize>) -> usize {
        prev.clear();
        prev.extend(0..=b.len());
        for (i, ca) in a.iter().enumerate() {
            cur.clear();
            cur.push(i + 1);
            for (j, cb) in b.iter().enumerate() {
                let d = (prev[j] + usize::from(ca != cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
                cur.push(d);
            }
            std::mem::swap(prev, cur);
        }
        prev[b.len()]
    }
    let a: Vec<char> = word.chars().collect();
    let (mut b, mut prev, mut cur) = (Vec::new(), Vec::new(), Vec::new());
    let mut best: Option<(usize, &String)> = None;
    for k in known {
        let allowed = 2.max(k.len() / 3);
        b.clear();
        b.extend(k.chars());
        // The distance is at least the difference in length.
        if a.len().abs_diff(b.len()) > allowed {
            continue;
        }
        let d = dist(&a, &b, &mut prev, &mut cur);
        if d <= allowed && best.is_none_or(|(bd, bk)| (d, k) < (bd, bk)) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k.clone())
}

/// Walks `user` against the schema and returns a cleaned copy with the
/// offending entries removed, so that the rest can still be range-checked.
pub(crate) fn check_structure(user: &Value, problems: &mut Vec<Problem>) -> Value {
    let (schema, param_paths) = schema();
    let walker = Walker {
        param_paths,
        hints: std::cell::Cell::new(0),
        ranges: Default::default(),
    };
    walker.table(user, schema, "", problems)
}

/// The default scenario as a TOML tree (the schema the user's tree is walked
/// against) and its parameter paths; built once, as every configuration of
/// every scenario is checked against it.
fn schema() -> &'static (Value, BTreeSet<String>) {
    static SCHEMA: std::sync::OnceLock<(Value, BTreeSet<String>)> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let tree = Value::try_from(ScenarioSpec::default()).expect("default spec serialises");
        let paths = ScenarioSpec::default()
            .param_paths()
            .into_iter()
            .filter(|p| !p.contains('['))
            .collect();
        (tree, paths)
    })
}

/// The most "did you mean" hints one check computes. Past them an unknown
/// name is reported with the list of known names at most: each hint compares the name with every
/// name known at its place (hundreds for a grid key), and a file of many
/// thousands of unknown names would spend seconds on hints nobody reads.
pub(crate) const MAX_HINTS: usize = 1_000;

struct Walker {
    param_paths: &'static BTreeSet<String>,
    /// Hints computed so far.
    hints: std::cell::Cell<usize>,
    /// The ranges of whole-number fields found by [`Walker::whole_range`].
    ranges: std::cell::RefCell<std::collections::HashMap<String, String>>,
}

impl Walker {
    /// The range of the whole-number field at `path` as a range problem
    /// states it (`[1, 50]`), for a negative value: the default scenario
    /// with 0, then with the field's largest value, is range-checked. Found
    /// once per field.
    fn whole_range(&self, path: &str) -> String {
        // A partner group's field: the first group of the default partners.
        let probe_path = match path.split_once("].") {
            Some((_, key)) => format!("partnership.partners[0].{key}"),
            None => path.to_string(),
        };
        if let Some(r) = self.ranges.borrow().get(&probe_path) {
            return r.clone();
        }
        let max = if holds_u64(path, i64::MAX) {
            i64::MAX
        } else {
            i64::from(u32::MAX)
        };
        let found = [0, max].into_iter().find_map(|probe| {
            let mut tree = Value::try_from(ScenarioSpec::default()).ok()?;
            super::set_value(&mut tree, &probe_path, Value::Integer(probe)).ok()?;
            let spec = tree.try_into::<ScenarioSpec>().ok()?;
            let mut found = Vec::new();
            check_ranges(&spec, &mut found);
            found.iter().find(|p| p.path == probe_path).and_then(|p| {
                let rest = p.message.strip_prefix("must be in [")?;
                let (range, _) = rest.split_once(']')?;
                Some(format!("[{range}]"))
            })
        });
        let range = found.unwrap_or_else(|| format!("[0, {max}]"));
        self.ranges.borrow_mut().insert(probe_path, range.clone());
        range
    }

    /// The closest of `known` to `word`, while the hint budget lasts.
    fn suggest<'a>(&self, word: &str, known: impl Iterator<Item = &'a String>) -> Option<String> {
        let n = self.hints.get();
        if n >= MAX_HINTS {
            return None;
        }
        self.hints.set(n + 1);
        suggest(word, known)
    }

    fn table(
        &self,
        user: &Value,
        schema: &Value,
        path: &str,
        problems: &mut Vec<Problem>,
    ) -> Value {
        let (Some(u), Some(s)) = (user.as_table(), schema.as_table()) else {
            problems.push(problem(
                path,
                format!("expected a table, got {}", type_name(user)),
            ));
            return Value::Table(Default::default());
        };
        let mut out = toml::map::Map::new();
        for (key, value) in u {
            let p = join(path, key);
            if let Some(cleaned) = self.field(key, value, s.get(key), &p, problems) {
                out.insert(key.clone(), cleaned);
            }
        }
        Value::Table(out)
    }

    fn field(
        &self,
        key: &str,
        value: &Value,
        schema: Option<&Value>,
        path: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<Value> {
        let before = problems.len();
        let cleaned = match path {
            "experiment.assignments" => {
                check_assignments(value, path, problems);
                Some(value.clone())
            }
            "experiment.grid" => {
                self.check_grid(value, path, problems);
                Some(value.clone())
            }
            "partnership.partners" => {
                // Each group has at least one partner: a longer list is
                // refused from its length (and left out, so the defaults
                // stand in for it), before its groups are read or copied
                // into any configuration.
                if let Some(items) = value.as_array()
                    && items.len() as u64 > MAX_PARTNERS
                {
                    problems.push(problem(
                        path,
                        format!(
                            "at most {MAX_PARTNERS} partner groups, got {} (at most \
                             {MAX_PARTNERS} partners in all)",
                            items.len()
                        ),
                    ));
                    return None;
                }
                return Some(self.partners(value, path, problems));
            }
            "variants" => return Some(self.variants(value, path, problems)),
            "governance.assignment" => {
                match value.as_str() {
                    Some(code) => {
                        if let Err(e) = code.parse::<Assignment>() {
                            problems.push(problem(path, e.to_string()));
                        }
                    }
                    None => problems.push(problem(
                        path,
                        format!(
                            "expected a `C-M-I` code such as \"N-R-L\", got {}",
                            type_name(value)
                        ),
                    )),
                }
                Some(value.clone())
            }
            "experiment.format" => {
                check_names(
                    value,
                    path,
                    &["csv", "parquet"],
                    "output format",
                    false,
                    problems,
                );
                Some(value.clone())
            }
            "governance.mechanisms" => {
                check_names(
                    value,
                    path,
                    &crate::partnership::mechanism_names(),
                    "mechanism",
                    true,
                    problems,
                );
                Some(value.clone())
            }
            "governance.domains" => {
                check_names(
                    value,
                    path,
                    &domain_names(),
                    "policy domain",
                    true,
                    problems,
                );
                Some(value.clone())
            }
            _ => {
                let Some(schema) = schema else {
                    let parent = path.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
                    let hint = self.sibling_hint(key, parent);
                    problems.push(problem(path, format!("unknown field{hint}")));
                    return None;
                };
                if self.param_paths.contains(path) {
                    check_param_value(value, path, problems);
                    Some(value.clone())
                } else if let (Value::Table(_), Value::Table(_)) = (schema, value) {
                    // Keep the table: only its offending entries are dropped.
                    return Some(self.table(value, schema, path, problems));
                } else {
                    self.leaf_or_table(value, schema, path, problems)
                }
            }
        };
        if problems.len() > before {
            None
        } else {
            cleaned
        }
    }

    fn sibling_hint(&self, key: &str, parent: &str) -> String {
        let mut node = &schema().0;
        if !parent.is_empty() {
            for part in parent.split('.') {
                match node.get(part) {
                    Some(n) => node = n,
                    None => return String::new(),
                }
            }
        }
        let Some(t) = node.as_table() else {
            return String::new();
        };
        let mut names: Vec<String> = t.keys().cloned().collect();
        // Fields whose default serialises to nothing.
        if parent == "experiment" {
            names.extend(["assignments".to_string(), "grid".to_string()]);
        }
        match self.suggest(key, names.iter()) {
            Some(s) => format!(" (did you mean `{s}`?)"),
            None => format!("; known fields here: {}", names.join(", ")),
        }
    }

    fn leaf_or_table(
        &self,
        value: &Value,
        schema: &Value,
        path: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<Value> {
        let ok = match (schema, value) {
            (Value::Table(_), Value::Table(_)) => {
                return Some(self.table(value, schema, path, problems));
            }
            (Value::Integer(_), Value::Integer(i)) => {
                if *i < 0 {
                    let range = self.whole_range(path);
                    problems.push(problem(
                        path,
                        format!("must be a whole number in {range}, got {i}"),
                    ));
                } else if *i > i64::from(u32::MAX) && !holds_u64(path, *i) {
                    problems.push(problem(
                        path,
                        format!("must be a whole number in [0, {}], got {i}", u32::MAX),
                    ));
                }
                true
            }
            (Value::Integer(_), Value::Float(f))
                if f.is_finite() && f.fract() == 0.0 && f.abs() >= 9.223_372_036_854_775e18 =>
            {
                // A whole number beyond TOML's range, read as a float by
                // `Scenario::from_toml`.
                let max = if holds_u64(path, i64::MAX) {
                    i64::MAX
                } else {
                    i64::from(u32::MAX)
                };
                problems.push(problem(
                    path,
                    format!("must be a whole number in [0, {max}], got {f:.0}"),
                ));
                true
            }
            (Value::Float(_), Value::Float(_) | Value::Integer(_)) => true,
            (Value::Boolean(_), Value::Boolean(_)) => true,
            (Value::String(_), Value::String(_)) => true,
            (Value::Array(_), Value::Array(_)) => true,
            _ => false,
        };
        if !ok {
            let want = match schema {
                Value::Integer(_) => "a whole number".to_string(),
                other => type_name(other).to_string(),
            };
            problems.push(problem(
                path,
                format!("expected {want}, got {}", describe(value)),
            ));
        }
        Some(value.clone())
    }

    fn partners(&self, value: &Value, path: &str, problems: &mut Vec<Problem>) -> Value {
        let Some(items) = value.as_array() else {
            problems.push(problem(
                path,
                format!(
                    "expected an array of tables ([[partnership.partners]]), got {}",
                    type_name(value)
                ),
            ));
            return Value::Array(vec![]);
        };
        if items.is_empty() {
            problems.push(problem(path, "needs at least two partners"));
        }

        let schema = Value::try_from(PartnerGroup::default()).expect("serialises");
        let mut out = Vec::new();
        for (k, item) in items.iter().enumerate() {
            let p = format!("{path}[{k}]");
            let Some(t) = item.as_table() else {
                problems.push(problem(
                    &p,
                    format!("expected a table, got {}", type_name(item)),
                ));
                continue;
            };
            let mut cleaned = toml::map::Map::new();
            for (key, v) in t {
                let fp = format!("{p}.{key}");
                let before = problems.len();
                match key.as_str() {
                    "capacity" | "commitment" => check_param_value(v, &fp, problems),
                    "sector" => check_names(v, &fp, &sector_names(), "sector", false, problems),
                    "level" => check_names(v, &fp, &level_names(), "level", false, problems),
                    "domains" => {
                        check_names(v, &fp, &domain_names(), "policy domain", true, problems)
                    }
                    _ => match schema.get(key) {
                        Some(s) => {
                            self.leaf_or_table(v, s, &fp, problems);
                        }
                        None => {
                            let names: Vec<String> =
                                schema.as_table().unwrap().keys().cloned().collect();
                            let hint = self
                                .suggest(key, names.iter())
                                .map(|s| format!(" (did you mean `{s}`?)"))
                                .unwrap_or_else(|| format!("; known fields: {}", names.join(", ")));
                            problems.push(problem(&fp, format!("unknown field{hint}")));
                        }
                    },
                }
                if problems.len() == before {
                    cleaned.insert(key.clone(), v.clone());
                }
            }
            out.push(Value::Table(cleaned));
        }
        Value::Array(out)
    }

    fn variants(&self, value: &Value, path: &str, problems: &mut Vec<Problem>) -> Value {
        let Some(items) = value.as_array() else {
            problems.push(problem(
                path,
                format!(
                    "expected an array of tables ([[variants]]), got {}",
                    type_name(value)
                ),
            ));
            return Value::Array(vec![]);
        };
        let schema = Value::try_from(VariantSpec::default()).expect("serialises");
        let mut out = Vec::new();
        let mut names = BTreeSet::new();
        for (k, item) in items.iter().enumerate() {
            let p = format!("{path}[{k}]");
            let Some(t) = item.as_table() else {
                problems.push(problem(
                    &p,
                    format!("expected a table, got {}", type_name(item)),
                ));
                continue;
            };
            let mut cleaned = toml::map::Map::new();
            for (key, v) in t {
                let fp = format!("{p}.{key}");
                match (key.as_str(), v) {
                    ("name", Value::String(n)) => {
                        if n.trim().is_empty() {
                            problems.push(problem(&fp, "must not be empty"));
                        } else if !names.insert(n.clone()) {
                            problems.push(problem(&fp, format!("duplicate variant name `{n}`")));
                        }
                        cleaned.insert(key.clone(), v.clone());
                    }
                    ("description", Value::String(_)) => {
                        cleaned.insert(key.clone(), v.clone());
                    }
                    ("set", Value::Table(_)) => {
                        cleaned.insert(key.clone(), v.clone());
                    }
                    (_, _) if schema.get(key).is_some() => {
                        let want = type_name(schema.get(key).unwrap());
                        problems.push(problem(
                            &fp,
                            format!("expected {want}, got {}", type_name(v)),
                        ));
                    }
                    _ => problems.push(problem(
                        &fp,
                        "unknown field (a variant has `name`, `description` and `set`)",
                    )),
                }
            }
            if !t.contains_key("name") {
                problems.push(problem(&p, "missing `name`"));
            }
            out.push(Value::Table(cleaned));
        }
        Value::Array(out)
    }

    fn check_grid(&self, value: &Value, path: &str, problems: &mut Vec<Problem>) {
        let Some(t) = value.as_table() else {
            problems.push(problem(
                path,
                format!(
                    "expected a table of parameter path = [values], got {}",
                    type_name(value)
                ),
            ));
            return;
        };
        for (key, v) in t {
            let p = format!("{path}.\"{key}\"");
            if !self.param_paths.contains(key.as_str()) && !key.contains('[') {
                let hint = self
                    .suggest(key, self.param_paths.iter())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                problems.push(problem(
                    &p,
                    format!("`{key}` is not a numeric scenario parameter{hint}"),
                ));
                continue;
            }
            match v.as_array() {
                Some(vals) if vals.len() > MAX_GRID_VALUES => problems.push(problem(
                    &p,
                    format!(
                        "at most {MAX_GRID_VALUES} values, got {} (the configurations are \
                         limited to {} in all)",
                        vals.len(),
                        super::MAX_CONFIGURATIONS
                    ),
                )),
                Some(vals) if !vals.is_empty() => {
                    for (k, x) in vals.iter().enumerate() {
                        if !matches!(x, Value::Integer(_) | Value::Float(_)) {
                            problems.push(problem(
                                format!("{p}[{k}]"),
                                format!("expected a number, got {}", type_name(x)),
                            ));
                        }
                    }
                }
                _ => problems.push(problem(&p, "expected a non-empty array of numbers")),
            }
        }
    }
}

/// Whether the whole-number field at `path` (a scenario path, or a partner
/// group's field `partnership.partners[k].key`) holds `i` (> `u32::MAX`):
/// the fields are `u32` or `u64`, and the schema tree does not tell which,
/// so the default scenario with that one value is read back.
fn holds_u64(path: &str, i: i64) -> bool {
    if let Some((_, key)) = path.split_once("].") {
        let mut group = Value::try_from(PartnerGroup::default()).expect("serialises");
        if let Some(t) = group.as_table_mut() {
            t.insert(key.to_string(), Value::Integer(i));
        }
        return group.try_into::<PartnerGroup>().is_ok();
    }
    let mut tree = Value::try_from(ScenarioSpec::default()).expect("default spec serialises");
    super::set_value(&mut tree, path, Value::Integer(i)).is_ok()
        && tree.try_into::<ScenarioSpec>().is_ok()
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string \"{s}\""),
        Value::Integer(i) => format!("the integer {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Boolean(b) => format!("`{b}`"),
        other => type_name(other).to_string(),
    }
}

fn check_assignments(value: &Value, path: &str, problems: &mut Vec<Problem>) {
    match value {
        Value::String(s) if s == "all" => {}
        Value::String(s) => problems.push(problem(
            path,
            format!("expected \"all\" or a list of `C-M-I` codes, got \"{s}\""),
        )),
        Value::Array(items) => {
            for (k, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(code) => {
                        if let Err(e) = code.parse::<Assignment>() {
                            problems.push(problem(format!("{path}[{k}]"), e.to_string()));
                        }
                    }
                    None => problems.push(problem(
                        format!("{path}[{k}]"),
                        format!("expected a code string, got {}", type_name(item)),
                    )),
                }
            }
        }
        other => problems.push(problem(
            path,
            format!(
                "expected \"all\" or a list of codes, got {}",
                type_name(other)
            ),
        )),
    }
}

fn sector_names() -> Vec<&'static str> {
    Sector::ALL.iter().map(|s| s.name()).collect()
}
fn level_names() -> Vec<&'static str> {
    Level::ALL.iter().map(|s| s.name()).collect()
}
fn domain_names() -> Vec<&'static str> {
    PolicyDomain::ALL.iter().map(|s| s.name()).collect()
}

fn check_names(
    value: &Value,
    path: &str,
    allowed: &[&str],
    what: &str,
    list: bool,
    problems: &mut Vec<Problem>,
) {
    let one = |v: &Value, p: &str, problems: &mut Vec<Problem>| match v.as_str() {
        Some(s) if allowed.contains(&s) => {}
        Some(s) => problems.push(problem(
            p,
            format!(
                "unknown {what} \"{s}\"; expected one of: {}",
                allowed.join(", ")
            ),
        )),
        None => problems.push(problem(
            p,
            format!("expected a {what} name, got {}", type_name(v)),
        )),
    };
    if list {
        match value.as_array() {
            // Each name at most once: a longer list is refused from its
            // length, before it is copied into any configuration.
            Some(items) if items.len() > allowed.len() => problems.push(problem(
                path,
                format!(
                    "at most {} {what} names (each once), got {}",
                    allowed.len(),
                    items.len()
                ),
            )),
            Some(items) => {
                for (k, item) in items.iter().enumerate() {
                    one(item, &format!("{path}[{k}]"), problems);
                }
            }
            None => problems.push(problem(
                path,
                format!("expected a list of {what} names, got {}", type_name(value)),
            )),
        }
    } else {
        one(value, path, problems);
    }
}

/// Checks that a value can be a numeric parameter: a number or a
/// distribution table with exactly the right keys.
pub(crate) fn check_param_value(value: &Value, path: &str, problems: &mut Vec<Problem>) {
    match value {
        Value::Integer(_) | Value::Float(_) => {}
        Value::Table(t) => {
            let Some(kind) = t.get("dist").and_then(Value::as_str) else {
                problems.push(problem(
                    path,
                    "a distribution table needs `dist = \"uniform\" | \"normal\" | \"truncated_normal\" | \"beta\" | \"triangular\" | \"lognormal\"`",
                ));
                return;
            };
            let (required, optional): (&[&str], &[&str]) = match kind {
                "uniform" => (&["low", "high"], &[]),
                "normal" => (&["mean", "sd"], &[]),
                "truncated_normal" => (&["mean", "sd", "low", "high"], &[]),
                "beta" => (&["alpha", "beta"], &["low", "high"]),
                "triangular" => (&["low", "mode", "high"], &[]),
                "lognormal" => (&["mu", "sigma"], &[]),
                other => {
                    problems.push(problem(
                        format!("{path}.dist"),
                        format!("unknown distribution \"{other}\"; expected uniform, normal, truncated_normal, beta, triangular or lognormal"),
                    ));
                    return;
                }
            };
            for key in required {
                if !t.contains_key(*key) {
                    problems.push(problem(path, format!("{kind} distribution needs `{key}`")));
                }
            }
            for (key, v) in t {
                if key == "dist" {
                    continue;
                }
                if !required.contains(&key.as_str()) && !optional.contains(&key.as_str()) {
                    let all: Vec<&str> = required.iter().chain(optional).copied().collect();
                    problems.push(problem(format!("{path}.{key}"), format!("unknown field for a {kind} distribution (it takes {})", all.join(", "))));
                } else if !matches!(v, Value::Integer(_) | Value::Float(_)) {
                    problems.push(problem(format!("{path}.{key}"), format!("expected a number, got {}", type_name(v))));
                }
            }
        }
        other => problems.push(problem(
            path,
            format!("expected a number or a distribution table such as {{ dist = \"uniform\", low = 0.1, high = 0.3 }}, got {}", describe(other)),
        )),
    }
}

/// Range and consistency checks of a deserialised spec.
pub(crate) fn check_ranges(spec: &ScenarioSpec, problems: &mut Vec<Problem>) {
    let mut copy = spec.clone();
    copy.for_each_param(&mut |slot| match &*slot.param {
        super::Param::Fixed(v) => {
            if !slot.range.contains(*v) {
                problems.push(problem(&slot.path, format!("must be in {}, got {v}", slot.range)));
            }
        }
        super::Param::Dist(d) => {
            if let Some(p) = d.problem() {
                problems.push(problem(&slot.path, p));
            } else {
                let (lo, hi) = d.support();
                if !slot.range.contains_support(lo, hi) {
                    let hi_s = if hi.is_infinite() { "∞".to_string() } else { hi.to_string() };
                    let lo_s = if lo.is_infinite() { "-∞".to_string() } else { lo.to_string() };
                    problems.push(problem(
                        &slot.path,
                        format!(
                            "must be in {}, but the distribution can give values in [{lo_s}, {hi_s}] (use truncated_normal, uniform, beta or triangular with bounds inside the range)",
                            slot.range
                        ),
                    ));
                }
            }
        }
    });
    let e = &spec.experiment;
    if e.replications == 0 || e.replications > 10_000_000 {
        problems.push(problem(
            "experiment.replications",
            format!("must be in [1, 10000000], got {}", e.replications),
        ));
    }
    if e.months == 0 || e.months > 1200 {
        problems.push(problem(
            "experiment.months",
            format!("must be in [1, 1200], got {}", e.months),
        ));
    }
    if !(e.trust_threshold > 0.0 && e.trust_threshold < 1.0) {
        problems.push(problem(
            "experiment.trust_threshold",
            format!("must be in (0, 1), got {}", e.trust_threshold),
        ));
    }
    let p = &spec.partnership;
    let total: u64 = p.partners.iter().map(|g| u64::from(g.count)).sum();
    if total < 2 {
        problems.push(problem(
            "partnership.partners",
            format!("needs at least 2 partners in all, got {total}"),
        ));
    }
    if total > MAX_PARTNERS {
        problems.push(problem(
            "partnership.partners",
            format!("at most {MAX_PARTNERS} partners in all, got {total}"),
        ));
    }
    for (k, g) in p.partners.iter().enumerate() {
        if g.count == 0 {
            problems.push(problem(
                format!("partnership.partners[{k}].count"),
                "must be in [1, 500], got 0",
            ));
        }
        if g.join_month == 0 || g.join_month > 1200 {
            problems.push(problem(
                format!("partnership.partners[{k}].join_month"),
                format!("must be in [1, 1200], got {}", g.join_month),
            ));
        }
    }
    let founding: u64 = p
        .partners
        .iter()
        .filter(|g| g.join_month <= 1)
        .map(|g| u64::from(g.count))
        .sum();
    if total >= 2 && founding < 2 {
        problems.push(problem(
            "partnership.partners",
            format!(
                "needs at least 2 partners present from month 1 (join_month = 1), got {founding}"
            ),
        ));
    }
    if p.min_partners == 0 || u64::from(p.min_partners) > total.max(1) {
        problems.push(problem(
            "partnership.min_partners",
            format!(
                "must be in [1, {}] (the number of partners), got {}",
                total.max(1),
                p.min_partners
            ),
        ));
    }
    let pl = &spec.places;
    for (path, v) in [
        ("places.regions", pl.regions),
        ("places.localities_per_region", pl.localities_per_region),
    ] {
        if v == 0 || v > MAX_PLACES_PER_LEVEL {
            problems.push(problem(
                path,
                format!("must be in [1, {MAX_PLACES_PER_LEVEL}], got {v}"),
            ));
        }
    }
    let localities = u64::from(pl.regions) * u64::from(pl.localities_per_region);
    if localities > MAX_LOCALITIES {
        problems.push(problem(
            "places",
            format!(
                "at most {MAX_LOCALITIES} localities in all (regions × localities_per_region), got {localities}"
            ),
        ));
    } else if total.saturating_mul(total).saturating_mul(localities) > MAX_PAIR_SLOTS {
        problems.push(problem(
            "places",
            format!(
                "{localities} localities of {total} partners each need {} pair slots when the policy is implemented locally; at most {MAX_PAIR_SLOTS} (fewer localities or partners)",
                total.saturating_mul(total).saturating_mul(localities)
            ),
        ));
    }
    if spec.interventions.connectors.from_month == 0
        || spec.interventions.connectors.from_month > 1200
    {
        problems.push(problem(
            "interventions.connectors.from_month",
            format!(
                "must be in [1, 1200], got {}",
                spec.interventions.connectors.from_month
            ),
        ));
    }
    if spec.governance.domains.is_empty() {
        problems.push(problem(
            "governance.domains",
            "needs at least one policy domain",
        ));
    }
    let i = &spec.interventions;
    for (path, m) in [
        (
            "interventions.staff_exchanges.from_month",
            i.staff_exchanges.from_month,
        ),
        (
            "interventions.leadership_exchanges.from_month",
            i.leadership_exchanges.from_month,
        ),
        ("interventions.workshops.from_month", i.workshops.from_month),
        (
            "interventions.mixed_teams.from_month",
            i.mixed_teams.from_month,
        ),
    ] {
        if m == 0 || m > 1200 {
            problems.push(problem(path, format!("must be in [1, 1200], got {m}")));
        }
    }
    if i.delivery_start > 1200 {
        problems.push(problem(
            "interventions.delivery_start",
            format!(
                "must be in [0, 1200] (0: when ready), got {}",
                i.delivery_start
            ),
        ));
    }
    if i.mixed_teams.teams > 0
        && (i.mixed_teams.size < 2 || u64::from(i.mixed_teams.size) > total.max(2))
    {
        problems.push(problem(
            "interventions.mixed_teams.size",
            format!(
                "must be in [2, {}] (the number of partners), got {}",
                total.max(2),
                i.mixed_teams.size
            ),
        ));
    }
    if i.mixed_teams.teams > 100 {
        problems.push(problem(
            "interventions.mixed_teams.teams",
            format!("must be in [0, 100], got {}", i.mixed_teams.teams),
        ));
    }
    if i.review.interval > 1200 {
        problems.push(problem(
            "interventions.review.interval",
            format!(
                "must be in [0, 1200] (0: no regular review), got {}",
                i.review.interval
            ),
        ));
    }
    if i.funding.horizon == 0 || i.funding.horizon > 1200 {
        problems.push(problem(
            "interventions.funding.horizon",
            format!("must be in [1, 1200], got {}", i.funding.horizon),
        ));
    }
}
