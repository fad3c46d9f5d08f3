//! The verification report as one HTML page.

use std::path::Path;

use intoto::model::rule::ArtifactKind;
use intoto::model::{Artifacts, DigestSet, Layout};
use intoto::verify::report::DigestSource;
use intoto::verify::{
    Failure, FailureKind, InspectionStatus, LinkCheck, LinkStatus, NearMiss, NotConsumedReason,
    RuleProblem, SourcedDigest, StageStatus, Verdict, VerificationReport,
};

use crate::graph;
use crate::html::Html;
use crate::model::{Chain, Item, ItemKind, Outcome, RuleList, RuleRow};
use crate::style;

/// Sublayouts nested deeper than this are summarised, not shown.
const MAX_DEPTH: usize = 8;
/// Lists of artifacts longer than this are folded.
const FOLD_AFTER: usize = 8;

/// Keywords of artifact rules, highlighted in rules.
const RULE_KEYWORDS: [&str; 12] = [
    "MATCH",
    "IN",
    "WITH",
    "FROM",
    "MATERIALS",
    "PRODUCTS",
    "CREATE",
    "DELETE",
    "MODIFY",
    "ALLOW",
    "DISALLOW",
    "REQUIRE",
];

/// Renders `report` as one self-contained HTML page (inline style and
/// graph, no script, nothing loaded from anywhere): the verdict first, then
/// every failure with the rule, artifacts and digests it concerns, the
/// supply chain as a graph coloured by outcome, each step with its
/// functionaries, threshold and rules, each inspection, the stages, the
/// warnings and the layout.
///
/// `layout` is the layout that was verified, with parameters substituted as
/// the verifier substituted them; it adds what the report does not carry
/// (the readme, keys, expected commands, and the rules of items whose rules
/// were never evaluated). Pass `None` when the layout's signatures did not
/// verify, so that nothing unverified is shown as policy.
///
/// Every string from the report and the layout is escaped (see
/// [`crate::html`]): names, rules, paths, commands and the readme appear as
/// text, never as markup.
pub fn render_verification_report(report: &VerificationReport, layout: Option<&Layout>) -> String {
    let mut r = Renderer {
        h: Html::new(),
        next_anchor: 0,
        graphs: 0,
    };
    r.page(report, layout);
    r.h.into_string()
}

struct Renderer {
    h: Html,
    /// Anchors are numbered across nested sublayout reports.
    next_anchor: usize,
    /// Graphs written so far.
    graphs: usize,
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

impl Renderer {
    fn page(&mut self, report: &VerificationReport, layout: Option<&Layout>) {
        let passed = report.verdict == Verdict::Pass;
        self.h
            .markup("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .markup("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\">")
            .markup("<meta name=\"referrer\" content=\"no-referrer\">")
            .markup("<meta name=\"generator\" content=\"in-toto-rs-ng ")
            .markup(env!("CARGO_PKG_VERSION"))
            .markup("\"><title>")
            .text(if passed {
                "Verification passed"
            } else {
                "Verification failed"
            });
        if let Some(file) = &report.layout_file {
            self.h.text(" \u{2014} ").text(&file.display().to_string());
        }
        self.h
            .markup(" \u{b7} in-toto</title><style>")
            .markup(style::BASE)
            .markup(style::REPORT)
            .markup("</style></head><body><main>");
        self.body(report, layout, 0);
        self.h
            .markup("<footer>Written by in-toto-rs-ng ")
            .markup(env!("CARGO_PKG_VERSION"))
            .markup(" (compatible with in-toto 3.1.0). This page is self-contained: it runs no script and loads nothing.</footer>")
            .markup("</main></body></html>\n");
    }

