// The demo (example.ts) on `wrangler dev`: what `npm start` serves, end to end over HTTP.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startWorker } from "./wrangler-dev.mjs";

let worker;
before(async () => (worker = await startWorker("wrangler.jsonc")));
after(() => worker?.stop());

const call = async (method, path, body) => {
  const res = await fetch(worker.url + path, { method, body: body && JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};

test("serves the pages with no external assets", async () => {
  const home = await (await fetch(worker.url + "/")).text();
  const tenant = await (await fetch(worker.url + "/t/acme/")).text();
  assert.match(home, /dormroom demo/);
  assert.match(tenant, /Users of <code>acme<\/code>/);
  assert.doesNotMatch(home + tenant, /(src|href)="https?:/);
});

test("users API: create, list, get, update, delete, per tenant", async () => {
  const created = await call("POST", "/t/acme/api/users", { name: "Ada", email: "ada@example.com" });
  assert.equal(created.status, 201);
  assert.equal(created.body.name, "Ada");
  const id = created.body.id;
  assert.equal((await call("POST", "/t/acme/api/users", { name: "Ada", email: "ada@example.com" })).status, 400);
  assert.deepEqual((await call("GET", "/t/acme/api/users")).body.map((u) => u.email), ["ada@example.com"]);
  assert.deepEqual((await call("GET", "/t/globex/api/users")).body, []);
  assert.equal((await call("PUT", `/t/acme/api/users/${id}`, { name: "Ada L." })).body.name, "Ada L.");
  assert.equal((await call("GET", `/t/acme/api/users/${id}`)).body.name, "Ada L.");
  assert.equal((await call("DELETE", `/t/acme/api/users/${id}`)).status, 200);
  assert.equal((await call("GET", `/t/acme/api/users/${id}`)).status, 404);
});

test("bad input gets a 4xx that says what to fix", async () => {
  const missing = await call("POST", "/t/acme/api/users", { name: "x" });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error, /email/);
  const res = await fetch(worker.url + "/t/acme/api/users", { method: "POST", body: "{" });
  assert.equal(res.status, 400);
  assert.equal((await call("GET", "/t/Bad%20Name/api/users")).status, 400);
});
