//! Target profiles: what the hosted Treasure Workflow service forbids or adds compared with
//! open-source digdag (`treasure-workflow.md`).

/// Where the workflows will run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Target {
    /// Open-source digdag (`digdag run`, a digdag server). The default.
    #[default]
    Digdag,
    /// Treasure Data's hosted Treasure Workflow.
    TreasureWorkflow,
}

impl Target {
    /// `digdag` or `treasure-workflow`.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Digdag => "digdag",
            Target::TreasureWorkflow => "treasure-workflow",
        }
    }

    /// Parses `digdag` / `treasure-workflow` (also `treasure_workflow`, `td`).
    pub fn parse(s: &str) -> Option<Target> {
        match s {
            "digdag" => Some(Target::Digdag),
            "treasure-workflow" | "treasure_workflow" | "td" => Some(Target::TreasureWorkflow),
            _ => None,
        }
    }
}

/// Something a target does not allow.
#[derive(Clone, Copy, Debug)]
pub struct Restriction {
    /// The operator (without `>`).
    pub operator: &'static str,
    /// The parameter, or `None` when the whole operator is unavailable.
    pub param: Option<&'static str>,
    /// Why.
    pub reason: &'static str,
    /// What to use instead.
    pub instead: &'static str,
}

const NO_DISK: &str = "Treasure Workflow runs tasks on shared processing without a local disk";

/// What Treasure Workflow does not allow.
pub static TREASURE_WORKFLOW_RESTRICTIONS: &[Restriction] = &[
    Restriction {
        operator: "embulk",
        param: None,
        reason: "Treasure Workflow does not run `embulk>`: processing is shared and there is no local disk",
        instead: "`td_load>` to import data",
    },
    Restriction {
        operator: "td",
        param: Some("download_file"),
        reason: NO_DISK,
        instead: "a result export (`result_connection`, or `td_result_export>`)",
    },
    Restriction {
        operator: "td_run",
        param: Some("download_file"),
        reason: NO_DISK,
        instead: "a result export of the saved query, or `td_result_export>`",
    },
    Restriction {
        operator: "pg",
        param: Some("download_file"),
        reason: NO_DISK,
        instead: "`store_last_results`, or write the result to a table",
    },
    Restriction {
        operator: "redshift",
        param: Some("download_file"),
        reason: NO_DISK,
        instead: "`redshift_unload>` to S3, or `store_last_results`",
    },
];

/// Operators only the hosted service provides (their parameters are not catalogued here, so
/// they are known but unchecked, like plugin operators).
pub static TREASURE_WORKFLOW_ONLY_OPERATORS: &[&str] = &["ipynb"];

/// Top-level keys only the hosted service accepts (see the `trigger` directive).
pub static TREASURE_WORKFLOW_ONLY_TOP_LEVEL_KEYS: &[&str] = &["trigger"];

/// The restriction of `target` on `operator` (`param: None`) or on one of its parameters.
pub fn restriction(
    target: Target,
    operator: &str,
    param: Option<&str>,
) -> Option<&'static Restriction> {
    match target {
        Target::Digdag => None,
        Target::TreasureWorkflow => TREASURE_WORKFLOW_RESTRICTIONS
            .iter()
            .find(|r| r.operator == operator && r.param == param),
    }
}

/// Whether `operator` exists on `target` beyond the catalogued ones (`ipynb>` on Treasure
/// Workflow).
pub fn target_only_operator(target: Target, operator: &str) -> bool {
    target == Target::TreasureWorkflow && TREASURE_WORKFLOW_ONLY_OPERATORS.contains(&operator)
}
