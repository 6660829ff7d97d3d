//! End-to-end runs of the fixture workflows in `testdata/run/{http,td,mail,params}` against
//! servers started by each test on 127.0.0.1: an HTTP server, a fake Treasure Data API and
//! an SMTP sink (no other network). The traces show what a user sees.

#[path = "../src/run/operators/test_server.rs"]
mod test_server;

mod common;

use common::{options, project, Trace};
use std::path::Path;
use std::sync::Arc;
use test_server::{FakeTd, HttpServer, Response, SmtpOptions, SmtpSink};
use wf_engine::run::params::parse_param_arg;
use wf_engine::run::{self, RunReport, Secrets};

/// Runs `file` of the copied project with `-p` parameters and secrets; returns the
/// project, the report and the trace (with `replace` pairs applied, for ports).
fn run_case(
    root: &Path,
    file: &str,
    params: &[String],
    secrets: &[(&str, &str)],
    replace: &[(String, &str)],
) -> (RunReport, String) {
    let (wf, sources) = run::load_workflow(root, &root.join(file)).expect("fixture loads");
    let mut opts = options(root);
    opts.sources = Some(Arc::new(sources));
    for p in params {
        parse_param_arg(p, &mut opts.params).unwrap();
    }
    opts.secrets = Arc::new(Secrets::from_map(
        secrets.iter().map(|(k, v)| (k.to_string(), v.to_string())),
    ));
    let mut trace = Trace::default();
    let report = run::run_workflow(&wf, &opts, &mut trace);
    let mut text = trace
        .0
        .join("\n")
        .replace(&root.display().to_string(), "<project>");
    for (from, to) in replace {
        text = text.replace(from.as_str(), to);
    }
    (report, text)
}

#[test]
fn http_stores_status_and_content_and_http_call_runs_the_answer() {
    let server = HttpServer::start(|r| match r.path.as_str() {
        "/items" if r.header("authorization") == Some("Bearer t0ken-value") => {
            Response::json(200, r#"["a","b"]"#)
        }
        "/items" => Response::new(401, "text/plain", "who?"),
        "/tasks" => Response::new(
            200,
            "application/x-yaml",
            "+hello:\n  echo>: hello from the server after ${http.last_status}\n",
        ),
        _ => Response::new(204, "text/plain", ""),
    });
    let root = project("http");
    let (report, trace) = run_case(
        &root,
        "http.dig",
        &[format!("base_url={}", server.url())],
        &[("api.token", "t0ken-value")],
        &[(server.url(), "<server>")],
    );
    assert!(report.success, "{trace}");
    assert!(!trace.contains("t0ken-value"), "{trace}");
    let hook = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/hook")
        .expect("the hook was called");
    assert_eq!(hook.method, "POST");
    assert_eq!(hook.header("content-type"), Some("application/json"));
    assert_eq!(
        hook.text(),
        r#"{"session":"2026-12-01","items":"[\"a\",\"b\"]"}"#
    );
    insta::assert_snapshot!(trace);
}

#[test]
fn td_operators_run_jobs_and_store_their_results() {
    let fake = FakeTd::start("1/key");
    fake.with(|s| s.databases = vec!["www".into()]);
    fake.add_result(
        "count(*) as cnt from daily",
        r#"[["cnt","bigint"]]"#,
        &["[12]"],
    );
    fake.add_result(
        "from users",
        r#"[["name","varchar"],["n","bigint"]]"#,
        &[r#"["ann",1]"#, r#"["bob",2]"#],
    );
    let root = project("td");
    let (report, trace) = run_case(
        &root,
        "td.dig",
        &[format!("td_endpoint={}", fake.endpoint())],
        &[("td.apikey", "1/key")],
        &[],
    );
    assert!(report.success, "{trace}");
    let jobs = fake.jobs();
    let kinds: Vec<&str> = jobs.iter().map(|j| j.kind.as_str()).collect();
    assert_eq!(kinds, ["presto", "presto", "presto"]);
    assert!(
        jobs[0].query.ends_with(
            // The file ends with a newline, so digdag's header-comment pattern does not match
            // and the INSERT goes first.
            "-- task_name: +td+count\nINSERT INTO \"daily\"\n-- daily count\nselect count(1) as cnt from access where td_time_range(time, '2026-12-01')\n"
        ),
        "{}",
        jobs[0].query
    );
    assert_eq!(
        fake.with(|s| s.tables.clone()).unwrap(),
        ["www.daily"],
        "td_ddl> created the table; insert_into found it"
    );
    insta::assert_snapshot!(trace);
}

#[test]
fn failed_td_job_reaches_the_error_handler() {
    let fake = FakeTd::start("1/key");
    let root = project("td");
    let (report, trace) = run_case(
        &root,
        "fail.dig",
        &[format!("td_endpoint={}", fake.endpoint())],
        &[("td.apikey", "1/key")],
        &[],
    );
    assert!(!report.success);
    insta::assert_snapshot!(trace);
}

#[test]
fn mail_sends_the_rendered_body() {
    let sink = SmtpSink::start(SmtpOptions::default());
    let root = project("mail");
    let port = sink.addr.port().to_string();
    let (report, trace) = run_case(
        &root,
        "mail.dig",
        &[format!("smtp_port={port}")],
        &[],
        &[(format!(":{port}"), ":<port>")],
    );
    assert!(report.success, "{trace}");
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].mail_from, "<wf@example.com>");
    assert_eq!(
        mails[0].rcpt_to,
        ["<team@example.com>", "<audit@example.com>"]
    );
    let data = &mails[0].data;
    assert!(
        data.contains("Subject: Report for 2026-12-01\r\n"),
        "{data}"
    );
    assert!(data.contains("To: team@example.com\r\n"), "{data}");
    assert!(
        data.ends_with(
            "\r\n\r\nHello team,\r\nthe session 2026-12-01 of +mail+notify is done.\r\n\r\n"
        ),
        "{data:?}"
    );
    insta::assert_snapshot!(trace);
}

#[test]
fn params_set_in_one_run_are_read_by_the_next() {
    let root = project("params");
    let (report, first) = run_case(&root, "params.dig", &[], &[], &[]);
    assert!(report.success, "{first}");
    assert!(first.contains("log +params+show: previous=\n"), "{first}");
    let (report, second) = run_case(&root, "params.dig", &[], &[], &[]);
    assert!(report.success, "{second}");
    insta::assert_snapshot!(second);
}
