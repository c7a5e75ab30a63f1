//! A mutation fuzzer, in plain Rust on the stable toolchain, over everything
//! mlgov reads from users: scenario text (parsing and checking), assessment
//! checklists, results directories (`.mlgov/state.bin`, `runs.csv`,
//! `manifest.json` and the CSV tables, through [`verify_results`] and
//! [`Results::load`]), and design files for `mlgov run --design` (through
//! [`Design::parse`] and [`Scenario::with_design`]).
//!
//! Inputs are mutations of the corpus (`examples/scenarios`,
//! `examples/teaching`, `examples/checklists`, `tests/fuzz_corpus`, designs
//! written at start by `make_design`, and a results directory made at start): arbitrary byte edits, and
//! structure-aware edits of the TOML and CSV text (lines deleted, duplicated,
//! swapped or spliced from another file; numbers replaced by extreme values;
//! dictionary lines such as huge grids, variants setting experiment fields
//! or 2^32-sized counts inserted). Each input must give `Ok` or `Err`: a
//! panic, an input taking more than [`SLOW`], or an allocation over
//! [`MAX_ALLOCATION`] is a failure, reported with the seed and input number
//! that reproduce it.
//!
//! `cargo test --test fuzz` runs a short pass (`MLGOV_FUZZ_INPUTS`, default
//! 3000; `MLGOV_FUZZ_SEED`, default 1). The long run recorded in
//! docs/reliability.md: `MLGOV_FUZZ_INPUTS=1000000 cargo test --test fuzz -- --nocapture`.

use mlgov::assess::Checklist;
use mlgov::experiment::{Experiment, RunOptions, run_experiment, toy::RandomWalk, verify_results};
use mlgov::report::Results;
use mlgov::scenario::{Design, DesignMethod, Scenario, make_design};
use std::alloc::{GlobalAlloc, Layout, System};
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The largest single allocation an input may cause; larger ones are
/// refused (the process then aborts, after printing the input number).
const MAX_ALLOCATION: usize = 256 << 20;
/// An input that takes more CPU time than this is reported as slow; one
/// that takes four times as much without returning, as a hang.
const SLOW: Duration = Duration::from_secs(5);
/// An input that takes this long on the clock without returning is a hang
/// even when it uses no CPU (blocked on a read, say). Far above `SLOW * 4`
/// so that a process paused or starved by other work is not mistaken for
/// a hang: the CPU time test catches loops, this one blocked inputs.
const STUCK: Duration = Duration::from_secs(300);

/// CPU time used by the whole process so far. Only the fuzzing thread
/// works (the watchdog sleeps), so its growth is the inputs' own work, not
/// time spent waiting for a busy machine or paused.
#[cfg(unix)]
fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec to a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Elsewhere, the clock since the first call stands in for CPU time.
#[cfg(not(unix))]
fn cpu_time() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

static LARGEST: AtomicUsize = AtomicUsize::new(0);
static CURRENT: AtomicU64 = AtomicU64::new(0);

struct Guard;

