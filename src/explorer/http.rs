//! A small HTTP/1.1 server on `std::net` for the explorer: one thread per
//! connection (at most [`ServeOptions::max_connections`]), one request per
//! connection, bounded request sizes and time-outs, and at most one
//! simulation at a time with a short queue.
//!
//! Owns the wire: reading a request within its limits, routing the five
//! paths to [`Explorer`], and writing the answer with its security headers.
//! It knows nothing of the model or the scenario (the [`Explorer`] does).
//!
//! # Why by hand, and not on `tiny_http`
//! Generic plumbing belongs to maintained crates (docs/architecture.md), and
//! `tiny_http` was weighed for this. It cannot keep what the tests of the
//! server pin (tests/explorer_api.rs, and the limits documented in
//! docs/guide.md §12), so the server stays here, small and tested:
//! - a request head larger than [`ServeOptions::max_head_bytes`] is
//!   answered 431 before more is read: `tiny_http` reads header lines with
//!   no bound, so a client can make it hold any amount of memory;
//! - a request that is not received within [`ServeOptions::timeout`] is
//!   answered 408 with its reason: `tiny_http` sets no read time-out, so a
//!   slow client holds a thread for ever;
//! - connections past [`ServeOptions::max_connections`] are answered 503 at
//!   once: `tiny_http` queues every connection without a limit;
//! - malformed requests get the explorer's JSON error naming the problem
//!   (`not an HTTP request line: ...`, `Content-Length "zz" is not a
//!   number`): `tiny_http` answers them itself with an empty 400 and never
//!   hands them over; and a chunked body is refused with 411, where
//!   `tiny_http` decodes it.
//!
//! `hyper` or `axum` would keep all of this but bring an async runtime
//! (tokio) into a program that has none, for a server that answers one
//! teacher's browser.

use super::{ApiError, Explorer};
use serde_json::{Value as Json, json};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const STYLE: &str = include_str!("page/explorer.css");
const SCRIPT: &str = include_str!("page/explorer.js");
const PAGE: &str = include_str!("page/index.html");

/// The page as served: the HTML with its style and script inlined.
pub fn page() -> String {
    PAGE.replace("/*STYLE*/", STYLE)
        .replace("/*SCRIPT*/", SCRIPT)
}

/// Limits of the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Connections served at once; more are answered 503 at once.
    pub max_connections: usize,
    /// Largest request head (request line and headers), bytes.
    pub max_head_bytes: usize,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Simulations waiting for the one running; more are answered 503.
    pub max_queued: usize,
    /// Time allowed to read a request or write an answer.
    pub timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            max_connections: 32,
            max_head_bytes: 16 * 1024,
            max_body_bytes: 64 * 1024,
            max_queued: 4,
            timeout: Duration::from_secs(10),
        }
    }
}

/// One simulation at a time; a few may wait.
struct Gate {
    state: Mutex<(bool, usize)>,
    free: Condvar,
    max_queued: usize,
}

struct Pass<'a>(&'a Gate);

impl Gate {
    fn enter(&self) -> Option<Pass<'_>> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.0 {
            if s.1 >= self.max_queued {
                return None;
            }
            s.1 += 1;
            while s.0 {
                s = self.free.wait(s).unwrap_or_else(|p| p.into_inner());
            }
            s.1 -= 1;
        }
        s.0 = true;
        Some(Pass(self))
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        let mut s = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 = false;
        self.0.free.notify_one();
    }
}

struct Shared {
    explorer: Explorer,
    options: ServeOptions,
    gate: Gate,
    page: String,
    /// Listening on a loopback address only: requests must name a loopback
    /// host, so a web page elsewhere cannot reach the server through a
    /// domain name that resolves to this machine (DNS rebinding).
    loopback: bool,
    active: AtomicUsize,
}

