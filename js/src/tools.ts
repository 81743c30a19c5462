/**
 * The runtime-neutral part of dormroom: the Rust core's per-statement answers, usable from Node
 * (build tools, scripts, tests) as well as from Workers.
 */
export { DormError } from "./errors.js";
export { analyze, type Analysis, type StatementInfo, type StatementKind } from "./analysis.js";
export { jsonSchemaToSql, prepareSchema, type PreparedSchema } from "./schema.js";
export type * from "./types.js";
export type { RowOf } from "./orm/row-type.js";
export type { OrderBy, PaginateOptions, RemoveOptions, SelectOptions } from "./orm/methods.js";
