/**
 * A database as the middleware sees it: its name, its Durable Object stub and its schema. The
 * middleware calls the object's RPC methods (`query`, `batch`, `init`) with `readOnly` when the
 * request may only read, so the object itself enforces it.
 */
import type { DORM } from "../durable-object.js";
import { DormError } from "../errors.js";
import type { PreparedSchema } from "../schema.js";
import type { BatchStatement, QueryResult } from "../types.js";

/** One database behind the middleware. */
export interface DatabaseTarget {
  /** The name `authorize` sees: the URL's name (many databases) or the client's name. */
  readonly name: string;
  readonly stub: DurableObjectStub<DORM<any>>;
  readonly schema?: PreparedSchema;
  /** Set when the configured schema could not be prepared: every call fails with it. */
  readonly schemaError?: DormError;
}

/** Runs one SQL string on the target. Never rejects. */
export function runQuery(
  target: DatabaseTarget,
  request: { sql: string; params: readonly unknown[]; isRaw: boolean; isTransaction?: boolean; readOnly: boolean },
): Promise<QueryResult<unknown>> {
  return call(target, () => target.stub.query({ ...request, schema: target.schema }) as Promise<QueryResult<unknown>>);
}

/** Runs statements atomically on the target. Never rejects. */
export function runBatch(
  target: DatabaseTarget,
  request: { statements: readonly BatchStatement[]; isRaw: boolean; readOnly: boolean },
): Promise<QueryResult<unknown>> {
  return call(target, () => target.stub.batch({ ...request, schema: target.schema }) as Promise<QueryResult<unknown>>);
}

/** Applies the target's schema. Never rejects. */
export function runInit(target: DatabaseTarget): Promise<QueryResult<unknown>> {
  return call(target, () => target.stub.init(target.schema) as Promise<QueryResult<unknown>>);
}

async function call(target: DatabaseTarget, work: () => Promise<QueryResult<unknown>>): Promise<QueryResult<unknown>> {
  const fail = (e: DormError): QueryResult<unknown> => ({ json: null, status: e.status, ok: false, error: e.message, code: e.code });
  if (target.schemaError) return fail(target.schemaError);
  try {
    return await work();
  } catch (error) {
    return fail(DormError.from(error));
  }
}
