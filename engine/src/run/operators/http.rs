//! `http>` and `http_call>` (semantics §2.3), as digdag's `HttpOperatorFactory` and
//! `HttpCallOperatorFactory` do them: parameters read directly or from `http:` defaults;
//! `${secret:...}` in the URI, query, headers and content; the secrets `http.uri`,
//! `http.authorization`, `http.user` and `http.password`; retries of ephemeral errors
//! (408, 429, 5xx and lost connections; 5xx and lost connections only when `retry` is true,
//! the default for GET, HEAD, OPTIONS and TRACE) with digdag's back-off (1 s doubling to
//! 30 s). digdag retries without end; `wf run` gives up after [`MAX_REQUEST_RETRIES`].
//!
//! `http>` stores `http.last_status` (and `http.last_content` with `store_content: true`);
//! `http_call>` runs the workflow in the response body (JSON, or YAML when the response is
//! `application/x-yaml`) as `^sub` tasks.

use super::conf::{base64, bool_or, form_body, map_strings, opt_int, opt_str, req_str};
use super::{OperatorContext, OperatorError, TaskResult};
use crate::load::json::parse_json;
use crate::load::{DiskFileSystem, Entry, Loader, Object, Value, ValueKind};
use crate::run::params::{int, runtime_span, set, string};
use crate::Severity;
use std::time::Duration;

/// Redirects followed at most (digdag's `config.http.max_redirects`).
const MAX_REDIRECTS: u32 = 8;
/// Largest `http.last_content` (digdag's `config.http.max_stored_response_content_size`).
const MAX_STORED_CONTENT: usize = 64 * 1024;
/// Largest `http_call>` response (digdag's `config.http_call.max_response_content_size`).
const MAX_CALL_CONTENT: usize = 64 * 1024;
/// How often an ephemeral failure is retried before the task fails.
pub const MAX_REQUEST_RETRIES: u32 = 7;
/// Bytes read from a response body at most.
const MAX_BODY_BYTES: u64 = 16 << 20;

/// `key` directly, else from the `http:` defaults (both operators use `http`).
fn param<'a>(ctx: &'a OperatorContext, key: &str) -> Option<&'a Value> {
    ctx.config.get(key).or_else(|| {
        ctx.config
            .get("http")
            .and_then(Value::as_object)
            .and_then(|o| o.get(key))
    })
}

fn secret_text(ctx: &OperatorContext, text: &str) -> Result<String, OperatorError> {
    ctx.secrets.substitute(text).map_err(OperatorError::config)
}

/// A request ready to send.
struct Prepared {
    method: String,
    uri: String,
    /// The URI for logs and messages (no user info; `scheme://***` for secret URIs).
    safe_uri: String,
    headers: Vec<(String, String)>,
    body: Option<(String, Vec<u8>)>,
    retry: bool,
    agent: ureq::Agent,
}

