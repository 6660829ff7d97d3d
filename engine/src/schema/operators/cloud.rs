//! AWS and Google Cloud operators: `emr>`, `s3_wait>`, `gcs_wait>`, `bq>`, `bq_ddl>`,
//! `bq_load>`, `bq_extract>` (digdag `operator/aws`, `operator/gcp`).

use crate::schema::spec::ValueType::*;
use crate::schema::spec::*;

const REGION_ENDPOINT: &[ParamSpec] = &[
    param("region", String, "AWS region."),
    param("endpoint", String, "API endpoint (overrides `region`)."),
];

const EMR_PARAMS: &[ParamSpec] = &[
    param("cluster", Any, "Id of an existing cluster, or the configuration of a new one.").doc(
        "```yaml\ncluster: j-7KHU3VCWGNAFL\n```\n\n```yaml\ncluster:\n  ec2:\n    key: my-ec2-key\n  logs: s3://my-bucket/logs/\n```",
    ),
    param("staging", String, "S3 folder (`s3://bucket/prefix/`) for staging local files of the steps."),
    param("steps", List, "Steps to submit: objects with `type: flink | hive | spark | spark-sql | script | command`.")
        .doc("Local files named by steps (`application`, `script`, `query`, ...) are relative to the working directory and uploaded to `staging`."),
    param(
        "action_on_failure",
        Enum(&["TERMINATE_JOB_FLOW", "TERMINATE_CLUSTER", "CANCEL_AND_WAIT", "CONTINUE"]),
        "What EMR does when a step fails.",
    )
    .default("CANCEL_AND_WAIT"),
    param("emr", Object, "EMR service `region` / `endpoint`.").keys(REGION_ENDPOINT),
    param("s3", Object, "S3 (staging) `region` / `endpoint`.").keys(REGION_ENDPOINT),
    param("kms", Object, "KMS `region` / `endpoint` (used to encrypt step variables).").keys(REGION_ENDPOINT),
];

pub const EMR: OperatorSpec = OperatorSpec {
    name: "emr",
    family: Family::Cloud,
    summary: "Runs Amazon EMR steps, on an existing cluster or a new one.",
    example: "+emr_job:\n  emr>:\n  cluster:\n    name: my-cluster\n    ec2:\n      key: my-ec2-key\n    logs: s3://my-bucket/logs/\n  staging: s3://my-bucket/staging/\n  steps:\n    - type: spark\n      application: pi.py\n",
    command: CommandSpec::NONE,
    param_groups: &[EMR_PARAMS],
    nested: &["aws.emr", "aws"],
    stores: &[OutputSpec {
        name: "emr.last_cluster_id",
        ty: String,
        when: StoreWhen::Sometimes("only when the task created a new cluster"),
        summary: "Id of the cluster the task created.",
    }],
    secrets: &[
        SecretSpec { key: "aws.emr.access_key_id", summary: "AWS access key id (falls back to `aws.access_key_id`)." },
        SecretSpec { key: "aws.emr.secret_access_key", summary: "AWS secret access key (falls back to `aws.secret_access_key`)." },
        SecretSpec { key: "aws.emr.role_arn", summary: "Role to assume (falls back to `aws.role_arn`)." },
        SecretSpec { key: "aws.emr.region", summary: "EMR region (falls back to `aws.region`)." },
        SecretSpec { key: "aws.emr.endpoint", summary: "EMR endpoint." },
        SecretSpec { key: "aws.s3.region", summary: "S3 region for staging files." },
        SecretSpec { key: "aws.s3.endpoint", summary: "S3 endpoint for staging files." },
        SecretSpec { key: "aws.kms.region", summary: "KMS region." },
        SecretSpec { key: "aws.kms.endpoint", summary: "KMS endpoint." },
    ],
    docs_url: "https://docs.digdag.io/operators/emr.html",
    ..OperatorSpec::BASE
};

const S3_WAIT_PARAMS: &[ParamSpec] = &[
    param(
        "bucket",
        String,
        "Bucket (with `key`, instead of the command).",
    ),
    param(
        "key",
        String,
        "Object key (with `bucket`, instead of the command).",
    ),
    param("version_id", String, "Object version to wait for."),
    param(
        "region",
        String,
        "AWS region (the `aws.s3.region` secret wins).",
    ),
    param(
        "endpoint",
        String,
        "S3 endpoint (the `aws.s3.endpoint` secret wins); overrides `region`.",
    ),
    param(
        "path_style_access",
        Bool,
        "Use path-style access (needs `region`).",
    ),
    param("timeout", Duration, "Give up after this long.").doc("```yaml\ntimeout: 120s\n```"),
    param(
        "continue_on_timeout",
        Bool,
        "Succeed (with an empty `s3.last_object`) on timeout.",
    )
    .default("false"),
];

