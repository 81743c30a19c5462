/**
 * Per-statement answers of the Rust core, cached by SQL text: what a SQL string holds
 * (`analyze`) and how a statement's columns become object keys (`shapeColumns`).
 */
import { Cache, callCore } from "./core.js";
import { DormError } from "./errors.js";

export type StatementKind = "read" | "write" | "schema" | "other";

export interface StatementInfo {
  sql: string;
  kind: StatementKind;
  /** How many values the statement binds. */
  params: number;
  /** Tables it touches, when the parser understood it. */
  tables: string[];
  parsed: boolean;
}

export interface Analysis {
  statements: StatementInfo[];
  params: number;
  readOnly: boolean;
}

export interface ResultShape {
  keys: string[];
  /** Column names repeat: rows must be built from `raw()` values with `keys`. */
  renamed: boolean;
}

const analyses = new Cache<Analysis | DormError>();
const shapes = new Cache<ResultShape>();

/** Splits and classifies `sql`; throws `DormError` for SQL Durable Objects forbid. */
export function analyze(sql: string): Analysis {
  const answer = analyses.get(sql, (text) => {
    try {
      return callCore((core) => core.analyze(text) as Analysis);
    } catch (error) {
      const dormError = DormError.from(error);
      if (dormError.status >= 500) throw dormError;
      return dormError;
    }
  });
  if (answer instanceof DormError) throw answer;
  return answer;
}

/** Distinct object keys for a statement's column names. */
export function shapeColumns(columns: string[]): ResultShape {
  return shapes.get(columns.join("\u0000"), () => callCore((core) => core.shapeColumns(columns) as ResultShape));
}

const exactWrappers = new Cache<string | null>();

/** The core's wrapper that re-reads a statement's out-of-range integers as exact text. */
export function exactIntegersSql(statement: string, columns: string[]): string | undefined {
  const key = `${statement}\u0001${columns.join("\u0000")}`;
  return exactWrappers.get(key, () => callCore((core) => core.exactIntegersSql(statement, columns)) ?? null) ?? undefined;
}
