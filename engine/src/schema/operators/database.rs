//! PostgreSQL and Redshift operators: `pg>`, `redshift>`, `redshift_load>`,
//! `redshift_unload>` (digdag `operator/jdbc`, `operator/pg`, `operator/redshift`).

use crate::schema::spec::ValueType::*;
use crate::schema::spec::*;

const HOST: ParamSpec =
    param("host", String, "Host name or IP address of the database.").required();
const DATABASE: ParamSpec = param("database", String, "Database name.").required();
const USER: ParamSpec = param("user", String, "User to connect as.").required();
const SSL: ParamSpec = param("ssl", Bool, "Connect with SSL.").default("false");
const SCHEMA: ParamSpec = param(
    "schema",
    String,
    "Default schema (the server's default, usually `public`, when unset).",
);
const CONNECT_TIMEOUT: ParamSpec =
    param("connect_timeout", Duration, "Timeout of socket connects.").default("30s");
const SOCKET_TIMEOUT: ParamSpec =
    param("socket_timeout", Duration, "Timeout of socket reads.").default("1800s");
const PASSWORD_OVERRIDE: ParamSpec = param(
    "password_override",
    String,
    "Name of the secret (under the operator's secret prefix) holding the password.",
)
.doc("For several credentials: `password_override: another_password` reads the `pg.another_password` (`aws.redshift.another_password`) secret.");

const PG_CONNECTION: &[ParamSpec] = &[
    HOST,
    param("port", Int, "Port.").default("5432"),
    DATABASE,
    USER,
    SSL,
    SCHEMA,
    CONNECT_TIMEOUT,
    SOCKET_TIMEOUT,
    PASSWORD_OVERRIDE,
];

const REDSHIFT_CONNECTION: &[ParamSpec] = &[
    HOST,
    param("port", Int, "Port.").default("5439"),
    DATABASE,
    USER,
    SSL,
    SCHEMA,
    CONNECT_TIMEOUT,
    SOCKET_TIMEOUT,
    PASSWORD_OVERRIDE,
];

/// The status table that makes statements idempotent.
const TRANSACTION: &[ParamSpec] = &[
    param(
        "strict_transaction",
        Bool,
        "Use a status table so that a retried statement does not run twice.",
    )
    .default("true")
    .doc("Set it to `false` where the user may not create tables."),
    param("status_table", String, "Name (prefix) of the status table.").default("__digdag_status"),
    param(
        "status_table_schema",
        String,
        "Schema of the status table (default: `schema`).",
    ),
    param(
        "status_table_cleanup",
        Duration,
        "Drop status records older than this.",
    )
    .default("24h"),
];

/// Query options of `pg>` and `redshift>`.
const QUERY: &[ParamSpec] = &[
    param("query", String, "The query text, instead of a file."),
    param("create_table", String, "Create (replace) this table from the result (`DROP TABLE IF EXISTS; CREATE TABLE AS`)."),
    param("insert_into", String, "Append the result to this table (`INSERT INTO`)."),
    param("download_file", String, "Save the result as a local CSV file (the query must be read-only).")
        .file(FileRef::Output),
    param("store_last_results", Enum(&["false", "true", "first", "all"]), "Store the result as `<operator>.last_results`.")
        .default("false")
        .doc("`first` (or `true`) stores the first row as an object (`${pg.last_results.count}`); `all` stores every row as a list (`${pg.last_results[0].name}`), up to the server's row limit (8192)."),
    param("show_query", Bool, "Log the statement.").default("false"),
];

const SQL_EXCLUSIVE: &[&[&str]] = &[&[
    "create_table",
    "insert_into",
    "download_file",
    "store_last_results",
]];

const SQL_DOC: &str = "The query file is a template (`${...}` evaluated), so extra keys of the task serve as query variables. `create_table`, `insert_into`, `download_file` and an enabled `store_last_results` exclude each other (`Can't use both of insert_into and create_table`, ...).";

const DATA_KEYS: &[ParamSpec] = &[param("data", String, "The query text, used as is.")];

pub const PG: OperatorSpec = OperatorSpec {
    name: "pg",
    family: Family::Database,
    summary: "Runs queries and DDL on PostgreSQL.",
    doc: SQL_DOC,
    example: "_export:\n  pg:\n    host: 192.0.2.1\n    database: production_db\n    user: app_user\n\n+replace:\n  pg>: queries/dedup_master_table.sql\n  create_table: dedup_master\n\n+select_members:\n  pg>: select_members.sql\n  store_last_results: all\n",
    command: CommandSpec::required(Any, "FILE.sql", "Query template file, or `{data: SQL}`.")
        .file(FileRef::Template)
        .alternatives(&["query"])
        .keys(DATA_KEYS),
    param_groups: &[QUERY, PG_CONNECTION, TRANSACTION],
    exclusive: SQL_EXCLUSIVE,
    nested: &["pg"],
    stores: &[OutputSpec {
        name: "pg.last_results",
        ty: Any,
        when: StoreWhen::ParamEnabled("store_last_results"),
        summary: "The first row (an object) or all rows (a list of objects).",
    }],
    secrets: &[
        SecretSpec { key: "pg.password", summary: "Password (or the secret named by `password_override`)." },
        SecretSpec { key: "pg.host", summary: "Host, overriding the parameter." },
        SecretSpec { key: "pg.user", summary: "User, overriding the parameter." },
        SecretSpec { key: "pg.database", summary: "Database, overriding the parameter." },
    ],
    extra_keys: ExtraKeys::TemplateVariables,
    docs_url: "https://docs.digdag.io/operators/pg.html",
    ..OperatorSpec::BASE
};

