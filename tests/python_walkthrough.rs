//! docs/python.md runs: its `mlgov run` line (with fewer replications), then
//! every Python block in order, in the test's virtual environment (see
//! `python_support`); the blocks' own assertions (exact seeds, a replay,
//! per-run means equal to trajectories.csv) must hold and the chart must be
//! drawn.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_python_walkthrough_runs() {
    let Some(python) = crate::python_support::python() else {
        return;
    };
    let doc = std::fs::read_to_string(repo().join("docs/python.md")).unwrap();
    let run_line = doc
        .lines()
        .find(|l| l.starts_with("mlgov run "))
        .expect("docs/python.md has an `mlgov run` line");
    let blocks: Vec<&str> = doc
        .split("```python\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(blocks.len() >= 5, "{} Python blocks", blocks.len());

    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(repo().join("examples"), dir.path().join("examples")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_mlgov"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let words: Vec<&str> = run_line.split_whitespace().skip(1).collect();
    let out = Command::new(bin)
        .args(&words)
        .args(["--replications", "16"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let script = dir.path().join("walkthrough.py");
    std::fs::write(&script, blocks.join("\n")).unwrap();
    let out = Command::new(&python)
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("inputs: ['variant', 'governance.silos'"),
        "{stdout}"
    );
    let png = std::fs::read(dir.path().join("results/le/trust_mean.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
}
