//! Evaluation of template strings, as digdag's `ConfigEvalEngine` + `digdag.js` do it, in a
//! sandboxed QuickJS context (via `rquickjs`).
//!
//! Parameters are [`crate::load::Value`]s / [`Object`]s (ordered, like digdag's Jackson
//! objects; key order matters for [`Evaluator::eval_config`]). They are serialized to JSON
//! exactly as Jackson would ([`Value::to_json`]) and parsed inside the context, and the
//! generated template function runs inside `with(this){...}` with `this` = the parameters,
//! like `digdag.js`. Each string is evaluated in a fresh context (as digdag does), with
//! [`moment`](super::moment) installed and the JavaScript local time zone being the workflow
//! time zone. A time budget and a memory limit bound every evaluation.

use super::parse::{parse_with, Segment, Syntax};
use crate::load::{Entry, Object, Value, ValueKind};
use std::cell::Cell;
use std::fmt;
use std::ops::Range;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How to evaluate.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// The workflow time zone (IANA name such as `Asia/Tokyo`, or `UTC`). `None`: the
    /// `timezone` parameter, as digdag reads it, else `UTC`.
    pub timezone: Option<String>,
    /// "Now" for `moment()`, `Date.now()` and `new Date()`, in epoch milliseconds; `None`:
    /// the system clock at the start of each evaluation.
    pub now_ms: Option<i64>,
    /// Wall-clock budget of one evaluation (`${while(true){}}` stops with
    /// [`EvalErrorKind::Timeout`]).
    pub time_budget: Duration,
    /// Memory limit of the JavaScript heap, in bytes.
    pub memory_limit: usize,
    /// Template syntax (digdag's default is the extended one).
    pub syntax: Syntax,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            timezone: None,
            now_ms: None,
            time_budget: Duration::from_secs(2),
            memory_limit: 64 << 20,
            syntax: Syntax::Extended,
        }
    }
}

/// What went wrong in an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalErrorKind {
    /// A JavaScript `SyntaxError` (the template does not compile).
    Syntax,
    /// A `ReferenceError` (an undefined variable).
    Reference,
    /// A `TypeError` (`undefined.x`, calling a non-function, ...).
    Type,
    /// Any other exception thrown by the expression.
    Other,
    /// The time budget ran out.
    Timeout,
    /// The memory limit was reached.
    OutOfMemory,
    /// The time zone is not a known zone.
    InvalidTimezone,
    /// The JavaScript engine could not be set up.
    Engine,
}

/// An evaluation failure, with digdag's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    /// What went wrong.
    pub kind: EvalErrorKind,
    /// The JavaScript error as digdag prints it in parentheses (`ReferenceError: x is not
    /// defined`).
    pub detail: String,
    /// The whole message: `Failed to evaluate a variable <template> (<detail>)`.
    pub message: String,
    /// The byte range of the `${...}` that failed, within the template, when known.
    pub expr_span: Option<Range<usize>>,
    /// Where the failing string was written ([`Evaluator::eval_config`] sets it).
    pub value_span: Option<crate::source::Span>,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

impl EvalError {
    fn new(kind: EvalErrorKind, template: &str, detail: String) -> EvalError {
        let message = match kind {
            EvalErrorKind::InvalidTimezone | EvalErrorKind::Engine => detail.clone(),
            _ => format!("Failed to evaluate a variable {template} ({detail})"),
        };
        EvalError {
            kind,
            detail,
            message,
            expr_span: None,
            value_span: None,
        }
    }
}

