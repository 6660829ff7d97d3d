//! The rule registry: every diagnostic code `wf` can emit, with its severity and summary.
//!
//! Codes are stable: once released, a code keeps its meaning. The README's rule table is
//! generated from [`RULES`] (`wf rules --markdown`), and a test keeps it in sync.
//!
//! Severity policy: `error` means digdag rejects the workflow before running anything (its
//! loader, compiler or scheduler); `warning` means digdag accepts it but the task will fail,
//! or misbehave, when it runs. `wf lint --strict` fails on warnings too.

use crate::diagnostic::Severity;

/// A kind of problem, with a stable code.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable code, e.g. `S002`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `duplicate-key`.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
}

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $sev:ident, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub static $ident: Rule = Rule { code: $code, name: $name, severity: Severity::$sev, summary: $summary };
        )*
        /// Every rule, in code order.
        pub static RULES: &[&Rule] = &[$(&$ident),*];
    };
}

rules! {
    YAML_SYNTAX = "S001", "yaml-syntax", Error, "The file is not valid YAML as digdag's parser (SnakeYAML 1.23) reads it.";
    DUPLICATE_KEY = "S002", "duplicate-key", Error, "A mapping repeats a key (digdag: `Duplicated keys: [...]`).";
    UNKNOWN_TAG = "S003", "unknown-tag", Error, "A YAML tag digdag cannot construct (only `!include` and standard `!!` tags work).";
    NOT_AN_OBJECT = "S004", "not-an-object", Error, "A workflow or included file is not a YAML mapping (or is empty).";
    NULL_KEY = "S005", "null-key", Error, "A mapping key is null, which digdag's JSON conversion rejects.";
    INVALID_UTF8 = "S006", "invalid-utf8", Error, "The file is not valid UTF-8.";
    TOO_COMPLEX = "S007", "too-complex", Error, "Nesting depth or alias expansion exceeds a safe bound.";
    INCLUDE_NOT_FOUND = "I001", "include-not-found", Error, "An `!include` names a file that does not exist.";
    INCLUDE_OUTSIDE = "I002", "include-outside-directory", Error, "An `!include` path leaves the including file's directory (digdag: `File name must not include ..`).";
    INCLUDE_CYCLE = "I003", "include-cycle", Error, "Files include each other in a cycle (digdag overflows its stack).";
    INCLUDE_VALUE_FORM = "I004", "include-value-form", Error, "`!include` used as a value or list item; digdag only supports the key form `!include : file`.";
    UNKNOWN_TOP_LEVEL_KEY = "M001", "unknown-top-level-key", Error, "A top-level key digdag does not accept (parameters belong under `_export`).";
    INVALID_GROUP_KEY = "M002", "invalid-group-key", Error, "A group task (one without an operator) has a key that is neither a task nor a group option.";
    INVALID_TASK_NAME = "M003", "invalid-task-name", Error, "A task name breaks digdag's naming rules.";
    INVALID_WORKFLOW_NAME = "M004", "invalid-workflow-name", Error, "The workflow name (file name) breaks digdag's naming rules.";
    MULTIPLE_OPERATORS = "M005", "multiple-operators", Error, "A task has more than one `operator>` key.";
    OPERATOR_WITH_SUBTASKS = "M006", "operator-with-subtasks", Error, "An operator task also has `+child` tasks.";
    TASK_NOT_OBJECT = "M007", "task-not-object", Error, "A task body (or a top-level option) is not an object.";
    INVALID_PARALLEL = "M008", "invalid-parallel", Error, "`_parallel` is not `true`, `false` or `{limit: N}`.";
    BACKGROUND_WITH_PARALLEL = "M009", "background-with-parallel", Error, "`_background: true` on a child of a `_parallel` group.";
    AFTER_WITHOUT_PARALLEL = "M010", "after-without-parallel", Error, "`_after` on a child of a group that is not `_parallel`.";
    AFTER_UNKNOWN_TASK = "M011", "after-unknown-task", Error, "`_after` names a task that is not an earlier sibling.";
    INVALID_TIMEZONE = "M012", "invalid-timezone", Error, "`timezone` is not a zone Java's `ZoneId.of` accepts.";
    INVALID_SCHEDULE = "T001", "invalid-schedule", Error, "A `schedule:` that digdag's scheduler rejects.";
    SCHEDULE_UNUSED_KEY = "T002", "schedule-unused-key", Error, "A `schedule:` key the scheduler does not use (digdag rejects it on push).";
    INVALID_SLA = "T003", "invalid-sla", Warning, "An `sla:` without exactly one valid `time` or `duration`.";
    INVALID_RETRY = "R001", "invalid-retry", Warning, "`_retry` is not a count or `{limit, interval, interval_type, max_interval}`.";
    UNKNOWN_OPERATOR = "O001", "unknown-operator", Warning, "An operator digdag does not know (a typo, or an undeclared plugin).";
    UNKNOWN_PARAMETER = "O002", "unknown-parameter", Warning, "A key the task's operator does not read, or a misspelled directive.";
    MISSING_PARAMETER = "O003", "missing-parameter", Warning, "A required operator parameter is set nowhere (task, enclosing `_export`, nested config).";
    INVALID_PARAMETER_VALUE = "O004", "invalid-parameter-value", Warning, "A parameter value of the wrong type or not among the allowed values.";
    EXCLUSIVE_PARAMETERS = "O005", "exclusive-parameters", Warning, "Parameters that cannot be used together (`create_table` with `insert_into`).";
    OPERATOR_USAGE = "O006", "operator-usage", Warning, "Operator-specific misuse (`if>` without `_do`, `for_range>` step and slices, ...).";
    TARGET_PROFILE = "P001", "target-profile", Error, "With `--target treasure-workflow`: what the hosted service does not run, and its `trigger:`.";
    TEMPLATE_SYNTAX = "V001", "template-syntax", Warning, "A `${...}` whose JavaScript does not compile (or uses syntax newer than digdag's ES5 engine).";
    UNDEFINED_VARIABLE = "V002", "undefined-variable", Warning, "A `${...}` reads a variable that is not defined where the task runs.";
    POSSIBLY_UNDEFINED_VARIABLE = "V003", "possibly-undefined-variable", Warning, "A `${...}` reads a variable only a `py>`-like task could have stored.";
    UNKNOWN_SECRET = "V004", "unknown-secret", Warning, "`${secret:key}` names a key that the project's `wf.toml` `secrets` list does not declare.";
    LITERAL_SECRET = "V005", "literal-secret", Warning, "A password, API key, token or AWS key written in the file instead of `${secret:...}`.";
    INVALID_CONFIG = "C001", "invalid-config", Error, "A problem in the project configuration file `wf.toml`.";
    MISSING_FILE = "F001", "missing-file", Warning, "A file the task needs does not exist (query, `call>` target, `py>` module, ...).";
}

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The rule table in Markdown, as the README shows it.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | name | severity | what it reports |\n|---|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} |\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<_> = RULES.iter().map(|r| r.code).collect();
        let names: HashSet<_> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(codes.len(), RULES.len());
        assert_eq!(names.len(), RULES.len());
    }
}
