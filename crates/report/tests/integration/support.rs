//! Supply chains made in memory and verified: keys, a demo-like layout,
//! signed links in a temporary directory, a fixed clock and an executor that
//! plays the inspection's `tar xzf`.

use std::path::Path;
use std::time::Duration;

use intoto::metadata_io::write_metadata;
use intoto::model::artifact::{Artifacts, DigestSet};
use intoto::model::{ArtifactRule, Inspection, Layout, Link, Metadata, Payload, Step};
use intoto::run::command::{CommandOutput, ExecError, Executor};
use intoto::time::{FixedClock, Timestamp};
use intoto::verify::{VerificationReport, VerifyOptions, verify};
use intoto_crypto::digest::sha256_hex;
use intoto_crypto::{KeySpec, PrivateKey};
pub use intoto_testkit::TempDir;

pub fn now() -> Timestamp {
    Timestamp::parse("2025-06-01T12:00:00Z").unwrap()
}

pub fn key() -> PrivateKey {
    PrivateKey::generate(KeySpec::Ed25519).unwrap()
}

pub fn digest(content: &str) -> DigestSet {
    DigestSet::from([("sha256".to_owned(), sha256_hex(content.as_bytes()))])
}

pub fn artifacts(pairs: &[(&str, &str)]) -> Artifacts {
    pairs
        .iter()
        .map(|(p, c)| ((*p).to_owned(), digest(c)))
        .collect()
}

pub fn link(name: &str, materials: &[(&str, &str)], products: &[(&str, &str)]) -> Link {
    Link {
        materials: artifacts(materials),
        products: artifacts(products),
        ..Link::new(name)
    }
}

/// A rule from its tokens (names may hold spaces and quotes).
pub fn rule(tokens: &[&str]) -> ArtifactRule {
    ArtifactRule::from_list(tokens).unwrap()
}

pub fn step(
    l: &mut Layout,
    name: &str,
    keys: &[&PrivateKey],
    materials: Vec<ArtifactRule>,
    products: Vec<ArtifactRule>,
) {
    let mut s = Step::new(name);
    for k in keys {
        let id = l.add_functionary_key(k.public_key().clone());
        s.add_pubkey(&id);
    }
    s.threshold = i64::try_from(keys.len()).unwrap();
    s.expected_materials = materials;
    s.expected_products = products;
    l.steps.push(s);
}

pub fn inspection(
    l: &mut Layout,
    name: &str,
    run: &[&str],
    materials: Vec<ArtifactRule>,
    products: Vec<ArtifactRule>,
) {
    let mut i = Inspection::new(name);
    i.run = run.iter().map(|s| (*s).to_owned()).collect();
    i.expected_materials = materials;
    i.expected_products = products;
    l.inspect.push(i);
}

/// The names a demo-like chain uses, so that a hostile variant can replace
/// every one of them.
#[derive(Clone)]
pub struct Names {
    pub clone: String,
    pub build: String,
    pub package: String,
    pub untar: String,
    /// The source file (a path below `dir`).
    pub source: String,
    pub dir: String,
    pub tarball: String,
    pub readme: String,
}

impl Default for Names {
    fn default() -> Self {
        Self {
            clone: "clone".into(),
            build: "build".into(),
            package: "package".into(),
            untar: "untar".into(),
            source: "foo.py".into(),
            dir: "demo-project".into(),
            tarball: "demo-project.tar.gz".into(),
            readme: "Demo supply chain: clone, build (two builders), package.".into(),
        }
    }
}

/// A verified demo-like chain and what it was made of.
pub struct Demo {
    pub links: TempDir,
    pub work: TempDir,
    pub layout: Layout,
    pub report: VerificationReport,
}

/// Plays `tar xzf`: writes the project's files into the working directory.
struct Untar(Vec<(String, String)>);

impl Executor for Untar {
    fn execute(&self, _: &[String], _: bool, _: Duration) -> Result<CommandOutput, ExecError> {
        panic!("the verifier passes its working directory")
    }

