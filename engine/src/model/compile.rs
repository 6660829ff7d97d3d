//! Workflow file value -> [`Workflow`], with digdag's loader and compiler checks.

use super::names;
use super::timezone;
use super::{Parallel, Task, TaskKind, TaskOptions, Workflow};
use crate::check::registry as rules;
use crate::diagnostic::Diagnostic;
use crate::load::{Entry, Object, Value, ValueKind};
use crate::schema::Target;
use crate::source::{FileId, Span};
use crate::suggest::did_you_mean;

/// Keys allowed at the top level besides `+tasks`.
const TOP_LEVEL_KEYS: &[&str] = &[
    "timezone",
    "_export",
    "schedule",
    "sla",
    "_error",
    "_check",
    "_retry",
    "_parallel",
];

/// Keys a group task accepts besides `+tasks`, in digdag's (Java `HashSet`) order, which is
/// the order its "did you mean" lists use.
pub const GROUP_KEYS: &[&str] = &[
    "schedule",
    "_parallel",
    "timezone",
    "_error",
    "sla",
    "_check",
    "_export",
    "_secrets",
    "_background",
    "_retry",
    "_after",
];

/// Builds the workflow `name` from the loaded root value of its file, reporting everything
/// digdag's loader and compiler would reject.
pub fn compile_workflow(
    name: &str,
    file: FileId,
    root: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Workflow {
    compile_workflow_for(name, file, root.clone(), Target::Digdag, diagnostics)
}

/// Like [`compile_workflow`], for a target (Treasure Workflow also accepts the top-level
/// `trigger:`), taking the root value: its tasks move into the root task, not copied.
pub fn compile_workflow_for(
    name: &str,
    file: FileId,
    root: Value,
    target: Target,
    diagnostics: &mut Vec<Diagnostic>,
) -> Workflow {
    let mut c = Compiler { diagnostics };
    let mut trigger = None;
    let file_span = Span::new(file, 0, 0);
    if let Err(msg) = names::check_workflow_name(name) {
        c.push(Diagnostic::new(
            &rules::INVALID_WORKFLOW_NAME,
            file_span,
            format!("Validating workflow failed: name {msg}: \"{name}\" (the workflow name is the file name without .dig)"),
        ));
    } else if let Err(msg) = names::check_raw_task_name(&format!("+{name}")) {
        c.push(Diagnostic::new(
            &rules::INVALID_WORKFLOW_NAME,
            file_span,
            format!("Validating workflow task failed: name {msg}: \"+{name}\" (the root task is named after the file; rename the file)"),
        ));
    }
    let root_span = root.span;
    let obj = match root.kind {
        ValueKind::Object(o) => o,
        _ => Object::default(),
    };
    let mut timezone = None;
    for e in &obj.entries {
        let key = e.key.as_str();
        if key.starts_with('+') {
            if let Err(msg) = names::check_top_level_task_name(key) {
                c.push(Diagnostic::new(
                    &rules::INVALID_TASK_NAME,
                    e.key_span,
                    format!("Validating workflow failed: task name {msg}: \"{key}\""),
                ));
            }
        } else if key == "timezone" {
            match e.value.scalar_text() {
                Some(tz) => {
                    if let Err(msg) = timezone::check_zone_id(&tz) {
                        let mut d = Diagnostic::new(&rules::INVALID_TIMEZONE, e.value.span, msg);
                        if let Some(s) = timezone::suggest_zone(&tz) {
                            d.message.push_str(&format!(" (did you mean {s}?)"));
                            d = d.with_fix(format!("Replace with `{s}`"), e.value.span, s);
                        }
                        c.push(d);
                    }
                    timezone = Some((tz, e.value.span));
                }
                None => c.push(Diagnostic::new(
                    &rules::INVALID_TIMEZONE,
                    e.value.span,
                    format!(
                        "Expected string for key 'timezone' but got {} ({})",
                        e.value.to_json(),
                        e.value.type_word()
                    ),
                )),
            }
        } else if TOP_LEVEL_KEYS.contains(&key) {
            if e.value.is_null() && key != "_export" {
                c.push(Diagnostic::new(
                    &rules::TASK_NOT_OBJECT,
                    e.key_span,
                    format!("Parameter '{key}' is required but null"),
                ));
            }
        } else if key == "trigger" && target == Target::TreasureWorkflow {
            trigger = Some(e.value.clone());
        } else {
            let mut msg = format!("Workflow '{name}' includes unknown keys: [{key}]");
            if key == "trigger" {
                msg.push_str(": `trigger` is a Treasure Workflow feature; lint with `--target treasure-workflow`");
                c.push(Diagnostic::new(
                    &rules::UNKNOWN_TOP_LEVEL_KEY,
                    e.key_span,
                    msg,
                ));
                continue;
            }
            let cands = did_you_mean(key, TOP_LEVEL_KEYS.iter().copied());
            let mut d;
            if let Some(best) = cands.first() {
                msg.push_str(&format!(" (did you mean `{best}`?)"));
                d = Diagnostic::new(&rules::UNKNOWN_TOP_LEVEL_KEY, e.key_span, msg);
                d = d.with_fix(
                    format!("Replace with `{best}`"),
                    e.key_span,
                    best.to_string(),
                );
            } else {
                msg.push_str(if key.ends_with('>') || key == "_type" {
                    ": an operator needs a task, e.g. `+task:` around it"
                } else {
                    ": parameters belong under `_export:`"
                });
                d = Diagnostic::new(&rules::UNKNOWN_TOP_LEVEL_KEY, e.key_span, msg);
            }
            c.push(d);
        }
    }
    // The root task: `_export`, options and `+tasks` of the file (timezone removed).
    let root_obj = Object {
        entries: obj
            .entries
            .into_iter()
            .filter(|e| {
                e.key == "_export"
                    || e.key.starts_with('+')
                    || (TOP_LEVEL_KEYS.contains(&e.key.as_str()) && e.key != "timezone")
            })
            .collect(),
    };
    let root_value = Value::new(ValueKind::Object(root_obj), root_span);
    let root_name = format!("+{name}");
    let root_task = c.task(&root_name, &root_name, file_span, &root_value, None);
    Workflow {
        name: name.to_string(),
        file,
        timezone,
        root: root_task,
        trigger,
    }
}

/// Compiles one task body the way digdag compiles the subtask configs that operators generate
/// at run time (`^sub`, `^check`, `^error`, loop children): `full_name` is the task's full
/// name, `value` its body. Problems are reported to `diagnostics`.
pub fn compile_task(
    name: &str,
    full_name: &str,
    value: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Task {
    let mut c = Compiler { diagnostics };
    c.task(
        name,
        full_name,
        value.span,
        value,
        Some(&Parallel::Sequential),
    )
}

struct Compiler<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Compiler<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Merges an array of objects into one body (digdag's `getNestedOrderedOrGetEmpty`).
    fn body<'v>(
        &mut self,
        name: &str,
        name_span: Span,
        value: &'v Value,
    ) -> std::borrow::Cow<'v, Object> {
        std::borrow::Cow::Owned(match &value.kind {
            ValueKind::Object(o) => return std::borrow::Cow::Borrowed(o),
            ValueKind::Array(items) if items.iter().all(|v| v.as_object().is_some()) => {
                let mut out = Object::default();
                for item in items {
                    if let Some(o) = item.as_object() {
                        for e in &o.entries {
                            match out.position(&e.key) {
                                Some(i) => out.entries[i] = e.clone(),
                                None => out.entries.push(e.clone()),
                            }
                        }
                    }
                }
                out
            }
            ValueKind::Null => Object::default(),
            _ => {
                let span = if value.span.start == value.span.end {
                    name_span
                } else {
                    value.span
                };
                self.push(Diagnostic::new(
                    &rules::TASK_NOT_OBJECT,
                    span,
                    format!(
                        "Parameter '{name}' must be an object or array of objects, not {} {}",
                        article(value.type_word()),
                        value.type_word()
                    ),
                ));
                Object::default()
            }
        })
    }

    /// Compiles one task. `parent_parallel` is the parent group's mode (None for the root).
    fn task(
        &mut self,
        name: &str,
        full_name: &str,
        name_span: Span,
        value: &Value,
        parent: Option<&Parallel>,
    ) -> Task {
        if value.is_null() && parent.is_some() && !name.starts_with('^') {
            self.push(Diagnostic::new(
                &rules::TASK_NOT_OBJECT,
                name_span,
                format!("Parameter '{name}' is required but null: give the task a body, e.g. `{name}: {{echo>: hello}}`"),
            ));
        }
        let body = self.body(name, name_span, value);
        let mut options = TaskOptions::default();
        let mut operator_keys: Vec<&Entry> = Vec::new();
        let mut task_entries: Vec<&Entry> = Vec::new();
        let mut params = Vec::new();
        let mut directive_keys = Vec::new();
        for e in &body.entries {
            let key = e.key.as_str();
            if key.starts_with('+') {
                task_entries.push(e);
                continue;
            }
            if key.ends_with('>') || key == "_type" {
                operator_keys.push(e);
            }
            match key {
                "_export" => options.export = Some(e.value.clone()),
                "_retry" => options.retry = Some(e.value.clone()),
                "_check" => options.check = Some(e.value.clone()),
                "_do" => options.do_ = Some(e.value.clone()),
                "_else_do" => options.else_do = Some(e.value.clone()),
                "_secrets" => options.secrets = Some(e.value.clone()),
                "timezone" => options.timezone = Some(e.value.clone()),
                "schedule" => options.schedule = Some(e.value.clone()),
                "sla" => options.sla = Some(e.value.clone()),
                "_disable" => {
                    options.disabled = matches!(e.value.kind, ValueKind::Bool(true))
                        || e.value.as_str() == Some("true")
                }
                "_background" => options.background = Some((is_true(&e.value), e.value.span)),
                "_after" => {
                    let names = match &e.value.kind {
                        ValueKind::Array(items) => items
                            .iter()
                            .filter_map(|v| v.scalar_text().map(|s| (s, v.span)))
                            .collect(),
                        _ => e
                            .value
                            .scalar_text()
                            .map(|s| vec![(s, e.value.span)])
                            .unwrap_or_default(),
                    };
                    options.after = names;
                }
                _ => {}
            }
            if key.starts_with('_') && !key.ends_with('>') {
                directive_keys.push((e.key.clone(), e.key_span));
            }
            if !key.starts_with('_') && !matches!(key, "timezone" | "schedule" | "sla")
                || key.ends_with('>')
            {
                params.push(e.clone());
            }
        }
        let mut task = Task {
            name: name.to_string(),
            full_name: full_name.to_string(),
            name_span,
            span: value.span,
            kind: TaskKind::Group,
            options,
            params,
            directive_keys,
            local: Object {
                entries: body
                    .entries
                    .iter()
                    .filter(|e| !e.key.starts_with('+') && e.key != "_export")
                    .cloned()
                    .collect(),
            },
            children: Vec::new(),
        };
        if task.options.disabled {
            // `_disable: true` turns the task into an empty group; digdag compiles nothing below.
            return task;
        }
        let is_operator = !operator_keys.is_empty();
        if is_operator {
            if operator_keys.len() > 1 {
                let json = Value::new(
                    ValueKind::Object(Object {
                        entries: operator_keys.iter().map(|e| (*e).clone()).collect(),
                    }),
                    value.span,
                )
                .to_json();
                let first = operator_keys[0];
                for extra in &operator_keys[1..] {
                    self.push(
                        Diagnostic::new(
                            &rules::MULTIPLE_OPERATORS,
                            extra.key_span,
                            format!("A task can't have more than one operator: {json}: split `{full_name}` into one task per operator"),
                        )
                        .with_label(first.key_span, "first operator"),
                    );
                }
            }
            if let Some(first_task) = task_entries.first() {
                self.push(
                    Diagnostic::new(
                        &rules::OPERATOR_WITH_SUBTASKS,
                        first_task.key_span,
                        format!(
                            "A task can't have subtasks: `{full_name}` runs `{}` and also has `{}`; move the operator into its own `+task`",
                            operator_keys[0].key,
                            first_task.key
                        ),
                    )
                    .with_label(operator_keys[0].key_span, "operator here"),
                );
            }
            let op = operator_keys[0];
            let (op_name, command) = if op.key == "_type" {
                (
                    op.value.scalar_text().unwrap_or_default(),
                    body.get("_command").cloned(),
                )
            } else {
                (
                    op.key.trim_end_matches('>').to_string(),
                    Some(op.value.clone()),
                )
            };
            task.kind = TaskKind::Operator {
                name: op_name,
                name_span: op.key_span,
                command,
            };
        } else {
            // A group accepts only the grouping keys.
            for e in &body.entries {
                let key = e.key.as_str();
                if key.starts_with('+') || GROUP_KEYS.contains(&key) {
                    continue;
                }
                if key == "_disable" {
                    continue;
                }
                let cands = did_you_mean(key, GROUP_KEYS.iter().copied());
                let hint = if cands.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean [{}]?)", cands.join(", "))
                };
                let extra = if cands.is_empty() {
                    if key.starts_with('_') {
                        ": a group accepts only task options"
                    } else {
                        ": a group has no operator, so parameters go under `_export:`"
                    }
                } else {
                    ""
                };
                let mut d = Diagnostic::new(
                    &rules::INVALID_GROUP_KEY,
                    e.key_span,
                    format!("{full_name} contains invalid keys: '{key}'{hint}{extra}"),
                );
                if let Some(best) = cands.first() {
                    d = d.with_fix(
                        format!("Replace with `{best}`"),
                        e.key_span,
                        best.to_string(),
                    );
                }
                self.push(d);
            }
        }
        // `_parallel` of a group decides how its children are chained.
        // Operator tasks (loops) read `_parallel` at run time, after templates: not here.
        let mut mode = Parallel::Sequential;
        if let Some(e) = body.entry("_parallel").filter(|_| !is_operator) {
            if let Some(p) = self.parallel(&e.value) {
                mode = p.clone();
                task.options.parallel = Some((p, e.value.span));
            }
        }
        if let Some(e) = body.entry("_error") {
            let err_name = "^error";
            let err_full = format!("{full_name}{err_name}");
            let t = self.task(
                err_name,
                &err_full,
                e.key_span,
                &e.value,
                Some(&Parallel::Sequential),
            );
            task.options.error = Some(Box::new(t));
        }
        if is_operator {
            // Bodies the operator turns into tasks at run time (`^sub`, `^check`), compiled
            // now so that what digdag would reject when it generates them is reported here.
            for (key, slot) in [("_do", 0), ("_else_do", 1), ("_check", 2)] {
                let Some(e) = body.entry(key) else { continue };
                if e.value.is_null() {
                    continue;
                }
                let own = if slot == 2 { "^check" } else { "^sub" };
                let t = self.task(
                    own,
                    &format!("{full_name}{own}"),
                    e.key_span,
                    &e.value,
                    Some(&Parallel::Sequential),
                );
                let t = Some(Box::new(t));
                match slot {
                    0 => task.options.do_task = t,
                    1 => task.options.else_do_task = t,
                    _ => task.options.check_task = t,
                }
            }
            return task;
        }
        // Children.
        let mut earlier: Vec<&str> = Vec::new();
        for e in task_entries {
            let key = e.key.as_str();
            if let Err(msg) = names::check_raw_task_name(key) {
                self.push(Diagnostic::new(
                    &rules::INVALID_TASK_NAME,
                    e.key_span,
                    format!("Validating workflow task failed: name {msg}: \"{key}\""),
                ));
            }
            let child_full = format!("{full_name}{key}");
            let child = self.task(key, &child_full, e.key_span, &e.value, Some(&mode));
            self.check_sibling_options(&child, &mode, &earlier, key);
            earlier.push(key);
            task.children.push(child);
        }
        task
    }

    fn check_sibling_options(
        &mut self,
        child: &Task,
        mode: &Parallel,
        earlier: &[&str],
        key: &str,
    ) {
        let parallel = *mode != Parallel::Sequential;
        if !child.options.after.is_empty() {
            let span = child.options.after[0].1;
            if !parallel {
                self.push(Diagnostic::new(
                    &rules::AFTER_WITHOUT_PARALLEL,
                    span,
                    "Setting \"_after\" option is invalid if its parent task doesn't have \"_parallel: true\" option: without `_parallel` the siblings already run in order".to_string(),
                ));
            } else {
                for (name, span) in &child.options.after {
                    if !earlier.contains(&name.as_str()) {
                        let why = if name == key {
                            "a task cannot wait for itself"
                        } else {
                            "`_after` may name only siblings written before this task"
                        };
                        let mut d = Diagnostic::new(
                            &rules::AFTER_UNKNOWN_TASK,
                            *span,
                            format!("Dependency task '{name}' does not exist: {why}"),
                        );
                        if let Some(best) = did_you_mean(name, earlier.iter().copied()).first() {
                            d.message.push_str(&format!(" (did you mean `{best}`?)"));
                            d = d.with_fix(
                                format!("Replace with `{best}`"),
                                *span,
                                best.to_string(),
                            );
                        }
                        self.push(d);
                    }
                }
            }
        }
        if let Some((true, span)) = child.options.background {
            if parallel {
                self.push(Diagnostic::new(
                    &rules::BACKGROUND_WITH_PARALLEL,
                    span,
                    "Setting \"_background: true\" option is invalid (unnecessary) if its parent task has \"_parallel: true\" option".to_string(),
                ));
            }
        }
    }

    /// Parses `_parallel` like digdag's `ParallelControl`.
    fn parallel(&mut self, v: &Value) -> Option<Parallel> {
        match &v.kind {
            ValueKind::Bool(b) => Some(if *b {
                Parallel::All
            } else {
                Parallel::Sequential
            }),
            ValueKind::Int(i) => Some(if *i != 0 {
                Parallel::All
            } else {
                Parallel::Sequential
            }),
            ValueKind::String(s) if matches!(s.trim(), "true" | "True") => Some(Parallel::All),
            ValueKind::String(s) if matches!(s.trim(), "false" | "False" | "") => {
                Some(Parallel::Sequential)
            }
            ValueKind::Null => Some(Parallel::Sequential),
            ValueKind::Object(o) => match o.get("limit") {
                Some(Value {
                    kind: ValueKind::Int(n),
                    ..
                }) => Some(Parallel::Limit(*n)),
                Some(Value {
                    kind: ValueKind::String(s),
                    ..
                }) if s.trim().parse::<i64>().is_ok() => {
                    Some(Parallel::Limit(s.trim().parse().unwrap_or(0)))
                }
                Some(other) => {
                    self.push(Diagnostic::new(
                        &rules::INVALID_PARALLEL,
                        other.span,
                        format!(
                            "Expected integer (int) type for key 'limit' but got {} ({})",
                            other.to_json(),
                            other.type_word()
                        ),
                    ));
                    None
                }
                None => {
                    self.push(Diagnostic::new(
                        &rules::INVALID_PARALLEL,
                        v.span,
                        "Parameter 'limit' is required but not set: write `_parallel: {limit: N}`"
                            .to_string(),
                    ));
                    None
                }
            },
            ValueKind::String(s) => {
                let extra = if s.contains("${") {
                    ": `_parallel` of a group is read before templates are evaluated, so it must be a literal true or false"
                } else {
                    ""
                };
                self.push(Diagnostic::new(
                    &rules::INVALID_PARALLEL,
                    v.span,
                    format!(
                        "Expected 'true' or 'false' for key '_parallel' but got {} (string){extra}",
                        v.to_json()
                    ),
                ));
                None
            }
            _ => {
                self.push(Diagnostic::new(
                    &rules::INVALID_PARALLEL,
                    v.span,
                    format!(
                        "Invalid _parallel format: {}: use `true`, `false` or `{{limit: N}}`",
                        v.to_json()
                    ),
                ));
                None
            }
        }
    }
}

fn is_true(v: &Value) -> bool {
    match &v.kind {
        ValueKind::Bool(b) => *b,
        ValueKind::String(s) => matches!(s.trim(), "true" | "True"),
        ValueKind::Int(i) => *i != 0,
        _ => false,
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
