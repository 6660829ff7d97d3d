//! Treasure Data operators: `td>`, `td_run>`, `td_ddl>`, `td_load>`, `td_for_each>`,
//! `td_wait>`, `td_wait_table>`, `td_table_export>`, `td_result_export>`,
//! `td_partial_delete>` (digdag `digdag-standards/.../operator/td/`).

use crate::schema::spec::ValueType::*;
use crate::schema::spec::*;

const TD_APIKEY: SecretSpec = SecretSpec {
    key: "td.apikey",
    summary: "The Treasure Data API key (the Treasure Workflow service provides it).",
};

const TD_SECRETS: &[SecretSpec] = &[TD_APIKEY];

const PROXY_KEYS: &[ParamSpec] = &[
    param("enabled", Bool, "Use the proxy.").default("false"),
    param("host", String, "Proxy host."),
    param("port", Int, "Proxy port."),
    param("user", String, "Proxy user."),
    param(
        "password",
        String,
        "Proxy password (prefer the `td.proxy.password` secret).",
    ),
];

/// `database` as `TDOperator.fromConfig` reads it (required).
const DATABASE: &[ParamSpec] = &[param("database", String, "Name of the database.")
    .required()
    .doc("Usually set once for the whole workflow:\n\n```yaml\n_export:\n  td:\n    database: www_access\n```")];

/// API access shared by every Treasure Data operator.
const TD_API: &[ParamSpec] = &[
    param("endpoint", String, "API endpoint.").default("api.treasuredata.com"),
    param("use_ssl", Bool, "Use https to access the endpoint.").default("true"),
    param("proxy", Object, "HTTP proxy for the Treasure Data API.").keys(PROXY_KEYS).doc(
        "```yaml\n_export:\n  td:\n    proxy:\n      enabled: true\n      host: proxy.example.com\n      port: 8080\n```",
    ),
    param("apikey", String, "API key as a parameter (old digdag versions).").deprecated(
        "current digdag reads the API key only from the `td.apikey` secret; never write keys in a workflow file",
    ),
];

/// Query engine options of `td>`, `td_for_each>`, `td_wait>`, `td_wait_table>`.
const TD_ENGINE: &[ParamSpec] = &[
    param("engine", Enum(&["presto", "hive"]), "Query engine.")
        .default("presto")
        .doc("Anything else fails with `Unknown 'engine:' option (available options are: hive and presto)`.\n\n```yaml\nengine: hive\n```"),
    param("priority", Int, "Job priority, from -2 (VERY LOW) to 2 (VERY HIGH).").default("0"),
    param("job_retry", Int, "Automatic job retry count on Treasure Data's side.")
        .default("0")
        .doc("Treasure Data recommends at most 10."),
    param("presto_pool_name", String, "Resource pool for Presto (Trino) queries."),
    param("hive_pool_name", String, "Resource pool for Hive queries."),
    param("engine_version", String, "Engine version for Hive and Presto (`stable`, ...)."),
    param("hive_engine_version", String, "Hive engine version; overrides `engine_version` when `engine: hive`."),
];

const QUERY: ParamSpec = param("query", String, "The query text, instead of a file.").doc(
    "`${...}` in it is evaluated like everything else; used when the command is empty.\n\n```yaml\n+q:\n  td>:\n  query: SELECT count(1) AS n FROM www_access\n```",
);

const DATA_KEYS: &[ParamSpec] = &[param(
    "data",
    String,
    "The query text, used as is (not re-templated).",
)];

const STORE_LAST_RESULTS: ParamSpec = param(
    "store_last_results",
    Bool,
    "Store the first result row as `td.last_results`.",
)
.default("false")
.doc("A map of column name to value: `${td.last_results.my_count}`.\n\n```yaml\n+count:\n  td>: queries/count.sql\n  store_last_results: true\n```");

const PREVIEW: ParamSpec = param("preview", Bool, "Log a few result rows.").default("false");

const DOWNLOAD_FILE: ParamSpec = param(
    "download_file",
    String,
    "Save the result as a local CSV file.",
)
.file(FileRef::Output)
.doc("Not available on Treasure Workflow (no local disk); use a result export instead.");

