//! Operator faults on the command line: concurrent writers, damaged files,
//! bad input. Each test names the guarantee of docs/reliability.md it shows.

use mlgov::experiment::{DirLock, LOCK_FILE};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mlgov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .args(args)
        .output()
        .expect("run mlgov")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A small scenario (one or more configurations, 12 months) in `root`.
fn scenario(root: &Path, replications: u64) -> PathBuf {
    let path = root.join("scenario.toml");
    fs::write(
        &path,
        format!(
            "[scenario]\nname = \"small\"\n[experiment]\nreplications = {replications}\nmonths = 12\nseed = 5\n\
             [partnership]\nexit_rate = {{ dist = \"uniform\", low = 0.1, high = 0.2 }}\n\
             [partnership.trust]\nforgetting = {{ dist = \"uniform\", low = 0.9, high = 0.99 }}\n\
             [[variants]]\nname = \"plain\"\n\
             [[variants]]\nname = \"exchanges\"\nset = {{ \"interventions.staff_exchanges.per_year\" = 40 }}\n"
        ),
    )
    .unwrap();
    path
}

/// Guarantee 1: a second writer is refused at once, naming the directory and
/// the holder's PID, by every command that writes a results directory.
#[test]
fn a_locked_directory_is_refused_by_every_writer() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 16);
    let done = root.path().join("done");
    let out = mlgov(&["run", s(&sc), "--out", s(&done), "--no-plots"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let busy = root.path().join("busy");
    let lock = DirLock::acquire(&busy).unwrap();
    let pid = format!("PID {}", std::process::id());
    let cases: Vec<Vec<&str>> = vec![
        vec!["run", s(&sc), "--out", s(&busy), "--no-plots"],
        vec!["run", s(&sc), "--out", s(&busy), "--resume", "--no-plots"],
        vec!["merge", s(&done), "--out", s(&busy), "--no-plots"],
        vec![
            "sensitivity",
            s(&sc),
            "--method",
            "morris",
            "--samples",
            "2",
            "--out",
            s(&busy),
        ],
    ];
    for args in cases {
        let out = mlgov(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(&busy.display().to_string()) && err.contains(&pid),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("being written by another mlgov process"),
            "{err}"
        );
    }
    // A merge whose input is being written is refused too.
    drop(lock);
    let lock = DirLock::acquire(&done).unwrap();
    let out = mlgov(&["merge", s(&done), "--out", s(&root.path().join("m"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&pid), "{}", stderr(&out));
    let out = mlgov(&["plot", s(&done)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&pid), "{}", stderr(&out));
    drop(lock);
    let out = mlgov(&["plot", s(&done)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!done.join(LOCK_FILE).exists());
}

/// Guarantee 1: a lock file left by a process that died never blocks.
#[test]
fn a_stale_lock_never_blocks() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 8);
    let dir = root.path().join("out");
    fs::create_dir_all(&dir).unwrap();
    // A lock file as a killed process leaves it: a PID, no holder.
    fs::write(dir.join(LOCK_FILE), "4194303\n").unwrap();
    let out = mlgov(&["run", s(&sc), "--out", s(&dir), "--no-plots"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("manifest.json").exists());
    assert!(!dir.join(LOCK_FILE).exists());
}

/// Guarantee 1: two `--resume` runs started together on one directory (a
/// requeued job and its predecessor) never duplicate a row: either one is
/// refused, or they ran one after the other.
#[test]
fn concurrent_resumes_never_duplicate_rows() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 400);
    let single = root.path().join("single");
    let out = mlgov(&["run", s(&sc), "--out", s(&single), "--no-plots"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = fs::read(single.join("runs.csv")).unwrap();
    for trial in 0..4 {
        let dir = root.path().join(format!("t{trial}"));
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_mlgov"))
                .args(["run", s(&sc), "--out", s(&dir), "--resume", "--no-plots"])
                .args(["--threads", "1"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        for o in [&a, &b] {
            assert!(
                o.status.success() || stderr(o).contains("being written by another mlgov process"),
                "{}",
                stderr(o)
            );
        }
        assert!(a.status.success() || b.status.success());
        assert_eq!(
            fs::read(dir.join("runs.csv")).unwrap(),
            expected,
            "trial {trial}"
        );
    }
}
