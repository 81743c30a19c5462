// The test worker: the package's Durable Object, plus a plain one to compare against.
import { DurableObject } from "cloudflare:workers";
export { DORM } from "dormroom";

export class PlainObject extends DurableObject {
  exec(sql: string, ...params: unknown[]) {
    return this.ctx.storage.sql.exec(sql, ...(params as SqlStorageValue[])).toArray();
  }
}

export default {
  fetch: () => new Response("dormroom test worker"),
};
