/**
 * The Rust core's mirror decisions (per table or per statement, never per row), typed and
 * cached where they repeat: apply statements by shape, statement rewrites by SQL text.
 */
import { Cache, callCore } from "../core.js";

export interface ColumnDesc {
  name: string;
  /** Position in the primary key (1-based), 0 when not in it. */
  pk: number;
  /** 0 ordinary, 2 or 3 generated. */
  hidden: number;
}

/** A table as `sqlite_schema` and `PRAGMA table_xinfo` describe it. */
export interface TableDesc {
  name: string;
  sql: string;
  columns: ColumnDesc[];
  withoutRowid?: boolean;
  indexes?: string[];
}

export interface SchemaObjectDesc {
  name: string;
  table: string;
  sql: string;
}

export interface Capture {
  spec: string;
  shapeId: number;
  change: "same" | "additive" | "reset";
  statements: string[];
}

export interface ApplySql {
  upsert: string;
  delete: string;
  clear: string;
}

export interface Normalized {
  statements: string[];
  clear: string[];
  skipped: string[];
}

export interface Shape {
  table: string;
  columns: string[];
  key: string[];
  rowid: boolean;
  sql: string;
  indexes: string[];
}

type CoreCall = "mirrorCapture" | "mirrorEnsure" | "mirrorApply" | "mirrorNormalize" | "mirrorStatement";

function ask<T>(entry: CoreCall, request: unknown): T {
  const json = JSON.stringify(request);
  return callCore((core) => (core as unknown as Record<CoreCall, (json: string) => T>)[entry](json));
}

/** What to do for one source table after a schema change (triggers, shape, snapshot). */
export function planCapture(request: {
  table: TableDesc;
  previous?: { id: number; spec: string };
  existing: { name: string; sql: string }[];
  nextId: number;
  snapshot: boolean;
}): Capture {
  return ask("mirrorCapture", request);
}

/** Statements that make a mirror table fit a source's shape. */
export function planEnsure(request: { spec: string; current?: TableDesc; sourceColumn: string; ownName: string }): string[] {
  return ask("mirrorEnsure", request);
}

/** Statements that convert a database's plain tables into mirror tables. */
export function planNormalize(request: {
  schema: { tables: TableDesc[]; indexes: SchemaObjectDesc[]; triggers: SchemaObjectDesc[] };
  sourceColumn: string;
  ownName: string;
}): Normalized {
  return ask("mirrorNormalize", request);
}

const applies = new Cache<ApplySql>(500, 1 << 20);

/** The statements that apply a shape's changes (cached by shape). */
export function planApply(spec: string, sourceColumn: string): ApplySql {
  return applies.get(`${sourceColumn}\u0000${spec}`, () => ask("mirrorApply", { spec, sourceColumn }));
}

const statements = new Cache<string>(200, 1 << 16);

/** A schema statement as a mirror database runs it (cached by text). */
export function mirrorStatement(sql: string, sourceColumn: string, ownName: string): string {
  return statements.get(`${sourceColumn}\u0000${ownName}\u0000${sql}`, () => ask("mirrorStatement", { sql, sourceColumn, ownName }));
}
