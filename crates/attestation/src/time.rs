//! Timestamps (field_types.md): RFC 3339 in UTC, written with `Z`.

use std::fmt;

use intoto_crypto::calendar::{civil_from_days, days_from_civil, days_in_month};

use crate::error::{Error, Result};

/// An RFC 3339 timestamp in UTC (`YYYY-MM-DDTHH:MM:SS[.fraction]Z`),
/// kept as written so that it round-trips byte for byte.
///
/// Dates are checked (no 30 February), a leap second `:60` is allowed as
/// RFC 3339 allows it, and `T` and `Z` must be upper case, as the
/// specification writes them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(String);

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Timestamp {
    /// Parses a timestamp; `None` if it is not RFC 3339 UTC.
    pub fn parse(text: &str) -> Option<Self> {
        let (main, rest) = (text.get(..19)?, text.get(19..)?);
        let b = main.as_bytes();
        if b.get(4) != Some(&b'-')
            || b.get(7) != Some(&b'-')
            || b.get(10) != Some(&b'T')
            || b.get(13) != Some(&b':')
            || b.get(16) != Some(&b':')
        {
            return None;
        }
        let year = digits(main.get(0..4)?)?;
        let month = digits(main.get(5..7)?)?;
        let day = digits(main.get(8..10)?)?;
        let hour = digits(main.get(11..13)?)?;
        let minute = digits(main.get(14..16)?)?;
        let second = digits(main.get(17..19)?)?;
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(i64::from(year), month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let fraction = rest.strip_suffix('Z')?;
        if let Some(frac) = fraction.strip_prefix('.') {
            if frac.is_empty() || !frac.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
        } else if !fraction.is_empty() {
            return None;
        }
        Some(Self(text.to_owned()))
    }

    pub(crate) fn read(field: &str, text: &str) -> Result<Self> {
        Self::parse(text).ok_or_else(|| Error::Timestamp {
            field: field.to_owned(),
            value: text.to_owned(),
        })
    }

    /// The timestamp of `seconds` since the Unix epoch, written
    /// `YYYY-MM-DDTHH:MM:SSZ`. `None` outside the years 0000 to 9999.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        let days = seconds.div_euclid(86_400);
        let secs = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        if !(0..=9999).contains(&year) {
            return None;
        }
        Some(Self(format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )))
    }

    /// Whole seconds since the Unix epoch (the fraction is dropped; a leap
    /// second counts as the next second).
    pub fn unix_seconds(&self) -> i64 {
        let n = |r: std::ops::Range<usize>| {
            self.0
                .get(r)
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or_default()
        };
        let small = |r: std::ops::Range<usize>| u32::try_from(n(r)).unwrap_or_default();
        days_from_civil(n(0..4), small(5..7), small(8..10)) * 86_400
            + n(11..13) * 3600
            + n(14..16) * 60
            + n(17..19)
    }

    /// The timestamp as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn accepted() {
        for t in [
            "1985-04-12T23:20:50.52Z",
            "2024-02-29T00:00:00Z",
            "2016-12-31T23:59:60Z",
            "0000-01-01T00:00:00Z",
            "2030-01-01T00:00:00.123456789123Z",
        ] {
            assert_eq!(Timestamp::parse(t).unwrap().as_str(), t);
        }
    }

    #[test]
    fn refused() {
        for t in [
            "",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01t00:00:00Z",
            "2024-01-01T00:00:00z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00+00:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00.1x2Z",
            "2024-01-01 00:00:00Z",
            "+024-01-01T00:00:00Z",
            "2024-1-01T00:00:00Z",
            "2024-01-01T00:00:00ZZ",
        ] {
            assert!(Timestamp::parse(t).is_none(), "{t}");
        }
    }

    #[test]
    fn unix_round_trip() {
        for (secs, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_893_456_000, "2030-01-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
        ] {
            let t = Timestamp::from_unix(secs).unwrap();
            assert_eq!(t.as_str(), text);
            assert_eq!(t.unix_seconds(), secs);
        }
        assert!(Timestamp::from_unix(i64::MAX).is_none());
        assert!(Timestamp::from_unix(i64::MIN).is_none());
        assert_eq!(
            Timestamp::from_unix(253_402_300_799).unwrap().as_str(),
            "9999-12-31T23:59:59Z"
        );
        assert!(Timestamp::from_unix(253_402_300_800).is_none());
        assert_eq!(
            Timestamp::parse("1985-04-12T23:20:50.52Z")
                .unwrap()
                .unix_seconds(),
            482_196_050
        );
    }
}
