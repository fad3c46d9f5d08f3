//! Artifact rules as written in layouts.
//!
//! A rule is a list of strings in a step's or inspection's
//! `expected_materials` or `expected_products`, for example
//! `["MATCH", "dist/*", "WITH", "PRODUCTS", "FROM", "build"]`. Keywords are
//! case-insensitive; patterns, prefixes and step names keep their case.
//! [`ArtifactRule`] keeps the exact tokens it was read from, because the
//! layout signature covers them and they must be written back unchanged.
//!
//! Grammar (as the reference's `rulelib.unpack_rule` reads it):
//!
//! ```text
//! CREATE <pattern>      DELETE <pattern>      MODIFY <pattern>
//! ALLOW <pattern>       DISALLOW <pattern>    REQUIRE <file>
//! MATCH <pattern> [IN <source-path-prefix>] WITH (MATERIALS|PRODUCTS)
//!       [IN <destination-path-prefix>] FROM <step>
//! ```

use std::fmt;
use std::str::FromStr;

use crate::rules::fnmatch::Matcher;
use crate::rules::{pyrepr, shlex};

/// An artifact path pattern with the semantics of Python's
/// `fnmatch.fnmatchcase` (POSIX): matching is case-sensitive, `*` matches any
/// string (including `/` and leading dots), `?` any one character, `[seq]`
/// and `[!seq]` a character class (`]` first in a class is literal, `[^seq]`
/// is a class containing `^`), an unterminated `[` is a literal `[`, and a
/// backslash is an ordinary character, not an escape.
///
/// The pattern is compiled once; [`ArtifactPattern::matches`] neither
/// allocates nor uses regular expressions.
///
/// ```
/// use intoto::model::rule::ArtifactPattern;
///
/// let p = ArtifactPattern::new("*.py");
/// assert!(p.matches("src/lib/foo.py"));
/// assert!(!p.matches("Foo.PY"));
/// assert!(ArtifactPattern::new("[!s]*").matches("public.txt"));
/// ```
#[derive(Clone)]
pub struct ArtifactPattern {
    source: Box<str>,
    matcher: Matcher,
}

impl ArtifactPattern {
    /// Compiles a pattern. Every string is a valid pattern.
    pub fn new(pattern: &str) -> Self {
        Self {
            source: pattern.into(),
            matcher: Matcher::new(pattern),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether `path` matches the whole pattern.
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.matches(path)
    }

    /// The literal text every matching path starts with (possibly empty).
    pub fn literal_prefix(&self) -> &str {
        self.matcher.literal_prefix()
    }

    /// The only path this pattern matches, when it has no wildcard at all.
    pub fn literal(&self) -> Option<&str> {
        self.matcher.literal()
    }
}

impl PartialEq for ArtifactPattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for ArtifactPattern {}

impl std::hash::Hash for ArtifactPattern {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.source.hash(state);
    }
}

impl fmt::Debug for ArtifactPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ArtifactPattern")
            .field(&self.source)
            .finish()
    }
}

impl fmt::Display for ArtifactPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// Which artifacts of a link: its materials or its products.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ArtifactKind {
    /// The link's `materials`.
    Materials,
    /// The link's `products`.
    Products,
}

impl ArtifactKind {
    /// `"materials"` or `"products"`, as in the reference's messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Materials => "materials",
            Self::Products => "products",
        }
    }

    /// The upper-case keyword used in rules: `MATERIALS` or `PRODUCTS`.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Materials => "MATERIALS",
            Self::Products => "PRODUCTS",
        }
    }

    /// The other kind.
    pub fn other(self) -> Self {
        match self {
            Self::Materials => Self::Products,
            Self::Products => Self::Materials,
        }
    }
}

