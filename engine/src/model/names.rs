//! Task and workflow name rules.
