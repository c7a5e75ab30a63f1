//! The commands shown in README.md, docs/guide.md and docs/teaching.md work.
//!
//! Every line of a ```sh block that starts with `mlgov ` or
//! `cargo run --release -- ` is run, in order. The guides' commands run in a
//! fresh folder that links to the repository's `examples/` (so `results/...`
//! lands in the temporary folder). README.md is read as a newcomer would:
//! its commands run in a fresh copy of the repository (no `target/`, no
//! `results/`), and a bare `mlgov` is looked up on the PATH, where it is
//! found only after the README's `cargo install --locked --path .` line.
//! That line puts the already-built binary into a temporary PATH folder
//! rather than compiling again (CI builds and tests the packaged crate, and
//! `cargo package --locked` checks the lock file `--locked` relies on).
//!
//! Synopsis lines, which hold ALL-CAPS placeholders such as `SCENARIO` or
//! `DIR`, are skipped, and so are lines that refer to the home folder (`~`)
//! or shell variables. `> FILE` sends a command's stdout to FILE. A word
//! with `*` is expanded as the shell would (`results/shard-*`); a line
//! whose pattern matches nothing is skipped, as its files come from
//! commands that are not run here (GNU parallel's). docs/distributed.md's
//! `mlgov slurm ... --submit` runs without `--submit`: there is no cluster
//! here (tests/slurm.rs submits to a live Slurm).
//! Experiments are cut to a few replications so the whole check takes
//! seconds. A command whose trailing comment says it fails (`# fails`,
//! `# exit 2`, `# refused`, `# error`) must exit non-zero; every other must
//! exit 0.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Splits a command line into words, honouring single and double quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                started = true;
            }
            None if c.is_whitespace() => {
                if started || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            None => cur.push(c),
        }
    }
    if started || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A placeholder such as `SCENARIO`, `DIR...`, `K/N` or `[--seed S]`
/// (assignment codes such as `N-R-L` and sizes such as `2G` are not
/// placeholders).
fn is_placeholder(word: &str) -> bool {
    let w = word.trim_matches(|c: char| "[]().,".contains(c));
    if w.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let code = w.len() == 5
        && w.split('-').count() == 3
        && w.split('-').all(|p| matches!(p, "N" | "R" | "L"));
    let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
    !code && !letters.is_empty() && letters.chars().all(|c| c.is_uppercase())
}

/// How a documented command starts.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Program {
    /// `mlgov ...`: the installed program.
    Mlgov,
    /// `cargo run --release -- ...`: the program, built on the spot.
    CargoRun,
    /// `cargo install ... --path .`: puts `mlgov` on the PATH.
    CargoInstall,
}

struct DocCommand {
    file: String,
    line: usize,
    text: String,
    program: Program,
    args: Vec<String>,
    /// `> FILE`: where stdout goes.
    stdout_to: Option<String>,
    should_fail: bool,
}

/// The runnable commands of one Markdown file.
fn commands(file: &str) -> Vec<DocCommand> {
    let path = repo().join(file);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    let mut start = 0;
    for (k, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if l.starts_with("```") {
            in_sh = !in_sh && matches!(l, "```sh" | "```bash" | "```console" | "```shell");
            pending.clear();
            continue;
        }
        if !in_sh {
            continue;
        }
        if pending.is_empty() {
            start = k + 1;
        }
        let l = l.strip_prefix("$ ").unwrap_or(l);
        if let Some(head) = l.strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(l);
        let full = std::mem::take(&mut pending);
        let (cmd, comment) = match full.find(" #") {
            Some(i) => (full[..i].trim().to_string(), full[i + 2..].to_lowercase()),
            None => (full.trim().to_string(), String::new()),
        };
        let (program, rest) = if let Some(r) = cmd.strip_prefix("mlgov ") {
            (Program::Mlgov, r)
        } else if let Some(r) = cmd.strip_prefix("cargo run --release -- ") {
            (Program::CargoRun, r)
        } else if let Some(r) = cmd.strip_prefix("cargo install ") {
            (Program::CargoInstall, r)
        } else {
            continue;
        };
        let mut args = words(rest);
        if args
            .iter()
            .any(|w| is_placeholder(w) || w.contains('$') || w.starts_with('~'))
        {
            continue;
        }
        let stdout_to = match args.iter().position(|w| w == ">") {
            Some(i) if i + 2 == args.len() => {
                let file = args.pop();
                args.pop();
                file
            }
            Some(_) => panic!(
                "{file}:{}: `{cmd}`: `>` must come last, before one file",
                k + 1
            ),
            None => None,
        };
        if program == Program::CargoInstall {
            assert!(
                args.windows(2).any(|w| w == ["--path", "."]),
                "{file}:{}: `{cmd}` does not install from the repository",
                k + 1
            );
        }
        let should_fail = ["fails", "exit 2", "refused", "error"]
            .iter()
            .any(|w| comment.contains(w));
        out.push(DocCommand {
            file: file.to_string(),
            line: start,
            text: cmd.clone(),
            program,
            args,
            stdout_to,
            should_fail,
        });
    }
    out
}

