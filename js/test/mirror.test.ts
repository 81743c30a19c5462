// Mirroring in workerd: effects (not statements) reach the mirror, tagged with their source.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createClient } from "dormroom";
import { fresh, rows, settle } from "./mirror-helpers";

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, token TEXT DEFAULT (hex(randomblob(8))), created_at TEXT DEFAULT CURRENT_TIMESTAMP)",
  "CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, body TEXT, score REAL, data BLOB)",
  "CREATE TABLE IF NOT EXISTS log (at INTEGER, what TEXT)",
  "CREATE TRIGGER IF NOT EXISTS posts_log AFTER INSERT ON posts BEGIN INSERT INTO log (at, what) VALUES (NEW.id, 'post ' || NEW.body); END",
];

describe("mirroring", () => {
  it("sends effects, tagged with the source, keyed per source", async () => {
    const aggregate = fresh("agg");
    const sources = [fresh("tenant"), fresh("tenant")].map((name) =>
      createClient(env.DORM, { name, statements: SCHEMA }, { mirrorName: aggregate }),
    );
    for (const s of sources) {
      const r = await s.query("INSERT INTO users (email) VALUES ('a@x'), ('b@x')");
      expect(r.ok, r.error).toBe(true);
      await s.query("INSERT INTO posts (user_id, body, score, data) VALUES (1, 'hi', random() / 7.0, randomblob(4)), (2, 'yo', 0.1 + 0.2, x'00ff')");
      await s.query("DELETE FROM users WHERE id = 1");
    }
    await settle(sources);
    const agg = createClient(env.DORM, { name: aggregate, statements: SCHEMA });
    for (const table of ["users", "posts", "log"]) {
      const expected = (await Promise.all(sources.map(async (s) => (await rows(s, table)).map((r) => ({ s: s.name, r })))))
        .flat()
        .map(({ s, r }) => JSON.stringify({ _dorm_source: s, ...JSON.parse(r) }));
      const got = (await rows(agg, table)).map((r) => {
        const o = JSON.parse(r);
        delete o._dorm_rowid;
        return JSON.stringify(o);
      });
      expect(got.sort(), table).toEqual(expected.sort());
    }
  });
});
