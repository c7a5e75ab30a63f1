//! What every subcommand shares: where it writes (results and summaries on
//! stdout, progress and diagnostics on stderr), `--quiet` (nothing but
//! errors), `--version` (with the git revision in a checkout), and the
//! shell completions and man pages made from the command definitions.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mlgov(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run mlgov")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lloyd_grid() -> String {
    repo()
        .join("examples/scenarios/lloyd_grid.toml")
        .display()
        .to_string()
}

const SMALL: &str = r#"
[scenario]
name = "streams"
[experiment]
replications = 4
months = 24
assignments = ["N-N-L", "L-L-L"]
"#;

/// The commands of the contract, each given `quiet` before or after the
/// subcommand; returns (command, output) in order.
fn session(dir: &Path, quiet: Option<&str>) -> Vec<(&'static str, Output)> {
    std::fs::write(dir.join("small.toml"), SMALL).unwrap();
    let grid = lloyd_grid();
    let with = |args: &[&str], first: bool| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if let Some(q) = quiet {
            if first {
                v.insert(0, q.to_string());
            } else {
                v.push(q.to_string());
            }
        }
        v
    };
    let commands: [(&'static str, Vec<&str>, bool); 8] = [
        (
            "run",
            vec!["run", "small.toml", "--out", "r", "--no-plots"],
            true,
        ),
        (
            "run",
            vec!["run", "small.toml", "--out", "s1", "--shard", "1/2"],
            false,
        ),
        (
            "run",
            vec!["run", "small.toml", "--out", "s2", "--shard", "2/2"],
            true,
        ),
        (
            "merge",
            vec!["merge", "s1", "s2", "--out", "m", "--no-plots"],
            false,
        ),
        ("plot", vec!["plot", "m"], true),
        (
            "slurm",
            vec!["slurm", "small.toml", "--shards", "2", "--out", "cluster"],
            false,
        ),
        (
            "sensitivity",
            vec![
                "sensitivity",
                &grid,
                "--method",
                "morris",
                "--samples",
                "2",
                "--replications",
                "1",
                "--out",
                "sens",
            ],
            false,
        ),
        ("check", vec!["check", "small.toml"], true),
    ];
    commands
        .into_iter()
        .map(|(name, args, first)| {
            let args = with(&args, first);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = mlgov(dir, &refs);
            ok(&out);
            (name, out)
        })
        .collect()
}

#[test]
fn summaries_go_to_stdout_and_progress_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    for (name, out) in session(dir.path(), None) {
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(!stdout.trim().is_empty(), "{name}: no summary on stdout");
        match name {
            "run" => assert!(stdout.contains("runs ok"), "{stdout}"),
            "merge" => assert!(stdout.contains("merged 2 shards"), "{stdout}"),
            "plot" => assert!(stdout.contains("lloyd_grid.png"), "{stdout}"),
            "slurm" => assert!(stdout.contains("array.sh"), "{stdout}"),
            "sensitivity" => assert!(stdout.contains("sensitivity.csv"), "{stdout}"),
            _ => {}
        }
        // Without a terminal there is no progress bar; sensitivity states
        // its design (progress) on stderr, and nothing else goes there.
        if name == "sensitivity" {
            assert!(stderr.starts_with("morris:"), "{stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
        } else {
            assert!(stderr.is_empty(), "{name}: stderr {stderr:?}");
        }
    }
    // The charts listed by `plot` exist.
    let listed = text(&mlgov(dir.path(), &["plot", "m"]).stdout);
    for line in listed.lines() {
        assert!(dir.path().join(line).exists(), "{line}");
    }
}

#[test]
fn quiet_prints_nothing_but_does_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let flag = "--quiet";
    for (name, out) in session(dir.path(), Some(flag)) {
        assert!(
            out.stdout.is_empty(),
            "{name} {flag}: {}",
            text(&out.stdout)
        );
        assert!(
            out.stderr.is_empty(),
            "{name} {flag}: {}",
            text(&out.stderr)
        );
    }
    for file in [
        "r/summary.csv",
        "m/summary.csv",
        "m/charts/lloyd_grid.png",
        "sens/sensitivity.csv",
        "cluster/slurm/array.sh",
        "cluster/slurm/merge.sh",
    ] {
        assert!(dir.path().join(file).exists(), "{flag}: no {file}");
    }
    let d = dir.path();
    for args in [
        &["--quiet", "init", "--out", "starter.toml"][..],
        &["--quiet", "simulate", "small.toml", "--out", "one"],
        &["--quiet", "assess", "--template", "--out", "list.toml"],
        &["man", "--quiet", "--out", "man"],
        &["-q", "check", "small.toml"],
    ] {
        let out = mlgov(d, args);
        ok(&out);
        assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{args:?}");
    }
    assert!(d.join("one/run.csv").exists() && d.join("man/mlgov.1").exists());
}

#[test]
fn quiet_still_reports_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 4] = [
        &["--quiet", "check", "missing.toml"],
        &["run", "missing.toml", "--out", "r", "--quiet"],
        &["--quiet", "plot", "nowhere"],
        &["--quiet", "init", "--example", "no_such_example"],
    ];
    for args in cases {
        let out = mlgov(dir.path(), args);
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
        assert!(text(&out.stderr).contains("error"), "{args:?}");
    }
}

