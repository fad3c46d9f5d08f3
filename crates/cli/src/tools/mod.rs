//! The tools, and dispatch by program name or subcommand.

use std::ffi::OsString;
use std::process::ExitCode;

mod demo;
mod install_links;
mod key;
mod layout;
mod match_products;
mod mock;
mod record;
mod run;
mod sign;
mod verify;

/// A tool of the multi-call binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    Sign,
    Run,
    Record,
    Mock,
    MatchProducts,
    Verify,
    Key,
    Layout,
    InstallLinks,
    Demo,
}

/// The reference's tools that we provide under their own names.
const REFERENCE_TOOLS: &[(&str, Tool)] = &[
    ("in-toto-sign", Tool::Sign),
    ("in-toto-run", Tool::Run),
    ("in-toto-record", Tool::Record),
    ("in-toto-mock", Tool::Mock),
    ("in-toto-match-products", Tool::MatchProducts),
    ("in-toto-verify", Tool::Verify),
];

/// Our subcommands of `in-toto`.
const SUBCOMMANDS: &[(&str, Tool, &str)] = &[
    (
        "run",
        Tool::Run,
        "Run a step and write signed evidence of it (in-toto-run)",
    ),
    (
        "record",
        Tool::Record,
        "Record a step in two halves, start and stop (in-toto-record)",
    ),
    (
        "mock",
        Tool::Mock,
        "Run a command and write an unsigned link, to try things out (in-toto-mock)",
    ),
    (
        "match-products",
        Tool::MatchProducts,
        "Check local files against a link's products (in-toto-match-products)",
    ),
    (
        "sign",
        Tool::Sign,
        "Sign or verify link and layout metadata (in-toto-sign)",
    ),
    (
        "verify",
        Tool::Verify,
        "Verify a supply chain against its signed layout (in-toto-verify)",
    ),
    (
        "key",
        Tool::Key,
        "Generate keys and show key ids and key dicts",
    ),
    (
        "layout",
        Tool::Layout,
        "Write layouts in TOML (create), and show and lint layouts",
    ),
    (
        "demo",
        Tool::Demo,
        "Run a whole supply chain end to end, verify it, then show a tampering being caught",
    ),
    (
        "install-links",
        Tool::InstallLinks,
        "Put the reference's tool names (in-toto-run, ...) on PATH as links to this binary",
    ),
];

impl Tool {
    /// The tool a program name stands for (`in-toto-sign` -> `Sign`).
    pub(crate) fn from_program_name(name: &str) -> Option<Self> {
        let name = name.strip_suffix(".exe").unwrap_or(name);
        REFERENCE_TOOLS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    }

    /// The name the tool uses in messages (`in-toto-sign`).
    pub(crate) fn reference_name(self) -> &'static str {
        match self {
            Self::Sign => "in-toto-sign",
            Self::Run => "in-toto-run",
            Self::Record => "in-toto-record",
            Self::Mock => "in-toto-mock",
            Self::MatchProducts => "in-toto-match-products",
            Self::Verify => "in-toto-verify",
            Self::Key => "in-toto key",
            Self::Layout => "in-toto layout",
            Self::InstallLinks => "in-toto install-links",
            Self::Demo => "in-toto demo",
        }
    }

    /// Runs the tool with its arguments (program name excluded).
    pub(crate) fn main(self, prog: &str, args: Vec<OsString>) -> ExitCode {
        match self {
            Self::Sign => sign::main(prog, args),
            Self::Run => run::main(prog, args),
            Self::Record => record::main(prog, args),
            Self::Mock => mock::main(prog, args),
            Self::MatchProducts => match_products::main(prog, args),
            Self::Verify => verify::main(prog, args),
            Self::Key => key::main(prog, args),
            Self::Layout => layout::main(prog, args),
            Self::InstallLinks => install_links::main(prog, args),
            Self::Demo => demo::main(prog, args),
        }
    }
}

/// The names under which the binary acts as a reference tool.
pub(crate) fn reference_tool_names() -> impl Iterator<Item = &'static str> {
    REFERENCE_TOOLS.iter().map(|(n, _)| *n)
}

/// `in-toto <subcommand> ...`.
pub(crate) fn top_level(args: Vec<OsString>) -> ExitCode {
    let first = args.first().map(|a| a.to_string_lossy().into_owned());
    if let Some(sub) = first.as_deref()
        && let Some((name, tool, _)) = SUBCOMMANDS.iter().find(|(n, _, _)| *n == sub)
    {
        let prog = match tool.reference_name() {
            n if n.starts_with("in-toto-") => n.to_owned(),
            _ => format!("in-toto {name}"),
        };
        return tool.main(&prog, args.into_iter().skip(1).collect());
    }
    let mut help = String::from(
        "in-toto: software supply-chain integrity (a drop-in for the Python reference, in-toto 3.1.0)\n\n\
         usage: in-toto <command> [args]\n\nCommands:\n",
    );
    for (name, _, about) in SUBCOMMANDS {
        help.push_str(&format!("  {name:<16} {about}\n"));
    }
    help.push_str("\nRun 'in-toto <command> --help' for the options of a command.\n");
    match first.as_deref() {
        None => {
            eprint!("{help}");
            ExitCode::from(crate::common::EXIT_USAGE)
        }
        Some("-h" | "--help" | "help") => {
            print!("{help}");
            ExitCode::SUCCESS
        }
        Some("--version" | "-V") => {
            println!(
                "in-toto {} (compatible with in-toto 3.1.0)",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprint!("{help}");
            eprintln!("in-toto: error: unknown command '{other}'");
            ExitCode::from(crate::common::EXIT_USAGE)
        }
    }
}
