//! The pages for people: `in-toto-verify --report-html`, `in-toto docs`
//! (HTML reference and man pages) and `in-toto completions`.

use std::fs;
use std::path::Path;
use std::process::Command;

use intoto::keys::load_private_key;
use intoto::metadata_io::write_metadata;
use intoto::model::artifact::DigestSet;
use intoto::model::{ArtifactRule, Layout, Link, Metadata, Payload, Step};
use intoto::time::SystemClock;
use intoto_crypto::PrivateKey;
use intoto_crypto::digest::sha256_hex;

use crate::util::*;

fn key(dir: &Path, name: &str) -> PrivateKey {
    let mut cmd = ours("in-toto");
    cmd.args(["key", "generate", "--type", "ed25519", "-o", name]);
    expect_code(cmd, dir, 0);
    load_private_key(&dir.join(name), None).unwrap()
}

fn digests(content: &str) -> DigestSet {
    DigestSet::from([("sha256".to_owned(), sha256_hex(content.as_bytes()))])
}

fn rule(tokens: &[&str]) -> ArtifactRule {
    ArtifactRule::from_list(tokens).unwrap()
}

/// `build` creates `dist/app`; `package` must take the same `dist/app`
/// (with `tampered`, it took another). The layout names the artifact
/// `{APP}`, a parameter.
fn chain(dir: &Path, tampered: bool) {
    let owner = key(dir, "owner");
    let alice = key(dir, "alice");
    let mut layout = Layout::new(&SystemClock);
    layout.readme = "Build, then package.".into();
    let id = layout.add_functionary_key(alice.public_key().clone());
    let mut build = Step::new("build");
    build.add_pubkey(&id);
    build.expected_products = vec![rule(&["CREATE", "dist/{APP}"]), rule(&["DISALLOW", "*"])];
    let mut package = Step::new("package");
    package.add_pubkey(&id);
    package.expected_materials = vec![
        rule(&["MATCH", "dist/{APP}", "WITH", "PRODUCTS", "FROM", "build"]),
        rule(&["DISALLOW", "*"]),
    ];
    layout.steps = vec![build, package];
    let mut md = Metadata::new_metablock(&Payload::Layout(layout));
    md.sign(&owner).unwrap();
    write_metadata(&dir.join("root.layout"), &md).unwrap();
    let put = |name: &str, link: Link| {
        let mut md = Metadata::new_metablock(&Payload::Link(link));
        md.sign(&alice).unwrap();
        write_metadata(&dir.join(Link::file_name(name, id.as_str())), &md).unwrap();
    };
    let mut build = Link::new("build");
    build.products.insert("dist/app".into(), digests("app v1"));
    put("build", build);
    let mut package = Link::new("package");
    package.materials.insert(
        "dist/app".into(),
        digests(if tampered {
            "app v1 + backdoor"
        } else {
            "app v1"
        }),
    );
    put("package", package);
}

fn verify(dir: &Path, extra: &[&str], code: i32) -> std::process::Output {
    let mut cmd = ours("in-toto-verify");
    cmd.args([
        "-l",
        "root.layout",
        "--verification-keys",
        "owner.pub",
        "--param",
        "APP=app",
    ]);
    cmd.args(extra);
    expect_code(cmd, dir, code)
}

#[test]
fn the_html_report_is_written_whatever_the_verdict() {
    let tmp = TempDir::new("html-report");
    let dir = tmp.path();
    chain(dir, true);
    fs::create_dir(dir.join("out")).unwrap();
    // Failing: the page names the rule, the artifact and both digests.
    verify(
        dir,
        &[
            "--report-html",
            "out/report.html",
            "--report-json",
            "out/r.json",
        ],
        1,
    );
    let page = fs::read_to_string(dir.join("out/report.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<h1>Verification failed</h1>"));
    assert!(page.contains("data-failure-type=\"rule\""));
    assert!(page.contains(&sha256_hex(b"app v1")));
    assert!(page.contains(&sha256_hex(b"app v1 + backdoor")));
    assert!(page.contains("<tr class=\"expected\">") && page.contains("<tr class=\"found\">"));
    // The layout is shown with the parameter substituted, as verified.
    assert!(page.contains("<span class=\"kw\">CREATE</span> dist/app</code>"));
    assert!(!page.contains("{APP}"));
    assert!(page.contains("Build, then package."));
    assert!(page.contains("<g class=\"node node-failed\"><title>step package"));
    // Written atomically: nothing else is left in the directory.
    let mut names: Vec<String> = fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["r.json", "report.html"]);

    // Passing: overwritten with the new verdict.
    let tmp = TempDir::new("html-report-pass");
    chain(tmp.path(), false);
    verify(tmp.path(), &["--report-html", "report.html"], 0);
    let page = fs::read_to_string(tmp.join("report.html")).unwrap();
    assert!(page.contains("<h1>Verification passed</h1>"));
    assert!(!page.contains("node-failed\"><title>"));
    // `in-toto verify` takes it too.
    let mut cmd = ours("in-toto");
    cmd.args([
        "verify",
        "-l",
        "root.layout",
        "--verification-keys",
        "owner.pub",
        "--param",
        "APP=app",
        "--report-html",
        "again.html",
    ]);
    expect_code(cmd, tmp.path(), 0);
    assert!(tmp.join("again.html").exists());
}

