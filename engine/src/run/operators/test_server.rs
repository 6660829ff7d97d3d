//! Test-only servers on 127.0.0.1: a minimal HTTP/1.1 server whose responses come from a
//! closure, and an SMTP sink that records what it receives. Standard library only, so the
//! integration tests include this file too (`#[path]`). Every connection is read with a
//! timeout and every server stops when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One request the HTTP server received.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub method: String,
    /// The path without the query string (still percent-encoded).
    pub path: String,
    /// The raw query string (without `?`).
    pub query: String,
    /// Header names are lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Query string and form body parameters, decoded, in order.
    pub fn params(&self) -> Vec<(String, String)> {
        let mut out = parse_form(&self.query);
        if self
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
        {
            out.extend(parse_form(&self.text()));
        }
        out
    }

    /// The decoded parameter `name` (query string or form body).
    pub fn param(&self, name: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// A response to send.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with `content_type` and `body`.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, body: &str) -> Response {
        Response::new(status, "application/json", body)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Decodes `a=1&b=x%20y` (`+` is a space).
pub fn parse_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+`.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(x) => {
                        out.push(x);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// An HTTP server on an ephemeral port of 127.0.0.1.
pub struct HttpServer {
    pub addr: SocketAddr,
    /// Every request received, in order.
    pub requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Starts a server answering every request with `handler`.
    pub fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> HttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (reqs, stopped) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (handler, reqs) = (handler.clone(), reqs.clone());
                std::thread::spawn(move || serve_http(conn, &*handler, &reqs));
            }
        });
        HttpServer {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:PORT`.
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve_http(conn: TcpStream, handler: &Handler, requests: &Mutex<Vec<Request>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(write_half) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(conn);
    let mut out = write_half;
    // Keep-alive: serve requests until the client closes (bounded).
    for _ in 0..100 {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        // Servers ignore empty lines before a request line (RFC 9112 2.2).
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            match reader.read_line(&mut h) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let len = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; len.min(16 << 20)];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (target.clone(), String::new()),
        };
        let req = Request {
            method,
            path,
            query,
            headers,
            body,
        };
        if let Ok(mut r) = requests.lock() {
            r.push(req.clone());
        }
        let resp = handler(&req);
        let mut head = format!("HTTP/1.1 {} X\r\n", resp.status);
        for (k, v) in &resp.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", resp.body.len()));
        if out.write_all(head.as_bytes()).is_err() || out.write_all(&resp.body).is_err() {
            return;
        }
        let _ = out.flush();
    }
}

/// One message the SMTP sink accepted.
#[derive(Clone, Debug, Default)]
pub struct Mail {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent (dot-stuffing removed, CRLF line ends).
    pub data: String,
    /// `AUTH` lines the client sent, decoded (`PLAIN user pass`, `LOGIN user pass`).
    pub auth: Option<String>,
}

/// How the SMTP sink behaves.
#[derive(Clone, Debug, Default)]
pub struct SmtpOptions {
    /// Advertise `STARTTLS` (a client that uses it gets `220` and then a closed connection).
    pub starttls: bool,
    /// Advertise `AUTH PLAIN LOGIN`.
    pub auth: bool,
    /// Reply to `RCPT TO` with this code instead of 250.
    pub reject_rcpt: Option<u16>,
}