pub const REDSHIFT: OperatorSpec = OperatorSpec {
    name: "redshift",
    family: Family::Database,
    summary: "Runs queries and DDL on Amazon Redshift.",
    doc: SQL_DOC,
    example: "_export:\n  redshift:\n    host: my-redshift.1234abcd.us-east-1.redshift.amazonaws.com\n    database: production_db\n    user: app_user\n\n+insert:\n  redshift>: queries/join_log_with_master.sql\n  insert_into: summary_table\n",
    command: CommandSpec::required(Any, "FILE.sql", "Query template file, or `{data: SQL}`.")
        .file(FileRef::Template)
        .alternatives(&["query"])
        .keys(DATA_KEYS),
    param_groups: &[QUERY, REDSHIFT_CONNECTION, TRANSACTION],
    exclusive: SQL_EXCLUSIVE,
    nested: &["redshift"],
    stores: &[OutputSpec {
        name: "redshift.last_results",
        ty: Any,
        when: StoreWhen::ParamEnabled("store_last_results"),
        summary: "The first row (an object) or all rows (a list of objects).",
    }],
    secrets: &[
        SecretSpec { key: "aws.redshift.password", summary: "Password (or the secret named by `password_override`)." },
        SecretSpec { key: "aws.redshift.host", summary: "Host, overriding the parameter." },
        SecretSpec { key: "aws.redshift.user", summary: "User, overriding the parameter." },
        SecretSpec { key: "aws.redshift.database", summary: "Database, overriding the parameter." },
    ],
    extra_keys: ExtraKeys::TemplateVariables,
    docs_url: "https://docs.digdag.io/operators/redshift.html",
    ..OperatorSpec::BASE
};

/// Temporary AWS credentials for `COPY`/`UNLOAD`.
const CREDENTIALS: &[ParamSpec] = &[
    param("temp_credentials", Bool, "Use temporary credentials (AssumeRole with a role ARN secret, else GetFederationToken).")
        .default("true"),
    param("session_duration", Int, "Lifetime of the temporary credentials, in seconds (default: 3 hours)."),
    param("role_arn", String, "Role to assume, as a parameter (old digdag versions).")
        .deprecated("current digdag reads the role only from the `aws.redshift_load.role_arn` / `aws.redshift.role_arn` / `aws.role_arn` secrets"),
];

const LOAD_PARAMS: &[ParamSpec] = &[
    param("table", String, "Table to load into.").required(),
    param(
        "from",
        String,
        "Source URI (`FROM`): `s3://...`, `dynamodb://...`, ...",
    )
    .required(),
    param(
        "column_list",
        String,
        "Column list of the `COPY` statement.",
    ),
    param("manifest", Bool, "`MANIFEST`: `from` is a manifest file."),
    param("encrypted", Bool, "`ENCRYPTED`."),
    param("readratio", Int, "`READRATIO` (DynamoDB)."),
    param("region", String, "`REGION` of the source."),
    param(
        "csv",
        String,
        "`CSV` with this quote character (`''` for the default quote).",
    ),
    param("delimiter", String, "`DELIMITER`."),
    param("json", String, "`JSON`: `auto` or a JSONPaths file URI."),
    param("avro", String, "`AVRO`: `auto` or a JSONPaths file URI."),
    param("fixedwidth", String, "`FIXEDWIDTH` spec (`col:width,...`)."),
    param("gzip", Bool, "`GZIP`."),
    param("bzip2", Bool, "`BZIP2`."),
    param("lzop", Bool, "`LZOP`."),
    param("acceptanydate", Bool, "`ACCEPTANYDATE`."),
    param(
        "acceptinvchars",
        String,
        "`ACCEPTINVCHARS` replacement character.",
    ),
    param("blanksasnull", Bool, "`BLANKSASNULL`."),
    param("dateformat", String, "`DATEFORMAT`."),
    param("emptyasnull", Bool, "`EMPTYASNULL`."),
    param("encoding", String, "`ENCODING` (`UTF8`, ...)."),
    param("escape", Bool, "`ESCAPE`."),
    param("explicit_ids", Bool, "`EXPLICIT_IDS`."),
    param("fillrecord", Bool, "`FILLRECORD`."),
    param("ignoreblanklines", Bool, "`IGNOREBLANKLINES`."),
    param("ignoreheader", Int, "`IGNOREHEADER` line count."),
    param("null_as", String, "`NULL AS` string."),
    param("removequotes", Bool, "`REMOVEQUOTES`."),
    param("roundec", Bool, "`ROUNDEC`."),
    param("timeformat", String, "`TIMEFORMAT`."),
    param("trimblanks", Bool, "`TRIMBLANKS`."),
    param("truncatecolumns", Bool, "`TRUNCATECOLUMNS`."),
    param("comprows", Int, "`COMPROWS`."),
    param("compupdate", String, "`COMPUPDATE` (`ON`, `OFF`, ...)."),
    param("maxerror", Int, "`MAXERROR`."),
    param("noload", Bool, "`NOLOAD`."),
    param("statupdate", String, "`STATUPDATE` (`ON`, `OFF`)."),
];