// SAFETY: forwards to the system allocator; only refuses oversized requests.
unsafe impl GlobalAlloc for Guard {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > MAX_ALLOCATION {
            oversized(layout.size());
            return std::ptr::null_mut();
        }
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: ptr came from System.alloc with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > MAX_ALLOCATION {
            oversized(new_size);
            return std::ptr::null_mut();
        }
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Guard = Guard;

/// Prints (without allocating) which input asked for `size` bytes.
fn oversized(size: usize) {
    let mut buf = [0u8; 128];
    let mut n = 0;
    for part in [
        b"fuzz: allocation of ".as_slice(),
        &digits(size as u64),
        b" bytes at input #",
        &digits(CURRENT.load(Ordering::Relaxed)),
        b"\n",
    ] {
        for &b in part {
            if n < buf.len() {
                buf[n] = b;
                n += 1;
            }
        }
    }
    #[cfg(unix)]
    // SAFETY: writing a stack buffer to stderr.
    unsafe {
        libc::write(2, buf.as_ptr().cast(), n);
    }
}

fn digits(mut v: u64) -> [u8; 20] {
    let mut out = [b' '; 20];
    let mut i = 20;
    loop {
        i -= 1;
        out[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 || i == 0 {
            break;
        }
    }
    out
}

/// xorshift64*: the fuzzer's own generator, so a seed replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const NUMBERS: [&str; 18] = [
    "0",
    "-1",
    "1",
    "0.5",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "1200",
    "1201",
    "10000001",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "18446744073709551616",
    "1e-320",
    "\"text\"",
];

const LINES: [&str; 22] = [
    "[experiment]",
    "assignments = \"all\"",
    "assignments = [\"N-R-L\", \"L-L-L\", \"X-Y-Z\"]",
    "[experiment.grid]",
    "\"partnership.trust.prior\" = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]",
    "\"partnership.exit_rate\" = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]",
    "\"partnership.trust.forgetting\" = [0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0]",
    "[[variants]]",
    "name = \"v\"",
    "set = { \"experiment.months\" = 3, \"partnership.partners[99].count\" = 1 }",
    "set = { \"partnership.partners[0].count\" = 4294967296 }",
    "[[partnership.partners]]",
    "count = 4294967296",
    "months = 4294967296",
    "replications = 18446744073709551615",
    "forgetting = { dist = \"beta\", alpha = 0, beta = -1 }",
    "forgetting = { dist = \"normal\", mean = 0.5, sd = 1e308 }",
    "x = { a = { b = { c = { d = [[[[1]]]] } } } }",
    "[governance]",
    "domains = [\"jobs\", \"jobs\", \"nope\"]",
    "a.b.c.d.e.f = 1",
    "\u{0}\u{7f}\u{feff}",
];

/// Structure-aware edits of a text, then (sometimes) raw byte edits.
fn mutate_text(rng: &mut Rng, text: &str, others: &[String]) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..1 + rng.below(4) {
        let n = lines.len().max(1);
        match rng.below(8) {
            0 if !lines.is_empty() => {
                lines.remove(rng.below(lines.len()));
            }
            1 if !lines.is_empty() => {
                let k = rng.below(lines.len());
                let l = lines[k].clone();
                lines.insert(k, l);
            }
            2 if lines.len() > 1 => {
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(a, b);
            }
            3 => {
                let other = rng.pick(others);
                let ls: Vec<&str> = other.lines().collect();
                if !ls.is_empty() {
                    let l = rng.pick(&ls).to_string();
                    lines.insert(rng.below(n), l);
                }
            }
            4 | 5 if !lines.is_empty() => {
                // Replace a number (or the value after `=`) with an extreme one.
                let k = rng.below(lines.len());
                let l = &lines[k];
                let new = match l.find('=') {
                    Some(i) => format!("{}= {}", &l[..i], rng.pick(&NUMBERS)),
                    None => {
                        let digit = rng.pick::<&str>(&["9", "0", "-", "."]).to_string();
                        l.replace(|c: char| c.is_ascii_digit(), &digit)
                    }
                };
                lines[k] = new;
            }
            _ => {
                let l = rng.pick(&LINES).to_string();
                lines.insert(rng.below(n), l);
            }
        }
    }
    let mut bytes = lines.join("\n").into_bytes();
    if rng.below(4) == 0 {
        mutate_bytes(rng, &mut bytes);
    }
    bytes
}

/// Raw edits: flip, insert, delete bytes, or cut the input.
fn mutate_bytes(rng: &mut Rng, bytes: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let n = bytes.len();
        match rng.below(5) {
            0 if n > 0 => {
                let k = rng.below(n);
                bytes[k] ^= 1 << rng.below(8);
            }
            1 => {
                let k = rng.below(n + 1);
                bytes.insert(k, rng.next() as u8);
            }
            2 if n > 0 => {
                bytes.remove(rng.below(n));
            }
            3 if n > 0 => {
                bytes.truncate(rng.below(n));
            }
            _ if n > 0 => {
                // Overwrite 8 bytes with an extreme little-endian u64.
                let k = rng.below(n);
                let v = *rng.pick(&[u64::MAX, 1 << 40, 1 << 32, 0, 1 << 63]);
                for (i, b) in v.to_le_bytes().iter().enumerate() {
                    if k + i < n {
                        bytes[k + i] = *b;
                    }
                }
            }
            _ => {}
        }
    }
}

