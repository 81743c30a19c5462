// The original dormroom README's examples, written against its API, run unchanged here apart
// from the import path (and `env.MY_DO_NAMESPACE` bound to this package's DORM class).
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { createClient } from "dormroom";

const seedEnv = { MY_DO_NAMESPACE: env.DORM };

it("multi-tenant SaaS: a database per tenant", async () => {
  const example = async (env: typeof seedEnv, tenantId: string) => {
    const client = createClient(env.MY_DO_NAMESPACE, {
      version: "v1",
      name: `tenant:${tenantId}`, // Shards by tenant
      statements: [`CREATE TABLE IF NOT EXISTS projects (id TEXT PRIMARY KEY, title TEXT NOT NULL)`],
    });
    await client.query("INSERT INTO projects (id, title) VALUES (?, ?)", undefined, crypto.randomUUID(), `p of ${tenantId}`);
    return client.query("SELECT title FROM projects");
  };
  expect((await example(seedEnv, "acme")).json).toEqual([{ title: "p of acme" }]);
  expect((await example(seedEnv, "globex")).json).toEqual([{ title: "p of globex" }]);
});

it("global user profiles: preferences per user", async () => {
  const userId = `u-${Date.now()}`;
  const client = createClient(seedEnv.MY_DO_NAMESPACE, {
    version: "v1",
    name: `user:${userId}`, // Shards by user
    statements: [
      `CREATE TABLE IF NOT EXISTS preferences (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    )`,
    ],
  });
  await client.query("INSERT OR REPLACE INTO preferences (key, value) VALUES (?, ?)", undefined, "theme", "dark");
  expect((await client.query("SELECT value FROM preferences WHERE key = ?", undefined, "theme")).json).toEqual([{ value: "dark" }]);
});

it("rate limiting and abuse prevention, by IP", async () => {
  const ipAddress = `10.0.0.${Date.now() % 250}`;
  const client = createClient(seedEnv.MY_DO_NAMESPACE, {
    version: "v1",
    name: `ratelimit:${ipAddress}`, // Shards by IP
    statements: [
      `CREATE TABLE IF NOT EXISTS requests (
      timestamp INTEGER,
      endpoint TEXT
    )`,
    ],
  });
  let limited = false;
  for (let i = 0; i < 102; i++) {
    // Then you can insert new requests and check counts
    await client.query("INSERT INTO requests (timestamp, endpoint) VALUES (?, ?)", undefined, Date.now(), "/api/something");
    const result = await client.query(
      "SELECT COUNT(*) as count FROM requests WHERE timestamp > ? AND endpoint = ?",
      undefined,
      Date.now() - 60000, // Last minute
      "/api/something",
    );
    if (result.json[0].count > 100) {
      // Too many requests!
      limited = true;
    }
  }
  expect(limited).toBe(true);
});

it("the code comparison worker, and the README's error handling", async () => {
  const worker = {
    async fetch(request: Request, env: typeof seedEnv, ctx: unknown) {
      // Initialize the client once
      const client = createClient(env.MY_DO_NAMESPACE, {
        version: "v1",
        statements: [
          `CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT UNIQUE,
        created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
      )`,
        ],
      });
      await client.query("INSERT OR IGNORE INTO users (id, name, email) VALUES ('1', 'User', 'user@example.com')");
      // Perform a query directly, no need for additional abstraction layers
      const result = await client.query("SELECT * FROM users WHERE email = ? LIMIT 1", undefined, "user@example.com");
      if (result.ok) {
        return new Response(JSON.stringify(result.json));
      } else {
        return new Response(JSON.stringify({ error: "Query failed" }), {
          status: result.status,
        });
      }
    },
  };
  const response = await worker.fetch(new Request("https://app/"), seedEnv, {});
  expect(await response.json()).toMatchObject([{ id: "1", name: "User", email: "user@example.com" }]);

  const client = createClient(seedEnv.MY_DO_NAMESPACE, { version: "v1" });
  const userId = "1";
  const result = await client.query("SELECT * FROM users WHERE id = ?", undefined, userId);
  let user: unknown;
  if (!result.ok) {
    console.error(`Error fetching user: ${result.status}`);
  } else {
    user = result.json[0];
  }
  expect(user).toMatchObject({ id: "1" });
});

it("the security example: the middleware with a secret", async () => {
  const client = createClient(seedEnv.MY_DO_NAMESPACE, { version: "v1", name: "secure" });
  const request = new Request("https://app/api/db/query", {
    method: "POST",
    headers: { Authorization: "Bearer my-secret-key", "Content-Type": "application/json" },
    body: JSON.stringify({ sql: "SELECT 1 AS one" }),
  });
  const middlewareResponse = await client.middleware(request, {
    prefix: "/api/db",
    // Authentication secret
    secret: "my-secret-key",
  });
  expect(middlewareResponse?.status).toBe(200);
  expect(await middlewareResponse!.json()).toEqual([{ one: 1 }]);
});