pub const REDSHIFT_LOAD: OperatorSpec = OperatorSpec {
    name: "redshift_load",
    family: Family::Database,
    summary: "Loads data into Redshift with `COPY`.",
    example: "_export:\n  redshift:\n    host: my-redshift.1234abcd.us-east-1.redshift.amazonaws.com\n    database: production_db\n    user: app_user\n\n+load:\n  redshift_load>:\n  schema: myschema\n  table: access_logs\n  from: s3://my-app-bucket/access_logs/today\n  csv: \"'\"\n  gzip: true\n",
    doc: "Credentials for the source come from the AWS secrets; by default digdag exchanges them for temporary credentials limited to the source URIs.",
    command: CommandSpec::NONE,
    param_groups: &[LOAD_PARAMS, CREDENTIALS, REDSHIFT_CONNECTION, TRANSACTION],
    nested: &["redshift_load", "redshift"],
    secrets: &[
        SecretSpec { key: "aws.redshift.password", summary: "Database password." },
        SecretSpec { key: "aws.redshift_load.access_key_id", summary: "AWS access key id (falls back to `aws.redshift.access_key_id`, then `aws.access_key_id`)." },
        SecretSpec { key: "aws.redshift_load.secret_access_key", summary: "AWS secret access key (same fallbacks)." },
        SecretSpec { key: "aws.redshift_load.role_arn", summary: "Role to assume for temporary credentials (same fallbacks)." },
    ],
    docs_url: "https://docs.digdag.io/operators/redshift_load.html",
    ..OperatorSpec::BASE
};

const UNLOAD_PARAMS: &[ParamSpec] = &[
    param(
        "query",
        String,
        "The SELECT query whose result is unloaded.",
    )
    .required(),
    param("to", String, "Destination URI (`TO`, `s3://...`).").required(),
    param("manifest", Bool, "`MANIFEST`."),
    param("encrypted", Bool, "`ENCRYPTED`."),
    param("allowoverwrite", Bool, "`ALLOWOVERWRITE`."),
    param("delimiter", String, "`DELIMITER`."),
    param("fixedwidth", String, "`FIXEDWIDTH` spec."),
    param("gzip", Bool, "`GZIP`."),
    param("bzip2", Bool, "`BZIP2`."),
    param("null_as", String, "`NULL AS` string."),
    param("escape", Bool, "`ESCAPE`."),
    param("addquotes", Bool, "`ADDQUOTES`."),
    param("parallel", String, "`PARALLEL` (`ON`, `OFF`)."),
];

pub const REDSHIFT_UNLOAD: OperatorSpec = OperatorSpec {
    name: "redshift_unload",
    family: Family::Database,
    summary: "Exports a query result from Redshift with `UNLOAD`.",
    example: "_export:\n  redshift:\n    host: my-redshift.1234abcd.us-east-1.redshift.amazonaws.com\n    database: production_db\n    user: app_user\n\n+unload:\n  redshift_unload>:\n  query: select * from access_logs\n  to: s3://my-app-bucket/access_logs/today\n  gzip: true\n",
    command: CommandSpec::NONE,
    param_groups: &[UNLOAD_PARAMS, CREDENTIALS, REDSHIFT_CONNECTION, TRANSACTION],
    nested: &["redshift_unload", "redshift"],
    secrets: &[
        SecretSpec { key: "aws.redshift.password", summary: "Database password." },
        SecretSpec { key: "aws.redshift_unload.access_key_id", summary: "AWS access key id (falls back to `aws.redshift.access_key_id`, then `aws.access_key_id`)." },
        SecretSpec { key: "aws.redshift_unload.secret_access_key", summary: "AWS secret access key (same fallbacks)." },
        SecretSpec { key: "aws.redshift_unload.role_arn", summary: "Role to assume for temporary credentials (same fallbacks)." },
    ],
    docs_url: "https://docs.digdag.io/operators/redshift_unload.html",
    ..OperatorSpec::BASE
};
