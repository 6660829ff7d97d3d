//! Built-in variables (semantics §3.1): set on every task, on top of inherited parameters.

use super::spec::ValueType::*;
use super::spec::VariableSpec;

const fn var(
    name: &'static str,
    ty: super::spec::ValueType,
    summary: &'static str,
    example: &'static str,
) -> VariableSpec {
    VariableSpec {
        name,
        ty,
        summary,
        doc: "",
        example,
        requires_schedule: false,
    }
}

const fn scheduled(v: VariableSpec) -> VariableSpec {
    VariableSpec {
        requires_schedule: true,
        ..v
    }
}

const fn doc(v: VariableSpec, doc: &'static str) -> VariableSpec {
    VariableSpec { doc, ..v }
}

const LAST: &str =
    "The previous schedule slot strictly before the session time (`start`/`end` not applied).";
const NEXT: &str = "The next schedule slot strictly after the session time (`end` applied: it can be the far-future sentinel `9999-01-01`).";
const EXECUTED: &str = "Set for sessions the scheduler started; in `digdag run` (and manual sessions) it is an empty string, and `last_executed_session_tz_offset` is the zone's offset at epoch 0.";

/// Every built-in variable, sorted by name.
pub(crate) static BUILTIN_VARIABLES: &[VariableSpec] = &[
    var("attempt_id", Int, "Id of the attempt (1 in `digdag run`).", "7"),
    doc(var("last_executed_session_date", String, "Date of the last session the scheduler ran (`yyyy-MM-dd`).", "2016-01-29"), EXECUTED),
    doc(var("last_executed_session_date_compact", String, "Date of the last scheduled session (`yyyyMMdd`).", "20160129"), EXECUTED),
    doc(var("last_executed_session_local_time", String, "Local time of the last scheduled session (`yyyy-MM-dd HH:mm:ss`).", "2016-01-29 00:00:00"), EXECUTED),
    doc(var("last_executed_session_time", String, "Time of the last session the scheduler ran (`yyyy-MM-ddTHH:mm:ss+HH:MM`).", "2016-01-29T00:00:00+00:00"), EXECUTED),
    doc(var("last_executed_session_tz_offset", String, "Offset of the last scheduled session (`+HHMM`).", "+0000"), EXECUTED),
    doc(var("last_executed_session_unixtime", Int, "Epoch seconds of the last scheduled session.", "1454025600"), EXECUTED),
    scheduled(doc(var("last_session_date", String, "Date of the previous schedule slot (`yyyy-MM-dd`).", "2016-01-29"), LAST)),
    scheduled(doc(var("last_session_date_compact", String, "Date of the previous slot (`yyyyMMdd`).", "20160129"), LAST)),
    scheduled(doc(var("last_session_local_time", String, "Local time of the previous slot (`yyyy-MM-dd HH:mm:ss`).", "2016-01-29 00:00:00"), LAST)),
    scheduled(doc(var("last_session_time", String, "Time of the previous schedule slot (`yyyy-MM-ddTHH:mm:ss+HH:MM`).", "2016-01-29T00:00:00+00:00"), LAST)),
    scheduled(doc(var("last_session_tz_offset", String, "Offset of the previous slot (`+HHMM`).", "+0000"), LAST)),
    scheduled(doc(var("last_session_unixtime", Int, "Epoch seconds of the previous slot.", "1454025600"), LAST)),
    scheduled(doc(var("next_session_date", String, "Date of the next schedule slot (`yyyy-MM-dd`).", "2016-01-31"), NEXT)),
    scheduled(doc(var("next_session_date_compact", String, "Date of the next slot (`yyyyMMdd`).", "20160131"), NEXT)),
    scheduled(doc(var("next_session_local_time", String, "Local time of the next slot (`yyyy-MM-dd HH:mm:ss`).", "2016-01-31 00:00:00"), NEXT)),
    scheduled(doc(var("next_session_time", String, "Time of the next schedule slot (`yyyy-MM-ddTHH:mm:ss+HH:MM`).", "2016-01-31T00:00:00+00:00"), NEXT)),
    scheduled(doc(var("next_session_tz_offset", String, "Offset of the next slot (`+HHMM`).", "+0000"), NEXT)),
    scheduled(doc(var("next_session_unixtime", Int, "Epoch seconds of the next slot.", "1454198400"), NEXT)),
    var("project_id", Int, "Id of the project.", "12345"),
    doc(var("retry_attempt_name", Any, "Name of the retry attempt, or null.", ""), "A string for attempts started by `digdag retry` with a name, else null."),
    var("session_date", String, "Date of the session (`yyyy-MM-dd`).", "2016-01-30"),
    var("session_date_compact", String, "Date of the session (`yyyyMMdd`).", "20160130"),
    var("session_id", Int, "Id of the session (1 in `digdag run`).", "2381"),
    var("session_local_time", String, "Local time of the session (`yyyy-MM-dd HH:mm:ss`).", "2016-01-30 00:00:00"),
    doc(var("session_time", String, "Time of the session (`yyyy-MM-ddTHH:mm:ss+HH:MM`, never `Z`).", "2016-01-30T00:00:00+00:00"), "For `daily>` schedules it is 00:00 of the day, not the run time. Use `moment(session_time)` for date arithmetic."),
    var("session_tz_offset", String, "Offset of the session time (`+HHMM`).", "+0000"),
    var("session_unixtime", Int, "Epoch seconds of the session time.", "1454112000"),
    var("session_uuid", String, "Unique id of the session.", "414a8b9e-b365-4394-916a-f0ed9987bd2b"),
    doc(var("task_name", String, "Full name of the task.", "+wf+parent+child"), "Generated tasks include `^sub`, `^error`, ...: `+wf+loop^sub+loop-0`."),
    var("timezone", String, "Time zone of the workflow.", "America/Los_Angeles"),
];
