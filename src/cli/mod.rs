//! One file per subcommand; each parses its arguments and calls the library.
//!
//! Owns the arguments, messages, exit codes (0 success, 1 failure, 2 usage)
//! and signal handling of the program. It may call any part of the library and
//! must hold no domain rule: what a command computes lives in the library,
//! where programs other than `mlgov` can use it (docs/architecture.md).

pub mod assess;
pub mod charts;
pub mod check;
pub mod design;
pub mod discover;
pub mod init;
pub mod install;
pub mod plot;
pub mod report;
pub mod run;
pub mod say;
pub mod sensitivity;
pub mod serve;
pub mod simulate;
pub mod slurm;

use mlgov::atomic::write_atomic;
use mlgov::experiment::{DirLock, ExperimentError};
use mlgov::scenario::Scenario;
use std::path::Path;
use std::process::ExitCode;

/// Loads and checks a scenario; on failure prints every problem and gives
/// the exit code (2) the command should return.
pub fn load_scenario(path: &Path) -> Result<Scenario, ExitCode> {
    Scenario::load(path).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}

/// Index of the named configuration, or of the baseline when none is named.
pub fn pick_configuration(scenario: &Scenario, name: Option<&str>) -> anyhow::Result<usize> {
    match name {
        Some(name) => scenario
            .configuration_index(name)
            .map_err(anyhow::Error::msg),
        None => Ok(scenario.baseline()),
    }
}

/// Writes a file the user asked for, atomically, refusing to replace an
/// existing file unless `force`; parent folders are created. On failure
/// prints why and gives the exit code (1; 2 for a file that exists).
pub fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<(), ExitCode> {
    if path.exists() && !force {
        eprintln!(
            "error: {} already exists; choose another --out or add --force to overwrite it",
            path.display()
        );
        return Err(ExitCode::from(2));
    }
    if path.is_dir() {
        eprintln!("error: {} is a folder, not a file", path.display());
        return Err(ExitCode::from(2));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: cannot create folder {}: {e}", dir.display());
        return Err(ExitCode::from(1));
    }
    write_atomic(path, bytes).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", path.display());
        ExitCode::from(1)
    })
}

/// Locks a results directory for writing (see [`DirLock`]): refuses at once,
/// naming the holder, when another process writes it. The directory is
/// created if needed; hold the lock until the command is done writing.
pub fn lock_dir(dir: &Path) -> anyhow::Result<DirLock> {
    Ok(DirLock::acquire(dir)?)
}

/// Refuses (exit status 2) to replace `path` when it exists and was not
/// written by mlgov, unless `force`: `ours` is given the file's first 4 KiB
/// and says whether mlgov wrote it. `redo` is the command that replaces it
/// anyway (`--force` appended). Anything but a regular file in the way is
/// refused even with `--force`.
pub fn refuse_foreign(
    path: &Path,
    force: bool,
    ours: impl Fn(&[u8]) -> bool,
    redo: &str,
) -> anyhow::Result<()> {
    use std::io::Read;
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    let (file, _) = mlgov::input::open_regular(path).map_err(|e| {
        usage(format!(
            "{} is in the way: {e}; move it away first",
            path.display()
        ))
    })?;
    if force {
        return Ok(());
    }
    let mut head = Vec::new();
    file.take(4096).read_to_end(&mut head)?;
    if ours(&head) {
        return Ok(());
    }
    Err(usage(format!(
        "{} already exists and was not written by mlgov; nothing was written: move it away, \
         or add --force (`{redo} --force`) to replace it",
        path.display()
    )))
}

/// A mistake in the command's arguments found after parsing (a value out of
/// range, an unknown method): the command exits with status 2, as for the
/// argument parser's own errors. Other failures exit with 1.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// An error for a bad argument value (exit status 2).
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    Usage(message.into()).into()
}

/// The exit status of a failed command: 2 for a usage error (a [`Usage`]
/// an engine's invalid argument, or a metric asked for that the results do
/// not have), 1 otherwise.
pub fn exit_status(err: &anyhow::Error) -> u8 {
    let bad_argument = err.chain().any(|e| {
        e.is::<Usage>()
            || matches!(
                e.downcast_ref::<ExperimentError>(),
                Some(ExperimentError::InvalidArgument { .. })
            )
            || matches!(
                e.downcast_ref::<mlgov::report::ReportError>(),
                Some(mlgov::report::ReportError::UnknownMetric { .. })
            )
    });
    if bad_argument { 2 } else { 1 }
}
