//! Static analysis of one `${...}` expression: the variables it reads ([`analyze`]) and
//! whether digdag's engine would compile it ([`check_syntax`]).
//!
//! The analysis is token based (a small ES5 lexer plus brace/paren context), not a full
//! parser: it is exact for the expressions templates contain (member chains, calls,
//! operators, object and array literals, function expressions) and conservative elsewhere.
//! It never panics and runs in time linear in the code length.

use std::ops::Range;

/// A variable the expression reads from its scope (a parameter, or a global such as
/// `moment`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The root identifier (`td` in `td.last_results.count`; for `this.x`, `x`).
    pub name: String,
    /// Member names read after the root (`["last_results", "count"]`), through `.name` and
    /// `["literal"]`; the chain stops before a computed access and before a called member
    /// (`x.toUpperCase()` has an empty path).
    pub path: Vec<String>,
    /// Byte range of the root identifier in the code.
    pub span: Range<usize>,
    /// Byte range of the root and its path in the code.
    pub full_span: Range<usize>,
    /// Read as `this.name` (a missing parameter gives `undefined`, not a ReferenceError).
    pub via_this: bool,
    /// Operand of `typeof` (a missing variable gives `"undefined"`, not a ReferenceError).
    pub in_typeof: bool,
}

impl Reference {
    /// The path joined with dots (`last_results.count`).
    pub fn path_str(&self) -> String {
        self.path.join(".")
    }
}

/// What kind of problem a [`SyntaxIssue`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueKind {
    /// Syntax newer than ECMAScript 5, which digdag's GraalJS (ES5 mode) rejects.
    Es2015,
    /// A syntax error (from the JavaScript compiler).
    Syntax,
}

/// A syntax problem in an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxIssue {
    /// ES2015+ construct or syntax error.
    pub kind: IssueKind,
    /// What is wrong, for people.
    pub message: String,
    /// Byte range in the code (may be empty at the end of the code).
    pub span: Range<usize>,
}

/// The result of [`analyze`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Free variables read, in source order (one entry per occurrence).
    pub references: Vec<Reference>,
    /// ES2015+ constructs found (the lexer-level check; see [`check_syntax`] for compiling).
    pub issues: Vec<SyntaxIssue>,
}

impl Analysis {
    /// The distinct root names read, in first-seen order.
    pub fn names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.references {
            if !out.contains(&r.name.as_str()) {
                out.push(&r.name);
            }
        }
        out
    }
}

/// Reserved words and literals of ES5 (plus the ES2015 words that GraalJS reserves).
pub fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "break"
            | "case"
            | "catch"
            | "continue"
            | "debugger"
            | "default"
            | "delete"
            | "do"
            | "else"
            | "finally"
            | "for"
            | "function"
            | "if"
            | "in"
            | "instanceof"
            | "new"
            | "return"
            | "switch"
            | "this"
            | "throw"
            | "try"
            | "typeof"
            | "var"
            | "void"
            | "while"
            | "with"
            | "class"
            | "const"
            | "enum"
            | "export"
            | "extends"
            | "import"
            | "super"
            | "null"
            | "true"
            | "false"
    )
}

