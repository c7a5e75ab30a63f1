//! The GNU parallel recipe of docs/distributed.md, executed: four shards run
//! through `parallel`, one of them killed (SIGKILL, as a crashed node) and
//! requeued by running the recipe again with `--resume`; the merge must be
//! byte-identical to a single run. Needs GNU parallel (Debian package
//! `parallel`; .ci/run installs it); without it the test says so and skips.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MLGOV: &str = env!("CARGO_BIN_EXE_mlgov");

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn parallel_available() -> bool {
    Command::new("parallel")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|st| st.success())
}

/// The recipe's command: `parallel -j 2 mlgov run ... --shard {}/4 --resume ... ::: 1 2 3 4`.
fn recipe(sc: &Path, root: &Path) -> Command {
    let mut cmd = Command::new("parallel");
    cmd.args(["--will-cite", "-j", "2", MLGOV, "run", s(sc), "--out"])
        .arg(format!("{}/shard-{{}}", root.display()))
        .args([
            "--shard",
            "{}/4",
            "--threads",
            "1",
            "--resume",
            "--quiet",
            "--no-plots",
            ":::",
            "1",
            "2",
            "3",
            "4",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn gnu_parallel_shards_with_one_killed_and_requeued_merge_to_the_single_run() {
    if !parallel_available() {
        eprintln!(
            "SKIPPED: GNU parallel is not installed (apt-get install -y parallel); \
             the distributed recipe was not executed"
        );
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let sc = root.path().join("scenario.toml");
    fs::write(
        &sc,
        "[scenario]\nname = \"recipe\"\n[experiment]\nreplications = 12000\nmonths = 12\nseed = 42\n\
         [[variants]]\nname = \"plain\"\n\
         [[variants]]\nname = \"exchanges\"\nset = { \"interventions.staff_exchanges.per_year\" = 40 }\n",
    )
    .unwrap();

    // First attempt: shard 2 is killed once its first rows are written.
    let first = recipe(&sc, root.path()).spawn().unwrap();
    let shard2 = root.path().join("shard-2");
    let started = Instant::now();
    let killed = loop {
        let rows = fs::metadata(shard2.join("runs.csv")).map_or(0, |m| m.len());
        let pid = fs::read_to_string(shard2.join(".mlgov.lock"))
            .ok()
            .and_then(|t| t.trim().parse::<i32>().ok());
        if let (true, Some(pid)) = (rows > 2000, pid) {
            // SAFETY: killing the shard's mlgov process, as a node crash would.
            let rc = unsafe { libc::kill(pid, libc::SIGKILL) };
            break rc == 0;
        }
        if shard2.join("manifest.json").exists() {
            break false;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "shard 2 never started"
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    assert!(killed, "shard 2 finished before it could be killed");
    let out = first.wait_with_output().unwrap();
    assert!(!out.status.success(), "parallel reports the killed shard");
    assert!(!shard2.join("manifest.json").exists());
    assert!(
        shard2.join(".mlgov.lock").exists(),
        "the dead process's lock is left behind"
    );

    // Requeue: the same recipe again; finished shards are rewritten
    // identically, shard 2 resumes from its checkpoint.
    let out = recipe(&sc, root.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged = root.path().join("all");
    let shards: Vec<String> = (1..=4)
        .map(|k| format!("{}/shard-{k}", root.path().display()))
        .collect();
    let st = Command::new(MLGOV)
        .arg("merge")
        .args(&shards)
        .args(["--out", s(&merged), "--no-plots"])
        .status()
        .unwrap();
    assert!(st.success());

    let single = root.path().join("single");
    let st = Command::new(MLGOV)
        .args(["run", s(&sc), "--out", s(&single), "--quiet", "--no-plots"])
        .status()
        .unwrap();
    assert!(st.success());
    for f in [
        "runs.csv",
        "summary.csv",
        "comparisons.csv",
        "trajectories.csv",
    ] {
        assert!(
            fs::read(merged.join(f)).unwrap() == fs::read(single.join(f)).unwrap(),
            "{f} differs between the merge and the single run"
        );
    }
}
