//! Variables visible to each task (semantics §3): built-ins (and which exist only with a
//! `schedule`), the `_export` chain through ancestors (included files too), loop variables in
//! generated `^sub` bodies, `error` in `_error` tasks, and what earlier tasks store
//! (`td.last_results`, `http.last_status`, ... ; anything at all for `py>` / `rb>`). What an
//! operator stores and exports comes from the operator catalog ([`crate::schema`]).
//!
//! Used by the undefined-variable check, completion and hover. Names are dotted paths
//! (`td.last_results`); a lookup walks the path the way JavaScript would evaluate it.

mod stores;

pub use stores::operator_stores;

use crate::load::{Value, ValueKind};
use crate::model::{Parallel, Task, TaskKind, Workflow};
use crate::plan::sibling_upstreams;
use crate::source::Span;
use std::rc::Rc;

/// Where a visible variable comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A runtime built-in (`session_time`, `task_name`, ...).
    Builtin,
    /// `_export` of this task or an ancestor.
    Export { task: String, span: Span },
    /// Stored by an earlier task's operator (`td.last_results`); `certain` is false when the
    /// operator stores it only in some situations (`emr.last_cluster_id`: only when the task
    /// created a cluster). A store behind an option the task does not set is not in scope.
    Store {
        task: String,
        operator: String,
        certain: bool,
    },
    /// Set by the generating operator for each generated child (`i`, `range`, for_each keys).
    Loop { task: String, operator: String },
    /// `error` inside an `_error` task.
    Error { task: String },
    /// Declared in the project configuration (`wf.toml` `[params]`).
    Declared { span: Span },
}

/// One visible variable (a dotted path) and its origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub name: String,
    pub origin: Origin,
    /// The exported value, when known (for hover and for typing checks).
    pub value: Option<Value>,
}

/// A source that may define any name (a `py>` task can `digdag.env.store(...)` anything).
#[derive(Clone, Debug, PartialEq)]
pub struct AnyNameSource {
    pub task: String,
    pub operator: String,
}

/// An immutable list shared between scopes: pushing makes a new head, cloning is O(1), so
/// every task can keep its own scope without copying its ancestors'.
#[derive(Debug)]
struct Node<T> {
    item: T,
    next: Option<Rc<Node<T>>>,
}

/// A persistent stack (newest first).
#[derive(Debug)]
struct List<T>(Option<Rc<Node<T>>>);

impl<T> Clone for List<T> {
    fn clone(&self) -> Self {
        List(self.0.clone())
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List(None)
    }
}

impl<T> List<T> {
    fn push(&mut self, item: T) {
        let next = self.0.take();
        self.0 = Some(Rc::new(Node { item, next }));
    }

    fn iter(&self) -> ListIter<'_, T> {
        ListIter(self.0.as_deref())
    }
}

struct ListIter<'a, T>(Option<&'a Node<T>>);

impl<'a, T> Iterator for ListIter<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        let n = self.0?;
        self.0 = n.next.as_deref();
        Some(&n.item)
    }
}

impl<T> Drop for List<T> {
    fn drop(&mut self) {
        // Unlink iteratively: a long list must not overflow the stack when dropped.
        let mut cur = self.0.take();
        while let Some(rc) = cur {
            match Rc::try_unwrap(rc) {
                Ok(mut node) => cur = node.next.take(),
                Err(_) => break,
            }
        }
    }
}

/// What a task's templates can see.
///
/// Every part is persistent: a child's scope extends its parent's without copying it, so
/// keeping one scope per task of a large workflow costs memory in proportion to what each
/// task adds. The scopes of a whole workflow ([`task_scopes`]) are indexed: lookups go through
/// hash indexes, not the whole list (a task near the end of a 5,000-line workflow sees
/// thousands of stored names). A single scope ([`scope_of`]) is not: building the index would
/// cost more than the few lookups made in it.
#[derive(Clone, Default)]
pub struct Scope {
    /// Every definition, newest first.
    vars: List<Rc<Variable>>,
    /// The `_export` definitions only, newest first.
    exports: List<Rc<Variable>>,
    index: Option<Index>,
    any: List<AnyNameSource>,
}

