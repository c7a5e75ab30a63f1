//! `mlgov discover` from the outside: on a scenario whose answer follows
//! from the model's equations (a short-term grant is renewed with chance
//! `renewal · (0.2 + 0.8·shown)`, so partnerships that all fail are found
//! where `renewal` is low), and with bad input.

use std::path::Path;
use std::process::{Command, Output};

const SCENARIO: &str = r#"
[scenario]
name = "funding_discovery"

[experiment]
replications = 400
months = 120
seed = 5

[interventions.funding]
sustainable = false
horizon = 36
renewal = { dist = "uniform", low = 0.1, high = 1.0 }

[partnership.trust]
forgetting = { dist = "uniform", low = 0.9, high = 0.99 }
"#;

fn mlgov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .args(args)
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn failing_partnerships_are_found_where_renewal_is_low() {
    let root = tempfile::tempdir().unwrap();
    let sc = root.path().join("s.toml");
    std::fs::write(&sc, SCENARIO).unwrap();
    let res = root.path().join("res");
    let r = mlgov(&["run", s(&sc), "--out", s(&res), "--quiet", "--no-plots"]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let out = root.path().join("out");
    let args = [
        "discover",
        s(&res),
        "--metric",
        "survival",
        "--below",
        "0.05",
        "--out",
        s(&out),
    ];
    let r = mlgov(&args);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    for f in [
        "discovery.csv",
        "boxes.csv",
        "discovery_tradeoff.png",
        "discovery_tradeoff.svg",
        "discovery_box.png",
        "discovery_box.svg",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // The chosen box limits renewal from above, with a tiny quasi-p-value.
    let (header, rows) = read_csv(&out.join("boxes.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let renewal = rows
        .iter()
        .find(|r| r[col("input")] == "interventions.funding.renewal")
        .expect("renewal restricted");
    assert_eq!(renewal[col("upper_restricted")], "true");
    let upper: f64 = renewal[col("upper")].parse().unwrap();
    assert!(upper < 0.6, "upper limit {upper}");
    let p: f64 = renewal[col("quasi_p_upper")].parse().unwrap();
    assert!(p < 1e-6, "quasi-p {p}");
    // Coverage and density of the box, counted again from runs.csv.
    let (rh, runs) = read_csv(&res.join("runs.csv"));
    let rc = |name: &str| rh.iter().position(|h| h == name).unwrap();
    let inside = |run: &Vec<String>| {
        rows.iter().all(|b| {
            let v: f64 = run[rc(&b[col("input")])].parse().unwrap();
            let lo = b[col("lower")].parse::<f64>().unwrap_or(f64::NEG_INFINITY);
            let hi = b[col("upper")].parse::<f64>().unwrap_or(f64::INFINITY);
            v >= lo && v <= hi
        })
    };
    let case = |run: &Vec<String>| run[rc("survival")].parse::<f64>().unwrap() < 0.05;
    let cases = runs.iter().filter(|r| case(r)).count();
    let in_box: Vec<&Vec<String>> = runs.iter().filter(|r| inside(r)).collect();
    let hits = in_box.iter().filter(|r| case(r)).count();
    let num = |name: &str| renewal[col(name)].parse::<f64>().unwrap();
    assert_eq!(renewal[col("runs")], in_box.len().to_string());
    assert!((num("density") - hits as f64 / in_box.len() as f64).abs() < 1e-12);
    assert!((num("coverage") - hits as f64 / cases as f64).abs() < 1e-12);
    assert!((num("mass") - in_box.len() as f64 / runs.len() as f64).abs() < 1e-12);
    // The trajectory starts from every run.
    let (th, trajectory) = read_csv(&out.join("discovery.csv"));
    assert_eq!(
        th,
        [
            "box",
            "chosen",
            "coverage",
            "density",
            "mass",
            "runs",
            "cases",
            "restricted",
            "input",
            "lower",
            "upper",
            "categories",
            "quasi_p"
        ]
    );
    assert_eq!(
        &trajectory[0][..8],
        [
            "0",
            "",
            "1",
            &format!("{}", cases as f64 / 400.0),
            "1",
            "400",
            &cases.to_string(),
            "0"
        ]
    );
    assert_eq!(
        trajectory
            .iter()
            .filter(|r| r[1] == "yes")
            .map(|r| &r[0])
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        1
    );
    // Running again into the same folder is refused without --force.
    let before = std::fs::read(out.join("boxes.csv")).unwrap();
    let r = mlgov(&args);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("--force"), "{}", stderr(&r));
    assert_eq!(std::fs::read(out.join("boxes.csv")).unwrap(), before);
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(mlgov(&forced).status.code(), Some(0));

    // Bad input: usage errors exit 2 and write nothing.
    let other = root.path().join("other");
    let o = s(&other);
    let d = s(&res);
    for (bad, says) in [
        (
            vec![
                "discover", d, "--metric", "nonsense", "--below", "1", "--out", o,
            ],
            "unknown metric `nonsense`",
        ),
        (
            vec!["discover", d, "--metric", "survival", "--out", o],
            "--below",
        ),
        (
            vec![
                "discover", d, "--metric", "survival", "--below", "1", "--above", "0", "--out", o,
            ],
            "cannot be used with",
        ),
        (
            vec![
                "discover", d, "--metric", "survival", "--below", "0.05", "--alpha", "0", "--out",
                o,
            ],
            "--alpha must be in (0, 1)",
        ),
        (
            vec![
                "discover", d, "--metric", "survival", "--below", "0.05", "--box", "9999", "--out",
                o,
            ],
            "--box 9999",
        ),
    ] {
        let r = mlgov(&bad);
        assert_eq!(r.status.code(), Some(2), "{bad:?}: {}", stderr(&r));
        assert!(stderr(&r).contains(says), "{bad:?}: {}", stderr(&r));
        assert!(!other.join("discovery.csv").exists(), "{bad:?}");
    }
    // Failures exit 1: no cases at all, or no results directory.
    let r = mlgov(&[
        "discover", d, "--metric", "survival", "--below", "-1", "--out", o,
    ]);
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    assert!(stderr(&r).contains("0 of 400 runs"), "{}", stderr(&r));
    let missing = root.path().join("missing");
    let r = mlgov(&[
        "discover",
        s(&missing),
        "--metric",
        "survival",
        "--below",
        "1",
        "--out",
        o,
    ]);
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    assert!(stderr(&r).contains("manifest.json"), "{}", stderr(&r));
    assert!(!other.exists());
}

/// A `runs.csv` that is a FIFO is refused at once, naming the file, instead
/// of waiting for a writer that never comes.
#[cfg(unix)]
#[test]
fn a_runs_file_that_is_not_a_regular_file_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    std::fs::write(
        results.join("manifest.json"),
        r#"{"final_metrics": ["survival"]}"#,
    )
    .unwrap();
    let fifo = results.join("runs.csv");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = dir.path().join("found");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .args([
            "discover",
            s(&results),
            "--metric",
            "survival",
            "--below",
            "0.5",
        ])
        .args(["--out", s(&out)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("mlgov discover waited on a FIFO runs.csv");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("runs.csv") && e.contains("a FIFO (named pipe), not a regular file"),
        "{e}"
    );
    assert!(!out.join("discovery.csv").exists());
}
