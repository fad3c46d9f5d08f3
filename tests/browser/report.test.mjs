// The verification report (`in-toto-verify --report-html`) in a browser:
// a failing chain shows its verdict, the failing rule and the digests; a
// hostile layout's strings are text, never markup.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { browser, demoChain, demoNames, fileUrl, run, screenshot, tempDir } from "./support.mjs";

let b;
before(async () => {
  b = await browser();
});
after(async () => {
  await b?.close();
});

test("a failing verification shows the verdict, the failing rule and its digests", async () => {
  const dir = tempDir("report-fail");
  const { built, packaged } = demoChain(dir, { tampered: true });
  assert.notEqual(built, packaged);
  run("in-toto-verify", ["-l", "root.layout", "--verification-keys", "owner.pub", "--report-html", "report.html"], dir, 1);
  const { page } = b;
  await page.goto(fileUrl(path.join(dir, "report.html")));

  // The verdict comes first, in the first screenful.
  const verdict = page.locator("header.verdict");
  assert.equal((await verdict.locator("h1").textContent()).trim(), "Verification failed");
  const box = await verdict.boundingBox();
  assert.ok(box.y < 100, `the verdict is at y=${box.y}`);
  assert.equal(await verdict.getAttribute("data-verdict"), "fail");

  // The failing rule: package's 'DISALLOW *' caught the app, because its
  // digest differs from what build produced.
  const failure = page.locator("li.failure").first();
  assert.ok(await failure.isVisible());
  const text = await failure.innerText();
  assert.match(text, /package/);
  assert.match(text, /Rule 2 of the materials rules: DISALLOW \*/);
  assert.match(text, /demo-project\/dist\/app/);
  assert.match(text, /MATCH demo-project\/\* WITH PRODUCTS FROM build: the digests differ/);
  const expected = failure.locator("table.compare tr.expected");
  const found = failure.locator("table.compare tr.found");
  assert.ok(await expected.isVisible());
  assert.ok((await expected.innerText()).replace(/\s+/g, "").includes(built), "the expected digest");
  assert.ok((await found.innerText()).replace(/\s+/g, "").includes(packaged), "the digest found");
  assert.match(await expected.innerText(), /build products demo-project\/dist\/app in .*build\.[0-9a-f]{8}\.link/);
  await screenshot(page, "report-failing-top");

  // The graph: package failed, the arrow from build to package is broken.
  const graph = page.locator("svg.graph");
  await graph.scrollIntoViewIfNeeded();
  const nodeClass = (title) =>
    page.locator("svg.graph g.node", { has: page.locator(`title:text-is("${title}")`) }).getAttribute("class");
  assert.equal(await nodeClass("step package: failed"), "node node-failed");
  assert.equal(await nodeClass("step clone: passed"), "node node-passed");
  assert.equal(await nodeClass("step build: passed"), "node node-passed");
  assert.equal(await nodeClass("inspection untar: not checked"), "node node-unchecked node-inspection");
  assert.equal(await page.locator("svg.graph path.flow-broken").count(), 1);
  const gbox = await graph.boundingBox();
  assert.ok(gbox.width > 200 && gbox.height > 200, "the graph has a size");
  await screenshot(page.locator(".graph-box"), "report-failing-graph");

  // Clicking the failing node leads to its step.
  await page.locator("svg.graph a.node-link", { has: page.locator('title:text-is("step package: failed")') }).click();
  const step = page.locator("article.item:target");
  assert.equal(await step.getAttribute("data-name"), "package");
  assert.match(await step.innerText(), /Threshold 1: 1 distinct functionary of the 1 authorised validly signed/);
  await screenshot(page, "report-failing-step");
  await screenshot(page, "report-failing-full", { fullPage: true });
  assert.deepEqual(b.requests, [], "the page loads nothing");
});

test("the report of the attacked chain of 'in-toto demo' shows the failing rule and its digests", async () => {
  const dir = tempDir("demo");
  run("in-toto", ["demo", "--dir", path.join(dir, "demo")], dir);
  const final = path.join(dir, "demo", "attacked", "final");
  run("in-toto-verify", ["-l", "root.layout", "--verification-keys", "owner.pub", "--link-dir", "links", "--report-html", "report.html"], final, 1);
  // What the links recorded: the digest write-code produced, and the one build consumed.
  const links = fs.readdirSync(path.join(final, "links"));
  const read = (prefix) =>
    links
      .filter((f) => f.startsWith(prefix))
      .map((f) => JSON.parse(fs.readFileSync(path.join(final, "links", f), "utf8")).signed);
  const produced = read("write-code.")[0].products["src/hello.py"].sha256;
  const consumed = new Set(read("build.").map((l) => l.materials["src/hello.py"].sha256));
  consumed.delete(produced);
  assert.equal(consumed.size, 1, "one builder took another source");
  const [taken] = consumed;

  const { page } = b;
  await page.goto(fileUrl(path.join(final, "report.html")));
  assert.equal((await page.locator("header.verdict h1").textContent()).trim(), "Verification failed");
  const failures = page.locator("li.failure");
  assert.equal(await failures.count(), 2);
  assert.equal(await failures.nth(0).getAttribute("data-failure-type"), "threshold");
  const rule = page.locator("li.failure[data-failure-type='rule']");
  const text = await rule.innerText();
  assert.match(text, /build/);
  assert.match(text, /Rule 2 of the materials rules: DISALLOW \*/);
  assert.match(text, /MATCH src\/\* WITH PRODUCTS FROM write-code: the digests differ/);
  assert.ok((await rule.locator("tr.expected").innerText()).replace(/\s+/g, "").includes(produced));
  assert.ok((await rule.locator("tr.found").innerText()).replace(/\s+/g, "").includes(taken));
  await rule.scrollIntoViewIfNeeded();
  await screenshot(page, "report-demo-attacked-rule");
  await screenshot(page, "report-demo-attacked-full", { fullPage: true });
});

