//! `echo>`, `fail>`, `loop>`, `for_each>`, `for_range>`, `if>`, `wait>` (semantics §2.1).

use super::{OperatorContext, OperatorError, TaskResult};
use crate::load::{Object, Value, ValueKind};
use crate::plan::expand;
use crate::run::params::{set, string};

pub(super) fn echo(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let msg = match ctx.command() {
        None => {
            return Err(OperatorError::config(
                "Parameter '_command' is required but not set",
            ))
        }
        Some(v) => match &v.kind {
            ValueKind::Object(_) | ValueKind::Array(_) => {
                return Err(OperatorError::config(format!(
                    "Expected string for key '_command' but got {} ({})",
                    v.to_json(),
                    v.type_word()
                )))
            }
            ValueKind::Null => {
                return Err(OperatorError::config(
                    "Parameter '_command' is required but null",
                ))
            }
            _ => v.scalar_text().unwrap_or_default(),
        },
    };
    (ctx.log)(&msg);
    Ok(TaskResult::default())
}

/// `notify>`: digdag sends it to the server's notifier; a local run prints it.
pub(super) fn notify(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let msg = ctx
        .command()
        .and_then(Value::scalar_text)
        .unwrap_or_default();
    (ctx.log)(&format!("notification: {msg}"));
    Ok(TaskResult::default())
}

pub(super) fn fail(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let msg = ctx
        .command()
        .and_then(Value::scalar_text)
        .unwrap_or_default();
    let mut err = Object::default();
    set(&mut err, "message", string(msg.clone()));
    Err(OperatorError {
        message: msg,
        config_error: true,
        error: Some(err),
    })
}

fn do_config(ctx: &OperatorContext) -> Result<&Value, OperatorError> {
    match ctx.config.get("_do") {
        Some(v) if !v.is_null() => Ok(v),
        _ => Err(OperatorError::config(
            "Parameter '_do' is required but not set",
        )),
    }
}

fn subtask(config: Object, span: crate::source::Span) -> TaskResult {
    TaskResult {
        subtask: Some(Value::new(ValueKind::Object(config), span)),
        ..TaskResult::default()
    }
}

pub(super) fn loop_(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let do_ = do_config(ctx)?;
    let count_value = ctx
        .config
        .get("count")
        .or_else(|| ctx.command())
        .ok_or_else(|| OperatorError::config("Parameter '_command' is required but not set"))?;
    let count = expand::as_long(count_value).ok_or_else(|| {
        OperatorError::config(format!(
            "Expected integer for key 'count' but got {} ({})",
            count_value.to_json(),
            count_value.type_word()
        ))
    })?;
    let generated = expand::loop_subtasks(count, do_, ctx.config.get("_parallel"))
        .map_err(OperatorError::config)?;
    Ok(subtask(generated, do_.span))
}

pub(super) fn for_each(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let do_ = do_config(ctx)?;
    let cmd = ctx
        .command()
        .ok_or_else(|| OperatorError::config("Parameter '_command' is required but not set"))?;
    let generated = expand::for_each_subtasks(cmd, do_, ctx.config.get("_parallel"))
        .map_err(OperatorError::config)?;
    Ok(subtask(generated, do_.span))
}

pub(super) fn for_range(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let do_ = do_config(ctx)?;
    let cmd = ctx
        .command()
        .ok_or_else(|| OperatorError::config("Parameter '_command' is required but not set"))?;
    let generated = expand::for_range_subtasks(cmd, do_, ctx.config.get("_parallel"))
        .map_err(OperatorError::config)?;
    Ok(subtask(generated, do_.span))
}

pub(super) fn if_(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let null = Value::new(ValueKind::Null, crate::run::params::runtime_span());
    let cond = ctx.command().unwrap_or(&null);
    let block = expand::if_subtask(cond, ctx.config.get("_do"), ctx.config.get("_else_do"))
        .map_err(OperatorError::config)?;
    Ok(TaskResult {
        subtask: block,
        ..TaskResult::default()
    })
}

/// Parses digdag's `wait>` duration: `Nd Nh Nm Ns` (any subset, in that order).
pub fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let t = s.trim().to_ascii_lowercase();
    let mut secs: u64 = 0;
    let mut rest = t.as_str();
    let mut seen_unit = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit = rest.chars().next()?;
        let (order, mult) = match unit {
            'd' => (1, 86_400),
            'h' => (2, 3_600),
            'm' => (3, 60),
            's' => (4, 1),
            _ => return None,
        };
        if order <= seen_unit {
            return None;
        }
        seen_unit = order;
        secs = secs.checked_add(n.checked_mul(mult)?)?;
        rest = rest[1..].trim_start();
    }
    Some(std::time::Duration::from_secs(secs))
}

pub(super) fn wait(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let text = ctx
        .command()
        .and_then(Value::scalar_text)
        .ok_or_else(|| OperatorError::config("Parameter '_command' is required but not set"))?;
    let d = parse_duration(&text).ok_or_else(|| {
        OperatorError::config(format!(
            "Invalid configuration: duration {text:?} (use e.g. 10s, 1h 30m)"
        ))
    })?;
    let d = d.max(std::time::Duration::from_secs(1));
    (ctx.log)(&format!("waiting {}s", d.as_secs()));
    std::thread::sleep(d);
    Ok(TaskResult::default())
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s").map(|d| d.as_secs()), Some(10));
        assert_eq!(parse_duration("1h 30m").map(|d| d.as_secs()), Some(5400));
        assert_eq!(parse_duration("1D2H").map(|d| d.as_secs()), Some(93600));
        assert_eq!(parse_duration("30m 1h"), None);
        assert_eq!(parse_duration("ten"), None);
        assert_eq!(parse_duration(""), None);
    }
}
