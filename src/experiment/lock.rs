//! One writer per results directory: an exclusive advisory lock.
//!
//! Every command that writes a results directory (`run`, `merge`, `plot`,
//! `sensitivity`, ...) first takes [`DirLock::acquire`] on it and holds it
//! until it is done. The lock is a `flock(2)` on the file `DIR/.mlgov.lock`:
//!
//! - it is exclusive and never waits: a second writer is refused at once with
//!   [`ExperimentError::Locked`], which names the directory and the PID of the
//!   process holding it (written into the lock file by the holder);
//! - the operating system releases it when the holder exits or is killed, so
//!   a lock file left behind by a dead process (a *stale* lock) never blocks;
//! - a writer that finishes removes the lock file. To stay correct while
//!   another process removes it, a writer that has locked the file checks that
//!   the path still names the file it locked, and otherwise tries again.
//!
//! Linux NFS clients (v4, and v3 with lockd) implement `flock` with byte-range
//! locks that the server arbitrates, so the lock also holds between the nodes
//! of a cluster sharing the directory. A filesystem that does not support
//! locks at all (`ENOLCK`, `EOPNOTSUPP`) cannot be protected: the writer
//! goes on without the lock and [`DirLock::unprotected`] says so. On systems
//! other than Unix the lock is not taken.

use super::ExperimentError;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

/// The name of the lock file inside a results directory.
pub const LOCK_FILE: &str = ".mlgov.lock";

/// An exclusive lock on a results directory, released when dropped.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
    file: Option<File>,
    problem: Option<String>,
    /// A reader's shared lock: the file is the writer's, left in place.
    shared: bool,
}

impl DirLock {
    /// Creates `dir` if needed and locks it for writing, refusing at once if
    /// another process (or another handle in this process) holds the lock.
    pub fn acquire(dir: &Path) -> Result<DirLock, ExperimentError> {
        if dir.exists() && !dir.is_dir() {
            return Err(ExperimentError::invalid(
                format!("--out {}", dir.display()),
                "exists and is not a directory",
            ));
        }
        fs::create_dir_all(dir).map_err(ExperimentError::io(dir, "create directory"))?;
        imp::acquire(dir, &dir.join(LOCK_FILE))
    }

    /// Makes sure no process is writing `dir`, which is only read (a shard
    /// that `merge` reads), and keeps writers out while the returned lock is
    /// held, without writing to `dir`: when a writer's lock file is there, a
    /// shared lock is taken on it (refused at once, naming the holder, while
    /// a writer holds it); when there is none, no writer is at work. So a
    /// folder on a read-only file system can be read.
    pub fn acquire_for_reading(dir: &Path) -> Result<DirLock, ExperimentError> {
        imp::acquire_shared(dir, &dir.join(LOCK_FILE))
    }

    /// Why the directory is not protected, when the filesystem does not
    /// support locks (`None` when the lock is held).
    pub fn unprotected(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        if self.file.is_some() && !self.shared {
            // Remove the file while still holding the lock, then unlock by
            // closing: a process that opened the old file re-checks the path.
            let _ = fs::remove_file(&self.path);
        }
        self.file = None;
    }
}

#[cfg(unix)]
mod imp {
    use super::{DirLock, ExperimentError};
    use std::fs::{File, OpenOptions};
    use std::io::{Read, Seek, Write};
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::io::AsRawFd;
    use std::path::Path;

    /// What a non-blocking `flock` of a lock file gave.
    enum Flock {
        /// The lock is ours.
        Taken,
        /// Another process holds it.
        Busy,
        /// The filesystem does not lock files.
        Unsupported(std::io::Error),
    }

