//! `mlgov sensitivity` refuses bad flags with a clear message and a non-zero
//! exit, before it reads the scenario.

use std::process::Command;

fn mlgov_sensitivity(extra: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .arg("sensitivity")
        .arg(dir.path().join("missing.toml"))
        .args(["--out", dir.path().to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn unknown_method_lists_the_allowed_ones() {
    let (ok, err) = mlgov_sensitivity(&["--method", "fast", "--samples", "10"]);
    assert!(!ok);
    assert!(err.contains("unknown method `fast`"), "{err}");
    assert!(err.contains("`morris`") && err.contains("`sobol`"), "{err}");
}

#[test]
fn too_few_samples_states_the_minimum() {
    let (ok, err) = mlgov_sensitivity(&["--method", "morris", "--samples", "1"]);
    assert!(!ok && err.contains("minimum is 2"), "{err}");
    let (ok, err) = mlgov_sensitivity(&["--method", "sobol", "--samples", "8"]);
    assert!(!ok && err.contains("minimum is 32"), "{err}");
}

#[test]
fn zero_threads_is_refused() {
    let args = ["--method", "sobol", "--samples", "64", "--threads", "0"];
    let (ok, err) = mlgov_sensitivity(&args);
    assert!(!ok && err.contains("--threads must be at least 1"), "{err}");
}
