/**
 * The dormroom demo: a users-management app where every tenant has its own SQLite database.
 *
 *   npm start  →  http://localhost:8787  (pick a tenant; each one is a separate Durable Object)
 *
 * Routes, per tenant:
 *   GET    /t/{tenant}/                 the HTML page
 *   GET    /t/{tenant}/api/users        list users
 *   GET    /t/{tenant}/api/users/{id}   one user
 *   POST   /t/{tenant}/api/users        create  { name, email }
 *   PUT    /t/{tenant}/api/users/{id}   update  { name?, email? }
 *   DELETE /t/{tenant}/api/users/{id}   delete
 *
 * Every tenant's database over HTTP (Bearer env.DB_SECRET), for tools and Outerbase Studio:
 *   POST   /db/tenant:{tenant}/query/raw   { sql, params? } or { transaction: [...] }
 *   GET    /db/studio?db=tenant:{tenant}   the data explorer (asks for the secret)
 *   GET    /db/studio/outerbase?db=...     Outerbase Studio embedded
 *   GET    /db/openapi.json                the API's OpenAPI description
 *   POST   /t/{tenant}/db/query            the same for one tenant (client.middleware, the original's API)
 */
import { createClient, dormMiddleware, DORM, type DORMClient, type QueryResult } from "dormroom";

export { DORM };

interface Env {
  DORM: DurableObjectNamespace<DORM>;
  DB_SECRET: string;
}

const statements = [
  `CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
  )`,
];

const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    // Every tenant's database at /db/tenant:{name}/..., the explorer at /db/studio.
    const db = dormMiddleware(env.DORM, {
      secret: env.DB_SECRET,
      version: "v1",
      statements,
      cors: { origins: ["https://studio.outerbase.com"] },
      databases: ["tenant:acme", "tenant:globex"],
    });
    const answered = await db(request);
    if (answered) return answered;
    if (url.pathname === "/") return html(homePage());
    const match = url.pathname.match(/^\/t\/([^/]+)(\/.*)?$/);
    if (!match) return json({ error: "Not found" }, 404);
    const tenant = decodeURIComponent(match[1]);
    if (!TENANT.test(tenant)) return json({ error: "tenant names are 1-63 of a-z, 0-9 and -" }, 400);
    const rest = match[2] ?? "/";
    const client = createClient(env.DORM, { version: "v1", name: `tenant:${tenant}`, statements });

    // The original's one-database API for this tenant: POST /t/{tenant}/db/query, explorer at /t/{tenant}/db/studio.
    const own = await client.middleware(request, { prefix: `/t/${tenant}/db`, secret: env.DB_SECRET });
    if (own) return own;
    if (rest === "/") return html(tenantPage(tenant));
    const users = rest.match(/^\/api\/users(?:\/(\d+))?$/);
    if (users) return usersApi(request, client, users[1] ? Number(users[1]) : undefined);
    return json({ error: "Not found" }, 404);
  },
};

async function usersApi(request: Request, client: DORMClient, id: number | undefined): Promise<Response> {
  if (request.method === "GET" && id === undefined) {
    return reply(await client.query("SELECT * FROM users ORDER BY id"));
  }
  if (request.method === "GET") {
    const result = await client.query("SELECT * FROM users WHERE id = ?", undefined, id);
    if (result.ok && result.json.length === 0) return json({ error: "No such user" }, 404);
    return reply(result, (rows) => rows[0]);
  }
  if (request.method === "DELETE" && id !== undefined) {
    const result = await client.query("DELETE FROM users WHERE id = ? RETURNING id", undefined, id);
    if (result.ok && result.json.length === 0) return json({ error: "No such user" }, 404);
    return reply(result, (rows) => rows[0]);
  }
  let body: { name?: unknown; email?: unknown };
  try {
    body = await request.json();
  } catch {
    return json({ error: "the body must be JSON: { name, email }" }, 400);
  }
  if (request.method === "POST" && id === undefined) {
    if (typeof body.name !== "string" || typeof body.email !== "string" || !body.name || !body.email) {
      return json({ error: "name and email are required strings" }, 400);
    }
    const result = await client.query("INSERT INTO users (name, email) VALUES (?, ?) RETURNING *", undefined, body.name, body.email);
    return reply(result, (rows) => rows[0], 201);
  }
  if (request.method === "PUT" && id !== undefined) {
    const result = await client.query(
      "UPDATE users SET name = coalesce(?, name), email = coalesce(?, email) WHERE id = ? RETURNING *",
      undefined,
      typeof body.name === "string" ? body.name : null,
      typeof body.email === "string" ? body.email : null,
      id,
    );
    if (result.ok && result.json.length === 0) return json({ error: "No such user" }, 404);
    return reply(result, (rows) => rows[0]);
  }
  return json({ error: "Method not allowed" }, 405);
}

