/**
 * Who may do what: the Bearer secret (compared in constant time) and the `authorize` hook.
 *
 * - `secret` alone: `Authorization: Bearer <secret>` gives write access; anything else is 401.
 * - `authorize(request, databaseName)` decides `"read"`, `"write"` or no (`false`/`undefined`):
 *   no is 403, or 401 when the request carries no credentials at all. With a `secret` too, the
 *   secret is checked first and the hook then picks the access level.
 * - `"read"` is enforced by the Durable Object, whatever the SQL: it refuses SQL that writes and
 *   rolls back anything that wrote anyway (403 `READ_ONLY`).
 */
import { HttpError } from "./http.js";

/** What a request may do to a database. */
export type Access = "read" | "write";

/** What `authorize` answers: an access level, or no (`false`, `null`, `undefined`). */
export type AccessDecision = Access | false | null | undefined;

/**
 * Decides per request and database; `databaseName` is the name in the URL (multi-database
 * middleware) or the client's database name.
 *
 * @example
 * authorize: async (request, db) =>
 *   (await bearerMatches(request, env.ADMIN_KEY)) ? "write" :
 *   (await bearerMatches(request, env.READ_KEY)) ? "read" : false
 */
export type Authorize = (request: Request, databaseName: string) => AccessDecision | Promise<AccessDecision>;

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("Authorization");
  const match = header?.match(/^\s*Bearer\s+(.+?)\s*$/i);
  return match ? match[1] : undefined;
}

/**
 * Whether the request's Bearer token equals `secret`, in constant time: both are hashed with
 * SHA-256 and the digests compared with `crypto.subtle.timingSafeEqual` (or a constant-time loop
 * where that does not exist), so neither the content nor the length of the secret leaks.
 */
export async function bearerMatches(request: Request, secret: string): Promise<boolean> {
  const token = bearerToken(request);
  return token !== undefined && (await secretsEqual(token, secret));
}

/** Constant-time equality of two strings (through their SHA-256 digests). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBuffer, b: ArrayBuffer) => boolean };
  if (typeof subtle.timingSafeEqual === "function") return subtle.timingSafeEqual(da, db);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/** What the middleware needs to decide access. */
export interface AuthOptions {
  secret?: string;
  authorize?: Authorize;
}

/** The access `request` has to `databaseName`; throws 401/403 `HttpError`s. */
export async function decideAccess(request: Request, databaseName: string, options: AuthOptions): Promise<Access> {
  if (options.secret !== undefined && !(await bearerMatches(request, options.secret))) throw unauthorized();
  if (!options.authorize) return "write";
  let decision: AccessDecision;
  try {
    decision = await options.authorize(request, databaseName);
  } catch (error) {
    throw new HttpError(500, `the authorize hook threw: ${error instanceof Error ? error.message : String(error)}`, "AUTHORIZE_FAILED");
  }
  if (decision === "read" || decision === "write") return decision;
  if (decision === false || decision === null || decision === undefined) {
    if (!hasCredentials(request)) throw unauthorized();
    throw new HttpError(403, "Forbidden", "FORBIDDEN");
  }
  throw new HttpError(500, `authorize must answer "read", "write" or false, not ${JSON.stringify(decision)}`, "AUTHORIZE_FAILED");
}

function hasCredentials(request: Request): boolean {
  return request.headers.has("Authorization") || request.headers.has("Cookie");
}

function unauthorized(): HttpError {
  return new HttpError(401, "Unauthorized", undefined, { "WWW-Authenticate": 'Bearer realm="dormroom"' });
}
