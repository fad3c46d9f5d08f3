//! Unit tests of the reader: one per grammar rule and per error kind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

fn ok(doc: &str) -> Value {
    from_slice(doc.as_bytes()).unwrap_or_else(|e| panic!("{doc:?}: {e}"))
}

fn err(doc: &[u8]) -> ParseError {
    match from_slice(doc) {
        Ok(v) => panic!("{:?} was accepted as {v:?}", String::from_utf8_lossy(doc)),
        Err(e) => e,
    }
}

fn kind(doc: &[u8]) -> ParseErrorKind {
    err(doc).kind().clone()
}

fn num(text: &str) -> Value {
    Value::Number(Number::from_text_unchecked(text.to_owned()))
}

#[test]
fn scalars() {
    assert_eq!(ok("null"), Value::Null);
    assert_eq!(ok("true"), Value::Bool(true));
    assert_eq!(ok("false"), Value::Bool(false));
    assert_eq!(ok("\"x\""), Value::from("x"));
    assert_eq!(ok("0"), Value::from(0));
    assert_eq!(ok("-12"), Value::from(-12));
}

#[test]
fn containers() {
    assert_eq!(ok("[]"), Value::Array(vec![]));
    assert_eq!(ok("{}"), Value::Object(Map::new()));
    assert_eq!(
        ok("[1,[2,{}],{\"a\":[]}]"),
        Value::Array(vec![
            Value::from(1),
            Value::Array(vec![Value::from(2), Value::Object(Map::new())]),
            Value::Object(Map::from([("a".to_owned(), Value::Array(vec![]))])),
        ])
    );
    let v = ok("{\"b\":1,\"a\":{\"c\":null}}");
    assert_eq!(v.get("b"), Some(&Value::from(1)));
    assert_eq!(v.get("a").and_then(|a| a.get("c")), Some(&Value::Null));
}

#[test]
fn whitespace_is_space_tab_lf_cr_only() {
    assert_eq!(ok(" \t\r\n[ 1 ,\t2\n]\r\n "), ok("[1,2]"));
    assert_eq!(ok("{ \"a\" : 1 }"), ok("{\"a\":1}"));
    for ws in ["\u{b}", "\u{c}", "\u{a0}", "\u{2028}", "\u{3000}"] {
        let doc = format!("[1,{ws}2]");
        assert!(
            matches!(
                kind(doc.as_bytes()),
                ParseErrorKind::UnexpectedCharacter { .. }
            ),
            "{ws:?}"
        );
    }
}

#[test]
fn empty_input() {
    assert_eq!(
        kind(b""),
        ParseErrorKind::UnexpectedEnd {
            expected: EXPECT_VALUE
        }
    );
    assert_eq!(
        kind(b"  \n "),
        ParseErrorKind::UnexpectedEnd {
            expected: EXPECT_VALUE
        }
    );
}

#[test]
fn byte_order_mark() {
    let e = err(b"\xEF\xBB\xBF{}");
    assert_eq!(e.kind(), &ParseErrorKind::ByteOrderMark);
    assert_eq!((e.line(), e.column(), e.offset()), (1, 1, 0));
    // Elsewhere it is just a character that is not whitespace.
    assert_eq!(
        kind(" \u{feff}{}".as_bytes()),
        ParseErrorKind::UnexpectedCharacter {
            found: '\u{feff}',
            expected: EXPECT_VALUE
        }
    );
}

#[test]
fn invalid_utf8() {
    for doc in [
        &b"\"\xff\""[..],
        b"\"\xc3\"",
        b"\"\xed\xa0\x80\"", // an encoded surrogate (CESU-8)
        b"\"\xc0\xaf\"",     // overlong
        b"[1,\xfe]",
    ] {
        assert_eq!(kind(doc), ParseErrorKind::InvalidUtf8, "{doc:?}");
    }
    let e = err(b"[\n\"ab\xff\"]");
    assert_eq!((e.line(), e.column(), e.offset()), (2, 4, 5));
}

#[test]
fn literals() {
    for doc in ["tru", "nul", "fals", "True", "nulL", "t"] {
        let k = kind(doc.as_bytes());
        assert!(
            matches!(
                k,
                ParseErrorKind::InvalidLiteral | ParseErrorKind::UnexpectedCharacter { .. }
            ),
            "{doc}: {k:?}"
        );
    }
    assert_eq!(kind(b"nul"), ParseErrorKind::InvalidLiteral);
    assert_eq!(kind(b"truex"), ParseErrorKind::TrailingData { found: 'x' });
    assert_eq!(kind(b"None"), ParseErrorKind::InvalidLiteral);
}

