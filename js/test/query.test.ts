// The foundation, in workerd: createClient + query with every parity behaviour, atomicity,
// error paths, value round-trips, schema application, and many databases.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createClient, DORM } from "dormroom";

const users = `CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE)`;
let counter = 0;
const fresh = (prefix = "db") => `${prefix}-${Date.now()}-${counter++}`;

describe("naming", () => {
  it("prefixes the version and reads the name from either config, default root", async () => {
    expect(createClient(env.DORM, { version: "v2", name: "a" }).name).toBe("v2-a");
    expect(createClient(env.DORM, {}, { name: "b" }).name).toBe("b");
    expect(createClient(env.DORM, { name: "c" }, { name: "ignored" }).name).toBe("c");
    expect(createClient(env.DORM).name).toBe("root");
  });

  it("refuses names the platform cannot hold, and says when the namespace is missing", async () => {
    expect(await createClient(env.DORM, { name: "" }).query("SELECT 1")).toMatchObject({ ok: false, status: 400, code: "INVALID_ARGUMENT" });
    const long = await createClient(env.DORM, { name: "é".repeat(513) }).query("SELECT 1");
    expect(long).toMatchObject({ ok: false, status: 400, error: expect.stringContaining("1,024 bytes") });
    expect((await createClient(env.DORM, { name: "é".repeat(512) }).query("SELECT 1 AS ok")).json).toEqual([{ ok: 1 }]);
    expect(() => createClient(undefined as any, { name: "x" })).toThrowError(/env\.DORM/);
  });

  it("a new version is a fresh, empty database and the old one stays", async () => {
    const name = fresh();
    const v1 = createClient(env.DORM, { version: "v1", name, statements: [users] });
    await v1.query("INSERT INTO users (name) VALUES ('old')");
    const v2 = createClient(env.DORM, { version: "v2", name, statements: [users] });
    expect((await v2.query("SELECT COUNT(*) AS n FROM users")).json).toEqual([{ n: 0 }]);
    expect((await v1.query("SELECT COUNT(*) AS n FROM users")).json).toEqual([{ n: 1 }]);
  });

  it("creates 1,000 distinct databases on the fly, each with its own data", async () => {
    const base = fresh("many");
    const clients = Array.from({ length: 1000 }, (_, i) =>
      createClient(env.DORM, { name: `${base}:${i}`, statements: ["CREATE TABLE IF NOT EXISTS t (v INTEGER)"] }),
    );
    const writes = await Promise.all(clients.map((c, i) => c.query("INSERT INTO t (v) VALUES (?) RETURNING v", undefined, i)));
    expect(writes.every((r) => r.ok)).toBe(true);
    const reads = await Promise.all(clients.map((c) => c.query("SELECT v FROM t")));
    expect(reads.map((r) => r.json)).toEqual(clients.map((_, i) => [{ v: i }]));
  });
});

