//! The tools, and dispatch by program name or subcommand.

use std::ffi::OsString;
use std::process::ExitCode;

mod attest;
mod completions;
mod demo;
mod docs;
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
    Attest,
    InstallLinks,
    Demo,
    Docs,
    Completions,
}

/// Where a tool is listed in the command reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Category {
    /// Tools that record evidence: links of steps.
    Evidence,
    /// Tools that check evidence against a layout.
    Verification,
    /// Keys, layouts, signatures, attestations, and the tool itself.
    Maintenance,
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
        "attest",
        Tool::Attest,
        "Write SLSA provenance and signed attestations of any predicate, and verify attestations",
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
    (
        "docs",
        Tool::Docs,
        "Write the command reference as one HTML page, or man pages",
    ),
    (
        "completions",
        Tool::Completions,
        "Print shell completions for bash, zsh or fish",
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
            Self::Attest => "in-toto attest",
            Self::InstallLinks => "in-toto install-links",
            Self::Demo => "in-toto demo",
            Self::Docs => "in-toto docs",
            Self::Completions => "in-toto completions",
        }
    }

    /// The tool's argument definitions: what it parses, and what its help,
    /// the command reference, the man pages and the completions describe.
    pub(crate) fn command(self) -> clap::Command {
        match self {
            Self::Sign => sign::command(),
            Self::Run => run::command(),
            Self::Record => record::command(),
            Self::Mock => mock::command(),
            Self::MatchProducts => match_products::command(),
            Self::Verify => verify::command(),
            Self::Key => key::command(),
            Self::Layout => layout::command(),
            Self::Attest => attest::command(),
            Self::InstallLinks => install_links::command(),
            Self::Demo => demo::command(),
            Self::Docs => docs::command(),
            Self::Completions => completions::command(),
        }
    }

    /// Where the command reference lists the tool, and the words its filter
    /// finds it by (besides its names, flags and texts).
    pub(crate) fn catalogue(self) -> (Category, &'static [&'static str]) {
        match self {
            Self::Run => (
                Category::Evidence,
                &[
                    "link",
                    "materials",
                    "products",
                    "byproducts",
                    "command",
                    "dsse",
                    "metablock",
                    "exclude",
                    "signing",
                ],
            ),
            Self::Record => (
                Category::Evidence,
                &[
                    "link",
                    "start",
                    "stop",
                    "materials",
                    "products",
                    "unfinished",
                    "dsse",
                    "metablock",
                    "signing",
                ],
            ),
            Self::MatchProducts => (
                Category::Verification,
                &["products", "link", "digests", "compare", "exclude"],
            ),
            Self::Mock => (
                Category::Maintenance,
                &[
                    "unsigned link",
                    "try",
                    "materials",
                    "products",
                    "byproducts",
                ],
            ),
            Self::Demo => (
                Category::Maintenance,
                &[
                    "demo",
                    "tutorial",
                    "end to end",
                    "tampering",
                    "threshold",
                    "inspection",
                ],
            ),
            Self::Sign => (
                Category::Maintenance,
                &[
                    "signature",
                    "dsse",
                    "metablock",
                    "gpg",
                    "layout",
                    "link",
                    "pem",
                ],
            ),
            Self::Verify => (
                Category::Verification,
                &[
                    "threshold",
                    "dsse",
                    "metablock",
                    "inspection",
                    "sublayout",
                    "artifact rules",
                    "match",
                    "parameters",
                    "report",
                    "json",
                    "html",
                ],
            ),
            Self::Key => (
                Category::Maintenance,
                &[
                    "keys", "ed25519", "rsa", "ecdsa", "keyid", "pkcs8", "pem", "password",
                ],
            ),
            Self::Layout => (
                Category::Maintenance,
                &[
                    "toml",
                    "threshold",
                    "inspection",
                    "artifact rules",
                    "match",
                    "lint",
                    "dot",
                    "graphviz",
                    "expiry",
                ],
            ),
            Self::Attest => (
                Category::Evidence,
                &[
                    "attestation",
                    "statement",
                    "slsa",
                    "provenance",
                    "predicate",
                    "dsse",
                    "subject",
                    "threshold",
                    "builder",
                ],
            ),
            Self::InstallLinks => (Category::Maintenance, &["multi-call", "symlink", "path"]),
            Self::Docs => (Category::Maintenance, &["html", "man", "reference"]),
            Self::Completions => (Category::Maintenance, &["shell", "bash", "zsh", "fish"]),
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
            Self::Attest => attest::main(prog, args),
            Self::InstallLinks => install_links::main(prog, args),
            Self::Demo => demo::main(prog, args),
            Self::Docs => docs::main(prog, args),
            Self::Completions => completions::main(prog, args),
        }
    }
}

/// A registered tool as the documentation presents it.
#[derive(Clone, Debug)]
pub(crate) struct Documented {
    pub(crate) tool: Tool,
    /// The name it is documented under: the reference's tool name
    /// (`in-toto-verify`), or else `in-toto <subcommand>`.
    pub(crate) name: String,
    /// Other ways to invoke it (`in-toto verify`).
    pub(crate) aliases: Vec<String>,
}

/// Every registered tool (each subcommand of `in-toto` and each reference
/// tool name), once, in the order of the subcommands.
pub(crate) fn documented() -> Vec<Documented> {
    let mut out: Vec<Documented> = Vec::new();
    for (sub, tool, _) in SUBCOMMANDS {
        let reference = REFERENCE_TOOLS
            .iter()
            .find(|(_, t)| t == tool)
            .map(|(n, _)| *n);
        out.push(Documented {
            tool: *tool,
            name: reference.map_or_else(|| format!("in-toto {sub}"), str::to_owned),
            aliases: reference
                .map(|_| format!("in-toto {sub}"))
                .into_iter()
                .collect(),
        });
    }
    for (name, tool) in REFERENCE_TOOLS {
        if !out.iter().any(|d| d.tool == *tool) {
            out.push(Documented {
                tool: *tool,
                name: (*name).to_owned(),
                aliases: Vec::new(),
            });
        }
    }
    out
}

/// `in-toto` with every tool as a subcommand, as the man pages and shell
/// completions describe it.
pub(crate) fn top_command() -> clap::Command {
    let mut cmd = clap::Command::new("in-toto")
        .about("Software supply-chain integrity: a drop-in for the Python reference, in-toto 3.1.0")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .disable_help_subcommand(true);
    for (sub, tool, about) in SUBCOMMANDS {
        cmd = cmd.subcommand(crate::common::decorated(tool.command().name(*sub)).about(*about));
    }
    cmd
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
