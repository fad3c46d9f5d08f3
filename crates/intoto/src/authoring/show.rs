//! A layout for people: a text view of everything it says, and a Graphviz
//! graph of its artifact flow (the MATCH rules between steps and inspections).
//!
//! Every string taken from the layout is escaped: control characters are
//! made visible in text, and DOT strings are quoted and escaped, so a
//! hostile layout can neither drive a terminal nor inject DOT syntax.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::Layout;
use crate::model::rule::{ArtifactKind, ArtifactRule, RuleKind};
use crate::time::Timestamp;

use super::text::{dot_escape, escape_control, join_words};

/// Names for key ids, e.g. the key files that hold them.
pub type KeyNames = BTreeMap<String, String>;

/// Whether a signature of the shown metadata was checked, and how it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureStatus {
    /// No public key for it was given.
    Unchecked,
    /// It verifies with the given key.
    Valid,
    /// It does not verify with the given key.
    Invalid,
}

/// One signature of the shown metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureLine {
    /// The key id the signature names.
    pub keyid: String,
    /// The outcome of checking it.
    pub status: SignatureStatus,
}

/// What [`render_text`] shows besides the layout itself.
#[derive(Debug, Clone, Copy)]
pub struct ShowContext<'a> {
    /// Names for key ids.
    pub names: &'a KeyNames,
    /// The signatures of the metadata that carried the layout, if any.
    pub signatures: Option<&'a [SignatureLine]>,
    /// The current time (to say how long until the layout expires).
    pub now: Timestamp,
}

fn name_of<'a>(names: &'a KeyNames, keyid: &str) -> Option<&'a str> {
    names.get(keyid).map(String::as_str)
}

fn duration_words(secs: i64) -> String {
    let days = secs / 86_400;
    if days >= 1 {
        format!("{days} day{}", if days == 1 { "" } else { "s" })
    } else {
        let hours = secs / 3600;
        format!("{hours} hour{}", if hours == 1 { "" } else { "s" })
    }
}

fn write_rules(out: &mut String, label: &str, rules: &[ArtifactRule]) {
    if rules.is_empty() {
        let _ = writeln!(out, "    {label}: none (anything is accepted)");
        return;
    }
    let _ = writeln!(out, "    {label}:");
    for r in rules {
        let _ = writeln!(out, "      {}", escape_control(&join_words(r.tokens())));
    }
}

fn write_command(out: &mut String, label: &str, words: &[String]) {
    if words.is_empty() {
        let _ = writeln!(out, "    {label}: none");
    } else {
        let _ = writeln!(out, "    {label}: {}", escape_control(&join_words(words)));
    }
}

