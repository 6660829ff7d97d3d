//! Network and parameter-server operators: `mail>`, `http>`, `http_call>`, `param_get>`,
//! `param_set>` (semantics §2.3, §2.4).

use crate::schema::spec::ValueType::*;
use crate::schema::spec::*;

const MAIL_DATA_KEYS: &[ParamSpec] = &[param(
    "data",
    String,
    "The body text, used as is (not re-templated).",
)];

const ATTACH_KEYS: &[ParamSpec] = &[
    param("path", FilePath, "File to attach.")
        .required()
        .file(FileRef::Input),
    param(
        "filename",
        String,
        "Attachment name (default: the file's base name).",
    ),
    param("content_type", String, "Content-Type.").default("application/octet-stream"),
];

const MAIL_PARAMS: &[ParamSpec] = &[
    param("subject", String, "Subject.").doc("Required unless the server config sets `config.mail.subject`."),
    param("to", StringOrList, "Recipient addresses.").required().doc("```yaml\nto: [analyst@example.com]\n```"),
    param("cc", List, "Cc addresses."),
    param("bcc", List, "Bcc addresses."),
    param("from", String, "Sender address.").doc("Required unless the server config sets `config.mail.from`; often set once:\n\n```yaml\n_export:\n  mail:\n    from: workflow@example.com\n```"),
    param("body", String, "Body text, used when there is no command."),
    param("html", Bool, "Send HTML mail.").default("false"),
    param("debug", Bool, "Log the SMTP session.").default("false"),
    param("attach_files", List, "Files to attach: a list of `{path, filename, content_type}`.")
        .keys(ATTACH_KEYS)
        .doc("```yaml\nattach_files:\n  - path: data.csv\n  - path: images/image1.png\n    content_type: image/png\n```"),
    param("host", String, "SMTP host (the `mail.host` secret wins)."),
    param("port", Int, "SMTP port (the `mail.port` secret wins); required with a host."),
    param("username", String, "SMTP user (the `mail.username` secret wins)."),
    param("password", String, "SMTP password as a parameter.")
        .deprecated("`Unsecure 'password' parameter is deprecated.`: set the `mail.password` secret"),
    param("tls", Bool, "Use STARTTLS.").default("true"),
    param("ssl", Bool, "Use legacy SSL.").default("false"),
];

pub const MAIL: OperatorSpec = OperatorSpec {
    name: "mail",
    family: Family::Network,
    summary: "Sends an email.",
    doc: "The body file is a template (`${...}` evaluated). SMTP settings come from the `mail.*` secrets or parameters when a host is given, else from the server's `config.mail.*`.",
    example: "_export:\n  mail:\n    from: workflow@example.com\n\n+step1:\n  mail>: body.txt\n  subject: workflow started\n  to: [me@example.com]\n\n+step2:\n  mail>:\n    data: this is email body embedded in a .dig file\n  subject: workflow started\n  to: [me@example.com]\n",
    command: CommandSpec::required(Any, "BODY_FILE | {data: TEXT}", "Body template file, or `{data: TEXT}`.")
        .file(FileRef::Template)
        .alternatives(&["body"])
        .keys(MAIL_DATA_KEYS),
    param_groups: &[MAIL_PARAMS],
    nested: &["mail"],
    secrets: &[
        SecretSpec { key: "mail.host", summary: "SMTP host." },
        SecretSpec { key: "mail.port", summary: "SMTP port." },
        SecretSpec { key: "mail.username", summary: "SMTP user." },
        SecretSpec { key: "mail.password", summary: "SMTP password." },
        SecretSpec { key: "mail.tls", summary: "Use STARTTLS." },
        SecretSpec { key: "mail.ssl", summary: "Use legacy SSL." },
    ],
    extra_keys: ExtraKeys::TemplateVariables,
    docs_url: "https://docs.digdag.io/operators/mail.html",
    ..OperatorSpec::BASE
};

const HTTP_PROXY_KEYS: &[ParamSpec] = &[
    param("enabled", Bool, "Use the proxy.").default("false"),
    param("host", String, "Proxy host.").required(),
    param("port", Int, "Proxy port.").required(),
    param("tls", Bool, "Connect to the proxy with TLS.").default("false"),
];

/// Request options shared by `http>` and `http_call>`.
const HTTP_REQUEST: &[ParamSpec] = &[
    param("method", String, "HTTP method (upper-cased).").default("GET").doc("```yaml\nmethod: POST\n```"),
    param("content", Any, "Request body.").doc(
        "Scalars are sent as text, objects and arrays as JSON unless `content_format` says otherwise.\n\n```yaml\ncontent:\n  status: RUNNING\n  time: ${session_time}\n```",
    ),
    param("content_format", EnumIgnoreCase(&["text", "json", "form"]), "How `content` is serialized.").doc(
        "Default: `json` for objects and arrays, `text` for scalars. `text` needs a scalar, `form` an object.",
    ),
    param("content_type", String, "Overrides the Content-Type header of the request."),
    param("headers", List, "Extra headers, a list of single-key objects.")
        .doc("```yaml\nheaders:\n  - Accept: application/json\n  - X-Foo: bar\n```"),
    param("query", Any, "Query parameters, an object or an encoded string, appended to the URI."),
    param("retry", Bool, "Retry ephemeral errors (5xx, 408, 429, network errors).")
        .doc("Default: `true` for GET, HEAD, OPTIONS and TRACE, else `false`. Other 4xx responses are never retried."),
    param("timeout", Int, "Timeout of the request, in seconds.").default("30"),
    param("insecure", Bool, "Skip TLS certificate verification.").default("false"),
    param("follow_redirects", Bool, "Follow redirects.").default("true"),
    param("proxy", Object, "HTTP proxy (unless the server disallows user proxies).").keys(HTTP_PROXY_KEYS),
];

