//! The pages' inline style sheets.

/// What both pages share: type, colours, badges, code.
pub(crate) const BASE: &str = r#"
:root {
  color-scheme: light;
  --fg: #1f2328; --muted: #59636e; --faint: #818b98; --bg: #ffffff; --panel: #f6f8fa;
  --line: #d1d9e0; --accent: #0969da;
  --ok: #1a7f37; --ok-bg: #dafbe1; --ok-line: #4ac26b;
  --bad: #cf222e; --bad-bg: #ffebe9; --bad-line: #ff8182;
  --skip: #59636e; --skip-bg: #eff2f5; --skip-line: #aeb7c2;
  --warn: #9a6700; --warn-bg: #fff8c5; --warn-line: #d4a72c;
  --mono: ui-monospace, "SFMono-Regular", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.55 var(--sans); }
main { max-width: 1120px; margin: 0 auto; padding: 0 24px 64px; }
h1, h2, h3, h4 { line-height: 1.25; margin: 0; font-weight: 650; }
h2 { font-size: 1.3rem; margin: 40px 0 14px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.08rem; }
h4 { font-size: .92rem; margin: 16px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
p { margin: 8px 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, kbd { font-family: var(--mono); font-size: .86em; }
code { background: var(--panel); border: 1px solid var(--line); border-radius: 5px; padding: 1px 5px; overflow-wrap: anywhere; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin: 8px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { background: none; border: 0; padding: 0; font-size: 1em; }
kbd { border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; padding: 0 5px; background: var(--bg); }
.muted { color: var(--muted); }
.pre-line { white-space: pre-line; }
.badge { display: inline-block; font-size: .74rem; font-weight: 650; line-height: 1.5; padding: 0 8px; border-radius: 999px; border: 1px solid var(--skip-line); background: var(--skip-bg); color: var(--skip); white-space: nowrap; vertical-align: 1px; }
.badge.passed, .badge.verified, .badge.yes { background: var(--ok-bg); border-color: var(--ok-line); color: var(--ok); }
.badge.failed, .badge.unreadable, .badge.rejected, .badge.no { background: var(--bad-bg); border-color: var(--bad-line); color: var(--bad); }
.badge.warning, .badge.bad-signature, .badge.not-authorized { background: var(--warn-bg); border-color: var(--warn-line); color: var(--warn); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; }
details > summary { cursor: pointer; color: var(--accent); }
footer { margin-top: 56px; color: var(--faint); font-size: .85rem; }
"#;

/// The verification report.
pub(crate) const REPORT: &str = r#"
.verdict { display: flex; gap: 20px; align-items: flex-start; margin: 28px 0 8px; padding: 22px 26px; border-radius: 12px; border: 1px solid; }
.verdict.pass { background: var(--ok-bg); border-color: var(--ok-line); }
.verdict.fail { background: var(--bad-bg); border-color: var(--bad-line); }
.verdict-mark { flex: none; width: 54px; height: 54px; border-radius: 50%; display: grid; place-items: center; font-size: 30px; font-weight: 700; color: #fff; }
.pass .verdict-mark { background: var(--ok); }
.fail .verdict-mark { background: var(--bad); }
.verdict h1 { font-size: 1.75rem; }
.pass h1 { color: var(--ok); }
.fail h1 { color: var(--bad); }
.verdict .lead { font-size: 1.02rem; margin: 4px 0 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 0; font-size: .9rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 14px 2px 0; font-size: .9rem; }
ol.failures { list-style: none; padding: 0; margin: 0; counter-reset: failure; }
.failure { border: 1px solid var(--bad-line); border-left: 5px solid var(--bad); border-radius: 8px; padding: 12px 16px; margin: 12px 0; background: #fffafa; counter-increment: failure; }
.failure-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px; }
.failure-head::before { content: counter(failure) "."; font-weight: 700; color: var(--bad); }
.failure-head .first { color: var(--bad); font-weight: 600; font-size: .82rem; }
.failure .message { background: #fff; }
.caught { margin: 10px 0 4px; padding: 10px 12px; border-radius: 8px; background: #fff; border: 1px solid var(--line); }
.misses { margin: 6px 0 0; padding-left: 20px; }
.misses li { margin: 6px 0; }
.digest { font-family: var(--mono); font-size: .82rem; overflow-wrap: anywhere; }
.digest .algo { color: var(--muted); margin-right: 4px; }
table.compare { margin: 6px 0; }
table.compare th { width: 90px; }
table.compare tr.expected td { background: var(--ok-bg); }
table.compare tr.found td { background: var(--bad-bg); }
table.compare td.src { font-size: .85rem; color: var(--muted); }
.graph-box { overflow-x: auto; border: 1px solid var(--line); border-radius: 10px; padding: 8px; background: #fbfcfd; }
svg.graph { display: block; margin: 0 auto; max-width: none; font-family: var(--sans); }
.node rect { stroke-width: 2; }
.node-passed rect { fill: var(--ok-bg); stroke: var(--ok); }
.node-failed rect { fill: var(--bad-bg); stroke: var(--bad); }
.node-unchecked rect { fill: var(--skip-bg); stroke: var(--skip-line); }
.node-missing rect { fill: var(--warn-bg); stroke: var(--warn); stroke-dasharray: 5 4; }
.node-name { font-size: 14px; font-weight: 650; fill: var(--fg); }
.node-sub { font-size: 11.5px; fill: var(--muted); }
.node-mark { font-size: 17px; font-weight: 700; }
.node-passed .node-mark { fill: var(--ok); }
.node-failed .node-mark { fill: var(--bad); }
.node-unchecked .node-mark { fill: var(--skip); }
a.node-link:hover rect { stroke-width: 3; }
.flow { fill: none; stroke-width: 2; }
.flow-ok { stroke: #6e7781; }
.flow-broken { stroke: var(--bad); stroke-dasharray: 6 4; }
.arrowhead-ok { fill: #6e7781; }
.arrowhead-broken { fill: var(--bad); }
.flow-label rect { fill: #fff; stroke: var(--line); }
.flow-label-broken rect { fill: var(--bad-bg); stroke: var(--bad-line); }
.flow-label text { font-family: var(--mono); font-size: 11px; fill: var(--fg); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: .85rem; color: var(--muted); margin: 8px 2px 0; }
.legend .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; border: 2px solid; vertical-align: -2px; margin-right: 6px; }
.swatch.passed { background: var(--ok-bg); border-color: var(--ok); }
.swatch.failed { background: var(--bad-bg); border-color: var(--bad); }
.swatch.unchecked { background: var(--skip-bg); border-color: var(--skip-line); }
.swatch.broken { background: none; border: 0; border-top: 2px dashed var(--bad); height: 0; width: 22px; vertical-align: 4px; border-radius: 0; }
.item { border: 1px solid var(--line); border-left: 5px solid var(--skip-line); border-radius: 10px; padding: 14px 18px; margin: 14px 0; }
.item.passed { border-left-color: var(--ok); }
.item.failed { border-left-color: var(--bad); }
.item:target { box-shadow: 0 0 0 3px #b6e3ff; }
.item-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 10px; }
.item-head .kind { color: var(--faint); font-size: .85rem; margin-left: auto; }
.threshold { font-size: .95rem; }
td.rule { width: 45%; }
code.rule .kw { color: #8250df; font-weight: 600; }
tr.rule-failed td { background: #fff5f5; }
tr.rule-detail td { background: #fff5f5; border-top: 0; padding-top: 0; }
ul.paths { margin: 0; padding: 0; list-style: none; font-family: var(--mono); font-size: .82rem; }
ul.paths li { overflow-wrap: anywhere; }
.readme { white-space: pre-wrap; }
table.keys code { white-space: nowrap; overflow-wrap: normal; font-size: .8rem; }
.sub-report { border-left: 3px solid var(--line); padding-left: 14px; margin: 8px 0; }
"#;

/// The command reference.
pub(crate) const REFERENCE: &str = r#"
header.top { position: sticky; top: 0; z-index: 5; background: rgba(255,255,255,.96); backdrop-filter: blur(6px); border-bottom: 1px solid var(--line); }
header.top .bar { max-width: 1120px; margin: 0 auto; padding: 12px 24px; display: flex; flex-wrap: wrap; gap: 10px 20px; align-items: center; }
header.top h1 { font-size: 1.2rem; }
#filter { flex: 1 1 260px; font: inherit; padding: 7px 12px; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
#filter:focus { outline: 2px solid var(--accent); outline-offset: 1px; background: var(--bg); }
.keys { font-size: .8rem; color: var(--muted); }
.intro { margin: 22px 0 0; color: var(--muted); }
nav.contents { margin: 14px 0 0; font-size: .9rem; display: grid; gap: 4px; }
nav.contents a { font-family: var(--mono); margin-right: 12px; }
nav.contents .muted { display: inline-block; min-width: 150px; }
.category > h2 { display: flex; align-items: baseline; gap: 12px; }
.category > h2 .muted { font-size: .9rem; font-weight: 400; }
.tool { border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin: 14px 0; }
.tool-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 12px; }
.tool-head h3 { font-family: var(--mono); font-size: 1.12rem; }
.tool-head .alias { color: var(--muted); font-size: .85rem; }
.tags { display: flex; flex-wrap: wrap; gap: 5px; margin: 8px 0 2px; padding: 0; list-style: none; }
.tags button { font: 500 .74rem/1.6 var(--sans); padding: 0 9px; border-radius: 999px; background: #ddf4ff; color: #0550ae; border: 1px solid #b6e3ff; cursor: pointer; }
.tags button:hover { border-color: var(--accent); }
h5 { font-size: .78rem; margin: 12px 0 2px; text-transform: uppercase; letter-spacing: .05em; font-weight: 650; }
.section { border-radius: 8px; padding: 4px 10px 6px; margin: 8px -10px; scroll-margin-top: 112px; }
.section.active { background: #f0f7ff; box-shadow: inset 4px 0 0 var(--accent); }
.section > h4 { text-transform: none; letter-spacing: 0; font-size: 1rem; color: var(--fg); font-family: var(--mono); margin-top: 10px; }
.about { white-space: pre-line; }
table.flags td:first-child { white-space: nowrap; width: 1%; }
table.flags td:first-child code { white-space: nowrap; }
.flag-note { color: var(--muted); font-size: .85rem; }
.example { position: relative; }
.example pre { padding-right: 74px; }
.copy { position: absolute; top: 7px; right: 8px; font: 600 .75rem var(--sans); padding: 3px 9px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); cursor: pointer; }
.copy:hover { border-color: var(--accent); color: var(--accent); }
.copy.done { color: var(--ok); border-color: var(--ok-line); }
.hidden { display: none !important; }
#no-match { color: var(--muted); margin: 30px 0; }
#toast { position: fixed; bottom: 18px; left: 50%; transform: translateX(-50%); background: var(--fg); color: #fff; padding: 6px 14px; border-radius: 8px; font-size: .85rem; opacity: 0; transition: opacity .2s; pointer-events: none; }
#toast.show { opacity: .92; }
"#;
