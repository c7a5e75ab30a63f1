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

/// Runs mlgov with `args`, checks that it exits with `code`, and returns
/// what it printed on stderr.
fn refused(args: &[&str], code: i32) -> String {
    let out = mlgov(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    err
}

fn run_ok(args: &[&str]) {
    let out = mlgov(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
}

/// A finished run of `replications` into `dir` after stopping it partway:
/// the checkpoint covers some rows and `runs.csv` holds them.
fn partial_run(sc: &Path, dir: &Path) {
    run_ok(&[
        "run",
        s(sc),
        "--out",
        s(dir),
        "--no-plots",
        "--threads",
        "1",
    ]);
    // Turn the finished run into an interrupted one is not possible from
    // outside; instead every test damages a finished run and resumes it,
    // which verifies all its rows just the same.
}

/// Guarantee 3: a damaged, inserted, duplicated or truncated row of
/// runs.csv is refused by --resume, naming the file and the line, and so is
/// a changed value in a well-formed row.
#[test]
fn damaged_rows_are_refused_on_resume_naming_the_line() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 24);
    let fresh = root.path().join("fresh");
    partial_run(&sc, &fresh);
    let good = fs::read_to_string(fresh.join("runs.csv")).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    assert_eq!(lines.len(), 1 + 24 * 2);
    let join = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
    let mut one_byte = lines.clone();
    let inserted = format!("{}x,", &lines[5][..0]) + lines[5];
    one_byte[5] = &inserted;
    let mut extra_field = lines.clone();
    let with_comma = lines[7].to_string() + ",";
    extra_field[7] = &with_comma;
    let mut duplicated = lines.clone();
    duplicated.insert(10, lines[9]);
    let mut changed = lines.clone();
    // One digit of a value changed: same length, still a well-formed row.
    let at = lines[12].rfind(|c: char| c.is_ascii_digit()).unwrap();
    let digit = if &lines[12][at..=at] == "1" { "2" } else { "1" };
    let bumped = format!("{}{digit}{}", &lines[12][..at], &lines[12][at + 1..]);
    changed[12] = &bumped;
    let cases: Vec<(&str, String, &str)> = vec![
        ("byte inserted", join(&one_byte), "line 6"),
        ("field added", join(&extra_field), "line 8"),
        ("row duplicated", join(&duplicated), "line 11"),
        ("value changed", join(&changed), "checksum mismatch"),
        (
            "truncated",
            good[..good.len() - 40].to_string(),
            "truncated",
        ),
        (
            "cut mid-row",
            join(&lines[..20]) + &lines[20][..5],
            "line 21",
        ),
    ];
    for (what, text, expected) in cases {
        let dir = root.path().join(what.replace(' ', "_"));
        partial_run(&sc, &dir);
        fs::write(dir.join("runs.csv"), &text).unwrap();
        let out = mlgov(&["run", s(&sc), "--out", s(&dir), "--resume", "--no-plots"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(
            err.contains(&dir.join("runs.csv").display().to_string()) && err.contains(expected),
            "{what}: {err}"
        );
        assert!(err.contains("cannot be trusted"), "{what}: {err}");
        assert_eq!(
            fs::read_to_string(dir.join("runs.csv")).unwrap(),
            text,
            "{what}: untouched"
        );
    }
}

/// Guarantee 3: merge verifies every shard's rows the same way.
#[test]
fn damaged_shard_rows_are_refused_by_merge() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 24);
    let shard = |k: u32| root.path().join(format!("shard-{k}"));
    for k in 1..=2 {
        let spec = format!("{k}/2");
        run_ok(&[
            "run",
            s(&sc),
            "--out",
            s(&shard(k)),
            "--shard",
            &spec,
            "--no-plots",
        ]);
    }
    let path = shard(2).join("runs.csv");
    let text = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let damaged = lines[3].replacen(',', ",1", 1);
    lines[3] = &damaged;
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    let merged = root.path().join("merged");
    let err = refused(
        &["merge", s(&shard(1)), s(&shard(2)), "--out", s(&merged)],
        1,
    );
    assert!(err.contains(&format!("{} line 4", path.display())), "{err}");
    assert!(!merged.join("runs.csv").exists());
}

