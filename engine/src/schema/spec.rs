//! The types of the catalog: operators, their command and parameters, what they store and
//! export, directives, schedule kinds and built-in variables. Everything is `'static` data
//! built from `const` items, so lookups never allocate.

use std::fmt::Write as _;

/// The type of a value as digdag reads it (Jackson coercion applies: a numeric string is
/// accepted where an integer is read, `"true"`/`"false"` where a boolean is read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// Any JSON value.
    Any,
    /// A string (numbers and booleans are coerced to their text).
    String,
    /// An integer (Java `int`/`long`); a numeric string is accepted.
    Int,
    /// A boolean; `"true"`/`"false"` strings are accepted.
    Bool,
    /// A duration in digdag's `DurationParam` syntax: `Nd Nh Nm Ns`, any subset in that
    /// order (`30s`, `1h 30m`, `2d`).
    Duration,
    /// A path relative to the task's working directory (`_workdir`, else the project root).
    FilePath,
    /// A JSON object.
    Object,
    /// A JSON array.
    List,
    /// A string or a list of strings.
    StringOrList,
    /// One of these strings, compared exactly.
    Enum(&'static [&'static str]),
    /// One of these strings, compared ignoring ASCII case.
    EnumIgnoreCase(&'static [&'static str]),
    /// A task body (an operator body or a group of `+tasks`).
    Tasks,
}

impl ValueType {
    /// A short name for messages and hover text (`string`, `int`, `presto | hive`, ...).
    pub fn describe(&self) -> String {
        match self {
            ValueType::Any => "any".into(),
            ValueType::String => "string".into(),
            ValueType::Int => "int".into(),
            ValueType::Bool => "bool".into(),
            ValueType::Duration => "duration".into(),
            ValueType::FilePath => "file path".into(),
            ValueType::Object => "object".into(),
            ValueType::List => "list".into(),
            ValueType::StringOrList => "string or list".into(),
            ValueType::Enum(v) | ValueType::EnumIgnoreCase(v) => v.join(" | "),
            ValueType::Tasks => "tasks".into(),
        }
    }

    /// The allowed values of an enum type (empty for other types).
    pub fn allowed_values(&self) -> &'static [&'static str] {
        match self {
            ValueType::Enum(v) | ValueType::EnumIgnoreCase(v) => v,
            _ => &[],
        }
    }

    /// Whether `value` is one of the allowed values (always true for non-enum types).
    pub fn allows(&self, value: &str) -> bool {
        match self {
            ValueType::Enum(v) => v.contains(&value),
            ValueType::EnumIgnoreCase(v) => v.iter().any(|a| a.eq_ignore_ascii_case(value)),
            _ => true,
        }
    }
}

/// What a value names on disk, resolved like digdag does: relative to the task's working
/// directory (`_workdir`, or the directory of a `call>`ed workflow), inside the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRef {
    /// Not a file.
    None,
    /// A file the operator reads as is (`attach_files`, `emr>` steps); must exist.
    Input,
    /// A file the operator reads and evaluates `${...}` in with the task's parameters
    /// (`td>` query, `mail>` body, `embulk>` config); must exist.
    Template,
    /// Like [`FileRef::Template`], but only when the value ends with one of these extensions;
    /// any other value is a name (`td_load>`: `.yml`/`.yaml` file, else a saved connector).
    TemplateIfExtension(&'static [&'static str]),
    /// Like [`FileRef::Template`] when the value is a string (`bq_load>` `schema`: an object
    /// or a `.json`/YAML file).
    TemplateIfString,
    /// A file the operator writes (`download_file`); need not exist.
    Output,
    /// `[PACKAGE.]CLASS.METHOD` or `MODULE.FUNCTION` of `py>`: the module is imported with the
    /// working directory on `sys.path`, so `tasks.MyWorkflow.step` needs `tasks.py` or
    /// `tasks/__init__.py` there (unless it is an installed package).
    PythonMethod,
    /// A Ruby feature loaded with `ruby -I <workdir> -r <value>`: `tasks/my_workflow` is
    /// `tasks/my_workflow.rb` in the working directory, or an installed gem.
    RubyFeature,
    /// A workflow file (`call>`): `.dig` is appended when missing; must exist and stay inside
    /// the project.
    Workflow,
    /// The name of a workflow of the project (`require>`), i.e. a top-level `NAME.dig`, unless
    /// `project_id`/`project_name` point at another project.
    WorkflowName,
}

