/**
 * The ORM's requests, compiled by the Rust core into one statement and its parameters. Values
 * that JSON cannot carry (binary, bigint, Date) stand in as placeholders on the way in and are
 * put back into the parameters on the way out.
 */
import { Cache, callCore } from "../core.js";
import { DormError } from "../errors.js";

export interface Compiled {
  sql: string;
  params: unknown[];
}

export interface Page extends Compiled {
  cursorColumns: string[];
}

export interface InsertManyPlan {
  rowsPerStatement: number;
  fullStatements: number;
  fullSql: string | null;
  lastRows: number;
  lastSql: string | null;
}

type Compiler = "compileSelect" | "compileCount" | "compileInsert" | "compileUpdate" | "compileRemove" | "compileUpsert" | "compilePaginate";

const PLACEHOLDER = "\u0000dorm:value:";

/** Answers are cached by request text: a repeated request (same values) costs a map lookup. */
const compiledByRequest = new Cache<Compiled>(1000, 4096);

/** Compiles an ORM request; throws `DormError` (400) for anything the core refuses. */
export function compile<T extends Compiled = Compiled>(compiler: Compiler, request: Record<string, unknown>): T {
  const kept: unknown[] = [];
  const json = JSON.stringify(request, (_key, value) => {
    if (typeof value === "bigint" || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      kept.push(value);
      return `${PLACEHOLDER}${kept.length - 1}`;
    }
    return value;
  });
  if (json === undefined) throw new DormError("INVALID_ARGUMENT", 400, "the request could not be read");
  const compiled = compiledByRequest.get(`${compiler}\u0000${json}`, () => callCore((core) => core[compiler](json)) as Compiled) as T;
  if (kept.length === 0) return compiled;
  const params = compiled.params.map((p) =>
    typeof p === "string" && p.startsWith(PLACEHOLDER) ? kept[Number(p.slice(PLACEHOLDER.length))] : p,
  );
  return { ...compiled, params };
}

const plans = new Cache<InsertManyPlan>();

/** The statements that insert `rowCount` rows of `columns` into `table` (cached by shape). */
export function planInsertMany(table: string, columns: string[], rowCount: number): InsertManyPlan {
  const request = JSON.stringify({ table, columns, rowCount, returnRecord: false });
  return plans.get(request, () => callCore((core) => core.planInsertMany(request)) as InsertManyPlan);
}