    fn body(&mut self, report: &VerificationReport, layout: Option<&Layout>, depth: usize) {
        let chain = Chain::new(report, layout, self.next_anchor);
        self.next_anchor += chain.items.len();
        self.verdict(report, depth);
        if depth == 0 {
            self.h.markup("<nav class=\"toc\">");
            if !report.failures.is_empty() {
                self.h.markup("<a href=\"#problems\">Problems</a>");
            }
            if !chain.items.is_empty() {
                self.h.markup("<a href=\"#chain\">Supply chain</a>");
            }
            if chain.items.iter().any(|i| i.kind == ItemKind::Step) {
                self.h.markup("<a href=\"#steps\">Steps</a>");
            }
            if chain.items.iter().any(|i| i.kind == ItemKind::Inspection) {
                self.h.markup("<a href=\"#inspections\">Inspections</a>");
            }
            self.h.markup("<a href=\"#stages\">Stages</a>");
            if !report.warnings.is_empty() {
                self.h.markup("<a href=\"#warnings\">Warnings</a>");
            }
            if layout.is_some() {
                self.h.markup("<a href=\"#layout\">Layout</a>");
            }
            self.h.markup("</nav>");
        }
        if !report.failures.is_empty() {
            self.section_head(depth, "problems", "Problems");
            self.h.markup("<ol class=\"failures\">");
            for (i, f) in report.failures.iter().enumerate() {
                self.failure(f, i == 0, &chain, depth);
            }
            self.h.markup("</ol>");
        }
        if !chain.items.is_empty() {
            self.section_head(depth, "chain", "Supply chain");
            self.h.markup("<div class=\"graph-box\">");
            graph::render(&mut self.h, &chain, self.graphs == 0);
            self.graphs += 1;
            self.h.markup(
                "</div><div class=\"legend\">\
                 <span><span class=\"swatch passed\"></span>passed</span>\
                 <span><span class=\"swatch failed\"></span>failed</span>\
                 <span><span class=\"swatch unchecked\"></span>not checked</span>\
                 <span><span class=\"swatch broken\"></span>MATCH rule whose artifacts differ or are missing</span>\
                 <span>Arrows: artifacts that MATCH rules take from one step (or inspection) to another; rounded boxes are inspections.</span>\
                 </div>",
            );
        }
        let (steps, inspections): (Vec<&Item<'_>>, Vec<&Item<'_>>) =
            chain.items.iter().partition(|i| i.kind == ItemKind::Step);
        if !steps.is_empty() {
            self.section_head(depth, "steps", "Steps");
            for item in steps {
                self.item(layout, item, depth);
            }
        }
        if !inspections.is_empty() {
            self.section_head(depth, "inspections", "Inspections");
            for item in inspections {
                self.item(layout, item, depth);
            }
        }
        self.stages(report, depth);
        if !report.warnings.is_empty() {
            self.section_head(depth, "warnings", "Warnings");
            self.h.markup("<ul class=\"warnings\">");
            for w in &report.warnings {
                self.h
                    .markup("<li><span class=\"badge warning\">")
                    .text(w.stage.as_str())
                    .markup("</span> ");
                if let Some(item) = &w.item {
                    self.h.markup("<strong>").text(item).markup("</strong>: ");
                }
                self.h
                    .markup("<span class=\"pre-line\">")
                    .text(&w.message)
                    .markup("</span></li>");
            }
            self.h.markup("</ul>");
        }
        if let Some(l) = layout {
            self.layout(l, depth);
        }
        if let Some(link) = &report.summary_link {
            self.section_head(depth, "summary", "Summary link");
            self.h.markup(
                "<p class=\"muted\">What the verified chain vouches for: the first step's materials and the last step's products.</p>",
            );
            if !link.command.is_empty() {
                self.h
                    .markup("<p>Command: <code>")
                    .text(&link.command.join(" "))
                    .markup("</code></p>");
            }
            self.artifact_table("Materials", &link.materials);
            self.artifact_table("Products", &link.products);
        }
    }

