//! Digdag's scalar typing (SnakeYAML 1.23 + digdag's `YamlTagResolver`).
