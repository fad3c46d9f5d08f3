// The command reference (`in-toto docs --html`) in a browser: the live
// filter, the keyboard shortcuts and copying.

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import { browser, fileUrl, run, screenshot, tempDir } from "./support.mjs";

let b;
let page;
before(async () => {
  const dir = tempDir("reference");
  run("in-toto", ["docs", "--html", "reference.html"], dir);
  b = await browser();
  page = b.page;
  await page.goto(fileUrl(path.join(dir, "reference.html")));
});
after(async () => {
  await b?.close();
});

/** Which tools and categories are shown, and what each tool's filter text is. */
function state() {
  return page.evaluate(() => ({
    tools: [...document.querySelectorAll("article.tool")].map((t) => ({
      name: t.getAttribute("data-tool"),
      search: t.getAttribute("data-search"),
      shown: t.offsetParent !== null,
    })),
    categories: [...document.querySelectorAll("section.category")].map((c) => ({
      id: c.getAttribute("data-category"),
      shown: c.offsetParent !== null,
      tools: [...c.querySelectorAll("article.tool")].filter((t) => t.offsetParent !== null).length,
    })),
    filter: document.getElementById("filter").value,
    focused: document.activeElement?.id ?? null,
  }));
}

const active = () =>
  page.evaluate(() => {
    const a = [...document.querySelectorAll(".section.active")];
    return { count: a.length, id: a[0]?.id ?? null, top: a[0]?.getBoundingClientRect().top ?? null };
  });

const sections = () =>
  page.evaluate(() =>
    [...document.querySelectorAll(".section")].filter((s) => s.offsetParent !== null).map((s) => s.id),
  );

test("every tool is listed, grouped: verification before maintenance", async () => {
  const s = await state();
  assert.ok(s.tools.length >= 7, `${s.tools.length} tools`);
  assert.ok(s.tools.every((t) => t.shown));
  const ids = s.categories.map((c) => c.id);
  const order = ["evidence", "verification", "maintenance"];
  assert.deepEqual(ids, [...ids].sort((a, c) => order.indexOf(a) - order.indexOf(c)));
  assert.ok(ids.includes("verification") && ids.includes("maintenance"));
  for (const name of ["in-toto-verify", "in-toto-sign", "in-toto key", "in-toto layout", "in-toto docs"]) {
    assert.ok(s.tools.some((t) => t.name === name), name);
  }
  await screenshot(page, "reference-top");
});

test("'/' focuses the filter, typing dsse keeps only the matching groups, Esc restores all", async () => {
  await page.locator("h1").click();
  await page.keyboard.press("/");
  let s = await state();
  assert.equal(s.focused, "filter", "'/' focuses the filter");
  assert.equal(s.filter, "", "'/' is not typed into it");
  await page.keyboard.type("dsse");
  s = await state();
  assert.equal(s.filter, "dsse");
  const shown = s.tools.filter((t) => t.shown);
  const hidden = s.tools.filter((t) => !t.shown);
  assert.ok(shown.length >= 2, "in-toto-sign and in-toto-verify match");
  assert.ok(hidden.length >= 3, "others do not");
  for (const t of shown) assert.ok(t.search.includes("dsse"), `${t.name} is shown`);
  for (const t of hidden) assert.ok(!t.search.includes("dsse"), `${t.name} is hidden`);
  assert.ok(shown.some((t) => t.name === "in-toto-sign"));
  assert.ok(shown.some((t) => t.name === "in-toto-verify"));
  // A category with no tool left is hidden too.
  for (const c of s.categories) assert.equal(c.shown, c.tools > 0, c.id);
  assert.match(await page.locator("#count").innerText(), new RegExp(`^${shown.length} of ${s.tools.length} tools$`));
  await screenshot(page, "reference-filter-dsse");

  // Two words must both match; nothing matching says so.
  await page.keyboard.type(" nosuchword");
  s = await state();
  assert.ok(s.tools.every((t) => !t.shown));
  assert.ok(await page.locator("#no-match").isVisible());

  await page.keyboard.press("Escape");
  s = await state();
  assert.equal(s.filter, "");
  assert.notEqual(s.focused, "filter", "Esc leaves the filter");
  assert.ok(s.tools.every((t) => t.shown), "Esc restores every tool");
  assert.ok(s.categories.every((c) => c.shown));
  assert.ok(!(await page.locator("#no-match").isVisible()));

  // A tag filters by itself.
  await page.locator("article[data-tool='in-toto-verify'] .tags button", { hasText: "threshold" }).click();
  s = await state();
  assert.equal(s.filter, "threshold");
  assert.ok(s.tools.filter((t) => t.shown).every((t) => t.search.includes("threshold")));
  await page.keyboard.press("Escape");
});