    /// Tries `op` (`LOCK_EX` or `LOCK_SH`) on `file` without waiting; any
    /// other failure than a held lock or missing support is an error on `path`.
    fn try_flock(file: &File, op: libc::c_int, path: &Path) -> Result<Flock, ExperimentError> {
        // SAFETY: flock on a file descriptor we own; no memory involved.
        let rc = unsafe { libc::flock(file.as_raw_fd(), op | libc::LOCK_NB) };
        if rc == 0 {
            return Ok(Flock::Taken);
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EWOULDBLOCK) => Ok(Flock::Busy),
            Some(libc::ENOLCK) | Some(libc::EOPNOTSUPP) | Some(libc::ENOSYS) => {
                Ok(Flock::Unsupported(err))
            }
            _ => Err(ExperimentError::io(path, "lock")(err)),
        }
    }

    pub fn acquire(dir: &Path, path: &Path) -> Result<DirLock, ExperimentError> {
        // A path replaced between opening and locking is retried; a handful of
        // attempts is plenty (each needs another writer to finish meanwhile).
        for _ in 0..16 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(ExperimentError::io(path, "open the lock file"))?;
            match try_flock(&file, libc::LOCK_EX, path)? {
                Flock::Taken => {}
                Flock::Busy => {
                    return Err(ExperimentError::Locked {
                        dir: dir.to_path_buf(),
                        holder: holder_pid(&mut file),
                    });
                }
                Flock::Unsupported(err) => {
                    let problem = format!(
                        "the filesystem of {} does not support file locks ({err}); \
                         make sure no other process writes it",
                        dir.display()
                    );
                    eprintln!("warning: {problem}");
                    return Ok(DirLock {
                        path: path.to_path_buf(),
                        file: None,
                        problem: Some(problem),
                        shared: false,
                    });
                }
            }
            let same = match (file.metadata(), std::fs::metadata(path)) {
                (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
                _ => false,
            };
            if !same {
                continue;
            }
            let pid = format!("{}\n", std::process::id());
            let written = file
                .set_len(0)
                .and_then(|_| file.rewind())
                .and_then(|_| file.write_all(pid.as_bytes()));
            written.map_err(ExperimentError::io(path, "write the lock file"))?;
            return Ok(DirLock {
                path: path.to_path_buf(),
                file: Some(file),
                problem: None,
                shared: false,
            });
        }
        Err(ExperimentError::Locked {
            dir: dir.to_path_buf(),
            holder: None,
        })
    }

    pub fn acquire_shared(dir: &Path, path: &Path) -> Result<DirLock, ExperimentError> {
        let unlocked = |problem: Option<String>| DirLock {
            path: path.to_path_buf(),
            file: None,
            problem,
            shared: true,
        };
        // No lock file: no writer at work (a writer creates it first).
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(unlocked(None)),
            Err(e) => return Err(ExperimentError::io(path, "open the lock file")(e)),
        };
        match try_flock(&file, libc::LOCK_SH, path)? {
            Flock::Taken => {}
            Flock::Busy => {
                return Err(ExperimentError::Locked {
                    dir: dir.to_path_buf(),
                    holder: holder_pid(&mut file),
                });
            }
            Flock::Unsupported(err) => {
                return Ok(unlocked(Some(format!(
                    "the filesystem of {} does not support file locks ({err})",
                    dir.display()
                ))));
            }
        }
        Ok(DirLock {
            path: path.to_path_buf(),
            file: Some(file),
            problem: None,
            shared: true,
        })
    }

    /// The PID of the process holding the lock. The holder writes it just
    /// after locking, so a writer refused in between reads an empty file (or
    /// the PID of a dead process that left the file): wait up to 0.5 s for a
    /// live process's PID to appear.
    fn holder_pid(file: &mut File) -> Option<u32> {
        let mut pid = None;
        for _ in 0..50 {
            pid = read_pid(file);
            if pid.is_some_and(alive) {
                return pid;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        pid
    }

    fn alive(pid: u32) -> bool {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists.
        pid > 0
            && (unsafe { libc::kill(pid, 0) } == 0
                || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
    }

    fn read_pid(file: &mut File) -> Option<u32> {
        let mut text = String::new();
        file.rewind().ok()?;
        file.take(32).read_to_string(&mut text).ok()?;
        text.trim().parse().ok()
    }
}

#[cfg(not(unix))]
mod imp {
    use super::{DirLock, ExperimentError};
    use std::path::Path;

    pub fn acquire(_dir: &Path, path: &Path) -> Result<DirLock, ExperimentError> {
        Ok(DirLock {
            path: path.to_path_buf(),
            file: None,
            problem: Some("directory locks are only taken on Unix".into()),
            shared: false,
        })
    }

    pub fn acquire_shared(dir: &Path, path: &Path) -> Result<DirLock, ExperimentError> {
        acquire(dir, path)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn second_writer_is_refused_naming_the_holder() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        let first = DirLock::acquire(&dir).unwrap();
        assert!(first.unprotected().is_none());
        let err = DirLock::acquire(&dir).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&dir.display().to_string()), "{msg}");
        assert!(
            msg.contains(&format!("PID {}", std::process::id())),
            "{msg}"
        );
        drop(first);
        assert!(!dir.join(LOCK_FILE).exists(), "released lock file removed");
        let again = DirLock::acquire(&dir).unwrap();
        drop(again);
    }

    #[test]
    fn a_stale_lock_file_does_not_block() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        fs::write(dir.join(LOCK_FILE), "999999999\n").unwrap();
        let lock = DirLock::acquire(dir).unwrap();
        let pid: u32 = fs::read_to_string(lock.path())
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(pid, std::process::id());
    }

    #[test]
    fn a_refused_writer_waits_for_the_holders_pid() {
        use std::io::Write;
        use std::os::unix::io::AsRawFd;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        // A holder caught between locking and writing its PID, over a file
        // left by a dead process.
        fs::write(dir.join(LOCK_FILE), "4194303\n").unwrap();
        let mut held = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(dir.join(LOCK_FILE))
            .unwrap();
        // SAFETY: flock on a file descriptor we own.
        assert_eq!(
            unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
            0
        );
        let writer = std::thread::spawn({
            let dir = dir.to_path_buf();
            move || DirLock::acquire(&dir).unwrap_err().to_string()
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        held.set_len(0).unwrap();
        writeln!(held, "{}", std::process::id()).unwrap();
        let msg = writer.join().unwrap();
        assert!(
            msg.contains(&format!("PID {}", std::process::id())),
            "{msg}"
        );
    }

    #[test]
    fn a_file_is_not_a_directory() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("f");
        fs::write(&file, "x").unwrap();
        let err = DirLock::acquire(&file).unwrap_err().to_string();
        assert!(err.contains("exists and is not a directory"), "{err}");
    }
}
