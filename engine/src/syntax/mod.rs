//! Lossless syntax tree.
