//! The Treasure Data operators (semantics §2.4) over TD's REST API, as digdag's
//! `td/*OperatorFactory` classes drive it through td-client-java: `td>`, `td_run>`,
//! `td_ddl>`, `td_load>`, `td_for_each>`, `td_wait>`, `td_wait_table>`, `td_table_export>`,
//! `td_result_export>` and `td_partial_delete>`.
//!
//! Connection: `endpoint` (secret `td.endpoint`, default `api.treasuredata.com`), `use_ssl`
//! (secret `td.use_ssl`, default true), the API key from the secret `td.apikey` (else the
//! environment variable `TD_API_KEY`), `database` (secret `td.database`). Parameters are
//! read directly or from `td:` defaults.
//!
//! A job is submitted with a random domain key (a `409 Conflict` names the job that key
//! already started), then its status is polled, first at once and then after 1 s doubling
//! to 30 s, as digdag polls. API calls that fail with a network error, `408`, `429` or `5xx`
//! are retried three times (0.5 s to 2 s apart); other `4xx` answers fail the task. Job
//! operators store `td.last_job_id`, `td.last_job.id` and `td.last_job.num_records`.
//! Results are read with `format=json` (one JSON array per line).

use super::conf::{
    bool_or, duration_or, form_body, map_strings, missing, opt_int, opt_str, project_file, req_str,
    template_command, template_file,
};
use super::{OperatorContext, OperatorError, TaskResult};
use crate::load::json::parse_json;
use crate::load::{Entry, Object, Value, ValueKind};
use crate::plan::expand::parse_nested;
use crate::run::params::{int, runtime_span, set, string};
use std::io::BufRead;
use std::time::Duration;

/// Default API endpoint (digdag's `config.td.default_endpoint`).
const DEFAULT_ENDPOINT: &str = "api.treasuredata.com";
/// Retries of a failed API call (td-client's `defaultRetryExecutor`).
const API_RETRIES: u32 = 3;
/// Consecutive failed status checks before a job wait gives up.
const MAX_POLL_ERRORS: u32 = 7;
/// Rows a `td_for_each>` may expand to (digdag's `Limits.maxWorkflowTasks`).
const MAX_FOR_EACH_ROWS: usize = 1000;
/// Rows logged by `preview: true`.
const PREVIEW_ROWS: usize = 20;

/// `key` directly, else from the `td:` defaults.
fn p<'a>(ctx: &'a OperatorContext, key: &str) -> Option<&'a Value> {
    ctx.config.get(key).or_else(|| {
        ctx.config
            .get("td")
            .and_then(Value::as_object)
            .and_then(|o| o.get(key))
    })
}

fn obj(o: Object) -> Value {
    Value::new(ValueKind::Object(o), runtime_span())
}

/// Sends every line of `text` to the task log.
fn log_lines(ctx: &OperatorContext, text: &str) {
    for line in text.lines() {
        (ctx.log)(line);
    }
}

// ---------------------------------------------------------------------------------------
// The REST client

/// A failed API call.
#[derive(Debug)]
struct ApiError {
    /// The HTTP status, when there was a response.
    status: Option<u16>,
    message: String,
    /// The response body.
    body: String,
}

impl ApiError {
    /// A client error that retrying cannot fix (4xx other than 408 and 429).
    fn deterministic(&self) -> bool {
        matches!(self.status, Some(s) if (400..500).contains(&s) && s != 408 && s != 429)
    }
}

impl From<ApiError> for OperatorError {
    fn from(e: ApiError) -> OperatorError {
        if matches!(e.status, Some(401 | 403)) {
            OperatorError::runtime(format!("{} (check the td.apikey secret)", e.message))
        } else {
            OperatorError::runtime(e.message)
        }
    }
}

/// Percent-encodes one path segment (Guava's `urlPathSegmentEscaper`).
fn seg(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~!$'()*,;&=@:+".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Client {
    agent: ureq::Agent,
    base: String,
    apikey: String,
}

/// A request body.
enum Body {
    None,
    Form(Vec<(String, String)>),
    /// Parameters go to the query string; the JSON is the body.
    Json(Vec<(String, String)>, String),
}

