//! Differential test of wf's moment.js implementation against the real moment.js 2.21.0.
//!
//! `template_moment/expected.json` holds what real moment.js (under node, with `TZ` set to
//! each zone) gives for every expression of `template_moment/cases.txt`, which includes every
//! moment expression of the corpus. Regenerate it after editing `cases.txt`:
//!
//! ```sh
//! cd engine/tests/template_moment && npm install && node gen.js
//! ```
//!
//! Also here: digdag's own template fixtures (`digdag-core/src/test/resources/io/digdag/core/
//! agent/eval/*.dig` and their `*_expected.dig` twins, read from the corpus by path), and a
//! scan that every moment expression in the corpus evaluates.

use std::path::{Path, PathBuf};
use wf_engine::load::{Entry, Object, Value, ValueKind};
use wf_engine::source::{FileId, Span};
use wf_engine::template::{parse, EvalOptions, Evaluator, Segment};

fn sp() -> Span {
    Span::new(FileId(0), 0, 0)
}

fn value(j: &serde_json::Value) -> Value {
    let kind = match j {
        serde_json::Value::Null => ValueKind::Null,
        serde_json::Value::Bool(b) => ValueKind::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => ValueKind::Int(i),
            None => ValueKind::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => ValueKind::String(s.clone()),
        serde_json::Value::Array(a) => ValueKind::Array(a.iter().map(value).collect()),
        serde_json::Value::Object(o) => ValueKind::Object(Object {
            entries: o
                .iter()
                .map(|(k, v)| Entry {
                    key: k.clone(),
                    key_span: sp(),
                    value: value(v),
                })
                .collect(),
        }),
    };
    Value::new(kind, sp())
}

fn fixture() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/template_moment/expected.json");
    let text = std::fs::read_to_string(&path).expect("expected.json");
    serde_json::from_str(&text).expect("valid JSON")
}

#[test]
fn template_moment_matches_real_moment_2_21() {
    let fx = fixture();
    let now = fx["now_ms"].as_i64().unwrap();
    let params = match value(&fx["params"]).kind {
        ValueKind::Object(o) => o,
        _ => panic!("params"),
    };
    let zones: Vec<&str> = fx["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z.as_str().unwrap())
        .collect();
    let cases = fx["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for zone in &zones {
        let ev = Evaluator::new(EvalOptions {
            timezone: Some(zone.to_string()),
            now_ms: Some(now),
            ..EvalOptions::default()
        })
        .unwrap();
        for case in cases {
            let expr = case["expr"].as_str().unwrap();
            let want = &case["results"][zone];
            let got = ev.render(&format!("${{{expr}}}"), &params);
            checked += 1;
            let ok = match (&got, want) {
                (Ok(s), serde_json::Value::String(w)) => s == w,
                (Err(e), serde_json::Value::Object(o)) => o
                    .get("error")
                    .and_then(|n| n.as_str())
                    .is_some_and(|n| e.detail.starts_with(n)),
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "[{zone}] {expr}\n    want {want}\n    got  {got:?}"
                ));
            }
        }
    }
    println!(
        "moment differential: {} of {checked} agree",
        checked - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} differ from moment 2.21.0:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The corpus directory (see `engine/tests/corpus.rs`); `WF_SKIP_CORPUS=1` skips.
fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("WF_SKIP_CORPUS").is_ok_and(|v| v == "1") {
        return None;
    }
    panic!("corpus not found at {}", dir.display());
}

/// Loads a flat YAML file of the corpus as an object.
fn load_object(path: &Path) -> Object {
    let fs = wf_engine::load::DiskFileSystem;
    let mut loader = wf_engine::load::Loader::new(&fs);
    let id = loader.read_file(path, None).expect("readable");
    assert!(
        loader.diagnostics.is_empty(),
        "{}: {:?}",
        path.display(),
        loader.diagnostics
    );
    match loader
        .parsed(id)
        .and_then(|p| p.value.clone())
        .map(|v| v.kind)
    {
        Some(ValueKind::Object(o)) => o,
        other => panic!("{}: not an object: {other:?}", path.display()),
    }
}

fn obj_json(o: &Object) -> String {
    Value::new(ValueKind::Object(o.clone()), sp()).to_json()
}

#[test]
fn template_digdag_eval_fixtures() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("digdag/digdag-core/src/test/resources/io/digdag/core/agent/eval");
    // (input, expected, timezone) as digdag's ConfigEvalEngineTest runs them.
    let cases = [
        ("basic.dig", "basic_expected.dig", "UTC"),
        ("literal.dig", "literal_expected.dig", "UTC"),
        ("template.dig", "template_expected.dig", "UTC"),
        ("moment.dig", "moment_expected.dig", "UTC"),
        ("moment.dig", "moment_expected_jst.dig", "Asia/Tokyo"),
        (
            "moment.dig",
            "moment_expected_pst_pdt.dig",
            "America/Los_Angeles",
        ),
    ];
    for (input, expected, tz) in cases {
        let config = load_object(&dir.join(input));
        let want = load_object(&dir.join(expected));
        let mut params = Object::default();
        params.entries.push(Entry {
            key: "timezone".into(),
            key_span: sp(),
            value: Value::new(ValueKind::String(tz.into()), sp()),
        });
        let ev = Evaluator::new(EvalOptions {
            timezone: Some(tz.into()),
            ..EvalOptions::default()
        })
        .unwrap();
        let got = ev.eval_config(&config, &params).unwrap();
        assert_eq!(obj_json(&got), obj_json(&want), "{input} in {tz}");
    }
}

/// Every `${...}` of the corpus that uses moment evaluates without error (with plausible
/// parameters) in three zones.
#[test]
fn template_corpus_moment_expressions_evaluate() {
    let Some(corpus) = corpus() else { return };
    let fx = fixture();
    let params = match value(&fx["params"]).kind {
        ValueKind::Object(o) => o,
        _ => panic!("params"),
    };
    let mut exprs = Vec::new();
    collect(&corpus, &mut exprs);
    exprs.sort();
    exprs.dedup();
    assert!(
        exprs.len() >= 25,
        "found only {} moment expressions",
        exprs.len()
    );
    for zone in ["UTC", "Asia/Tokyo", "America/Los_Angeles"] {
        let ev = Evaluator::new(EvalOptions {
            timezone: Some(zone.into()),
            now_ms: Some(fx["now_ms"].as_i64().unwrap()),
            ..EvalOptions::default()
        })
        .unwrap();
        for e in &exprs {
            let r = ev.render(&format!("${{{e}}}"), &params);
            assert!(r.is_ok(), "[{zone}] {e}: {r:?}");
        }
    }
    println!(
        "corpus moment expressions: {} distinct, all evaluate",
        exprs.len()
    );
}

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect(&p, out);
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            // Fixture files use session_time as a key of their own; skip test resources of
            // the evaluator itself (covered above).
            if p.to_string_lossy().contains("core/agent/eval") {
                continue;
            }
            for line in text.lines() {
                for seg in parse(line) {
                    if let Segment::Expr { code, .. } = seg {
                        if code.contains("moment") {
                            out.push(code.to_string());
                        }
                    }
                }
            }
        }
    }
}
