//! docs/worksheet-answers.md gives the figures the explorer gives: every
//! table row is run again through the explorer (as `mlgov serve` runs it)
//! and compared, as the page shows it, with what is written; and the
//! students' docs/worksheet.md holds none of those figures.

use mlgov::explorer::Explorer;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// A number as the page shows it (explorer.js `fmt`).
fn fmt(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(v) if v.abs() >= 100.0 => format!("{v:.1}"),
        Some(v) if v.abs() >= 10.0 => format!("{v:.2}"),
        Some(v) => format!("{v:.3}"),
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The request of an *on the page* cell: `CODE; path=value; seed=7`, or
/// `grid; replications=30`.
fn request(cell: &str) -> (bool, Value) {
    let inner = cell.trim().trim_matches('`');
    let mut parts = inner.split("; ");
    let first = parts.next().unwrap();
    let grid = first == "grid";
    let mut body = Map::new();
    let mut settings = Map::new();
    if !grid {
        body.insert("assignment".into(), json!(first));
    }
    for p in parts {
        let (k, v) = p
            .split_once('=')
            .unwrap_or_else(|| panic!("not key=value: {p}"));
        let v: Value = serde_json::from_str(v).unwrap_or_else(|_| panic!("bad value in {p}"));
        if matches!(k, "seed" | "replications" | "months") {
            body.insert(k.into(), v);
        } else {
            settings.insert(k.into(), v);
        }
    }
    body.insert("settings".into(), Value::Object(settings));
    (grid, Value::Object(body))
}

#[test]
fn the_worksheet_answers_are_what_the_explorer_gives() {
    let answers = read("docs/worksheet-answers.md");
    let explorer = Explorer::new(None).unwrap();
    let mut cache: HashMap<String, Value> = HashMap::new();
    let mut checked = 0;
    let mut figures = Vec::new();
    let mut wrong = Vec::new();
    for line in answers.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let (grid, body) = request(cells[0]);
        let metric = cells[1].trim_matches('`');
        let key = body.to_string();
        let answer = cache.entry(key.clone()).or_insert_with(|| {
            let bytes = key.as_bytes();
            if grid {
                explorer.grid(bytes)
            } else {
                explorer.run(bytes)
            }
            .unwrap_or_else(|e| panic!("{line}: {e}"))
        });
        let got: Vec<String> = if grid {
            let mut cells: Vec<(f64, &String)> = answer["cells"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(code, c)| (c[metric]["mean"].as_f64().unwrap(), code))
                .collect();
            cells.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (lo, hi) = (cells[0], cells[cells.len() - 1]);
            vec![
                format!("`{}` {}", lo.1, fmt(Some(lo.0))),
                format!("`{}` {}", hi.1, fmt(Some(hi.0))),
            ]
        } else {
            let mean = |v: &Value| v["mean"].as_f64();
            let d = &answer["differences"][metric];
            vec![
                fmt(mean(&answer["summary"]["baseline"][metric])),
                fmt(mean(&answer["summary"]["explored"][metric])),
                format!(
                    "{} [{}, {}]",
                    fmt(mean(d)),
                    fmt(d["ci_low"].as_f64()),
                    fmt(d["ci_high"].as_f64())
                ),
            ]
        };
        if cells[2..] != got[..] {
            wrong.push(format!(
                "{line}\n  the explorer gives: | {} | {} |",
                cells[..2].join(" | "),
                got.join(" | ")
            ));
        }
        figures.extend(got);
        checked += 1;
    }
    assert!(
        wrong.is_empty(),
        "docs/worksheet-answers.md: {} rows differ from the explorer:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(checked >= 20, "only {checked} rows found");
    // The students' sheet gives none of the answers away.
    let sheet = read("docs/worksheet.md");
    for f in figures
        .iter()
        .flat_map(|f| f.split([' ', '[', ']', ',', '`']))
    {
        if f.len() >= 4 && f.parse::<f64>().is_ok() {
            assert!(!sheet.contains(f), "docs/worksheet.md gives away {f}");
        }
    }
}
