use super::*;
use crate::load::MemoryFileSystem;
use std::path::Path;

/// An overlay over a memory file system holding `disk`, with `open` documents on top.
fn overlay(disk: &[(&str, &str)], open: &[(&str, &str)]) -> OverlayFileSystem {
    let mut mem = MemoryFileSystem::new();
    for (p, t) in disk {
        mem.insert(*p, *t);
    }
    let mut fs = OverlayFileSystem::new(Arc::new(mem));
    for (p, t) in open {
        fs.set(Path::new(p), Arc::from(*t));
    }
    fs
}

/// Splits a fixture at its `$0` cursor marker: (text without the marker, offset).
fn cursor(text: &str) -> (String, u32) {
    let at = text.find("$0").expect("fixture has a $0 marker");
    (text.replacen("$0", "", 1), at as u32)
}

fn codes(a: &DocumentAnalysis) -> Vec<&'static str> {
    a.document_diagnostics().iter().map(|d| d.code).collect()
}

#[test]
fn overlay_prefers_open_documents_and_normalizes_paths() {
    let mut fs = overlay(&[("/p/a.dig", "disk"), ("/p/b.yml", "b")], &[]);
    fs.set(Path::new("/p/./x/../a.dig"), Arc::from("editor"));
    assert_eq!(fs.read(Path::new("/p/a.dig")).unwrap(), b"editor");
    assert_eq!(fs.read(Path::new("/p/b.yml")).unwrap(), b"b");
    assert!(fs.read(Path::new("/p/c.yml")).is_err());
    assert_eq!(fs.paths().count(), 1);
    fs.remove(Path::new("/p/a.dig"));
    assert_eq!(fs.read(Path::new("/p/a.dig")).unwrap(), b"disk");
}

#[test]
fn kinds() {
    assert_eq!(document_kind(Path::new("/p/a.dig")), DocumentKind::Workflow);
    assert_eq!(
        document_kind(Path::new("/p/.a.dig")),
        DocumentKind::Included
    );
    assert_eq!(document_kind(Path::new("/p/c.yml")), DocumentKind::Included);
    assert_eq!(document_kind(Path::new("")), DocumentKind::Included);
}

#[test]
fn workflow_is_linted_with_the_editor_text() {
    let fs = overlay(
        &[("/p/wf.dig", "+a:\n  sh>: ok\n")],
        &[("/p/wf.dig", "+a:\n  sh>: x\n  echo>: y\n")],
    );
    let a = analyze_document(&fs, Path::new("/p/wf.dig"));
    assert_eq!(a.kind, DocumentKind::Workflow);
    assert_eq!(a.root, Path::new("/p"));
    assert_eq!(codes(&a), ["M005"]);
    assert_eq!(a.model.as_ref().map(|w| w.name.as_str()), Some("wf"));
}

#[test]
fn included_file_gets_only_syntax_and_value_checks() {
    // Task rules (M002 here) depend on where the fragment is included; duplicate keys do not.
    let fs = overlay(
        &[],
        &[(
            "/p/tasks.yml",
            "+g:\n  parallel: true\n  +x:\n    sh>: a\n+g:\n  sh>: b\n",
        )],
    );
    let a = analyze_document(&fs, Path::new("/p/tasks.yml"));
    assert_eq!(a.kind, DocumentKind::Included);
    assert_eq!(codes(&a), ["S002"]);
    // The model still gives an outline, with names relative to the file.
    let syms = document_symbols(&a);
    assert_eq!(syms[0].full_name, "+g");
    assert_eq!(syms[0].children[0].full_name, "+g+x");
}

#[test]
fn problems_of_included_files_show_at_the_include() {
    let fs = overlay(
        &[("/p/sub/t.yml", "+x:\n  sh>: a\n  td>: b\n")],
        &[("/p/wf.dig", "+a:\n  !include : sub/t.yml\n")],
    );
    let a = analyze_document(&fs, Path::new("/p/wf.dig"));
    let ds = a.document_diagnostics();
    assert_eq!(ds.len(), 1);
    let d = &ds[0];
    assert_eq!(d.code, "M005");
    assert!(d.message.starts_with("in included file sub/t.yml: "));
    let text = &a.sources.get(a.file.unwrap()).text;
    assert_eq!(&text[d.span.range()], "!include");
    assert_eq!(
        a.sources.get(d.labels[0].span.file).path,
        Path::new("/p/sub/t.yml")
    );
}

#[test]
fn half_typed_and_odd_documents_do_not_panic() {
    for text in [
        "",
        "+a:\n  sh>: ${",
        "+a:\n  sh>: [",
        "\0\u{1}binary\u{fffd}",
        "+a: {",
        "- just\n- a list\n",
        "+a:\n\t+b: x",
        "!include : ../../etc/passwd\n",
        "+a:\n  _after: [\n",
        "+a:\n  echo>: ${secret:\n  _export: {x: \"${\"}\n",
        "+a:\n  loop>: 99999999999999999999\n  _do:\n    for_range>: {from: -9223372036854775808, to: 9223372036854775807, step: 1}\n",
        "schedule:\n  daily>: 25:00:00\n+a:\n  echo>: x\n",
        "+a:\n  for_range>: {from: 0, to: 10, slices: 9223372036854775807}\n  _do:\n    echo>: x\n",
    ] {
        for path in ["/p/wf.dig", "/p/frag.yml"] {
            let fs = overlay(&[], &[(path, text)]);
            let a = analyze_document(&fs, Path::new(path));
            let _ = a.document_diagnostics();
            let _ = document_symbols(&a);
            let _ = folding_ranges(&a);
            let _ = semantic_tokens(&a);
            let _ = inlay_hints(&a, jiff::Timestamp::UNIX_EPOCH);
            let _ = plan_text(&fs, &a, jiff::Timestamp::UNIX_EPOCH, 3);
            let offsets: Vec<u32> = (0..=text.len() as u32 + 2).collect();
            let _ = selection_ranges(&a, &offsets);
            for offset in offsets {
                let _ = definition_at(&a, &fs, offset);
                let _ = highlights_at(&a, offset);
                let _ = prepare_rename_at(&fs, &a, offset);
                let _ = references_at(&fs, &a, offset);
            }
        }
    }
}

