// The test worker: the package's Durable Object, plus a plain one to compare against, and the
// README's HTTP examples (plain fetch at /db, Hono at /hono).
import { DurableObject } from "cloudflare:workers";
import { dormMiddleware, type DORM } from "dormroom";
import { app as honoApp } from "./hono-example";
export { DORM } from "dormroom";

export class PlainObject extends DurableObject {
  exec(sql: string, ...params: unknown[]) {
    return this.ctx.storage.sql.exec(sql, ...(params as SqlStorageValue[])).toArray();
  }
}

interface Env {
  DORM: DurableObjectNamespace<DORM>;
  DB_SECRET: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (new URL(request.url).pathname.startsWith("/hono")) return honoApp.fetch(request, env);
    // The README's plain-fetch example: every database of the namespace under /db.
    const db = dormMiddleware(env.DORM, { secret: env.DB_SECRET, cors: { origins: ["https://studio.outerbase.com"] } });
    return (await db(request)) ?? new Response("your app");
  },
};
