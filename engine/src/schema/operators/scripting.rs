//! Scripting operators: `sh>`, `py>`, `rb>`, `embulk>` (semantics §2.2). They run through
//! digdag's command executor, which also reads `docker:` and `_env`.

use crate::schema::spec::ValueType::*;
use crate::schema::spec::*;

const DOCKER_KEYS: &[ParamSpec] = &[
    param("image", String, "Docker image to run the command in.").required(),
    param("docker", String, "The docker command.").default("docker"),
    param(
        "build",
        List,
        "Commands run (as `RUN` lines) to build a derived image.",
    ),
    param("build_options", List, "Extra `docker build` options."),
    param("pull_always", Bool, "Pull the image before every run.").default("false"),
    param("run_options", List, "Extra `docker run` options."),
];

/// `docker:`, read by the command executor of `sh>`, `py>`, `rb>`, `embulk>`.
const DOCKER: ParamSpec = param("docker", Object, "Run the command in a Docker container.")
    .keys(DOCKER_KEYS)
    .doc("Usually set under `_export`. On Treasure Workflow, Custom Scripts (`py>`) need it:\n\n```yaml\n_export:\n  docker:\n    image: \"digdag/digdag-python:3.9\"\n```");

const SH_PARAMS: &[ParamSpec] = &[
    param("shell", List, "The shell command line.")
        .default("[\"/bin/sh\"]")
        .doc("```yaml\n_export:\n  sh:\n    shell: [\"/usr/bin/zsh\"]\n```"),
    DOCKER,
];

pub const SH: OperatorSpec = OperatorSpec {
    name: "sh",
    family: Family::Scripting,
    summary: "Runs a shell command.",
    doc: "The command text is written to a script and run with the shell from the working directory (which is also appended to `PATH`). Every parameter whose name is a valid identifier (`session_date`, exported values, the task's own keys) is an environment variable; `_env` adds more. A non-zero exit fails the task (`Command failed with code N`).",
    example: "+step1:\n  sh>: echo \"hello world\"\n+step2:\n  sh>: tasks/step2.sh --date ${session_date}\n",
    command: CommandSpec::required(String, "COMMAND [ARGS...]", "The command line (a script path or any shell text).")
        .doc("Only `${secret:KEY}` is substituted in the command besides the usual `${...}` templates."),
    param_groups: &[SH_PARAMS],
    nested: &["sh"],
    extra_keys: ExtraKeys::Environment,
    docs_url: "https://docs.digdag.io/operators/sh.html",
    ..OperatorSpec::BASE
};

const PY_PARAMS: &[ParamSpec] = &[
    param(
        "python",
        StringOrList,
        "The Python command (a path, or a command line as a list).",
    )
    .default("python")
    .doc("```yaml\n_export:\n  py:\n    python: /opt/conda/bin/python\n```"),
    param(
        "script",
        String,
        "Inline Python code, run when there is no command.",
    ),
    DOCKER,
];

pub const PY: OperatorSpec = OperatorSpec {
    name: "py",
    family: Family::Scripting,
    summary: "Runs a Python method or function.",
    doc: "The module is imported with the working directory on `sys.path`. The class is created and the method called with keyword arguments taken from the parameters of the same names (`Method 'm' requires parameter 'p' but not set`). The script can store (`digdag.env.store`), export (`digdag.env.export`) and add subtasks (`digdag.env.add_subtask`).",
    example: "+step1:\n  py>: tasks.MyWorkflow.step1\n  table: my_table\n",
    command: CommandSpec::required(String, "[PACKAGE.CLASS.]METHOD", "Dotted path of the method to call.")
        .file(FileRef::PythonMethod)
        .alternatives(&["script"])
        .doc("`tasks.MyWorkflow.my_task` needs `tasks.py` or `tasks/__init__.py` in the working directory; `simple_tasks.my_func` calls a module-level function."),
    param_groups: &[PY_PARAMS],
    nested: &["py"],
    dynamic: DynamicOutputs::Script,
    extra_keys: ExtraKeys::Arguments,
    docs_url: "https://docs.digdag.io/operators/py.html",
    ..OperatorSpec::BASE
};

const RB_PARAMS: &[ParamSpec] = &[
    param(
        "require",
        String,
        "File (or gem) to require before calling the method.",
    )
    .file(FileRef::RubyFeature)
    .doc("```yaml\n_export:\n  rb:\n    require: tasks/my_workflow\n```"),
    param(
        "ruby",
        StringOrList,
        "The Ruby command (a path, or a command line as a list).",
    )
    .default("ruby"),
    param(
        "script",
        String,
        "Inline Ruby code, run when there is no command.",
    ),
    DOCKER,
];

pub const RB: OperatorSpec = OperatorSpec {
    name: "rb",
    family: Family::Scripting,
    summary: "Runs a Ruby method.",
    doc: "Runs `ruby -I <workdir> -r <require>` and calls the method with arguments taken from the parameters. The script can store and export values like `py>`.",
    example: "_export:\n  rb:\n    require: tasks/my_workflow\n\n+step1:\n  rb>: Task::MyWorkflow.step1\n",
    command: CommandSpec::required(String, "[MODULE::CLASS.]METHOD", "The method to call.")
        .alternatives(&["script"]),
    param_groups: &[RB_PARAMS],
    nested: &["rb"],
    dynamic: DynamicOutputs::Script,
    extra_keys: ExtraKeys::Arguments,
    docs_url: "https://docs.digdag.io/operators/rb.html",
    ..OperatorSpec::BASE
};

const EMBULK_PARAMS: &[ParamSpec] = &[
    param(
        "config",
        Object,
        "Inline Embulk configuration, used when there is no command.",
    ),
    DOCKER,
];

pub const EMBULK: OperatorSpec = OperatorSpec {
    name: "embulk",
    family: Family::Scripting,
    summary: "Runs an Embulk data transfer (`embulk run`).",
    doc: "Not available on Treasure Workflow: use `td_load>` there.",
    example: "+load:\n  embulk>: data/load.yml\n",
    command: CommandSpec::required(String, "CONFIG.yml", "Embulk configuration template file.")
        .file(FileRef::Template)
        .alternatives(&["config"]),
    param_groups: &[EMBULK_PARAMS],
    nested: &["embulk"],
    extra_keys: ExtraKeys::TemplateVariables,
    deprecated: Some("digdag marks `embulk>` obsolete: use `sh>: embulk run CONFIG.yml`"),
    docs_url: "https://docs.digdag.io/operators/embulk.html",
    ..OperatorSpec::BASE
};
