// Shared by the mirror tests: deliver everything deterministically, and read a table whole.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import type { DORMClient } from "dormroom";

let counter = 0;
export const fresh = (prefix: string) => `${prefix}-${Date.now()}-${counter++}`;

/** Runs the sources' alarms until every mirror has everything (or `rounds` runs out). */
export async function settle(sources: DORMClient[], rounds = 20): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await Promise.all(sources.map((s) => runDurableObjectAlarm(s.stub)));
    const statuses = await Promise.all(sources.map((s) => s.mirrorStatus()));
    const done = statuses.every((s) => s.ok && s.json.mirrors.every((m) => m.pending === 0 && m.attempts === 0));
    if (done) return;
  }
  const statuses = await Promise.all(sources.map((s) => s.mirrorStatus()));
  throw new Error(`mirrors did not settle: ${JSON.stringify(statuses.map((s) => s.json))}`);
}

/** All rows of `table`, sorted, as JSON text (stable comparison). */
export async function rows(client: DORMClient, table: string, columns = "*"): Promise<string[]> {
  const { json, error } = await client.query(`SELECT ${columns} FROM "${table}"`);
  if (!json) throw new Error(error);
  return (json as Record<string, unknown>[]).map((r) => JSON.stringify(r, replacer)).sort();
}

function replacer(_key: string, value: unknown) {
  return value instanceof ArrayBuffer ? `blob:${[...new Uint8Array(value)].join(",")}` : value;
}

export const mirrorOf = (name: string) => env.DORM.get(env.DORM.idFromName(name));