impl fmt::Display for ArtifactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The parts of a `MATCH` rule.
///
/// An empty prefix is the same as no prefix (the reference ignores empty
/// prefixes), so both are `None` here; the rule's tokens still say what was
/// written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MatchRule {
    /// Matched against the path below `source_prefix`.
    pub pattern: ArtifactPattern,
    /// `IN <source-path-prefix>`: only artifacts below this directory are
    /// candidates, and the pattern sees the path relative to it.
    pub source_prefix: Option<String>,
    /// `WITH MATERIALS` or `WITH PRODUCTS`.
    pub dest_type: ArtifactKind,
    /// `IN <destination-path-prefix>`: the counterpart is looked up below
    /// this directory.
    pub dest_prefix: Option<String>,
    /// `FROM <step>`: the step or inspection whose link holds the counterpart.
    pub dest_step: String,
}

/// What a rule does; see [`ArtifactRule::kind`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleKind {
    /// `CREATE <pattern>`: consumes matching artifacts that are products but
    /// not materials.
    Create(ArtifactPattern),
    /// `DELETE <pattern>`: consumes matching artifacts that are materials but
    /// not products.
    Delete(ArtifactPattern),
    /// `MODIFY <pattern>`: consumes matching artifacts that are materials and
    /// products with different digests.
    Modify(ArtifactPattern),
    /// `ALLOW <pattern>`: consumes all matching artifacts.
    Allow(ArtifactPattern),
    /// `DISALLOW <pattern>`: fails if any matching artifact is left.
    Disallow(ArtifactPattern),
    /// `REQUIRE <file>`: fails unless this exact path (not a pattern) is left.
    Require(String),
    /// `MATCH ...`: consumes artifacts with an identical counterpart in
    /// another link.
    Match(MatchRule),
}

/// Why a rule could not be read. The messages follow the reference's
/// `FormatError` texts and quote the rule as a Python list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// The rule is shorter than two tokens or starts with an unknown keyword.
    #[error(
        "Wrong rule format, rules must start with one of 'create, modify, delete, allow, \
         disallow, require, match' and specify a 'pattern' as second element.\nGot: \n\t'{}'",
        pyrepr::list_repr(.rule.iter().map(String::as_str))
    )]
    UnknownType {
        /// The rule as given.
        rule: Vec<String>,
    },
    /// A rule other than MATCH does not have exactly two tokens.
    #[error(
        "Wrong rule format, generic rules must have one of the formats:\n\tCREATE <pattern>\n\t\
         MODIFY <pattern>\n\tDELETE <pattern>\n\tALLOW <pattern>\n\tDISALLOW <pattern>\n\
         REQUIRE <file>\nGot:\n\t{}",
        pyrepr::list_repr(.rule.iter().map(String::as_str))
    )]
    GenericLength {
        /// The rule as given.
        rule: Vec<String>,
    },
    /// A MATCH rule has the wrong number of tokens or misplaced keywords.
    #[error(
        "Wrong rule format, match rules must have the format:\n\t MATCH <pattern> \
         [IN <source-path-prefix>] WITH (MATERIALS|PRODUCTS) [IN <destination-path-prefix>] \
         FROM <step>.\nGot: \n\t{}",
        pyrepr::list_repr(.rule.iter().map(String::as_str))
    )]
    MatchFormat {
        /// The rule as given.
        rule: Vec<String>,
    },
    /// A MATCH rule names neither MATERIALS nor PRODUCTS after WITH.
    #[error(
        "Wrong rule format, match rules must have either MATERIALS or PRODUCTS (case \
         insensitive) as destination.\nGot: \n\t{}",
        pyrepr::list_repr(.rule.iter().map(String::as_str))
    )]
    MatchDestinationType {
        /// The rule as given.
        rule: Vec<String>,
    },
    /// A rule string could not be split into words (shell quoting).
    #[error("Cannot split artifact rule {}: {reason}", pyrepr::str_repr(.text))]
    Split {
        /// The rule string as given.
        text: String,
        /// Python's `shlex` message, e.g. `No closing quotation`.
        reason: &'static str,
    },
    /// A MATCH rule was built without a step name.
    #[error(
        "'{dest_step}' is not a valid 'dest_name'. Rules of type 'MATCH' require a step name \
         as a destination name."
    )]
    EmptyStepName {
        /// The step name given (empty).
        dest_step: String,
    },
}

