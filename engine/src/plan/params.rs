//! The parameters a task would get in one session, resolved ahead of the run (semantics §3.2,
//! §4.3): `-p` parameters, the `_export` chain of its ancestors (and its own), the built-in
//! variables of the session, then its own keys; templates are evaluated where everything they
//! read is known before the run, and kept as text otherwise.

use crate::load::{Object, Value, ValueKind};
use crate::run::params::{deep_merge, set, string};
use crate::schedule::{builtin_session_variables, Schedule, Session};
use crate::template::{template_references, EvalOptions, Evaluator};
use jiff::tz::TimeZone;
use std::cell::OnceCell;
use std::collections::HashSet;

/// Where a parameter's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamSource {
    /// `-p key=value` (or the project's declared parameters).
    Override,
    /// The `_export` of this task or of an ancestor (its full name).
    Export(String),
    /// A built-in variable (`session_time`, `task_name`, ...).
    Builtin,
    /// Written in the task itself.
    Local,
}

/// What is known about a parameter's value before the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamState {
    /// No template: the value as written.
    Literal,
    /// Templates evaluated: the value the task will see.
    Evaluated,
    /// A template that reads something known only at run time (the reason); the value is
    /// the template text.
    Unresolved(String),
    /// Evaluating fails with this message (the task would fail the same way, unless an
    /// earlier task stores what is missing).
    Failed(String),
}

/// One resolved parameter of a task.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub key: String,
    /// The evaluated value, or the text as written when it could not be evaluated.
    pub value: Value,
    /// The value as written (before templates).
    pub written: Value,
    pub state: ParamState,
    pub source: ParamSource,
}

/// The built-in variables of one session that are known before it runs (§3.1):
/// `timezone`, `session_*`, and with a schedule `last_session_*` and `next_session_*`.
/// (`session_uuid`, `session_id`, `attempt_id` and `project_id` exist only once the session
/// does.)
pub fn session_variables(
    timezone: &str,
    tz: &TimeZone,
    schedule: Option<&Schedule>,
    session: &Session,
) -> Object {
    let mut o = Object::default();
    set(&mut o, "timezone", string(timezone));
    for (k, v) in builtin_session_variables(schedule, session, tz) {
        let value = match v.parse::<i64>() {
            Ok(n) if k.ends_with("_unixtime") => crate::run::params::int(n),
            _ => string(v),
        };
        set(&mut o, &k, value);
    }
    o
}

/// Resolves task parameters for one plan: the overrides (`-p`), the session (if one is being
/// planned) and a JavaScript evaluator made on first use.
pub struct ParamResolver {
    overrides: Object,
    builtins: Object,
    has_session: bool,
    eval_options: EvalOptions,
    evaluator: OnceCell<Option<Evaluator>>,
}

impl std::fmt::Debug for ParamResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParamResolver")
            .field("overrides", &self.overrides)
            .field("builtins", &self.builtins)
            .finish()
    }
}

/// Names a template may read besides parameters.
fn is_global(name: &str) -> bool {
    crate::template::js::is_builtin_global(name) || matches!(name, "moment" | "template")
}

impl ParamResolver {
    /// `overrides`: `-p` parameters; `session`: the [`session_variables`] of the session
    /// being planned and its run time in epoch milliseconds ("now" for `moment()`), or `None`
    /// when no session is chosen (only `timezone` is then known); `timezone`: the workflow's.
    pub fn new(overrides: Object, session: Option<(Object, i64)>, timezone: &str) -> ParamResolver {
        let has_session = session.is_some();
        let (builtins, now_ms) = match session {
            Some((vars, now)) => (vars, Some(now)),
            None => {
                let mut o = Object::default();
                set(&mut o, "timezone", string(timezone));
                (o, None)
            }
        };
        ParamResolver {
            overrides,
            builtins,
            has_session,
            eval_options: EvalOptions {
                timezone: Some(timezone.to_string()),
                now_ms,
                ..EvalOptions::default()
            },
            evaluator: OnceCell::new(),
        }
    }

    /// The built-in variables every task of the session shares.
    pub fn builtins(&self) -> &Object {
        &self.builtins
    }