/// Renders a template whose every `${...}` is a plain variable path (`${name}`,
/// `${td.last_job_id}`) found in `params` with a string, integer, boolean or null value,
/// without starting JavaScript: the result is the one the engine would give (strings as
/// they are, integers and booleans as JSON, null as ""). Anything else (globals, calls,
/// floats, objects, a missing name) returns `None` and goes to the engine.
fn fast_render(template: &str, syntax: Syntax, params: &Object) -> Option<String> {
    let mut out = String::with_capacity(template.len());
    for seg in parse_with(template, syntax) {
        match seg {
            Segment::Literal(text) => out.push_str(&text),
            Segment::Expr { code, .. } => {
                let code = code.trim();
                if code.is_empty() {
                    continue;
                }
                let mut value: Option<&Value> = None;
                for (i, part) in code.split('.').enumerate() {
                    let ok = part
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
                        && part
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
                    if !ok || super::js::is_keyword(part) {
                        return None;
                    }
                    value = Some(if i == 0 {
                        params.get(part)?
                    } else {
                        value?.as_object()?.get(part)?
                    });
                }
                match &value?.kind {
                    ValueKind::String(v) => out.push_str(v),
                    ValueKind::Int(i) if i.unsigned_abs() < (1u64 << 53) => {
                        out.push_str(&i.to_string())
                    }
                    ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                    ValueKind::Null => {}
                    _ => return None,
                }
            }
        }
    }
    Some(out)
}

/// Removes ES2015+ built-ins (digdag's engine runs ECMAScript 5).
const ES5_ONLY_JS: &str = include_str!("es5.js");

/// Name of the global that records which expression is running (for error spans).
const AT: &str = "__wf_expr_index";

/// digdag.js's `escapes`: a literal inside a `'...'` JavaScript string.
fn escape_literal(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
}

/// The body of the function digdag.js builds for `segments` (the `new Function` source).
/// With `markers`, each expression first records its index in a global (same parse).
fn function_source(segments: &[Segment<'_>], markers: bool) -> String {
    let mut body = String::from("__p+='");
    let mut index = 0;
    for seg in segments {
        match seg {
            Segment::Literal(text) => escape_literal(text, &mut body),
            Segment::Expr { code, .. } => {
                if !code.is_empty() {
                    body.push_str("'+\n((");
                    if markers {
                        body.push_str(&format!("{AT}={index},"));
                    }
                    body.push_str("__t=(");
                    body.push_str(code);
                    body.push_str(
                        "))==null?'':(typeof __t==\"string\"?__t:JSON.stringify(__t)))+\n'",
                    );
                }
                index += 1;
            }
        }
    }
    body.push_str("';\n");
    format!(
        "with(this){{\nvar __t,__p='',__j=Array.prototype.join,print=function(){{__p+=__j.call(arguments,'');}};\n{body}return __p;\n}}\n"
    )
}

/// A QuickJS runtime with limits, reused across evaluations (each gets a fresh context).
/// Not `Send`: make one per thread.
pub struct Evaluator {
    rt: rquickjs::Runtime,
    deadline: Rc<Cell<Option<Instant>>>,
    timed_out: Rc<Cell<bool>>,
    opts: EvalOptions,
}

impl fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evaluator")
            .field("opts", &self.opts)
            .finish()
    }
}

fn engine_error(e: impl fmt::Display) -> EvalError {
    EvalError::new(
        EvalErrorKind::Engine,
        "",
        format!("JavaScript engine error: {e}"),
    )
}

impl Evaluator {
    /// A runtime with the limits of `opts`.
    pub fn new(opts: EvalOptions) -> Result<Evaluator, EvalError> {
        let rt = rquickjs::Runtime::new().map_err(engine_error)?;
        rt.set_memory_limit(opts.memory_limit);
        rt.set_max_stack_size(512 * 1024);
        let deadline: Rc<Cell<Option<Instant>>> = Rc::new(Cell::new(None));
        let timed_out = Rc::new(Cell::new(false));
        let (d, t) = (deadline.clone(), timed_out.clone());
        rt.set_interrupt_handler(Some(Box::new(move || match d.get() {
            Some(deadline) if Instant::now() >= deadline => {
                t.set(true);
                true
            }
            _ => false,
        })));
        Ok(Evaluator {
            rt,
            deadline,
            timed_out,
            opts,
        })
    }

    /// The options this evaluator was made with.
    pub fn options(&self) -> &EvalOptions {
        &self.opts
    }

