//! The figures the documentation quotes from the Lloyd grid are what the
//! model gives: the README's main job (`mlgov run
//! examples/scenarios/lloyd_grid.toml`, its own seed and 200 replications)
//! is run once, and every figure that examples/scenarios/lloyd_grid.toml's
//! header and docs/guide.md's worked example quote from it is recomputed
//! from `summary.csv` and `comparisons.csv`, formatted as the text writes
//! it, and looked for in the text. A change to the model that moves a
//! quoted figure fails here, naming the file and the figure.
//! (docs/worksheet-answers.md is checked the same way by `worksheet`.)

use std::collections::HashMap;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The grid's summary: (configuration, metric) → (mean, ci95_low, ci95_high).
type Table = HashMap<(String, String), (f64, f64, f64)>;

fn table(path: &Path, key: &[&str]) -> Table {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (c, m) = (col(key[0]), col("metric"));
    let (mean, low, high) = (col(key[1]), col("ci95_low"), col("ci95_high"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let f = |k: usize| r[k].parse::<f64>().unwrap();
            (
                (r[c].to_string(), r[m].to_string()),
                (f(mean), f(low), f(high)),
            )
        })
        .collect()
}

#[test]
fn quoted_grid_figures_are_what_the_main_job_gives() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lloyd");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "examples/scenarios/lloyd_grid.toml",
            "--no-plots",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let summary = table(&out.join("summary.csv"), &["configuration", "mean"]);
    let comparisons = table(
        &out.join("comparisons.csv"),
        &["configuration", "mean_diff"],
    );
    let mean = |code: &str, metric: &str| summary[&(code.to_string(), metric.to_string())].0;
    let codes: Vec<String> = ["N", "R", "L"]
        .iter()
        .flat_map(|c| {
            ["N", "R", "L"]
                .iter()
                .flat_map(move |m| ["N", "R", "L"].iter().map(move |i| format!("{c}-{m}-{i}")))
        })
        .collect();
    let over = |prefix: &str, metric: &str| -> (f64, f64) {
        let v: Vec<f64> = codes
            .iter()
            .filter(|c| c.starts_with(prefix))
            .map(|c| mean(c, metric))
            .collect();
        (
            v.iter().cloned().fold(f64::INFINITY, f64::min),
            v.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let extreme = |metric: &str, highest: bool| -> String {
        let mut best = codes[0].clone();
        for c in &codes {
            let (a, b) = (mean(c, metric), mean(&best, metric));
            if (highest && a > b) || (!highest && a < b) {
                best = c.clone();
            }
        }
        best
    };
    let (l_lo, l_hi) = over("L-", "net_benefit");
    let (n_lo, n_hi) = over("N-", "net_benefit");
    let (lx_lo, lx_hi) = over("L-L-", "equity");
    let f0 = |x: f64| format!("{x:.0}");
    let f2 = |x: f64| format!("{x:.2}");
    let f3 = |x: f64| format!("{x:.3}");
    let f1 = |x: f64| format!("{x:.1}");
    // The header of examples/scenarios/lloyd_grid.toml, read as one line.
    let header: String = read("examples/scenarios/lloyd_grid.toml")
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(l_lo > n_hi, "every L-x-x beats every N-x-x");
    let header_figures = [
        format!("L-x-x assignment ({} to {})", f0(l_lo), f0(l_hi)),
        format!("N-x-x one ({} to {})", f0(n_lo), f0(n_hi)),
        format!(
            "{} is highest ({}), {} lowest ({})",
            extreme("net_benefit", true),
            f0(mean(&extreme("net_benefit", true), "net_benefit")),
            extreme("net_benefit", false),
            f0(mean(&extreme("net_benefit", false), "net_benefit"))
        ),
        format!("{} (N-N-N)", f2(mean("N-N-N", "fit"))),
        format!("{} (N-L-L)", f2(mean("N-L-L", "fit"))),
        format!("{} (L-N-N)", f2(mean("L-N-N", "fit"))),
        format!("{} (L-R-L", f2(mean("L-R-L", "fit"))),
        format!("L-N-N {}", f0(mean("L-N-N", "value_added_total"))),
        format!("N-N-N {}.", f0(mean("N-N-N", "value_added_total"))),
        format!(
            "fit {} N-N-L, {} N-R-L, {} N-L-L",
            f3(mean("N-N-L", "fit")),
            f3(mean("N-R-L", "fit")),
            f3(mean("N-L-L", "fit"))
        ),
        format!(
            "net benefit {} against {} for N-N-N",
            f0(mean("N-L-N", "net_benefit")),
            f0(mean("N-N-N", "net_benefit"))
        ),
        format!("N-N-N ({})", f0(mean("N-N-N", "transaction_cost_total"))),
        format!("N-L-L ({})", f0(mean("N-L-L", "transaction_cost_total"))),
        format!("N-N-L, {}", f0(mean("N-N-L", "transaction_cost_total"))),
        format!("N-R-L, {}", f0(mean("N-R-L", "transaction_cost_total"))),
        format!("N-N-L highest, {}", f3(mean("N-N-L", "equity"))),
        format!("{} to {}", f3(lx_lo), f3(lx_hi)),
    ];
    let mut wrong = Vec::new();
    for f in &header_figures {
        if !header.contains(f.as_str()) {
            wrong.push(format!("examples/scenarios/lloyd_grid.toml: \"{f}\""));
        }
    }
    assert_eq!(
        extreme("fit", true),
        "L-R-L",
        "the header names L-R-L's fit the best"
    );
    assert_eq!(
        extreme("equity", true),
        "N-N-L",
        "the header names N-N-L's equity the highest"
    );
    // docs/guide.md's worked example (section 6).
    let guide = read("docs/guide.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let nnl = summary[&("N-N-L".to_string(), "net_benefit".to_string())];
    let lll = summary[&("L-L-L".to_string(), "net_benefit".to_string())];
    let diff = comparisons[&("L-L-L".to_string(), "net_benefit".to_string())];
    let guide_figures = [
        format!(
            "mean `net_benefit` of {} (95% interval {}–{})",
            f1(nnl.0),
            f1(nnl.1),
            f1(nnl.2)
        ),
        format!("`L-L-L` {} ({}–{})", f1(lll.0), f1(lll.1), f1(lll.2)),
        format!("= {} ({}–{})", f1(diff.0), f1(diff.1), f1(diff.2)),
    ];
    for f in &guide_figures {
        if !guide.contains(f.as_str()) {
            wrong.push(format!("docs/guide.md: \"{f}\""));
        }
    }
    assert!(
        wrong.is_empty(),
        "figures quoted from the Lloyd grid differ from what the model gives now (write these):\n{}",
        wrong.join("\n")
    );
}
