// The packed package, installed into a fresh Worker project whose code is the README's first
// example, bundled by wrangler and run on workerd; and imported from Node.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startWorker } from "./wrangler-dev.mjs";

const root = new URL("../..", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "dormroom-pack-"));
let worker;

/** The fenced code block of `lang` that follows `heading` in the README. */
function readmeBlock(heading, lang) {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(heading));
  const match = section.match(new RegExp("```" + lang + "\\n([\\s\\S]*?)```"));
  assert.ok(match, `README: no ${lang} block after ${heading}`);
  return match[1];
}

before(async () => {
  execFileSync("npm", ["pack", "--silent", "--pack-destination", scratch], { cwd: root, stdio: "pipe" });
  const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  execFileSync("npm", ["install", "--silent", "--no-audit", "--no-fund", join(scratch, tarball)], { cwd: scratch, stdio: "pipe" });
  mkdirSync(join(scratch, "src"));
  writeFileSync(join(scratch, "src/index.ts"), readmeBlock("## A first worker", "ts"));
  writeFileSync(join(scratch, "wrangler.jsonc"), readmeBlock("## A first worker", "jsonc"));
  worker = await startWorker("wrangler.jsonc", { cwd: scratch });
});

after(async () => {
  await worker?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

test("the tarball holds the built package and no sources", () => {
  const files = execFileSync("tar", ["-tzf", join(scratch, readdirSync(scratch).find((f) => f.endsWith(".tgz")))], { encoding: "utf8" });
  assert.match(files, /package\/dist\/wasm\/dorm_core_bg\.wasm/);
  assert.match(files, /package\/dist\/src\/workerd\.js/);
  assert.match(files, /package\/dist\/src\/index\.d\.ts/);
  assert.doesNotMatch(files, /package\/(rust|js)\//);
});

test("the README's first worker runs from the installed tarball on workerd", async () => {
  const first = await (await fetch(worker.url)).json();
  const second = await (await fetch(worker.url)).json();
  assert.equal(typeof first.lastMinute, "number");
  assert.equal(second.lastMinute, first.lastMinute + 1);
});

test("Node imports the runtime-neutral tools from the same package", () => {
  const out = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", "const d = await import('dormroom'); console.log(JSON.stringify(d.analyze('SELECT 1; DELETE FROM t')))"],
    { cwd: scratch, encoding: "utf8" },
  );
  assert.deepEqual(JSON.parse(out).statements.map((s) => s.kind), ["read", "write"]);
});