/// Globals of an ES5 engine, and the locals of digdag's generated template function
/// (`print`, `__t`, `__p`, `__j`). `moment` is *not* included: it is a library the template
/// context adds, and callers may want to see it.
pub fn is_builtin_global(name: &str) -> bool {
    matches!(
        name,
        "NaN"
            | "Infinity"
            | "undefined"
            | "eval"
            | "parseInt"
            | "parseFloat"
            | "isNaN"
            | "isFinite"
            | "decodeURI"
            | "decodeURIComponent"
            | "encodeURI"
            | "encodeURIComponent"
            | "escape"
            | "unescape"
            | "Object"
            | "Function"
            | "Array"
            | "String"
            | "Boolean"
            | "Number"
            | "Date"
            | "RegExp"
            | "Error"
            | "EvalError"
            | "RangeError"
            | "ReferenceError"
            | "SyntaxError"
            | "TypeError"
            | "URIError"
            | "Math"
            | "JSON"
            | "print"
            | "__t"
            | "__p"
            | "__j"
    )
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tk {
    Ident,
    Num,
    Str,
    Template,
    Regex,
    Punct,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Tk,
    start: usize,
    end: usize,
}

/// Punctuators, longest first.
const PUNCTS: &[&str] = &[
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "=>", "==", "!=", "<=", ">=", "&&",
    "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "**",
    "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "!",
    "~", "?", ":", "=", ".", "@", "#",
];

fn is_id_start(c: char) -> bool {
    c == '$' || c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

fn is_id_part(c: char) -> bool {
    is_id_start(c) || c.is_ascii_digit() || (!c.is_ascii() && c.is_alphanumeric())
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    issues: Vec<SyntaxIssue>,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.src[self.pos..].chars();
        it.next();
        it.next()
    }

    fn es2015(&mut self, what: &str, span: Range<usize>) {
        es2015_issue(&mut self.issues, what, span);
    }

    /// Whether a `/` here starts a regular expression (from the previous token).
    fn regex_allowed(&self) -> bool {
        match self.tokens.last() {
            None => true,
            Some(t) => match t.kind {
                Tk::Num | Tk::Str | Tk::Template | Tk::Regex => false,
                Tk::Ident => matches!(
                    &self.src[t.start..t.end],
                    "return"
                        | "typeof"
                        | "instanceof"
                        | "in"
                        | "new"
                        | "delete"
                        | "void"
                        | "throw"
                        | "case"
                        | "do"
                        | "else"
                ),
                Tk::Punct => !matches!(&self.src[t.start..t.end], ")" | "]" | "}"),
            },
        }
    }

    fn run(mut self) -> (Vec<Token>, Vec<SyntaxIssue>) {
        while let Some(c) = self.peek() {
            let start = self.pos;
            if c.is_whitespace() || c == '\u{feff}' {
                self.pos += c.len_utf8();
            } else if self.src[start..].starts_with("//") {
                let len = self.src[start..]
                    .find(['\n', '\r', '\u{2028}', '\u{2029}'])
                    .unwrap_or(self.src.len() - start);
                self.pos += len;
            } else if self.src[start..].starts_with("/*") {
                match self.src[start + 2..].find("*/") {
                    Some(i) => self.pos = start + 2 + i + 2,
                    None => self.pos = self.src.len(),
                }
            } else if is_id_start(c) || c == '\\' {
                self.pos += c.len_utf8();
                while let Some(d) = self.peek() {
                    if is_id_part(d) || d == '\\' {
                        self.pos += d.len_utf8();
                    } else {
                        break;
                    }
                }
                self.push(Tk::Ident, start);
            } else if c.is_ascii_digit()
                || (c == '.' && self.peek2().is_some_and(|d| d.is_ascii_digit()))
            {
                self.number(start);
            } else if c == '"' || c == '\'' {
                self.string(start, c);
            } else if c == '`' {
                self.template(start);
            } else if c == '/' && self.regex_allowed() {
                self.regex(start);
            } else {
                let rest = &self.src[start..];
                let p = PUNCTS.iter().find(|p| rest.starts_with(**p));
                match p {
                    // `?.` followed by a digit is `? .5`.
                    Some(&"?.") if rest[2..].starts_with(|d: char| d.is_ascii_digit()) => {
                        self.pos += 1
                    }
                    Some(p) => self.pos += p.len(),
                    None => self.pos += c.len_utf8(),
                }
                self.push(Tk::Punct, start);
            }
        }
        (self.tokens, self.issues)
    }

    fn push(&mut self, kind: Tk, start: usize) {
        self.tokens.push(Token {
            kind,
            start,
            end: self.pos,
        });
    }

    fn number(&mut self, start: usize) {
        let rest = &self.src[start..];
        let lower = rest.get(..2).map(|s| s.to_ascii_lowercase());
        if matches!(lower.as_deref(), Some("0b") | Some("0o")) {
            self.pos += 2;
            while self
                .peek()
                .is_some_and(|d| d.is_ascii_alphanumeric() || d == '_')
            {
                self.pos += 1;
            }
            self.es2015("binary and octal literals (0b, 0o)", start..self.pos);
            self.push(Tk::Num, start);
            return;
        }
        let mut prev = '\0';
        while let Some(d) = self.peek() {
            let exp_sign =
                (d == '+' || d == '-') && matches!(prev, 'e' | 'E') && !lower_is_hex(rest);
            if d.is_ascii_alphanumeric() || d == '_' || d == '.' || exp_sign {
                self.pos += 1;
                prev = d;
            } else {
                break;
            }
        }
        let text = &self.src[start..self.pos];
        if text.contains('_') {
            self.es2015("numeric separators (1_000)", start..self.pos);
        } else if text.ends_with('n') && !lower_is_hex(text) {
            self.es2015("BigInt literals (1n)", start..self.pos);
        }
        self.push(Tk::Num, start);
    }

    fn string(&mut self, start: usize, quote: char) {
        self.pos += 1;
        loop {
            match self.peek() {
                None | Some('\n') | Some('\r') => {
                    self.issues.push(SyntaxIssue {
                        kind: IssueKind::Syntax,
                        message: "unterminated string literal".into(),
                        span: start..self.pos,
                    });
                    break;
                }
                Some('\\') => {
                    self.pos += 1;
                    if let Some(e) = self.peek() {
                        if e == 'u' && self.src[self.pos..].starts_with("u{") {
                            self.es2015("\\u{...} escapes", self.pos - 1..self.pos + 2);
                        }
                        self.pos += e.len_utf8();
                        if e == '\r' && self.peek() == Some('\n') {
                            self.pos += 1;
                        }
                    }
                }
                Some(c) => {
                    self.pos += c.len_utf8();
                    if c == quote {
                        break;
                    }
                }
            }
        }
        self.push(Tk::Str, start);
    }

    fn template(&mut self, start: usize) {
        // Skip to the closing backtick (nested `${}` are not needed: this is an error anyway).
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += c.len_utf8();
            if c == '\\' {
                if let Some(e) = self.peek() {
                    self.pos += e.len_utf8();
                }
            } else if c == '`' {
                break;
            }
        }
        self.es2015("template literals (`...`)", start..self.pos);
        self.push(Tk::Template, start);
    }

    fn regex(&mut self, start: usize) {
        self.pos += 1;
        let mut in_class = false;
        loop {
            match self.peek() {
                None | Some('\n') | Some('\r') => break,
                Some('\\') => {
                    self.pos += 1;
                    if let Some(e) = self.peek() {
                        self.pos += e.len_utf8();
                    }
                }
                Some(c) => {
                    self.pos += c.len_utf8();
                    if c == '[' {
                        in_class = true;
                    } else if c == ']' {
                        in_class = false;
                    } else if c == '/' && !in_class {
                        break;
                    }
                }
            }
        }
        let flags_start = self.pos;
        while self.peek().is_some_and(is_id_part) {
            self.pos += self.peek().map_or(1, char::len_utf8);
        }
        let flags = &self.src[flags_start..self.pos];
        if flags.contains(['u', 'y', 's']) {
            self.es2015("regular expression flags u, y and s", flags_start..self.pos);
        }
        self.push(Tk::Regex, start);
    }
}