/// What came back.
struct Reply {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

pub(super) fn http(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let (uri, uri_is_secret) = match ctx.secrets.get("http.uri") {
        Some(u) => (u.to_string(), true),
        None => command_uri(ctx)?,
    };
    let store_content = bool_or(param(ctx, "store_content"), "store_content", false)?;
    let prepared = prepare(ctx, &uri, uri_is_secret)?;
    let reply = execute(ctx, &prepared)?;
    let mut http = Object::default();
    set(&mut http, "last_status", int(i64::from(reply.status)));
    let mut reset_store = vec!["http.last_status".to_string()];
    if store_content {
        let content = String::from_utf8_lossy(&reply.body).into_owned();
        let len = content.chars().count();
        if len > MAX_STORED_CONTENT {
            return Err(OperatorError::runtime(format!(
                "Response content too large: {len} > {MAX_STORED_CONTENT}"
            )));
        }
        set(&mut http, "last_content", string(content));
        reset_store.push("http.last_content".to_string());
    }
    let mut store = Object::default();
    set(
        &mut store,
        "http",
        Value::new(ValueKind::Object(http), runtime_span()),
    );
    Ok(TaskResult {
        store,
        reset_store,
        ..TaskResult::default()
    })
}

pub(super) fn http_call(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let (uri, uri_is_secret) = command_uri(ctx)?;
    let prepared = prepare(ctx, &uri, uri_is_secret)?;
    let reply = execute(ctx, &prepared)?;
    let content = String::from_utf8_lossy(&reply.body).into_owned();
    let len = content.chars().count();
    if len > MAX_CALL_CONTENT {
        return Err(OperatorError::runtime(format!(
            "Response content too large: {len} > {MAX_CALL_CONTENT}"
        )));
    }
    let media = match opt_str(param(ctx, "content_type_override"), "content_type_override")? {
        Some(t) => Some(t),
        None => reply.content_type.clone(),
    };
    let media = match media {
        Some(m) if !m.trim().is_empty() => m,
        _ => {
            return Err(OperatorError::runtime(
                "Content-Type must be set in the HTTP response but not set",
            ))
        }
    };
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let body = match essence.as_str() {
        "application/json" => {
            let v = parse_json(&content, runtime_span()).map_err(|e| {
                OperatorError::runtime(format!("Failed to parse response as JSON: {e}"))
            })?;
            match v.kind {
                ValueKind::Object(o) => o,
                _ => {
                    return Err(OperatorError::runtime(format!(
                        "Failed to parse response as JSON: expected an object but got {}",
                        v.type_word()
                    )))
                }
            }
        }
        "application/x-yaml" => load_yaml_workflow(ctx, content)?,
        _ => {
            return Err(OperatorError::runtime(format!(
            "Unsupported Content-Type (expected application/json or application/x-yaml): {media}"
        )))
        }
    };
    let mut body = body;
    body.entries.retain(|e| e.key != "timezone");
    Ok(TaskResult {
        subtask: Some(Value::new(ValueKind::Object(body), runtime_span())),
        ..TaskResult::default()
    })
}

/// `_command` with `${secret:...}` substituted, and whether it had any.
fn command_uri(ctx: &OperatorContext) -> Result<(String, bool), OperatorError> {
    let raw = req_str(ctx.command(), "_command")?;
    let uri = secret_text(ctx, &raw)?;
    let secret = uri != raw;
    Ok((uri, secret))
}

/// Loads a YAML response the way digdag loads the `http_call.dig` it writes to the working
/// directory (so `!include` resolves there).
fn load_yaml_workflow(ctx: &OperatorContext, content: String) -> Result<Object, OperatorError> {
    let fs = DiskFileSystem;
    let mut loader = Loader::new(&fs);
    let path = ctx.workdir().join("http_call.dig");
    loader.add_text(&path, content.into_bytes(), None);
    let loaded = loader
        .load_workflow(&path)
        .map_err(|e| OperatorError::config(format!("http_call.dig: {e}")))?;
    if let Some(d) = loader
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        let f = loader.sources.get(d.span.file);
        let (line, col) = f.line_char_col(d.span.start);
        let name = f
            .path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        return Err(OperatorError::config(format!(
            "{name}:{}:{}: {}",
            line + 1,
            col + 1,
            d.message
        )));
    }
    match loaded.1.map(|v| without_spans(&v).kind) {
        Some(ValueKind::Object(o)) => Ok(o),
        _ => Err(OperatorError::config(
            "http_call.dig: the response is not a workflow",
        )),
    }
}

/// Spans of a loader the run does not know are dropped.
fn without_spans(v: &Value) -> Value {
    let span = runtime_span();
    let kind = match &v.kind {
        ValueKind::Object(o) => ValueKind::Object(Object {
            entries: o
                .entries
                .iter()
                .map(|e| Entry {
                    key: e.key.clone(),
                    key_span: span,
                    value: without_spans(&e.value),
                })
                .collect(),
        }),
        ValueKind::Array(items) => ValueKind::Array(items.iter().map(without_spans).collect()),
        other => other.clone(),
    };
    Value::new(kind, span)
}

