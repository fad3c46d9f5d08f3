//! `in-toto docs`: the command reference as one self-contained HTML page
//! (`--html FILE`) and man pages (`--man DIR`), both made from the tools'
//! own argument definitions, so that they describe exactly what the tools
//! parse.
//!
//! Every registered tool is on the page (see [`super::documented`]), in its
//! category, with its tags, every flag, and the worked examples of its
//! help's `Examples:` block, which is the one source of examples for the
//! help, the page and the man pages.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgGroup, Command};
use intoto::files::write_atomic;
use intoto_report::reference::{ArgDoc, Category as PageCategory, CommandDoc, Reference, Tool};

use super::{Category, documented};
use crate::common::{chain, parse, prepared};

pub(crate) fn command() -> Command {
    Command::new("docs")
        .about("Write the command reference as one self-contained HTML page, or man pages")
        .long_about(
            "Write the reference of every tool and subcommand, with every flag and worked \
             examples, made from the tools' own definitions. The HTML page needs nothing else \
             (no network, no external files): type in its filter box to keep only the tools \
             that match (names, flags, tags such as dsse, threshold, gpg); press / to filter, \
             Esc to clear, j and k for the next and previous section, g g for the top, and c \
             to copy the current section's examples.",
        )
        .after_help(
            "Examples:\n  \
             in-toto docs --html in-toto-reference.html\n  \
             in-toto docs --man /usr/local/share/man/man1\n  \
             in-toto docs --html docs/reference.html --man target/man",
        )
        .arg(
            Arg::new("html")
                .long("html")
                .value_name("FILE")
                .help("write the command reference as one HTML page to FILE"),
        )
        .arg(
            Arg::new("man")
                .long("man")
                .value_name("DIR")
                .help("write a man page (section 1) for each tool and subcommand into DIR"),
        )
        .group(
            ArgGroup::new("output")
                .args(["html", "man"])
                .required(true)
                .multiple(true),
        )
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("show this help message and exit"),
        )
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let m = match parse(command(), prog, args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    if let Some(file) = m.get_one::<String>("html") {
        let page = intoto_report::render_reference(&reference());
        if let Err(e) = write_atomic(Path::new(file), page.as_bytes()) {
            eprintln!("{prog}: error: cannot write the reference: {}", chain(&e));
            return ExitCode::FAILURE;
        }
        eprintln!("Wrote the command reference to '{file}'.");
    }
    if let Some(dir) = m.get_one::<String>("man") {
        let dir = PathBuf::from(dir);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("{prog}: error: cannot create {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        let pages = match man_pages() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{prog}: error: cannot render the man pages: {e}");
                return ExitCode::FAILURE;
            }
        };
        for (name, bytes) in &pages {
            let path = dir.join(name);
            if let Err(e) = write_atomic(&path, bytes) {
                eprintln!(
                    "{prog}: error: cannot write {}: {}",
                    path.display(),
                    chain(&e)
                );
                return ExitCode::FAILURE;
            }
        }
        eprintln!("Wrote {} man pages to '{}'.", pages.len(), dir.display());
    }
    ExitCode::SUCCESS
}

/// The heading, anchor and description of a category.
fn category_heading(c: Category) -> (&'static str, &'static str, &'static str) {
    match c {
        Category::Evidence => (
            "evidence",
            "Evidence generation",
            "record what each step of the supply chain did, as signed links",
        ),
        Category::Verification => (
            "verification",
            "Verification",
            "check the evidence against the owner's signed layout",
        ),
        Category::Maintenance => (
            "maintenance",
            "Maintenance",
            "keys, layouts, signatures, and this tool itself",
        ),
    }
}