impl FileRef {
    /// Whether a file must exist for the task to run (for the `*If*` kinds: when the
    /// condition holds; for `py>`/`rb>`: unless it is an installed module).
    pub fn must_exist(&self) -> bool {
        !matches!(self, FileRef::None | FileRef::Output)
    }
}

/// One parameter (option) of an operator, or one key of a directive's object.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    pub name: &'static str,
    pub ty: ValueType,
    /// Must be set in the merged parameters (locally, through `_export`, or in the operator's
    /// nested config) for the task to run.
    pub required: bool,
    /// The default, as written in a `.dig` file (`presto`, `30s`, `false`).
    pub default: Option<&'static str>,
    /// Whether `${...}` in the value is evaluated (true for every operator parameter: digdag
    /// evaluates the whole parameter object before the operator runs; false for `_do`-like
    /// bodies and for directives read at compile time).
    pub templated: bool,
    /// One line.
    pub summary: &'static str,
    /// Markdown; examples are fenced as ```yaml and parse as `.dig` text.
    pub doc: &'static str,
    /// Why it is deprecated and what to use instead.
    pub deprecated: Option<&'static str>,
    /// Whether (and how) the value names a file.
    pub file: FileRef,
    /// Keys of an object value (`proxy`, `docker`, `_retry`, ...).
    pub keys: &'static [ParamSpec],
}

/// A parameter named `name` of type `ty` with a one-line summary; optional, templated, no
/// default. Refine it with the builder methods.
pub const fn param(name: &'static str, ty: ValueType, summary: &'static str) -> ParamSpec {
    ParamSpec {
        name,
        ty,
        required: false,
        default: None,
        templated: true,
        summary,
        doc: "",
        deprecated: None,
        file: FileRef::None,
        keys: &[],
    }
}

impl ParamSpec {
    /// Marks the parameter required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    /// Sets the default (as written in a `.dig` file).
    pub const fn default(mut self, value: &'static str) -> Self {
        self.default = Some(value);
        self
    }
    /// Sets the markdown documentation.
    pub const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }
    /// Marks the parameter deprecated, with the reason.
    pub const fn deprecated(mut self, why: &'static str) -> Self {
        self.deprecated = Some(why);
        self
    }
    /// Says the value names a file.
    pub const fn file(mut self, file: FileRef) -> Self {
        self.file = file;
        self
    }
    /// Sets the keys of an object value.
    pub const fn keys(mut self, keys: &'static [ParamSpec]) -> Self {
        self.keys = keys;
        self
    }
    /// Marks the value as not template-evaluated.
    pub const fn untemplated(mut self) -> Self {
        self.templated = false;
        self
    }

    /// The allowed values of an enum parameter (empty otherwise).
    pub fn allowed_values(&self) -> &'static [&'static str] {
        self.ty.allowed_values()
    }

    /// The key `name` of an object value.
    pub fn key(&self, name: &str) -> Option<&'static ParamSpec> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// Hover text for the parameter `self` of `operator` (or of a directive).
    pub fn hover_markdown(&self, owner: &str) -> String {
        let mut out = String::new();
        let _ = write!(out, "**`{}`** ({}", self.name, self.ty.describe());
        if self.required {
            out.push_str(", required");
        }
        if let Some(d) = self.default {
            let _ = write!(out, ", default `{d}`");
        }
        let _ = writeln!(out, ") — parameter of `{owner}`\n\n{}", self.summary);
        if let Some(why) = self.deprecated {
            let _ = writeln!(out, "\n**Deprecated:** {why}");
        }
        if !self.doc.is_empty() {
            let _ = writeln!(out, "\n{}", self.doc.trim_end());
        }
        if !self.keys.is_empty() {
            out.push_str("\nKeys:\n");
            for k in self.keys {
                let _ = writeln!(out, "- {}", param_line(k));
            }
        }
        if !self.templated {
            out.push_str("\nNot template-evaluated.\n");
        }
        out
    }
}