/// One artifact rule: what it does, and the exact tokens it was read from.
///
/// Equality and hashing compare the tokens.
///
/// ```
/// use intoto::model::rule::{ArtifactKind, ArtifactRule, RuleKind};
///
/// let rule: ArtifactRule = "match dist/* with products from build".parse()?;
/// let RuleKind::Match(m) = rule.kind() else { unreachable!() };
/// assert_eq!(m.dest_type, ArtifactKind::Products);
/// assert_eq!(m.dest_step, "build");
/// // The tokens keep the case they were written in.
/// assert_eq!(rule.to_string(), "match dist/* with products from build");
/// assert_eq!(
///     ArtifactRule::match_products("dist/*", "build")?.to_string(),
///     "MATCH dist/* WITH PRODUCTS FROM build"
/// );
/// # Ok::<(), intoto::model::rule::RuleError>(())
/// ```
#[derive(Clone, Debug)]
pub struct ArtifactRule {
    tokens: Box<[String]>,
    kind: RuleKind,
}

impl PartialEq for ArtifactRule {
    fn eq(&self, other: &Self) -> bool {
        self.tokens == other.tokens
    }
}

impl Eq for ArtifactRule {}

impl std::hash::Hash for ArtifactRule {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.tokens.hash(state);
    }
}

fn owned<S: AsRef<str>>(tokens: &[S]) -> Vec<String> {
    tokens.iter().map(|t| t.as_ref().to_owned()).collect()
}

impl ArtifactRule {
    /// Reads a rule from its list form, e.g. `["ALLOW", "*.py"]`, exactly as
    /// the reference's `unpack_rule` does (keywords in any case; the 2-token
    /// generic shape and the 6-, 8- and 10-token MATCH shapes).
    pub fn from_list<S: AsRef<str>>(tokens: &[S]) -> Result<Self, RuleError> {
        let tok = |i: usize| tokens.get(i).map_or("", |t| t.as_ref());
        let is = |i: usize, keyword: &str| tok(i).eq_ignore_ascii_case(keyword);
        let keyword = RULE_KEYWORDS
            .iter()
            .find(|k| tok(0).eq_ignore_ascii_case(k));
        let Some(&keyword) = keyword.filter(|_| tokens.len() >= 2) else {
            return Err(RuleError::UnknownType {
                rule: owned(tokens),
            });
        };
        let pattern = tok(1);
        let kind = match keyword {
            "match" => {
                let (source_prefix, dest_type, dest_prefix, dest_step) = match tokens.len() {
                    10 if is(2, "in") && is(4, "with") && is(6, "in") && is(8, "from") => {
                        (tok(3), tok(5), tok(7), tok(9))
                    }
                    8 if is(2, "in") && is(4, "with") && is(6, "from") => {
                        (tok(3), tok(5), "", tok(7))
                    }
                    8 if is(2, "with") && is(4, "in") && is(6, "from") => {
                        ("", tok(3), tok(5), tok(7))
                    }
                    6 if is(2, "with") && is(4, "from") => ("", tok(3), "", tok(5)),
                    _ => {
                        return Err(RuleError::MatchFormat {
                            rule: owned(tokens),
                        });
                    }
                };
                let dest_type = if dest_type.eq_ignore_ascii_case("materials") {
                    ArtifactKind::Materials
                } else if dest_type.eq_ignore_ascii_case("products") {
                    ArtifactKind::Products
                } else {
                    return Err(RuleError::MatchDestinationType {
                        rule: owned(tokens),
                    });
                };
                let prefix = |p: &str| (!p.is_empty()).then(|| p.to_owned());
                RuleKind::Match(MatchRule {
                    pattern: ArtifactPattern::new(pattern),
                    source_prefix: prefix(source_prefix),
                    dest_type,
                    dest_prefix: prefix(dest_prefix),
                    dest_step: dest_step.to_owned(),
                })
            }
            _ if tokens.len() != 2 => {
                return Err(RuleError::GenericLength {
                    rule: owned(tokens),
                });
            }
            "create" => RuleKind::Create(ArtifactPattern::new(pattern)),
            "delete" => RuleKind::Delete(ArtifactPattern::new(pattern)),
            "modify" => RuleKind::Modify(ArtifactPattern::new(pattern)),
            "allow" => RuleKind::Allow(ArtifactPattern::new(pattern)),
            "disallow" => RuleKind::Disallow(ArtifactPattern::new(pattern)),
            _ => RuleKind::Require(pattern.to_owned()),
        };
        Ok(Self {
            tokens: owned(tokens).into_boxed_slice(),
            kind,
        })
    }