    fn execute_in(
        &self,
        dir: Option<&Path>,
        _argv: &[String],
        _: bool,
        _: Duration,
    ) -> Result<CommandOutput, ExecError> {
        let dir = dir.unwrap();
        for (path, content) in &self.0 {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        Ok(CommandOutput {
            return_value: 0,
            stdout: String::new(),
            stderr: String::new(),
        })
    }
}

/// clone (bob) -> build (carl and dave, threshold 2) -> package (carl),
/// inspection untar. With `tampered`, the app that `package` took is not
/// the one `build` produced.
pub fn demo(label: &str, names: &Names, tampered: bool) -> Demo {
    let (owner, bob, carl, dave) = (key(), key(), key(), key());
    let n = names;
    let all = format!("{}/*", n.dir);
    let dist = format!("{}/dist/*", n.dir);
    let m = |pattern: &str, from: &str| rule(&["MATCH", pattern, "WITH", "PRODUCTS", "FROM", from]);
    let mut l = Layout::new(&FixedClock(now()));
    l.expires = now().add_relative(1, 0, 0);
    l.readme = n.readme.clone();
    step(
        &mut l,
        &n.clone,
        &[&bob],
        vec![],
        vec![rule(&["CREATE", &all]), rule(&["DISALLOW", "*"])],
    );
    step(
        &mut l,
        &n.build,
        &[&carl, &dave],
        vec![m(&all, &n.clone), rule(&["DISALLOW", "*"])],
        vec![
            m(&all, &n.clone),
            rule(&["CREATE", &dist]),
            rule(&["DISALLOW", "*"]),
        ],
    );
    l.steps[1].expected_command = vec!["make".into(), "-C".into(), n.dir.clone(), "dist".into()];
    step(
        &mut l,
        &n.package,
        &[&carl],
        vec![m(&all, &n.build), rule(&["DISALLOW", "*"])],
        vec![rule(&["CREATE", &n.tarball]), rule(&["DISALLOW", "*"])],
    );
    inspection(
        &mut l,
        &n.untar,
        &["tar", "xzf", &n.tarball],
        vec![m(&n.tarball, &n.package), rule(&["DISALLOW", &n.tarball])],
        vec![m(&all, &n.build), rule(&["DISALLOW", &all])],
    );
    let src = format!("{}/{}", n.dir, n.source);
    let app = format!("{}/dist/app", n.dir);
    let sources = [(src.as_str(), "print('hello')")];
    let built = [(src.as_str(), "print('hello')"), (app.as_str(), "app v1")];
    let taken = [
        (src.as_str(), "print('hello')"),
        (
            app.as_str(),
            if tampered {
                "app v1 with a backdoor"
            } else {
                "app v1"
            },
        ),
    ];
    let links = TempDir::new(&format!("report-{label}-links"));
    let work = TempDir::new(&format!("report-{label}-work"));
    let put = |link: &Link, k: &PrivateKey| {
        let mut md = Metadata::new_metablock(&Payload::Link(link.clone()));
        md.sign(k).unwrap();
        let file = links.join(Link::file_name(&link.name, k.public_key().keyid().as_str()));
        write_metadata(&file, &md).unwrap();
    };
    put(&link(&n.clone, &[], &sources), &bob);
    put(&link(&n.build, &sources, &built), &carl);
    put(&link(&n.build, &sources, &built), &dave);
    put(&link(&n.package, &taken, &[(&n.tarball, "tarball")]), &carl);
    std::fs::write(work.join(&n.tarball), "tarball").unwrap();
    let mut md = Metadata::new_metablock(&Payload::Layout(l.clone()));
    md.sign(&owner).unwrap();
    let clock = FixedClock(now());
    let exec = Untar(
        built
            .iter()
            .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
            .collect(),
    );
    let options = VerifyOptions::new()
        .link_dir(links.path())
        .work_dir(work.path())
        .clock(&clock)
        .executor(&exec);
    let report = verify(&md, &[owner.public_key().clone()], &options);
    Demo {
        links,
        work,
        layout: l,
        report,
    }
}
