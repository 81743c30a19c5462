/**
 * The middleware's router: which path does what, in which order checks happen, and how every
 * answer (errors included) becomes JSON with CORS headers. Shared by `client.middleware` (one
 * database) and `dormMiddleware` (many, named in the URL).
 *
 * Paths under the prefix (`/db` by default):
 *
 * | path | method | what |
 * | --- | --- | --- |
 * | `/init` | POST | applies the schema → `{ "initialized": true }` |
 * | `/query` | POST | `{ sql, params?, isRaw?, isTransaction? }` → the `json` of `client.query` |
 * | `/query/raw` | POST | `{ sql, params? }` → `{ result: { columns, rows, meta } }`; `{ transaction: [...] }` → `{ result: [...] }` |
 * | `/openapi.json` | GET | the OpenAPI 3.1 description of these paths |
 * | `/studio` | GET | the data explorer page |
 * | `/studio/outerbase` | GET | Outerbase Studio embedded, answering its postMessage protocol |
 *
 * With many databases the first three are `/{database}/init` and so on. Order of checks: path
 * (404), method (405), database name (400), credentials (401/403), body size (413), body (400).
 */
import { type AuthOptions, type Authorize, decideAccess } from "./auth.js";
import { type RawBody, DEFAULT_MAX_BODY_BYTES, queryBody, rawBody, readJsonObject } from "./body.js";
import { type CorsOptions, corsHeaders, preflight } from "./cors.js";
import { explorerPage } from "./explorer/page.js";
import { HttpError, errorResponse, jsonResponse } from "./http.js";
import { openApiDocument } from "./openapi.js";
import { outerbasePage } from "./outerbase.js";
import { type DatabaseTarget, runBatch, runInit, runQuery } from "./target.js";

/** Options of `client.middleware` and `dormMiddleware`. */
export interface MiddlewareOptions {
  /** The path the middleware answers under (default `"/db"`); other paths resolve to `undefined`. */
  prefix?: string;
  /** Requests must carry `Authorization: Bearer <secret>` (compared in constant time). */
  secret?: string;
  /** Decides `"read"`, `"write"` or no, per request and database (see `Authorize`). */
  authorize?: Authorize;
  /** Which browser origins may call the API (see `CorsOptions`); `false` sends no CORS headers. */
  cors?: CorsOptions | false;
  /** Largest request body accepted, in bytes (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Serve the explorer at `{prefix}/studio` (default true). */
  explorer?: boolean;
}

/** How the router finds databases. */
export interface Databases {
  /** True when the database is named in the URL: `{prefix}/{name}/query`. */
  readonly multi: boolean;
  /** The database a request is for; `name` is the URL's (already validated) with `multi`. */
  open(name: string | undefined): DatabaseTarget;
  /** Names the explorer suggests (many databases). */
  readonly hints: readonly string[];
}

const ACTIONS = new Set(["/init", "/query", "/query/raw"]);
const MAX_NAME_BYTES = 512;

/** Answers `request` if its path is under the prefix; `undefined` otherwise. Never rejects. */
export async function route(request: Request, options: MiddlewareOptions, databases: Databases): Promise<Response | undefined> {
  const prefix = normalizePrefix(options.prefix ?? "/db");
  const url = new URL(request.url);
  const rest = url.pathname === prefix ? "" : url.pathname.startsWith(prefix + "/") ? url.pathname.slice(prefix.length) : undefined;
  if (rest === undefined) return undefined;
  const guarded = options.secret !== undefined || options.authorize !== undefined;
  if (request.method === "OPTIONS") return preflight(request, options.cors, guarded);
  let response: Response;
  try {
    response = await dispatch(request, url, rest, prefix, options, databases);
  } catch (error) {
    response = errorResponse(error instanceof HttpError ? error : new HttpError(500, error instanceof Error ? error.message : String(error), "INTERNAL"));
  }
  for (const [name, value] of Object.entries(corsHeaders(request, options.cors, guarded))) response.headers.set(name, value);
  return response;
}