    fn evaluator(&self) -> Option<&Evaluator> {
        self.evaluator
            .get_or_init(|| Evaluator::new(self.eval_options.clone()).ok())
            .as_ref()
    }

    /// The parameters of the task `task_name`: `exports` are the `_export` objects of its
    /// ancestors and itself, outermost first, with the full name of the task that wrote
    /// each; `local` is the task's own config. In digdag's key order (§4.3): inherited keys
    /// first, then built-ins, then local keys; stores of earlier tasks are not known before
    /// the run, so templates reading a name nothing defines stay unresolved.
    pub fn resolve(
        &self,
        exports: &[(&str, &Object)],
        task_name: &str,
        local: &Object,
    ) -> Vec<Param> {
        let mut base = self.overrides.clone();
        let mut sources: Vec<(String, ParamSource)> = base
            .entries
            .iter()
            .map(|e| (e.key.clone(), ParamSource::Override))
            .collect();
        let set_source =
            |sources: &mut Vec<(String, ParamSource)>, key: &str, s: ParamSource| match sources
                .iter_mut()
                .find(|(k, _)| k == key)
            {
                Some(slot) => slot.1 = s,
                None => sources.push((key.to_string(), s)),
            };
        for (task, export) in exports {
            deep_merge(&mut base, export);
            for e in &export.entries {
                set_source(&mut sources, &e.key, ParamSource::Export(task.to_string()));
            }
        }
        for e in &self.builtins.entries {
            set(&mut base, &e.key, e.value.clone());
            set_source(&mut sources, &e.key, ParamSource::Builtin);
        }
        set(&mut base, "task_name", string(task_name));
        set_source(&mut sources, "task_name", ParamSource::Builtin);
        let mut all = base.clone();
        // `_do`/`_else_do` are bodies (not evaluated here); `_error`/`_check` are removed
        // before evaluation (they become `^error`/`^check`).
        let own = Object {
            entries: local
                .entries
                .iter()
                .filter(|e| !matches!(e.key.as_str(), "_error" | "_check"))
                .cloned()
                .collect(),
        };
        for e in &own.entries {
            set(&mut all, &e.key, e.value.clone());
            set_source(&mut sources, &e.key, ParamSource::Local);
        }
        let mut unresolved: HashSet<String> = HashSet::new();
        let mut out = Vec::with_capacity(all.entries.len());
        let mut built = Object::default();
        for e in &all.entries {
            let (value, state) = if matches!(e.key.as_str(), "_do" | "_else_do") {
                (e.value.clone(), ParamState::Literal)
            } else {
                self.eval_value(&e.value, &built, &base, &unresolved)
            };
            if matches!(state, ParamState::Unresolved(_) | ParamState::Failed(_)) {
                unresolved.insert(e.key.clone());
            }
            set(&mut built, &e.key, value.clone());
            let source = sources
                .iter()
                .find(|(k, _)| *k == e.key)
                .map_or(ParamSource::Local, |(_, s)| s.clone());
            out.push(Param {
                key: e.key.clone(),
                value,
                written: e.value.clone(),
                state,
                source,
            });
        }
        out
    }

