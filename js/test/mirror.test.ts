// Mirroring in workerd: what reaches a mirror is the effect of each write (rows as they ended
// up), tagged with its source and keyed per source, so an aggregate of many databases equals
// their union, row for row.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createClient, type DORMClient } from "dormroom";
import { fresh, rows, settle } from "./mirror-helpers";

const LEDGER = [
  "CREATE TABLE IF NOT EXISTS accounts (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, balance REAL NOT NULL DEFAULT 0, token TEXT DEFAULT (lower(hex(randomblob(6)))), created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
  "CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, amount INTEGER NOT NULL, noise REAL, note BLOB)",
  "CREATE TABLE IF NOT EXISTS tags (account_id INTEGER NOT NULL, tag TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (account_id, tag)) WITHOUT ROWID",
  "CREATE TABLE IF NOT EXISTS events (kind TEXT, at TEXT DEFAULT CURRENT_TIMESTAMP)",
  "CREATE TRIGGER IF NOT EXISTS entries_event AFTER INSERT ON entries BEGIN INSERT INTO events (kind) VALUES ('entry:' || NEW.amount); END",
];
const TABLES: [table: string, columns: string][] = [
  ["accounts", "*"],
  ["entries", "*"],
  ["tags", "*"],
  ["events", "rowid AS _dorm_rowid, *"],
];

/** A small deterministic generator (mulberry32), so a failing workload can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random write: auto-increment keys, random() values, many-row updates, deletes, upserts, cascades. */
async function step(client: DORMClient, next: () => number, i: number) {
  const pick = Math.floor(next() * 10);
  const n = Math.floor(next() * 1000);
  const run = async (sql: string, ...params: unknown[]) => {
    const r = await client.query(sql, undefined, ...params);
    if (!r.ok) throw new Error(`${sql}: ${r.error}`);
  };
  switch (pick) {
    case 0:
    case 1:
      return run("INSERT INTO accounts (name, balance) VALUES (?, random() % 1000), (?, abs(random() % 50))", `a${i}`, `b${i}`);
    case 2:
      return run(
        "INSERT INTO entries (account_id, amount, noise, note) SELECT id, ?, random() / 3.0, randomblob(3) FROM accounts ORDER BY random() LIMIT 3",
        n,
      );
    case 3:
      return run("UPDATE entries SET amount = amount + 1, noise = random() WHERE amount % 3 = ?", n % 3);
    case 4:
      // Keys change: the mirror must drop the old key and keep the new one.
      return run("UPDATE entries SET id = id + 1000000 WHERE id % 4 = ? AND id < 1000000 AND id + 1000000 NOT IN (SELECT id FROM entries)", n % 4);
    case 5:
      return run("DELETE FROM entries WHERE amount % 7 = ?", n % 7);
    case 6:
      // A cascade: the account's entries go too (their deletes come from the foreign key).
      return run("DELETE FROM accounts WHERE id IN (SELECT id FROM accounts ORDER BY random() LIMIT 1)");
    case 7:
      return run(
        "INSERT INTO tags (account_id, tag) SELECT id, ? FROM accounts ORDER BY random() LIMIT 2 ON CONFLICT (account_id, tag) DO UPDATE SET n = n + 1",
        `t${n % 4}`,
      );
    case 8:
      // REPLACE deletes the row holding the name (no delete trigger fires) and inserts anew.
      return run("INSERT OR REPLACE INTO accounts (name, balance) SELECT name, -1 FROM accounts ORDER BY random() LIMIT 1");
    default: {
      const r = await client.batch([
        { sql: "UPDATE accounts SET balance = balance * 2 WHERE id % 2 = ?", params: [n % 2] },
        { sql: "INSERT INTO events (kind) VALUES (?)", params: [`batch ${i}`] },
        { sql: "DELETE FROM tags WHERE n > ?", params: [2] },
      ]);
      if (!r.ok) throw new Error(r.error);
    }
  }
}

/** Asserts that `aggregate` holds exactly the rows of `sources`, each tagged with its source. */
async function expectUnion(aggregate: DORMClient, sources: DORMClient[], tables = TABLES, column = "_dorm_source") {
  for (const [table, columns] of tables) {
    const expected: string[] = [];
    for (const source of sources) {
      for (const row of await rows(source, table, columns)) expected.push(JSON.stringify({ [column]: source.name, ...JSON.parse(row) }));
    }
    const got = await rows(aggregate, table);
    expect(got.length, table).toBe(expected.length);
    expect(got, table).toEqual(expected.sort());
  }
}

