//! Hostile input: every case must end with diagnostics (or, for valid input, none) within a
//! bounded time and memory, without a panic, a hang or a stack overflow, and every text that is
//! valid UTF-8 must come back byte for byte from the syntax tree.
//!
//! Each test runs in a child process of this test binary (so a stack overflow, an abort or a
//! runaway case fails that test alone, and is killed instead of eating the machine). In the
//! child, each case runs on its own thread with a 2 MiB stack (what rayon's workers in `wf lint`
//! get), one case at a time, under a time budget, with a counting allocator measuring its peak
//! heap and aborting past a hard cap. The budgets are generous guards for debug builds; speed
//! is measured by `benches/parse_load.rs`.
//!
//! Cases that show engine bugs are `#[ignore]`d with the reason; run them with
//! `cargo test -p wf-engine --test bad_input -- --ignored`.

#[path = "../benches/common/generated.rs"]
#[allow(dead_code)] // only the workflow text, not its project files
mod generated;

use generated::generate_workflow_of_bytes;
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};
use wf_engine::check::{lint_project, ProjectReport};
use wf_engine::load::{Loader, MemoryFileSystem};

// ---- a counting allocator: peak heap of one case ------------------------------------------

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Set in a child process: past [`HARD_CAP`] live bytes the process aborts (a runaway case
/// must not take the machine's memory).
static CAPPED: AtomicBool = AtomicBool::new(false);
const HARD_CAP: usize = 4 << 30;

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
    if now > HARD_CAP && CAPPED.load(Ordering::Relaxed) {
        // No allocation from here on: a static message, then abort.
        let _ = std::io::stderr()
            .write_all(b"bad_input: live heap exceeds the 4 GiB hard cap; aborting\n");
        std::process::abort();
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

// ---- running one test in a child process ----------------------------------------------------

/// Set in the environment of the child process that runs one test.
const CHILD_ENV: &str = "WF_BAD_INPUT_CHILD";

/// A backstop for the whole child process (each case has its own, smaller budget).
const CHILD_TIMEOUT: Duration = Duration::from_secs(600);

/// Runs `body` as the test `name` (the test function's own name): in a child process of this
/// test binary, or directly when this is that child.
fn isolated(name: &str, body: impl FnOnce()) {
    if std::env::var_os(CHILD_ENV).is_some() {
        CAPPED.store(true, Ordering::Relaxed);
        body();
        return;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let mut child = Command::new(exe)
        .args([
            name,
            "--exact",
            "--nocapture",
            "--test-threads=1",
            "--include-ignored",
        ])
        .env(CHILD_ENV, "1")
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the test binary");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break Some(status);
        }
        if start.elapsed() > CHILD_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    let tail = |s: &str| {
        let cut = s.len().saturating_sub(6000);
        let cut = (cut..s.len())
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(s.len());
        s[cut..].to_string()
    };
    let what = match status {
        None => format!("killed after {CHILD_TIMEOUT:?} (hang)"),
        Some(s) if s.success() => {
            assert!(
                out.contains(&format!("test {name} ... ok")),
                "the child did not run the test {name} (wrong name?):\n{out}"
            );
            // The per-case timings and peaks.
            eprint!("{err}");
            return;
        }
        Some(s) => {
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt as _;
                match s.signal() {
                    Some(6) if err.contains("has overflowed its stack") => {
                        "stack overflow (SIGABRT)".to_string()
                    }
                    Some(6) => "abort (SIGABRT)".to_string(),
                    Some(11) => "SIGSEGV (stack overflow?)".to_string(),
                    Some(9) => "SIGKILL (out of memory?)".to_string(),
                    Some(sig) => format!("signal {sig}"),
                    None => format!("failed ({s})"),
                }
            }
            #[cfg(not(unix))]
            {
                format!("failed ({s})")
            }
        }
    };
    panic!(
        "{name}: {what}\n---- child stdout (tail) ----\n{}\n---- child stderr (tail) ----\n{}",
        tail(&out),
        tail(&err)
    );
}

// ---- running one case ----------------------------------------------------------------------

/// One case at a time, so the peak heap is that case's own.
static SERIAL: Mutex<()> = Mutex::new(());

const MIB: usize = 1 << 20;
/// How much slower than on a quiet machine a case may be before it counts as a hang.
const HANG_FACTOR: u32 = 6;
/// Stack of a rayon worker thread (what `wf lint` runs projects on).
const STACK: usize = 2 * MIB;

/// Runs `f` on a fresh thread with a [`STACK`]-sized stack; fails the test when it panics,
/// takes longer than `budget` or its peak heap (above what was live before) exceeds
/// `max_heap` bytes.
fn run_case<T: Send + 'static>(
    name: &str,
    budget: Duration,
    max_heap: usize,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    // The budgets catch hangs and pathological (super-linear) slowness, not speed (the
    // benchmarks measure that): on a loaded 2-core CI machine a case may take several times
    // its quiet-machine time.
    let budget = budget * HANG_FACTOR;
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(name.to_string())
        .stack_size(STACK)
        .spawn(move || {
            let out = f();
            let _ = tx.send(());
            out
        })
        .expect("spawn case thread");
    match rx.recv_timeout(budget) {
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{name}: still running after {budget:?} (hang or pathological slowness)")
        }
    }
    let out = match worker.join() {
        Ok(out) => out,
        Err(e) => std::panic::resume_unwind(e),
    };
    let elapsed = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    eprintln!(
        "{name}: {:.3} s, peak heap {:.1} MiB",
        elapsed.as_secs_f64(),
        peak as f64 / MIB as f64
    );
    assert!(
        peak <= max_heap,
        "{name}: peak heap {peak} bytes > {max_heap} bytes"
    );
    out
}

