/**
 * The mirror side: `applyChanges` applies a source's changes in order, once (the last applied
 * sequence number per source is kept in `_dorm_mirror_in`, in the same transaction), with its own
 * triggers quiet. The database's tables are in mirror form (a source column, keys and UNIQUE per
 * source) from the first delivery on; schema statements an app runs here are rewritten for that.
 */
import type { Analysis } from "../analysis.js";
import { DormError } from "../errors.js";
import { mirrorStatement, planApply, planEnsure, planNormalize, type Shape } from "./core.js";
import type { Delivery, DeliveryResult, MirrorSourceStatus } from "./types.js";
import {
  DEFAULT_SOURCE_COLUMN,
  describeTable,
  getMeta,
  hasTable,
  iso,
  MIRROR_SETUP,
  run,
  schemaObjects,
  setMeta,
  userTables,
} from "./store.js";

/** Row images per upsert statement: at most this many bytes (SQLite's string limit is 2 MB). */
const RUN_BYTES = 1 << 20;

/** Failures to inject (tests): before applying, or after committing (the answer is lost). */
export interface MirrorTestHook {
  failNext?: number;
  failAfterCommit?: number;
  /** Record every applied change as `[source, seq]` (and answer the log). */
  record?: boolean;
}

export class MirrorSink {
  readonly #storage: DurableObjectStorage;
  readonly #sql: SqlStorage;
  readonly #ownName: () => string;
  #mode: boolean;
  /** The source column this instance converted the database for. */
  #entered: string | undefined;
  #ensured = new Set<string>();
  #clear: string[] = [];
  #failNext = 0;
  #failAfterCommit = 0;
  #log: [string, number][] | undefined;

