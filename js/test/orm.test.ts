// The ORM and JSON Schema tables in workerd: parity helpers, operators, upsert, validation,
// value round-trips, hostile names, bulk inserts and keyset pagination.
import { env } from "cloudflare:test";
import { describe, expect, expectTypeOf, it } from "vitest";
import { createClient, jsonSchemaToSql, type RowOf, type TableSchema } from "dormroom";

let counter = 0;
const fresh = () => `orm-${Date.now()}-${counter++}`;

const users = {
  $id: "users",
  type: "object",
  properties: {
    id: { type: "integer", "x-dorm-primary-key": true, "x-dorm-auto-increment": true },
    name: { type: "string", minLength: 1, maxLength: 40 },
    email: { type: "string", "x-dorm-unique": true },
    age: { type: ["integer", "null"], minimum: 0, maximum: 150 },
    role: { type: "string", enum: ["admin", "member"], "x-dorm-default": "member" },
    active: { type: "boolean", "x-dorm-default": true },
    profile: { type: "object" },
    born: { type: "string", format: "date" },
  },
  required: ["name", "email"],
} as const satisfies TableSchema;

type User = RowOf<typeof users>;

it("derives a table's row type from its JSON Schema literal", () => {
  expectTypeOf<User>().toEqualTypeOf<{
    name: string;
    email: string;
    id?: number | null;
    age?: number | null;
    role?: "admin" | "member" | null;
    active?: boolean | null;
    profile?: Record<string, unknown> | null;
    born?: string | null;
  }>();
});

const people = [
  { name: "Ada", email: "ada@x", age: 36, role: "admin" },
  { name: "Bob", email: "bob@x", age: 17 },
  { name: "Cy", email: "cy@x", age: null },
  { name: "Dee", email: "dee@x", age: 52, active: false },
] as const;

async function seeded() {
  const c = createClient(env.DORM, { name: fresh(), schemas: [users] });
  for (const p of people) expect((await c.insert("users", p)).ok).toBe(true);
  return c;
}

const names = (r: { json: unknown }) => (r.json as { name: string }[]).map((u) => u.name);

describe("parity helpers", () => {
  it("insert returns the record, select filters, orders, limits and offsets", async () => {
    const c = createClient(env.DORM, { name: fresh(), schemas: [users] });
    const inserted = await c.insert<User>("users", { name: "Ada", email: "ada@x" });
    expect(inserted.json).toEqual([{ id: 1, name: "Ada", email: "ada@x", age: null, role: "member", active: true, profile: null, born: null }]);
    expect((await c.insert("users", { name: "Bob", email: "bob@x" }, false)).json).toEqual([]);
    expect(names(await c.select("users", {}, { orderBy: { column: "name", direction: "DESC" }, limit: 1 }))).toEqual(["Bob"]);
    expect(names(await c.select("users", {}, { orderBy: ["name"], limit: 1, offset: 1 }))).toEqual(["Bob"]);
    expect(names(await c.select("users", { email: "ada@x" }))).toEqual(["Ada"]);
  });

  it("update and remove return the affected rows; empty data or where is refused clearly", async () => {
    const c = await seeded();
    expect(names(await c.update("users", { role: "admin" }, { name: "Bob" }))).toEqual(["Bob"]);
    expect(await c.update("users", {}, { name: "Bob" })).toMatchObject({ ok: false, status: 400, json: null });
    expect(await c.insert("users", {})).toMatchObject({ ok: false, status: 400 });
    const refused = await c.remove("users");
    expect(refused).toMatchObject({ ok: false, status: 400, code: "INVALID_ARGUMENT" });
    expect(refused.error).toContain("{ all: true }");
    expect(names(await c.remove("users", { name: "Cy" }))).toEqual(["Cy"]);
    expect((await c.remove("users", {}, { all: true, returnRecord: false })).ok).toBe(true);
    expect((await c.count("users")).json).toBe(0);
  });
});