/// Serves the explorer on `listener` until `stop` is set, then waits (up to
/// a minute) for the requests in flight to finish.
pub fn serve(
    listener: TcpListener,
    explorer: Explorer,
    options: ServeOptions,
    stop: &AtomicBool,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let loopback = listener.local_addr()?.ip().is_loopback();
    let shared = Arc::new(Shared {
        explorer,
        gate: Gate {
            state: Mutex::new((false, 0)),
            free: Condvar::new(),
            max_queued: options.max_queued,
        },
        options,
        page: page(),
        loopback,
        active: AtomicUsize::new(0),
    });
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(shared.options.timeout));
                let _ = stream.set_write_timeout(Some(shared.options.timeout));
                if shared.active.fetch_add(1, Ordering::SeqCst) >= shared.options.max_connections {
                    shared.active.fetch_sub(1, Ordering::SeqCst);
                    let mut stream = stream;
                    let _ = respond_json(
                        &mut stream,
                        503,
                        &json!({"error": "the server is busy: too many connections; try again in a moment"}),
                    );
                    continue;
                }
                let worker = shared.clone();
                let spawned = std::thread::Builder::new()
                    .name("mlgov-serve".into())
                    .spawn(move || {
                        let mut stream = stream;
                        handle(&worker, &mut stream);
                        worker.active.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    shared.active.fetch_sub(1, Ordering::SeqCst);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(25));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => std::thread::sleep(Duration::from_millis(25)),
        }
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while shared.active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// An answer: status, content type, body, content disposition.
type Answer = (u16, &'static str, Vec<u8>, Option<&'static str>);

/// A parsed request.
struct Request {
    method: String,
    path: String,
    query: String,
    body: Vec<u8>,
    /// The Host header, if any.
    host: Option<String>,
}