    /// Evaluates one template string with `params` as the variable scope, as digdag's
    /// `ConfigEvalEngine.template` does (a string without `$` is returned unchanged).
    pub fn render(&self, template: &str, params: &Object) -> Result<String, EvalError> {
        if !template.contains('$') {
            return Ok(template.to_string());
        }
        if let Some(out) = fast_render(template, self.opts.syntax, params) {
            return Ok(out);
        }
        let tz = self.timezone(params, template)?;
        let json = Value::new(
            ValueKind::Object(params.clone()),
            crate::source::Span::new(crate::source::FileId(0), 0, 0),
        )
        .to_json();
        self.run(template, &json, &tz)
    }

    /// Evaluates every string of `config` as digdag's `ConfigEvalEngine.eval` does: keys in
    /// order; each string sees `params` plus the already evaluated earlier keys of the same
    /// object (inside arrays, of the enclosing object); `_do` and `_else_do` are copied
    /// unevaluated. Evaluated strings keep their spans.
    pub fn eval_config(&self, config: &Object, params: &Object) -> Result<Object, EvalError> {
        self.eval_object(config, params)
    }

    fn eval_object(&self, local: &Object, params: &Object) -> Result<Object, EvalError> {
        let mut built = Object::default();
        for e in &local.entries {
            let value = if e.key == "_do" || e.key == "_else_do" {
                e.value.clone()
            } else {
                self.eval_value(&e.value, &built, params)?
            };
            set(&mut built, &e.key, e.key_span, value);
        }
        Ok(built)
    }

