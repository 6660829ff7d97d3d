//! Schedules: validating a workflow's `schedule:` block exactly as digdag's `SchedulerManager`
//! and scheduler factories do ([`parse_schedule`]), cron4j patterns ([`cron`]), session time
//! arithmetic in the workflow's time zone ([`Schedule::first_session_at_or_after`] and friends)
//! and the session built-in variables ([`builtin_session_variables`]).
//!
//! Every calendar kind is a cron pattern plus a fixed delay in seconds (digdag's
//! `CronScheduler`); `seconds_interval>` is epoch-aligned.

mod config;
pub mod cron;
mod javadate;
mod time;
mod vars;

pub use config::parse_schedule;
pub use cron::CronPattern;
pub use time::{Session, Sessions};
pub use vars::builtin_session_variables;

/// The scheduler type named by the `type>:` key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScheduleKind {
    Hourly,
    Daily,
    Weekly,
    Monthly,
    MinutesInterval,
    Cron,
    SecondsInterval,
}

impl ScheduleKind {
    /// Every kind, in the order digdag documents them.
    pub const ALL: [ScheduleKind; 7] = [
        ScheduleKind::Hourly,
        ScheduleKind::Daily,
        ScheduleKind::Weekly,
        ScheduleKind::Monthly,
        ScheduleKind::MinutesInterval,
        ScheduleKind::Cron,
        ScheduleKind::SecondsInterval,
    ];

    /// The type name (`daily`, `minutes_interval`, ...), as written before `>`.
    pub fn name(self) -> &'static str {
        match self {
            ScheduleKind::Hourly => "hourly",
            ScheduleKind::Daily => "daily",
            ScheduleKind::Weekly => "weekly",
            ScheduleKind::Monthly => "monthly",
            ScheduleKind::MinutesInterval => "minutes_interval",
            ScheduleKind::Cron => "cron",
            ScheduleKind::SecondsInterval => "seconds_interval",
        }
    }

    /// The kind named `name`, if digdag knows it.
    pub fn from_name(name: &str) -> Option<ScheduleKind> {
        ScheduleKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// What decides the session times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Matches of a cron4j pattern on the workflow zone's wall clock.
    Cron(CronPattern),
    /// Multiples of this many seconds since the epoch (`seconds_interval>`, always > 0).
    SecondsInterval(i64),
}

/// A validated `schedule:` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// The `type>` that was used.
    pub kind: ScheduleKind,
    /// The pattern (calendar kinds included) or seconds interval.
    pub trigger: Trigger,
    /// Seconds from session time to run time (may be negative), added as an absolute duration.
    pub delay_seconds: i64,
    /// `start:`: no run time before 00:00 of this date in the workflow zone.
    pub start: Option<jiff::civil::Date>,
    /// `end:` (inclusive): no run time at or after 00:00 of the next day in the workflow zone.
    pub end: Option<jiff::civil::Date>,
    /// `skip_on_overtime:`: skip a slot while an attempt is still running (run time only).
    pub skip_on_overtime: bool,
    /// `skip_delayed_by:`: skip a slot started later than run time + this (run time only).
    pub skip_delayed_by: Option<jiff::SignedDuration>,
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Building `schedule:` values in tests.

    use super::{parse_schedule, Schedule};
    use crate::load::value::{Entry, Object, Value, ValueKind};
    use crate::source::{FileId, Span};

    /// A string value.
    pub fn str(s: &str) -> ValueKind {
        ValueKind::String(s.to_string())
    }

    /// The schedule parsed from these entries; panics on any diagnostic.
    pub fn schedule(entries: &[(&str, ValueKind)]) -> Schedule {
        let span = Span::new(FileId(0), 0, 0);
        let entries = entries
            .iter()
            .map(|(k, v)| Entry {
                key: (*k).to_string(),
                key_span: span,
                value: Value::new(v.clone(), span),
            })
            .collect();
        let (schedule, diags) =
            parse_schedule(&Value::new(ValueKind::Object(Object { entries }), span));
        assert!(diags.is_empty(), "{diags:?}");
        schedule.expect("valid schedule")
    }
}