const HTTP_STORE: &[ParamSpec] = &[param(
    "store_content",
    Bool,
    "Store the response body as `http.last_content`.",
)
.default("false")
.doc(
    "The body is limited by the server's `config.http.max_stored_response_content_size` (64 KiB).",
)];

const HTTP_SECRETS: &[SecretSpec] = &[
    SecretSpec {
        key: "http.authorization",
        summary: "Value of the Authorization header (e.g. `Bearer ...`).",
    },
    SecretSpec {
        key: "http.user",
        summary: "User for Basic authentication.",
    },
    SecretSpec {
        key: "http.password",
        summary: "Password for Basic authentication.",
    },
    SecretSpec {
        key: "http.uri",
        summary: "The URI, instead of the command (keeps it out of logs).",
    },
];

pub const HTTP: OperatorSpec = OperatorSpec {
    name: "http",
    family: Family::Network,
    summary: "Makes an HTTP request.",
    doc: "A 2xx or 3xx response succeeds. The status is stored as `http.last_status`, the body as `http.last_content` with `store_content: true`.",
    example: "+fetch:\n  http>: https://api.example.com/foobars\n  store_content: true\n\n+notify:\n  http>: https://api.example.com/data/sessions/${session_uuid}\n  method: POST\n  content:\n    status: RUNNING\n    time: ${session_time}\n",
    command: CommandSpec::required(String, "URI", "The URI (the `http.uri` secret can replace it)."),
    param_groups: &[HTTP_REQUEST, HTTP_STORE],
    nested: &["http"],
    stores: &[
        OutputSpec { name: "http.last_status", ty: Int, when: StoreWhen::Always, summary: "HTTP status code of the response." },
        OutputSpec { name: "http.last_content", ty: String, when: StoreWhen::ParamEnabled("store_content"), summary: "Response body." },
    ],
    secrets: HTTP_SECRETS,
    docs_url: "https://docs.digdag.io/operators/http.html",
    ..OperatorSpec::BASE
};

const HTTP_CALL_PARAMS: &[ParamSpec] = &[param(
    "content_type_override",
    String,
    "Treat the response as this Content-Type (`application/json` or `application/x-yaml`).",
)];

pub const HTTP_CALL: OperatorSpec = OperatorSpec {
    name: "http_call",
    family: Family::Network,
    summary: "Fetches a workflow over HTTP and runs it as a subtask.",
    doc: "The response (JSON, or YAML with `application/x-yaml`) must be a workflow body; it runs like a `call>`ed workflow. Other content types fail (`Unsupported Content-Type`).",
    example: "+dynamic:\n  http_call>: https://api.example.com/workflows/${session_date}\n  content_type_override: application/x-yaml\n",
    command: CommandSpec::required(String, "URI", "The URI; `${secret:...}` is substituted in it."),
    param_groups: &[HTTP_CALL_PARAMS, HTTP_REQUEST],
    nested: &["http"],
    dynamic: DynamicOutputs::Generated,
    secrets: HTTP_SECRETS,
    docs_url: "https://docs.digdag.io/operators/http_call.html",
    ..OperatorSpec::BASE
};

pub const PARAM_GET: OperatorSpec = OperatorSpec {
    name: "param_get",
    family: Family::Network,
    summary: "Reads values from the ParamServer into store parameters.",
    doc: "Each key of the task is a ParamServer key; its value names the store parameter to set (an empty string when the key is missing). Needs the server's `param_server.*` configuration.",
    example: "+get:\n  param_get>:\n  key1: dest_param1\n\n+show:\n  echo>: ${dest_param1}\n",
    command: CommandSpec::NONE,
    dynamic: DynamicOutputs::LocalKeyValues,
    extra_keys: ExtraKeys::Data,
    docs_url: "https://docs.digdag.io/operators/param_get.html",
    ..OperatorSpec::BASE
};

pub const PARAM_SET: OperatorSpec = OperatorSpec {
    name: "param_set",
    family: Family::Network,
    summary: "Saves values into the ParamServer (kept 90 days).",
    doc: "Each key of the task is saved with its value, which must be string-like. Needs the server's `param_server.*` configuration.",
    example: "+set:\n  param_set>:\n  key1: value1\n  key2: ${session_date}\n",
    command: CommandSpec::NONE,
    extra_keys: ExtraKeys::Data,
    docs_url: "https://docs.digdag.io/operators/param_set.html",
    ..OperatorSpec::BASE
};
