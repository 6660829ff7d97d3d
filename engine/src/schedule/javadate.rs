//! Java's `DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(STRICT)`, as digdag's
//! `ScheduleConfigHelper` parses `start:` and `end:`, with `DateTimeParseException`'s messages.

/// A date as Java resolves it (the year may lie outside jiff's range).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct JavaDate {
    pub year: i64,
    pub month: i8,
    pub day: i8,
}

const MONTH_NAMES: [&str; 12] = [
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
];

/// Parses `text`; the error is the `DateTimeParseException` message (without the class name).
pub(crate) fn parse_strict_date(text: &str) -> Result<JavaDate, String> {
    let chars: Vec<char> = text.chars().collect();
    let abbr: String = if chars.len() > 64 {
        chars[..64].iter().collect::<String>() + "..."
    } else {
        text.to_string()
    };
    let at = |index: usize| format!("Text '{abbr}' could not be parsed at index {index}");
    let digit = |i: usize| {
        chars
            .get(i)
            .and_then(|c| c.to_digit(10).filter(|_| c.is_ascii()))
    };
    let len = chars.len();
    let mut pos = 0usize;

    // Year: appendValue(YEAR, 4, 19, SignStyle.EXCEEDS_PAD), strict.
    if pos == len {
        return Err(at(pos));
    }
    let (mut negative, mut positive) = (false, false);
    match chars[pos] {
        '+' => {
            positive = true;
            pos += 1;
        }
        '-' => {
            negative = true;
            pos += 1;
        }
        _ => {}
    }
    let position = pos;
    if position + 4 > len {
        return Err(at(position));
    }
    let mut year: i128 = 0;
    while pos < len.min(position + 19) {
        match digit(pos) {
            Some(d) => {
                year = year * 10 + i128::from(d);
                pos += 1;
            }
            None => break,
        }
    }
    if pos < position + 4 {
        return Err(at(position));
    }
    let width = pos - position;
    if negative {
        if year == 0 {
            return Err(at(position - 1));
        }
        year = -year;
    } else if positive && width <= 4 {
        return Err(at(position - 1));
    } else if !positive && width > 4 {
        return Err(at(position));
    }

    // '-', MM, '-', dd: literals and appendValue(field, 2) (fixed width, no sign).
    let two_digits = |pos: &mut usize| -> Result<i64, String> {
        if *pos == len || chars[*pos] != '-' {
            return Err(at(*pos));
        }
        *pos += 1;
        match (digit(*pos), digit(*pos + 1)) {
            (Some(a), Some(b)) => {
                *pos += 2;
                Ok(i64::from(a * 10 + b))
            }
            _ => Err(at(*pos)),
        }
    };
    let month = two_digits(&mut pos)?;
    let day = two_digits(&mut pos)?;
    if pos != len {
        return Err(format!(
            "Text '{abbr}' could not be parsed, unparsed text found at index {pos}"
        ));
    }

    // STRICT resolution (IsoChronology.resolveYMD, LocalDate.of).
    let resolved = |reason: String| format!("Text '{abbr}' could not be parsed: {reason}");
    if !(-999_999_999..=999_999_999).contains(&year) {
        return Err(resolved(format!(
            "Invalid value for Year (valid values -999999999 - 999999999): {year}"
        )));
    }
    let year = year as i64;
    if !(1..=12).contains(&month) {
        return Err(resolved(format!(
            "Invalid value for MonthOfYear (valid values 1 - 12): {month}"
        )));
    }
    if !(1..=31).contains(&day) {
        return Err(resolved(format!(
            "Invalid value for DayOfMonth (valid values 1 - 28/31): {day}"
        )));
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let max = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > max {
        return Err(resolved(if day == 29 {
            format!("Invalid date 'February 29' as '{year}' is not a leap year")
        } else {
            format!("Invalid date '{} {day}'", MONTH_NAMES[month as usize - 1])
        }));
    }
    Ok(JavaDate {
        year,
        month: month as i8,
        day: day as i8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        parse_strict_date(s).expect_err("invalid")
    }

    #[test]
    fn valid_dates() {
        assert_eq!(
            parse_strict_date("2016-02-29"),
            Ok(JavaDate {
                year: 2016,
                month: 2,
                day: 29
            })
        );
        assert_eq!(parse_strict_date("+20160-01-01").map(|d| d.year), Ok(20160));
        assert_eq!(parse_strict_date("-0001-01-01").map(|d| d.year), Ok(-1));
    }

    #[test]
    fn java_messages() {
        assert_eq!(
            err("2016-02-30"),
            "Text '2016-02-30' could not be parsed: Invalid date 'FEBRUARY 30'"
        );
        assert_eq!(
            err("2015-02-29"),
            "Text '2015-02-29' could not be parsed: Invalid date 'February 29' as '2015' is not a leap year"
        );
        assert_eq!(
            err("2016-04-31"),
            "Text '2016-04-31' could not be parsed: Invalid date 'APRIL 31'"
        );
        assert_eq!(
            err("2016-13-01"),
            "Text '2016-13-01' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13"
        );
        assert_eq!(
            err("2016-01-32"),
            "Text '2016-01-32' could not be parsed: Invalid value for DayOfMonth (valid values 1 - 28/31): 32"
        );
        assert_eq!(
            err("2016/01/01"),
            "Text '2016/01/01' could not be parsed at index 4"
        );
        assert_eq!(
            err("2016-1-01"),
            "Text '2016-1-01' could not be parsed at index 5"
        );
        assert_eq!(
            err("16-01-01"),
            "Text '16-01-01' could not be parsed at index 0"
        );
        assert_eq!(
            err("20160-01-01"),
            "Text '20160-01-01' could not be parsed at index 0"
        );
        assert_eq!(
            err("+2016-01-01"),
            "Text '+2016-01-01' could not be parsed at index 0"
        );
        assert_eq!(err("2016"), "Text '2016' could not be parsed at index 4");
        assert_eq!(err(""), "Text '' could not be parsed at index 0");
        assert_eq!(
            err("2016-01-011"),
            "Text '2016-01-011' could not be parsed, unparsed text found at index 10"
        );
        assert_eq!(
            err("2016-01-01 00:00:00"),
            "Text '2016-01-01 00:00:00' could not be parsed, unparsed text found at index 10"
        );
    }
}