fn lower_is_hex(text: &str) -> bool {
    text.len() > 1 && (text.starts_with("0x") || text.starts_with("0X"))
}

fn es2015_issue(issues: &mut Vec<SyntaxIssue>, what: &str, span: Range<usize>) {
    issues.push(SyntaxIssue {
        kind: IssueKind::Es2015,
        message: format!(
            "{what}: ES2015+ syntax, which digdag rejects (its JavaScript engine runs templates as ECMAScript 5)"
        ),
        span,
    });
}

// ---------------------------------------------------------------------------------------------
// Analysis

/// What an open bracket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// `(...)`: `head` for `if (`/`for (`/`while (`/`catch (`/`switch (`/`with (`, `params`
    /// for a function's parameter list.
    Paren {
        head: Head,
    },
    Bracket,
    /// An object literal.
    Object,
    /// A statement block (function body or `if {}` etc.).
    Block,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Head {
    None,
    Control,
    For,
    Catch,
    Params,
}

/// A region of tokens where some names are bound.
struct Scope {
    /// Token index range (the body, and for functions their parameter list too).
    tokens: Range<usize>,
    names: Vec<String>,
    /// A function scope (where `this` is not the parameter object).
    function: bool,
}

/// Finds the free variables of `code` and its ES2015+ constructs, without running or
/// compiling it.
pub fn analyze(code: &str) -> Analysis {
    let (tokens, mut issues) = Lexer {
        src: code,
        pos: 0,
        tokens: Vec::new(),
        issues: Vec::new(),
    }
    .run();
    let text = |i: usize| -> &str { tokens.get(i).map_or("", |t: &Token| &code[t.start..t.end]) };
    let is_punct =
        |i: usize, p: &str| tokens.get(i).is_some_and(|t| t.kind == Tk::Punct) && text(i) == p;
    let is_ident = |i: usize| tokens.get(i).is_some_and(|t| t.kind == Tk::Ident);

    // Pass 1: bracket structure, scopes and declarations.
    let n = tokens.len();
    // For each token: index of the frame it is directly in (into `frames`), or None at top.
    let mut frame_of: Vec<Option<usize>> = vec![None; n];
    // For each closing token: the frame it closed.
    let mut closed_by: Vec<Option<usize>> = vec![None; n];
    let mut frames: Vec<(Frame, usize)> = Vec::new(); // (kind, open token)
    let mut stack: Vec<usize> = Vec::new();
    let mut scopes: Vec<Scope> = Vec::new();
    // Open scopes: (index into `scopes`, stack depth at which the scope's block was opened).
    let mut open_scopes: Vec<(usize, usize)> = Vec::new();
    // A function head whose `(` was seen and whose body `{` is expected: scope index.
    let mut pending_fn: Option<usize> = None;
    // A `catch (` whose body `{` is expected: scope index.
    let mut pending_catch: Option<usize> = None;
    let mut next_is_block = false;
    let mut in_var_decl: Option<usize> = None; // stack depth of an active `var` list
    let mut expect_decl_name = false;

    for i in 0..n {
        frame_of[i] = stack.last().copied();
        let t = &tokens[i];
        let s = text(i);
        let depth = stack.len();
        if t.kind == Tk::Ident {
            match s {
                "function" => {
                    let mut j = i + 1;
                    if is_punct(j, "*") {
                        es2015_issue(
                            &mut issues,
                            "generator functions (function*)",
                            t.start..tokens[j].end,
                        );
                        j += 1;
                    }
                    let mut names = Vec::new();
                    if is_ident(j) {
                        // The name of a function expression is bound inside it; a declaration's
                        // name is bound in the enclosing function (both are local here).
                        names.push(text(j).to_string());
                        if let Some(&(sc, _)) = open_scopes.last() {
                            scopes[sc].names.push(text(j).to_string());
                        }
                    }
                    if i > 0 && is_ident(i - 1) && text(i - 1) == "async" {
                        es2015_issue(&mut issues, "async functions", tokens[i - 1].start..t.end);
                    }
                    scopes.push(Scope {
                        tokens: i..n,
                        names,
                        function: true,
                    });
                    pending_fn = Some(scopes.len() - 1);
                }
                "var" | "let" | "const" => {
                    let decl = s == "var"
                        || is_ident(i + 1)
                        || is_punct(i + 1, "[")
                        || is_punct(i + 1, "{");
                    if decl {
                        if s != "var" {
                            es2015_issue(
                                &mut issues,
                                &format!("`{s}` declarations"),
                                t.start..t.end,
                            );
                        }
                        if is_punct(i + 1, "[") || is_punct(i + 1, "{") {
                            es2015_issue(
                                &mut issues,
                                "destructuring",
                                tokens[i + 1].start..tokens[i + 1].end,
                            );
                        }
                        in_var_decl = Some(depth);
                        expect_decl_name = true;
                        continue;
                    }
                }
                "class" => es2015_issue(&mut issues, "classes", t.start..t.end),
                "await" | "yield" if is_ident(i + 1) || is_punct(i + 1, "(") => {
                    es2015_issue(&mut issues, &format!("`{s}`"), t.start..t.end)
                }
                "of" if i > 0
                    && frame_of[i]
                        .is_some_and(|f| frames[f].0 == Frame::Paren { head: Head::For })
                    && (is_ident(i - 1) || is_punct(i - 1, "]") || is_punct(i - 1, "}")) =>
                {
                    es2015_issue(&mut issues, "for...of loops", t.start..t.end)
                }
                "else" | "do" | "try" | "finally" => next_is_block = true,
                "catch" if is_punct(i + 1, "{") => {
                    next_is_block = true;
                    es2015_issue(&mut issues, "optional catch binding", t.start..t.end);
                }
                _ => {}
            }
            if expect_decl_name && in_var_decl == Some(depth) {
                let sc = open_scopes.last().map(|&(sc, _)| sc);
                if let Some(sc) = sc {
                    scopes[sc].names.push(s.to_string());
                } else {
                    // `var` outside any function: bound for the rest of the expression.
                    scopes.push(Scope {
                        tokens: 0..n,
                        names: vec![s.to_string()],
                        function: false,
                    });
                }
                expect_decl_name = false;
            }
            continue;
        }
        if t.kind != Tk::Punct {
            continue;
        }
        match s {
            "(" => {
                let head = if let Some(sc) = pending_fn.filter(|_| {
                    // `function (` or `function name (`.
                    i > 0
                        && (text(i - 1) == "function"
                            || (is_ident(i - 1)
                                && i > 1
                                && (text(i - 2) == "function" || text(i - 2) == "*")))
                }) {
                    scopes[sc].tokens.start = i;
                    Head::Params
                } else if i > 0 && is_ident(i - 1) {
                    match text(i - 1) {
                        "if" | "while" | "switch" | "with" => Head::Control,
                        "for" => Head::For,
                        "catch" => {
                            scopes.push(Scope {
                                tokens: i..n,
                                names: Vec::new(),
                                function: false,
                            });
                            pending_catch = Some(scopes.len() - 1);
                            Head::Catch
                        }
                        _ => Head::None,
                    }
                } else {
                    Head::None
                };
                frames.push((Frame::Paren { head }, i));
                stack.push(frames.len() - 1);
            }
            "[" => {
                frames.push((Frame::Bracket, i));
                stack.push(frames.len() - 1);
            }
            "{" => {
                let prev_closes_head = i > 0
                    && closed_by[i - 1].is_some_and(
                        |f| matches!(frames[f].0, Frame::Paren { head } if head != Head::None),
                    );
                let in_block = stack.last().is_none_or(|&f| frames[f].0 == Frame::Block)
                    && (i == 0
                        || is_punct(i - 1, ";")
                        || is_punct(i - 1, "{")
                        || is_punct(i - 1, "}"))
                    && stack.last().is_some();
                let block = prev_closes_head || next_is_block || in_block;
                next_is_block = false;
                let kind = if block { Frame::Block } else { Frame::Object };
                frames.push((kind, i));
                stack.push(frames.len() - 1);
                if block && prev_closes_head {
                    if let Some(sc) = pending_fn.take().filter(|&sc| scopes[sc].tokens.start < i) {
                        open_scopes.push((sc, stack.len()));
                    } else if let Some(sc) = pending_catch.take() {
                        open_scopes.push((sc, stack.len()));
                    }
                }
            }
            ")" | "]" | "}" => {
                if s == ")"
                    && is_punct(i.wrapping_sub(1), ",")
                    && stack
                        .last()
                        .is_some_and(|&f| matches!(frames[f].0, Frame::Paren { .. }))
                {
                    es2015_issue(
                        &mut issues,
                        "trailing commas in argument lists",
                        tokens[i - 1].start..tokens[i - 1].end,
                    );
                }
                if let Some(f) = stack.pop() {
                    closed_by[i] = Some(f);
                    if let Some(&(sc, d)) = open_scopes.last() {
                        if d == stack.len() + 1 && s == "}" {
                            scopes[sc].tokens.end = i + 1;
                            open_scopes.pop();
                        }
                    }
                    if s == ")" {
                        if let Frame::Paren { head: Head::Params } = frames[f].0 {
                            // Parameters: identifiers directly in this frame.
                            if let Some(sc) = pending_fn {
                                let inside =
                                    (frames[f].1 + 1..i).filter(|&j| frame_of[j] == Some(f));
                                for j in inside {
                                    if is_ident(j) {
                                        scopes[sc].names.push(text(j).to_string());
                                    } else if is_punct(j, "=") {
                                        es2015_issue(
                                            &mut issues,
                                            "default parameters",
                                            tokens[j].start..tokens[j].end,
                                        );
                                    }
                                }
                            }
                        } else if let Frame::Paren { head: Head::Catch } = frames[f].0 {
                            if let Some(sc) = pending_catch {
                                let inside =
                                    (frames[f].1 + 1..i).filter(|&j| frame_of[j] == Some(f));
                                for j in inside {
                                    if is_ident(j) {
                                        scopes[sc].names.push(text(j).to_string());
                                    }
                                }
                            }
                        }
                    }
                }
                if in_var_decl.is_some_and(|d| d > stack.len()) {
                    in_var_decl = None;
                }
            }
            ";" if in_var_decl == Some(depth) => in_var_decl = None,
            "," if in_var_decl == Some(depth) => expect_decl_name = true,
            "=>" => es2015_issue(&mut issues, "arrow functions (=>)", t.start..t.end),
            "..." => es2015_issue(&mut issues, "spread and rest (...)", t.start..t.end),
            "**" | "**=" => es2015_issue(&mut issues, "the exponent operator (**)", t.start..t.end),
            "?." => es2015_issue(&mut issues, "optional chaining (?.)", t.start..t.end),
            "??" => es2015_issue(&mut issues, "nullish coalescing (??)", t.start..t.end),
            _ => {}
        }
    }

    // Pass 2: references.
    let mut references = Vec::new();
    let bound = |i: usize, name: &str| {
        scopes
            .iter()
            .any(|sc| sc.tokens.contains(&i) && sc.names.iter().any(|n| n == name))
    };
    let in_function = |i: usize| {
        scopes
            .iter()
            .any(|sc| sc.function && sc.tokens.contains(&i))
    };
    let mut i = 0;
    while i < n {
        let t = &tokens[i];
        if t.kind != Tk::Ident {
            i += 1;
            continue;
        }
        let name = text(i);
        let prev = if i > 0 { text(i - 1) } else { "" };
        let prev_punct = i > 0 && tokens[i - 1].kind == Tk::Punct;
        let frame = frame_of[i].map(|f| frames[f].0);
        // Object literal key position: after `{` or `,` directly in an object literal.
        let key_pos = frame == Some(Frame::Object) && prev_punct && (prev == "{" || prev == ",");
        if key_pos {
            if is_punct(i + 1, ":") {
                i += 2;
                continue;
            }
            if (name == "get" || name == "set")
                && (is_ident(i + 1)
                    || tokens
                        .get(i + 1)
                        .is_some_and(|t| matches!(t.kind, Tk::Str | Tk::Num)))
            {
                i += 2;
                continue;
            }
            if is_punct(i + 1, "(") {
                es2015_issue(
                    &mut issues,
                    "method shorthand in object literals",
                    t.start..t.end,
                );
                i += 1;
                continue;
            }
            if is_punct(i + 1, ",") || is_punct(i + 1, "}") {
                es2015_issue(
                    &mut issues,
                    "shorthand properties in object literals",
                    t.start..t.end,
                );
            }
        }
        if prev_punct && (prev == "." || prev == "?.") {
            i += 1;
            continue;
        }
        if (prev == "break" || prev == "continue") && !prev_punct {
            i += 1;
            continue;
        }
        if name == "this" {
            if !in_function(i) && is_punct(i + 1, ".") && is_ident(i + 2) {
                let mut r = Reference {
                    name: text(i + 2).to_string(),
                    path: Vec::new(),
                    span: tokens[i + 2].start..tokens[i + 2].end,
                    full_span: t.start..tokens[i + 2].end,
                    via_this: true,
                    in_typeof: prev == "typeof" && !prev_punct,
                };
                let end = member_path(&tokens, code, i + 3, &mut r);
                if !is_punct(i + 3, "(") {
                    references.push(r);
                }
                i = end;
                continue;
            }
            i += 1;
            continue;
        }
        if is_keyword(name) || is_builtin_global(name) || (name == "arguments" && in_function(i)) {
            i += 1;
            continue;
        }
        // Label at statement start (`foo:` in a block).
        if frame == Some(Frame::Block)
            && is_punct(i + 1, ":")
            && (prev == ";" || prev == "{" || prev == "}")
        {
            i += 1;
            continue;
        }
        if bound(i, name) || is_declaration_name(&tokens, code, i) {
            i += 1;
            continue;
        }
        // A plain assignment target is not a read.
        if is_punct(i + 1, "=") {
            i += 1;
            continue;
        }
        let mut r = Reference {
            name: name.to_string(),
            path: Vec::new(),
            span: t.start..t.end,
            full_span: t.start..t.end,
            via_this: false,
            in_typeof: prev == "typeof" && !prev_punct,
        };
        i = member_path(&tokens, code, i + 1, &mut r);
        references.push(r);
    }
    issues.sort_by_key(|x| (x.span.start, x.span.end));
    issues.dedup();
    Analysis { references, issues }
}