/// Hash indexes over [`Scope::vars`]. Pushing a name that is already defined (the same
/// store of every `td>` task) updates one entry.
#[derive(Clone, Default)]
struct Index {
    /// The newest definition of each name (for a run of equal stores, the first of them).
    newest: rpds::HashTrieMap<Name, Rc<Variable>>,
    /// Definitions with a known value (exports, declared params), newest first: the shapes a
    /// dotted path is checked against.
    valued: rpds::HashTrieMap<Name, List<Rc<Variable>>>,
    /// Names with at least one definition of unknown shape (a store): any field may exist.
    unknown: rpds::HashTrieSet<Name>,
    /// For a root segment (`td`), the first variable defined below it (`td.last_job_id`).
    below: rpds::HashTrieMap<Rc<str>, Rc<Variable>>,
}

/// A variable used as the key of its name (no separate string).
#[derive(Clone)]
struct Name(Rc<Variable>);

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for Name {}

impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state)
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0.name
    }
}

impl std::fmt::Debug for Scope {
    /// The definitions and open sources, newest first (the indexes only repeat them).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scope")
            .field("vars", &self.vars().collect::<Vec<_>>())
            .field("any", &self.any().collect::<Vec<_>>())
            .finish()
    }
}

/// The result of looking up a dotted path.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup<'a> {
    /// The root is defined, and so is every prefix that is dereferenced.
    Defined(&'a Variable),
    /// Not defined, but an earlier `py>`-like task may have stored it.
    Maybe(&'a AnyNameSource),
    /// The root variable is not defined: `ReferenceError` at run time.
    Undefined,
    /// `root.field` is known not to exist, and the path reads a field of it (`TypeError`).
    FieldOfUndefined {
        /// The defined prefix (`td`).
        defined: &'a Variable,
        /// The missing prefix (`td.last_results`).
        missing: String,
    },
}

impl Scope {
    fn push(&mut self, name: impl Into<String>, origin: Origin, value: Option<Value>) {
        let var = Rc::new(Variable {
            name: name.into(),
            origin,
            value,
        });
        if let Some(index) = &mut self.index {
            let key = Name(var.clone());
            match var.value {
                Some(_) => {
                    let mut defs = index
                        .valued
                        .get(var.name.as_str())
                        .cloned()
                        .unwrap_or_default();
                    defs.push(var.clone());
                    index.valued.insert_mut(key.clone(), defs);
                }
                None => {
                    if !index.unknown.contains(var.name.as_str()) {
                        index.unknown.insert_mut(key.clone());
                    }
                }
            }
            index.newest.insert_mut(key, var.clone());
            if let Some((root, _)) = var.name.split_once('.') {
                if !index.below.contains_key(root) {
                    index.below.insert_mut(Rc::from(root), var.clone());
                }
            }
        }
        if matches!(var.origin, Origin::Export { .. }) {
            self.exports.push(var.clone());
        }
        self.vars.push(var);
    }

    /// Whether, in an indexed scope, storing `name` again changes nothing a lookup decides:
    /// its newest definition is already a store of the same certainty (every `td>` task
    /// stores `td.last_job_id`). Such a store is not added: lookups report the first of a run
    /// of equal stores, and a large workflow's scopes stay small.
    fn is_repeated_store(&self, name: &str, certain: bool) -> bool {
        let Some(index) = &self.index else {
            return false;
        };
        matches!(
            index.newest.get(name).map(|v| &v.origin),
            Some(Origin::Store { certain: c, .. }) if *c == certain
        )
    }

    /// Every visible variable, most recent first (a later definition shadows an earlier one).
    pub fn vars(&self) -> impl Iterator<Item = &Variable> {
        self.vars.iter().map(|v| &**v)
    }

    /// The `_export` variables (of this task and its ancestors), most recent first.
    pub fn exports(&self) -> impl Iterator<Item = &Variable> {
        self.exports.iter().map(|v| &**v)
    }

    /// Earlier tasks that may have stored arbitrary names, most recent first.
    pub fn any(&self) -> impl Iterator<Item = &AnyNameSource> {
        self.any.iter()
    }

    /// Whether an earlier task may have stored arbitrary names.
    pub fn has_any(&self) -> bool {
        self.any.iter().next().is_some()
    }

    /// The most recent definition of exactly `name` (in the scopes of [`task_scopes`], a store
    /// repeated by later tasks of the same operator kind is reported as the first one's).
    pub fn get(&self, name: &str) -> Option<&Variable> {
        match &self.index {
            Some(index) => index.newest.get(name).map(|v| &**v),
            None => self.vars().find(|v| v.name == name),
        }
    }

    /// The first variable defined below the root segment `root` (`td.last_job_id` for `td`):
    /// it only shows that the root exists (keeping the first costs one index update per root,
    /// not one per stored name).
    fn below(&self, root: &str) -> Option<&Variable> {
        match &self.index {
            Some(index) => index.below.get(root).map(|v| &**v),
            // `vars` is newest first: the first defined is the last found.
            None => self
                .vars()
                .filter(|v| {
                    v.name
                        .strip_prefix(root)
                        .is_some_and(|rest| rest.starts_with('.'))
                })
                .last(),
        }
    }

    /// Looks up `path` (`["td", "last_results", "count"]`) as JavaScript would read it: the root
    /// must exist; reading a field of an existing object gives `""` when the field is missing,
    /// but reading a field *of* that missing field fails.
    pub fn lookup(&self, path: &[&str]) -> Lookup<'_> {
        let Some(root) = path.first() else {
            return Lookup::Undefined;
        };
        // `td` exists when it is defined itself or when something below it is (`td.last_job_id`).
        let root_var = self.get(root).or_else(|| self.below(root));
        let Some(root_var) = root_var else {
            return match self.any.iter().next() {
                Some(a) => Lookup::Maybe(a),
                None => Lookup::Undefined,
            };
        };
        // `a.b.c`: `a.b` must exist for `.c` to be read (the last segment may be missing).
        let mut prefix = root.to_string();
        for seg in path.get(1..path.len().saturating_sub(1)).unwrap_or(&[]) {
            prefix.push('.');
            prefix.push_str(seg);
            if !self.may_define(&prefix) {
                if let Some(a) = self.any.iter().next() {
                    return Lookup::Maybe(a);
                }
                return Lookup::FieldOfUndefined {
                    defined: root_var,
                    missing: prefix,
                };
            }
        }
        Lookup::Defined(root_var)
    }

    /// Whether some source defines the dotted `name`: a variable of that name, or a variable above it
    /// whose value has that field (a variable of unknown shape, such as a store, may have any
    /// field).
    pub fn may_define(&self, name: &str) -> bool {
        if self.get(name).is_some() {
            return true;
        }
        // Every shorter prefix at a dot (`a`, `a.b` for `a.b.c`) whose value may hold the rest.
        name.match_indices('.').any(|(at, _)| {
            let (prefix, rest) = (&name[..at], &name[at + 1..]);
            let holds = |value: &Option<Value>| match value {
                None => true,
                Some(value) => {
                    let mut cur = Some(value);
                    for seg in rest.split('.') {
                        cur = cur.and_then(Value::as_object).and_then(|o| o.get(seg));
                    }
                    cur.is_some()
                }
            };
            match &self.index {
                Some(index) => {
                    index.unknown.contains(prefix)
                        || index
                            .valued
                            .get(prefix)
                            .is_some_and(|defs| defs.iter().any(|v| holds(&v.value)))
                }
                None => self.vars().any(|v| v.name == prefix && holds(&v.value)),
            }
        })
    }
}