#[test]
fn nan_and_infinity() {
    for (doc, literal, offset) in [
        ("NaN", "NaN", 0),
        ("[Infinity]", "Infinity", 1),
        ("[1, -Infinity]", "-Infinity", 4),
    ] {
        let e = err(doc.as_bytes());
        assert_eq!(
            e.kind(),
            &ParseErrorKind::NonFiniteNumber { literal },
            "{doc}"
        );
        assert_eq!(e.offset(), offset, "{doc}");
    }
    assert_eq!(kind(b"Inf"), ParseErrorKind::InvalidLiteral);
    assert_eq!(kind(b"-Inf"), ParseErrorKind::InvalidLiteral);
    assert_eq!(kind(b"nan"), ParseErrorKind::InvalidLiteral);
}

#[test]
fn integers_keep_their_text() {
    assert_eq!(
        ok("12345678901234567890123"),
        num("12345678901234567890123")
    );
    assert_eq!(
        ok("-99999999999999999999999999999999999999"),
        num("-99999999999999999999999999999999999999")
    );
    assert_eq!(
        ok("-0"),
        Value::from(0),
        "-0 is the integer 0, as in Python"
    );
    assert!(ok("-0").as_number().is_some_and(Number::is_integer));
}

#[test]
fn floats_keep_their_text() {
    for text in [
        "1.5", "-0.0", "1E5", "1e+5", "1e-5", "0.1e10", "-0e0", "1e400", "10.010",
    ] {
        assert_eq!(ok(text), num(text), "{text}");
        assert!(!ok(text).as_number().unwrap().is_integer());
    }
}

#[test]
fn number_grammar() {
    let leading_zero = ParseErrorKind::InvalidNumber {
        reason: "leading zeros are not allowed",
    };
    assert_eq!(kind(b"01"), leading_zero);
    assert_eq!(kind(b"-01"), leading_zero);
    assert_eq!(kind(b"[00]"), leading_zero);
    assert_eq!(
        kind(b"+1"),
        ParseErrorKind::InvalidNumber {
            reason: "a number cannot start with '+'"
        }
    );
    assert_eq!(
        kind(b".5"),
        ParseErrorKind::InvalidNumber {
            reason: "a number cannot start with '.'"
        }
    );
    let after_minus = ParseErrorKind::InvalidNumber {
        reason: "a digit must follow '-'",
    };
    assert_eq!(kind(b"-"), after_minus);
    assert_eq!(kind(b"-a"), after_minus);
    assert_eq!(kind(b"[- 1]"), after_minus);
    let after_dot = ParseErrorKind::InvalidNumber {
        reason: "a digit must follow '.'",
    };
    assert_eq!(kind(b"1."), after_dot);
    assert_eq!(kind(b"1.e5"), after_dot);
    assert_eq!(kind(b"-0.]"), after_dot);
    let exponent = ParseErrorKind::InvalidNumber {
        reason: "the exponent needs digits",
    };
    assert_eq!(kind(b"1e"), exponent);
    assert_eq!(kind(b"1E+"), exponent);
    assert_eq!(kind(b"1e-x"), exponent);
    // Things that end a number early and leave junk behind.
    assert_eq!(kind(b"1.5.2"), ParseErrorKind::TrailingData { found: '.' });
    assert_eq!(kind(b"0x10"), ParseErrorKind::TrailingData { found: 'x' });
    assert_eq!(kind(b"1_000"), ParseErrorKind::TrailingData { found: '_' });
    assert_eq!(
        kind(b"[1 2]"),
        ParseErrorKind::UnexpectedCharacter {
            found: '2',
            expected: EXPECT_ARRAY_NEXT
        }
    );
}

