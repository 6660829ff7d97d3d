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
