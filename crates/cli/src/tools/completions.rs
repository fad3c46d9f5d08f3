//! `in-toto completions SHELL`: shell completions for `in-toto` and its
//! subcommands, and for the reference's tool names (`in-toto-verify`, ...),
//! made from the tools' own argument definitions.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};
use clap_complete::Shell;

use super::{documented, top_command};
use crate::common::{parse, prepared};

pub(crate) fn command() -> Command {
    Command::new("completions")
        .about("Print shell completions for in-toto, its subcommands and the in-toto-* tools")
        .long_about(
            "Print a completion script for SHELL to standard output. It completes 'in-toto' \
             with its subcommands and the reference's tool names (in-toto-run, in-toto-verify, \
             ...) with their flags.\n\n\
             bash: source it from ~/.bashrc, or save it as \
             ~/.local/share/bash-completion/completions/in-toto.\n\
             zsh: source it from ~/.zshrc (after compinit).\n\
             fish: save it as ~/.config/fish/completions/in-toto.fish.",
        )
        .after_help(
            "Examples:\n  \
             in-toto completions bash\n  \
             in-toto completions zsh\n  \
             in-toto completions fish",
        )
        .arg(
            Arg::new("shell")
                .value_name("SHELL")
                .required(true)
                .value_parser(["bash", "zsh", "fish"])
                .help("the shell to complete for"),
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

/// The completion script for `shell`: `in-toto` first, then each tool that
/// has a program name of its own.
pub(crate) fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    let mut top = top_command();
    clap_complete::generate(shell, &mut top, "in-toto", &mut out);
    for d in documented() {
        if d.name.contains(' ') {
            continue;
        }
        let mut cmd = prepared(d.tool.command(), &d.name);
        let mut one = Vec::new();
        clap_complete::generate(shell, &mut cmd, d.name.clone(), &mut one);
        let text = String::from_utf8_lossy(&one);
        // One file, one '#compdef' line (zsh reads only the first).
        for line in text.lines().filter(|l| !l.starts_with("#compdef")) {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
    out
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let m = match parse(command(), prog, args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let shell = match m.get_one::<String>("shell").map(String::as_str) {
        Some("zsh") => Shell::Zsh,
        Some("fish") => Shell::Fish,
        _ => Shell::Bash,
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(&script(shell))
        .and_then(|()| stdout.flush())
    {
        eprintln!("{prog}: error: cannot write the completions: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_complete_every_tool_name_and_flag() {
        let bash = String::from_utf8(script(Shell::Bash)).unwrap();
        assert!(
            bash.contains("complete -F _in__toto -o nosort -o bashdefault -o default in-toto\n")
        );
        assert!(bash.contains(
            "complete -F _in__toto__verify -o nosort -o bashdefault -o default in-toto-verify\n"
        ));
        assert!(bash.contains("in-toto-verify"));
        assert!(bash.contains("--report-html"));
        assert!(bash.contains("--verification-keys"));
        let zsh = String::from_utf8(script(Shell::Zsh)).unwrap();
        assert!(zsh.starts_with("#compdef in-toto\n"));
        assert_eq!(zsh.matches("#compdef").count(), 1);
        assert!(zsh.contains("compdef _in-toto-verify in-toto-verify"));
        let fish = String::from_utf8(script(Shell::Fish)).unwrap();
        assert!(fish.contains("complete -c in-toto-verify"));
        assert!(fish.contains("complete -c in-toto "));
        // Every subcommand of in-toto is offered.
        for sub in top_command().get_subcommands() {
            assert!(
                fish.contains(&format!("-f -a \"{}\" -d", sub.get_name())),
                "{} not completed",
                sub.get_name()
            );
        }
    }
}
