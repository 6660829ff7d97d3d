//! Every built-in digdag operator and every Treasure Data operator, one file per family.

mod cloud;
mod control;
mod database;
mod network;
mod scripting;
mod td;

use super::spec::OperatorSpec;

/// All operators, sorted by name (the lookup uses binary search; a test checks the order).
pub(crate) static OPERATORS: &[OperatorSpec] = &[
    cloud::BQ,
    cloud::BQ_DDL,
    cloud::BQ_EXTRACT,
    cloud::BQ_LOAD,
    control::CALL,
    control::ECHO,
    scripting::EMBULK,
    cloud::EMR,
    control::FAIL,
    control::FOR_EACH,
    control::FOR_RANGE,
    cloud::GCS_WAIT,
    network::HTTP,
    network::HTTP_CALL,
    control::IF,
    control::LOOP,
    network::MAIL,
    control::NOTIFY,
    network::PARAM_GET,
    network::PARAM_SET,
    database::PG,
    scripting::PY,
    scripting::RB,
    database::REDSHIFT,
    database::REDSHIFT_LOAD,
    database::REDSHIFT_UNLOAD,
    control::REQUIRE,
    cloud::S3_WAIT,
    scripting::SH,
    td::TD,
    td::TD_DDL,
    td::TD_FOR_EACH,
    td::TD_LOAD,
    td::TD_PARTIAL_DELETE,
    td::TD_RESULT_EXPORT,
    td::TD_RUN,
    td::TD_TABLE_EXPORT,
    td::TD_WAIT,
    td::TD_WAIT_TABLE,
    control::WAIT,
];