    /// `<h2 id=...>` at the top level; without an id (ids are unique) in
    /// sublayout reports.
    fn section_head(&mut self, depth: usize, id: &'static str, title: &'static str) {
        if depth == 0 {
            self.h
                .markup("<h2 id=\"")
                .markup(id)
                .markup("\">")
                .markup(title)
                .markup("</h2>");
        } else {
            self.h.markup("<h4>").markup(title).markup("</h4>");
        }
    }

    fn verdict(&mut self, report: &VerificationReport, depth: usize) {
        let passed = report.verdict == Verdict::Pass;
        let n = report.failures.len();
        self.h
            .markup("<header class=\"verdict ")
            .markup(if passed { "pass" } else { "fail" })
            .markup("\" data-verdict=\"")
            .markup(report.verdict.as_str())
            .markup("\"><div class=\"verdict-mark\" aria-hidden=\"true\">")
            .markup(if passed { "\u{2713}" } else { "\u{2717}" })
            .markup("</div><div>")
            .markup(if depth == 0 { "<h1>" } else { "<h3>" })
            .markup(if passed {
                "Verification passed"
            } else {
                "Verification failed"
            })
            .markup(if depth == 0 { "</h1>" } else { "</h3>" })
            .markup("<p class=\"lead\">");
        if passed {
            self.h
                .text("Every check passed: the signed layout's steps were carried out by its functionaries, and every artifact rule and inspection holds.");
        } else {
            self.h
                .num(n)
                .text(plural(n, " problem was found.", " problems were found."))
                .text(" The first is the one in-toto 3.1.0 reports.");
            let skipped: Vec<&str> = report
                .stages
                .iter()
                .filter(|s| s.status == StageStatus::Skipped)
                .map(|s| s.stage.as_str())
                .collect();
            if !skipped.is_empty() {
                self.h
                    .text(" Not checked: ")
                    .text(&skipped.join(", "))
                    .text(".");
            }
        }
        self.h.markup("</p><dl class=\"facts\">");
        if !report.step_name.is_empty() {
            self.fact("Sublayout of step", &report.step_name);
        }
        if let Some(file) = &report.layout_file {
            self.fact("Layout file", &file.display().to_string());
        }
        if let Some(info) = &report.layout {
            self.fact("Container", info.container);
            self.fact("Expires", &info.expires.to_string());
            let counts = format!(
                "{} step{}, {} inspection{}",
                info.steps.len(),
                plural(info.steps.len(), "", "s"),
                info.inspections.len(),
                plural(info.inspections.len(), "", "s"),
            );
            self.fact("Supply chain", &counts);
            if !info.parameters.is_empty() {
                self.fact("Parameters", &info.parameters.join(", "));
            }
        }
        if !report.layout_keys.is_empty() {
            self.h.markup("<dt>Layout signed by</dt><dd>");
            for (i, k) in report.layout_keys.iter().enumerate() {
                if i > 0 {
                    self.h.markup("<br>");
                }
                self.h
                    .markup("<code>")
                    .text(&k.keyid)
                    .markup("</code> ")
                    .markup(if k.verified {
                        "<span class=\"badge verified\">signature verified</span>"
                    } else {
                        "<span class=\"badge failed\">no valid signature</span>"
                    });
            }
            self.h.markup("</dd>");
        }
        self.h.markup("</dl></div></header>");
    }

    fn fact(&mut self, name: &'static str, value: &str) {
        self.h
            .markup("<dt>")
            .markup(name)
            .markup("</dt><dd>")
            .text(value)
            .markup("</dd>");
    }