/// The built-in variables of every task (semantics §3.1, from the catalog); with a schedule
/// also `last_session_*` and `next_session_*`.
pub fn builtin_names(scheduled: bool) -> Vec<&'static str> {
    crate::schema::builtin_variables()
        .iter()
        .filter(|v| scheduled || !v.requires_schedule)
        .map(|v| v.name)
        .collect()
}

/// Built-ins that exist only when the workflow has a `schedule`.
pub fn is_schedule_only_builtin(name: &str) -> bool {
    crate::schema::builtin_variable(name).is_some_and(|v| v.requires_schedule)
}

/// The scope of every task of `wf` (main tree, `_error`, `_check` and generated `_do` bodies),
/// in creation order, as `(task, scope)` pairs.
pub fn task_scopes(wf: &Workflow) -> Vec<(&Task, Scope)> {
    task_scopes_with(wf, None)
}

/// Like [`task_scopes`], with parameters declared in the project configuration (`wf.toml`
/// `params:`), which every task sees.
pub fn task_scopes_with<'a>(wf: &'a Workflow, params: Option<&Value>) -> Vec<(&'a Task, Scope)> {
    let mut out = Vec::new();
    let mut base = Scope {
        index: Some(Index::default()),
        ..Scope::default()
    };
    add_base(&mut base, wf, params);
    walk(&wf.root, base, &mut out, &|_| true);
    out
}

