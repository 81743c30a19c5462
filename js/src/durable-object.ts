/**
 * `DORM`, the Durable Object that is one database. Export it from your worker and bind it as a
 * SQLite-backed class. Clients talk to it over RPC (`query`, `batch`); the original's HTTP paths
 * `/init`, `/query` and `/query/raw` still answer for older clients and direct use. Mirroring
 * (see `mirror/`) adds `alarm` (delivery), `applyChanges` (receiving) and `mirrorStatus`.
 */
import { DurableObject } from "cloudflare:workers";
import { Engine, type Rows } from "./engine.js";
import { DormError, failed } from "./errors.js";
import { type Delivery, type DeliveryResult, type MirrorConfig, Mirroring, type MirrorStatus, type MirrorTestHook } from "./mirror/index.js";
import { type PreparedSchema, SchemaLedger, prepareSchema } from "./schema.js";
import type { BatchStatement, QueryResult, RawResult } from "./types.js";

/** What a client sends to `query`. */
export interface QueryRequest {
  sql: string;
  params?: readonly unknown[];
  isRaw?: boolean;
  isTransaction?: boolean;
  readOnly?: boolean;
  schema?: PreparedSchema;
  /** The client's mirrors (registered on first sight). */
  mirror?: MirrorConfig;
  /** Keep this write out of the mirrors. */
  skipMirror?: boolean;
}

/** What a client sends to `batch`. */
export interface BatchRequest {
  statements: readonly BatchStatement[];
  isRaw?: boolean;
  readOnly?: boolean;
  schema?: PreparedSchema;
  mirror?: MirrorConfig;
}

export class DORM<Env = unknown> extends DurableObject<Env> {
  readonly #engine: Engine;
  readonly #schema: SchemaLedger;
  readonly #mirroring: Mirroring;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#mirroring = new Mirroring(ctx, env);
    this.#engine = new Engine(ctx.storage, this.#mirroring.hook);
    this.#schema = new SchemaLedger(ctx.storage, this.#mirroring.ledgerHooks);
  }

  /** Runs one SQL string (one or more statements). Never throws: failures are results. */
  query(request: QueryRequest): QueryResult<Rows | RawResult> {
    return answer(() => {
      this.#schema.ensure(request.schema);
      this.#mirroring.configure(request.mirror);
      return this.#mirroring.skipping(request.skipMirror, () =>
        this.#engine.run(request.sql, request.params ?? [], {
          format: request.isRaw ? "raw" : "objects",
          transaction: request.isTransaction,
          readOnly: request.readOnly,
        }),
      );
    });
  }

  /** Runs several statements atomically; `json` holds one result per statement. */
  batch(request: BatchRequest): QueryResult<(Rows | RawResult)[]> {
    return answer(() => {
      this.#schema.ensure(request.schema);
      this.#mirroring.configure(request.mirror);
      return this.#engine.batch(request.statements, { format: request.isRaw ? "raw" : "objects", readOnly: request.readOnly });
    });
  }

  /** Applies a schema now (it is otherwise applied with the first query). */
  init(schema?: PreparedSchema, mirror?: MirrorConfig): QueryResult<{ initialized: true }> {
    return answer(() => {
      this.#schema.ensure(schema);
      this.#mirroring.configure(mirror);
      return { initialized: true as const };
    });
  }

  /** Delivers recorded changes to the mirrors (retried with backoff while a mirror fails). */
  async alarm(): Promise<void> {
    await this.#mirroring.deliver();
  }

  /** Receives a source's changes (this database is its mirror). Throws when they cannot be applied. */
  applyChanges(delivery: Delivery): DeliveryResult {
    return this.#mirroring.apply(delivery);
  }

  /** Pending changes, last delivery and last error per mirror; what arrived per source. */
  mirrorStatus(): QueryResult<MirrorStatus> {
    return answer(() => this.#mirroring.status());
  }

  /** Stops mirroring into `name` (its pending changes are dropped). */
  removeMirror(name: string): QueryResult<{ removed: boolean }> {
    return answer(() => this.#mirroring.remove(name));
  }

  /** Tests only: make the next deliveries to this mirror fail, and record what it applies. */
  mirrorTestHook(hook: MirrorTestHook): { log: [string, number][] } {
    return this.#mirroring.testHook(hook);
  }

  /** The original's HTTP protocol: `POST /init`, `/query`, `/query/raw`. */
  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (request.method !== "POST") return json({ error: "Method not allowed: use POST" }, 405);
    let body: Record<string, unknown>;
    try {
      const parsed = await request.json();
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      body = parsed as Record<string, unknown>;
    } catch {
      return json({ error: "the body must be a JSON object" }, 400);
    }
    if (path === "/init") {
      const result = answer(() => {
        this.#schema.ensure(prepareSchema(body.statements as string[] | undefined, body.schemas as never));
        return { initialized: true as const };
      });
      return result.ok ? json(result.json) : json({ error: result.error }, result.status);
    }
    if (path === "/query") {
      const result = this.query({
        sql: body.sql as string,
        params: (body.params as unknown[]) ?? [],
        isRaw: body.isRaw === true,
        isTransaction: body.isTransaction === true,
      });
      return result.ok ? json(result.json) : json({ error: result.error }, result.status);
    }
    if (path === "/query/raw") {
      const result = Array.isArray(body.transaction)
        ? this.batch({ statements: body.transaction as BatchStatement[], isRaw: true })
        : this.query({ sql: body.sql as string, params: (body.params as unknown[]) ?? [], isRaw: true });
      return result.ok ? json({ result: result.json }) : json({ error: result.error }, result.status);
    }
    return json({ error: "Not found" }, 404);
  }
}

function answer<T>(work: () => T): QueryResult<T> {
  try {
    return { json: work(), status: 200, ok: true };
  } catch (error) {
    return failed(error);
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}