    /// The exact tokens the rule was read from (or built with).
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// What the rule does.
    pub fn kind(&self) -> &RuleKind {
        &self.kind
    }

    /// The rule's pattern (for REQUIRE, the file name), as written.
    pub fn pattern_str(&self) -> &str {
        match &self.kind {
            RuleKind::Create(p)
            | RuleKind::Delete(p)
            | RuleKind::Modify(p)
            | RuleKind::Allow(p)
            | RuleKind::Disallow(p) => p.as_str(),
            RuleKind::Require(f) => f,
            RuleKind::Match(m) => m.pattern.as_str(),
        }
    }

    /// The rule's keyword in upper case: `CREATE`, ..., `MATCH`.
    pub fn keyword(&self) -> &'static str {
        match &self.kind {
            RuleKind::Create(_) => "CREATE",
            RuleKind::Delete(_) => "DELETE",
            RuleKind::Modify(_) => "MODIFY",
            RuleKind::Allow(_) => "ALLOW",
            RuleKind::Disallow(_) => "DISALLOW",
            RuleKind::Require(_) => "REQUIRE",
            RuleKind::Match(_) => "MATCH",
        }
    }

    fn generic(keyword: &str, pattern: &str) -> Self {
        let tokens = vec![keyword.to_owned(), pattern.to_owned()];
        let p = || ArtifactPattern::new(pattern);
        let kind = match keyword {
            "CREATE" => RuleKind::Create(p()),
            "DELETE" => RuleKind::Delete(p()),
            "MODIFY" => RuleKind::Modify(p()),
            "ALLOW" => RuleKind::Allow(p()),
            "DISALLOW" => RuleKind::Disallow(p()),
            _ => RuleKind::Require(pattern.to_owned()),
        };
        Self {
            tokens: tokens.into_boxed_slice(),
            kind,
        }
    }

    /// `CREATE <pattern>`.
    pub fn create(pattern: &str) -> Self {
        Self::generic("CREATE", pattern)
    }

    /// `DELETE <pattern>`.
    pub fn delete(pattern: &str) -> Self {
        Self::generic("DELETE", pattern)
    }

    /// `MODIFY <pattern>`.
    pub fn modify(pattern: &str) -> Self {
        Self::generic("MODIFY", pattern)
    }

    /// `ALLOW <pattern>`.
    pub fn allow(pattern: &str) -> Self {
        Self::generic("ALLOW", pattern)
    }

    /// `DISALLOW <pattern>`.
    pub fn disallow(pattern: &str) -> Self {
        Self::generic("DISALLOW", pattern)
    }

    /// `REQUIRE <file>` (a literal path, not a pattern).
    pub fn require(file: &str) -> Self {
        Self::generic("REQUIRE", file)
    }

    /// `MATCH <pattern> WITH PRODUCTS FROM <step>`.
    pub fn match_products(pattern: &str, step: &str) -> Result<Self, RuleError> {
        Self::match_with(pattern, None, ArtifactKind::Products, None, step)
    }

    /// `MATCH <pattern> WITH MATERIALS FROM <step>`.
    pub fn match_materials(pattern: &str, step: &str) -> Result<Self, RuleError> {
        Self::match_with(pattern, None, ArtifactKind::Materials, None, step)
    }

    /// `MATCH <pattern> [IN <source_prefix>] WITH <dest_type> [IN <dest_prefix>]
    /// FROM <step>` with upper-case keywords, leaving out an `IN` clause whose
    /// prefix is absent or empty, as the reference's `pack_rule` does. Like
    /// `pack_rule`, refuses an empty step name.
    pub fn match_with(
        pattern: &str,
        source_prefix: Option<&str>,
        dest_type: ArtifactKind,
        dest_prefix: Option<&str>,
        step: &str,
    ) -> Result<Self, RuleError> {
        if step.is_empty() {
            return Err(RuleError::EmptyStepName {
                dest_step: step.to_owned(),
            });
        }
        let source_prefix = source_prefix.filter(|p| !p.is_empty());
        let dest_prefix = dest_prefix.filter(|p| !p.is_empty());
        let mut tokens = vec!["MATCH".to_owned(), pattern.to_owned()];
        if let Some(p) = source_prefix {
            tokens.extend(["IN".to_owned(), p.to_owned()]);
        }
        tokens.extend(["WITH".to_owned(), dest_type.keyword().to_owned()]);
        if let Some(p) = dest_prefix {
            tokens.extend(["IN".to_owned(), p.to_owned()]);
        }
        tokens.extend(["FROM".to_owned(), step.to_owned()]);
        let kind = RuleKind::Match(MatchRule {
            pattern: ArtifactPattern::new(pattern),
            source_prefix: source_prefix.map(str::to_owned),
            dest_type,
            dest_prefix: dest_prefix.map(str::to_owned),
            dest_step: step.to_owned(),
        });
        Ok(Self {
            tokens: tokens.into_boxed_slice(),
            kind,
        })
    }

    /// Packs a [`MatchRule`] into a rule, as [`ArtifactRule::match_with`].
    pub fn from_match(rule: &MatchRule) -> Result<Self, RuleError> {
        Self::match_with(
            rule.pattern.as_str(),
            rule.source_prefix.as_deref(),
            rule.dest_type,
            rule.dest_prefix.as_deref(),
            &rule.dest_step,
        )
    }
}