/// Guarantee 4: a run stopped before its first checkpoint (only `.mlgov/`
/// with a partial `state.bin.tmp`) is restarted cleanly by --resume, and a
/// `.tmp` file never makes a directory look finished to merge.
#[test]
fn a_run_stopped_before_its_first_checkpoint_resumes() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 8);
    let single = root.path().join("single");
    run_ok(&["run", s(&sc), "--out", s(&single), "--no-plots"]);
    let dir = root.path().join("dir");
    fs::create_dir_all(dir.join(".mlgov")).unwrap();
    // As if the disk filled while the first checkpoint was written.
    let state = fs::read(single.join(".mlgov/state.bin")).unwrap();
    fs::write(dir.join(".mlgov/state.bin.tmp"), &state[..state.len() / 2]).unwrap();
    let out = mlgov(&["merge", s(&dir), "--out", s(&root.path().join("m"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("has no .mlgov/state.bin"),
        "{}",
        stderr(&out)
    );
    // A complete-looking state under a .tmp name is not finished either.
    fs::write(dir.join(".mlgov/state.bin.tmp"), &state).unwrap();
    let out = mlgov(&["merge", s(&dir), "--out", s(&root.path().join("m"))]);
    assert_eq!(out.status.code(), Some(1));
    run_ok(&["run", s(&sc), "--out", s(&dir), "--resume", "--no-plots"]);
    for f in [
        "runs.csv",
        "summary.csv",
        "comparisons.csv",
        "trajectories.csv",
    ] {
        assert_eq!(
            fs::read(dir.join(f)).unwrap(),
            fs::read(single.join(f)).unwrap(),
            "{f}"
        );
    }
    // Results without a checkpoint cannot be verified: refused, truthfully.
    let orphan = root.path().join("orphan");
    fs::create_dir_all(&orphan).unwrap();
    fs::copy(single.join("runs.csv"), orphan.join("runs.csv")).unwrap();
    let err = refused(
        &["run", s(&sc), "--out", s(&orphan), "--resume", "--no-plots"],
        1,
    );
    assert!(
        err.contains("runs.csv but no checkpoint") && err.contains("rm -r"),
        "{err}"
    );
}

/// Guarantee 3: a damaged directory is refused with the command that starts
/// it afresh.
#[test]
fn a_damaged_directory_names_the_command_that_starts_afresh() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 8);
    let dir = root.path().join("out");
    run_ok(&["run", s(&sc), "--out", s(&dir), "--no-plots"]);
    fs::write(dir.join("runs.csv"), "configuration\n").unwrap();
    let err = refused(
        &["run", s(&sc), "--out", s(&dir), "--resume", "--no-plots"],
        1,
    );
    let line = err
        .lines()
        .find_map(|l| l.strip_prefix("start afresh with: "))
        .unwrap_or_else(|| panic!("{err}"));
    let status = Command::new("sh")
        .args([
            "-c",
            &line.replace(" mlgov ", &format!(" {} ", env!("CARGO_BIN_EXE_mlgov"))),
        ])
        .status()
        .unwrap();
    assert!(status.success(), "{line}");
    assert!(dir.join("manifest.json").exists());
}

/// Guarantee 4: SIGTERM and SIGINT stop `mlgov run` after saving a
/// checkpoint, print one line with the --resume command, and exit 143 / 130;
/// that command finishes the run with the same rows as an uninterrupted one.
#[cfg(unix)]
#[test]
fn signals_save_and_print_the_resume_command() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 8_000);
    for (signal, code) in [(libc::SIGTERM, 143), (libc::SIGINT, 130)] {
        let dir = root.path().join(format!("sig{signal}"));
        let child = Command::new(env!("CARGO_BIN_EXE_mlgov"))
            .args([
                "run",
                s(&sc),
                "--out",
                s(&dir),
                "--no-plots",
                "--threads",
                "1",
            ])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the first rows, then signal.
        let runs = dir.join("runs.csv");
        let started = std::time::Instant::now();
        while fs::metadata(&runs).map_or(0, |m| m.len()) < 5000 {
            assert!(started.elapsed().as_secs() < 60, "the run did not start");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(child.id() as i32, signal) };
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{err}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "{err}");
        assert!(lines[0].starts_with("interrupted by SIG"), "{err}");
        let (_, command) = lines[0].split_once("continue with: ").unwrap();
        assert!(command.ends_with("--resume"), "{command}");
        assert!(!dir.join("manifest.json").exists());
        if signal == libc::SIGTERM {
            let resumed = mlgov(&["run", s(&sc), "--out", s(&dir), "--no-plots", "--resume"]);
            assert!(resumed.status.success(), "{}", stderr(&resumed));
            let single = root.path().join("single");
            run_ok(&["run", s(&sc), "--out", s(&single), "--no-plots"]);
            for f in ["runs.csv", "summary.csv", "trajectories.csv"] {
                assert_eq!(
                    fs::read(dir.join(f)).unwrap(),
                    fs::read(single.join(f)).unwrap()
                );
            }
        }
    }
}

