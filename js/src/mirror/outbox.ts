/**
 * The source side of mirroring: once a database has mirrors, every table carries capture
 * triggers (from the Rust core) that record each row change into `_dorm_outbox` in the
 * transaction of the write. This module registers mirrors, re-captures tables after schema
 * changes, keeps writes with `skipMirror` out, and arms the alarm that delivers.
 */
import type { Analysis } from "../analysis.js";
import { DormError } from "../errors.js";
import { planCapture } from "./core.js";
import type { MirrorConfig, MirrorTarget, MirrorTargetStatus } from "./types.js";
import { DEFAULT_SOURCE_COLUMN, describeTable, getMeta, hasTable, iso, run, setMeta, SOURCE_SETUP, userTables } from "./store.js";

export type TargetRow = {
  name: string;
  location_hint: string | null;
  source_column: string;
  binding: string | null;
  delivered: number;
  /** A token while the mirror must start over from a snapshot (see `Delivery.reset`). */
  reset: string | null;
  delivered_changes: number;
  last_delivered_at: number | null;
  attempts: number;
  last_error: string | null;
  last_error_at: number | null;
  next_attempt_at: number | null;
};

export class MirrorSource {
  readonly #storage: DurableObjectStorage;
  readonly #sql: SqlStorage;
  /** The database has mirrors: tables are captured. */
  #active: boolean;
  #configured: string | undefined;
  #skip = false;
  #lastSeen = 0;
  /** Called when new changes were recorded (delivery takes it from there). */
  onChanges: (() => void) | undefined;
  /**
   * Acknowledgements not yet written to `_dorm_mirror_targets` (see `acknowledge`): losing them
   * only means a redelivery that the mirror recognises and skips.
   */
  readonly #acked = new Map<string, { delivered: number; applied: number; at: number }>();
  #ackedChanges = 0;
  #persistedAt = Date.now();

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#active = hasTable(this.#sql, "_dorm_mirror_targets") && this.targets().length > 0;
  }

  get active(): boolean {
    return this.#active;
  }

  /** This database's name as mirrors know it. */
  get self(): string | undefined {
    return this.#active || hasTable(this.#sql, "_dorm_mirror_meta") ? getMeta(this.#sql, "self") : undefined;
  }

  /** The mirrors and their delivery state (acknowledgements not yet written included). */
  targets(): TargetRow[] {
    const rows = this.#sql.exec<TargetRow>("SELECT * FROM _dorm_mirror_targets ORDER BY name").toArray();
    if (this.#acked.size === 0) return rows;
    return rows.map((row) => {
      const acked = this.#acked.get(row.name);
      if (!acked || acked.delivered < row.delivered) return row;
      return {
        ...row,
        delivered: acked.delivered,
        delivered_changes: row.delivered_changes + acked.applied,
        last_delivered_at: acked.at,
      };
    });
  }

  /**
   * A mirror acknowledged changes up to `delivered`. Kept in memory (a write per delivery would
   * double the commits of a mirrored write), unless the mirror was failing or starting over.
   */
  acknowledge(target: TargetRow, delivered: number, applied: number): void {
    const now = Date.now();
    if (target.attempts > 0 || target.reset !== null) {
      this.#sql.exec(
        `UPDATE _dorm_mirror_targets SET delivered = ?, reset = NULL, attempts = 0, last_error = NULL, next_attempt_at = NULL,
           delivered_changes = delivered_changes + ?, last_delivered_at = ? WHERE name = ?`,
        delivered,
        applied,
        now,
        target.name,
      );
      return;
    }
    const acked = this.#acked.get(target.name);
    this.#acked.set(target.name, { delivered, applied: (acked?.applied ?? 0) + applied, at: now });
    this.#ackedChanges += applied;
  }

  /** Writes acknowledgements now and then (always with `force`), and drops delivered changes. */
  persist(force: boolean): void {
    if (!force && this.#ackedChanges < PERSIST_CHANGES && Date.now() - this.#persistedAt < PERSIST_MS) return;
    this.#storage.transactionSync(() => {
      for (const [name, acked] of this.#acked) {
        this.#sql.exec(
          `UPDATE _dorm_mirror_targets SET delivered = max(delivered, ?), delivered_changes = delivered_changes + ?,
             last_delivered_at = ? WHERE name = ?`,
          acked.delivered,
          acked.applied,
          acked.at,
          name,
        );
      }
      this.trim();
    });
    this.#acked.clear();
    this.#ackedChanges = 0;
    this.#persistedAt = Date.now();
  }

  /** The highest sequence number ever recorded (0 before the first change). */
  lastSeq(): number {
    if (!this.#active && !hasTable(this.#sql, "_dorm_outbox")) return 0;
    const row = this.#sql.exec<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = '_dorm_outbox'").toArray()[0];
    return row?.seq ?? 0;
  }

  /**
   * Registers the mirrors a client names. New ones start from now with a snapshot of every
   * table (which also reaches existing mirrors, harmlessly); existing ones keep their state.
   * Mirrors are never removed implicitly (a client without the config must not stop them).
   */
  configure(config: MirrorConfig | undefined, isMirror: boolean): void {
    if (!config || !Array.isArray(config.targets) || config.targets.length === 0) return;
    const key = JSON.stringify(config);
    if (key === this.#configured) return;
    const targets = config.targets.map(checkTarget);
    if (isMirror) {
      throw new DormError(
        "INVALID_ARGUMENT",
        400,
        "this database is a mirror (it receives deliveries from other databases); mirroring it further is not supported",
      );
    }
    if (typeof config.self !== "string" || config.self === "") throw new DormError("INVALID_ARGUMENT", 400, "the mirror config needs the database's name");
    if (targets.some((t) => t.name === config.self)) {
      throw new DormError("INVALID_ARGUMENT", 400, `database ${JSON.stringify(config.self)} cannot be its own mirror`);
    }
    this.#storage.transactionSync(() => {
      run(this.#sql, SOURCE_SETUP);
      if (getMeta(this.#sql, "self") === undefined) setMeta(this.#sql, "self", config.self);
      const known = new Map(this.targets().map((t) => [t.name, t]));
      let added = false;
      const base = this.lastSeq();
      for (const target of targets) {
        const column = target.sourceColumn ?? DEFAULT_SOURCE_COLUMN;
        const row = known.get(target.name);
        if (!row) {
          this.#sql.exec(
            "INSERT INTO _dorm_mirror_targets (name, location_hint, source_column, binding, delivered, reset) VALUES (?, ?, ?, ?, ?, ?)",
            target.name,
            target.locationHint ?? null,
            column,
            target.binding ?? null,
            base,
            crypto.randomUUID(),
          );
          added = true;
        } else if (row.location_hint !== (target.locationHint ?? null) || row.source_column !== column || row.binding !== (target.binding ?? null)) {
          this.#sql.exec(
            "UPDATE _dorm_mirror_targets SET location_hint = ?, source_column = ?, binding = ? WHERE name = ?",
            target.locationHint ?? null,
            column,
            target.binding ?? null,
            target.name,
          );
        }
      }
      if (added) this.recapture(true);
    });
    this.#active = true;
    this.#configured = key;
    this.arm();
  }

  /** Stops mirroring into `name`; with no mirror left, capture stops and the outbox is emptied. */
  remove(name: string): { removed: boolean } {
    if (!hasTable(this.#sql, "_dorm_mirror_targets")) return { removed: false };
    let removed = false;
    this.persist(true);
    this.#storage.transactionSync(() => {
      removed = this.#sql.exec("DELETE FROM _dorm_mirror_targets WHERE name = ?", name).rowsWritten > 0;
      if (this.targets().length > 0) return this.trim();
      const triggers = this.#sql
        .exec<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '\\_dorm\\_mirror\\_%' ESCAPE '\\'")
        .toArray();
      for (const t of triggers) this.#sql.exec(`DROP TRIGGER IF EXISTS "${t.name.replaceAll('"', '""')}"`);
      run(this.#sql, ["DELETE FROM _dorm_outbox", "DELETE FROM _dorm_mirror_tables", "DELETE FROM _dorm_mirror_shapes"]);
      this.#active = false;
    });
    this.#configured = undefined;
    return { removed };
  }

  /**
   * Brings capture up to date with the schema: triggers for new and changed tables, `S` changes
   * for new shapes, `C` + snapshot for new or rebuilt tables and, with `snapshot`, for all.
   * Runs inside the caller's transaction.
   */
  recapture(snapshot: boolean): void {
    const sql = this.#sql;
    const mapped = sql
      .exec<{ tbl: string; shape: number; spec: string }>(
        "SELECT t.tbl, t.shape, s.spec FROM _dorm_mirror_tables t JOIN _dorm_mirror_shapes s ON s.id = t.shape",
      )
      .toArray();
    const previous = new Map(mapped.map((m) => [m.tbl.toLowerCase(), m]));
    const tables = userTables(sql);
    const present = new Set(tables.map((t) => t.name.toLowerCase()));
    for (const m of mapped) {
      if (present.has(m.tbl.toLowerCase())) continue;
      sql.exec("INSERT INTO _dorm_outbox (shape, op, row) VALUES (?, 'C', NULL)", m.shape);
      sql.exec("DELETE FROM _dorm_mirror_tables WHERE tbl = ?", m.tbl);
    }
    const triggers = sql
      .exec<{ name: string; tbl_name: string; sql: string }>(
        "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '\\_dorm\\_mirror\\_%' ESCAPE '\\'",
      )
      .toArray();
    let nextId = sql.exec<{ id: number }>("SELECT coalesce(max(id), 0) + 1 AS id FROM _dorm_mirror_shapes").one().id as number;
    for (const { name, withoutRowid } of tables) {
      const table = describeTable(sql, name, withoutRowid);
      if (!table) continue;
      const prev = previous.get(name.toLowerCase());
      const existing = triggers.filter((t) => t.tbl_name.toLowerCase() === name.toLowerCase()).map((t) => ({ name: t.name, sql: t.sql }));
      let capture;
      try {
        capture = planCapture({ table, previous: prev && { id: prev.shape, spec: prev.spec }, existing, nextId, snapshot });
      } catch (error) {
        const cause = DormError.from(error);
        throw new DormError(cause.code, cause.status, `table ${JSON.stringify(name)} cannot be mirrored: ${cause.message}`);
      }
      if (capture.change !== "same") {
        sql.exec("INSERT INTO _dorm_mirror_shapes (id, tbl, spec) VALUES (?, ?, ?)", capture.shapeId, name, capture.spec);
        sql.exec(
          "INSERT INTO _dorm_mirror_tables (tbl, shape) VALUES (?, ?) ON CONFLICT (tbl) DO UPDATE SET tbl = excluded.tbl, shape = excluded.shape",
          name,
          capture.shapeId,
        );
        nextId++;
      }
      run(sql, capture.statements);
    }
  }

  /** Runs `work` (one query) with `skipMirror` in effect when `skip`. */
  skipping<T>(skip: boolean | undefined, work: () => T): T {
    if (!skip || !this.#active) return work();
    this.#skip = true;
    try {
      return work();
    } finally {
      this.#skip = false;
    }
  }

  /**
   * Around every SQL string that may write: a schema change re-captures in the same
   * transaction; `skipMirror` sets the control row for the duration; new changes arm the alarm.
   */
  around<T>(analysis: Analysis, work: () => T): T {
    if (!this.#active) return work();
    const schema = analysis.statements.some((s) => s.kind === "schema" || s.kind === "other");
    const skip = this.#skip;
    let result: T;
    if (!schema && !skip) {
      result = work();
    } else {
      result = this.#storage.transactionSync(() => {
        if (skip) this.#sql.exec("UPDATE _dorm_mirror_ctl SET skip = 1");
        const value = work();
        if (skip) this.#sql.exec("UPDATE _dorm_mirror_ctl SET skip = 0");
        if (schema) this.recapture(false);
        return value;
      });
    }
    this.noticeChanges();
    return result;
  }

  /** After a schema change applied by the ledger (inside its transaction). */
  schemaApplied(): void {
    if (this.#active) this.recapture(false);
  }

  /** Tells delivery when the outbox grew. */
  noticeChanges(): void {
    const seq = this.lastSeq();
    if (seq > this.#lastSeen) {
      this.#lastSeen = seq;
      this.arm();
    }
  }

  /** Tells delivery there is something to deliver. */
  arm(): void {
    if (this.#active) this.onChanges?.();
  }

  /** Deletes the changes every mirror has acknowledged. */
  trim(): void {
    this.#sql.exec("DELETE FROM _dorm_outbox WHERE seq <= (SELECT min(delivered) FROM _dorm_mirror_targets)");
  }

  /** Pending changes after `seq`. */
  pendingAfter(seq: number): number {
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM _dorm_outbox WHERE seq > ?", seq).one().n as number;
  }

  status(): MirrorTargetStatus[] {
    if (!hasTable(this.#sql, "_dorm_mirror_targets")) return [];
    return this.targets().map((t) => ({
      name: t.name,
      pending: this.pendingAfter(t.delivered),
      lastDeliveredSeq: t.delivered,
      lastDeliveredAt: iso(t.last_delivered_at),
      delivered: t.delivered_changes,
      lastError: t.last_error,
      lastErrorAt: iso(t.last_error_at),
      attempts: t.attempts,
      nextAttemptAt: iso(t.next_attempt_at),
    }));
  }
}

/** Acknowledgements are written after this many changes, or this long after the last write. */
const PERSIST_CHANGES = 1000;
const PERSIST_MS = 5000;

function checkTarget(target: MirrorTarget): MirrorTarget {
  if (typeof target !== "object" || target === null || typeof target.name !== "string" || target.name === "") {
    throw new DormError("INVALID_ARGUMENT", 400, "each mirror needs a name: mirrors: [{ name: \"aggregate\" }]");
  }
  if (target.sourceColumn !== undefined && (typeof target.sourceColumn !== "string" || target.sourceColumn === "")) {
    throw new DormError("INVALID_ARGUMENT", 400, "a mirror's sourceColumn must be a non-empty string");
  }
  return target;
}
