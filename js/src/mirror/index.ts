/**
 * Mirroring, as the Durable Object uses it: one object per database that is a source (it has
 * mirrors), a mirror (it receives deliveries), or neither (then every hook is a no-op).
 */
import type { Analysis } from "../analysis.js";
import { DormError } from "../errors.js";
import type { LedgerHooks } from "../schema.js";
import { MirrorSink, type MirrorTestHook } from "./apply.js";
import { Deliverer, type MirrorStub } from "./delivery.js";
import { MirrorSource, type TargetRow } from "./outbox.js";
import type { Delivery, DeliveryResult, MirrorConfig, MirrorStatus } from "./types.js";

export type * from "./types.js";
export type { MirrorTestHook } from "./apply.js";

export class Mirroring {
  readonly #ctx: DurableObjectState;
  readonly #env: unknown;
  readonly #source: MirrorSource;
  readonly #sink: MirrorSink;
  readonly #deliverer: Deliverer;
  #namespace: DurableObjectNamespace | undefined;

  constructor(ctx: DurableObjectState, env: unknown) {
    this.#ctx = ctx;
    this.#env = env;
    this.#source = new MirrorSource(ctx.storage);
    this.#sink = new MirrorSink(ctx.storage, () => this.#ownName());
    this.#deliverer = new Deliverer(ctx.storage, this.#source, (target) => this.#stub(target));
    this.#source.onChanges = () => this.#deliverer.notify();
    if (this.#source.active) {
      // After a restart: changes recorded before it go on their way.
      void ctx.blockConcurrencyWhile(async () => {
        this.#deliverer.alarmSet = (await ctx.storage.getAlarm()) !== null;
        if (this.#source.targets().some((t) => t.attempts === 0 && (t.reset || this.#source.pendingAfter(t.delivered) > 0))) {
          this.#source.arm();
        }
      });
    }
  }

  /** The engine's hook around SQL that may write. */
  readonly hook = <T>(sql: string, analysis: Analysis, execute: (sql: string) => T): T =>
    this.#sink.mirrorMode ? this.#sink.around(sql, analysis, execute) : this.#source.around(analysis, () => execute(sql));

  /** The schema ledger's hooks: mirror-form statements in a mirror, re-capture in a source. */
  readonly ledgerHooks: LedgerHooks = {
    statement: (sql) => (this.#sink.mirrorMode ? this.#sink.rewrite(sql) : sql),
    tolerate: (error) => this.#sink.mirrorMode && /duplicate column name/i.test(error.message),
    applied: () => (this.#sink.mirrorMode ? this.#sink.schemaChanged() : this.#source.schemaApplied()),
  };

  /** Registers the mirrors a client names (see `MirrorSource.configure`). */
  configure(config: MirrorConfig | undefined): void {
    this.#source.configure(config, this.#sink.mirrorMode);
  }

  /** Runs one query with `skipMirror` in effect when `skip`. */
  skipping<T>(skip: boolean | undefined, work: () => T): T {
    return this.#source.skipping(skip, work);
  }

  /** The alarm: delivers pending changes to every mirror, retrying those that failed. */
  deliver(): Promise<void> {
    return this.#deliverer.run(true);
  }

  /** A delivery from a source (this database is its mirror). */
  apply(delivery: Delivery): DeliveryResult {
    if (this.#source.active) {
      throw new DormError("INVALID_ARGUMENT", 400, "this database has mirrors of its own; a mirror of mirrors is not supported");
    }
    return this.#sink.apply(delivery);
  }

  status(): MirrorStatus {
    return {
      name: this.#source.self,
      lastSeq: this.#source.lastSeq(),
      mirrors: this.#source.status(),
      sources: this.#sink.status(),
    };
  }

  remove(name: string): { removed: boolean } {
    return this.#source.remove(name);
  }

  testHook(hook: MirrorTestHook): { log: [string, number][] } {
    return this.#sink.testHook(hook ?? {});
  }

  /** This database's own name: the tag of rows written in a mirror directly. */
  #ownName(): string {
    return this.#ctx.id.name ?? this.#source.self ?? "";
  }

  #stub(target: TargetRow): MirrorStub {
    const namespace = target.binding ? this.#binding(target.binding) : this.#ownNamespace();
    const options = target.location_hint ? { locationHint: target.location_hint as DurableObjectLocationHint } : undefined;
    return namespace.get(namespace.idFromName(target.name), options) as unknown as MirrorStub;
  }

  #binding(name: string): DurableObjectNamespace {
    const value = (this.#env as Record<string, unknown> | undefined)?.[name];
    if (!isNamespace(value)) throw new DormError("INVALID_ARGUMENT", 400, `env.${name} is not a Durable Object namespace binding`);
    return value;
  }

  /** The namespace this object belongs to: the binding whose id for our name is our id. */
  #ownNamespace(): DurableObjectNamespace {
    if (this.#namespace) return this.#namespace;
    const self = this.#source.self ?? this.#ctx.id.name;
    const candidates = Object.values((this.#env ?? {}) as Record<string, unknown>);
    try {
      candidates.push(...Object.values((this.#ctx.exports ?? {}) as Record<string, unknown>));
    } catch {
      // ctx.exports needs a compatibility flag on older dates
    }
    for (const value of candidates) {
      if (self === undefined || !isNamespace(value)) continue;
      try {
        if (value.idFromName(self).equals(this.#ctx.id)) return (this.#namespace = value);
      } catch {
        // not ours
      }
    }
    throw new DormError(
      "INTERNAL",
      500,
      "cannot find this database's Durable Object namespace in env; name it in the mirror config: mirrors: [{ name, binding: \"DORM\" }]",
    );
  }
}

function isNamespace(value: unknown): value is DurableObjectNamespace {
  return typeof value === "object" && value !== null && value.constructor?.name === "DurableObjectNamespace";
}