/// The git revision of the source folder, when it is a checkout of its own.
fn git_revision() -> Option<String> {
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(repo())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| text(&out.stdout).trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(top).ok()? != std::fs::canonicalize(repo()).ok()? {
        return None;
    }
    git(&["rev-parse", "--short=12", "HEAD"])
}

#[test]
fn version_names_the_git_revision_in_a_checkout() {
    let out = mlgov(&repo(), &["--version"]);
    ok(&out);
    let line = text(&out.stdout);
    let line = line.trim_end();
    let version = concat!("mlgov ", env!("CARGO_PKG_VERSION"));
    match git_revision() {
        // The build script ran for this HEAD (it watches HEAD and the branch).
        Some(rev) => {
            let rest = line
                .strip_prefix(&format!("{version} (git {rev}"))
                .unwrap_or_else(|| panic!("{line:?} lacks revision {rev}"));
            assert!(rest == ")" || rest == "+modified)", "{line:?}");
        }
        // A packaged crate (no checkout of its own): the version alone.
        None => assert_eq!(line, version),
    }
}

fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    // COMP_WORDS as bash fills them for the line typed so far; the
    // function's arguments are the command, the current and the previous word.
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let program = format!(
        "source '{}' || exit 9\n\
         complete -p mlgov >/dev/null || exit 8\n\
         COMP_WORDS=({})\nCOMP_CWORD={cword}\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"\nCOMP_POINT=${{#COMP_LINE}}\n\
         _mlgov mlgov '{}' '{prev}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" "),
        words[cword],
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash");
    ok(&out);
    text(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn bash_completion_loads_and_completes_commands_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let out = mlgov(dir.path(), &["completions", "bash"]);
    ok(&out);
    let script = dir.path().join("mlgov.bash");
    std::fs::write(&script, &out.stdout).unwrap();

    let commands = bash_complete(&script, &["mlgov", ""]);
    for c in [
        "check",
        "simulate",
        "run",
        "design",
        "merge",
        "slurm",
        "plot",
        "report",
        "sensitivity",
        "serve",
        "discover",
        "init",
        "examples",
        "assess",
        "completions",
        "man",
        "--quiet",
        "--version",
    ] {
        assert!(commands.iter().any(|w| w == c), "{c} not in {commands:?}");
    }
    let flags = bash_complete(&script, &["mlgov", "run", "--re"]);
    assert_eq!(flags, ["--replications", "--resume"]);
    let shells = bash_complete(&script, &["mlgov", "completions", ""]);
    for s in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.iter().any(|w| w == s), "{s} not in {shells:?}");
    }
}

/// Whether `program` can be started here.
fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_shell_gets_a_script_naming_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, checker) in [
        ("bash", Some(("bash", "-n"))),
        ("zsh", Some(("zsh", "-n"))),
        ("fish", Some(("fish", "--no-execute"))),
        ("powershell", None),
        ("elvish", None),
    ] {
        let out = mlgov(dir.path(), &["completions", shell]);
        ok(&out);
        let script = text(&out.stdout);
        for c in ["simulate", "sensitivity", "completions"] {
            assert!(script.contains(c), "{shell}: no {c}");
        }
        // A syntax check by the shell itself, where it is installed.
        if let Some((program, flag)) = checker.filter(|(p, _)| installed(p)) {
            let file = dir.path().join(format!("mlgov.{shell}"));
            std::fs::write(&file, &out.stdout).unwrap();
            let check = Command::new(program).arg(flag).arg(&file).output().unwrap();
            ok(&check);
        }
    }
    let out = mlgov(dir.path(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("tcsh"));
}

#[test]
fn man_pages_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = mlgov(dir.path(), &["man"]);
    ok(&out);
    let page = text(&out.stdout);
    assert!(page.contains(".TH mlgov 1"), "{page}");
    let commands = [
        "check",
        "simulate",
        "run",
        "design",
        "merge",
        "slurm",
        "plot",
        "report",
        "sensitivity",
        "serve",
        "discover",
        "init",
        "examples",
        "assess",
        "completions",
        "man",
    ];
    for c in commands {
        assert!(
            page.contains(&format!("mlgov\\-{c}(1)")),
            "no {c} in mlgov.1"
        );
    }
    let out = mlgov(dir.path(), &["man", "--out", "pages"]);
    ok(&out);
    let listed = text(&out.stdout);
    assert_eq!(listed.lines().count(), commands.len() + 1, "{listed}");
    for c in commands {
        let file = dir.path().join(format!("pages/mlgov-{c}.1"));
        let body = std::fs::read_to_string(&file).unwrap();
        assert!(
            body.contains(&format!(".TH mlgov-{c} 1")),
            "{}",
            file.display()
        );
    }
    let run = std::fs::read_to_string(dir.path().join("pages/mlgov-run.1")).unwrap();
    assert!(run.contains("replications") && run.contains("resume"));
    // Rendered by groff, where it is installed, without complaint.
    if installed("groff") {
        let render = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(dir.path().join("pages/mlgov.1"))
            .output()
            .unwrap();
        ok(&render);
        assert!(render.stderr.is_empty(), "{}", text(&render.stderr));
    }
    // A file where the folder should be is refused.
    std::fs::write(dir.path().join("file"), "x").unwrap();
    let out = mlgov(dir.path(), &["man", "--out", "file"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a folder"));
}