fn prepare(
    ctx: &OperatorContext,
    raw_uri: &str,
    uri_is_secret: bool,
) -> Result<Prepared, OperatorError> {
    let method = opt_str(param(ctx, "method"), "method")?
        .unwrap_or_else(|| "GET".into())
        .to_uppercase();
    let retry = bool_or(
        param(ctx, "retry"),
        "retry",
        matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE"),
    )?;
    let timeout = opt_int(param(ctx, "timeout"), "timeout")?.unwrap_or(30);
    let timeout = u64::try_from(timeout)
        .map_err(|_| OperatorError::config(format!("Invalid timeout: {timeout}")))?;
    let follow = bool_or(param(ctx, "follow_redirects"), "follow_redirects", true)?;
    let insecure = bool_or(param(ctx, "insecure"), "insecure", false)?;

    let parsed: ureq::http::Uri = raw_uri.parse().map_err(|e| {
        OperatorError::runtime(format!("Illegal character in URI or malformed URI: {e}"))
    })?;
    let scheme = parsed.scheme_str().unwrap_or("").to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(OperatorError::config(format!(
            "Unsupported URI scheme (expected http or https): {}",
            if uri_is_secret { "***" } else { raw_uri }
        )));
    }

    // Query parameters: an object (or a JSON string of one), else a query string.
    let mut query: Vec<(String, String)> = Vec::new();
    if let Some(q) = param(ctx, "query").filter(|q| !q.is_null()) {
        match crate::plan::expand::parse_nested(q, "query") {
            Ok(obj) => {
                for e in &obj.entries {
                    let v = opt_str(Some(&e.value), &e.key)?.unwrap_or_default();
                    query.push((secret_text(ctx, &e.key)?, secret_text(ctx, &v)?));
                }
            }
            Err(_) => {
                let text = opt_str(Some(q), "query")?.unwrap_or_default();
                for (k, v) in parse_query_string(&secret_text(ctx, &text)?) {
                    query.push((k, v));
                }
            }
        }
    }
    let mut uri = raw_uri.to_string();
    if !query.is_empty() {
        let (base, fragment) = match uri.split_once('#') {
            Some((b, f)) => (b.to_string(), Some(f.to_string())),
            None => (uri.clone(), None),
        };
        let sep = if base.contains('?') { '&' } else { '?' };
        uri = format!("{base}{sep}{}", form_body(&query));
        if let Some(f) = fragment {
            uri.push('#');
            uri.push_str(&f);
        }
    }
    let safe_uri = if uri_is_secret {
        format!("{scheme}://***")
    } else {
        safe_uri(&uri)
    };

    // Headers: a list of single-key objects.
    let mut headers = Vec::new();
    if let Some(h) = param(ctx, "headers").filter(|h| !h.is_null()) {
        let items = h.as_array().ok_or_else(|| {
            OperatorError::config(format!(
                "Expected array for key 'headers' but got {} ({})",
                h.to_json(),
                h.type_word()
            ))
        })?;
        for item in items {
            let obj = item.as_object().filter(|o| o.len() == 1).ok_or_else(|| {
                OperatorError::config(format!("Invalid header: {}", item.to_json()))
            })?;
            let e = &obj.entries[0];
            let value = match &e.value.kind {
                ValueKind::Object(_) | ValueKind::Array(_) => String::new(),
                ValueKind::Null => "null".to_string(),
                _ => e.value.scalar_text().unwrap_or_default(),
            };
            headers.push((secret_text(ctx, &e.key)?, secret_text(ctx, &value)?));
        }
    }
    if let Some(a) = ctx.secrets.get("http.authorization") {
        headers.push(("Authorization".into(), a.to_string()));
    } else if let Some(user) = ctx.secrets.get("http.user") {
        let password = ctx.secrets.get("http.password").unwrap_or("");
        headers.push((
            "Authorization".into(),
            format!("Basic {}", base64(format!("{user}:{password}").as_bytes())),
        ));
    }

    let body = match param(ctx, "content").filter(|c| !c.is_null()) {
        None => None,
        Some(content) => {
            let format =
                opt_str(param(ctx, "content_format"), "content_format")?.map(|f| f.to_lowercase());
            let content_type = opt_str(param(ctx, "content_type"), "content_type")?;
            Some(content_body(ctx, content, format.as_deref(), content_type)?)
        }
    };

    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .allow_non_standard_methods(true)
        .timeout_global(Some(Duration::from_secs(timeout.max(1))))
        .max_redirects(if follow { MAX_REDIRECTS } else { 0 })
        .max_redirects_will_error(false)
        .user_agent(format!("wf/{}", env!("CARGO_PKG_VERSION")));
    if insecure {
        config = config.tls_config(
            ureq::tls::TlsConfig::builder()
                .disable_verification(true)
                .build(),
        );
    }
    if let Some(proxy) = param(ctx, "proxy").and_then(Value::as_object) {
        if bool_or(proxy.get("enabled"), "enabled", false)? {
            let host = req_str(proxy.get("host"), "host")?;
            let port =
                opt_int(proxy.get("port"), "port")?.ok_or_else(|| super::conf::missing("port"))?;
            let tls = bool_or(proxy.get("tls"), "tls", false)?;
            let url = format!("{}://{host}:{port}", if tls { "https" } else { "http" });
            let p = ureq::Proxy::new(&url).map_err(|e| {
                OperatorError::config(format!("Invalid proxy configuration {url}: {e}"))
            })?;
            config = config.proxy(Some(p));
        }
    }
    Ok(Prepared {
        method,
        uri,
        safe_uri,
        headers,
        body,
        retry,
        agent: config.build().into(),
    })
}