/// The command of an operator: the value of `name>:` (internally `_command`).
#[derive(Clone, Copy, Debug)]
pub struct CommandSpec {
    /// Whether the operator reads the command at all (`td_ddl>:` and friends take none).
    pub accepted: bool,
    /// Whether a value is needed; see also [`CommandSpec::alternatives`].
    pub required: bool,
    pub ty: ValueType,
    /// How it reads in the docs (`FILE.sql`, `DURATION`, `BUCKET/KEY`).
    pub syntax: &'static str,
    pub summary: &'static str,
    pub doc: &'static str,
    pub file: FileRef,
    /// Parameters that can be given instead of the command (`query` for `td>`, `body` for
    /// `mail>`, `bucket` + `key` for `s3_wait>`).
    pub alternatives: &'static [&'static str],
    /// Keys of an object command (`for_range>: {from, to, step}`, `td>: {data: ...}`).
    pub keys: &'static [ParamSpec],
    /// Groups of command keys of which at most one may be set.
    pub exclusive_keys: &'static [&'static [&'static str]],
}

impl CommandSpec {
    /// An operator that takes no command (`td_ddl>:`).
    pub const NONE: CommandSpec = CommandSpec {
        accepted: false,
        required: false,
        ty: ValueType::Any,
        syntax: "",
        summary: "",
        doc: "",
        file: FileRef::None,
        alternatives: &[],
        keys: &[],
        exclusive_keys: &[],
    };

    /// A required command of type `ty`.
    pub const fn required(ty: ValueType, syntax: &'static str, summary: &'static str) -> Self {
        CommandSpec {
            accepted: true,
            required: true,
            ty,
            syntax,
            summary,
            ..CommandSpec::NONE
        }
    }

    /// An optional command of type `ty`.
    pub const fn optional(ty: ValueType, syntax: &'static str, summary: &'static str) -> Self {
        CommandSpec {
            accepted: true,
            required: false,
            ty,
            syntax,
            summary,
            ..CommandSpec::NONE
        }
    }

    /// Sets the markdown documentation.
    pub const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }
    /// Says the command names a file.
    pub const fn file(mut self, file: FileRef) -> Self {
        self.file = file;
        self
    }
    /// Sets the parameters that can replace the command.
    pub const fn alternatives(mut self, names: &'static [&'static str]) -> Self {
        self.alternatives = names;
        self
    }
    /// Sets the keys of an object command.
    pub const fn keys(mut self, keys: &'static [ParamSpec]) -> Self {
        self.keys = keys;
        self
    }
    /// Sets groups of mutually exclusive command keys.
    pub const fn exclusive_keys(mut self, groups: &'static [&'static [&'static str]]) -> Self {
        self.exclusive_keys = groups;
        self
    }

    /// The key `name` of an object command.
    pub fn key(&self, name: &str) -> Option<&'static ParamSpec> {
        self.keys.iter().find(|k| k.name == name)
    }
}

/// Whether an operator reads `_do`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoUse {
    /// `_do` is not read.
    None,
    /// `_do` is read when present (`if>`: `_do` or `_else_do`).
    Optional,
    /// `_do` must be set.
    Required,
}

/// When a stored value is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreWhen {
    /// On every success.
    Always,
    /// Only when this parameter is enabled (`true`, or not `false` for `pg>`'s
    /// `store_last_results: first|all`).
    ParamEnabled(&'static str),
    /// In the situation described.
    Sometimes(&'static str),
}

/// A value an operator stores for later tasks (`td.last_job_id`), or exports to the tasks it
/// generates (`i` of `loop>`).
#[derive(Clone, Copy, Debug)]
pub struct OutputSpec {
    /// Dotted name as used in `${...}`.
    pub name: &'static str,
    pub ty: ValueType,
    pub when: StoreWhen,
    pub summary: &'static str,
}

/// Outputs that are not known statically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DynamicOutputs {
    /// Only the listed outputs.
    None,
    /// Whatever the script stores or exports (`digdag.env.store()`/`export()` in `py>`/`rb>`).
    Script,
    /// Whatever the generated tasks store (`call>`, `http_call>`).
    Generated,
    /// The values of the task's own keys are the names stored (`param_get>: {key: dest}`).
    LocalKeyValues,
}

