//! `mlgov slurm`: its checks, its job scripts run by hand, and the whole
//! thing against a live Slurm.
//!
//! The live test installs Slurm from the Debian packages (`slurm-wlm`,
//! `munge`) when it is missing, starts a private one-node cluster (its own
//! munge key and socket, configuration, ports, state and spool folders, all
//! in a temporary folder; `SLURM_CONF` is set only in the environment of the
//! commands it runs), submits a 3-shard experiment with `mlgov slurm
//! --submit`, requeues one task while it runs, waits for the merge job and
//! compares every output file with a single-machine run; then it makes one
//! shard fail for good and checks that the merge job fails naming it, and
//! that the command it prints reruns it. Everything it started is stopped
//! when it ends, also on a failure. Without root and `apt-get` it says why
//! and returns, unless `CI` or `MLGOV_REQUIRE_SLURM=1` is set: then it fails.

#![cfg(unix)]

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const MLGOV: &str = env!("CARGO_BIN_EXE_mlgov");
const LLOYD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/scenarios/lloyd_grid.toml"
);
/// Set in the environment of every process this test starts (daemons,
/// submissions, hence the jobs): what is left of them at the end is found
/// by it and stopped.
const MARKER: &str = "MLGOV_SLURM_TEST";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn mlgov(args: &[&str]) -> Output {
    Command::new(MLGOV).args(args).output().unwrap()
}

/// Runs `bash SCRIPT` as Slurm would run array task `task` (`None`: the
/// merge job).
fn bash(script: &Path, task: Option<u32>) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(script);
    if let Some(task) = task {
        cmd.env("SLURM_ARRAY_TASK_ID", task.to_string());
    }
    cmd.output().unwrap()
}

/// Every file under `dir`, relative, leaving out the folders `skip`.
fn files(dir: &Path, skip: &[&str]) -> BTreeSet<PathBuf> {
    fn walk(root: &Path, dir: &Path, skip: &[&str], out: &mut BTreeSet<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            if skip.iter().any(|s| rel == Path::new(s)) {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, skip, out);
            } else {
                out.insert(rel);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, skip, &mut out);
    out
}

/// `merged` (the merge into the folder of `mlgov slurm`) against `single`
/// (`mlgov run` on one machine): the same files, byte for byte, except
/// `manifest.json` (`"threads": null`, and the elapsed time is the sum over
/// the shards) and the checkpoint `.mlgov/state.bin`, which records that
/// time too. Returns how many files were compared byte for byte.
fn assert_same_results(merged: &Path, single: &Path) -> usize {
    let ours = files(merged, &["shards", "slurm"]);
    let theirs = files(single, &[]);
    assert_eq!(
        ours, theirs,
        "the merge and the single run wrote different files"
    );
    let mut compared = 0;
    for rel in &theirs {
        let (a, b) = (merged.join(rel), single.join(rel));
        if rel == Path::new(".mlgov/state.bin") {
            continue;
        }
        if rel == Path::new("manifest.json") {
            let read = |p: &Path| -> serde_json::Value {
                serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap()
            };
            let (mut x, mut y) = (read(&a), read(&b));
            assert_eq!(x["threads"], serde_json::Value::Null);
            for key in ["threads", "elapsed_seconds"] {
                x.as_object_mut().unwrap().remove(key);
                y.as_object_mut().unwrap().remove(key);
            }
            assert_eq!(
                x, y,
                "manifest.json differs beyond threads and elapsed time"
            );
            continue;
        }
        assert!(
            fs::read(&a).unwrap() == fs::read(&b).unwrap(),
            "{} differs between the merge and the single run",
            rel.display()
        );
        compared += 1;
    }
    compared
}

// ---------------------------------------------------------------------------
// Without Slurm.