    fn failure(&mut self, f: &Failure, first: bool, chain: &Chain<'_>, depth: usize) {
        self.h
            .markup("<li class=\"failure\" data-failure-type=\"")
            .markup(failure_type(&f.kind))
            .markup("\"><div class=\"failure-head\"><span class=\"badge failed\">")
            .text(f.stage.as_str())
            .markup("</span>");
        match chain.item_of(f) {
            Some(item) => {
                self.h
                    .markup("<a")
                    .href_anchor("item", item.anchor)
                    .markup("><strong>")
                    .text(item.name)
                    .markup("</strong></a>");
            }
            None => {
                if let Some(item) = f.item() {
                    self.h.markup("<strong>").text(item).markup("</strong>");
                }
            }
        }
        if first && depth == 0 {
            self.h
                .markup("<span class=\"first\">the failure in-toto 3.1.0 reports</span>");
        }
        self.h
            .markup("</div><pre class=\"message\">")
            .text(&f.to_string())
            .markup("</pre>");
        match &f.kind {
            FailureKind::Rule {
                kind,
                rule_index,
                rule,
                problem,
                ..
            } => {
                self.h
                    .markup("<p>Rule ")
                    .num(rule_index + 1)
                    .markup(" of the ")
                    .text(kind.as_str())
                    .markup(" rules: ");
                self.rule(rule);
                self.h.markup("</p>");
                self.rule_problem(problem);
            }
            FailureKind::ArtifactsDiffer {
                reference_file,
                other_file,
                differences,
                ..
            } => {
                self.h
                    .markup("<table class=\"compare\"><thead><tr><th>artifact</th><th></th><th>");
                self.h
                    .text(&reference_file.display().to_string())
                    .markup("</th><th>")
                    .text(&other_file.display().to_string())
                    .markup("</th></tr></thead><tbody>");
                for d in differences {
                    self.h
                        .markup("<tr><td><code>")
                        .text(&d.path)
                        .markup("</code></td><td>")
                        .text(d.kind.as_str())
                        .markup("</td><td>");
                    self.optional_digests(d.reference.as_ref());
                    self.h.markup("</td><td>");
                    self.optional_digests(d.other.as_ref());
                    self.h.markup("</td></tr>");
                }
                self.h.markup("</tbody></table>");
            }
            _ => {}
        }
        self.h
            .markup("<details class=\"reference\"><summary>What in-toto 3.1.0 says</summary><pre>")
            .text(&f.reference_line())
            .markup("</pre></details></li>");
    }

    fn optional_digests(&mut self, d: Option<&DigestSet>) {
        match d {
            Some(d) => self.digests(d),
            None => {
                self.h.markup("<span class=\"muted\">absent</span>");
            }
        }
    }

    fn digests(&mut self, d: &DigestSet) {
        for (i, (algo, hex)) in d.iter().enumerate() {
            if i > 0 {
                self.h.markup("<br>");
            }
            self.h
                .markup("<span class=\"digest\"><span class=\"algo\">")
                .text(algo)
                .markup("</span>")
                .text(hex)
                .markup("</span>");
        }
        if d.is_empty() {
            self.h.markup("<span class=\"muted\">no digests</span>");
        }
    }

    fn source(&mut self, s: &DigestSource) {
        self.h
            .markup("<strong>")
            .text(&s.item)
            .markup("</strong> ")
            .text(s.kind.as_str())
            .markup(" <code>")
            .text(&s.path)
            .markup("</code>");
        if let Some(file) = &s.file {
            self.h
                .text(" in ")
                .markup("<code>")
                .text(&file.display().to_string())
                .markup("</code>");
        }
    }

    fn rule(&mut self, tokens: &[String]) {
        self.h.markup("<code class=\"rule\">");
        for (i, t) in tokens.iter().enumerate() {
            if i > 0 {
                self.h.text(" ");
            }
            if RULE_KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(t)) {
                self.h
                    .markup("<span class=\"kw\">")
                    .text(t)
                    .markup("</span>");
            } else {
                self.h.text(t);
            }
        }
        self.h.markup("</code>");
    }