/// Guarantee 5: option values out of range are usage errors (exit 2) on
/// every subcommand, and run failures exit 1.
#[test]
fn usage_errors_exit_2_and_failures_exit_1() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 4);
    let out = root.path().join("out");
    let o = s(&out);
    let sens = |extra: &[&'static str]| {
        let mut v = vec!["sensitivity", s(&sc), "--out", o];
        v.extend_from_slice(extra);
        v
    };
    let cases: Vec<Vec<&str>> = vec![
        vec!["run", s(&sc), "--out", o, "--replications", "0"],
        vec!["run", s(&sc), "--out", o, "--threads", "0"],
        vec!["run", s(&sc), "--out", o, "--threads", "100000"],
        vec!["run", s(&sc), "--out", o, "--shard", "3/2"],
        vec!["run", s(&sc), "--out", o, "--replications", "99999999999"],
        sens(&["--method", "sobel", "--samples", "32"]),
        sens(&["--method", "morris", "--samples", "1"]),
        sens(&["--method", "morris", "--samples", "10", "--threads", "0"]),
        sens(&[
            "--method",
            "morris",
            "--samples",
            "10",
            "--threads",
            "100000",
        ]),
        sens(&["--method", "sobol", "--samples", "1000000000"]),
        vec!["simulate", s(&sc), "--out", o, "--months", "0"],
        vec!["assess", "--template", "--replications", "4294967295"],
    ];
    for args in cases {
        let r = mlgov(&args);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {}", stderr(&r));
        assert!(
            stderr(&r).starts_with("error: "),
            "{args:?}: {}",
            stderr(&r)
        );
    }
    assert!(!out.exists(), "a refused command creates nothing");
    // A run failure: the output is a file.
    fs::write(&out, "x").unwrap();
    let r = mlgov(&["simulate", s(&sc), "--out", o, "--configuration", "nope"]);
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    // A metric the results do not have is a usage error too, and draws
    // nothing.
    let res = root.path().join("res");
    let r = mlgov(&["run", s(&sc), "--out", s(&res), "--no-plots", "--quiet"]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let r = mlgov(&["plot", s(&res), "--metric", "nonsense"]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("unknown metric `nonsense`"),
        "{}",
        stderr(&r)
    );
    assert!(!res.join("charts").exists(), "nothing drawn");
}

