//! The explorer page in a real browser: headless Chromium driven through
//! chromedriver (the W3C WebDriver protocol, spoken over `std::net`). The
//! test chooses N-R-L on the functions-by-levels picture, runs, checks that
//! the numbers and SVG charts appear and match `mlgov run` of the scenario
//! the page downloads (which `mlgov check` accepts), downloads a fan chart
//! as well-formed SVG, pins two configurations, computes the grid, switches
//! its metric and downloads it as SVG.
//!
//! Without `chromium` and `chromedriver` on the PATH the test says so and
//! passes, unless `MLGOV_REQUIRE_BROWSER=1` (set by .ci/run), when their
//! absence is a failure. `MLGOV_SCREENSHOT=FILE` keeps a screenshot of the
//! page after the run (docs/images/explorer.png is made this way).

use crate::explorer_support::{Server, check_and_run};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// One WebDriver HTTP exchange; returns the answer's `value`.
fn wd(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 65536];
    let (head_end, length) = loop {
        let n = stream.read(&mut buf).expect("read from chromedriver");
        assert!(n > 0, "chromedriver closed the connection");
        answer.extend_from_slice(&buf[..n]);
        if let Some(i) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&answer[..i]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse::<usize>().unwrap());
            break (i + 4, length);
        }
    };
    match length {
        Some(len) => {
            while answer.len() < head_end + len {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0, "short answer from chromedriver");
                answer.extend_from_slice(&buf[..n]);
            }
        }
        None => {
            stream.read_to_end(&mut answer).unwrap();
        }
    }
    let v: Value = serde_json::from_slice(&answer[head_end..]).expect("JSON from chromedriver");
    if let Some(err) = v["value"]["error"].as_str() {
        panic!(
            "WebDriver {method} {path}: {err}: {}",
            v["value"]["message"]
        );
    }
    v["value"].clone()
}