    fn compare(&mut self, expected: &SourcedDigest, found: &SourcedDigest) {
        self.h
            .markup("<table class=\"compare\"><tr class=\"expected\"><th>expected</th><td>");
        self.digests(&expected.digests);
        self.h.markup("</td><td class=\"src\">");
        self.source(&expected.source);
        self.h
            .markup("</td></tr><tr class=\"found\"><th>found</th><td>");
        self.digests(&found.digests);
        self.h.markup("</td><td class=\"src\">");
        self.source(&found.source);
        self.h.markup("</td></tr></table>");
    }

    fn near_miss(&mut self, m: &NearMiss) {
        self.h
            .markup("<li data-reason=\"")
            .markup(reason_type(&m.reason))
            .markup("\">rule ")
            .num(m.rule_index + 1)
            .markup(" ");
        self.rule(&m.rule);
        self.h.markup(": ");
        match &m.reason {
            NotConsumedReason::DigestsDiffer { expected, found } => {
                self.h.text("the digests differ");
                self.compare(expected, found);
            }
            NotConsumedReason::Unchanged { material, product } => {
                self.h
                    .text("not modified: materials and products have equal digests");
                self.compare(material, product);
            }
            NotConsumedReason::NotFound { expected_at } => {
                self.h.text("not found: there is no ");
                self.source(expected_at);
            }
            other => {
                self.h.text(&other.to_string());
            }
        }
        self.h.markup("</li>");
    }

    fn rule_problem(&mut self, problem: &RuleProblem) {
        if let RuleProblem::Disallowed { artifacts } = problem {
            for a in artifacts {
                self.h.markup("<div class=\"caught\"><div>Artifact <code>");
                self.h.text(&a.artifact.source.path).markup("</code> ");
                self.digests(&a.artifact.digests);
                self.h.markup(" <span class=\"muted\">(");
                self.source(&a.artifact.source);
                self.h.markup(")</span></div>");
                if a.not_consumed.is_empty() {
                    self.h
                        .markup("<p class=\"muted\">No earlier rule matched it.</p>");
                } else {
                    self.h.markup("<ul class=\"misses\">");
                    for m in &a.not_consumed {
                        self.near_miss(m);
                    }
                    self.h.markup("</ul>");
                }
                self.h.markup("</div>");
            }
        }
    }

    fn paths(&mut self, paths: &[String]) {
        if paths.is_empty() {
            self.h.markup("<span class=\"muted\">none</span>");
            return;
        }
        let fold = paths.len() > FOLD_AFTER;
        if fold {
            self.h
                .markup("<details><summary>")
                .num(paths.len())
                .markup(" artifacts</summary>");
        }
        self.h.markup("<ul class=\"paths\">");
        for p in paths {
            self.h.markup("<li>").text(p).markup("</li>");
        }
        self.h.markup("</ul>");
        if fold {
            self.h.markup("</details>");
        }
    }

