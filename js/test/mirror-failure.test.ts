// Durable delivery: a failing mirror never fails a write and never loses one; after recovery
// every change arrives once and in order; pending changes survive a restart of the source; a
// mirror that lost its state gets everything again.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createClient, type DORM, type DORMClient } from "dormroom";
import { fresh, mirrorOf, rows, settle } from "./mirror-helpers";

const SCHEMA = ["CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, r REAL DEFAULT (random()))"];

const sourcesOf = (aggregate: string, count: number) =>
  Array.from({ length: count }, () => createClient(env.DORM, { name: fresh("src"), statements: SCHEMA }, { mirrorName: aggregate }));

async function write(client: DORMClient, n: number) {
  const r = await client.query("INSERT INTO items (n) VALUES (?); UPDATE items SET n = n + 1 WHERE id % 3 = 0; DELETE FROM items WHERE n % 5 = 0", undefined, n);
  expect(r.ok, r.error).toBe(true);
}

/** Every change of every source arrived exactly once, in order. */
async function expectOnceInOrder(aggregate: string, sources: DORMClient[]) {
  const { log } = await mirrorOf(aggregate).mirrorTestHook({});
  for (const source of sources) {
    const seqs = log.filter(([s]) => s === source.name).map(([, seq]) => seq);
    const last = (await source.mirrorStatus()).json!.lastSeq;
    expect(seqs, source.name).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  }
}

async function expectUnion(aggregate: string, sources: DORMClient[]) {
  const expected = (await Promise.all(sources.map(async (s) => (await rows(s, "items")).map((r) => JSON.stringify({ _dorm_source: s.name, ...JSON.parse(r) })))))
    .flat()
    .sort();
  expect(await rows(createClient(env.DORM, { name: aggregate }), "items")).toEqual(expected);
}

describe("a failing mirror", () => {
  it("fails the next deliveries: writes keep succeeding, and after recovery everything arrives once, in order", async () => {
    const aggregate = fresh("agg");
    await mirrorOf(aggregate).mirrorTestHook({ failNext: 12, record: true });
    const sources = sourcesOf(aggregate, 3);
    for (let i = 0; i < 10; i++) await Promise.all(sources.map((s) => write(s, i)));
    for (let round = 0; round < 3; round++) await Promise.all(sources.map((s) => runDurableObjectAlarm(s.stub)));
    const failing = (await sources[0].mirrorStatus()).json!.mirrors[0];
    expect(failing.pending).toBeGreaterThan(0);
    expect(failing.attempts).toBeGreaterThan(0);
    expect(failing.lastError).toContain("injected delivery failure");
    expect(Date.parse(failing.nextAttemptAt!)).toBeGreaterThan(Date.parse(failing.lastErrorAt!));
    for (let i = 10; i < 20; i++) await Promise.all(sources.map((s) => write(s, i)));
    await settle(sources);
    const recovered = (await sources[0].mirrorStatus()).json!.mirrors[0];
    expect(recovered).toMatchObject({ pending: 0, attempts: 0, lastError: null, nextAttemptAt: null });
    await expectOnceInOrder(aggregate, sources);
    await expectUnion(aggregate, sources);
  });

  it("loses its answers after committing: the retries are recognised and applied once", async () => {
    const aggregate = fresh("agg");
    await mirrorOf(aggregate).mirrorTestHook({ failAfterCommit: 4, record: true });
    const sources = sourcesOf(aggregate, 2);
    for (let i = 0; i < 8; i++) {
      await Promise.all(sources.map((s) => write(s, i)));
      await Promise.all(sources.map((s) => runDurableObjectAlarm(s.stub)));
    }
    await settle(sources);
    await expectOnceInOrder(aggregate, sources);
    await expectUnion(aggregate, sources);
    const arrived = (await createClient(env.DORM, { name: aggregate }).mirrorStatus()).json!.sources;
    for (const source of sources) {
      const last = (await source.mirrorStatus()).json!.lastSeq;
      expect(arrived.find((s) => s.source === source.name)).toMatchObject({ lastSeq: last, applied: last });
    }
  });
});

describe("restarts and lost state", () => {
  it("a source aborted with changes pending delivers them after it restarts", async () => {
    const aggregate = fresh("agg");
    await mirrorOf(aggregate).mirrorTestHook({ failNext: 1000, record: true });
    const name = fresh("src");
    const source = createClient(env.DORM, { name, statements: SCHEMA }, { mirrorName: aggregate });
    for (let i = 0; i < 5; i++) await write(source, i);
    await runDurableObjectAlarm(source.stub);
    expect((await source.mirrorStatus()).json!.mirrors[0].pending).toBeGreaterThan(0);
    // No alarm left behind either: the restarted object must notice the pending changes itself.
    await runInDurableObject(source.stub, (_instance: DORM, state) => state.storage.deleteAlarm());
    await expect(runInDurableObject(source.stub, (_instance: DORM, state) => state.abort("test: crash"))).rejects.toThrow();
    await mirrorOf(aggregate).mirrorTestHook({ failNext: 0 });

    const restarted = createClient(env.DORM, { name, statements: SCHEMA }, { mirrorName: aggregate });
    expect((await restarted.query("SELECT COUNT(*) AS n FROM items")).ok).toBe(true);
    expect(await runDurableObjectAlarm(restarted.stub)).toBe(true);
    await settle([restarted]);
    await expectOnceInOrder(aggregate, [restarted]);
    await expectUnion(aggregate, [restarted]);
  });

  it("a mirror that lost its state gets everything again", async () => {
    const aggregate = fresh("agg");
    const sources = sourcesOf(aggregate, 2);
    for (let i = 0; i < 5; i++) await Promise.all(sources.map((s) => write(s, i)));
    await settle(sources);
    await runInDurableObject(mirrorOf(aggregate), (_instance: DORM, state) => state.storage.deleteAll());
    await expect(runInDurableObject(mirrorOf(aggregate), (_instance: DORM, state) => state.abort("test: wiped"))).rejects.toThrow();
    for (let i = 5; i < 8; i++) await Promise.all(sources.map((s) => write(s, i)));
    await settle(sources);
    await expectUnion(aggregate, sources);
  });

  it("removeMirror stops capture when no mirror is left", async () => {
    const aggregate = fresh("agg");
    const [source] = sourcesOf(aggregate, 1);
    await write(source, 1);
    expect((await source.stub.removeMirror(aggregate)).json).toEqual({ removed: true });
    // (A client that still names the mirror would register it again.)
    const unmirrored = createClient(env.DORM, { name: source.name });
    expect((await unmirrored.mirrorStatus()).json!.mirrors).toEqual([]);
    const triggers = await unmirrored.query("SELECT COUNT(*) AS n FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '_dorm_mirror_%'");
    expect(triggers.json).toEqual([{ n: 0 }]);
  });
});
