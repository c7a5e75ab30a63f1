//! The errors of the experiment engine. Each message names the argument, file
//! or directory at fault and what is wrong with it.

use std::path::PathBuf;

/// Why an experiment could not be run, resumed or merged. A model run that
/// fails is *not* an error here: it is recorded as a failed run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExperimentError {
    /// A command-line argument or experiment field is out of range.
    #[error("{argument}: {problem}")]
    InvalidArgument {
        /// The argument as given, e.g. `--shard 4/3`.
        argument: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The output directory already holds results and `--resume` was not given.
    #[error(
        "{} already holds results ({}); use --resume to continue that run, or choose another --out",
        dir.display(),
        found.display()
    )]
    OutputExists {
        /// The output directory.
        dir: PathBuf,
        /// The first result file found in it.
        found: PathBuf,
    },
    /// `--resume` was given but the directory cannot be continued by this experiment.
    #[error("cannot resume {}: {problem}", dir.display())]
    CannotResume {
        /// The output directory.
        dir: PathBuf,
        /// Why not (e.g. which setting differs).
        problem: String,
    },
    /// Another process is writing the directory (it holds its lock).
    #[error(
        "{} is being written by another mlgov process ({}); only one may write a results directory at a time: wait for it to finish or stop it",
        dir.display(),
        holder.map_or("PID unknown".to_string(), |p| format!("PID {p}"))
    )]
    Locked {
        /// The results directory.
        dir: PathBuf,
        /// The process holding the lock, as recorded in its lock file.
        holder: Option<u32>,
    },
    /// The directories given to `mlgov merge` do not form one complete experiment.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// `runs.csv` does not hold what the checkpoint recorded: a row is
    /// damaged, inserted, duplicated, missing or cut short, or a value was
    /// changed. Nothing built on it can be trusted.
    #[error(
        "{}{}: {problem}; this results directory cannot be trusted: remove it and run again without --resume",
        path.display(),
        line.map(|l| format!(" line {l}")).unwrap_or_default()
    )]
    DamagedRuns {
        /// The `runs.csv` file.
        path: PathBuf,
        /// The line of the first bad row, when one is.
        line: Option<u64>,
        /// What is wrong.
        problem: String,
    },
    /// A state file (checkpoint) is unreadable or damaged.
    #[error("{} is not a valid mlgov state file: {problem}", path.display())]
    CorruptState {
        /// The state file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A result file does not hold what the checkpoint says it should.
    #[error("{}: {problem}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line where it helps.
        problem: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: cannot {action}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done (e.g. `write`).
        action: &'static str,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Writing a CSV file failed.
    #[error("{}: cannot write CSV", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The CSV writer's error.
        #[source]
        source: csv::Error,
    },
    /// The worker thread pool could not be started.
    #[error("cannot start {threads} worker threads: {message}")]
    ThreadPool {
        /// The requested number of threads.
        threads: usize,
        /// The pool builder's message.
        message: String,
    },
}

impl ExperimentError {
    pub(crate) fn invalid(argument: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::InvalidArgument {
            argument: argument.into(),
            problem: problem.into(),
        }
    }

    pub(crate) fn io(
        path: impl Into<PathBuf>,
        action: &'static str,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io {
            path,
            action,
            source,
        }
    }

    /// An atomic write that failed: the file it was replacing and the step.
    pub(crate) fn atomic(e: crate::atomic::AtomicWriteError) -> Self {
        Self::Io {
            path: e.path,
            action: e.action,
            source: e.source,
        }
    }

    pub(crate) fn csv(path: impl Into<PathBuf>) -> impl FnOnce(csv::Error) -> Self {
        let path = path.into();
        move |source| Self::Csv { path, source }
    }
}