/// Whether token `i` is a name being declared (function name, parameter) — those are
/// already recorded as bound in their scope, but a function declaration's name may be
/// bound outside the scope range we track.
fn is_declaration_name(tokens: &[Token], code: &str, i: usize) -> bool {
    i > 0 && tokens[i - 1].kind == Tk::Ident && {
        let p = &code[tokens[i - 1].start..tokens[i - 1].end];
        p == "function" || p == "var"
    }
}

/// Follows `.name` and `["lit"]` members from token `i`, appending to `r.path`; stops before
/// a called member. Returns the index of the first token not consumed.
fn member_path(tokens: &[Token], code: &str, mut i: usize, r: &mut Reference) -> usize {
    let text = |j: usize| tokens.get(j).map_or("", |t| &code[t.start..t.end]);
    let punct =
        |j: usize, p: &str| tokens.get(j).is_some_and(|t| t.kind == Tk::Punct) && text(j) == p;
    loop {
        if punct(i, ".") && tokens.get(i + 1).is_some_and(|t| t.kind == Tk::Ident) {
            if punct(i + 2, "(") {
                return i;
            }
            r.path.push(text(i + 1).to_string());
            r.full_span.end = tokens[i + 1].end;
            i += 2;
        } else if punct(i, "[")
            && tokens.get(i + 1).is_some_and(|t| t.kind == Tk::Str)
            && punct(i + 2, "]")
        {
            if punct(i + 3, "(") {
                return i;
            }
            let lit = text(i + 1);
            match unquote(lit) {
                Some(s) => r.path.push(s),
                None => return i,
            }
            r.full_span.end = tokens[i + 2].end;
            i += 3;
        } else {
            return i;
        }
    }
}