/// The default guard: 5 s (debug build) and 256 MiB.
const BUDGET: Duration = Duration::from_secs(5);
const HEAP: usize = 256 * MIB;

// ---- what every case checks -----------------------------------------------------------------

/// What a lint of a case found: `(code, line, message)`, lines 1-based in the file named.
#[derive(Debug)]
struct Found {
    diagnostics: Vec<(&'static str, PathBuf, usize, String)>,
}

impl Found {
    fn codes(&self) -> Vec<&'static str> {
        self.diagnostics.iter().map(|d| d.0).collect()
    }

    fn has(&self, code: &str) -> bool {
        self.diagnostics.iter().any(|d| d.0 == code)
    }

    fn errors_described(&self) -> String {
        let mut s = String::new();
        for (code, path, line, msg) in self.diagnostics.iter().take(10) {
            let _ = writeln!(s, "  {code} {}:{line}: {msg}", path.display());
        }
        s
    }
}

/// The syntax tree of `text` gives it back byte for byte; error ranges are in the text and
/// on character boundaries.
fn check_syntax(text: &str) {
    let parse = wf_engine::syntax::parse(text);
    let back = parse.syntax().to_string();
    if back != text {
        let at = back
            .bytes()
            .zip(text.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(back.len().min(text.len()));
        panic!(
            "round trip differs at byte {at} (tree {} bytes, text {} bytes)",
            back.len(),
            text.len()
        );
    }
    for e in &parse.errors {
        assert!(
            e.start <= e.end && e.end as usize <= text.len(),
            "syntax error range out of the text: {e:?}"
        );
        assert!(
            text.is_char_boundary(e.start as usize) && text.is_char_boundary(e.end as usize),
            "syntax error range not on char boundaries: {e:?}"
        );
    }
}

/// Spans of a report are in their files and on character boundaries.
fn check_spans(report: &ProjectReport) {
    for d in &report.diagnostics {
        let f = report.sources.get(d.span.file);
        assert!(
            d.span.start <= d.span.end && d.span.end as usize <= f.text.len(),
            "span out of its file: {d:?}"
        );
        assert!(
            f.text.is_char_boundary(d.span.start as usize)
                && f.text.is_char_boundary(d.span.end as usize),
            "span not on char boundaries: {d:?}"
        );
    }
}

/// Round-trips every UTF-8 file through the syntax tree, then lints the project at `/p` made of
/// `files` with `workflows` as its workflows.
fn lint_files(files: Vec<(String, Vec<u8>)>, workflows: &[&str]) -> Found {
    let mut fs = MemoryFileSystem::new();
    for (name, bytes) in files {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check_syntax(text);
        }
        fs.insert(Path::new("/p").join(name), bytes);
    }
    let workflows: Vec<PathBuf> = workflows.iter().map(|w| Path::new("/p").join(w)).collect();
    let report = lint_project(&fs, Path::new("/p"), &workflows);
    check_spans(&report);
    assert!(report.unreadable.is_empty(), "{:?}", report.unreadable);
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let f = report.sources.get(d.span.file);
            let (line, _) = f.line_char_col(d.span.start);
            (d.code, f.path.clone(), line, d.message.clone())
        })
        .collect();
    Found { diagnostics }
}

/// A one-workflow project: `/p/wf.dig` holding `bytes`, beside the files that the generated
/// workflows' tasks name.
fn lint_one(bytes: impl Into<Vec<u8>>) -> Found {
    let mut files = vec![("wf.dig".to_string(), bytes.into())];
    files.extend(support_files());
    lint_files(files, &["wf.dig"])
}

/// The SQL files and scripts that [`generate_workflow`]'s tasks name.
fn support_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = (0..7)
        .map(|m| (format!("queries/load_{m}.sql"), b"SELECT 1".to_vec()))
        .collect();
    for script in ["scripts/export.sh", "scripts/alert.sh", "run.sh"] {
        files.push((script.to_string(), b"#!/bin/sh\n".to_vec()));
    }
    files
}

/// Runs a one-file case under the default guards and returns what it found; the input must
/// get at least one diagnostic.
fn hostile(name: &str, text: impl Into<Vec<u8>>) -> Found {
    hostile_within(BUDGET, name, text)
}

/// [`hostile`] with a time budget of its own.
fn hostile_within(budget: Duration, name: &str, text: impl Into<Vec<u8>>) -> Found {
    let bytes = text.into();
    let found = run_case(name, budget, HEAP, move || lint_one(bytes));
    assert!(
        !found.diagnostics.is_empty(),
        "{name}: no diagnostic for a hostile input"
    );
    found
}

