//! What each operator stores for later tasks (semantics §2, §3.3) and what generating
//! operators export to the tasks they generate.

use crate::load::{Value, ValueKind};

/// The names an operator task stores.
#[derive(Clone, Debug, PartialEq)]
pub enum Stores {
    /// These dotted names, each with whether it is stored on every success.
    Names(Vec<(String, bool)>),
    /// Anything (`py>`, `rb>`, `call>`, `http_call>` and other task generators).
    Anything,
}

fn truthy(v: Option<&Value>) -> bool {
    match v.map(|v| &v.kind) {
        Some(ValueKind::Bool(b)) => *b,
        Some(ValueKind::String(s)) => !matches!(s.trim(), "" | "false" | "False"),
        Some(ValueKind::Int(i)) => *i != 0,
        _ => false,
    }
}

/// What an operator task stores, given its command and a lookup of its own parameters.
pub fn operator_stores<'a>(
    operator: &str,
    command: Option<&Value>,
    param: &dyn Fn(&str) -> Option<&'a Value>,
) -> Stores {
    let names = |list: &[(&str, bool)]| {
        Stores::Names(list.iter().map(|(n, c)| (n.to_string(), *c)).collect())
    };
    match operator {
        "td" | "td_run" => {
            let results = truthy(param("store_last_results"));
            Stores::Names(vec![
                ("td.last_job_id".into(), true),
                ("td.last_job".into(), true),
                ("td.last_results".into(), results),
            ])
        }
        "td_wait" | "td_wait_table" | "td_ddl" | "td_load" | "td_table_export"
        | "td_result_export" | "td_partial_delete" => {
            names(&[("td.last_job_id", false), ("td.last_job", false)])
        }
        "pg" => names(&[("pg.last_results", truthy(param("store_last_results")))]),
        "redshift" => names(&[("redshift.last_results", truthy(param("store_last_results")))]),
        "http" => Stores::Names(vec![
            ("http.last_status".into(), true),
            ("http.last_content".into(), truthy(param("store_content"))),
        ]),
        "s3_wait" => names(&[("s3.last_object", true)]),
        "gcs_wait" => names(&[("gcs_wait.last_object", true)]),
        "emr" => names(&[("emr.last_cluster_id", true)]),
        "bq" | "bq_load" | "bq_extract" | "bq_ddl" => names(&[("bq.last_job_id", true)]),
        "param_get" => {
            // `param_get>: {server_key: dest_key}` stores the destination keys.
            let mut out = Vec::new();
            if let Some(Value {
                kind: ValueKind::Object(o),
                ..
            }) = command
            {
                for e in &o.entries {
                    if let Some(dest) = e.value.scalar_text() {
                        out.push((dest, false));
                    }
                }
            }
            Stores::Names(out)
        }
        "py" | "rb" | "call" | "http_call" | "require" | "td_for_each" | "loop" | "for_each"
        | "for_range" | "if" => {
            // Script APIs store anything; generated tasks may store anything.
            if matches!(operator, "py" | "rb" | "call" | "http_call") {
                Stores::Anything
            } else {
                Stores::Names(Vec::new())
            }
        }
        _ => Stores::Names(Vec::new()),
    }
}

/// The variables a generating operator exports to each task it generates from `_do`
/// (`None` when they are known only at run time, e.g. `for_each>: ${keys}`).
pub fn loop_variables(operator: &str, command: Option<&Value>) -> Option<Vec<String>> {
    Some(match operator {
        "loop" => vec!["i".into()],
        "for_range" => vec!["range".into()],
        "td_for_each" => vec!["td.each".into()],
        "for_each" => match command {
            Some(Value {
                kind: ValueKind::Object(o),
                ..
            }) => o.entries.iter().map(|e| e.key.clone()).collect(),
            Some(Value {
                kind: ValueKind::String(s),
                ..
            }) => {
                // A JSON object in a string: its keys, when it is literal JSON.
                match serde_json::from_str::<serde_json::Value>(s) {
                    Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
                    _ => return None,
                }
            }
            _ => return None,
        },
        _ => Vec::new(),
    })
}
