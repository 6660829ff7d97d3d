//! Time zone ids as Java `ZoneId.of` accepts them.