/// Runs a one-file case that is a valid workflow: no diagnostic at all.
fn valid(name: &str, text: impl Into<Vec<u8>>) {
    let bytes = text.into();
    let found = run_case(name, BUDGET, HEAP, move || lint_one(bytes));
    assert!(
        found.diagnostics.is_empty(),
        "{name}: a valid workflow got diagnostics:\n{}",
        found.errors_described()
    );
}

// ---- generators ------------------------------------------------------------------------------

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// A small valid workflow (for the line-ending and BOM cases).
const SMALL: &str = "timezone: UTC\n\
_export:\n  td:\n    database: db\n\
+first:\n  echo>: hello\n\
+second:\n  td>:\n  query: |\n    SELECT 1\n    FROM t\n  engine: presto\n\
+group:\n  _parallel: true\n  +a:\n    sh>: run.sh\n  +b:\n    echo>: {x: 1}\n";

const DEPTH: usize = 10_000;

/// Budget of the 10,000-level cases. They take 1-5 s in debug (0.1-0.5 s in release), most of
/// it in `Converter::node_span`, which is O(size x depth) (see `megabyte_of_open_brackets`).
const NESTING_BUDGET: Duration = Duration::from_secs(20);

// ---- random bytes ----------------------------------------------------------------------------

#[test]
fn random_binary_data_reports_invalid_utf8() {
    isolated("random_binary_data_reports_invalid_utf8", || {
        run_case("random binary", Duration::from_secs(20), HEAP, || {
            let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
            for case in 0..64 {
                let len = match case {
                    0 => 256 * 1024,
                    _ => 1 + (rng.next() % 8192) as usize,
                };
                let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                // Make sure there is an invalid byte even in the shortest texts.
                bytes.push(0xFF);
                let found = lint_one(bytes.clone());
                assert!(
                    found.has("S006"),
                    "case {case} ({len} bytes): no S006 in {:?}",
                    found.codes()
                );
                // What the loader parsed (invalid bytes replaced) round-trips too.
                check_syntax(&String::from_utf8_lossy(&bytes));
            }
        });
    });
}

#[test]
fn random_binary_data_through_the_loader() {
    isolated("random_binary_data_through_the_loader", || {
        run_case("random binary (Loader)", BUDGET, HEAP, || {
            let mut rng = Rng(0x0123_4567_89AB_CDEF);
            let bytes: Vec<u8> = (0..100_000).map(|_| rng.next() as u8).collect();
            let mut fs = MemoryFileSystem::new();
            fs.insert("/p/bin.dig", bytes);
            let mut loader = Loader::new(&fs);
            let (_, value) = loader.load_workflow(Path::new("/p/bin.dig")).unwrap();
            assert!(value.as_ref().is_none_or(|v| v.as_object().is_some()));
            assert!(loader.diagnostics.iter().any(|d| d.code == "S006"));
            let first = loader
                .diagnostics
                .iter()
                .find(|d| d.code == "S006")
                .unwrap();
            let text = &loader.sources.get(first.span.file).text;
            assert_eq!(&text[first.span.range()], "\u{FFFD}");
        });
    });
}

#[test]
fn random_ascii_printable_noise() {
    isolated("random_ascii_printable_noise", || {
        hostile("random printable noise", {
            let mut rng = Rng(42);
            (0..200_000)
                .map(|_| match rng.next() % 20 {
                    0 => b'\n',
                    1 => b' ',
                    _ => 0x21 + (rng.next() % 94) as u8,
                })
                .collect::<Vec<u8>>()
        });
    });
}

// ---- size ---------------------------------------------------------------------------------

#[test]
fn ten_megabyte_valid_workflow_loads_without_errors() {
    isolated("ten_megabyte_valid_workflow_loads_without_errors", || {
        let text = generate_workflow_of_bytes(10 * MIB);
        assert!(text.len() >= 10 * MIB);
        let groups = text.matches("\n+group_").count();
        let (diagnostics, top_level) = run_case(
            "10 MB workflow (parse + load)",
            Duration::from_secs(120),
            // The tree and the values: bounded by a small multiple of the input.
            64 * 10 * MIB,
            move || {
                check_syntax(&text);
                let mut fs = MemoryFileSystem::new();
                fs.insert("/p/wf.dig", text);
                let mut loader = Loader::new(&fs);
                let (_, value) = loader.load_workflow(Path::new("/p/wf.dig")).unwrap();
                let top_level = value.and_then(|v| v.as_object().map(|o| o.len()));
                let diagnostics: Vec<String> = loader
                    .diagnostics
                    .iter()
                    .take(10)
                    .map(|d| format!("{} {}", d.code, d.message))
                    .collect();
                (diagnostics, top_level)
            },
        );
        assert!(diagnostics.is_empty(), "10 MB workflow: {diagnostics:#?}");
        // timezone, schedule, _export and the groups.
        assert_eq!(top_level, Some(3 + groups));
    });
}

