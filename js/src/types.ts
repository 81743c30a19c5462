/** Public types of dormroom. */
import type { MirrorTarget } from "./mirror/types.js";

export type { MirrorStatus, MirrorTarget, MirrorTargetStatus, MirrorSourceStatus } from "./mirror/types.js";

/** A table described by JSON Schema; `$id` is the table name. */
export interface TableSchema {
  $id: string;
  type?: "object";
  properties: Record<string, JsonSchemaProperty>;
  required?: readonly string[];
  [extension: `x-dorm-${string}`]: unknown;
}

/** One column of a {@link TableSchema}. */
export interface JsonSchemaProperty {
  type?: string | readonly string[];
  format?: string;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  "x-dorm-primary-key"?: boolean;
  "x-dorm-auto-increment"?: boolean;
  "x-dorm-unique"?: boolean;
  "x-dorm-index"?: boolean | string;
  "x-dorm-default"?: unknown;
  "x-dorm-references"?: { table: string; column: string; onDelete?: string; onUpdate?: string };
  [key: string]: unknown;
}

/** Which database: the first argument-object of `createClient`. */
export interface DBConfig {
  /** Prefixed to the name: `${version}-${name}`. A new version is a fresh, empty database. */
  version?: string;
  /** The database's name (default `"root"`). Also accepted in {@link DOConfig}. */
  name?: string;
  /** Schema statements, applied once per database before its first query. */
  statements?: string | readonly string[];
  /** Tables from JSON Schema, applied after `statements`. */
  schemas?: readonly TableSchema[];
}

/** Where and how: the optional second argument-object of `createClient`. */
export interface DOConfig {
  name?: string;
  /** Where to create the Durable Object the first time (e.g. `"weur"`). */
  locationHint?: DurableObjectLocationHint;
  /** A database that receives every write of this one (see the README, "Mirroring"). */
  mirrorName?: string;
  mirrorLocationHint?: DurableObjectLocationHint;
  /** Databases that receive every write of this one, e.g. `[{ name: "aggregate" }]` (with `mirrorName`, both). */
  mirrors?: readonly MirrorTarget[];
  /** Accepted for parity; delivery to mirrors does not need `waitUntil`. */
  ctx?: ExecutionContext;
}

/** Options of `query`; `undefined` is the common case. */
export interface QueryOptions {
  /** Answer `{ columns, rows, meta }` instead of an array of row objects. */
  isRaw?: boolean;
  /** Run all statements of the SQL atomically (several statements always are). */
  isTransaction?: boolean;
  /** Keep this write out of the mirrors. */
  skipMirror?: boolean;
}

/** A SQLite value as it comes back: BLOBs as `ArrayBuffer` over RPC. */
export type SqlValue = string | number | null | ArrayBuffer;

/** The `isRaw` answer: the shape Outerbase Studio reads. */
export interface RawResult {
  columns: string[];
  rows: SqlValue[][];
  meta: { rows_read: number; rows_written: number };
}

/**
 * What `query` and the ORM helpers resolve to. They never reject. Check `ok` before using
 * `json`: it is `null` on failure. (Untyped rows, as in `query(sql)` without a type argument,
 * keep the original API's permissive `any`, so code written for it compiles unchanged.)
 */
export type QueryResult<T = Record<string, SqlValue>[]> =
  | { json: T; status: number; ok: true; error?: undefined; code?: undefined }
  | { json: FailedJson<T>; status: number; ok: false; error: string; code: string };

type IsAny<T> = 0 extends 1 & T ? true : false;
type FailedJson<T> = IsAny<T> extends true ? any : T extends readonly (infer R)[] ? (IsAny<R> extends true ? any : null) : null;

/** One statement of a batch. */
export interface BatchStatement {
  sql: string;
  params?: readonly unknown[];
}
