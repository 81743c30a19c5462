/**
 * A database's schema: prepared once per distinct config by the Rust core (statements and JSON
 * Schemas → DDL + hash), and applied once per database by the object, which keeps a ledger of
 * the statements it applied in `_dorm_schema`. Appending a statement (say `ALTER TABLE ... ADD
 * COLUMN`) applies just that statement to existing databases: a migration.
 */
import { Cache, callCore } from "./core.js";
import { DormError } from "./errors.js";
import type { TableSchema } from "./types.js";

/** What the client sends with its calls, so that no call needs a separate init round trip. */
export interface PreparedSchema {
  hash: string;
  statements: string[];
}

const prepared = new Cache<PreparedSchema | DormError>(200, 1 << 20);

/** The DDL for `statements` and `schemas`; throws `DormError` for a schema that cannot be. */
export function prepareSchema(statements: string | readonly string[] = [], schemas: readonly TableSchema[] = []): PreparedSchema {
  const list = typeof statements === "string" ? [statements] : [...statements];
  if (!list.every((s) => typeof s === "string")) {
    throw new DormError("INVALID_SCHEMA", 400, "statements must be a string or an array of strings");
  }
  const schemasJson = JSON.stringify(schemas ?? []);
  const key = `${list.join("\u0000")}\u0001${schemasJson}`;
  const answer = prepared.get(key, () => {
    try {
      return callCore((core) => core.prepareSchema(list, schemasJson) as PreparedSchema);
    } catch (error) {
      return DormError.from(error);
    }
  });
  if (answer instanceof DormError) throw answer;
  return answer;
}

/** The DDL of one JSON Schema table (parity with the original's `jsonSchemaToSql`). Throws `DormError`. */
export function jsonSchemaToSql(schema: TableSchema): { createTableStatement: string; indexStatements: string[] } {
  const json = JSON.stringify(schema);
  if (json === undefined) throw new DormError("INVALID_SCHEMA", 400, "the schema must be a JSON object");
  return callCore((core) => core.jsonSchemaToSql(json));
}

const LEDGER = `CREATE TABLE IF NOT EXISTS _dorm_schema (
  sql TEXT PRIMARY KEY,
  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)`;

/** How mirroring takes part in applying a schema (see `mirror/`). */
export interface LedgerHooks {
  /** The statement as this database runs it. */
  statement?(sql: string): string;
  /** True for an error that means "already done here" (recorded as applied). */
  tolerate?(error: DormError): boolean;
  /** After statements were applied, inside the same transaction. */
  applied?(): void;
}

/** Applies prepared schemas to one object's storage, each statement once. */
export class SchemaLedger {
  #applied: string | undefined;
  readonly #storage: DurableObjectStorage;
  readonly #hooks: LedgerHooks;

  constructor(storage: DurableObjectStorage, hooks: LedgerHooks = {}) {
    this.#storage = storage;
    this.#hooks = hooks;
  }

  /** Applies what of `schema` this database has not applied yet, atomically. Throws `DormError`. */
  ensure(schema: PreparedSchema | undefined): void {
    if (!schema || schema.hash === this.#applied) return;
    if (typeof schema.hash !== "string" || !Array.isArray(schema.statements)) {
      throw new DormError("INVALID_SCHEMA", 400, "schema must be { hash, statements }");
    }
    const sql = this.#storage.sql;
    this.#storage.transactionSync(() => {
      sql.exec(LEDGER);
      const done = new Set(sql.exec<{ sql: string }>("SELECT sql FROM _dorm_schema").toArray().map((r) => r.sql));
      let applied = false;
      for (const statement of schema.statements) {
        if (done.has(statement)) continue;
        try {
          const text = this.#hooks.statement?.(statement) ?? statement;
          if (text) sql.exec(text);
        } catch (error) {
          const cause = DormError.from(error);
          if (this.#hooks.tolerate?.(cause)) {
            sql.exec("INSERT INTO _dorm_schema (sql) VALUES (?)", statement);
            continue;
          }
          const hint = /already exists/.test(cause.message)
            ? " (this database applied an earlier version of the statement: write CREATE ... IF NOT EXISTS, and change existing tables by appending ALTER TABLE statements)"
            : "";
          throw new DormError("INVALID_SCHEMA", 400, `schema statement failed: ${cause.message}${hint}\n  in: ${statement}`);
        }
        sql.exec("INSERT INTO _dorm_schema (sql) VALUES (?)", statement);
        applied = true;
      }
      if (applied) this.#hooks.applied?.();
    });
    this.#applied = schema.hash;
  }
}
