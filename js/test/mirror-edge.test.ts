// Mirroring at the edges: odd names, exact values, snapshots larger than one delivery, a table a
// mirror cannot hold, and skipMirror inside a transaction.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createClient } from "dormroom";
import { fresh, rows, settle } from "./mirror-helpers";

describe("mirroring at the edges", () => {
  it("odd table and column names, every value kind exactly (64-bit integers, reals, BLOBs, NULL, text)", async () => {
    const aggregate = fresh("agg");
    const schema = [
      `CREATE TABLE IF NOT EXISTS "odd ""table""" ("key col" TEXT PRIMARY KEY, "v;al" ANY, [sq br] REAL, "x'y" BLOB) STRICT`,
      `CREATE TABLE IF NOT EXISTS plain_rowid ("rowid" TEXT, v)`,
    ];
    const source = createClient(env.DORM, { name: fresh("src"), statements: schema }, { mirrorName: aggregate });
    const r = await source.query(
      `INSERT INTO "odd ""table""" VALUES ('a', 9007199254740993, 0.1 + 0.2, x'00ff10'), ('b', 'text ''quoted'' "double"', -0.0, NULL),
         ('c', x'deadbeef', 1e308, zeroblob(3)), ('d', NULL, 1.5, x''), ('e', 1.0, 2, x'01')`,
    );
    expect(r.ok, r.error).toBe(true);
    await source.query(`INSERT INTO plain_rowid VALUES ('shadowed', 1), ('also', 2); DELETE FROM plain_rowid WHERE v = 1`);
    await settle([source]);
    const agg = createClient(env.DORM, { name: aggregate });
    const exact = `"key col", typeof("v;al") AS t, CAST("v;al" AS TEXT) AS v, hex("v;al") AS h, printf('%!.17g', [sq br]) AS r, hex("x'y") AS b, typeof("x'y") AS bt`;
    expect(await rows(agg, `odd ""table""`, exact)).toEqual(await rows(source, `odd ""table""`, exact));
    expect((await agg.query(`SELECT "rowid", v FROM plain_rowid`)).json).toEqual([{ rowid: "also", v: 2 }]);
  });

  it("a snapshot larger than one delivery arrives whole", async () => {
    const aggregate = fresh("agg");
    const name = fresh("src");
    const schema = ["CREATE TABLE IF NOT EXISTS big (id INTEGER PRIMARY KEY, pad TEXT)"];
    const plain = createClient(env.DORM, { name, statements: schema });
    const r = await plain.query(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO big SELECT i, printf('%.*c', 900, 'x') FROM n",
    );
    expect(r.ok, r.error).toBe(true);
    const source = createClient(env.DORM, { name, statements: schema }, { mirrorName: aggregate });
    await source.query("UPDATE big SET pad = 'changed' WHERE id % 1000 = 0");
    await settle([source], 40);
    const agg = createClient(env.DORM, { name: aggregate });
    expect((await agg.query("SELECT COUNT(*) AS n, SUM(pad = 'changed') AS changed FROM big")).json).toEqual([{ n: 5000, changed: 5 }]);
  });

  it("skipMirror inside a transaction of several statements", async () => {
    const aggregate = fresh("agg");
    const source = createClient(env.DORM, { name: fresh("src"), statements: ["CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)"] }, { mirrorName: aggregate });
    await source.query("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)", { skipMirror: true, isTransaction: true });
    const failed = await source.query("INSERT INTO t VALUES (3); INSERT INTO t VALUES (1)", { skipMirror: true });
    expect(failed.ok).toBe(false);
    await source.query("INSERT INTO t VALUES (4)");
    await settle([source]);
    expect((await createClient(env.DORM, { name: aggregate }).query("SELECT id FROM t")).json).toEqual([{ id: 4 }]);
  });

  it("a table its mirror cannot hold: writes go on, the error shows in mirrorStatus, nothing is lost", async () => {
    const aggregate = fresh("agg");
    const columns = Array.from({ length: 100 }, (_, i) => `c${i} INTEGER`).join(", ");
    const source = createClient(env.DORM, { name: fresh("src"), statements: [`CREATE TABLE IF NOT EXISTS wide (${columns})`] }, { mirrorName: aggregate });
    for (let i = 0; i < 3; i++) expect((await source.query("INSERT INTO wide (c0) VALUES (?)", undefined, i)).ok).toBe(true);
    await expect(settle([source], 3)).rejects.toThrow(/did not settle/);
    const status = (await source.mirrorStatus()).json!.mirrors[0];
    expect(status.pending).toBeGreaterThan(0);
    expect(status.lastError).toContain("Durable Objects allow 100");
  });
});
