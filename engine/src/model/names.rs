//! Task and workflow name rules (digdag's `io.digdag.core.repository.ModelValidator`).
//!
//! digdag collects *every* failed check of a name and prints one line per failure
//! (`<field> <message>: "<name>"`, field `name` or `task name`). The `*_failures` functions
//! return all messages in digdag's order; the `check_*` functions return the first one. Only the
//! message text is returned: callers add the field, the quoted name and the header
//! (`Validating workflow failed`, `Validating workflow task failed`).
//!
//! Lengths are counted like Java's `String.length()` (UTF-16 code units).

/// Maximum length of a name, in UTF-16 code units.
pub const MAX_NAME_LENGTH: usize = 255;

/// Every failed raw task-name check of `name`, in digdag's order (`checkRawTaskName`):
/// blank; starts with a digit; does not start with `+` or `^`; first character after the first
/// that is outside `[A-Za-z0-9_\-=\[\]{}%&@`,.^]`; longer than 255.
pub fn raw_task_name_failures(name: &str) -> Vec<String> {
    let mut failures = Vec::new();
    if name.is_empty() {
        failures.push("must not be blank".to_owned());
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        failures.push("must not start with a digit (0-9)".to_owned());
    }
    if !name.is_empty() {
        if !name.starts_with(['+', '^']) {
            failures.push("must start with '+' or '^'".to_owned());
        }
        if let Some(c) = first_disallowed_char(name) {
            failures.push(format!("must not contain character '{c}'"));
        }
    }
    push_length_failure(name, &mut failures);
    failures
}

/// digdag's raw task-name rule (applies to every child task key, `^sub` etc.): the first failure.
///
/// Messages: `must not be blank`, `must not start with a digit (0-9)`,
/// `must start with '+' or '^'`, `must not contain character 'X'`,
/// `must not be longer than 255 characters`.
pub fn check_raw_task_name(name: &str) -> Result<(), String> {
    first(raw_task_name_failures(name))
}

/// Every failed check of a top-level task key (`checkTaskName`): `must start with '+'`,
/// `must not contain ^ character`, then the raw task-name checks.
pub fn top_level_task_name_failures(name: &str) -> Vec<String> {
    let mut failures = Vec::new();
    if !name.starts_with('+') {
        failures.push("must start with '+'".to_owned());
    }
    if name.contains('^') {
        failures.push("must not contain ^ character".to_owned());
    }
    failures.extend(raw_task_name_failures(name));
    failures
}

/// digdag's rule for the `+task` keys at the top level of a workflow file: the first failure.
pub fn check_top_level_task_name(name: &str) -> Result<(), String> {
    first(top_level_task_name_failures(name))
}

/// Every failed workflow-name check (`checkWorkflowName` = `checkProjectName`): blank; starts
/// with a digit; first character one of `+ ^ @ / \ : * ? " < > |`; ends with `.dig`; longer
/// than 255.
pub fn workflow_name_failures(name: &str) -> Vec<String> {
    let mut failures = Vec::new();
    if name.is_empty() {
        failures.push("must not be blank".to_owned());
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        failures.push("must not start with a numeric digit (0-9)".to_owned());
    }
    if name.starts_with(['+', '^', '@', '/', '\\', ':', '*', '?', '"', '<', '>', '|']) {
        failures.push("must not include special symbols (+ ^ @ / \\ / : * ? \" < > |)".to_owned());
    }
    if name.ends_with(".dig") {
        failures.push("must not end with .dig".to_owned());
    }
    push_length_failure(name, &mut failures);
    failures
}

/// digdag's workflow-name rule (the name is the file name without `.dig`): the first failure.
///
/// Note the root task `+<workflow name>` must also pass [`check_raw_task_name`] when the
/// workflow is compiled, so a name with a space or `:` fails there.
pub fn check_workflow_name(name: &str) -> Result<(), String> {
    first(workflow_name_failures(name))
}

/// Whether `c` may appear after the first character of a task name.
pub fn is_task_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '_' | '-' | '=' | '[' | ']' | '{' | '}' | '%' | '&' | '@' | '`' | ',' | '.' | '^'
        )
}

/// The first disallowed character of `name.substring(1)` (Java indexing: when the first
/// character is outside the BMP, Java's substring starts with its lone low surrogate, shown here
/// as U+FFFD).
fn first_disallowed_char(name: &str) -> Option<char> {
    let mut chars = name.chars();
    let first = chars.next()?;
    if first.len_utf16() == 2 {
        return Some(char::REPLACEMENT_CHARACTER);
    }
    chars.find(|&c| !is_task_name_char(c))
}

fn push_length_failure(name: &str, failures: &mut Vec<String>) {
    // Cheap pre-check: UTF-16 length is at most the UTF-8 length.
    if name.len() > MAX_NAME_LENGTH && name.encode_utf16().count() > MAX_NAME_LENGTH {
        failures.push(format!(
            "must not be longer than {MAX_NAME_LENGTH} characters"
        ));
    }
}

