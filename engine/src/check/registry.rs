//! The rule registry: every diagnostic code `wf` can emit, with its severity and summary.
//!
//! Codes are stable: once released, a code keeps its meaning. The README's rule table is
//! generated from [`RULES`] (`wf rules --markdown`), and a test keeps it in sync.
//!
//! Severity policy: `error` means digdag rejects the workflow before running anything (its
//! loader, compiler or scheduler); `warning` means digdag accepts it but the task will fail,
//! or misbehave, when it runs. `wf lint --strict` fails on warnings too.

use crate::diagnostic::Severity;
use Example::{Described, Dig, DigTreasureWorkflow};

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
    /// A minimal input that reports the rule (a test lints every `.dig` example).
    pub example: Example,
    /// What fixes the problem for you.
    pub fix: FixKind,
}

/// A minimal input that reports a rule.
#[derive(Debug, PartialEq, Eq)]
pub enum Example {
    /// One line of `.dig` text that reports the rule when it is the whole of `wf.dig`.
    Dig(&'static str),
    /// Like [`Example::Dig`], linted with `--target treasure-workflow`.
    DigTreasureWorkflow(&'static str),
    /// What triggers the rule, when the text of a workflow alone cannot (file names, bytes,
    /// `wf.toml`).
    Described(&'static str),
}

/// Whether a rule's diagnostics carry a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixKind {
    /// No fix: the problem needs a decision.
    None,
    /// A fix the language server offers (a code action) when it has a candidate; `wf lint
    /// --fix` leaves it to you (it may change what the workflow does).
    QuickFix,
    /// A rename to the one name the rule is sure of: `wf lint --fix` applies it, and editors
    /// offer it as the preferred quick fix.
    Safe,
}

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $sev:ident, $summary:literal,
        example: $example:expr, fix: $fix:ident;)*) => {
        $(
            #[doc = $summary]
            pub static $ident: Rule = Rule {
                code: $code,
                name: $name,
                severity: Severity::$sev,
                summary: $summary,
                example: $example,
                fix: FixKind::$fix,
            };
        )*
        /// Every rule, in code order.
        pub static RULES: &[&Rule] = &[$(&$ident),*];
    };
}

