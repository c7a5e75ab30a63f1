//! A Python virtual environment with pandas, pyarrow and matplotlib for the
//! tests that read mlgov's outputs from Python, created on first use in
//! `target/tmp/python-venv` and reused.
//!
//! Needs `python3` with `venv` and access to PyPI the first time. Without
//! them the tests say why and pass, except when `MLGOV_REQUIRE_PYTHON=1`
//! (set by `.ci/run`), where that is a failure.
//!
//! The tests that use it run in one process and may run at once: the
//! environment is checked and created under a lock, so one test creates it
//! while the others wait, and none sees it half-made.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Held while the environment is checked or created.
static CREATING: Mutex<()> = Mutex::new(());

/// The packages the tests import.
const PACKAGES: [&str; 3] = ["pyarrow", "pandas", "matplotlib"];

/// Skips (returns `None`) with a printed reason, or fails when Python is
/// required.
fn unavailable(reason: String) -> Option<PathBuf> {
    if std::env::var("MLGOV_REQUIRE_PYTHON").is_ok_and(|v| v == "1") {
        panic!("MLGOV_REQUIRE_PYTHON=1 but {reason}");
    }
    eprintln!("skipping the Python test: {reason}");
    None
}

/// The Python of the virtual environment, created when missing.
pub fn python() -> Option<PathBuf> {
    // A test that failed while holding the lock leaves it poisoned; the
    // environment is checked again all the same.
    let _creating = CREATING.lock().unwrap_or_else(|p| p.into_inner());
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-venv");
    let python = venv.join("bin").join("python");
    let ready = |python: &Path| {
        Command::new(python)
            .args(["-c", &format!("import {}", PACKAGES.join(", "))])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ready(&python) {
        return Some(python);
    }
    let made = Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&venv)
        .output();
    match made {
        Err(e) => return unavailable(format!("python3 cannot be started ({e})")),
        Ok(o) if !o.status.success() => {
            return unavailable(format!(
                "python3 -m venv failed (on Debian: apt-get install python3-venv): {}",
                String::from_utf8_lossy(&o.stderr)
            ));
        }
        Ok(_) => {}
    }
    let pip = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(PACKAGES)
        .output();
    match pip {
        Ok(o) if o.status.success() && ready(&python) => Some(python),
        Ok(o) => unavailable(format!(
            "pip could not install {} (is PyPI reachable?): {}",
            PACKAGES.join(", "),
            String::from_utf8_lossy(&o.stderr)
        )),
        Err(e) => unavailable(format!("pip cannot be started ({e})")),
    }
}