pub const S3_WAIT: OperatorSpec = OperatorSpec {
    name: "s3_wait",
    family: Family::Cloud,
    summary: "Waits for an object to appear in Amazon S3.",
    doc: "Polls with exponential backoff (5 s growing to 5 min). Either the command or both `bucket` and `key`.",
    example: "+wait:\n  s3_wait>: my-bucket/my-data.gz\n  timeout: 60s\n  continue_on_timeout: true\n\n+found:\n  if>: ${s3.last_object.result}\n  _do:\n    echo>: arrived\n",
    command: CommandSpec::required(String, "BUCKET/KEY", "The object to wait for.").alternatives(&["bucket", "key"]),
    param_groups: &[S3_WAIT_PARAMS],
    exclusive: &[&["_command", "bucket"], &["_command", "key"]],
    nested: &["aws.s3", "aws"],
    retry: false,
    stores: &[OutputSpec {
        name: "s3.last_object",
        ty: Object,
        when: StoreWhen::Always,
        summary: "`result` (false after a timeout), `metadata`, `user_metadata` of the object.",
    }],
    secrets: &[
        SecretSpec { key: "aws.s3.access_key_id", summary: "AWS access key id (falls back to `aws.access_key_id`); required." },
        SecretSpec { key: "aws.s3.secret_access_key", summary: "AWS secret access key (falls back to `aws.secret_access_key`); required." },
        SecretSpec { key: "aws.s3.region", summary: "Region (falls back to `aws.region`)." },
        SecretSpec { key: "aws.s3.endpoint", summary: "Endpoint." },
        SecretSpec { key: "aws.s3.sse_c_key", summary: "SSE-C key, Base64." },
        SecretSpec { key: "aws.s3.sse_c_key_algorithm", summary: "SSE-C key algorithm." },
        SecretSpec { key: "aws.s3.sse_c_key_md5", summary: "SSE-C key MD5, Base64." },
    ],
    docs_url: "https://docs.digdag.io/operators/s3_wait.html",
    ..OperatorSpec::BASE
};

const GCP_KEYS: &[ParamSpec] = &[param("project", String, "Google Cloud project id.")];

/// `gcp: {project: ...}`, read by every Google Cloud operator.
const GCP: ParamSpec = param("gcp", Object, "Google Cloud settings: `project` (else the `gcp.project` secret, else the credential's project).")
    .keys(GCP_KEYS);

const GCP_SECRETS: &[SecretSpec] = &[
    SecretSpec {
        key: "gcp.credential",
        summary: "Service account key (JSON).",
    },
    SecretSpec {
        key: "gcp.project",
        summary: "Default project id.",
    },
];

const GCS_WAIT_PARAMS: &[ParamSpec] = &[
    param(
        "bucket",
        String,
        "Bucket (with `object`, instead of the command).",
    ),
    param(
        "object",
        String,
        "Object path (with `bucket`, instead of the command).",
    ),
    GCP,
];

pub const GCS_WAIT: OperatorSpec = OperatorSpec {
    name: "gcs_wait",
    family: Family::Cloud,
    summary: "Waits for an object to appear in Google Cloud Storage.",
    doc: "Polls with exponential backoff. Either the command or both `bucket` and `object`.",
    example: "+wait:\n  gcs_wait>: gs://my_bucket/some/file\n",
    command: CommandSpec::required(
        String,
        "gs://BUCKET/OBJECT | BUCKET/OBJECT",
        "The object to wait for.",
    )
    .alternatives(&["bucket", "object"]),
    param_groups: &[GCS_WAIT_PARAMS],
    exclusive: &[&["_command", "bucket"], &["_command", "object"]],
    stores: &[OutputSpec {
        name: "gcs_wait.last_object",
        ty: Object,
        when: StoreWhen::Always,
        summary: "`metadata` of the object.",
    }],
    secrets: GCP_SECRETS,
    docs_url: "https://docs.digdag.io/operators/gcs_wait.html",
    ..OperatorSpec::BASE
};

const CREATE_DISPOSITION: ParamSpec = param(
    "create_disposition",
    Enum(&["CREATE_IF_NEEDED", "CREATE_NEVER"]),
    "Whether the destination table may be created.",
)
.default("CREATE_IF_NEEDED");

const WRITE_DISPOSITION: ParamSpec = param(
    "write_disposition",
    Enum(&["WRITE_TRUNCATE", "WRITE_APPEND", "WRITE_EMPTY"]),
    "What happens to an existing destination table.",
)
.default("WRITE_EMPTY");

