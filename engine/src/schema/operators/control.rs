//! Workflow-control operators: `echo>`, `fail>`, `if>`, `loop>`, `for_each>`, `for_range>`,
//! `call>`, `require>`, `wait>`, `notify>` (semantics §2.1).

use crate::schema::spec::ValueType::*;
use crate::schema::spec::*;

pub const ECHO: OperatorSpec = OperatorSpec {
    name: "echo",
    family: Family::Control,
    summary: "Prints a message.",
    doc: "The message goes to standard output and the task log.",
    example: "+say_hello:\n  echo>: Hello world! (session ${session_date})\n",
    command: CommandSpec::required(String, "MESSAGE", "The message.")
        .doc("A number is printed as its text; an object or array is an error."),
    retry: false,
    docs_url: "https://docs.digdag.io/operators/echo.html",
    ..OperatorSpec::BASE
};

pub const FAIL: OperatorSpec = OperatorSpec {
    name: "fail",
    family: Family::Control,
    summary: "Always fails, with a message.",
    doc: "Useful with `if>` to stop a workflow when a check does not pass. `_error` tasks read the message as `${error.message}`. `_retry` does not retry it.",
    example: "_export:\n  count: 5\n\n+fail_if_too_few:\n  if>: ${count < 10}\n  _do:\n    fail>: count is less than 10!\n",
    command: CommandSpec::optional(String, "MESSAGE", "The error message (default: empty)."),
    retry: false,
    docs_url: "https://docs.digdag.io/operators/fail.html",
    ..OperatorSpec::BASE
};

pub const IF: OperatorSpec = OperatorSpec {
    name: "if",
    family: Family::Control,
    summary: "Runs `_do` when the condition is true, `_else_do` otherwise.",
    doc: "At least one of `_do` and `_else_do` must be set (`Both _do and _else_do are not specified.`). The chosen block runs as the generated `^sub` task.",
    example: "+check:\n  if>: ${session_date == '2016-01-01'}\n  _do:\n    echo>: new year\n  _else_do:\n    echo>: another day\n",
    command: CommandSpec::required(Bool, "BOOLEAN", "The condition.").doc(
        "`true`/`false`, the strings `\"true\"`/`\"True\"`/`\"false\"`/`\"False\"` (trimmed), an empty string (false) or an integer (0 is false); anything else fails with `Expected 'true' or 'false' for key '_command'`. Usually a template: `if>: ${td.last_results.n > 0}`.",
    ),
    do_: DoUse::Optional,
    else_do: true,
    retry: false,
    docs_url: "https://docs.digdag.io/operators/if.html",
    ..OperatorSpec::BASE
};

const LOOP_PARAMS: &[ParamSpec] = &[param(
    "count",
    Int,
    "Number of iterations; wins over the command.",
)];

pub const LOOP: OperatorSpec = OperatorSpec {
    name: "loop",
    family: Family::Control,
    summary: "Runs `_do` a number of times, with `${i}` counting from 0.",
    doc: "Generates `+loop-0` ... `+loop-(N-1)` under `^sub`; `loop>: 0` generates nothing.",
    example: "+repeat:\n  loop>: 7\n  _do:\n    echo>: ${moment(session_time).add(i, 'days')} is ${i} days after ${session_date}\n",
    command: CommandSpec::required(Int, "COUNT", "Number of iterations.").alternatives(&["count"]),
    param_groups: &[LOOP_PARAMS],
    do_: DoUse::Required,
    parallel: true,
    retry: false,
    exports: &[OutputSpec {
        name: "i",
        ty: Int,
        when: StoreWhen::Always,
        summary: "Index of the iteration, from 0.",
    }],
    docs_url: "https://docs.digdag.io/operators/loop.html",
    ..OperatorSpec::BASE
};

pub const FOR_EACH: OperatorSpec = OperatorSpec {
    name: "for_each",
    family: Family::Control,
    summary: "Runs `_do` for every combination of the given values.",
    doc: "Each key becomes a variable of the generated tasks; with several keys every combination runs (the first key outermost). Generated names look like `+for-0=fruit=0=apple&1=verb=0=eat`.",
    example: "+repeat:\n  for_each>:\n    fruit: [apple, orange]\n    verb: [eat, throw]\n  _do:\n    echo>: ${verb} ${fruit}\n",
    command: CommandSpec::required(Any, "{KEY: [VALUE, ...], ...}", "Variables and their values.").doc(
        "An object whose values are lists (or strings holding JSON lists), or a string holding a JSON object, e.g. `${http.last_content}`.\n\n```yaml\n+loop:\n  for_each>: {i: '[1, 2, 3]'}\n  _do:\n    echo>: ${i}\n```",
    ),
    do_: DoUse::Required,
    parallel: true,
    retry: false,
    exports_command_keys: true,
    docs_url: "https://docs.digdag.io/operators/for_each.html",
    ..OperatorSpec::BASE
};

const FOR_RANGE_KEYS: &[ParamSpec] = &[
    param("from", Int, "Start of the range (inclusive).").required(),
    param("to", Int, "End of the range (exclusive).").required(),
    param("step", Int, "Width of each slice (at least 1)."),
    param(
        "slices",
        Int,
        "Number of slices (at least 1); the width is computed.",
    ),
];

