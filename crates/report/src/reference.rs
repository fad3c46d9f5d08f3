//! The command reference as one HTML page: every tool and subcommand with
//! every flag and worked examples, grouped into categories, with a live
//! filter and keyboard shortcuts.
//!
//! The page is built from a [`Reference`], which the command-line tool makes
//! from its own argument definitions, so the page cannot drift from the
//! tools. On the page:
//!
//! * the filter box hides every tool whose name, tags, flags and texts do
//!   not contain all the words typed, and every category left empty;
//! * `/` focuses the filter, `Esc` clears it and leaves it;
//! * `j` and `k` make the next or previous section (a tool, or a
//!   subcommand) the active one, highlighted and scrolled to;
//! * `g g` goes to the top;
//! * `c` copies the active section's examples; every code block also has
//!   a copy button. The last text copied is also kept in
//!   `document.body.dataset.copied`.

use crate::html::Html;
use crate::style;

/// The whole reference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reference {
    /// The page's title.
    pub title: String,
    /// A paragraph under the title.
    pub intro: String,
    /// The program's version, shown in the footer.
    pub version: String,
    /// The categories, in order.
    pub categories: Vec<Category>,
}

/// A category of tools (evidence generation, verification, maintenance).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Category {
    /// A short identifier (`evidence`), for the page's anchors.
    pub id: String,
    /// The heading.
    pub title: String,
    /// One line under the heading.
    pub description: String,
    /// The tools, in order.
    pub tools: Vec<Tool>,
}

/// One tool: a command with its other names and its tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tool {
    /// The command, named as the tool is usually invoked (`in-toto-verify`).
    pub command: CommandDoc,
    /// Other ways to invoke it (`in-toto verify`).
    pub aliases: Vec<String>,
    /// Words the filter finds it by (`threshold`, `dsse`, `gpg`, ...).
    pub tags: Vec<String>,
}

/// A command or subcommand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandDoc {
    /// The full invocation (`in-toto layout create`).
    pub name: String,
    /// What it does, in a line.
    pub about: String,
    /// What it does, at length (may be empty).
    pub long_about: String,
    /// The usage line, without `usage: `.
    pub usage: String,
    /// Its arguments, options and flags.
    pub args: Vec<ArgDoc>,
    /// Notes after the flags (the help's epilogue without its examples).
    pub notes: String,
    /// Worked examples, one command line each.
    pub examples: Vec<String>,
    /// Its subcommands.
    pub subcommands: Vec<CommandDoc>,
}

/// One argument, option or flag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArgDoc {
    /// How it is written: `-l, --layout <path>`, or `<path>` for a
    /// positional argument.
    pub synopsis: String,
    /// What it does.
    pub help: String,
    /// Whether it must be given.
    pub required: bool,
    /// Its default values.
    pub defaults: Vec<String>,
    /// The values it accepts, when they are a fixed set.
    pub possible_values: Vec<String>,
}