    fn item(&mut self, layout: Option<&Layout>, item: &Item<'_>, depth: usize) {
        self.h
            .markup("<article class=\"item ")
            .markup(item.outcome.class())
            .markup("\"")
            .id("item", item.anchor)
            .markup(" data-item-kind=\"")
            .markup(match item.kind {
                ItemKind::Step => "step",
                ItemKind::Inspection => "inspection",
            })
            .markup("\"")
            .attr("data-name", item.name)
            .markup("><div class=\"item-head\"><h3>")
            .text(item.name)
            .markup("</h3><span class=\"badge ")
            .markup(item.outcome.class())
            .markup("\">")
            .markup(item.outcome.label())
            .markup("</span><span class=\"kind\">")
            .markup(match item.kind {
                ItemKind::Step => "step",
                ItemKind::Inspection => "inspection",
            })
            .markup("</span></div>");
        if let Some(step) = item.step {
            let signed = step.signers.len();
            let met = i64::try_from(signed).unwrap_or(i64::MAX) >= step.threshold;
            self.h
                .markup("<p class=\"threshold\"><strong>Threshold ")
                .num(step.threshold)
                .markup("</strong>: ")
                .num(signed)
                .text(plural(
                    signed,
                    " distinct functionary",
                    " distinct functionaries",
                ))
                .text(" of the ")
                .num(step.authorized.len())
                .text(" authorised validly signed ")
                .markup(if met {
                    "<span class=\"badge yes\">met</span>"
                } else {
                    "<span class=\"badge no\">not met</span>"
                })
                .markup("</p>");
            self.links(layout, &step.links, depth);
        }
        if let Some(command) = item.command
            && !command.is_empty()
        {
            self.h
                .markup("<p>")
                .markup(match item.kind {
                    ItemKind::Step => "Expected command: ",
                    ItemKind::Inspection => "Command: ",
                })
                .markup("<code>")
                .text(&command.join(" "))
                .markup("</code></p>");
        }
        if let Some(insp) = item.inspection {
            self.h
                .markup("<p>Ran: <span class=\"badge ")
                .markup(match insp.status {
                    InspectionStatus::Passed => "passed",
                    InspectionStatus::Failed => "failed",
                    _ => "unchecked",
                })
                .markup("\">")
                .text(insp.status.as_str())
                .markup("</span>");
            if let Some(rv) = insp.return_value {
                self.h.text(" \u{b7} return value ").num(rv);
            }
            if let Some(file) = &insp.link_file {
                self.h
                    .text(" \u{b7} link ")
                    .markup("<code>")
                    .text(&file.display().to_string())
                    .markup("</code>");
            }
            self.h.markup("</p>");
        }
        for list in &item.rules {
            self.rule_list(list);
        }
        self.h.markup("</article>");
    }

    fn links(&mut self, layout: Option<&Layout>, links: &[LinkCheck], depth: usize) {
        if links.is_empty() {
            return;
        }
        self.h.markup(
            "<table class=\"links\"><thead><tr><th>functionary</th><th>link file</th><th>status</th><th>counted</th></tr></thead><tbody>",
        );
        for l in links {
            self.h
                .markup("<tr><td><code")
                .attr("title", &l.keyid)
                .markup(">")
                .text(l.keyid.get(..12).unwrap_or(&l.keyid))
                .markup("</code>");
            if let Some(key) = layout.and_then(|la| la.keys.get(&l.keyid)) {
                self.h
                    .markup(" <span class=\"muted\">")
                    .text(key.keytype())
                    .markup("</span>");
            }
            self.h
                .markup("</td><td><code>")
                .text(&file_name(&l.file))
                .markup("</code>");
            if let Some(line) = l.line {
                self.h.text(&format!(" line {line}"));
            }
            if let Some(kind) = l.format.filter(|k| k.is_attestation()) {
                self.h
                    .markup(" <span class=\"muted\">")
                    .text(kind.describe())
                    .markup("</span>");
            }
            if let Some(detail) = &l.detail {
                self.h
                    .markup("<div class=\"muted\">")
                    .text(detail)
                    .markup("</div>");
            }
            self.h
                .markup("</td><td><span class=\"badge ")
                .markup(l.status.as_str())
                .markup("\">")
                .text(&l.status.as_str().replace('-', " "))
                .markup("</span>");
            if let Some(p) = l.payload
                && p == "layout"
            {
                self.h.markup(" <span class=\"muted\">sublayout</span>");
            }
            self.h
                .markup("</td><td>")
                .markup(if l.counted {
                    "<span class=\"badge yes\">\u{2713} counted</span>"
                } else if l.status == LinkStatus::Missing {
                    "<span class=\"muted\">\u{2013}</span>"
                } else {
                    "<span class=\"badge\">not counted</span>"
                })
                .markup("</td></tr>");
            if let Some(sub) = &l.sublayout {
                self.h
                    .markup("<tr><td colspan=\"4\"><details class=\"sublayout\"><summary>The sublayout's own report: ")
                    .markup(if sub.passed() { "passed" } else { "failed" })
                    .markup("</summary>");
                if depth + 1 >= MAX_DEPTH {
                    self.h.markup(
                        "<p class=\"muted\">Sublayouts nested this deep are not shown here; see the JSON report.</p>",
                    );
                } else {
                    self.h.markup("<div class=\"sub-report\">");
                    self.body(sub, None, depth + 1);
                    self.h.markup("</div>");
                }
                self.h.markup("</details></td></tr>");
            }
        }
        self.h.markup("</tbody></table>");
    }

