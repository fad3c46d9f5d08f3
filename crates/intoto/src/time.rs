//! Timestamps as layouts write them (`YYYY-MM-DDTHH:MM:SSZ`), calendar
//! arithmetic for relative expiry dates, and an injectable clock.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use intoto_crypto::calendar::{civil_from_days, days_from_civil, days_in_month};

/// A UTC instant with one-second resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
}

/// Why a timestamp string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The string is not of the form `YYYY-MM-DDTHH:MM:SSZ`.
    #[error("expected 'YYYY-MM-DDTHH:MM:SSZ', got '{0}'")]
    Syntax(String),
    /// The fields are out of range (month 13, day 31 in April, hour 24, ...).
    #[error("'{0}' is not a valid date and time")]
    Range(String),
}

impl Timestamp {
    /// The instant `secs` seconds after 1970-01-01T00:00:00Z.
    pub const fn from_unix(secs: i64) -> Self {
        Self { secs }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn unix(self) -> i64 {
        self.secs
    }

    /// Builds a timestamp from calendar fields, validating every range.
    pub fn from_fields(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        min: u32,
        sec: u32,
    ) -> Option<Self> {
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || min > 59
            || sec > 59
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(Self {
            secs: days * 86_400 + i64::from(hour) * 3600 + i64::from(min) * 60 + i64::from(sec),
        })
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SSZ`, the only form the reference
    /// accepts in a layout's `expires`.
    pub fn parse(s: &str) -> Result<Self, TimestampError> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 20
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(TimestampError::Syntax(s.to_owned()));
        }
        let num = |r: std::ops::Range<usize>| -> u32 {
            s.get(r).and_then(|t| t.parse().ok()).unwrap_or(u32::MAX)
        };
        Self::from_fields(
            i64::from(num(0..4)),
            num(5..7),
            num(8..10),
            num(11..13),
            num(14..16),
            num(17..19),
        )
        .ok_or_else(|| TimestampError::Range(s.to_owned()))
    }

    /// Calendar fields: (year, month, day, hour, minute, second).
    pub fn fields(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // rem is in 0..86400, so these fit in u32.
        let rem = u32::try_from(rem).unwrap_or(0);
        (y, m, d, rem / 3600, rem / 60 % 60, rem % 60)
    }

    /// Adds calendar years, months and days the way Python's
    /// `dateutil.relativedelta` does: years and months first, clamping the
    /// day to the end of the month (Jan 31 + 1 month = Feb 28/29), then days.
    pub fn add_relative(self, years: i64, months: i64, days: i64) -> Self {
        let (y, m, d, hh, mm, ss) = self.fields();
        let total = y * 12 + i64::from(m) - 1 + years * 12 + months;
        let ny = total.div_euclid(12);
        let nm = u32::try_from(total.rem_euclid(12) + 1).unwrap_or(1);
        let nd = d.min(days_in_month(ny, nm));
        let base = days_from_civil(ny, nm, nd) + days;
        Self {
            secs: base * 86_400 + i64::from(hh) * 3600 + i64::from(mm) * 60 + i64::from(ss),
        }
    }

    /// Adds (or, when negative, subtracts) seconds.
    pub fn add_seconds(self, secs: i64) -> Self {
        Self {
            secs: self.secs.saturating_add(secs),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d, hh, mm, ss) = self.fields();
        write!(f, "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
    }
}

/// Where "now" comes from. Verification takes a clock so that fixtures with
/// fixed expiry dates never rot in tests.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let secs = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Timestamp::from_unix(secs)
    }
}

/// A clock stopped at one instant, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_validation() {
        let t = Timestamp::parse("2030-01-01T00:00:00Z").unwrap();
        assert_eq!(t.unix(), 1_893_456_000);
        assert_eq!(t.to_string(), "2030-01-01T00:00:00Z");
        assert_eq!(Timestamp::parse("1969-12-31T23:59:59Z").unwrap().unix(), -1);
        for bad in [
            "2030-13-01T00:00:00Z",
            "2030-02-30T00:00:00Z",
            "2030-01-01T24:00:00Z",
        ] {
            assert!(
                matches!(Timestamp::parse(bad), Err(TimestampError::Range(_))),
                "{bad}"
            );
        }
        for bad in [
            "2030-01-01T00:00:00.5Z",
            "2030-01-01 00:00:00Z",
            "2030-1-01T00:00:00Z",
            "",
        ] {
            assert!(
                matches!(Timestamp::parse(bad), Err(TimestampError::Syntax(_))),
                "{bad}"
            );
        }
        assert!(Timestamp::parse("2024-02-29T12:00:00Z").is_ok());
        assert!(Timestamp::parse("2023-02-29T12:00:00Z").is_err());
    }

    #[test]
    fn relativedelta_clamps_the_day() {
        let t = Timestamp::parse("2025-01-31T10:11:12Z").unwrap();
        assert_eq!(t.add_relative(0, 1, 0).to_string(), "2025-02-28T10:11:12Z");
        assert_eq!(t.add_relative(0, 13, 0).to_string(), "2026-02-28T10:11:12Z");
        assert_eq!(t.add_relative(1, 0, 1).to_string(), "2026-02-01T10:11:12Z");
        assert_eq!(t.add_relative(0, -2, 0).to_string(), "2024-11-30T10:11:12Z");
        let leap = Timestamp::parse("2024-02-29T00:00:00Z").unwrap();
        assert_eq!(
            leap.add_relative(1, 0, 0).to_string(),
            "2025-02-28T00:00:00Z"
        );
    }
}
