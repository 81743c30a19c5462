/**
 * Delivery: the object's alarm sends the outbox to each mirror in order, in batches, and
 * advances that mirror's cursor only when the mirror acknowledges. A failing mirror is retried
 * with exponential backoff while writes go on; a mirror that lost its state (it answers that
 * changes are missing) gets everything again from a snapshot. Nothing here needs
 * `ctx.waitUntil`: the changes are committed with the writes and the alarm is durable.
 */
import { DormError } from "../errors.js";
import type { MirrorSource, TargetRow } from "./outbox.js";
import type { Change, Delivery, DeliveryResult } from "./types.js";

/** The mirror's RPC method, as the source calls it. */
export interface MirrorStub {
  applyChanges(delivery: Delivery): Promise<DeliveryResult>;
}

/** At most this many changes, and about this many bytes of row images, per delivery. */
export const BATCH_CHANGES = 2000;
export const BATCH_BYTES = 4 << 20;
/** Backoff after the n-th failure in a row: 250 ms · 2^(n−1), at most 5 minutes. */
export const BACKOFF_BASE_MS = 250;
export const BACKOFF_MAX_MS = 5 * 60_000;
/** Delivery rounds per alarm (changes keep arriving while a round waits for the mirrors). */
const ROUNDS = 4;

export function backoff(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

export class Deliverer {
  readonly #storage: DurableObjectStorage;
  readonly #sql: SqlStorage;
  readonly #source: MirrorSource;
  readonly #resolve: (target: TargetRow) => MirrorStub;
  #running: Promise<void> | undefined;

  constructor(storage: DurableObjectStorage, source: MirrorSource, resolve: (target: TargetRow) => MirrorStub) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#source = source;
    this.#resolve = resolve;
  }

  /** Delivers to every mirror what it has not acknowledged; one run at a time. Never throws. */
  run(): Promise<void> {
    this.#running ??= this.#deliverAll().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #deliverAll(): Promise<void> {
    this.#source.armed = false;
    if (!this.#source.active) return;
    const self = this.#source.self ?? "";
    // Changes written while delivering are delivered in the same run (a few rounds at most).
    for (let round = 0; round < ROUNDS; round++) {
      const due = this.#source.targets().filter((t) => t.attempts === 0 && (t.reset || this.#hasAfter(t.delivered)));
      const retries = round === 0 ? this.#source.targets().filter((t) => t.attempts > 0) : [];
      if (due.length + retries.length === 0) break;
      await Promise.all([...due, ...retries].map((target) => this.#deliverTo(target, self)));
    }
    this.#source.trim();
    this.#schedule();
  }

  async #deliverTo(target: TargetRow, self: string): Promise<void> {
    let { delivered, reset } = target;
    for (;;) {
      const changes = this.#read(delivered);
      if (changes.length === 0 && !reset) return;
      const delivery: Delivery = {
        source: self,
        sourceColumn: target.source_column,
        after: delivered,
        reset,
        changes,
        shapes: this.#shapes(changes),
      };
      let result: DeliveryResult;
      try {
        result = await this.#resolve(target).applyChanges(delivery);
      } catch (error) {
        this.#failed(target, error);
        return;
      }
      if (result.error !== undefined) {
        this.#failed(target, new Error(result.error));
        return;
      }
      if (!result.ok) {
        // The mirror misses changes it once acknowledged (it was wiped or restored): start over.
        this.#resync(target.name);
        const restarted = this.#source.targets().find((t) => t.name === target.name);
        if (!restarted) return;
        ({ delivered, reset } = restarted);
        continue;
      }
      delivered = Math.max(result.lastSeq, changes.at(-1)?.[0] ?? 0);
      reset = null;
      this.#sql.exec(
        `UPDATE _dorm_mirror_targets SET delivered = ?, reset = NULL, attempts = 0, last_error = NULL, next_attempt_at = NULL,
           delivered_changes = delivered_changes + ?, last_delivered_at = ? WHERE name = ?`,
        delivered,
        result.applied,
        Date.now(),
        target.name,
      );
    }
  }

  /** The next changes after `seq`, within the batch limits. */
  #read(seq: number): Change[] {
    const changes: Change[] = [];
    let bytes = 0;
    const cursor = this.#sql.exec("SELECT seq, shape, op, row FROM _dorm_outbox WHERE seq > ? ORDER BY seq LIMIT ?", seq, BATCH_CHANGES);
    for (const row of cursor.raw()) {
      const size = typeof row[3] === "string" ? row[3].length : 0;
      if (changes.length > 0 && bytes + size > BATCH_BYTES) break;
      bytes += size + 32;
      changes.push(row as unknown as Change);
    }
    return changes;
  }

  #shapes(changes: Change[]): Record<string, string> {
    const ids = [...new Set(changes.map((c) => c[1]))];
    const shapes: Record<string, string> = {};
    if (ids.length === 0) return shapes;
    const rows = this.#sql.exec<{ id: number; spec: string }>(
      "SELECT id, spec FROM _dorm_mirror_shapes WHERE id IN (SELECT value FROM json_each(?))",
      JSON.stringify(ids),
    );
    for (const row of rows) shapes[String(row.id)] = row.spec;
    return shapes;
  }

  #failed(target: TargetRow, error: unknown): void {
    const current = this.#source.targets().find((t) => t.name === target.name);
    if (!current) return;
    const attempts = current.attempts + 1;
    const now = Date.now();
    const message = DormError.from(error).message;
    this.#sql.exec(
      "UPDATE _dorm_mirror_targets SET attempts = ?, last_error = ?, last_error_at = ?, next_attempt_at = ? WHERE name = ?",
      attempts,
      message.slice(0, 2000),
      now,
      now + backoff(attempts),
      target.name,
    );
  }

  /** Snapshot everything for a mirror that lost its state. */
  #resync(name: string): void {
    this.#storage.transactionSync(() => {
      this.#sql.exec(
        "UPDATE _dorm_mirror_targets SET delivered = ?, reset = ? WHERE name = ?",
        this.#source.lastSeq(),
        crypto.randomUUID(),
        name,
      );
      this.#source.recapture(true);
    });
  }

  /**
   * The next alarm: soon while a healthy mirror has changes waiting, else the earliest retry.
   * With nothing due, the next write arms it again. (An alarm set during the alarm handler must
   * be later than the one running, or it counts as the same alarm and is cleared.)
   */
  #schedule(): void {
    let at: number | undefined;
    const soon = Date.now() + 1;
    for (const target of this.#source.targets()) {
      const due = target.attempts > 0 ? Math.max(target.next_attempt_at ?? soon, soon) : target.reset || this.#hasAfter(target.delivered) ? soon : undefined;
      if (due !== undefined) at = Math.min(at ?? due, due);
    }
    this.#source.armed = at !== undefined;
    if (at !== undefined) void this.#storage.setAlarm(at);
  }

  #hasAfter(seq: number): boolean {
    return this.#sql.exec("SELECT 1 FROM _dorm_outbox WHERE seq > ? LIMIT 1", seq).toArray().length > 0;
  }
}
