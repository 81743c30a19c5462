// The HTTP middleware in workerd: Outerbase Studio's exact requests and the shapes it reads,
// auth (secret, authorize, read-only enforced by the object), CORS, every 4xx path, BLOBs,
// OpenAPI, the explorer pages, and the plain-fetch and Hono examples of the README.
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createClient, dormMiddleware, openApiDocument, outerbaseConnectUrl, bearerMatches, type DORM } from "dormroom";
import { Engine } from "../../dist/src/engine.js";

const SECRET = "s3cret";
const STUDIO = "https://studio.outerbase.com";
let counter = 0;
const fresh = (prefix = "mw") => `${prefix}-${Date.now()}-${counter++}`;
const schema = [
  "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS nopk (a TEXT, b INTEGER)",
  "CREATE TABLE IF NOT EXISTS t (x INTEGER PRIMARY KEY, label TEXT DEFAULT 'none')",
];

/** Studio's request: POST <url>/query/raw with exactly its headers and body. */
function studioRequest(url: string, body: unknown, key = SECRET): Request {
  return new Request(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", Origin: STUDIO },
    body: JSON.stringify(body),
  });
}
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(url, { method: "POST", headers: { Authorization: `Bearer ${SECRET}`, ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
const meta = { rows_read: expect.any(Number), rows_written: expect.any(Number) };

/** Both forms of the middleware, answering Studio at their base URLs. */
function setups() {
  const single = () => {
    const client = createClient(env.DORM, { name: fresh("single"), statements: schema });
    return { base: "https://app.test/db", serve: (r: Request) => client.middleware(r, { secret: SECRET, cors: { origins: [STUDIO] } }) };
  };
  const multi = () => {
    const mw = dormMiddleware(env.DORM, { secret: SECRET, statements: schema, cors: { origins: [STUDIO] } });
    return { base: `https://app.test/db/${encodeURIComponent(fresh("tenant:x"))}`, serve: mw };
  };
  return [["client.middleware", single], ["dormMiddleware", multi]] as const;
}

describe.each(setups())("Outerbase Studio through %s", (_, make) => {
  const send = async (setup: ReturnType<typeof make>, body: unknown) => {
    const res = (await setup.serve(studioRequest(`${setup.base}/query/raw`, body)))!;
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(STUDIO);
    return { status: res.status, body: (await res.json()) as any };
  };

  it("answers every introspection and editing statement Studio sends, in its shapes", async () => {
    const s = make();
    const schemaList = await send(s, { transaction: [{ sql: 'SELECT * FROM "main".sqlite_schema;' }] });
    expect(schemaList.status).toBe(200);
    expect(schemaList.body).toEqual({ result: [{ columns: ["type", "name", "tbl_name", "rootpage", "sql"], rows: expect.any(Array), meta }] });
    const names = schemaList.body.result[0].rows.map((r: unknown[]) => r[1]);
    expect(names).toEqual(expect.arrayContaining(["users", "nopk", "t"]));

    const one = await send(s, { sql: `SELECT * FROM "main".sqlite_schema WHERE tbl_name = 'users';` });
    expect(one.body).toEqual({
      result: { columns: ["type", "name", "tbl_name", "rootpage", "sql"], rows: [["table", "users", "users", expect.any(Number), schema[0].replace(" IF NOT EXISTS", "")]], meta },
    });

    const inserted = await send(s, { sql: `INSERT INTO "main"."users" ("name") VALUES('x') RETURNING rowid, *` });
    expect(inserted.body).toEqual({ result: { columns: ["id", "id", "name"], rows: [[1, 1, "x"]], meta: { rows_read: expect.any(Number), rows_written: 1 } } });

    const page = await send(s, { sql: `SELECT * FROM "main"."users"  LIMIT 50 OFFSET 0;` });
    expect(page.body).toEqual({ result: { columns: ["id", "name"], rows: [[1, "x"]], meta: { rows_read: 1, rows_written: 0 } } });

    await send(s, { sql: `INSERT INTO "main"."nopk" ("a", "b") VALUES('p', 2) RETURNING rowid, *` });
    const nopk = await send(s, { sql: `SELECT rowid, * FROM "main"."nopk"  LIMIT 50 OFFSET 0;` });
    expect(nopk.body).toEqual({ result: { columns: ["rowid", "a", "b"], rows: [[1, "p", 2]], meta } });

    const updated = await send(s, { sql: `UPDATE "main"."users" SET "name" = 'y' WHERE "id" = 1 RETURNING rowid, *` });
    expect(updated.body).toEqual({ result: { columns: ["id", "id", "name"], rows: [[1, 1, "y"]], meta: { rows_read: expect.any(Number), rows_written: 1 } } });

    const deleted = await send(s, { sql: `DELETE FROM "main"."users" WHERE "id" = 1` });
    expect(deleted.body).toEqual({ result: { columns: [], rows: [], meta: { rows_read: expect.any(Number), rows_written: 1 } } });

    const info = await send(s, { sql: `SELECT * FROM "main".pragma_table_info('t');` });
    expect(info.body).toEqual({
      result: {
        columns: ["cid", "name", "type", "notnull", "dflt_value", "pk"],
        rows: [[0, "x", "INTEGER", 0, null, 1], [1, "label", "TEXT", 0, "'none'", 0]],
        meta,
      },
    });
  });

  it("runs a Studio transaction atomically and answers one result per statement", async () => {
    const s = make();
    const ok = await send(s, { transaction: [{ sql: `INSERT INTO "main"."t" ("x") VALUES(1)` }, { sql: `SELECT * FROM "main"."t"` }] });
    expect(ok.body).toEqual({ result: [{ columns: [], rows: [], meta }, { columns: ["x", "label"], rows: [[1, "none"]], meta }] });
    const bad = await send(s, { transaction: [{ sql: `INSERT INTO "main"."t" ("x") VALUES(2)` }, { sql: `INSERT INTO "main"."t" ("x") VALUES(1)` }] });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: expect.stringContaining("UNIQUE constraint failed"), code: "SQL_ERROR" });
    expect((await send(s, { sql: `SELECT COUNT(*) AS n FROM "main"."t"` })).body.result.rows).toEqual([[1]]);
  });

  it("answers errors as JSON too (Studio reads the body whatever the status)", async () => {
    const s = make();
    const r = await send(s, { sql: "SELECT * FROM nowhere" });
    expect(r).toEqual({ status: 400, body: { error: expect.stringContaining("no such table: nowhere"), code: "SQL_ERROR" } });
  });

  it("lets Studio's preflight through without credentials", async () => {
    const s = make();
    const res = (await s.serve(
      new Request(`${s.base}/query/raw`, {
        method: "OPTIONS",
        headers: { Origin: STUDIO, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
      }),
    ))!;
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(STUDIO);
    expect(res.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    const allowed = res.headers.get("Access-Control-Allow-Headers")!.split(/,\s*/).map((h) => h.toLowerCase());
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type", "x-starbase-source", "x-data-source"]));
  });
});

describe("the original's API on client.middleware", () => {
  const client = () => createClient(env.DORM, { name: fresh(), statements: schema });

  it("resolves to undefined outside the prefix, and honours a custom prefix", async () => {
    const c = client();
    expect(await c.middleware(new Request("https://app.test/"))).toBeUndefined();
    expect(await c.middleware(new Request("https://app.test/dbx/query", { method: "POST" }))).toBeUndefined();
    expect(await c.middleware(new Request("https://app.test/db/query", { method: "POST" }), { prefix: "/api/db/" })).toBeUndefined();
    const res = await c.middleware(post("https://app.test/api/db/query", { sql: "SELECT 1 AS one" }), { prefix: "api/db/" });
    expect(await res!.json()).toEqual([{ one: 1 }]);
  });

  it("POST /init, /query (plain, isRaw, isTransaction) and /query/raw answer the original's shapes", async () => {
    const c = client();
    const call = async (path: string, body: unknown) => {
      const res = (await c.middleware(post(`https://app.test/db${path}`, body)))!;
      return { status: res.status, body: await res.json() };
    };
    expect(await call("/init", {})).toEqual({ status: 200, body: { initialized: true } });
    expect((await c.middleware(new Request("https://app.test/db/init", { method: "POST" })))!.status).toBe(200);
    expect(await call("/query", { sql: "INSERT INTO users (name) VALUES (?) RETURNING *", params: ["Ada"] })).toEqual({ status: 200, body: [{ id: 1, name: "Ada" }] });
    expect((await call("/query", { sql: "SELECT name FROM users", isRaw: true })).body).toEqual({ columns: ["name"], rows: [["Ada"]], meta: { rows_read: 1, rows_written: 0 } });
    const tx = await call("/query", { sql: "INSERT INTO users (name) VALUES ('b'); INSERT INTO users (id, name) VALUES (1, 'dup')", isTransaction: true });
    expect(tx.status).toBe(400);
    expect((await call("/query", { sql: "SELECT COUNT(*) AS n FROM users" })).body).toEqual([{ n: 1 }]);
    expect(await call("/query/raw", { sql: "SELECT id FROM users WHERE name = ?", params: ["Ada"] })).toEqual({
      status: 200,
      body: { result: { columns: ["id"], rows: [[1]], meta: { rows_read: 1, rows_written: 0 } } },
    });
    const batch = await call("/query/raw", { transaction: [{ sql: "SELECT ? AS a", params: [1] }, { sql: "SELECT 2 AS b" }] });
    expect(batch.body).toEqual({ result: [{ columns: ["a"], rows: [[1]], meta }, { columns: ["b"], rows: [[2]], meta }] });
  });

  it("without a secret the API is open and CORS is *, like the original", async () => {
    const c = client();
    const res = (await c.middleware(new Request("https://app.test/db/query", { method: "POST", headers: { Origin: "https://else.where" }, body: '{"sql":"SELECT 1 AS a"}' })))!;
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("encodes BLOBs as arrays of byte numbers", async () => {
    const c = client();
    const plain = (await c.middleware(post("https://app.test/db/query", { sql: "SELECT x'00ff10' AS b, zeroblob(2) AS z, 'text' AS t" })))!;
    expect(await plain.json()).toEqual([{ b: [0, 255, 16], z: [0, 0], t: "text" }]);
    const raw = (await c.middleware(post("https://app.test/db/query/raw", { sql: "SELECT x'0102' AS b" })))!;
    expect(await raw.json()).toMatchObject({ result: { columns: ["b"], rows: [[[1, 2]]] } });
  });
});

describe("auth", () => {
  const c = () => createClient(env.DORM, { name: fresh(), statements: schema });
  const query = (key?: string, scheme = "Bearer") =>
    new Request("https://app.test/db/query", {
      method: "POST",
      headers: key === undefined ? {} : { Authorization: `${scheme} ${key}` },
      body: JSON.stringify({ sql: "SELECT 1 AS one" }),
    });

  it("missing or wrong secret: 401 { error: Unauthorized }; the right one passes (any case of Bearer)", async () => {
    const client = c();
    for (const req of [query(), query("wrong"), query(SECRET + "x"), query(SECRET.slice(0, -1)), query(SECRET, "Basic"), query("")]) {
      const res = (await client.middleware(req, { secret: SECRET }))!;
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "Unauthorized" });
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    }
    expect((await client.middleware(query(SECRET), { secret: SECRET }))!.status).toBe(200);
    expect((await client.middleware(query(SECRET, "bearer"), { secret: SECRET }))!.status).toBe(200);
  });

  it("bearerMatches compares in constant time through digests", async () => {
    expect(await bearerMatches(query(SECRET), SECRET)).toBe(true);
    expect(await bearerMatches(query("s3cre"), SECRET)).toBe(false);
    expect(await bearerMatches(query(), SECRET)).toBe(false);
  });

  it("dormMiddleware refuses to run without a secret or an authorize hook", () => {
    expect(() => dormMiddleware(env.DORM, {} as any)).toThrow(/secret|authorize/);
    expect(() => dormMiddleware(env.DORM, { secret: "" })).toThrow(/secret/);
    expect(() => dormMiddleware(env.DORM, { secret: undefined as unknown as string })).toThrow(/secret/);
  });

  describe("authorize", () => {
    const seen: [string, string][] = [];
    const mw = dormMiddleware(env.DORM, {
      statements: schema,
      authorize: async (request, database) => {
        seen.push([request.method, database]);
        if (await bearerMatches(request, "writer")) return "write";
        if (await bearerMatches(request, "reader")) return "read";
        return database.startsWith("public-") ? "read" : false;
      },
    });
    const call = async (db: string, body: unknown, key?: string, path = "/query/raw") => {
      const headers: Record<string, string> = key ? { Authorization: `Bearer ${key}` } : {};
      const res = (await mw(new Request(`https://app.test/db/${encodeURIComponent(db)}${path}`, { method: "POST", headers, body: JSON.stringify(body) })))!;
      return { status: res.status, body: (await res.json()) as any };
    };
    const count = async (db: string) => (await call(db, { sql: "SELECT COUNT(*) FROM t" }, "writer")).body.result.rows[0][0];

    it("gets the database name from the URL, decoded", async () => {
      const db = fresh("tenant:ü/x");
      await call(db, { sql: "SELECT 1" }, "writer");
      expect(seen.at(-1)).toEqual(["POST", db]);
    });

    it("no decision: 401 without credentials, 403 with credentials that are not accepted", async () => {
      const db = fresh();
      expect(await call(db, { sql: "SELECT 1" })).toEqual({ status: 401, body: { error: "Unauthorized" } });
      expect(await call(db, { sql: "SELECT 1" }, "nobody")).toEqual({ status: 403, body: { error: "Forbidden", code: "FORBIDDEN" } });
      expect((await call(fresh("public-"), { sql: "SELECT 1" })).status).toBe(200);
    });

    it("read access reads, and every kind of write is refused with 403 READ_ONLY and leaves no trace", async () => {
      const db = fresh();
      expect((await call(db, { sql: "INSERT INTO t (x) VALUES (1)" }, "writer")).status).toBe(200);
      expect((await call(db, { sql: "SELECT x FROM t" }, "reader")).body.result.rows).toEqual([[1]]);
      const writes = [
        { sql: "INSERT INTO t (x) VALUES (2)" },
        { sql: "WITH x AS (SELECT 1) INSERT INTO t (x) SELECT 3 FROM x" },
        { sql: "SELECT 1; DELETE FROM t" },
        { sql: "DROP TABLE t" },
        { sql: "CREATE TABLE evil (a)" },
        { sql: "PRAGMA foreign_keys = OFF" },
        { transaction: [{ sql: "SELECT 1" }, { sql: "UPDATE t SET label = 'pwned'" }] },
      ];
      for (const body of writes) {
        const r = await call(db, body, "reader");
        expect(r, JSON.stringify(body)).toEqual({ status: 403, body: { error: expect.stringContaining("read-only"), code: "READ_ONLY" } });
      }
      const r = await call(db, { sql: "INSERT INTO t (x) VALUES (4)", isRaw: true }, "reader", "/query");
      expect(r.status).toBe(403);
      expect((await call(db, { sql: "SELECT x, label FROM t" }, "writer")).body.result.rows).toEqual([[1, "none"]]);
      expect(await count(db)).toBe(1);
    });

    it("a statement that reads by its keywords but writes is rolled back by the object (rows_written > 0)", async () => {
      // No SQL that the core classifies as reading can write in a Durable Object (no user
      // functions, no temp triggers), so this drives the engine with storage whose `exec` runs a
      // write in place of one SELECT: the classifier passes it, the write happens, and the
      // rows_written check must roll it back inside the transaction.
      const client = createClient(env.DORM, { name: fresh(), statements: schema });
      await client.init();
      await runInDurableObject(client.stub, (_: DORM, state: DurableObjectState) => {
        const real = state.storage;
        const disguised = "SELECT 'disguised' AS x";
        const sql = {
          exec: (text: string, ...params: SqlStorageValue[]) =>
            real.sql.exec(text === disguised ? "INSERT INTO t (x) VALUES (99) RETURNING 'disguised' AS x" : text, ...params),
        };
        const storage = { sql, transactionSync: <T>(fn: () => T) => real.transactionSync(fn) } as unknown as DurableObjectStorage;
        const engine = new Engine(storage);
        expect(() => engine.run(disguised, [], { readOnly: true, format: "raw" })).toThrow(expect.objectContaining({ code: "READ_ONLY", status: 403 }));
        expect(() => engine.batch([{ sql: "SELECT 1" }, { sql: disguised }], { readOnly: true })).toThrow(expect.objectContaining({ code: "READ_ONLY" }));
        expect(real.sql.exec("SELECT COUNT(*) AS n FROM t").one().n).toBe(0);
        // Without readOnly the same call writes: the rollback above was the check, not chance.
        expect(engine.run(disguised, [], { format: "raw" })).toMatchObject({ rows: [["disguised"]] });
        expect(real.sql.exec("SELECT COUNT(*) AS n FROM t").one().n).toBe(1);
      });
    });

    it("write access writes; a throwing or odd hook is a 500 that says so", async () => {
      const db = fresh();
      expect((await call(db, { sql: "INSERT INTO t (x) VALUES (1)" }, "writer")).status).toBe(200);
      expect(await count(db)).toBe(1);
      const throwing = dormMiddleware(env.DORM, { authorize: () => { throw new Error("boom"); } });
      const res = (await throwing(post("https://app.test/db/x/query", { sql: "SELECT 1" })))!;
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: "the authorize hook threw: boom", code: "AUTHORIZE_FAILED" });
      const odd = dormMiddleware(env.DORM, { authorize: () => "admin" as any });
      expect((await odd(post("https://app.test/db/x/query", { sql: "SELECT 1" })))!.status).toBe(500);
    });

    it("with a secret too, the secret is checked first and the hook picks the level", async () => {
      const both = dormMiddleware(env.DORM, { secret: SECRET, statements: schema, authorize: () => "read" });
      const db = fresh();
      expect((await both(new Request(`https://app.test/db/${db}/query`, { method: "POST", body: '{"sql":"SELECT 1"}' })))!.status).toBe(401);
      expect((await both(post(`https://app.test/db/${db}/query`, { sql: "SELECT 1" })))!.status).toBe(200);
      expect((await both(post(`https://app.test/db/${db}/query`, { sql: "DELETE FROM t" })))!.status).toBe(403);
    });
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    new Request("https://app.test/db/a/query/raw", { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST" } });
  const get = (origin: string) => post("https://app.test/db/a/query/raw", { sql: "SELECT 1" }, { Origin: origin });

  it("with a secret and no origins configured: no Allow-Origin for other origins, the page's own origin passes", async () => {
    const mw = dormMiddleware(env.DORM, { secret: SECRET });
    const pre = (await mw(preflight("https://evil.example")))!;
    expect(pre.status).toBe(204);
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect((await mw(get("https://evil.example")))!.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect((await mw(get("https://app.test")))!.headers.get("Access-Control-Allow-Origin")).toBe("https://app.test");
  });

  it("echoes configured origins only, with Vary: Origin; * when asked", async () => {
    const mw = dormMiddleware(env.DORM, { secret: SECRET, cors: { origins: ["https://a.example", STUDIO] } });
    const ok = (await mw(preflight("https://a.example")))!;
    expect(ok.headers.get("Access-Control-Allow-Origin")).toBe("https://a.example");
    expect(ok.headers.get("Vary")).toContain("Origin");
    expect((await mw(preflight("https://b.example")))!.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const star = dormMiddleware(env.DORM, { secret: SECRET, cors: { origins: "*" } });
    expect((await star(get("https://b.example")))!.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const none = dormMiddleware(env.DORM, { secret: SECRET, cors: false });
    expect((await none(preflight(STUDIO)))!.headers.get("Access-Control-Allow-Headers")).toBeNull();
  });

  it("errors carry the CORS headers too, so the browser can read them", async () => {
    const mw = dormMiddleware(env.DORM, { secret: SECRET, cors: { origins: [STUDIO] } });
    const res = (await mw(new Request("https://app.test/db/a/query/raw", { method: "POST", headers: { Origin: STUDIO }, body: "{}" })))!;
    expect(res.status).toBe(401);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(STUDIO);
  });
});

describe("4xx paths", () => {
  const mw = dormMiddleware(env.DORM, { secret: SECRET, maxBodyBytes: 1000 });
  const call = async (request: Request) => {
    const res = (await mw(request))!;
    return { status: res.status, body: (await res.json()) as any, headers: res.headers };
  };
  const url = (path: string) => `https://app.test/db${path}`;

  it.each([
    ["not JSON", "{", /not valid JSON/],
    ["not an object", "[1]", /must be a JSON object/],
    ["no sql", "{}", /"sql" is required/],
    ["sql not a string", '{"sql": 1}', /"sql" must be a string, not a number/],
    ["params not an array", '{"sql": "SELECT ?", "params": "x"}', /"params" must be an array/],
    ["empty transaction", '{"transaction": []}', /non-empty array/],
    ["transaction item not an object", '{"transaction": ["SELECT 1"]}', /transaction\[0\] must be an object/],
    ["transaction item without sql", '{"transaction": [{"sql": "SELECT 1"}, {"params": []}]}', /transaction\[1\]\.sql/],
    ["sql and transaction", '{"sql": "SELECT 1", "transaction": [{"sql": "SELECT 1"}]}', /either/],
  ])("400 for a body that is %s", async (_, body, message) => {
    const r = await call(post(url("/a/query/raw"), body));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(message);
  });

  it("400 for /query fields of the wrong type, and for SQL errors", async () => {
    expect((await call(post(url("/a/query"), { sql: "SELECT 1", isRaw: "yes" }))).body.error).toMatch(/"isRaw" must be true or false/);
    expect((await call(post(url("/a/query"), { sql: "SELECT 1", isTransaction: 1 }))).body.error).toMatch(/isTransaction/);
    expect(await call(post(url("/a/query"), { sql: "   " }))).toMatchObject({ status: 400, body: { code: "EMPTY_SQL" } });
    expect(await call(post(url("/a/query"), { sql: "BEGIN" }))).toMatchObject({ status: 400, body: { code: "TRANSACTION_CONTROL" } });
  });

  it.each([
    ["empty", "//query", /empty/],
    ["a control character", "/a%00b/query", /control/],
    ["a C1 control character", "/a%C2%85b/query", /control/],
    ["bad percent-encoding", "/a%E0%A4%A/query", /percent-encoding/],
    ["longer than 512 bytes", `/${"é".repeat(257)}/query`, /512 bytes/],
  ])("400 for a database name that is %s", async (_, path, message) => {
    const r = await call(post(url(path), { sql: "SELECT 1" }));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: expect.stringMatching(message), code: "INVALID_DATABASE_NAME" });
  });

  it("accepts a name of exactly 512 bytes", async () => {
    expect((await call(post(url(`/${"é".repeat(256)}/query`), { sql: "SELECT 1" }))).status).toBe(200);
  });

  it.each(["", "/", "/a", "/a/", "/a/query/raw/x", "/a/queries", "/a/b/query", "/openapi.yaml"])("404 { error: Not found } for %j", async (path) => {
    expect(await call(post(url(path), {}))).toMatchObject({ status: 404, body: { error: "Not found" } });
  });

  it("405 for the wrong method, with Allow", async () => {
    const r = await call(new Request(url("/a/query"), { headers: { Authorization: `Bearer ${SECRET}` } }));
    expect(r.status).toBe(405);
    expect(r.headers.get("Allow")).toContain("POST");
    expect((await call(new Request(url("/openapi.json"), { method: "POST" }))).status).toBe(405);
  });

  it("413 by Content-Length, before reading", async () => {
    const big = JSON.stringify({ sql: `SELECT '${"x".repeat(2000)}'` });
    const r = await call(post(url("/a/query"), big));
    expect(r).toMatchObject({ status: 413, body: { error: expect.stringContaining("1000 bytes"), code: "BODY_TOO_LARGE" } });
  });

  it("413 by what actually arrives, when no Content-Length is sent", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(400));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const request = new Request(url("/a/query"), { method: "POST", headers: { Authorization: `Bearer ${SECRET}` }, body, duplex: "half" } as RequestInit);
    expect(request.headers.get("Content-Length")).toBeNull();
    expect(await call(request)).toMatchObject({ status: 413, body: { code: "BODY_TOO_LARGE" } });
    expect(sent).toBeLessThan(10);
  });

  it("the default limit is 1 MiB", async () => {
    const open = dormMiddleware(env.DORM, { secret: SECRET });
    const justUnder = JSON.stringify({ sql: "SELECT 1", pad: "x".repeat((1 << 20) - 100) });
    expect((await open(post(url("/a/query"), justUnder)))!.status).toBe(200);
    expect((await open(post(url("/a/query"), justUnder + " ".repeat(200))))!.status).toBe(413);
  });

  it("checks credentials before reading the body", async () => {
    const r = await call(new Request(url("/a/query"), { method: "POST", body: "x".repeat(5000) }));
    expect(r.status).toBe(401);
  });
});

describe("many databases", () => {
  it("keeps each name's data apart, and maps names like createClient with version", async () => {
    const mw = dormMiddleware(env.DORM, { secret: SECRET, version: "v9", statements: schema });
    const a = fresh("acme"), b = fresh("globex");
    await mw(post(`https://app.test/db/${a}/query`, { sql: "INSERT INTO t (x) VALUES (1)" }));
    const inB = await (await mw(post(`https://app.test/db/${b}/query`, { sql: "SELECT COUNT(*) AS n FROM t" })))!.json();
    expect(inB).toEqual([{ n: 0 }]);
    const direct = createClient(env.DORM, { version: "v9", name: a });
    expect((await direct.query("SELECT x FROM t")).json).toEqual([{ x: 1 }]);
  });

  it("a broken schema makes every call a 400 that says so", async () => {
    const mw = dormMiddleware(env.DORM, { secret: SECRET, statements: ["BEGIN"] });
    const res = (await mw(post(`https://app.test/db/${fresh()}/query`, { sql: "SELECT 1" })))!;
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "TRANSACTION_CONTROL" });
  });
});

describe("OpenAPI", () => {
  const refsResolve = (doc: any) => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const path = ref.slice(8, -1).replace(/^#\//, "").split("/");
      expect(path.reduce((node: any, key) => node?.[key], doc), ref).toBeDefined();
    }
    return refs.length;
  };

  it("is served at {prefix}/openapi.json, 3.1, with every path the router answers", async () => {
    const mw = dormMiddleware(env.DORM, { secret: SECRET });
    const res = (await mw(new Request("https://app.test/db/openapi.json")))!;
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "https://app.test/db" }]);
    expect(Object.keys(doc.paths).sort()).toEqual(["/openapi.json", "/studio", "/studio/outerbase", "/{database}/init", "/{database}/query", "/{database}/query/raw"]);
    expect(refsResolve(doc)).toBeGreaterThan(10);
    const single = openApiDocument({ multi: false });
    expect(Object.keys(single.paths as object)).toEqual(expect.arrayContaining(["/query", "/query/raw", "/init"]));
    refsResolve(single);
  });
});