/// `a=1&b=2` as pairs (percent-decoded).
fn parse_query_string(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(x) => {
                        out.push(x);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The URI without user info, as digdag logs it.
fn safe_uri(uri: &str) -> String {
    match uri.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(authority_end);
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}{tail}")
        }
        None => uri.to_string(),
    }
}

/// `${secret:...}` replaced in every string and key of `v`.
fn resolve_secrets(ctx: &OperatorContext, v: &Value) -> Result<Value, OperatorError> {
    map_strings(v, true, &|s| secret_text(ctx, s))
}

/// The request body and its content type, by digdag's table: scalars are `text`
/// (`plain/text`, digdag's default type, sic) or `json`; objects and arrays are `json`, or
/// `form` for objects.
fn content_body(
    ctx: &OperatorContext,
    content: &Value,
    format: Option<&str>,
    content_type: Option<String>,
) -> Result<(String, Vec<u8>), OperatorError> {
    let content = resolve_secrets(ctx, content)?;
    let node_type = match content.kind {
        ValueKind::Object(_) => "object",
        ValueKind::Array(_) => "array",
        ValueKind::String(_) => "string",
        ValueKind::Bool(_) => "boolean",
        ValueKind::Null => "null",
        _ => "number",
    };
    let invalid = |format: &str| {
        OperatorError::config(format!(
            "Invalid content format for {node_type}s: '{format}'"
        ))
    };
    let json_type = || {
        content_type
            .clone()
            .unwrap_or_else(|| "application/json".into())
    };
    if !content.is_scalar() {
        match format.unwrap_or("json") {
            "json" => Ok((json_type(), content.to_json().into_bytes())),
            "form" => {
                let Some(obj) = content.as_object() else {
                    return Err(invalid("form"));
                };
                let mut fields = Vec::new();
                for e in &obj.entries {
                    if !e.value.is_scalar() {
                        return Err(OperatorError::config(format!(
                            "Invalid form content field value: {}",
                            e.value.to_json()
                        )));
                    }
                    let v = match &e.value.kind {
                        ValueKind::Null => "null".to_string(),
                        _ => e.value.scalar_text().unwrap_or_default(),
                    };
                    fields.push((e.key.clone(), v));
                }
                // Jetty's FormContentProvider sets its own type.
                Ok((
                    "application/x-www-form-urlencoded".into(),
                    form_body(&fields).into_bytes(),
                ))
            }
            other => Err(invalid(other)),
        }
    } else {
        match format.unwrap_or("text") {
            "text" => {
                let text = match &content.kind {
                    ValueKind::Null => "null".to_string(),
                    _ => content.scalar_text().unwrap_or_default(),
                };
                Ok((
                    content_type.unwrap_or_else(|| "plain/text".into()),
                    text.into_bytes(),
                ))
            }
            "json" => Ok((json_type(), content.to_json().into_bytes())),
            other => Err(invalid(other)),
        }
    }
}

