use super::*;

fn roundtrip(text: &str) -> Parse {
    let p = parse(text);
    assert_eq!(p.syntax().to_string(), text, "round trip");
    p
}

fn errors(text: &str) -> Vec<String> {
    roundtrip(text)
        .errors
        .iter()
        .map(|e| format!("{}..{}: {}", e.start, e.end, e.message))
        .collect()
}

#[test]
fn tree_of_small_workflow() {
    let p = roundtrip("timezone: UTC\n+a:\n  echo>: hi # c\n  _export: {x: [1, 2]}\n");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    insta::assert_snapshot!(tree_text(&p.syntax()));
}

#[test]
fn round_trips_odd_text() {
    for t in [
        "",
        "\u{feff}a: 1\r\n",
        "a: 1",
        "a:\tb\n",
        "\t\t\n",
        "- [\n",
        "{{{{",
        "a: 'unterminated\n",
        "key: |\n  x\n y\n",
        "@@@: ]]]\n",
        "a: b: c\n",
        "\0\u{1}x",
        "a: \0é\0\u{2028}ü\n",
        "\r\r\n\u{85}x: \u{2029}\n",
        "---\n---\n...\n",
        "? a\n: b\n",
        "a: &x [1]\nb: *x\n",
    ] {
        roundtrip(t);
    }
}

#[test]
fn snakeyaml_errors() {
    insta::assert_debug_snapshot!(errors("a:\tb\n"));
    insta::assert_debug_snapshot!(errors("subject: [${x}] Email\nto: [a]\n"));
    insta::assert_debug_snapshot!(errors("a: 1\nfoo\nb: 2\n"));
    insta::assert_debug_snapshot!(errors("x: ******\n"));
    insta::assert_debug_snapshot!(errors("a: 1\n---\nb: 2\n"));
}

#[test]
fn recovers_after_broken_flow() {
    let p = roundtrip("a: [1, 2\nb: 3\nc: {x: 1\n");
    assert!(!p.errors.is_empty());
    // The flow collection is abandoned at the error; `c` is still an entry of the root mapping.
    let text = tree_text(&p.syntax());
    assert!(text.contains("KEY@14..15"), "{text}");
}

#[test]
fn deep_nesting_is_bounded() {
    let deep = "[".repeat(10_000);
    let p = roundtrip(&deep);
    assert!(p.errors.iter().any(|e| e.message.contains("nesting")));
    let deep_block: String = (0..3000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    roundtrip(&deep_block);
}

/// Edits of a workflow that are re-parsed region by region ([`reparse`]) give the tree and
/// errors of a full parse; edits that could change how the rest parses are declined or re-parse
/// to the end.
#[test]
fn reparse_equals_a_full_parse() {
    let text =
        "timezone: UTC\n+a:\n  echo>: hi\n+b:\n  sh>: date\n  _retry: 2\n+c:\n  echo>: bye\n";
    let old = parse(text);
    let at = |needle: &str| text.find(needle).unwrap();
    // (what, edit at, removed bytes, inserted text, re-parsed?)
    let cases: &[(&str, usize, usize, &str, bool)] = &[
        ("typing in a value", at("date") + 4, 0, "x", true),
        ("a new top-level key", at("+b:"), 0, "x: 1\n", true),
        ("a new task", at("+c:"), 0, "+new:\n  echo>: x\n", true),
        (
            "removing a task",
            at("+b:"),
            at("+c:") - at("+b:"),
            "",
            true,
        ),
        ("a comment line", at("+b:"), 0, "# note\n", true),
        ("a broken key", at("date"), 0, ": :", true),
        ("an unclosed flow sequence", at("date"), 0, "[", true),
        ("an unclosed quote", at("date"), 0, "\"", true),
        (
            "a broken flow collection",
            at("date"),
            0,
            "[a, {b: ]\n  x: [",
            true,
        ),
        ("a broken flow mapping", at("hi"), 0, "{a: [1, }", true),
        ("indenting a top-level key", at("+b:"), 0, "  ", true),
        ("a document start", at("+b:"), 0, "---\n", false),
        ("an explicit value line", at("+b:"), 0, ": x\n", true),
    ];
    for &(what, pos, removed, insert, expect_reparsed) in cases {
        let new = format!("{}{}{}", &text[..pos], insert, &text[pos + removed..]);
        let full = parse(&new);
        match reparse(text, &old, &new) {
            Some(re) => {
                assert!(expect_reparsed, "{what}: re-parsed");
                assert_eq!(tree_text(&re.syntax()), tree_text(&full.syntax()), "{what}");
                assert_eq!(re.errors, full.errors, "{what}");
            }
            None => assert!(!expect_reparsed, "{what}: declined"),
        }
    }
}

/// Errors reported once per text (nesting too deep) make [`reparse`] decline: a region cannot
/// know whether another place reported it first.
#[test]
fn reparse_declines_around_once_per_text_errors() {
    let deep = format!("{}{}", "[".repeat(201), "]".repeat(201));
    let deep_map = format!("{}{}", "{".repeat(201), "}".repeat(201));
    // A second deep value where one was reported already; a deep value removed where a later
    // one was not reported.
    for (old, new) in [
        (
            format!("a: {deep}\nb: 1\nc: 2\n"),
            format!("a: {deep}\nb: {deep_map}\nc: 2\n"),
        ),
        (
            format!("a: 1\nb: {deep}\nc: {deep}\n"),
            format!("a: 1\nb: 2\nc: {deep}\n"),
        ),
    ] {
        let full = parse(&new);
        if let Some(re) = reparse(&old, &parse(&old), &new) {
            assert_eq!(re.errors, full.errors);
        }
    }
}

/// A [`ParseCache`] gives what [`parse`] gives, edit after edit.
#[test]
fn parse_cache_follows_edits() {
    let cache = ParseCache::new(2);
    let path = std::path::Path::new("/p/wf.dig");
    let mut text = String::from("+a:\n  echo>: hi\n");
    for (i, line) in ["+b:\n  sh>: x\n", "+c: [\n", "  _retry: 1\n", "+d:\n"]
        .iter()
        .enumerate()
    {
        text.push_str(line);
        let arc: std::sync::Arc<str> = std::sync::Arc::from(text.as_str());
        let cached = cache.parse(path, &arc);
        let full = parse(&text);
        assert_eq!(
            tree_text(&cached.syntax()),
            tree_text(&full.syntax()),
            "edit {i}"
        );
        assert_eq!(cached.errors, full.errors, "edit {i}");
    }
}
