//! `mlgov init`, `mlgov examples` and `mlgov assess` from the outside.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mlgov(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mlgov-newcomer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn examples_lists_every_example_scenario_and_rust_example() {
    let out = mlgov(&repo(), &["examples"]);
    assert_eq!(out.status.code(), Some(0));
    let listing = text(&out.stdout);
    let scenario_files = std::fs::read_dir(repo().join("examples/scenarios"))
        .unwrap()
        .chain(std::fs::read_dir(repo().join("examples/teaching")).unwrap());
    for entry in scenario_files {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let line = listing
                .lines()
                .find(|l| l.split_whitespace().next() == Some(name.as_str()))
                .unwrap_or_else(|| panic!("{name} is not listed:\n{listing}"));
            assert!(
                line.split_whitespace().count() > 2,
                "no description: {line}"
            );
        }
    }
    for entry in std::fs::read_dir(repo().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(
                listing
                    .lines()
                    .any(|l| l.split_whitespace().next() == Some(name.as_str())),
                "Rust example {name} is not listed:\n{listing}"
            );
        }
    }
}

#[test]
fn init_writes_the_starter_and_examples_and_never_overwrites() {
    let d = temp_dir("init");
    let out = mlgov(&d, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let starter = std::fs::read_to_string(d.join("scenario.toml")).unwrap();
    let check = mlgov(&d, &["check", "scenario.toml"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    // A second init refuses and leaves the file as it was.
    std::fs::write(d.join("scenario.toml"), "# mine\n").unwrap();
    let out = mlgov(&d, &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(d.join("scenario.toml")).unwrap(),
        "# mine\n"
    );
    let out = mlgov(&d, &["init", "--force"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(d.join("scenario.toml")).unwrap(),
        starter
    );
    // Examples: default file name, chosen path (folders created), stdout.
    let out = mlgov(&d, &["init", "--example", "lloyd_grid"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(d.join("lloyd_grid.toml")).unwrap(),
        std::fs::read_to_string(repo().join("examples/scenarios/lloyd_grid.toml")).unwrap()
    );
    let out = mlgov(
        &d,
        &["init", "--example", "wholegrain", "--out", "cases/w.toml"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(d.join("cases/w.toml").exists());
    let out = mlgov(&d, &["init", "--example", "basingstoke", "--out", "-"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with('#'));
    // An unknown example is named, with the closest one; nothing is written.
    let out = mlgov(&d, &["init", "--example", "lloyd_gird"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean `lloyd_grid`"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.join("lloyd_gird.toml").exists());
}

/// The template with every answer line filled in.
fn filled(template: &str, good: &str, obstacle: &str) -> String {
    let mut section = String::new();
    template
        .lines()
        .map(|l| {
            if l.starts_with('[') {
                section = l.to_string();
            }
            match l.strip_prefix("# ").and_then(|r| r.strip_suffix(" =")) {
                Some(key) if !key.contains(' ') => {
                    let v = if section == "[obstacles]" {
                        obstacle
                    } else {
                        good
                    };
                    format!("{key} = {v}")
                }
                _ => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn assess_template_to_scenario_and_forecast() {
    let d = temp_dir("assess");
    let out = mlgov(&d, &["assess", "--template"]);
    assert_eq!(out.status.code(), Some(0));
    let template = text(&out.stdout);
    for section in ["[recipe]", "[success]", "[works]", "[obstacles]"] {
        assert!(template.contains(section), "{section}");
    }
    // The template as it stands names all 30 unanswered questions.
    std::fs::write(d.join("blank.toml"), &template).unwrap();
    let out = mlgov(&d, &["assess", "blank.toml", "--out", "s.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("30 problems"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("recipe.leadership: missing"));
    assert!(!d.join("s.toml").exists());
    // Filled: a scenario that checks, and a forecast.
    std::fs::write(d.join("good.toml"), filled(&template, "0.8", "0.1")).unwrap();
    std::fs::write(d.join("poor.toml"), filled(&template, "0.3", "0.8")).unwrap();
    let out = mlgov(
        &d,
        &[
            "assess",
            "good.toml",
            "--out",
            "good_scenario.toml",
            "--replications",
            "20",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let forecast = text(&out.stdout);
    for needle in [
        "mean trust at the end",
        "survival",
        "Lloyd's typology",
        "mlgov run good_scenario.toml",
    ] {
        assert!(forecast.contains(needle), "{needle}: {forecast}");
    }
    // Survival is the share of places still served by a partnership: a
    // mean with an interval that stays inside [0, 1].
    let survival = forecast.lines().find(|l| l.contains("survival")).unwrap();
    assert!(survival.contains("share of places"), "{survival}");
    let numbers: Vec<f64> = survival
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 3, "{survival}");
    assert!(
        numbers.iter().all(|v| (0.0..=1.0).contains(v)) && numbers[1] <= numbers[0],
        "{survival}"
    );
    let check = mlgov(&d, &["check", "good_scenario.toml"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    // Better answers forecast more trust.
    let trust = |out: &str| -> f64 {
        let line = out
            .lines()
            .find(|l| l.contains("mean trust at the end"))
            .unwrap();
        line.split_whitespace().nth(5).unwrap().parse().unwrap()
    };
    let poor = mlgov(&d, &["assess", "poor.toml", "--replications", "20"]);
    assert_eq!(poor.status.code(), Some(0), "{}", text(&poor.stderr));
    assert!(
        trust(&forecast) > trust(&text(&poor.stdout)),
        "{forecast}\n{}",
        text(&poor.stdout)
    );
    // An existing --out is kept without --force.
    let before = std::fs::read_to_string(d.join("good_scenario.toml")).unwrap();
    let out = mlgov(&d, &["assess", "poor.toml", "--out", "good_scenario.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(d.join("good_scenario.toml")).unwrap(),
        before
    );
    // Mistyped, wrongly typed and out-of-range answers are all named.
    let bad = filled(&template, "0.8", "0.1")
        .replace("leadership = 0.8", "leadrship = 0.8")
        .replace("focus = 0.8", "focus = 1.5")
        .replace("reflexive_trust = 0.8", "reflexive_trust = \"yes\"");
    std::fs::write(d.join("bad.toml"), bad).unwrap();
    let out = mlgov(&d, &["assess", "bad.toml", "--out", "bad_scenario.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    for needle in [
        "recipe.leadrship: unknown question (did you mean `recipe.leadership`?)",
        "recipe.leadership: missing",
        "success.focus: must be in [0, 1], got 1.5",
        "works.reflexive_trust: expected a score from 0 to 1 or true/false, got the string \"yes\"",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert!(!d.join("bad_scenario.toml").exists());
    // Not a checklist at all.
    std::fs::write(d.join("garbage.toml"), [0xff, 0xfe, 0x00]).unwrap();
    let out = mlgov(&d, &["assess", "garbage.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("garbage.toml"));
    let out = mlgov(&d, &["assess"]);
    assert_eq!(out.status.code(), Some(2));
}