describe("the explorer and the Outerbase bridge pages", () => {
  const mw = dormMiddleware(env.DORM, { secret: SECRET, databases: ["tenant:acme"] });

  it("serves a self-contained explorer, without credentials, under a strict CSP", async () => {
    const res = (await mw(new Request("https://app.test/db/studio")))!;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/connect-src 'self'/);
    expect(csp).toMatch(/frame-src 'none'/);
    const html = await res.text();
    const nonce = csp.match(/'nonce-([^']+)'/)![1];
    expect(html).toContain(`nonce="${nonce}"`);
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).toContain('"hints":["tenant:acme"]');
    expect(html).not.toContain(SECRET);
    console.log(`explorer page: ${html.length} bytes`);
  });

  it("escapes the config so a hint cannot close the script element", async () => {
    const evil = dormMiddleware(env.DORM, { secret: SECRET, databases: ["</script><script>alert(1)</script>"] });
    const html = await (await evil(new Request("https://app.test/db/studio")))!.text();
    expect(html).not.toContain("</script><script>alert(1)");
  });

  it("serves the Outerbase bridge with only studio.outerbase.com framable, and can be turned off", async () => {
    const res = (await mw(new Request("https://app.test/db/studio/outerbase?db=tenant%3Aacme")))!;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toMatch(/frame-src https:\/\/studio\.outerbase\.com/);
    const html = await res.text();
    expect(html).toContain("/embed/starbase");
    const off = dormMiddleware(env.DORM, { secret: SECRET, explorer: false });
    expect((await off(new Request("https://app.test/db/studio")))!.status).toBe(404);
  });

  it("builds Outerbase's prefilled Starbase link", () => {
    expect(outerbaseConnectUrl("https://app.test/db/tenant%3Aacme", "k&y")).toBe(
      "https://studio.outerbase.com/local/new-base/starbase?url=https%3A%2F%2Fapp.test%2Fdb%2Ftenant%253Aacme&type=internal&access-key=k%26y",
    );
  });
});

