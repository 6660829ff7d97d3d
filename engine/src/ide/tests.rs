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
    ] {
        for path in ["/p/wf.dig", "/p/frag.yml"] {
            let fs = overlay(&[], &[(path, text)]);
            let a = analyze_document(&fs, Path::new(path));
            let _ = a.document_diagnostics();
            let _ = document_symbols(&a);
            for offset in 0..=text.len() as u32 + 2 {
                let _ = definition_at(&a, &fs, offset);
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