async function dispatch(
  request: Request,
  url: URL,
  rest: string,
  prefix: string,
  options: MiddlewareOptions,
  databases: Databases,
): Promise<Response> {
  const page = { base: prefix, multi: databases.multi, hints: databases.hints };
  if (rest === "/openapi.json") {
    requireMethod(request, "GET");
    return jsonResponse(openApiDocument({ server: url.origin + prefix, multi: databases.multi }));
  }
  if (options.explorer !== false && (rest === "/studio" || rest === "/studio/")) {
    requireMethod(request, "GET");
    return explorerPage(page);
  }
  if (options.explorer !== false && rest === "/studio/outerbase") {
    requireMethod(request, "GET");
    return outerbasePage(page);
  }

  let name: string | undefined;
  let action = rest;
  if (databases.multi) {
    const slash = rest.indexOf("/", 1);
    action = slash < 0 ? "" : rest.slice(slash);
    if (!ACTIONS.has(action)) throw notFound();
    requireMethod(request, "POST");
    name = databaseName(rest.slice(1, slash));
  } else {
    if (!ACTIONS.has(action)) throw notFound();
    requireMethod(request, "POST");
  }

  const target = databases.open(name);
  const access = await decideAccess(request, target.name, options as AuthOptions);
  const readOnly = access === "read";
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const started = Date.now();

  if (action === "/init") {
    await readJsonObject(request, limit, { optional: true });
    return answer(await runInit(target), (json) => json, started);
  }
  if (action === "/query") {
    const body = queryBody(await readJsonObject(request, limit));
    return answer(await runQuery(target, { ...body, readOnly }), (json) => json, started);
  }
  const body: RawBody = rawBody(await readJsonObject(request, limit));
  if ("transaction" in body) {
    return answer(await runBatch(target, { statements: body.transaction, isRaw: true, readOnly }), (json) => ({ result: json }), started);
  }
  return answer(await runQuery(target, { sql: body.sql, params: body.params, isRaw: true, readOnly }), (json) => ({ result: json }), started);
}

function answer(
  result: { ok: boolean; json: unknown; status: number; error?: string; code?: string },
  wrap: (json: unknown) => unknown,
  started: number,
): Response {
  const timing = { "Server-Timing": `db;dur=${Date.now() - started}` };
  if (!result.ok) return errorResponse(new HttpError(result.status, result.error ?? "failed", result.code, timing));
  return jsonResponse(wrap(result.json), 200, timing);
}

/** The database name of a URL path segment: URL-decoded, non-empty, ≤ 512 bytes, no control characters. */
export function databaseName(segment: string): string {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "the database name in the URL is not valid percent-encoding", "INVALID_DATABASE_NAME");
  }
  if (name === "") throw new HttpError(400, "the database name in the URL is empty", "INVALID_DATABASE_NAME");
  if (new TextEncoder().encode(name).byteLength > MAX_NAME_BYTES) {
    throw new HttpError(400, `the database name is longer than ${MAX_NAME_BYTES} bytes`, "INVALID_DATABASE_NAME");
  }
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) {
    throw new HttpError(400, "the database name holds control characters", "INVALID_DATABASE_NAME");
  }
  return name;
}

function normalizePrefix(prefix: string): string {
  const withSlash = prefix.startsWith("/") ? prefix : `/${prefix}`;
  return withSlash.replace(/\/+$/, "");
}

function requireMethod(request: Request, method: "GET" | "POST"): void {
  if (request.method === method || (method === "GET" && request.method === "HEAD")) return;
  throw new HttpError(405, `Method not allowed: use ${method}`, "METHOD_NOT_ALLOWED", { Allow: `${method}, OPTIONS` });
}

function notFound(): HttpError {
  return new HttpError(404, "Not found");
}