describe("the README's examples in the test worker", () => {
  it("plain fetch: dormMiddleware under /db, the app for everything else", async () => {
    expect(await (await SELF.fetch("https://app.test/")).text()).toBe("your app");
    const res = await SELF.fetch(`https://app.test/db/${fresh()}/query/raw`, {
      method: "POST",
      headers: { Authorization: "Bearer test-secret" },
      body: JSON.stringify({ sql: "SELECT 41 + 1 AS answer" }),
    });
    expect(await res.json()).toEqual({ result: { columns: ["answer"], rows: [[42]], meta } });
    expect((await SELF.fetch("https://app.test/db/x/query/raw", { method: "POST", body: "{}" })).status).toBe(401);
  });

  it("Hono: both middlewares mounted with app.use, the app's routes untouched", async () => {
    expect(await (await SELF.fetch("https://app.test/hono")).text()).toBe("the app");
    const many = await SELF.fetch(`https://app.test/hono/db/${fresh()}/query`, {
      method: "POST",
      headers: { Authorization: "Bearer test-secret" },
      body: JSON.stringify({ sql: "SELECT 'hono' AS via" }),
    });
    expect(await many.json()).toEqual([{ via: "hono" }]);
    const mine = await SELF.fetch("https://app.test/hono/me/db/query", {
      method: "POST",
      headers: { Authorization: "Bearer test-secret" },
      body: JSON.stringify({ sql: "INSERT INTO notes (body) VALUES (?) RETURNING body", params: ["hi"] }),
    });
    expect(await mine.json()).toEqual([{ body: "hi" }]);
    expect((await SELF.fetch("https://app.test/hono/me/db/query", { method: "POST", body: "{}" })).status).toBe(401);
    expect((await SELF.fetch("https://app.test/hono/db/studio")).headers.get("Content-Type")).toMatch(/text\/html/);
    expect((await SELF.fetch("https://app.test/hono/elsewhere")).status).toBe(404);
  });
});
