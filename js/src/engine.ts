/**
 * Runs SQL against a Durable Object's SQLite storage: one statement directly, several (or a
 * transaction) atomically inside `transactionSync`, and shapes the rows of the last statement.
 * Per-statement decisions come from the Rust core (cached by SQL text); rows stay in JS.
 */
import { type Analysis, analyze, exactIntegersSql, shapeColumns, type StatementInfo } from "./analysis.js";
import { DormError } from "./errors.js";
import type { RawResult, SqlValue } from "./types.js";

/** How the rows of the last statement come back. */
export type RowFormat = "objects" | "raw";

export interface RunOptions {
  format?: RowFormat;
  /** All statements commit or none do (several statements are always atomic). */
  transaction?: boolean;
  /** Refuse (403) and roll back anything that writes, whatever the SQL claims to be. */
  readOnly?: boolean;
}

export type Rows = Record<string, SqlValue>[];

/**
 * Called around every SQL string that may write (mirroring observes writes and schema changes
 * there); `execute` runs the given text, the SQL itself or a rewrite of it, with the same values.
 */
export type RunHook = <T>(sql: string, analysis: Analysis, execute: (sql: string) => T) => T;

export class Engine {
  readonly #storage: DurableObjectStorage;
  readonly #sql: SqlStorage;
  readonly #hook: RunHook | undefined;

  constructor(storage: DurableObjectStorage, hook?: RunHook) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#hook = hook;
  }

  /** Runs one SQL string of one or more statements. Throws `DormError`. */
  run(sql: string, params: readonly unknown[], options: RunOptions = {}): Rows | RawResult {
    let analysis: Analysis | undefined;
    try {
      analysis = this.#hook && typeof sql === "string" ? analyze(sql) : undefined;
    } catch {
      // #run reports it
    }
    if (!analysis || analysis.readOnly) return this.#run(sql, params, options);
    return this.#hook!(sql, analysis, (text) => this.#run(text, params, options));
  }

  #run(sql: string, params: readonly unknown[], options: RunOptions): Rows | RawResult {
    if (typeof sql !== "string") throw new DormError("INVALID_ARGUMENT", 400, "sql must be a string");
    if (!Array.isArray(params)) throw new DormError("INVALID_ARGUMENT", 400, "params must be an array");
    const analysis = analyze(sql);
    const format = options.format ?? "objects";
    const values = params.map(toBindable);
    if (options.readOnly && !analysis.readOnly) throw readOnlyError();
    const statements = analysis.statements;
    const single = statements.length === 1;
    if (single && statements[0].kind === "read" && !options.transaction && !options.readOnly) {
      return this.#runLast(sql, statements[0], values, format).result;
    }
    if (!single && analysis.params !== values.length) {
      throw new DormError(
        "PARAMETER_COUNT",
        400,
        `the ${statements.length} statements bind ${analysis.params} parameters in all, but ${values.length} were given`,
      );
    }
    return this.#storage.transactionSync(() => {
      let offset = 0;
      let result: Rows | RawResult | undefined;
      for (const [i, statement] of statements.entries()) {
        const text = single ? sql : statement.sql;
        const slice = single ? values : values.slice(offset, offset + statement.params);
        offset += statement.params;
        let written: number;
        if (i === statements.length - 1) ({ result, written } = this.#runLast(text, statement, slice, format));
        else written = drain(this.#exec(text, slice));
        if (options.readOnly && written > 0) throw readOnlyError();
      }
      return result!;
    });
  }

  /** Runs several SQL strings atomically; answers one result per string. Throws `DormError`. */
  batch(items: readonly { sql: string; params?: readonly unknown[] }[], options: RunOptions = {}): (Rows | RawResult)[] {
    if (!Array.isArray(items) || items.length === 0) {
      throw new DormError("INVALID_ARGUMENT", 400, "a batch needs a non-empty array of { sql, params? }");
    }
    return this.#storage.transactionSync(() =>
      items.map((item) => {
        if (typeof item !== "object" || item === null) {
          throw new DormError("INVALID_ARGUMENT", 400, "each batch item must be an object { sql, params? }");
        }
        return this.run(item.sql, item.params ?? [], { ...options, transaction: true });
      }),
    );
  }

  /**
   * Runs the statement whose rows are the answer. Integers beyond ±2^53−1 would be rounded as
   * JavaScript numbers: a read is run again through the core's wrapper that returns them as
   * exact decimal text; a write that returns them fails (and rolls back) with UNSAFE_INTEGER.
   */
  #runLast(text: string, statement: StatementInfo, values: readonly unknown[], format: RowFormat) {
    const cursor = this.#exec(text, values);
    const result = this.#shape(cursor, format);
    const written = cursor.rowsWritten;
    if (!hasUnsafeInteger(result)) return { result, written };
    const exact = statement.kind === "read" ? exactIntegersSql(statement.sql, cursor.columnNames) : undefined;
    if (exact === undefined) {
      throw new DormError(
        "UNSAFE_INTEGER",
        400,
        "the result holds integers beyond ±2^53−1, which JavaScript numbers cannot represent exactly; select them as text, e.g. CAST(col AS TEXT)",
      );
    }
    return { result: this.#shape(this.#exec(exact, values), format), written };
  }

  #exec(sql: string, values: readonly unknown[]): SqlStorageCursor<Record<string, SqlStorageValue>> {
    try {
      return this.#sql.exec(sql, ...values);
    } catch (error) {
      throw DormError.from(error);
    }
  }

  #shape(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>, format: RowFormat): Rows | RawResult {
    try {
      const columns = cursor.columnNames;
      if (format === "raw") {
        const rows = Array.from(cursor.raw()) as SqlValue[][];
        return { columns, rows, meta: { rows_read: cursor.rowsRead, rows_written: cursor.rowsWritten } };
      }
      const shape = shapeColumns(columns);
      if (!shape.renamed) return cursor.toArray() as Rows;
      const keys = shape.keys;
      return Array.from(cursor.raw(), (values) => {
          const row: Record<string, SqlValue> = {};
          for (let i = 0; i < keys.length; i++) row[keys[i]] = values[i] as SqlValue;
          return row;
      });
    } catch (error) {
      throw DormError.from(error);
    }
  }
}