/// An SMTP server on an ephemeral port of 127.0.0.1 that records messages.
pub struct SmtpSink {
    pub addr: SocketAddr,
    pub mails: Arc<Mutex<Vec<Mail>>>,
    /// Every command line received, in order.
    pub commands: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SmtpSink {
    /// Starts a sink.
    pub fn start(opts: SmtpOptions) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let mails = Arc::new(Mutex::new(Vec::new()));
        let commands = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, c, s) = (mails.clone(), commands.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                serve_smtp(conn, &opts, &m, &c);
            }
        });
        SmtpSink {
            addr,
            mails,
            commands,
            stop,
            thread: Some(thread),
        }
    }

    /// The messages received so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The command lines received so far.
    pub fn commands(&self) -> Vec<String> {
        self.commands.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn b64_decode(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let Some(v) = T.iter().position(|&t| t == c) else {
            continue;
        };
        bits = (bits << 6) | v as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn serve_smtp(
    conn: TcpStream,
    opts: &SmtpOptions,
    mails: &Mutex<Vec<Mail>>,
    commands: &Mutex<Vec<String>>,
) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(mut out) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(conn);
    let mut send = |s: &str| out.write_all(s.as_bytes()).is_ok();
    if !send("220 sink ESMTP\r\n") {
        return;
    }
    let mut mail = Mail::default();
    let read_line = |reader: &mut BufReader<TcpStream>| -> Option<String> {
        let mut l = String::new();
        match reader.read_line(&mut l) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(l.trim_end_matches(['\r', '\n']).to_string()),
        }
    };
    for _ in 0..200 {
        let Some(line) = read_line(&mut reader) else {
            return;
        };
        if let Ok(mut c) = commands.lock() {
            c.push(line.clone());
        }
        let upper = line.to_ascii_uppercase();
        let reply = if upper.starts_with("EHLO") {
            let mut r = String::from("250-sink\r\n");
            if opts.starttls {
                r.push_str("250-STARTTLS\r\n");
            }
            if opts.auth {
                r.push_str("250-AUTH PLAIN LOGIN\r\n");
            }
            r.push_str("250 8BITMIME\r\n");
            r
        } else if upper.starts_with("HELO") {
            "250 sink\r\n".into()
        } else if upper.starts_with("STARTTLS") {
            send("220 go ahead\r\n");
            return;
        } else if upper.starts_with("AUTH PLAIN") {
            let arg = line[10..].trim().to_string();
            let arg = if arg.is_empty() {
                send("334 \r\n");
                read_line(&mut reader).unwrap_or_default()
            } else {
                arg
            };
            let parts: Vec<String> = b64_decode(&arg).split('\0').map(str::to_string).collect();
            mail.auth = Some(format!("PLAIN {}", parts[1..].join(" ")));
            "235 ok\r\n".into()
        } else if upper.starts_with("AUTH LOGIN") {
            send("334 VXNlcm5hbWU6\r\n");
            let user = b64_decode(&read_line(&mut reader).unwrap_or_default());
            send("334 UGFzc3dvcmQ6\r\n");
            let pass = b64_decode(&read_line(&mut reader).unwrap_or_default());
            mail.auth = Some(format!("LOGIN {user} {pass}"));
            "235 ok\r\n".into()
        } else if upper.starts_with("MAIL FROM:") {
            mail.mail_from = line[10..].trim().to_string();
            "250 ok\r\n".into()
        } else if upper.starts_with("RCPT TO:") {
            match opts.reject_rcpt {
                Some(code) => format!("{code} no such user\r\n"),
                None => {
                    mail.rcpt_to.push(line[8..].trim().to_string());
                    "250 ok\r\n".into()
                }
            }
        } else if upper == "DATA" {
            send("354 go\r\n");
            let mut data = String::new();
            loop {
                let Some(l) = read_line(&mut reader) else {
                    return;
                };
                if l == "." {
                    break;
                }
                let l = l.strip_prefix('.').map_or(l.clone(), |rest| {
                    if l.starts_with("..") {
                        rest.to_string()
                    } else {
                        l.clone()
                    }
                });
                data.push_str(&l);
                data.push_str("\r\n");
            }
            mail.data = data;
            if let Ok(mut m) = mails.lock() {
                m.push(std::mem::take(&mut mail));
            }
            "250 queued\r\n".into()
        } else if upper == "QUIT" {
            send("221 bye\r\n");
            return;
        } else if upper == "RSET" || upper == "NOOP" {
            "250 ok\r\n".into()
        } else {
            "502 unknown\r\n".into()
        };
        if !send(&reply) {
            return;
        }
    }
}