describe("an aggregate of 20 sources under a random workload", () => {
  it("equals the union of the sources, row for row, each tagged with its source", async () => {
    const aggregate = fresh("aggregate");
    const sources = Array.from({ length: 20 }, (_, i) =>
      createClient(env.DORM, { name: `${aggregate}:tenant:${i}`, statements: LEDGER }, { mirrorName: aggregate }),
    );
    const work = async (from: number, to: number) =>
      Promise.all(
        sources.map(async (source, s) => {
          const next = random(1000 + s);
          for (let i = 0; i < from; i++) next(), next();
          for (let i = from; i < to; i++) await step(source, next, i);
        }),
      );
    await work(0, 15);
    await settle(sources); // half way: deliveries are incremental
    await work(15, 40);
    await settle(sources);
    const agg = createClient(env.DORM, { name: aggregate, statements: LEDGER });
    await expectUnion(agg, sources);
    // The same keys exist in many sources, as separate rows.
    const ones = await agg.query<{ n: number }>("SELECT COUNT(DISTINCT _dorm_source) AS n FROM accounts WHERE id = 1");
    expect(ones.json?.[0].n).toBeGreaterThan(1);
    const status = (await sources[0].mirrorStatus()).json!;
    expect(status.mirrors).toEqual([expect.objectContaining({ name: aggregate, pending: 0, attempts: 0, lastError: null })]);
    expect(status.mirrors[0].lastDeliveredSeq).toBe(status.lastSeq);
    const arrived = (await agg.mirrorStatus()).json!.sources;
    expect(arrived.map((s) => s.source).sort()).toEqual(sources.map((s) => s.name).sort());
  });
});