/// Sets `flag` to at most `cap` (appending it when absent).
fn cap(args: &mut Vec<String>, flag: &str, cap: u64) {
    match args.iter().position(|a| a == flag) {
        Some(i) if i + 1 < args.len() => {
            if args[i + 1].parse::<u64>().map_or(true, |v| v > cap) {
                args[i + 1] = cap.to_string();
            }
        }
        _ => {
            args.push(flag.to_string());
            args.push(cap.to_string());
        }
    }
}

/// `mlgov serve` runs until stopped: it is started on a free port (any
/// `--port` given is replaced by 0), must print the address it serves, and
/// that address must answer with the page; then it is stopped.
fn serve_once(c: &DocCommand, mut command: Command, dir: &Path, mut args: Vec<String>) {
    use std::io::{BufRead, Read, Write};
    if let Some(i) = args.iter().position(|a| a == "--port") {
        args.drain(i..(i + 2).min(args.len()));
    }
    args.extend(["--port".to_string(), "0".to_string()]);
    let mut child = command
        .current_dir(dir)
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = crate::explorer_support::address_in(&line);
    let page = addr.as_ref().map(|addr| {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .write_all(format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
            .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        page.is_some_and(|p| p.starts_with("HTTP/1.1 200") && p.contains("Lloyd explorer")),
        "{}:{}: `{}` printed {line:?} and did not serve the page",
        c.file,
        c.line,
        c.text
    );
}

/// Where the commands of a file are run.
enum Place<'a> {
    /// A folder beside the repository: `mlgov` is the binary under test.
    Sandbox(&'a Path),
    /// A fresh copy of the repository: `mlgov` is whatever the PATH holds,
    /// with `bin` (empty until `cargo install`) first on it.
    FreshCopy { dir: &'a Path, bin: &'a Path },
}

fn run_file(file: &str, place: &Place) -> usize {
    let mut ran = 0;
    for c in commands(file) {
        let here = match place {
            Place::Sandbox(dir) | Place::FreshCopy { dir, .. } => *dir,
        };
        let Some(mut args) = expand_globs(here, &c.args) else {
            continue;
        };
        if args.first().map(String::as_str) == Some("slurm") {
            args.retain(|a| a != "--submit");
        }
        let (dir, mut command) = match (place, c.program) {
            (Place::Sandbox(_), Program::CargoInstall) => continue,
            (Place::FreshCopy { bin, .. }, Program::CargoInstall) => {
                std::fs::create_dir_all(bin).unwrap();
                std::fs::copy(env!("CARGO_BIN_EXE_mlgov"), bin.join("mlgov")).unwrap();
                ran += 1;
                continue;
            }
            (Place::Sandbox(dir), _) | (Place::FreshCopy { dir, .. }, Program::CargoRun) => {
                (dir, Command::new(env!("CARGO_BIN_EXE_mlgov")))
            }
            (Place::FreshCopy { dir, bin }, Program::Mlgov) => {
                assert!(
                    bin.join("mlgov").exists(),
                    "{}:{}: `{}` comes before `cargo install`: mlgov is not on the PATH yet",
                    c.file,
                    c.line,
                    c.text
                );
                let path = std::env::var_os("PATH").unwrap_or_default();
                let mut dirs = vec![bin.to_path_buf()];
                dirs.extend(std::env::split_paths(&path));
                let mut command = Command::new("mlgov");
                command.env("PATH", std::env::join_paths(dirs).unwrap());
                (dir, command)
            }
        };
        match args.first().map(String::as_str) {
            Some("run") => cap(&mut args, "--replications", 3),
            Some("assess") if !args.iter().any(|a| a == "--template") => {
                cap(&mut args, "--replications", 5)
            }
            Some("sensitivity") => cap(&mut args, "--replications", 2),
            _ => {}
        }
        if args.first().map(String::as_str) == Some("serve") {
            serve_once(&c, command, dir, args);
            ran += 1;
            continue;
        }
        let out = command.current_dir(dir).args(&args).output().unwrap();
        if let Some(file) = &c.stdout_to {
            std::fs::write(dir.join(file), &out.stdout).unwrap();
        }
        let ok = out.status.success();
        assert!(
            ok != c.should_fail,
            "{}:{}: `{}` (run as `mlgov {}`) exited {:?}\nstdout: {}\nstderr: {}",
            c.file,
            c.line,
            c.text,
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    ran
}

/// `args` with each word holding `*` (in its last path component) replaced
/// by the paths it matches under `dir`, sorted; `None` when one matches
/// nothing.
fn expand_globs(dir: &Path, args: &[String]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for word in args {
        if !word.contains('*') {
            out.push(word.clone());
            continue;
        }
        let (parent, pattern) = word.rsplit_once('/').unwrap_or(("", word));
        let (before, after) = pattern.split_once('*')?;
        let mut found: Vec<String> = std::fs::read_dir(dir.join(parent))
            .ok()?
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with(before) && n.ends_with(after) && !n.starts_with('.'))
            .map(|n| {
                if parent.is_empty() {
                    n
                } else {
                    format!("{parent}/{n}")
                }
            })
            .collect();
        if found.is_empty() {
            return None;
        }
        found.sort();
        out.extend(found);
    }
    Some(out)
}

fn sandbox(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mlgov-doc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::os::unix::fs::symlink(repo().join("examples"), d.join("examples")).unwrap();
    d
}

/// Copies the repository as a fresh clone holds it: everything but build
/// output, results and version-control data.
fn copy_repository(from: &Path, to: &Path, top: bool) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if top && matches!(name.to_str(), Some("target" | "results" | ".git")) {
            continue;
        }
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_repository(&entry.path(), &to.join(&name), false);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// The README from top to bottom, in a fresh copy of the repository, as a
/// newcomer runs it: the first `mlgov` command must come after the install.
#[test]
fn readme_commands_work_in_order_from_a_fresh_copy() {
    let d = sandbox("readme");
    let copy = d.join("mlgov");
    copy_repository(&repo(), &copy, true);
    let bin = d.join("bin");
    let place = Place::FreshCopy {
        dir: &copy,
        bin: &bin,
    };
    let ran = run_file("README.md", &place);
    assert!(ran >= 10, "README.md: only {ran} commands found");
    let installs = commands("README.md")
        .iter()
        .filter(|c| c.program == Program::CargoInstall)
        .count();
    assert_eq!(installs, 1, "README.md: one `cargo install --path .` line");
    assert!(copy.join("results/lloyd/summary.csv").exists());
    assert!(copy.join("results/pfc/summary.csv").exists());
    assert!(
        !std::fs::read(copy.join("results/mlgov.1"))
            .unwrap()
            .is_empty()
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// The reader sends `mlgov` lines before the install to a clear failure.
#[test]
#[should_panic(expected = "mlgov is not on the PATH yet")]
fn a_command_before_the_install_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let file = d.join("order.md");
    std::fs::write(
        &file,
        "```sh\nmlgov examples\ncargo install --locked --path .\n```\n",
    )
    .unwrap();
    let bin = d.join("bin");
    let place = Place::FreshCopy { dir: d, bin: &bin };
    run_file(file.to_str().unwrap(), &place);
}

#[test]
fn guide_commands_work() {
    let d = sandbox("guide");
    let ran = run_file("docs/guide.md", &Place::Sandbox(&d));
    assert!(ran >= 5, "docs/guide.md: only {ran} commands found");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn teaching_commands_work() {
    let d = sandbox("teaching");
    let ran = run_file("docs/teaching.md", &Place::Sandbox(&d));
    assert!(ran >= 5, "docs/teaching.md: only {ran} commands found");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn distributed_commands_work() {
    let d = sandbox("distributed");
    let ran = run_file("docs/distributed.md", &Place::Sandbox(&d));
    assert!(ran >= 7, "docs/distributed.md: only {ran} commands found");
    assert!(d.join("results/cluster/slurm/array.sh").exists());
    assert!(d.join("results/parts-merged/summary.csv").exists());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn the_command_reader_skips_synopses_and_keeps_quotes() {
    assert!(is_placeholder("SCENARIO"));
    assert!(!is_placeholder("[--quiet]"));
    assert!(is_placeholder("K/N]"));
    assert!(is_placeholder("DIR..."));
    assert!(!is_placeholder("N-R-L"));
    assert!(!is_placeholder("results/lloyd"));
    assert!(!is_placeholder("2G"));
    assert_eq!(
        words("run 'a b.toml' --out \"c d\" x"),
        ["run", "a b.toml", "--out", "c d", "x"]
    );
}