/// The value of a simple string literal (no escapes), else `None`.
fn unquote(lit: &str) -> Option<String> {
    let inner = lit.get(1..lit.len().checked_sub(1)?)?;
    if inner.contains('\\') || lit.len() < 2 {
        return None;
    }
    Some(inner.to_string())
}

/// Checks that `code` compiles as digdag compiles it: the ES2015+ check of [`analyze`], then
/// the JavaScript compiler on digdag's generated function around the expression (compiled,
/// not run). An empty `code` (`${}`) is fine.
pub fn check_syntax(code: &str) -> Vec<SyntaxIssue> {
    let mut issues = analyze(code).issues;
    if code.is_empty() || is_simple_path(code) {
        // `${td.database}`: nothing to compile (most templates are like this).
        return issues;
    }
    if let Some(issue) = super::eval::compile_issue(code) {
        if issues.is_empty() {
            issues.push(issue);
        }
    }
    issues
}

/// Whether `code` is only `name` or `name.member.member` (always valid JavaScript unless a
/// name is a reserved word, which [`analyze`] reports).
fn is_simple_path(code: &str) -> bool {
    let code = code.trim();
    !code.is_empty()
        && code.split('.').all(|part| {
            let mut chars = part.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
                && !is_keyword(part)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(code: &str) -> Vec<(String, String)> {
        analyze(code)
            .references
            .into_iter()
            .map(|r| (r.name.clone(), r.path_str()))
            .collect()
    }

    fn names(code: &str) -> Vec<String> {
        analyze(code)
            .names()
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn roots_and_paths() {
        assert_eq!(
            refs("td.last_results.count"),
            vec![("td".into(), "last_results.count".into())]
        );
        assert_eq!(
            refs("moment(session_time).format()"),
            vec![
                ("moment".into(), "".into()),
                ("session_time".into(), "".into())
            ]
        );
        assert_eq!(refs("a['b'].c[0].d"), vec![("a".into(), "b.c".into())]);
        assert_eq!(refs("x.toUpperCase()"), vec![("x".into(), "".into())]);
        assert_eq!(refs("x.y.split(',')"), vec![("x".into(), "y".into())]);
        let a = analyze("  td.each.end_time ");
        assert_eq!(a.references[0].span, 2..4);
        assert_eq!(a.references[0].full_span, 2..18);
    }

    #[test]
    fn excludes_keywords_globals_keys_and_locals() {
        assert_eq!(names("typeof x === 'undefined' ? null : x"), vec!["x"]);
        assert!(analyze("typeof x").references[0].in_typeof);
        assert_eq!(
            names("Math.max(a, JSON.parse(b).c, parseInt(d), undefined)"),
            vec!["a", "b", "d"]
        );
        assert_eq!(names("{a: b, 'c': d, 1: e}.a"), vec!["b", "d", "e"]);
        assert_eq!(
            names("{a: f(x, y), b: c ? d : e}"),
            vec!["f", "x", "y", "c", "d", "e"]
        );
        assert_eq!(
            names("arr.map(function(x, i){ return x * i + k })"),
            vec!["arr", "k"]
        );
        assert_eq!(
            names("(function(){ var s = 0, t = 1; for (var i = 0; i < n; i++) { s += i } return s + t })()"),
            vec!["n"]
        );
        assert_eq!(
            names("(function f(n){ return n ? f(n - 1) : z })(3)"),
            vec!["z"]
        );
        assert_eq!(
            names("(function(){ try { a() } catch (e) { return e.message + b } })()"),
            vec!["a", "b"]
        );
        assert_eq!(names("true && null || this"), Vec::<String>::new());
        assert_eq!(names("x.y.z + w['k']"), vec!["x", "w"]);
        assert_eq!(names("'${a}' + \"b\" + /c/g.test(d)"), vec!["d"]);
    }

    #[test]
    fn this_members() {
        let a = analyze("this.foo.bar + this['x']");
        assert_eq!(a.references.len(), 1);
        let r = &a.references[0];
        assert_eq!(
            (r.name.as_str(), r.path_str().as_str(), r.via_this),
            ("foo", "bar", true)
        );
        assert_eq!(r.full_span, 0..12);
        // Inside a function, `this` is not the parameter object.
        assert_eq!(
            names("(function(){ return this.foo })()"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn division_and_regex() {
        assert_eq!(names("a / b / c"), vec!["a", "b", "c"]);
        assert_eq!(names("f(/x[/]y/i, z)"), vec!["f", "z"]);
        assert_eq!(names("moment().valueOf() / 1000"), vec!["moment"]);
    }

    fn es(code: &str) -> Vec<String> {
        analyze(code)
            .issues
            .into_iter()
            .filter(|i| i.kind == IssueKind::Es2015)
            .map(|i| i.message.split(':').next().unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn flags_es2015_syntax() {
        assert_eq!(es("arr.map(x => x * 2)"), vec!["arrow functions (=>)"]);
        assert_eq!(
            es("(function(){ let a = 1; return a })()"),
            vec!["`let` declarations"]
        );
        assert_eq!(
            es("(function(){ const a = 1; return a })()"),
            vec!["`const` declarations"]
        );
        assert_eq!(es("`a${b}`"), vec!["template literals (`...`)"]);
        assert_eq!(es("f(...xs)"), vec!["spread and rest (...)"]);
        assert_eq!(es("2 ** 3"), vec!["the exponent operator (**)"]);
        assert_eq!(es("a?.b"), vec!["optional chaining (?.)"]);
        assert_eq!(es("a ?? b"), vec!["nullish coalescing (??)"]);
        assert_eq!(
            es("{a, b}"),
            vec!["shorthand properties in object literals"; 2]
        );
        assert_eq!(
            es("{f() { return 1 }}"),
            vec!["method shorthand in object literals"]
        );
        assert_eq!(
            es("0b101 + 0o7"),
            vec!["binary and octal literals (0b, 0o)"; 2]
        );
        assert_eq!(es("1_000"), vec!["numeric separators (1_000)"]);
        assert_eq!(
            es("(function(a = 1){ return a })()"),
            vec!["default parameters"]
        );
        assert_eq!(
            es("(function(){ for (var x of xs) {} })()"),
            vec!["for...of loops"]
        );
        assert_eq!(
            es("/x/u.test(s)"),
            vec!["regular expression flags u, y and s"]
        );
        assert_eq!(es("f(a, b,)"), vec!["trailing commas in argument lists"]);
        assert_eq!(
            es("(function(){ try { a() } catch { return b } })()"),
            vec!["optional catch binding"]
        );
        assert!(es("[1, 2,].length + {a: 1,}.a").is_empty());
        // ES5 constructs are fine.
        assert!(es("a ? b : c").is_empty());
        assert!(es("{get x() { return 1 }}.x").is_empty());
        assert!(es("0x1F + 1e-5 + .5 + 010").is_empty());
        assert!(es("let + 1").is_empty());
    }

    /// Every sequence of up to four tokens from a small set: no panic, spans in bounds.
    #[test]
    fn exhaustive_token_sequences_never_panic() {
        let toks = [
            "function", "(", ")", "{", "}", "var", "x", ".", "=", ",", "'", "/", "this", ":", "=>",
            "`", "catch", "[",
        ];
        let mut seqs: Vec<String> = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for s in &seqs {
                for t in toks {
                    next.push(format!("{s} {t}"));
                    next.push(format!("{s}{t}"));
                }
            }
            for code in &next {
                let a = analyze(code);
                for r in &a.references {
                    assert!(r.full_span.end <= code.len() && r.span.start >= r.full_span.start);
                }
                for i in &a.issues {
                    assert!(
                        i.span.start <= i.span.end && i.span.end <= code.len(),
                        "{code:?}"
                    );
                }
            }
            seqs = next.into_iter().step_by(3).collect();
        }
    }

    #[test]
    fn never_panics_on_garbage() {
        for code in [
            "",
            "(",
            ")",
            "}",
            "{",
            "'",
            "\"abc",
            "`",
            "/",
            "/[",
            "function",
            "function(",
            "var",
            "var ,",
            "this.",
            "a.",
            "a[",
            "a['b",
            "é",
            "\\u0061",
            "0x",
            "1e",
            "{{{{",
            "))))",
            "function f(a,{",
            "catch(",
            "try{}catch(e){",
            "x?.",
            "?.5",
            "a ? .5 : 1",
        ] {
            let _ = analyze(code);
        }
    }
}