/// Guarantee 2: work beyond the limits is refused up front with its size and
/// the limit, and the `--max-*` options raise the limits.
#[test]
fn oversized_work_is_refused_up_front() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 100);
    let out = root.path().join("out");
    let r = mlgov(&["run", s(&sc), "--out", s(&out), "--max-run-months", "2399"]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        err.contains("2 configurations × 100 replications × 12 months = 2400 simulated months")
            && err.contains("limit of 2399"),
        "{err}"
    );
    let r = mlgov(&["run", s(&sc), "--out", s(&out), "--max-memory-mb", "0"]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        err.contains("MiB needed") && err.contains("limit of 0 MiB"),
        "{err}"
    );
    assert!(!out.join("runs.csv").exists());
    run_ok(&[
        "run",
        s(&sc),
        "--out",
        s(&out),
        "--max-run-months",
        "2400",
        "--no-plots",
    ]);
    // Sensitivity: the design size is checked before it is built.
    let r = mlgov(&[
        "sensitivity",
        s(&sc),
        "--method",
        "morris",
        "--samples",
        "100",
        "--out",
        s(&root.path().join("m")),
        "--max-evaluations",
        "299",
    ]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        err.contains("= 300 design points") && err.contains("limit of 299"),
        "{err}"
    );
    // A grid of more than MAX_CONFIGURATIONS is refused by check, at once.
    let values = (0..10)
        .map(|k| format!("0.{k}1"))
        .collect::<Vec<_>>()
        .join(", ");
    let grid = root.path().join("grid.toml");
    fs::write(
        &grid,
        format!(
            "[experiment]\nassignments = \"all\"\n[experiment.grid]\n\
             \"partnership.trust.prior\" = [{values}]\n\"partnership.exit_rate\" = [{values}]\n\
             \"partnership.trust.forgetting\" = [{}]\n",
            (0..10)
                .map(|k| format!("0.9{k}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let r = mlgov(&["check", s(&grid)]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "gives 27000 configurations (1 variants × 27 assignments × 1000 grid combinations), more than the limit of {}",
            mlgov::scenario::MAX_CONFIGURATIONS
        )),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 10);
}

/// Guarantee 5: field errors name the path, range and value for whole
/// numbers of every width, all together; variants may not set experiment
/// settings; FIFOs and devices are refused without waiting.
#[test]
fn input_contract() {
    let root = tempfile::tempdir().unwrap();
    let bad = root.path().join("bad.toml");
    fs::write(
        &bad,
        "[experiment]\nmonths = 4294967296\nreplications = 0\n\
         [[partnership.partners]]\ncount = 99999999999\n\
         [[variants]]\nname = \"v\"\n\
         set = { \"experiment.replications\" = 5, \"experiment.seed\" = 3, \"experiment.months\" = 3, \
         \"experiment.assignments\" = \"all\", \"scenario.name\" = \"x\" }\n",
    )
    .unwrap();
    let r = mlgov(&["check", s(&bad)]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(2), "{err}");
    for expected in [
        "experiment.months: must be a whole number in [0, 4294967295], got 4294967296",
        "experiment.replications: must be in [1, 10000000], got 0",
        "partnership.partners[0].count: must be a whole number in [0, 4294967295], got 99999999999",
        "variants.v.set.\"experiment.replications\": `experiment.replications` is a setting of the whole experiment",
        "variants.v.set.\"experiment.seed\"",
        "variants.v.set.\"experiment.months\"",
        "variants.v.set.\"experiment.assignments\"",
        "variants.v.set.\"scenario.name\"",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in {err}");
    }
    let huge = root.path().join("huge.toml");
    fs::write(
        &huge,
        "[experiment]\nseed = 1\nmonths = 99999999999999999999\n",
    )
    .unwrap();
    let err = stderr(&mlgov(&["check", s(&huge)]));
    assert!(
        err.contains(
            "experiment.months: must be a whole number in [0, 4294967295], got 99999999999999999999"
        ),
        "{err}"
    );
    #[cfg(unix)]
    {
        let fifo = root.path().join("pipe.toml");
        let c = std::ffi::CString::new(s(&fifo)).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        for cmd in ["check", "run"] {
            let r = mlgov(
                &[cmd, s(&fifo), "--out", s(&root.path().join("o"))]
                    [..if cmd == "check" { 2 } else { 4 }],
            );
            assert_eq!(r.status.code(), Some(2));
            assert!(
                stderr(&r).contains("a FIFO (named pipe), not a regular file"),
                "{}",
                stderr(&r)
            );
        }
    }
    let big = root.path().join("big.toml");
    fs::write(&big, "#".repeat(mlgov::input::MAX_INPUT_BYTES as usize + 1)).unwrap();
    let err = stderr(&mlgov(&["check", s(&big)]));
    assert!(err.contains("over the limit of 4194304 bytes"), "{err}");
}

