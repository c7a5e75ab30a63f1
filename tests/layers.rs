//! The library's modules form layers, and imports point down only
//! (docs/architecture.md, "Layers"): the experiment engine knows nothing of
//! reports, charts or the assessment tools; the model knows nothing of
//! files. This test reads every `crate::...` path under `src/` (in `use`
//! lines and in code, `use crate::{a, b}` groups included) and fails on an
//! import from a module to one in its own layer or a higher one, naming the
//! file, the line and the rule.
//!
//! The layer table below is the rule; docs/architecture.md draws it. A new
//! top-level module must be added to the table (the test says so).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Layers, lowest first. A module may import the modules of lower layers,
/// never those of its own layer or higher ones (so no two modules import
/// each other).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "plumbing: reading and replacing files",
        &["input", "atomic"],
    ),
    (
        "vocabulary and statistics",
        &["governance", "typology", "analysis"],
    ),
    ("the generic model interface", &["sim"]),
    (
        "engines and the model (generic over sim::Model, or implementing it)",
        &["experiment", "sensitivity", "partnership", "model"],
    ),
    ("scenario files", &["scenario"]),
    (
        "tools on scenarios and results",
        &["assess", "examples", "discovery"],
    ),
    ("reports and charts", &["report"]),
    ("the explorer", &["explorer"]),
];

/// The layer of a top-level module.
fn layer(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a line: without its `//` comment (doc comments included).
/// A `//` inside a string literal also cuts the line, which can only hide
/// a path written after it on the same line.
fn code(line: &str) -> &str {
    line.find("//").map_or(line, |i| &line[..i])
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The top-level modules named by the `crate::` paths of `text`, with the
/// line each is on: `crate::a::b` gives `a`, `crate::{a::b, c}` gives `a`
/// and `c`.
fn imports(text: &str) -> Vec<(String, usize)> {
    let code: Vec<&str> = text.lines().map(code).collect();
    let joined = code.join("\n");
    let mut out = Vec::new();
    let line_of = |at: usize| joined[..at].matches('\n').count() + 1;
    let mut from = 0;
    while let Some(i) = joined[from..].find("crate::") {
        let at = from + i;
        from = at + "crate::".len();
        // `mlgov_crate::` or `$crate::` are other things.
        if joined[..at]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == '$')
        {
            continue;
        }
        let rest = &joined[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // The names at the group's top level.
            let mut depth = 0;
            let mut start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && is_ident(c) => {
                        let name: String =
                            group[k..].chars().take_while(|&c| is_ident(c)).collect();
                        out.push((name, line_of(from + 1 + k)));
                        start = false;
                    }
                    c if c.is_whitespace() => {}
                    _ => start = false,
                }
            }
        } else {
            let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            if !name.is_empty() {
                out.push((name, line_of(at)));
            }
        }
    }
    out
}

/// The top-level module a file of `src/` belongs to (`None` for the crate
/// root and the program, which may use everything).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    match name.as_str() {
        "lib" | "main" | "cli" => None,
        _ => Some(name),
    }
}

#[test]
fn imports_point_down_the_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        seen.insert(module.clone());
        let rel = file.strip_prefix(root).unwrap().display().to_string();
        let Some(own) = layer(&module) else {
            problems.push(format!(
                "{rel}: module `{module}` is not in the layer table of tests/layers.rs \
                 (add it to the layer it belongs to, and to docs/architecture.md)"
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (target, line) in imports(&text) {
            if target == module {
                continue;
            }
            match layer(&target) {
                Some(theirs) if theirs < own => {}
                Some(theirs) => problems.push(format!(
                    "{rel}:{line}: `{module}` ({}) imports `{target}` ({}), {}",
                    LAYERS[own].0,
                    LAYERS[theirs].0,
                    if theirs == own {
                        "a module of its own layer"
                    } else {
                        "a higher layer"
                    }
                )),
                // Items of the crate root (`crate::Level`) and unknown names
                // are not modules of the table.
                None => {}
            }
        }
    }
    assert!(
        problems.is_empty(),
        "imports against the layers ({}):\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The table names no module that does not exist, except the model's
    // planned folder.
    for (_, modules) in LAYERS {
        for m in *modules {
            assert!(
                seen.contains(*m) || *m == "model",
                "the layer table names `{m}`, which is not a module of src/"
            );
        }
    }
}

#[test]
fn the_import_reader_finds_paths_groups_and_skips_comments() {
    let text = "use crate::analysis::x;\n\
                // use crate::report::y;\n\
                use crate::{sim::Model, input,\n    experiment::{a, b}};\n\
                let v = crate::scenario::f(); /// crate::explorer\n\
                macro_rules! m { () => { $crate::report::z } }\n";
    let found: Vec<(String, usize)> = imports(text);
    let names: Vec<(&str, usize)> = found.iter().map(|(n, l)| (n.as_str(), *l)).collect();
    assert_eq!(
        names,
        [
            ("analysis", 1),
            ("sim", 3),
            ("input", 3),
            ("experiment", 4),
            ("scenario", 5)
        ]
    );
}
