//! `expires` as people write it: a date, a date and time, or a duration from now.

use toml::value::{Datetime, Offset};

use crate::time::Timestamp;

/// The largest count allowed for one unit of a relative expiry.
const MAX_COUNT: i64 = 10_000;

/// The latest expiry a layout can carry (the reference writes four-digit years).
const MAX_YEAR: i64 = 9999;

/// An expiry as written in a TOML layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// A fixed instant.
    At(Timestamp),
    /// A calendar duration from now, added like Python's `relativedelta`.
    In {
        /// Years.
        years: i64,
        /// Months.
        months: i64,
        /// Days (weeks count seven).
        days: i64,
    },
}

impl Expiry {
    /// The instant this expiry stands for, given the current time.
    pub fn resolve(self, now: Timestamp) -> Timestamp {
        match self {
            Self::At(t) => t,
            Self::In {
                years,
                months,
                days,
            } => now.add_relative(years, months, days),
        }
    }

    /// Reads a TOML datetime: a date (midnight UTC), or a date and time with
    /// `Z` or an offset. Times without an offset are refused as ambiguous.
    pub fn from_datetime(dt: &Datetime) -> Result<Self, String> {
        let Some(date) = dt.date else {
            return Err("a time of day without a date is not an expiry".into());
        };
        let (hour, minute, second) = match dt.time {
            None => (0, 0, 0),
            Some(t) => {
                if t.nanosecond.is_some_and(|n| n != 0) {
                    return Err(
                        "fractional seconds are not supported (layouts carry whole seconds)".into(),
                    );
                }
                (t.hour, t.minute, t.second.unwrap_or(0))
            }
        };
        let offset_minutes = match (dt.time, dt.offset) {
            (None, _) => 0,
            (Some(_), Some(Offset::Z)) => 0,
            (Some(_), Some(Offset::Custom { minutes })) => i64::from(minutes),
            (Some(_), None) => {
                return Err(
                    "a date and time without 'Z' or an offset is ambiguous; write e.g. 2027-01-01T12:00:00Z"
                        .into(),
                );
            }
        };
        let local = Timestamp::from_fields(
            i64::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
            u32::from(hour),
            u32::from(minute),
            u32::from(second),
        )
        .ok_or_else(|| "not a valid date and time".to_owned())?;
        Ok(Self::At(local.add_seconds(-offset_minutes * 60)))
    }

    /// Reads a string: a relative duration (`"4 months"`, `"1 year 2 months"`,
    /// `"30 days"`, `"2 weeks"`), or a date or date and time as in TOML
    /// (`"2027-01-01"`, `"2027-01-01T00:00:00Z"`).
    pub fn from_text(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        // Dates and times always contain '-' or ':'; durations never do.
        if !trimmed.contains(['-', ':']) {
            return relative(trimmed);
        }
        match trimmed.parse::<Datetime>() {
            Ok(dt) => Self::from_datetime(&dt),
            Err(_) => Err(
                "expected a date (2027-01-01), a date and time (2027-01-01T00:00:00Z) or a duration (\"4 months\", \"1 year 2 months\", \"30 days\")"
                    .into(),
            ),
        }
    }
}

fn relative(text: &str) -> Result<Expiry, String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || !words.len().is_multiple_of(2) {
        return Err("a duration is pairs of a number and a unit, e.g. \"1 year 2 months\"".into());
    }
    let (mut years, mut months, mut weeks, mut days) = (None, None, None, None);
    for pair in words.chunks(2) {
        let (count, unit) = match pair {
            [c, u] => (*c, u.to_ascii_lowercase()),
            _ => return Err("a duration is pairs of a number and a unit".into()),
        };
        let n: i64 = count
            .parse()
            .ok()
            .filter(|n| (0..=MAX_COUNT).contains(n))
            .ok_or_else(|| format!("'{count}' is not a whole number from 0 to {MAX_COUNT}"))?;
        let slot = match unit.as_str() {
            "year" | "years" => &mut years,
            "month" | "months" => &mut months,
            "week" | "weeks" => &mut weeks,
            "day" | "days" => &mut days,
            other => {
                return Err(format!(
                    "unknown unit '{other}' (use years, months, weeks or days)"
                ));
            }
        };
        if slot.replace(n).is_some() {
            return Err(format!("the unit '{unit}' is given twice"));
        }
    }
    Ok(Expiry::In {
        years: years.unwrap_or(0),
        months: months.unwrap_or(0),
        days: weeks.unwrap_or(0) * 7 + days.unwrap_or(0),
    })
}

/// Checks that `expires` lies after `now` and within four-digit years.
pub(crate) fn check_range(expires: Timestamp) -> Result<(), String> {
    if expires.fields().0 > MAX_YEAR {
        return Err(format!("{expires} is after the year {MAX_YEAR}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::parse("2026-01-31T10:00:00Z").unwrap()
    }

    fn at(text: &str) -> String {
        Expiry::from_text(text).unwrap().resolve(now()).to_string()
    }

    #[test]
    fn relative_durations_use_calendar_arithmetic() {
        assert_eq!(at("4 months"), "2026-05-31T10:00:00Z");
        assert_eq!(at("1 month"), "2026-02-28T10:00:00Z");
        assert_eq!(at("1 year 2 months"), "2027-03-31T10:00:00Z");
        assert_eq!(at("30 days"), "2026-03-02T10:00:00Z");
        assert_eq!(at("2 weeks, 1 day"), "2026-02-15T10:00:00Z");
        assert_eq!(at(" 1 YEAR "), "2027-01-31T10:00:00Z");
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(at("2027-01-01"), "2027-01-01T00:00:00Z");
        assert_eq!(at("2027-01-01T12:30:00Z"), "2027-01-01T12:30:00Z");
        assert_eq!(at("2027-01-01T12:30:00+02:00"), "2027-01-01T10:30:00Z");
        assert_eq!(at("2027-01-01 12:30:00-01:30"), "2027-01-01T14:00:00Z");
    }

    #[test]
    fn bad_expiries_say_why() {
        for (text, needle) in [
            ("4 moons", "unknown unit 'moons'"),
            ("4", "pairs of a number and a unit"),
            ("months 4", "'months' is not a whole number"),
            ("1 month 2 months", "given twice"),
            ("99999 days", "not a whole number"),
            ("-1 days", "expected a date"),
            ("2027-13-01", "expected a date"),
            ("2027-01-01T12:00:00", "ambiguous"),
            ("2027-01-01T12:00:00.5Z", "fractional"),
            ("12:00:00", "without a date"),
            ("soon", "pairs of a number and a unit"),
            ("", "pairs of a number and a unit"),
            ("2027/01/01", "pairs of a number and a unit"),
        ] {
            let err = Expiry::from_text(text).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
        assert!(check_range(Timestamp::parse("9999-12-31T23:59:59Z").unwrap()).is_ok());
        let far = Expiry::from_text("10000 years").unwrap().resolve(now());
        assert!(
            check_range(far)
                .unwrap_err()
                .contains("after the year 9999")
        );
    }
}