#[test]
fn an_unverified_layout_is_not_shown_and_write_errors_fail() {
    let tmp = TempDir::new("html-report-badkey");
    let dir = tmp.path();
    chain(dir, false);
    // alice did not sign the layout.
    let mut cmd = ours("in-toto-verify");
    cmd.args([
        "-l",
        "root.layout",
        "--verification-keys",
        "alice.pub",
        "--report-html",
        "r.html",
    ]);
    expect_code(cmd, dir, 1);
    let page = fs::read_to_string(dir.join("r.html")).unwrap();
    assert!(page.contains("data-failure-type=\"layout-signature\""));
    assert!(!page.contains("id=\"layout\"") && !page.contains("Build, then package."));
    // A place that cannot be written: verification passes, the tool fails.
    let out = verify(dir, &["--report-html", "no/such/dir/r.html"], 1);
    assert!(
        stderr(&out).contains("cannot write the HTML report"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("no").exists());
}

/// The names of the commands `in-toto --help` lists.
fn listed_commands() -> Vec<String> {
    let out = ours("in-toto").arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    help.split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect()
}

#[test]
fn docs_write_a_reference_of_every_registered_tool_and_man_pages() {
    let tmp = TempDir::new("docs");
    let dir = tmp.path();
    let mut cmd = ours("in-toto");
    cmd.args(["docs", "--html", "ref.html", "--man", "man"]);
    expect_code(cmd, dir, 0);
    let page = fs::read_to_string(dir.join("ref.html")).unwrap();
    let commands = listed_commands();
    assert!(commands.len() >= 7, "{commands:?}");
    for c in &commands {
        let documented = page.contains(&format!("data-tool=\"in-toto {c}\""))
            || page.contains(&format!("data-tool=\"in-toto-{c}\""));
        assert!(documented, "{c} is not on the page");
        let man = dir.join("man").join(format!("in-toto-{c}.1"));
        assert!(man.exists(), "{} is missing", man.display());
    }
    assert!(dir.join("man/in-toto.1").exists());
    assert!(dir.join("man/in-toto-key-generate.1").exists());
    // Categories in order, the filter and the copy buttons.
    let v = page.find("data-category=\"verification\"").unwrap();
    let m = page.find("data-category=\"maintenance\"").unwrap();
    assert!(v < m);
    if let Some(e) = page.find("data-category=\"evidence\"") {
        assert!(e < v);
    }
    assert!(page.contains("id=\"filter\""));
    assert!(page.matches("<button class=\"copy\"").count() >= commands.len());
    // Self-contained: nothing is loaded from elsewhere (URIs may appear
    // as text, e.g. the default build type of `in-toto attest provenance`).
    for remote in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!page.contains(remote), "{remote}");
    }

    // Nothing to write: a usage error.
    let mut cmd = ours("in-toto");
    cmd.arg("docs");
    let out = expect_code(cmd, dir, 2);
    assert!(
        stderr(&out).contains("the following arguments are required"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bash_completions_load_and_complete_the_tools() {
    let tmp = TempDir::new("completions");
    let mut cmd = ours("in-toto");
    cmd.args(["completions", "bash"]);
    let out = expect_code(cmd, tmp.path(), 0);
    fs::write(tmp.join("in-toto.bash"), &out.stdout).unwrap();
    // Source it in bash and ask what it completes.
    let script = "source ./in-toto.bash && complete -p in-toto in-toto-verify in-toto-sign \
                  && COMP_WORDS=(in-toto-verify --rep) COMP_CWORD=1 && _in__toto__verify \
                  in-toto-verify --rep in-toto-verify && printf '%s\\n' \"${COMPREPLY[@]}\"";
    let out = Command::new("bash")
        .args(["--norc", "-c", script])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("-F _in__toto in-toto\n"), "{text}");
    assert!(
        text.contains("-F _in__toto__verify in-toto-verify\n"),
        "{text}"
    );
    assert!(
        text.contains("--report-html") && text.contains("--report-json"),
        "{text}"
    );
    for shell in ["zsh", "fish"] {
        let mut cmd = ours("in-toto");
        cmd.args(["completions", shell]);
        let out = expect_code(cmd, tmp.path(), 0);
        assert!(String::from_utf8_lossy(&out.stdout).contains("in-toto-verify"));
    }
    let mut cmd = ours("in-toto");
    cmd.args(["completions", "tcsh"]);
    expect_code(cmd, tmp.path(), 2);
}