describe("query", () => {
  it("answers row objects, and binds parameters positionally", async () => {
    const c = createClient(env.DORM, { name: fresh(), statements: [users] });
    const inserted = await c.query("INSERT INTO users (name, email) VALUES (?, ?) RETURNING *", undefined, "Ada", "ada@x.io");
    expect(inserted).toEqual({ json: [{ id: 1, name: "Ada", email: "ada@x.io" }], status: 200, ok: true });
    const found = await c.query("SELECT name FROM users WHERE email = ? AND id = ?", undefined, "ada@x.io", 1);
    expect(found.json).toEqual([{ name: "Ada" }]);
  });

  it("isRaw answers { columns, rows, meta }", async () => {
    const c = createClient(env.DORM, { name: fresh(), statements: ["CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)"] });
    const w = await c.query("INSERT INTO users (name) VALUES ('a'), ('b')", { isRaw: true });
    expect(w.json).toMatchObject({ columns: [], rows: [], meta: { rows_written: 2 } });
    const r = await c.query("SELECT id, name FROM users ORDER BY id", { isRaw: true });
    expect(r.json).toEqual({ columns: ["id", "name"], rows: [[1, "a"], [2, "b"]], meta: { rows_read: 2, rows_written: 0 } });
  });

  it("keeps every column when names repeat", async () => {
    const c = createClient(env.DORM, { name: fresh() });
    expect((await c.query("SELECT 1 AS id, 2 AS id, 3 AS id_2")).json).toEqual([{ id: 1, id_3: 2, id_2: 3 }]);
    expect((await c.query("SELECT 1 AS id, 2 AS id", { isRaw: true })).json).toMatchObject({ columns: ["id", "id"], rows: [[1, 2]] });
  });

  it("runs several statements in order, each with its own parameters, and answers the last", async () => {
    const c = createClient(env.DORM, { name: fresh(), statements: [users] });
    const r = await c.query("INSERT INTO users (name) VALUES (?); INSERT INTO users (name) VALUES (?); SELECT name FROM users ORDER BY id", undefined, "x", "y");
    expect(r.json).toEqual([{ name: "x" }, { name: "y" }]);
    const wrong = await c.query("SELECT ?; SELECT ?", undefined, 1);
    expect(wrong).toMatchObject({ ok: false, status: 400, code: "PARAMETER_COUNT" });
  });

  it("binds booleans, undefined, Date, bigint, objects and binary as SQLite values", async () => {
    const c = createClient(env.DORM, { name: fresh() });
    const when = new Date("2026-01-02T03:04:05.000Z");
    const r = await c.query("SELECT ? AS t, ? AS f, ? AS u, ? AS d, ? AS j, CAST(? AS INTEGER) AS big", undefined, true, false, undefined, when, { a: [1] }, 12n);
    expect(r.json).toEqual([{ t: 1, f: 0, u: null, d: "2026-01-02T03:04:05.000Z", j: '{"a":[1]}', big: 12 }]);
    const blob = await c.query("SELECT ? AS b, x'00ff' AS lit", undefined, new Uint8Array([1, 2, 3]));
    const row = (blob.json as any[])[0];
    expect([...new Uint8Array(row.b)]).toEqual([1, 2, 3]);
    expect([...new Uint8Array(row.lit)]).toEqual([0, 255]);
  });

  it("integers beyond 2^53 come back exact, as decimal text, never silently rounded", async () => {
    const c = createClient(env.DORM, { name: fresh(), statements: ["CREATE TABLE n (id INTEGER PRIMARY KEY, v INTEGER, r REAL)"] });
    await c.query("INSERT INTO n (v, r) VALUES (?, 1e300), (?, 0.5)", undefined, 9007199254740993n, 42);
    const rows = await c.query("SELECT v, r FROM n ORDER BY id");
    expect(rows.json).toEqual([{ v: "9007199254740993", r: 1e300 }, { v: 42, r: 0.5 }]);
    const raw = await c.query("SELECT v FROM n WHERE v > ?", { isRaw: true }, 2n ** 53n);
    expect(raw.json).toMatchObject({ rows: [["9007199254740993"]] });
    const min = await c.query("SELECT -9223372036854775808 AS lowest");
    expect(min.json).toEqual([{ lowest: "-9223372036854775808" }]);
    const written = await c.query("INSERT INTO n (v) VALUES (?) RETURNING v", undefined, 2n ** 62n);
    expect(written).toMatchObject({ ok: false, status: 400, code: "UNSAFE_INTEGER" });
    expect((await c.query("SELECT COUNT(*) AS n FROM n")).json).toEqual([{ n: 2 }]);
  });

  it("never rejects: bad arguments come back as 400 results", async () => {
    const c = createClient(env.DORM, { name: fresh() });
    expect(await c.query(42 as any)).toMatchObject({ ok: false, status: 400, code: "INVALID_ARGUMENT", json: null });
    expect(await c.query("SELECT ?", undefined, Symbol("x"))).toMatchObject({ ok: false, status: 500 });
    expect(await c.query("   ")).toMatchObject({ ok: false, status: 400, code: "EMPTY_SQL" });
  });
});

