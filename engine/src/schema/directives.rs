//! Reserved keys (semantics §1.4, §1.7, §5.3, §6): where each is allowed, its type and keys.

use super::schedule::SCHEDULE_OPTIONS;
use super::spec::ValueType::*;
use super::spec::*;

const RETRY_KEYS: &[ParamSpec] = &[
    param("limit", Int, "Number of retries after the first failure.").required(),
    param("interval", Int, "Seconds to wait before a retry.").default("0"),
    param(
        "interval_type",
        EnumIgnoreCase(&["constant", "exponential"]),
        "`constant`: always `interval`; `exponential`: `interval * 2^k` before retry k (from 0).",
    )
    .default("constant")
    .doc("Compared ignoring case; anything else fails with `Invalid retry_interval_type`."),
    param(
        "max_interval",
        Int,
        "Upper bound of the exponential wait, in seconds.",
    ),
];

const PARALLEL_KEYS: &[ParamSpec] = &[param(
    "limit",
    Int,
    "Batch size: children run in consecutive batches of this many.",
)
.required()];

const SLA_KEYS: &[ParamSpec] = &[
    param("time", String, "Wall-clock deadline `HH:MM` or `HH:MM:SS` in the workflow time zone (the next one after the run time).")
        .doc("Exactly one of `time` and `duration`."),
    param("duration", String, "Deadline `HH:MM` or `HH:MM:SS` after the run time."),
    param("alert", Bool, "Send a `notify>: SLA violation` alert (`^sla^alert`).").default("true"),
    param("fail", Bool, "Fail the attempt (`^sla^fail`).").default("false"),
];

const TRIGGER_KEYS: &[ParamSpec] = &[
    param("attempt>", Any, "The trigger kind: start after an attempt of another workflow succeeds (write `attempt>:` with no value).")
        .required(),
    param("dependent_workflow_name", String, "The workflow whose success starts this one.").required(),
    param("dependent_project_name", String, "The project holding that workflow.").required(),
];

const EXPORT: DirectiveSpec = DirectiveSpec {
    name: "_export",
    ty: Object,
    summary: "Parameters visible to this task and all its descendants.",
    doc: "Values are evaluated separately in every task that uses them. A child's `_export` overrides its parent's; `_export` beats `-p` parameters and earlier tasks' stores. Operator defaults live here too (`td: {database: ...}`).\n\n```yaml\n_export:\n  td:\n    database: www_access\n  target_date: ${session_date}\n\n+step:\n  echo>: ${target_date}\n```",
    top_level: Use::Yes,
    group: Use::Yes,
    operator: Use::Yes,
    ..DirectiveSpec::BASE
};

const PARALLEL: DirectiveSpec = DirectiveSpec {
    name: "_parallel",
    ty: Any,
    summary: "Run the children in parallel: `true`, `false`, or `{limit: N}` batches.",
    doc: "`true`/`false` (or those strings) or `{limit: N}`: batches of N where every task of a batch waits for the whole previous batch. It does not reach grandchildren. On a group it is read before templates are evaluated; `loop>`, `for_each>`, `for_range>` and `td_for_each>` read it (evaluated) for the tasks they generate.\n\n```yaml\n+load:\n  _parallel:\n    limit: 2\n  +a:\n    echo>: a\n  +b:\n    echo>: b\n  +c:\n    echo>: c\n```",
    top_level: Use::Yes,
    group: Use::Yes,
    operator: Use::Yes,
    templated: false,
    keys: PARALLEL_KEYS,
    ..DirectiveSpec::BASE
};

const BACKGROUND: DirectiveSpec = DirectiveSpec {
    name: "_background",
    ty: Bool,
    summary: "Start this task with the preceding siblings instead of after them.",
    doc: "Only in a sequential group (an error under `_parallel: true`). The next sibling waits for it.\n\n```yaml\n+prepare:\n  +a:\n    echo>: a\n  +b:\n    _background: true\n    echo>: b\n  +c:\n    echo>: c\n```",
    group: Use::Yes,
    operator: Use::Yes,
    templated: false,
    ..DirectiveSpec::BASE
};

const AFTER: DirectiveSpec = DirectiveSpec {
    name: "_after",
    ty: StringOrList,
    summary: "In a parallel group, wait for these earlier siblings.",
    doc: "Only under `_parallel: true` (or `{limit: N}`); names must be earlier siblings (`Dependency task '+x' does not exist`).\n\n```yaml\n+all:\n  _parallel: true\n  +a:\n    echo>: a\n  +b:\n    echo>: b\n  +c:\n    _after: [+a]\n    echo>: c\n```",
    group: Use::Yes,
    operator: Use::Yes,
    templated: false,
    ..DirectiveSpec::BASE
};