const DATASET: ParamSpec = param(
    "dataset",
    String,
    "Default dataset (`project:dataset` accepted).",
)
.doc("Usually set once:\n\n```yaml\n_export:\n  bq:\n    dataset: my_dataset\n```");

const LOCATION: ParamSpec = param(
    "location",
    String,
    "Location of the job (`US`, `EU`, `asia-northeast1`, ...).",
);

const LAST_JOB_ID: &[OutputSpec] = &[OutputSpec {
    name: "bq.last_job_id",
    ty: String,
    when: StoreWhen::Always,
    summary: "Id of the BigQuery job (`bq.last_jobid` is a deprecated alias).",
}];

const BQ_PARAMS: &[ParamSpec] = &[
    param("query", String, "The query text, instead of a file."),
    DATASET,
    param(
        "destination_table",
        String,
        "Table to store the result in (`[project:][dataset.]table[$YYYYMMDD]`).",
    ),
    CREATE_DISPOSITION,
    WRITE_DISPOSITION,
    param(
        "priority",
        Enum(&["INTERACTIVE", "BATCH"]),
        "Query priority.",
    )
    .default("INTERACTIVE"),
    param("use_query_cache", Bool, "Use cached results.").default("true"),
    param(
        "allow_large_results",
        Bool,
        "Allow large results (legacy SQL with `destination_table`).",
    ),
    param(
        "flatten_results",
        Bool,
        "Flatten nested fields (legacy SQL).",
    )
    .default("true"),
    param(
        "use_legacy_sql",
        Bool,
        "Use legacy SQL instead of standard SQL.",
    )
    .default("false"),
    param(
        "maximum_billing_tier",
        Int,
        "Billing tier limit (default: the project's).",
    ),
    param(
        "maximum_bytes_billed",
        Int,
        "Fail the query if it would bill more bytes.",
    ),
    param(
        "table_definitions",
        Object,
        "External data sources used by the query.",
    ),
    param(
        "user_defined_function_resources",
        List,
        "UDF resources used by the query.",
    ),
    param(
        "schema_update_options",
        List,
        "Schema updates allowed on the destination table.",
    ),
    param("clustering", Object, "Clustering of the destination table."),
    param(
        "encryption_configuration",
        Object,
        "Encryption of the destination table.",
    ),
    param(
        "time_partitioning",
        Object,
        "Time partitioning of the destination table.",
    ),
    param(
        "range_partitioning",
        Object,
        "Range partitioning of the destination table.",
    ),
    LOCATION,
    GCP,
];

pub const BQ: OperatorSpec = OperatorSpec {
    name: "bq",
    family: Family::Cloud,
    summary: "Runs a Google BigQuery query.",
    doc: "Uses standard SQL unless `use_legacy_sql: true`. The query file is a template (`${...}` evaluated).",
    example: "_export:\n  bq:\n    dataset: my_dataset\n\n+step1:\n  bq>: queries/step1.sql\n  destination_table: result_table\n",
    command: CommandSpec::required(Any, "FILE.sql", "Query template file, or `{data: SQL}`.")
        .file(FileRef::Template)
        .alternatives(&["query"]),
    param_groups: &[BQ_PARAMS],
    nested: &["bq"],
    stores: LAST_JOB_ID,
    secrets: GCP_SECRETS,
    extra_keys: ExtraKeys::TemplateVariables,
    docs_url: "https://docs.digdag.io/operators/bq.html",
    ..OperatorSpec::BASE
};

const BQ_DDL_PARAMS: &[ParamSpec] = &[
    param(
        "create_datasets",
        List,
        "Datasets to create: names or objects (`id`, `project`, `location`, `labels`, ...).",
    ),
    param(
        "empty_datasets",
        List,
        "Datasets to create, deleting them (and their tables) first.",
    ),
    param("delete_datasets", List, "Datasets to delete if they exist."),
    param(
        "create_tables",
        List,
        "Tables to create: names or objects (`id`, `dataset`, `schema`, ...).",
    ),
    param(
        "empty_tables",
        List,
        "Tables to create, deleting them first.",
    ),
    param("delete_tables", List, "Tables to delete if they exist."),
    DATASET,
    GCP,
];

pub const BQ_DDL: OperatorSpec = OperatorSpec {
    name: "bq_ddl",
    family: Family::Cloud,
    summary: "Creates, empties and deletes BigQuery datasets and tables.",
    example: "_export:\n  bq:\n    dataset: my_dataset\n\n+prepare:\n  bq_ddl>:\n  create_datasets:\n    - my_dataset_${session_date_compact}\n  delete_tables:\n    - my_table_${last_session_date_compact}\n",
    command: CommandSpec::NONE,
    param_groups: &[BQ_DDL_PARAMS],
    nested: &["bq"],
    secrets: GCP_SECRETS,
    docs_url: "https://docs.digdag.io/operators/bq_ddl.html",
    ..OperatorSpec::BASE
};