function reply(result: QueryResult<any>, pick: (rows: any[]) => unknown = (rows) => rows, status = 200): Response {
  if (!result.ok) return json({ error: result.error, code: result.code }, result.status);
  return json(pick(result.json as any[]), status);
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function html(body: string): Response {
  return new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

const style = `body{font:15px/1.5 system-ui,sans-serif;max-width:760px;margin:40px auto;padding:0 16px;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left}
input{padding:6px;margin-right:6px}button{padding:6px 12px;cursor:pointer}.err{color:#b00020}code{background:#f3f3f3;padding:2px 4px}`;

function homePage(): string {
  return `<!doctype html><meta charset="utf-8"><title>dormroom demo</title><style>${style}</style>
<h1>🛏️ dormroom demo</h1>
<p>Every tenant below is its own SQLite database in its own Durable Object, created on first use.</p>
<form onsubmit="location.href='/t/'+encodeURIComponent(this.t.value.trim().toLowerCase())+'/';return false">
<input name="t" placeholder="tenant name, e.g. acme" pattern="[a-z0-9][a-z0-9\\-]{0,62}" required><button>Open</button></form>
<p>Or try <a href="/t/acme/">acme</a>, <a href="/t/globex/">globex</a>.</p>
<p>Look into any tenant's database with the <a href="/db/studio">data explorer</a> (the secret is <code>DB_SECRET</code>; <code>dev-secret</code> in <code>wrangler.jsonc</code>).</p>`;
}

function tenantPage(tenant: string): string {
  return `<!doctype html><meta charset="utf-8"><title>${tenant} · dormroom demo</title><style>${style}</style>
<p><a href="/">← tenants</a></p>
<h1>Users of <code>${tenant}</code></h1>
<p>Database <code>tenant:${tenant}</code>: <a id="explore" href="/db/studio?db=tenant%3A${tenant}">open in the data explorer</a> ·
<a href="/db/studio/outerbase?db=tenant%3A${tenant}">in Outerbase Studio</a></p>
<form id="add"><input name="name" placeholder="name" required><input name="email" type="email" placeholder="email" required><button>Add user</button></form>
<p id="msg" class="err"></p>
<table><thead><tr><th>id</th><th>name</th><th>email</th><th>created</th><th></th></tr></thead><tbody id="rows"></tbody></table>
<script>
const api = "/t/${tenant}/api/users";
const msg = document.getElementById("msg");
async function call(method, url, body) {
  const res = await fetch(url, { method, headers: { "Content-Type": "application/json" }, body: body && JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}
function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }
async function load() {
  const users = await call("GET", api);
  const tbody = document.getElementById("rows");
  tbody.replaceChildren(...users.map((u) => {
    const tr = document.createElement("tr");
    tr.append(cell(u.id), cell(u.name), cell(u.email), cell(u.created_at));
    const actions = document.createElement("td");
    const rename = document.createElement("button"); rename.textContent = "Rename";
    rename.onclick = () => { const name = prompt("New name", u.name); if (name) run(() => call("PUT", api + "/" + u.id, { name })); };
    const del = document.createElement("button"); del.textContent = "Delete";
    del.onclick = () => run(() => call("DELETE", api + "/" + u.id));
    actions.append(rename, " ", del); tr.append(actions);
    return tr;
  }));
}
async function run(action) {
  msg.textContent = "";
  try { await action(); await load(); } catch (e) { msg.textContent = e.message; }
}
document.getElementById("add").onsubmit = (e) => {
  e.preventDefault();
  const f = e.target;
  run(async () => { await call("POST", api, { name: f.elements.namedItem("name").value, email: f.elements.namedItem("email").value }); f.reset(); });
};
run(async () => {});
</script>`;
}