/// A JSON string literal.
pub fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One job the fake TD API accepted.
#[derive(Clone, Debug, Default)]
pub struct TdJob {
    pub id: String,
    /// `presto`, `hive`, `bulkload`, `export`, `result_export`, `partialdelete`,
    /// `saved_query`, `bulk_load_session`.
    pub kind: String,
    pub database: String,
    pub query: String,
    /// The request's parameters (query string and form body).
    pub params: Vec<(String, String)>,
    /// The request body when it was JSON.
    pub json: String,
    /// Status checks so far.
    pub polls: u32,
}

/// Result rows for jobs whose query contains `needle`.
#[derive(Clone, Debug)]
pub struct TdResult {
    pub needle: String,
    /// `[[name, type], ...]` as JSON.
    pub schema: String,
    /// One JSON array per row.
    pub rows: Vec<String>,
}

/// The state of the fake TD API.
#[derive(Debug, Default)]
pub struct TdState {
    pub apikey: String,
    pub jobs: Vec<TdJob>,
    /// `database.table`.
    pub tables: Vec<String>,
    pub databases: Vec<String>,
    pub results: Vec<TdResult>,
    /// Status checks answered `running` before a job succeeds.
    pub running_polls: u32,
    /// `(name, id)` of saved result connections.
    pub connections: Vec<(String, u64)>,
    /// Submissions answered with `500` before one is accepted.
    pub fail_submits: u32,
    /// Accepted submissions whose answer is lost (`500`), so the client retries with the
    /// same domain key.
    pub lose_submits: u32,
}

/// A fake Treasure Data REST API (`/v3/...`) for tests. Queries containing `FAIL` end in
/// status `error`.
pub struct FakeTd {
    pub server: HttpServer,
    pub state: Arc<Mutex<TdState>>,
}

impl FakeTd {
    /// Starts a fake API that accepts `apikey`.
    pub fn start(apikey: &str) -> FakeTd {
        let state = Arc::new(Mutex::new(TdState {
            apikey: apikey.to_string(),
            ..TdState::default()
        }));
        let s = state.clone();
        let server = HttpServer::start(move |req| match s.lock() {
            Ok(mut st) => td_route(&mut st, req),
            Err(_) => Response::json(500, "{}"),
        });
        FakeTd { server, state }
    }

    /// `127.0.0.1:PORT` (for `endpoint` with `use_ssl: false`).
    pub fn endpoint(&self) -> String {
        self.server.host_port()
    }

    /// Rows for jobs whose query contains `needle`.
    pub fn add_result(&self, needle: &str, schema: &str, rows: &[&str]) {
        if let Ok(mut st) = self.state.lock() {
            st.results.push(TdResult {
                needle: needle.into(),
                schema: schema.into(),
                rows: rows.iter().map(|r| r.to_string()).collect(),
            });
        }
    }

    /// The jobs accepted so far.
    pub fn jobs(&self) -> Vec<TdJob> {
        self.state
            .lock()
            .map(|s| s.jobs.clone())
            .unwrap_or_default()
    }

    /// Changes the state.
    pub fn with<R>(&self, f: impl FnOnce(&mut TdState) -> R) -> Option<R> {
        self.state.lock().ok().map(|mut s| f(&mut s))
    }
}

fn td_new_job(st: &mut TdState, req: &Request, kind: &str, database: &str) -> String {
    let id = (1000 + st.jobs.len()).to_string();
    let params = req.params();
    let query = params
        .iter()
        .find(|(k, _)| k == "query")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let json = if req
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"))
    {
        req.text()
    } else {
        String::new()
    };
    st.jobs.push(TdJob {
        id: id.clone(),
        kind: kind.into(),
        database: database.into(),
        query,
        params,
        json,
        polls: 0,
    });
    id
}

fn td_result_for<'a>(st: &'a TdState, job: &TdJob) -> Option<&'a TdResult> {
    st.results
        .iter()
        .rev()
        .find(|r| job.query.contains(&r.needle))
}

