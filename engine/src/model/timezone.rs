//! Time zone ids (temporary minimal version; replaced by the full rules).

/// Whether Java's `ZoneId.of` accepts `id`.
pub fn check_zone_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err(format!("Unknown time-zone ID: {id}"));
    }
    Ok(())
}

/// A likely intended zone id.
pub fn suggest_zone(_id: &str) -> Option<String> {
    None
}

/// The zone for `id` (IANA names through jiff's time zone database), if known.
pub fn resolve_zone(id: &str) -> Option<jiff::tz::TimeZone> {
    jiff::tz::TimeZone::get(id).ok()
}