/// Guarantee 5: `simulate` refuses to overwrite run.csv unless --force, as
/// `run` refuses a results directory.
#[test]
fn simulate_does_not_overwrite_without_force() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 4);
    let out = root.path().join("one");
    run_ok(&["simulate", s(&sc), "--out", s(&out), "--seed", "1"]);
    fs::write(out.join("run.csv"), "mine").unwrap();
    let r = mlgov(&["simulate", s(&sc), "--out", s(&out), "--seed", "2"]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("--force"));
    assert_eq!(fs::read_to_string(out.join("run.csv")).unwrap(), "mine");
    run_ok(&[
        "simulate",
        s(&sc),
        "--out",
        s(&out),
        "--seed",
        "2",
        "--force",
    ]);
    assert!(
        fs::read_to_string(out.join("run.csv"))
            .unwrap()
            .starts_with("month,")
    );
}

/// Guarantee 5: charts never replace a file mlgov did not draw, unless
/// `plot --force`; files mlgov drew are redrawn freely.
#[test]
fn charts_do_not_replace_the_users_files() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 8);
    let drawn = root.path().join("drawn");
    run_ok(&["run", s(&sc), "--out", s(&drawn), "--quiet"]);
    let mut names: Vec<String> = fs::read_dir(drawn.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    // mlgov's own charts are redrawn without --force.
    run_ok(&["plot", s(&drawn)]);

    let dir = root.path().join("mine");
    fs::create_dir_all(dir.join("charts")).unwrap();
    let theirs = dir.join("charts").join(&names[0]);
    fs::write(&theirs, "the user's file").unwrap();
    fs::write(dir.join("charts/notes.txt"), "other").unwrap();
    // The run's results are written; its charts are refused, nothing replaced.
    let r = mlgov(&["run", s(&sc), "--out", s(&dir)]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&theirs.display().to_string()) && err.contains("--force"),
        "{err}"
    );
    assert!(dir.join("manifest.json").exists());
    assert_eq!(fs::read_to_string(&theirs).unwrap(), "the user's file");
    let r = mlgov(&["plot", s(&dir)]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert_eq!(fs::read_to_string(&theirs).unwrap(), "the user's file");
    assert_eq!(
        fs::read_dir(dir.join("charts")).unwrap().count(),
        2,
        "nothing written"
    );
    run_ok(&["plot", s(&dir), "--force"]);
    assert_ne!(
        fs::read_to_string(&theirs).unwrap_or_default(),
        "the user's file"
    );
    assert_eq!(
        fs::read_to_string(dir.join("charts/notes.txt")).unwrap(),
        "other"
    );
    run_ok(&["plot", s(&dir)]);
}

/// Runs mlgov, failing the test (and killing it) if it has not finished
/// within 30 s: a command waiting on a FIFO never would.
fn mlgov_within(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run mlgov");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(std::time::Duration::from_secs(30)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("{args:?} did not finish in 30 s (waiting on a FIFO?)");
        }
    }
}

