//! `mlgov init` and `mlgov examples`.

use super::say::say;
use clap::Args;
use mlgov::examples::{RUST_EXAMPLES, SCENARIOS, STARTER, TEACHING, find};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov init`.
#[derive(Args)]
pub struct InitArgs {
    /// Write this example scenario instead of the starter (see `mlgov examples`).
    #[arg(long, value_name = "NAME")]
    pub example: Option<String>,
    /// File to write (default: `scenario.toml`, or `NAME.toml` with
    /// `--example`); `-` prints it instead.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Writes the starter or an example scenario.
pub fn execute(args: InitArgs) -> anyhow::Result<ExitCode> {
    let (text, default_name, what) = match &args.example {
        Some(name) => match find(name) {
            Ok(e) => (
                e.text,
                format!("{}.toml", e.name),
                format!("example scenario \"{}\"", e.name),
            ),
            Err(msg) => {
                eprintln!("error: {msg}");
                return Ok(ExitCode::from(2));
            }
        },
        None => (
            STARTER,
            "scenario.toml".to_string(),
            "starter scenario".to_string(),
        ),
    };
    let out = args.out.unwrap_or_else(|| PathBuf::from(default_name));
    if out.as_os_str() == "-" {
        print!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    if let Err(code) = super::write_new(&out, text.as_bytes(), args.force) {
        return Ok(code);
    }
    say!("wrote {} ({what})", out.display());
    say!(
        "next: mlgov check {0}   then   mlgov run {0} --out results/{1}",
        out.display(),
        out.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

/// Lists the example scenarios and the Rust examples, one line each.
pub fn list() -> anyhow::Result<ExitCode> {
    let width = SCENARIOS
        .iter()
        .chain(TEACHING)
        .map(|e| e.name.len())
        .chain(RUST_EXAMPLES.iter().map(|(n, _)| n.len()))
        .max()
        .unwrap_or(0);
    println!("Example scenarios (write one with `mlgov init --example NAME`):");
    for e in SCENARIOS {
        println!("  {:width$}  {}", e.name, e.description());
    }
    println!();
    println!(
        "Teaching scenarios, the exercises of docs/teaching.md (also `mlgov init --example NAME`):"
    );
    for e in TEACHING {
        println!("  {:width$}  {}", e.name, e.description());
    }
    println!();
    println!("Rust examples in the repository (`cargo run --release --example NAME`):");
    for (name, line) in RUST_EXAMPLES {
        println!("  {name:width$}  {line}");
    }
    Ok(ExitCode::SUCCESS)
}