/// The page's script: filter, keyboard and copying. It reads the page's
/// markup only; no data is embedded in it.
const SCRIPT: &str = r#"
(function () {
  "use strict";
  var filter = document.getElementById("filter");
  var tools = Array.prototype.slice.call(document.querySelectorAll(".tool"));
  var categories = Array.prototype.slice.call(document.querySelectorAll(".category"));
  var noMatch = document.getElementById("no-match");
  var count = document.getElementById("count");
  var toast = document.getElementById("toast");
  var active = null;
  var lastG = 0;
  var toastTimer = 0;

  function visibleSections() {
    return Array.prototype.slice.call(document.querySelectorAll(".section")).filter(function (s) {
      return !s.closest(".hidden");
    });
  }

  function setActive(section, scroll) {
    if (active) { active.classList.remove("active"); }
    active = section;
    if (section) {
      section.classList.add("active");
      if (scroll) { section.scrollIntoView({ block: "start" }); }
    }
  }

  function apply() {
    var terms = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    tools.forEach(function (tool) {
      var hay = tool.getAttribute("data-search");
      var match = terms.every(function (t) { return hay.indexOf(t) !== -1; });
      tool.classList.toggle("hidden", !match);
      if (match) { shown += 1; }
    });
    categories.forEach(function (c) {
      c.classList.toggle("hidden", !c.querySelector(".tool:not(.hidden)"));
    });
    document.querySelectorAll("nav.contents a").forEach(function (a) {
      var target = document.getElementById(a.getAttribute("href").slice(1));
      a.classList.toggle("hidden", !target || target.classList.contains("hidden"));
    });
    noMatch.classList.toggle("hidden", shown !== 0);
    count.textContent = terms.length ? shown + " of " + tools.length + " tools" : tools.length + " tools";
    if (active && active.closest(".hidden")) { setActive(null, false); }
  }

  function move(step) {
    var list = visibleSections();
    if (!list.length) { return; }
    var i = list.indexOf(active);
    if (i < 0) { i = step > 0 ? 0 : list.length - 1; }
    else { i = Math.max(0, Math.min(list.length - 1, i + step)); }
    setActive(list[i], true);
  }

  function showToast(text) {
    toast.textContent = text;
    toast.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.classList.remove("show"); }, 1400);
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copy(code, button) {
    var text = code.textContent;
    document.body.dataset.copied = text;
    var done = function () {
      showToast("Copied");
      if (button) {
        button.classList.add("done");
        button.textContent = "Copied";
        setTimeout(function () { button.classList.remove("done"); button.textContent = "Copy"; }, 1400);
      }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { if (fallbackCopy(text)) { done(); } });
    } else if (fallbackCopy(text)) {
      done();
    }
  }

  filter.addEventListener("input", apply);
  document.querySelectorAll("button.copy").forEach(function (b) {
    b.addEventListener("click", function () {
      copy(b.parentNode.querySelector("code"), b);
    });
  });
  document.querySelectorAll(".tags button").forEach(function (b) {
    b.addEventListener("click", function () {
      filter.value = b.textContent;
      apply();
    });
  });
  document.querySelectorAll(".section").forEach(function (s) {
    s.addEventListener("click", function () { setActive(s, false); });
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "Escape") {
      if (filter.value) { filter.value = ""; apply(); }
      filter.blur();
      e.preventDefault();
      return;
    }
    if (typing) { return; }
    if (e.key === "/") {
      e.preventDefault();
      filter.focus();
      filter.select();
    } else if (e.key === "j") {
      move(1);
    } else if (e.key === "k") {
      move(-1);
    } else if (e.key === "g") {
      var now = Date.now();
      if (now - lastG < 1000) {
        lastG = 0;
        setActive(null, false);
        window.scrollTo(0, 0);
      } else {
        lastG = now;
      }
      return;
    } else if (e.key === "c") {
      var section = active || visibleSections()[0];
      var code = section && (section.querySelector(".examples code") || section.querySelector("pre code"));
      if (code) {
        setActive(section, false);
        copy(code, code.closest(".example").querySelector("button.copy"));
      }
    } else {
      return;
    }
    lastG = 0;
  });
  apply();
})();
"#;

/// Renders `reference` as one self-contained HTML page; see the
/// [module documentation](self).
pub fn render_reference(reference: &Reference) -> String {
    let mut h = Html::new();
    h.markup("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .markup("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\">")
        .markup("<meta name=\"referrer\" content=\"no-referrer\"><title>")
        .text(&reference.title)
        .markup("</title><style>")
        .markup(style::BASE)
        .markup(style::REFERENCE)
        .markup("</style></head><body>")
        .markup("<header class=\"top\"><div class=\"bar\"><h1>")
        .text(&reference.title)
        .markup(
            "</h1><input id=\"filter\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\" \
             placeholder=\"Filter by name, flag or tag (press /)\" aria-label=\"Filter the tools\">\
             <span id=\"count\" class=\"keys\"></span>\
             <span class=\"keys\"><kbd>/</kbd> filter \u{b7} <kbd>Esc</kbd> clear \u{b7} \
             <kbd>j</kbd>/<kbd>k</kbd> next/previous \u{b7} <kbd>g</kbd> <kbd>g</kbd> top \u{b7} \
             <kbd>c</kbd> copy</span></div></header><main>",
        )
        .markup("<p class=\"intro\">")
        .text(&reference.intro)
        .markup("</p>");
    h.markup("<nav class=\"contents\" aria-label=\"Contents\">");
    let mut n = 0usize;
    for cat in &reference.categories {
        h.markup("<div><span class=\"muted\">")
            .text(&cat.title)
            .markup("</span> ");
        for tool in &cat.tools {
            h.markup("<a")
                .href_anchor("tool", n)
                .markup(">")
                .text(&tool.command.name)
                .markup("</a> ");
            n += 1;
        }
        h.markup("</div>");
    }
    h.markup("</nav>");
    let mut section = 0usize;
    let mut tool_n = 0usize;
    for cat in &reference.categories {
        h.markup("<section class=\"category\"")
            .attr("data-category", &cat.id)
            .markup("><h2>")
            .text(&cat.title)
            .markup(" <span class=\"muted\">")
            .text(&cat.description)
            .markup("</span></h2>");
        for tool in &cat.tools {
            render_tool(&mut h, tool, tool_n, &mut section);
            tool_n += 1;
        }
        h.markup("</section>");
    }
    h.markup("<p id=\"no-match\" class=\"hidden\">No tool matches the filter. Press <kbd>Esc</kbd> to clear it.</p>")
        .markup("<footer>Generated by <code>in-toto docs --html</code> from the tools' own definitions \u{b7} in-toto-rs-ng ")
        .text(&reference.version)
        .markup(". This page is self-contained and loads nothing.</footer></main><div id=\"toast\" role=\"status\" aria-live=\"polite\"></div><script>")
        .markup(SCRIPT)
        .markup("</script></body></html>\n");
    h.into_string()
}