test("a passing verification is green, inspection included", async () => {
  const dir = tempDir("report-pass");
  demoChain(dir);
  run("in-toto-verify", ["-l", "root.layout", "--verification-keys", "owner.pub", "--report-html", "report.html"], dir, 0);
  const { page } = b;
  await page.goto(fileUrl(path.join(dir, "report.html")));
  assert.equal((await page.locator("header.verdict h1").textContent()).trim(), "Verification passed");
  for (const t of ["step clone", "step build", "step package", "inspection untar"]) {
    const cls = await page
      .locator("svg.graph g.node", { has: page.locator(`title:text-is("${t}: passed")`) })
      .getAttribute("class");
    assert.match(cls, /^node node-passed/, t);
  }
  assert.equal(await page.locator("svg.graph path.flow-broken").count(), 0);
  assert.equal(await page.locator("li.failure").count(), 0);
  await screenshot(page, "report-passing-full", { fullPage: true });
});

/** Strings that would be markup or script if written raw (no '/' in names: layouts refuse it). */
const hostile = {
  ...demoNames,
  clone: '<img src=x onerror="window.__pwned=1">',
  build: '"><svg onload=window.__pwned=2>b\u202Edliub',
  package: "p' onmouseover='window.__pwned=3' x='",
  untar: "<script>window.__pwned=4<\\script>",
  dir: "javascript:window.__pwned=5",
  tarball: "<iframe srcdoc=x>&amp;.tgz",
  readme:
    '</style><script>window.__pwned=6</script><a href="javascript:window.__pwned=7">click</a> ' +
    "\u2066isolated\u2069 <!-- c --> ]]>",
  command: ["sh", "-c", "<iframe src=javascript:window.__pwned=8></iframe>"],
};

test("a hostile layout's strings appear as text, never as markup", async () => {
  const dir = tempDir("report-hostile");
  hostile.untar = hostile.untar.replace("\\", "");
  demoChain(dir, { names: hostile, tampered: true });
  run("in-toto-verify", ["-l", "root.layout", "--verification-keys", "owner.pub", "--report-html", "report.html"], dir, 1);
  const { page } = b;
  const dialogs = [];
  const onDialog = (d) => {
    dialogs.push(d.message());
    d.dismiss();
  };
  page.on("dialog", onDialog);
  await page.goto(fileUrl(path.join(dir, "report.html")));
  // Hover and click over everything that would carry a handler.
  for (const h of await page.locator("h3").all()) await h.hover();
  await page.locator("svg.graph").hover();

  const dom = await page.evaluate(() => ({
    pwned: window.__pwned,
    injected: document.querySelectorAll("script, img, iframe, object, embed, foreignObject, svg svg, link, base, form, input").length,
    styles: document.querySelectorAll("style").length,
    handlers: [...document.querySelectorAll("*")].flatMap((e) =>
      [...e.attributes].filter((a) => a.name.startsWith("on")).map((a) => `${e.tagName} ${a.name}`),
    ),
    hrefs: [...document.querySelectorAll("[href]")].map((e) => e.getAttribute("href")).filter((h) => !h.startsWith("#")),
    headings: [...document.querySelectorAll("article.item h3")].map((h) => h.textContent),
    readme: document.querySelector(".readme")?.textContent,
  }));
  page.off("dialog", onDialog);
  assert.equal(dom.pwned, undefined, "no injected script ran");
  assert.deepEqual(dialogs, []);
  assert.equal(dom.injected, 0, "no element was injected");
  assert.equal(dom.styles, 1);
  assert.deepEqual(dom.handlers, []);
  assert.deepEqual(dom.hrefs, []);
  // The names are shown as they are, bidi controls made visible.
  assert.deepEqual(dom.headings, [
    hostile.clone,
    hostile.build.replace("\u202E", "[U+202E]"),
    hostile.package,
    hostile.untar,
  ]);
  assert.equal(dom.readme, hostile.readme.replace("\u2066", "[U+2066]").replace("\u2069", "[U+2069]"));
  const body = await page.locator("body").innerText();
  assert.ok(body.includes("sh -c <iframe src=javascript:window.__pwned=8></iframe>"));
  assert.ok(body.includes(`${hostile.dir}/dist/app`));
  await screenshot(page, "report-hostile-top");
  await page.locator(".readme").scrollIntoViewIfNeeded();
  await screenshot(page, "report-hostile-readme");
  assert.deepEqual(b.requests, [], "the page loads nothing");
});
