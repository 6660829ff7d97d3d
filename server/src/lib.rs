//! LSP faces.
