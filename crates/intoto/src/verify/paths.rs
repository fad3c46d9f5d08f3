//! Artifact names in links must be normalised relative paths, so that one
//! file cannot be named two ways and slip past a rule written for the other
//! spelling (the CVE-2021-41087 class: `./secret.key`, `x/../secret.key`,
//! `a//b`). The reference compares raw strings and accepts all of them.

use std::fmt;

/// What is wrong with an artifact name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathProblem {
    /// The name is empty.
    Empty,
    /// The name starts with `/`.
    Absolute,
    /// A segment is `.`.
    Dot,
    /// A segment is `..`.
    DotDot,
    /// Two `/` in a row, or a trailing `/`.
    EmptySegment,
}

impl PathProblem {
    /// A short machine-readable name (`absolute`, `dot-dot`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Absolute => "absolute",
            Self::Dot => "dot",
            Self::DotDot => "dot-dot",
            Self::EmptySegment => "empty-segment",
        }
    }
}

impl fmt::Display for PathProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the name is empty",
            Self::Absolute => "it is an absolute path",
            Self::Dot => "it has a '.' segment",
            Self::DotDot => "it has a '..' segment",
            Self::EmptySegment => "it has an empty segment ('//' or a trailing '/')",
        })
    }
}

/// Checks that `name` is a normalised relative path: not empty, not
/// absolute, and no segment empty, `.` or `..`. Backslashes are ordinary
/// characters (they are on POSIX file systems).
pub fn check_artifact_name(name: &str) -> Result<(), PathProblem> {
    if name.is_empty() {
        return Err(PathProblem::Empty);
    }
    if name.starts_with('/') {
        return Err(PathProblem::Absolute);
    }
    for segment in name.split('/') {
        match segment {
            "" => return Err(PathProblem::EmptySegment),
            "." => return Err(PathProblem::Dot),
            ".." => return Err(PathProblem::DotDot),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in [
            "a",
            "a/b.c",
            ".hidden",
            "..x",
            "x..",
            "a/.b/c",
            "back\\slash",
            "dir:x",
            "é/😀",
        ] {
            assert_eq!(check_artifact_name(ok), Ok(()), "{ok}");
        }
        for (bad, p) in [
            ("", PathProblem::Empty),
            ("/etc/passwd", PathProblem::Absolute),
            ("./x", PathProblem::Dot),
            ("a/./x", PathProblem::Dot),
            (".", PathProblem::Dot),
            ("x/../secret.key", PathProblem::DotDot),
            ("../x", PathProblem::DotDot),
            ("a//b", PathProblem::EmptySegment),
            ("a/", PathProblem::EmptySegment),
        ] {
            assert_eq!(check_artifact_name(bad), Err(p), "{bad}");
        }
    }
}