/// Guarantee 5: a FIFO in place of a file of a results directory is refused
/// at once (naming it) by every command that reads the directory, never
/// waited on.
#[cfg(unix)]
#[test]
fn results_files_that_are_not_regular_files_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 8);
    let one = root.path().join("one");
    let two = root.path().join("two");
    run_ok(&[
        "run",
        s(&sc),
        "--out",
        s(&one),
        "--shard",
        "1/2",
        "--save-trajectories",
        "--quiet",
    ]);
    run_ok(&[
        "run",
        s(&sc),
        "--out",
        s(&two),
        "--shard",
        "2/2",
        "--save-trajectories",
        "--quiet",
    ]);
    let resume = |dir: &Path| -> Vec<String> {
        [
            "run",
            s(&sc),
            "--out",
            s(dir),
            "--shard",
            "1/2",
            "--save-trajectories",
            "--resume",
            "--no-plots",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect()
    };
    let merged = root.path().join("merged");
    let _ = fs::remove_dir_all(&merged);
    let cases: Vec<(&str, Vec<Vec<String>>)> = vec![
        ("runs.csv", vec![resume(&one)]),
        ("run_trajectories.csv.gz", vec![resume(&one)]),
        (".mlgov/state.bin", vec![resume(&one)]),
        (
            "summary.csv",
            vec![
                vec!["plot".into(), s(&one).into()],
                vec!["report".into(), s(&one).into()],
            ],
        ),
        (
            "manifest.json",
            vec![
                vec!["plot".into(), s(&one).into()],
                vec!["report".into(), s(&one).into()],
            ],
        ),
    ];
    let merge: Vec<String> = ["merge", s(&one), s(&two), "--out", s(&merged)]
        .iter()
        .map(|a| a.to_string())
        .collect();
    for (name, mut commands) in cases {
        if name != "summary.csv" && name != "manifest.json" {
            commands.push(merge.clone());
        }
        let path = one.join(name);
        let kept = root.path().join("kept");
        fs::rename(&path, &kept).unwrap();
        let c = std::ffi::CString::new(s(&path)).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        for args in commands {
            // A merge that failed half-way leaves its output folder.
            let _ = fs::remove_dir_all(&merged);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = mlgov_within(&args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{name}: {args:?}: {err}");
            assert!(
                err.contains(&path.display().to_string())
                    && err.contains("a FIFO (named pipe), not a regular file"),
                "{name}: {args:?}: {err}"
            );
        }
        fs::remove_file(&path).unwrap();
        fs::rename(&kept, &path).unwrap();
    }
    let _ = fs::remove_dir_all(&merged);
    run_ok(&["merge", s(&one), s(&two), "--out", s(&merged), "--quiet"]);
    // A second merge into it is refused with the command that clears it
    // (merge has no --resume).
    let err = refused(&["merge", s(&one), s(&two), "--out", s(&merged)], 1);
    assert!(
        err.contains(&format!("rm -r {}", merged.display())) && !err.contains("--resume"),
        "{err}"
    );
}

/// Guarantee 5: `report`, `sensitivity` and `man --out` never replace a file
/// that mlgov did not write unless `--force`; their own files they replace.
#[test]
fn reports_sensitivity_and_man_pages_do_not_replace_the_users_files() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 8);
    let dir = root.path().join("out");
    run_ok(&["run", s(&sc), "--out", s(&dir), "--quiet"]);
    // The run's own report is redrawn without --force.
    run_ok(&["report", s(&dir), "--quiet"]);
    let refused = |args: &[&str], file: &Path| {
        fs::write(file, "the user's file").unwrap();
        let out = mlgov(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(&format!(
                "{} already exists and was not written by mlgov",
                file.display()
            )) && err.contains("--force"),
            "{args:?}: {err}"
        );
        assert_eq!(fs::read_to_string(file).unwrap(), "the user's file");
        let mut forced = args.to_vec();
        forced.push("--force");
        run_ok(&forced);
        assert_ne!(fs::read_to_string(file).unwrap(), "the user's file");
        // Now mlgov's own: replaced without --force.
        run_ok(args);
    };
    refused(&["report", s(&dir), "--quiet"], &dir.join("report.html"));
    // A run into a folder holding the user's report.html keeps it.
    let other = root.path().join("other");
    fs::create_dir_all(&other).unwrap();
    fs::write(other.join("report.html"), "the user's file").unwrap();
    let out = mlgov(&["run", s(&sc), "--out", s(&other), "--quiet"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(other.join("report.html")).unwrap(),
        "the user's file"
    );

    let sens = root.path().join("sens");
    fs::create_dir_all(&sens).unwrap();
    let args = [
        "sensitivity",
        s(&sc),
        "--method",
        "morris",
        "--samples",
        "2",
        "--replications",
        "2",
        "--out",
        s(&sens),
        "--quiet",
    ];
    refused(&args, &sens.join("sensitivity.csv"));
    refused(&args, &sens.join("sensitivity.json"));

    let man = root.path().join("man");
    fs::create_dir_all(&man).unwrap();
    refused(
        &["man", "--out", s(&man), "--quiet"],
        &man.join("mlgov-run.1"),
    );
}

