//! Loading: YAML tree -> digdag [`Value`]s (typed scalars, anchors, duplicate keys), `!include`
//! expansion, and the project scan.

pub mod project;
pub mod scalar;
pub mod value;

pub use value::{Entry, Object, Value, ValueKind};