describe("what reaches the mirror", () => {
  const schema = ["CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT UNIQUE, at TEXT DEFAULT CURRENT_TIMESTAMP)"];

  it("skipMirror keeps a write out of the mirrors", async () => {
    const aggregate = fresh("agg");
    const source = createClient(env.DORM, { name: fresh("src"), statements: schema }, { mirrorName: aggregate });
    await source.query("INSERT INTO items (id, name) VALUES (1, 'kept')");
    const skipped = await source.query("INSERT INTO items (id, name) VALUES (2, 'local only')", { skipMirror: true });
    expect(skipped.ok).toBe(true);
    await source.query("UPDATE items SET name = 'kept, changed' WHERE id = 1");
    await settle([source]);
    const agg = createClient(env.DORM, { name: aggregate });
    expect((await agg.query("SELECT id, name FROM items")).json).toEqual([{ id: 1, name: "kept, changed" }]);
    expect((await source.query("SELECT COUNT(*) AS n FROM items")).json).toEqual([{ n: 2 }]);
  });

  it("rows written before mirroring was configured arrive too (a snapshot)", async () => {
    const aggregate = fresh("agg");
    const name = fresh("src");
    const plain = createClient(env.DORM, { name, statements: schema });
    await plain.query("INSERT INTO items (id, name, code) VALUES (1, 'old', 'x'), (2, 'older', 'y')");
    const mirrored = createClient(env.DORM, { name, statements: schema }, { mirrors: [{ name: aggregate }] });
    await mirrored.query("DELETE FROM items WHERE id = 2");
    await settle([mirrored]);
    const agg = createClient(env.DORM, { name: aggregate });
    expect((await agg.query("SELECT _dorm_source, id, name, code FROM items")).json).toEqual([
      { _dorm_source: name, id: 1, name: "old", code: "x" },
    ]);
  });

  it("writes through batch and the ORM helpers are mirrored; so are writes by clients without the config", async () => {
    const aggregate = fresh("agg");
    const name = fresh("src");
    const source = createClient(env.DORM, { name, statements: schema }, { mirrorName: aggregate });
    await source.insert("items", { id: 1, name: "orm" });
    await source.batch([{ sql: "INSERT INTO items (id, name) VALUES (?, ?)", params: [2, "batch"] }]);
    const other = createClient(env.DORM, { name }); // no mirror config: the database still mirrors
    await other.query("INSERT INTO items (id, name) VALUES (3, 'other client')");
    await settle([source]);
    const agg = createClient(env.DORM, { name: aggregate });
    expect((await agg.query("SELECT id, name FROM items ORDER BY id")).json).toEqual([
      { id: 1, name: "orm" },
      { id: 2, name: "batch" },
      { id: 3, name: "other client" },
    ]);
  });

  it("several mirrors each get every write; a mirror may name its source column", async () => {
    const [a, b] = [fresh("agg-a"), fresh("agg-b")];
    const source = createClient(env.DORM, { name: fresh("src"), statements: schema }, {
      mirrorName: a,
      mirrors: [{ name: b, sourceColumn: "tenant" }],
    });
    await source.query("INSERT INTO items (id, name) VALUES (1, 'one'), (2, 'two')");
    await source.query("DELETE FROM items WHERE id = 1");
    await settle([source]);
    expect((await createClient(env.DORM, { name: a }).query("SELECT _dorm_source AS s, id FROM items")).json).toEqual([{ s: source.name, id: 2 }]);
    expect((await createClient(env.DORM, { name: b }).query("SELECT tenant AS s, id FROM items")).json).toEqual([{ s: source.name, id: 2 }]);
    expect((await source.mirrorStatus()).json!.mirrors.map((m) => m.name)).toEqual([a, b].sort());
  });

  it("keys and UNIQUE constraints hold per source: the same id and code in two sources are two rows", async () => {
    const aggregate = fresh("agg");
    const sources = [fresh("src"), fresh("src")].map((name) => createClient(env.DORM, { name, statements: schema }, { mirrorName: aggregate }));
    for (const s of sources) await s.query("INSERT INTO items (id, name, code) VALUES (1, 'same', 'same-code')");
    // REPLACE in one source deletes its own conflicting row only.
    await sources[0].query("INSERT OR REPLACE INTO items (id, name, code) VALUES (2, 'moved', 'same-code')");
    await settle(sources);
    const agg = createClient(env.DORM, { name: aggregate });
    const got = await agg.query("SELECT _dorm_source AS s, id, code FROM items ORDER BY s, id");
    expect(got.json).toEqual(
      [
        { s: sources[0].name, id: 2, code: "same-code" },
        { s: sources[1].name, id: 1, code: "same-code" },
      ].sort((x, y) => (x.s < y.s ? -1 : 1)),
    );
  });

  it("refuses a mirror of itself and mirrors of a mirror", async () => {
    const name = fresh("self");
    const self = createClient(env.DORM, { name }, { mirrorName: name });
    expect(await self.query("SELECT 1")).toMatchObject({ ok: false, status: 400, code: "INVALID_ARGUMENT" });
    const aggregate = fresh("agg");
    const source = createClient(env.DORM, { name: fresh("src"), statements: schema }, { mirrorName: aggregate });
    await source.query("INSERT INTO items (id, name) VALUES (1, 'x')");
    await settle([source]);
    const chained = createClient(env.DORM, { name: aggregate }, { mirrorName: fresh("agg2") });
    const r = await chained.query("SELECT 1");
    expect(r).toMatchObject({ ok: false, code: "INVALID_ARGUMENT" });
    expect(r.error).toContain("is a mirror");
  });
});

