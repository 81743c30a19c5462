// The explorer in headless Chromium against the demo on `wrangler dev`: sign in, pick a
// database, browse and page (100,000 rows), sort, filter, edit / insert / delete a row and see it
// persisted, run SQL, see an error; and the Outerbase Studio bridge answering its postMessage
// protocol. Screenshots go to test-artifacts/ (not committed).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ARTIFACTS, launchChromium, skipWithoutChromium } from "./chromium.mjs";
import { startWorker } from "./wrangler-dev.mjs";

const SECRET = "dev-secret"; // the demo's DB_SECRET (wrangler.jsonc)
const STUDIO = "https://studio.outerbase.com";
const skip = skipWithoutChromium;

let worker, browser, context, page;
const outside = []; // requests that tried to leave the machine

before(async () => {
  if (skip) return;
  [worker, browser] = await Promise.all([startWorker("wrangler.jsonc"), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1") return route.continue();
    if (url.origin === STUDIO) return route.fallback();
    outside.push(url.href);
    return route.abort();
  });
  page = await context.newPage();
  page.on("dialog", (dialog) => dialog.accept());
  await seed();
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  await worker?.stop();
});

async function api(db, body) {
  const res = await fetch(`${worker.url}/db/${encodeURIComponent(db)}/query/raw`, {
    method: "POST",
    headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json.result;
}

async function seed() {
  for (const [name, email] of [["Ada", "ada@example.com"], ["Grace", "grace@example.com"], ["Linus", "linus@example.com"]]) {
    const res = await fetch(`${worker.url}/t/acme/api/users`, { method: "POST", body: JSON.stringify({ name, email }) });
    assert.equal(res.status, 201);
  }
  const started = Date.now();
  await api("tenant:bigco", {
    transaction: [
      { sql: "CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, note TEXT)" },
      {
        sql:
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) " +
          "INSERT INTO big (id, name, score, note) SELECT i, 'name ' || printf('%06d', i), (i * 7919) % 1000 / 10.0, CASE WHEN i % 10 = 0 THEN NULL ELSE 'n' || i END FROM n",
      },
      { sql: "CREATE TABLE pairs (a TEXT, b INTEGER, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID" },
      { sql: "INSERT INTO pairs VALUES ('x', 1, 'one'), ('x', 2, 'two'), ('y', 1, 'three')" },
      { sql: "CREATE VIEW top AS SELECT id, name FROM big WHERE score > 99" },
    ],
  });
  console.log(`seeded 100,000 rows in ${Date.now() - started} ms`);
}

const shot = (name) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
const text = (selector) => page.locator(selector).first().textContent();
const waitText = (selector, pattern) =>
  page.waitForFunction(
    ([s, p]) => new RegExp(p).test(document.querySelector(s)?.textContent ?? ""),
    [selector, pattern.source],
    { timeout: 15_000 },
  );
const cells = (row) => page.locator(`#rows tbody tr[data-row="${row}"] td:not(.actions)`).allTextContents();

test("signs in, picks a database, lists tables with columns and row counts", { skip }, async () => {
  await page.goto(`${worker.url}/db/studio`);
  await shot("01-start");
  await page.fill("#db-name", "tenant:acme");
  await page.click("#db-open");
  await page.locator("#login").waitFor({ state: "visible" });
  await page.fill("#login-secret", "wrong");
  await page.click("#login-submit");
  await waitText("#login-message", /not accepted/);
  await shot("02-login-wrong-secret");
  await page.fill("#login-secret", SECRET);
  await page.click("#login-submit");
  await page.locator('button.table[data-table="users"]').waitFor();
  assert.match(await text('button.table[data-table="users"] .count'), /^3$/);
  assert.match(await text('li:has(button[data-table="users"]) .cols'), /id\*, name, email, created_at/);
  assert.equal(new URL(page.url()).searchParams.get("db"), "tenant:acme");
  assert.doesNotMatch(page.url(), new RegExp(SECRET));
  assert.equal(await page.evaluate(() => Object.values(sessionStorage).includes("dev-secret")), true);
  await shot("03-tables");
});

test("browses a table and edits a row in place; the change is in the database", { skip }, async () => {
  await page.click('button.table[data-table="users"]');
  await waitText("#page-info", /rows 1–3 of 3/);
  assert.deepEqual((await cells(0)).slice(0, 3), ["1", "Ada", "ada@example.com"]);
  await page.dblclick('#rows tbody tr[data-row="0"] td[data-col="1"]');
  await page.fill(".cell-editor", "Ada Lovelace");
  await page.press(".cell-editor", "Enter");
  await waitText("#status", /saved name/);
  assert.equal((await cells(0))[1], "Ada Lovelace");
  const stored = await (await fetch(`${worker.url}/t/acme/api/users/1`)).json();
  assert.equal(stored.name, "Ada Lovelace");
  await shot("04-edited-cell");

  // The row editor: insert, then edit with NULL-able fields, then delete.
  await page.click("#insert-row");
  await page.fill('#row-fields input[name="name"]', "Barbara");
  await page.fill('#row-fields input[name="email"]', "barbara@example.com");
  await shot("05-insert-dialog");
  await page.click("#row-save");
  await waitText("#page-info", /of 4$/);
  const all = await (await fetch(`${worker.url}/t/acme/api/users`)).json();
  assert.deepEqual(all.map((u) => u.name), ["Ada Lovelace", "Grace", "Linus", "Barbara"]);
  await page.click('#rows tbody tr[data-row="1"] .edit-row');
  await page.fill('#row-fields input[name="email"]', "grace@navy.mil");
  await page.click("#row-save");
  await waitText("#status", /row saved/);
  assert.equal((await (await fetch(`${worker.url}/t/acme/api/users/2`)).json()).email, "grace@navy.mil");
  await page.click('#rows tbody tr[data-row="3"] .edit-row');
  await page.click("#row-delete");
  await waitText("#page-info", /of 3$/);
  assert.equal((await fetch(`${worker.url}/t/acme/api/users/4`)).status, 404);

  // A constraint error shows in the dialog, and nothing changes.
  await page.click('#rows tbody tr[data-row="2"] .edit-row');
  await page.fill('#row-fields input[name="email"]', "grace@navy.mil");
  await page.click("#row-save");
  await waitText("#row-editor-error", /UNIQUE constraint failed/);
  await shot("06-edit-error");
  await page.click("#row-cancel");
});

test("pages through 100,000 rows by keyset, sorts, filters", { skip }, async () => {
  await page.goto(`${worker.url}/db/studio?db=${encodeURIComponent("tenant:bigco")}`);
  await page.locator('button.table[data-table="big"]').waitFor();
  assert.equal(await text('button.table[data-table="big"] .count'), "100,000");
  const t0 = performance.now();
  await page.click('button.table[data-table="big"]');
  await waitText("#page-info", /rows 1–50 of 100,000/);
  const firstMs = performance.now() - t0;
  await page.selectOption("#page-size", "500");
  await waitText("#page-info", /rows 1–500 of 100,000/);
  const pages = 40;
  const t1 = performance.now();
  for (let i = 1; i <= pages; i++) {
    await page.click("#page-next");
    await waitText("#page-info", new RegExp(`rows ${(i * 500 + 1).toLocaleString("en-US")}–`));
  }
  const perPage = (performance.now() - t1) / pages;
  assert.equal((await cells(0))[0], String(pages * 500 + 1));
  const t2 = performance.now();
  await page.click("#page-last");
  await waitText("#page-info", /rows 99,501–100,000 of 100,000/);
  const lastMs = performance.now() - t2;
  assert.equal((await cells(499))[0], "100000");
  await page.click("#page-prev");
  await waitText("#page-info", /rows 99,001–99,500/);
  assert.equal((await cells(0))[0], "99001");
  await shot("07-100k-rows");
  console.log(`100k rows: first page ${firstMs.toFixed(0)} ms, next page (500 rows) ${perPage.toFixed(0)} ms on average over ${pages}, last page ${lastMs.toFixed(0)} ms`);
  assert.ok(perPage < 1000, `a page took ${perPage} ms`);

  // Sort by a column with NULLs, descending, and page across the boundary.
  await page.selectOption("#page-size", "50");
  await page.click('#rows th:has-text("note")');
  await waitText("#rows thead", /note.*▲/);
  const ascFirst = await cells(0);
  assert.equal(ascFirst[3], "NULL");
  await page.click('#rows th:has-text("note")');
  await waitText("#rows thead", /▼/);
  assert.equal((await cells(0))[3], "n99999");
  await page.click("#page-last");
  await waitText("#page-info", /rows 99,951–100,000 of 100,000/);
  assert.deepEqual(await cells(49), ["10", "name 000010", "19", "NULL"]);
  await page.click("#page-prev");
  await waitText("#page-info", /rows 99,901–99,950/);

  // Filter: id > 99990 → 10 rows.
  await page.click("#add-filter");
  await page.selectOption(".filter-column", "id");
  await page.selectOption(".filter-op", ">");
  await page.fill(".filter-value", "99990");
  await page.click(".filter-apply");
  await waitText("#page-info", /rows 1–10 of 10$/);
  await shot("08-filter");
  await page.click(".filter-remove");
  await waitText("#page-info", /of 100,000/);

  // A WITHOUT ROWID table pages by its primary key; a view by offset.
  await page.click('button.table[data-table="pairs"]');
  await waitText("#page-info", /rows 1–3 of 3/);
  assert.deepEqual(await cells(2), ["y", "1", "three"]);
  await page.dblclick('#rows tbody tr[data-row="0"] td[data-col="2"]');
  await page.fill(".cell-editor", "uno");
  await page.press(".cell-editor", "Enter");
  await waitText("#status", /saved v/);
  assert.deepEqual((await api("tenant:bigco", { sql: "SELECT v FROM pairs WHERE a = 'x' AND b = 1" })).rows, [["uno"]]);
  await page.click('button.table[data-table="top"]');
  await waitText("#page-info", /of [\d,]+$/);
  assert.equal(await page.locator("#insert-row").count(), 0);
});

test("runs SQL in the console with timings, and shows errors", { skip }, async () => {
  await page.click("#open-console");
  await page.fill("#sql", "SELECT COUNT(*) AS n, MAX(id) AS top FROM big");
  await page.press("#sql", "Control+Enter");
  await waitText("#sql-meta", /1 row · \d+ ms/);
  assert.deepEqual(await page.locator("#sql-result tbody td").allTextContents(), ["100000", "100000"]);
  assert.match(await text("#sql-meta"), /read \d+, written 0/);
  await shot("09-console");
  await page.fill("#sql", "SELECT * FROM nowhere");
  await page.click("#run-sql");
  await page.locator("#sql-error").waitFor({ state: "visible" });
  assert.match(await text("#sql-error"), /\[SQL_ERROR\] .*no such table: nowhere/);
  await shot("10-console-error");
  await page.fill("#sql", "CREATE TABLE made_here (a)");
  await page.click("#run-sql");
  await page.locator('button.table[data-table="made_here"]').waitFor();
  assert.deepEqual(outside, [], "the explorer tried to reach other hosts");
});

test("hosts Outerbase Studio's embed and answers its postMessage protocol", { skip }, async () => {
  // Stand-in for https://studio.outerbase.com/embed/starbase (no network here): a page on that
  // origin that sends what Studio's iframe driver sends and records the answers.
  await context.route(`${STUDIO}/embed/starbase**`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<script>
        window.replies = [];
        const plain = (v) => v instanceof ArrayBuffer ? { bytes: [...new Uint8Array(v)] } : v;
        addEventListener("message", (e) => {
          const d = e.data;
          const map = (r) => ({ ...r, rows: r.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]))) });
          replies.push({ origin: e.origin, ...d, data: d.data && (Array.isArray(d.data) ? d.data.map(map) : map(d.data)) });
        });
        parent.postMessage({ type: "query", id: 1, statement: 'SELECT * FROM "main".sqlite_schema;' }, "*");
        parent.postMessage({ type: "transaction", id: 2, statements: ["SELECT 1 AS a, 2 AS a", 'SELECT * FROM "main"."pairs" LIMIT 50 OFFSET 0;'] }, "*");
        parent.postMessage({ type: "query", id: 3, statement: "SELECT * FROM nowhere" }, "*");
        parent.postMessage({ type: "query", id: 4, statement: "SELECT x'00ff' AS b" }, "*");
      </script>`,
    }),
  );
  await page.goto(`${worker.url}/db/studio/outerbase?db=${encodeURIComponent("tenant:bigco")}`);
  const frame = page.frameLocator("iframe#studio");
  await frame.locator("body").waitFor({ state: "attached" });
  const studioFrame = page.frames().find((f) => f.url().startsWith(STUDIO));
  assert.ok(studioFrame, "the Studio iframe loaded");
  assert.match(studioFrame.url(), /\/embed\/starbase\?name=tenant%3Abigco/);
  await studioFrame.waitForFunction(() => window.replies.length === 4, null, { timeout: 15_000 });
  const replies = Object.fromEntries((await studioFrame.evaluate(() => window.replies)).map((r) => [r.id, r]));
  for (const r of Object.values(replies)) assert.equal(r.origin, worker.url);
  assert.equal(replies[1].type, "query");
  assert.deepEqual(replies[1].data.headers.map((h) => h.name), ["type", "name", "tbl_name", "rootpage", "sql"]);
  assert.ok(replies[1].data.rows.some((row) => row.name === "big" && row.type === "table"));
  assert.deepEqual(Object.keys(replies[1].data.stat).sort(), ["queryDurationMs", "rowsAffected", "rowsRead", "rowsWritten"]);
  assert.equal(replies[2].type, "transaction");
  assert.equal(replies[2].data.length, 2);
  assert.deepEqual(replies[2].data[0].headers.map((h) => [h.name, h.displayName]), [["a", "a"], ["a_2", "a"]]);
  assert.deepEqual(replies[2].data[0].rows, [{ a: 1, a_2: 2 }]);
  assert.deepEqual(replies[2].data[1].rows[0], { a: "x", b: 1, v: "uno" });
  assert.match(replies[3].error, /no such table: nowhere/);
  assert.equal(replies[3].data, undefined);
  assert.deepEqual(replies[4].data.rows, [{ b: { bytes: [0, 255] } }]);
  await shot("11-outerbase-bridge");

  // "Connect with Outerbase" opens Studio's prefilled Starbase connection.
  await context.route(`${STUDIO}/local/**`, (route) => route.fulfill({ contentType: "text/html", body: "studio" }));
  const [opened] = await Promise.all([context.waitForEvent("page"), page.click("#outerbase-connect")]);
  const link = new URL(opened.url());
  assert.equal(link.origin + link.pathname, `${STUDIO}/local/new-base/starbase`);
  assert.equal(link.searchParams.get("url"), `${worker.url}/db/${encodeURIComponent("tenant:bigco")}`);
  assert.equal(link.searchParams.get("type"), "internal");
  assert.equal(link.searchParams.get("access-key"), SECRET);
  await opened.close();
});

test("the demo's tenant page links to its database in the explorer", { skip }, async () => {
  await page.goto(`${worker.url}/t/acme/`);
  await page.click("#explore");
  await page.locator('button.table[data-table="users"]').waitFor();
  assert.equal(await text("#db-current"), "tenant:acme");
  assert.deepEqual(outside, []);
});

test("the README's middleware examples are the test worker's code", async () => {
  const { readFileSync } = await import("node:fs");
  const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
  const section = read("README.md").split("## REST API, Outerbase Studio and the explorer")[1].split("\n## ")[0];
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const code = (read("js/test/worker.ts") + read("js/test/hono-example.ts")).replaceAll('"/hono/', '"/');
  const lines = (text) => text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("//") && !l.startsWith("import") && !l.startsWith("export"));
  const known = new Set(lines(code));
  for (const block of blocks.slice(0, 2)) {
    for (const line of lines(block).filter((l) => /dormMiddleware|middleware\(|createClient|return \(await/.test(l))) {
      assert.ok(known.has(line), `README line not in the tested code: ${line}`);
    }
  }
});

test("one database (client.middleware): the explorer opens it directly, the page does not name it", { skip }, async () => {
  const single = await context.newPage();
  const html = await (await fetch(`${worker.url}/t/acme/db/studio`)).text();
  assert.doesNotMatch(html, /tenant:acme/);
  await single.goto(`${worker.url}/t/acme/db/studio`);
  await single.locator("#login").waitFor({ state: "visible" });
  await single.fill("#login-secret", SECRET);
  await single.click("#login-submit");
  await single.click('button.table[data-table="users"]');
  await single.waitForFunction(() => /rows 1–3 of 3/.test(document.querySelector("#page-info")?.textContent ?? ""));
  assert.equal(await single.locator("#db-form").isHidden(), true);
  assert.equal(await single.locator("#db-current").textContent(), "this database");
  await single.screenshot({ path: `${ARTIFACTS}12-single-database.png`, fullPage: true });
  await single.close();
  assert.deepEqual(outside, []);
});
