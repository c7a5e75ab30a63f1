//! The commands shown in README.md, docs/guide.md and docs/teaching.md work.
//!
//! Every line of a ```sh block that starts with `mlgov ` or
//! `cargo run --release -- ` is run, in order, in a fresh folder that links
//! to the repository's `examples/` (so `results/...` lands in the temporary
//! folder). Synopsis lines, which hold ALL-CAPS placeholders such as
//! `SCENARIO` or `DIR`, are skipped. Experiments are cut to a few
//! replications so the whole check takes seconds. A command whose trailing
//! comment says it fails (`# fails`, `# exit 2`, `# refused`, `# error`) must
//! exit non-zero; every other must exit 0.

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
/// (assignment codes such as `N-R-L` are not placeholders).
fn is_placeholder(word: &str) -> bool {
    let w = word.trim_matches(|c: char| "[]().,".contains(c));
    let code = w.len() == 5
        && w.split('-').count() == 3
        && w.split('-').all(|p| matches!(p, "N" | "R" | "L"));
    let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
    !code && !letters.is_empty() && letters.chars().all(|c| c.is_uppercase())
}

struct DocCommand {
    file: String,
    line: usize,
    text: String,
    args: Vec<String>,
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
        let rest = if let Some(r) = cmd.strip_prefix("mlgov ") {
            r
        } else if let Some(r) = cmd.strip_prefix("cargo run --release -- ") {
            r
        } else {
            continue;
        };
        let args = words(rest);
        if args.iter().any(|w| is_placeholder(w)) || args.iter().any(|w| w.contains('$')) {
            continue;
        }
        let should_fail = ["fails", "exit 2", "refused", "error"]
            .iter()
            .any(|w| comment.contains(w));
        out.push(DocCommand {
            file: file.to_string(),
            line: start,
            text: cmd.clone(),
            args,
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

fn run_file(file: &str, dir: &Path) -> usize {
    let mut ran = 0;
    for c in commands(file) {
        let mut args = c.args.clone();
        match args.first().map(String::as_str) {
            Some("run") => cap(&mut args, "--replications", 3),
            Some("assess") if !args.iter().any(|a| a == "--template") => {
                cap(&mut args, "--replications", 5)
            }
            Some("sensitivity") => cap(&mut args, "--replications", 2),
            _ => {}
        }
        let out = Command::new(env!("CARGO_BIN_EXE_mlgov"))
            .current_dir(dir)
            .args(&args)
            .output()
            .unwrap();
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

fn sandbox(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mlgov-doc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::os::unix::fs::symlink(repo().join("examples"), d.join("examples")).unwrap();
    d
}

#[test]
fn readme_commands_work() {
    let d = sandbox("readme");
    let ran = run_file("README.md", &d);
    assert!(ran >= 3, "README.md: only {ran} commands found");
    assert!(d.join("results/lloyd/summary.csv").exists());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn guide_commands_work() {
    let d = sandbox("guide");
    let ran = run_file("docs/guide.md", &d);
    assert!(ran >= 5, "docs/guide.md: only {ran} commands found");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn teaching_commands_work() {
    let d = sandbox("teaching");
    let ran = run_file("docs/teaching.md", &d);
    assert!(ran >= 5, "docs/teaching.md: only {ran} commands found");
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
    assert_eq!(
        words("run 'a b.toml' --out \"c d\" x"),
        ["run", "a b.toml", "--out", "c d", "x"]
    );
}
