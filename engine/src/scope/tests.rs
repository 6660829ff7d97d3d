use super::*;
use crate::check::lint_project;
use crate::load::MemoryFileSystem;
use std::path::Path;

fn scopes(text: &str) -> Vec<(String, Scope)> {
    let mut fs = MemoryFileSystem::new();
    fs.insert("/p/wf.dig", text);
    let report = lint_project(
        &fs,
        Path::new("/p"),
        &[Path::new("/p/wf.dig").to_path_buf()],
    );
    let wf = &report.workflows[0];
    task_scopes(wf)
        .into_iter()
        .map(|(t, s)| (t.full_name.clone(), s))
        .collect()
}

fn scope_of<'a>(all: &'a [(String, Scope)], name: &str) -> &'a Scope {
    &all.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no task {name}"))
        .1
}

fn kind(l: Lookup<'_>) -> String {
    match l {
        Lookup::Defined(v) => format!("defined by {:?}", v.origin)
            .split(" {")
            .next()
            .unwrap_or("")
            .to_string(),
        Lookup::Maybe(a) => format!("maybe ({}>)", a.operator),
        Lookup::Undefined => "undefined".into(),
        Lookup::FieldOfUndefined { missing, .. } => format!("field of undefined {missing}"),
    }
}

#[test]
fn builtins_exports_and_schedule_only_names() {
    let all = scopes("_export:\n  td:\n    database: db\n+a:\n  _export:\n    x: 1\n  echo>: hi\n+b:\n  echo>: hi\n");
    let a = scope_of(&all, "+wf+a");
    assert_eq!(kind(a.lookup(&["session_date"])), "defined by Builtin");
    assert_eq!(kind(a.lookup(&["x"])), "defined by Export");
    assert_eq!(kind(a.lookup(&["td", "database"])), "defined by Export");
    assert_eq!(
        kind(a.lookup(&["td", "last_results", "n"])),
        "field of undefined td.last_results"
    );
    assert_eq!(kind(a.lookup(&["last_session_time"])), "undefined");
    let b = scope_of(&all, "+wf+b");
    assert_eq!(kind(b.lookup(&["x"])), "undefined");
    assert!(is_schedule_only_builtin("next_session_date"));
}

#[test]
fn stores_flow_to_later_tasks_only() {
    let text = "+q:\n  td>: q.sql\n  store_last_results: true\n+p:\n  _parallel: true\n  +x:\n    echo>: ${td.last_results.n}\n  +y:\n    http>: https://example.com\n  +z:\n    _after: [+y]\n    echo>: ${http.last_status}\n";
    let all = scopes(text);
    let x = scope_of(&all, "+wf+p+x");
    assert_eq!(
        kind(x.lookup(&["td", "last_results", "n"])),
        "defined by Store"
    );
    assert_eq!(kind(x.lookup(&["http", "last_status"])), "undefined");
    let z = scope_of(&all, "+wf+p+z");
    assert_eq!(kind(z.lookup(&["http", "last_status"])), "defined by Store");
    let q = scope_of(&all, "+wf+q");
    assert_eq!(kind(q.lookup(&["td", "last_results", "n"])), "undefined");
}

#[test]
fn loop_variables_errors_and_scripts() {
    let text = "+loop:\n  loop>: 3\n  _do:\n    echo>: ${i}\n+each:\n  for_each>:\n    fruit: [apple]\n  _do:\n    echo>: ${fruit}\n+py:\n  py>: tasks.run\n+after_py:\n  echo>: ${anything}\n  _error:\n    echo>: ${error.message}\n";
    let all = scopes(text);
    assert_eq!(
        kind(scope_of(&all, "+wf+loop^sub").lookup(&["i"])),
        "defined by Loop"
    );
    assert_eq!(
        kind(scope_of(&all, "+wf+each^sub").lookup(&["fruit"])),
        "defined by Loop"
    );
    assert_eq!(
        kind(scope_of(&all, "+wf+each").lookup(&["fruit"])),
        "undefined"
    );
    assert_eq!(
        kind(scope_of(&all, "+wf+after_py").lookup(&["anything"])),
        "maybe (py>)"
    );
    assert_eq!(
        kind(scope_of(&all, "+wf+after_py^error").lookup(&["error", "message"])),
        "defined by Error"
    );
}
