//! Lexical path normalisation exactly like Python's `posixpath.normpath`,
//! which the reference applies to every artifact path before matching and
//! naming it.

/// Normalises `path` like Python's `posixpath.normpath`: removes empty and
/// `.` components, folds `a/..` away, drops a trailing `/`, keeps leading
/// `..` of relative paths, keeps one leading `/` (or exactly two, as POSIX
/// allows), and turns the empty result into `.`. Purely lexical: symlinks
/// are not consulted.
pub fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let leading = if path.starts_with("//") && !path.starts_with("///") {
        2
    } else if path.starts_with('/') {
        1
    } else {
        0
    };
    let mut comps: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                if leading == 0 && (comps.is_empty() || comps.last() == Some(&"..")) {
                    comps.push(comp);
                } else {
                    // At the root of an absolute path `..` is `/` itself.
                    comps.pop();
                }
            }
            other => comps.push(other),
        }
    }
    let mut out = "/".repeat(leading);
    out.push_str(&comps.join("/"));
    if out.is_empty() { ".".to_owned() } else { out }
}

/// The normalised path of `name` inside the normalised directory `dir`:
/// `normpath(join(dir, name))` for a single component `name`.
pub(crate) fn join_normalized(dir: &str, name: &str) -> String {
    if dir == "." {
        return name.to_owned();
    }
    let mut out = String::with_capacity(dir.len() + 1 + name.len());
    out.push_str(dir);
    // Only "/" and "//" end in a slash after normalisation.
    if !dir.ends_with('/') {
        out.push('/');
    }
    out.push_str(name);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_python() {
        let cases = [
            ("", "."),
            (".", "."),
            ("./", "."),
            ("./a", "a"),
            ("a/", "a"),
            ("a//b", "a/b"),
            ("a/./b/", "a/b"),
            ("a/../d", "d"),
            ("a/..", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../ex/d", "../ex/d"),
            ("a/../../b", "../b"),
            ("/", "/"),
            ("//", "//"),
            ("///", "/"),
            ("//a//b", "//a/b"),
            ("///a", "/a"),
            ("/..", "/"),
            ("/../a", "/a"),
            ("/tmp/x/../a", "/tmp/a"),
            ("a\\b", "a\\b"),
            ("file:x", "file:x"),
        ];
        for (input, want) in cases {
            assert_eq!(normpath(input), want, "normpath({input:?})");
        }
    }

    #[test]
    fn join() {
        assert_eq!(join_normalized(".", "a"), "a");
        assert_eq!(join_normalized("/", "a"), "/a");
        assert_eq!(join_normalized("//", "a"), "//a");
        assert_eq!(join_normalized("../x", "a"), "../x/a");
        for (d, n) in [
            (".", "a"),
            ("/", "b"),
            ("//", "c"),
            ("..", "d"),
            ("x/y", "z"),
        ] {
            // posixpath.join adds a slash unless the directory ends in one.
            let joined = if d.ends_with('/') {
                format!("{d}{n}")
            } else {
                format!("{d}/{n}")
            };
            assert_eq!(join_normalized(d, n), normpath(&joined));
        }
    }
}