pub const FOR_RANGE: OperatorSpec = OperatorSpec {
    name: "for_range",
    family: Family::Control,
    summary: "Runs `_do` for consecutive slices of a numeric range, with `${range.from}`, `${range.to}`, `${range.index}`.",
    doc: "Exactly one of `step` and `slices` (`Setting both step and slices options to for_range is invalid`, `step or slices option is required for for_range`). Generated names look like `+range-from=0&to=3`.",
    example: "+repeat:\n  for_range>:\n    from: 10\n    to: 50\n    step: 10\n  _do:\n    echo>: processing from ${range.from} to ${range.to}.\n",
    command: CommandSpec::required(Any, "{from: N, to: M, step: S | slices: K}", "The range.")
        .keys(FOR_RANGE_KEYS)
        .exclusive_keys(&[&["step", "slices"]])
        .doc("An object, or a string holding one as JSON."),
    do_: DoUse::Required,
    parallel: true,
    retry: false,
    exports: &[
        OutputSpec { name: "range", ty: Object, when: StoreWhen::Always, summary: "The current slice: `from`, `to`, `index`." },
        OutputSpec { name: "range.from", ty: Int, when: StoreWhen::Always, summary: "Start of the slice (inclusive)." },
        OutputSpec { name: "range.to", ty: Int, when: StoreWhen::Always, summary: "End of the slice (exclusive)." },
        OutputSpec { name: "range.index", ty: Int, when: StoreWhen::Always, summary: "Index of the slice, from 0." },
    ],
    docs_url: "https://docs.digdag.io/operators/for_range.html",
    ..OperatorSpec::BASE
};

pub const CALL: OperatorSpec = OperatorSpec {
    name: "call",
    family: Family::Control,
    summary: "Runs another workflow file as a subtask.",
    doc: "The file is loaded like a workflow (its `_export`, `_error`, `schedule` ... apply; its `timezone` is dropped). A workflow in a subdirectory runs with that subdirectory as its working directory.",
    example: "+step1:\n  call>: another_workflow.dig\n+step2:\n  call>: common/shared_workflow.dig\n",
    command: CommandSpec::required(String, "FILE.dig", "The workflow file.")
        .file(FileRef::Workflow)
        .doc("Relative to the working directory; `.dig` is appended when missing; it must stay inside the project (`File name must not be outside of project path`)."),
    dynamic: DynamicOutputs::Generated,
    docs_url: "https://docs.digdag.io/operators/call.html",
    ..OperatorSpec::BASE
};

const REQUIRE_PARAMS: &[ParamSpec] = &[
    param("session_time", String, "Session time of the required workflow (ISO-8601 with offset).")
        .doc("Defaults to this task's session time.\n\n```yaml\n+prev:\n  require>: daily_workflow\n  session_time: 2017-01-01T00:00:00+00:00\n```"),
    param("project_id", Int, "Id of the project holding the workflow (default: this project)."),
    param("project_name", String, "Name of the project holding the workflow (default: this project)."),
    param("rerun_on", Enum(&["none", "failed", "all"]), "Whether to start the workflow again when an attempt already exists.")
        .default("none")
        .doc("`none`: never; `failed`: when the existing attempt did not succeed; `all`: always."),
    param("ignore_failure", Bool, "Succeed even when the required workflow fails.").default("false"),
    param("params", Object, "Parameters passed to the required workflow's session."),
    param("retry_attempt_name", String, "Attempt name to use (read only from the task itself, never inherited)."),
];

pub const REQUIRE: OperatorSpec = OperatorSpec {
    name: "require",
    family: Family::Control,
    summary: "Starts another workflow for the same session time, unless it ran already, and waits for it.",
    doc: "Unlike `call>`, the other workflow runs as its own session (of this or another project); a finished attempt for the same session time is reused.",
    example: "+step1:\n  require>: another_workflow\n  ignore_failure: true\n",
    command: CommandSpec::required(String, "WORKFLOW_NAME", "Name of the workflow (no `.dig`).")
        .file(FileRef::WorkflowName),
    param_groups: &[REQUIRE_PARAMS],
    exclusive: &[&["project_id", "project_name"]],
    docs_url: "https://docs.digdag.io/operators/require.html",
    ..OperatorSpec::BASE
};

const WAIT_PARAMS: &[ParamSpec] = &[
    param("blocking", Bool, "Keep the agent thread waiting instead of polling.").default("false"),
    param("poll_interval", Duration, "How often to check in non-blocking mode (default: once, when the time is up).")
        .doc("Not allowed with `blocking: true` (`poll_interval can't be specified with blocking:true`)."),
];

pub const WAIT: OperatorSpec = OperatorSpec {
    name: "wait",
    family: Family::Control,
    summary: "Waits for a duration.",
    doc: "Like `sh>: sleep N`, but works without a shell and does not hold a thread in non-blocking mode.",
    example: "+wait_10s:\n  wait>: 10s\n",
    command: CommandSpec::required(Duration, "DURATION", "How long to wait (`10s`, `1h 30m`, `2d`)."),
    param_groups: &[WAIT_PARAMS],
    retry: false,
    docs_url: "https://docs.digdag.io/operators/wait.html",
    ..OperatorSpec::BASE
};

pub const NOTIFY: OperatorSpec = OperatorSpec {
    name: "notify",
    family: Family::Control,
    summary: "Sends a notification through the server's notifier (internal).",
    doc: "Used by digdag for SLA and failure alerts (`notify>: SLA violation`); callable, but what it does depends on the server's notification settings.",
    example: "+alert:\n  notify>: data is late\n",
    command: CommandSpec::required(String, "MESSAGE", "The notification message."),
    retry: false,
    ..OperatorSpec::BASE
};