    fn rule_list(&mut self, list: &RuleList<'_>) {
        self.h
            .markup("<h4>")
            .markup(match list.kind {
                ArtifactKind::Materials => "Material rules",
                _ => "Product rules",
            })
            .markup("</h4>");
        if list.rows.is_empty() {
            self.h.markup("<p class=\"muted\">No rules: every ");
            self.h.text(list.kind.as_str());
            self.h.markup(" artifact is allowed.</p>");
        } else {
            self.h.markup(
                "<table class=\"rules\"><thead><tr><th>#</th><th>rule</th><th>outcome</th><th>consumed</th></tr></thead><tbody>",
            );
            for row in &list.rows {
                self.rule_row(row);
            }
            self.h.markup("</tbody></table>");
        }
        if let Some(unconsumed) = list.unconsumed
            && !unconsumed.is_empty()
        {
            let all_passed = list.rows.iter().all(|r| r.passed != Some(false));
            self.h.markup(if all_passed {
                "<p class=\"muted\">Consumed by no rule (allowed):</p>"
            } else {
                "<p class=\"muted\">Consumed by no rule:</p>"
            });
            self.paths(unconsumed);
        }
    }

    fn rule_row(&mut self, row: &RuleRow<'_>) {
        let outcome = match row.passed {
            Some(true) => Outcome::Passed,
            Some(false) => Outcome::Failed,
            None => Outcome::NotChecked,
        };
        self.h
            .markup("<tr class=\"rule-")
            .markup(outcome.class())
            .markup("\"><td>")
            .num(row.index + 1)
            .markup("</td><td class=\"rule\">");
        self.rule(row.tokens);
        self.h
            .markup("</td><td><span class=\"badge ")
            .markup(outcome.class())
            .markup("\">")
            .markup(match outcome {
                Outcome::NotChecked => "not evaluated",
                o => o.label(),
            })
            .markup("</span></td><td>");
        if row.passed.is_some() {
            self.paths(row.consumed);
        } else {
            self.h.markup("<span class=\"muted\">\u{2013}</span>");
        }
        self.h.markup("</td></tr>");
        for f in &row.failures {
            if let FailureKind::Rule { problem, .. } = &f.kind {
                self.h
                    .markup("<tr class=\"rule-detail\"><td></td><td colspan=\"3\">");
                match problem {
                    RuleProblem::Disallowed { .. } => self.rule_problem(problem),
                    other => {
                        self.h.markup("<p>").text(&other.to_string()).markup("</p>");
                    }
                }
                self.h.markup("</td></tr>");
            }
        }
    }

    fn stages(&mut self, report: &VerificationReport, depth: usize) {
        self.section_head(depth, "stages", "Stages");
        self.h.markup(
            "<table class=\"stages\"><thead><tr><th>stage</th><th>outcome</th><th>note</th></tr></thead><tbody>",
        );
        for s in &report.stages {
            let class = match s.status {
                StageStatus::Passed => "passed",
                StageStatus::Failed => "failed",
                _ => "unchecked",
            };
            self.h
                .markup("<tr><td>")
                .text(s.stage.as_str())
                .markup("</td><td><span class=\"badge ")
                .markup(class)
                .markup("\">")
                .text(&s.status.as_str().replace('-', " "))
                .markup("</span></td><td class=\"muted\">")
                .text(s.note.as_deref().unwrap_or(""))
                .markup("</td></tr>");
        }
        self.h.markup("</tbody></table>");
    }

