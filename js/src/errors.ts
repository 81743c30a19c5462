import type { QueryResult } from "./types.js";

/**
 * Every failure dormroom reports carries a stable `code` and the HTTP `status` it maps to.
 *
 * Codes from the Rust core: `TRANSACTION_CONTROL`, `FORBIDDEN_STATEMENT`, `EMPTY_SQL`,
 * `PARAMETER_COUNT`, `INVALID_IDENTIFIER`, `INVALID_SCHEMA`, `INVALID_ARGUMENT`,
 * `VALIDATION_FAILED`, `READ_ONLY`. From the runtime: `SQL_ERROR` (SQLite refused the
 * statement, 400), `UNSAFE_INTEGER` (a write returned integers beyond ±2^53−1, 400), `INTERNAL` (anything else, 500), `CORE_TRAP` (the wasm core trapped and was
 * re-instantiated, 500).
 *
 * @example
 * try { jsonSchemaToSql({ $id: "" } as any) } catch (e) { if (e instanceof DormError) e.code }
 */
export class DormError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = "DormError";
    this.code = code;
    this.status = status;
  }

  /** Wraps anything thrown into a `DormError`, classifying SQLite's own errors as 400. */
  static from(error: unknown): DormError {
    if (error instanceof DormError) return error;
    if (isCoreError(error)) return new DormError(error.code, error.status, error.message);
    const message = error instanceof Error ? error.message : String(error);
    if (/SQLITE_|no such (table|column)|syntax error|constraint failed|datatype mismatch/i.test(message)) {
      return new DormError("SQL_ERROR", 400, message);
    }
    return new DormError("INTERNAL", 500, message);
  }
}

/** The failed result (`ok: false`, `json: null`) for anything thrown. */
export function failed<T>(error: unknown): QueryResult<T> {
  const e = DormError.from(error);
  return { json: null, status: e.status, ok: false, error: e.message, code: e.code } as QueryResult<T>;
}

/** The `{ code, status, message }` object the wasm core throws. */
export interface CoreError {
  code: string;
  status: number;
  message: string;
}

function isCoreError(value: unknown): value is CoreError {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as CoreError).code === "string" &&
    typeof (value as CoreError).status === "number" &&
    typeof (value as CoreError).message === "string"
  );
}
