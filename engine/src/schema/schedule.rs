//! Schedule kinds and options (semantics §5.1, §5.2a).

use super::spec::ValueType::*;
use super::spec::*;

/// Keys of `schedule:` besides the `kind>:` key.
pub(crate) const SCHEDULE_OPTIONS: &[ParamSpec] = &[
    param("start", String, "First day (`yyyy-MM-dd`, inclusive) on which sessions may run.")
        .doc("Compared with the run time (session time plus delay), from 00:00 of that day in the workflow time zone."),
    param("end", String, "Last day (`yyyy-MM-dd`, inclusive) on which sessions may run.")
        .doc("Must not be before `start` (`The schedule of end is earlier than start`)."),
    param("skip_on_overtime", Bool, "Skip a session while the previous attempt of the workflow is still running.").default("false"),
    param("skip_delayed_by", Duration, "Skip a session whose run time passed more than this long ago (no catch-up after downtime).")
        .doc("```yaml\nschedule:\n  hourly>: 00:00\n  skip_delayed_by: 1h\n```"),
    param("delay", Int, "Seconds added to the session time to get the run time (`minutes_interval>`, `cron>`, `seconds_interval>`).")
        .default("0"),
    param("at", String, "The time argument of `hourly>`/`daily>`/`weekly>`/`monthly>` when the `kind>:` value is empty."),
];

/// Every schedule kind, sorted by name.
pub(crate) static SCHEDULE_KINDS: &[ScheduleKindSpec] = &[
    ScheduleKindSpec {
        name: "cron",
        syntax: "'MIN HOUR DAY MONTH WEEKDAY'",
        summary: "A cron4j pattern; the session time is the matching minute (plus `delay` for the run).",
        doc: "Five fields; lists `a,b`, ranges `a-b`, steps `*/n`, names `jan`/`sun`, `L` (last day of month), several patterns joined with `|`. Unlike Vixie cron, the day of month and the day of week must **both** match. No seconds, `?` or `@daily`. Quote patterns starting with `*`.",
        example: "schedule:\n  cron>: '42 4 1 * *'\n",
        keys: &["delay"],
        start_end: true,
        documented: true,
    },
    ScheduleKindSpec {
        name: "daily",
        syntax: "HH:MM:SS",
        summary: "Every day; the session time is 00:00, the run time that day at the given time.",
        doc: "`daily>: 07:00:00` runs at 07:00 a session whose `session_time` is 00:00 of the same day. The time is a delay in seconds, so on DST-change days the wall-clock run time shifts by an hour.",
        example: "schedule:\n  daily>: 07:00:00\n",
        keys: &["at"],
        start_end: true,
        documented: true,
    },
    ScheduleKindSpec {
        name: "hourly",
        syntax: "MM:SS",
        summary: "Every hour; the session time is the top of the hour.",
        doc: "`hourly>: 30:00` runs at 10:30 the session of 10:00.",
        example: "schedule:\n  hourly>: 30:00\n",
        keys: &["at"],
        start_end: true,
        documented: true,
    },
    ScheduleKindSpec {
        name: "minutes_interval",
        syntax: "MINUTES",
        summary: "Every M minutes within each hour (`*/M * * * *`).",
        doc: "Not a free-running interval: `minutes_interval>: 45` fires at :00 and :45.",
        example: "schedule:\n  minutes_interval>: 30\n",
        keys: &["delay"],
        start_end: true,
        documented: true,
    },
    ScheduleKindSpec {
        name: "monthly",
        syntax: "DAY,HH:MM:SS",
        summary: "Every month on the given day; the session time is 00:00 of that day.",
        doc: "Months without that day (29-31) are skipped. No space after the comma.",
        example: "schedule:\n  monthly>: 1,09:00:00\n",
        keys: &["at"],
        start_end: true,
        documented: true,
    },
    ScheduleKindSpec {
        name: "seconds_interval",
        syntax: "SECONDS",
        summary: "Undocumented: every S seconds, aligned to the epoch.",
        doc: "Ignores `start` and `end`.",
        example: "schedule:\n  seconds_interval>: 30\n",
        keys: &["delay"],
        start_end: false,
        documented: false,
    },
    ScheduleKindSpec {
        name: "weekly",
        syntax: "DAY,HH:MM:SS",
        summary: "Every week on the given day; the session time is 00:00 of that day.",
        doc: "DAY is a cron day-of-week field: `Sun`, `mon`, `0`-`7`, `1-5`, ...",
        example: "schedule:\n  weekly>: Sun,09:00:00\n",
        keys: &["at"],
        start_end: true,
        documented: true,
    },
];