/// Guarantee 2: checking is linear in the input's size. 400,000 unknown keys
/// (a 3.9 MB file, under the input limit) are answered within seconds; the
/// answer counts every problem, lists the first ones and says how many more
/// there are.
#[test]
fn checking_many_unknown_keys_is_prompt_and_lists_the_first() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("unknown.toml");
    let text: String = (0..400_000).map(|i| format!("k{i}=1\n")).collect();
    assert!(text.len() > 3_800_000 && text.len() < mlgov::input::MAX_INPUT_BYTES as usize);
    fs::write(&path, &text).unwrap();
    let started = std::time::Instant::now();
    let r = mlgov_within(&["check", s(&path)]);
    let elapsed = started.elapsed();
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(2), "{}", &err[..err.len().min(2000)]);
    // A guard with a wide margin (about 1 s in a release build), not a
    // benchmark: before checking was linear this took over ten minutes.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
    let listed = mlgov::scenario::MAX_LISTED_PROBLEMS;
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].ends_with("400000 problems"), "{}", lines[0]);
    assert!(lines[1].contains("k0: unknown field"), "{}", lines[1]);
    assert_eq!(
        lines.len(),
        1 + listed + 1,
        "{}",
        &err[..err.len().min(2000)]
    );
    assert_eq!(
        lines[listed + 1].trim(),
        format!("... and {} more problems", 400_000 - listed)
    );
    // Unknown grid keys, each compared with every parameter path for a hint.
    let text: String = "[experiment.grid]\n".to_string()
        + &(0..100_000)
            .map(|i| format!("\"partnership.trust.forgettin{i}\"=[1]\n"))
            .collect::<String>();
    fs::write(&path, &text).unwrap();
    let started = std::time::Instant::now();
    let r = mlgov_within(&["check", s(&path)]);
    let elapsed = started.elapsed();
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(2), "{}", &err[..err.len().min(2000)]);
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
    assert!(err.lines().next().unwrap().ends_with("100000 problems"));
    assert!(
        err.contains("(did you mean `partnership.trust.forgetting`?)"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(err.ends_with(&format!("... and {} more problems\n", 100_000 - listed)));
}

/// Guarantee 2: list lengths are refused from the file's shape before any
/// configuration is built: a grid key with 9,999 values, a list of 300,000
/// policy domains, 160,000 partner groups, each at once with the path and
/// the limit.
#[test]
fn long_lists_are_refused_before_configurations_are_built() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("long.toml");
    let max = mlgov::scenario::MAX_GRID_VALUES;
    let values = (0..9_999)
        .map(|i| format!("{:.5}", 0.5 + f64::from(i) * 1e-5))
        .collect::<Vec<_>>()
        .join(", ");
    let domains = vec!["\"health\""; 300_000].join(",");
    let cases = [
        (
            format!("[experiment.grid]\n\"partnership.trust.prior\" = [{values}]\n"),
            format!("experiment.grid.\"partnership.trust.prior\": at most {max} values, got 9999"),
        ),
        (
            format!("[experiment]\nassignments = \"all\"\n[governance]\ndomains = [{domains}]\n"),
            "governance.domains: at most".to_string(),
        ),
        (
            "[experiment]\nassignments = \"all\"\n".to_string()
                + &"[[partnership.partners]]\n".repeat(160_000),
            "partnership.partners: at most 500 partner groups, got 160000".to_string(),
        ),
    ];
    for (text, expected) in cases {
        fs::write(&path, &text).unwrap();
        let started = std::time::Instant::now();
        let r = mlgov_within(&["check", s(&path)]);
        let elapsed = started.elapsed();
        let err = stderr(&r);
        assert_eq!(r.status.code(), Some(2), "{}", &err[..err.len().min(2000)]);
        assert!(
            err.contains(&expected),
            "{expected}: {}",
            &err[..err.len().min(2000)]
        );
        assert!(elapsed.as_secs() < 5, "{expected}: {elapsed:?}");
    }
}