#[test]
fn bad_options_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let bad_scenario = tmp.path().join("bad.toml");
    fs::write(&bad_scenario, "[experiment]\nreplications = -3\n").unwrap();
    let o = s(&out);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--shards", "0"], "--shards"),
        (vec!["--shards", "10001"], "--shards"),
        (vec!["--shards", "x"], "--shards"),
        (vec!["--time", "25:61:00"], "--time"),
        (vec!["--time", "2:00"], "--time"),
        (vec!["--time", "01:00:00;reboot"], "--time"),
        (vec!["--mem", "4X"], "--mem"),
        (vec!["--mem", "$(id)"], "--mem"),
        (vec!["--partition", "a;b"], "--partition"),
        (vec!["--partition=-x"], "--partition"),
        (vec!["--account", "x y"], "--account"),
        (vec!["--account", "`id`"], "--account"),
        (vec!["--cpus-per-task", "0"], "--cpus-per-task"),
        (vec!["--threads", "0"], "--threads"),
        (vec!["--replications", "0"], "--replications"),
        (
            vec!["--replications", "2"],
            "--shards 3: more shards than replications",
        ),
        (
            vec!["--max-run-months", "10"],
            "(checked for shard 3/3, the largest",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["slurm", LLOYD, "--out", o, "--shards", "3"];
        args.extend(&extra);
        let r = mlgov(&args);
        let err = text(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(expected), "{extra:?}: {err}");
        assert!(!out.exists(), "{extra:?} wrote {o}");
    }
    for dir in ["with space", "per%cent", "quo'te", "dollar$x"] {
        let bad = tmp.path().join(dir);
        let r = mlgov(&["slurm", LLOYD, "--shards", "2", "--out", s(&bad)]);
        let err = text(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{dir}: {err}");
        assert!(
            err.contains("--out") && err.contains("choose another --out"),
            "{err}"
        );
        assert!(!bad.exists());
    }
    let r = mlgov(&["slurm", s(&bad_scenario), "--shards", "2", "--out", o]);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r.stderr));
    assert!(text(&r.stderr).contains("replications"));
    assert!(!out.exists());
}

#[test]
fn an_earlier_output_folder_is_kept_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |dir: &Path, force: bool| {
        let mut args = vec!["slurm", LLOYD, "--shards", "2", "--out", s(dir)];
        if force {
            args.push("--force");
        }
        mlgov(&args)
    };
    // The scripts of an earlier `mlgov slurm`.
    let a = tmp.path().join("a");
    assert!(write(&a, false).status.success());
    let first = fs::read(a.join("slurm/array.sh")).unwrap();
    let r = write(&a, false);
    assert_eq!(r.status.code(), Some(2));
    assert!(text(&r.stderr).contains("array.sh already exists"));
    assert!(text(&r.stderr).contains("--force"));
    assert!(write(&a, true).status.success());
    assert_eq!(fs::read(a.join("slurm/array.sh")).unwrap(), first);

    // Results in the folder: refused, removed with --force (the merge job
    // writes them again); the user's other files stay.
    let b = tmp.path().join("b");
    let r = mlgov(&[
        "run",
        LLOYD,
        "--replications",
        "2",
        "--no-plots",
        "--out",
        s(&b),
    ]);
    assert!(r.status.success());
    fs::write(b.join("notes.txt"), "mine").unwrap();
    let r = write(&b, false);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        text(&r.stderr).contains("already holds results"),
        "{}",
        text(&r.stderr)
    );
    assert!(b.join("runs.csv").exists());
    assert!(write(&b, true).status.success());
    assert!(!b.join("runs.csv").exists() && !b.join(".mlgov").exists());
    assert!(!b.join("manifest.json").exists());
    assert_eq!(fs::read_to_string(b.join("notes.txt")).unwrap(), "mine");

    // Shards of an earlier run: refused; kept with --force.
    let c = tmp.path().join("c");
    fs::create_dir_all(c.join("shards/shard-1")).unwrap();
    let r = write(&c, false);
    assert_eq!(r.status.code(), Some(2));
    assert!(text(&r.stderr).contains("already holds shards"));
    assert!(write(&c, true).status.success());
    assert!(c.join("shards/shard-1").is_dir());
}