struct Browser {
    driver: Child,
    port: u16,
    session: String,
}

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path, profile: &Path, downloads: &Path) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
        };
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.to_string_lossy(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1400,2000",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.to_string_lossy(),
                    "download.prompt_for_download": false,
                },
            },
        }}});
        let v = wd(port, "POST", "/session", Some(&caps));
        browser.session = v["sessionId"].as_str().unwrap().to_string();
        browser
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        wd(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        )
    }

    fn js(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    fn click(&self, css: &str) {
        let e = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        let id = e[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {e}"))
            .to_string();
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Waits until `script` returns something truthy, and returns it.
    fn wait_for(&self, what: &str, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.js(script);
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return v;
            }
            if started.elapsed() > Duration::from_secs(120) {
                let status = self.js("return document.getElementById('status').textContent");
                panic!("timed out waiting for {what}; status line: {status}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, path: &Path) {
        let b64 = self.call("GET", "/screenshot", None);
        std::fs::write(path, decode_base64(b64.as_str().unwrap())).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(|| {
                wd(
                    self.port,
                    "DELETE",
                    &format!("/session/{}", self.session),
                    None,
                )
            });
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let pads = chunk.iter().filter(|&&c| c == b'=').count();
        let mut n = 0u32;
        for &c in chunk {
            n = (n << 6) | if c == b'=' { 0 } else { value(c) };
        }
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pads]);
    }
    out
}

/// Sets an input's value as a user typing would (with its `input` event).
/// Waits (up to 30 s) for a download to appear complete and returns its text.
fn downloaded(path: &Path) -> String {
    let started = Instant::now();
    while !path.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no download {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    std::fs::read_to_string(path).unwrap()
}

/// Checks a downloaded chart is a well-formed SVG document (parsed by the
/// browser's XML parser, not its forgiving HTML one) and returns
/// `[polygons, mean lines, grid cells, texts]` of the parsed document.
fn check_svg(b: &Browser, text: &str) -> Value {
    assert!(text.starts_with("<?xml"), "{}", &text[..text.len().min(80)]);
    let script = format!(
        "const d = new DOMParser().parseFromString({}, 'image/svg+xml'); \
         if (d.getElementsByTagName('parsererror').length) \
           return 'parser error: ' + d.getElementsByTagName('parsererror')[0].textContent; \
         const r = d.documentElement; \
         if (r.namespaceURI !== 'http://www.w3.org/2000/svg' || r.localName !== 'svg') \
           return 'root ' + r.namespaceURI + ' ' + r.localName; \
         return [r.querySelectorAll('polygon').length, r.querySelectorAll('polyline.mean').length, \
                 r.querySelectorAll('rect.grid-cell').length, \
                 [...r.querySelectorAll('text')].map(t => t.textContent)];",
        serde_json::to_string(text).unwrap()
    );
    let parsed = b.js(&script);
    assert!(parsed.is_array(), "{parsed}");
    parsed
}

fn set_input(b: &Browser, css: &str, value: &str) {
    let (css, value) = (json!(css), json!(value));
    b.js(&format!(
        "const e = document.querySelector({css}); e.value = {value}; \
         e.dispatchEvent(new Event('input', {{bubbles: true}})); \
         e.dispatchEvent(new Event('change', {{bubbles: true}}));"
    ));
}

#[test]
fn the_explorer_page_works_in_headless_chromium() {
    let required = std::env::var("MLGOV_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        assert!(
            !required,
            "MLGOV_REQUIRE_BROWSER=1 but chromium and chromedriver are not both on the PATH \
             (Debian: apt-get install -y chromium chromium-driver)"
        );
        eprintln!(
            "skipped: chromium and chromedriver are not both on the PATH \
             (Debian: apt-get install -y chromium chromium-driver)"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let server = Server::start(&[]);
    let b = Browser::start(
        &chromium,
        &chromedriver,
        &tmp.path().join("profile"),
        &downloads,
    );
    b.call("POST", "/url", Some(json!({"url": server.url()})));
    b.wait_for("the page to start", "return document.body.dataset.ready");

    // The picture: N-N-L by default; clicking "manage regionally" gives N-R-L.
    assert_eq!(
        b.js("return document.getElementById('code').textContent"),
        "N-N-L"
    );
    b.click("rect[data-function='manage'][data-level='R']");
    assert_eq!(
        b.js("return document.getElementById('code').textContent"),
        "N-R-L"
    );
    assert_eq!(
        b.js("return document.querySelectorAll('#lloyd-picture line.path').length"),
        2
    );
    // 40 replications instead of the page's 50, and its 120 months.
    set_input(&b, "#replications", "40");
    b.click("#run");
    let shown = b.wait_for(
        "the numbers",
        "const e = document.querySelector('#headline tr[data-metric=net_benefit] td.explored .value'); \
         return e && e.dataset.value",
    );
    let shown: f64 = shown.as_str().unwrap().parse().unwrap();
    // Every headline row shows numbers with a 95% interval.
    let rows = b.js(
        "return [...document.querySelectorAll('#headline tr[data-metric]')].map(r => \
         [r.dataset.metric, r.querySelector('td.explored .value').textContent, \
          r.querySelector('td.difference .ci').textContent])",
    );
    for row in rows.as_array().unwrap() {
        let text = row[1].as_str().unwrap();
        assert!(text.parse::<f64>().is_ok(), "{row}");
    }
    // Four fan charts drawn as SVG, each with bands and two mean lines, and
    // the typology point.
    let fans = b.js(
        "return [...document.querySelectorAll('figure.fan svg')].map(s => \
         [s.querySelectorAll('polygon').length, s.querySelectorAll('polyline.mean').length])",
    );
    assert_eq!(fans, json!([[4, 2], [4, 2], [4, 2], [4, 2]]), "{fans}");
    assert_eq!(
        b.js("return document.querySelectorAll('#typology svg .point').length"),
        2
    );
    if let Some(path) = std::env::var_os("MLGOV_SCREENSHOT") {
        b.screenshot(Path::new(&path));
    }
    let shot = tmp.path().join("explorer.png");
    b.screenshot(&shot);
    assert!(std::fs::read(&shot).unwrap().starts_with(b"\x89PNG"));

    // Download a fan chart as SVG: a well-formed SVG document with the
    // chart on screen (its bands, both mean lines and its title).
    let target =
        b.js("return document.querySelector('figure.fan button.svg-download').dataset.target");
    let target = target.as_str().unwrap().to_string();
    let title = b.js(&format!(
        "return document.querySelector('#{target} svg text').textContent"
    ));
    b.click(&format!("button.svg-download[data-target='{target}']"));
    let svg = downloaded(&downloads.join(format!("{target}.svg")));
    let parsed = check_svg(&b, &svg);
    assert_eq!(parsed[0], 4, "bands: {parsed}");
    assert_eq!(parsed[1], 2, "mean lines: {parsed}");
    assert!(parsed[3].as_array().unwrap().contains(&title), "{parsed}");

    // Download the scenario: `mlgov check` accepts it and `mlgov run`
    // reproduces the number on the page.
    b.click("#download-toml");
    let file = downloads.join("explorer.toml");
    downloaded(&file);
    let results = check_and_run(&file, &tmp.path().join("run"));
    assert_eq!(
        results.estimate("explored", "net_benefit").unwrap().mean,
        Some(shown)
    );
    assert_eq!(results.manifest.replications, Some(40));

    // Pin it, change a setting, run again, pin again: two columns.
    b.click("#pin");
    set_input(
        &b,
        "#controls input[data-path='interventions.staff_exchanges.per_year']",
        "24",
    );
    b.js("document.querySelector('#headline').textContent = ''");
    b.click("#run");
    b.wait_for(
        "the second run",
        "return document.querySelector('#headline tr[data-metric=net_benefit]')",
    );
    b.click("#pin");
    let pins = b.js(
        "return [...document.querySelectorAll('#pinned-table th.pin')].map(t => t.textContent)",
    );
    let pins = pins.as_array().unwrap();
    assert_eq!(pins.len(), 2, "{pins:?}");
    assert!(
        pins[1].as_str().unwrap().contains("per_year=24"),
        "{pins:?}"
    );

    // The grid, then another metric without recomputing.
    set_input(&b, "#grid-replications", "4");
    b.click("#grid-run");
    b.wait_for(
        "the grid",
        "return document.querySelectorAll('#grid-svg rect.grid-cell').length === 27",
    );
    assert_eq!(
        b.js("return document.getElementById('grid-svg').dataset.metric"),
        "net_benefit"
    );
    b.js(
        "const s = document.getElementById('grid-metric'); s.value = 'fit'; \
          s.dispatchEvent(new Event('change'));",
    );
    assert_eq!(
        b.js("return document.getElementById('grid-svg').dataset.metric"),
        "fit"
    );
    let fits = b.js("return [...document.querySelectorAll('#grid-svg rect.grid-cell')].map(r => Number(r.dataset.value))");
    for f in fits.as_array().unwrap() {
        let f = f.as_f64().unwrap();
        assert!((0.0..=1.0).contains(&f), "fit {f}");
    }
    // The current assignment is outlined on the grid.
    assert_eq!(
        b.js("return document.querySelectorAll('#grid-svg rect.current').length"),
        1
    );
    // The grid downloads as SVG with its 27 cells.
    b.click("button.svg-download[data-target='grid']");
    let parsed = check_svg(&b, &downloaded(&downloads.join("grid.svg")));
    assert_eq!(parsed[2], 27, "grid cells: {parsed}");
}