describe("errors", () => {
  it("a SQL error is 400 with SQLite's message, and the database keeps working", async () => {
    const c = createClient(env.DORM, { name: fresh(), statements: [users] });
    const r = await c.query("SELECT * FROM nowhere");
    expect(r).toMatchObject({ ok: false, status: 400, json: null, code: "SQL_ERROR" });
    expect(r.error).toContain("no such table: nowhere");
    await c.query("INSERT INTO users (email, name) VALUES ('a@x', 'a')");
    const dup = await c.query("INSERT INTO users (email, name) VALUES ('a@x', 'b')");
    expect(dup.error).toContain("UNIQUE constraint failed");
    expect((await c.query("SELECT COUNT(*) AS n FROM users")).json).toEqual([{ n: 1 }]);
  });

  it.each([
    ["BEGIN TRANSACTION", "TRANSACTION_CONTROL", "isTransaction"],
    ["COMMIT", "TRANSACTION_CONTROL", "isTransaction"],
    ["SAVEPOINT s", "TRANSACTION_CONTROL", "batch()"],
    ["ATTACH DATABASE 'x' AS x", "FORBIDDEN_STATEMENT", "its own client"],
    ["PRAGMA journal_mode = WAL", "FORBIDDEN_STATEMENT", "allowed are"],
    ["SELECT * FROM _cf_KV", "FORBIDDEN_STATEMENT", "_cf_"],
    ["CREATE TEMP TABLE t (a)", "FORBIDDEN_STATEMENT", "regular one"],
  ])("refuses %s before SQLite sees it (%s)", async (sql, code, hint) => {
    const c = createClient(env.DORM, { name: fresh() });
    const r = await c.query(sql);
    expect(r).toMatchObject({ ok: false, status: 400, code });
    expect(r.error).toContain(hint);
  });

  it("allowed PRAGMAs and what sqlparser cannot parse still run", async () => {
    const c = createClient(env.DORM, { name: fresh(), statements: [users] });
    expect((await c.query("PRAGMA table_info(users)")).json).toHaveLength(3);
    expect((await c.query("PRAGMA foreign_keys = ON")).ok).toBe(true);
    const trigger = await c.query(
      "CREATE TRIGGER IF NOT EXISTS up AFTER INSERT ON users BEGIN UPDATE users SET name = upper(new.name) WHERE id = new.id; END",
    );
    expect(trigger.ok).toBe(true);
    await c.query("INSERT INTO users (name) VALUES ('low')");
    expect((await c.query("SELECT name FROM users")).json).toEqual([{ name: "LOW" }]);
  });
});

describe("atomicity", () => {
  const setup = async () => {
    const c = createClient(env.DORM, { name: fresh(), statements: [users] });
    await c.query("INSERT INTO users (id, name) VALUES (1, 'one')");
    return c;
  };
  const count = async (c: ReturnType<typeof createClient>) => (await c.query("SELECT COUNT(*) AS n FROM users")).json;

  it("a failing third statement leaves no trace of the first two", async () => {
    const c = await setup();
    const r = await c.query(
      "INSERT INTO users (id, name) VALUES (2, 'two'); UPDATE users SET name = 'changed'; INSERT INTO users (id, name) VALUES (1, 'dup')",
      { isTransaction: true },
    );
    expect(r).toMatchObject({ ok: false, status: 400 });
    expect(await count(c)).toEqual([{ n: 1 }]);
    expect((await c.query("SELECT name FROM users")).json).toEqual([{ name: "one" }]);
  });

  it("is atomic without isTransaction too, whenever there are several statements", async () => {
    const c = await setup();
    await c.query("INSERT INTO users (id, name) VALUES (2, 'two'); INSERT INTO users (id, name) VALUES (1, 'dup')");
    expect(await count(c)).toEqual([{ n: 1 }]);
  });

  it("batch runs statements with their own params atomically and answers each", async () => {
    const c = await setup();
    const ok = await c.batch([
      { sql: "INSERT INTO users (id, name) VALUES (?, ?)", params: [2, "two"] },
      { sql: "SELECT name FROM users ORDER BY id" },
    ]);
    expect(ok.json).toEqual([[], [{ name: "one" }, { name: "two" }]]);
    const bad = await c.batch([{ sql: "DELETE FROM users" }, { sql: "INSERT INTO nowhere VALUES (1)" }]);
    expect(bad).toMatchObject({ ok: false, status: 400 });
    expect(await count(c)).toEqual([{ n: 2 }]);
  });
});

