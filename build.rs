//! Records the source revision for `mlgov --version`.
//!
//! When the crate is built from a git checkout (its folder is the top of a
//! git work tree and `git` runs), `MLGOV_GIT_REVISION` is set to
//! ` (git 1a2b3c4d5e6f)`: the first 12 hex digits of the commit, followed by
//! `+modified` when tracked files that go into the build differ from that
//! commit. Otherwise (a packaged crate, `cargo install mlgov`, no `git`
//! program) it is empty and `--version` prints the version alone.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The sources whose edits make a build differ from its commit.
const SOURCES: [&str; 4] = ["src", "build.rs", "Cargo.toml", "Cargo.lock"];

fn main() {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    for s in SOURCES {
        println!("cargo::rerun-if-changed={s}");
    }
    let revision = revision(&dir).unwrap_or_default();
    println!("cargo::rustc-env=MLGOV_GIT_REVISION={revision}");
}

/// Runs git in `dir` and gives its trimmed output, or `None` if it fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn revision(dir: &Path) -> Option<String> {
    // A crate unpacked inside some other checkout (such as
    // target/package/mlgov-x.y.z) is not a checkout of its own.
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(dir).ok()? {
        return None;
    }
    let commit = git(dir, &["rev-parse", "--short=12", "HEAD"])?;
    // Rebuild when HEAD moves: HEAD itself, the branch it names and packed
    // refs.
    let git_dir = PathBuf::from(git(dir, &["rev-parse", "--absolute-git-dir"])?);
    let common = git(dir, &["rev-parse", "--git-common-dir"])
        .map(|c| dir.join(c))
        .unwrap_or_else(|| git_dir.clone());
    let mut watch = vec![git_dir.join("HEAD")];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watch.push(common.join(branch));
    }
    watch.push(common.join("packed-refs"));
    for path in watch.iter().filter(|p| p.exists()) {
        println!("cargo::rerun-if-changed={}", path.display());
    }
    // `--no-optional-locks`: do not refresh the index while looking.
    let mut status = vec![
        "--no-optional-locks",
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
    ];
    status.extend(SOURCES);
    let modified = git(dir, &status).is_some_and(|s| !s.is_empty());
    Some(format!(
        " (git {commit}{})",
        if modified { "+modified" } else { "" }
    ))
}