describe("the aggregate is an ordinary database", () => {
  const schema = [
    "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, slug TEXT UNIQUE)",
    "CREATE TABLE IF NOT EXISTS seen (note_id INTEGER, at INTEGER)",
    "CREATE TRIGGER IF NOT EXISTS note_seen AFTER INSERT ON notes BEGIN INSERT INTO seen VALUES (NEW.id, 0); END",
  ];

  it("opened first with the same schema and rows of its own: its tables are rebuilt in place, keeping them", async () => {
    const aggregate = fresh("agg");
    const agg = createClient(env.DORM, { name: aggregate, statements: schema });
    await agg.query("INSERT INTO notes (id, body, slug) VALUES (1, 'written in the aggregate', 'a')");
    const source = createClient(env.DORM, { name: fresh("src"), statements: schema }, { mirrorName: aggregate });
    await source.query("INSERT INTO notes (id, body, slug) VALUES (1, 'from the source', 'a')");
    await settle([source]);
    const notes = await agg.query("SELECT _dorm_source AS s, id, body, slug FROM notes ORDER BY s");
    expect(notes.json).toEqual(
      [
        { s: aggregate, id: 1, body: "written in the aggregate", slug: "a" },
        { s: source.name, id: 1, body: "from the source", slug: "a" },
      ].sort((x, y) => (x.s < y.s ? -1 : 1)),
    );
    // The source's trigger ran once, in the source; the aggregate's copy stayed quiet on delivery.
    const seen = await agg.query("SELECT _dorm_source AS s, note_id FROM seen ORDER BY s");
    expect(seen.json).toEqual(
      [
        { s: aggregate, note_id: 1 },
        { s: source.name, note_id: 1 },
      ].sort((x, y) => (x.s < y.s ? -1 : 1)),
    );
  });

  it("opened after deliveries, with its schema and a migration the sources already ran", async () => {
    const aggregate = fresh("agg");
    const migrated = [...schema, "ALTER TABLE notes ADD COLUMN tags TEXT", "CREATE UNIQUE INDEX IF NOT EXISTS notes_body ON notes (body)"];
    const sources = [fresh("src"), fresh("src")].map((name) => createClient(env.DORM, { name, statements: migrated }, { mirrorName: aggregate }));
    for (const s of sources) await s.query("INSERT INTO notes (id, body, tags) VALUES (1, 'same body', 'x')");
    await settle(sources);
    const agg = createClient(env.DORM, { name: aggregate, statements: migrated });
    const r = await agg.query("SELECT COUNT(*) AS n, COUNT(tags) AS tagged FROM notes");
    expect(r.json).toEqual([{ n: 2, tagged: 2 }]);
    // Its own writes are tagged with its own name.
    await agg.query("INSERT INTO notes (id, body) VALUES (9, 'mine')");
    expect((await agg.query("SELECT _dorm_source AS s FROM notes WHERE id = 9")).json).toEqual([{ s: aggregate }]);
  });
});

describe("schema changes in a source reach the mirror", () => {
  it("new tables, new columns, dropped and rebuilt tables", async () => {
    const aggregate = fresh("agg");
    const base = ["CREATE TABLE IF NOT EXISTS a (id INTEGER PRIMARY KEY, v TEXT)"];
    const name = fresh("src");
    const source = createClient(env.DORM, { name, statements: base }, { mirrorName: aggregate });
    await source.query("INSERT INTO a (id, v) VALUES (1, 'one')");
    await settle([source]);
    // A migration appended to the schema config, and DDL run as queries.
    const next = createClient(env.DORM, { name, statements: [...base, "ALTER TABLE a ADD COLUMN w INTEGER NOT NULL DEFAULT 7"] }, { mirrorName: aggregate });
    await next.query("INSERT INTO a (id, v, w) VALUES (2, 'two', 2)");
    await next.query("CREATE TABLE b (k TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID; INSERT INTO b VALUES ('x', 1)");
    await next.query("CREATE TABLE c AS SELECT id, v FROM a");
    await next.query("CREATE TABLE gone (x); INSERT INTO gone VALUES (1)");
    await settle([next]);
    await next.query("DROP TABLE gone");
    // The classic rebuild: new table, copy (transformed), drop, rename.
    await next.query(
      "CREATE TABLE a2 (id INTEGER PRIMARY KEY, v TEXT, w INTEGER NOT NULL DEFAULT 7); INSERT INTO a2 SELECT id, upper(v), w FROM a; DROP TABLE a; ALTER TABLE a2 RENAME TO a",
    );
    await settle([next]);
    const agg = createClient(env.DORM, { name: aggregate });
    expect((await agg.query("SELECT id, v, w FROM a ORDER BY id")).json).toEqual([
      { id: 1, v: "ONE", w: 7 },
      { id: 2, v: "TWO", w: 2 },
    ]);
    expect((await agg.query("SELECT k, n FROM b")).json).toEqual([{ k: "x", n: 1 }]);
    expect((await agg.query("SELECT id, v FROM c ORDER BY id")).json).toEqual([
      { id: 1, v: "one" },
      { id: 2, v: "two" },
    ]);
    expect((await agg.query("SELECT COUNT(*) AS n FROM gone")).json).toEqual([{ n: 0 }]);
  });
});
