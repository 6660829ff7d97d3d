//! What each operator stores for later tasks (semantics §2, §3.3) and what generating
//! operators export to the tasks they generate, read from the operator catalog
//! ([`crate::schema`]: `stores`, `dynamic`, `exports`, `exports_command_keys`).

use crate::load::{Entry, Value, ValueKind};
use crate::schema::{self, DynamicOutputs, StoreWhen};
use std::borrow::Cow;

/// The names an operator task stores.
#[derive(Clone, Debug, PartialEq)]
pub enum Stores {
    /// These dotted names, each with whether it is stored on every success (`false`: only in
    /// some situations, such as `emr>` creating a new cluster).
    Names(Vec<(Cow<'static, str>, bool)>),
    /// Anything (`py>`, `rb>`, `call>`, `http_call>`, and operators the catalog does not know
    /// that are not misspellings of one it does, such as plugins).
    Anything,
}

/// Whether an option value turns a store on (`true`, or any string but `false`, as `pg>`'s
/// `store_last_results: first|all`).
fn enabled(v: Option<&Value>) -> bool {
    match v.map(|v| &v.kind) {
        Some(ValueKind::Bool(b)) => *b,
        Some(ValueKind::String(s)) => !matches!(s.trim(), "" | "false" | "False"),
        Some(ValueKind::Int(i)) => *i != 0,
        _ => false,
    }
}

/// What an operator task stores, given its command and its own parameters (the keys of its
/// body).
///
/// A store that depends on an option (`store_last_results`) is listed only when the task
/// enables it; `param_get>` stores the names its keys map to.
pub fn operator_stores(operator: &str, command: Option<&Value>, params: &[Entry]) -> Stores {
    let param = |key: &str| params.iter().find(|e| e.key == key).map(|e| &e.value);
    let Some(spec) = schema::operator(operator) else {
        // A misspelled operator (`ehco>`, reported as O001) stores nothing; any other unknown
        // operator may be a plugin, which may store anything.
        let names = schema::operators().iter().map(|o| o.name);
        return if crate::suggest::did_you_mean(operator, names).is_empty() {
            Stores::Anything
        } else {
            Stores::Names(Vec::new())
        };
    };
    let mut names: Vec<(Cow<'static, str>, bool)> = Vec::new();
    for s in spec.stores {
        match s.when {
            StoreWhen::Always => names.push((Cow::Borrowed(s.name), true)),
            StoreWhen::ParamEnabled(p) => {
                if enabled(param(p)) {
                    names.push((Cow::Borrowed(s.name), true));
                }
            }
            StoreWhen::Sometimes(_) => names.push((Cow::Borrowed(s.name), false)),
        }
    }
    match spec.dynamic {
        DynamicOutputs::None => {}
        DynamicOutputs::Script | DynamicOutputs::Generated => return Stores::Anything,
        DynamicOutputs::LocalKeyValues => {
            // `param_get>` with `key: dest` on the task sets `dest` (to "" when the server has
            // no `key`); a `param_get>: {key: dest}` command object is read the same way here.
            let command_entries = match command.map(|c| &c.kind) {
                Some(ValueKind::Object(o)) => o.entries.iter().map(|e| &e.value).collect(),
                _ => Vec::new(),
            };
            for v in params.iter().map(|e| &e.value).chain(command_entries) {
                if let Some(dest) = v.scalar_text() {
                    names.push((Cow::Owned(dest), true));
                }
            }
        }
    }
    Stores::Names(names)
}

/// The variables a generating operator exports to each task it generates from `_do`
/// (`None` when they are known only at run time, e.g. `for_each>: ${keys}`, or when the
/// operator is not in the catalog).
pub fn loop_variables(operator: &str, command: Option<&Value>) -> Option<Vec<String>> {
    let spec = schema::operator(operator)?;
    let mut out: Vec<String> = spec.exports.iter().map(|e| e.name.to_string()).collect();
    if spec.exports_command_keys {
        match command {
            Some(Value {
                kind: ValueKind::Object(o),
                ..
            }) => out.extend(o.entries.iter().map(|e| e.key.clone())),
            Some(Value {
                kind: ValueKind::String(s),
                ..
            }) => {
                // A JSON object in a string: its keys, when it is literal JSON.
                match serde_json::from_str::<serde_json::Value>(s) {
                    Ok(serde_json::Value::Object(m)) => out.extend(m.keys().cloned()),
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    Some(out)
}