describe("where clauses", () => {
  it.each([
    [{ age: { $ne: 36 } }, ["Bob", "Dee"]],
    [{ age: { $gt: 17 } }, ["Ada", "Dee"]],
    [{ age: { $gte: 17, $lt: 52 } }, ["Ada", "Bob"]],
    [{ age: { $lte: 17 } }, ["Bob"]],
    [{ name: { $in: ["Ada", "Cy", "Zed"] } }, ["Ada", "Cy"]],
    [{ name: { $nin: ["Ada", "Cy"] } }, ["Bob", "Dee"]],
    [{ name: { $in: [] } }, []],
    [{ email: { $like: "%e@x" } }, ["Dee"]],
    [{ age: { $isNull: true } }, ["Cy"]],
    [{ age: null }, ["Cy"]],
    [{ age: { $isNull: false }, active: true }, ["Ada", "Bob"]],
    [{ $or: [{ name: "Ada" }, { age: { $lt: 18 } }] }, ["Ada", "Bob"]],
    [{ $and: [{ $or: [{ role: "admin" }, { active: false }] }, { age: { $gt: 40 } }] }, ["Dee"]],
  ])("%j", async (where, expected) => {
    const c = await seeded();
    expect(names(await c.select("users", where as Record<string, unknown>, { orderBy: "name" }))).toEqual(expected);
  });

  it("count, and unknown operators or bad limits are 400 errors naming them", async () => {
    const c = await seeded();
    expect((await c.count("users", { age: { $gte: 18 } })).json).toBe(2);
    expect(await c.select("users", { age: { $regex: "x" } })).toMatchObject({ status: 400, error: expect.stringContaining("$regex") });
    expect(await c.select("users", {}, { limit: -1 })).toMatchObject({ status: 400, code: "INVALID_ARGUMENT" });
    expect(await c.select("users", {}, { limit: 1, offset: 1.5 })).toMatchObject({ status: 400 });
    expect(await c.select("users", {}, { orderBy: { column: "name", direction: "SIDEWAYS" as "ASC" } })).toMatchObject({ status: 400 });
  });
});

describe("values and validation", () => {
  it("booleans, JSON and dates come back as they went in", async () => {
    const c = createClient(env.DORM, { name: fresh(), schemas: [users] });
    const profile = { tags: ["a", "b"], nested: { ok: true } };
    await c.insert("users", { name: "Ada", email: "a@x", active: false, profile, born: "1815-12-10" });
    const [row] = (await c.select<User>("users")).json!;
    expect(row).toMatchObject({ active: false, profile, born: "1815-12-10" });
    expectTypeOf(row.active).toEqualTypeOf<boolean | null | undefined>();
    const raw = await c.query("SELECT active, profile FROM users");
    expect(raw.json).toEqual([{ active: 0, profile: JSON.stringify(profile) }]);
  });

  it("a write through the ORM is validated first, with every offending field listed", async () => {
    const c = createClient(env.DORM, { name: fresh(), schemas: [users] });
    const r = await c.insert("users", { name: "", age: -1, role: "owner", active: "yes", nickname: "x" });
    expect(r).toMatchObject({ ok: false, status: 400, code: "VALIDATION_FAILED" });
    for (const field of ["nickname", "name", "email: is required", "age", "role", "active"]) expect(r.error).toContain(field);
    expect((await c.update("users", { age: 151 }, { id: 1 })).error).toContain("age: must be ≤ 150");
    expect((await c.count("users")).json).toBe(0);
    // SQL through query is the unvalidated escape hatch; the table's CHECK constraints still hold.
    expect(await c.query("INSERT INTO users (name, email, age) VALUES ('x', 'y', -5)")).toMatchObject({ ok: false, status: 400 });
  });

  it("upsert inserts, then updates the conflicting row", async () => {
    const c = await seeded();
    const first = await c.upsert<User>("users", { name: "Eve", email: "eve@x", age: 30 }, ["email"]);
    expect(first.json).toMatchObject([{ name: "Eve", age: 30 }]);
    const second = await c.upsert<User>("users", { name: "Eve 2", email: "eve@x", age: 31 }, ["email"]);
    expect(second.json).toMatchObject([{ id: first.json![0].id, name: "Eve 2", age: 31 }]);
    expect((await c.count("users")).json).toBe(5);
  });
});

