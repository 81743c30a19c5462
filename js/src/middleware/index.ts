/**
 * The HTTP side of dormroom: `client.middleware` (one database), `dormMiddleware` (many), the
 * explorer page and the Outerbase Studio bridge they serve, and the OpenAPI description.
 */
export { dormMiddleware, type Middleware, type MultiMiddlewareOptions } from "./multi.js";
export { type MiddlewareOptions } from "./router.js";
export { type Access, type AccessDecision, type Authorize, bearerMatches, bearerToken } from "./auth.js";
export { type CorsOptions } from "./cors.js";
export { openApiDocument } from "./openapi.js";
export { outerbaseConnectUrl } from "./outerbase.js";