#[test]
fn generated_workflow_lints_without_errors() {
    isolated("generated_workflow_lints_without_errors", || {
        // The benchmark's size (~5,000 lines): every stage, every rule.
        valid(
            "120 KB workflow (lint)",
            generate_workflow_of_bytes(120_000),
        );
    });
}

/// `scope::task_scopes` gives every task a scope holding the stores of all its upstream
/// siblings' subtrees, and clones it per task: O(tasks x sequential siblings) time and memory.
/// A 1 MB generated workflow (~8,500 sequential groups) takes 38 s and 4 GB of heap in release.
#[test]
#[ignore = "slow in debug builds (template and scope checks over 1 MB of tasks); run with --release"]
fn ten_megabyte_valid_workflow_lints_without_errors() {
    isolated("ten_megabyte_valid_workflow_lints_without_errors", || {
        let text = generate_workflow_of_bytes(10 * MIB);
        let found = run_case(
            "10 MB workflow (lint)",
            Duration::from_secs(120),
            64 * 10 * MIB,
            move || lint_one(text),
        );
        assert!(
            found.diagnostics.is_empty(),
            "10 MB workflow: {}",
            found.errors_described()
        );
    });
}

#[test]
fn huge_single_line_plain_scalar() {
    isolated("huge_single_line_plain_scalar", || {
        // A 1 MB plain scalar as the whole document: not a mapping.
        let line = "x".repeat(MIB);
        let found = hostile("1 MB plain scalar document", line.clone());
        assert!(found.has("S004"), "{:?}", found.codes());
        // As a task parameter: valid.
        valid("1 MB plain scalar value", format!("+t:\n  echo>: {line}\n"));
        // As a key: longer than a simple key may be.
        let found = hostile("1 MB plain scalar key", format!("{line}: x\n"));
        assert!(found.has("S001"), "{:?}", found.codes());
        // Without a final newline, with spaces every so often (a plain scalar with many words).
        let words: String = (0..MIB / 8)
            .map(|i| format!("w{:05} ", i % 100_000))
            .collect();
        valid(
            "1 MB multi-word value",
            format!("+t:\n  echo>: {}", words.trim_end()),
        );
    });
}

// ---- nesting ------------------------------------------------------------------------------

#[test]
fn deep_block_sequence_nesting() {
    isolated("deep_block_sequence_nesting", || {
        let found = hostile_within(
            NESTING_BUDGET,
            "10k block sequences",
            format!("{}x\n", "- ".repeat(DEPTH)),
        );
        assert!(
            found.has("S007") || found.has("S001"),
            "{:?}",
            found.codes()
        );
    });
}

#[test]
fn deep_block_mapping_nesting() {
    isolated("deep_block_mapping_nesting", || {
        // (10,000 explicit keys `? ? ? ...`: see `deep_explicit_key_nesting`, ignored.)
        // Indented keys, 2,000 levels (10,000 would be 50 MB of indentation).
        let mut text = String::new();
        for i in 0..2_000 {
            let _ = writeln!(text, "{}k{i}:", " ".repeat(i));
        }
        hostile_within(NESTING_BUDGET, "2k block mappings (indented)", text);
    });
}

#[test]
fn deep_flow_sequence_nesting() {
    isolated("deep_flow_sequence_nesting", || {
        let balanced = format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH));
        hostile_within(NESTING_BUDGET, "10k flow sequences", balanced);
        hostile_within(
            NESTING_BUDGET,
            "10k unclosed flow sequences",
            "[".repeat(DEPTH),
        );
        // (10,000 `{{{...}}}`: see `deep_flow_mapping_nesting`, ignored.)
        hostile_within(
            NESTING_BUDGET,
            "10k flow mappings in a sequence",
            format!("{}{}", "[{a: ".repeat(DEPTH / 2), "}]".repeat(DEPTH / 2)),
        );
        hostile_within(NESTING_BUDGET, "10k closing brackets", "]".repeat(DEPTH));
    });
}

#[test]
fn deep_mixed_nesting() {
    isolated("deep_mixed_nesting", || {
        // Alternating flow sequences and mappings.
        let open: String = (0..DEPTH)
            .map(|i| if i & 1 == 0 { "[" } else { "{a: " })
            .collect();
        let close: String = (0..DEPTH)
            .rev()
            .map(|i| if i & 1 == 0 { "]" } else { "}" })
            .collect();
        hostile_within(NESTING_BUDGET, "10k mixed flow", format!("{open}{close}"));
        // Block sequences, then flow.
        hostile_within(
            NESTING_BUDGET,
            "5k block + 5k flow",
            format!(
                "{}{}x{}\n",
                "- ".repeat(DEPTH / 2),
                "[".repeat(DEPTH / 2),
                "]".repeat(DEPTH / 2)
            ),
        );
        // Block sequences and mappings with plain keys alternating.
        hostile_within(
            NESTING_BUDGET,
            "10k `- a: ` block",
            format!("{}x\n", "- a: ".repeat(DEPTH / 2)),
        );
        // (`- ? - ? ...`: see `deep_mixed_explicit_key_nesting`, ignored.)
    });
}

