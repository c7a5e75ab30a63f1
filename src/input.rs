//! Reading the files a user names as input (scenarios, checklists): only
//! regular files, and only up to [`MAX_INPUT_BYTES`].
//!
//! A FIFO, a socket or a device given as a scenario would otherwise make a
//! command wait forever (or read without end); a file far larger than any
//! real scenario is a mistake (a results file, a disk image) that would only
//! cost memory. Both are refused with a message naming the file.
//!
//! Owns the bounded, regular-file reading used by every layer that reads a
//! user's file; it imports nothing of the crate and must not know what the
//! files mean (docs/architecture.md, layer 0).

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// The largest input file read: 4 MiB, far beyond any scenario or
/// checklist (the largest example scenario is under 20 KiB).
pub const MAX_INPUT_BYTES: u64 = 4 << 20;

/// Reads the whole of `path`, refusing anything that is not a regular file
/// (after following symbolic links) and files over `limit` bytes. The error
/// says what is wrong; the caller names the file.
pub fn read_input(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let (file, meta) = open_regular(path)?;
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow while being read: never read past the limit.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// Opens `path` for reading (of any size, e.g. a results table), refusing
/// anything that is not a regular file (after following symbolic links)
/// without waiting on it: a FIFO, socket or device would make the reader
/// wait or read without end. Returns the file and its metadata.
pub fn open_regular(path: &Path) -> io::Result<(File, std::fs::Metadata)> {
    let file = open_without_blocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a directory"
        } else {
            special_kind(&meta)
        };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{kind}, not a regular file"),
        ));
    }
    Ok((file, meta))
}

/// Reads the whole of `path`, of any size (a results table), refusing
/// anything that is not a regular file without waiting on it, as
/// [`open_regular`] does.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let (mut file, meta) = open_regular(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// [`read_regular`] as text: invalid UTF-8 is an error of kind
/// `InvalidData`, as with `std::fs::read_to_string`.
pub fn read_regular_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read_regular(path)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

fn too_large(len: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{len} bytes or more, over the limit of {limit} bytes for an input file"),
    )
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of
    // waiting; it changes nothing for a regular file.
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::Metadata) -> &'static str {
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        std::fs::write(&p, "x = 1\n").unwrap();
        assert_eq!(read_input(&p, 6).unwrap(), b"x = 1\n");
        assert_eq!(read_regular(&p).unwrap(), b"x = 1\n");
        assert_eq!(read_regular_to_string(&p).unwrap(), "x = 1\n");
        let e = read_input(&p, 5).unwrap_err().to_string();
        assert!(e.contains("over the limit of 5 bytes"), "{e}");
        let e = read_input(dir.path(), 5).unwrap_err().to_string();
        assert!(e.contains("a directory, not a regular file"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_input(&fifo, MAX_INPUT_BYTES).unwrap_err().to_string();
        assert!(e.contains("a FIFO (named pipe), not a regular file"), "{e}");
        let e = read_input(Path::new("/dev/zero"), MAX_INPUT_BYTES)
            .unwrap_err()
            .to_string();
        assert!(e.contains("a device, not a regular file"), "{e}");
        let e = open_regular(&fifo).unwrap_err().to_string();
        assert!(e.contains("a FIFO (named pipe), not a regular file"), "{e}");
        let e = read_regular(&fifo).unwrap_err().to_string();
        assert!(e.contains("a FIFO (named pipe), not a regular file"), "{e}");
        let e = read_regular_to_string(Path::new("/dev/zero"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("a device, not a regular file"), "{e}");
    }
}
