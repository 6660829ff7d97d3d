//! The generated ~5,000-line benchmark workflow (the same text as `parse_load.rs` generates,
//! so the figures of both benchmarks are comparable), with the project files it names.

use std::fmt::Write as _;
use std::path::PathBuf;

/// A deterministic, valid, realistic workflow of about `lines` lines: comments, `_export`
/// blocks with nested maps and flow maps, groups with `_parallel`, `td>` tasks with SQL block
/// scalars and parameters, `sh>` tasks with `_env`, flow sequences, `_error` handlers.
pub fn generate_workflow(lines: usize) -> String {
    generate(lines * 40, |out| out.lines().count() >= lines)
}

/// The same workflow, of at least `bytes` bytes (the robustness tests' large inputs).
pub fn generate_workflow_of_bytes(bytes: usize) -> String {
    generate(bytes + 2048, |out| out.len() >= bytes)
}

fn generate(capacity: usize, done: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(capacity);
    out.push_str(
        "# Generated workflow for benchmarks.\n\
         timezone: Asia/Tokyo\n\
         \n\
         schedule:\n  daily>: 07:00:00\n\
         \n\
         _export:\n  td:\n    database: analytics\n    engine: presto\n  \
         retry_limit: 3\n  targets: [sales, users, \"events\", 'logs']\n\
         \n",
    );
    let mut g = 0usize;
    while !done(&out) {
        let _ = write!(
            out,
            "# ---- group {g}: ingest and aggregate ----\n\
             +group_{g}:\n  \
               _parallel: {par}\n  \
               _export:\n    \
                 table: events_{g}\n    \
                 params: {{day: \"${{session_date}}\", shard: {g}, enabled: true}}\n\n  \
               +load_{g}:\n    \
                 td>: queries/load_{m}.sql\n    \
                 create_table: tmp_${{session_date_compact}}_{g}\n    \
                 store_last_results: true  # used by the next task\n\n  \
               +aggregate_{g}:\n    \
                 td>:\n    \
                 query: |\n      \
                   SELECT category, COUNT(*) AS n\n      \
                   FROM ${{td.database}}.events_{g}\n      \
                   WHERE TD_TIME_RANGE(time, '${{session_date}}', NULL, 'JST')\n      \
                   GROUP BY 1\n    \
                 insert_into: summary_{g}\n    \
                 engine_version: stable\n\n  \
               +export_{g}:\n    \
                 sh>: scripts/export.sh --table summary_{g} --date ${{session_date}}\n    \
                 _env: {{REGION: us-east-1, STAGE: 'prod', SHARD: \"{g}\"}}\n    \
                 _retry: 2\n\n  \
               +notify_{g}:\n    \
                 echo>: >-\n      \
                   group {g} finished\n      \
                   for ${{session_date}}\n    \
                 _export: {{tags: [ingest, 'shard {g}', {g}]}}\n\n  \
               _error:\n    \
                 sh>: scripts/alert.sh group_{g}\n\n",
            par = g & 1 == 0,
            m = g % 7,
        );
        g += 1;
    }
    out
}

/// The files `generate_workflow`'s tasks name (queries and scripts), relative to the project.
pub fn support_files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut support: Vec<(PathBuf, Vec<u8>)> = (0..7)
        .map(|m| {
            (
                PathBuf::from(format!("queries/load_{m}.sql")),
                b"SELECT 1".to_vec(),
            )
        })
        .collect();
    for script in ["scripts/export.sh", "scripts/alert.sh"] {
        support.push((PathBuf::from(script), b"#!/bin/sh\n".to_vec()));
    }
    support
}