#[test]
fn unreadable_document() {
    let fs = overlay(&[], &[]);
    let a = analyze_document(&fs, Path::new("/p/missing.dig"));
    assert!(a.file.is_none());
    assert!(a.unreadable.is_some());
    assert!(a.document_diagnostics().is_empty());
    assert!(document_symbols(&a).is_empty());
}

#[test]
fn outline_is_the_task_tree() {
    let text = "\
timezone: UTC
+prepare:
  sh>: ./prepare.sh
+aggregate:
  _parallel: true
  +by_country:
    td>: q1.sql
  +by_device:
    td>: q2.sql
    _after: +by_country
  _error:
    echo>: failed
+loop:
  for_each>: {n: [1, 2]}
  _do:
    echo>: ${n}
";
    let fs = overlay(&[], &[("/p/wf.dig", text)]);
    let a = analyze_document(&fs, Path::new("/p/wf.dig"));
    let syms = document_symbols(&a);
    let outline: Vec<String> = flatten(&syms, 0);
    assert_eq!(
        outline,
        [
            "+prepare +wf+prepare sh",
            "+aggregate +wf+aggregate group",
            "  +by_country +wf+aggregate+by_country td",
            "  +by_device +wf+aggregate+by_device td",
            "  _error +wf+aggregate^error echo",
            "+loop +wf+loop for_each",
            "  _do +wf+loop^sub echo",
        ]
    );
    // Ranges: key to end of body; selection: the key.
    let agg = &syms[1];
    assert_eq!(&text[agg.selection.range()], "+aggregate");
    assert!(text[agg.range.range()].starts_with("+aggregate:\n  _parallel"));
    assert!(text[agg.range.range()]
        .trim_end()
        .ends_with("echo>: failed"));
    for s in &syms {
        check_nesting(s);
    }
}

fn flatten(syms: &[Symbol], depth: usize) -> Vec<String> {
    let mut out = Vec::new();
    for s in syms {
        let kind = match &s.kind {
            SymbolKind::Group => "group".to_string(),
            SymbolKind::Operator(op) => op.clone(),
        };
        out.push(format!(
            "{}{} {} {kind}",
            "  ".repeat(depth),
            s.name,
            s.full_name
        ));
        out.extend(flatten(&s.children, depth + 1));
    }
    out
}

fn check_nesting(s: &Symbol) {
    assert!(s.range.start <= s.selection.start && s.selection.end <= s.range.end);
    for c in &s.children {
        assert!(s.range.start <= c.range.start && c.range.end <= s.range.end);
        check_nesting(c);
    }
}

#[test]
fn outline_shows_included_tasks_at_the_include() {
    let fs = overlay(
        &[("/p/t.yml", "+x:\n  sh>: a\n+y:\n  sh>: b\n")],
        &[("/p/wf.dig", "+a:\n  !include : t.yml\n+b:\n  sh>: c\n")],
    );
    let a = analyze_document(&fs, Path::new("/p/wf.dig"));
    let syms = document_symbols(&a);
    assert_eq!(
        flatten(&syms, 0),
        [
            "+a +wf+a group",
            "  +x +wf+a+x sh",
            "  +y +wf+a+y sh",
            "+b +wf+b sh"
        ]
    );
    let text = &a.sources.get(a.file.unwrap()).text;
    assert_eq!(&text[syms[0].children[0].selection.range()], "!include");
    for s in &syms {
        check_nesting(s);
    }
}

fn goto(disk: &[(&str, &str)], doc: &str, fixture: &str) -> Option<(PathBuf, String, String)> {
    let (text, offset) = cursor(fixture);
    let fs = overlay(disk, &[(doc, &text)]);
    let a = analyze_document(&fs, Path::new(doc));
    let t = definition_at(&a, &fs, offset)?;
    let target_text = match t.span {
        Some(s) => a.sources.get(s.file).text[s.range()].to_string(),
        None => String::new(),
    };
    Some((t.path, target_text, text[t.origin.range()].to_string()))
}

#[test]
fn goto_after_names_the_sibling() {
    let fixture = "\
+g:
  _parallel: true
  +first:
    sh>: a
  +second:
    sh>: b
    _after: [+first, +sec$0ond]
";
    // `+second` waiting for itself is an error, but the name still points at the task.
    let (path, target, origin) = goto(&[], "/p/wf.dig", fixture).unwrap();
    assert_eq!(
        (path.to_str().unwrap(), target.as_str(), origin.as_str()),
        ("/p/wf.dig", "+second", "+second")
    );
    let fixture = fixture
        .replace("+sec$0ond", "+second")
        .replace("+first,", "$0+first,");
    let (_, target, origin) = goto(&[], "/p/wf.dig", &fixture).unwrap();
    assert_eq!((target.as_str(), origin.as_str()), ("+first", "+first"));
    let unknown = fixture.replace("$0+first", "+nope$0");
    assert_eq!(goto(&[], "/p/wf.dig", &unknown), None);
}

#[test]
fn goto_call_opens_the_workflow_from_the_project_root() {
    let disk = [("/p/sub/child.dig", "+x:\n  sh>: a\n")];
    for value in ["sub/child.dig", "sub/child", "'sub/child.dig'"] {
        let fixture = format!("+a:\n  call>: $0{value}\n");
        let (path, _, origin) = goto(&disk, "/p/wf.dig", &fixture).unwrap();
        assert_eq!(path, Path::new("/p/sub/child.dig"));
        assert_eq!(origin, value);
    }
    assert_eq!(goto(&disk, "/p/wf.dig", "+a:\n  call>: $0missing\n"), None);
    assert_eq!(goto(&disk, "/p/wf.dig", "+a:\n  call>: $0${wf}\n"), None);
}

