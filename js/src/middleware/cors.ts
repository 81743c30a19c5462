/**
 * CORS for the middleware. Browsers (the explorer on another origin, Outerbase Studio) call the
 * API cross-origin; the `OPTIONS` preflight carries no credentials and must succeed.
 *
 * Which origins may read answers:
 * - `cors: { origins: ["https://studio.outerbase.com"] }`: those (echoed, with `Vary: Origin`);
 * - `cors: { origins: "*" }`: any origin (`Access-Control-Allow-Origin: *`);
 * - nothing configured: `*` when the API is open (no `secret`, no `authorize`), as the original
 *   did; with a `secret` or `authorize`, only the page's own origin (no header for others).
 */

/** Who may call the API from a browser on another origin. */
export interface CorsOptions {
  /** Origins allowed to read answers, e.g. `["https://studio.outerbase.com"]`, or `"*"`. */
  origins?: readonly string[] | "*";
}

/** The request headers a browser may send: the original's list. */
export const ALLOWED_HEADERS = "Authorization, Content-Type, X-Starbase-Source, X-Data-Source";
export const ALLOWED_METHODS = "GET, POST, OPTIONS";

/** The CORS headers for an answer to `request`. */
export function corsHeaders(request: Request, cors: CorsOptions | false | undefined, guarded: boolean): Record<string, string> {
  if (cors === false) return {};
  const origins = cors?.origins ?? (guarded ? [] : "*");
  if (origins === "*") return { "Access-Control-Allow-Origin": "*" };
  const origin = request.headers.get("Origin");
  const headers: Record<string, string> = { Vary: "Origin" };
  if (origin && (origins.includes(origin) || origin === new URL(request.url).origin)) {
    headers["Access-Control-Allow-Origin"] = origin;
  }
  return headers;
}

/** The answer to a preflight: 204, whatever the credentials (a preflight never has any). */
export function preflight(request: Request, cors: CorsOptions | false | undefined, guarded: boolean): Response {
  const headers = corsHeaders(request, cors, guarded);
  if (cors !== false) {
    headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS;
    headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS;
    headers["Access-Control-Max-Age"] = "86400";
  }
  return new Response(null, { status: 204, headers });
}