/// Guarantee 5: input and usage problems exit 2 on every subcommand:
/// `discover --out` onto a file, `sensitivity` with nothing uncertain; a
/// negative whole number is refused with the field's range.
#[test]
fn input_problems_exit_2_on_every_subcommand() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 8);
    let res = root.path().join("res");
    run_ok(&["run", s(&sc), "--out", s(&res), "--no-plots", "--quiet"]);
    let file = root.path().join("a-file");
    fs::write(&file, "mine").unwrap();
    let err = refused(
        &[
            "discover",
            s(&res),
            "--metric",
            "fit",
            "--below",
            "0.5",
            "--out",
            s(&file),
        ],
        2,
    );
    assert!(err.contains(s(&file)), "{err}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine");
    let certain = root.path().join("certain.toml");
    fs::write(&certain, "[experiment]\nreplications = 2\nmonths = 6\n").unwrap();
    let err = refused(
        &[
            "sensitivity",
            s(&certain),
            "--method",
            "morris",
            "--samples",
            "4",
            "--out",
            s(&root.path().join("sens")),
        ],
        2,
    );
    assert!(err.contains("0 uncertain parameters"), "{err}");
    let negative = root.path().join("negative.toml");
    fs::write(
        &negative,
        "[places]\nregions = -1\n[experiment]\nmonths = -1\n",
    )
    .unwrap();
    let err = refused(&["check", s(&negative)], 2);
    for expected in [
        "places.regions: must be a whole number in [1, 50], got -1",
        "experiment.months: must be a whole number in [1, 1200], got -1",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in {err}");
    }
}

/// Lists a folder's entries (names, recursively) and its modification time.
fn listing(dir: &Path) -> (Vec<String>, std::time::SystemTime) {
    let mut names = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            names.push(e.path().display().to_string());
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    names.sort();
    (names, fs::metadata(dir).unwrap().modified().unwrap())
}

/// Guarantee 1: `merge` locks only the folder it writes: it reads shards on
/// a read-only file system, creating nothing in them (and a shard being
/// written is still refused: `a_locked_directory_is_refused_by_every_writer`).
#[cfg(unix)]
#[test]
fn merge_reads_shards_without_writing_to_them() {
    let root = tempfile::tempdir().unwrap();
    let sc = scenario(root.path(), 8);
    let shards = root.path().join("shards");
    let shard = |k: u32| shards.join(format!("s{k}"));
    for k in 1..=2 {
        let spec = format!("{k}/2");
        run_ok(&[
            "run",
            s(&sc),
            "--out",
            s(&shard(k)),
            "--shard",
            &spec,
            "--no-plots",
            "--quiet",
        ]);
    }
    let before: Vec<_> = (1..=2).map(|k| listing(&shard(k))).collect();
    // Make sure a file created now would change the folders' times.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let merged = root.path().join("merged");
    run_ok(&[
        "merge",
        s(&shard(1)),
        s(&shard(2)),
        "--out",
        s(&merged),
        "--no-plots",
        "--quiet",
    ]);
    assert!(merged.join("runs.csv").exists());
    let after: Vec<_> = (1..=2).map(|k| listing(&shard(k))).collect();
    assert_eq!(before, after, "merge created or removed a file in a shard");
    // On a read-only file system, where the tools allow one: the shards
    // mounted read-only in a private mount namespace.
    let probe = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED (read-only mount): unshare is not available here");
        return;
    }
    let merged = root.path().join("merged-ro");
    let script = format!(
        "mount --bind -o ro {shards} {shards} && ! touch {shards}/s1/x 2>/dev/null && \
         {bin} merge {shards}/s1 {shards}/s2 --out {merged} --no-plots --quiet",
        shards = s(&shards),
        bin = env!("CARGO_BIN_EXE_mlgov"),
        merged = s(&merged)
    );
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fs::read(merged.join("runs.csv")).unwrap(),
        fs::read(root.path().join("merged/runs.csv")).unwrap()
    );
}

/// Guarantee 2: work beyond a day at the measured speed asks for `--yes`:
/// without it (and under --quiet, or without a terminal) it is refused with
/// the estimate, before anything is written.
#[test]
fn work_beyond_a_day_needs_yes() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let grid = "examples/scenarios/lloyd_grid.toml";
    for quiet in [true, false] {
        let mut args = vec![
            "run",
            grid,
            "--out",
            s(&out),
            "--replications",
            "10000000",
            "--max-run-months",
            "100000000000000",
            "--max-memory-mb",
            "100000000",
        ];
        if quiet {
            args.push("--quiet");
        }
        let out_ = mlgov_within(&args);
        let err = stderr(&out_);
        assert_eq!(out_.status.code(), Some(2), "{err}");
        assert!(
            err.contains("partnership-months") && err.contains("hours") && err.contains("--yes"),
            "{err}"
        );
        assert!(!out.exists(), "nothing written");
    }
}