const BQ_LOAD_PARAMS: &[ParamSpec] = &[
    DATASET,
    param(
        "destination_table",
        String,
        "Table to load into (`[project:][dataset.]table[$YYYYMMDD]`).",
    )
    .required(),
    param("project", String, "Project of the table."),
    LOCATION,
    param(
        "source_format",
        String,
        "Format of the files: `CSV`, `NEWLINE_DELIMITED_JSON`, `AVRO`, `DATASTORE_BACKUP`, ...",
    )
    .default("CSV"),
    param("field_delimiter", String, "CSV field separator.").default(","),
    CREATE_DISPOSITION,
    WRITE_DISPOSITION,
    param("skip_leading_rows", Int, "CSV header rows to skip.").default("0"),
    param(
        "encoding",
        Enum(&["UTF-8", "ISO-8859-1"]),
        "Encoding of the files.",
    )
    .default("UTF-8"),
    param("quote", String, "CSV quote character.").default("\""),
    param(
        "max_bad_records",
        Int,
        "Bad records to ignore before failing.",
    )
    .default("0"),
    param(
        "allow_quoted_newlines",
        Bool,
        "Allow newlines in quoted CSV fields.",
    )
    .default("false"),
    param(
        "allow_jagged_rows",
        Bool,
        "Accept CSV rows missing trailing optional columns.",
    )
    .default("false"),
    param(
        "ignore_unknown_values",
        Bool,
        "Ignore values not in the schema.",
    )
    .default("false"),
    param(
        "projection_fields",
        List,
        "Datastore properties to load (`DATASTORE_BACKUP`).",
    ),
    param("autodetect", Bool, "Infer options and schema.").default("false"),
    param(
        "schema_update_options",
        List,
        "Schema updates allowed (`ALLOW_FIELD_ADDITION`, `ALLOW_FIELD_RELAXATION`).",
    ),
    param(
        "schema",
        Any,
        "Table schema: an object, or a `.json`/YAML file.",
    )
    .file(FileRef::TemplateIfString)
    .doc("```yaml\nschema:\n  fields:\n    - name: name\n      type: STRING\n```"),
    GCP,
];

pub const BQ_LOAD: OperatorSpec = OperatorSpec {
    name: "bq_load",
    family: Family::Cloud,
    summary: "Loads files from Google Cloud Storage into BigQuery.",
    example: "_export:\n  bq:\n    dataset: my_dataset\n\n+ingest:\n  bq_load>: gs://my_bucket/data.csv\n  destination_table: my_data\n",
    command: CommandSpec::required(StringOrList, "URI | [URI, ...]", "The GCS files (`gs://...`, wildcards allowed)."),
    param_groups: &[BQ_LOAD_PARAMS],
    nested: &["bq"],
    stores: LAST_JOB_ID,
    secrets: GCP_SECRETS,
    docs_url: "https://docs.digdag.io/operators/bq_load.html",
    ..OperatorSpec::BASE
};

const BQ_EXTRACT_PARAMS: &[ParamSpec] = &[
    param(
        "destination",
        StringOrList,
        "GCS URI(s) of the exported files.",
    )
    .required(),
    DATASET,
    LOCATION,
    param("print_header", Bool, "Write a header row.").default("true"),
    param("field_delimiter", String, "Field separator.").default(","),
    param(
        "destination_format",
        String,
        "`CSV`, `NEWLINE_DELIMITED_JSON` or `AVRO`.",
    )
    .default("CSV"),
    param("compression", String, "`GZIP` or `NONE`.").default("NONE"),
    GCP,
];

pub const BQ_EXTRACT: OperatorSpec = OperatorSpec {
    name: "bq_extract",
    family: Family::Cloud,
    summary: "Exports a BigQuery table to Google Cloud Storage.",
    example: "_export:\n  bq:\n    dataset: my_dataset\n\n+export:\n  bq_extract>: result\n  destination: gs://my_bucket/result.csv.gz\n  compression: GZIP\n",
    command: CommandSpec::required(String, "TABLE", "The table (`[project:][dataset.]table`)."),
    param_groups: &[BQ_EXTRACT_PARAMS],
    nested: &["bq"],
    stores: LAST_JOB_ID,
    secrets: GCP_SECRETS,
    docs_url: "https://docs.digdag.io/operators/bq_extract.html",
    ..OperatorSpec::BASE
};
