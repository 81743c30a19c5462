/**
 * Mirroring benchmarks, for the bench worker (`worker.ts`) to route to:
 *
 * ```ts
 * import { mirrorBench } from "./mirror";
 * // in fetch(): const mirrored = await mirrorBench(request, env); if (mirrored) return mirrored;
 * ```
 *
 * - `GET /mirrorWrite`: a single-row write to a mirrored database vs. the same write to an
 *   unmirrored one (median per write, Worker → Durable Object; target ≤ 1.3×). Answers
 *   `{ mirrored, unmirrored, ratio }` in ms.
 * - `GET /mirrorLag?sources=50&writes=20`: that many sources write concurrently into one
 *   aggregate; answers the delivery lag from each write's answer until its row is readable in
 *   the aggregate: `{ sources, writes, p50, p99, max, seconds }` in ms.
 *
 * `MIRROR_BENCH_CASES` lists the paths with titles, for the runner to print.
 */
import { createClient, type DORM } from "dormroom";

export interface MirrorBenchEnv {
  DORM: DurableObjectNamespace<DORM>;
}

export const MIRROR_BENCH_CASES: { path: string; title: string }[] = [
  { path: "/mirrorWrite", title: "a single-row write, mirrored vs. unmirrored (median per write)" },
  { path: "/mirrorLag", title: "delivery lag with 50 sources writing concurrently into one aggregate" },
];

const SCHEMA = "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, price REAL, at INTEGER)";

/** Answers the mirror cases; `undefined` for other paths. */
export async function mirrorBench(request: Request, env: MirrorBenchEnv): Promise<Response | undefined> {
  const url = new URL(request.url);
  const param = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
  if (url.pathname === "/mirrorWrite") return Response.json(await writeCost(env, param("rounds", 15), param("n", 100)));
  if (url.pathname === "/mirrorLag") return Response.json(await deliveryLag(env, param("sources", 50), param("writes", 20)));
  return undefined;
}

async function writeCost(env: MirrorBenchEnv, rounds: number, perRound: number) {
  const run = `bench-mirror-${Date.now()}`;
  const mirrored = createClient(env.DORM, { name: `${run}-source`, statements: [SCHEMA] }, { mirrorName: `${run}-aggregate` });
  const unmirrored = createClient(env.DORM, { name: `${run}-plain`, statements: [SCHEMA] });
  let i = 0;
  const write = (client: typeof mirrored) => async () => {
    const r = await client.query("INSERT INTO items (name, price, at) VALUES (?, ?, ?)", undefined, `item ${i++}`, i * 0.5, Date.now());
    if (!r.ok) throw new Error(r.error);
  };
  const contenders = { mirrored: write(mirrored), unmirrored: write(unmirrored) };
  const samples: Record<string, number[]> = { mirrored: [], unmirrored: [] };
  for (const run of Object.values(contenders)) for (let w = 0; w < 20; w++) await run(); // warm up
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(contenders)) {
      const start = performance.now();
      for (let n = 0; n < perRound; n++) await run();
      samples[name].push((performance.now() - start) / perRound);
    }
  }
  const result = { mirrored: median(samples.mirrored), unmirrored: median(samples.unmirrored) };
  return { ...result, ratio: result.mirrored / result.unmirrored };
}

async function deliveryLag(env: MirrorBenchEnv, sourceCount: number, writes: number) {
  const run = `bench-lag-${Date.now()}`;
  const aggregateName = `${run}-aggregate`;
  const sources = Array.from({ length: sourceCount }, (_, i) =>
    createClient(env.DORM, { name: `${run}-source-${i}`, statements: [SCHEMA] }, { mirrorName: aggregateName }),
  );
  const aggregate = createClient(env.DORM, { name: aggregateName, statements: [SCHEMA] });
  // Each source's writes: id → when its answer came back.
  const written = sources.map(() => new Map<number, number>());
  const seen = sources.map(() => 0);
  const lags: number[] = [];
  const started = performance.now();
  let writing = true;

  const writers = Promise.all(
    sources.map(async (source, s) => {
      for (let w = 0; w < writes; w++) {
        const r = await source.query<{ id: number }>("INSERT INTO items (name, price, at) VALUES (?, ?, ?) RETURNING id", undefined, `w${w}`, w, Date.now());
        if (!r.ok) throw new Error(r.error);
        written[s].set(r.json[0].id, performance.now());
      }
    }),
  ).finally(() => (writing = false));

  const index = new Map(sources.map((s, i) => [s.name, i]));
  const deadline = Date.now() + 120_000;
  // Polls back to back while the writers write, then yields to timers between polls: local
  // workerd runs everything on one thread and fires timers only when it is otherwise idle (the
  // sources' last changes wait for one).
  while (lags.length < sourceCount * writes && Date.now() < deadline) {
    if (!writing) await new Promise((resolve) => setTimeout(resolve, 1));
    const r = await aggregate.query<{ s: string; id: number }>("SELECT _dorm_source AS s, max(id) AS id FROM items GROUP BY _dorm_source");
    if (!r.ok) continue; // the aggregate's table does not exist before the first delivery
    const now = performance.now();
    for (const { s, id } of r.json) {
      const i = index.get(s);
      if (i === undefined) continue;
      // (A row readable before its writer heard back is counted at the next poll.)
      while (seen[i] < id && written[i].has(seen[i] + 1)) lags.push(now - written[i].get(++seen[i])!);
    }
    if (!writing && lags.length >= sourceCount * writes) break;
  }
  await writers;
  lags.sort((a, b) => a - b);
  return {
    sources: sourceCount,
    writes: sourceCount * writes,
    delivered: lags.length,
    p50: percentile(lags, 0.5),
    p99: percentile(lags, 0.99),
    max: lags.at(-1) ?? NaN,
    seconds: (performance.now() - started) / 1000,
  };
}

function median(values: number[]) {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

function percentile(sorted: number[], p: number) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
