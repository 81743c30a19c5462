/**
 * The ORM helpers of a client: `select`, `count`, `insert`, `update`, `remove`, `upsert`,
 * `insertMany`, `paginate`. SQL and parameters come from the Rust core (identifiers quoted and
 * validated, values always bound); rows with a JSON Schema are validated before a write and
 * converted on the way out.
 */
import { DormError, failed } from "../errors.js";
import type { QueryResult } from "../types.js";
import { compile, type Page, planInsertMany } from "./compile.js";
import { convertRows, type Tables, validateRow } from "./values.js";

type Row = Record<string, unknown>;
type Where = Record<string, unknown>;

/** How the helpers reach the database (the client's RPC calls). */
export interface Transport {
  query(sql: string, params: unknown[]): Promise<QueryResult<any>>;
  batch(statements: { sql: string; params: unknown[] }[]): Promise<QueryResult<any>>;
}

export type OrderBy = string | { column: string; direction?: "ASC" | "DESC" | "asc" | "desc" } | (string | { column: string; direction?: string })[];

export interface SelectOptions {
  limit?: number;
  offset?: number;
  orderBy?: OrderBy;
  columns?: string[];
}

export interface PaginateOptions {
  where?: Where;
  orderBy?: OrderBy;
  /** Rows per page, default 100. */
  limit?: number;
  /** The `nextCursor` of the previous page; absent for the first page. */
  cursor?: string | null;
  /** Columns that identify a row (default `["rowid"]`; name them for WITHOUT ROWID tables). */
  key?: string[];
  columns?: string[];
}

export interface RemoveOptions {
  /** Delete every row: required when `where` is empty. */
  all?: boolean;
  returnRecord?: boolean;
}

export interface OrmMethods {
  /** Rows of `table` matching `where`. @example client.select<User>("users", { age: { $gte: 18 } }, { orderBy: "name", limit: 10 }) */
  select<T = Row>(table: string, where?: Where, options?: SelectOptions): Promise<QueryResult<T[]>>;
  /** How many rows match. @example (await client.count("users", { active: true })).json // 42 */
  count(table: string, where?: Where): Promise<QueryResult<number>>;
  /** Inserts one row; `json` is `[row]` (or `[]` when `returnRecord` is false). */
  insert<T = Row>(table: string, data: Row, returnRecord?: boolean): Promise<QueryResult<T[]>>;
  /** Updates the rows matching `where`; `json` is the updated rows. */
  update<T = Row>(table: string, data: Row, where?: Where, returnRecord?: boolean): Promise<QueryResult<T[]>>;
  /** Deletes the rows matching `where` (an empty `where` needs `{ all: true }`). */
  remove<T = Row>(table: string, where?: Where, options?: boolean | RemoveOptions): Promise<QueryResult<T[]>>;
  /** Inserts, or updates the row that conflicts on `conflictColumns`. */
  upsert<T = Row>(table: string, data: Row, conflictColumns: string[], returnRecord?: boolean): Promise<QueryResult<T[]>>;
  /** Inserts any number of rows atomically, in statements within the platform's limits. */
  insertMany(table: string, rows: readonly Row[]): Promise<QueryResult<{ inserted: number }>>;
  /** One page of a keyset walk: stable under concurrent writes, constant cost at any depth. */
  paginate<T = Row>(table: string, options?: PaginateOptions): Promise<QueryResult<{ rows: T[]; nextCursor: string | null }>>;
}

