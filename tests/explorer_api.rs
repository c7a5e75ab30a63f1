//! `mlgov serve`: the explorer's JSON API, driven over real TCP connections
//! against the program started as a child process on a free port.

use crate::explorer_support::{Server, check_and_run, http, raw};
use mlgov::sim::Model;
use serde_json::Value;
use std::process::Command;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

#[test]
fn the_page_and_the_info_are_served() {
    let server = Server::start(&[]);
    let (status, head, body) = http(&server.addr, "GET", "/", "");
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html")
    );
    assert!(body.contains("The Lloyd explorer"));
    assert!(!body.contains("/*SCRIPT*/") && !body.contains("/*STYLE*/"));
    // No request to anywhere but the server itself: no absolute URLs to
    // load (the SVG namespace is a name, not a request).
    for needle in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!body.contains(needle), "the page refers to {needle}");
    }
    let (status, _, info) = http(&server.addr, "GET", "/api/info", "");
    assert_eq!(status, 200);
    let info = json(&info);
    assert_eq!(info["assignment"], "N-N-L");
    // The page starts small enough to answer quickly (docs/performance.md),
    // with the caps for a closer look.
    assert_eq!(info["replications"], mlgov::explorer::PAGE_REPLICATIONS);
    assert_eq!(info["months"], 120);
    assert_eq!(
        info["limits"]["replications"],
        mlgov::explorer::MAX_REPLICATIONS
    );
    let metrics: Vec<String> = info["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect();
    assert_eq!(metrics, mlgov::GovernanceModel.final_metrics());
    assert!(info["controls"].as_array().unwrap().len() >= 12);
}