enum Failure {
    /// Retried while attempts remain.
    Ephemeral(String),
    /// Fails the task at once.
    Fatal(String),
}

fn reason(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// Sends the request, retrying ephemeral failures with digdag's back-off.
fn execute(ctx: &OperatorContext, p: &Prepared) -> Result<Reply, OperatorError> {
    let mut attempt: u32 = 0;
    loop {
        (ctx.log)(&format!(
            "Sending HTTP request: {} {}",
            p.method, p.safe_uri
        ));
        let failure = match send(p) {
            Ok(reply) => {
                let status_text = format!(
                    "{} {}: {} {}",
                    p.method,
                    p.safe_uri,
                    reply.status,
                    reason(reply.status)
                );
                (ctx.log)(&format!("Received HTTP response: {status_text}"));
                match reply.status {
                    200..=399 => return Ok(reply),
                    408 | 429 => Failure::Ephemeral(format!("Failed HTTP request: {status_text}")),
                    400..=499 => Failure::Fatal(format!("HTTP 4XX Client Error: {status_text}")),
                    500..=599 if p.retry => {
                        Failure::Ephemeral(format!("HTTP 5XX Server Error: {status_text}"))
                    }
                    500..=599 => Failure::Fatal(format!("HTTP 5XX Server Error: {status_text}")),
                    _ if p.retry => {
                        Failure::Ephemeral(format!("Unexpected HTTP status: {status_text}"))
                    }
                    _ => Failure::Fatal(format!("Unexpected HTTP status: {status_text}")),
                }
            }
            Err(e) => {
                let msg = format!("{} {}: {e}", p.method, p.safe_uri);
                (ctx.log)(&format!("Exception without response: {msg}"));
                if p.retry {
                    Failure::Ephemeral(msg)
                } else {
                    Failure::Fatal(msg)
                }
            }
        };
        match failure {
            Failure::Fatal(m) => return Err(OperatorError::runtime(m)),
            Failure::Ephemeral(m) if attempt >= MAX_REQUEST_RETRIES => {
                return Err(OperatorError::runtime(format!(
                    "{m} (gave up after {MAX_REQUEST_RETRIES} retries)"
                )))
            }
            Failure::Ephemeral(m) => {
                let wait = 2u64.saturating_pow(attempt).min(30);
                (ctx.log)(&format!(
                    "HTTP request failed: {m}: retrying in {wait} seconds"
                ));
                std::thread::sleep(Duration::from_secs(wait));
                attempt += 1;
            }
        }
    }
}

fn send(p: &Prepared) -> Result<Reply, ureq::Error> {
    let mut builder = ureq::http::Request::builder()
        .method(p.method.as_str())
        .uri(p.uri.as_str());
    for (k, v) in &p.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let response = match &p.body {
        Some((content_type, bytes)) => {
            let has_type = p
                .headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
            if !has_type {
                builder = builder.header("Content-Type", content_type.as_str());
            }
            p.agent.run(builder.body(bytes.clone())?)?
        }
        None => p.agent.run(builder.body(())?)?,
    };
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut response = response;
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_vec()?;
    Ok(Reply {
        status,
        content_type,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::super::conf::testing::{ctx, temp_project};
    use super::super::test_server::{HttpServer, Response};
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    fn store_json(r: &TaskResult) -> String {
        Value::new(ValueKind::Object(r.store.clone()), runtime_span()).to_json()
    }

    #[test]
    fn get_sends_query_and_headers_and_stores_status_and_content() {
        let server = HttpServer::start(|_| Response::new(200, "text/plain", "hello"));
        let root = temp_project("http-get");
        let (c, log) = ctx(
            "http",
            &format!(
                r#"{{"_command": "{}/api/items?x=1",
                    "query": {{"q": "a b", "token": "${{secret:api.key}}"}},
                    "headers": [{{"X-Key": "${{secret:api.key}}"}}, {{"Accept": "text/plain"}}],
                    "store_content": true}}"#,
                server.url()
            ),
            &[("api.key", "k&1")],
            &root,
        );
        let r = http(&c).unwrap();
        assert_eq!(
            store_json(&r),
            r#"{"http":{"last_status":200,"last_content":"hello"}}"#
        );
        assert_eq!(r.reset_store, ["http.last_status", "http.last_content"]);
        let reqs = server.requests();
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].method, "GET");
        assert_eq!(reqs[0].path, "/api/items");
        assert_eq!(reqs[0].query, "x=1&q=a+b&token=k%261");
        assert_eq!(reqs[0].header("x-key"), Some("k&1"));
        assert_eq!(reqs[0].header("accept"), Some("text/plain"));
        let log = log.lock().unwrap().join("\n");
        assert!(
            log.contains(&format!(
                "Received HTTP response: GET {}/api/items?x=1&q=a+b&token=k%261: 200 OK",
                server.url()
            )),
            "{log}"
        );
    }

    #[test]
    fn content_is_json_form_or_text_by_digdag_table() {
        let server = HttpServer::start(|_| Response::new(204, "text/plain", ""));
        let root = temp_project("http-content");
        let run = |extra: &str| {
            let (c, _) = ctx(
                "http",
                &format!(
                    r#"{{"_command": "{}/hook", "method": "post", {extra}}}"#,
                    server.url()
                ),
                &[("pw", "s3cret")],
                &root,
            );
            http(&c)
        };
        run(r#""content": {"status": "RUNNING", "n": 1, "pw": "${secret:pw}"}"#).unwrap();
        run(r#""content": {"a": "x y", "b": 2}, "content_format": "form""#).unwrap();
        run(r#""content": "hello", "content_type": "application/xml""#).unwrap();
        run(r#""content": 42"#).unwrap();
        let reqs = server.requests();
        let seen: Vec<(String, Option<String>, String)> = reqs
            .iter()
            .map(|r| {
                (
                    r.method.clone(),
                    r.header("content-type").map(str::to_string),
                    r.text(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "POST".to_string(),
                    Some("application/json".to_string()),
                    r#"{"status":"RUNNING","n":1,"pw":"s3cret"}"#.to_string()
                ),
                (
                    "POST".to_string(),
                    Some("application/x-www-form-urlencoded".to_string()),
                    "a=x+y&b=2".to_string()
                ),
                (
                    "POST".to_string(),
                    Some("application/xml".to_string()),
                    "hello".to_string()
                ),
                (
                    "POST".to_string(),
                    Some("plain/text".to_string()),
                    "42".to_string()
                ),
            ]
        );
        let e = run(r#""content": [1, 2], "content_format": "form""#).unwrap_err();
        assert!(e.config_error);
        assert_eq!(e.message, "Invalid content format for arrays: 'form'");
        let e = run(r#""content": "x", "content_format": "form""#).unwrap_err();
        assert_eq!(e.message, "Invalid content format for strings: 'form'");
        let e = run(r#""content": {"a": {"b": 1}}, "content_format": "form""#).unwrap_err();
        assert_eq!(e.message, r#"Invalid form content field value: {"b":1}"#);
        let e = run(r#""headers": [{"a": "1", "b": "2"}]"#).unwrap_err();
        assert_eq!(e.message, r#"Invalid header: {"a":"1","b":"2"}"#);
    }

    #[test]
    fn get_retries_server_errors_and_client_errors_fail_at_once() {
        let calls = Arc::new(AtomicU32::new(0));
        let seen = calls.clone();
        let server = HttpServer::start(move |r| {
            if r.path == "/flaky" && seen.fetch_add(1, Ordering::SeqCst) == 0 {
                Response::new(503, "text/plain", "busy")
            } else if r.path == "/missing" {
                Response::new(404, "text/plain", "no")
            } else if r.path == "/down" {
                Response::new(500, "text/plain", "down")
            } else {
                Response::new(200, "text/plain", "ok")
            }
        });
        let root = temp_project("http-retry");
        let run = |path: &str, method: &str| {
            let (c, log) = ctx(
                "http",
                &format!(
                    r#"{{"_command": "{}{path}", "http": {{"method": "{method}"}}}}"#,
                    server.url()
                ),
                &[],
                &root,
            );
            (http(&c), log)
        };
        let (r, log) = run("/flaky", "GET");
        assert_eq!(store_json(&r.unwrap()), r#"{"http":{"last_status":200}}"#);
        let log = log.lock().unwrap().join("\n");
        assert!(
            log.contains(&format!(
                "HTTP request failed: HTTP 5XX Server Error: GET {}/flaky: 503 Service Unavailable: retrying in 1 seconds",
                server.url()
            )),
            "{log}"
        );
        let (r, _) = run("/missing", "GET");
        let e = r.unwrap_err();
        assert!(!e.config_error);
        assert_eq!(
            e.message,
            format!(
                "HTTP 4XX Client Error: GET {}/missing: 404 Not Found",
                server.url()
            )
        );
        // POST is not retried by default.
        let (r, _) = run("/down", "POST");
        assert_eq!(
            r.unwrap_err().message,
            format!(
                "HTTP 5XX Server Error: POST {}/down: 500 Internal Server Error",
                server.url()
            )
        );
        // (A connection that sends no request line, such as a pooled connection closed by the
        // client, is recorded with an empty path: not a request.)
        let paths: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.path.clone())
            .filter(|p| !p.is_empty())
            .collect();
        assert_eq!(paths, ["/flaky", "/flaky", "/missing", "/down"]);
    }

    #[test]
    fn secret_uri_and_credentials_stay_hidden() {
        let server = HttpServer::start(|_| Response::new(401, "text/plain", "who?"));
        let root = temp_project("http-secret");
        let uri = format!("{}/private", server.url());
        let (c, _) = ctx(
            "http",
            r#"{"_command": "ignored"}"#,
            &[
                ("http.uri", &uri),
                ("http.user", "alice"),
                ("http.password", "pw"),
            ],
            &root,
        );
        let e = http(&c).unwrap_err();
        assert_eq!(
            e.message,
            "HTTP 4XX Client Error: GET http://***: 401 Unauthorized"
        );
        let reqs = server.requests();
        assert_eq!(reqs[0].path, "/private");
        assert_eq!(reqs[0].header("authorization"), Some("Basic YWxpY2U6cHc="));
        let (c, _) = ctx(
            "http",
            &format!(r#"{{"_command": "{uri}"}}"#),
            &[("http.authorization", "Bearer t0k3n")],
            &root,
        );
        let _ = http(&c);
        assert_eq!(
            server.requests()[1].header("authorization"),
            Some("Bearer t0k3n")
        );
    }

    #[test]
    fn redirects_are_followed_unless_disabled() {
        let server = HttpServer::start(|r| {
            if r.path == "/old" {
                Response::new(302, "text/plain", "").with_header("Location", "/new")
            } else {
                Response::new(200, "text/plain", "new")
            }
        });
        let root = temp_project("http-redirect");
        let run = |follow: bool| {
            let (c, _) = ctx(
                "http",
                &format!(
                    r#"{{"_command": "{}/old", "follow_redirects": {follow}, "store_content": true}}"#,
                    server.url()
                ),
                &[],
                &root,
            );
            store_json(&http(&c).unwrap())
        };
        assert_eq!(
            run(true),
            r#"{"http":{"last_status":200,"last_content":"new"}}"#
        );
        assert_eq!(
            run(false),
            r#"{"http":{"last_status":302,"last_content":""}}"#
        );
    }

    #[test]
    fn timeout_fails_the_request() {
        let server = HttpServer::start(|_| {
            std::thread::sleep(Duration::from_millis(2500));
            Response::new(200, "text/plain", "late")
        });
        let root = temp_project("http-timeout");
        let (c, _) = ctx(
            "http",
            &format!(
                r#"{{"_command": "{}/slow", "timeout": 1, "retry": false}}"#,
                server.url()
            ),
            &[],
            &root,
        );
        let e = http(&c).unwrap_err();
        assert!(
            e.message
                .starts_with(&format!("GET {}/slow: ", server.url())),
            "{}",
            e.message
        );
        assert!(e.message.contains("timeout"), "{}", e.message);
    }

    #[test]
    fn http_call_turns_json_and_yaml_bodies_into_subtasks() {
        let server = HttpServer::start(|r| match r.path.as_str() {
            "/json" => Response::json(200, r#"{"+a": {"echo>": "from json"}, "timezone": "UTC"}"#),
            "/yaml" => Response::new(
                200,
                "application/x-yaml; charset=utf-8",
                "+b:\n  echo>: from yaml\n+c:\n  sh>: echo ${x}\n",
            ),
            "/text" => Response::new(200, "text/plain", "+a: {}"),
            "/array" => Response::json(200, "[1]"),
            _ => Response::new(200, "application/x-yaml", "+a: [unclosed\n"),
        });
        let root = temp_project("http-call");
        let run = |path: &str| {
            let (c, _) = ctx(
                "http_call",
                &format!(r#"{{"_command": "{}{path}"}}"#, server.url()),
                &[],
                &root,
            );
            http_call(&c)
        };
        let sub = |r: TaskResult| r.subtask.unwrap().to_json();
        assert_eq!(
            sub(run("/json").unwrap()),
            r#"{"+a":{"echo>":"from json"}}"#
        );
        assert_eq!(
            sub(run("/yaml").unwrap()),
            r#"{"+b":{"echo>":"from yaml"},"+c":{"sh>":"echo ${x}"}}"#
        );
        assert_eq!(
            run("/text").unwrap_err().message,
            "Unsupported Content-Type (expected application/json or application/x-yaml): text/plain"
        );
        assert!(run("/array")
            .unwrap_err()
            .message
            .starts_with("Failed to parse response as JSON"));
        let e = run("/broken").unwrap_err();
        assert!(e.message.starts_with("http_call.dig:"), "{}", e.message);
    }

    #[test]
    fn http_call_refuses_large_responses() {
        let server = HttpServer::start(|_| {
            Response::json(
                200,
                &format!(r#"{{"+a": {{"echo>": "{}"}}}}"#, "x".repeat(70_000)),
            )
        });
        let root = temp_project("http-call-large");
        let (c, _) = ctx(
            "http_call",
            &format!(r#"{{"_command": "{}/big"}}"#, server.url()),
            &[],
            &root,
        );
        assert_eq!(
            http_call(&c).unwrap_err().message,
            "Response content too large: 70021 > 65536"
        );
    }
}
