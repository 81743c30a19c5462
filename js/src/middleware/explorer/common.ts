/**
 * Browser code shared by the explorer and the Outerbase bridge page (a string, inlined into the
 * pages; no CDN, no network but the API): the page config, the secret prompt (kept in
 * sessionStorage, never in a URL), and `api()` calls to the middleware.
 */
export const COMMON_JS = String.raw`
"use strict";
const config = JSON.parse(document.getElementById("dorm-config").textContent);
const SECRET_KEY = "dormroom:secret:" + config.base;
const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k in node && k !== "list") node[k] = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}
function quoteId(name) { return '"' + String(name).replace(/"/g, '""') + '"'; }
function databaseUrl(db) { return config.multi ? config.base + "/" + encodeURIComponent(db) : config.base; }

let loginWaiter = null;
/** Shows the sign-in dialog; resolves once a secret is entered. */
function login(message) {
  if (loginWaiter) return loginWaiter;
  const dialog = $("login");
  $("login-message").textContent = message || "";
  $("login-secret").value = "";
  loginWaiter = new Promise((resolve, reject) => {
    const done = (ok) => {
      dialog.close();
      $("login-form").onsubmit = null;
      $("login-cancel").onclick = null;
      loginWaiter = null;
      ok ? resolve() : reject(Object.assign(new Error("Sign-in cancelled"), { status: 401 }));
    };
    $("login-form").onsubmit = (e) => {
      e.preventDefault();
      sessionStorage.setItem(SECRET_KEY, $("login-secret").value);
      done(true);
    };
    $("login-cancel").onclick = () => done(false);
  });
  dialog.showModal();
  $("login-secret").focus();
  return loginWaiter;
}
function signOut() { sessionStorage.removeItem(SECRET_KEY); }

/** POSTs body to {database}/{path}; on 401 asks for the secret and tries again. */
async function api(db, path, body) {
  for (let attempt = 0; ; attempt++) {
    const headers = { "Content-Type": "application/json" };
    const secret = sessionStorage.getItem(SECRET_KEY);
    if (secret) headers.Authorization = "Bearer " + secret;
    const started = performance.now();
    let res, data;
    try {
      res = await fetch(databaseUrl(db) + path, { method: "POST", headers, body: JSON.stringify(body) });
      data = await res.json().catch(() => ({ error: "the server answered " + res.status + " without JSON" }));
    } catch (e) {
      throw new Error("network error: " + e.message);
    }
    const ms = performance.now() - started;
    if (res.status === 401 && attempt < 5) {
      await login(secret ? "That secret was not accepted. Try again." : "This database needs a secret.");
      continue;
    }
    if (!res.ok) throw Object.assign(new Error(data.error || res.statusText), { status: res.status, code: data.code });
    const timing = /dur=([\d.]+)/.exec(res.headers.get("Server-Timing") || "");
    return { data, ms, serverMs: timing ? Number(timing[1]) : null };
  }
}

/** The prefilled "new Starbase connection" link of Outerbase Studio for a database. */
function outerbaseLink(db, withKey) {
  const params = new URLSearchParams({ url: location.origin + databaseUrl(db), type: "internal" });
  const secret = sessionStorage.getItem(SECRET_KEY);
  if (withKey && secret) params.set("access-key", secret);
  return "https://studio.outerbase.com/local/new-base/starbase?" + params.toString();
}
`;