/** The helpers over `transport`, converting and validating with `tables`. */
export function ormMethods(transport: Transport, tables: Tables): OrmMethods {
  const rows = async <T>(table: string, compiled: { sql: string; params: unknown[] }): Promise<QueryResult<T[]>> => {
    const result = await transport.query(compiled.sql, compiled.params);
    if (result.ok) result.json = convertRows<T>(tables, table, result.json);
    return result;
  };

  return {
    select: (table, where = {}, options = {}) => attempt(() => rows(table, compile("compileSelect", { table, where, options }))),

    count: (table, where = {}) =>
      attempt(async () => {
        const { sql, params } = compile("compileCount", { table, where });
        const result = await transport.query(sql, params);
        if (result.ok) result.json = result.json[0].count;
        return result;
      }),

    insert: (table, data, returnRecord = true) =>
      attempt(() => {
        validateRow(tables, table, data, false);
        return rows(table, compile("compileInsert", { table, data, returnRecord }));
      }),

    update: (table, data, where = {}, returnRecord = true) =>
      attempt(() => {
        validateRow(tables, table, data, true);
        return rows(table, compile("compileUpdate", { table, data, where, returnRecord }));
      }),

    remove: (table, where = {}, options = true) =>
      attempt(() => {
        const opts = typeof options === "boolean" ? { returnRecord: options } : options;
        return rows(table, compile("compileRemove", { table, where, options: opts }));
      }),

    upsert: (table, data, conflictColumns, returnRecord = true) =>
      attempt(() => {
        validateRow(tables, table, data, false);
        return rows(table, compile("compileUpsert", { table, data, conflictColumns, returnRecord }));
      }),

    insertMany: (table, list) =>
      attempt(async () => {
        if (!Array.isArray(list)) throw new DormError("INVALID_ARGUMENT", 400, "insertMany takes an array of row objects");
        if (list.length === 0) return { json: { inserted: 0 }, status: 200, ok: true as const };
        const statements = insertStatements(tables, table, list);
        const result = await transport.batch(statements);
        return result.ok ? { json: { inserted: list.length }, status: 200, ok: true as const } : result;
      }),

    paginate: (table, options = {}) =>
      attempt(async () => {
        const { where = {}, cursor, ...rest } = options;
        const decoded = cursor == null ? undefined : decodeCursor(cursor);
        const page = compile<Page>("compilePaginate", { table, where, options: { ...rest, cursor: decoded } });
        const result = await rows<Row>(table, page);
        if (!result.ok) return result;
        const limit = page.params[page.params.length - 1];
        const last = result.json[result.json.length - 1];
        const nextCursor = last && result.json.length === limit ? encodeCursor(page.cursorColumns.map((c) => last[c])) : null;
        for (const row of result.json) delete row._dorm_rowid;
        return { json: { rows: result.json, nextCursor }, status: 200, ok: true as const };
      }),
  } as OrmMethods;
}

/**
 * Multi-row INSERTs for `list`, grouped by each row's set of columns (so a column a row leaves
 * out takes its default), every statement within 100 bound values.
 */
function insertStatements(tables: Tables, table: string, list: readonly Row[]): { sql: string; params: unknown[] }[] {
  const groups = new Map<string, { columns: string[]; rows: Row[] }>();
  for (const [i, row] of list.entries()) {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new DormError("INVALID_ARGUMENT", 400, `insertMany: row ${i} is not an object`);
    }
    try {
      validateRow(tables, table, row, false);
    } catch (error) {
      throw new DormError("VALIDATION_FAILED", 400, `row ${i}: ${(error as Error).message}`);
    }
    const columns = Object.keys(row);
    const signature = columns.join("\u0000");
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = { columns, rows: [] }));
    group.rows.push(row);
  }
  const statements: { sql: string; params: unknown[] }[] = [];
  for (const { columns, rows } of groups.values()) {
    const plan = planInsertMany(table, columns, rows.length);
    let next = 0;
    const take = (count: number, sql: string) => {
      const params: unknown[] = [];
      for (const row of rows.slice(next, next + count)) for (const c of columns) params.push(row[c]);
      next += count;
      statements.push({ sql, params });
    };
    for (let s = 0; s < plan.fullStatements; s++) take(plan.rowsPerStatement, plan.fullSql!);
    if (plan.lastRows > 0) take(plan.lastRows, plan.lastSql!);
  }
  return statements;
}

function encodeCursor(values: unknown[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(values));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): unknown[] {
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const values = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    if (Array.isArray(values)) return values;
  } catch {
    // fall through
  }
  throw new DormError("INVALID_ARGUMENT", 400, "cursor is not a nextCursor this library returned");
}

async function attempt<T>(work: () => Promise<QueryResult<T>> | QueryResult<T>): Promise<QueryResult<T>> {
  try {
    return await work();
  } catch (error) {
    return failed(error);
  }
}