test("j and k move between sections, g g goes to the top", async () => {
  await page.evaluate(() => window.scrollTo(0, 0));
  const all = await sections();
  assert.ok(all.length >= 10, `${all.length} sections`);
  await page.keyboard.press("j");
  let a = await active();
  assert.deepEqual([a.count, a.id], [1, all[0]]);
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  a = await active();
  assert.deepEqual([a.count, a.id], [1, all[2]]);
  // Scrolled to it: just under the sticky header.
  assert.ok(a.top >= 0 && a.top < 200, `the active section is at ${a.top}`);
  await screenshot(page, "reference-active-section");
  await page.keyboard.press("k");
  a = await active();
  assert.equal(a.id, all[1]);
  // k at the first section stays there; j at the last stays there.
  await page.keyboard.press("k");
  await page.keyboard.press("k");
  assert.equal((await active()).id, all[0]);
  for (let i = 0; i < all.length + 2; i++) await page.keyboard.press("j");
  assert.equal((await active()).id, all[all.length - 1]);
  assert.ok((await page.evaluate(() => window.scrollY)) > 500);
  // A single g does nothing; g g goes to the top.
  await page.keyboard.press("g");
  assert.ok((await page.evaluate(() => window.scrollY)) > 500);
  await page.keyboard.press("g");
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  // j after g g starts again at the first section.
  await page.keyboard.press("j");
  assert.equal((await active()).id, all[0]);

  // Only shown sections count: with a filter, j goes to the first match.
  await page.keyboard.press("/");
  await page.keyboard.type("graphviz");
  await page.locator("h1").click();
  await page.keyboard.press("j");
  const first = await active();
  const tool = await page.evaluate(
    (id) => document.getElementById(id).closest("article.tool").getAttribute("data-tool"),
    first.id,
  );
  assert.equal(tool, "in-toto layout");
  await page.keyboard.press("Escape");
  assert.equal((await state()).filter, "");
});

test("c copies the active section's examples; every code block has a copy button", async () => {
  await page.locator("h1").click();
  await page.keyboard.press("g");
  await page.keyboard.press("g");
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  const a = await active();
  const expected = await page.evaluate(
    (id) => document.getElementById(id).querySelector(".examples code").textContent,
    a.id,
  );
  assert.ok(expected.length > 10);
  await page.keyboard.press("c");
  await page.waitForFunction(() => document.body.dataset.copied !== undefined);
  assert.equal(await page.evaluate(() => document.body.dataset.copied), expected);
  // The clipboard has it (the test's browser profile permits reading it).
  const clip = await page.evaluate(() => navigator.clipboard.readText().catch((e) => `unreadable: ${e}`));
  assert.equal(clip, expected);
  assert.ok(await page.locator("#toast").isVisible());
  await screenshot(page, "reference-copied");

  // Every code block (usage and examples) has its button; one copies its block.
  const blocks = await page.evaluate(() =>
    [...document.querySelectorAll("pre")].map((p) => !!p.parentNode.querySelector(":scope > button.copy")),
  );
  assert.ok(blocks.length >= 20 && blocks.every(Boolean), `${blocks.length} blocks`);
  const block = page.locator("article[data-tool='in-toto-verify'] .example.examples");
  await block.locator("button.copy").click();
  const text = await block.locator("code").textContent();
  await page.waitForFunction((t) => document.body.dataset.copied === t, text);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);
  assert.match(text, /in-toto-verify --layout root\.layout/);
  assert.equal(await block.locator("button.copy").textContent(), "Copied");
  assert.deepEqual(b.requests, [], "the page loads nothing");
});
