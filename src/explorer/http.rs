//! A small HTTP/1.1 server on `std::net` for the explorer: one thread per
//! connection (at most [`ServeOptions::max_connections`]; when all are
//! taken, the connection that has spent longest reading its request gives
//! its place to a new one), one request per connection, bounded request
//! sizes, a deadline for the whole request that sending slowly cannot
//! extend, requests from other sites refused, and at most one simulation at
//! a time with a short queue.
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
//! - a request that is not received whole within [`ServeOptions::timeout`]
//!   of its connection's arrival is answered 408 with its reason:
//!   `tiny_http` sets no read time-out, so a slow client holds a thread for
//!   ever;
//! - connections past [`ServeOptions::max_connections`] take the place of
//!   the slowest client still sending its request, or are answered 503 at
//!   once: `tiny_http` queues every connection without a limit;
//! - duplicate Host or Content-Length headers are answered 400, requests
//!   from other sites (Origin, Sec-Fetch-Site) 403 and POSTs that are not
//!   JSON 415;
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
    /// Connections served at once. When all are taken, a new connection
    /// takes the place of the one that has spent longest reading its
    /// request (answered 408); when none is still reading, the new one is
    /// answered 503 at once.
    pub max_connections: usize,
    /// Largest request head (request line and headers), bytes.
    pub max_head_bytes: usize,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Simulations waiting for the one running; more are answered 503.
    pub max_queued: usize,
    /// Time allowed to receive a whole request (head and body, from the
    /// connection's arrival: sending slowly does not extend it), and to write
    /// an answer.
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
    /// The connections still reading their request, oldest first.
    reading: Mutex<Vec<Reading>>,
}

/// A connection still reading its request: a handle on its socket, so that
/// a new connection can take its place when every slot is taken.
struct Reading {
    id: u64,
    stream: TcpStream,
    /// Set when its place was taken.
    evicted: Arc<AtomicBool>,
}

impl Shared {
    /// Stops reading the oldest connection still reading its request, to
    /// give its place to a new one; `false` when every connection is past
    /// reading (running or waiting for a simulation).
    fn evict_oldest_reader(&self) -> bool {
        let mut reading = self.reading.lock().unwrap_or_else(|p| p.into_inner());
        if reading.is_empty() {
            return false;
        }
        let oldest = reading.remove(0);
        oldest.evicted.store(true, Ordering::SeqCst);
        // The reading thread's blocked read returns at once; it answers 408.
        let _ = oldest.stream.shutdown(std::net::Shutdown::Read);
        true
    }