/// The rule keywords, in the order the error message lists them.
const RULE_KEYWORDS: [&str; 7] = [
    "create", "modify", "delete", "allow", "disallow", "require", "match",
];

// Keywords are compared ASCII-case-insensitively. Python compares
// `str.lower()` results; the only non-ASCII character whose lower case is an
// ASCII letter is the Kelvin sign (to `k`), and no keyword contains `k`, so
// both comparisons agree on every input.

impl FromStr for ArtifactRule {
    type Err = RuleError;

    /// Reads a rule written as one string, splitting it like Python's
    /// `shlex.split` (POSIX quoting, no comments), e.g.
    /// `MATCH "my dir/*" WITH PRODUCTS FROM build`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let tokens = shlex::split(s).map_err(|e| RuleError::Split {
            text: s.to_owned(),
            reason: e.message(),
        })?;
        Self::from_list(&tokens)
    }
}

impl fmt::Display for ArtifactRule {
    /// The tokens joined by single spaces, as the reference prints rules.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.tokens.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(t)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! Ports of the reference's `tests/test_rulelib.py` (in-toto 3.1.0,
    //! class `TestArtifactRuleUnpack`) and of
    //! `tests/models/test_supply_chain_item.py::test_add_rule_from_string`.
    //! Cases about non-string or non-list input (`test_unpack_rule_not_list`,
    //! `test_unpack_rule_pattern_not_string`, `test_unpack_match_rule_wrong_types`
    //! and most of `test_pack_rule_wrong_types`) cannot be expressed here: the
    //! types make them impossible, and reading JSON into strings is the
    //! layout model's job.

    use super::{ArtifactKind, ArtifactPattern, ArtifactRule, MatchRule, RuleError, RuleKind};