/** Runs a cursor to its end; answers how many rows it wrote. */
function drain(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>): number {
  for (let step = cursor.next(); !step.done; step = cursor.next());
  return cursor.rowsWritten;
}

/** True when some value is an integer a JavaScript number cannot hold exactly. */
function hasUnsafeInteger(result: Rows | RawResult): boolean {
  const unsafe = (value: unknown) =>
    typeof value === "number" && (value > MAX_SAFE || value < -MAX_SAFE) && Number.isInteger(value);
  if (!Array.isArray(result)) return result.rows.some((row) => row.some(unsafe));
  for (const row of result) {
    for (const key in row) if (unsafe(row[key])) return true;
  }
  return false;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function readOnlyError(): DormError {
  return new DormError("READ_ONLY", 403, "read-only access: this SQL would write, so it was not run (or was rolled back)");
}

/**
 * Values SQLite can bind: strings, numbers, null and binary as they are; `undefined` → NULL,
 * booleans → 1/0, bigints → their decimal text (an INTEGER column stores it as an exact
 * integer), `Date` → ISO text, other objects and arrays → JSON text.
 */
export function toBindable(value: unknown): SqlStorageValue {
  switch (typeof value) {
    case "string":
    case "number":
      return value;
    case "boolean":
      return value ? 1 : 0;
    case "bigint":
      return value.toString();
    case "undefined":
      return null;
    case "object":
      if (value === null || value instanceof ArrayBuffer) return value;
      if (ArrayBuffer.isView(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
      if (value instanceof Date) return value.toISOString();
      return JSON.stringify(value);
    default:
      throw new DormError("INVALID_ARGUMENT", 400, `a ${typeof value} cannot be bound as a SQL parameter`);
  }
}