    fn layout(&mut self, layout: &Layout, depth: usize) {
        self.section_head(depth, "layout", "Layout");
        if layout.readme.is_empty() {
            self.h
                .markup("<p class=\"muted\">The layout has no readme.</p>");
        } else {
            self.h
                .markup("<h4>Readme</h4><div class=\"readme\">")
                .text(&layout.readme)
                .markup("</div>");
        }
        self.h
            .markup("<h4>Functionary keys</h4><table class=\"keys\"><thead><tr><th>key id</th><th>type</th><th>scheme</th><th>steps</th></tr></thead><tbody>");
        for (keyid, key) in &layout.keys {
            let steps: Vec<&str> = layout
                .steps
                .iter()
                .filter(|s| s.pubkeys.iter().any(|k| k == keyid))
                .map(|s| s.name.as_str())
                .collect();
            self.h
                .markup("<tr><td><code>")
                .text(keyid)
                .markup("</code></td><td>")
                .text(key.keytype())
                .markup("</td><td>")
                .text(key.scheme())
                .markup("</td><td>")
                .text(&steps.join(", "))
                .markup("</td></tr>");
        }
        self.h.markup("</tbody></table>");
    }

    fn artifact_table(&mut self, title: &'static str, artifacts: &Artifacts) {
        self.h
            .markup("<details><summary>")
            .markup(title)
            .markup(": ")
            .num(artifacts.len())
            .markup("</summary><table><tbody>");
        for (path, digests) in artifacts {
            self.h
                .markup("<tr><td><code>")
                .text(path)
                .markup("</code></td><td>");
            self.digests(digests);
            self.h.markup("</td></tr>");
        }
        self.h.markup("</tbody></table></details>");
    }
}

/// The file's name as reported (the whole path; link directories are short).
fn file_name(p: &Path) -> String {
    p.display().to_string()
}

/// The JSON report's name for a failure type.
fn failure_type(kind: &FailureKind) -> &'static str {
    match kind {
        FailureKind::LayoutUnreadable { .. } => "layout-unreadable",
        FailureKind::KeyUnreadable { .. } => "key-unreadable",
        FailureKind::NoKeys => "no-keys",
        FailureKind::LayoutSignature { .. } => "layout-signature",
        FailureKind::LayoutPayload { .. } => "layout-payload",
        FailureKind::LayoutExpired { .. } => "layout-expired",
        FailureKind::Parameters { .. } => "parameters",
        FailureKind::LinksMissing { .. } => "links-missing",
        FailureKind::LinkUnreadable { .. } => "link-unreadable",
        FailureKind::LinkNameMismatch { .. } => "link-name-mismatch",
        FailureKind::ArtifactName { .. } => "artifact-name",
        FailureKind::Threshold { .. } => "threshold",
        FailureKind::Sublayout { .. } => "sublayout",
        FailureKind::ArtifactsDiffer { .. } => "artifacts-differ",
        FailureKind::Rule { .. } => "rule",
        FailureKind::Inspection { .. } => "inspection",
        _ => "other",
    }
}

fn reason_type(reason: &NotConsumedReason) -> &'static str {
    match reason {
        NotConsumedReason::AlsoInMaterials => "also-in-materials",
        NotConsumedReason::StillInProducts => "still-in-products",
        NotConsumedReason::Unchanged { .. } => "unchanged",
        NotConsumedReason::MissingFrom(_) => "missing-from",
        NotConsumedReason::NoLinkForStep { .. } => "no-link-for-step",
        NotConsumedReason::NotFound { .. } => "not-found",
        NotConsumedReason::DigestsDiffer { .. } => "digests-differ",
        NotConsumedReason::AmbiguousPath { .. } => "ambiguous-path",
        _ => "other",
    }
}
