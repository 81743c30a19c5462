/**
 * HTTP plumbing shared by the middleware: one error type that knows its status, JSON responses
 * (always JSON, errors included), and BLOB encoding for JSON.
 */

/**
 * An HTTP failure with its status; the router answers it as `{ "error": message, "code"? }`.
 *
 * @example
 * throw new HttpError(413, "the body is larger than 1048576 bytes", "BODY_TOO_LARGE");
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, code?: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** A JSON response. BLOBs (`ArrayBuffer`, typed arrays) become arrays of byte numbers. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(encodeBlobs(body)), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

/** The JSON answer for a failure. */
export function errorResponse(error: HttpError): Response {
  const body: { error: string; code?: string } = { error: error.message };
  if (error.code) body.code = error.code;
  return jsonResponse(body, error.status, error.headers);
}

/**
 * Replaces every `ArrayBuffer` and typed array in `value` with an array of its byte numbers
 * (`x'00ff'` → `[0, 255]`), in place where possible: results come straight from RPC and are ours.
 * JSON cannot hold binary, and `JSON.stringify` would turn an `ArrayBuffer` into `{}`.
 */
export function encodeBlobs(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof ArrayBuffer) return Array.from(new Uint8Array(value));
  if (ArrayBuffer.isView(value)) return Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item !== null && typeof item === "object") value[i] = encodeBlobs(item);
    }
    return value;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const item = record[key];
      if (item !== null && typeof item === "object") record[key] = encodeBlobs(item);
    }
  }
  return value;
}
