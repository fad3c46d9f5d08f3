// What the browser tests share: our binary, supply chains made with it,
// headless Chromium through Playwright, and screenshots.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "..", "..");
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, "target");
/** The `in-toto` binary under test. */
export const bin = process.env.IN_TOTO_BIN || path.join(targetDir, "debug", "in-toto");
/** Where screenshots go, for people to look at. */
export const screenshots = path.join(root, "target", "screenshots");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

const made = [];
process.on("exit", () => {
  if (process.env.KEEP_TEST_DIRS) return;
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the tests end (unless KEEP_TEST_DIRS is set). */
export function tempDir(label) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `in-toto-browser-${label}-`));
  made.push(d);
  return d;
}

/**
 * Runs our binary as `argv0` (`in-toto`, `in-toto-verify`, ...) in `cwd`
 * and checks its exit status.
 */
export function run(argv0, args, cwd, status = 0) {
  if (!fs.existsSync(bin)) {
    throw new Error(`${bin} does not exist: build it with 'cargo build -p intoto-cli' or set IN_TOTO_BIN`);
  }
  const r = spawnSync(bin, args, { cwd, argv0, encoding: "utf8" });
  if (r.error) throw r.error;
  if (r.status !== status) {
    throw new Error(
      `${argv0} ${args.join(" ")}: exit ${r.status}, expected ${status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  }
  return r;
}

export function sha256(text) {
  // Strings and bytes alike.
  return createHash("sha256").update(text).digest("hex");
}

/** A TOML basic string. */
function toml(s) {
  return JSON.stringify(s);
}

/** A word for POSIX shell splitting (rules are split like the reference's). */
function shq(s) {
  return /^[A-Za-z0-9_./*:-]+$/.test(s) ? s : `'${s.replaceAll("'", `'"'"'`)}'`;
}

export const demoNames = {
  clone: "clone",
  build: "build",
  package: "package",
  untar: "untar",
  dir: "demo-project",
  tarball: "demo-project.tar.gz",
  readme: "Demo supply chain: clone, build (two builders must agree), package.",
  command: ["make", "-C", "demo-project", "dist"],
};

/**
 * A demo-like supply chain made with our binary in `dir`: keys
 * (`in-toto key generate`), the layout from TOML (`in-toto layout
 * create`), and links signed with `in-toto sign`. bob clones, carl and
 * dave build (threshold 2), carl packages; the inspection untars. With
 * `tampered`, the app carl packaged is not the one that was built.
 * Returns the digests of the app as built and as packaged.
 */
export function demoChain(dir, { names = demoNames, tampered = false } = {}) {
  const n = names;
  for (const who of ["owner", "bob", "carl", "dave"]) {
    run("in-toto", ["key", "generate", "--type", "ed25519", "-o", who], dir);
  }
  const all = `${n.dir}/*`;
  const match = (pattern, from) => `MATCH ${shq(pattern)} WITH PRODUCTS FROM ${shq(from)}`;
  const layout = `readme = ${toml(n.readme)}
expires = "1 year"

[functionaries]
bob = "bob.pub"
carl = "carl.pub"
dave = "dave.pub"

[[steps]]
name = ${toml(n.clone)}
functionaries = ["bob"]
products = [${toml(`CREATE ${shq(all)}`)}, "DISALLOW *"]

[[steps]]
name = ${toml(n.build)}
functionaries = ["carl", "dave"]
threshold = 2
expected_command = [${n.command.map(toml).join(", ")}]
materials = [${toml(match(all, n.clone))}, "DISALLOW *"]
products = [${toml(match(all, n.clone))}, ${toml(`CREATE ${shq(`${n.dir}/dist/*`)}`)}, "DISALLOW *"]

[[steps]]
name = ${toml(n.package)}
functionaries = ["carl"]
materials = [${toml(match(all, n.build))}, "DISALLOW *"]
products = [${toml(`CREATE ${shq(n.tarball)}`)}, "DISALLOW *"]

[[inspections]]
name = ${toml(n.untar)}
run = ["tar", "xzf", ${toml(n.tarball)}]
materials = [${toml(match(n.tarball, n.package))}, ${toml(`DISALLOW ${shq(n.tarball)}`)}]
products = [${toml(match(all, n.build))}, ${toml(`DISALLOW ${shq(all)}`)}]
`;
  fs.writeFileSync(path.join(dir, "layout.toml"), layout);
  run("in-toto", ["layout", "create", "layout.toml", "--signing-key", "owner", "-o", "root.layout"], dir);

  const src = `${n.dir}/main.c`;
  const app = `${n.dir}/dist/app`;
  const built = "app, as built";
  const packaged = tampered ? "app, with a backdoor" : built;
  const art = (pairs) =>
    Object.fromEntries(pairs.map(([p, c]) => [p, { sha256: sha256(c) }]));
  const link = (name, materials, products, command = []) => ({
    _type: "link",
    byproducts: {},
    command,
    environment: {},
    materials: art(materials),
    name,
    products: art(products),
  });
  const sources = [[src, "int main() {}"]];
  fs.mkdirSync(path.join(dir, "unsigned"));
  const sign = (file, doc, who) => {
    const p = path.join("unsigned", file);
    fs.writeFileSync(path.join(dir, p), JSON.stringify({ signatures: [], signed: doc }));
    run("in-toto", ["sign", "-f", p, "-k", who], dir);
  };
  sign("clone.link", link(n.clone, [], sources), "bob");
  const build = link(n.build, sources, [...sources, [app, built]], n.command);
  sign("build-carl.link", build, "carl");
  sign("build-dave.link", build, "dave");
  // The package, for the inspection to unpack: what carl packaged.
  const stage = tempDir("stage");
  for (const [p, c] of [...sources, [app, packaged]]) {
    fs.mkdirSync(path.dirname(path.join(stage, p)), { recursive: true });
    fs.writeFileSync(path.join(stage, p), c);
  }
  const tar = spawnSync("tar", ["czf", path.join(dir, n.tarball), "-C", stage, n.dir]);
  if (tar.status !== 0) throw new Error(`tar: ${tar.stderr}`);
  const tarball = sha256(fs.readFileSync(path.join(dir, n.tarball)));
  const packageLink = link(n.package, [...sources, [app, packaged]], []);
  packageLink.products = { [n.tarball]: { sha256: tarball } };
  sign("package.link", packageLink, "carl");
  return { built: sha256(built), packaged: sha256(packaged), app };
}

/**
 * Headless Chromium from Debian's package, in a fresh profile, with the
 * clipboard permitted. Returns `{ context, page, close }`.
 */
export async function browser() {
  const profile = tempDir("profile");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // The fresh profile is passed as --user-data-dir by Playwright itself.
    ],
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]).catch(() => {});
  const page = context.pages()[0] || (await context.newPage());
  // No request may leave the page: the pages are self-contained.
  const requests = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  return {
    context,
    page,
    requests,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function fileUrl(p) {
  return pathToFileURL(p).href;
}

/** Saves a screenshot of `target` (a page or locator) as `name`.png. */
export async function screenshot(target, name, options = {}) {
  fs.mkdirSync(screenshots, { recursive: true });
  const file = path.join(screenshots, `${name}.png`);
  await target.screenshot({ path: file, ...options });
  return file;
}
