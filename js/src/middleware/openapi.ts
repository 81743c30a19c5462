/**
 * The OpenAPI 3.1 description of the middleware's HTTP API, served at `{prefix}/openapi.json`.
 * One document for both forms: with many databases the paths carry `/{database}`.
 */

/** The document for a middleware at `server` (origin + prefix). */
export function openApiDocument({ server = "/db", multi = false }: { server?: string; multi?: boolean } = {}): Record<string, unknown> {
  const at = multi ? "/{database}" : "";
  const parameters = multi ? [{ $ref: "#/components/parameters/database" }] : [];
  const errors = {
    "400": { $ref: "#/components/responses/BadRequest" },
    "401": { $ref: "#/components/responses/Unauthorized" },
    "403": { $ref: "#/components/responses/Forbidden" },
    "413": { $ref: "#/components/responses/TooLarge" },
    "500": { $ref: "#/components/responses/ServerError" },
  };
  const post = (summary: string, description: string, schema: unknown, ok: unknown, example?: unknown) => ({
    post: {
      summary,
      description,
      parameters,
      requestBody: { required: true, content: { "application/json": { schema, ...(example ? { example } : {}) } } },
      responses: { "200": { description: "Success", content: { "application/json": { schema: ok } } }, ...errors },
    },
  });
  return {
    openapi: "3.1.0",
    info: {
      title: "dormroom database API",
      version: "1",
      description:
        "SQLite databases, one per Durable Object, over HTTP. Every answer is JSON, errors included ({ error, code? }). " +
        "BLOB values travel as arrays of byte numbers (x'00ff' is [0, 255]). Integers beyond ±2^53−1 lose precision: select them as text.",
    },
    servers: [{ url: server }],
    security: [{ bearer: [] }],
    paths: {
      [`${at}/query`]: post(
        "Run SQL",
        "Runs one SQL string (several statements run atomically, each binding its own parameters in order) and answers the rows of the last statement: an array of row objects, or with isRaw { columns, rows, meta }.",
        { $ref: "#/components/schemas/QueryRequest" },
        { oneOf: [{ type: "array", items: { $ref: "#/components/schemas/Row" } }, { $ref: "#/components/schemas/RawResult" }] },
        { sql: "SELECT * FROM users WHERE id = ?", params: [1] },
      ),
      [`${at}/query/raw`]: post(
        "Run SQL, answer columns and rows (Outerbase Studio's Starbase protocol)",
        "{ sql, params? } answers { result: { columns, rows, meta } }; { transaction: [{ sql, params? }, ...] } runs all statements atomically and answers { result: [ ... ] }, one result per statement.",
        { $ref: "#/components/schemas/RawRequest" },
        {
          type: "object",
          required: ["result"],
          properties: { result: { oneOf: [{ $ref: "#/components/schemas/RawResult" }, { type: "array", items: { $ref: "#/components/schemas/RawResult" } }] } },
        },
        { transaction: [{ sql: "INSERT INTO users (name) VALUES (?)", params: ["Ada"] }, { sql: "SELECT COUNT(*) FROM users" }] },
      ),
      [`${at}/init`]: {
        post: {
          summary: "Apply the schema",
          description: "Applies the configured schema now (it is otherwise applied before the first query). The body may be empty.",
          parameters,
          responses: {
            "200": {
              description: "Applied",
              content: { "application/json": { schema: { type: "object", properties: { initialized: { const: true } }, required: ["initialized"] } } },
            },
            ...errors,
          },
        },
      },
      "/openapi.json": {
        get: { summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": {} } } } },
      },
      "/studio": {
        get: {
          summary: "The data explorer (HTML)",
          description: "A self-contained page; it asks for the secret and keeps it in sessionStorage.",
          security: [],
          responses: { "200": { description: "HTML page", content: { "text/html": {} } } },
        },
      },
      "/studio/outerbase": {
        get: {
          summary: "Outerbase Studio embedded (HTML)",
          description: "Hosts https://studio.outerbase.com/embed/starbase in an iframe and answers its postMessage queries through this API.",
          security: [],
          responses: { "200": { description: "HTML page", content: { "text/html": {} } } },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "The middleware's secret, or what `authorize` accepts." } },
      parameters: {
        database: {
          name: "database",
          in: "path",
          required: true,
          description: "The database name, URL-encoded: non-empty, at most 512 bytes, no control characters.",
          schema: { type: "string", minLength: 1 },
        },
      },
      schemas: {
        Value: {
          description: "A SQLite value. BLOBs are arrays of byte numbers.",
          oneOf: [{ type: "string" }, { type: "number" }, { type: "null" }, { type: "array", items: { type: "integer", minimum: 0, maximum: 255 } }],
        },
        Param: {
          description: "A parameter: booleans bind as 1/0; objects and arrays bind as JSON text.",
          oneOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }, { type: "null" }, { type: "object" }, { type: "array" }],
        },
        Params: { type: "array", items: { $ref: "#/components/schemas/Param" } },
        Row: { type: "object", additionalProperties: { $ref: "#/components/schemas/Value" } },
        QueryRequest: {
          type: "object",
          required: ["sql"],
          properties: {
            sql: { type: "string" },
            params: { $ref: "#/components/schemas/Params" },
            isRaw: { type: "boolean", default: false },
            isTransaction: { type: "boolean", default: false },
          },
        },
        Statement: { type: "object", required: ["sql"], properties: { sql: { type: "string" }, params: { $ref: "#/components/schemas/Params" } } },
        RawRequest: {
          oneOf: [
            { $ref: "#/components/schemas/Statement" },
            {
              type: "object",
              required: ["transaction"],
              properties: { transaction: { type: "array", minItems: 1, items: { $ref: "#/components/schemas/Statement" } } },
            },
          ],
        },
        RawResult: {
          type: "object",
          required: ["columns", "rows", "meta"],
          properties: {
            columns: { type: "array", items: { type: "string" } },
            rows: { type: "array", items: { type: "array", items: { $ref: "#/components/schemas/Value" } } },
            meta: {
              type: "object",
              required: ["rows_read", "rows_written"],
              properties: { rows_read: { type: "integer" }, rows_written: { type: "integer" } },
            },
          },
        },
        Error: { type: "object", required: ["error"], properties: { error: { type: "string" }, code: { type: "string" } } },
      },
      responses: Object.fromEntries(
        [
          ["BadRequest", "Malformed body, wrong field types, SQL that SQLite or Durable Objects refuse (code says which)"],
          ["Unauthorized", "No or wrong credentials"],
          ["Forbidden", "Not allowed; READ_ONLY when read access tried to write (nothing was changed)"],
          ["TooLarge", "The body is larger than the limit (1 MiB by default)"],
          ["ServerError", "Anything else"],
        ].map(([name, description]) => [name, { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]),
      ),
    },
  };
}
