/**
 * dormroom: unlimited SQLite databases, directly in your Cloudflare Worker.
 *
 * Import from "dormroom"; the package picks the entry for your runtime (workerd or Node).
 */
export { createClient, type DORMClient } from "./client.js";
export { DORM, type QueryRequest, type BatchRequest } from "./durable-object.js";
export { DormError } from "./errors.js";
export { analyze, type Analysis, type StatementInfo, type StatementKind } from "./analysis.js";
export { prepareSchema, type PreparedSchema } from "./schema.js";
export type * from "./types.js";