fn read_dir_texts(dirs: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for d in dirs {
        let Ok(entries) = fs::read_dir(root.join(d)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "toml") {
                out.push(fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

/// The files of a results directory that the fuzzer mutates.
const RESULT_FILES: [&str; 6] = [
    ".mlgov/state.bin",
    "runs.csv",
    "manifest.json",
    "summary.csv",
    "comparisons.csv",
    "trajectories.csv",
];

/// A small finished results directory (2 configurations, 20 replications)
/// and one stopped halfway, to mutate.
fn results_corpus(root: &Path) -> Vec<Vec<(String, Vec<u8>)>> {
    let exp = Experiment {
        model: RandomWalk::new(2),
        configurations: vec![
            RandomWalk::configuration("flat", 0.0),
            RandomWalk::configuration("up", 0.1),
        ],
        baseline: 0,
        replications: 20,
        months: 6,
        seed: 3,
        identity: "fuzz".into(),
        scenario_name: "walk".into(),
    };
    let mut corpus = Vec::new();
    for (name, stop) in [("done", None), ("partial", Some(1))] {
        let dir = root.join(name);
        let mut opts = RunOptions::new(&dir);
        opts.threads = 1;
        opts.stop_after_waves = stop;
        run_experiment(&exp, &opts).unwrap();
        let mut files = Vec::new();
        for f in RESULT_FILES {
            if let Ok(b) = fs::read(dir.join(f)) {
                files.push((f.to_string(), b));
            }
        }
        corpus.push(files);
    }
    corpus
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn fuzz_inputs() {
    let inputs = env_u64("MLGOV_FUZZ_INPUTS", 3000);
    let seed = env_u64("MLGOV_FUZZ_SEED", 1).max(1);
    let mut scenarios = read_dir_texts(&[
        "examples/scenarios",
        "examples/teaching",
        "src/examples",
        "tests/fuzz_corpus",
    ]);
    scenarios.push(String::new());
    let checklists = read_dir_texts(&["examples/checklists", "tests/fuzz_corpus/checklists"]);
    let (design_base, designs) = design_corpus();
    let root = tempfile::tempdir().unwrap();
    let corpus = results_corpus(root.path());
    let work = root.path().join("work");
    fs::create_dir_all(work.join(".mlgov")).unwrap();

    // A watchdog: an input that never returns is reported, not waited for.
    let progress = std::sync::Arc::new(AtomicU64::new(u64::MAX));
    let watched = progress.clone();
    std::thread::spawn(move || {
        let mut last = (u64::MAX, Instant::now(), cpu_time());
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = watched.load(Ordering::Relaxed);
            if now != last.0 {
                last = (now, Instant::now(), cpu_time());
            } else if now != u64::MAX {
                let cpu = cpu_time().saturating_sub(last.2);
                let wall = last.1.elapsed();
                if cpu > SLOW * 4 || wall > STUCK {
                    eprintln!(
                        "fuzz: input #{now} (seed {seed}) hangs ({cpu:?} of CPU, {wall:?} on the clock)"
                    );
                    std::process::abort();
                }
            }
        }
    });

    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut counts = [0u64; 4];
    let mut oks = [0u64; 4];
    let mut slowest = Duration::ZERO;
    let mut spent = [Duration::ZERO; 4];
    let mut largest = 0usize;
    let mut failures: Vec<String> = Vec::new();
    for i in 0..inputs {
        if i > 0 && i % 25_000 == 0 {
            // Progress of long runs: inputs done so far, all clean.
            println!(
                "fuzz: {i} inputs clean (seed {seed}), {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
        CURRENT.store(i, Ordering::Relaxed);
        progress.store(i, Ordering::Relaxed);
        let target = match rng.below(20) {
            0..=8 => 0,
            9..=11 => 1,
            12..=16 => 2,
            _ => 3,
        };
        counts[target] += 1;
        // Build the input first (outside the measured allocation).
        let (bytes, files) = match target {
            0 | 1 | 3 => {
                let pool = match target {
                    0 => &scenarios,
                    1 => &checklists,
                    _ => &designs,
                };
                let seed_text = rng_pick(&mut rng, pool);
                (mutate_text(&mut rng, seed_text, pool), vec![])
            }
            _ => {
                let set = &corpus[rng.below(corpus.len())];
                let mut files = set.clone();
                let k = rng.below(files.len());
                let mutated = if files[k].0.ends_with(".bin") || rng.below(3) == 0 {
                    let mut b = files[k].1.clone();
                    mutate_bytes(&mut rng, &mut b);
                    b
                } else {
                    let text = String::from_utf8_lossy(&files[k].1).into_owned();
                    mutate_text(&mut rng, &text, std::slice::from_ref(&text))
                };
                files[k].1 = mutated;
                if rng.below(10) == 0 {
                    files.remove(rng.below(files.len()));
                }
                (vec![], files)
            }
        };
        if target == 2 {
            for f in RESULT_FILES {
                let _ = fs::remove_file(work.join(f));
            }
            for (name, b) in &files {
                fs::write(work.join(name), b).unwrap();
            }
        }
        LARGEST.store(0, Ordering::Relaxed);
        let t = cpu_time();
        let outcome = catch_unwind(AssertUnwindSafe(|| match target {
            0 => {
                let text = String::from_utf8_lossy(&bytes);
                Scenario::from_toml(&text, "fuzz.toml").is_ok()
            }
            1 => {
                let text = String::from_utf8_lossy(&bytes);
                Checklist::from_toml(&text).is_ok_and(|c| c.validate().is_ok())
            }
            3 => {
                Design::parse(&bytes, "fuzz.csv").is_ok_and(|d| design_base.with_design(&d).is_ok())
            }
            _ => {
                let a = verify_results(&work).is_ok();
                let b = Results::load(&work).is_ok();
                a && b
            }
        }));
        let took = cpu_time().saturating_sub(t);
        let peak = LARGEST.load(Ordering::Relaxed);
        slowest = slowest.max(took);
        spent[target] += took;
        largest = largest.max(peak);
        let problem = match outcome {
            Err(_) => Some("panicked".to_string()),
            Ok(_) if took > SLOW => Some(format!("took {took:?}")),
            Ok(ok) => {
                oks[target] += u64::from(ok);
                None
            }
        };
        if let Some(problem) = problem {
            let saved = root.path().join(format!("failure-{i}"));
            fs::create_dir_all(&saved).unwrap();
            fs::write(saved.join("input"), &bytes).unwrap();
            failures.push(format!(
                "input #{i} (target {target}, seed {seed}) {problem}; saved in {}",
                saved.display()
            ));
            if failures.len() >= 5 {
                break;
            }
        }
    }
    progress.store(u64::MAX, Ordering::Relaxed);
    let elapsed = started.elapsed();
    println!(
        "fuzz: {inputs} inputs (seed {seed}) in {:.1} s: scenarios {} ({} valid), checklists {} ({} valid), \
         results directories {} ({} valid), designs {} ({} valid); slowest input {slowest:?} of CPU, largest allocation {largest} bytes; \
         {} failures; CPU time in the targets {:.1?}",
        elapsed.as_secs_f64(),
        counts[0],
        oks[0],
        counts[1],
        oks[1],
        counts[2],
        oks[2],
        counts[3],
        oks[3],
        failures.len(),
        spent.map(|d| d.as_secs_f64())
    );
    if !failures.is_empty() {
        // Keep the failing inputs.
        let keep = root.keep();
        panic!(
            "{} (inputs kept under {})",
            failures.join("\n"),
            keep.display()
        );
    }
    // The mutations must reach both outcomes, or the fuzzer tests nothing.
    if inputs >= 1000 {
        assert!(
            oks[0] > 0 && oks[0] < counts[0],
            "scenarios: {oks:?} of {counts:?}"
        );
        assert!(oks[2] < counts[2], "results: {oks:?} of {counts:?}");
        assert!(
            oks[3] > 0 && oks[3] < counts[3],
            "designs: {oks:?} of {counts:?}"
        );
    }
}

/// The scenario designs are checked against (the leadership exchange case,
/// which has uncertain parameters) and the designs to mutate: one of each
/// method over its uncertain parameters, and hand-written ones naming other
/// paths, bounds and a variant's field.
fn design_corpus() -> (Scenario, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("examples/scenarios/leadership_exchange.toml");
    let base = Scenario::load(&path).unwrap();
    let mut designs: Vec<String> = [
        (DesignMethod::Lhs, 8),
        (DesignMethod::Sobol, 2),
        (DesignMethod::Morris, 2),
        (DesignMethod::Factorial, 2),
    ]
    .into_iter()
    .filter_map(|(method, samples)| make_design(&base, base.baseline(), method, samples, 7).ok())
    .map(|d| String::from_utf8(d.to_csv()).unwrap())
    .collect();
    designs.push("partnership.fairness,governance.silos\n0.5,2\n0.7,4\n".to_string());
    designs
        .push("governance.needs_variance,partnership.trust.forgetting\n0,0.9\n2.5,1\n".to_string());
    designs.push("experiment.months,governance.spillover\n12,0.5\n".to_string());
    (base, designs)
}

fn rng_pick<'a>(rng: &mut Rng, items: &'a [String]) -> &'a str {
    items[rng.below(items.len())].as_str()
}