#[test]
fn string_escapes() {
    assert_eq!(
        ok(r#""\" \\ \/ \b \f \n \r \t""#),
        Value::from("\" \\ / \u{8} \u{c} \n \r \t")
    );
    assert_eq!(
        ok(r#""\u0041\u00e9\u00E9\u20ac\u0000""#),
        Value::from("Aéé€\0")
    );
    assert_eq!(ok(r#""\ud83d\ude00""#), Value::from("😀"));
    assert_eq!(ok(r#""\uD83D\uDE00x""#), Value::from("😀x"));
    assert_eq!(ok(r#""\uffff""#), Value::from("\u{ffff}"));
    assert_eq!(ok("\"raw é😀\u{7f}\""), Value::from("raw é😀\u{7f}"));
    assert_eq!(ok(r#""a\nb" "#), Value::from("a\nb"));
}

#[test]
fn invalid_escapes() {
    for (doc, found) in [
        (r#""\x""#, 'x'),
        (r#""\'""#, '\''),
        (r#""\U0041""#, 'U'),
        ("\"\\é\"", 'é'),
    ] {
        let e = err(doc.as_bytes());
        assert_eq!(e.kind(), &ParseErrorKind::InvalidEscape { found }, "{doc}");
        assert_eq!(e.offset(), 1);
    }
    for doc in [
        r#""\u12""#,
        r#""\u12g4""#,
        r#""\u""#,
        r#""\u 123""#,
        r#""\ud83d\u12""#,
    ] {
        assert_eq!(
            kind(doc.as_bytes()),
            ParseErrorKind::InvalidUnicodeEscape,
            "{doc}"
        );
    }
}

#[test]
fn lone_surrogates() {
    for (doc, code, offset) in [
        (r#""\ud800""#, 0xd800, 1),
        (r#""ab\udfff""#, 0xdfff, 3),
        (r#""\ud83dx""#, 0xd83d, 1),
        (r#""\ud83d\u0041""#, 0xd83d, 1),
        (r#""\ud83d\ud83d\ude00""#, 0xd83d, 1),
        (r#""\ude00\ud83d""#, 0xde00, 1),
        (r#""\ud83d\n""#, 0xd83d, 1),
    ] {
        let e = err(doc.as_bytes());
        assert_eq!(e.kind(), &ParseErrorKind::LoneSurrogate { code }, "{doc}");
        assert_eq!(e.offset(), offset, "{doc}");
    }
}

#[test]
fn raw_control_characters() {
    for code in 0u8..0x20 {
        let doc = [b'"', b'a', code, b'"'];
        let e = err(&doc);
        assert_eq!(e.kind(), &ParseErrorKind::ControlCharacter { code });
        assert_eq!(e.offset(), 2);
    }
    // Also after an escape (the slow path).
    assert_eq!(
        kind(b"\"\\n\t\""),
        ParseErrorKind::ControlCharacter { code: 9 }
    );
    // DEL is not a control character for JSON.
    assert_eq!(ok("\"\u{7f}\""), Value::from("\u{7f}"));
}

#[test]
fn unterminated_strings() {
    for doc in [&b"\""[..], b"\"abc", b"\"a\\\"", b"\"\\", b"[\"a\\u00e9"] {
        let e = err(doc);
        assert_eq!(e.kind(), &ParseErrorKind::UnterminatedString, "{doc:?}");
        assert_eq!(e.offset(), doc.len());
    }
}

#[test]
fn duplicate_keys() {
    let e = err(b"{\n \"signed\": {},\n \"x\": 1,\n \"signed\": []\n}");
    assert_eq!(
        e.kind(),
        &ParseErrorKind::DuplicateKey {
            key: "signed".to_owned()
        }
    );
    assert_eq!((e.line(), e.column()), (4, 2));
    assert_eq!(e.to_string(), "duplicate key \"signed\" at line 4 column 2");
    // Escapes are decoded before comparing.
    assert_eq!(
        kind(br#"{"\u0061":1,"a":2}"#),
        ParseErrorKind::DuplicateKey {
            key: "a".to_owned()
        }
    );
    // Nested objects have their own keys; no normalisation is applied.
    ok(r#"{"a":{"a":1},"b":{"a":2}}"#);
    ok("{\"e\u{301}\":1,\"\u{e9}\":2}");
    assert!(matches!(
        kind(br#"[{"k":1},{"k":1,"k":1}]"#),
        ParseErrorKind::DuplicateKey { .. }
    ));
}

#[test]
fn keys_in_any_order() {
    // Members come out sorted whatever order they were written in.
    let v = ok(r#"{"c": 1, "a": {"z": 2, "y": 3}, "b": 4}"#);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(v, ok(r#"{"a": {"y": 3, "z": 2}, "b": 4, "c": 1}"#));
    assert_eq!(v.get("a").unwrap().get("z"), Some(&num("2")));
    // A duplicate is found wherever it is: right after its twin, before
    // or after the keys stop being sorted, and named where it is written.
    for (doc, key, column) in [
        (r#"{"a":1,"a":2}"#, "a", 8),
        (r#"{"a":1,"b":2,"a":3}"#, "a", 14),
        (r#"{"b":1,"a":2,"b":3}"#, "b", 14),
        (r#"{"c":1,"a":2,"b":3,"a":4}"#, "a", 20),
        (r#"{"c":1,"a":2,"d":3,"c":4}"#, "c", 20),
        (r#"{"b":1,"a":2,"c":3,"c":4}"#, "c", 20),
    ] {
        let e = err(doc.as_bytes());
        assert_eq!(
            e.kind(),
            &ParseErrorKind::DuplicateKey {
                key: key.to_owned()
            },
            "{doc}"
        );
        assert_eq!((e.line(), e.column()), (1, column), "{doc}");
    }
    // Many keys in reverse order: sorted once, at the end.
    let n = 20_000;
    let mut doc = String::from("{");
    for i in (0..n).rev() {
        doc.push_str(&format!("\"k{i:06}\": {i}"));
        doc.push_str(if i == 0 { "}" } else { ", " });
    }
    let v = ok(&doc);
    let map = v.as_object().unwrap();
    assert_eq!(map.len(), n);
    assert!(map.keys().is_sorted());
    assert_eq!(map.get("k000123"), Some(&num("123")));
    let dup = format!("{}, \"k000007\": 1}}", doc.trim_end_matches('}'));
    assert_eq!(
        kind(dup.as_bytes()),
        ParseErrorKind::DuplicateKey {
            key: "k000007".to_owned()
        }
    );
}

#[test]
fn structure_errors() {
    let cases: &[(&[u8], ParseErrorKind)] = &[
        (
            b"[1,]",
            ParseErrorKind::UnexpectedCharacter {
                found: ']',
                expected: EXPECT_VALUE,
            },
        ),
        (
            b"[,1]",
            ParseErrorKind::UnexpectedCharacter {
                found: ',',
                expected: EXPECT_VALUE,
            },
        ),
        (
            b"[1",
            ParseErrorKind::UnexpectedEnd {
                expected: EXPECT_ARRAY_NEXT,
            },
        ),
        (
            b"[",
            ParseErrorKind::UnexpectedEnd {
                expected: EXPECT_VALUE,
            },
        ),
        (
            b"[1}",
            ParseErrorKind::UnexpectedCharacter {
                found: '}',
                expected: EXPECT_ARRAY_NEXT,
            },
        ),
        (
            b"{",
            ParseErrorKind::UnexpectedEnd {
                expected: EXPECT_KEY_OR_END,
            },
        ),
        (
            b"{1:2}",
            ParseErrorKind::UnexpectedCharacter {
                found: '1',
                expected: EXPECT_KEY_OR_END,
            },
        ),
        (
            b"{'a':2}",
            ParseErrorKind::UnexpectedCharacter {
                found: '\'',
                expected: EXPECT_KEY_OR_END,
            },
        ),
        (
            b"{\"a\":1,}",
            ParseErrorKind::UnexpectedCharacter {
                found: '}',
                expected: EXPECT_KEY,
            },
        ),
        (
            b"{\"a\":1,",
            ParseErrorKind::UnexpectedEnd {
                expected: EXPECT_KEY,
            },
        ),
        (
            b"{\"a\" 1}",
            ParseErrorKind::UnexpectedCharacter {
                found: '1',
                expected: EXPECT_COLON,
            },
        ),
        (
            b"{\"a\"",
            ParseErrorKind::UnexpectedEnd {
                expected: EXPECT_COLON,
            },
        ),
        (
            b"{\"a\":}",
            ParseErrorKind::UnexpectedCharacter {
                found: '}',
                expected: EXPECT_VALUE,
            },
        ),
        (
            b"{\"a\":1]",
            ParseErrorKind::UnexpectedCharacter {
                found: ']',
                expected: EXPECT_OBJECT_NEXT,
            },
        ),
        (
            b"{\"a\":1",
            ParseErrorKind::UnexpectedEnd {
                expected: EXPECT_OBJECT_NEXT,
            },
        ),
        (
            b"{\"a\":1 \"b\":2}",
            ParseErrorKind::UnexpectedCharacter {
                found: '"',
                expected: EXPECT_OBJECT_NEXT,
            },
        ),
        (
            b"]",
            ParseErrorKind::UnexpectedCharacter {
                found: ']',
                expected: EXPECT_VALUE,
            },
        ),
        (
            b"/* c */ 1",
            ParseErrorKind::UnexpectedCharacter {
                found: '/',
                expected: EXPECT_VALUE,
            },
        ),
        (b"{} {}", ParseErrorKind::TrailingData { found: '{' }),
        (b"1 2", ParseErrorKind::TrailingData { found: '2' }),
        (b"[]]", ParseErrorKind::TrailingData { found: ']' }),
        (b"null\x00", ParseErrorKind::TrailingData { found: '\0' }),
        (
            "\"a\"é".as_bytes(),
            ParseErrorKind::TrailingData { found: 'é' },
        ),
    ];
    for (doc, want) in cases {
        assert_eq!(&kind(doc), want, "{:?}", String::from_utf8_lossy(doc));
    }
}

#[test]
fn positions_are_one_based_lines_and_character_columns() {
    let e = err(b"[1,]");
    assert_eq!((e.line(), e.column(), e.offset()), (1, 4, 3));
    assert_eq!(
        e.to_string(),
        "unexpected character ']', expected a JSON value at line 1 column 4"
    );
    // Columns count characters, not bytes; CR is not a line break (as in Python).
    let e = err("[\"é😀\",\r\n  x]".as_bytes());
    assert_eq!((e.line(), e.column()), (2, 3));
    let e = err("[\"é😀\", x]".as_bytes());
    assert_eq!((e.line(), e.column(), e.offset()), (1, 8, 11));
    let e = err(b"\n\n[1,\n");
    assert_eq!((e.line(), e.column(), e.offset()), (4, 1, 6));
}

#[test]
fn depth_limit() {
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert!(from_slice_with_limits(b"[[[]]]", limits).is_ok());
    assert!(from_slice_with_limits(b"[{\"a\":[1]}]", limits).is_ok());
    let e = from_slice_with_limits(b"[[[[]]]]", limits).unwrap_err();
    assert_eq!(e.kind(), &ParseErrorKind::TooDeep { max: 3 });
    assert_eq!(e.offset(), 3);
    let e = from_slice_with_limits(b"{\"a\":[{\"b\":{}}]}", limits).unwrap_err();
    assert_eq!(e.kind(), &ParseErrorKind::TooDeep { max: 3 });
    let scalars_only = Limits {
        max_depth: 0,
        ..Limits::default()
    };
    assert!(from_slice_with_limits(b"\"x\"", scalars_only).is_ok());
    assert!(from_slice_with_limits(b"[]", scalars_only).is_err());
}

#[test]
fn default_depth_limit_is_128() {
    assert_eq!(Limits::default().max_depth, 128);
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(from_slice(deep(128).as_bytes()).is_ok());
    assert_eq!(
        kind(deep(129).as_bytes()),
        ParseErrorKind::TooDeep { max: 128 }
    );
}

#[test]
fn hostile_nesting_does_not_overflow_the_stack() {
    // Far deeper than any stack could recurse; rejected without recursion,
    // and the partial containers are dropped without recursion too.
    let doc = "[{\"a\":".repeat(2_000_000);
    assert!(matches!(
        kind(doc.as_bytes()),
        ParseErrorKind::TooDeep { max: 128 }
    ));
    let unlimited = Limits {
        max_depth: usize::MAX,
        ..Limits::default()
    };
    let doc = "[".repeat(1_000_000);
    let e = from_slice_with_limits(doc.as_bytes(), unlimited).unwrap_err();
    assert_eq!(
        e.kind(),
        &ParseErrorKind::UnexpectedEnd {
            expected: EXPECT_VALUE
        }
    );
}

#[test]
fn size_limit() {
    let limits = Limits {
        max_bytes: 4,
        ..Limits::default()
    };
    assert!(from_slice_with_limits(b"[12]", limits).is_ok());
    let e = from_slice_with_limits(b"[123]", limits).unwrap_err();
    assert_eq!(e.kind(), &ParseErrorKind::TooLarge { len: 5, max: 4 });
    assert_eq!(Limits::default().max_bytes, 64 * 1024 * 1024);
}

#[test]
fn from_str() {
    let v: Value = "{\"a\": [true]}".parse().unwrap();
    assert_eq!(
        v.get("a").and_then(|a| a.as_array()).map(<[Value]>::len),
        Some(1)
    );
    assert!("{\"a\":1,\"a\":1}".parse::<Value>().is_err());
}

#[test]
fn messages_are_one_line() {
    let docs: &[&[u8]] = &[
        b"{\"a\n\\n\":1,\"a\n\\n\":2}",
        b"[1,\n]",
        b"\"\n\"",
        b"[\"\\\n\"]",
        b"\xEF\xBB\xBF1",
        b"\xff",
        b"NaN",
        b"01",
        b"\"\\ud800\"",
        b"\"\\u12\"",
        b"\"abc",
        b"nul",
        b"1\n\n2",
    ];
    for doc in docs {
        let message = err(doc).to_string();
        assert!(!message.contains('\n'), "{message:?}");
        assert!(message.contains(" at line "), "{message:?}");
    }
    assert_eq!(
        err(b"{\"a\n\":1,\"a\n\":2}").to_string(),
        "raw control character U+000A in a string (it must be escaped) at line 1 column 4"
    );
    assert_eq!(
        err(b"{\"a\\n\":1,\n\"a\\n\":2}").to_string(),
        "duplicate key \"a\\n\" at line 2 column 1"
    );
}
