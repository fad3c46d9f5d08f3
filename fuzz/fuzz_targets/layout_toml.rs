//! Layouts written in TOML (`in-toto layout create`).
//!
//! Key files are read relative to a base directory: a fresh temporary
//! directory holding the four example functionaries' public keys under
//! `keys/` (the names `examples/layouts/*.toml` use) and one more as
//! `key.pub`, so that seeds get past the functionaries into steps, rules
//! and commands. The clock is fixed.
//!
//! Properties: nothing panics; errors render; a layout that compiles
//! expires after "now", survives a signed-metadata round trip (Metablock
//! and DSSE) unchanged, has its functionaries among its keys, and can be
//! linted and shown (text and Graphviz) without panicking.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use intoto::authoring::show::{KeyNames, ShowContext, render_dot, render_text};
use intoto::authoring::{lint, parse_toml_layout};
use intoto::model::{Metadata, Payload};
use intoto::time::{FixedClock, Timestamp};
use libfuzzer_sys::fuzz_target;

const KEYS: [(&str, &[u8]); 5] = [
    (
        "keys/alice.pub",
        include_bytes!("../../examples/layouts/keys/alice.pub"),
    ),
    (
        "keys/bob.pub",
        include_bytes!("../../examples/layouts/keys/bob.pub"),
    ),
    (
        "keys/carl.pub",
        include_bytes!("../../examples/layouts/keys/carl.pub"),
    ),
    (
        "keys/dave.pub",
        include_bytes!("../../examples/layouts/keys/dave.pub"),
    ),
    (
        "key.pub",
        include_bytes!("../../tests/fixtures/python-in-toto-3.1.0/samples/func.pub"),
    ),
];

/// The base directory, made once per process (in the system temp dir,
/// named by the process id; a later run with the same id reuses it).
fn base_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("intoto-fuzz-layout-{}", std::process::id()));
        for (name, bytes) in KEYS {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("temp dir");
            std::fs::write(&path, bytes).expect("key file");
        }
        dir
    })
}

fn clock() -> FixedClock {
    FixedClock(Timestamp::parse("2026-01-31T00:00:00Z").expect("a timestamp"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let clock = clock();
    let toml = match parse_toml_layout(text, Path::new("layout.toml"), base_dir(), &clock) {
        Ok(t) => t,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let layout = &toml.layout;
    assert!(layout.expires > clock.0);
    for f in &toml.functionaries {
        assert!(
            layout.keys.contains_key(&f.keyid),
            "functionary {} has no key",
            f.name
        );
    }
    let names: KeyNames = toml.key_names();
    for w in lint(layout, clock.0) {
        let _ = w.to_string();
    }
    let ctx = ShowContext {
        names: &names,
        signatures: None,
        now: clock.0,
    };
    let _ = render_text(layout, &ctx);
    let _ = render_dot(layout);

    let payload = Payload::Layout(layout.clone());
    for md in [
        Metadata::new_metablock(&payload),
        Metadata::new_dsse(&payload),
    ] {
        let back = Metadata::from_slice(&md.to_bytes()).expect("a compiled layout reads back");
        assert_eq!(back.payload().expect("its payload reads"), payload);
    }
});