/// Adds what every task sees: the built-ins (with or without a schedule) and declared params.
fn add_base(base: &mut Scope, wf: &Workflow, params: Option<&Value>) {
    let scheduled = wf.root.options.schedule.is_some();
    for name in builtin_names(scheduled) {
        base.push(name, Origin::Builtin, None);
    }
    if let Some(Value {
        kind: ValueKind::Object(o),
        ..
    }) = params
    {
        for e in &o.entries {
            base.push(
                e.key.clone(),
                Origin::Declared { span: e.key_span },
                Some(e.value.clone()),
            );
        }
    }
}

/// The scope of one task of `wf` (the same as its entry in [`task_scopes`]), visiting only
/// the tasks on its path: what completion and hover at one point need.
pub fn scope_of(wf: &Workflow, target: &Task) -> Option<Scope> {
    let mut out = Vec::new();
    let mut base = Scope::default();
    add_base(&mut base, wf, None);
    walk(&wf.root, base, &mut out, &|t| contains(t, target));
    out.into_iter()
        .find(|(t, _)| std::ptr::eq(*t, target))
        .map(|(_, s)| s)
}

/// Whether `target` is `task` or one of its subtasks (children, `_error`, `_do`, `_else_do`,
/// `_check` bodies).
fn contains(task: &Task, target: &Task) -> bool {
    if std::ptr::eq(task, target) {
        return true;
    }
    let o = &task.options;
    task.children.iter().any(|c| contains(c, target))
        || [&o.error, &o.do_task, &o.else_do_task, &o.check_task]
            .into_iter()
            .flatten()
            .any(|t| contains(t, target))
}

fn add_exports(task: &Task, scope: &mut Scope) {
    if let Some(Value {
        kind: ValueKind::Object(o),
        ..
    }) = &task.options.export
    {
        for e in &o.entries {
            add_export_value(&task.full_name, &e.key, e.key_span, &e.value, scope);
        }
    }
}

fn add_export_value(task: &str, name: &str, span: Span, value: &Value, scope: &mut Scope) {
    // Exports deep-merge: an object adds to what an ancestor exported under the same name.
    let merged = match (scope.get(name).and_then(|v| v.value.clone()), &value.kind) {
        (
            Some(Value {
                kind: ValueKind::Object(mut old),
                span: old_span,
            }),
            ValueKind::Object(new),
        ) => {
            for e in &new.entries {
                match old.position(&e.key) {
                    Some(i) => old.entries[i] = e.clone(),
                    None => old.entries.push(e.clone()),
                }
            }
            Value::new(ValueKind::Object(old), old_span)
        }
        _ => value.clone(),
    };
    scope.push(
        name,
        Origin::Export {
            task: task.to_string(),
            span,
        },
        Some(merged),
    );
}

/// Adds what the operator tasks of `task`'s subtree store.
fn add_subtree_stores(task: &Task, scope: &mut Scope) {
    task.walk(&mut |t| {
        if let TaskKind::Operator { name, command, .. } = &t.kind {
            match operator_stores(name, command.as_ref(), &t.params) {
                stores::Stores::Names(names) => {
                    for (n, certain) in names {
                        if scope.is_repeated_store(&n, certain) {
                            continue;
                        }
                        scope.push(
                            n,
                            Origin::Store {
                                task: t.full_name.clone(),
                                operator: name.clone(),
                                certain,
                            },
                            None,
                        );
                    }
                }
                stores::Stores::Anything => scope.any.push(AnyNameSource {
                    task: t.full_name.clone(),
                    operator: name.clone(),
                }),
            }
        }
    });
}

