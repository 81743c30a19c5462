// `npm run bench`: dormroom vs. plain Durable Objects, side by side in one run on local workerd,
// plus the wasm core's size and its per-statement cost. Ratios matter; absolute times on a
// shared machine are noise.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { startWorker } from "../e2e/wrangler-dev.mjs";

const dist = new URL("../../dist/", import.meta.url);
const fmt = (ms) => (ms >= 10 ? `${ms.toFixed(0)} ms` : `${(ms * 1000).toFixed(0)} µs`);

function coreNumbers(core) {
  const wasm = readFileSync(new URL("wasm/dorm_core_bg.wasm", dist));
  const statements = [
    "SELECT * FROM items WHERE id = ?",
    "INSERT INTO users (name, email) VALUES (?, ?) RETURNING *",
    `CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      total REAL NOT NULL CHECK (total >= 0), status TEXT NOT NULL DEFAULT 'new', created_at TEXT DEFAULT CURRENT_TIMESTAMP, note TEXT)`,
  ];
  const rows = [];
  for (const sql of statements) {
    const n = 2000;
    let t = performance.now();
    for (let i = 0; i < n; i++) core.analyze(`${sql} -- ${i}`); // distinct text: a cache miss each time
    const cold = (performance.now() - t) / n;
    t = performance.now();
    for (let i = 0; i < n * 50; i++) core.analyze(sql);
    const warm = (performance.now() - t) / (n * 50);
    rows.push({ statement: sql.slice(0, 48).replace(/\s+/g, " "), "core (miss)": `${(cold * 1000).toFixed(1)} µs`, "cached (hit)": `${(warm * 1e6).toFixed(0)} ns` });
  }
  return { size: { raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length }, rows };
}

const core = await import(new URL("src/node.js", dist));
const { size, rows } = coreNumbers(core);
console.log(`\nwasm core: ${(size.raw / 1024).toFixed(0)} KiB raw, ${(size.gzip / 1024).toFixed(0)} KiB gzipped`);
console.log("\nper-statement core cost (Node, same wasm):");
console.table(rows);

const worker = await startWorker("js/bench/wrangler.jsonc");
try {
  for (const [path, title] of [
    ["/point", "point query by primary key"],
    ["/select1000", "SELECT of 1,000 rows × 4 columns"],
    ["/select1000orm", "ORM select of 1,000 rows vs. plain toArray()"],
    ["/insertMany", "insertMany of 100,000 rows vs. a plain transactionSync loop"],
  ]) {
    const res = await fetch(worker.url + path);
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    const m = await res.json();
    console.log(`\n${title} (median per operation, Worker → Durable Object):`);
    console.table({
      dormroom: { time: fmt(m.dormroom), "× plain": (m.dormroom / m.plain).toFixed(2) },
      "plain Durable Object (RPC)": { time: fmt(m.plain), "× plain": "1.00" },
      ...(m.fetchJson === undefined
        ? {}
        : { "original protocol (fetch + JSON)": { time: fmt(m.fetchJson), "× plain": (m.fetchJson / m.plain).toFixed(2) } }),
    });
  }
  const write = await (await fetch(worker.url + "/mirrorWrite")).json();
  console.log("\nmirroring: a single-row write (median per write, Worker → Durable Object):");
  console.table({
    "mirrored write": { time: fmt(write.mirrored), "× unmirrored": write.ratio.toFixed(2) },
    "unmirrored write": { time: fmt(write.unmirrored), "× unmirrored": "1.00" },
  });
  const lag = await (await fetch(worker.url + "/mirrorLag?sources=50&writes=20")).json();
  console.log(`\nmirroring: delivery lag, ${lag.writes} writes by ${lag.sources} sources at once into one aggregate:`);
  console.table({ "write answered → row readable in the aggregate": { p50: fmt(lag.p50), p99: fmt(lag.p99), max: fmt(lag.max) } });
} finally {
  await worker.stop();
}
