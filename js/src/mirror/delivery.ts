/**
 * Delivery sends the outbox to each mirror in order, in batches, and advances that mirror's
 * cursor only when the mirror acknowledges. New changes are delivered right away by the object
 * itself (in memory, a few milliseconds after the write), and the object's alarm is the durable
 * fallback: set with every change, it delivers whatever an evicted or crashed object left
 * behind. A failing mirror is retried by the alarm with exponential backoff while writes go
 * on; a mirror that lost its state (it answers that changes are missing) gets everything again
 * from a snapshot. Nothing here needs `ctx.waitUntil`: the changes are committed with the
 * writes and the alarm is durable.
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
/**
 * A source delivers at most once per this many milliseconds: the changes of that span travel
 * together, so a write pays a fraction of a delivery and the mirror applies fewer, larger batches.
 */
export const COALESCE_MS = 20;
/** After a slow run, the next waits as long as it took, up to this. */
const MAX_PAUSE_MS = 1000;
/** The alarm that delivers should the object go away first. */
export const FALLBACK_MS = 2000;

export function backoff(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

export class Deliverer {
  readonly #storage: DurableObjectStorage;
  readonly #sql: SqlStorage;
  readonly #source: MirrorSource;
  readonly #resolve: (target: TargetRow) => MirrorStub;
  #running: Promise<void> | undefined;
  #kicked = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the next run may start (see `COALESCE_MS`). */
  #nextRun = 0;
  /** Changes arrived during the last run: deliver them once it is over. */
  #more = false;
  /** An alarm is set (or is running). */
  alarmSet = false;

  constructor(storage: DurableObjectStorage, source: MirrorSource, resolve: (target: TargetRow) => MirrorStub) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#source = source;
    this.#resolve = resolve;
  }

  /** New changes were recorded: deliver them soon, with the alarm as the durable fallback. */
  notify(): void {
    if (!this.alarmSet) {
      this.alarmSet = true;
      void this.#storage.setAlarm(Date.now() + FALLBACK_MS);
    }
    if (this.#running || this.#kicked) return; // the running delivery looks again when done
    const wait = this.#nextRun - Date.now();
    if (wait <= 0) {
      // Right after the current event. (Timers alone could starve: workerd fires them when the
      // object is idle, and a busy object is not; its writes come through here.)
      this.#kicked = true;
      queueMicrotask(() => {
        this.#kicked = false;
        void this.run(false);
      });
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.notify();
      }, wait);
    }
  }

  /**
   * Delivers to every mirror what it has not acknowledged; one run at a time. Runs of the alarm
   * (`fromAlarm`) also retry failing mirrors; other runs leave them to their backoff. Never throws.
   */
  run(fromAlarm: boolean): Promise<void> {
    if (this.#running) return fromAlarm ? this.#running.then(() => this.run(true)) : this.#running;
    const start = Date.now();
    this.#running = this.#deliverAll(fromAlarm).finally(() => {
      this.#running = undefined;
      // A slow run means busy mirrors: wait as long before the next one, so batches grow.
      const end = Date.now();
      this.#nextRun = Math.max(start + COALESCE_MS, end + Math.min(end - start, MAX_PAUSE_MS));
      if (this.#more) this.notify();
    });
    return this.#running;
  }

  async #deliverAll(fromAlarm: boolean): Promise<void> {
    if (fromAlarm) this.alarmSet = false;
    if (!this.#source.active) return;
    const self = this.#source.self ?? "";
    const targets = this.#source.targets().filter((t) => (fromAlarm || t.attempts === 0) && (t.attempts > 0 || t.reset || this.#hasAfter(t.delivered)));
    // What was recorded until now; later changes wait for the next run (see COALESCE_MS).
    const upTo = this.#source.lastSeq();
    await Promise.all(targets.map((target) => this.#deliverTo(target, self, upTo)));
    this.#source.persist(fromAlarm);
    this.#schedule();
  }

  async #deliverTo(target: TargetRow, self: string, upTo: number): Promise<void> {
    // (`target` follows what this loop learns: acknowledged, no longer failing or starting over.)
    let { delivered, reset } = target;
    for (;;) {
      const changes = this.#read(delivered, upTo);
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
        upTo = this.#source.lastSeq();
        continue;
      }
      delivered = Math.max(result.lastSeq, changes.at(-1)?.[0] ?? 0);
      this.#source.acknowledge({ ...target, reset }, delivered, result.applied);
      target = { ...target, reset: null, attempts: 0 };
      reset = null;
    }
  }

  /** The next changes after `seq` up to `upTo`, within the batch limits. */
  #read(seq: number, upTo: number): Change[] {
    const changes: Change[] = [];
    let bytes = 0;
    const cursor = this.#sql.exec(
      "SELECT seq, shape, op, row FROM _dorm_outbox WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
      seq,
      upTo,
      BATCH_CHANGES,
    );
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
   * What next: another run soon while a healthy mirror has changes waiting (with the fallback
   * alarm); the alarm at the earliest retry while a mirror fails. When all is delivered, an
   * alarm still set fires once more and writes the acknowledgements. (An alarm set during the
   * alarm handler must be later than the one running, or it counts as the same alarm.)
   */
  #schedule(): void {
    const now = Date.now();
    let retry: number | undefined;
    let pending = false;
    for (const target of this.#source.targets()) {
      if (target.attempts > 0) retry = Math.min(retry ?? Infinity, Math.max(target.next_attempt_at ?? now, now + 1));
      else if (target.reset || this.#hasAfter(target.delivered)) pending = true;
    }
    this.#more = pending;
    const at = retry ?? (pending ? now + FALLBACK_MS : undefined);
    if (at !== undefined && (retry !== undefined || !this.alarmSet)) {
      this.alarmSet = true;
      void this.#storage.setAlarm(at);
    }
  }

  #hasAfter(seq: number): boolean {
    return this.#sql.exec("SELECT 1 FROM _dorm_outbox WHERE seq > ? LIMIT 1", seq).toArray().length > 0;
  }
}
