//! Task and workflow name rules (temporary minimal version; replaced by the full rules).

/// digdag's raw task-name rule.
pub fn check_raw_task_name(name: &str) -> Result<(), String> {
    if !(name.starts_with('+') || name.starts_with('^')) {
        return Err("must start with '+' or '^'".into());
    }
    for c in name.chars().skip(1) {
        if !(c.is_ascii_alphanumeric() || "_-=[]{}%&@`,.^".contains(c)) {
            return Err(format!("must not contain character '{c}'"));
        }
    }
    Ok(())
}

/// digdag's workflow-name rule.
pub fn check_workflow_name(name: &str) -> Result<(), String> {
    if name.ends_with(".dig") {
        return Err("must not end with .dig".into());
    }
    Ok(())
}

/// digdag's top-level task-name rule.
pub fn check_top_level_task_name(name: &str) -> Result<(), String> {
    if name.contains('^') {
        return Err("must not contain ^ character".into());
    }
    Ok(())
}