/// Everything a layout says, as text: expiry, readme, signatures, keys, and
/// for each step its functionaries (key ids, and names where known),
/// threshold, expected command and rules (as written), and for each
/// inspection its command and rules.
pub fn render_text(layout: &Layout, ctx: &ShowContext<'_>) -> String {
    let mut out = String::new();
    let left = layout.expires.unix() - ctx.now.unix();
    let when = if left > 0 {
        format!("in {}", duration_words(left))
    } else {
        format!("EXPIRED {} ago", duration_words(-left))
    };
    let _ = writeln!(out, "Layout");
    let _ = writeln!(out, "  expires: {} ({when})", layout.expires);
    if layout.readme.is_empty() {
        let _ = writeln!(out, "  readme: none");
    } else {
        let _ = writeln!(out, "  readme:");
        for line in layout.readme.lines() {
            let _ = writeln!(out, "    {}", escape_control(line));
        }
    }
    if let Some(sigs) = ctx.signatures {
        let _ = writeln!(out, "  signatures: {}", sigs.len());
        for s in sigs {
            let status = match s.status {
                SignatureStatus::Unchecked => "not checked (no matching public key given)",
                SignatureStatus::Valid => "valid",
                SignatureStatus::Invalid => "INVALID",
            };
            let name = name_of(ctx.names, &s.keyid)
                .map(|n| format!("  {}", escape_control(n)))
                .unwrap_or_default();
            let _ = writeln!(out, "    {}{name}  {status}", escape_control(&s.keyid));
        }
    }
    let _ = writeln!(out, "  functionary keys: {}", layout.keys.len());
    for (keyid, key) in &layout.keys {
        let name = name_of(ctx.names, keyid)
            .map(|n| format!("  {}", escape_control(n)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    {}  {}/{}{name}",
            escape_control(keyid),
            escape_control(key.keytype()),
            escape_control(key.scheme())
        );
    }

    let _ = writeln!(out, "\nSteps: {}", layout.steps.len());
    for (i, step) in layout.steps.iter().enumerate() {
        let _ = writeln!(out, "  {}. {}", i + 1, escape_control(&step.name));
        let _ = writeln!(
            out,
            "    functionaries: threshold {} of {}",
            step.threshold,
            step.pubkeys.len()
        );
        for keyid in &step.pubkeys {
            let name = match name_of(ctx.names, keyid) {
                Some(n) => format!("  {}", escape_control(n)),
                None if !layout.keys.contains_key(keyid) => {
                    "  (not among the layout's keys)".to_owned()
                }
                None => String::new(),
            };
            let _ = writeln!(out, "      {}{name}", escape_control(keyid));
        }
        write_command(&mut out, "expected command", &step.expected_command);
        write_rules(&mut out, "materials", &step.expected_materials);
        write_rules(&mut out, "products", &step.expected_products);
    }

    let _ = writeln!(out, "\nInspections: {}", layout.inspect.len());
    for (i, insp) in layout.inspect.iter().enumerate() {
        let _ = writeln!(out, "  {}. {}", i + 1, escape_control(&insp.name));
        write_command(&mut out, "run", &insp.run);
        write_rules(&mut out, "materials", &insp.expected_materials);
        write_rules(&mut out, "products", &insp.expected_products);
    }
    out
}

/// A Graphviz DOT digraph of the layout: one node per step (a box, with its
/// threshold) and per inspection (an ellipse, with its command), and one
/// edge per MATCH rule, from the item whose artifacts are matched to the
/// item whose rule matches them, labelled with the pattern (and prefixes)
/// and `MATERIALS`/`PRODUCTS` of the source, and the list of the rule. A
/// MATCH naming an item the layout does not define points from a dashed red
/// node.
pub fn render_dot(layout: &Layout) -> String {
    let mut out = String::from(
        "digraph layout {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    for (i, step) in layout.steps.iter().enumerate() {
        let id = format!("step{i}");
        let label = format!(
            "{}\nthreshold {} of {}",
            step.name,
            step.threshold,
            step.pubkeys.len()
        );
        let _ = writeln!(out, "  {id} [shape=box, label=\"{}\"];", dot_escape(&label));
        ids.insert(&step.name, id);
    }
    for (i, insp) in layout.inspect.iter().enumerate() {
        let id = format!("inspection{i}");
        let label = format!("{}\nruns: {}", insp.name, join_words(&insp.run));
        let _ = writeln!(
            out,
            "  {id} [shape=ellipse, label=\"{}\"];",
            dot_escape(&label)
        );
        ids.insert(&insp.name, id);
    }
    let mut missing: BTreeMap<String, String> = BTreeMap::new();
    let items = layout
        .steps
        .iter()
        .map(|s| (&s.name, &s.expected_materials, &s.expected_products))
        .chain(
            layout
                .inspect
                .iter()
                .map(|s| (&s.name, &s.expected_materials, &s.expected_products)),
        );
    let mut edges = String::new();
    for (name, materials, products) in items {
        let Some(to) = ids.get(name.as_str()).cloned() else {
            continue;
        };
        for (list, rules) in [
            (ArtifactKind::Materials, materials),
            (ArtifactKind::Products, products),
        ] {
            for rule in rules {
                let RuleKind::Match(m) = rule.kind() else {
                    continue;
                };
                let from = match ids.get(m.dest_step.as_str()) {
                    Some(id) => id.clone(),
                    None => {
                        let next = format!("missing{}", missing.len());
                        missing.entry(m.dest_step.clone()).or_insert(next).clone()
                    }
                };
                let mut label = m.pattern.as_str().to_owned();
                if let Some(p) = &m.source_prefix {
                    label.push_str(&format!(" IN {p}"));
                }
                label.push_str(&format!("\n{}", m.dest_type.keyword()));
                if let Some(p) = &m.dest_prefix {
                    label.push_str(&format!(" IN {p}"));
                }
                label.push_str(&format!(" -> {list}"));
                let _ = writeln!(
                    edges,
                    "  {from} -> {to} [label=\"{}\"];",
                    dot_escape(&label)
                );
            }
        }
    }
    for (name, id) in &missing {
        let _ = writeln!(
            out,
            "  {id} [shape=box, style=dashed, color=red, label=\"{}\"];",
            dot_escape(&format!("{name}\n(not in the layout)"))
        );
    }
    out.push_str(&edges);
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Inspection, Step};
    use crate::time::FixedClock;
    use intoto_crypto::{KeySpec, PrivateKey};

    fn now() -> Timestamp {
        Timestamp::parse("2026-01-01T00:00:00Z").unwrap()
    }

    fn example() -> (Layout, String) {
        let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
        let mut l = Layout::new(&FixedClock(now()));
        l.readme = "line one\nline two".into();
        let id = l.add_functionary_key(key.public_key().clone());
        let mut s = Step::new("build");
        s.add_pubkey(&id);
        s.set_expected_command_from_str("python -m build 'a b'")
            .unwrap();
        s.add_material_rule_from_str("allow src/*").unwrap();
        s.add_product_rule_from_str("CREATE dist/*").unwrap();
        l.steps.push(s);
        let mut i = Inspection::new("check");
        i.set_run_from_str("test -d dist").unwrap();
        i.add_material_rule_from_str("MATCH 'my dist/*' IN out WITH PRODUCTS IN x FROM build")
            .unwrap();
        i.add_product_rule_from_str("MATCH * WITH MATERIALS FROM nowhere")
            .unwrap();
        l.inspect.push(i);
        (l, id.as_str().to_owned())
    }

    #[test]
    fn text_shows_everything() {
        let (l, id) = example();
        let names = KeyNames::from([(id.clone(), "alice.pub".to_owned())]);
        let sigs = [SignatureLine {
            keyid: id.clone(),
            status: SignatureStatus::Valid,
        }];
        let text = render_text(
            &l,
            &ShowContext {
                names: &names,
                signatures: Some(&sigs),
                now: now(),
            },
        );
        for needle in [
            "expires: 2026-02-01T00:00:00Z (in 31 days)",
            "    line one\n    line two\n",
            "  signatures: 1\n",
            &format!("    {id}  alice.pub  valid\n"),
            &format!("    {id}  ed25519/ed25519  alice.pub\n"),
            "  1. build\n    functionaries: threshold 1 of 1\n",
            &format!("      {id}  alice.pub\n"),
            "    expected command: python -m build 'a b'\n",
            "    materials:\n      allow src/*\n",
            "    products:\n      CREATE dist/*\n",
            "  1. check\n    run: test -d dist\n",
            "      MATCH 'my dist/*' IN out WITH PRODUCTS IN x FROM build\n",
            "      MATCH * WITH MATERIALS FROM nowhere\n",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }

    #[test]
    fn dot_edges_are_the_match_rules() {
        let (l, _) = example();
        let dot = render_dot(&l);
        assert!(dot.starts_with("digraph layout {\n"), "{dot}");
        assert!(
            dot.contains("  step0 [shape=box, label=\"build\\nthreshold 1 of 1\"];"),
            "{dot}"
        );
        assert!(
            dot.contains("  inspection0 [shape=ellipse, label=\"check\\nruns: test -d dist\"];")
        );
        assert!(
            dot.contains(
                "  step0 -> inspection0 [label=\"my dist/* IN out\\nPRODUCTS IN x -> materials\"];"
            ),
            "{dot}"
        );
        assert!(dot.contains("  missing0 [shape=box, style=dashed, color=red, label=\"nowhere\\n(not in the layout)\"];"));
        assert!(dot.contains("  missing0 -> inspection0 [label=\"*\\nMATERIALS -> products\"];"));
        assert!(dot.ends_with("}\n"));
    }

    #[test]
    fn hostile_strings_stay_strings() {
        let (mut l, _) = example();
        l.steps[0].name = "x\"];\nevil [label=\"\u{1b}[31m".into();
        l.inspect[0].expected_materials.clear();
        let dot = render_dot(&l);
        assert!(
            dot.contains(r#"label="x\"];\nevil [label=\"\\u{1b}[31m\nthreshold"#),
            "{dot}"
        );
        assert!(!dot.contains('\u{1b}'));
        // Every line of the graph is one statement of ours.
        for line in dot.lines().skip(4) {
            assert!(
                line == "}"
                    || line.starts_with("  step")
                    || line.starts_with("  inspection")
                    || line.starts_with("  missing"),
                "{line}"
            );
        }
        let text = render_text(
            &l,
            &ShowContext {
                names: &KeyNames::new(),
                signatures: None,
                now: now(),
            },
        );
        assert!(
            text.contains("  1. x\"];\\nevil [label=\"\\u{1b}[31m\n"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'));
    }
}