    fn done_reading(&self, id: u64) {
        let mut reading = self.reading.lock().unwrap_or_else(|p| p.into_inner());
        reading.retain(|r| r.id != id);
    }
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
        reading: Mutex::new(Vec::new()),
    });
    let mut next_id: u64 = 0;
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let arrived = Instant::now();
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(shared.options.timeout));
                let _ = stream.set_write_timeout(Some(shared.options.timeout));
                let max = shared.options.max_connections;
                // Every slot taken: a slow client still sending its request
                // gives its place to the new connection (the evicted thread
                // ends at once; threads are bounded by twice the slots).
                let active = shared.active.load(Ordering::SeqCst);
                if active >= max && (active >= 2 * max || !shared.evict_oldest_reader()) {
                    let mut stream = stream;
                    let _ = respond_json(
                        &mut stream,
                        503,
                        &json!({"error": "the server is busy: too many connections; try again in a moment"}),
                    );
                    continue;
                }
                shared.active.fetch_add(1, Ordering::SeqCst);
                next_id += 1;
                let id = next_id;
                let evicted = Arc::new(AtomicBool::new(false));
                if let Ok(handle) = stream.try_clone() {
                    let mut reading = shared.reading.lock().unwrap_or_else(|p| p.into_inner());
                    reading.push(Reading {
                        id,
                        stream: handle,
                        evicted: evicted.clone(),
                    });
                }
                let worker = shared.clone();
                let spawned = std::thread::Builder::new()
                    .name("mlgov-serve".into())
                    .spawn(move || {
                        let mut stream = stream;
                        let deadline = arrived + worker.options.timeout;
                        handle(&worker, &mut stream, id, deadline, &evicted);
                        worker.active.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    shared.done_reading(id);
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
    /// The Origin header, if any.
    origin: Option<String>,
    /// The Sec-Fetch-Site header, if any, in lower case.
    fetch_site: Option<String>,
    /// The Content-Type header, if any, in lower case.
    content_type: Option<String>,
}

/// Reads from `stream` before `deadline`: `Err` when it has passed, so that
/// a client sending a byte at a time cannot extend it.
fn read_by(stream: &mut TcpStream, chunk: &mut [u8], deadline: Instant) -> io::Result<usize> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(chunk) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

/// Reads one request, whole, before `deadline`; `Err` holds the answer to
/// send instead.
fn read_request(
    stream: &mut TcpStream,
    o: &ServeOptions,
    deadline: Instant,
) -> Result<Request, (u16, String)> {
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
        match read_by(stream, &mut chunk, deadline) {
            Ok(0) => return Err((400, "the request ended before its headers did".into())),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
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
    let mut length: Option<usize> = None;
    let mut host = None;
    let mut origin = None;
    let mut fetch_site = None;
    let mut content_type = None;
    for h in lines {
        let Some((name, value)) = h.split_once(':') else {
            return Err((400, format!("not a header line: {:?}", truncate(h))));
        };
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        // Two Host or Content-Length headers make the request ambiguous
        // (RFC 9112 §3.2, §6.3): refused, whatever the values.
        let once = |seen: bool, header: &str| {
            if seen {
                Err((
                    400,
                    format!("the request has more than one {header} header"),
                ))
            } else {
                Ok(())
            }
        };
        if name == "content-length" {
            once(length.is_some(), "Content-Length")?;
            length = Some(value.parse().map_err(|_| {
                (
                    400,
                    format!("Content-Length {:?} is not a number", truncate(value)),
                )
            })?);
        } else if name == "host" {
            once(host.is_some(), "Host")?;
            host = Some(value.to_string());
        } else if name == "origin" {
            origin = Some(value.to_string());
        } else if name == "sec-fetch-site" {
            fetch_site = Some(value.to_ascii_lowercase());
        } else if name == "content-type" {
            content_type = Some(value.to_ascii_lowercase());
        } else if name == "transfer-encoding" {
            return Err((
                411,
                "send the body with a Content-Length, not chunked".into(),
            ));
        }
    }
    let length = length.unwrap_or(0);
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
        match read_by(stream, &mut chunk, deadline) {
            Ok(0) => return Err((400, "the request ended before its body did".into())),
            Ok(n) => {
                let take = n.min(length - body.len());
                body.extend_from_slice(&chunk[..take]);
            }
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
        origin,
        fetch_site,
        content_type,
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

/// Why a request comes from another site, if it does: its Origin (when
/// sent) is not this server's own (`http://` and the Host it was sent to),
/// or the browser marks it `Sec-Fetch-Site: cross-site`.
fn foreign(req: &Request) -> Option<String> {
    if let Some(origin) = &req.origin {
        let own = req.host.as_deref().map(|h| format!("http://{h}"));
        if own.is_none_or(|own| !origin.eq_ignore_ascii_case(&own)) {
            return Some(format!(
                "requests from another site are refused: Origin {:?} is not this server's",
                truncate(origin)
            ));
        }
    }
    if req.fetch_site.as_deref() == Some("cross-site") {
        return Some("requests from another site are refused (Sec-Fetch-Site: cross-site)".into());
    }
    None
}

fn handle(
    shared: &Shared,
    stream: &mut TcpStream,
    id: u64,
    deadline: Instant,
    evicted: &AtomicBool,
) {
    let read = read_request(stream, &shared.options, deadline);
    shared.done_reading(id);
    let req = match read {
        Ok(r) => r,
        Err(_) if evicted.load(Ordering::SeqCst) => {
            let _ = respond_json(
                stream,
                408,
                &json!({"error": "the request was not received in time: its connection was needed for another"}),
            );
            return;
        }
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
    if let Some(why) = foreign(&req) {
        let _ = respond_json(stream, 403, &json!({ "error": why }));
        return;
    }
    // A page elsewhere can send a POST without asking first only as a
    // "simple" request (text/plain, a form): the API takes JSON alone.
    let json_type = req
        .content_type
        .as_deref()
        .is_some_and(|t| t.split(';').next().map(str::trim) == Some("application/json"));
    if req.method == "POST" && !json_type {
        let _ = respond_json(
            stream,
            415,
            &json!({"error": "send the request body as JSON, with Content-Type: application/json"}),
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
        415 => "Unsupported Media Type",
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