#[test]
fn deep_nesting_inside_a_valid_workflow() {
    isolated("deep_nesting_inside_a_valid_workflow", || {
        // The deep value sits where the loader, include expansion and model all walk it.
        let text = format!(
            "+t:\n  echo>: x\n  _export:\n    v: {}1{}\n",
            "[".repeat(DEPTH),
            "]".repeat(DEPTH)
        );
        let found = hostile_within(NESTING_BUDGET, "10k flow levels in _export", text);
        // The registry files the depth bound under S007 (too-complex), but the parser's
        // "nesting is deeper than 200 levels" arrives as a syntax error, S001.
        assert!(
            found.has("S001") || found.has("S007"),
            "{:?}",
            found.codes()
        );
        // Just under the parser's bound: a tree 190 levels deep reaches every recursive walk.
        let text = format!(
            "_export:\n  v: {}1{}\n+t:\n  echo>: x\n",
            "[".repeat(190),
            "]".repeat(190)
        );
        valid("190 flow levels in _export", text);
        let mut text = String::from("_export:\n");
        for i in 0..190 {
            let _ = writeln!(text, "{}k{i}:", " ".repeat(2 + 2 * i));
        }
        let _ = writeln!(text, "{}v: 1\n+t:\n  echo>: x", " ".repeat(2 + 2 * 190));
        valid("190 block levels in _export", text);
    });
}

// ---- aliases ------------------------------------------------------------------------------

/// Billion laughs: nine levels of nine aliases each.
fn alias_bomb(prefix: &str, indent: &str) -> String {
    let mut text = String::from(prefix);
    let _ = writeln!(
        text,
        "{indent}a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let (prev, this) = (w[0], w[1]);
        let items = vec![format!("*{prev}"); 9].join(",");
        let _ = writeln!(text, "{indent}{this}: &{this} [{items}]");
    }
    text
}

#[test]
fn alias_bomb_is_bounded() {
    isolated("alias_bomb_is_bounded", || {
        let found = run_case("alias bomb", Duration::from_secs(2), HEAP, || {
            lint_one(alias_bomb("", ""))
        });
        assert!(found.has("S007"), "{:?}", found.codes());
        let found = run_case(
            "alias bomb in _export",
            Duration::from_secs(2),
            HEAP,
            || lint_one(alias_bomb("+t:\n  echo>: x\n_export:\n", "  ")),
        );
        assert!(found.has("S007"), "{:?}", found.codes());
        // Block style, and used by a task parameter.
        let mut text = String::from("_export:\n  l0: &l0 lol\n");
        for i in 1..=9 {
            let _ = writeln!(text, "  l{i}: &l{i}");
            for _ in 0..9 {
                let _ = writeln!(text, "    - *l{}", i - 1);
            }
        }
        text.push_str("+t:\n  echo>: *l9\n");
        let found = run_case(
            "block alias bomb",
            Duration::from_secs(2),
            HEAP,
            move || lint_one(text),
        );
        assert!(found.has("S007"), "{:?}", found.codes());
    });
}

#[test]
fn many_anchors_and_undefined_aliases() {
    isolated("many_anchors_and_undefined_aliases", || {
        let mut text = String::new();
        for i in 0..5_000 {
            let _ = writeln!(text, "k{i}: &a{i} *a{}", i + 1);
        }
        let found = hostile("5k undefined aliases", text);
        assert!(found.has("S001"), "{:?}", found.codes());
    });
}

// ---- includes -----------------------------------------------------------------------------

#[test]
fn include_cycle_is_reported() {
    isolated("include_cycle_is_reported", || {
        let found = run_case("include cycle", BUDGET, HEAP, || {
            lint_files(
                vec![
                    (
                        "a.dig".into(),
                        b"+x:\n  echo>: a\n!include : b.dig\n".to_vec(),
                    ),
                    (
                        "b.dig".into(),
                        b"+y:\n  echo>: b\n!include : a.dig\n".to_vec(),
                    ),
                ],
                &["a.dig", "b.dig"],
            )
        });
        assert!(found.has("I003"), "{:?}", found.codes());
    });
}

#[test]
fn self_include_is_reported() {
    isolated("self_include_is_reported", || {
        let found = hostile("self include", "+x:\n  echo>: a\n!include : wf.dig\n");
        assert!(found.has("I003"), "{:?}", found.codes());
        let found = hostile(
            "self include via ./",
            "!include : ./sub/../wf.dig\n+x:\n  echo>: a\n",
        );
        assert!(found.has("I003"), "{:?}", found.codes());
    });
}

#[test]
fn long_include_chain_is_bounded() {
    isolated("long_include_chain_is_bounded", || {
        // 200 files including the next: deeper than any real project.
        let found = run_case("200-file include chain", BUDGET, HEAP, || {
            let mut files = Vec::new();
            for i in 0..200 {
                files.push((
                    format!("f{i}.dig"),
                    format!("+t{i}:\n  echo>: {i}\n!include : f{}.dig\n", i + 1).into_bytes(),
                ));
            }
            files.push(("f200.dig".into(), b"+end:\n  echo>: end\n".to_vec()));
            lint_files(files, &["f0.dig"])
        });
        assert!(found.has("I003"), "{:?}", found.codes());
    });
}

