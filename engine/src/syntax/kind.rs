//! Syntax kinds of the lossless YAML tree and the rowan language binding.

/// Every token and node kind of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
#[allow(non_camel_case_types)]
pub enum SyntaxKind {
    // ---- trivia tokens
    /// Spaces and tabs.
    WHITESPACE = 0,
    /// `\n`, `\r\n` or `\r`.
    NEWLINE,
    /// `# ...` up to the line break.
    COMMENT,
    /// A byte order mark at the start of the file.
    BOM,
    // ---- significant tokens
    /// `%YAML ...` / `%TAG ...`.
    DIRECTIVE,
    /// `---`.
    DOC_START,
    /// `...`.
    DOC_END,
    /// `-` of a block sequence item.
    DASH,
    /// `?` of an explicit key.
    QUESTION,
    /// `:`.
    COLON,
    /// `,`.
    COMMA,
    L_BRACKET,
    R_BRACKET,
    L_BRACE,
    R_BRACE,
    /// `&name`.
    ANCHOR,
    /// `*name`.
    ALIAS,
    /// `!tag`, `!!str`, `!<verbatim>`.
    TAG,
    /// An unquoted scalar (may span lines).
    PLAIN,
    /// `'...'`.
    SINGLE_QUOTED,
    /// `"..."`.
    DOUBLE_QUOTED,
    /// `|` block scalar with its content lines.
    LITERAL,
    /// `>` block scalar with its content lines.
    FOLDED,
    /// Text that could not be tokenized.
    ERROR_TOKEN,
    // ---- nodes
    /// The whole file.
    ROOT,
    /// One YAML document.
    DOCUMENT,
    /// A block mapping: `ENTRY*`.
    BLOCK_MAP,
    /// A block sequence: `ITEM*`.
    BLOCK_SEQ,
    /// `{ ENTRY, ... }`.
    FLOW_MAP,
    /// `[ ITEM, ... ]`.
    FLOW_SEQ,
    /// A mapping entry: `KEY COLON VALUE` (each part may be missing).
    ENTRY,
    /// The key of an entry.
    KEY,
    /// The value of an entry.
    VALUE,
    /// A sequence item (`- node` or a flow item).
    ITEM,
    /// A scalar node: optional properties, then a scalar token (none for an empty scalar).
    SCALAR,
    /// An alias node `*name`.
    ALIAS_NODE,
    /// Something that does not fit the grammar.
    ERROR,
}

impl SyntaxKind {
    /// Whether this kind is trivia (whitespace, newline, comment, BOM).
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            SyntaxKind::WHITESPACE | SyntaxKind::NEWLINE | SyntaxKind::COMMENT | SyntaxKind::BOM
        )
    }

    /// The name used in `wf parse` output.
    pub fn name(self) -> &'static str {
        use SyntaxKind::*;
        match self {
            WHITESPACE => "WHITESPACE",
            NEWLINE => "NEWLINE",
            COMMENT => "COMMENT",
            BOM => "BOM",
            DIRECTIVE => "DIRECTIVE",
            DOC_START => "DOC_START",
            DOC_END => "DOC_END",
            DASH => "DASH",
            QUESTION => "QUESTION",
            COLON => "COLON",
            COMMA => "COMMA",
            L_BRACKET => "L_BRACKET",
            R_BRACKET => "R_BRACKET",
            L_BRACE => "L_BRACE",
            R_BRACE => "R_BRACE",
            ANCHOR => "ANCHOR",
            ALIAS => "ALIAS",
            TAG => "TAG",
            PLAIN => "PLAIN",
            SINGLE_QUOTED => "SINGLE_QUOTED",
            DOUBLE_QUOTED => "DOUBLE_QUOTED",
            LITERAL => "LITERAL",
            FOLDED => "FOLDED",
            ERROR_TOKEN => "ERROR_TOKEN",
            ROOT => "ROOT",
            DOCUMENT => "DOCUMENT",
            BLOCK_MAP => "BLOCK_MAP",
            BLOCK_SEQ => "BLOCK_SEQ",
            FLOW_MAP => "FLOW_MAP",
            FLOW_SEQ => "FLOW_SEQ",
            ENTRY => "ENTRY",
            KEY => "KEY",
            VALUE => "VALUE",
            ITEM => "ITEM",
            SCALAR => "SCALAR",
            ALIAS_NODE => "ALIAS_NODE",
            ERROR => "ERROR",
        }
    }

    pub(crate) fn from_raw(raw: u16) -> SyntaxKind {
        assert!(raw <= SyntaxKind::ERROR as u16);
        // SAFETY: `SyntaxKind` is `repr(u16)` with contiguous discriminants 0..=ERROR,
        // and `raw` was checked to be in that range.
        unsafe { std::mem::transmute::<u16, SyntaxKind>(raw) }
    }
}

impl From<SyntaxKind> for rowan::SyntaxKind {
    fn from(kind: SyntaxKind) -> Self {
        rowan::SyntaxKind(kind as u16)
    }
}

/// The rowan language of `.dig` YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum YamlLanguage {}

impl rowan::Language for YamlLanguage {
    type Kind = SyntaxKind;
    fn kind_from_raw(raw: rowan::SyntaxKind) -> SyntaxKind {
        SyntaxKind::from_raw(raw.0)
    }
    fn kind_to_raw(kind: SyntaxKind) -> rowan::SyntaxKind {
        kind.into()
    }
}

/// A node of the tree.
pub type SyntaxNode = rowan::SyntaxNode<YamlLanguage>;
/// A token (leaf) of the tree.
pub type SyntaxToken = rowan::SyntaxToken<YamlLanguage>;
/// A node or a token.
pub type SyntaxElement = rowan::SyntaxElement<YamlLanguage>;
