/**
 * `dormMiddleware`: many databases behind one HTTP API, the database named in the URL:
 * `POST {prefix}/{database}/query/raw`, and so on (see `router.ts`).
 */
import type { DORM } from "../durable-object.js";
import { DormError } from "../errors.js";
import { type PreparedSchema, prepareSchema } from "../schema.js";
import type { TableSchema } from "../types.js";
import { type MiddlewareOptions, route } from "./router.js";

/** Options of `dormMiddleware`: the middleware's, plus how names map to databases. */
export interface MultiMiddlewareOptions extends MiddlewareOptions {
  /** As in `createClient`: the database behind `/{name}/` is `${version}-${name}`. */
  version?: string;
  /** The schema applied to every database reached through the middleware. */
  statements?: string | readonly string[];
  schemas?: readonly TableSchema[];
  /** Where new databases are created. */
  locationHint?: DurableObjectLocationHint;
  /** Names the explorer offers to open (there is no API to list a namespace's objects). */
  databases?: readonly string[];
}

/** Answers a request under the prefix, or `undefined` for the app to handle. */
export type Middleware = (request: Request) => Promise<Response | undefined>;

/**
 * Serves every database of `namespace` over HTTP, each named in the URL. Requires a `secret`
 * or an `authorize` hook (for an open API, say so: `authorize: () => "write"`).
 *
 * @example
 * const db = dormMiddleware(env.DORM, { secret: env.DB_SECRET, cors: { origins: ["https://studio.outerbase.com"] } });
 * export default { fetch: async (request, env) => (await db(request)) ?? new Response("app") };
 * // POST /db/tenant:acme/query/raw  { "sql": "SELECT * FROM users" }   with Authorization: Bearer <secret>
 */
export function dormMiddleware(namespace: DurableObjectNamespace<DORM<any>>, options: MultiMiddlewareOptions): Middleware {
  if (!options || (options.authorize === undefined && (typeof options.secret !== "string" || options.secret === ""))) {
    throw new DormError(
      "INVALID_ARGUMENT",
      500,
      'dormMiddleware needs a non-empty `secret` or an `authorize` hook (for an open API: authorize: () => "write")',
    );
  }
  if (options.secret === "") throw new DormError("INVALID_ARGUMENT", 500, "dormMiddleware: `secret` is empty");
  let schema: PreparedSchema | undefined;
  let schemaError: DormError | undefined;
  try {
    if ((options.statements?.length ?? 0) > 0 || (options.schemas?.length ?? 0) > 0) schema = prepareSchema(options.statements, options.schemas);
  } catch (error) {
    schemaError = DormError.from(error);
  }
  const location = options.locationHint ? { locationHint: options.locationHint } : undefined;
  const databases = {
    multi: true,
    hints: options.databases ?? [],
    open(name: string | undefined) {
      const objectName = options.version ? `${options.version}-${name}` : name!;
      return { name: name!, stub: namespace.get(namespace.idFromName(objectName), location), schema, schemaError };
    },
  };
  return (request) => route(request, options, databases);
}