#[test]
fn missing_include_is_reported_at_the_include_line() {
    isolated("missing_include_is_reported_at_the_include_line", || {
        let found = hostile(
            "missing include",
            "+x:\n  echo>: a\n!include : nope.dig\n+y:\n  echo>: b\n",
        );
        let d = found
            .diagnostics
            .iter()
            .find(|d| d.0 == "I001")
            .unwrap_or_else(|| panic!("no I001: {:?}", found.codes()));
        assert_eq!(d.2, 3, "I001 on line {} ({})", d.2, d.3);
    });
}

#[test]
fn large_include_and_merge_key() {
    isolated("large_include_and_merge_key", || {
        // An included file with 5,000 tasks, followed by 5,000 keys of the including file.
        // (Loaded, not linted: 10,000 sequential tasks meet the quadratic scope walk.)
        let (diagnostics, len) = run_case("include of 5k tasks", BUDGET, HEAP, || {
            let mut big = String::new();
            let mut main = String::from("!include : big.dig\n");
            for i in 0..5_000 {
                let _ = writeln!(big, "+i{i}:\n  echo>: x");
                let _ = writeln!(main, "+m{i}:\n  echo>: x");
            }
            let mut fs = MemoryFileSystem::new();
            fs.insert("/p/wf.dig", main);
            fs.insert("/p/big.dig", big);
            let mut loader = Loader::new(&fs);
            let (_, value) = loader.load_workflow(Path::new("/p/wf.dig")).unwrap();
            (
                loader.diagnostics.len(),
                value.and_then(|v| v.as_object().map(|o| o.len())),
            )
        });
        assert_eq!((diagnostics, len), (0, Some(10_000)));
        // A merge key bringing in 5,000 entries.
        let mut text = String::from("_export:\n  base: &base\n");
        for i in 0..5_000 {
            let _ = writeln!(text, "    k{i}: {i}");
        }
        text.push_str("  copy:\n    <<: *base\n    extra: 1\n+t:\n  echo>: x\n");
        let found = run_case("merge of 5k keys", BUDGET, HEAP, move || lint_one(text));
        assert!(found.diagnostics.is_empty(), "{}", found.errors_described());
    });
}

// ---- degenerate files -----------------------------------------------------------------------

#[test]
fn only_tabs() {
    isolated("only_tabs", || {
        hostile("one tab", "\t");
        hostile("100k tabs", "\t".repeat(100_000));
        hostile("tab lines", "\t\n".repeat(50_000));
    });
}

#[test]
fn only_document_markers() {
    isolated("only_document_markers", || {
        let found = hostile("only ---", "---");
        assert!(found.has("S004"), "{:?}", found.codes());
        hostile("50k ---", "---\n".repeat(50_000));
        hostile("50k ...", "...\n".repeat(50_000));
        hostile("--- ... alternating", "---\n...\n".repeat(25_000));
    });
}

#[test]
fn only_comments() {
    isolated("only_comments", || {
        let found = hostile("one comment", "# nothing here");
        assert!(found.has("S004"), "{:?}", found.codes());
        hostile(
            "100k comment lines",
            "# comment: [ { & * ! |\n".repeat(100_000),
        );
    });
}

#[test]
fn empty_and_blank_files() {
    isolated("empty_and_blank_files", || {
        let found = hostile("empty file", "");
        assert!(found.has("S004"), "{:?}", found.codes());
        hostile("only newlines", "\n".repeat(100_000));
        hostile("only spaces", " ".repeat(100_000));
    });
}

#[test]
fn lone_brackets() {
    isolated("lone_brackets", || {
        let found = hostile("lone [", "[");
        assert!(found.has("S001"), "{:?}", found.codes());
        let found = hostile("lone {", "{");
        assert!(found.has("S001"), "{:?}", found.codes());
        hostile("lone ]", "]");
        hostile("lone }", "}");
        hostile("[ in a workflow", "+t:\n  echo>: [\n+u:\n  echo>: x\n");
        hostile("{ in a workflow", "+t:\n  echo>: {\n+u:\n  echo>: x\n");
    });
}

#[test]
fn unterminated_quotes() {
    isolated("unterminated_quotes", || {
        for (name, text) in [
            ("lone \"", "\"".to_string()),
            ("lone '", "'".to_string()),
            (
                "unterminated \"",
                "+t:\n  echo>: \"abc\n+u:\n  echo>: x\n".to_string(),
            ),
            (
                "unterminated '",
                "+t:\n  echo>: 'abc\n+u:\n  echo>: x\n".to_string(),
            ),
            ("unterminated \" at end", "a: \"abc\\".to_string()),
            (
                "unterminated 1 MB \"",
                format!("a: \"{}", "x ".repeat(MIB / 2)),
            ),
            (
                "unterminated 1 MB '",
                format!("a: '{}", "x\n".repeat(MIB / 2)),
            ),
            ("bad escapes", "a: \"\\q\\x\\u12\\UFFFFFFFF\\".to_string()),
        ] {
            let found = hostile(name, text);
            assert!(found.has("S001"), "{name}: {:?}", found.codes());
        }
    });
}