    /// Evaluates the strings of `v` (tolerantly: what cannot be evaluated stays as written),
    /// each seeing `params` plus the earlier keys of its object (`local`), as digdag's
    /// `ConfigEvalEngine` does. The state is the "worst" of its strings.
    fn eval_value(
        &self,
        v: &Value,
        local: &Object,
        params: &Object,
        unresolved: &HashSet<String>,
    ) -> (Value, ParamState) {
        match &v.kind {
            ValueKind::Object(o) => {
                let mut built = Object::default();
                let mut state = ParamState::Literal;
                for e in &o.entries {
                    let (value, s) = if matches!(e.key.as_str(), "_do" | "_else_do") {
                        (e.value.clone(), ParamState::Literal)
                    } else {
                        self.eval_value(&e.value, &built, params, unresolved)
                    };
                    state = worst(state, s);
                    set(&mut built, &e.key, value);
                }
                (Value::new(ValueKind::Object(built), v.span), state)
            }
            ValueKind::Array(items) => {
                let mut state = ParamState::Literal;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let (value, s) = self.eval_value(item, local, params, unresolved);
                    state = worst(state, s);
                    out.push(value);
                }
                (Value::new(ValueKind::Array(out), v.span), state)
            }
            ValueKind::String(s) if s.contains('$') => {
                let mut scoped = params.clone();
                for e in &local.entries {
                    set(&mut scoped, &e.key, e.value.clone());
                }
                match self.render(s, &scoped, unresolved) {
                    Ok(Some(text)) => {
                        let state = if text == *s {
                            ParamState::Literal
                        } else {
                            ParamState::Evaluated
                        };
                        (Value::new(ValueKind::String(text), v.span), state)
                    }
                    Ok(None) => (v.clone(), ParamState::Literal),
                    Err(state) => (v.clone(), state),
                }
            }
            _ => (v.clone(), ParamState::Literal),
        }
    }

    /// Evaluates one template when everything it reads is known.
    fn render(
        &self,
        s: &str,
        scope: &Object,
        unresolved: &HashSet<String>,
    ) -> Result<Option<String>, ParamState> {
        if !crate::template::parse::needs_eval(s) {
            return Ok(None);
        }
        for r in template_references(s) {
            if r.in_typeof || is_global(&r.name) {
                continue;
            }
            if unresolved.contains(&r.name) && scope.get(&r.name).is_some() {
                return Err(ParamState::Unresolved(format!(
                    "`{}` is known only at run time",
                    r.name
                )));
            }
            if let Some(missing) = missing_member(scope, &r.name, &r.path) {
                // `td.last_results` of an exported `td`: stored by an earlier task, probably.
                return Err(ParamState::Unresolved(format!(
                    "`{missing}` is not defined before the run (stored by an earlier task?)"
                )));
            }
            if scope.get(&r.name).is_none() && !r.via_this {
                let why = if !self.has_session && is_session_variable(&r.name) {
                    format!(
                        "`{}` depends on the session (plan one with --session)",
                        r.name
                    )
                } else {
                    format!(
                        "`{}` is not defined before the run (stored by an earlier task?)",
                        r.name
                    )
                };
                return Err(ParamState::Unresolved(why));
            }
        }
        let Some(ev) = self.evaluator() else {
            return Err(ParamState::Unresolved(
                "the JavaScript engine is not available".into(),
            ));
        };
        ev.render(s, scope)
            .map(Some)
            .map_err(|e| ParamState::Failed(e.message))
    }
}

/// The first member of `name.path...` missing from an object in `scope` (`td.last_results`),
/// when `name` is defined.
fn missing_member(scope: &Object, name: &str, path: &[String]) -> Option<String> {
    let mut value = scope.get(name)?;
    for (i, member) in path.iter().enumerate() {
        let ValueKind::Object(o) = &value.kind else {
            return None;
        };
        match o.get(member) {
            Some(v) => value = v,
            None => return Some(format!("{name}.{}", path[..=i].join("."))),
        }
    }
    None
}

/// Built-ins that exist only once a session is chosen.
fn is_session_variable(name: &str) -> bool {
    crate::schema::builtin_variable(name).is_some() && name != "timezone" && name != "task_name"
}

fn rank(s: &ParamState) -> u8 {
    match s {
        ParamState::Literal => 0,
        ParamState::Evaluated => 1,
        ParamState::Unresolved(_) => 2,
        ParamState::Failed(_) => 3,
    }
}

