//! The verification page of real verifications: the verdict first, the
//! failing rule with its artifacts and digests, the graph's colours, and a
//! hostile layout whose strings all stay text.

use intoto::verify::{FailureKind, NotConsumedReason, RuleProblem, Verdict};
use intoto_report::render_verification_report;

use crate::markup::{REPORT_ATTRIBUTES, REPORT_ELEMENTS, tags, text};
use crate::support::{Names, demo, key};

/// Position of `needle` in `page`, which must contain it.
#[track_caller]
fn at(page: &str, needle: &str) -> usize {
    page.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not on the page"))
}

/// The `<g class="node ...">` of the graph box titled `title`.
#[track_caller]
fn node_class(page: &str, title: &str) -> String {
    let t = at(page, &format!("<title>{title}"));
    let g = page[..t].rfind("<g class=\"").unwrap();
    let rest = &page[g + 10..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Checks that every element and attribute of `page` is one the renderer
/// writes, that no attribute is an event handler, that links only go to
/// places in the page, and that there is exactly one style sheet and no
/// script.
#[track_caller]
fn only_our_markup(page: &str) {
    let tags = tags(page);
    assert!(tags.len() > 100, "too few tags: {}", tags.len());
    for t in &tags {
        assert!(
            REPORT_ELEMENTS.contains(&t.name.as_str()),
            "element <{}> on the page",
            t.name
        );
        for (a, v) in &t.attrs {
            assert!(
                REPORT_ATTRIBUTES.contains(&a.as_str()),
                "attribute {a}={v:?} on <{}>",
                t.name
            );
            if a == "href" {
                assert!(v.starts_with('#'), "link to {v:?}");
            }
        }
    }
    let mut ids: Vec<&str> = tags
        .iter()
        .flat_map(|t| t.attrs.iter())
        .filter(|(a, _)| a == "id")
        .map(|(_, v)| v.as_str())
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "ids are unique");
    for (a, v) in tags.iter().flat_map(|t| t.attrs.iter()) {
        if a == "href" {
            assert!(
                ids.contains(&&v[1..]),
                "a link to {v}, which is not on the page"
            );
        }
    }
    assert_eq!(
        tags.iter().filter(|t| t.name == "style" && !t.end).count(),
        1
    );
    assert_eq!(page.matches("</style>").count(), 1);
    assert!(!page.to_ascii_lowercase().contains("<script"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no URL may appear"
    );
}

#[test]
fn a_failing_chain_shows_the_verdict_first_then_the_failing_rule_and_its_digests() {
    let d = demo("fail", &Names::default(), true);
    assert_eq!(d.report.verdict, Verdict::Fail);
    let page = render_verification_report(&d.report, Some(&d.layout));
    only_our_markup(&page);

    // The verdict comes first, before the problems and the graph.
    let verdict = at(&page, "<h1>Verification failed</h1>");
    assert!(verdict < at(&page, "id=\"problems\""));
    assert!(at(&page, "id=\"problems\"") < at(&page, "<svg"));
    assert!(page.contains("data-verdict=\"fail\""));

    // The failing rule, the artifact and both digests with their sources.
    let f = d.report.failures.first().unwrap();
    let FailureKind::Rule {
        item,
        rule,
        problem: RuleProblem::Disallowed { artifacts },
        ..
    } = &f.kind
    else {
        panic!("not a rule failure: {f:?}")
    };
    assert_eq!(item, "package");
    assert_eq!(rule, &["DISALLOW", "*"]);
    let caught = &artifacts[0];
    assert_eq!(caught.artifact.source.path, "demo-project/dist/app");
    let NotConsumedReason::DigestsDiffer { expected, found } = &caught.not_consumed[0].reason
    else {
        panic!("not a digest mismatch")
    };
    let (exp, fnd) = (&expected.digests["sha256"], &found.digests["sha256"]);
    assert_ne!(exp, fnd);
    let problems = &page[at(&page, "id=\"problems\"")..at(&page, "<svg")];
    assert!(problems.contains("data-failure-type=\"rule\""));
    assert!(problems.contains("<span class=\"kw\">DISALLOW</span> *"));
    assert!(problems.contains("<code>demo-project/dist/app</code>"));
    assert!(problems.contains("data-reason=\"digests-differ\""));
    let table = &problems[at(problems, "<table class=\"compare\">")..];
    let table = &table[..at(table, "</table>")];
    let (expected_row, found_row) = table.split_at(at(table, "<tr class=\"found\">"));
    assert!(expected_row.contains("<tr class=\"expected\">"));
    assert!(expected_row.contains(exp.as_str()) && !expected_row.contains(fnd.as_str()));
    assert!(found_row.contains(fnd.as_str()) && !found_row.contains(exp.as_str()));
    // Where each digest was recorded.
    assert!(
        problems.contains(
            "<strong>build</strong> products <code>demo-project/dist/app</code> in <code>"
        )
    );
    assert!(
        problems.contains("<strong>package</strong> materials <code>demo-project/dist/app</code>")
    );
    // The reference's message is there too.
    assert!(problems.contains("RuleVerificationError"));

    // The graph: package failed, clone and build passed, untar not run;
    // the MATCH flow from build to package is marked broken.
    assert_eq!(node_class(&page, "step package"), "node node-failed");
    assert_eq!(node_class(&page, "step clone"), "node node-passed");
    assert_eq!(node_class(&page, "step build"), "node node-passed");
    assert_eq!(
        node_class(&page, "inspection untar"),
        "node node-unchecked node-inspection"
    );
    assert_eq!(page.matches("class=\"flow flow-broken\"").count(), 1);
    assert!(page.contains("demo-project/* (products \u{2192} materials)"));

    // The step: its functionaries, threshold and rules with their outcome.
    let build = &page[at(&page, "data-name=\"build\"")..];
    let build = &build[..at(build, "</article>")];
    assert!(build.contains(
        "<strong>Threshold 2</strong>: 2 distinct functionaries of the 2 authorised validly signed"
    ));
    assert_eq!(build.matches("\u{2713} counted").count(), 2);
    assert!(build.contains("Expected command: <code>make -C demo-project dist</code>"));
    let package = &page[at(&page, "data-name=\"package\"")..];
    let package = &package[..at(package, "</article>")];
    assert!(package.contains("<tr class=\"rule-failed\">"));
    // The MATCH rule consumed the source, not the app.
    let match_row = &package[at(package, "<tr class=\"rule-passed\">")..];
    let match_row = &match_row[..at(match_row, "</tr>")];
    assert!(match_row.contains("<li>demo-project/foo.py</li>"));
    assert!(!match_row.contains("dist/app"));
    assert!(text(&page).contains("Not checked: inspections, inspection-rules."));
}

#[test]
fn a_passing_chain_is_green_everywhere() {
    let d = demo("pass", &Names::default(), false);
    assert_eq!(d.report.verdict, Verdict::Pass, "{}", d.report);
    assert!(
        d.work.join("demo-project/dist/app").exists(),
        "the inspection ran"
    );
    let page = render_verification_report(&d.report, Some(&d.layout));
    only_our_markup(&page);
    assert!(page.contains("<h1>Verification passed</h1>"));
    assert!(!page.contains("id=\"problems\""));
    for title in ["step clone", "step build", "step package"] {
        assert_eq!(node_class(&page, title), "node node-passed", "{title}");
    }
    assert_eq!(
        node_class(&page, "inspection untar"),
        "node node-passed node-inspection"
    );
    assert!(!page.contains("class=\"flow flow-broken\""));
    // Four MATCH flows: clone->build (two rules), build->package,
    // package->untar, build->untar.
    assert_eq!(page.matches("<path class=\"flow flow-ok\"").count(), 4);
    assert!(page.contains("Ran: <span class=\"badge passed\">passed</span> \u{b7} return value 0"));
    assert!(page.contains("id=\"summary\""));
    assert!(page.contains(&d.layout.readme));
}

#[test]
fn without_the_layout_the_report_alone_is_shown() {
    let d = demo("no-layout", &Names::default(), true);
    let page = render_verification_report(&d.report, None);
    only_our_markup(&page);
    assert!(!page.contains("id=\"layout\""));
    assert!(page.contains("<svg"));
    assert_eq!(node_class(&page, "step package"), "node node-failed");
}

#[test]
fn a_layout_that_does_not_verify_shows_only_the_signature_failure() {
    let d = demo("bad-key", &Names::default(), false);
    // Verify the same files with a key that did not sign the layout.
    let mut md =
        intoto::model::Metadata::new_metablock(&intoto::model::Payload::Layout(d.layout.clone()));
    md.sign(&key()).unwrap();
    let report = intoto::verify::verify(
        &md,
        &[key().public_key().clone()],
        &intoto::verify::VerifyOptions::new().link_dir(d.links.path()),
    );
    let page = render_verification_report(&report, None);
    only_our_markup(&page);
    assert!(page.contains("data-failure-type=\"layout-signature\""));
    assert!(page.contains("no valid signature"));
    assert!(
        !page.contains("<svg"),
        "nothing of an unverified layout is shown"
    );
    assert!(!page.contains("demo-project"));
}

/// Strings that would be markup, script, or misleading text if written raw.
fn hostile() -> Names {
    Names {
        clone: "<img src=x onerror=alert('clone')>".into(),
        build: "\"><svg onload=alert(1)>b\u{202e}dliub".into(),
        package: "p' onmouseover='alert(2)".into(),
        untar: "<script>alert(\"untar\")<\\u002fscript>".replace("\\u002f", ""),
        source: "</title></style></script><script>alert(3)</script>.py".into(),
        dir: "javascript:alert(4)".into(),
        tarball: "<iframe srcdoc=x>&amp;.tgz".into(),
        readme:
            "</style><script>alert('readme')</script><a href=\"javascript:alert(5)\">click</a> \
                 \u{2066}isolated\u{2069} <!-- comment --> ]]> {{ }}"
                .into(),
    }
}

#[test]
fn a_hostile_layout_cannot_inject_markup_or_script() {
    let names = hostile();
    for tampered in [true, false] {
        let d = demo("hostile", &names, tampered);
        assert_eq!(d.report.verdict == Verdict::Pass, !tampered, "{}", d.report);
        let page = render_verification_report(&d.report, Some(&d.layout));
        only_our_markup(&page);
        // Every name is on the page as text (bidi controls made visible).
        let shown = text(&page);
        for s in [
            &names.clone,
            &names.package,
            &names.untar,
            &names.dir,
            &names.tarball,
        ] {
            assert!(shown.contains(s.as_str()), "{s:?} is not shown as text");
        }
        assert!(shown.contains("\"><svg onload=alert(1)>b[U+202E]dliub"));
        assert!(!page.contains('\u{202e}') && !page.contains('\u{2066}'));
        assert!(shown.contains("alert(3)</script>.py"));
        assert!(shown.contains("[U+2066]isolated[U+2069]"));
        assert!(shown.contains("<a href=\"javascript:alert(5)\">click</a>"));
        // The names are in attributes too (data-name, titles), escaped.
        let t = tags(&page);
        let names_attr: Vec<&str> = t
            .iter()
            .flat_map(|t| t.attrs.iter())
            .filter(|(a, _)| a == "data-name")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(names_attr.len(), 4);
        assert!(names_attr.contains(&"&lt;img src=x onerror=alert(&#39;clone&#39;)&gt;"));
    }
}

#[test]
fn a_sublayout_report_is_nested_under_its_step() {
    use intoto::metadata_io::write_metadata;
    use intoto::model::{Layout, Link, Metadata, Payload};
    use intoto::time::FixedClock;

    use crate::support::{TempDir, link, now, rule, step};

    let (owner, alice, bob) = (key(), key(), key());
    let dir = TempDir::new("report-sublayout");
    // alice's sublayout: bob's step 'inner' must create nothing but app.
    let mut sub = Layout::new(&FixedClock(now()));
    sub.expires = now().add_relative(1, 0, 0);
    step(
        &mut sub,
        "inner",
        &[&bob],
        vec![],
        vec![rule(&["CREATE", "app"]), rule(&["DISALLOW", "*"])],
    );
    let mut md = Metadata::new_metablock(&Payload::Layout(sub));
    md.sign(&alice).unwrap();
    let alice_id = alice.public_key().keyid().as_str().to_owned();
    write_metadata(&dir.join(Link::file_name("delegated", &alice_id)), &md).unwrap();
    let sub_dir = dir.join(format!("delegated.{}", &alice_id[..8]));
    std::fs::create_dir(&sub_dir).unwrap();
    let mut md = Metadata::new_metablock(&Payload::Link(link(
        "inner",
        &[],
        &[("app", "app"), ("<b>stray</b>", "?")],
    )));
    md.sign(&bob).unwrap();
    let bob_id = bob.public_key().keyid().as_str().to_owned();
    write_metadata(&sub_dir.join(Link::file_name("inner", &bob_id)), &md).unwrap();
    // The root layout delegates to alice.
    let mut root = Layout::new(&FixedClock(now()));
    root.expires = now().add_relative(1, 0, 0);
    step(&mut root, "delegated", &[&alice], vec![], vec![]);
    let mut md = Metadata::new_metablock(&Payload::Layout(root.clone()));
    md.sign(&owner).unwrap();
    let clock = FixedClock(now());
    let report = intoto::verify::verify(
        &md,
        &[owner.public_key().clone()],
        &intoto::verify::VerifyOptions::new()
            .link_dir(dir.path())
            .clock(&clock),
    );
    assert_eq!(report.verdict, Verdict::Fail, "{report}");
    let page = render_verification_report(&report, Some(&root));
    only_our_markup(&page);
    // The step's link row carries the sublayout's own report, with its
    // failing rule, its own graph and the stray artifact as text.
    let nested = &page[at(&page, "<details class=\"sublayout\">")..];
    assert!(nested.starts_with("<details class=\"sublayout\"><summary>The sublayout's own report: failed</summary><div class=\"sub-report\">"));
    assert!(nested.contains("<h3>Verification failed</h3>"));
    assert!(nested.contains("data-name=\"inner\""));
    assert!(nested.contains("&lt;b&gt;stray&lt;/b&gt;"));
    assert_eq!(page.matches("<svg").count(), 2);
    assert_eq!(
        page.matches("<marker id=").count(),
        2,
        "arrowheads defined once"
    );
    assert_eq!(node_class(&page, "step delegated"), "node node-failed");
    assert_eq!(node_class(&page, "step inner"), "node node-failed");
    assert!(page.contains("data-failure-type=\"sublayout\""));
}