#[test]
fn unterminated_block_scalars_and_tags() {
    isolated("unterminated_block_scalars_and_tags", || {
        hostile("lone |", "|");
        hostile("lone >", "a: >\n");
        hostile("lone !", "!");
        hostile("lone &", "&");
        hostile("lone *", "*");
        hostile("lone %", "%");
        hostile("lone ?", "?");
        hostile("lone :", ":");
        hostile("lone -", "-");
        hostile("lone @", "@");
        hostile("bad tag", "!<unterminated\n");
    });
}

// ---- line endings and BOM -------------------------------------------------------------------

#[test]
fn crlf_line_endings() {
    isolated("crlf_line_endings", || {
        valid("CRLF", SMALL.replace('\n', "\r\n"));
        valid(
            "CRLF 10k",
            generate_workflow_of_bytes(10_000).replace('\n', "\r\n"),
        );
    });
}

#[test]
fn lone_cr_line_endings() {
    isolated("lone_cr_line_endings", || {
        valid("lone CR", SMALL.replace('\n', "\r"));
        valid(
            "lone CR 10k",
            generate_workflow_of_bytes(10_000).replace('\n', "\r"),
        );
        // Mixed line endings.
        let mixed: String = SMALL
            .split_inclusive('\n')
            .enumerate()
            .map(|(i, l)| match i % 3 {
                0 => l.to_string(),
                1 => l.replace('\n', "\r\n"),
                _ => l.replace('\n', "\r"),
            })
            .collect();
        valid("mixed line endings", mixed);
        hostile("only CRs", "\r".repeat(100_000) + "x");
    });
}

#[test]
fn byte_order_mark() {
    isolated("byte_order_mark", || {
        valid("BOM", format!("\u{feff}{SMALL}"));
        valid(
            "BOM + CRLF",
            format!("\u{feff}{}", SMALL.replace('\n', "\r\n")),
        );
        let found = hostile("only BOM", "\u{feff}");
        assert!(found.has("S004"), "{:?}", found.codes());
        hostile(
            "BOM in the middle",
            format!("{SMALL}\u{feff}+x:\n  echo>: y\n"),
        );
        hostile("two BOMs", format!("\u{feff}\u{feff}{SMALL}"));
    });
}

#[test]
fn control_characters_and_nul() {
    isolated("control_characters_and_nul", || {
        let found = hostile("NUL bytes", "+t:\n  echo>: a\0b\n");
        assert!(found.has("S001"), "{:?}", found.codes());
        hostile("all C0 controls", (0u8..0x20).collect::<Vec<u8>>());
        hostile(
            "C1 and surrogates region",
            "+t:\n  echo>: \u{80}\u{9f}\u{fffe}\u{ffff}\n",
        );
    });
}

#[test]
fn many_diagnostics_stay_bounded() {
    isolated("many_diagnostics_stay_bounded", || {
        // 2,000 duplicate keys and 2,000 bad task names: one diagnostic each. (10,000 sibling
        // tasks meet the quadratic scope walk: see `twenty_thousand_sequential_tasks`.)
        let mut text = String::new();
        for _ in 0..2_000 {
            text.push_str("+t:\n  echo>: x\n");
        }
        let found = hostile("2k duplicate keys", text);
        assert!(found.has("S002"), "{:?}", found.codes());
        assert!(
            found.diagnostics.len() >= 1_999,
            "{}",
            found.diagnostics.len()
        );
        let mut text = String::new();
        for i in 0..2_000 {
            let _ = writeln!(text, "+bad name {i}:\n  echo>: x");
        }
        hostile("2k bad task names", text);
    });
}

// ---- `${...}` templates ---------------------------------------------------------------------

/// Lints `+t: echo>: <message>` under the default guards (no diagnostic required).
fn lint_message(name: &str, message: String) -> Found {
    run_case(name, BUDGET, HEAP, move || {
        lint_one(format!("+t:\n  echo>: {message}\n"))
    })
}

#[test]
fn hostile_template_expressions() {
    isolated("hostile_template_expressions", || {
        let deep = 10_000;
        lint_message(
            "10k parentheses",
            format!("${{{}1{}}}", "(".repeat(deep), ")".repeat(deep)),
        );
        lint_message("10k unclosed (", format!("${{{}}}", "(".repeat(deep)));
        lint_message("10k unclosed [", format!("${{{}}}", "[".repeat(deep)));
        lint_message("10k unary minus", format!("${{{}1}}", "-".repeat(deep)));
        lint_message(
            "10k nested calls",
            format!("${{{}x{}}}", "f(".repeat(deep), ")".repeat(deep)),
        );
        lint_message("unterminated ${ at the end", "${abc".to_string());
        lint_message("lone ${", "${".to_string());
        lint_message(
            "25 KB expression",
            format!("${{{}}}", "a + ".repeat(6_250) + "a"),
        );
        let found = lint_message("bad syntax", "${(}".to_string());
        assert!(!found.diagnostics.is_empty(), "`${{(}}` got no diagnostic");
        // One string with 2,000 expressions, each naming an undefined variable.
        let found = lint_message(
            "2k expressions in one value",
            format!("\"{}\"", "${a}".repeat(2_000)),
        );
        assert!(
            found.diagnostics.len() >= 2_000,
            "{}",
            found.diagnostics.len()
        );
    });
}

