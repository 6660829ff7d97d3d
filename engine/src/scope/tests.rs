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

#[test]
fn stores_come_from_the_operator_catalog() {
    let text = "+load:\n  td_load>: config/load.yml\n+after_load:\n  echo>: ${td.last_job.num_records}\n+wait:\n  td_wait>: q.sql\n+emr:\n  emr>:\n+get:\n  param_get>:\n  key1: dest1\n+plugin:\n  my_plugin>: x\n+last:\n  echo>: done\n";
    let all = scopes(text);
    let after_load = scope_of(&all, "+wf+after_load");
    assert_eq!(
        kind(after_load.lookup(&["td", "last_job", "num_records"])),
        "defined by Store"
    );
    let last = scope_of(&all, "+wf+last");
    // The catalog lists every store: `td.last_job` of `td_load>` (not of `td_wait>`, which
    // stores nothing), `emr.last_cluster_id` (only when a cluster was created), `param_get>`'s
    // destination keys.
    match last.lookup(&["td", "last_job_id"]) {
        Lookup::Defined(v) => assert!(
            matches!(&v.origin, Origin::Store { operator, .. } if operator == "td_load"),
            "{v:?}"
        ),
        other => panic!("{other:?}"),
    }
    match last.lookup(&["emr", "last_cluster_id"]) {
        Lookup::Defined(v) => assert!(
            matches!(v.origin, Origin::Store { certain: false, .. }),
            "{v:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(kind(last.lookup(&["dest1"])), "defined by Store");
    // An operator the catalog does not know (a plugin) may store anything.
    assert_eq!(kind(last.lookup(&["anything"])), "maybe (my_plugin>)");
    // A misspelled one stores nothing.
    let typo = scopes("+a:\n  ehco>: hi\n+b:\n  echo>: ${x}\n");
    assert_eq!(kind(scope_of(&typo, "+wf+b").lookup(&["x"])), "undefined");
}

#[test]
fn option_dependent_stores_need_the_option() {
    let text = "+q:\n  pg>: q.sql\n+r:\n  pg>: q.sql\n  store_last_results: all\n+s:\n  http>: https://example.com\n+t:\n  echo>: ${pg.last_results} ${http.last_content}\n";
    let all = scopes(text);
    let t = scope_of(&all, "+wf+t");
    match t.lookup(&["pg", "last_results"]) {
        Lookup::Defined(v) => assert!(
            matches!(&v.origin, Origin::Store { task, certain: true, .. } if task == "+wf+r"),
            "{v:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        kind(t.lookup(&["http", "last_content", "x"])),
        "field of undefined http.last_content"
    );
}

#[test]
fn loop_variables_come_from_the_catalog() {
    let text = "+r:\n  for_range>:\n    from: 0\n    to: 10\n    step: 2\n  _do:\n    echo>: ${range.from}\n+e:\n  td_for_each>: q.sql\n  _do:\n    echo>: ${td.each.x}\n+j:\n  for_each>: '{\"k\": [1, 2]}'\n  _do:\n    echo>: ${k}\n+d:\n  for_each>: ${keys}\n  _do:\n    echo>: ${whatever}\n";
    let all = scopes(text);
    assert_eq!(
        kind(scope_of(&all, "+wf+r^sub").lookup(&["range", "from"])),
        "defined by Loop"
    );
    assert_eq!(
        kind(scope_of(&all, "+wf+e^sub").lookup(&["td", "each", "x"])),
        "defined by Loop"
    );
    assert_eq!(
        kind(scope_of(&all, "+wf+j^sub").lookup(&["k"])),
        "defined by Loop"
    );
    assert_eq!(
        kind(scope_of(&all, "+wf+d^sub").lookup(&["whatever"])),
        "maybe (for_each>)"
    );
}

/// What a scope makes visible, in a form that does not depend on how it was built: each
/// distinct definition (a run of equal stores counts once: the whole walk keeps only the
/// first), the exports in order, the open sources, and how each name looks up.
fn visible(scope: &super::Scope) -> String {
    let mut defs: Vec<String> = scope
        .vars()
        .map(|v| match &v.origin {
            super::Origin::Store { certain, .. } => format!("{} store certain={certain}", v.name),
            o => format!("{} {o:?} {:?}", v.name, v.value),
        })
        .collect();
    defs.sort();
    defs.dedup();
    let lookups: Vec<String> = defs
        .iter()
        .filter_map(|d| d.split(' ').next())
        .map(|name| {
            let path: Vec<&str> = name.split('.').collect();
            format!("{name}: {}", kind(scope.lookup(&path)))
        })
        .collect();
    format!(
        "{defs:#?}\nexports {:?}\nany {:?}\n{lookups:#?}",
        scope.exports().collect::<Vec<_>>(),
        scope.any().collect::<Vec<_>>()
    )
}

#[test]
fn the_scope_of_one_task_equals_its_entry_in_the_whole_walk() {
    // Every workflow of digdag's examples in the corpus, plus a tricky local one.
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/digdag/examples"),
    )
    .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
    .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "dig"));
    let mut texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    texts.push(
        "_parallel: {limit: 2}\n+a:\n  py>: m.f\n+b:\n  _after: [+a]\n  for_each>: {x: [1]}\n  _do:\n    echo>: ${x}\n  _check:\n    echo>: ok\n+c:\n  +d:\n    echo>: ${td}\n  _error:\n    echo>: ${error.message}\n"
            .to_string(),
    );
    let mut checked = 0;
    for text in &texts {
        let mut fs = MemoryFileSystem::new();
        fs.insert("/p/wf.dig", text.as_str());
        let report = lint_project(
            &fs,
            Path::new("/p"),
            &[Path::new("/p/wf.dig").to_path_buf()],
        );
        let Some(wf) = report.workflows.first() else {
            continue;
        };
        for (task, whole) in task_scopes(wf) {
            let one = super::scope_of(wf, task).expect("every walked task has a scope");
            assert_eq!(visible(&one), visible(&whole), "{}", task.full_name);
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} tasks checked");
}
