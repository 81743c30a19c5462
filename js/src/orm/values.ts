/**
 * Rows and tables described by JSON Schema: validation before a write, and values converted on
 * the way out so that what went in comes back as it went in (booleans as booleans, JSON as
 * objects). The per-table description comes from the Rust core once; the rows stay in JS.
 */
import { Cache, callCore } from "../core.js";
import { DormError } from "../errors.js";
import type { TableSchema } from "../types.js";

export interface ColumnInfo {
  name: string;
  sqlType: string;
  kind: "integer" | "number" | "boolean" | "json" | "date" | "string";
  required: boolean;
  nullable: boolean;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  autoIncrement: boolean;
  hasDefault: boolean;
  primaryKey: boolean;
}

export interface TableInfo {
  table: string;
  columns: ColumnInfo[];
}

/** The tables of a client's schemas, by lower-cased name. */
export type Tables = Map<string, { info: TableInfo; byName: Map<string, ColumnInfo> }>;

const infos = new Cache<TableInfo>(500, 1 << 20);

export function describeTables(schemas: readonly TableSchema[] = []): Tables {
  const tables: Tables = new Map();
  for (const schema of schemas) {
    const json = JSON.stringify(schema);
    const info = infos.get(json, () => callCore((core) => core.tableInfo(json)) as TableInfo);
    tables.set(info.table.toLowerCase(), { info, byName: new Map(info.columns.map((c) => [c.name.toLowerCase(), c])) });
  }
  return tables;
}

/**
 * Checks `row` against its table's schema; `partial` for updates (absent columns are fine).
 * Throws one `DormError` (VALIDATION_FAILED, 400) that lists every offending field.
 */
export function validateRow(tables: Tables, table: string, row: Record<string, unknown>, partial: boolean): void {
  const known = tables.get(table.toLowerCase());
  if (!known) return;
  const problems: string[] = [];
  for (const key of Object.keys(row)) {
    if (!known.byName.has(key.toLowerCase())) problems.push(`${key}: not a column of ${known.info.table}`);
  }
  for (const column of known.info.columns) {
    const value = row[column.name];
    if (value === undefined) {
      if (!partial && column.required && !column.hasDefault && !column.autoIncrement) problems.push(`${column.name}: is required`);
      continue;
    }
    if (value === null) {
      if (!column.nullable && !column.autoIncrement) problems.push(`${column.name}: must not be null`);
      continue;
    }
    const problem = checkValue(column, value);
    if (problem) problems.push(`${column.name}: ${problem}`);
  }
  if (problems.length > 0) {
    throw new DormError("VALIDATION_FAILED", 400, `invalid ${known.info.table} row: ${problems.join("; ")}`);
  }
}

function checkValue(column: ColumnInfo, value: unknown): string | undefined {
  switch (column.kind) {
    case "integer":
      if (!(typeof value === "bigint" || Number.isInteger(value))) return "must be an integer";
      break;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return "must be a finite number";
      break;
    case "boolean":
      if (typeof value !== "boolean") return "must be true or false";
      break;
    case "date":
      if (value instanceof Date ? Number.isNaN(value.getTime()) : typeof value !== "string" || Number.isNaN(Date.parse(value))) {
        return "must be a date (an ISO-8601 string or a Date)";
      }
      break;
    case "string":
      if (typeof value !== "string") return "must be a string";
      break;
    case "json":
      if (typeof value !== "object") return "must be an object or an array";
      break;
  }
  if (column.enum && !column.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    return `must be one of ${column.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  if (typeof value === "number") {
    if (column.minimum !== undefined && value < column.minimum) return `must be ≥ ${column.minimum}`;
    if (column.maximum !== undefined && value > column.maximum) return `must be ≤ ${column.maximum}`;
    if (column.exclusiveMinimum !== undefined && value <= column.exclusiveMinimum) return `must be > ${column.exclusiveMinimum}`;
    if (column.exclusiveMaximum !== undefined && value >= column.exclusiveMaximum) return `must be < ${column.exclusiveMaximum}`;
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (column.minLength !== undefined && length < column.minLength) return `must be at least ${column.minLength} characters`;
    if (column.maxLength !== undefined && length > column.maxLength) return `must be at most ${column.maxLength} characters`;
  }
  return undefined;
}

/** Converts the rows of `table` in place: booleans from 1/0, JSON columns parsed. */
export function convertRows<T>(tables: Tables, table: string, rows: Record<string, unknown>[]): T[] {
  const known = tables.get(table.toLowerCase());
  if (!known) return rows as T[];
  const booleans = known.info.columns.filter((c) => c.kind === "boolean").map((c) => c.name);
  const jsons = known.info.columns.filter((c) => c.kind === "json").map((c) => c.name);
  if (booleans.length === 0 && jsons.length === 0) return rows as T[];
  for (const row of rows) {
    for (const name of booleans) {
      const v = row[name];
      if (v === 0 || v === 1) row[name] = v === 1;
    }
    for (const name of jsons) {
      const v = row[name];
      if (typeof v === "string") {
        try {
          row[name] = JSON.parse(v);
        } catch {
          // Not JSON (written through raw SQL): left as the text it is.
        }
      }
    }
  }
  return rows as T[];
}
