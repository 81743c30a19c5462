/**
 * Request bodies: read with a size limit (413 past it, by `Content-Length` and by what actually
 * arrives), parsed as JSON (400 when malformed), and checked field by field (400 saying which
 * field is wrong and what it should be).
 */
import type { BatchStatement } from "../types.js";
import { HttpError } from "./http.js";

/** The default limit of a request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1 << 20;

/** What `POST …/query` takes. */
export interface QueryBody {
  sql: string;
  params: unknown[];
  isRaw: boolean;
  isTransaction: boolean;
}

/** What `POST …/query/raw` takes: one SQL string, or a transaction of statements. */
export type RawBody = { sql: string; params: unknown[] } | { transaction: BatchStatement[] };

/** Reads the body as a JSON object, at most `limit` bytes. Throws 400/413 `HttpError`s. */
export async function readJsonObject(request: Request, limit: number, { optional = false } = {}): Promise<Record<string, unknown>> {
  const text = await readText(request, limit);
  if (optional && text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `the body is not valid JSON (${error instanceof Error ? error.message : String(error)})`, "INVALID_JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, "the body must be a JSON object", "INVALID_BODY");
  }
  return parsed as Record<string, unknown>;
}

async function readText(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError(400, "the body is not UTF-8 text", "INVALID_BODY");
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `the body is larger than the limit of ${limit} bytes`, "BODY_TOO_LARGE");
}

/** Checks a `/query` body: `{ sql, params?, isRaw?, isTransaction? }`. */
export function queryBody(body: Record<string, unknown>): QueryBody {
  return {
    sql: sqlField(body.sql, "sql"),
    params: paramsField(body.params, "params"),
    isRaw: booleanField(body.isRaw, "isRaw"),
    isTransaction: booleanField(body.isTransaction, "isTransaction"),
  };
}

/** Checks a `/query/raw` body: `{ sql, params? }` or `{ transaction: [{ sql, params? }, ...] }`. */
export function rawBody(body: Record<string, unknown>): RawBody {
  if (body.transaction !== undefined) {
    if (body.sql !== undefined) throw invalid('send either "sql" or "transaction", not both');
    const list = body.transaction;
    if (!Array.isArray(list) || list.length === 0) throw invalid('"transaction" must be a non-empty array of { sql, params? }');
    return {
      transaction: list.map((item, i) => {
        if (typeof item !== "object" || item === null || Array.isArray(item)) throw invalid(`transaction[${i}] must be an object { sql, params? }`);
        const entry = item as Record<string, unknown>;
        return { sql: sqlField(entry.sql, `transaction[${i}].sql`), params: paramsField(entry.params, `transaction[${i}].params`) };
      }),
    };
  }
  return { sql: sqlField(body.sql, "sql"), params: paramsField(body.params, "params") };
}

function sqlField(value: unknown, name: string): string {
  if (value === undefined) throw invalid(`"${name}" is required: a string of SQL`);
  if (typeof value !== "string") throw invalid(`"${name}" must be a string, not ${typeName(value)}`);
  return value;
}

function paramsField(value: unknown, name: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`"${name}" must be an array of values, not ${typeName(value)}`);
  return value;
}

function booleanField(value: unknown, name: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw invalid(`"${name}" must be true or false, not ${typeName(value)}`);
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function invalid(message: string): HttpError {
  return new HttpError(400, message, "INVALID_BODY");
}