#[test]
fn goto_include_opens_the_file() {
    let disk = [
        ("/p/conf/params.yml", "x: 1\n"),
        ("/p/t.yml", "+x:\n  sh>: a\n"),
    ];
    let (path, _, origin) = goto(
        &disk,
        "/p/wf.dig",
        "_export:\n  !include : conf/par$0ams.yml\n+a:\n  sh>: a\n",
    )
    .unwrap();
    assert_eq!(path, Path::new("/p/conf/params.yml"));
    assert_eq!(origin, "conf/params.yml");
    // Cursor on the key; include inside a list of tasks; in an included (.yml) document.
    let (path, _, _) = goto(&disk, "/p/wf.dig", "+a:\n  !incl$0ude : t.yml\n").unwrap();
    assert_eq!(path, Path::new("/p/t.yml"));
    let (path, _, _) = goto(
        &disk,
        "/p/frag.yml",
        "_export:\n  !include : 'conf/params.yml$0'\n",
    )
    .unwrap();
    assert_eq!(path, Path::new("/p/conf/params.yml"));
    assert_eq!(
        goto(&disk, "/p/wf.dig", "+a:\n  !include : nope$0.yml\n"),
        None
    );
    assert_eq!(goto(&disk, "/p/wf.dig", "+a:\n  sh>: t.y$0ml\n"), None);
}