#[test]
fn a_run_matches_mlgov_run_of_the_downloaded_scenario() {
    let server = Server::start(&[]);
    let body = r#"{"assignment": "N-R-L", "replications": 24, "months": 36, "seed": 5,
                   "settings": {"interventions.staff_exchanges.per_year": 12}}"#;
    let (status, _, run) = http(&server.addr, "POST", "/api/run", body);
    assert_eq!(status, 200, "{run}");
    let run = json(&run);
    assert_eq!(run["replications"], 24);
    assert_eq!(run["months"], 36);
    for obs in mlgov::explorer::FAN_OBSERVABLES {
        let t = &run["trajectories"]["explored"][obs];
        assert_eq!(t["month"].as_array().unwrap().len(), 36, "{obs}");
        let (lo, hi) = (
            t["p05"][20].as_f64().unwrap(),
            t["p95"][20].as_f64().unwrap(),
        );
        assert!(lo <= hi, "{obs}: p05 {lo} > p95 {hi}");
    }
    let point = &run["typology"]["explored"]["empowerment"]["mean"];
    assert!((0.0..=1.0).contains(&point.as_f64().unwrap()));

    let (status, head, toml) = http(&server.addr, "POST", "/api/scenario", body);
    assert_eq!(status, 200);
    assert!(head.contains("explorer.toml"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("explorer.toml");
    std::fs::write(&file, &toml).unwrap();
    let results = check_and_run(&file, &dir.path().join("out"));
    for metric in mlgov::GovernanceModel.final_metrics() {
        for config in ["baseline", "explored"] {
            let e = results.estimate(config, &metric).unwrap();
            let served = &run["summary"][config][&metric];
            assert_eq!(served["mean"].as_f64(), e.mean, "{config} {metric}");
            assert_eq!(served["ci_low"].as_f64(), e.ci_low, "{config} {metric}");
            assert_eq!(served["ci_high"].as_f64(), e.ci_high, "{config} {metric}");
        }
        let d = results
            .differences
            .iter()
            .find(|d| d.configuration == "explored" && d.metric == metric)
            .unwrap();
        assert_eq!(
            run["differences"][&metric]["mean"].as_f64(),
            d.mean,
            "{metric}"
        );
        assert_eq!(
            run["differences"][&metric]["ci_low"].as_f64(),
            d.ci_low,
            "{metric}"
        );
    }
}

#[test]
fn nothing_changed_means_paired_differences_of_exactly_zero() {
    // Common random numbers: the same configuration twice gives identical
    // runs, so every paired difference is 0, and so is its interval, except
    // for a share whose runs are all 0 or 1: Newcombe's matched-pairs
    // interval of 10 concordant pairs is not a point, but symmetric about 0.
    use mlgov::sim::{MetricKind, Model};
    let model = mlgov::partnership::GovernanceModel;
    let kinds: std::collections::HashMap<String, MetricKind> = model
        .final_metrics()
        .into_iter()
        .zip(model.final_metric_kinds())
        .collect();
    let server = Server::start(&[]);
    let (status, _, run) = http(
        &server.addr,
        "POST",
        "/api/run",
        r#"{"replications": 10, "months": 24}"#,
    );
    assert_eq!(status, 200, "{run}");
    let run = json(&run);
    let diffs = run["differences"].as_object().unwrap();
    assert!(!diffs.is_empty());
    for (metric, d) in diffs {
        assert_eq!(d["mean"].as_f64(), Some(0.0), "{metric}");
        if let Some(low) = d["ci_low"].as_f64() {
            let high = d["ci_high"].as_f64().unwrap();
            if (low, high) != (0.0, 0.0) {
                assert_eq!(kinds[metric], MetricKind::Share, "{metric}");
                assert!(low < 0.0 && (low + high).abs() < 1e-12, "{metric}");
            }
        }
    }
    assert_eq!(run["summary"]["baseline"], run["summary"]["explored"]);
}

#[test]
fn the_grid_has_27_cells_is_cached_and_agrees_with_a_run() {
    let server = Server::start(&[]);
    let (status, _, grid) = http(
        &server.addr,
        "GET",
        "/api/grid?metric=fit&replications=6&months=24&seed=3",
        "",
    );
    assert_eq!(status, 200, "{grid}");
    let grid = json(&grid);
    assert_eq!(grid["cached"], false);
    let cells = grid["cells"].as_object().unwrap();
    assert_eq!(cells.len(), 27);
    for (code, cell) in cells {
        let keys: Vec<&String> = cell.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["fit"], "{code}");
    }
    // Another metric of the same grid comes from the cache.
    let (_, _, again) = http(
        &server.addr,
        "POST",
        "/api/grid",
        r#"{"metric": "net_benefit", "replications": 6, "months": 24, "seed": 3}"#,
    );
    let again = json(&again);
    assert_eq!(again["cached"], true);
    // Every configuration of a replication shares its random numbers, so the
    // grid's R-L-L cell is the run of R-L-L with the same seed.
    let (_, _, run) = http(
        &server.addr,
        "POST",
        "/api/run",
        r#"{"assignment": "R-L-L", "replications": 6, "months": 24, "seed": 3}"#,
    );
    let run = json(&run);
    assert_eq!(
        again["cells"]["R-L-L"]["net_benefit"]["mean"],
        run["summary"]["explored"]["net_benefit"]["mean"]
    );
}

