/**
 * `createClient`: a database by name, queried from anywhere in a worker.
 */
import type { DORM } from "./durable-object.js";
import type { Rows } from "./engine.js";
import { DormError, failed } from "./errors.js";
import { type MiddlewareOptions, serveDatabase } from "./middleware/single.js";
import { mirrorConfig } from "./mirror/config.js";
import { type OrmMethods, ormMethods } from "./orm/methods.js";
import { describeTables, type Tables } from "./orm/values.js";
import { type PreparedSchema, prepareSchema } from "./schema.js";
import type { BatchStatement, DBConfig, DOConfig, MirrorStatus, QueryOptions, QueryResult, RawResult } from "./types.js";

/** A client for one database. Every method resolves (never rejects) to a {@link QueryResult}. */
export interface DORMClient extends OrmMethods {
  /** The Durable Object name of this database: `${version}-${name}` or `name`. */
  readonly name: string;
  /**
   * Runs SQL with positional parameters.
   * @example
   * const { json } = await client.query("SELECT * FROM users WHERE id = ?", undefined, 42);
   */
  query<T = any>(sql: string, options?: QueryOptions & { isRaw?: false }, ...params: unknown[]): Promise<QueryResult<T[]>>;
  query(sql: string, options: QueryOptions & { isRaw: true }, ...params: unknown[]): Promise<QueryResult<RawResult>>;
  query(sql: string, options?: QueryOptions, ...params: unknown[]): Promise<QueryResult<Rows | RawResult>>;
  /**
   * Runs several statements atomically: all commit or none. `json` holds each one's rows.
   * @example
   * await client.batch([{ sql: "INSERT INTO a VALUES (?)", params: [1] }, { sql: "DELETE FROM b" }]);
   */
  batch(statements: readonly BatchStatement[], options?: { isRaw?: boolean }): Promise<QueryResult<(Rows | RawResult)[]>>;
  /** Applies the schema now; otherwise it is applied with the first query. */
  init(): Promise<QueryResult<{ initialized: true }>>;
  /**
   * Mirroring's state: per mirror, changes pending, last delivered, last error; in a mirror,
   * what arrived per source (see the README, "Mirroring").
   * @example
   * const { json } = await client.mirrorStatus(); // json.mirrors[0].pending
   */
  mirrorStatus(): Promise<QueryResult<MirrorStatus>>;
  /**
   * The original's HTTP API for this database under `options.prefix` (default `/db`): `POST /init`,
   * `/query`, `/query/raw`, plus `/openapi.json` and the explorer at `/studio`. Resolves to
   * `undefined` for paths outside the prefix, so the app handles them.
   * @example
   * return (await client.middleware(request, { secret: env.DB_SECRET })) ?? app(request);
   */
  middleware(request: Request, options?: MiddlewareOptions): Promise<Response | undefined>;
  /** The Durable Object stub, for RPC of your own. */
  readonly stub: DurableObjectStub<DORM>;
}

/**
 * Opens the database named by `dbConfig` (created on first use).
 *
 * @example
 * const client = createClient(env.DORM, { name: `tenant:${id}`, statements: ["CREATE TABLE IF NOT EXISTS notes (body TEXT)"] });
 * const { json } = await client.query("SELECT COUNT(*) AS count FROM notes");
 */
export function createClient(
  doNamespace: DurableObjectNamespace<DORM<any>>,
  dbConfig: DBConfig = {},
  doConfig: DOConfig = {},
): DORMClient {
  if (typeof doNamespace?.idFromName !== "function") {
    throw new DormError(
      "INVALID_ARGUMENT",
      500,
      "createClient: the first argument must be the Durable Object namespace bound to the DORM class (e.g. env.DORM; see wrangler.jsonc)",
    );
  }
  const baseName = dbConfig.name ?? doConfig.name ?? "root";
  const name = dbConfig.version ? `${dbConfig.version}-${baseName}` : baseName;
  const nameError = checkName(name);
  const stub = doNamespace.get(doNamespace.idFromName(nameError ? "invalid" : name), locationOptions(doConfig.locationHint));

  let schema: PreparedSchema | undefined;
  let schemaError: DormError | undefined;
  let tables: Tables = new Map();
  let mirror: ReturnType<typeof mirrorConfig>;
  try {
    if (nameError) throw nameError;
    mirror = mirrorConfig(name, doConfig);
    const hasSchema = (dbConfig.statements?.length ?? 0) > 0 || (dbConfig.schemas?.length ?? 0) > 0;
    if (hasSchema) schema = prepareSchema(dbConfig.statements, dbConfig.schemas);
    tables = describeTables(dbConfig.schemas);
  } catch (error) {
    schemaError = DormError.from(error);
  }

  async function call<T>(work: () => Promise<QueryResult<T>>): Promise<QueryResult<T>> {
    if (schemaError) return failed(schemaError);
    try {
      return await work();
    } catch (error) {
      return failed(DormError.from(error));
    }
  }

  const orm = ormMethods(
    {
      query: (sql, params) => call(() => stub.query({ sql, params, schema, mirror }) as Promise<QueryResult<any>>),
      batch: (statements) => call(() => stub.batch({ statements, schema, mirror }) as Promise<QueryResult<any>>),
    },
    tables,
  );

  return {
    ...orm,
    name,
    stub,
    query(sql: string, options?: QueryOptions, ...params: unknown[]) {
      return call(() =>
        stub.query({
          sql,
          params,
          isRaw: options?.isRaw,
          isTransaction: options?.isTransaction,
          skipMirror: options?.skipMirror,
          schema,
          mirror,
        }) as Promise<QueryResult<any>>,
      );
    },
    batch(statements, options) {
      return call(() => stub.batch({ statements, isRaw: options?.isRaw, schema, mirror }) as Promise<QueryResult<any>>);
    },
    init() {
      return call(() => stub.init(schema, mirror) as Promise<QueryResult<{ initialized: true }>>);
    },
    mirrorStatus() {
      return call(() => stub.mirrorStatus() as Promise<QueryResult<MirrorStatus>>);
    },
    middleware(request: Request, options?: MiddlewareOptions) {
      return serveDatabase(request, { name, stub, schema, schemaError }, options);
    },
  } as DORMClient;
}



/** A database name is a non-empty string of at most 1,024 bytes (the platform's limit). */
function checkName(name: unknown): DormError | undefined {
  if (typeof name !== "string" || name.length === 0) {
    return new DormError("INVALID_ARGUMENT", 400, "the database name must be a non-empty string");
  }
  if (new TextEncoder().encode(name).length > 1024) {
    return new DormError("INVALID_ARGUMENT", 400, "the database name (with its version prefix) must be at most 1,024 bytes");
  }
  return undefined;
}

function locationOptions(hint: DurableObjectLocationHint | undefined): DurableObjectNamespaceGetDurableObjectOptions | undefined {
  return hint ? { locationHint: hint } : undefined;
}
