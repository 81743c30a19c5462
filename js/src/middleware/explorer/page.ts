/**
 * The explorer page: one self-contained HTML document (its CSS and JS are inlined string
 * modules, so they survive `npm pack` and bundling; no CDN, no external request). Served with a
 * Content-Security-Policy that lets it talk to its own origin only.
 */
import { COMMON_JS } from "./common.js";
import { EXPLORER_JS } from "./script.js";
import { EXPLORER_CSS } from "./style.js";

/** What a page needs to know about the middleware that serves it. */
export interface PageConfig {
  /** The middleware's prefix, e.g. `/db`. */
  base: string;
  /** Many databases, named in the URL. */
  multi: boolean;
  /** Names to suggest (many databases). */
  hints: readonly string[];
}

/** The explorer at `{prefix}/studio`. */
export function explorerPage(config: PageConfig): Response {
  const nonce = newNonce();
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>dormroom explorer</title><meta name="referrer" content="no-referrer">
<style nonce="${nonce}">${EXPLORER_CSS}</style></head>
<body>
<header>
  <h1>🛏️ dormroom explorer</h1>
  <form id="db-form"><input id="db-name" list="db-hints" placeholder="database name" autocomplete="off" aria-label="database name"><datalist id="db-hints"></datalist><button id="db-open">Open</button></form>
  <strong id="db-current"></strong>
  <span class="spacer"></span>
  <span id="status" role="status"></span>
  <a id="outerbase-embed" href="#">Outerbase (embedded)</a>
  <a id="outerbase-connect" href="#" title="Opens Outerbase Studio with a new Starbase connection to this database, filled in (the secret included)">Connect with Outerbase</a>
  <button id="sign-out" title="Forget the secret in this tab">Sign out</button>
</header>
<div id="error" class="error" role="alert" hidden></div>
<div id="workspace" hidden>
  <nav><div class="navbar"><button id="open-console">SQL console</button><button id="refresh-tables" title="Reload tables and counts">↻</button></div><ul id="tables"></ul></nav>
  <main id="content"></main>
</div>
<dialog id="login"><form id="login-form"><h3>Sign in</h3>
  <label>Secret <input id="login-secret" type="password" autocomplete="current-password" required></label>
  <p id="login-message"></p>
  <div class="buttons"><button type="button" id="login-cancel">Cancel</button><button class="primary" id="login-submit">Sign in</button></div></form></dialog>
<dialog id="row-editor"><form id="row-form"><h3 id="row-editor-title"></h3><div id="row-fields"></div><p id="row-editor-error"></p>
  <div class="buttons"><button type="button" id="row-delete">Delete row</button><span class="spacer"></span><button type="button" id="row-cancel">Cancel</button><button class="primary" id="row-save">Save</button></div></form></dialog>
${configScript(config, nonce)}
<script nonce="${nonce}">(() => {${COMMON_JS}${EXPLORER_JS}})();</script>
</body></html>`;
  return htmlResponse(body, nonce);
}

/** The page config as an inert JSON script element (`<` escaped so it cannot close the tag). */
export function configScript(config: PageConfig, nonce: string): string {
  const json = JSON.stringify(config).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  return `<script nonce="${nonce}" id="dorm-config" type="application/json">${json}</script>`;
}

export function newNonce(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

/** An HTML response whose only allowed sources are the nonce's inline code and the own origin. */
export function htmlResponse(body: string, nonce: string, frameSrc = "'none'"): Response {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    `frame-src ${frameSrc}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join("; ");
  return new Response(body, {
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": csp,
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
