//! The catalog of operators, directives, schedule kinds and built-in variables: one data
//! source for lint, completion and hover (semantics §1.6, §1.7, §2, §3, §5, §6 and
//! `treasure-workflow.md`).
//!
//! Everything is `'static` data built from `const` items (one file per operator family under
//! `operators/`), sorted by name and found by binary search:
//!
//! ```
//! use wf_engine::schema::{self, ValueType};
//! let td = schema::operator("td").unwrap();
//! assert_eq!(td.param("engine").unwrap().ty, ValueType::Enum(&["presto", "hive"]));
//! assert!(schema::directive("_retry").unwrap().key("interval_type").is_some());
//! assert!(schema::builtin_variable("last_session_time").unwrap().requires_schedule);
//! ```
//!
//! Plugin operators (declared with `_export: plugin:` or in the project config) are not in the
//! catalog: callers treat them as known but unchecked.

mod directives;
mod operators;
pub mod profile;
mod python;
mod schedule;
pub mod spec;
mod variables;

#[cfg(test)]
mod tests;

pub use profile::{Restriction, Target};
pub use python::python_stdlib_module;
pub use spec::{
    CommandSpec, DirectiveSpec, DoUse, DynamicOutputs, ExtraKeys, Family, FileRef, OperatorSpec,
    OutputSpec, ParamSpec, ScheduleKindSpec, SecretSpec, StoreWhen, Use, ValueType, VariableSpec,
};

fn find<T>(items: &'static [T], key: &str, name: impl Fn(&T) -> &str) -> Option<&'static T> {
    items
        .binary_search_by(|item| name(item).cmp(key))
        .ok()
        .map(|i| &items[i])
}

/// The operator `name` (`td`; a trailing `>` is ignored, so `td>` works too).
pub fn operator(name: &str) -> Option<&'static OperatorSpec> {
    let name = name.strip_suffix('>').unwrap_or(name);
    find(operators::OPERATORS, name, |o| o.name)
}

/// Every catalogued operator, sorted by name.
pub fn operators() -> &'static [OperatorSpec] {
    operators::OPERATORS
}

/// The reserved key `name` (`_export`, `_retry`, `schedule`, `trigger`, ...).
pub fn directive(name: &str) -> Option<&'static DirectiveSpec> {
    find(directives::DIRECTIVES, name, |d| d.name)
}

/// Every reserved key, sorted by name.
pub fn directives() -> &'static [DirectiveSpec] {
    directives::DIRECTIVES
}

/// The built-in variable `name` (`session_date`, `last_session_time`, ...).
pub fn builtin_variable(name: &str) -> Option<&'static VariableSpec> {
    find(variables::BUILTIN_VARIABLES, name, |v| v.name)
}

/// Every built-in variable, sorted by name.
pub fn builtin_variables() -> &'static [VariableSpec] {
    variables::BUILTIN_VARIABLES
}

/// The schedule kind `name` (`daily`; a trailing `>` is ignored).
pub fn schedule_kind(name: &str) -> Option<&'static ScheduleKindSpec> {
    let name = name.strip_suffix('>').unwrap_or(name);
    find(schedule::SCHEDULE_KINDS, name, |k| k.name)
}

/// Every schedule kind, sorted by name.
pub fn schedule_kinds() -> &'static [ScheduleKindSpec] {
    schedule::SCHEDULE_KINDS
}

/// The `schedule:` option `name` (`start`, `end`, `skip_on_overtime`, `skip_delayed_by`,
/// `delay`, `at`).
pub fn schedule_option(name: &str) -> Option<&'static ParamSpec> {
    schedule::SCHEDULE_OPTIONS.iter().find(|p| p.name == name)
}

/// Every `schedule:` option besides the `kind>:` key.
pub fn schedule_options() -> &'static [ParamSpec] {
    schedule::SCHEDULE_OPTIONS
}