fn worst(a: ParamState, b: ParamState) -> ParamState {
    if rank(&b) > rank(&a) {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::json::parse_json;
    use crate::run::params::{parse_param_arg, runtime_span};

    fn obj(json: &str) -> Object {
        match parse_json(json, runtime_span()).expect("json").kind {
            ValueKind::Object(o) => o,
            _ => panic!("not an object"),
        }
    }

    fn show(params: &[Param]) -> String {
        params
            .iter()
            .map(|p| {
                let state = match &p.state {
                    ParamState::Literal => String::new(),
                    ParamState::Evaluated => " (evaluated)".into(),
                    ParamState::Unresolved(why) => format!(" (unresolved: {why})"),
                    ParamState::Failed(msg) => format!(" (fails: {msg})"),
                };
                format!(
                    "{} = {} [{:?}]{state}\n",
                    p.key,
                    p.value.to_json(),
                    p.source
                )
            })
            .collect()
    }

    #[test]
    fn merge_order_exports_beat_overrides_and_builtins_beat_exports() {
        let mut overrides = Object::default();
        parse_param_arg("region=us", &mut overrides).expect("-p");
        parse_param_arg("db.name=from_p", &mut overrides).expect("-p");
        let r = ParamResolver::new(overrides, None, "UTC");
        let root = obj(r#"{"db": {"user": "etl"}, "timezone": "mine"}"#);
        let group = obj(r#"{"db": {"name": "analytics"}}"#);
        let local = obj(r#"{"td>": "q.sql", "region": "eu"}"#);
        let out = show(&r.resolve(&[("+wf", &root), ("+wf+g", &group)], "+wf+g+t", &local));
        assert_eq!(
            out,
            "region = \"eu\" [Local]\n\
             db = {\"name\":\"analytics\",\"user\":\"etl\"} [Export(\"+wf+g\")]\n\
             timezone = \"UTC\" [Builtin]\n\
             task_name = \"+wf+g+t\" [Builtin]\n\
             td> = \"q.sql\" [Local]\n"
        );
    }

    #[test]
    fn templates_evaluate_when_their_inputs_are_known() {
        let tz = TimeZone::get("Asia/Tokyo").expect("zone");
        let t: jiff::Timestamp = "2026-03-01T15:00:00Z".parse().expect("instant");
        let session = Session {
            session_time: t.to_zoned(tz.clone()),
            run_time: t.to_zoned(tz.clone()),
        };
        let vars = session_variables("Asia/Tokyo", &tz, None, &session);
        let r = ParamResolver::new(
            Object::default(),
            Some((vars, t.as_millisecond())),
            "Asia/Tokyo",
        );
        let export =
            obj(r#"{"table": "events_${session_date_compact}", "n": 2, "td": {"database": "d"}}"#);
        let local = obj(
            r#"{"echo>": "${table} ${n * 2} ${moment(session_time).add(1, 'days').format('YYYY-MM-DD')}", "x": "${last_result.count}", "y": "${x}", "z": "${nope(", "td>": "q.sql", "if>": "${td.last_results.n > 0}", "db": "${td.database}"}"#,
        );
        let out = show(&r.resolve(&[("+wf", &export)], "+wf+t", &local));
        assert!(
            out.contains("table = \"events_20260302\" [Export(\"+wf\")] (evaluated)\n"),
            "{out}"
        );
        assert!(
            out.contains("echo> = \"events_20260302 4 2026-03-03\" [Local] (evaluated)\n"),
            "{out}"
        );
        assert!(out.contains("x = \"${last_result.count}\" [Local] (unresolved: `last_result` is not defined before the run (stored by an earlier task?))\n"), "{out}");
        assert!(
            out.contains("y = \"${x}\" [Local] (unresolved: `x` is known only at run time)\n"),
            "{out}"
        );
        assert!(out.contains("z = \"${nope(\" [Local]\n"), "{out}");
        // An exported `td` does not make `td.last_results` known: a `td>` task stores it.
        assert!(out.contains("if> = \"${td.last_results.n > 0}\" [Local] (unresolved: `td.last_results` is not defined before the run (stored by an earlier task?))\n"), "{out}");
        assert!(out.contains("db = \"d\" [Local] (evaluated)\n"), "{out}");
        assert!(
            out.contains("session_tz_offset = \"+0900\" [Builtin]\n"),
            "{out}"
        );
        assert!(
            out.contains("session_unixtime = 1772377200 [Builtin]\n"),
            "{out}"
        );
    }

    #[test]
    fn without_a_session_session_variables_are_unresolved() {
        let r = ParamResolver::new(Object::default(), None, "UTC");
        let local =
            obj(r#"{"echo>": "${session_date} in ${timezone} at ${task_name}", "f": "${1 +}"}"#);
        let out = show(&r.resolve(&[], "+wf+t", &local));
        assert!(out.contains("echo> = \"${session_date} in ${timezone} at ${task_name}\" [Local] (unresolved: `session_date` depends on the session (plan one with --session))\n"), "{out}");
        assert!(
            out.contains(
                "f = \"${1 +}\" [Local] (fails: Failed to evaluate a variable ${1 +} (SyntaxError"
            ),
            "{out}"
        );
    }
}