    fn eval_value(&self, v: &Value, local: &Object, params: &Object) -> Result<Value, EvalError> {
        Ok(match &v.kind {
            ValueKind::Object(o) => {
                Value::new(ValueKind::Object(self.eval_object(o, params)?), v.span)
            }
            ValueKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval_value(item, local, params)?);
                }
                Value::new(ValueKind::Array(out), v.span)
            }
            ValueKind::String(s) if s.contains('$') => {
                let mut scoped = params.clone();
                for e in &local.entries {
                    set(&mut scoped, &e.key, e.key_span, e.value.clone());
                }
                let rendered = self.render(s, &scoped).map_err(|mut e| {
                    e.value_span.get_or_insert(v.span);
                    e
                })?;
                Value::new(ValueKind::String(rendered), v.span)
            }
            _ => v.clone(),
        })
    }

    fn timezone(&self, params: &Object, template: &str) -> Result<jiff::tz::TimeZone, EvalError> {
        let name = match &self.opts.timezone {
            Some(tz) => tz.clone(),
            None => params
                .get("timezone")
                .and_then(Value::scalar_text)
                .unwrap_or_else(|| "UTC".into()),
        };
        super::moment::time_zone(&name).ok_or_else(|| {
            EvalError::new(
                EvalErrorKind::InvalidTimezone,
                template,
                format!("Unknown time-zone ID: {name}"),
            )
        })
    }

    /// Runs the template in a fresh context.
    fn run(
        &self,
        template: &str,
        params_json: &str,
        tz: &jiff::tz::TimeZone,
    ) -> Result<String, EvalError> {
        let segments = parse_with(template, self.opts.syntax);
        let source = function_source(&segments, true);
        let now = self
            .opts
            .now_ms
            .unwrap_or_else(|| jiff::Timestamp::now().as_millisecond());
        self.timed_out.set(false);
        self.deadline
            .set(Some(Instant::now() + self.opts.time_budget));
        let result = self.run_in_context(&source, params_json, tz, now);
        self.deadline.set(None);
        let out = match result {
            Ok(Ok(s)) => Ok(s),
            Ok(Err((name, msg, at))) => {
                let mut err = self.classify(template, &name, &msg);
                err.expr_span = at.and_then(|i| expr_span(&segments, i));
                if err.kind == EvalErrorKind::Syntax {
                    err.expr_span = segments.iter().find_map(|s| match s {
                        Segment::Expr { code, span }
                            if !code.is_empty() && compile_issue(code).is_some() =>
                        {
                            Some(span.clone())
                        }
                        _ => None,
                    });
                }
                Err(err)
            }
            Err(e) => {
                if self.timed_out.get() {
                    Err(self.classify(template, "InternalError", "interrupted"))
                } else {
                    Err(self.classify(template, "InternalError", &e.to_string()))
                }
            }
        };
        self.rt.run_gc();
        out
    }

    fn classify(&self, template: &str, name: &str, msg: &str) -> EvalError {
        let (kind, detail) = if self.timed_out.get() {
            (
                EvalErrorKind::Timeout,
                format!(
                    "evaluation exceeded the time budget of {} ms",
                    self.opts.time_budget.as_millis()
                ),
            )
        } else if msg.contains("out of memory") || msg.contains("Allocation") {
            (
                EvalErrorKind::OutOfMemory,
                format!(
                    "evaluation exceeded the memory limit of {} bytes",
                    self.opts.memory_limit
                ),
            )
        } else {
            let kind = match name {
                "SyntaxError" => EvalErrorKind::Syntax,
                "ReferenceError" => EvalErrorKind::Reference,
                "TypeError" => EvalErrorKind::Type,
                _ => EvalErrorKind::Other,
            };
            (kind, format!("{name}: {}", graal_message(name, msg)))
        };
        EvalError::new(kind, template, detail)
    }

    /// Evaluates in a fresh context. Outer error: the engine failed (or was interrupted)
    /// without a readable exception; inner error: (error name, message, expression index).
    #[allow(clippy::type_complexity)]
    fn run_in_context(
        &self,
        source: &str,
        params_json: &str,
        tz: &jiff::tz::TimeZone,
        now: i64,
    ) -> Result<Result<String, (String, String, Option<usize>)>, rquickjs::Error> {
        let ctx = rquickjs::Context::full(&self.rt)?;
        ctx.with(|ctx| {
            let globals = ctx.globals();
            if let Err(e) = super::moment::install(&ctx, tz.clone(), now) {
                return match e {
                    rquickjs::Error::Exception => Ok(Err(exception_parts(&ctx))),
                    e => Err(e),
                };
            }
            ctx.eval::<(), _>(ES5_ONLY_JS)?;
            globals.set(AT, -1)?;
            globals.set("__wf_src", source)?;
            globals.set("__wf_params", params_json)?;
            let r: rquickjs::Result<rquickjs::Value> = ctx.eval(
                "(function(){var f=new Function(__wf_src);return f.call(JSON.parse(__wf_params));})()",
            );
            match r {
                Ok(v) => {
                    let s = match v.as_string() {
                        Some(s) => s.to_string()?,
                        None => String::new(),
                    };
                    Ok(Ok(s))
                }
                Err(rquickjs::Error::Exception) => {
                    let (name, msg, _) = exception_parts(&ctx);
                    let at: i64 = globals.get(AT).unwrap_or(-1);
                    Ok(Err((name, msg, usize::try_from(at).ok())))
                }
                Err(e) => Err(e),
            }
        })
    }
}

/// Replaces (or appends) `key` in `obj`, as Jackson's `ObjectNode.set` does.
fn set(obj: &mut Object, key: &str, key_span: crate::source::Span, value: Value) {
    if let Some(e) = obj.entries.iter_mut().find(|e| e.key == key) {
        e.value = value;
    } else {
        obj.entries.push(Entry {
            key: key.to_string(),
            key_span,
            value,
        });
    }
}