#[test]
fn bad_requests_get_a_json_error_naming_the_field() {
    let server = Server::start(&[]);
    let cases: &[(&str, &str, &str, u16, &str)] = &[
        (
            "POST",
            "/api/run",
            r#"{"replications": 501}"#,
            400,
            "replications",
        ),
        ("POST", "/api/run", r#"{"months": 241}"#, 400, "months"),
        ("POST", "/api/run", r#"{"months": 0}"#, 400, "months"),
        ("POST", "/api/run", r#"{"seed": -1}"#, 400, "seed"),
        (
            "POST",
            "/api/run",
            r#"{"assignment": "N-N"}"#,
            400,
            "assignment",
        ),
        (
            "POST",
            "/api/run",
            r#"{"settings": {"governance.silos": 0}}"#,
            400,
            "governance.silos",
        ),
        (
            "POST",
            "/api/run",
            r#"{"settings": {"interventions.review.interval": 5000}}"#,
            400,
            "interventions.review.interval",
        ),
        (
            "POST",
            "/api/run",
            r#"{"settings": {"interventions.waivers.enabled": 3}}"#,
            400,
            "interventions.waivers.enabled",
        ),
        (
            "POST",
            "/api/run",
            r#"{"settings": {"experiment.replications": 100000}}"#,
            400,
            "experiment.replications",
        ),
        (
            "POST",
            "/api/run",
            r#"{"settings": {"places.regions": 50}}"#,
            400,
            "places",
        ),
        ("POST", "/api/run", r#"{"settings": [1]}"#, 400, "settings"),
        (
            "POST",
            "/api/run",
            r#"{"file": "/etc/passwd"}"#,
            400,
            "file",
        ),
        ("POST", "/api/run", "{", 400, ""),
        (
            "POST",
            "/api/grid",
            r#"{"replications": 101}"#,
            400,
            "replications",
        ),
        (
            "POST",
            "/api/grid",
            r#"{"metric": "happiness"}"#,
            400,
            "metric",
        ),
        ("GET", "/api/grid?metric=fit&colour=red", "", 400, "colour"),
        (
            "GET",
            "/api/grid?replications=many",
            "",
            400,
            "replications",
        ),
        (
            "POST",
            "/api/scenario",
            r#"{"settings": {"governance.spillover": 2}}"#,
            400,
            "governance.spillover",
        ),
        ("GET", "/api/run", "", 405, ""),
        ("DELETE", "/", "", 405, ""),
        ("GET", "/../../etc/passwd", "", 404, ""),
    ];
    for (method, path, body, status, field) in cases {
        let (got, head, answer) = http(&server.addr, method, path, body);
        assert_eq!(got, *status, "{method} {path} {body}: {answer}");
        assert!(head.contains("application/json"), "{method} {path}: {head}");
        let v = json(&answer);
        assert_eq!(
            v["field"].as_str().unwrap_or(""),
            *field,
            "{method} {path} {body}: {answer}"
        );
        let error = v["error"].as_str().unwrap();
        assert!(error.contains(field), "{error}");
    }
    // The scenario checker's own message, as `mlgov check` gives it.
    let (_, _, answer) = http(
        &server.addr,
        "POST",
        "/api/run",
        r#"{"settings": {"interventions.external_targets.strictness": 1.5}}"#,
    );
    assert_eq!(
        json(&answer)["error"],
        "interventions.external_targets.strictness: must be in [0, 1], got 1.5"
    );
}

#[test]
fn malformed_and_oversized_requests_and_a_burst_leave_it_answering() {
    let mut server = Server::start(&[]);
    let big_body = format!("{{\"seed\": 1, \"pad\": \"{}\"}}", "x".repeat(100_000));
    let huge_header = format!("GET / HTTP/1.1\r\nX-Pad: {}\r\n\r\n", "y".repeat(40_000));
    let raws: Vec<(String, u16)> = vec![
        ("NONSENSE\r\n\r\n".into(), 400),
        ("GET / HTTP/2.0\r\n\r\n".into(), 505),
        (huge_header, 431),
        (
            format!(
                "POST /api/run HTTP/1.1\r\nContent-Length: {}\r\n\r\n{big_body}",
                big_body.len()
            ),
            413,
        ),
        (
            "POST /api/run HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".into(),
            411,
        ),
        (
            "POST /api/run HTTP/1.1\r\nContent-Length: zz\r\n\r\n".into(),
            400,
        ),
        ("GET / HTTP/1.1\r\nno colon here\r\n\r\n".into(), 400),
        // Another host name (DNS rebinding) is refused by a loopback server.
        (
            "GET /api/info HTTP/1.1\r\nHost: attacker.example:8000\r\n\r\n".into(),
            403,
        ),
        (
            "GET /api/info HTTP/1.1\r\nHost: localhost:8000\r\n\r\n".into(),
            200,
        ),
        (
            "GET /api/info HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n".into(),
            200,
        ),
        (
            "POST /api/run HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n\u{ff}\u{fe}".into(),
            400,
        ),
    ];
    for (request, status) in &raws {
        let (got, answer) = raw(&server.addr, request.as_bytes());
        assert_eq!(got, *status, "{:.60}: {answer}", request);
    }
    // A burst of concurrent runs: each is answered, by a result or by
    // "busy" (503), and at least one runs.
    let threads: Vec<_> = (0..12)
        .map(|k| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                let body = format!(r#"{{"replications": 8, "months": 24, "seed": {k}}}"#);
                http(&addr, "POST", "/api/run", &body).0
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 503),
        "{statuses:?}"
    );
    assert!(statuses.contains(&200), "{statuses:?}");
    let (status, _, _) = http(&server.addr, "GET", "/api/info", "");
    assert_eq!(status, 200);
    assert!(server.running(), "the server stopped");
}

#[test]
fn a_scenario_file_is_explored_from_its_base_settings() {
    let server = Server::start(&["examples/teaching/connect.toml"]);
    let (_, _, info) = http(&server.addr, "GET", "/api/info", "");
    let info = json(&info);
    let scenario = mlgov::Scenario::load("examples/teaching/connect.toml".as_ref()).unwrap();
    assert_eq!(info["scenario"], scenario.spec.scenario.name.as_str());
    assert_eq!(
        info["assignment"],
        scenario.spec.governance.assignment.to_string()
    );
}

#[test]
fn a_busy_port_and_a_bad_host_are_clear_errors() {
    let server = Server::start(&[]);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .args(["serve", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already in use") && err.contains("--port"),
        "{err}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .args(["serve", "--host", "no such host..", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--host"));
    let out = Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .args(["serve", "tests/no-such-scenario.toml", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_it_cleanly() {
    let mut server = Server::start(&[]);
    let status = server.interrupt();
    assert_eq!(status.code(), Some(0));
}

/// Opens a connection and sends `head` (a request head without its blank
/// line, or a whole head and the start of a body), then one more byte of
/// `drip` every `every`, until the server answers or closes; returns the
/// status it answered (0 for none) and how long it took.
fn drip(
    addr: &str,
    head: &str,
    drip: &'static [u8],
    every: std::time::Duration,
) -> (u16, std::time::Duration) {
    use std::io::{Read, Write};
    let started = std::time::Instant::now();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_millis(50)))
        .unwrap();
    let mut answer = Vec::new();
    let mut next = std::time::Instant::now() + every;
    let mut k = 0;
    while started.elapsed().as_secs() < 40 {
        let mut buf = [0u8; 4096];
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
        if std::time::Instant::now() >= next {
            next += every;
            // The server may have closed its side already.
            let _ = stream.write_all(&drip[k % drip.len()..k % drip.len() + 1]);
            k += 1;
        }
    }
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, started.elapsed())
}

/// A request must arrive whole within 10 s (docs/guide.md §12): a client
/// sending a header line, or a body byte, every second cannot extend it.
#[test]
fn a_dripping_client_cannot_extend_the_request_deadline() {
    let server = Server::start(&[]);
    let every = std::time::Duration::from_millis(700);
    let addr = server.addr.clone();
    let head = std::thread::spawn(move || drip(&addr, "GET / HTTP/1.1\r\n", b"X-A: b\r\n", every));
    let addr = server.addr.clone();
    let body = std::thread::spawn(move || {
        drip(
            &addr,
            &format!(
                "POST /api/run HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
                 Content-Length: 100\r\n\r\n{{"
            ),
            b" ",
            every,
        )
    });
    for (what, t) in [("head", head), ("body", body)] {
        let (status, elapsed) = t.join().unwrap();
        assert_eq!(status, 408, "{what}");
        assert!(
            elapsed.as_secs_f64() < 13.0,
            "{what}: answered after {elapsed:?}"
        );
    }
}

/// 32 clients dripping their request heads (as many as the connections the
/// server serves at once) do not keep normal requests out: they are still
/// answered 200, promptly.
#[test]
fn slow_clients_do_not_hold_the_slots_normal_requests_need() {
    let server = Server::start(&[]);
    let drippers: Vec<_> = (0..32)
        .map(|_| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                drip(
                    &addr,
                    "GET / HTTP/1.1\r\n",
                    b"X-A: b\r\n",
                    std::time::Duration::from_millis(500),
                )
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_secs(1));
    for k in 0..5 {
        let started = std::time::Instant::now();
        let (status, _, _) = http(&server.addr, "GET", "/api/info", "");
        assert_eq!(status, 200, "request {k}");
        assert!(started.elapsed().as_secs() < 3, "{:?}", started.elapsed());
    }
    let (status, _, _) = http(
        &server.addr,
        "POST",
        "/api/run",
        r#"{"replications": 4, "months": 12}"#,
    );
    assert_eq!(status, 200);
    // Every dripping client is closed in the end, within the deadline.
    for d in drippers {
        let (_, elapsed) = d.join().unwrap();
        assert!(elapsed.as_secs_f64() < 13.0, "{elapsed:?}");
    }
}

/// A page on another site cannot start work: requests whose Origin is not
/// the server's own, or marked cross-site by the browser, are refused (403);
/// POSTs must be JSON (415); duplicate Host or Content-Length headers are
/// malformed (400).
#[test]
fn cross_site_and_ambiguous_requests_are_refused() {
    let server = Server::start(&[]);
    let addr = &server.addr;
    let body = r#"{"replications": 2, "months": 6}"#;
    let post = |extra: &str, kind: &str| {
        format!(
            "POST /api/run HTTP/1.1\r\nHost: {addr}\r\n{extra}{kind}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    let json_type = "Content-Type: application/json\r\n";
    let cases: Vec<(String, u16, &str)> = vec![
        (
            post("Origin: http://evil.example\r\n", json_type),
            403,
            "Origin",
        ),
        (post("Origin: null\r\n", json_type), 403, "Origin"),
        (
            post("Sec-Fetch-Site: cross-site\r\n", json_type),
            403,
            "cross-site",
        ),
        (
            format!(
                "GET /api/grid?replications=2 HTTP/1.1\r\nHost: {addr}\r\nSec-Fetch-Site: cross-site\r\n\r\n"
            ),
            403,
            "cross-site",
        ),
        (
            post("", "Content-Type: text/plain\r\n"),
            415,
            "application/json",
        ),
        (post("", ""), 415, "application/json"),
        (post("Host: 127.0.0.1\r\n", json_type), 400, "Host"),
        (
            format!("GET /api/info HTTP/1.1\r\nHost: evil.com\r\nHost: {addr}\r\n\r\n"),
            400,
            "Host",
        ),
        (
            post("Content-Length: 2\r\n", json_type),
            400,
            "Content-Length",
        ),
        // The server's own origin, and a browser's same-origin request.
        (
            post(
                &format!("Origin: http://{addr}\r\nSec-Fetch-Site: same-origin\r\n"),
                json_type,
            ),
            200,
            "",
        ),
        (
            post("", "Content-Type: application/json; charset=utf-8\r\n"),
            200,
            "",
        ),
        (
            format!("GET / HTTP/1.1\r\nHost: {addr}\r\nSec-Fetch-Site: none\r\n\r\n"),
            200,
            "",
        ),
    ];
    for (request, status, word) in &cases {
        let (got, answer) = raw(addr, request.as_bytes());
        assert_eq!(got, *status, "{request}: {answer}");
        if *status != 200 {
            let error = json(&answer)["error"].as_str().unwrap().to_string();
            assert!(error.contains(word), "{request}: {error}");
        }
    }
}
