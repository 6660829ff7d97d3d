//! Random YAML-ish texts (deterministic): parsing and loading never panic, and the tree always
//! gives the text back byte for byte.

use std::path::Path;
use wf_engine::check::lint_project;
use wf_engine::load::MemoryFileSystem;

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const PIECES: &[&str] = &[
    "-",
    "?",
    ":",
    ",",
    "[",
    "]",
    "{",
    "}",
    "#",
    "&a",
    "*a",
    "!",
    "!include",
    "|",
    ">",
    "'",
    "\"",
    "%",
    "@",
    "`",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "a",
    "+t",
    "echo>",
    "_parallel",
    "_after",
    "${x}",
    "é",
    "\0",
    "\u{2028}",
    "\u{feff}",
    "---",
    "...",
    "\\",
    "0755",
    "true",
    "~",
    "<<",
    ": ",
    "- ",
    "\n  ",
    "\n    ",
    "+a:\n  echo>: x\n",
];

#[test]
fn random_texts_round_trip_and_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..20000 {
        let len = (rng.next() % 40) as usize;
        let text: String = (0..len)
            .map(|_| PIECES[(rng.next() % PIECES.len() as u64) as usize])
            .collect();
        let parse = wf_engine::syntax::parse(&text);
        assert_eq!(parse.syntax().to_string(), text, "case {case}: {text:?}");
        for e in &parse.errors {
            assert!(
                e.start <= e.end && e.end as usize <= text.len(),
                "case {case}: bad range {e:?} in {text:?}"
            );
            assert!(
                text.is_char_boundary(e.start as usize) && text.is_char_boundary(e.end as usize),
                "case {case}: {text:?}"
            );
        }
        let mut fs = MemoryFileSystem::new();
        fs.insert("/p/wf.dig", text.clone());
        fs.insert("/p/a", "+inc:\n  echo>: x\n");
        let report = lint_project(
            &fs,
            Path::new("/p"),
            &[Path::new("/p/wf.dig").to_path_buf()],
        );
        for d in &report.diagnostics {
            let f = report.sources.get(d.span.file);
            assert!(
                d.span.start <= d.span.end && d.span.end as usize <= f.text.len(),
                "case {case}: {d:?} in {text:?}"
            );
            assert!(
                f.text.is_char_boundary(d.span.start as usize)
                    && f.text.is_char_boundary(d.span.end as usize),
                "case {case}: span not on char boundaries {d:?} in {text:?}"
            );
        }
    }
}