    fn list(tokens: &[&str]) -> Result<ArtifactRule, RuleError> {
        ArtifactRule::from_list(tokens)
    }

    /// test_unpack_rule_not_enough_keywords, test_unpack_rule_unknown_rule_type.
    #[test]
    fn unknown_type_or_too_short() {
        for tokens in [
            &["DELETE"][..],
            &["SUBVERT", "foo"],
            &[],
            &["NONFOO"],
            &["MATCHX", "a"],
        ] {
            let err = list(tokens).unwrap_err();
            assert!(
                matches!(err, RuleError::UnknownType { .. }),
                "{tokens:?}: {err:?}"
            );
        }
        let err = list(&["DELETE"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Wrong rule format, rules must start with one of 'create, modify, delete, allow, \
             disallow, require, match' and specify a 'pattern' as second element.\nGot: \n\t'['DELETE']'"
        );
    }

    /// test_unpack_generic_rule_too_long.
    #[test]
    fn generic_rule_too_long() {
        let err = list(&["CREATE", "foo", "pleaze!!"]).unwrap_err();
        assert!(matches!(err, RuleError::GenericLength { .. }));
        assert_eq!(
            err.to_string(),
            "Wrong rule format, generic rules must have one of the formats:\n\tCREATE <pattern>\n\t\
             MODIFY <pattern>\n\tDELETE <pattern>\n\tALLOW <pattern>\n\tDISALLOW <pattern>\n\
             REQUIRE <file>\nGot:\n\t['CREATE', 'foo', 'pleaze!!']"
        );
    }

    /// test_unpack_and_pack_generic_rule: unpacking, and the pack_*_rule
    /// shortcuts producing the same tokens.
    #[test]
    fn unpack_and_pack_generic_rules() {
        type Ctor = fn(&str) -> ArtifactRule;
        let cases: [(&str, Ctor); 6] = [
            ("CREATE", ArtifactRule::create),
            ("DELETE", ArtifactRule::delete),
            ("MODIFY", ArtifactRule::modify),
            ("ALLOW", ArtifactRule::allow),
            ("DISALLOW", ArtifactRule::disallow),
            ("REQUIRE", ArtifactRule::require),
        ];
        for (keyword, ctor) in cases {
            let rule = list(&[keyword, "foo"]).unwrap();
            assert_eq!(rule.keyword(), keyword);
            assert_eq!(rule.pattern_str(), "foo");
            let p = ArtifactPattern::new("foo");
            let expected = match keyword {
                "CREATE" => RuleKind::Create(p),
                "DELETE" => RuleKind::Delete(p),
                "MODIFY" => RuleKind::Modify(p),
                "ALLOW" => RuleKind::Allow(p),
                "DISALLOW" => RuleKind::Disallow(p),
                _ => RuleKind::Require("foo".to_owned()),
            };
            assert_eq!(rule.kind(), &expected);
            assert_eq!(rule.tokens(), [keyword, "foo"]);
            assert_eq!(ctor("foo"), rule);
            assert_eq!(ctor("foo").tokens(), [keyword, "foo"]);
        }
    }

    /// test_unpack_and_pack_match_rule: the four MATCH shapes.
    #[test]
    fn unpack_and_pack_match_rules() {
        type Case<'a> = (
            &'a [&'a str],
            Option<&'a str>,
            ArtifactKind,
            Option<&'a str>,
        );
        let cases: [Case<'_>; 4] = [
            (
                &[
                    "MATCH",
                    "foo",
                    "IN",
                    "source-path",
                    "WITH",
                    "PRODUCTS",
                    "IN",
                    "dest-path",
                    "FROM",
                    "step-name",
                ],
                Some("source-path"),
                ArtifactKind::Products,
                Some("dest-path"),
            ),
            (
                &[
                    "MATCH",
                    "foo",
                    "IN",
                    "source-path",
                    "WITH",
                    "MATERIALS",
                    "FROM",
                    "step-name",
                ],
                Some("source-path"),
                ArtifactKind::Materials,
                None,
            ),
            (
                &[
                    "MATCH",
                    "foo",
                    "WITH",
                    "PRODUCTS",
                    "IN",
                    "dest-path",
                    "FROM",
                    "step-name",
                ],
                None,
                ArtifactKind::Products,
                Some("dest-path"),
            ),
            (
                &["MATCH", "foo", "WITH", "PRODUCTS", "FROM", "step-name"],
                None,
                ArtifactKind::Products,
                None,
            ),
        ];
        for (tokens, source_prefix, dest_type, dest_prefix) in cases {
            let rule = list(tokens).unwrap();
            let expected = MatchRule {
                pattern: ArtifactPattern::new("foo"),
                source_prefix: source_prefix.map(str::to_owned),
                dest_type,
                dest_prefix: dest_prefix.map(str::to_owned),
                dest_step: "step-name".to_owned(),
            };
            assert_eq!(
                rule.kind(),
                &RuleKind::Match(expected.clone()),
                "{tokens:?}"
            );
            // pack_rule / pack_rule_data give back the same tokens.
            let packed =
                ArtifactRule::match_with("foo", source_prefix, dest_type, dest_prefix, "step-name")
                    .unwrap();
            assert_eq!(packed.tokens(), tokens);
            assert_eq!(
                ArtifactRule::from_match(&expected).unwrap().tokens(),
                tokens
            );
        }
        assert_eq!(
            ArtifactRule::match_products("foo", "s").unwrap().tokens(),
            ["MATCH", "foo", "WITH", "PRODUCTS", "FROM", "s"]
        );
        assert_eq!(
            ArtifactRule::match_materials("foo", "s").unwrap().tokens(),
            ["MATCH", "foo", "WITH", "MATERIALS", "FROM", "s"]
        );
        // pack_rule leaves out IN clauses with empty prefixes.
        let packed =
            ArtifactRule::match_with("foo", Some(""), ArtifactKind::Products, Some(""), "s")
                .unwrap();
        assert_eq!(
            packed.tokens(),
            ["MATCH", "foo", "WITH", "PRODUCTS", "FROM", "s"]
        );
    }

    /// test_pack_rule_wrong_types: a MATCH needs a non-empty step name.
    #[test]
    fn pack_match_needs_a_step_name() {
        let err = ArtifactRule::match_materials("foo", "").unwrap_err();
        assert!(matches!(err, RuleError::EmptyStepName { .. }));
        // unpack_rule, on the other hand, accepts an empty step name.
        assert!(list(&["MATCH", "foo", "WITH", "PRODUCTS", "FROM", ""]).is_ok());
    }

    /// test_unpack_match_rule_wrong_length, plus misplaced keywords.
    #[test]
    fn match_rule_wrong_shape() {
        let cases: [&[&str]; 6] = [
            &["MATCH", "foo", "WITH", "PRODUCTS", "FROM"],
            &[
                "MATCH",
                "foo",
                "WITH",
                "PRODUCTS",
                "FROM",
                "step-name",
                "really?",
            ],
            &[
                "MATCH",
                "foo",
                "IN",
                "source-path",
                "WITH",
                "PRODUCTS",
                "IN",
                "dest-path",
                "FROM",
                "step-name",
                "YES, we can!",
            ],
            &["MATCH", "foo", "FROM", "PRODUCTS", "WITH", "s"],
            &["MATCH", "foo", "IN", "x", "IN", "PRODUCTS", "FROM", "s"],
            &["MATCH", "foo"],
        ];
        for tokens in cases {
            let err = list(tokens).unwrap_err();
            assert!(
                matches!(err, RuleError::MatchFormat { .. }),
                "{tokens:?}: {err:?}"
            );
        }
        assert_eq!(
            list(cases[0]).unwrap_err().to_string(),
            "Wrong rule format, match rules must have the format:\n\t MATCH <pattern> [IN \
             <source-path-prefix>] WITH (MATERIALS|PRODUCTS) [IN <destination-path-prefix>] FROM \
             <step>.\nGot: \n\t['MATCH', 'foo', 'WITH', 'PRODUCTS', 'FROM']"
        );
    }

    /// test_unpack_match_rule_wrong_destination_type.
    #[test]
    fn match_rule_wrong_destination_type() {
        let tokens = [
            "MATCH",
            "foo",
            "IN",
            "source-path",
            "WITH",
            "PONIES",
            "IN",
            "dest-path",
            "FROM",
            "step-name",
        ];
        let err = list(&tokens).unwrap_err();
        assert!(matches!(err, RuleError::MatchDestinationType { .. }));
        assert!(err.to_string().starts_with(
            "Wrong rule format, match rules must have either MATERIALS or PRODUCTS (case \
             insensitive) as destination.\nGot: \n\t['MATCH', 'foo', 'IN'"
        ));
    }

    /// Keywords are case-insensitive; everything else keeps its case, and the
    /// tokens are kept exactly (spec 5.4).
    #[test]
    fn keywords_in_any_case_tokens_kept() {
        let rule = list(&[
            "mAtCh", "Foo*", "in", "Src", "With", "products", "IN", "Dst", "fRoM", "Build",
        ])
        .unwrap();
        let RuleKind::Match(m) = rule.kind() else {
            panic!("not a match rule")
        };
        assert_eq!(m.pattern.as_str(), "Foo*");
        assert_eq!(m.source_prefix.as_deref(), Some("Src"));
        assert_eq!(m.dest_prefix.as_deref(), Some("Dst"));
        assert_eq!(m.dest_step, "Build");
        assert_eq!(
            rule.tokens(),
            [
                "mAtCh", "Foo*", "in", "Src", "With", "products", "IN", "Dst", "fRoM", "Build"
            ]
        );
        assert_eq!(
            rule.to_string(),
            "mAtCh Foo* in Src With products IN Dst fRoM Build"
        );
        assert_eq!(
            list(&["AlLoW", "x"]).unwrap().kind(),
            &RuleKind::Allow(ArtifactPattern::new("x"))
        );
        // Empty prefixes count as absent, as in the reference; tokens remain.
        let rule = list(&["MATCH", "x", "IN", "", "WITH", "MATERIALS", "FROM", "s"]).unwrap();
        let RuleKind::Match(m) = rule.kind() else {
            panic!("not a match rule")
        };
        assert_eq!(m.source_prefix, None);
        assert_eq!(rule.tokens().len(), 8);
    }

    /// test_supply_chain_item.py::test_add_rule_from_string, and the string
    /// form's shell quoting.
    #[test]
    fn rules_from_strings() {
        let rule: ArtifactRule = "CREATE foo".parse().unwrap();
        assert_eq!(rule.tokens(), ["CREATE", "foo"]);
        let rule: ArtifactRule = "ALLOW bar".parse().unwrap();
        assert_eq!(rule.tokens(), ["ALLOW", "bar"]);
        let rule: ArtifactRule = "MATCH 'my dir/*' WITH PRODUCTS FROM build".parse().unwrap();
        assert_eq!(
            rule.tokens(),
            ["MATCH", "my dir/*", "WITH", "PRODUCTS", "FROM", "build"]
        );
        // Display joins tokens with spaces, exactly like the reference (the
        // quoting is not restored).
        assert_eq!(rule.to_string(), "MATCH my dir/* WITH PRODUCTS FROM build");
        let err = "ALLOW 'x".parse::<ArtifactRule>().unwrap_err();
        assert_eq!(
            err,
            RuleError::Split {
                text: "ALLOW 'x".to_owned(),
                reason: "No closing quotation"
            }
        );
        assert!(matches!(
            "NONFOO".parse::<ArtifactRule>(),
            Err(RuleError::UnknownType { .. })
        ));
    }
}