describe("hostile names", () => {
  it("a table and columns named with quotes, semicolons and comments are only ever names", async () => {
    const table = `we"ird; DROP TABLE users; --`;
    const schema = {
      $id: table,
      properties: { [`co"l`]: { type: "string" }, "-- x": { type: "integer" }, "ünï cødé": { type: "boolean" } },
    } satisfies TableSchema;
    const c = createClient(env.DORM, { name: fresh(), schemas: [users, schema] });
    const ddl = jsonSchemaToSql(schema).createTableStatement;
    expect(ddl).toContain(`"we""ird; DROP TABLE users; --"`);
    expect((await c.insert(table, { [`co"l`]: `'); DROP TABLE users; --`, "-- x": 1, "ünï cødé": true })).ok).toBe(true);
    expect((await c.select(table, { [`co"l`]: `'); DROP TABLE users; --` })).json).toEqual([
      { [`co"l`]: `'); DROP TABLE users; --`, "-- x": 1, "ünï cødé": true },
    ]);
    expect((await c.count("users")).json).toBe(0); // still there
    expect(await c.select("", {})).toMatchObject({ status: 400, code: "INVALID_IDENTIFIER" });
    expect(await c.select("_cf_KV", {})).toMatchObject({ status: 400 });
  });
});

describe("bulk", () => {
  const items = {
    $id: "items",
    properties: { id: { type: "integer", "x-dorm-primary-key": true }, name: { type: "string" }, qty: { type: "integer", minimum: 0 } },
    required: ["name"],
  } satisfies TableSchema;

  it("insertMany of 100,000 rows in one call, all or none", async () => {
    const c = createClient(env.DORM, { name: fresh(), schemas: [items] });
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: i + 1, name: `item ${i}`, qty: i % 7 }));
    const r = await c.insertMany("items", rows);
    expect(r).toEqual({ json: { inserted: 100_000 }, status: 200, ok: true });
    expect((await c.query("SELECT COUNT(*) AS n, SUM(qty) AS s, MAX(id) AS m FROM items")).json).toEqual([
      { n: 100_000, s: rows.reduce((a, r) => a + r.qty, 0), m: 100_000 },
    ]);

    const d = createClient(env.DORM, { name: fresh(), schemas: [items] });
    const clash = rows.slice(0, 5000).map((r) => ({ ...r }));
    clash[4321].id = 7; // duplicate primary key, found by SQLite deep into the batch
    expect(await d.insertMany("items", clash)).toMatchObject({ ok: false, status: 400 });
    const invalid = rows.slice(0, 10).map((r) => ({ ...r }));
    invalid[9].qty = -1;
    expect((await d.insertMany("items", invalid)).error).toContain("row 9");
    expect((await d.count("items")).json).toBe(0);
  });

  it("paginate walks 10,000 rows with inserts between pages, missing and repeating none", async () => {
    const c = createClient(env.DORM, { name: fresh(), schemas: [items] });
    await c.insertMany("items", Array.from({ length: 10_000 }, (_, i) => ({ id: i * 2 + 2, name: `n${i}`, qty: i % 10 })));
    const seen = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    let next = 1;
    do {
      const page: any = await c.paginate<{ id: number; qty: number }>("items", { orderBy: [{ column: "qty", direction: "DESC" }], limit: 500, cursor });
      expect(page.ok).toBe(true);
      for (const row of page.json.rows) {
        expect(seen.has(row.id)).toBe(false);
        expect(row).not.toHaveProperty("_dorm_rowid");
        seen.add(row.id);
      }
      cursor = page.json.nextCursor;
      pages++;
      // Concurrent writers: new rows (odd ids) land everywhere in the order.
      await c.insert("items", { id: next, name: "late", qty: next % 10 }, false);
      next += 2;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(20);
    for (let id = 2; id <= 20_000; id += 2) expect(seen.has(id)).toBe(true);
    expect(await c.paginate("items", { cursor: "not-a-cursor" })).toMatchObject({ status: 400 });
  });
});
