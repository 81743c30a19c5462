/**
 * The benchmark worker. Each case runs its contenders interleaved, round after round, inside
 * one worker, and reports per-operation medians: workerd's clock only advances across I/O, so
 * a round times many sequential calls as one span.
 */
import { DurableObject } from "cloudflare:workers";
import { createClient, DORM } from "dormroom";
import { mirrorBench } from "./mirror";

export { DORM };

interface Env {
  DORM: DurableObjectNamespace<DORM>;
  PLAIN: DurableObjectNamespace<PlainObject>;
  FETCH: DurableObjectNamespace<FetchObject>;
}

const SCHEMA = "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, tags TEXT)";

/** What a hand-written Durable Object does: a typed RPC method around `sql.exec`. */
export class PlainObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(SCHEMA);
  }
  exec(sql: string, ...params: SqlStorageValue[]) {
    return this.ctx.storage.sql.exec(sql, ...params).toArray();
  }
  /** The hand-written bulk insert: one statement per row inside one transaction. */
  insertAll(rows: { id: number; name: string; price: number; tags: string }[]) {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      for (const r of rows) sql.exec("INSERT INTO items (id, name, price, tags) VALUES (?, ?, ?, ?)", r.id, r.name, r.price, r.tags);
    });
    return rows.length;
  }
}

/** What the original dormroom did: `fetch` with a JSON body, JSON back. */
export class FetchObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(SCHEMA);
  }
  async fetch(request: Request) {
    const { sql, params } = (await request.json()) as { sql: string; params: SqlStorageValue[] };
    return Response.json(this.ctx.storage.sql.exec(sql, ...params).toArray());
  }
}

type Contender = () => Promise<unknown>;

async function race(contenders: Record<string, Contender>, rounds: number, perRound: number) {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const run of Object.values(contenders)) await run(); // warm up: objects created, caches filled
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(contenders)) {
      const start = performance.now();
      for (let i = 0; i < perRound; i++) await run();
      samples[name].push((performance.now() - start) / perRound);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function seed(env: Env, name: string) {
  const rows = Array.from({ length: 1000 }, (_, i) => [i + 1, `item ${i}`, i * 1.5, '["a","b"]']);
  const dorm = createClient(env.DORM, { name, statements: [SCHEMA] });
  const plain = env.PLAIN.get(env.PLAIN.idFromName(name));
  const fetcher = env.FETCH.get(env.FETCH.idFromName(name));
  for (let i = 0; i < rows.length; i += 20) {
    const chunk = rows.slice(i, i + 20);
    const sql = `INSERT OR REPLACE INTO items VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}`;
    const params = chunk.flat() as SqlStorageValue[];
    await dorm.query(sql, undefined, ...params);
    await plain.exec(sql, ...params);
    await fetcher.fetch("https://bench/", { method: "POST", body: JSON.stringify({ sql, params }) });
  }
  return { dorm, plain, fetcher };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const rounds = Number(url.searchParams.get("rounds") ?? 15);
    const perRound = Number(url.searchParams.get("n") ?? 100);
    const mirrored = await mirrorBench(request, env);
    if (mirrored) return mirrored;
    const name = `bench-${url.pathname}`;
    const { dorm, plain, fetcher } = await seed(env, name);
    const viaFetch = (sql: string, params: unknown[]) => async () =>
      (await fetcher.fetch("https://bench/", { method: "POST", body: JSON.stringify({ sql, params }) })).json();

    if (url.pathname === "/point") {
      const sql = "SELECT * FROM items WHERE id = ?";
      let id = 0;
      const next = () => (id++ % 1000) + 1;
      return Response.json(
        await race(
          {
            dormroom: () => dorm.query(sql, undefined, next()),
            plain: () => plain.exec(sql, next()),
            fetchJson: () => viaFetch(sql, [next()])(),
          },
          rounds,
          perRound,
        ),
      );
    }
    if (url.pathname === "/select1000") {
      const sql = "SELECT * FROM items ORDER BY id LIMIT 1000";
      return Response.json(
        await race(
          { dormroom: () => dorm.query(sql), plain: () => plain.exec(sql), fetchJson: viaFetch(sql, []) },
          rounds,
          Math.max(10, Math.floor(perRound / 4)),
        ),
      );
    }
    if (url.pathname === "/select1000orm") {
      return Response.json(
        await race(
          {
            dormroom: () => dorm.select("items", {}, { orderBy: "id", limit: 1000 }),
            plain: () => plain.exec("SELECT * FROM items ORDER BY id LIMIT 1000"),
          },
          rounds,
          Math.max(10, Math.floor(perRound / 4)),
        ),
      );
    }
    if (url.pathname === "/insertMany") {
      const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: i + 1, name: `item ${i}`, price: i * 0.5, tags: "[]" }));
      let round = 0;
      const fresh = () => `${name}-${Date.now()}-${round++}`;
      return Response.json(
        await race(
          {
            dormroom: async () => {
              const r = await createClient(env.DORM, { name: fresh(), statements: [SCHEMA] }).insertMany("items", rows);
              if (!r.ok) throw new Error(r.error);
            },
            plain: () => env.PLAIN.get(env.PLAIN.idFromName(fresh())).insertAll(rows),
          },
          Number(url.searchParams.get("rounds") ?? 3),
          1,
        ),
      );
    }
    return new Response("cases: /point, /select1000, /select1000orm, /insertMany", { status: 404 });
  },
};