const RESULT_OUTPUT: &[ParamSpec] = &[
    param("result_url", String, "Write the result to this result-output URL."),
    param("result_connection", String, "Write the result through this saved connection."),
    param("result_settings", Object, "Settings for `result_connection`.").doc(
        "```yaml\nresult_connection: my_s3_connection\nresult_settings:\n  bucket: my_bucket\n  path: /logs/\n```",
    ),
];

const TD_PARAMS: &[ParamSpec] = &[
    QUERY,
    param("create_table", String, "Create (replace) this table from the result.").doc(
        "Adds `DROP TABLE IF EXISTS; CREATE TABLE AS` (Presto) or `INSERT OVERWRITE` (Hive) before the query, at a `-- DIGDAG_INSERT_LINE` line if there is one. `db.table` is accepted.",
    ),
    param("insert_into", String, "Append the result to this table (created if missing).")
        .doc("Adds `INSERT INTO` before the query. `db.table` is accepted."),
    DOWNLOAD_FILE,
    STORE_LAST_RESULTS,
    PREVIEW,
];

const LAST_JOB: &[OutputSpec] = &[
    OutputSpec {
        name: "td.last_job_id",
        ty: String,
        when: StoreWhen::Always,
        summary: "Id of the job this task ran (old style name).",
    },
    OutputSpec {
        name: "td.last_job",
        ty: Object,
        when: StoreWhen::Always,
        summary: "The job this task ran: `id`, `num_records`.",
    },
    OutputSpec {
        name: "td.last_job.id",
        ty: String,
        when: StoreWhen::Always,
        summary: "Id of the job this task ran.",
    },
    OutputSpec {
        name: "td.last_job.num_records",
        ty: Int,
        when: StoreWhen::Always,
        summary: "Number of records the job output.",
    },
];

const LAST_JOB_AND_RESULTS: &[OutputSpec] = &[
    LAST_JOB[0],
    LAST_JOB[1],
    LAST_JOB[2],
    LAST_JOB[3],
    OutputSpec {
        name: "td.last_results",
        ty: Object,
        when: StoreWhen::ParamEnabled("store_last_results"),
        summary: "The first result row, a map of column name to value.",
    },
];

const TD_NESTED: &[&str] = &["td"];

pub const TD: OperatorSpec = OperatorSpec {
    name: "td",
    family: Family::TreasureData,
    summary: "Runs a Presto (Trino) or Hive query on Treasure Data.",
    doc: "The query file is a template: `${...}` in it is evaluated with the task's parameters, so extra keys of the task serve as query variables.",
    example: "_export:\n  td:\n    database: www_access\n\n+count:\n  td>: queries/count.sql\n  store_last_results: true\n\n+report:\n  echo>: ${td.last_results.n} rows\n",
    command: CommandSpec::required(Any, "FILE.sql", "Query template file, or `{data: SQL}`.")
        .file(FileRef::Template)
        .alternatives(&["query"])
        .keys(DATA_KEYS)
        .doc("A path relative to the working directory; `${...}` inside the file is evaluated. `td>: {data: \"SELECT ...\"}` embeds the query unevaluated. With `td>:` and no value, `query` is used."),
    param_groups: &[TD_PARAMS, RESULT_OUTPUT, TD_ENGINE, DATABASE, TD_API],
    exclusive: &[&["create_table", "insert_into", "download_file"]],
    nested: TD_NESTED,
    stores: LAST_JOB_AND_RESULTS,
    secrets: TD_SECRETS,
    extra_keys: ExtraKeys::TemplateVariables,
    docs_url: "https://docs.digdag.io/operators/td.html",
    ..OperatorSpec::BASE
};

const TD_RUN_PARAMS: &[ParamSpec] = &[
    param("session_time", String, "Scheduled time passed to the saved query (ISO-8601 with offset).")
        .doc("Defaults to the session time.\n\n```yaml\n+step:\n  td_run>: myquery2\n  session_time: 2016-01-01T01:01:01+00:00\n```"),
    DOWNLOAD_FILE,
    STORE_LAST_RESULTS,
    PREVIEW,
];

