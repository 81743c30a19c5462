/**
 * dormroom: unlimited SQLite databases, directly in your Cloudflare Worker.
 *
 * Import from "dormroom"; the package picks the entry for your runtime (workerd or Node; in
 * Node only the runtime-neutral tools of `tools.ts` are available).
 */
export * from "./tools.js";
export { createClient, type DORMClient } from "./client.js";
export { DORM, type QueryRequest, type BatchRequest } from "./durable-object.js";
export * from "./middleware/index.js";
