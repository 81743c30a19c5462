/**
 * Outerbase Studio, two ways:
 *
 * - Embedded: `{prefix}/studio/outerbase` hosts `https://studio.outerbase.com/embed/starbase` in
 *   an iframe and answers its postMessage protocol: the iframe posts `{ type: "query", id,
 *   statement }` or `{ type: "transaction", id, statements }`; the page runs them through this
 *   API (`…/query/raw`, with the secret from sessionStorage) and posts back `{ type, id, data }`
 *   (`data`: `{ headers, rows, stat }`, an array of them for a transaction) or `{ type, id, error }`.
 *   Only messages from that origin and that frame are answered, and answers go to that origin.
 * - Connected: Studio's own "Starbase" connection calls `POST {url}/query/raw` from the browser;
 *   `outerbaseConnectUrl` builds the link that opens it prefilled. Allow its origin in CORS:
 *   `cors: { origins: ["https://studio.outerbase.com"] }`.
 */
import { COMMON_JS } from "./explorer/common.js";
import { EXPLORER_CSS } from "./explorer/style.js";
import { type PageConfig, configScript, htmlResponse, newNonce } from "./explorer/page.js";

/** Where Outerbase Studio lives. */
export const OUTERBASE_ORIGIN = "https://studio.outerbase.com";

/**
 * The link that opens Outerbase Studio with a new Starbase connection filled in.
 * `baseUrl` is what Studio appends `/query/raw` to: `https://app.example/db` (one database) or
 * `https://app.example/db/tenant%3Aacme` (many). The access key travels in the link: hand it only
 * to the person who may use it.
 *
 * @example
 * outerbaseConnectUrl("https://app.example/db/acme", env.DB_SECRET)
 */
export function outerbaseConnectUrl(baseUrl: string, accessKey?: string): string {
  const params = new URLSearchParams({ url: baseUrl, type: "internal" });
  if (accessKey) params.set("access-key", accessKey);
  return `${OUTERBASE_ORIGIN}/local/new-base/starbase?${params}`;
}

const BRIDGE_JS = String.raw`
const STUDIO = ${JSON.stringify(OUTERBASE_ORIGIN)};
const frame = $("studio");

/** One raw result { columns, rows, meta } as Studio's result set { headers, rows, stat }. */
function toResultSet(result, ms) {
  const used = new Set();
  const headers = result.columns.map((column) => {
    let name = column;
    for (let i = 2; used.has(name); i++) name = column + "_" + i;
    used.add(name);
    return { name, displayName: column, originalType: "text", type: 1 };
  });
  if (!headers.length) headers.push({ name: "(no columns)", displayName: "(no columns)", originalType: "text", type: 1 });
  const rows = result.rows.map((values) => {
    const row = {};
    headers.forEach((h, i) => { const v = values[i]; row[h.name] = Array.isArray(v) ? new Uint8Array(v).buffer : v; });
    return row;
  });
  return { headers, rows, stat: { rowsAffected: result.meta.rows_written, rowsRead: result.meta.rows_read, rowsWritten: result.meta.rows_written, queryDurationMs: ms } };
}

async function answer(message) {
  const { type, id } = message;
  try {
    if (type === "query") {
      const r = await api(db, "/query/raw", { sql: String(message.statement) });
      return { type, id, data: toResultSet(r.data.result, r.serverMs ?? r.ms) };
    }
    const statements = Array.from(message.statements || [], (sql) => ({ sql: String(sql) }));
    const r = await api(db, "/query/raw", { transaction: statements });
    return { type, id, data: r.data.result.map((x) => toResultSet(x, (r.serverMs ?? r.ms) / statements.length)) };
  } catch (e) {
    return { type, id, error: (e.code ? "[" + e.code + "] " : "") + e.message };
  }
}

window.addEventListener("message", async (event) => {
  if (event.origin !== STUDIO || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (!message || (message.type !== "query" && message.type !== "transaction")) return;
  const reply = await answer(message);
  frame.contentWindow.postMessage(reply, STUDIO);
});

const params = new URL(location.href).searchParams;
const db = config.multi ? params.get("db") : "";
$("back").href = config.base + "/studio" + (config.multi && db ? "?db=" + encodeURIComponent(db) : "");
if (config.multi && !db) {
  $("db-missing").hidden = false;
} else {
  $("db-current").textContent = db || "this database";
  $("outerbase-connect").addEventListener("click", (e) => { e.preventDefault(); window.open(outerbaseLink(db, true), "_blank", "noopener,noreferrer"); });
  const start = () => { frame.src = STUDIO + "/embed/starbase?" + new URLSearchParams({ name: db || "database" }); frame.hidden = false; };
  // Ask for the secret first if the API wants one, so Studio's first queries do not fail.
  api(db, "/query/raw", { sql: "SELECT 1" }).then(start, (e) => { $("error").hidden = false; $("error").textContent = e.message; });
}
`;

/** The page at `{prefix}/studio/outerbase` (`?db=name` with many databases). */
export function outerbasePage(config: PageConfig): Response {
  const nonce = newNonce();
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Outerbase Studio · dormroom</title><meta name="referrer" content="no-referrer">
<style nonce="${nonce}">${EXPLORER_CSS}</style></head>
<body>
<header><h1>🛏️ Outerbase Studio</h1><strong id="db-current"></strong><span class="spacer"></span>
  <a id="back" href="#">← dormroom explorer</a>
  <a id="outerbase-connect" href="#" title="Open in Outerbase Studio with a Starbase connection to this database">Connect with Outerbase</a></header>
<div id="error" class="error" role="alert" hidden></div>
<p id="db-missing" class="hint" hidden>Open this page from the explorer: it needs <code>?db=name</code>.</p>
<iframe id="studio" title="Outerbase Studio" hidden></iframe>
<dialog id="login"><form id="login-form"><h3>Sign in</h3>
  <label>Secret <input id="login-secret" type="password" autocomplete="current-password" required></label>
  <p id="login-message"></p>
  <div class="buttons"><button type="button" id="login-cancel">Cancel</button><button class="primary" id="login-submit">Sign in</button></div></form></dialog>
${configScript(config, nonce)}
<script nonce="${nonce}">(() => {${COMMON_JS}${BRIDGE_JS}})();</script>
</body></html>`;
  return htmlResponse(body, nonce, OUTERBASE_ORIGIN);
}
