//! Where the command line writes, the same for every subcommand: results
//! and summaries on stdout ([`say!`]), progress and diagnostics on stderr
//! ([`note!`]), errors on stderr always. `--quiet` silences the first two;
//! what a command exists to print (a scenario with `--out -`, a completion
//! script, a man page, the `examples` list) is printed regardless.

use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);

/// Sets `--quiet` for the whole program (called once, from `main`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A line of a command's result or summary, on stdout, unless `--quiet`.
macro_rules! say {
    ($($arg:tt)*) => {
        if !$crate::cli::say::quiet() {
            println!($($arg)*);
        }
    };
}

/// A line of progress or a diagnostic, on stderr, unless `--quiet`.
macro_rules! note {
    ($($arg:tt)*) => {
        if !$crate::cli::say::quiet() {
            eprintln!($($arg)*);
        }
    };
}

pub(crate) use {note, say};