/// What other keys of an operator task mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtraKeys {
    /// Nothing: digdag logs `Parameter 'x' is not used at task ...` (a warning, §2.5).
    Unused,
    /// Variables for the `${...}` templates in the operator's file (`td>` query, `mail>`
    /// body, ...); they are read through the template, not by the operator.
    TemplateVariables,
    /// Every key that is a valid identifier becomes an environment variable (`sh>`).
    Environment,
    /// Keys are passed to the script's method as arguments (`py>`, `rb>`).
    Arguments,
    /// The keys themselves are the operator's data (`param_get>`, `param_set>`).
    Data,
}

/// A secret an operator reads (`digdag secrets --set KEY`, or Treasure Data's parameter store).
#[derive(Clone, Copy, Debug)]
pub struct SecretSpec {
    pub key: &'static str,
    pub summary: &'static str,
}

/// Operator families (one source file each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `echo>`, `fail>`, `if>`, loops, `call>`, `require>`, `wait>`, `notify>`.
    Control,
    /// `sh>`, `py>`, `rb>`, `embulk>`.
    Scripting,
    /// `mail>`, `http>`, `http_call>`, `param_get>`, `param_set>`.
    Network,
    /// The Treasure Data operators.
    TreasureData,
    /// `pg>` and the Redshift operators.
    Database,
    /// AWS (`emr>`, `s3_wait>`) and Google Cloud (`bq*>`, `gcs_wait>`).
    Cloud,
}

/// Everything known about one operator.
#[derive(Clone, Copy, Debug)]
pub struct OperatorSpec {
    /// Name without `>`.
    pub name: &'static str,
    pub family: Family,
    /// One line.
    pub summary: &'static str,
    /// Markdown: what it does, beyond the summary.
    pub doc: &'static str,
    /// A short, complete `.dig` example (it parses and loads without errors).
    pub example: &'static str,
    pub command: CommandSpec,
    /// Parameter groups (shared groups such as the Treasure Data connection options are
    /// listed once and reused); see [`OperatorSpec::params`].
    pub param_groups: &'static [&'static [ParamSpec]],
    /// Groups of parameters of which at most one may be set; `_command` in a group stands for
    /// the command (`td_load>`: the command, `name` and `config` exclude each other).
    pub exclusive: &'static [&'static [&'static str]],
    /// Keys of nested objects whose entries act as defaults for the parameters, typically
    /// set once under `_export` (`td` for `_export: {td: {database: x}}`), in precedence
    /// order (`aws.s3` before `aws`).
    pub nested: &'static [&'static str],
    /// Whether the task-level `_retry` re-runs this operator on failure (§2).
    pub retry: bool,
    /// Whether `_do` is read.
    pub do_: DoUse,
    /// Whether `_else_do` is read (`if>` only).
    pub else_do: bool,
    /// Whether `_parallel` is read at run time for the generated tasks.
    pub parallel: bool,
    /// Values stored for later tasks.
    pub stores: &'static [OutputSpec],
    /// Values exported to the tasks generated from `_do`.
    pub exports: &'static [OutputSpec],
    /// Whether the keys of the command object are exported to the generated tasks
    /// (`for_each>: {fruit: [...]}` exports `fruit`).
    pub exports_command_keys: bool,
    /// Outputs that are only known at run time.
    pub dynamic: DynamicOutputs,
    /// Secrets the operator reads.
    pub secrets: &'static [SecretSpec],
    /// What other keys of the task mean.
    pub extra_keys: ExtraKeys,
    /// Why the operator is deprecated, if it is.
    pub deprecated: Option<&'static str>,
    /// Digdag documentation page (`operators/<name>.html`); empty for undocumented ones.
    pub docs_url: &'static str,
}

