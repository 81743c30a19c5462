// The demo's pages in headless Chromium on `wrangler dev`, as `npm start` serves them: pick a
// tenant, add users, see a duplicate refused, rename, delete; tenants stay apart. Screenshots go
// to test-artifacts/ (not committed).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ARTIFACTS, launchChromium, skipWithoutChromium } from "./chromium.mjs";
import { startWorker } from "./wrangler-dev.mjs";

const skip = skipWithoutChromium;

let worker, browser, page;
let answer = ""; // what the next prompt() is answered with

before(async () => {
  if (skip) return;
  [worker, browser] = await Promise.all([startWorker("wrangler.jsonc"), launchChromium()]);
  page = await browser.newPage();
  page.on("dialog", (dialog) => dialog.accept(answer));
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  await worker?.stop();
});

const rows = () => page.locator("#rows tr").allInnerTexts();

/** Submits the form and waits until the page has handled the answer (a new row or a message). */
async function addUser(name, email) {
  const before = await page.locator("#rows tr").count();
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="email"]', email);
  await page.click("#add button");
  await page.waitForFunction((n) => document.querySelectorAll("#rows tr").length > n || document.getElementById("msg").textContent, before);
}

test("a tenant's users: add, refuse a duplicate, rename, delete", { skip }, async () => {
  await page.goto(worker.url + "/");
  await page.fill('input[name="t"]', "initech");
  await page.click("form button");
  await page.waitForURL("**/t/initech/");
  assert.match(await page.locator("h1").innerText(), /initech/);

  await addUser("Peter", "peter@initech.test");
  await addUser("Milton", "milton@initech.test");
  assert.deepEqual((await rows()).map((r) => r.split("\t")[1]), ["Peter", "Milton"]);

  await addUser("Milton again", "milton@initech.test");
  await page.waitForFunction(() => document.getElementById("msg").textContent.includes("UNIQUE"));
  await page.screenshot({ path: ARTIFACTS + "demo-duplicate.png" });

  answer = "Milton W.";
  await page.locator("#rows tr", { hasText: "Milton" }).getByText("Rename").click();
  await page.waitForFunction(() => document.getElementById("rows").textContent.includes("Milton W."));
  await page.locator("#rows tr", { hasText: "Peter" }).getByText("Delete").click();
  await page.waitForFunction(() => document.querySelectorAll("#rows tr").length === 1);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll("#rows tr").length === 1);
  assert.match((await rows())[0], /Milton W\.\s+milton@initech\.test/);
  await page.screenshot({ path: ARTIFACTS + "demo-tenant.png" });

  await page.goto(worker.url + "/t/hooli/");
  await page.waitForLoadState("networkidle");
  assert.deepEqual(await rows(), []);
});
