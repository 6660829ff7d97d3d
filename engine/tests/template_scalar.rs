//! Every `${...}` in the corpus' workflow files, located in the file through
//! `template::ScalarMap`: the mapped range must hold exactly that `${...}` as written.

use std::path::{Path, PathBuf};
use wf_engine::load::{DiskFileSystem, Loader, Value, ValueKind};
use wf_engine::template::parse::scalar_token_in;
use wf_engine::template::{parse, ScalarMap, Segment};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("WF_SKIP_CORPUS").is_ok_and(|v| v == "1") {
        return None;
    }
    panic!("corpus not found at {}", dir.display());
}

fn dig_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            dig_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "dig") {
            out.push(p);
        }
    }
}

fn strings<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
    match &v.kind {
        ValueKind::String(s) if s.contains("${") => out.push(v),
        ValueKind::Array(items) => items.iter().for_each(|i| strings(i, out)),
        ValueKind::Object(o) => o.iter().for_each(|e| strings(&e.value, out)),
        _ => {}
    }
}

#[test]
fn template_scalar_map_points_at_every_expression_in_corpus() {
    let Some(corpus) = corpus() else { return };
    let mut files = Vec::new();
    dig_files(&corpus, &mut files);
    files.sort();
    let (mut exprs, mut exact, mut files_with) = (0, 0, 0);
    for path in &files {
        let fs = DiskFileSystem;
        let mut loader = Loader::new(&fs);
        let Ok(id) = loader.read_file(path, None) else {
            continue;
        };
        let Some(parsed) = loader.parsed(id) else {
            continue;
        };
        let Some(root_value) = parsed.value.clone() else {
            continue;
        };
        let root = parsed.parse.syntax();
        let text = loader.sources.get(id).text.clone();
        let mut found = Vec::new();
        strings(&root_value, &mut found);
        if !found.is_empty() {
            files_with += 1;
        }
        for v in found {
            let s = v.as_str().unwrap_or_default();
            let token = scalar_token_in(&root, v.span.range())
                .unwrap_or_else(|| panic!("{}: no scalar token at {:?}", path.display(), v.span));
            let map = ScalarMap::from_token(&token).unwrap();
            for seg in parse(s) {
                let Segment::Expr { code, span } = seg else {
                    continue;
                };
                exprs += 1;
                let r = map.map(span);
                assert!(r.end <= text.len(), "{}", path.display());
                if !map.is_exact() {
                    continue;
                }
                exact += 1;
                let written = &text[r];
                // Quoted scalars may spell characters of the code with escapes.
                let plain_code = !written.contains(['\\', '\'', '\n']);
                if plain_code {
                    assert_eq!(written, format!("${{{code}}}"), "{}", path.display());
                } else {
                    assert!(
                        written.starts_with("${") && written.ends_with('}'),
                        "{}: {written:?}",
                        path.display()
                    );
                }
            }
        }
    }
    println!("{exprs} expressions in {files_with} files, {exact} mapped exactly");
    assert!(exprs > 500, "only {exprs} expressions found");
    assert_eq!(exact, exprs, "every corpus scalar maps exactly");
}

/// Every `${...}` of the corpus' files (workflows, SQL, configs) compiles as digdag compiles
/// it, and its free variables are plain names.
#[test]
fn template_corpus_expressions_compile_and_analyze() {
    let Some(corpus) = corpus() else { return };
    let mut files = Vec::new();
    all_files(&corpus, &mut files);
    let mut exprs: Vec<String> = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for seg in parse(&text) {
            if let Segment::Expr { code, .. } = seg {
                exprs.push(code.to_string());
            }
        }
    }
    exprs.sort();
    exprs.dedup();
    let mut bad = Vec::new();
    for e in &exprs {
        let issues = wf_engine::template::check_syntax(e);
        if !issues.is_empty() {
            bad.push(e.as_str());
        }
        for r in wf_engine::template::analyze(e).references {
            assert!(!r.name.is_empty() && e[r.span.clone()] == r.name, "{e:?}");
        }
    }
    println!(
        "{} distinct expressions, {} with syntax issues",
        exprs.len(),
        bad.len()
    );
    assert!(exprs.len() > 900, "only {} expressions", exprs.len());
    // The only one: digdag's acceptance test `config_eval_engine/invalid1.dig`, which digdag
    // fails at run time with a JavaScript syntax error (EXPECTED.tsv: `=>` operator).
    assert_eq!(bad, vec!["td.last_results.cnt => 3"]);
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            all_files(&p, out);
        } else if !p.extension().is_some_and(|x| x == "tsv" || x == "md") {
            out.push(p);
        }
    }
}