/// The command reference of every registered tool, by category.
pub(crate) fn reference() -> Reference {
    let mut categories: Vec<(Category, PageCategory)> = Vec::new();
    for d in documented() {
        let (category, tags) = d.tool.catalogue();
        let mut cmd = prepared(d.tool.command(), &d.name);
        cmd.build();
        let tool = Tool {
            command: command_doc(&mut cmd, &d.name),
            aliases: d.aliases.clone(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        };
        match categories.iter_mut().find(|(c, _)| *c == category) {
            Some((_, page)) => page.tools.push(tool),
            None => {
                let (id, title, description) = category_heading(category);
                categories.push((
                    category,
                    PageCategory {
                        id: id.to_owned(),
                        title: title.to_owned(),
                        description: description.to_owned(),
                        tools: vec![tool],
                    },
                ));
            }
        }
    }
    categories.sort_by_key(|(c, _)| *c);
    Reference {
        title: "in-toto command reference".to_owned(),
        intro: "Every tool of the in-toto binary, with every flag and worked examples. The \
                reference's tools (in-toto-run, in-toto-verify, ...) are also subcommands of \
                in-toto (in-toto run, in-toto verify, ...); 'in-toto install-links DIR' puts \
                their names on your PATH. Generated from the tools' own definitions by \
                'in-toto docs --html'."
            .to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        categories: categories.into_iter().map(|(_, c)| c).collect(),
    }
}

/// The help's epilogue split into its notes and its worked examples: the
/// indented lines after an `Examples:` (or `Example:`) line. A line
/// starting with `#` is a comment within the examples; a line ending in
/// `\` goes on in the next, as in the shell.
pub(crate) fn split_examples(after_help: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let mut examples: Vec<String> = Vec::new();
    let mut in_examples = false;
    for line in after_help.lines() {
        if matches!(line.trim(), "Examples:" | "Example:") {
            in_examples = true;
            continue;
        }
        if in_examples && line.starts_with(char::is_whitespace) && !line.trim().is_empty() {
            match examples.last_mut() {
                // A shell line continued on the next.
                Some(last) if last.ends_with('\\') => {
                    last.push_str("\n    ");
                    last.push_str(line.trim());
                }
                _ => examples.push(line.trim().to_owned()),
            }
            continue;
        }
        in_examples = false;
        notes.push(line);
    }
    (notes.join("\n").trim().to_owned(), examples)
}

/// How an argument is written: `-l, --layout <path>`, `<FILE>...`.
fn synopsis(a: &Arg) -> String {
    let takes_values = a.get_action().takes_values();
    let many = a.get_num_args().is_some_and(|r| r.max_values() > 1);
    let values: Vec<String> = match a.get_value_names() {
        Some(names) => names.iter().map(|n| format!("<{n}>")).collect(),
        None => vec![format!("<{}>", a.get_id().as_str().to_uppercase())],
    };
    let mut value = values.join(" ");
    if many {
        value.push_str("...");
    }
    if a.get_num_args().is_some_and(|r| r.min_values() == 0) && takes_values {
        value = format!("[{value}]");
    }
    if a.is_positional() {
        return value;
    }
    let mut names = Vec::new();
    if let Some(s) = a.get_short() {
        names.push(format!("-{s}"));
    }
    if let Some(l) = a.get_long() {
        names.push(format!("--{l}"));
    }
    let mut out = names.join(", ");
    if takes_values {
        out.push(' ');
        out.push_str(&value);
    }
    out
}

/// The documentation of a built command and its subcommands.
fn command_doc(cmd: &mut Command, name: &str) -> CommandDoc {
    let usage = cmd.render_usage().to_string();
    let usage = usage
        .strip_prefix("Usage: ")
        .unwrap_or(&usage)
        .trim()
        .to_owned();
    let after = cmd
        .get_after_long_help()
        .or(cmd.get_after_help())
        .map(ToString::to_string)
        .unwrap_or_default();
    let (notes, examples) = split_examples(&after);
    let args = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .map(|a| {
            let takes_values = a.get_action().takes_values();
            ArgDoc {
                synopsis: synopsis(a),
                help: a
                    .get_long_help()
                    .or(a.get_help())
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                required: a.is_required_set(),
                defaults: if takes_values {
                    a.get_default_values()
                        .iter()
                        .map(|v| v.to_string_lossy().into_owned())
                        .collect()
                } else {
                    Vec::new()
                },
                possible_values: if takes_values {
                    a.get_possible_values()
                        .iter()
                        .filter(|v| !v.is_hide_set())
                        .map(|v| v.get_name().to_owned())
                        .collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    let subcommands = cmd
        .get_subcommands_mut()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .map(|s| {
            let sub_name = format!("{name} {}", s.get_name());
            command_doc(s, &sub_name)
        })
        .collect();
    CommandDoc {
        name: name.to_owned(),
        about: cmd.get_about().map(ToString::to_string).unwrap_or_default(),
        long_about: cmd
            .get_long_about()
            .map(ToString::to_string)
            .unwrap_or_default(),
        usage,
        args,
        notes,
        examples,
        subcommands,
    }
}

/// One man page per registered tool and per subcommand, and one for
/// `in-toto` itself: `(file name, roff)`.
pub(crate) fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(
        cmd: &Command,
        file_stem: &str,
        out: &mut Vec<(String, Vec<u8>)>,
    ) -> std::io::Result<()> {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd.clone().name(file_stem.to_owned()))
            .title(file_stem.to_owned())
            .section("1")
            .source(format!("in-toto-rs-ng {}", env!("CARGO_PKG_VERSION")))
            .manual("in-toto")
            .render(&mut buf)?;
        out.push((format!("{file_stem}.1"), buf));
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            walk(sub, &format!("{file_stem}-{}", sub.get_name()), out)?;
        }
        Ok(())
    }
    let mut out = Vec::new();
    let mut top = super::top_command();
    top.build();
    let mut buf = Vec::new();
    clap_mangen::Man::new(top.clone())
        .section("1")
        .source(format!("in-toto-rs-ng {}", env!("CARGO_PKG_VERSION")))
        .manual("in-toto")
        .render(&mut buf)?;
    out.push(("in-toto.1".to_owned(), buf));
    for d in documented() {
        let stem = d.name.replace(' ', "-");
        let mut cmd = prepared(d.tool.command(), &d.name);
        cmd.build();
        walk(&cmd, &stem, &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits an example into words as a POSIX shell would (quotes and
    /// backslashes), up to the first unquoted pipe, redirection, `;`, `&`
    /// or comment.
    fn shell_words(line: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut cur = String::new();
        let mut has = false;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    has = true;
                    for q in chars.by_ref() {
                        if q == '\'' {
                            break;
                        }
                        cur.push(q);
                    }
                }
                '"' => {
                    has = true;
                    while let Some(q) = chars.next() {
                        match q {
                            '"' => break,
                            '\\' => cur.extend(chars.next()),
                            q => cur.push(q),
                        }
                    }
                }
                '\\' => match chars.next() {
                    // A continued line.
                    Some('\n') => {}
                    next => {
                        has = true;
                        cur.extend(next);
                    }
                },
                '|' | '>' | '<' | ';' | '&' => break,
                // A comment.
                '#' if !has => break,
                c if c.is_whitespace() => {
                    if has {
                        words.push(std::mem::take(&mut cur));
                        has = false;
                    }
                }
                c => {
                    has = true;
                    cur.push(c);
                }
            }
        }
        if has {
            words.push(cur);
        }
        words
    }

    #[test]
    fn shell_words_follow_the_shell() {
        assert_eq!(
            shell_words(r#"in-toto-run -n build -- sh -c "make all" 'a b' c\ d | tee x"#),
            [
                "in-toto-run",
                "-n",
                "build",
                "--",
                "sh",
                "-c",
                "make all",
                "a b",
                "c d"
            ]
        );
        assert_eq!(shell_words("a > out"), ["a"]);
        assert_eq!(shell_words("a b#c  # comment"), ["a", "b#c"]);
        assert_eq!(shell_words("a \\\n    b"), ["a", "b"]);
    }

    #[test]
    fn examples_are_split_from_the_notes() {
        let (notes, ex) = split_examples("Some notes.\n\nExamples:\n  a --x\n  b\n\nMore.");
        assert_eq!(ex, ["a --x", "b"]);
        assert_eq!(notes, "Some notes.\n\n\nMore.");
        assert_eq!(
            split_examples("Examples:\n  only"),
            (String::new(), vec!["only".into()])
        );
    }

    /// `words` without the tool name they start with (one of `names`).
    fn strip_name(words: &[String], names: &[String]) -> Option<Vec<String>> {
        names.iter().find_map(|n| {
            let n: Vec<&str> = n.split(' ').collect();
            (words.len() >= n.len()
                && words[..n.len()]
                    .iter()
                    .map(String::as_str)
                    .eq(n.iter().copied()))
            .then(|| words[n.len()..].to_vec())
        })
    }

    /// The examples of `cmd` and its subcommands, each with the path of the
    /// command whose help gives it.
    fn all_examples(cmd: &Command, path: &[String], out: &mut Vec<(Vec<String>, String)>) {
        let after = cmd
            .get_after_help()
            .map(ToString::to_string)
            .unwrap_or_default();
        let (_, examples) = split_examples(&after);
        out.extend(
            examples
                .into_iter()
                .filter(|e| !e.starts_with('#'))
                .map(|e| (path.to_vec(), e)),
        );
        for sub in cmd.get_subcommands() {
            let mut p = path.to_vec();
            p.push(sub.get_name().to_owned());
            all_examples(sub, &p, out);
        }
    }

    /// The paths of the leaf commands of `cmd`.
    fn leaves(cmd: &Command, path: &[String], out: &mut Vec<Vec<String>>) {
        if cmd.get_subcommands().next().is_none() {
            out.push(path.to_vec());
        }
        for sub in cmd.get_subcommands() {
            let mut p = path.to_vec();
            p.push(sub.get_name().to_owned());
            leaves(sub, &p, out);
        }
    }

    /// Every example of every registered tool starts with the tool's name
    /// (and the subcommand whose help gives it), the tool's own argument
    /// parser accepts it, and every command and subcommand has one: the
    /// examples cannot drift from the flags.
    #[test]
    fn every_example_parses_with_its_tool() {
        let mut checked = 0;
        for d in documented() {
            let mut names = vec![d.name.clone()];
            names.extend(d.aliases.iter().cloned());
            let cmd = d.tool.command();
            let mut all = Vec::new();
            all_examples(&cmd, &[], &mut all);
            let mut covered: Vec<Vec<String>> = Vec::new();
            for (path, ex) in all {
                let words = shell_words(&ex);
                let Some(rest) = strip_name(&words, &names) else {
                    // A step of a worked sequence with another tool: its
                    // parser must accept it.
                    let other = documented()
                        .into_iter()
                        .find_map(|o| {
                            let mut n = vec![o.name.clone()];
                            n.extend(o.aliases.iter().cloned());
                            strip_name(&words, &n).map(|rest| (o, rest))
                        })
                        .unwrap_or_else(|| {
                            panic!("example {ex:?} does not start with a tool name")
                        });
                    let (o, rest) = other;
                    let mut argv = vec![o.name.clone()];
                    argv.extend(rest);
                    let result = prepared(o.tool.command(), &o.name).try_get_matches_from(&argv);
                    assert!(result.is_ok(), "{ex:?} does not parse: {:?}", result.err());
                    continue;
                };
                assert!(
                    rest.len() >= path.len() && rest[..path.len()] == path[..],
                    "example {ex:?} is not for '{}'",
                    path.join(" ")
                );
                // The subcommands it runs.
                let mut at = &cmd;
                let mut ran = Vec::new();
                for w in &rest {
                    match at.find_subcommand(w) {
                        Some(sub) => {
                            ran.push(w.clone());
                            at = sub;
                        }
                        None => break,
                    }
                }
                covered.push(ran);
                let mut argv = vec![d.name.clone()];
                argv.extend(rest);
                let result = prepared(d.tool.command(), &d.name).try_get_matches_from(&argv);
                assert!(result.is_ok(), "{ex:?} does not parse: {:?}", result.err());
                checked += 1;
            }
            let mut want = Vec::new();
            leaves(&cmd, &[], &mut want);
            for leaf in want {
                assert!(
                    covered.contains(&leaf),
                    "{} {} has no worked example",
                    d.name,
                    leaf.join(" ")
                );
            }
        }
        assert!(checked >= 20, "only {checked} examples");
    }

    /// Every registered tool and each of its subcommands is on the page,
    /// in its category, with every one of its flags.
    #[test]
    fn every_registered_tool_is_on_the_page() {
        let r = reference();
        let page = intoto_report::render_reference(&r);
        let docs = documented();
        assert!(docs.len() >= 7);
        for d in &docs {
            let (category, tags) = d.tool.catalogue();
            let (id, _, _) = category_heading(category);
            let cat = r.categories.iter().find(|c| c.id == id).unwrap();
            let tool = cat
                .tools
                .iter()
                .find(|t| t.command.name == d.name)
                .unwrap_or_else(|| panic!("{} is not in the category {id}", d.name));
            assert!(!tags.is_empty(), "{} has no tags", d.name);
            assert!(
                page.contains(&format!("data-tool=\"{}\"", d.name)),
                "{}",
                d.name
            );
            let mut cmd = prepared(d.tool.command(), &d.name);
            cmd.build();
            fn flags(c: &Command, doc: &CommandDoc, page: &str) {
                for a in c.get_arguments().filter(|a| !a.is_hide_set()) {
                    if let Some(l) = a.get_long() {
                        let flag = format!("--{l}");
                        assert!(
                            doc.args.iter().any(|x| x.synopsis.contains(&flag)),
                            "{} {flag}",
                            doc.name
                        );
                        assert!(page.contains(&flag), "{flag} not on the page");
                    }
                }
                for s in c.get_subcommands().filter(|s| s.get_name() != "help") {
                    let sub = doc
                        .subcommands
                        .iter()
                        .find(|x| x.name.ends_with(&format!(" {}", s.get_name())))
                        .unwrap_or_else(|| panic!("{} {} missing", doc.name, s.get_name()));
                    assert!(
                        page.contains(&format!("data-section=\"{}\"", sub.name)),
                        "{}",
                        sub.name
                    );
                    flags(s, sub, page);
                }
            }
            flags(&cmd, &tool.command, &page);
        }
        // Categories in order: evidence (when registered), verification, maintenance.
        let ids: Vec<&str> = r.categories.iter().map(|c| c.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_by_key(|id| {
            ["evidence", "verification", "maintenance"]
                .iter()
                .position(|x| x == id)
        });
        assert_eq!(ids, sorted);
        assert!(page.contains("data-tool=\"in-toto-verify\""));
        assert!(page.contains("in-toto verify"));
    }

    #[test]
    fn man_pages_cover_every_tool_and_subcommand() {
        let pages = man_pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "in-toto.1",
            "in-toto-verify.1",
            "in-toto-sign.1",
            "in-toto-key.1",
            "in-toto-key-generate.1",
            "in-toto-layout-create.1",
            "in-toto-docs.1",
            "in-toto-completions.1",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        for d in documented() {
            assert!(names.contains(&format!("{}.1", d.name.replace(' ', "-")).as_str()));
        }
        let verify = &pages
            .iter()
            .find(|(n, _)| n == "in-toto-verify.1")
            .unwrap()
            .1;
        let verify = String::from_utf8_lossy(verify);
        assert!(
            verify.contains(".TH in-toto-verify 1"),
            "{}",
            &verify[..200.min(verify.len())]
        );
        assert!(verify.contains("report\\-json"));
        assert!(
            verify.contains("in\\-toto\\-verify \\-\\-layout root.layout")
                || verify.contains("in\\-toto\\-verify")
        );
    }
}