fn td_route(st: &mut TdState, req: &Request) -> Response {
    if req.header("authorization") != Some(&format!("TD1 {}", st.apikey)) {
        return Response::json(401, r#"{"error":"authentication failed"}"#);
    }
    let segs: Vec<String> = req
        .path
        .trim_start_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let m = req.method.as_str();
    let submit = |st: &mut TdState| -> Option<Response> {
        if let Some(dk) = req.param("domain_key") {
            let seen = st
                .jobs
                .iter()
                .find(|j| j.params.iter().any(|(k, v)| k == "domain_key" && *v == dk));
            if let Some(j) = seen {
                return Some(Response::json(
                    409,
                    &format!(
                        r#"{{"error":"domain key conflict","details":{{"conflicts_with":"{}"}}}}"#,
                        j.id
                    ),
                ));
            }
        }
        if st.fail_submits > 0 {
            st.fail_submits -= 1;
            return Some(Response::json(500, r#"{"error":"try again"}"#));
        }
        None
    };
    match (m, segs.as_slice()) {
        ("POST", ["v3", "job", "issue", kind, db]) => {
            if let Some(r) = submit(st) {
                return r;
            }
            let id = td_new_job(st, req, kind, db);
            if st.lose_submits > 0 {
                st.lose_submits -= 1;
                return Response::json(500, r#"{"error":"gateway timeout"}"#);
            }
            Response::json(
                200,
                &format!(
                    r#"{{"job":"{id}","job_id":"{id}","database":{}}}"#,
                    json_str(db)
                ),
            )
        }
        ("GET", ["v3", "job", "status", id]) => {
            let running = st.running_polls;
            let Some(job) = st.jobs.iter_mut().find(|j| j.id == *id) else {
                return Response::json(404, r#"{"error":"no such job"}"#);
            };
            job.polls += 1;
            let status = if job.polls <= running {
                "running"
            } else if job.query.contains("FAIL") {
                "error"
            } else {
                "success"
            };
            Response::json(200, &format!(r#"{{"job_id":"{id}","status":"{status}"}}"#))
        }
        ("GET", ["v3", "job", "show", id]) => {
            let Some(job) = st.jobs.iter().find(|j| j.id == *id) else {
                return Response::json(404, r#"{"error":"no such job"}"#);
            };
            let result = td_result_for(st, job);
            let schema = result.map_or("null".to_string(), |r| json_str(&r.schema));
            let n = result.map_or(0, |r| r.rows.len());
            let failed = job.query.contains("FAIL");
            Response::json(
                200,
                &format!(
                    r#"{{"job_id":"{id}","status":"{}","hive_result_schema":{schema},"num_records":{n},"debug":{{"cmdout":{},"stderr":{}}}}}"#,
                    if failed { "error" } else { "success" },
                    json_str(if failed {
                        "Query failed: line 1:1: mismatched input 'FAIL'"
                    } else {
                        "started"
                    }),
                    json_str(if failed { "error at FAIL" } else { "" }),
                ),
            )
        }
        ("GET", ["v3", "job", "result", id]) => {
            let Some(job) = st.jobs.iter().find(|j| j.id == *id) else {
                return Response::json(404, r#"{"error":"no such job"}"#);
            };
            match td_result_for(st, job) {
                Some(r) => Response::new(200, "application/json", r.rows.join("\n")),
                None => Response::json(404, r#"{"error":"no result"}"#),
            }
        }
        ("GET", ["v3", "table", "list", db]) => {
            if !st.databases.iter().any(|d| d == db) {
                return Response::json(404, r#"{"error":"no such database"}"#);
            }
            let names: Vec<String> = st
                .tables
                .iter()
                .filter_map(|t| t.strip_prefix(&format!("{db}.")))
                .map(|t| format!(r#"{{"name":{}}}"#, json_str(t)))
                .collect();
            Response::json(
                200,
                &format!(
                    r#"{{"database":{},"tables":[{}]}}"#,
                    json_str(db),
                    names.join(",")
                ),
            )
        }
        ("POST", ["v3", "table", "create", db, table, _]) => {
            let key = format!("{db}.{table}");
            if st.tables.contains(&key) {
                return Response::json(409, r#"{"error":"already exists"}"#);
            }
            st.tables.push(key);
            Response::json(200, r#"{"type":"log"}"#)
        }
        ("POST", ["v3", "table", "delete", db, table]) => {
            let key = format!("{db}.{table}");
            match st.tables.iter().position(|t| *t == key) {
                Some(i) => {
                    st.tables.remove(i);
                    Response::json(200, r#"{"type":"log"}"#)
                }
                None => Response::json(404, r#"{"error":"no such table"}"#),
            }
        }
        ("POST", ["v3", "table", "rename", db, from, to]) => {
            let key = format!("{db}.{from}");
            if !st.tables.contains(&key) {
                return Response::json(404, r#"{"error":"no such table"}"#);
            }
            let new = format!("{db}.{to}");
            st.tables.retain(|t| *t != new);
            if let Some(t) = st.tables.iter_mut().find(|t| **t == key) {
                *t = new;
            }
            Response::json(200, "{}")
        }
        ("POST", ["v3", "database", "create", db]) => {
            if st.databases.iter().any(|d| d == db) {
                return Response::json(409, r#"{"error":"already exists"}"#);
            }
            st.databases.push(db.to_string());
            Response::json(200, "{}")
        }
        ("POST", ["v3", "database", "delete", db]) => {
            match st.databases.iter().position(|d| d == db) {
                Some(i) => {
                    st.databases.remove(i);
                    st.tables.retain(|t| !t.starts_with(&format!("{db}.")));
                    Response::json(200, "{}")
                }
                None => Response::json(404, r#"{"error":"no such database"}"#),
            }
        }
        ("POST", ["v3", "schedule", "run", name, _time]) => {
            let id = td_new_job(st, req, "saved_query", "");
            if let Some(j) = st.jobs.last_mut() {
                j.query = name.to_string();
            }
            Response::json(
                200,
                &format!(r#"{{"jobs":[{{"job_id":"{id}","scheduled_at":"","type":"presto"}}]}}"#),
            )
        }
        ("POST", ["v4", "queries", qid, "jobs"]) => {
            let id = td_new_job(st, req, "saved_query", "");
            if let Some(j) = st.jobs.last_mut() {
                j.query = format!("saved query {qid}");
            }
            Response::json(200, &format!(r#"{{"id":"{id}"}}"#))
        }
        ("POST", ["v3", "bulk_loads", name, "jobs"]) => {
            let id = td_new_job(st, req, "bulk_load_session", "");
            if let Some(j) = st.jobs.last_mut() {
                j.query = name.to_string();
            }
            Response::json(200, &format!(r#"{{"job_id":"{id}"}}"#))
        }
        ("POST", ["v3", "export", "run", db, table]) => {
            let id = td_new_job(st, req, "export", db);
            if let Some(j) = st.jobs.last_mut() {
                j.query = table.to_string();
            }
            Response::json(200, &format!(r#"{{"job_id":"{id}"}}"#))
        }
        ("GET", ["v3", "connections", "lookup"]) => {
            let name = req.param("name").unwrap_or_default();
            match st.connections.iter().find(|(n, _)| *n == name) {
                Some((_, id)) => Response::json(200, &format!(r#"{{"id":{id}}}"#)),
                None => Response::json(404, r#"{"error":"no such connection"}"#),
            }
        }
        ("POST", ["v3", "job", "result_export", job]) => {
            let id = td_new_job(st, req, "result_export", "");
            if let Some(j) = st.jobs.last_mut() {
                j.query = format!("export of {job}");
            }
            Response::json(200, &format!(r#"{{"job_id":"{id}"}}"#))
        }
        ("POST", ["v3", "table", "partialdelete", db, table]) => {
            let id = td_new_job(st, req, "partialdelete", db);
            if let Some(j) = st.jobs.last_mut() {
                j.query = table.to_string();
            }
            Response::json(200, &format!(r#"{{"job_id":"{id}"}}"#))
        }
        _ => Response::json(404, r#"{"error":"unknown endpoint"}"#),
    }
}