  constructor(storage: DurableObjectStorage, ownName: () => string) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#ownName = ownName;
    this.#mode = hasTable(this.#sql, "_dorm_mirror_in");
  }

  /** This database has received deliveries: it is a mirror. */
  get mirrorMode(): boolean {
    return this.#mode;
  }

  /** Applies one delivery atomically; a failure is an answer with `error` (the source retries). */
  apply(delivery: Delivery): DeliveryResult {
    try {
      checkDelivery(delivery);
      if (this.#failNext > 0) {
        this.#failNext--;
        throw new DormError("INTERNAL", 500, "injected delivery failure (test hook)");
      }
      return this.#apply(delivery);
    } catch (error) {
      this.#forget();
      return { ok: false, lastSeq: -1, applied: 0, error: DormError.from(error).message };
    }
  }

  #apply(delivery: Delivery): DeliveryResult {
    const { source, changes } = delivery;
    const column = delivery.sourceColumn || DEFAULT_SOURCE_COLUMN;
    const applied: number[] = [];
    const result = this.#storage.transactionSync((): DeliveryResult => {
      this.#enter(column);
      const row = this.#sql
        .exec<{ last_seq: number; reset: string | null }>("SELECT last_seq, reset FROM _dorm_mirror_in WHERE source = ?", source)
        .toArray()[0];
      let last = row?.last_seq ?? 0;
      if (delivery.reset && delivery.reset !== row?.reset) {
        this.#normalize(column);
        for (const clear of this.#clear) this.#sql.exec(clear, source);
        last = delivery.after;
      } else if (last < delivery.after) {
        return { ok: false, lastSeq: last, applied: 0 };
      }
      let i = 0;
      while (i < changes.length) {
        const [seq, shapeId, op, image] = changes[i];
        if (!(seq > last)) {
          i++;
          continue;
        }
        const spec = delivery.shapes[String(shapeId)];
        if (typeof spec !== "string") throw new DormError("INVALID_ARGUMENT", 400, `the delivery lacks shape ${shapeId}`);
        this.#ensure(spec, column);
        const plan = planApply(spec, column);
        if (op === "U") {
          let j = i;
          let bytes = 0;
          const images: string[] = [];
          while (j < changes.length && changes[j][1] === shapeId && changes[j][2] === "U") {
            const next = changes[j][3] ?? "null";
            if (images.length > 0 && bytes + next.length > RUN_BYTES) break;
            images.push(next);
            bytes += next.length + 1;
            applied.push(changes[j][0]);
            j++;
          }
          this.#sql.exec(plan.upsert, source, `[${images.join(",")}]`);
          i = j;
          continue;
        }
        if (op === "D") this.#sql.exec(plan.delete, source, image);
        else if (op === "C") this.#sql.exec(plan.clear, source);
        else if (op !== "S") throw new DormError("INVALID_ARGUMENT", 400, `unknown change ${JSON.stringify(op)}`);
        applied.push(seq);
        i++;
      }
      const lastSeq = Math.max(last, changes.at(-1)?.[0] ?? 0);
      this.#sql.exec(
        `INSERT INTO _dorm_mirror_in (source, last_seq, reset, applied, applied_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (source) DO UPDATE SET last_seq = ?2, reset = coalesce(?3, reset), applied = applied + ?4, applied_at = ?5`,
        source,
        lastSeq,
        delivery.reset || null,
        applied.length,
        Date.now(),
      );
      return { ok: true, lastSeq, applied: applied.length };
    });
    if (this.#log) for (const seq of applied) this.#log.push([source, seq]);
    if (result.ok && this.#failAfterCommit > 0) {
      this.#failAfterCommit--;
      return { ok: false, lastSeq: -1, applied: 0, error: "injected failure after commit: the answer was lost (test hook)" };
    }
    return result;
  }

  /**
   * Around an app's SQL in a mirror: schema statements in mirror form (a `CREATE TRIGGER` is not
   * run), then whatever is left converted.
   */
  around<T>(sql: string, analysis: Analysis, execute: (sql: string) => T): T {
    const schema = analysis.statements.some((s) => s.kind === "schema");
    if (!schema) return execute(sql);
    const column = this.#column();
    const rewritten = analysis.statements.map((s) => (s.kind === "schema" ? mirrorStatement(s.sql, column, this.#ownName()) : s.sql));
    const changed = rewritten.some((text, i) => text !== analysis.statements[i].sql);
    const text = changed ? rewritten.filter((t) => t !== "").join(";\n") || "SELECT 1 WHERE 0" : sql;
    try {
      return this.#storage.transactionSync(() => {
        const result = execute(text);
        this.schemaChanged();
        return result;
      });
    } catch (error) {
      this.#forget();
      throw error;
    }
  }

  /** A schema statement as this mirror runs it (the schema ledger's hook). */
  rewrite(statement: string): string {
    return mirrorStatement(statement, this.#column(), this.#ownName());
  }

  /** After schema statements ran here: convert what is plain, forget what was ensured. */
  schemaChanged(): void {
    this.#ensured.clear();
    this.#normalize(this.#column());
  }

  status(): MirrorSourceStatus[] {
    if (!this.#mode) return [];
    return this.#sql
      .exec<{ source: string; last_seq: number; applied: number; applied_at: number | null }>(
        "SELECT source, last_seq, applied, applied_at FROM _dorm_mirror_in ORDER BY source",
      )
      .toArray()
      .map((r) => ({ source: r.source, lastSeq: r.last_seq, applied: r.applied, appliedAt: iso(r.applied_at) }));
  }

  testHook(hook: MirrorTestHook): { log: [string, number][] } {
    if (typeof hook.failNext === "number") this.#failNext = hook.failNext;
    if (typeof hook.failAfterCommit === "number") this.#failAfterCommit = hook.failAfterCommit;
    if (hook.record) this.#log ??= [];
    return { log: [...(this.#log ?? [])] };
  }

  /** After a rolled-back transaction: what this instance believed may not have happened. */
  #forget(): void {
    this.#entered = undefined;
    this.#ensured.clear();
    this.#mode = hasTable(this.#sql, "_dorm_mirror_in");
  }

  #column(): string {
    return (this.#mode && getMeta(this.#sql, "sourceColumn")) || DEFAULT_SOURCE_COLUMN;
  }

  /** Makes this database a mirror tagging rows with `column` (once per instance). */
  #enter(column: string): void {
    if (this.#entered === column) return;
    run(this.#sql, MIRROR_SETUP);
    const stored = getMeta(this.#sql, "sourceColumn");
    if (stored === undefined) setMeta(this.#sql, "sourceColumn", column);
    else if (stored !== column) {
      throw new DormError(
        "INVALID_ARGUMENT",
        400,
        `this mirror tags rows with the column ${JSON.stringify(stored)}, but a source asks for ${JSON.stringify(column)}: configure the same sourceColumn for every source of a mirror`,
      );
    }
    this.#normalize(column);
    this.#mode = true;
    this.#entered = column;
  }

  /** Converts plain tables, widens unique indexes, guards triggers; remembers the clear list. */
  #normalize(column: string): void {
    const tables = userTables(this.#sql).flatMap((t) => describeTable(this.#sql, t.name, t.withoutRowid) ?? []);
    const plan = planNormalize({
      schema: { tables, indexes: schemaObjects(this.#sql, "index"), triggers: schemaObjects(this.#sql, "trigger") },
      sourceColumn: column,
      ownName: this.#ownName(),
    });
    run(this.#sql, plan.statements);
    this.#clear = plan.clear;
  }

  /** Creates or extends the table of a shape (once per shape and instance). */
  #ensure(spec: string, column: string): void {
    const key = `${column}\u0000${spec}`;
    if (this.#ensured.has(key)) return;
    const shape = JSON.parse(spec) as Shape;
    const current = describeTable(this.#sql, shape.table);
    run(this.#sql, planEnsure({ spec, current, sourceColumn: column, ownName: this.#ownName() }));
    this.#ensured.add(key);
  }
}

function checkDelivery(d: Delivery): void {
  const ok =
    typeof d === "object" &&
    d !== null &&
    typeof d.source === "string" &&
    d.source !== "" &&
    typeof d.after === "number" &&
    Array.isArray(d.changes) &&
    typeof d.shapes === "object" &&
    d.shapes !== null;
  if (!ok) throw new DormError("INVALID_ARGUMENT", 400, "a delivery is { source, sourceColumn, after, reset, changes, shapes }");
}
