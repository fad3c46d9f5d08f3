//! `in-toto-match-products`: do the local files still match the products
//! a link recorded?

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};
use intoto::metadata_io::{load_metadata, with_path};
use intoto::model::{Link, Payload};
use intoto::record::{RecordOptions, TerminalProgress};
use intoto::run::match_products;

use crate::common::{chain, parse, strings};

pub(crate) fn command() -> Command {
    Command::new("in-toto-match-products")
        .override_usage(
            "in-toto-match-products [-h] -l <path> [-p <path> [<path> ...]] \
             [-e <pattern> [<pattern> ...]] [--lstrip-paths <path> [<path> ...]] [-v]",
        )
        .args_override_self(true)
        .about("Check that local files match the products recorded in a link.")
        .long_about(
            "Check that local files match the products recorded in a link.\n\n\
             The paths are hashed as in-toto-run would record them and compared with the \
             link's products: names only in the link, names only found locally, and names \
             whose hashes differ. The link's signature is not checked. Metablock and DSSE \
             links are accepted.\n\n\
             Exit status: 0 when everything matches, 1 when something differs or the link \
             cannot be read, 2 for usage errors.",
        )
        .after_help(
            "Examples:\n  \
             in-toto-match-products -l build.2f89b927.link -p dist -v\n  \
             in-toto-match-products -l build.2f89b927.link -e '*.log' 'tmp/'",
        )
        .arg(
            Arg::new("link")
                .short('l')
                .long("link")
                .value_name("path")
                .required(true)
                .help_heading("Required Named Arguments")
                .help("the link whose products to compare with"),
        )
        .arg(
            Arg::new("paths")
                .short('p')
                .long("paths")
                .value_name("path")
                .num_args(1..)
                .action(ArgAction::Set)
                .help("files or directories to compare (default: the current directory)"),
        )
        .arg(
            Arg::new("exclude")
                .short('e')
                .long("exclude")
                .value_name("pattern")
                .num_args(1..)
                .action(ArgAction::Set)
                .help("gitignore-style patterns of paths to leave out; they replace the defaults"),
        )
        .arg(
            Arg::new("lstrip-paths")
                .long("lstrip-paths")
                .value_name("path")
                .num_args(1..)
                .action(ArgAction::Set)
                .help("prefixes to remove from the local names, as when the link was recorded"),
        )
        .arg(
            Arg::new("verbose")
                .short('v')
                .long("verbose")
                .action(ArgAction::SetTrue)
                .help("print the result and every difference"),
        )
}

fn load_link(path: &Path) -> Result<Link, String> {
    let metadata = load_metadata(path).map_err(|e| chain(&e))?;
    match metadata.payload().map_err(|e| chain(&with_path(path)(e)))? {
        Payload::Link(link) => Ok(link),
        other => Err(chain(&intoto::Error::WrongKind {
            path: path.to_path_buf(),
            expected: "link",
            found: other.kind().to_owned(),
        })),
    }
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let m = match parse(command(), prog, args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let verbose = m.get_flag("verbose");
    let fail = |msg: String| {
        eprintln!("({prog}) {msg}");
        ExitCode::FAILURE
    };
    let path = m.get_one::<String>("link").cloned().unwrap_or_default();
    let link = match load_link(Path::new(&path)) {
        Ok(l) => l,
        Err(msg) => return fail(msg),
    };
    let paths = if m.contains_id("paths") {
        strings(&m, "paths")
    } else {
        vec![".".to_owned()]
    };
    let mut opts = RecordOptions::new();
    if m.contains_id("exclude") {
        opts.exclude_patterns = Some(strings(&m, "exclude"));
    }
    opts.lstrip_paths = strings(&m, "lstrip-paths");
    let bar = TerminalProgress::new("hashing");
    let result = match_products(&link, &paths, &opts, &bar);
    bar.finish();
    let result = match result {
        Ok(r) => r,
        Err(e) => return fail(chain(&e)),
    };
    for w in &result.warnings {
        eprintln!("{w}");
    }
    if result.is_match() {
        if verbose {
            println!("Local artifacts match products in passed link.");
        }
        return ExitCode::SUCCESS;
    }
    if verbose {
        println!("Local artifacts don't match products in passed link.");
        for name in &result.only_in_products {
            println!("Only in products: {name}");
        }
        for name in &result.not_in_products {
            println!("Not in products: {name}");
        }
        for name in &result.differ {
            println!("Hashes differ: {name}");
        }
    }
    ExitCode::FAILURE
}