/// Occurrences as `path:line:col text` lines (`def` marks definitions).
fn render_occurrences(sources: &crate::source::SourceMap, occ: &[Occurrence]) -> String {
    occ.iter()
        .map(|o| {
            let f = sources.get(o.span.file);
            let (line, col) = f.line_char_col(o.span.start);
            format!(
                "{}:{line}:{col} {}{}",
                f.path.display(),
                &f.text[o.span.range()],
                if o.definition { " (def)" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// References at the `$0` of `doc` (text from `open`), with `disk` files around it.
fn refs(disk: &[(&str, &str)], doc: &str, fixture: &str) -> String {
    let (text, offset) = cursor(fixture);
    let fs = overlay(disk, &[(doc, &text)]);
    let a = analyze_document(&fs, Path::new(doc));
    match references_at(&fs, &a, offset) {
        Some((index, r)) => format!(
            "{} {:?}\n{}",
            r.name,
            r.kind,
            render_occurrences(&index.sources, &r.occurrences)
        ),
        None => "none".to_string(),
    }
}

const PROJECT_WF: &str = "\
_export:
  target: report
  td:
    database: analytics
+prepare:
  sh>: echo ${target}
+group:
  _parallel: true
  +extract:
    td>: q.sql
    create_table: ${target}_${td.database}
  +load:
    _after: [+extract]
    echo>: ${target}
  +shadow:
    _export:
      target: other
    echo>: ${target} ${session_date}
+sub:
  call>: child
";

const PROJECT_DISK: &[(&str, &str)] = &[
    ("/p/q.sql", "select 1"),
    // Reads `target` from its caller.
    (
        "/p/child.dig",
        "+x:\n  echo>: ${target} and ${session_date}\n",
    ),
    // Another workflow of the project: its own `target`.
    (
        "/p/other.dig",
        "_export:\n  target: x\n+y:\n  echo>: ${target}\n",
    ),
];

#[test]
fn references_of_an_export_across_the_project() {
    let fixture = PROJECT_WF.replacen("  target: report", "  tar$0get: report", 1);
    insta::assert_snapshot!(refs(PROJECT_DISK, "/p/wf.dig", &fixture), @r"
    target Variable
    /p/wf.dig:2:3 target (def)
    /p/child.dig:2:12 target
    /p/wf.dig:6:15 target
    /p/wf.dig:11:21 target
    /p/wf.dig:14:14 target
    ");
    // From a use: the same set. From the shadowing task: only its own.
    let from_use = PROJECT_WF.replacen("echo ${target}", "echo ${tar$0get}", 1);
    assert_eq!(
        refs(PROJECT_DISK, "/p/wf.dig", &from_use),
        refs(PROJECT_DISK, "/p/wf.dig", &fixture)
    );
    let shadow = PROJECT_WF.replacen(
        "echo>: ${target} ${session",
        "echo>: ${tar$0get} ${session",
        1,
    );
    insta::assert_snapshot!(refs(PROJECT_DISK, "/p/wf.dig", &shadow), @r"
    target Variable
    /p/wf.dig:17:7 target (def)
    /p/wf.dig:18:14 target
    ");
}

#[test]
fn references_of_builtins_and_tasks() {
    let builtin = PROJECT_WF.replacen("${session_date}", "${session_$0date}", 1);
    insta::assert_snapshot!(refs(PROJECT_DISK, "/p/wf.dig", &builtin), @r"
    session_date OtherVariable
    /p/child.dig:2:26 session_date
    /p/wf.dig:18:24 session_date
    ");
    let task = PROJECT_WF.replacen("  +extract:", "  +ext$0ract:", 1);
    insta::assert_snapshot!(refs(PROJECT_DISK, "/p/wf.dig", &task), @r"
    +extract Task
    /p/wf.dig:9:3 +extract (def)
    /p/wf.dig:13:14 +extract
    ");
    let from_after = PROJECT_WF.replacen("[+extract]", "[+extr$0act]", 1);
    assert_eq!(
        refs(PROJECT_DISK, "/p/wf.dig", &from_after),
        refs(PROJECT_DISK, "/p/wf.dig", &task)
    );
    assert_eq!(
        refs(PROJECT_DISK, "/p/wf.dig", "+a:\n  echo>: he$0llo\n"),
        "none"
    );
}

#[test]
fn task_references_reach_into_included_files() {
    let disk = [("/p/tasks.yml", "+first:\n  sh>: a\n")];
    let wf = "+g:\n  _parallel: true\n  !include : tasks.yml\n  +second:\n    _after: +fir$0st\n    sh>: b\n";
    insta::assert_snapshot!(refs(&disk, "/p/wf.dig", wf), @r"
    +first Task
    /p/tasks.yml:1:1 +first (def)
    /p/wf.dig:5:13 +first
    ");
    // From the included file (its own document): the including workflow is found.
    let mut disk2 = vec![("/p/wf.dig", wf.replace("$0", "").leak() as &str)];
    disk2.push(("/p/other.yml", "x: 1\n"));
    insta::assert_snapshot!(refs(&disk2, "/p/tasks.yml", "+fi$0rst:\n  sh>: a\n"), @r"
    +first Task
    /p/tasks.yml:1:1 +first (def)
    /p/wf.dig:5:13 +first
    ");
}

fn rename(disk: &[(&str, &str)], doc: &str, fixture: &str, new_name: &str) -> String {
    let (text, offset) = cursor(fixture);
    let fs = overlay(disk, &[(doc, &text)]);
    let a = analyze_document(&fs, Path::new(doc));
    match rename_at(&fs, &a, offset, new_name) {
        Ok((index, edits)) => {
            // Apply the edits to every file and show the changed files.
            let mut out = String::new();
            let mut files: Vec<crate::source::FileId> = edits.iter().map(|(s, _)| s.file).collect();
            files.dedup();
            for f in files {
                let mut t = index.sources.get(f).text.to_string();
                for (s, new) in edits.iter().rev().filter(|(s, _)| s.file == f) {
                    t.replace_range(s.range(), new);
                }
                out.push_str(&format!("//- {}\n{t}", index.sources.get(f).path.display()));
            }
            out
        }
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn rename_an_export_and_a_task() {
    let fixture = PROJECT_WF.replacen("  target: report", "  tar$0get: report", 1);
    insta::assert_snapshot!(rename(PROJECT_DISK, "/p/wf.dig", &fixture, "table"));
    let task = PROJECT_WF.replacen("  +extract:", "  +ext$0ract:", 1);
    let renamed = rename(PROJECT_DISK, "/p/wf.dig", &task, "fetch");
    assert!(
        renamed.contains("  +fetch:\n") && renamed.contains("_after: [+fetch]"),
        "{renamed}"
    );
    assert_eq!(renamed, rename(PROJECT_DISK, "/p/wf.dig", &task, "+fetch"));
    // The renamed workflow is still clean.
    let text = renamed.split_once('\n').unwrap().1;
    let fs = overlay(PROJECT_DISK, &[("/p/wf.dig", text)]);
    assert!(codes(&analyze_document(&fs, Path::new("/p/wf.dig"))).is_empty());
}

#[test]
fn rename_refusals() {
    let builtin = PROJECT_WF.replacen("${session_date}", "${session_$0date}", 1);
    insta::assert_snapshot!(rename(PROJECT_DISK, "/p/wf.dig", &builtin, "x"), @"error: `session_date` cannot be renamed: it is a built-in variable");
    let task = PROJECT_WF.replacen("  +extract:", "  +ext$0ract:", 1);
    insta::assert_snapshot!(rename(PROJECT_DISK, "/p/wf.dig", &task, "+load"), @"error: a sibling task is already named `+load` (+wf+group+load)");
    insta::assert_snapshot!(rename(PROJECT_DISK, "/p/wf.dig", &task, "+a b"), @"error: invalid task name `+a b`: must not contain character ' '");
    let var = PROJECT_WF.replacen("  target: report", "  tar$0get: report", 1);
    insta::assert_snapshot!(rename(PROJECT_DISK, "/p/wf.dig", &var, "1x"), @"error: `1x` is not a variable name templates can read (letters, digits, `_` and `$`, not starting with a digit, not a JavaScript keyword)");
    insta::assert_snapshot!(rename(PROJECT_DISK, "/p/wf.dig", "+a:\n  echo>: x$0\n", "y"), @"error: there is no task name or `_export` variable here");
    // Operators read exported parameters too.
    let param =
        "_export:\n  data$0base: analytics\n+q:\n  td>: q.sql\n  create_table: ${database}_x\n";
    insta::assert_snapshot!(rename(PROJECT_DISK, "/p/wf.dig", param, "db"), @"error: `database` is also a parameter of `td>` (task +wf+q reads it from the exported variables); renaming would change what that task does");
    insta::assert_snapshot!(rename(PROJECT_DISK, "/p/wf.dig", &var, "engine"), @"error: `engine` is also a parameter of `td>` (task +wf+group+extract reads it from the exported variables); renaming would change what that task does");
    let nested = "_export:\n  t$0d:\n    database: a\n+q:\n  td>: q.sql\n";
    insta::assert_snapshot!(rename(PROJECT_DISK, "/p/wf.dig", nested, "x"), @"error: `td` is also a parameter of `td>` (task +wf+q reads it from the exported variables); renaming would change what that task does");
    let directive = "_export:\n  _work$0dir: sub\n+q:\n  sh>: ls ${_workdir}\n";
    insta::assert_snapshot!(rename(PROJECT_DISK, "/p/wf.dig", directive, "x"), @"error: `_workdir` is a directive digdag reads; it cannot be renamed");
}

#[test]
fn highlights_and_prepare_rename_stay_in_the_document() {
    let (text, offset) = cursor(&PROJECT_WF.replacen("echo ${target}", "echo ${tar$0get}", 1));
    let fs = overlay(PROJECT_DISK, &[("/p/wf.dig", &text)]);
    let a = analyze_document(&fs, Path::new("/p/wf.dig"));
    let hl = highlights_at(&a, offset);
    insta::assert_snapshot!(render_occurrences(&a.sources, &hl), @r"
    /p/wf.dig:2:3 target (def)
    /p/wf.dig:6:15 target
    /p/wf.dig:11:21 target
    /p/wf.dig:14:14 target
    ");
    let (span, name) = prepare_rename_at(&fs, &a, offset).unwrap().unwrap();
    assert_eq!((&text[span.range()], name.as_str()), ("target", "target"));
    let at_builtin = text.find("session_date").unwrap() as u32 + 2;
    assert!(prepare_rename_at(&fs, &a, at_builtin).is_err());
    assert_eq!(prepare_rename_at(&fs, &a, 1).unwrap(), None);
}

fn analyze_text(path: &str, text: &str) -> (OverlayFileSystem, DocumentAnalysis) {
    let fs = overlay(&[], &[(path, text)]);
    let a = analyze_document(&fs, Path::new(path));
    (fs, a)
}

#[test]
fn folding_ranges_cover_multi_line_entries_and_comment_runs() {
    let text = "\
# header comment
# second line
timezone: UTC
+a:
  sh>: x
  _retry: 2

+b:
  for_each>: {n: [1,
    2]}
  _do:
    echo>: ${n}
+c: {echo>: one-liner}
";
    let (_, a) = analyze_text("/p/wf.dig", text);
    let folds: Vec<String> = folding_ranges(&a)
        .iter()
        .map(|f| format!("{}-{} {:?}", f.start_line, f.end_line, f.kind))
        .collect();
    insta::assert_snapshot!(folds.join("\n"), @r"
    0-1 Comment
    3-5 Region
    7-11 Region
    8-9 Region
    10-11 Region
    ");
}

#[test]
fn selection_ranges_grow_from_the_word_to_the_file() {
    let fixture = "+a:\n  echo>: hello ${sess$0ion_date} x\n  _retry: 2\n";
    let (text, offset) = cursor(fixture);
    let (_, a) = analyze_text("/p/wf.dig", &text);
    let ranges = selection_ranges(&a, &[offset]);
    let shown: Vec<String> = ranges[0]
        .iter()
        .map(|s| format!("{:?}", &text[s.range()]))
        .collect();
    insta::assert_snapshot!(shown.join("\n"), @r#"
    "session_date"
    "${session_date}"
    "hello ${session_date} x"
    "echo>: hello ${session_date} x"
    "echo>: hello ${session_date} x\n  _retry: 2"
    "+a:\n  echo>: hello ${session_date} x\n  _retry: 2"
    "+a:\n  echo>: hello ${session_date} x\n  _retry: 2\n"
    "#);
    for w in ranges[0].windows(2) {
        assert!(w[1].start <= w[0].start && w[0].end <= w[1].end);
    }
}

#[test]
fn semantic_tokens_name_every_part() {
    let text = "\
timezone: UTC
_export:
  target: t
+load:
  td>: q.sql
  database: ${target}
  _retry: 2
+g:
  _parallel: true
  +a:
    echo>: ${session_date} ${secret:td.apikey}
  +b:
    _after: +a
    sh>: x
";
    let (_, a) = analyze_text("/p/wf.dig", text);
    let tokens: Vec<String> = semantic_tokens(&a)
        .iter()
        .map(|t| {
            format!(
                "{:?} {:?}{}{}",
                &text[t.span.range()],
                t.kind,
                if t.declaration { " decl" } else { "" },
                if t.builtin { " builtin" } else { "" }
            )
        })
        .collect();
    insta::assert_snapshot!(tokens.join("\n"));
}

#[test]
fn inlay_hints_show_the_next_run_and_loop_sizes() {
    let text = "\
timezone: Asia/Tokyo
schedule:
  daily>: 07:00:00
+each:
  for_each>: {fruit: [apple, orange], verb: [eat, throw, juice]}
  _do:
    echo>: ${verb} ${fruit}
+loop:
  loop>: 3
  _do:
    echo>: ${i}
+range:
  for_range>:
    from: 0
    to: 10
    step: 3
  _do:
    echo>: ${range.from}
+dynamic:
  loop>: ${n}
  _do:
    echo>: x
";
    let (fs, a) = analyze_text("/p/wf.dig", text);
    let now: jiff::Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
    let hints: Vec<String> = inlay_hints(&a, now)
        .iter()
        .map(|h| {
            let (line, col) = a.sources.get(a.file.unwrap()).line_char_col(h.offset);
            format!("{line}:{col} {:?} {}", h.kind, h.label)
        })
        .collect();
    insta::assert_snapshot!(hints.join("\n"), @r"
    3:19 NextRun next run 2026-03-02 07:00:00 +09:00
    5:65 Expansion 6 tasks
    9:11 Expansion 3 tasks
    16:12 Expansion 4 tasks
    ");
    insta::assert_snapshot!(plan_text(&fs, &a, now, 2).unwrap());
}

#[test]
fn loop_sizes() {
    let count = |op: &str, yaml: &str| {
        let text = format!("+t:\n  {op}>: {yaml}\n  _do:\n    echo>: x\n");
        let (_, a) = analyze_text("/p/wf.dig", &text);
        let m = a.model.unwrap();
        expansion(&m.root.children[0])
    };
    assert_eq!(count("for_each", "{a: '[1,2,3]', b: [x, y]}"), Some(Ok(6)));
    assert_eq!(count("for_each", "'{\"a\": [1, 2]}'"), Some(Ok(2)));
    assert_eq!(count("for_each", "{a: []}"), Some(Ok(0)));
    assert_eq!(count("for_each", "{a: '${x}'}"), None);
    assert_eq!(
        count(
            "for_each",
            "{a: [1,2,3,4,5,6,7,8,9,10,11], b: [1,2,3,4,5,6,7,8,9,10], c: [1,2,3,4,5,6,7,8,9,10]}"
        ),
        Some(Err("Too many for_each subtasks. Limit: 1000".to_string()))
    );
    assert_eq!(
        count("for_range", "{from: 0, to: 10, slices: 3}"),
        Some(Ok(3))
    );
    assert_eq!(count("for_range", "{from: 5, to: 5, step: 1}"), Some(Ok(0)));
    assert_eq!(
        count("for_range", "{from: 0, to: 10, step: 0}"),
        Some(Err(
            "step option must be same or greater than 1 but got 0".to_string()
        ))
    );
    assert!(matches!(
        count("for_range", "{from: 0, to: 10}"),
        Some(Err(_))
    ));
    assert_eq!(count("loop", "'4'"), Some(Ok(4)));
    assert_eq!(count("loop", "${n}"), None);
    assert_eq!(count("echo", "3"), None);
}

#[test]
fn workspace_symbols_list_workflows_and_tasks() {
    let fs = overlay(
        &[
            (
                "/p/daily.dig",
                "+extract:\n  sh>: a\n+load:\n  !include : load.yml\n",
            ),
            ("/p/load.yml", "+load_users:\n  td>: u.sql\n"),
            ("/p/weekly.dig", "+report:\n  echo>: r\n"),
            ("/p/sub/ignored.dig", "+x:\n  echo>: r\n"),
        ],
        &[],
    );
    let index = ProjectIndex::load(&fs, Path::new("/p"), &[]);
    let show = |q: &str| -> String {
        workspace_symbols(&index, q)
            .iter()
            .map(|s| {
                let f = index.sources.get(s.span.file);
                format!(
                    "{} {:?} in {} at {}:{}",
                    s.name,
                    s.kind,
                    s.container,
                    f.path.display(),
                    f.line_char_col(s.span.start).0
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    insta::assert_snapshot!(show(""), @r#"
    daily Workflow in /p at /p/daily.dig:1
    weekly Workflow in /p at /p/weekly.dig:1
    +extract Operator("sh") in +daily at /p/daily.dig:1
    +load Group in +daily at /p/daily.dig:3
    +load_users Operator("td") in +daily+load at /p/load.yml:1
    +report Operator("echo") in +weekly at /p/weekly.dig:1
    "#);
    insta::assert_snapshot!(show("LDuser"), @r#"+load_users Operator("td") in +daily+load at /p/load.yml:1"#);
}

#[test]
fn a_called_workflow_renames_the_callers_export() {
    let mut disk = PROJECT_DISK.to_vec();
    disk.push(("/p/wf.dig", PROJECT_WF));
    let (text, offset) = cursor("+x:\n  echo>: ${tar$0get} and ${session_date}\n");
    let fs = overlay(&disk, &[("/p/child.dig", &text)]);
    let a = analyze_document(&fs, Path::new("/p/child.dig"));
    let (span, name) = prepare_rename_at(&fs, &a, offset).unwrap().unwrap();
    assert_eq!((&text[span.range()], name.as_str()), ("target", "target"));
    let (index, edits) = rename_at(&fs, &a, offset, "table").unwrap();
    let files: Vec<String> = edits
        .iter()
        .map(|(s, _)| index.sources.get(s.file).path.display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "/p/child.dig",
            "/p/wf.dig",
            "/p/wf.dig",
            "/p/wf.dig",
            "/p/wf.dig"
        ]
    );
}

#[test]
fn exports_from_an_included_params_file() {
    let disk = [("/p/config/params.yml", "table: users\nlimit: 10\n")];
    let wf = "_export:\n  !include : config/params.yml\n+a:\n  echo>: ${tab$0le} ${limit}\n";
    insta::assert_snapshot!(refs(&disk, "/p/wf.dig", wf), @r"
    table Variable
    /p/config/params.yml:1:1 table (def)
    /p/wf.dig:4:12 table
    ");
    // From the included file itself: its including workflow is found in the directory above.
    let mut disk2 = vec![(
        "/p/wf.dig",
        "_export:\n  !include : config/params.yml\n+a:\n  echo>: ${table} ${limit}\n",
    )];
    disk2.push(("/p/other.dig", "+b:\n  echo>: b\n"));
    insta::assert_snapshot!(refs(&disk2, "/p/config/params.yml", "tab$0le: users\nlimit: 10\n"), @r"
    table Variable
    /p/config/params.yml:1:1 table (def)
    /p/wf.dig:4:12 table
    ");
}

/// The files of the fixture `testdata/ide/<name>` in memory, under `/<name>`.
fn fixture_files(name: &str) -> Vec<(String, String)> {
    fn walk(dir: &Path, rel: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("fixture directory")
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let rel = rel.join(p.file_name().unwrap());
            if p.is_dir() {
                walk(&p, &rel, out);
            } else {
                let text = std::fs::read_to_string(&p).expect("fixture file");
                out.push((rel.display().to_string(), text));
            }
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/ide")
        .join(name);
    let mut out = Vec::new();
    walk(&dir, &Path::new("/").join(name), &mut out);
    out
}

/// An overlay over the fixture `testdata/ide/<name>` (plus `more` files), without the files
/// `except` names.
fn fixture_fs(name: &str, more: &[(&str, &str)], except: &[&str]) -> OverlayFileSystem {
    let files = fixture_files(name);
    let mut disk: Vec<(&str, &str)> = files
        .iter()
        .filter(|(p, _)| !except.contains(&p.as_str()))
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    disk.extend_from_slice(more);
    overlay(&disk, &[])
}

/// References at the first `marker` of the file `doc` of `fs` (the cursor at its start).
fn refs_in(fs: &OverlayFileSystem, doc: &str, marker: &str) -> String {
    let text = String::from_utf8(fs.read(Path::new(doc)).unwrap()).unwrap();
    let offset = text.find(marker).expect("marker in the document") as u32;
    let a = analyze_document(fs, Path::new(doc));
    match references_at(fs, &a, offset) {
        Some((index, r)) => format!(
            "{} {:?} (project {})\n{}",
            r.name,
            r.kind,
            index.root.display(),
            render_occurrences(&index.sources, &r.occurrences)
        ),
        None => "none".to_string(),
    }
}

#[test]
fn digdagignored_files_are_not_part_of_the_project() {
    let fs = fixture_fs("digdagignore", &[], &[]);
    let root = Path::new("/digdagignore");
    assert_eq!(
        project_workflow_files(&fs, root),
        [root.join("main.dig")],
        "test_main.dig is ignored"
    );
    let index = ProjectIndex::load(&fs, root, &[]);
    let names: Vec<String> = workspace_symbols(&index, "")
        .iter()
        .map(|s| format!("{} {:?}", s.name, s.kind))
        .collect();
    insta::assert_snapshot!(names.join("\n"), @r#"
    main Workflow
    lib/load Workflow
    +load Operator("call")
    +load Operator("echo")
    "#);
    // From the called workflow: `target` is main.dig's; `mode` only the ignored test_main.dig
    // exports, so nothing in the project defines it.
    insta::assert_snapshot!(refs_in(&fs, "/digdagignore/lib/load.dig", "target}"), @r"
    target Variable (project /digdagignore)
    /digdagignore/main.dig:2:3 target (def)
    /digdagignore/lib/load.dig:2:20 target
    ");
    insta::assert_snapshot!(refs_in(&fs, "/digdagignore/lib/load.dig", "mode}"), @r"
    mode OtherVariable (project /digdagignore)
    /digdagignore/lib/load.dig:2:30 mode
    ");
    // Without the ignore file, test_main.dig is a workflow of the project and defines `mode`.
    let fs = fixture_fs("digdagignore", &[], &["/digdagignore/.digdagignore"]);
    insta::assert_snapshot!(refs_in(&fs, "/digdagignore/lib/load.dig", "mode}"), @r"
    mode Variable (project /digdagignore)
    /digdagignore/test_main.dig:3:3 mode (def)
    /digdagignore/lib/load.dig:2:30 mode
    ");
}

#[test]
fn digdagignore_patterns_follow_gitignore() {
    let ignore = "# comment\n/top.dig\n*.tmp.dig\nbuild/\n!keep.tmp.dig\n";
    let files: Vec<(String, String)> = [
        "top.dig",
        "a.tmp.dig",
        "keep.tmp.dig",
        "ok.dig",
        "build/x.dig",
        "sub/top.dig",
    ]
    .iter()
    .map(|f| (format!("/p/{f}"), "+a:\n  echo>: a\n".to_string()))
    .collect();
    let mut disk: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    disk.push(("/p/.digdagignore", ignore));
    let fs = overlay(&disk, &[]);
    let listed = |dir: &str| -> Vec<String> {
        project_workflow_files(&fs, Path::new(dir))
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    };
    // `/top.dig` is anchored at the root; a negated pattern brings a file back.
    assert_eq!(listed("/p"), ["/p/keep.tmp.dig", "/p/ok.dig"]);
    // A subdirectory's own listing knows nothing of the parent's ignore file.
    assert_eq!(listed("/p/sub"), ["/p/sub/top.dig"]);
    // `call>` targets in an ignored directory are not followed.
    let fs2 = overlay(
        &[
            ("/p/.digdagignore", "build/\n"),
            (
                "/p/main.dig",
                "+a:\n  call>: build/x.dig\n+b:\n  call>: sub/y\n",
            ),
            ("/p/build/x.dig", "+x:\n  echo>: x\n"),
            ("/p/sub/y.dig", "+y:\n  echo>: y\n"),
        ],
        &[],
    );
    let index = ProjectIndex::load(&fs2, Path::new("/p"), &[]);
    let loaded: Vec<String> = index
        .workflows
        .iter()
        .map(|(p, w)| format!("{} {}", p.display(), w.name))
        .collect();
    assert_eq!(loaded, ["/p/main.dig main", "/p/sub/y.dig sub/y"]);
}

#[test]
fn callers_in_a_parent_directory_are_found() {
    let fs = fixture_fs("callers", &[], &[]);
    // From a workflow in `sub/`: its read of `table` is main.dig's export (main.dig calls it).
    insta::assert_snapshot!(refs_in(&fs, "/callers/sub/child.dig", "table}"), @r"
    table Variable (project /callers)
    /callers/main.dig:2:3 table (def)
    /callers/main.dig:4:22 table
    /callers/sub/child.dig:2:20 table
    /callers/sub/deeper/leaf.dig:2:21 table
    ");
    // Two levels down, and the same from the definition.
    assert_eq!(
        refs_in(&fs, "/callers/sub/deeper/leaf.dig", "table}"),
        refs_in(&fs, "/callers/sub/child.dig", "table}")
    );
    assert_eq!(
        refs_in(&fs, "/callers/main.dig", "table:"),
        refs_in(&fs, "/callers/sub/child.dig", "table}")
    );
    // Rename from the called workflow edits the caller too.
    let doc = "/callers/sub/child.dig";
    let text = String::from_utf8(fs.read(Path::new(doc)).unwrap()).unwrap();
    let offset = text.find("table}").unwrap() as u32;
    let a = analyze_document(&fs, Path::new(doc));
    let (span, name) = prepare_rename_at(&fs, &a, offset).unwrap().unwrap();
    assert_eq!((&text[span.range()], name.as_str()), ("table", "table"));
    let (index, edits) = rename_at(&fs, &a, offset, "tbl").unwrap();
    let edited: Vec<String> = edits
        .iter()
        .map(|(s, new)| {
            let f = index.sources.get(s.file);
            format!("{}:{} {new}", f.path.display(), f.line_char_col(s.start).0)
        })
        .collect();
    assert_eq!(
        edited,
        [
            "/callers/main.dig:2 tbl",
            "/callers/main.dig:4 tbl",
            "/callers/sub/child.dig:2 tbl",
            "/callers/sub/deeper/leaf.dig:2 tbl"
        ]
    );
    // The workflows of `sub/` stay in the project: sibling.dig calls child.dig too, and the
    // called workflows are named from the root as digdag names them.
    let index = ProjectIndex::of_document(&fs, &a);
    let loaded: Vec<String> = index
        .workflows
        .iter()
        .map(|(_, w)| w.name.clone())
        .collect();
    assert_eq!(
        loaded,
        ["main", "sub/child", "sub/sibling", "sub/deeper/leaf"]
    );
}

#[test]
fn the_search_for_callers_stops_at_project_markers() {
    // `sub/wf.toml` makes `sub/` a project of its own: main.dig above is not searched.
    let fs = fixture_fs("callers", &[("/callers/sub/wf.toml", "")], &[]);
    insta::assert_snapshot!(refs_in(&fs, "/callers/sub/child.dig", "table}"), @r"
    table OtherVariable (project /callers/sub)
    /callers/sub/child.dig:2:20 table
    /callers/sub/deeper/leaf.dig:2:21 table
    ");
    // `.digdag` (digdag's state directory) marks `/callers`: a caller above it is not used.
    let fs = fixture_fs(
        "callers",
        &[
            ("/callers/.digdag/status", ""),
            (
                "/outer.dig",
                "_export:\n  table: outer\n+c:\n  call>: callers/sub/child.dig\n",
            ),
        ],
        &[],
    );
    insta::assert_snapshot!(refs_in(&fs, "/callers/sub/child.dig", "table}"), @r"
    table Variable (project /callers)
    /callers/main.dig:2:3 table (def)
    /callers/main.dig:4:22 table
    /callers/sub/child.dig:2:20 table
    /callers/sub/deeper/leaf.dig:2:21 table
    ");
    // Without the marker, the highest directory that calls the workflow is the root.
    let fs = fixture_fs(
        "callers",
        &[(
            "/outer.dig",
            "_export:\n  table: outer\n+c:\n  call>: callers/sub/child.dig\n",
        )],
        &[],
    );
    let doc = "/callers/sub/child.dig";
    let a = analyze_document(&fs, Path::new(doc));
    assert_eq!(ProjectIndex::of_document(&fs, &a).root, Path::new("/"));
}

#[test]
fn wf_toml_params_have_references_definition_and_rename() {
    let fs = fixture_fs("params", &[], &[]);
    // A read of a declared parameter: its key in wf.toml, and every read that sees it (not
    // the one under a local `_export` of the same name), in called workflows too.
    insta::assert_snapshot!(refs_in(&fs, "/params/main.dig", "outdir}"), @r"
    outdir Variable (project /params)
    /params/wf.toml:3:1 outdir (def)
    /params/main.dig:2:19 outdir
    /params/sub/report.dig:2:23 outdir
    ");
    assert_eq!(
        refs_in(&fs, "/params/sub/report.dig", "outdir}"),
        refs_in(&fs, "/params/main.dig", "outdir}")
    );
    // From the key in wf.toml itself.
    assert_eq!(
        refs_in(&fs, "/params/wf.toml", "outdir ="),
        refs_in(&fs, "/params/main.dig", "outdir}")
    );
    insta::assert_snapshot!(refs_in(&fs, "/params/main.dig", "td.database"), @r"
    td Variable (project /params)
    /params/wf.toml:4:1 td (def)
    /params/main.dig:2:37 td
    ");
    // Go to definition: the key in wf.toml; the local read goes to its `_export`.
    let goto_var = |doc: &str, marker: &str| -> String {
        let text = String::from_utf8(fs.read(Path::new(doc)).unwrap()).unwrap();
        let offset = text.find(marker).unwrap() as u32;
        let a = analyze_document(&fs, Path::new(doc));
        let t = definition_at(&a, &fs, offset).expect("a definition");
        let span = t.span.unwrap();
        let target = t.text.as_deref().unwrap_or_default();
        format!(
            "{} {:?} from {:?}",
            t.path.display(),
            &target[span.range()],
            &text[t.origin.range()]
        )
    };
    assert_eq!(
        goto_var("/params/sub/report.dig", "outdir}"),
        r#"/params/wf.toml "outdir" from "outdir""#
    );
    assert_eq!(
        goto_var("/params/main.dig", "outdir} is"),
        r#"/params/main.dig "outdir" from "outdir""#
    );
    // Rename: the wf.toml key and the reads that see it.
    let doc = "/params/main.dig";
    let text = String::from_utf8(fs.read(Path::new(doc)).unwrap()).unwrap();
    let offset = text.find("outdir}").unwrap() as u32;
    let a = analyze_document(&fs, Path::new(doc));
    let (index, edits) = rename_at(&fs, &a, offset, "out_dir").unwrap();
    let mut changed = String::new();
    let mut files: Vec<crate::source::FileId> = edits.iter().map(|(s, _)| s.file).collect();
    files.dedup();
    for f in files {
        let mut t = index.sources.get(f).text.to_string();
        for (s, new) in edits.iter().rev().filter(|(s, _)| s.file == f) {
            t.replace_range(s.range(), new);
        }
        changed.push_str(&format!("//- {}\n{t}", index.sources.get(f).path.display()));
    }
    insta::assert_snapshot!(changed);
}

#[test]
fn declared_params_operators_read_cannot_be_renamed() {
    let fs = overlay(
        &[
            ("/p/wf.toml", "[params]\n\"database\" = \"analytics\"\n"),
            ("/p/q.sql", "select 1"),
        ],
        &[],
    );
    let wf = "+q:\n  td>: q.sql\n  create_table: ${data$0base}_x\n";
    let (text, offset) = cursor(wf);
    let fs = {
        let mut fs = fs;
        fs.set(Path::new("/p/wf.dig"), Arc::from(text.as_str()));
        fs
    };
    let a = analyze_document(&fs, Path::new("/p/wf.dig"));
    // A quoted key: the definition is the name inside the quotes.
    let (index, refs) = references_at(&fs, &a, offset).unwrap();
    insta::assert_snapshot!(render_occurrences(&index.sources, &refs.occurrences), @r"
    /p/wf.toml:2:2 database (def)
    /p/wf.dig:3:19 database
    ");
    insta::assert_snapshot!(
        rename_at(&fs, &a, offset, "db").err().unwrap().to_string(),
        @"`database` is also a parameter of `td>` (task +wf+q reads it from the parameters `wf.toml` declares); renaming would change what that task does"
    );
}