/// Visits `task` and (where `want` says so) its subtasks, pushing each visited task with
/// the scope it sees.
fn walk<'a>(
    task: &'a Task,
    inherited: Scope,
    out: &mut Vec<(&'a Task, Scope)>,
    want: &dyn Fn(&Task) -> bool,
) {
    let mut own = inherited;
    add_exports(task, &mut own);
    out.push((task, own.clone()));
    // Children: each sees the stores of its (transitive) upstream siblings and their subtrees.
    let mode = task
        .options
        .parallel
        .as_ref()
        .map_or(Parallel::Sequential, |(p, _)| p.clone());
    let ups = sibling_upstreams(task, &mode);
    let n = task.children.len();
    // Stores of children after the last wanted one reach no visited scope.
    let wanted_end = task.children.iter().rposition(want).map_or(0, |i| i + 1);
    match mode {
        Parallel::Sequential => {
            // Every earlier sibling is (transitively) upstream of a non-background child; a
            // background child has no upstream at all.
            let mut acc = own.clone();
            for child in &task.children[..wanted_end] {
                let background = child.options.background.is_some_and(|(b, _)| b);
                if want(child) {
                    walk(
                        child,
                        if background { own.clone() } else { acc.clone() },
                        out,
                        want,
                    );
                }
                add_subtree_stores(child, &mut acc);
            }
        }
        Parallel::All | Parallel::Limit(_) => {
            // Batches of `limit`: every earlier batch is upstream; `_after` adds siblings of
            // the same batch (and what they wait for).
            let size = match mode {
                Parallel::Limit(l) if l > 0 => l as usize,
                _ => n.max(1),
            };
            let mut acc = own.clone();
            for start in (0..wanted_end).step_by(size) {
                let end = (start + size).min(n);
                for i in start..end {
                    if !want(&task.children[i]) {
                        continue;
                    }
                    let mut scope = acc.clone();
                    let mut seen: Vec<usize> = Vec::new();
                    let mut stack: Vec<usize> =
                        ups[i].iter().copied().filter(|&j| j >= start).collect();
                    while let Some(j) = stack.pop() {
                        if !seen.contains(&j) {
                            seen.push(j);
                            stack.extend(ups[j].iter().copied().filter(|&k| k >= start));
                        }
                    }
                    seen.sort_unstable();
                    for j in seen {
                        add_subtree_stores(&task.children[j], &mut scope);
                    }
                    walk(&task.children[i], scope, out, want);
                }
                if size < n {
                    for c in &task.children[start..end] {
                        add_subtree_stores(c, &mut acc);
                    }
                }
            }
        }
    }
    if let Some(err) = task.options.error.as_deref().filter(|e| want(e)) {
        let mut scope = own.clone();
        // A failed group's `^error` sees its descendants' stores; every `^error` sees `error`.
        for c in &task.children {
            add_subtree_stores(c, &mut scope);
        }
        scope.push(
            "error",
            Origin::Error {
                task: task.full_name.clone(),
            },
            None,
        );
        walk(err, scope, out, want);
    }
    if let TaskKind::Operator { name, command, .. } = &task.kind {
        for body in [&task.options.do_task, &task.options.else_do_task]
            .into_iter()
            .flatten()
            .filter(|b| want(b))
        {
            let mut scope = own.clone();
            match stores::loop_variables(name, command.as_ref()) {
                Some(vars) => {
                    for v in vars {
                        scope.push(
                            v,
                            Origin::Loop {
                                task: task.full_name.clone(),
                                operator: name.clone(),
                            },
                            None,
                        );
                    }
                }
                // `for_each>: ${...}`: the keys are known only at run time.
                None => scope.any.push(AnyNameSource {
                    task: task.full_name.clone(),
                    operator: name.clone(),
                }),
            }
            walk(body, scope, out, want);
        }
        if let Some(check) = task.options.check_task.as_deref().filter(|c| want(c)) {
            let mut scope = own.clone();
            add_subtree_stores(task, &mut scope);
            walk(check, scope, out, want);
        }
    }
}

#[cfg(test)]
mod tests;