describe("schema", () => {
  it("is applied once per database, recorded, and appended statements migrate", async () => {
    const name = fresh();
    const first = createClient(env.DORM, { name, statements: [users] });
    await first.query("INSERT INTO users (name) VALUES ('a')");
    await createClient(env.DORM, { name, statements: [users] }).query("SELECT 1");
    const migrated = createClient(env.DORM, { name, statements: [users, "ALTER TABLE users ADD COLUMN age INTEGER"] });
    expect((await migrated.query("SELECT name, age FROM users")).json).toEqual([{ name: "a", age: null }]);
    const ledger = await migrated.query("SELECT sql FROM _dorm_schema ORDER BY rowid");
    expect(ledger.json).toEqual([{ sql: users }, { sql: "ALTER TABLE users ADD COLUMN age INTEGER" }]);
  });

  it("a forbidden or failing schema statement makes every call a 400 that says so", async () => {
    const bad = createClient(env.DORM, { name: fresh(), statements: ["BEGIN"] });
    expect(await bad.query("SELECT 1")).toMatchObject({ ok: false, status: 400, code: "TRANSACTION_CONTROL" });
    const failing = createClient(env.DORM, { name: fresh(), statements: ["CREATE TABLE a (x); CREATE TABLE a (y)"] });
    const r = await failing.query("SELECT 1");
    expect(r).toMatchObject({ ok: false, status: 400, code: "INVALID_SCHEMA" });
    expect(r.error).toContain("already exists");
  });

  it("costs no extra round trip: the schema travels with the query", async () => {
    const c = createClient(env.DORM, { name: fresh(), statements: [users] });
    const r = await c.query("SELECT COUNT(*) AS n FROM users");
    expect(r.json).toEqual([{ n: 0 }]);
    await runInDurableObject(c.stub, async (instance: DORM) => {
      expect(instance).toBeInstanceOf(DORM);
    });
  });
});

describe("the original HTTP protocol on the object", () => {
  const post = (name: string, path: string, body: unknown) =>
    env.DORM.get(env.DORM.idFromName(name)).fetch(`https://dorm${path}`, { method: "POST", body: JSON.stringify(body) });

  it("answers /init, /query and /query/raw with the original shapes", async () => {
    const name = fresh();
    expect(await (await post(name, "/init", { statements: [users] })).json()).toEqual({ initialized: true });
    expect(await (await post(name, "/query", { sql: "INSERT INTO users (name) VALUES (?) RETURNING name", params: ["h"] })).json()).toEqual([{ name: "h" }]);
    const raw = await (await post(name, "/query/raw", { sql: "SELECT name FROM users" })).json();
    expect(raw).toEqual({ result: { columns: ["name"], rows: [["h"]], meta: { rows_read: 1, rows_written: 0 } } });
    const tx = await (await post(name, "/query/raw", { transaction: [{ sql: "SELECT 1 AS a" }, { sql: "SELECT 2 AS b" }] })).json();
    expect(tx).toMatchObject({ result: [{ columns: ["a"], rows: [[1]] }, { columns: ["b"], rows: [[2]] }] });
  });

  it("answers errors as JSON with a 4xx", async () => {
    const name = fresh();
    const bad = await post(name, "/query", { sql: "SELECT * FROM nope" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringContaining("no such table") });
    const malformed = await env.DORM.get(env.DORM.idFromName(name)).fetch("https://dorm/query", { method: "POST", body: "{" });
    expect(malformed.status).toBe(400);
    expect((await post(name, "/elsewhere", {})).status).toBe(404);
  });
});