/// The span of the `index`-th expression segment.
fn expr_span(segments: &[Segment<'_>], index: usize) -> Option<Range<usize>> {
    segments
        .iter()
        .filter_map(|s| match s {
            Segment::Expr { span, .. } => Some(span.clone()),
            Segment::Literal(_) => None,
        })
        .nth(index)
}

/// GraalJS wording for the QuickJS messages that differ only in form.
fn graal_message(name: &str, msg: &str) -> String {
    if name == "TypeError" {
        if let Some(rest) = msg.strip_prefix("cannot read property ") {
            return format!("Cannot read property {rest}");
        }
    }
    msg.to_string()
}

/// The pending exception as (name, message, None).
fn exception_parts(ctx: &rquickjs::Ctx<'_>) -> (String, String, Option<usize>) {
    let v = ctx.catch();
    if let Some(obj) = v.as_object() {
        let name: Option<String> = obj
            .get::<_, rquickjs::Coerced<String>>("name")
            .ok()
            .map(|c| c.0);
        let msg: Option<String> = obj
            .get::<_, rquickjs::Coerced<String>>("message")
            .ok()
            .map(|c| c.0);
        if let (Some(name), Some(msg)) = (name, msg) {
            return (name, msg, None);
        }
    }
    let text = v
        .get::<rquickjs::Coerced<String>>()
        .map(|c| c.0)
        .unwrap_or_else(|_| "exception".into());
    ("Error".into(), text, None)
}

/// Evaluates one template with default options (time zone from the `timezone` parameter).
pub fn render(template: &str, params: &Object) -> Result<String, EvalError> {
    Evaluator::new(EvalOptions::default())?.render(template, params)
}

thread_local! {
    static COMPILER: std::cell::RefCell<Option<(rquickjs::Runtime, rquickjs::Context)>> =
        const { std::cell::RefCell::new(None) };
}

/// Compiles (without running) digdag's template function around the single expression
/// `code`; the syntax error, if any, with its span in `code` when the engine gives a
/// position inside it.
pub(crate) fn compile_issue(code: &str) -> Option<super::js::SyntaxIssue> {
    let segments = [Segment::Expr {
        code,
        span: 0..code.len() + 3,
    }];
    let source = function_source(&segments, false);
    COMPILER.with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        if slot.is_none() {
            let rt = rquickjs::Runtime::new().ok()?;
            rt.set_memory_limit(64 << 20);
            rt.set_max_stack_size(512 * 1024);
            let ctx = rquickjs::Context::full(&rt).ok()?;
            *slot = Some((rt, ctx));
        }
        let (_, ctx) = slot.as_ref()?;
        ctx.with(|ctx| {
            ctx.globals().set("__wf_src", source.as_str()).ok()?;
            let r: rquickjs::Result<rquickjs::Value> =
                ctx.eval("(function(){new Function(__wf_src);})()");
            match r {
                Ok(_) => None,
                Err(rquickjs::Error::Exception) => {
                    let v = ctx.catch();
                    let obj = v.as_object()?;
                    let msg: String = obj
                        .get::<_, rquickjs::Coerced<String>>("message")
                        .map(|c| c.0)
                        .unwrap_or_default();
                    let name: String = obj
                        .get::<_, rquickjs::Coerced<String>>("name")
                        .map(|c| c.0)
                        .unwrap_or_default();
                    if name != "SyntaxError" {
                        return None;
                    }
                    let stack: String = obj
                        .get::<_, rquickjs::Coerced<String>>("stack")
                        .map(|c| c.0)
                        .unwrap_or_default();
                    let span = position_in_code(&stack, code);
                    Some(super::js::SyntaxIssue {
                        kind: super::js::IssueKind::Syntax,
                        message: format!("SyntaxError: {msg}"),
                        span: span.unwrap_or(0..code.len()),
                    })
                }
                Err(_) => None,
            }
        })
    })
}