const RETRY: DirectiveSpec = DirectiveSpec {
    name: "_retry",
    ty: Any,
    summary: "Retry on failure: a count, or `{limit, interval, interval_type, max_interval}`.",
    doc: "On an operator task the operator is re-run (only operators that honour `_retry`); on a group the whole group is re-created and re-run. Set in `_export`, it applies to every descendant operator.\n\n```yaml\n+flaky:\n  _retry: 3\n  sh>: tasks/download.sh\n\n+patient:\n  _retry:\n    limit: 5\n    interval: 10\n    interval_type: exponential\n  sh>: tasks/upload.sh\n```",
    top_level: Use::Yes,
    group: Use::Yes,
    operator: Use::Yes,
    in_export: true,
    keys: RETRY_KEYS,
    ..DirectiveSpec::BASE
};

const ERROR: DirectiveSpec = DirectiveSpec {
    name: "_error",
    ty: Tasks,
    summary: "Tasks run when this task (or group) fails.",
    doc: "Runs as `^error`; it sees `${error.message}` (and the stores of the failed group's tasks). The task stays failed.\n\n```yaml\n_error:\n  +notify:\n    sh>: tasks/notify.sh \"${error.message}\"\n\n+step:\n  sh>: tasks/step.sh\n```",
    top_level: Use::Yes,
    group: Use::Yes,
    operator: Use::Yes,
    templated: false,
    ..DirectiveSpec::BASE
};

const CHECK: DirectiveSpec = DirectiveSpec {
    name: "_check",
    ty: Tasks,
    summary: "Tasks run after this operator task succeeds; their failure fails it.",
    doc: "Runs as `^check`. Accepted on groups and at the top level, but never run there.\n\n```yaml\n+load:\n  td>: queries/load.sql\n  _check:\n    td>: queries/check.sql\n```",
    top_level: Use::Ignored,
    group: Use::Ignored,
    operator: Use::Yes,
    templated: false,
    ..DirectiveSpec::BASE
};

const DO: DirectiveSpec = DirectiveSpec {
    name: "_do",
    ty: Tasks,
    summary: "Tasks generated by `if>`, `loop>`, `for_each>`, `for_range>`, `td_for_each>`.",
    doc: "Not evaluated in place: each generated task evaluates it with its own variables (`${i}`, `${range.from}`, ...).\n\n```yaml\n+repeat:\n  loop>: 3\n  _do:\n    echo>: ${i}\n```",
    operator: Use::Yes,
    templated: false,
    ..DirectiveSpec::BASE
};

const ELSE_DO: DirectiveSpec = DirectiveSpec {
    name: "_else_do",
    ty: Tasks,
    summary: "Tasks `if>` runs when its condition is false.",
    doc: "```yaml\n+check:\n  if>: false\n  _else_do:\n    echo>: condition was false\n```",
    operator: Use::Yes,
    templated: false,
    ..DirectiveSpec::BASE
};

const ENV: DirectiveSpec = DirectiveSpec {
    name: "_env",
    ty: Object,
    summary: "Extra environment variables for `sh>`, `py>`, `rb>`, `embulk>`.",
    doc: "Only on the task itself (not inherited through `_export`). Values may be `${secret:KEY}` (project secrets only).\n\n```yaml\n+step:\n  sh>: tasks/upload.sh\n  _env:\n    API_TOKEN: ${secret:api.token}\n```",
    operator: Use::Yes,
    ..DirectiveSpec::BASE
};

const SECRETS: DirectiveSpec = DirectiveSpec {
    name: "_secrets",
    ty: Object,
    summary: "Grants or remounts secrets for the task's operators.",
    doc: "`{td: {apikey: other.key}}` makes `td.apikey` read `other.key`. Removed from the parameters before the operator runs.",
    group: Use::Yes,
    operator: Use::Yes,
    deprecated: Some("secret access grants are deprecated in digdag; operators read their secrets without them"),
    ..DirectiveSpec::BASE
};

const WORKDIR: DirectiveSpec = DirectiveSpec {
    name: "_workdir",
    ty: String,
    summary: "Working directory of operators, relative to the project root.",
    doc: "Files named by operators (`td>` queries, `sh>` scripts, `call>` targets, `py>` modules) are resolved from it. Usually set under `_export`; a `call>`ed workflow in a subdirectory gets that subdirectory.\n\n```yaml\n_export:\n  _workdir: jobs\n\n+run:\n  sh>: run.sh\n```",
    operator: Use::Yes,
    in_export: true,
    ..DirectiveSpec::BASE
};

