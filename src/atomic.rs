//! Atomic file replacement: a reader (another program, or a resumed run)
//! sees the old file or the new one, never half of one.
//!
//! Owns one thing, for every layer: writing bytes to a temporary file in the
//! target's folder and renaming it over the target. It is built on
//! `tempfile`'s [`NamedTempFile::persist`], which creates the temporary file
//! with a name no other writer uses and removes it if anything fails before
//! the rename (an error, or a panic that drops it), so a failed write leaves
//! no temporary file behind. It knows nothing of what the bytes are.
//!
//! The temporary file is `.NAME.XXXXXX.tmp` beside `NAME`: hidden, and never
//! mistaken for a result file by the engine, merge or verification, which
//! look for exact names.

use std::io::Write;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// What went wrong, at which step, on which path.
#[derive(Debug)]
pub struct AtomicWriteError {
    /// The file being replaced.
    pub path: PathBuf,
    /// `"create"`, `"write"`, `"sync"` or `"replace"`.
    pub action: &'static str,
    /// The operating system's error.
    pub source: std::io::Error,
}

impl std::fmt::Display for AtomicWriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot {} {}: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for AtomicWriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl From<AtomicWriteError> for std::io::Error {
    fn from(e: AtomicWriteError) -> Self {
        std::io::Error::new(e.source.kind(), e.to_string())
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// flushed to disk, and a rename: the file is absent, the old one, or
/// complete, even after a crash.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, bytes, true).map_err(Into::into)
}

/// Writes `bytes` to `path` through a temporary file and a rename; with
/// `sync`, the temporary file is flushed to disk before the rename (what a
/// checkpoint needs to survive a power cut; result tables that can be
/// written again skip it).
pub fn replace(path: &Path, bytes: &[u8], sync: bool) -> Result<(), AtomicWriteError> {
    let mut new = Replacement::new(path)?;
    if let Err(e) = new.file().write_all(bytes) {
        return Err(new.error("write", e));
    }
    new.commit(sync)
}

/// A file being written to replace `path`, for writers that stream (a
/// merged `runs.csv`, a Parquet table): write through [`Replacement::file`],
/// then [`Replacement::commit`]. Dropped without a commit (after an error,
/// or in a panic) it removes its temporary file, and `path` is untouched.
#[derive(Debug)]
pub struct Replacement {
    temp: NamedTempFile,
    path: PathBuf,
}

impl Replacement {
    /// Creates the temporary file beside `path`.
    pub fn new(path: &Path) -> Result<Self, AtomicWriteError> {
        let fail = |source| AtomicWriteError {
            path: path.to_path_buf(),
            action: "create",
            source,
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path.file_name().ok_or_else(|| {
            fail(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the path has no file name",
            ))
        })?;
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{}.", name.to_string_lossy()))
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(fail)?;
        Ok(Self {
            temp,
            path: path.to_path_buf(),
        })
    }

    /// The temporary file, to write to.
    pub fn file(&mut self) -> &mut std::fs::File {
        self.temp.as_file_mut()
    }

    /// An error of `action` on this replacement, naming the file it replaces.
    pub fn error(&self, action: &'static str, source: std::io::Error) -> AtomicWriteError {
        AtomicWriteError {
            path: self.path.clone(),
            action,
            source,
        }
    }

    /// Flushes the temporary file to disk if `sync`, then renames it over
    /// the target ([`NamedTempFile::persist`]). On failure the temporary
    /// file is removed.
    pub fn commit(self, sync: bool) -> Result<(), AtomicWriteError> {
        if sync && let Err(e) = self.temp.as_file().sync_all() {
            return Err(self.error("sync", e));
        }
        let Replacement { temp, path } = self;
        // A failed rename hands the temporary file back in the error; it is
        // removed when that is dropped.
        temp.persist(&path).map(drop).map_err(|e| AtomicWriteError {
            path,
            action: "replace",
            source: e.error,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_write_replaces_the_file_and_leaves_nothing_else() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("table.csv");
        write_atomic(&path, b"old").unwrap();
        replace(&path, b"new", false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(entries(root.path()), ["table.csv"]);
    }

    #[test]
    fn a_streamed_replacement_is_all_or_nothing() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("runs.csv");
        std::fs::write(&path, b"old").unwrap();
        // Dropped before the commit: the old file stays, nothing else.
        let mut new = Replacement::new(&path).unwrap();
        new.file().write_all(b"half").unwrap();
        drop(new);
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(entries(root.path()), ["runs.csv"]);
        // Committed: the new file.
        let mut new = Replacement::new(&path).unwrap();
        new.file().write_all(b"new").unwrap();
        new.commit(true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(entries(root.path()), ["runs.csv"]);
    }

    #[test]
    fn a_failed_write_names_the_file_and_leaves_no_temporary_file() {
        let root = tempfile::tempdir().unwrap();
        // The rename cannot replace a directory that holds a file.
        let path = root.path().join("state.bin");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("x"), b"x").unwrap();
        let e = replace(&path, b"bytes", true).unwrap_err();
        assert_eq!(e.action, "replace");
        assert!(e.to_string().contains("state.bin"), "{e}");
        assert_eq!(entries(root.path()), ["state.bin"]);
        // A folder that does not exist: refused at creation.
        let e = write_atomic(&root.path().join("no/such/file"), b"x").unwrap_err();
        assert!(e.to_string().contains("cannot create"), "{e}");
    }
}