pub const TD_RUN: OperatorSpec = OperatorSpec {
    name: "td_run",
    family: Family::TreasureData,
    summary: "Runs a query saved on Treasure Data.",
    example: "_export:\n  td:\n    database: www_access\n\n+step1:\n  td_run>: 12345\n+step2:\n  td_run>: myquery2\n",
    command: CommandSpec::required(Any, "SAVED_QUERY_ID | SAVED_QUERY_NAME", "The saved query: a number is an id, anything else a name."),
    param_groups: &[TD_RUN_PARAMS, DATABASE, TD_API],
    nested: TD_NESTED,
    stores: LAST_JOB_AND_RESULTS,
    secrets: TD_SECRETS,
    docs_url: "https://docs.digdag.io/operators/td_run.html",
    ..OperatorSpec::BASE
};

const TD_DDL_PARAMS: &[ParamSpec] = &[
    param(
        "create_tables",
        List,
        "Tables to create if they do not exist.",
    )
    .doc("```yaml\ncreate_tables: [my_table1, my_table2]\n```"),
    param(
        "empty_tables",
        List,
        "Tables to create, dropping them first if they exist.",
    ),
    param("drop_tables", List, "Tables to drop if they exist."),
    param(
        "rename_tables",
        List,
        "Tables to rename: a list of `{from, to}`; the destination is replaced.",
    )
    .doc("```yaml\nrename_tables: [{from: my_table_tmp, to: my_table}]\n```"),
    param(
        "create_databases",
        List,
        "Databases to create if they do not exist.",
    ),
    param(
        "empty_databases",
        List,
        "Databases to create, dropping them first if they exist.",
    )
    .doc("Permissions of restricted users are not kept: grant them again."),
    param("drop_databases", List, "Databases to drop if they exist."),
];

pub const TD_DDL: OperatorSpec = OperatorSpec {
    name: "td_ddl",
    family: Family::TreasureData,
    summary: "Creates, empties, renames and drops Treasure Data tables and databases.",
    example: "_export:\n  td:\n    database: www_access\n\n+prepare:\n  td_ddl>:\n  create_tables: [\"my_table_${session_date_compact}\"]\n  drop_tables: [old_table]\n",
    command: CommandSpec::NONE,
    param_groups: &[TD_DDL_PARAMS, DATABASE, TD_API],
    nested: TD_NESTED,
    secrets: TD_SECRETS,
    docs_url: "https://docs.digdag.io/operators/td_ddl.html",
    ..OperatorSpec::BASE
};

const TD_LOAD_PARAMS: &[ParamSpec] = &[
    param("table", String, "Table to load into (`db.table` accepted).")
        .doc("Required when loading from a `.yml` file or `config`."),
    param(
        "name",
        String,
        "Name of a saved data connector (instead of the command).",
    ),
    param(
        "config",
        Object,
        "Inline data connector configuration (instead of a file).",
    )
    .doc("`${secret:...}` references in it are resolved."),
];

pub const TD_LOAD: OperatorSpec = OperatorSpec {
    name: "td_load",
    family: Family::TreasureData,
    summary: "Loads data into Treasure Data with a data connector (bulk load).",
    example: "+load:\n  td_load>: config/guessed.yml\n  database: prod\n  table: raw\n",
    command: CommandSpec::required(String, "FILE.yml | SAVED_CONNECTOR_NAME", "Connector configuration file, or the unique id of a saved connector.")
        .file(FileRef::TemplateIfExtension(&[".yml", ".yaml"]))
        .alternatives(&["name", "config"])
        .doc("A value ending in `.yml` or `.yaml` is a template file relative to the working directory; anything else names a saved data connector. Exactly one of the command, `name` and `config` (`Only the command or one of the config and name params may be set`)."),
    param_groups: &[TD_LOAD_PARAMS, DATABASE, TD_API],
    exclusive: &[&["_command", "name", "config"]],
    nested: TD_NESTED,
    stores: LAST_JOB,
    secrets: TD_SECRETS,
    extra_keys: ExtraKeys::TemplateVariables,
    docs_url: "https://docs.digdag.io/operators/td_load.html",
    ..OperatorSpec::BASE
};

const TD_QUERY_ONLY: &[ParamSpec] = &[QUERY];

