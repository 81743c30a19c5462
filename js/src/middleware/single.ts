/**
 * `client.middleware(request, options)`: the original's HTTP API for one client's database,
 * at `{prefix}/init`, `{prefix}/query`, `{prefix}/query/raw` (see `router.ts`).
 */
import { type MiddlewareOptions, route } from "./router.js";
import type { DatabaseTarget } from "./target.js";

export type { MiddlewareOptions } from "./router.js";

/** Answers `request` for the one database `target`, or `undefined` outside the prefix. */
export function serveDatabase(request: Request, target: DatabaseTarget, options: MiddlewareOptions = {}): Promise<Response | undefined> {
  // The page config is served without credentials: it does not name the database.
  return route(request, options, { multi: false, hints: [], open: () => target });
}
