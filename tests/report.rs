//! `report.html`: written by `mlgov run` and `mlgov merge` (not with
//! `--no-plots`) and `mlgov report`, which checks a `--scenario` against the
//! results; and in a real browser: headless Chromium (Debian's `chromium`)
//! loads the report that `mlgov run` writes, and the test checks that the
//! tables and every chart are there with a visible size, that the page
//! fetched nothing (no network or file requests: one self-contained file),
//! that no error or console error occurred, and that a screenshot is not
//! blank.
//!
//! Without Chromium the test says so and passes, unless
//! `MLGOV_REQUIRE_BROWSER=1` (set by `.ci/run`), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Runs Chromium headless on `page` with `args`; returns (stdout, stderr).
fn headless(browser: &Path, profile: &Path, page: &Path, args: &[String]) -> (String, String) {
    // Output goes to files: the dumped DOM is larger than a pipe's buffer,
    // and an unread pipe would stall the browser.
    let out_path = profile.join("stdout.txt");
    let err_path = profile.join("stderr.txt");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.join("profile").display()
        ))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::from(std::fs::File::create(&out_path).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err_path).unwrap()))
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
    (read(&out_path), read(&err_path))
}

#[test]
fn the_report_loads_in_chromium_with_every_chart_and_no_requests() {
    let Some(browser) = chromium() else {
        if std::env::var("MLGOV_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("MLGOV_REQUIRE_BROWSER=1 but chromium is not installed");
        }
        eprintln!(
            "skipping the browser test: chromium is not installed \
             (apt-get install -y chromium chromium-driver)"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("lloyd");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/lloyd_grid.toml");
    let run = Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .arg("run")
        .arg(&scenario)
        .args(["--replications", "4", "--threads", "1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = out.join("report.html");
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("report.html"),
        "run names the report"
    );
    let html = std::fs::read_to_string(&report).unwrap();

    // Self-contained by construction: nothing that could fetch anything.
    for banned in [
        "<script", "<link", "<img", "<iframe", "src=", "url(", "@import",
    ] {
        assert!(!html.contains(banned), "the report contains `{banned}`");
    }
    let figures = html.matches("<figure").count();
    let charts_on_disk = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name().into_string().unwrap();
            name.ends_with(".svg") && name != "lloyd_grid.svg"
        })
        .count();
    assert_eq!(figures, charts_on_disk, "one figure per chart");
    // Every caption is a sentence of its own chart: capitalised, and the
    // stacked-share wording only on the stacked (categorical) chart.
    for caption in html.split("<figcaption>").skip(1) {
        let text = caption.split("</figcaption>").next().unwrap();
        let sentence = text.split(". ").nth(1).unwrap_or_else(|| panic!("{text}"));
        assert!(
            sentence.starts_with(|c: char| c.is_uppercase()),
            "caption not capitalised: {text}"
        );
        assert!(!text.contains("for a categorical observable"), "{text}");
    }
    // A Kaplan–Meier median whose interval's upper end lies beyond the
    // horizon shows its lower end and says the upper one was not reached.
    let tte = std::fs::read_to_string(out.join("time_to_event.csv")).unwrap();
    let mut lines = tte.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let open_ended = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| {
            !r[col("median")].is_empty()
                && !r[col("median_ci95_low")].is_empty()
                && r[col("median_ci95_high")].is_empty()
        })
        .count();
    assert_eq!(html.matches(", not reached]</span>").count(), open_ended);
    assert!(
        html.contains(
            &std::fs::read_to_string(&scenario)
                .unwrap()
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;")
        )
    );

    // In the browser: a probe, added to a copy of the page, records every
    // error (scripts, failed loads: the capturing `error` listener sees
    // both) and console error from the start of <head>, and once the page
    // has loaded measures every chart and lists every resource the page
    // fetched (the Resource Timing API records each request, failed ones
    // included).
    let probe = tmp.path().join("probe.html");
    let head = "<head>\n<script>\n\
        window.probeErrors = [];\n\
        window.addEventListener('error', e => probeErrors.push(String(e.message || \
          (e.target && (e.target.src || e.target.href)) || 'error')), true);\n\
        const consoleError = console.error;\n\
        console.error = (...a) => { probeErrors.push(a.join(' ')); consoleError(...a); };\n\
        </script>";
    let tail = "<script>\n\
        window.addEventListener('load', () => {\n\
          const figs = [...document.querySelectorAll('figure svg')].map(s => { \
            const r = s.getBoundingClientRect(); return [r.width, r.height]; });\n\
          const res = performance.getEntriesByType('resource').map(e => e.name);\n\
          const tables = [...document.querySelectorAll('table')].map(t => t.rows.length);\n\
          document.body.setAttribute('data-probe', \
            JSON.stringify({figs, res, tables, errors: probeErrors, loaded: true}));\n\
        });\n\
        </script>\n</body>";
    let probed = |page: &str| {
        page.replacen("<head>", head, 1)
            .replacen("</body>", tail, 1)
    };
    std::fs::write(&probe, probed(&html)).unwrap();
    let run_probe = |page: &Path| -> serde_json::Value {
        let profile = tempfile::tempdir().unwrap();
        let (dom, stderr) = headless(
            &browser,
            profile.path(),
            page,
            &[
                "--dump-dom".to_string(),
                "--virtual-time-budget=10000".to_string(),
            ],
        );
        let start = dom
            .find("data-probe=\"")
            .unwrap_or_else(|| panic!("no probe result in the DOM; stderr:\n{stderr}"))
            + "data-probe=\"".len();
        let end = start + dom[start..].find('"').unwrap();
        let json = dom[start..end]
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        serde_json::from_str(&json).unwrap()
    };

    // The probe does see a request and an error when a page makes one.
    let bad = tmp.path().join("bad.html");
    std::fs::write(
        &bad,
        probed("<html><head></head><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>"),
    )
    .unwrap();
    let seen = run_probe(&bad);
    assert_eq!(seen["res"].as_array().unwrap().len(), 1, "{seen}");
    assert_eq!(seen["errors"].as_array().unwrap().len(), 1, "{seen}");

    let probe: serde_json::Value = run_probe(&probe);
    assert_eq!(probe["loaded"], true);
    let figs = probe["figs"].as_array().unwrap();
    assert_eq!(figs.len(), figures, "every chart is in the DOM");
    for (i, f) in figs.iter().enumerate() {
        let (w, h) = (f[0].as_f64().unwrap(), f[1].as_f64().unwrap());
        assert!(w > 300.0 && h > 200.0, "chart {i} is {w} x {h}");
    }
    assert_eq!(
        probe["res"].as_array().unwrap().len(),
        0,
        "the page requested {}",
        probe["res"]
    );
    let tables = probe["tables"].as_array().unwrap();
    assert!(tables.len() >= 4, "tables: {tables:?}");
    // The summary table has a row per configuration (27) and a header.
    assert!(tables.iter().any(|t| t.as_u64() == Some(28)), "{tables:?}");
    assert_eq!(
        probe["errors"].as_array().unwrap().len(),
        0,
        "errors in the page: {}",
        probe["errors"]
    );

    // The report itself (no probe) as a screenshot: not blank.
    let shot = tmp.path().join("report.png");
    let profile = tempfile::tempdir().unwrap();
    let (_, _) = headless(
        &browser,
        profile.path(),
        &report,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400".to_string(),
            "--hide-scrollbars".to_string(),
        ],
    );
    let decoder = png::Decoder::new(std::fs::File::open(&shot).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = bytes.chunks_exact(channels).collect();
    let ink = pixels.iter().filter(|p| p[..3] != [255, 255, 255]).count();
    let distinct: std::collections::BTreeSet<&[u8]> = pixels.iter().copied().collect();
    assert!(
        ink * 100 > pixels.len() && distinct.len() > 50,
        "the screenshot looks blank: {ink} of {} pixels not white, {} colours",
        pixels.len(),
        distinct.len()
    );
    if let Ok(keep) = std::env::var("MLGOV_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

fn mlgov(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn run_merge_and_report_write_the_report_and_no_plots_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/scenarios/partnership_for_change.toml");
    let scenario = scenario.to_str().unwrap();
    let other = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/basingstoke.toml");
    let ok = |out: &std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(&mlgov(
        d,
        &[
            "run",
            scenario,
            "--replications",
            "3",
            "--out",
            "a",
            "--no-plots",
        ],
    ));
    assert!(
        !d.join("a/report.html").exists(),
        "--no-plots writes no report"
    );
    for k in ["1/2", "2/2"] {
        let out = format!("s{}", &k[..1]);
        ok(&mlgov(
            d,
            &[
                "run",
                scenario,
                "--replications",
                "3",
                "--shard",
                k,
                "--out",
                &out,
                "--no-plots",
            ],
        ));
    }
    ok(&mlgov(d, &["merge", "s1", "s2", "--out", "m"]));
    let merged = std::fs::read_to_string(d.join("m/report.html")).unwrap();
    assert!(merged.contains("<table") && merged.contains("<figure"));
    assert!(
        !merged.contains("The scenario file"),
        "merge does not know the file"
    );

    // `mlgov report` writes it; with the scenario the results came from it
    // quotes the file; with another scenario it refuses and changes nothing.
    let out = mlgov(d, &["report", "a"]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("report.html"));
    let plain = std::fs::read_to_string(d.join("a/report.html")).unwrap();
    assert!(!plain.contains("The scenario file"));
    // The same results give the same report, merged or not: only the part
    // naming how the runs were split may differ, and it is not in the page.
    assert_eq!(plain, merged, "the merged report equals the unsplit one");
    ok(&mlgov(d, &["report", "a", "--scenario", scenario]));
    let quoted = std::fs::read_to_string(d.join("a/report.html")).unwrap();
    assert!(quoted.contains("The scenario file"));
    let out = mlgov(d, &["report", "a", "--scenario", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("identity"));
    assert_eq!(
        std::fs::read_to_string(d.join("a/report.html")).unwrap(),
        quoted
    );

    // Not a results directory: an error naming it, exit 1, no file.
    std::fs::create_dir(d.join("empty")).unwrap();
    let out = mlgov(d, &["report", "empty"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("manifest.json"));
    assert!(!d.join("empty/report.html").exists());
}