pub const TD_FOR_EACH: OperatorSpec = OperatorSpec {
    name: "td_for_each",
    family: Family::TreasureData,
    summary: "Runs `_do` once for each result row of a Treasure Data query.",
    doc: "Each generated task sees the row's columns as `${td.each.COLUMN}`.",
    example: "_export:\n  td:\n    database: www_access\n\n+for_each_users:\n  td_for_each>: queries/users.sql\n  _do:\n    +show:\n      echo>: found a user ${td.each.name} email ${td.each.email}\n",
    command: CommandSpec::required(Any, "FILE.sql", "Query template file, or `{data: SQL}`.")
        .file(FileRef::Template)
        .alternatives(&["query"])
        .keys(DATA_KEYS),
    param_groups: &[TD_QUERY_ONLY, TD_ENGINE, DATABASE, TD_API],
    nested: TD_NESTED,
    do_: DoUse::Required,
    parallel: true,
    stores: LAST_JOB,
    exports: &[OutputSpec {
        name: "td.each",
        ty: Object,
        when: StoreWhen::Always,
        summary: "The current row: `${td.each.COLUMN_NAME}`.",
    }],
    secrets: TD_SECRETS,
    extra_keys: ExtraKeys::TemplateVariables,
    docs_url: "https://docs.digdag.io/operators/td_for_each.html",
    ..OperatorSpec::BASE
};

const INTERVAL: ParamSpec =
    param("interval", Duration, "How long to wait between checks.").default("30s");

const TD_WAIT_PARAMS: &[ParamSpec] = &[QUERY, INTERVAL];

pub const TD_WAIT: OperatorSpec = OperatorSpec {
    name: "td_wait",
    family: Family::TreasureData,
    summary: "Runs a query periodically until its first column is true.",
    doc: "The first column of the first row counts as true unless it is NULL, false or 0; no row counts as false.",
    example: "_export:\n  td:\n    database: www_access\n\n+wait:\n  td_wait>: queries/check_recent_record.sql\n\n+step1:\n  td>: queries/use_records.sql\n",
    command: CommandSpec::required(Any, "FILE.sql", "Query template file, or `{data: SQL}`.")
        .file(FileRef::Template)
        .alternatives(&["query"])
        .keys(DATA_KEYS),
    param_groups: &[TD_WAIT_PARAMS, TD_ENGINE, DATABASE, TD_API],
    nested: TD_NESTED,
    // Stores nothing: unlike the job operators (`BaseTdJobOperator`), `TdWaitOperator`
    // returns `TaskResult.empty`, so `td.last_job_id` keeps the value of an earlier task.
    secrets: TD_SECRETS,
    extra_keys: ExtraKeys::TemplateVariables,
    docs_url: "https://docs.digdag.io/operators/td_wait.html",
    ..OperatorSpec::BASE
};

const TD_WAIT_TABLE_PARAMS: &[ParamSpec] = &[
    param(
        "rows",
        Int,
        "Wait until the table has at least this many rows (0: until it exists).",
    )
    .default("0"),
    INTERVAL,
];

pub const TD_WAIT_TABLE: OperatorSpec = OperatorSpec {
    name: "td_wait_table",
    family: Family::TreasureData,
    summary: "Waits until a Treasure Data table exists and has enough rows.",
    example: "_export:\n  td:\n    database: www_access\n\n+wait:\n  td_wait_table>: target_table\n  rows: 10\n\n+step1:\n  td>: queries/use_records.sql\n",
    command: CommandSpec::required(String, "TABLE", "The table (`db.table` accepted)."),
    param_groups: &[TD_WAIT_TABLE_PARAMS, TD_ENGINE, DATABASE, TD_API],
    nested: TD_NESTED,
    secrets: TD_SECRETS,
    docs_url: "https://docs.digdag.io/operators/td_wait_table.html",
    ..OperatorSpec::BASE
};

const TD_TABLE_EXPORT_PARAMS: &[ParamSpec] = &[
    param("table", String, "Table to export (`db.table` accepted).").required(),
    param(
        "file_format",
        Enum(&["tsv.gz", "jsonl.gz", "json.gz", "line-json.gz"]),
        "Output format.",
    )
    .required()
    .doc("`json.gz` and `line-json.gz` exist for backward compatibility only."),
    param("from", Any, "Start of the time range (inclusive).")
        .required()
        .doc("UNIX seconds, or `yyyy-MM-dd HH:mm:ss[ Z]` (in the workflow time zone when the offset is omitted)."),
    param("to", Any, "End of the time range (exclusive).").required(),
    param("s3_bucket", String, "S3 bucket to export to.").required(),
    param("s3_path_prefix", String, "S3 key prefix of the exported files.").required(),
    param("pool_name", String, "Resource pool of the export job."),
];

