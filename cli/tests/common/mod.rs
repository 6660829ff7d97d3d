//! What the binary's end-to-end tests share: running `wf` in a directory, and scratch
//! directories.

#![allow(dead_code)] // each test file uses part of it

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `wf` binary under test.
pub fn wf() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wf"))
}

/// Runs `wf args` in `dir`: (exit code, stdout, stderr).
pub fn wf_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = wf().args(args).current_dir(dir).output().expect("run wf");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A new empty directory, unique to this test process and call.
pub fn scratch_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "{prefix}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