#[test]
fn without_sbatch_submit_fails_saying_how_to_submit() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = Command::new(MLGOV)
        .args([
            "slurm",
            LLOYD,
            "--shards",
            "2",
            "--submit",
            "--out",
            s(&out),
        ])
        .env("PATH", tmp.path().join("no-such-folder"))
        .output()
        .unwrap();
    let err = text(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot run sbatch"), "{err}");
    assert!(
        err.contains(&format!(
            "array=$(sbatch --parsable {}/slurm/array.sh) && sbatch --dependency=afterany:$array {}/slurm/merge.sh",
            out.display(),
            out.display()
        )),
        "{err}"
    );
    assert!(out.join("slurm/array.sh").exists());
}

/// The scripts as Slurm would run them, by hand: two tasks finish, the
/// third never ran; the merge job fails naming it and the command that
/// reruns it; that command, then the merge job again, give the single run's
/// results. The program is run from a path with a space and a quote, which
/// the scripts must quote.
#[test]
fn job_scripts_run_by_hand_merge_to_the_single_run_after_a_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("my bin");
    fs::create_dir_all(&bin).unwrap();
    let exe = bin.join("it's mlgov");
    if fs::hard_link(MLGOV, &exe).is_err() {
        fs::copy(MLGOV, &exe).unwrap();
    }
    let dir = tmp.path().join("grid");
    let r = Command::new(&exe)
        .args(["slurm", LLOYD, "--shards", "3", "--out", s(&dir)])
        .args(["--replications", "6", "--seed", "7", "--cpus-per-task", "2"])
        .args(["--partition", "debug", "--account", "proj_1.a-b"])
        .args(["--time", "1-00:00:00", "--mem", "4G", "--no-plots"])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", text(&r.stderr));
    let printed = text(&r.stdout);
    assert!(
        printed.contains(&format!(
            "array=$(sbatch --parsable {0}/slurm/array.sh) && sbatch --dependency=afterany:$array {0}/slurm/merge.sh",
            dir.display()
        )),
        "{printed}"
    );
    let array = fs::read_to_string(dir.join("slurm/array.sh")).unwrap();
    for line in [
        "#SBATCH --array=0-2\n",
        "#SBATCH --cpus-per-task=2\n",
        "#SBATCH --partition=debug\n",
        "#SBATCH --account=proj_1.a-b\n",
        "#SBATCH --time=1-00:00:00\n",
        "#SBATCH --mem=4G\n",
        "#SBATCH --requeue\n",
        &format!(
            "#SBATCH --output={}/slurm/logs/slurm-%A_%a.out\n",
            dir.display()
        ),
        &format!("mlgov='{}/my bin/it'\\''s mlgov'\n", tmp.path().display()),
        "--shard \"$k/$n\" --replications 6 --seed 7 --threads 2 --resume --no-plots --format csv --yes",
    ] {
        assert!(array.contains(line), "array.sh lacks {line:?}:\n{array}");
    }
    let merge = fs::read_to_string(dir.join("slurm/merge.sh")).unwrap();
    for line in [
        "#SBATCH --cpus-per-task=1\n",
        "#SBATCH --partition=debug\n",
        "#SBATCH --account=proj_1.a-b\n",
        "#SBATCH --time=1-00:00:00\n",
        "#SBATCH --mem=4G\n",
    ] {
        assert!(merge.contains(line), "merge.sh lacks {line:?}:\n{merge}");
    }
    // The directives come before the first command, where sbatch reads them.
    let first_command = array
        .lines()
        .position(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap();
    assert!(
        array
            .lines()
            .skip(first_command)
            .all(|l| !l.starts_with("#SBATCH"))
    );

    let array = dir.join("slurm/array.sh");
    let merge = dir.join("slurm/merge.sh");
    for task in [0, 2] {
        let r = bash(&array, Some(task));
        assert!(r.status.success(), "task {task}: {}", text(&r.stderr));
    }
    let log = fs::read_to_string(dir.join("slurm/logs/shard-3.log")).unwrap();
    assert!(
        log.starts_with("shard 3/3: Slurm job ?_2, attempt 1, on "),
        "{log}"
    );
    assert!(log.contains("runs ok, 0 failed (shard 3/3)"), "{log}");
    let r = bash(&array, None);
    assert!(!r.status.success());
    assert!(text(&r.stderr).contains("submit it with sbatch"));

    // Shard 2 never ran: the merge job fails, names it and how to rerun it.
    let r = bash(&merge, None);
    let err = text(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "error: shard 2/3 did not finish: {}/shards/shard-2 has no manifest.json",
            dir.display()
        )),
        "{err}"
    );
    assert!(
        !err.contains("shard 1/3") && !err.contains("shard 3/3"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "sbatch --dependency=afterany:$(sbatch --parsable --array=1 {0}/slurm/array.sh) {0}/slurm/merge.sh",
            dir.display()
        )),
        "{err}"
    );
    assert!(!dir.join("runs.csv").exists());
    let rerun = err
        .lines()
        .find(|l| l.contains(" run ") && l.contains("--shard 2/3"))
        .unwrap_or_else(|| panic!("no command reruns shard 2:\n{err}"));
    let r = Command::new("bash").args(["-c", rerun]).output().unwrap();
    assert!(r.status.success(), "{rerun}: {}", text(&r.stderr));

    let r = bash(&merge, None);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(text(&r.stdout).contains("merged 3 shards: 162 runs ok"));
    let single = tmp.path().join("single");
    let r = mlgov(&[
        "run",
        LLOYD,
        "--replications",
        "6",
        "--seed",
        "7",
        "--no-plots",
        "--out",
        s(&single),
    ]);
    assert!(r.status.success());
    assert!(assert_same_results(&dir, &single) >= 5);

    // Merging again is harmless; `mlgov merge` itself, refused, names only
    // the merge's own files for removal, not the folder holding the shards.
    let r = bash(&merge, None);
    assert!(r.status.success());
    assert!(text(&r.stdout).contains("already holds the merged results"));
    let shards: Vec<String> = (1..=3)
        .map(|k| format!("{}/shards/shard-{k}", dir.display()))
        .collect();
    let r = Command::new(MLGOV)
        .arg("merge")
        .args(&shards)
        .args(["--out", s(&dir)])
        .output()
        .unwrap();
    let err = text(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("already holds results"), "{err}");
    let removal = err.split("rm -r ").nth(1).unwrap_or_default();
    assert!(
        removal.contains("runs.csv") && removal.contains(".mlgov"),
        "{err}"
    );
    assert!(
        !removal.contains("shards") && !removal.contains("slurm"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// A live Slurm.

/// Whether the live test must run: under CI, or with MLGOV_REQUIRE_SLURM=1.
fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
        || std::env::var("MLGOV_REQUIRE_SLURM").as_deref() == Ok("1")
}

/// `name` on the PATH or in the system folders daemons are installed in.
fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

const PROGRAMS: [&str; 9] = [
    "sbatch",
    "squeue",
    "scontrol",
    "sinfo",
    "scancel",
    "slurmctld",
    "slurmd",
    "munged",
    "munge",
];

/// Installs `slurm-wlm` and `munge` from the distribution when a program is
/// missing; says why when that is not possible.
fn install() -> Result<(), String> {
    let missing: Vec<&str> = PROGRAMS.into_iter().filter(|p| find(p).is_none()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err(format!(
            "Slurm is not installed ({} missing) and this user is not root, so it cannot be \
             installed here (apt-get install -y slurm-wlm munge)",
            missing.join(", ")
        ));
    }
    if find("apt-get").is_none() {
        return Err(format!(
            "Slurm is not installed ({} missing) and there is no apt-get to install it with",
            missing.join(", ")
        ));
    }
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(["-o", "DPkg::Lock::Timeout=300"])
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output()
    };
    let install = ["install", "-y", "slurm-wlm", "munge"];
    let mut r = apt(&install).map_err(|e| format!("cannot run apt-get: {e}"))?;
    if !r.status.success() {
        let _ = apt(&["update"]);
        r = apt(&install).map_err(|e| format!("cannot run apt-get: {e}"))?;
    }
    let still: Vec<&str> = PROGRAMS.into_iter().filter(|p| find(p).is_none()).collect();
    if !r.status.success() || !still.is_empty() {
        return Err(format!(
            "`apt-get install -y slurm-wlm munge` failed ({}; still missing: {}): {}",
            r.status,
            still.join(", "),
            tail(&text(&r.stderr), 5)
        ));
    }
    Ok(())
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A private one-node Slurm cluster: munged, slurmctld and slurmd, children
/// of this test. Dropping it cancels its jobs and stops them.
struct Cluster {
    dir: PathBuf,
    conf: PathBuf,
    marker: String,
    daemons: Vec<(&'static str, Child)>,
    /// Removed last, after everything that used it has stopped.
    _tmp: tempfile::TempDir,
}

impl Cluster {
    /// A command of this cluster: `SLURM_CONF` names its configuration.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(find(program).unwrap_or_else(|| program.into()));
        cmd.env("SLURM_CONF", &self.conf).env(MARKER, &self.marker);
        cmd
    }

    fn output(&self, program: &str, args: &[&str]) -> Output {
        self.command(program).args(args).output().unwrap()
    }

    fn spawn(&mut self, name: &'static str, args: &[&str]) -> Result<(), String> {
        let log = fs::File::create(self.dir.join(format!("log/{name}.out"))).unwrap();
        let child = self
            .command(name)
            .args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        self.daemons.push((name, child));
        Ok(())
    }

    /// What the daemons said, for a failure's message.
    fn diagnostics(&self) -> String {
        let mut out = String::new();
        for name in [
            "munged.out",
            "slurmctld.log",
            "slurmd.log",
            "slurmctld.out",
            "slurmd.out",
        ] {
            if let Ok(t) = fs::read_to_string(self.dir.join("log").join(name)) {
                out.push_str(&format!("--- {name}:\n{}\n", tail(&t, 15)));
            }
        }
        out
    }

    fn start() -> Result<Cluster, String> {
        install()?;
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err(
                "this user is not root, and the private cluster runs its daemons as root \
                 (SlurmUser=root)"
                    .into(),
            );
        }
        let tmp = tempfile::Builder::new()
            .prefix("mlgov-slurm-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
        let dir = tmp.path().to_path_buf();
        // munged wants every folder on its socket's path open to all.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        for sub in ["state", "spool", "log", "work"] {
            fs::create_dir(dir.join(sub)).unwrap();
        }
        let mut cluster = Cluster {
            conf: dir.join("slurm.conf"),
            marker: dir.display().to_string(),
            dir: dir.clone(),
            daemons: Vec::new(),
            _tmp: tmp,
        };

        // munge: a key of this cluster's own, and a socket of its own.
        let key = dir.join("munge.key");
        let mut bytes = vec![0u8; 1024];
        fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut bytes))
            .map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
        fs::write(&key, &bytes).unwrap();
        fs::set_permissions(&key, fs::Permissions::from_mode(0o400)).unwrap();
        let socket = dir.join("munge.sock");
        let d = |name: &str| dir.join(name).display().to_string();
        cluster.spawn(
            "munged",
            &[
                "--foreground",
                &format!("--socket={}", socket.display()),
                &format!("--key-file={}", key.display()),
                &format!("--log-file={}", d("log/munged.log")),
                &format!("--pid-file={}", d("munged.pid")),
                &format!("--seed-file={}", d("munged.seed")),
            ],
        )?;
        let started = Instant::now();
        while !socket.exists() {
            if started.elapsed() > Duration::from_secs(10) {
                return Err(format!("munged did not start:\n{}", cluster.diagnostics()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }

        // The configuration: one node, this machine, with 2 CPUs.
        let host = fs::read_to_string("/proc/sys/kernel/hostname")
            .map_err(|e| format!("cannot read the host name: {e}"))?;
        let host = host
            .trim()
            .split('.')
            .next()
            .unwrap_or_default()
            .to_string();
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_kb: u64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or("cannot read MemTotal in /proc/meminfo")?;
        // A little below the total, so that slurmd never finds less memory
        // than configured (which would drain the node).
        let real_memory = mem_kb / 1024 * 9 / 10;
        let conf = format!(
            "ClusterName=mlgovtest\n\
             SlurmctldHost={host}(127.0.0.1)\n\
             SlurmctldPort={ctld}\n\
             SlurmdPort={slurmd}\n\
             AuthType=auth/munge\n\
             CredType=cred/munge\n\
             AuthInfo=socket={socket},cred_expire=5\n\
             SlurmUser=root\n\
             SlurmdUser=root\n\
             StateSaveLocation={state}\n\
             SlurmdSpoolDir={spool}\n\
             SlurmctldPidFile={dir}/slurmctld.pid\n\
             SlurmdPidFile={dir}/slurmd.pid\n\
             SlurmctldLogFile={dir}/log/slurmctld.log\n\
             SlurmdLogFile={dir}/log/slurmd.log\n\
             ProctrackType=proctrack/linuxproc\n\
             TaskPlugin=task/none\n\
             SelectType=select/cons_tres\n\
             SelectTypeParameters=CR_CPU\n\
             SchedulerType=sched/backfill\n\
             SchedulerParameters=sched_interval=1,bf_interval=1\n\
             ReturnToService=2\n\
             JobRequeue=1\n\
             MpiDefault=none\n\
             MailProg=/bin/true\n\
             JobCompType=jobcomp/none\n\
             JobAcctGatherType=jobacct_gather/none\n\
             AccountingStorageType=accounting_storage/none\n\
             NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={real_memory} State=UNKNOWN\n\
             PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n",
            ctld = free_port(),
            slurmd = free_port(),
            socket = socket.display(),
            state = d("state"),
            spool = d("spool"),
            dir = dir.display(),
        );
        fs::write(&cluster.conf, conf).unwrap();
        let conf = cluster.conf.display().to_string();
        cluster.spawn("slurmctld", &["-D", "-f", &conf])?;
        cluster.spawn("slurmd", &["-D", "-f", &conf])?;

        // Ready when the node is idle.
        let started = Instant::now();
        loop {
            let stopped = cluster
                .daemons
                .iter_mut()
                .find_map(|(name, child)| child.try_wait().ok().flatten().map(|st| (*name, st)));
            if let Some((name, status)) = stopped {
                return Err(format!(
                    "{name} stopped ({status}):\n{}",
                    cluster.diagnostics()
                ));
            }
            let r = cluster.output("sinfo", &["-h", "-o", "%T"]);
            if text(&r.stdout).trim() == "idle" {
                return Ok(cluster);
            }
            if started.elapsed() > Duration::from_secs(30) {
                return Err(format!(
                    "the node did not become idle within 30 s (sinfo: {} {}):\n{}",
                    text(&r.stdout).trim(),
                    text(&r.stderr).trim(),
                    cluster.diagnostics()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The job ids in the queue (pending, running or completing).
    fn queue(&self) -> Vec<String> {
        let r = self.output("squeue", &["-h", "-o", "%i"]);
        text(&r.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }

    /// Waits until the queue is empty.
    fn wait_for_empty_queue(&self, limit: Duration) {
        let started = Instant::now();
        while !self.queue().is_empty() {
            assert!(
                started.elapsed() < limit,
                "jobs still queued after {limit:?}: {:?}\n{}",
                self.queue(),
                self.diagnostics()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// A finished job's `JobState` and `ExitCode` (slurmctld keeps finished
    /// jobs for MinJobAge, 300 s by default; there is no accounting here).
    fn job_end(&self, id: &str) -> (String, String) {
        let r = self.output("scontrol", &["show", "job", id]);
        let out = text(&r.stdout);
        let field = |name: &str| {
            out.split_whitespace()
                .find_map(|w| w.strip_prefix(name))
                .unwrap_or_default()
                .to_string()
        };
        (field("JobState="), field("ExitCode="))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Cancel whatever is still queued and give it a moment to end (when
        // slurmctld is up: otherwise squeue would wait for it in vain).
        let controller_up = self
            .daemons
            .iter_mut()
            .any(|(name, child)| *name == "slurmctld" && matches!(child.try_wait(), Ok(None)));
        let queued = if controller_up {
            self.queue()
        } else {
            Vec::new()
        };
        let jobs: BTreeSet<String> = queued
            .into_iter()
            .map(|j| j.split('_').next().unwrap_or_default().to_string())
            .collect();
        if !jobs.is_empty() {
            let _ = self.command("scancel").args(&jobs).output();
            let started = Instant::now();
            while !self.queue().is_empty() && started.elapsed() < Duration::from_secs(15) {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        // The daemons, last started first: SIGTERM, then SIGKILL.
        while let Some((_, mut child)) = self.daemons.pop() {
            // SAFETY: signalling a child of this process, which has not been
            // waited for, so its pid is still its own.
            unsafe {
                libc::kill(child.id() as i32, libc::SIGTERM);
            }
            let started = Instant::now();
            while matches!(child.try_wait(), Ok(None)) && started.elapsed() < Duration::from_secs(5)
            {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        // Anything they started that outlived them (a job step, a task):
        // the processes carrying this cluster's marker.
        let me = std::process::id();
        let marker = format!("{MARKER}={}", self.marker);
        for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(environ) = fs::read(entry.path().join("environ")) else {
                continue;
            };
            if pid != me && environ.split(|&b| b == 0).any(|v| v == marker.as_bytes()) {
                // SAFETY: a process this test's daemons started.
                unsafe {
                    libc::kill(pid as i32, libc::SIGKILL);
                }
            }
        }
    }
}

/// The id after `what` in `mlgov slurm --submit`'s output.
fn job_id(printed: &str, what: &str) -> String {
    let after = printed
        .split(what)
        .nth(1)
        .unwrap_or_else(|| panic!("no `{what}` in: {printed}"));
    after.chars().take_while(char::is_ascii_digit).collect()
}

#[test]
fn live_slurm_array_with_a_requeued_task_and_a_failed_shard() {
    let started = Instant::now();
    let cluster = match Cluster::start() {
        Ok(c) => c,
        Err(why) => {
            assert!(
                !required(),
                "Slurm is required here (CI or MLGOV_REQUIRE_SLURM=1 is set) but could not be \
                 started: {why}"
            );
            eprintln!("SKIPPED: the live Slurm test did not run: {why}");
            return;
        }
    };
    let up = started.elapsed();
    let work = cluster.dir.join("work");

    // 1. The array job, one task requeued while it runs, then the merge.
    let dir = work.join("grid");
    let submitted = Instant::now();
    let r = cluster
        .command(MLGOV)
        .args(["slurm", LLOYD, "--shards", "3", "--out", s(&dir)])
        .args(["--replications", "450", "--partition", "debug"])
        .args([
            "--cpus-per-task",
            "1",
            "--time",
            "00:10:00",
            "--mem",
            "500M",
        ])
        .arg("--submit")
        .output()
        .unwrap();
    let printed = text(&r.stdout);
    assert!(r.status.success(), "{printed}{}", text(&r.stderr));
    let array = job_id(&printed, "submitted array job ");
    let merge = job_id(&printed, "and merge job ");
    assert!(!array.is_empty() && !merge.is_empty(), "{printed}");

    let shard2 = dir.join("shards/shard-2");
    loop {
        assert!(
            !shard2.join("manifest.json").exists(),
            "shard 2 finished before it could be requeued: give the test more replications"
        );
        if fs::metadata(shard2.join("runs.csv")).is_ok_and(|m| m.len() > 5000) {
            break;
        }
        assert!(
            submitted.elapsed() < Duration::from_secs(60),
            "shard 2 did not start within 60 s (queue: {:?})\n{}",
            cluster.queue(),
            cluster.diagnostics()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let requeued = submitted.elapsed();
    let task = format!("{array}_1");
    let r = cluster.output("scontrol", &["requeue", &task]);
    assert!(
        r.status.success(),
        "scontrol requeue {task}: {}",
        text(&r.stderr)
    );
    cluster.wait_for_empty_queue(Duration::from_secs(120));
    let array_done = submitted.elapsed();

    let merge_log =
        fs::read_to_string(dir.join(format!("slurm/logs/merge-{merge}.out"))).unwrap_or_default();
    assert_eq!(
        cluster.job_end(&merge),
        ("COMPLETED".to_string(), "0:0".to_string()),
        "merge job {merge}: {merge_log}\n{}",
        cluster.diagnostics()
    );
    assert!(
        merge_log.contains("merged 3 shards: 12150 runs ok, 0 failed"),
        "{merge_log}"
    );
    let log2 = fs::read_to_string(dir.join("slurm/logs/shard-2.log")).unwrap();
    assert!(
        log2.contains(&format!("shard 2/3: Slurm job {task}, attempt 1")),
        "{log2}"
    );
    assert!(log2.contains("interrupted by SIGTERM"), "{log2}");
    assert!(
        log2.contains(&format!("shard 2/3: Slurm job {task}, attempt 2")),
        "{log2}"
    );
    assert!(
        log2.contains("4050 runs ok, 0 failed (shard 2/3)"),
        "{log2}"
    );
    let slurm_says = fs::read_dir(dir.join("slurm/logs"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with("_1.out"))
        .map(|e| fs::read_to_string(e.path()).unwrap())
        .collect::<String>();
    assert!(slurm_says.contains("DUE TO JOB REQUEUE"), "{slurm_says}");

    let single = work.join("single");
    let single_started = Instant::now();
    let r = mlgov(&["run", LLOYD, "--replications", "450", "--out", s(&single)]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let single_took = single_started.elapsed();
    let compared = assert_same_results(&dir, &single);

    // 2. A shard that fails for good: its folder is a file, so its task
    // fails; the merge job runs all the same, fails, and says what to do.
    let dir = work.join("failing");
    let r = cluster
        .command(MLGOV)
        .args(["slurm", LLOYD, "--shards", "3", "--out", s(&dir)])
        .args(["--replications", "6", "--no-plots"])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", text(&r.stderr));
    let submit = text(&r.stdout).lines().last().unwrap().trim().to_string();
    fs::create_dir_all(dir.join("shards")).unwrap();
    fs::write(dir.join("shards/shard-2"), "in the way").unwrap();
    let submit_as_printed = |line: &str| -> String {
        let r = cluster.command("bash").args(["-c", line]).output().unwrap();
        assert!(r.status.success(), "{line}: {}", text(&r.stderr));
        job_id(&text(&r.stdout), "Submitted batch job ")
    };
    let merge = submit_as_printed(&submit);
    cluster.wait_for_empty_queue(Duration::from_secs(60));
    let merge_log =
        fs::read_to_string(dir.join(format!("slurm/logs/merge-{merge}.out"))).unwrap_or_default();
    assert_eq!(
        cluster.job_end(&merge),
        ("FAILED".to_string(), "1:0".to_string()),
        "{merge_log}"
    );
    assert!(
        merge_log.contains("error: shard 2/3 did not finish"),
        "{merge_log}"
    );
    assert!(
        fs::read_to_string(dir.join("slurm/logs/shard-2.log"))
            .unwrap()
            .contains("exists and is not a directory")
    );
    assert!(!dir.join("runs.csv").exists());
    // The rerun command it printed, on the cluster, once the cause is gone.
    let rerun = merge_log
        .lines()
        .find(|l| l.contains("--array=1 "))
        .unwrap_or_else(|| panic!("no rerun command:\n{merge_log}"))
        .trim()
        .to_string();
    fs::remove_file(dir.join("shards/shard-2")).unwrap();
    let merge = submit_as_printed(&rerun);
    cluster.wait_for_empty_queue(Duration::from_secs(60));
    let merge_log =
        fs::read_to_string(dir.join(format!("slurm/logs/merge-{merge}.out"))).unwrap_or_default();
    assert_eq!(
        cluster.job_end(&merge),
        ("COMPLETED".to_string(), "0:0".to_string()),
        "{merge_log}"
    );
    let single = work.join("single-small");
    let r = mlgov(&[
        "run",
        LLOYD,
        "--replications",
        "6",
        "--no-plots",
        "--out",
        s(&single),
    ]);
    assert!(r.status.success());
    assert_same_results(&dir, &single);

    eprintln!(
        "live Slurm: cluster up in {:.1} s; 3 shards of 450 replications: task 2 requeued \
         at {:.1} s, array and merge done at {:.1} s; single run {:.1} s; {compared} files \
         identical; whole test {:.1} s",
        up.as_secs_f64(),
        requeued.as_secs_f64(),
        array_done.as_secs_f64(),
        single_took.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    drop(cluster);
}