pub const TD_TABLE_EXPORT: OperatorSpec = OperatorSpec {
    name: "td_table_export",
    family: Family::TreasureData,
    summary: "Exports a Treasure Data table to S3.",
    doc: "Limited to S3 buckets in us-east; Treasure Data recommends a result export with `td>` instead.",
    example: "+export:\n  td_table_export>:\n  database: mydb\n  table: mytable\n  file_format: jsonl.gz\n  from: 2016-01-01 00:00:00 +0800\n  to: 2016-02-01 00:00:00 +0800\n  s3_bucket: my_backup_bucket\n  s3_path_prefix: mydb/mytable\n",
    command: CommandSpec::NONE,
    param_groups: &[TD_TABLE_EXPORT_PARAMS, DATABASE, TD_API],
    nested: TD_NESTED,
    stores: LAST_JOB,
    secrets: &[
        TD_APIKEY,
        SecretSpec { key: "aws.s3.access_key_id", summary: "AWS access key id for writing to S3 (falls back to `aws.access_key_id`)." },
        SecretSpec { key: "aws.s3.secret_access_key", summary: "AWS secret access key (falls back to `aws.secret_access_key`)." },
    ],
    docs_url: "https://docs.digdag.io/operators/td_table_export.html",
    ..OperatorSpec::BASE
};

const TD_RESULT_EXPORT_PARAMS: &[ParamSpec] = &[
    param("job_id", String, "Id of the job whose result is exported.")
        .required()
        .doc("```yaml\njob_id: ${td.last_job_id}\n```"),
    param(
        "result_connection",
        String,
        "Saved connection to write the result through.",
    )
    .required(),
    param("result_settings", Object, "Settings for the connection.")
        .doc("`${secret:...}` references in it are resolved."),
    param("database", String, "Name of the database."),
];

pub const TD_RESULT_EXPORT: OperatorSpec = OperatorSpec {
    name: "td_result_export",
    family: Family::TreasureData,
    summary: "Exports the result of a finished job through a saved connection.",
    example: "_export:\n  td:\n    database: www_access\n\n+query:\n  td>: queries/simple_query.sql\n\n+export:\n  td_result_export>:\n  job_id: ${td.last_job_id}\n  result_connection: my_s3_connection\n  result_settings:\n    bucket: my_bucket\n    path: /logs/\n",
    command: CommandSpec::NONE,
    param_groups: &[TD_RESULT_EXPORT_PARAMS, TD_API],
    nested: TD_NESTED,
    stores: LAST_JOB,
    secrets: TD_SECRETS,
    docs_url: "https://docs.digdag.io/operators/td_result_export.html",
    ..OperatorSpec::BASE
};

const TD_PARTIAL_DELETE_PARAMS: &[ParamSpec] = &[
    param(
        "from",
        Any,
        "Start of the range to delete (inclusive), on an hour boundary.",
    )
    .required()
    .doc(
        "UNIX seconds or ISO-8601 (`2016-01-01T00:00:00+08:00`); minutes and seconds must be zero.",
    ),
    param(
        "to",
        Any,
        "End of the range (exclusive), on an hour boundary.",
    )
    .required(),
];

pub const TD_PARTIAL_DELETE: OperatorSpec = OperatorSpec {
    name: "td_partial_delete",
    family: Family::TreasureData,
    summary: "Deletes a time range of records from a Treasure Data table.",
    doc: "Records from streaming import cannot be deleted for several hours.",
    example: "+delete:\n  td_partial_delete>: my_table\n  database: mydb\n  from: 2016-01-01T00:00:00+08:00\n  to: 2016-02-01T00:00:00+08:00\n",
    command: CommandSpec::required(String, "TABLE", "The table."),
    param_groups: &[TD_PARTIAL_DELETE_PARAMS, DATABASE, TD_API],
    nested: TD_NESTED,
    stores: LAST_JOB,
    secrets: TD_SECRETS,
    deprecated: Some("digdag deprecates it: use a DELETE statement in Trino/Presto with `td>` instead"),
    docs_url: "https://docs.digdag.io/operators/td_partial_delete.html",
    ..OperatorSpec::BASE
};