/// The words the filter looks in, lower-cased.
fn search_text(tool: &Tool) -> String {
    fn add(out: &mut Vec<String>, c: &CommandDoc) {
        out.push(c.name.clone());
        out.push(c.about.clone());
        out.push(c.long_about.clone());
        out.push(c.notes.clone());
        for a in &c.args {
            out.push(a.synopsis.clone());
            out.push(a.help.clone());
            out.extend(a.possible_values.iter().cloned());
        }
        out.extend(c.examples.iter().cloned());
        for s in &c.subcommands {
            add(out, s);
        }
    }
    let mut words = tool.tags.clone();
    words.extend(tool.aliases.iter().cloned());
    add(&mut words, &tool.command);
    words.join("\n").to_lowercase()
}

fn render_tool(h: &mut Html, tool: &Tool, n: usize, section: &mut usize) {
    let c = &tool.command;
    h.markup("<article class=\"tool\"")
        .id("tool", n)
        .attr("data-tool", &c.name)
        .attr("data-tags", &tool.tags.join(" "))
        .attr("data-search", &search_text(tool))
        .markup("><div class=\"tool-head\"><h3>")
        .text(&c.name)
        .markup("</h3>");
    if !tool.aliases.is_empty() {
        h.markup("<span class=\"alias\">also ")
            .text(&tool.aliases.join(", "))
            .markup("</span>");
    }
    h.markup("</div>");
    if !tool.tags.is_empty() {
        h.markup("<ul class=\"tags\" aria-label=\"tags\">");
        for t in &tool.tags {
            h.markup("<li><button type=\"button\" title=\"Filter by this tag\">")
                .text(t)
                .markup("</button></li>");
        }
        h.markup("</ul>");
    }
    if c.subcommands.is_empty() {
        render_section(h, c, false, section);
    } else {
        h.markup("<p class=\"about\">")
            .text(if c.long_about.is_empty() {
                &c.about
            } else {
                &c.long_about
            })
            .markup("</p>");
        if !c.usage.is_empty() {
            code_block(h, "usage", &c.usage);
        }
        if !c.notes.is_empty() || !c.examples.is_empty() {
            // The tool's own notes and examples (of all its subcommands).
            h.markup("<div class=\"section\"")
                .id("section", *section)
                .attr("data-section", &c.name)
                .markup(">");
            *section += 1;
            notes_and_examples(h, c);
            h.markup("</div>");
        }
        for sub in &c.subcommands {
            render_section(h, sub, true, section);
        }
    }
    h.markup("</article>");
}

fn code_block(h: &mut Html, class: &'static str, text: &str) {
    h.markup("<div class=\"example ")
        .markup(class)
        .markup("\"><pre><code>")
        .text(text)
        .markup("</code></pre><button class=\"copy\" type=\"button\" aria-label=\"Copy to the clipboard\">Copy</button></div>");
}