rules! {
    YAML_SYNTAX = "S001", "yaml-syntax", Error, "The file is not valid YAML as digdag's parser (SnakeYAML 1.23) reads it.",
        example: Dig("+a: {echo>: hi"), fix: None;
    DUPLICATE_KEY = "S002", "duplicate-key", Error, "A mapping repeats a key (digdag: `Duplicated keys: [...]`).",
        example: Dig("+a: {echo>: hi, echo>: bye}"), fix: None;
    UNKNOWN_TAG = "S003", "unknown-tag", Error, "A YAML tag digdag cannot construct (only `!include` and standard `!!` tags work).",
        example: Dig("+a: {echo>: !secret key}"), fix: None;
    NOT_AN_OBJECT = "S004", "not-an-object", Error, "A workflow or included file is not a YAML mapping (or is empty).",
        example: Dig("- echo>: hi"), fix: None;
    NULL_KEY = "S005", "null-key", Error, "A mapping key is null, which digdag's JSON conversion rejects.",
        example: Dig("+a: {echo>: hi, ~: x}"), fix: None;
    INVALID_UTF8 = "S006", "invalid-utf8", Error, "The file is not valid UTF-8.",
        example: Described("a file with bytes that are not UTF-8"), fix: None;
    TOO_COMPLEX = "S007", "too-complex", Error, "Nesting depth or alias expansion exceeds a safe bound.",
        example: Described("more than 200 levels of nesting, or aliases that expand to over 100,000 nodes"), fix: None;
    INCLUDE_NOT_FOUND = "I001", "include-not-found", Error, "An `!include` names a file that does not exist.",
        example: Dig("!include : missing.yml"), fix: None;
    INCLUDE_OUTSIDE = "I002", "include-outside-directory", Error, "An `!include` path leaves the including file's directory (digdag: `File name must not include ..`).",
        example: Dig("!include : ../shared.yml"), fix: None;
    INCLUDE_CYCLE = "I003", "include-cycle", Error, "Files include each other in a cycle (digdag overflows its stack).",
        example: Dig("!include : wf.dig"), fix: None;
    INCLUDE_VALUE_FORM = "I004", "include-value-form", Error, "`!include` used as a value or list item; digdag only supports the key form `!include : file`.",
        example: Dig("_export: !include vars.yml"), fix: None;
    UNKNOWN_TOP_LEVEL_KEY = "M001", "unknown-top-level-key", Error, "A top-level key digdag does not accept (parameters belong under `_export`).",
        example: Dig("database: analytics"), fix: Safe;
    INVALID_GROUP_KEY = "M002", "invalid-group-key", Error, "A group task (one without an operator) has a key that is neither a task nor a group option.",
        example: Dig("+g: {parallel: true, +a: {echo>: hi}}"), fix: Safe;
    INVALID_TASK_NAME = "M003", "invalid-task-name", Error, "A task name breaks digdag's naming rules.",
        example: Dig("+a^b: {echo>: hi}"), fix: None;
    INVALID_WORKFLOW_NAME = "M004", "invalid-workflow-name", Error, "The workflow name (file name) breaks digdag's naming rules.",
        example: Described("a workflow file named `1st.dig` (starts with a digit)"), fix: None;
    MULTIPLE_OPERATORS = "M005", "multiple-operators", Error, "A task has more than one `operator>` key.",
        example: Dig("+a: {echo>: hi, sh>: ls}"), fix: None;
    OPERATOR_WITH_SUBTASKS = "M006", "operator-with-subtasks", Error, "An operator task also has `+child` tasks.",
        example: Dig("+a: {echo>: hi, +b: {echo>: x}}"), fix: None;
    TASK_NOT_OBJECT = "M007", "task-not-object", Error, "A task body (or a top-level option) is not an object.",
        example: Dig("+a: echo hi"), fix: None;
    INVALID_PARALLEL = "M008", "invalid-parallel", Error, "`_parallel` is not `true`, `false` or `{limit: N}`.",
        example: Dig("+g: {_parallel: yes, +a: {echo>: hi}}"), fix: None;
    BACKGROUND_WITH_PARALLEL = "M009", "background-with-parallel", Error, "`_background: true` on a child of a `_parallel` group.",
        example: Dig("+g: {_parallel: true, +a: {_background: true, echo>: hi}}"), fix: None;
    AFTER_WITHOUT_PARALLEL = "M010", "after-without-parallel", Error, "`_after` on a child of a group that is not `_parallel`.",
        example: Dig("+g: {+a: {echo>: hi}, +b: {_after: +a, echo>: x}}"), fix: None;
    AFTER_UNKNOWN_TASK = "M011", "after-unknown-task", Error, "`_after` names a task that is not an earlier sibling.",
        example: Dig("+g: {_parallel: true, +ab: {echo>: hi}, +c: {_after: +ba, echo>: x}}"), fix: Safe;
    INVALID_TIMEZONE = "M012", "invalid-timezone", Error, "`timezone` is not a zone Java's `ZoneId.of` accepts.",
        example: Dig("timezone: Asia/Tokio"), fix: Safe;
    INVALID_SCHEDULE = "T001", "invalid-schedule", Error, "A `schedule:` that digdag's scheduler rejects.",
        example: Dig("schedule: {daily: 07:00:00}"), fix: QuickFix;
    SCHEDULE_UNUSED_KEY = "T002", "schedule-unused-key", Error, "A `schedule:` key the scheduler does not use (digdag rejects it on push).",
        example: Dig("schedule: {daily>: 07:00:00, strat: 2026-01-01}"), fix: Safe;
    INVALID_SLA = "T003", "invalid-sla", Warning, "An `sla:` without exactly one valid `time` or `duration`.",
        example: Dig("sla: {+late: {echo>: late}}"), fix: None;
    INVALID_RETRY = "R001", "invalid-retry", Warning, "`_retry` is not a count or `{limit, interval, interval_type, max_interval}`.",
        example: Dig("+a: {sh>: ./run.sh, _retry: abc}"), fix: None;
    UNKNOWN_OPERATOR = "O001", "unknown-operator", Warning, "An operator digdag does not know (a typo, or an undeclared plugin).",
        example: Dig("+a: {ehco>: hi}"), fix: Safe;
    UNKNOWN_PARAMETER = "O002", "unknown-parameter", Warning, "A key the task's operator does not read, or a misspelled directive.",
        example: Dig("+a: {echo>: hi, _retyr: 3}"), fix: Safe;
    MISSING_PARAMETER = "O003", "missing-parameter", Warning, "A required operator parameter is set nowhere (task, enclosing `_export`, nested config).",
        example: Dig("+a: {td_ddl>: , drop_tables: [t]}"), fix: None;
    INVALID_PARAMETER_VALUE = "O004", "invalid-parameter-value", Warning, "A parameter value of the wrong type or not among the allowed values.",
        example: Dig("+a: {td>: {data: SELECT 1}, database: db, engine: prestoo}"), fix: Safe;
    EXCLUSIVE_PARAMETERS = "O005", "exclusive-parameters", Warning, "Parameters that cannot be used together (`create_table` with `insert_into`).",
        example: Dig("+a: {td>: {data: SELECT 1}, database: db, create_table: t, insert_into: t}"), fix: None;
    OPERATOR_USAGE = "O006", "operator-usage", Warning, "Operator-specific misuse (`if>` without `_do`, `for_range>` step and slices, ...).",
        example: Dig("+a: {if>: true}"), fix: None;
    TARGET_PROFILE = "P001", "target-profile", Error, "With `--target treasure-workflow`: what the hosted service does not run, and its `trigger:`.",
        example: DigTreasureWorkflow("+a: {embulk>: load.yml}"), fix: None;
    TEMPLATE_SYNTAX = "V001", "template-syntax", Warning, "A `${...}` whose JavaScript does not compile (or uses syntax newer than digdag's ES5 engine).",
        example: Dig("+a: {echo>: \"${[1].map(x => x)}\"}"), fix: None;
    UNDEFINED_VARIABLE = "V002", "undefined-variable", Warning, "A `${...}` reads a variable that is not defined where the task runs.",
        example: Dig("+a: {echo>: \"${sesion_date}\"}"), fix: QuickFix;
    POSSIBLY_UNDEFINED_VARIABLE = "V003", "possibly-undefined-variable", Warning, "A `${...}` reads a variable only a `py>`-like task could have stored.",
        example: Dig("{+a: {py>: tasks.run}, +b: {echo>: \"${result}\"}}"), fix: None;
    UNKNOWN_SECRET = "V004", "unknown-secret", Warning, "`${secret:key}` names a key that the project's `wf.toml` `secrets` list does not declare.",
        example: Described("`${secret:td.api_key}` with `secrets = [\"td.apikey\"]` in `wf.toml`"), fix: QuickFix;
    LITERAL_SECRET = "V005", "literal-secret", Warning, "A password, API key, token or AWS key written in the file instead of `${secret:...}`.",
        example: Dig("_export: {password: hunter2}"), fix: None;
    INVALID_CONFIG = "C001", "invalid-config", Error, "A problem in the project configuration file `wf.toml`.",
        example: Described("`tagret = \"digdag\"` in `wf.toml`"), fix: QuickFix;
    MISSING_FILE = "F001", "missing-file", Warning, "A file the task needs does not exist (query, `call>` target, `py>` module, ...).",
        example: Dig("+a: {td>: missing.sql, database: db}"), fix: None;
}

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

impl Example {
    /// The example as a Markdown table cell.
    pub fn markdown(&self) -> String {
        let code = |s: &str| format!("`{}`", s.replace('|', "\\|"));
        match self {
            Example::Dig(s) => code(s),
            Example::DigTreasureWorkflow(s) => {
                format!("{} with `--target treasure-workflow`", code(s))
            }
            Example::Described(s) => s.replace('|', "\\|"),
        }
    }
}

impl FixKind {
    /// The fix column of the README table.
    pub fn markdown(self) -> &'static str {
        match self {
            FixKind::None => "",
            FixKind::QuickFix => "quick fix",
            FixKind::Safe => "`--fix`",
        }
    }
}

/// The rule table in Markdown, as the README shows it.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| code | name | severity | what it reports | example (all of `wf.dig`) | fix |\n|---|---|---|---|---|---|\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} | {} | {} |\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary.replace('|', "\\|"),
            r.example.markdown(),
            r.fix.markdown()
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