/// Maps the line of a QuickJS `<input>:line:col` position in the generated function back to
/// the byte range of that line of the expression (QuickJS columns are not reliable, so a
/// one-line expression maps to all of it).
fn position_in_code(stack: &str, code: &str) -> Option<Range<usize>> {
    let at = stack.find("<input>:")? + "<input>:".len();
    let line: usize = stack[at..].split(':').next()?.parse().ok()?;
    // `new Function` adds two lines; the expression starts on the body's fourth line.
    let index = line.checked_sub(6)?;
    let mut offset = 0;
    for (i, l) in code.split('\n').enumerate() {
        if i == index {
            return Some(offset..offset + l.len());
        }
        offset += l.len() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn sp() -> Span {
        Span::new(FileId(0), 0, 0)
    }

    fn val(j: &serde_json::Value) -> Value {
        let kind = match j {
            serde_json::Value::Null => ValueKind::Null,
            serde_json::Value::Bool(b) => ValueKind::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => ValueKind::Int(i),
                None => ValueKind::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => ValueKind::String(s.clone()),
            serde_json::Value::Array(a) => ValueKind::Array(a.iter().map(val).collect()),
            serde_json::Value::Object(o) => ValueKind::Object(obj_of(o)),
        };
        Value::new(kind, sp())
    }

    fn obj_of(o: &serde_json::Map<String, serde_json::Value>) -> Object {
        Object {
            entries: o
                .iter()
                .map(|(k, v)| Entry {
                    key: k.clone(),
                    key_span: sp(),
                    value: val(v),
                })
                .collect(),
        }
    }

    fn params(j: serde_json::Value) -> Object {
        match j {
            serde_json::Value::Object(o) => obj_of(&o),
            _ => Object::default(),
        }
    }

    #[test]
    fn fast_path_gives_what_javascript_gives() {
        let p = params(serde_json::json!({
            "s": "text", "n": 42, "b": true, "z": null, "f": 1.5,
            "td": {"last_job_id": 7, "inner": {"x": "deep"}}, "Math": "shadow"
        }));
        let ev = Evaluator::new(EvalOptions::default()).unwrap();
        let cases = [
            "${s}",
            "a ${n} b ${b} c ${z} d",
            "${td.last_job_id}/${td.inner.x}",
            "$${s}",
            "${ s }",
            "${Math}",
            "${f}",
            "${td}",
            "${td.missing}",
            "${}",
            "x${s",
        ];
        for t in cases {
            let slow = ev.run(
                t,
                &Value::new(ValueKind::Object(p.clone()), sp()).to_json(),
                &jiff::tz::TimeZone::UTC,
            );
            let fast = fast_render(t, Syntax::Extended, &p);
            if let Some(fast) = fast {
                assert_eq!(Ok(fast), slow, "{t}");
            }
        }
        assert_eq!(
            fast_render("${s}-${n}", Syntax::Extended, &p).as_deref(),
            Some("text-42")
        );
        assert_eq!(fast_render("${f}", Syntax::Extended, &p), None);
        assert_eq!(fast_render("${nope}", Syntax::Extended, &p), None);
        assert_eq!(fast_render("${s.length}", Syntax::Extended, &p), None);
        assert_eq!(fast_render("${this}", Syntax::Extended, &p), None);
    }

    fn ev() -> Evaluator {
        Evaluator::new(EvalOptions {
            now_ms: Some(1_458_000_000_000),
            ..EvalOptions::default()
        })
        .unwrap()
    }

    #[test]
    fn result_rules() {
        let e = ev();
        let p = params(serde_json::json!({
            "n": 3, "obj": {"a": 1, "b": [1, 2]}, "nul": null, "num_str": "5", "arr": [1, 2],
            "f": 1.5, "t": true
        }));
        let r = |t: &str| e.render(t, &p).unwrap();
        assert_eq!(r("${n}"), "3");
        assert_eq!(r("${obj}"), r#"{"a":1,"b":[1,2]}"#);
        assert_eq!(r("${nul}"), "");
        assert_eq!(r("${obj.zz}"), "");
        assert_eq!(r("${num_str+1}"), "51");
        assert_eq!(r("a$$b"), "a$b");
        assert_eq!(r("$${n}"), "$3");
        assert_eq!(r("${secret:foo.bar}"), "${secret:foo.bar}");
        assert_eq!(r("${ {a:1}.a }"), "1");
        assert_eq!(r("${arr.map(function(x){return x*2})}"), "[2,4]");
        assert_eq!(r("${"), "${");
        assert_eq!(r("p${v"), "p${v");
        assert_eq!(r("${0.1+0.2}"), "0.30000000000000004");
        assert_eq!(r("${}"), "");
        assert_eq!(
            r("${f}|${t}|${this.n}|${typeof zz}"),
            "1.5|true|3|undefined"
        );
        assert_eq!(r("no dollar ${"), "no dollar ${");
        assert_eq!(r("it's \\ ${'ok'}\n"), "it's \\ ok\n");
        // `print` appends to `__p` after `__p+=` has read it: its output is lost.
        assert_eq!(r("${print('x')}"), "");
        assert_eq!(r("${[1.0, 'a']}"), r#"[1,"a"]"#);
        // ES5 built-ins only, as in digdag.
        assert_eq!(
            r("${typeof Symbol}|${typeof Object.assign}|${[3,4].indexOf(4)}"),
            "undefined|undefined|1"
        );
        assert_eq!(
            r("${' x '.trim()}|${JSON.stringify({a:[1]})}|${Math.max(1,2)}"),
            "x|{\"a\":[1]}|2"
        );
    }

    #[test]
    fn errors_like_digdag() {
        let e = ev();
        let p = params(serde_json::json!({"a": 1}));
        let err = e.render("x ${a} ${x}", &p).unwrap_err();
        assert_eq!(err.kind, EvalErrorKind::Reference);
        assert_eq!(
            err.message,
            "Failed to evaluate a variable x ${a} ${x} (ReferenceError: x is not defined)"
        );
        assert_eq!(err.expr_span, Some(7..11));
        let err = e.render("${a} ${u.v.w}", &p).unwrap_err();
        assert_eq!(err.kind, EvalErrorKind::Reference);
        let err = e.render("${a.b.c}", &p).unwrap_err();
        assert_eq!(err.kind, EvalErrorKind::Type);
        assert!(
            err.detail.starts_with("TypeError: Cannot read property"),
            "{}",
            err.detail
        );
        assert_eq!(err.expr_span, Some(0..8));
        let err = e.render("${a} ${\"}\"}", &p).unwrap_err();
        assert_eq!(err.kind, EvalErrorKind::Syntax);
        assert_eq!(err.expr_span, Some(5..9));
        let err = e.render("${'abc'.includes('a')}", &p).unwrap_err();
        assert_eq!(err.kind, EvalErrorKind::Type);
        let err = e.render("${(function(){throw 'boom'})()}", &p).unwrap_err();
        assert_eq!(err.detail, "Error: boom");
    }

    #[test]
    fn budgets() {
        let e = Evaluator::new(EvalOptions {
            time_budget: Duration::from_millis(200),
            memory_limit: 16 << 20,
            ..EvalOptions::default()
        })
        .unwrap();
        let p = Object::default();
        let t = Instant::now();
        let err = e
            .render("${(function(){while(true){}})()}", &p)
            .unwrap_err();
        assert_eq!(err.kind, EvalErrorKind::Timeout);
        assert!(t.elapsed() < Duration::from_secs(5));
        // `try/catch` cannot swallow the interrupt.
        let err = e
            .render(
                "${(function(){for(;;){try{while(true){}}catch(e){}}})()}",
                &p,
            )
            .unwrap_err();
        assert_eq!(err.kind, EvalErrorKind::Timeout);
        let err = e
            .render(
                "${(function(){var a=[];for(;;){a.push(new Array(100000).join('x'))}})()}",
                &p,
            )
            .unwrap_err();
        assert_eq!(err.kind, EvalErrorKind::OutOfMemory, "{err:?}");
        let err = e.render("${(function f(){return f()})()}", &p).unwrap_err();
        assert_ne!(err.kind, EvalErrorKind::Timeout);
        // The evaluator still works afterwards.
        assert_eq!(e.render("${1+1}", &p).unwrap(), "2");
    }

    #[test]
    fn hostile_input_neither_panics_nor_hangs() {
        let e = Evaluator::new(EvalOptions {
            time_budget: Duration::from_millis(500),
            memory_limit: 32 << 20,
            ..EvalOptions::default()
        })
        .unwrap();
        let p = Object::default();
        let deep = format!("${{{}1{}}}", "(".repeat(50_000), ")".repeat(50_000));
        let braces = format!("${{{}}}", "{".repeat(20_000) + &"}".repeat(20_000));
        // (QuickJS compiles digdag's one-expression function in quadratic time: 1000
        // expressions take tens of milliseconds, far more would hit the time budget.)
        let many = "${1}".repeat(1_000);
        let t = Instant::now();
        for template in [
            deep.as_str(),
            braces.as_str(),
            "${/(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')}",
            "${new Array(1e9).join('x')}",
            "${new Array(1e9).indexOf(1)}",
            "${JSON.stringify({a: [new Array(1e9)]})}",
            "${(function(){var a=[]; a.length=4e9; return a.sort()})()}",
            "${String(new Array(1e9))}",
            "${(function f(n){return f(n+1)+1})(0)}",
            "${JSON.parse('['.repeat ? '' : '')}",
            "${this.constructor.constructor('return this')().moment = 1}",
            "${Date = null}${moment().format()}",
            "${eval('while(1){}')}",
            "${`x`}",
            "${\\u0000}",
            "${'\\'}",
        ] {
            let t0 = Instant::now();
            let _ = e.render(template, &p);
            let _ = super::super::js::check_syntax(template);
            let _ = super::super::js::analyze(template);
            assert!(
                t0.elapsed() < Duration::from_secs(5),
                "{}",
                &template[..template.len().min(40)]
            );
        }
        assert_eq!(e.render(&many, &p).unwrap(), "1".repeat(1_000));
        assert!(t.elapsed() < Duration::from_secs(30));
        // Globals changed by one evaluation do not leak into the next (fresh contexts).
        assert_eq!(e.render("${typeof moment}", &p).unwrap(), "function");
    }

    #[test]
    fn eval_config_scoping() {
        let e = ev();
        let base = params(serde_json::json!({"timezone": "UTC", "x": "base"}));
        let config = params(serde_json::json!({
            "a": "${timezone}",
            "b": "${a}",
            "c": "${a}${b}",
            "nested": {"v1": "v", "v2": "${v1}"},
            "list": ["${b}", 1, {"k": "${x}"}],
            "_do": {"echo>": "${later}"},
            "n": 5
        }));
        let out = match e.eval_config(&config, &base) {
            Ok(o) => o,
            Err(err) => panic!("{err:?}"),
        };
        let get = |k: &str| out.get(k).unwrap().to_json();
        assert_eq!(get("a"), "\"UTC\"");
        assert_eq!(get("c"), "\"UTCUTC\"");
        assert_eq!(get("nested"), r#"{"v1":"v","v2":"v"}"#);
        assert_eq!(get("list"), r#"["UTC",1,{"k":"base"}]"#);
        assert_eq!(get("_do"), r#"{"echo>":"${later}"}"#);
        assert_eq!(get("n"), "5");
        // A later key is not visible to an earlier one.
        let config = params(serde_json::json!({"echo>": "${foo}", "foo": 1}));
        assert_eq!(
            e.eval_config(&config, &base).unwrap_err().kind,
            EvalErrorKind::Reference
        );
    }

    #[test]
    fn invalid_timezone() {
        let e = ev();
        let p = params(serde_json::json!({"timezone": "Nowhere/City"}));
        assert_eq!(
            e.render("${1}", &p).unwrap_err().kind,
            EvalErrorKind::InvalidTimezone
        );
    }

    #[test]
    fn compile_positions() {
        let issue = compile_issue("a +").unwrap();
        assert_eq!(issue.kind, super::super::js::IssueKind::Syntax);
        assert!(compile_issue("a + b").is_none());
        assert!(compile_issue("function(){}").is_none());
        assert!(compile_issue("1),(2").is_none());
        // QuickJS gives reliable lines only: a one-line expression maps to all of it.
        let issue = compile_issue("f(a b)").unwrap();
        assert_eq!(issue.span, 0..6, "{issue:?}");
        let issue = compile_issue("f(a,\n b c)").unwrap();
        assert_eq!(issue.span, 5..10, "{issue:?}");
    }
}