fn render_section(h: &mut Html, c: &CommandDoc, heading: bool, section: &mut usize) {
    h.markup("<div class=\"section\"")
        .id("section", *section)
        .attr("data-section", &c.name)
        .markup(">");
    *section += 1;
    if heading {
        h.markup("<h4>").text(&c.name).markup("</h4>");
    }
    h.markup("<p class=\"about\">")
        .text(if c.long_about.is_empty() {
            &c.about
        } else {
            &c.long_about
        })
        .markup("</p>");
    if !c.usage.is_empty() {
        code_block(h, "usage", &c.usage);
    }
    if !c.args.is_empty() {
        h.markup("<table class=\"flags\"><tbody>");
        for a in &c.args {
            h.markup("<tr><td><code>")
                .text(&a.synopsis)
                .markup("</code></td><td>")
                .text(&a.help);
            let mut notes = Vec::new();
            if a.required {
                notes.push("required".to_owned());
            }
            if !a.defaults.is_empty() {
                notes.push(format!("default: {}", a.defaults.join(" ")));
            }
            if !a.possible_values.is_empty() {
                notes.push(format!("one of: {}", a.possible_values.join(", ")));
            }
            if !notes.is_empty() {
                h.markup(" <span class=\"flag-note\">(")
                    .text(&notes.join("; "))
                    .markup(")</span>");
            }
            h.markup("</td></tr>");
        }
        h.markup("</tbody></table>");
    }
    notes_and_examples(h, c);
    h.markup("</div>");
}

fn notes_and_examples(h: &mut Html, c: &CommandDoc) {
    if !c.notes.is_empty() {
        h.markup("<p class=\"pre-line notes\">")
            .text(&c.notes)
            .markup("</p>");
    }
    if !c.examples.is_empty() {
        h.markup("<h5 class=\"muted\">Example")
            .markup(if c.examples.len() == 1 { "" } else { "s" })
            .markup("</h5>");
        code_block(h, "examples", &c.examples.join("\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Reference {
        Reference {
            title: "in-toto command reference".into(),
            intro: "All the tools.".into(),
            version: "0.1.0".into(),
            categories: vec![Category {
                id: "verification".into(),
                title: "Verification".into(),
                description: "Check a supply chain".into(),
                tools: vec![Tool {
                    command: CommandDoc {
                        name: "in-toto-verify".into(),
                        about: "Verify a supply chain".into(),
                        usage: "in-toto-verify <named arguments> [options]".into(),
                        args: vec![ArgDoc {
                            synopsis: "-l, --layout <path>".into(),
                            help: "the root layout".into(),
                            required: true,
                            ..ArgDoc::default()
                        }],
                        examples: vec![
                            "in-toto-verify -l root.layout --verification-keys a.pub".into(),
                        ],
                        ..CommandDoc::default()
                    },
                    aliases: vec!["in-toto verify".into()],
                    tags: vec!["threshold".into(), "DSSE".into()],
                }],
            }],
        }
    }

    #[test]
    fn every_tool_flag_and_example_is_on_the_page() {
        let page = render_reference(&sample());
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("<h3>in-toto-verify</h3>"));
        assert!(page.contains("<code>-l, --layout &lt;path&gt;</code>"));
        assert!(page.contains("(required)"));
        assert!(
            page.contains("<code>in-toto-verify -l root.layout --verification-keys a.pub</code>")
        );
        assert!(page.contains("data-tags=\"threshold DSSE\""));
        // The filter searches lower-cased text.
        assert!(page.contains("data-search=\"threshold\ndsse\nin-toto verify\nin-toto-verify"));
        assert_eq!(page.matches("<script>").count(), 1);
        assert!(!page.contains("http://") && !page.contains("https://"));
    }

    #[test]
    fn strings_are_escaped() {
        let mut r = sample();
        let tool = &mut r.categories[0].tools[0];
        tool.command.about = "</script><script>alert(1)</script>".into();
        tool.tags.push("\"><img src=x onerror=alert(1)>".into());
        tool.command.examples.push("echo '<b>'".into());
        let page = render_reference(&r);
        assert_eq!(page.matches("<script>").count(), 1);
        assert_eq!(page.matches("</script>").count(), 1);
        assert!(!page.contains("<img"));
        assert!(!page.contains("<b>"));
        assert!(page.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    }
}