impl Client {
    fn from_ctx(ctx: &OperatorContext) -> Result<Client, OperatorError> {
        let use_ssl = match ctx.secrets.get("td.use_ssl") {
            Some(s) => s.trim().eq_ignore_ascii_case("true"),
            None => bool_or(p(ctx, "use_ssl"), "use_ssl", true)?,
        };
        let endpoint = match ctx.secrets.get("td.endpoint") {
            Some(e) => e.trim().to_string(),
            None => opt_str(p(ctx, "endpoint"), "endpoint")?
                .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string()),
        };
        let endpoint = endpoint.trim_end_matches('/');
        let base = if endpoint.contains("://") {
            endpoint.to_string()
        } else {
            format!("{}://{endpoint}", if use_ssl { "https" } else { "http" })
        };
        let apikey = match ctx.secrets.get("td.apikey") {
            Some(k) => k.trim().to_string(),
            None => match std::env::var("TD_API_KEY") {
                Ok(k) => k.trim().to_string(),
                Err(_) => {
                    return Err(OperatorError::config(
                        "The 'td.apikey' secret is missing (set the secret td.apikey, or the TD_API_KEY environment variable)",
                    ))
                }
            },
        };
        if apikey.is_empty() {
            return Err(OperatorError::config("The 'td.apikey' secret is empty"));
        }
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(120)))
            .user_agent(format!("wf/{}", env!("CARGO_PKG_VERSION")));
        if let Some(proxy) = p(ctx, "proxy").and_then(Value::as_object) {
            if bool_or(proxy.get("enabled"), "enabled", false)? {
                let host = req_str(proxy.get("host"), "host")?;
                let port = opt_int(proxy.get("port"), "port")?.ok_or_else(|| missing("port"))?;
                let tls = bool_or(proxy.get("use_ssl"), "use_ssl", false)?;
                let user = opt_str(proxy.get("user"), "user")?;
                let password = opt_str(proxy.get("password"), "password")?;
                let auth = match (user, password) {
                    (Some(u), Some(pw)) => format!("{u}:{pw}@"),
                    (Some(u), None) => format!("{u}@"),
                    _ => String::new(),
                };
                let url = format!(
                    "{}://{auth}{host}:{port}",
                    if tls { "https" } else { "http" }
                );
                let proxy = ureq::Proxy::new(&url).map_err(|e| {
                    OperatorError::config(format!("Invalid td proxy configuration: {e}"))
                })?;
                config = config.proxy(Some(proxy));
            }
        }
        Ok(Client {
            agent: config.build().into(),
            base,
            apikey,
        })
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        body: Body,
    ) -> Result<ureq::http::Response<ureq::Body>, ApiError> {
        let mut uri = format!("{}{path}", self.base);
        let net = |e: &dyn std::fmt::Display| ApiError {
            status: None,
            message: format!("TD API request failed: {method} {path}: {e}"),
            body: String::new(),
        };
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .header("Authorization", format!("TD1 {}", self.apikey))
            .header("Accept", "application/json");
        let result = match body {
            Body::None => self
                .agent
                .run(builder.uri(uri.as_str()).body(()).map_err(|e| net(&e))?),
            Body::Form(params) => {
                builder = builder.header("Content-Type", "application/x-www-form-urlencoded");
                self.agent.run(
                    builder
                        .uri(uri.as_str())
                        .body(form_body(&params))
                        .map_err(|e| net(&e))?,
                )
            }
            Body::Json(params, json) => {
                if !params.is_empty() {
                    uri.push(if uri.contains('?') { '&' } else { '?' });
                    uri.push_str(&form_body(&params));
                }
                builder = builder.header("Content-Type", "application/json");
                self.agent
                    .run(builder.uri(uri.as_str()).body(json).map_err(|e| net(&e))?)
            }
        };
        let response = result.map_err(|e| net(&e))?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(response);
        }
        let mut response = response;
        let body = response
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_string()
            .unwrap_or_default();
        let reason = ureq::http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let shown: String = body.trim().chars().take(300).collect();
        Err(ApiError {
            status: Some(status),
            message: format!(
                "TD API request failed: {method} {path}: {status} {reason}{}",
                if shown.is_empty() {
                    String::new()
                } else {
                    format!(": {shown}")
                }
            ),
            body,
        })
    }

    /// One call; the response body as text.
    fn call(&self, method: &str, path: &str, body: Body) -> Result<String, ApiError> {
        let mut response = self.send(method, path, body)?;
        response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .map_err(|e| ApiError {
                status: None,
                message: format!("TD API request failed: {method} {path}: {e}"),
                body: String::new(),
            })
    }

    /// [`Client::call`] retried on ephemeral failures.
    fn call_retry(
        &self,
        ctx: &OperatorContext,
        method: &str,
        path: &str,
        body: &dyn Fn() -> Body,
    ) -> Result<String, ApiError> {
        let mut attempt = 0;
        loop {
            match self.call(method, path, body()) {
                Ok(t) => return Ok(t),
                Err(e) if e.deterministic() || attempt >= API_RETRIES => return Err(e),
                Err(e) => {
                    let wait = Duration::from_millis((500u64 << attempt).min(2000));
                    (ctx.log)(&format!(
                        "{}: retrying in {} ms",
                        e.message,
                        wait.as_millis()
                    ));
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }

    fn get_json(&self, ctx: &OperatorContext, path: &str) -> Result<Value, ApiError> {
        let text = self.call_retry(ctx, "GET", path, &|| Body::None)?;
        parse_response(path, &text)
    }

    /// A POST whose `404` / `409` answer means "already done".
    fn post_ignoring(
        &self,
        ctx: &OperatorContext,
        path: &str,
        params: Vec<(String, String)>,
        ignore: u16,
    ) -> Result<bool, OperatorError> {
        match self.call_retry(ctx, "POST", path, &|| Body::Form(params.clone())) {
            Ok(_) => Ok(true),
            Err(e) if e.status == Some(ignore) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

fn parse_response(path: &str, text: &str) -> Result<Value, ApiError> {
    parse_json(text, runtime_span()).map_err(|e| ApiError {
        status: None,
        message: format!("TD API {path}: unexpected response ({e}): {text}"),
        body: text.to_string(),
    })
}

/// A job id from a submit answer: `job_id` (a string or a number).
fn job_id_of(v: &Value, key: &str) -> Option<String> {
    v.as_object()?.get(key)?.scalar_text()
}

// ---------------------------------------------------------------------------------------
// Parameters

/// `database` (secret `td.database` first); required and non-empty.
fn database(ctx: &OperatorContext) -> Result<String, OperatorError> {
    let db = match ctx.secrets.get("td.database") {
        Some(d) => d.to_string(),
        None => req_str(p(ctx, "database"), "database")?,
    };
    let db = db.trim().to_string();
    if db.is_empty() {
        return Err(OperatorError::config("Parameter 'database' is empty"));
    }
    Ok(db)
}

/// digdag's `TableParam`: `table` or `database.table`.
#[derive(Clone, Debug, PartialEq)]
struct TableParam {
    database: Option<String>,
    table: String,
}

impl TableParam {
    fn parse(s: &str) -> TableParam {
        match s.split_once('.') {
            Some((d, t)) => TableParam {
                database: Some(d.to_string()),
                table: t.to_string(),
            },
            None => TableParam {
                database: None,
                table: s.to_string(),
            },
        }
    }

    fn db_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.database.as_deref().unwrap_or(default)
    }

    fn presto(&self) -> String {
        match &self.database {
            Some(d) => format!("\"{d}\".\"{}\"", self.table),
            None => format!("\"{}\"", self.table),
        }
    }

    fn hive(&self) -> String {
        match &self.database {
            Some(d) => format!("`{d}`.`{}`", self.table),
            None => format!("`{}`", self.table),
        }
    }
}

impl std::fmt::Display for TableParam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.database {
            Some(d) => write!(f, "{d}.{}", self.table),
            None => f.write_str(&self.table),
        }
    }
}

fn opt_table(ctx: &OperatorContext, key: &str) -> Result<Option<TableParam>, OperatorError> {
    Ok(opt_str(p(ctx, key), key)?.map(|s| TableParam::parse(&s)))
}

/// digdag's `parseListOrGetEmpty`: an array, or a JSON string of one.
fn str_list_param(ctx: &OperatorContext, key: &str) -> Result<Vec<String>, OperatorError> {
    let Some(v) = p(ctx, key).filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let parsed;
    let items = match &v.kind {
        ValueKind::Array(items) => items,
        ValueKind::String(s) => {
            parsed = parse_json(s, v.span).ok();
            match parsed.as_ref().and_then(Value::as_array) {
                Some(items) => items,
                None => {
                    return Err(OperatorError::config(format!(
                        "Expected array for key '{key}' but got {} ({})",
                        v.to_json(),
                        v.type_word()
                    )))
                }
            }
        }
        _ => {
            return Err(OperatorError::config(format!(
                "Expected array for key '{key}' but got {} ({})",
                v.to_json(),
                v.type_word()
            )))
        }
    };
    items
        .iter()
        .map(|i| {
            i.scalar_text().ok_or_else(|| {
                OperatorError::config(format!(
                    "Expected string for an element of '{key}' but got {}",
                    i.to_json()
                ))
            })
        })
        .collect()
}

/// `engine` (`presto` or `hive`).
fn engine(ctx: &OperatorContext) -> Result<String, OperatorError> {
    let engine = opt_str(p(ctx, "engine"), "engine")?.unwrap_or_else(|| "presto".into());
    if engine != "presto" && engine != "hive" {
        return Err(OperatorError::config(format!(
            "Unknown 'engine:' option (available options are: hive and presto): {engine}"
        )));
    }
    Ok(engine)
}

/// The session time in epoch seconds (`session_unixtime`).
fn session_unixtime(ctx: &OperatorContext) -> i64 {
    ctx.config
        .get("session_unixtime")
        .and_then(crate::plan::expand::as_long)
        .unwrap_or_else(|| jiff::Timestamp::now().as_second())
}

/// Query options shared by `td>`, `td_for_each>` and `td_wait>`.
struct QueryOptions {
    engine: String,
    priority: i64,
    job_retry: i64,
    pool_name: Option<String>,
    engine_version: Option<String>,
}

impl QueryOptions {
    fn read(ctx: &OperatorContext) -> Result<QueryOptions, OperatorError> {
        let engine = engine(ctx)?;
        let pool_key = format!("{engine}_pool_name");
        let pool_name = opt_str(p(ctx, &pool_key), &pool_key)?;
        let engine_version = match opt_str(p(ctx, "hive_engine_version"), "hive_engine_version")? {
            Some(v) if engine == "hive" => Some(v),
            _ => opt_str(p(ctx, "engine_version"), "engine_version")?,
        };
        Ok(QueryOptions {
            priority: opt_int(p(ctx, "priority"), "priority")?.unwrap_or(0),
            job_retry: opt_int(p(ctx, "job_retry"), "job_retry")?.unwrap_or(0),
            pool_name,
            engine_version,
            engine,
        })
    }

    /// The `/v3/job/issue` parameters for `query`.
    fn issue_params(&self, ctx: &OperatorContext, query: &str) -> Vec<(String, String)> {
        let mut params = vec![
            ("query".to_string(), query.to_string()),
            ("priority".to_string(), self.priority.to_string()),
            ("retry_limit".to_string(), self.job_retry.to_string()),
        ];
        if let Some(pool) = &self.pool_name {
            params.push(("pool_name".into(), pool.clone()));
        }
        params.push(("scheduled_time".into(), session_unixtime(ctx).to_string()));
        if let Some(v) = &self.engine_version {
            params.push(("engine_version".into(), v.clone()));
        }
        params
    }
}

// ---------------------------------------------------------------------------------------
// Jobs

/// Submits a job with a fresh domain key (a `409` naming the job that key started is that
/// job) and returns its id. `id_key` names the id field of the answer.
/// The body `{"scheduled_time": T, "domain_key": K}` of TD's calls that start a saved query
/// or a bulk load session.
fn scheduled_json(scheduled_time: String) -> impl Fn(&str) -> Body {
    move |dk| {
        let mut o = Object::default();
        set(&mut o, "scheduled_time", string(scheduled_time.clone()));
        set(&mut o, "domain_key", string(dk));
        Body::Json(Vec::new(), obj(o).to_json())
    }
}

fn submit(
    ctx: &OperatorContext,
    c: &Client,
    path: &str,
    body: &dyn Fn(&str) -> Body,
    id_of: &dyn Fn(&Value) -> Option<String>,
) -> Result<String, OperatorError> {
    let domain_key = crate::run::new_uuid();
    let text = match c.call_retry(ctx, "POST", path, &|| body(&domain_key)) {
        Ok(t) => t,
        Err(e) if e.status == Some(409) => {
            let conflict = parse_json(&e.body, runtime_span()).ok().and_then(|v| {
                v.as_object()?
                    .get("details")?
                    .as_object()?
                    .get("conflicts_with")?
                    .scalar_text()
            });
            match conflict {
                Some(id) => return Ok(id),
                None => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    let v = parse_response(path, &text)?;
    id_of(&v).ok_or_else(|| {
        OperatorError::runtime(format!("TD API {path}: no job id in the response: {text}"))
    })
}

/// Waits until job `id` finishes; a job that did not succeed fails the task with its
/// output (`cmdout` and `stderr`, as digdag reports it).
fn wait_job(ctx: &OperatorContext, c: &Client, id: &str) -> Result<(), OperatorError> {
    let path = format!("/v3/job/status/{}", seg(id));
    let mut polls: u32 = 0;
    let mut errors: u32 = 0;
    let mut last_status = String::new();
    loop {
        match c.call("GET", &path, Body::None) {
            Ok(text) => {
                errors = 0;
                let v = parse_response(&path, &text)?;
                let status = v
                    .as_object()
                    .and_then(|o| o.get("status"))
                    .and_then(Value::scalar_text)
                    .unwrap_or_default();
                match status.as_str() {
                    "success" => return Ok(()),
                    "error" | "killed" => {
                        let show = c.get_json(ctx, &format!("/v3/job/show/{}", seg(id)))?;
                        let debug = show.as_object().and_then(|o| o.get("debug"));
                        let field = |k: &str| {
                            debug
                                .and_then(Value::as_object)
                                .and_then(|d| d.get(k))
                                .and_then(Value::scalar_text)
                                .unwrap_or_else(|| "null".into())
                        };
                        let output = format!("{}\n{}", field("cmdout"), field("stderr"));
                        return Err(OperatorError::runtime(format!(
                            "TD job {id} failed with status {status}: {}",
                            output.trim()
                        )));
                    }
                    _ => {
                        if status != last_status {
                            (ctx.log)(&format!("job {id}: {status}"));
                            last_status = status;
                        }
                        let wait = 1u64 << polls.min(5);
                        std::thread::sleep(Duration::from_secs(wait.min(30)));
                        polls += 1;
                    }
                }
            }
            Err(e) if e.deterministic() => return Err(e.into()),
            Err(e) if errors >= MAX_POLL_ERRORS => return Err(e.into()),
            Err(e) => {
                let wait = (1u64 << errors.min(5)).min(30);
                (ctx.log)(&format!(
                    "failed to check job status: jobId={id}: {}: retrying in {wait} seconds",
                    e.message
                ));
                std::thread::sleep(Duration::from_secs(wait));
                errors += 1;
            }
        }
    }
}

/// Starts a job with `start`, waits for it, and returns its id.
fn run_job(
    ctx: &OperatorContext,
    c: &Client,
    start: &dyn Fn() -> Result<String, OperatorError>,
) -> Result<String, OperatorError> {
    let id = start()?;
    wait_job(ctx, c, &id)?;
    Ok(id)
}

/// `td.last_job_id`, `td.last_job.id` and `td.last_job.num_records` added to `result`.
fn with_job_stores(
    ctx: &OperatorContext,
    c: &Client,
    id: &str,
    mut result: TaskResult,
) -> TaskResult {
    let num_records = c
        .get_json(ctx, &format!("/v3/job/show/{}", seg(id)))
        .ok()
        .and_then(|v| {
            v.as_object()?
                .get("num_records")
                .and_then(crate::plan::expand::as_long)
        })
        .unwrap_or(0);
    let mut td = result
        .store
        .get("td")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    set(&mut td, "last_job_id", string(id));
    let mut last_job = Object::default();
    set(&mut last_job, "id", string(id));
    set(&mut last_job, "num_records", int(num_records));
    set(&mut td, "last_job", obj(last_job));
    set(&mut result.store, "td", obj(td));
    result
}

/// The result column names of job `id` (`hive_result_schema`: `[[name, type], ...]`, as a
/// JSON string or an array).
fn column_names(ctx: &OperatorContext, c: &Client, id: &str) -> Result<Vec<String>, OperatorError> {
    let show = c.get_json(ctx, &format!("/v3/job/show/{}", seg(id)))?;
    let schema = show.as_object().and_then(|o| o.get("hive_result_schema"));
    let parsed;
    let schema = match schema.map(|s| &s.kind) {
        None | Some(ValueKind::Null) => return Ok(Vec::new()),
        Some(ValueKind::String(s)) => {
            parsed = parse_json(s, runtime_span()).map_err(|e| {
                OperatorError::runtime(format!("Unexpected hive_result_schema: {s}: {e}"))
            })?;
            &parsed
        }
        Some(_) => schema.unwrap_or(&show),
    };
    let pairs = schema.as_array().ok_or_else(|| {
        OperatorError::runtime(format!(
            "Unexpected hive_result_schema: {}",
            schema.to_json()
        ))
    })?;
    Ok(pairs
        .iter()
        .filter_map(|pair| pair.as_array()?.first()?.scalar_text())
        .collect())
}

/// Reads the result rows of job `id` (`format=json`), calling `row` for each until it
/// returns false. Returns false when the job has no result (`404`: INSERT and CREATE
/// queries).
fn read_results(
    c: &Client,
    id: &str,
    row: &mut dyn FnMut(Vec<Value>) -> Result<bool, OperatorError>,
) -> Result<bool, OperatorError> {
    let path = format!("/v3/job/result/{}?format=json", seg(id));
    let response = match c.send("GET", &path, Body::None) {
        Ok(r) => r,
        Err(e) if e.status == Some(404) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    let reader = std::io::BufReader::new(response.into_body().into_reader());
    for line in reader.lines() {
        let line = line.map_err(|e| {
            OperatorError::runtime(format!("Failed to download result of job '{id}': {e}"))
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let v = parse_json(&line, runtime_span()).map_err(|e| {
            OperatorError::runtime(format!(
                "Failed to download result of job '{id}': unexpected row {line}: {e}"
            ))
        })?;
        let ValueKind::Array(values) = v.kind else {
            return Err(OperatorError::runtime(format!(
                "Failed to download result of job '{id}': unexpected row {line}"
            )));
        };
        if !row(values)? {
            break;
        }
    }
    Ok(true)
}

/// Up to `max` first result rows (empty when the job has no result).
fn first_rows(c: &Client, id: &str, max: usize) -> Result<Vec<Vec<Value>>, OperatorError> {
    let mut rows = Vec::new();
    if max == 0 {
        return Ok(rows);
    }
    read_results(c, id, &mut |r| {
        rows.push(r);
        Ok(rows.len() < max)
    })?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------------
// CSV (download_file, preview), as digdag writes it

fn csv_text(v: &str) -> String {
    if v.is_empty() {
        return "\"\"".to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut quote = false;
    let mut prev = ' ';
    for c in v.chars() {
        match c {
            '"' => {
                out.push_str("\"\"");
                quote = true;
            }
            '\r' => {
                out.push('\n');
                quote = true;
            }
            '\n' => {
                if prev != '\r' {
                    out.push('\n');
                    quote = true;
                }
            }
            ',' => {
                out.push(c);
                quote = true;
            }
            _ => out.push(c),
        }
        prev = c;
    }
    if quote {
        format!("\"{out}\"")
    } else {
        out
    }
}

fn csv_value(v: &Value) -> String {
    match &v.kind {
        ValueKind::String(s) => csv_text(s),
        ValueKind::Null => String::new(),
        _ => csv_text(&v.to_json()),
    }
}

fn csv_line(cells: impl Iterator<Item = String>) -> String {
    let mut line = cells.collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// `download_file`: the result as CSV with a header line, in the working directory.
fn download(ctx: &OperatorContext, c: &Client, id: &str, file: &str) -> Result<(), OperatorError> {
    use std::io::Write;
    let path = project_file(ctx, file)?;
    let columns = column_names(ctx, c, id)?;
    let io = |e: std::io::Error| OperatorError::runtime(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io)?);
    out.write_all(csv_line(columns.iter().map(|c| csv_text(c))).as_bytes())
        .map_err(io)?;
    let mut write_error = None;
    read_results(c, id, &mut |row| {
        if let Err(e) = out.write_all(csv_line(row.iter().map(csv_value)).as_bytes()) {
            write_error = Some(e);
            return Ok(false);
        }
        Ok(true)
    })?;
    if let Some(e) = write_error {
        return Err(io(e));
    }
    out.flush().map_err(io)
}

/// `preview: true`: logs the first rows as CSV (failures only logged, as in digdag).
fn preview(ctx: &OperatorContext, c: &Client, id: &str, description: &str) {
    let result = (|| -> Result<(), OperatorError> {
        let columns = column_names(ctx, c, id)?;
        let rows = first_rows(c, id, PREVIEW_ROWS)?;
        if rows.is_empty() {
            (ctx.log)(&format!("preview of {description}: (no results)"));
            return Ok(());
        }
        (ctx.log)(&format!("preview of {description}:"));
        log_lines(ctx, &csv_line(columns.iter().map(|c| csv_text(c))));
        for r in &rows {
            log_lines(ctx, &csv_line(r.iter().map(csv_value)));
        }
        Ok(())
    })();
    if let Err(e) = result {
        (ctx.log)(&format!(
            "Getting rows for preview failed. Ignoring this error: {}",
            e.message
        ));
    }
}

/// `td.last_results`: the first row as `{column: value}`.
fn last_results(ctx: &OperatorContext, c: &Client, id: &str) -> Result<Object, OperatorError> {
    let rows = first_rows(c, id, 1)?;
    let mut map = Object::default();
    if let Some(row) = rows.first() {
        let columns = column_names(ctx, c, id)?;
        for (k, v) in columns.iter().zip(row) {
            set(&mut map, k, v.clone());
        }
    }
    Ok(map)
}

/// download_file, preview and store_last_results of `td>` and `td_run>`.
fn process_query_result(
    ctx: &OperatorContext,
    c: &Client,
    id: &str,
    download_file: Option<&str>,
    preview_job: Option<(&str, String)>,
    store_last_results: bool,
) -> Result<TaskResult, OperatorError> {
    if let Some(file) = download_file {
        download(ctx, c, id, file)?;
    }
    if let Some((preview_id, description)) = preview_job {
        preview(ctx, c, preview_id, &description);
    }
    let mut result = TaskResult::default();
    if store_last_results {
        let mut td = Object::default();
        set(&mut td, "last_results", obj(last_results(ctx, c, id)?));
        set(&mut result.store, "td", obj(td));
        result.reset_store.push("td.last_results".into());
    }
    Ok(result)
}

// ---------------------------------------------------------------------------------------
// td>

/// digdag's `insertCommandStatement`: `command` replaces a `-- DIGDAG_INSERT_LINE` line,
/// else follows the leading comment block (when one line at most comes after it), else
/// goes first.
fn insert_command_statement(command: &str, original: &str) -> String {
    // `(\A|\r?\n)--\s*DIGDAG_INSERT_LINE` up to the end of the line.
    let starts = std::iter::once(0).chain(original.match_indices('\n').map(|(i, _)| i + 1));
    for start in starts {
        let rest = &original[start..];
        let Some(after) = rest.strip_prefix("--") else {
            continue;
        };
        let after = after.trim_start_matches([' ', '\t', '\n', '\u{b}', '\u{c}', '\r']);
        if let Some(tail) = after.strip_prefix("DIGDAG_INSERT_LINE") {
            let line_rest = tail
                .find(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
                .unwrap_or(tail.len());
            let end = original.len() - tail.len() + line_rest;
            return format!("{}{command}{}", &original[..start], &original[end..]);
        }
    }
    // `\A([\r\n\t]*(?:(?:\A|\n)--[^\n]*)+)\n?(.*)\z` (`.` matches no line terminator).
    let lead = original
        .find(|c| !matches!(c, '\r' | '\n' | '\t'))
        .unwrap_or(original.len());
    if original[lead..].starts_with("--") && (lead == 0 || original.as_bytes()[lead - 1] == b'\n') {
        let mut end = lead;
        loop {
            let line_end = original[end..]
                .find('\n')
                .map_or(original.len(), |i| end + i);
            end = line_end;
            if original[end..].starts_with("\n--") {
                end += 1;
                continue;
            }
            break;
        }
        let head = &original[..end];
        let rest = original[end..]
            .strip_prefix('\n')
            .unwrap_or(&original[end..]);
        if !rest.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) {
            return format!("{head}\n{command}\n{rest}");
        }
    }
    format!("{command}\n{original}")
}

/// digdag's `wrapStmtWithComment` (the workflow is the first part of the task name).
fn wrap_with_comment(ctx: &OperatorContext, stmt: &str) -> String {
    let text = |k: &str| {
        ctx.config
            .get(k)
            .and_then(Value::scalar_text)
            .unwrap_or_default()
    };
    let workflow = ctx
        .task_name
        .trim_start_matches('+')
        .split(['+', '^'])
        .next()
        .unwrap_or("")
        .to_string();
    // `digdag run` stores the project as "default".
    format!(
        "-- project_id: {}\n-- project_name: default\n-- workflow_name: {workflow}\n-- session_id: {}\n-- attempt_id: {}\n-- task_name: {}\n{stmt}",
        text("project_id"),
        text("session_id"),
        text("attempt_id"),
        ctx.task_name
    )
}

fn ensure_table_created(
    ctx: &OperatorContext,
    c: &Client,
    database: &str,
    table: &str,
) -> Result<(), OperatorError> {
    validate_name(table, "Table")?;
    c.post_ignoring(
        ctx,
        &format!("/v3/table/create/{}/{}/log", seg(database), seg(table)),
        Vec::new(),
        409,
    )?;
    Ok(())
}

/// td-client's name check for tables and databases.
fn validate_name(name: &str, what: &str) -> Result<(), OperatorError> {
    let len = name.chars().count();
    if !(3..=256).contains(&len) {
        return Err(OperatorError::config(format!(
            "{what} name must be 3 to 256 characters but got {len} characters: {name}"
        )));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(OperatorError::config(format!(
            "{what} name must follow this pattern ^([a-z0-9_]+)$: {name}"
        )));
    }
    Ok(())
}

/// Issues a query job of `opts.engine` on `database`.
fn issue_query(
    ctx: &OperatorContext,
    c: &Client,
    database: &str,
    opts: &QueryOptions,
    extra: Vec<(String, String)>,
    query: &str,
) -> Result<String, OperatorError> {
    let mut params = opts.issue_params(ctx, query);
    params.extend(extra);
    let path = format!("/v3/job/issue/{}/{}", seg(&opts.engine), seg(database));
    let id = submit(
        ctx,
        c,
        &path,
        &|dk| {
            let mut all = params.clone();
            all.push(("domain_key".into(), dk.to_string()));
            Body::Form(all)
        },
        &|v| job_id_of(v, "job_id"),
    )?;
    (ctx.log)(&format!("Started {} job id={id}:", opts.engine));
    log_lines(ctx, query);
    Ok(id)
}

pub(super) fn td(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let query = template_command(ctx, "query", p(ctx, "query"))?;
    let insert_into = opt_table(ctx, "insert_into")?;
    let create_table = opt_table(ctx, "create_table")?;
    if insert_into.is_some() && create_table.is_some() {
        return Err(OperatorError::config(
            "Setting both insert_into and create_table is invalid",
        ));
    }
    let opts = QueryOptions::read(ctx)?;
    let download_file = opt_str(p(ctx, "download_file"), "download_file")?;
    if download_file.is_some() && (insert_into.is_some() || create_table.is_some()) {
        return Err(OperatorError::config(
            "download_file is invalid if insert_into or create_table is set",
        ));
    }
    let result_url = opt_str(p(ctx, "result_url"), "result_url")?
        .map(|u| ctx.secrets.substitute(&u).map_err(OperatorError::config))
        .transpose()?;
    let result_connection = opt_str(p(ctx, "result_connection"), "result_connection")?;
    let result_settings = match p(ctx, "result_settings").filter(|v| !v.is_null()) {
        Some(v) => {
            let o = parse_nested(v, "result_settings").map_err(OperatorError::config)?;
            let json = obj(o).to_json();
            Some(
                ctx.secrets
                    .substitute(&json)
                    .map_err(OperatorError::config)?,
            )
        }
        None => None,
    };
    if result_settings.is_some() && result_connection.is_none() {
        return Err(OperatorError::config(
            "result_settings is valid only if result_connection is set",
        ));
    }
    let store_last_results = bool_or(p(ctx, "store_last_results"), "store_last_results", false)?;
    let want_preview = bool_or(p(ctx, "preview"), "preview", false)?;
    let database = database(ctx)?;
    let c = Client::from_ctx(ctx)?;

    let dest = insert_into.as_ref().or(create_table.as_ref());
    if let Some(t) = dest {
        if insert_into.is_some() || opts.engine == "hive" {
            ensure_table_created(ctx, &c, t.db_or(&database), &t.table)?;
        }
    }
    let stmt = match (&insert_into, &create_table, opts.engine.as_str()) {
        (Some(t), _, "presto") => {
            insert_command_statement(&format!("INSERT INTO {}", t.presto()), &query)
        }
        (_, Some(t), "presto") => {
            let name = t.presto();
            insert_command_statement(
                &format!("DROP TABLE IF EXISTS {name};\nCREATE TABLE {name} AS"),
                &query,
            )
        }
        (Some(t), _, _) => {
            insert_command_statement(&format!("INSERT INTO TABLE {}", t.hive()), &query)
        }
        (_, Some(t), _) => {
            insert_command_statement(&format!("INSERT OVERWRITE TABLE {}", t.hive()), &query)
        }
        _ => query.clone(),
    };
    let sql = wrap_with_comment(ctx, &stmt);
    let mut extra = Vec::new();
    if let Some(u) = result_url {
        extra.push(("result".to_string(), u));
    }
    if let Some(name) = &result_connection {
        let id = lookup_connection(ctx, &c, name)?;
        extra.push(("result_connection_id".to_string(), id));
    }
    if let Some(s) = result_settings {
        extra.push(("result_connection_settings".to_string(), s));
    }
    let id = run_job(ctx, &c, &|| {
        issue_query(ctx, &c, &database, &opts, extra.clone(), &sql)
    })?;

    let preview_job = if want_preview {
        match dest {
            Some(t) => {
                let preview_opts = QueryOptions {
                    engine: "presto".into(),
                    priority: 0,
                    job_retry: 0,
                    pool_name: None,
                    engine_version: None,
                };
                let q = format!(
                    "-- preview results of job id {id}\nSELECT * FROM {} LIMIT 20",
                    t.presto()
                );
                match run_job(ctx, &c, &|| {
                    issue_query(ctx, &c, &database, &preview_opts, Vec::new(), &q)
                }) {
                    Ok(pid) => Some((pid, format!("table {t}"))),
                    Err(e) => {
                        (ctx.log)(&format!(
                            "Getting rows for preview failed. Ignoring this error: {}",
                            e.message
                        ));
                        None
                    }
                }
            }
            None => Some((id.clone(), format!("job id {id}"))),
        }
    } else {
        None
    };
    let result = process_query_result(
        ctx,
        &c,
        &id,
        download_file.as_deref(),
        preview_job.as_ref().map(|(i, d)| (i.as_str(), d.clone())),
        store_last_results,
    )?;
    Ok(with_job_stores(ctx, &c, &id, result))
}

fn lookup_connection(
    ctx: &OperatorContext,
    c: &Client,
    name: &str,
) -> Result<String, OperatorError> {
    let v = c.get_json(ctx, &format!("/v3/connections/lookup?name={}", seg(name)))?;
    v.as_object()
        .and_then(|o| o.get("id"))
        .and_then(Value::scalar_text)
        .ok_or_else(|| {
            OperatorError::runtime(format!(
                "TD API: no id for connection '{name}': {}",
                v.to_json()
            ))
        })
}

// ---------------------------------------------------------------------------------------
// td_run>

pub(super) fn td_run(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let command = ctx
        .command()
        .filter(|c| !c.is_null())
        .ok_or_else(|| missing("_command"))?
        .clone();
    let download_file = opt_str(p(ctx, "download_file"), "download_file")?;
    let store_last_results = bool_or(p(ctx, "store_last_results"), "store_last_results", false)?;
    let want_preview = bool_or(p(ctx, "preview"), "preview", false)?;
    let c = Client::from_ctx(ctx)?;
    let time = session_unixtime(ctx);
    let start = || -> Result<String, OperatorError> {
        match &command.kind {
            ValueKind::Int(qid) => {
                let scheduled = jiff::Timestamp::from_second(time)
                    .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
                    .unwrap_or_default();
                let path = format!("/v4/queries/{qid}/jobs");
                let id = submit(ctx, &c, &path, &scheduled_json(scheduled.clone()), &|v| {
                    job_id_of(v, "id")
                })?;
                (ctx.log)(&format!(
                    "Started a saved query id={qid} with time={time}, job id={id}"
                ));
                Ok(id)
            }
            ValueKind::String(name) => {
                let path = format!("/v3/schedule/run/{}/{time}", seg(name));
                let id = submit(
                    ctx,
                    &c,
                    &path,
                    &|dk| Body::Form(vec![("domain_key".into(), dk.to_string())]),
                    &|v| {
                        v.as_object()?
                            .get("jobs")?
                            .as_array()?
                            .first()
                            .and_then(|j| job_id_of(j, "job_id"))
                    },
                )?;
                (ctx.log)(&format!(
                    "Started a saved query name={name} with time={time}, job id={id}"
                ));
                Ok(id)
            }
            _ => Err(OperatorError::config(format!(
                "Invalid saved query reference: {}",
                command.to_json()
            ))),
        }
    };
    let id = run_job(ctx, &c, &start)?;
    let result = process_query_result(
        ctx,
        &c,
        &id,
        download_file.as_deref(),
        want_preview.then(|| (id.as_str(), format!("job id {id}"))),
        store_last_results,
    )?;
    Ok(with_job_stores(ctx, &c, &id, result))
}

// ---------------------------------------------------------------------------------------
// td_ddl>

pub(super) fn td_ddl(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let drop_databases = str_list_param(ctx, "drop_databases")?;
    let create_databases = str_list_param(ctx, "create_databases")?;
    let empty_databases = str_list_param(ctx, "empty_databases")?;
    let tables = |k: &str| -> Result<Vec<TableParam>, OperatorError> {
        Ok(str_list_param(ctx, k)?
            .iter()
            .map(|s| TableParam::parse(s))
            .collect())
    };
    let drop_tables = tables("drop_tables")?;
    let create_tables = tables("create_tables")?;
    let empty_tables = tables("empty_tables")?;
    let mut renames = Vec::new();
    if let Some(v) = p(ctx, "rename_tables").filter(|v| !v.is_null()) {
        let items = v.as_array().ok_or_else(|| {
            OperatorError::config(format!(
                "Expected array for key 'rename_tables' but got {} ({})",
                v.to_json(),
                v.type_word()
            ))
        })?;
        for item in items {
            let o = item.as_object().ok_or_else(|| {
                OperatorError::config(format!(
                    "Expected {{from, to}} in rename_tables but got {}",
                    item.to_json()
                ))
            })?;
            let from = TableParam::parse(&req_str(o.get("from"), "from")?);
            let to = req_str(o.get("to"), "to")?;
            if to.contains('.') {
                return Err(OperatorError::config(
                    "'to' option of rename_tables can't include database name",
                ));
            }
            renames.push((from, to));
        }
    }
    let database = database(ctx)?;
    let c = Client::from_ctx(ctx)?;

    for (from, _) in &renames {
        let db = from.db_or(&database);
        if !table_exists(ctx, &c, db, &from.table)? {
            return Err(OperatorError::config(format!(
                "Renaming table {db}.{} doesn't exist",
                from.table
            )));
        }
    }
    for d in drop_databases.iter().chain(&empty_databases) {
        (ctx.log)(&format!("Deleting TD database {d}"));
        validate_name(d, "Database")?;
        c.post_ignoring(
            ctx,
            &format!("/v3/database/delete/{}", seg(d)),
            Vec::new(),
            404,
        )?;
    }
    for d in create_databases.iter().chain(&empty_databases) {
        (ctx.log)(&format!("Creating TD database {d}"));
        validate_name(d, "Database")?;
        c.post_ignoring(
            ctx,
            &format!("/v3/database/create/{}", seg(d)),
            Vec::new(),
            409,
        )?;
    }
    for t in drop_tables.iter().chain(&empty_tables) {
        let db = t.db_or(&database);
        (ctx.log)(&format!("Deleting TD table {db}.{}", t.table));
        c.post_ignoring(
            ctx,
            &format!("/v3/table/delete/{}/{}", seg(db), seg(&t.table)),
            Vec::new(),
            404,
        )?;
    }
    for t in create_tables.iter().chain(&empty_tables) {
        let db = t.db_or(&database);
        (ctx.log)(&format!("Creating TD table {db}.{}", t.table));
        ensure_table_created(ctx, &c, db, &t.table)?;
    }
    for (from, to) in &renames {
        let db = from.db_or(&database);
        (ctx.log)(&format!("Renaming TD table {db}.{} -> {to}", from.table));
        validate_name(to, "Table")?;
        c.post_ignoring(
            ctx,
            &format!(
                "/v3/table/rename/{}/{}/{}",
                seg(db),
                seg(&from.table),
                seg(to)
            ),
            vec![("overwrite".into(), "true".into())],
            404,
        )?;
    }
    Ok(TaskResult::default())
}

fn table_exists(
    ctx: &OperatorContext,
    c: &Client,
    database: &str,
    table: &str,
) -> Result<bool, OperatorError> {
    let path = format!("/v3/table/list/{}", seg(database));
    let v = match c.call_retry(ctx, "GET", &path, &|| Body::None) {
        Ok(text) => parse_response(&path, &text)?,
        Err(e) if e.status == Some(404) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    Ok(v.as_object()
        .and_then(|o| o.get("tables"))
        .and_then(Value::as_array)
        .is_some_and(|ts| {
            ts.iter().any(|t| {
                t.as_object()
                    .and_then(|o| o.get("name"))
                    .and_then(Value::as_str)
                    == Some(table)
            })
        }))
}

// ---------------------------------------------------------------------------------------
// td_for_each>

pub(super) fn td_for_each(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let query = template_command(ctx, "query", p(ctx, "query"))?;
    let opts = QueryOptions::read(ctx)?;
    let do_config = match ctx.config.get("_do") {
        Some(Value {
            kind: ValueKind::Object(o),
            ..
        }) => o.clone(),
        Some(v) if !v.is_null() => {
            return Err(OperatorError::config(format!(
                "Expected object for key '_do' but got {} ({})",
                v.to_json(),
                v.type_word()
            )))
        }
        _ => return Err(missing("_do")),
    };
    let database = database(ctx)?;
    let c = Client::from_ctx(ctx)?;
    let id = run_job(ctx, &c, &|| {
        issue_query(ctx, &c, &database, &opts, Vec::new(), &query)
    })?;
    let columns = column_names(ctx, &c, &id)?;
    let mut rows: Vec<Object> = Vec::new();
    read_results(&c, &id, &mut |values| {
        let mut row = Object::default();
        for (k, v) in columns.iter().zip(values) {
            if !v.is_scalar() {
                return Err(OperatorError::runtime(format!(
                    "Unsupported column type: {}",
                    v.type_word().to_ascii_uppercase()
                )));
            }
            set(&mut row, k, v);
        }
        rows.push(row);
        if rows.len() > MAX_FOR_EACH_ROWS {
            return Err(OperatorError::runtime(format!(
                "Too many tasks. Limit: {MAX_FOR_EACH_ROWS}"
            )));
        }
        Ok(true)
    })?;
    let mut subtasks = Object::default();
    for (i, row) in rows.into_iter().enumerate() {
        let mut task = do_config.clone();
        let mut export = task
            .get("_export")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut td = export
            .get("td")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut each = td
            .get("each")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for e in row.entries {
            set(&mut each, &e.key, e.value);
        }
        set(&mut td, "each", obj(each));
        set(&mut export, "td", obj(td));
        set(&mut task, "_export", obj(export));
        subtasks.entries.push(Entry {
            key: format!("+td-for-each-{i}"),
            key_span: runtime_span(),
            value: obj(task),
        });
    }
    if let Some(par) = ctx.config.get("_parallel") {
        set(&mut subtasks, "_parallel", par.clone());
    }
    let result = TaskResult {
        subtask: Some(obj(subtasks)),
        ..TaskResult::default()
    };
    Ok(with_job_stores(ctx, &c, &id, result))
}

// ---------------------------------------------------------------------------------------
// td_wait>, td_wait_table>

/// `interval` (default 30 s; digdag allows 30 s to 2 days).
fn poll_interval(ctx: &OperatorContext) -> Result<Duration, OperatorError> {
    let d = duration_or(p(ctx, "interval"), "interval", Duration::from_secs(30))?;
    if d < Duration::from_secs(30) || d > Duration::from_secs(2 * 86_400) {
        return Err(OperatorError::config(
            "poll interval must be at least 30s and no greater than 2d",
        ));
    }
    Ok(d)
}

pub(super) fn td_wait(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let interval = poll_interval(ctx)?;
    let query = template_command(ctx, "query", p(ctx, "query"))?;
    let default_rows = if query.trim().is_empty() { 0 } else { 1 };
    let rows = opt_int(p(ctx, "rows"), "rows")?.unwrap_or(default_rows);
    let opts = QueryOptions::read(ctx)?;
    let database = database(ctx)?;
    let c = Client::from_ctx(ctx)?;
    loop {
        let id = run_job(ctx, &c, &|| {
            issue_query(ctx, &c, &database, &opts, Vec::new(), &query)
        })?;
        let need = usize::try_from(rows).unwrap_or(0);
        let mut n = 0usize;
        let found = read_results(&c, &id, &mut |_| {
            n += 1;
            Ok(n < need)
        })?;
        if found && n >= need {
            return Ok(TaskResult::default());
        }
        (ctx.log)(&format!(
            "{n} of {rows} rows: checking again in {}s",
            interval.as_secs()
        ));
        std::thread::sleep(interval);
    }
}

pub(super) fn td_wait_table(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let interval = poll_interval(ctx)?;
    let table = TableParam::parse(&req_str(ctx.command(), "_command")?);
    let rows = opt_int(p(ctx, "rows"), "rows")?.unwrap_or(0);
    let opts = QueryOptions::read(ctx)?;
    let name = if opts.engine == "hive" {
        table.hive()
    } else {
        table.presto()
    };
    let query = format!("select count(1) from {name} limit {rows}");
    let database = database(ctx)?;
    let c = Client::from_ctx(ctx)?;
    loop {
        if table_exists(ctx, &c, table.db_or(&database), &table.table)? {
            if rows <= 0 {
                return Ok(TaskResult::default());
            }
            let id = run_job(ctx, &c, &|| {
                issue_query(ctx, &c, &database, &opts, Vec::new(), &query)
            })?;
            let first = first_rows(&c, &id, 1)?;
            let Some(row) = first.first() else {
                return Err(OperatorError::runtime(format!(
                    "Got unexpected empty result for count job: {id}"
                )));
            };
            if row.len() != 1 {
                return Err(OperatorError::runtime(format!(
                    "Got unexpected result row size for count job: {}",
                    row.len()
                )));
            }
            let count = match &row[0].kind {
                ValueKind::Int(i) => *i,
                ValueKind::BigInt(_) => i64::MAX,
                other => {
                    return Err(OperatorError::runtime(format!(
                        "Got unexpected value type count job: {}",
                        Value::new(other.clone(), runtime_span()).type_word()
                    )))
                }
            };
            if count >= rows {
                return Ok(TaskResult::default());
            }
            (ctx.log)(&format!(
                "table {table} has {count} of {rows} rows: checking again in {}s",
                interval.as_secs()
            ));
        } else {
            (ctx.log)(&format!(
                "table {table} does not exist yet: checking again in {}s",
                interval.as_secs()
            ));
        }
        std::thread::sleep(interval);
    }
}

// ---------------------------------------------------------------------------------------
// td_load>

pub(super) fn td_load(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let config = match p(ctx, "config").filter(|v| !v.is_null()) {
        Some(v) => Some(parse_nested(v, "config").map_err(OperatorError::config)?),
        None => None,
    };
    let name = opt_str(p(ctx, "name"), "name")?;
    let command = opt_str(ctx.command(), "_command")?;
    if config.is_some() && name.is_some() {
        return Err(OperatorError::config(
            "The parameters config and name cannot both be set",
        ));
    }
    let set_count = [command.is_some(), name.is_some(), config.is_some()]
        .iter()
        .filter(|b| **b)
        .count();
    if set_count > 1 {
        return Err(OperatorError::config(
            "Only the command or one of the config and name params may be set",
        ));
    }
    if set_count == 0 {
        return Err(OperatorError::config("No parameter is set"));
    }
    enum Load {
        Embulk(Object),
        Session(String),
    }
    let load = match (command, name, config) {
        (Some(c), _, _) if c.ends_with(".yml") || c.ends_with(".yaml") => {
            Load::Embulk(embulk_config(ctx, &c)?)
        }
        (Some(c), _, _) => Load::Session(c),
        (_, Some(n), _) => Load::Session(n),
        (_, _, Some(o)) => Load::Embulk(o),
        _ => return Err(OperatorError::config("No parameter is set")),
    };
    let database = database(ctx)?;
    let c = Client::from_ctx(ctx)?;
    let time = session_unixtime(ctx);
    let start = || -> Result<String, OperatorError> {
        match &load {
            Load::Embulk(config) => {
                let table = TableParam::parse(&req_str(p(ctx, "table"), "table")?);
                let config = resolve_secrets(ctx, &obj(config.clone()))?;
                let mut body = Object::default();
                set(&mut body, "config", config);
                let body = obj(body).to_json();
                let path = format!("/v3/job/issue/bulkload/{}", seg(table.db_or(&database)));
                let params = vec![
                    ("query".to_string(), String::new()),
                    ("priority".to_string(), "0".to_string()),
                    ("table".to_string(), table.table.clone()),
                ];
                let id = submit(
                    ctx,
                    &c,
                    &path,
                    &|dk| {
                        let mut all = params.clone();
                        all.push(("domain_key".into(), dk.to_string()));
                        Body::Json(all, body.clone())
                    },
                    &|v| job_id_of(v, "job_id"),
                )?;
                (ctx.log)(&format!("Started bulk load job id={id}"));
                Ok(id)
            }
            Load::Session(name) => {
                let path = format!("/v3/bulk_loads/{}/jobs", seg(name));
                let id = submit(ctx, &c, &path, &scheduled_json(time.to_string()), &|v| {
                    job_id_of(v, "job_id")
                })?;
                (ctx.log)(&format!(
                    "Started bulk load session job name={name}, id={id}"
                ));
                Ok(id)
            }
        }
    };
    let id = run_job(ctx, &c, &start)?;
    Ok(with_job_stores(ctx, &c, &id, TaskResult::default()))
}

/// A `.yml` embulk config: template-evaluated, then read as YAML.
fn embulk_config(ctx: &OperatorContext, file: &str) -> Result<Object, OperatorError> {
    let text = template_file(ctx, file).map_err(|e| {
        OperatorError::config(format!("Failed to load bulk load file: {}", e.message))
    })?;
    let fs = crate::load::MemoryFileSystem::new();
    let mut loader = crate::load::Loader::new(&fs);
    let path = ctx.workdir().join(file);
    let id = loader.add_text(&path, text.into_bytes(), None);
    if let Some(d) = loader
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::Severity::Error)
    {
        let (line, col) = loader.sources.get(d.span.file).line_char_col(d.span.start);
        return Err(OperatorError::config(format!(
            "Failed to parse yaml file: {file}:{}:{}: {}",
            line + 1,
            col + 1,
            d.message
        )));
    }
    match loader.parsed(id).and_then(|p| p.value.clone()) {
        Some(Value {
            kind: ValueKind::Object(o),
            ..
        }) => Ok(o),
        _ => Err(OperatorError::config(format!(
            "Failed to parse yaml file: {file}: not a mapping"
        ))),
    }
}

/// `${secret:...}` replaced in every string of `v` (result connection settings).
fn resolve_secrets(ctx: &OperatorContext, v: &Value) -> Result<Value, OperatorError> {
    map_strings(v, false, &|s| {
        ctx.secrets.substitute(s).map_err(OperatorError::config)
    })
}

// ---------------------------------------------------------------------------------------
// td_table_export>, td_result_export>, td_partial_delete>

/// digdag's `yyyy-MM-dd HH:mm:ss[ Z]` (in `timezone`) or epoch seconds.
fn export_time(ctx: &OperatorContext, key: &str) -> Result<i64, OperatorError> {
    let v = p(ctx, key)
        .filter(|v| !v.is_null())
        .ok_or_else(|| missing(key))?;
    if let Some(n) = crate::plan::expand::as_long(v) {
        return Ok(n);
    }
    let text = req_str(Some(v), key)?;
    let bad = || {
        OperatorError::config(format!(
            "Invalid '{key}': {text:?} (expected yyyy-MM-dd HH:mm:ss[ Z] or a unix time)"
        ))
    };
    if let Ok(z) = jiff::Zoned::strptime("%Y-%m-%d %H:%M:%S %z", &text) {
        return Ok(z.timestamp().as_second());
    }
    let dt = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", &text).map_err(|_| bad())?;
    Ok(in_zone(ctx, dt)?.as_second())
}

/// `dt` in the task's `timezone`.
fn in_zone(
    ctx: &OperatorContext,
    dt: jiff::civil::DateTime,
) -> Result<jiff::Timestamp, OperatorError> {
    let zone = ctx
        .config
        .get("timezone")
        .and_then(Value::scalar_text)
        .unwrap_or_else(|| "UTC".into());
    let tz = crate::model::timezone::resolve_zone(&zone)
        .ok_or_else(|| OperatorError::config(format!("Unknown time zone: {zone}")))?;
    dt.to_zoned(tz)
        .map(|z| z.timestamp())
        .map_err(|e| OperatorError::config(e.to_string()))
}

pub(super) fn td_table_export(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let database = req_str(p(ctx, "database"), "database")?;
    let table = TableParam::parse(&req_str(p(ctx, "table"), "table")?);
    let file_format = req_str(p(ctx, "file_format"), "file_format")?;
    if !matches!(file_format.as_str(), "jsonl.gz" | "tsv.gz" | "json.gz") {
        return Err(OperatorError::config(format!(
            "invalid file_format option: {file_format} (jsonl.gz or tsv.gz)"
        )));
    }
    let from = export_time(ctx, "from")?;
    let to = export_time(ctx, "to")?;
    let bucket = req_str(p(ctx, "s3_bucket"), "s3_bucket")?;
    let prefix = req_str(p(ctx, "s3_path_prefix"), "s3_path_prefix")?;
    let secret = |k: &str| -> Result<String, OperatorError> {
        ctx.secrets
            .get(&format!("aws.s3.{k}"))
            .or_else(|| ctx.secrets.get(&format!("aws.{k}")))
            .map(str::to_string)
            .ok_or_else(|| OperatorError::config(format!("Secret not found for key: 'aws.{k}'")))
    };
    let access_key_id = secret("access_key_id")?;
    let secret_access_key = secret("secret_access_key")?;
    let pool = opt_str(p(ctx, "hive_pool_name"), "hive_pool_name")?;
    database_check(&database)?;
    let c = Client::from_ctx(ctx)?;
    let mut params = vec![
        ("from".to_string(), from.to_string()),
        ("to".to_string(), to.to_string()),
        ("file_prefix".to_string(), prefix),
        ("file_format".to_string(), file_format),
        ("storage_type".to_string(), "s3".to_string()),
        ("bucket".to_string(), bucket),
        ("access_key_id".to_string(), access_key_id),
        ("secret_access_key".to_string(), secret_access_key),
    ];
    if let Some(pool) = pool {
        params.push(("pool_name".into(), pool));
    }
    let path = format!(
        "/v3/export/run/{}/{}",
        seg(table.db_or(&database)),
        seg(&table.table)
    );
    let id = run_job(ctx, &c, &|| {
        let id = submit(
            ctx,
            &c,
            &path,
            &|dk| {
                let mut all = params.clone();
                all.push(("domain_key".into(), dk.to_string()));
                Body::Form(all)
            },
            &|v| job_id_of(v, "job_id"),
        )?;
        (ctx.log)(&format!("Started table export job id={id}"));
        Ok(id)
    })?;
    Ok(with_job_stores(ctx, &c, &id, TaskResult::default()))
}

fn database_check(db: &str) -> Result<(), OperatorError> {
    if db.trim().is_empty() {
        return Err(OperatorError::config("Parameter 'database' is empty"));
    }
    Ok(())
}

pub(super) fn td_result_export(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let job_id = req_str(ctx.config.get("job_id"), "job_id")?;
    let connection = req_str(ctx.config.get("result_connection"), "result_connection")?;
    let settings = ctx
        .config
        .get("result_settings")
        .filter(|v| !v.is_null())
        .ok_or_else(|| missing("result_settings"))?;
    let settings = parse_nested(settings, "result_settings").map_err(OperatorError::config)?;
    let settings = ctx
        .secrets
        .substitute(&obj(settings).to_json())
        .map_err(OperatorError::config)?;
    let c = Client::from_ctx(ctx)?;
    let connection_id = lookup_connection(ctx, &c, &connection)?;
    let params = vec![
        ("result_connection_id".to_string(), connection_id),
        ("result_connection_settings".to_string(), settings),
    ];
    let path = format!("/v3/job/result_export/{}", seg(&job_id));
    let id = run_job(ctx, &c, &|| {
        let id = submit(ctx, &c, &path, &|_| Body::Form(params.clone()), &|v| {
            job_id_of(v, "job_id")
        })?;
        (ctx.log)(&format!("Started result export job id={id}"));
        Ok(id)
    })?;
    Ok(with_job_stores(ctx, &c, &id, TaskResult::default()))
}

/// digdag's `TimestampParam`: epoch seconds, an instant with an offset, or a local
/// date-time in `timezone`.
fn timestamp_param(ctx: &OperatorContext, key: &str) -> Result<i64, OperatorError> {
    let v = p(ctx, key)
        .filter(|v| !v.is_null())
        .ok_or_else(|| missing(key))?;
    if let Some(n) = crate::plan::expand::as_long(v) {
        return Ok(n);
    }
    let text = req_str(Some(v), key)?;
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t.as_second());
    }
    let dt = text
        .replace(' ', "T")
        .parse::<jiff::civil::DateTime>()
        .map_err(|_| {
            OperatorError::config(format!(
                "Invalid '{key}': {text:?} (expected ISO-8601 such as 2016-01-01T00:00:00+09:00, or a unix time)"
            ))
        })?;
    Ok(in_zone(ctx, dt)?.as_second())
}

pub(super) fn td_partial_delete(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let table = req_str(ctx.command(), "_command")?;
    let from = timestamp_param(ctx, "from")?;
    let to = timestamp_param(ctx, "to")?;
    if from % 3600 != 0 || to % 3600 != 0 {
        return Err(OperatorError::config(
            "'from' and 'to' parameters must be whole hours",
        ));
    }
    let database = database(ctx)?;
    let c = Client::from_ctx(ctx)?;
    let path = format!("/v3/table/partialdelete/{}/{}", seg(&database), seg(&table));
    let id = run_job(ctx, &c, &|| {
        let id = submit(
            ctx,
            &c,
            &path,
            &|dk| {
                Body::Form(vec![
                    ("from".into(), from.to_string()),
                    ("to".into(), to.to_string()),
                    ("domain_key".into(), dk.to_string()),
                ])
            },
            &|v| job_id_of(v, "job_id"),
        )?;
        (ctx.log)(&format!("Started partial delete job id={id}"));
        Ok(id)
    })?;
    Ok(with_job_stores(ctx, &c, &id, TaskResult::default()))
}

#[cfg(test)]
mod tests {
    use super::super::conf::testing::{ctx, temp_project};
    use super::super::test_server::FakeTd;
    use super::*;
    use std::path::Path;

    const KEY: &str = "1/test-key";

    /// Runs operator `f` with the built-ins a run has, the fake's endpoint and `extra`
    /// (JSON object members).
    fn run(
        f: fn(&OperatorContext) -> Result<TaskResult, OperatorError>,
        op: &str,
        fake: &FakeTd,
        root: &Path,
        extra: &str,
    ) -> (Result<TaskResult, OperatorError>, Vec<String>) {
        let config = format!(
            r#"{{"timezone": "UTC", "session_unixtime": 1796112000, "session_date": "2026-12-01",
                "project_id": 1, "session_id": 1, "attempt_id": 1, "task_name": "+wf+task",
                "td": {{"database": "www", "endpoint": "{}", "use_ssl": false}}{}{extra}}}"#,
            fake.endpoint(),
            if extra.is_empty() { "" } else { ", " }
        );
        let (c, log) = ctx(
            op,
            &config,
            &[
                ("td.apikey", KEY),
                ("aws.access_key_id", "AK"),
                ("aws.secret_access_key", "SK"),
            ],
            root,
        );
        let r = f(&c);
        let log = log.lock().unwrap().clone();
        (r, log)
    }

    fn store(r: &TaskResult) -> String {
        obj(r.store.clone()).to_json()
    }

    fn param<'a>(job: &'a super::super::test_server::TdJob, k: &str) -> Option<&'a str> {
        job.params
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn td_renders_the_query_file_and_stores_the_job_and_first_row() {
        let fake = FakeTd::start(KEY);
        fake.add_result(
            "select count",
            r#"[["cnt","bigint"],["name","varchar"]]"#,
            &["[3,\"a\"]", "[4,\"b\"]"],
        );
        let root = temp_project("td-query");
        std::fs::create_dir_all(root.join("queries")).unwrap();
        std::fs::write(
            root.join("queries/q.sql"),
            "select count(*) as cnt, name from t\nwhere d = '${session_date}'\n",
        )
        .unwrap();
        let (r, log) = run(
            td,
            "td",
            &fake,
            &root,
            r#""_command": "queries/q.sql", "store_last_results": true, "priority": 1"#,
        );
        let r = r.unwrap();
        assert_eq!(
            store(&r),
            r#"{"td":{"last_results":{"cnt":3,"name":"a"},"last_job_id":"1000","last_job":{"id":"1000","num_records":2}}}"#
        );
        assert_eq!(r.reset_store, ["td.last_results"]);
        let jobs = fake.jobs();
        assert_eq!(jobs.len(), 1);
        assert_eq!(
            (jobs[0].kind.as_str(), jobs[0].database.as_str()),
            ("presto", "www")
        );
        assert_eq!(
            jobs[0].query,
            format!("-- project_id: 1\n-- project_name: default\n-- workflow_name: wf\n-- session_id: 1\n-- attempt_id: 1\n-- task_name: +wf+task\nselect count(*) as cnt, name from t\nwhere d = '2026-12-01'\n")
        );
        assert_eq!(param(&jobs[0], "priority"), Some("1"));
        assert_eq!(param(&jobs[0], "retry_limit"), Some("0"));
        assert_eq!(param(&jobs[0], "scheduled_time"), Some("1796112000"));
        assert!(param(&jobs[0], "domain_key").is_some_and(|k| k.len() == 36));
        assert!(
            log.contains(&"Started presto job id=1000:".to_string()),
            "{log:?}"
        );
    }

    #[test]
    fn td_insert_into_and_create_table_wrap_the_query() {
        let fake = FakeTd::start(KEY);
        let root = temp_project("td-insert");
        let (r, _) = run(
            td,
            "td",
            &fake,
            &root,
            r#""query": "-- my report\nselect 1", "insert_into": "other.sums""#,
        );
        r.unwrap();
        let (r, _) = run(
            td,
            "td",
            &fake,
            &root,
            r#""query": "select 1\n-- DIGDAG_INSERT_LINE\nfrom t", "create_table": "daily", "engine": "hive", "hive_pool_name": "poc""#,
        );
        r.unwrap();
        let (r, _) = run(
            td,
            "td",
            &fake,
            &root,
            r#""query": "select 2", "create_table": "daily""#,
        );
        r.unwrap();
        let jobs = fake.jobs();
        let body = |i: usize| {
            jobs[i]
                .query
                .split("-- task_name: +wf+task\n")
                .nth(1)
                .unwrap()
                .to_string()
        };
        assert_eq!(
            body(0),
            "-- my report\nINSERT INTO \"other\".\"sums\"\nselect 1"
        );
        assert_eq!(body(1), "select 1\nINSERT OVERWRITE TABLE `daily`\nfrom t");
        assert_eq!(jobs[1].kind, "hive");
        assert_eq!(param(&jobs[1], "pool_name"), Some("poc"));
        assert_eq!(
            body(2),
            "DROP TABLE IF EXISTS \"daily\";\nCREATE TABLE \"daily\" AS\nselect 2"
        );
        // insert_into and hive's create_table create the table first.
        let tables = fake.with(|s| s.tables.clone()).unwrap();
        assert_eq!(tables, ["other.sums", "www.daily"]);
        let (r, _) = run(
            td,
            "td",
            &fake,
            &root,
            r#""query": "select 1", "create_table": "a", "insert_into": "b""#,
        );
        assert_eq!(
            r.unwrap_err().message,
            "Setting both insert_into and create_table is invalid"
        );
        let (r, _) = run(
            td,
            "td",
            &fake,
            &root,
            r#""query": "select 1", "engine": "spark""#,
        );
        assert_eq!(
            r.unwrap_err().message,
            "Unknown 'engine:' option (available options are: hive and presto): spark"
        );
    }

    #[test]
    fn td_downloads_results_as_csv_and_previews() {
        let fake = FakeTd::start(KEY);
        fake.add_result(
            "select",
            r#"[["id","bigint"],["note","varchar"],["score","double"]]"#,
            &[
                r#"[1,"plain",0.5]"#,
                r#"[2,"has, comma and \"quote\"",null]"#,
            ],
        );
        let root = temp_project("td-download");
        let (r, log) = run(
            td,
            "td",
            &fake,
            &root,
            r#""query": "select *", "download_file": "out/result.csv", "preview": true"#,
        );
        r.unwrap();
        assert_eq!(
            std::fs::read_to_string(root.join("out/result.csv")).unwrap(),
            "id,note,score\r\n1,plain,0.5\r\n2,\"has, comma and \"\"quote\"\"\",\r\n"
        );
        let at = log
            .iter()
            .position(|l| l == "preview of job id 1000:")
            .unwrap();
        assert_eq!(
            log[at + 1..at + 4],
            [
                "id,note,score",
                "1,plain,0.5",
                "2,\"has, comma and \"\"quote\"\"\","
            ]
        );
    }

    #[test]
    fn failed_jobs_fail_the_task_with_their_output() {
        let fake = FakeTd::start(KEY);
        let root = temp_project("td-fail");
        let (r, log) = run(td, "td", &fake, &root, r#""query": "select FAIL""#);
        let e = r.unwrap_err();
        assert!(!e.config_error);
        assert_eq!(
            e.message,
            "TD job 1000 failed with status error: Query failed: line 1:1: mismatched input 'FAIL'\nerror at FAIL"
        );
        assert!(
            log.iter().all(|l| l != "error at FAIL"),
            "the output is in the message only"
        );
    }

    #[test]
    fn running_jobs_are_polled_until_done() {
        let fake = FakeTd::start(KEY);
        fake.with(|s| s.running_polls = 1);
        let root = temp_project("td-poll");
        let (r, log) = run(td, "td", &fake, &root, r#""query": "select 1""#);
        assert_eq!(
            store(&r.unwrap()),
            r#"{"td":{"last_job_id":"1000","last_job":{"id":"1000","num_records":0}}}"#
        );
        assert!(log.contains(&"job 1000: running".to_string()), "{log:?}");
        assert_eq!(fake.jobs()[0].polls, 2);
    }

    #[test]
    fn lost_submit_answers_are_retried_with_the_same_domain_key() {
        let fake = FakeTd::start(KEY);
        fake.with(|s| s.lose_submits = 1);
        let root = temp_project("td-conflict");
        let (r, log) = run(td, "td", &fake, &root, r#""query": "select 1""#);
        r.unwrap();
        assert_eq!(fake.jobs().len(), 1, "one job, though submitted twice");
        assert!(log
            .iter()
            .any(|l| l.contains("500 Internal Server Error") && l.contains("retrying")));
    }

    #[test]
    fn credentials_and_database_are_checked() {
        let fake = FakeTd::start("another-key");
        let root = temp_project("td-auth");
        let (r, _) = run(td, "td", &fake, &root, r#""query": "select 1""#);
        let e = r.unwrap_err();
        assert!(
            e.message.ends_with("(check the td.apikey secret)"),
            "{}",
            e.message
        );
        assert!(
            e.message.starts_with(
                "TD API request failed: POST /v3/job/issue/presto/www: 401 Unauthorized"
            ),
            "{}",
            e.message
        );
        let (r, _) = run(
            td,
            "td",
            &fake,
            &root,
            r#""query": "select 1", "database": " ""#,
        );
        assert_eq!(r.unwrap_err().message, "Parameter 'database' is empty");
        let (r, _) = run(td, "td", &fake, &root, r#""_command": "missing.sql""#);
        assert!(r.unwrap_err().message.starts_with("File not found: "));
    }

    #[test]
    fn td_ddl_creates_drops_empties_and_renames() {
        let fake = FakeTd::start(KEY);
        fake.with(|s| {
            s.databases = vec!["www".into(), "old_db".into()];
            s.tables = vec![
                "www.keep".into(),
                "www.stale".into(),
                "www.tmp_daily".into(),
            ];
        });
        let root = temp_project("td-ddl");
        let (r, log) = run(
            td_ddl,
            "td_ddl",
            &fake,
            &root,
            r#""drop_databases": ["old_db"], "create_databases": ["new_db"],
               "create_tables": ["fresh", "new_db.remote"], "drop_tables": ["stale", "gone"],
               "empty_tables": ["keep"], "rename_tables": [{"from": "tmp_daily", "to": "daily"}]"#,
        );
        assert_eq!(store(&r.unwrap()), "{}");
        let (dbs, tables) = fake
            .with(|s| (s.databases.clone(), s.tables.clone()))
            .unwrap();
        assert_eq!(dbs, ["www", "new_db"]);
        assert_eq!(
            tables,
            ["www.daily", "www.fresh", "new_db.remote", "www.keep"]
        );
        assert_eq!(
            log,
            [
                "Deleting TD database old_db",
                "Creating TD database new_db",
                "Deleting TD table www.stale",
                "Deleting TD table www.gone",
                "Deleting TD table www.keep",
                "Creating TD table www.fresh",
                "Creating TD table new_db.remote",
                "Creating TD table www.keep",
                "Renaming TD table www.tmp_daily -> daily",
            ]
        );
        let (r, _) = run(
            td_ddl,
            "td_ddl",
            &fake,
            &root,
            r#""rename_tables": [{"from": "nope", "to": "x_y"}]"#,
        );
        assert_eq!(
            r.unwrap_err().message,
            "Renaming table www.nope doesn't exist"
        );
        let (r, _) = run(
            td_ddl,
            "td_ddl",
            &fake,
            &root,
            r#""rename_tables": [{"from": "a", "to": "db.b"}]"#,
        );
        assert_eq!(
            r.unwrap_err().message,
            "'to' option of rename_tables can't include database name"
        );
        let (r, _) = run(
            td_ddl,
            "td_ddl",
            &fake,
            &root,
            r#""create_tables": ["Bad-Name"]"#,
        );
        assert_eq!(
            r.unwrap_err().message,
            "Table name must follow this pattern ^([a-z0-9_]+)$: Bad-Name"
        );
    }

    #[test]
    fn td_for_each_makes_one_subtask_per_row() {
        let fake = FakeTd::start(KEY);
        fake.add_result(
            "select name",
            r#"[["name","varchar"],["n","bigint"]]"#,
            &[r#"["a",1]"#, r#"["b",2]"#],
        );
        let root = temp_project("td-for-each");
        let (r, _) = run(
            td_for_each,
            "td_for_each",
            &fake,
            &root,
            r#""query": "select name, n from t", "_parallel": true,
               "_do": {"echo>": "${td.each.name}", "_export": {"x": 1}}"#,
        );
        let r = r.unwrap();
        assert_eq!(
            r.subtask.as_ref().unwrap().to_json(),
            r#"{"+td-for-each-0":{"echo>":"${td.each.name}","_export":{"x":1,"td":{"each":{"name":"a","n":1}}}},"+td-for-each-1":{"echo>":"${td.each.name}","_export":{"x":1,"td":{"each":{"name":"b","n":2}}}},"_parallel":true}"#
        );
        assert!(store(&r).contains(r#""last_job_id":"1000""#));
        let (r, _) = run(
            td_for_each,
            "td_for_each",
            &fake,
            &root,
            r#""query": "select 1""#,
        );
        assert_eq!(
            r.unwrap_err().message,
            "Parameter '_do' is required but not set"
        );
    }

    #[test]
    fn td_run_starts_saved_queries_by_name_or_id() {
        let fake = FakeTd::start(KEY);
        fake.add_result("daily_report", r#"[["n","bigint"]]"#, &["[9]"]);
        let root = temp_project("td-run");
        let (r, _) = run(
            td_run,
            "td_run",
            &fake,
            &root,
            r#""_command": "daily_report", "store_last_results": true"#,
        );
        assert_eq!(
            store(&r.unwrap()),
            r#"{"td":{"last_results":{"n":9},"last_job_id":"1000","last_job":{"id":"1000","num_records":1}}}"#
        );
        let (r, _) = run(td_run, "td_run", &fake, &root, r#""_command": 42"#);
        r.unwrap();
        let jobs = fake.jobs();
        assert_eq!(jobs[1].query, "saved query 42");
        assert!(
            jobs[1]
                .json
                .contains(r#""scheduled_time":"2026-12-01T08:00:00Z""#),
            "{}",
            jobs[1].json
        );
        let (r, _) = run(td_run, "td_run", &fake, &root, r#""_command": [1]"#);
        assert_eq!(r.unwrap_err().message, "Invalid saved query reference: [1]");
    }

    #[test]
    fn td_wait_and_td_wait_table_finish_when_the_condition_holds() {
        let fake = FakeTd::start(KEY);
        fake.add_result("select 1 from ready", r#"[["x","bigint"]]"#, &["[1]"]);
        fake.add_result("count(1)", r#"[["c","bigint"]]"#, &["[7]"]);
        fake.with(|s| {
            s.databases = vec!["www".into()];
            s.tables = vec!["www.events".into()];
        });
        let root = temp_project("td-wait");
        let (r, _) = run(
            td_wait,
            "td_wait",
            &fake,
            &root,
            r#""query": "select 1 from ready""#,
        );
        assert_eq!(store(&r.unwrap()), "{}");
        let (r, _) = run(
            td_wait_table,
            "td_wait_table",
            &fake,
            &root,
            r#""_command": "events""#,
        );
        r.unwrap();
        let (r, _) = run(
            td_wait_table,
            "td_wait_table",
            &fake,
            &root,
            r#""_command": "www.events", "rows": 5"#,
        );
        r.unwrap();
        let jobs = fake.jobs();
        assert_eq!(jobs.len(), 2);
        assert_eq!(
            jobs[1].query,
            "select count(1) from \"www\".\"events\" limit 5"
        );
        let (r, _) = run(
            td_wait,
            "td_wait",
            &fake,
            &root,
            r#""query": "select 1", "interval": "10s""#,
        );
        assert_eq!(
            r.unwrap_err().message,
            "poll interval must be at least 30s and no greater than 2d"
        );
    }

    #[test]
    fn td_load_submits_embulk_configs_and_saved_connectors() {
        let fake = FakeTd::start(KEY);
        let root = temp_project("td-load");
        std::fs::write(
            root.join("load.yml"),
            "in:\n  type: s3\n  bucket: b-${session_date}\n  secret_access_key: ${secret:aws.secret_access_key}\nout:\n  mode: append\n",
        )
        .unwrap();
        let (r, _) = run(
            td_load,
            "td_load",
            &fake,
            &root,
            r#""_command": "load.yml", "table": "raw.events""#,
        );
        assert!(store(&r.unwrap()).contains(r#""last_job_id":"1000""#));
        let (r, _) = run(
            td_load,
            "td_load",
            &fake,
            &root,
            r#""name": "my_connector""#,
        );
        r.unwrap();
        let jobs = fake.jobs();
        assert_eq!(
            (jobs[0].kind.as_str(), jobs[0].database.as_str()),
            ("bulkload", "raw")
        );
        assert_eq!(param(&jobs[0], "table"), Some("events"));
        assert_eq!(
            jobs[0].json,
            r#"{"config":{"in":{"type":"s3","bucket":"b-2026-12-01","secret_access_key":"SK"},"out":{"mode":"append"}}}"#
        );
        assert_eq!(
            (jobs[1].kind.as_str(), jobs[1].query.as_str()),
            ("bulk_load_session", "my_connector")
        );
        assert!(jobs[1].json.contains(r#""scheduled_time":"1796112000""#));
        let (r, _) = run(
            td_load,
            "td_load",
            &fake,
            &root,
            r#""name": "a", "config": {"in": {}}"#,
        );
        assert_eq!(
            r.unwrap_err().message,
            "The parameters config and name cannot both be set"
        );
        let (r, _) = run(td_load, "td_load", &fake, &root, "");
        assert_eq!(r.unwrap_err().message, "No parameter is set");
    }

    #[test]
    fn exports_and_partial_deletes() {
        let fake = FakeTd::start(KEY);
        fake.with(|s| s.connections = vec![("my_s3".into(), 77)]);
        let root = temp_project("td-export");
        let (r, _) = run(
            td_table_export,
            "td_table_export",
            &fake,
            &root,
            r#""table": "events", "file_format": "jsonl.gz", "from": "2026-01-01 00:00:00 +0900",
               "to": 1767225600, "s3_bucket": "bkt", "s3_path_prefix": "p/""#,
        );
        r.unwrap();
        let (r, _) = run(
            td_result_export,
            "td_result_export",
            &fake,
            &root,
            r#""job_id": "555", "result_connection": "my_s3", "result_settings": {"path": "/x"}"#,
        );
        assert!(store(&r.unwrap()).contains(r#""last_job_id":"1001""#));
        let (r, _) = run(
            td_partial_delete,
            "td_partial_delete",
            &fake,
            &root,
            r#""_command": "events", "from": "2026-01-01T00:00:00+09:00", "to": "2026-01-02 00:00:00""#,
        );
        r.unwrap();
        let jobs = fake.jobs();
        assert_eq!(jobs[0].kind, "export");
        assert_eq!(param(&jobs[0], "from"), Some("1767193200"));
        assert_eq!(param(&jobs[0], "to"), Some("1767225600"));
        assert_eq!(param(&jobs[0], "access_key_id"), Some("AK"));
        assert_eq!(param(&jobs[0], "file_format"), Some("jsonl.gz"));
        assert_eq!(jobs[1].query, "export of 555");
        assert_eq!(param(&jobs[1], "result_connection_id"), Some("77"));
        assert_eq!(
            param(&jobs[1], "result_connection_settings"),
            Some(r#"{"path":"/x"}"#)
        );
        assert_eq!(
            (jobs[2].kind.as_str(), jobs[2].query.as_str()),
            ("partialdelete", "events")
        );
        assert_eq!(param(&jobs[2], "from"), Some("1767193200"));
        assert_eq!(param(&jobs[2], "to"), Some("1767312000"));
        let (r, _) = run(
            td_partial_delete,
            "td_partial_delete",
            &fake,
            &root,
            r#""_command": "events", "from": 1767193230, "to": 1767312000"#,
        );
        assert_eq!(
            r.unwrap_err().message,
            "'from' and 'to' parameters must be whole hours"
        );
    }

    #[test]
    fn insert_command_statement_follows_digdag() {
        assert_eq!(
            insert_command_statement("INSERT X", "select 1"),
            "INSERT X\nselect 1"
        );
        assert_eq!(
            insert_command_statement("INSERT X", "-- a\n-- b\nselect 1"),
            "-- a\n-- b\nINSERT X\nselect 1"
        );
        // After the comment block, more than one line: digdag's pattern does not match.
        assert_eq!(
            insert_command_statement("INSERT X", "-- a\nselect 1\nfrom t"),
            "INSERT X\n-- a\nselect 1\nfrom t"
        );
        assert_eq!(
            insert_command_statement(
                "INSERT X",
                "with t as (select 1)\n--  DIGDAG_INSERT_LINE here\nselect * from t"
            ),
            "with t as (select 1)\nINSERT X\nselect * from t"
        );
        assert_eq!(
            insert_command_statement("INSERT X", "\n-- only comments"),
            "\n-- only comments\nINSERT X\n"
        );
    }

    #[test]
    fn csv_escaping_follows_digdag() {
        assert_eq!(csv_text(""), "\"\"");
        assert_eq!(csv_text("plain"), "plain");
        assert_eq!(csv_text("a,b"), "\"a,b\"");
        assert_eq!(csv_text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_text("l1\r\nl2\rl3"), "\"l1\nl2\nl3\"");
    }
}
