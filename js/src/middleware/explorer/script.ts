/**
 * The explorer's browser code (a string, inlined into the page): pick a database, list its
 * tables with columns and row counts, browse rows in keyset pages (by rowid or primary key, never
 * the whole table), sort, filter, edit / insert / delete rows, and a SQL console with timings.
 * Everything goes through the middleware's `POST …/query/raw` with bound parameters.
 */
export const EXPLORER_JS = String.raw`
const state = { db: null, tables: [], table: null, sort: null, filters: [], pageSize: 50, rows: [], offset: 0, total: null, more: { next: false, prev: false } };
const NUMERIC = /INT|REAL|FLOA|DOUB|NUM|DEC/i;

function showError(err) {
  const box = $("error");
  if (!err) { box.hidden = true; box.textContent = ""; return; }
  box.hidden = false;
  box.textContent = (err.code ? "[" + err.code + "] " : "") + err.message;
}
function status(text) { $("status").textContent = text || ""; }
async function guard(work) {
  showError(null);
  try { return await work(); } catch (e) { showError(e); }
}
async function raw(sql, params) { return (await api(state.db, "/query/raw", { sql, params: params || [] })); }
async function transaction(statements) { return (await api(state.db, "/query/raw", { transaction: statements })); }

/* ---------- cells ---------- */
function cellText(value) {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    const hex = value.slice(0, 32).map((b) => b.toString(16).padStart(2, "0")).join("");
    return "x'" + hex + (value.length > 32 ? "…" : "") + "' (" + value.length + " bytes)";
  }
  return String(value);
}
function cell(value) {
  const td = el("td");
  const text = cellText(value);
  if (text === null) { td.append(el("span", { class: "null" }, "NULL")); return td; }
  if (typeof value === "number") td.className = "num";
  if (Array.isArray(value)) td.className = "blob";
  td.textContent = text.length > 300 ? text.slice(0, 300) + "…" : text;
  if (text.length > 60) td.title = text;
  return td;
}
function grid(columns, rows, options) {
  options = options || {};
  const head = el("tr", {}, options.actions ? el("th", { class: "actions" }) : null,
    columns.map((c, i) => {
      const th = el("th", { title: c.title || "" }, c.name, c.type ? el("small", {}, " " + c.type) : null, c.pk ? el("small", { class: "pk" }, " PK") : null);
      if (options.onSort) {
        th.classList.add("sortable");
        const s = state.sort && state.sort.column === c.name ? state.sort.dir : null;
        if (s) th.append(el("span", { class: "arrow" }, s === "asc" ? " ▲" : " ▼"));
        th.addEventListener("click", () => options.onSort(c.name));
      }
      return th;
    }));
  const body = el("tbody");
  rows.forEach((row, r) => {
    const tr = el("tr", { "data-row": r });
    if (options.actions) tr.append(el("td", { class: "actions" }, options.actions(r)));
    row.forEach((v, i) => {
      const td = cell(v);
      td.dataset.col = i;
      if (options.onEdit) td.addEventListener("dblclick", () => options.onEdit(r, i, td));
      tr.append(td);
    });
    body.append(tr);
  });
  return el("table", { class: "grid" }, el("thead", {}, head), body);
}

/* ---------- databases and tables ---------- */
const RECENT_KEY = "dormroom:recent:" + config.base;
function recent() { try { return JSON.parse(localStorage.getItem(RECENT_KEY)) || []; } catch { return []; } }
function remember(name) { localStorage.setItem(RECENT_KEY, JSON.stringify([name, ...recent().filter((n) => n !== name)].slice(0, 20))); }
function fillHints() {
  const names = [...new Set([...recent(), ...config.hints])];
  $("db-hints").replaceChildren(...names.map((n) => el("option", { value: n })));
}

async function openDatabase(name) {
  state.db = name;
  state.table = null;
  document.title = (name || "database") + " · dormroom explorer";
  $("db-name").value = name;
  $("db-current").textContent = name || "this database";
  if (config.multi) {
    const url = new URL(location.href);
    url.searchParams.set("db", name);
    history.replaceState(null, "", url);
    remember(name);
    fillHints();
  }
  $("outerbase-embed").href = config.base + "/studio/outerbase" + (config.multi ? "?db=" + encodeURIComponent(name) : "");
  $("workspace").hidden = false;
  $("content").replaceChildren(el("p", { class: "hint" }, "Pick a table, or use the SQL console."));
  await guard(loadTables);
}

async function loadTables() {
  status("loading tables…");
  const listing = await raw(
    "SELECT s.name, s.type, p.name AS col, p.type AS coltype, p.\"notnull\" AS nn, p.pk AS pk, p.dflt_value AS dflt, s.sql " +
    "FROM sqlite_schema AS s JOIN pragma_table_info(s.name) AS p " +
    "WHERE s.type IN ('table', 'view') AND s.name NOT LIKE 'sqlite!_%' ESCAPE '!' AND lower(substr(s.name, 1, 4)) <> '_cf_' " +
    "ORDER BY s.type, s.name, p.cid");
  const byName = new Map();
  for (const [name, type, col, coltype, nn, pk, dflt, sql] of listing.data.result.rows) {
    if (!byName.has(name)) byName.set(name, { name, type, columns: [], withoutRowid: /\bWITHOUT\s+ROWID\b/i.test(sql || ""), count: null });
    byName.get(name).columns.push({ name: col, type: coltype, notnull: !!nn, pk: Number(pk), dflt });
  }
  state.tables = [...byName.values()];
  const tables = state.tables.filter((t) => t.type === "table");
  if (tables.length) {
    const counts = await transaction(tables.map((t) => ({ sql: "SELECT COUNT(*) FROM " + quoteId(t.name) })));
    counts.data.result.forEach((r, i) => { tables[i].count = r.rows[0][0]; });
  }
  renderTables();
  status(state.tables.length + " tables and views · " + Math.round(listing.ms) + " ms");
}

function renderTables() {
  $("tables").replaceChildren(...state.tables.map((t) =>
    el("li", { class: state.table && state.table.name === t.name ? "current" : "" },
      el("button", { class: "table", "data-table": t.name, onclick: () => guard(() => openTable(t.name)) },
        el("span", { class: "name" }, t.name),
        el("span", { class: "count" }, t.type === "view" ? "view" : t.count === null ? "" : Number(t.count).toLocaleString("en-US"))),
      el("div", { class: "cols", title: t.columns.map((c) => c.name + " " + c.type).join("\n") },
        t.columns.map((c) => c.name + (c.pk ? "*" : "")).join(", ")))));
}

/* ---------- browsing: keyset pages ---------- */
function keysOf(table) {
  if (table.type === "view") return [];
  if (table.withoutRowid) return table.columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => quoteId(c.name));
  const taken = new Set(table.columns.map((c) => c.name.toLowerCase()));
  const alias = ["rowid", "_rowid_", "oid"].find((n) => !taken.has(n));
  return alias ? [alias] : [];
}
function columnOf(name) { return state.table.columns.find((c) => c.name === name); }
function coerce(column, text) {
  if (column && NUMERIC.test(column.type || "") && text.trim() !== "" && Number.isFinite(Number(text))) return Number(text);
  return text;
}
function filterSql(params) {
  const parts = [];
  for (const f of state.filters) {
    if (f.op === "IS NULL" || f.op === "IS NOT NULL") parts.push(quoteId(f.column) + " " + f.op);
    else { parts.push(quoteId(f.column) + " " + f.op + " ?"); params.push(coerce(columnOf(f.column), f.value)); }
  }
  return parts;
}
function rowValue(keys, values, cmp, params) {
  params.push(...values);
  if (keys.length === 1) return keys[0] + " " + cmp + " ?";
  return "(" + keys.join(", ") + ") " + cmp + " (" + keys.map(() => "?").join(", ") + ")";
}

/**
 * The SELECT of one page. dir: the effective order ("asc"/"desc"); after: the cursor row (keys
 * first, then the columns), rows strictly after it, or from it on when inclusive.
 */
function pageQuery(dir, after, inclusive) {
  const t = state.table, keys = state.keys, params = [];
  const where = filterSql(params);
  const sortCol = state.sort ? quoteId(state.sort.column) : null;
  if (after && keys.length) {
    const k = after.slice(0, keys.length);
    const gt = dir === "asc" ? ">" : "<";
    const keyCmp = gt + (inclusive ? "=" : "");
    if (!sortCol) where.push(rowValue(keys, k, keyCmp, params));
    else {
      const v = after[keys.length + state.sortIndex];
      if (v === null && dir === "asc") where.push("(" + sortCol + " IS NOT NULL OR (" + sortCol + " IS NULL AND " + rowValue(keys, k, keyCmp, params) + "))");
      else if (v === null) where.push("(" + sortCol + " IS NULL AND " + rowValue(keys, k, keyCmp, params) + ")");
      else {
        params.push(v, v);
        const kc = rowValue(keys, k, keyCmp, params);
        where.push("(" + sortCol + " " + gt + " ? OR (" + sortCol + " = ? AND " + kc + ")" + (dir === "desc" ? " OR " + sortCol + " IS NULL" : "") + ")");
      }
    }
  }
  const order = (sortCol ? [sortCol] : []).concat(keys).map((k) => k + " " + dir.toUpperCase());
  const select = keys.map((k, i) => k + " AS " + quoteId("__key" + i)).concat(["*"]).join(", ");
  let sql = "SELECT " + select + " FROM " + quoteId(t.name) + (where.length ? " WHERE " + where.join(" AND ") : "");
  if (order.length) sql += " ORDER BY " + order.join(", ");
  sql += " LIMIT " + (state.pageSize + 1);
  if (!keys.length) sql += " OFFSET " + state.offset;
  return { sql, params };
}
function countQuery() {
  const params = [];
  const where = filterSql(params);
  return { sql: "SELECT COUNT(*) FROM " + quoteId(state.table.name) + (where.length ? " WHERE " + where.join(" AND ") : ""), params };
}

async function openTable(name) {
  const table = state.tables.find((t) => t.name === name);
  state.table = table;
  state.keys = keysOf(table);
  state.sort = null;
  state.filters = [];
  state.rows = [];
  state.offset = 0;
  renderTables();
  renderBrowser();
  await loadPage("first");
}

/**
 * Loads a page. move: "first" | "next" | "prev" | "last" | "reload" (the current page again).
 * Keyset pages: "next" continues after the last row shown, "prev" and "last" read backwards.
 * Tables without a usable key (views) fall back to OFFSET.
 */
async function loadPage(move) {
  const keys = state.keys, base = state.sort ? state.sort.dir : "asc";
  const flip = base === "asc" ? "desc" : "asc";
  if (state.sort) state.sortIndex = state.table.columns.findIndex((c) => c.name === state.sort.column);
  const needCount = move === "first" || move === "reload" || state.total === null;
  let dir = base, after = null, inclusive = false, reverse = false, offset = state.offset;
  if (!keys.length) {
    if (needCount && move !== "reload") state.total = (await transaction([countQuery()])).data.result[0].rows[0][0];
    offset = move === "first" ? 0 : move === "next" ? offset + state.pageSize : move === "prev" ? Math.max(0, offset - state.pageSize)
      : move === "last" ? Math.max(0, state.total - state.pageSize) : offset;
    state.offset = offset;
  } else if (move === "next") { after = state.rows[state.rows.length - 1]; offset += state.rows.length; }
  else if (move === "prev") { dir = flip; after = state.rows[0]; reverse = true; offset = Math.max(0, offset - state.pageSize); }
  else if (move === "last") { dir = flip; reverse = true; }
  else if (move === "reload" && state.rows.length && offset > 0) { after = state.rows[0]; inclusive = true; }
  else offset = 0;

  const statements = [pageQuery(dir, after, inclusive)];
  if (needCount) statements.unshift(countQuery());
  const started = performance.now();
  const answer = await transaction(statements);
  const results = answer.data.result;
  const result = results[results.length - 1];
  if (needCount) state.total = results[0].rows[0][0];
  let rows = result.rows;
  const more = rows.length > state.pageSize;
  if (more) rows = rows.slice(0, state.pageSize);
  if (reverse) rows.reverse();
  if (keys.length && move === "prev" && !more) {
    if (rows.length < state.pageSize) return loadPage("first");
    offset = 0;
  }
  if (keys.length && move === "last") offset = Math.max(0, state.total - rows.length);
  state.rows = rows;
  state.columns = result.columns.slice(keys.length);
  state.offset = offset;
  state.more = keys.length
    ? { next: move === "prev" ? true : move === "last" ? false : more, prev: reverse ? more : offset > 0 }
    : { next: more, prev: offset > 0 };
  renderRows(performance.now() - started, answer.serverMs);
}

function renderBrowser() {
  const t = state.table;
  const filters = el("div", { id: "filters" });
  const browse = el("section", { id: "browse" },
    el("div", { class: "toolbar" },
      el("h2", {}, t.name, el("small", {}, t.type === "view" ? " view" : "")),
      el("button", { id: "add-filter", onclick: () => { state.filters.push({ column: t.columns[0].name, op: "=", value: "" }); renderFilters(); } }, "+ Filter"),
      t.type === "table" ? el("button", { id: "insert-row", onclick: () => editRow(null) }, "+ Row") : null,
      el("label", {}, "Rows per page ",
        el("select", { id: "page-size", onchange: (e) => { state.pageSize = Number(e.target.value); guard(() => loadPage("first")); } },
          [25, 50, 100, 250, 500].map((n) => el("option", { value: n, selected: n === state.pageSize }, n))))),
    filters,
    el("div", { id: "rows", class: "scroll" }),
    el("div", { class: "pager" },
      el("button", { id: "page-first", onclick: () => guard(() => loadPage("first")) }, "« First"),
      el("button", { id: "page-prev", onclick: () => guard(() => loadPage("prev")) }, "‹ Prev"),
      el("span", { id: "page-info" }),
      el("button", { id: "page-next", onclick: () => guard(() => loadPage("next")) }, "Next ›"),
      el("button", { id: "page-last", onclick: () => guard(() => loadPage("last")) }, "Last »"),
      el("span", { id: "page-timing", class: "timing" })));
  $("content").replaceChildren(browse);
  renderFilters();
}

const OPS = ["=", "!=", "<", "<=", ">", ">=", "LIKE", "NOT LIKE", "IS NULL", "IS NOT NULL"];
function renderFilters() {
  const t = state.table;
  $("filters").replaceChildren(...state.filters.map((f, i) =>
    el("form", { class: "filter", onsubmit: (e) => { e.preventDefault(); guard(() => loadPage("first")); } },
      el("select", { class: "filter-column", onchange: (e) => { f.column = e.target.value; } },
        t.columns.map((c) => el("option", { value: c.name, selected: c.name === f.column }, c.name))),
      el("select", { class: "filter-op", onchange: (e) => { f.op = e.target.value; renderFilters(); } },
        OPS.map((op) => el("option", { value: op, selected: op === f.op }, op))),
      f.op.includes("NULL") ? null : el("input", { class: "filter-value", value: f.value, placeholder: "value", oninput: (e) => { f.value = e.target.value; } }),
      el("button", { type: "submit", class: "filter-apply" }, "Apply"),
      el("button", { type: "button", class: "filter-remove", onclick: () => { state.filters.splice(i, 1); renderFilters(); guard(() => loadPage("first")); } }, "✕"))));
}

function renderRows(ms, serverMs) {
  const t = state.table, keys = state.keys;
  const editable = t.type === "table" && keys.length > 0;
  const columns = state.columns.map((name) => {
    const c = columnOf(name) || { name, type: "" };
    return { name, type: c.type, pk: c.pk > 0 };
  });
  const values = state.rows.map((r) => r.slice(keys.length));
  $("rows").replaceChildren(grid(columns, values, {
    onSort: (name) => {
      const s = state.sort;
      state.sort = !s || s.column !== name ? { column: name, dir: "asc" } : s.dir === "asc" ? { column: name, dir: "desc" } : null;
      guard(() => loadPage("first"));
    },
    onEdit: editable ? editCell : null,
    actions: editable ? (r) => el("button", { class: "edit-row", title: "Edit or delete this row", onclick: () => editRow(r) }, "✎") : null,
  }));
  const from = state.rows.length ? state.offset + 1 : 0;
  $("page-info").textContent = "rows " + from.toLocaleString("en-US") + "–" + (state.offset + state.rows.length).toLocaleString("en-US") +
    " of " + (state.total === null ? "?" : Number(state.total).toLocaleString("en-US"));
  $("page-prev").disabled = $("page-first").disabled = !state.more.prev;
  $("page-next").disabled = $("page-last").disabled = !state.more.next;
  $("page-timing").textContent = ms ? Math.round(ms) + " ms" + (serverMs !== null && serverMs !== undefined ? " (server " + serverMs + " ms)" : "") : "";
  if (t.type === "table" && t.count !== state.total && !state.filters.length) { t.count = state.total; renderTables(); }
}

/* ---------- editing ---------- */
function keyWhere(row, params) {
  params.push(...row.slice(0, state.keys.length));
  return state.keys.map((k) => k + " = ?").join(" AND ");
}
function returning() { return " RETURNING " + state.keys.map((k, i) => k + " AS " + quoteId("__key" + i)).concat(["*"]).join(", "); }

function editCell(r, i, td) {
  const row = state.rows[r];
  const name = state.columns[i];
  const value = row[state.keys.length + i];
  if (Array.isArray(value)) return showError(new Error("BLOB cells cannot be edited here; use the SQL console"));
  const input = el("input", { class: "cell-editor", value: value === null ? "" : String(value) });
  td.replaceChildren(input);
  input.focus();
  input.select();
  let finished = false;
  const restore = () => { if (!finished) { finished = true; renderRows(0, null); } };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") restore();
    if (e.key !== "Enter") return;
    finished = true;
    guard(async () => {
      const params = [coerce(columnOf(name), input.value)];
      const sql = "UPDATE " + quoteId(state.table.name) + " SET " + quoteId(name) + " = ? WHERE " + keyWhere(row, params) + returning();
      const answer = await raw(sql, params);
      if (answer.data.result.rows[0]) state.rows[r] = answer.data.result.rows[0];
      status("saved " + name + " · " + Math.round(answer.ms) + " ms");
    }).finally(() => renderRows(0, null));
  });
  input.addEventListener("blur", restore);
}

function editRow(r) {
  const t = state.table;
  const row = r === null ? null : state.rows[r];
  const dialog = $("row-editor");
  $("row-editor-title").textContent = row ? "Edit row of " + t.name : "New row in " + t.name;
  $("row-delete").hidden = !row;
  $("row-editor-error").textContent = "";
  const fields = t.columns.map((c) => {
    const i = state.columns.indexOf(c.name);
    const value = row ? row[state.keys.length + i] : null;
    const blob = Array.isArray(value);
    const input = el("input", { name: c.name, value: value === null || value === undefined || blob ? "" : String(value), disabled: blob,
      placeholder: row ? "" : c.dflt !== null && c.dflt !== undefined ? "default: " + c.dflt : c.pk ? "automatic" : "" });
    const isNull = el("input", { type: "checkbox", class: "null-box", checked: !!row && value === null, disabled: blob });
    return { c, input, isNull, blob, label: el("label", { class: "field" },
      el("span", {}, c.name, el("small", {}, " " + (c.type || "") + (c.pk ? " PK" : "") + (c.notnull ? " NOT NULL" : ""))),
      input, el("span", { class: "null-label" }, isNull, " NULL")) };
  });
  $("row-fields").replaceChildren(...fields.map((f) => f.label));
  const close = () => dialog.close();
  $("row-cancel").onclick = close;
  $("row-delete").onclick = async () => {
    if (!confirm("Delete this row?")) return;
    try {
      const params = [];
      await raw("DELETE FROM " + quoteId(t.name) + " WHERE " + keyWhere(row, params), params);
      close();
      state.total = null;
      await guard(() => loadPage("reload"));
      status("row deleted");
    } catch (e) { $("row-editor-error").textContent = e.message; }
  };
  $("row-form").onsubmit = async (e) => {
    e.preventDefault();
    try {
      const cols = [], params = [];
      for (const f of fields) {
        if (f.blob) continue;
        if (f.isNull.checked) { cols.push(f.c.name); params.push(null); continue; }
        if (!row && f.input.value === "") continue;
        if (row && f.input.value === cellText(row[state.keys.length + state.columns.indexOf(f.c.name)])) continue;
        cols.push(f.c.name);
        params.push(coerce(f.c, f.input.value));
      }
      if (row) {
        if (cols.length) {
          const where = [];
          const sql = "UPDATE " + quoteId(t.name) + " SET " + cols.map((c) => quoteId(c) + " = ?").join(", ") + " WHERE " + keyWhere(row, where) + returning();
          const answer = await raw(sql, params.concat(where));
          if (answer.data.result.rows[0]) state.rows[r] = answer.data.result.rows[0];
        }
        close();
        renderRows(0, null);
        status("row saved");
      } else {
        const sql = "INSERT INTO " + quoteId(t.name) + (cols.length ? " (" + cols.map(quoteId).join(", ") + ") VALUES (" + cols.map(() => "?").join(", ") + ")" : " DEFAULT VALUES");
        await raw(sql, params);
        close();
        state.total = null;
        await guard(() => loadPage(state.offset > 0 ? "reload" : "first"));
        status("row inserted");
      }
    } catch (err) { $("row-editor-error").textContent = (err.code ? "[" + err.code + "] " : "") + err.message; }
  };
  dialog.showModal();
}

/* ---------- SQL console ---------- */
function openConsole() {
  state.table = null;
  renderTables();
  const box = el("section", { id: "console" },
    el("h2", {}, "SQL console"),
    el("textarea", { id: "sql", spellcheck: false, rows: 6, placeholder: "SELECT * FROM sqlite_schema;   (Ctrl+Enter runs)" }),
    el("div", { class: "toolbar" },
      el("button", { id: "run-sql", class: "primary", onclick: runConsole }, "Run ▶"),
      el("span", { id: "sql-meta", class: "timing" })),
    el("div", { id: "sql-error", class: "error", role: "alert", hidden: true }),
    el("div", { id: "sql-result", class: "scroll" }));
  $("content").replaceChildren(box);
  const area = $("sql");
  area.value = sessionStorage.getItem("dormroom:sql") || "";
  area.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runConsole(); } });
  area.focus();
}
async function runConsole() {
  const text = $("sql").value;
  sessionStorage.setItem("dormroom:sql", text);
  $("sql-error").hidden = true;
  $("sql-meta").textContent = "running…";
  try {
    const answer = await raw(text, []);
    const r = answer.data.result;
    $("sql-result").replaceChildren(r.columns.length ? grid(r.columns.map((name) => ({ name })), r.rows) : el("p", { class: "hint" }, "No rows returned."));
    $("sql-meta").textContent = r.rows.length + " row" + (r.rows.length === 1 ? "" : "s") + " · " + Math.round(answer.ms) + " ms" +
      (answer.serverMs !== null ? " (server " + answer.serverMs + " ms)" : "") + " · read " + r.meta.rows_read + ", written " + r.meta.rows_written;
    if (r.meta.rows_written > 0 || /^\s*(CREATE|DROP|ALTER)\b/i.test(text)) await loadTables();
  } catch (e) {
    $("sql-meta").textContent = "";
    $("sql-result").replaceChildren();
    const box = $("sql-error");
    box.hidden = false;
    box.textContent = (e.code ? "[" + e.code + "] " : "") + e.message;
  }
}

/* ---------- start ---------- */
$("db-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = $("db-name").value.trim();
  if (name) openDatabase(name);
});
$("open-console").addEventListener("click", openConsole);
$("refresh-tables").addEventListener("click", () => guard(loadTables));
$("sign-out").addEventListener("click", () => { signOut(); location.reload(); });
$("outerbase-connect").addEventListener("click", (e) => {
  e.preventDefault();
  window.open(outerbaseLink(state.db, true), "_blank", "noopener,noreferrer");
});
fillHints();
if (!config.multi) { $("db-form").hidden = true; openDatabase(""); }
else {
  const wanted = new URL(location.href).searchParams.get("db");
  if (wanted) openDatabase(wanted);
  else $("db-name").focus();
}
`;