// ---- engine bugs (ignored; see the reasons) ---------------------------------------------------

/// Nested collection keys stringify exponentially: `load::convert` turns a non-string key into
/// its JSON text (`key_value.to_json()`), and a key inside that key was already JSON text, so
/// every level escapes the quotes and backslashes of the level below and doubles them: time
/// and memory grow as 2^depth (x4 every two levels; 24 levels: 68 ms and 32 MiB in release).
#[test]
fn tiny_collection_key_bomb() {
    isolated("tiny_collection_key_bomb", || {
        // 80 bytes: a flow mapping whose key is a flow mapping whose key is ...
        hostile(
            "80-byte {{{...}}}",
            format!("{}{}", "{".repeat(40), "}".repeat(40)),
        );
    });
}

#[test]
fn deep_explicit_key_nesting() {
    isolated("deep_explicit_key_nesting", || {
        // Explicit keys open one block mapping per `? ` on a single line; each is the key of
        // the one before.
        hostile(
            "10k block mappings (explicit keys)",
            format!("{}x\n", "? ".repeat(DEPTH)),
        );
    });
}

#[test]
fn deep_flow_mapping_nesting() {
    isolated("deep_flow_mapping_nesting", || {
        hostile(
            "10k flow mappings",
            format!("{}{}", "{".repeat(DEPTH), "}".repeat(DEPTH)),
        );
    });
}

#[test]
fn deep_mixed_explicit_key_nesting() {
    isolated("deep_mixed_explicit_key_nesting", || {
        hostile(
            "10k `- ? ` block",
            format!("{}x\n", "- ? ".repeat(DEPTH / 2)),
        );
        hostile(
            "10k `[{` flow",
            format!("{}{}", "[{".repeat(DEPTH / 2), "}]".repeat(DEPTH / 2)),
        );
    });
}

/// `Converter::node_span` walks every token under a node to find its first and last non-trivia
/// token, and it runs for every node: O(size x depth). With the parser's 200-level bound
/// holding a 1 MB flat `ERROR` node at the bottom, that is 200 walks of 1M tokens: 14 s in
/// release.
#[test]
#[ignore = "1 MB of `[` lints in about 2.4 s in release, over the debug time budget; the scanner checks every open flow level per token"]
fn megabyte_of_open_brackets() {
    isolated("megabyte_of_open_brackets", || {
        hostile("1 MB of [", "[".repeat(MIB));
        hostile("512k `- `", format!("{}x", "- ".repeat(MIB / 2)));
    });
}

/// The same scope walk, in time alone: for each child it recomputes the transitive upstream
/// siblings (`vec![false; n]` and a chain walk per child), so `n` sequential sibling tasks cost
/// O(n^2): 10,000 one-line tasks lint in 1.7 s and 20,000 in 6.7 s in release (loading them
/// takes 0.2 s).
#[test]
fn twenty_thousand_sequential_tasks() {
    isolated("twenty_thousand_sequential_tasks", || {
        let mut text = String::new();
        for i in 0..20_000 {
            let _ = writeln!(text, "+t{i}:\n  echo>: x");
        }
        let found = run_case("20k sequential tasks", BUDGET, HEAP, move || lint_one(text));
        assert!(found.diagnostics.is_empty(), "{}", found.errors_described());
    });
}

/// `load::include::expand_object` keeps the keys an include contributed in a `Vec` and checks
/// every later key with `contains` (and `merge_entry` looks keys up with a linear
/// `Object::position`): O(included keys x later keys). An include of 40,000 tasks followed by
/// 40,000 tasks loads in 12.8 s in release; the same 80,000 tasks in one file load in 1.1 s.
#[test]
fn include_of_twenty_thousand_tasks() {
    isolated("include_of_twenty_thousand_tasks", || {
        let (diagnostics, len) = run_case("include of 20k tasks", BUDGET, HEAP, || {
            let mut big = String::new();
            let mut main = String::from("!include : big.dig\n");
            for i in 0..20_000 {
                let _ = writeln!(big, "+i{i}:\n  echo>: x");
                let _ = writeln!(main, "+m{i}:\n  echo>: x");
            }
            let mut fs = MemoryFileSystem::new();
            fs.insert("/p/wf.dig", main);
            fs.insert("/p/big.dig", big);
            let mut loader = Loader::new(&fs);
            let (_, value) = loader.load_workflow(Path::new("/p/wf.dig")).unwrap();
            (
                loader.diagnostics.len(),
                value.and_then(|v| v.as_object().map(|o| o.len())),
            )
        });
        assert_eq!((diagnostics, len), (0, Some(40_000)));
    });
}
