//! Why a TOML layout was refused: every error names the file, the line and
//! column, and the problem.

use std::fmt;
use std::path::PathBuf;

use crate::model::ModelError;
use crate::model::rule::RuleError;
use crate::time::Timestamp;

/// A position in a text file, both 1-based; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column (in characters), from 1.
    pub column: usize,
}

impl Location {
    /// The first character of a file.
    pub const START: Self = Self { line: 1, column: 1 };

    /// The position of byte `offset` in `text` (clamped to the text's end,
    /// and to a character boundary).
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = text.get(..offset).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Self {
            line: before.matches('\n').count() + 1,
            column: before.get(line_start..).unwrap_or_default().chars().count() + 1,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why a TOML layout could not be turned into a layout.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TomlLayoutError {
    /// The file could not be read (missing, not a regular file, too large).
    #[error(transparent)]
    Read(#[from] crate::Error),
    /// The file is not UTF-8.
    #[error("{}: not valid UTF-8 text (TOML files are UTF-8)", path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
    },
    /// A problem at a place in the file.
    #[error("{}:{location}: {problem}", path.display())]
    At {
        /// The file.
        path: PathBuf,
        /// Where in the file.
        location: Location,
        /// What is wrong there.
        problem: Box<Problem>,
    },
}

impl TomlLayoutError {
    /// Where the problem is, when it has a place in the file.
    pub fn location(&self) -> Option<Location> {
        match self {
            Self::At { location, .. } => Some(*location),
            _ => None,
        }
    }

    /// The problem, when it has a place in the file.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Self::At { problem, .. } => Some(problem),
            _ => None,
        }
    }
}

/// What is wrong at a place in a TOML layout.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// TOML syntax, an unknown key, a missing key or a value of the wrong
    /// type (the TOML reader's message).
    #[error("{0}")]
    Toml(String),
    /// `expires` is missing.
    #[error(
        "'expires' is missing: say when the layout stops being valid, e.g. expires = \"4 months\" or expires = 2027-01-01"
    )]
    MissingExpires,
    /// `expires` is neither a date nor a relative duration.
    #[error("'expires' = {text:?}: {reason}")]
    Expires {
        /// The value as written.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `expires` is not in the future.
    #[error("'expires' is {expires}, which is not in the future (now is {now})")]
    Expired {
        /// The expiry the file asks for.
        expires: Timestamp,
        /// The current time.
        now: Timestamp,
    },
    /// A functionary's public key file could not be used.
    #[error("functionary '{name}': cannot use the public key file {}: {source}", path.display())]
    KeyFile {
        /// The functionary.
        name: String,
        /// The key file, as resolved against the TOML file's directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: crate::Error,
    },
    /// A functionary's GnuPG key could not be exported from its keyring.
    #[error("functionary '{name}': cannot use the GPG key '{keyid}': {source}")]
    GpgKey {
        /// The functionary.
        name: String,
        /// The key id as written.
        keyid: String,
        /// Why.
        #[source]
        source: crate::Error,
    },
    /// A functionary's GnuPG key id is not a hex string.
    #[error("functionary '{name}': the GPG key id '{keyid}' is not a hex string")]
    GpgKeyId {
        /// The functionary.
        name: String,
        /// The key id as written.
        keyid: String,
    },
    /// Two functionaries have the same key.
    #[error("functionary '{name}' has the same key ({keyid}) as functionary '{other}'")]
    SameKey {
        /// The later functionary.
        name: String,
        /// The earlier functionary.
        other: String,
        /// The shared key id.
        keyid: String,
    },
    /// A step names a functionary that `[functionaries]` does not define.
    #[error("{item} names functionary '{name}', which is not defined in [functionaries]{}", known_list(.known))]
    UnknownFunctionary {
        /// The step.
        item: String,
        /// The name used.
        name: String,
        /// The names that are defined.
        known: Vec<String>,
    },
    /// A step lists the same functionary twice.
    #[error("{item} lists functionary '{name}' twice")]
    RepeatedFunctionary {
        /// The step.
        item: String,
        /// The functionary.
        name: String,
    },
    /// Two steps or inspections share a name.
    #[error(
        "{item}: the name '{name}' is already used on line {first_line}; step and inspection names must be unique within a layout"
    )]
    DuplicateName {
        /// The later item.
        item: String,
        /// The name.
        name: String,
        /// The line of the first use.
        first_line: usize,
    },
    /// A name that cannot be used in link file names.
    #[error(
        "{item}: the name {name:?} cannot be used in link file names (it is empty, '.', '..', or contains '/', '\\' or NUL)"
    )]
    UnsafeName {
        /// `step` or `inspection`.
        item: String,
        /// The name.
        name: String,
    },
    /// A threshold below 1.
    #[error("{item}: threshold is {value}, but it must be at least 1")]
    Threshold {
        /// The step.
        item: String,
        /// The value.
        value: i64,
    },
    /// An artifact rule is malformed.
    #[error("{item}, {list} rule {rule:?}: {source}")]
    Rule {
        /// The step or inspection.
        item: String,
        /// `materials` or `products`.
        list: &'static str,
        /// The rule as written.
        rule: String,
        /// The reference's message.
        #[source]
        source: RuleError,
    },
    /// A command could not be split into words, or has a non-string word.
    #[error("{item}, {key}: {reason}")]
    Command {
        /// The step or inspection.
        item: String,
        /// `expected_command` or `run`.
        key: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The layout built from the file is not valid (a check this format
    /// does not make itself).
    #[error("the resulting layout is invalid: {0}")]
    Model(#[source] ModelError),
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        " (no functionaries are defined)".to_owned()
    } else {
        format!(" (defined: {})", known.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::Location;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "ab\ncdé\nf";
        assert_eq!(
            Location::of_offset(text, 0),
            Location { line: 1, column: 1 }
        );
        assert_eq!(
            Location::of_offset(text, 3),
            Location { line: 2, column: 1 }
        );
        // 'é' is two bytes; the column counts characters.
        assert_eq!(
            Location::of_offset(text, 7),
            Location { line: 2, column: 4 }
        );
        assert_eq!(
            Location::of_offset(text, 6),
            Location { line: 2, column: 3 }
        );
        assert_eq!(
            Location::of_offset(text, 999),
            Location { line: 3, column: 2 }
        );
    }
}
