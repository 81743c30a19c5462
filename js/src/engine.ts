/**
 * Runs SQL against a Durable Object's SQLite storage: one statement directly, several (or a
 * transaction) atomically inside `transactionSync`, and shapes the rows of the last statement.
 * Per-statement decisions come from the Rust core (cached by SQL text); rows stay in JS.
 */
import { analyze, shapeColumns } from "./analysis.js";
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

export class Engine {
  readonly #storage: DurableObjectStorage;
  readonly #sql: SqlStorage;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    this.#sql = storage.sql;
  }

  /** Runs one SQL string of one or more statements. Throws `DormError`. */
  run(sql: string, params: readonly unknown[], options: RunOptions = {}): Rows | RawResult {
    if (typeof sql !== "string") throw new DormError("INVALID_ARGUMENT", 400, "sql must be a string");
    if (!Array.isArray(params)) throw new DormError("INVALID_ARGUMENT", 400, "params must be an array");
    const analysis = analyze(sql);
    const format = options.format ?? "objects";
    const values = params.map(toBindable);
    if (options.readOnly && !analysis.readOnly) throw readOnlyError();
    const statements = analysis.statements;
    if (statements.length === 1 && !options.transaction && !options.readOnly) {
      return this.#shape(this.#exec(sql, values), format);
    }
    if (statements.length > 1 && analysis.params !== values.length) {
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
        const text = statements.length === 1 ? sql : statement.sql;
        const slice = statements.length === 1 ? values : values.slice(offset, offset + statement.params);
        offset += statement.params;
        const cursor = this.#exec(text, slice);
        if (i === statements.length - 1) result = this.#shape(cursor, format);
        else drain(cursor);
        if (options.readOnly && cursor.rowsWritten > 0) throw readOnlyError();
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

function drain(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>): void {
  for (let step = cursor.next(); !step.done; step = cursor.next());
}

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