fn first(failures: Vec<String>) -> Result<(), String> {
    match failures.into_iter().next() {
        Some(msg) => Err(msg),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> Result<(), String> {
        Err(s.to_owned())
    }

    #[test]
    fn raw_task_names_accepted() {
        for n in [
            "+a",
            "^sub",
            "+",
            "^",
            "+load_data-2",
            "+a=b[c]{d}%&@`,.^x",
            "+for-0=key=value",
            "+UPPER_lower_09",
        ] {
            assert_eq!(check_raw_task_name(n), Ok(()), "{n}");
        }
    }

    #[test]
    fn raw_task_name_first_char() {
        assert_eq!(check_raw_task_name(""), err("must not be blank"));
        assert_eq!(check_raw_task_name("a"), err("must start with '+' or '^'"));
        assert_eq!(check_raw_task_name("-a"), err("must start with '+' or '^'"));
        assert_eq!(
            check_raw_task_name("1abc"),
            err("must not start with a digit (0-9)")
        );
        assert_eq!(
            raw_task_name_failures("1abc"),
            vec![
                "must not start with a digit (0-9)",
                "must start with '+' or '^'"
            ]
        );
    }

    #[test]
    fn raw_task_name_characters() {
        for (name, c) in [
            ("+a b", ' '),
            ("+a+b", '+'),
            ("+a$b", '$'),
            ("+a:b", ':'),
            ("+a/b", '/'),
            ("+a*b", '*'),
            ("+a!b", '!'),
            ("+a'b", '\''),
            ("+a\"b", '"'),
            ("+a#b", '#'),
            ("+a(b", '('),
            ("+a)b", ')'),
            ("+a;b", ';'),
            ("+a~b", '~'),
            ("+a<b", '<'),
            ("+a>b", '>'),
            ("+a|b", '|'),
            ("+a?b", '?'),
            ("+aéb", 'é'),
            ("+a😀", '😀'),
            ("+a\tb", '\t'),
        ] {
            assert_eq!(
                check_raw_task_name(name),
                Err(format!("must not contain character '{c}'")),
                "{name}"
            );
        }
        // Only the first bad character is reported.
        assert_eq!(
            raw_task_name_failures("+a b:c"),
            vec!["must not contain character ' '"]
        );
        // The first character is not checked against the set, but must be + or ^.
        assert_eq!(
            raw_task_name_failures("$ab"),
            vec!["must start with '+' or '^'"]
        );
        assert_eq!(
            raw_task_name_failures("😀ab"),
            vec![
                "must start with '+' or '^'",
                "must not contain character '\u{fffd}'"
            ]
        );
    }

    #[test]
    fn root_task_of_workflow_with_space_fails() {
        assert_eq!(
            check_raw_task_name("+daily_load_with_ existing_authentication"),
            err("must not contain character ' '")
        );
        assert_eq!(
            check_raw_task_name("+config:handling"),
            err("must not contain character ':'")
        );
    }

    #[test]
    fn length_limit_in_utf16_units() {
        let ok = format!("+{}", "a".repeat(254));
        assert_eq!(check_raw_task_name(&ok), Ok(()));
        let long = format!("+{}", "a".repeat(255));
        assert_eq!(
            check_raw_task_name(&long),
            err("must not be longer than 255 characters")
        );
        // 'é' is 2 UTF-8 bytes but one UTF-16 unit: 200 of them are within the limit.
        let wf = "é".repeat(200);
        assert_eq!(check_workflow_name(&wf), Ok(()));
        // '😀' is two UTF-16 units: 128 of them exceed 255.
        let wf = "😀".repeat(128);
        assert_eq!(
            check_workflow_name(&wf),
            err("must not be longer than 255 characters")
        );
    }

    #[test]
    fn top_level_task_names() {
        assert_eq!(check_top_level_task_name("+a"), Ok(()));
        assert_eq!(check_top_level_task_name("^a"), err("must start with '+'"));
        assert_eq!(
            top_level_task_name_failures("^a"),
            vec!["must start with '+'", "must not contain ^ character"]
        );
        assert_eq!(
            check_top_level_task_name("+a^b"),
            err("must not contain ^ character")
        );
        assert_eq!(
            top_level_task_name_failures("+a b"),
            vec!["must not contain character ' '"]
        );
        assert_eq!(
            top_level_task_name_failures(""),
            vec!["must start with '+'", "must not be blank"]
        );
    }

    #[test]
    fn workflow_names() {
        for n in [
            "daily",
            "a b",
            "config:handling",
            "x.dig.bak",
            "wf-1",
            "日本語",
        ] {
            assert_eq!(check_workflow_name(n), Ok(()), "{n}");
        }
        assert_eq!(check_workflow_name(""), err("must not be blank"));
        assert_eq!(
            check_workflow_name("1wf"),
            err("must not start with a numeric digit (0-9)")
        );
        for n in [
            "+wf", "^wf", "@wf", "/wf", "\\wf", ":wf", "*wf", "?wf", "\"wf", "<wf", ">wf", "|wf",
        ] {
            assert_eq!(
                check_workflow_name(n),
                err("must not include special symbols (+ ^ @ / \\ / : * ? \" < > |)"),
                "{n}"
            );
        }
        // Only the first character is checked for special symbols.
        assert_eq!(check_workflow_name("a+b"), Ok(()));
        assert_eq!(
            check_workflow_name("daily_load_with_ existing_authentication.dig"),
            err("must not end with .dig")
        );
        assert_eq!(
            workflow_name_failures("1.dig"),
            vec![
                "must not start with a numeric digit (0-9)",
                "must not end with .dig"
            ]
        );
        assert_eq!(
            check_workflow_name(&"w".repeat(256)),
            err("must not be longer than 255 characters")
        );
    }

    #[test]
    fn task_name_charset() {
        assert!(is_task_name_char('`'));
        assert!(is_task_name_char('^'));
        assert!(!is_task_name_char('$'));
        assert!(!is_task_name_char('+'));
        assert!(!is_task_name_char('あ'));
    }
}