impl OperatorSpec {
    /// Defaults for the `..BASE` of operator definitions.
    pub(crate) const BASE: OperatorSpec = OperatorSpec {
        name: "",
        family: Family::Control,
        summary: "",
        doc: "",
        example: "",
        command: CommandSpec::NONE,
        param_groups: &[],
        exclusive: &[],
        nested: &[],
        retry: true,
        do_: DoUse::None,
        else_do: false,
        parallel: false,
        stores: &[],
        exports: &[],
        exports_command_keys: false,
        dynamic: DynamicOutputs::None,
        secrets: &[],
        extra_keys: ExtraKeys::Unused,
        deprecated: None,
        docs_url: "",
    };

    /// Every parameter, in documentation order.
    pub fn params(&self) -> impl Iterator<Item = &'static ParamSpec> + Clone {
        let groups: &'static [&'static [ParamSpec]] = self.param_groups;
        groups.iter().flat_map(|g| g.iter())
    }

    /// The parameter `name`, if the operator reads it.
    pub fn param(&self, name: &str) -> Option<&'static ParamSpec> {
        self.params().find(|p| p.name == name)
    }

    /// Names of every parameter (for "did you mean").
    pub fn param_names(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.params().map(|p| p.name)
    }

    /// Whether the keys of `group` are mutually exclusive for this operator and `a`, `b` are
    /// in the same group.
    pub fn excludes(&self, a: &str, b: &str) -> bool {
        a != b
            && self
                .exclusive
                .iter()
                .any(|g| g.contains(&a) && g.contains(&b))
    }

    /// The stored value `name` (`td.last_job_id`).
    pub fn store(&self, name: &str) -> Option<&'static OutputSpec> {
        let stores: &'static [OutputSpec] = self.stores;
        stores.iter().find(|s| s.name == name)
    }

    /// The markdown shown when hovering the operator key (`td>`): summary, doc, command,
    /// parameters, outputs, secrets and execution notes.
    pub fn hover_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "### `{}>` — {}", self.name, self.summary);
        if let Some(why) = self.deprecated {
            let _ = writeln!(out, "\n**Deprecated:** {why}");
        }
        if !self.doc.is_empty() {
            let _ = writeln!(out, "\n{}", self.doc.trim_end());
        }
        let c = &self.command;
        if c.accepted {
            let _ = write!(out, "\n**Command** `{}>: {}`", self.name, c.syntax);
            let mut notes = vec![c.ty.describe()];
            if c.required {
                notes.push(if c.alternatives.is_empty() {
                    "required".to_string()
                } else {
                    format!(
                        "required unless {} is set",
                        c.alternatives
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(" / ")
                    )
                });
            }
            let _ = writeln!(out, " ({}) — {}", notes.join(", "), c.summary);
            if !c.doc.is_empty() {
                let _ = writeln!(out, "\n{}", c.doc.trim_end());
            }
            if !c.keys.is_empty() {
                for k in c.keys {
                    let _ = writeln!(out, "- {}", param_line(k));
                }
            }
        } else {
            let _ = writeln!(
                out,
                "\n**Command:** none (write `{}>:` with no value)",
                self.name
            );
        }
        let params: Vec<&ParamSpec> = self.params().collect();
        if !params.is_empty() {
            out.push_str("\n**Parameters**\n");
            for p in params {
                let _ = writeln!(out, "- {}", param_line(p));
            }
        }
        for r in super::profile::TREASURE_WORKFLOW_RESTRICTIONS
            .iter()
            .filter(|r| r.operator == self.name)
        {
            match r.param {
                Some(p) => {
                    let _ = writeln!(
                        out,
                        "\n**Treasure Workflow:** `{p}` is not available ({}); use {}.",
                        r.reason, r.instead
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "\n**Treasure Workflow:** not available ({}); use {}.",
                        r.reason, r.instead
                    );
                }
            }
        }
        if !self.exclusive.is_empty() {
            for g in self.exclusive {
                let _ = writeln!(
                    out,
                    "\nAt most one of {} may be set.",
                    g.iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        if !self.stores.is_empty() || self.dynamic != DynamicOutputs::None {
            out.push_str("\n**Stores** (visible to later tasks)\n");
            for s in self.stores {
                let _ = writeln!(out, "- {}", output_line(s));
            }
            match self.dynamic {
                DynamicOutputs::None => {}
                DynamicOutputs::Script => {
                    out.push_str("- whatever the script stores with `digdag.env.store(...)`\n")
                }
                DynamicOutputs::Generated => out.push_str("- whatever the generated tasks store\n"),
                DynamicOutputs::LocalKeyValues => {
                    out.push_str("- the parameter named by each `key: dest` value\n")
                }
            }
        }
        if !self.exports.is_empty() || self.exports_command_keys {
            out.push_str("\n**Exports to `_do` tasks**\n");
            for s in self.exports {
                let _ = writeln!(out, "- {}", output_line(s));
            }
            if self.exports_command_keys {
                out.push_str("- each key of the command object, set to one of its values\n");
            }
        }
        if !self.secrets.is_empty() {
            out.push_str("\n**Secrets**\n");
            for s in self.secrets {
                let _ = writeln!(out, "- `{}` — {}", s.key, s.summary);
            }
        }
        let mut notes = Vec::new();
        if !self.nested.is_empty() {
            notes.push(format!(
                "Options can also be set under {}.",
                self.nested
                    .iter()
                    .map(|n| format!("`_export: {{{n}: {{...}}}}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
        match self.do_ {
            DoUse::Required => notes.push("Requires `_do`.".into()),
            DoUse::Optional if self.else_do => notes.push("Takes `_do` and `_else_do`.".into()),
            DoUse::Optional => notes.push("Takes `_do`.".into()),
            DoUse::None => {}
        }
        notes.push(if self.retry {
            "Honours the task's `_retry`.".into()
        } else {
            "Ignores the task's `_retry`.".into()
        });
        let _ = writeln!(out, "\n{}", notes.join(" "));
        if !self.example.is_empty() {
            let _ = writeln!(out, "\n```yaml\n{}\n```", self.example.trim_end());
        }
        if !self.docs_url.is_empty() {
            let _ = writeln!(out, "\n[digdag docs]({})", self.docs_url);
        }
        out
    }
}

/// `name` (type, required, default `x`) — summary.
fn param_line(p: &ParamSpec) -> String {
    let mut s = format!("`{}` ({}", p.name, p.ty.describe());
    if p.required {
        s.push_str(", required");
    }
    if let Some(d) = p.default {
        let _ = write!(s, ", default `{d}`");
    }
    s.push(')');
    if p.deprecated.is_some() {
        s.push_str(" *deprecated*");
    }
    let _ = write!(s, " — {}", p.summary);
    s
}

fn output_line(o: &OutputSpec) -> String {
    let mut s = format!("`{}` ({}) — {}", o.name, o.ty.describe(), o.summary);
    match o.when {
        StoreWhen::Always => {}
        StoreWhen::ParamEnabled(p) => {
            let _ = write!(s, " (only with `{p}`)");
        }
        StoreWhen::Sometimes(w) => {
            let _ = write!(s, " ({w})");
        }
    }
    s
}

/// Whether a directive may appear at one place, and whether it has an effect there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// Not allowed (a load or compile error, or the key is an ordinary parameter there).
    No,
    /// Allowed and effective.
    Yes,
    /// Accepted but without effect.
    Ignored,
}

/// A reserved key (§1.7): `_export`, `_retry`, `schedule`, ...
#[derive(Clone, Copy, Debug)]
pub struct DirectiveSpec {
    pub name: &'static str,
    pub ty: ValueType,
    pub summary: &'static str,
    /// Markdown, with ```yaml examples.
    pub doc: &'static str,
    /// At the top level of a workflow file.
    pub top_level: Use,
    /// On a group task (one without operator).
    pub group: Use,
    /// On an operator task.
    pub operator: Use,
    /// Whether it has an effect when set under `_export` (inherited by descendants).
    pub in_export: bool,
    /// Whether `${...}` in the value is evaluated.
    pub templated: bool,
    /// Keys of an object value.
    pub keys: &'static [ParamSpec],
    /// Whether only the Treasure Workflow service knows it (`trigger`).
    pub treasure_workflow_only: bool,
    pub deprecated: Option<&'static str>,
}

impl DirectiveSpec {
    pub(crate) const BASE: DirectiveSpec = DirectiveSpec {
        name: "",
        ty: ValueType::Any,
        summary: "",
        doc: "",
        top_level: Use::No,
        group: Use::No,
        operator: Use::No,
        in_export: false,
        templated: true,
        keys: &[],
        treasure_workflow_only: false,
        deprecated: None,
    };

    /// The key `name` of an object value (`limit` of `_retry`).
    pub fn key(&self, name: &str) -> Option<&'static ParamSpec> {
        let keys: &'static [ParamSpec] = self.keys;
        keys.iter().find(|k| k.name == name)
    }

    /// Hover text.
    pub fn hover_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### `{}` ({}) — {}",
            self.name,
            self.ty.describe(),
            self.summary
        );
        if let Some(why) = self.deprecated {
            let _ = writeln!(out, "\n**Deprecated:** {why}");
        }
        let place = |u: Use| match u {
            Use::No => "no",
            Use::Yes => "yes",
            Use::Ignored => "accepted, no effect",
        };
        let _ = writeln!(
            out,
            "\nTop level: {}; group task: {}; operator task: {}{}.",
            place(self.top_level),
            place(self.group),
            place(self.operator),
            if self.in_export {
                "; inherited through `_export`"
            } else {
                ""
            }
        );
        if self.treasure_workflow_only {
            out.push_str("\nTreasure Workflow only: open-source digdag rejects it.\n");
        }
        if !self.doc.is_empty() {
            let _ = writeln!(out, "\n{}", self.doc.trim_end());
        }
        if !self.keys.is_empty() {
            out.push_str("\nKeys:\n");
            for k in self.keys {
                let _ = writeln!(out, "- {}", param_line(k));
            }
        }
        out
    }
}

/// A schedule kind: the `kind>:` key of `schedule:` (§5.1).
#[derive(Clone, Copy, Debug)]
pub struct ScheduleKindSpec {
    /// Name without `>` (`daily`).
    pub name: &'static str,
    /// The argument's syntax (`HH:MM:SS`).
    pub syntax: &'static str,
    pub summary: &'static str,
    /// Markdown with ```yaml examples.
    pub doc: &'static str,
    /// Complete `schedule:` example (a `.dig` fragment).
    pub example: &'static str,
    /// Kind-specific keys besides the shared options (`at`, `delay`).
    pub keys: &'static [&'static str],
    /// Whether `start` and `end` are honoured.
    pub start_end: bool,
    /// Documented in digdag's docs (`seconds_interval>` is not).
    pub documented: bool,
}

impl ScheduleKindSpec {
    /// Hover text.
    pub fn hover_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### `{}>: {}` — {}\n\n{}",
            self.name,
            self.syntax,
            self.summary,
            self.doc.trim_end()
        );
        if !self.keys.is_empty() {
            let _ = writeln!(
                out,
                "\nAlso reads: {}.",
                self.keys
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if !self.start_end {
            out.push_str("\n`start` and `end` are ignored.\n");
        }
        let _ = writeln!(out, "\n```yaml\n{}\n```", self.example.trim_end());
        out
    }
}

/// A built-in variable (§3.1).
#[derive(Clone, Copy, Debug)]
pub struct VariableSpec {
    pub name: &'static str,
    pub ty: ValueType,
    pub summary: &'static str,
    /// Markdown.
    pub doc: &'static str,
    /// A value, as rendered in a template (`2016-01-30T00:00:00+00:00`).
    pub example: &'static str,
    /// Whether it exists only when the workflow has a `schedule` (`last_session_*`,
    /// `next_session_*`).
    pub requires_schedule: bool,
}

impl VariableSpec {
    /// Hover text.
    pub fn hover_markdown(&self) -> String {
        let mut out = format!(
            "**`{}`** ({}) — built-in variable\n\n{}\n",
            self.name,
            self.ty.describe(),
            self.summary
        );
        if !self.doc.is_empty() {
            let _ = writeln!(out, "\n{}", self.doc.trim_end());
        }
        if !self.example.is_empty() {
            let _ = writeln!(out, "\nExample: `{}`", self.example);
        }
        if self.requires_schedule {
            out.push_str("\nDefined only when the workflow has a `schedule:`.\n");
        }
        out
    }
}