/// Reads one request; `Err` holds the answer to send instead.
fn read_request(stream: &mut TcpStream, o: &ServeOptions) -> Result<Request, (u16, String)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > o.max_head_bytes {
            return Err((
                431,
                format!("the request head is larger than {} bytes", o.max_head_bytes),
            ));
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err((400, "the request ended before its headers did".into())),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err((408, "the request was not received in time".into())),
        }
    };
    if head_end > o.max_head_bytes {
        return Err((
            431,
            format!("the request head is larger than {} bytes", o.max_head_bytes),
        ));
    }
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|_| (400, "the request head is not UTF-8 text".to_string()))?;
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err((
            400,
            format!("not an HTTP request line: {:?}", truncate(line)),
        ));
    };
    if !version.starts_with("HTTP/1.") {
        return Err((
            505,
            format!("HTTP version {} is not supported", truncate(version)),
        ));
    }
    let mut length: usize = 0;
    let mut host = None;
    for h in lines {
        let Some((name, value)) = h.split_once(':') else {
            return Err((400, format!("not a header line: {:?}", truncate(h))));
        };
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        if name == "content-length" {
            length = value.parse().map_err(|_| {
                (
                    400,
                    format!("Content-Length {:?} is not a number", truncate(value)),
                )
            })?;
        } else if name == "host" {
            host = Some(value.to_string());
        } else if name == "transfer-encoding" {
            return Err((
                411,
                "send the body with a Content-Length, not chunked".into(),
            ));
        }
    }
    if length > o.max_body_bytes {
        return Err((
            413,
            format!(
                "the request body ({length} bytes) is larger than {} bytes",
                o.max_body_bytes
            ),
        ));
    }
    let mut body = buf[head_end + 4..].to_vec();
    if body.len() > length {
        body.truncate(length);
    }
    while body.len() < length {
        match stream.read(&mut chunk) {
            Ok(0) => return Err((400, "the request ended before its body did".into())),
            Ok(n) => {
                let take = n.min(length - body.len());
                body.extend_from_slice(&chunk[..take]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err((408, "the request body was not received in time".into())),
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Ok(Request {
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        body,
        host,
    })
}

/// Whether a Host header names this machine's loopback interface.
fn loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1"
    )
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn handle(shared: &Shared, stream: &mut TcpStream) {
    let req = match read_request(stream, &shared.options) {
        Ok(r) => r,
        Err((status, message)) => {
            let _ = respond_json(stream, status, &json!({"error": message}));
            return;
        }
    };
    if shared.loopback && !req.host.as_deref().is_none_or(loopback_host) {
        let _ = respond_json(
            stream,
            403,
            &json!({"error": "this server answers only requests addressed to localhost, 127.0.0.1 or [::1]"}),
        );
        return;
    }
    let allowed = |methods: &[&str]| methods.contains(&req.method.as_str());
    let result: Result<Answer, ApiError> = match req.path.as_str() {
        "/" | "/index.html" if allowed(&["GET"]) => Ok((
            200,
            "text/html; charset=utf-8",
            shared.page.clone().into_bytes(),
            None,
        )),
        "/api/info" if allowed(&["GET"]) => Ok(json_body(&shared.explorer.info())),
        "/api/run" if allowed(&["POST"]) => {
            simulate(shared, || shared.explorer.run(&req.body)).map(|v| json_body(&v))
        }
        "/api/grid" if allowed(&["POST"]) => {
            simulate(shared, || shared.explorer.grid(&req.body)).map(|v| json_body(&v))
        }
        "/api/grid" if allowed(&["GET"]) => {
            simulate(shared, || shared.explorer.grid_query(&req.query)).map(|v| json_body(&v))
        }
        "/api/scenario" if allowed(&["POST"]) => {
            shared.explorer.scenario_text(&req.body).map(|t| {
                (
                    200,
                    "application/toml; charset=utf-8",
                    t.into_bytes(),
                    Some("attachment; filename=\"explorer.toml\""),
                )
            })
        }
        "/" | "/index.html" | "/api/info" | "/api/run" | "/api/grid" | "/api/scenario" => {
            Err(ApiError {
                status: 405,
                ..ApiError::bad(
                    "",
                    format!("{} is not allowed on {}", truncate(&req.method), req.path),
                )
            })
        }
        other => Err(ApiError {
            status: 404,
            ..ApiError::bad("", format!("nothing at {}", truncate(other)))
        }),
    };
    let _ = match result {
        Ok((status, kind, body, disposition)) => respond(stream, status, kind, &body, disposition),
        Err(e) => respond_json(stream, e.status, &e.to_json()),
    };
}

fn json_body(v: &Json) -> Answer {
    (
        200,
        "application/json",
        serde_json::to_vec(v).unwrap_or_default(),
        None,
    )
}

/// Runs `f` when the simulation gate lets it (503 when too many wait).
fn simulate(shared: &Shared, f: impl FnOnce() -> Result<Json, ApiError>) -> Result<Json, ApiError> {
    let Some(_pass) = shared.gate.enter() else {
        return Err(ApiError {
            status: 503,
            ..ApiError::bad(
                "",
                "the server is busy with other simulations; try again in a moment",
            )
        });
    };
    f()
}

fn respond_json(stream: &mut TcpStream, status: u16, v: &Json) -> io::Result<()> {
    respond(
        stream,
        status,
        "application/json",
        &serde_json::to_vec(v).unwrap_or_default(),
        None,
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Internal Server Error",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    kind: &str,
    body: &[u8],
    disposition: Option<&str>,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; \
         style-src 'unsafe-inline'; connect-src 'self'; img-src data: blob:\r\n\
         Connection: close\r\n",
        reason(status),
        body.len()
    );
    if status == 405 {
        head.push_str("Allow: GET, POST\r\n");
    }
    if let Some(d) = disposition {
        head.push_str(&format!("Content-Disposition: {d}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;
    // Read what the client may still send (so closing does not reset the
    // connection before it has read the answer), briefly.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 1024];
    let mut drained = 0;
    while drained < 64 * 1024 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
    Ok(())
}