const DISABLE: DirectiveSpec = DirectiveSpec {
    name: "_disable",
    ty: Bool,
    summary: "Undocumented: `true` replaces the task (and its children) by an empty group.",
    doc: "```yaml\n+skipped:\n  _disable: true\n  sh>: tasks/expensive.sh\n```",
    group: Use::Yes,
    operator: Use::Yes,
    templated: false,
    ..DirectiveSpec::BASE
};

const TYPE: DirectiveSpec = DirectiveSpec {
    name: "_type",
    ty: String,
    summary: "The operator, in the explicit form of `name>: command`.",
    doc: "```yaml\n+step:\n  _type: echo\n  _command: hello\n```",
    operator: Use::Yes,
    ..DirectiveSpec::BASE
};

const COMMAND: DirectiveSpec = DirectiveSpec {
    name: "_command",
    ty: Any,
    summary: "The operator's command, with `_type`.",
    operator: Use::Yes,
    ..DirectiveSpec::BASE
};

const PROJECT_PATH: DirectiveSpec = DirectiveSpec {
    name: "_project_path",
    ty: String,
    summary: "Set by `digdag run` when `--project` differs from the current directory; not written in files.",
    ..DirectiveSpec::BASE
};

const TIMEZONE: DirectiveSpec = DirectiveSpec {
    name: "timezone",
    ty: String,
    summary: "Time zone of the workflow (default `UTC`): sessions, schedules and `${session_*}` use it.",
    doc: "An IANA name (`Asia/Tokyo`), `UTC`, or an offset (`+09:00`); three-letter aliases such as `JST` are rejected. Ignored in `call>`ed workflows.\n\n```yaml\ntimezone: Asia/Tokyo\n```",
    top_level: Use::Yes,
    group: Use::Ignored,
    templated: false,
    ..DirectiveSpec::BASE
};

const SCHEDULE: DirectiveSpec = DirectiveSpec {
    name: "schedule",
    ty: Object,
    summary: "When the server starts sessions: one `kind>: argument` plus options.",
    doc: "Kinds: `hourly>`, `daily>`, `weekly>`, `monthly>`, `minutes_interval>`, `cron>` (and the undocumented `seconds_interval>`). Unknown keys are rejected when the project is pushed.\n\n```yaml\ntimezone: UTC\nschedule:\n  daily>: 07:00:00\n  start: 2024-01-01\n```",
    top_level: Use::Yes,
    group: Use::Ignored,
    templated: false,
    keys: SCHEDULE_OPTIONS,
    ..DirectiveSpec::BASE
};

const SLA: DirectiveSpec = DirectiveSpec {
    name: "sla",
    ty: Object,
    summary: "Deadline of an attempt: alert, fail, or run tasks when it is still running.",
    doc: "Exactly one of `time` and `duration`. Other keys are a task body run as `^sla` when the deadline passes.\n\n```yaml\nsla:\n  time: 02:00\n  +notice:\n    sh>: notice.sh\n\n+step:\n  echo>: hi\n```",
    top_level: Use::Yes,
    group: Use::Ignored,
    templated: false,
    keys: SLA_KEYS,
    ..DirectiveSpec::BASE
};

const TRIGGER: DirectiveSpec = DirectiveSpec {
    name: "trigger",
    ty: Object,
    summary: "Treasure Workflow: start this workflow when another workflow's attempt succeeds.",
    doc: "A workflow can wait for one workflow only; an `sla:` counts from the end of that workflow.\n\n```yaml\ntrigger:\n  attempt>:\n  dependent_workflow_name: segment_refresh\n  dependent_project_name: customer_segments\n\n+step:\n  echo>: triggered\n```",
    top_level: Use::Yes,
    templated: false,
    keys: TRIGGER_KEYS,
    treasure_workflow_only: true,
    ..DirectiveSpec::BASE
};

/// Every reserved key, sorted by name.
pub(crate) static DIRECTIVES: &[DirectiveSpec] = &[
    AFTER,
    BACKGROUND,
    CHECK,
    COMMAND,
    DISABLE,
    DO,
    ELSE_DO,
    ENV,
    ERROR,
    EXPORT,
    PARALLEL,
    PROJECT_PATH,
    RETRY,
    SECRETS,
    TYPE,
    WORKDIR,
    SCHEDULE,
    SLA,
    TIMEZONE,
    TRIGGER,
];
