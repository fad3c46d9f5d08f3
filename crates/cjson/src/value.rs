//! The JSON value model: integers of any size, no silent float conversion.

use std::fmt;

use crate::map::Map;

/// A JSON number, kept as the decimal text it was read from (or written as),
/// so that integers of any size survive a round trip.
///
/// Integers are always held in Python's `str(int)` form (no leading zeros,
/// `-0` is read as `0`), so two integer `Number`s are equal exactly when
/// Python's ints are. Numbers with a fraction or exponent keep the text as
/// written (`1E5` stays `1E5`); the writers decide what to do with them.
///
/// Unlike CPython 3.11, which refuses to convert integers of more than 4300
/// digits (`sys.set_int_max_str_digits`), integers here have no size limit
/// beyond the reader's [`Limits::max_bytes`](crate::Limits::max_bytes).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Number(String);

impl Number {
    /// Wraps number text that is already known to be valid JSON number syntax.
    pub(crate) fn from_text_unchecked(text: String) -> Self {
        Self(text)
    }

    /// The number as written in JSON.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the number is an integer (no fraction and no exponent).
    pub fn is_integer(&self) -> bool {
        !self.0.contains(['.', 'e', 'E'])
    }

    /// The number as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integer() {
            self.0.parse().ok()
        } else {
            None
        }
    }

    /// The number as a `u64`, if it is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        if self.is_integer() {
            self.0.parse().ok()
        } else {
            None
        }
    }

    /// The nearest `f64` (what Python's `float()` gives), for any number;
    /// may be infinite for huge numbers.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse().ok()
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Self(n.to_string())
    }
}

/// Integer conversions besides `i64`, all exact.
macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(n: $t) -> Self {
                Self(n.to_string())
            }
        }

        impl From<$t> for Value {
            fn from(n: $t) -> Self {
                Self::Number(Number::from(n))
            }
        }
    )*};
}

number_from_int!(i32, u32, u64, usize);

/// A JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number; see [`Number`].
    Number(Number),
    /// A string (always valid UTF-8, so lone surrogates cannot be represented).
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object with sorted keys.
    Object(Map),
}

impl Default for Value {
    /// `null`, so that [`std::mem::take`] works on values.
    fn default() -> Self {
        Self::Null
    }
}

impl Value {
    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Self::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The integer, if this is a non-negative integer that fits in a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }

    /// The object, mutably, if this is one.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Self::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The array, mutably, if this is one.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Self::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The object, by value; gives the value back if it is something else.
    pub fn into_object(self) -> Result<Map, Value> {
        match self {
            Self::Object(m) => Ok(m),
            other => Err(other),
        }
    }

    /// The array, by value; gives the value back if it is something else.
    pub fn into_array(self) -> Result<Vec<Value>, Value> {
        match self {
            Self::Array(a) => Ok(a),
            other => Err(other),
        }
    }

    /// The string, by value; gives the value back if it is something else.
    pub fn into_string(self) -> Result<String, Value> {
        match self {
            Self::String(s) => Ok(s),
            other => Err(other),
        }
    }

    /// Member `key` of an object, mutably; `None` for a missing key or a
    /// non-object.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.as_object_mut().and_then(|m| m.get_mut(key))
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Self::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Self::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The integer, if this is an integer that fits in an `i64`.
    /// Booleans are not integers here (unlike Python).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Member `key` of an object; `None` for a missing key or a non-object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|m| m.get(key))
    }

    /// The name of the value's JSON type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "boolean",
            Self::Number(_) => "number",
            Self::String(_) => "string",
            Self::Array(_) => "array",
            Self::Object(_) => "object",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Self::Number(Number::from(n))
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Self::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Self {
        Self::Array(a)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Self::Object(m)
    }
}

impl<T: Into<Value>> FromIterator<T> for Value {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self::Array(iter.into_iter().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::from_slice;

    #[test]
    fn accessors() {
        let mut v = from_slice(
            br#"{"a": [1, 2], "n": null, "s": "x", "big": 18446744073709551616, "f": 2.5}"#,
        )
        .unwrap();
        assert!(v.get("n").unwrap().is_null());
        assert!(!v.get("s").unwrap().is_null());
        assert_eq!(v.get("a").unwrap().as_array().unwrap().len(), 2);
        assert_eq!(v.get("big").unwrap().as_u64(), None);
        assert_eq!(
            v.get("big").unwrap().as_number().unwrap().as_f64(),
            Some(18446744073709551616.0)
        );
        assert_eq!(v.get("f").unwrap().as_i64(), None);
        assert_eq!(v.get("f").unwrap().as_number().unwrap().as_f64(), Some(2.5));
        assert_eq!(v.get("a").unwrap().as_array().unwrap()[1].as_u64(), Some(2));

        v.get_mut("a")
            .unwrap()
            .as_array_mut()
            .unwrap()
            .push(Value::from(3u64));
        v.as_object_mut().unwrap().remove("n");
        let taken = std::mem::take(v.get_mut("s").unwrap());
        assert_eq!(taken.into_string(), Ok("x".to_owned()));
        assert!(v.get("s").unwrap().is_null());

        let map = v.clone().into_object().unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "big", "f", "s"]);
        let arr = map.get("a").unwrap().clone().into_array().unwrap();
        assert_eq!(arr, vec![Value::from(1), Value::from(2), Value::from(3)]);
        assert_eq!(Value::from(true).into_object(), Err(Value::Bool(true)));
        assert_eq!(Value::Null.into_array(), Err(Value::Null));
        assert!(Value::from(1).as_object_mut().is_none());
    }

    #[test]
    fn integer_conversions() {
        assert_eq!(Value::from(-5i32).as_i64(), Some(-5));
        assert_eq!(Value::from(u64::MAX).as_u64(), Some(u64::MAX));
        assert_eq!(Value::from(u64::MAX).as_i64(), None);
        assert_eq!(Value::from(7usize), Value::from(7i64));
        assert_eq!(Value::from(Number::from(3u32)), Value::from(3));
        assert_eq!(Number::from(-1i32).as_u64(), None);
    }
}
