/**
 * The internal tables of mirroring (all `_dorm_`-prefixed) and how one database describes its
 * own schema to the Rust core.
 */
import type { ColumnDesc, SchemaObjectDesc, TableDesc } from "./core.js";

/** Both roles: the control row the triggers read, and small settings. */
export const COMMON_SETUP = [
  "CREATE TABLE IF NOT EXISTS _dorm_mirror_ctl (id INTEGER PRIMARY KEY CHECK (id = 0), skip INTEGER NOT NULL DEFAULT 0)",
  "INSERT OR IGNORE INTO _dorm_mirror_ctl (id, skip) VALUES (0, 0)",
  "CREATE TABLE IF NOT EXISTS _dorm_mirror_meta (key TEXT PRIMARY KEY, value TEXT)",
];

/** A source: the outbox, table shapes, and its mirrors with their delivery state. */
export const SOURCE_SETUP = [
  ...COMMON_SETUP,
  "CREATE TABLE IF NOT EXISTS _dorm_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, shape INTEGER NOT NULL, op TEXT NOT NULL, row TEXT)",
  "CREATE TABLE IF NOT EXISTS _dorm_mirror_shapes (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, spec TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS _dorm_mirror_tables (tbl TEXT PRIMARY KEY COLLATE NOCASE, shape INTEGER NOT NULL)",
  `CREATE TABLE IF NOT EXISTS _dorm_mirror_targets (
    name TEXT PRIMARY KEY,
    location_hint TEXT,
    source_column TEXT NOT NULL,
    binding TEXT,
    delivered INTEGER NOT NULL,
    reset TEXT,
    delivered_changes INTEGER NOT NULL DEFAULT 0,
    last_delivered_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_at INTEGER,
    next_attempt_at INTEGER
  )`,
];

/** A mirror: the last sequence number applied per source. */
export const MIRROR_SETUP = [
  ...COMMON_SETUP,
  `CREATE TABLE IF NOT EXISTS _dorm_mirror_in (
    source TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    reset TEXT,
    applied INTEGER NOT NULL DEFAULT 0,
    applied_at INTEGER
  )`,
];

export const DEFAULT_SOURCE_COLUMN = "_dorm_source";

/** True for names dormroom, SQLite or Cloudflare reserve: never mirrored. */
export function isInternal(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("_dorm_") || lower.startsWith("sqlite_") || lower.startsWith("_cf_");
}

export function hasTable(sql: SqlStorage, name: string): boolean {
  return sql.exec("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", name).toArray().length > 0;
}

export function run(sql: SqlStorage, statements: readonly string[]): void {
  for (const statement of statements) sql.exec(statement);
}

export function getMeta(sql: SqlStorage, key: string): string | undefined {
  for (const row of sql.exec<{ value: string }>("SELECT value FROM _dorm_mirror_meta WHERE key = ?", key)) return row.value;
  return undefined;
}

export function setMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec("INSERT INTO _dorm_mirror_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
}

/** The user's ordinary tables (no views, virtual or shadow tables, nothing internal). */
export function userTables(sql: SqlStorage): { name: string; withoutRowid: boolean }[] {
  return sql
    .exec<{ name: string; wr: number }>("SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table'")
    .toArray()
    .filter((t) => !isInternal(t.name))
    .map((t) => ({ name: t.name, withoutRowid: t.wr === 1 }));
}

export function columnsOf(sql: SqlStorage, table: string): ColumnDesc[] {
  return sql.exec<{ name: string; pk: number; hidden: number }>("SELECT name, pk, hidden FROM pragma_table_xinfo(?)", table).toArray();
}

/** One table described for the core, with its `CREATE INDEX` statements. */
export function describeTable(sql: SqlStorage, table: string, withoutRowid = false): TableDesc | undefined {
  const row = sql
    .exec<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE", table)
    .toArray()[0];
  if (!row) return undefined;
  const name = row.name;
  const indexes = sql
    .exec<{ sql: string }>("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name", name)
    .toArray()
    .map((r) => r.sql);
  return { name, sql: row.sql, columns: columnsOf(sql, name), withoutRowid, indexes };
}

/** Indexes or triggers of user tables, from `sqlite_schema`. */
export function schemaObjects(sql: SqlStorage, type: "index" | "trigger"): SchemaObjectDesc[] {
  return sql
    .exec<{ name: string; tbl_name: string; sql: string }>(
      "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = ? AND sql IS NOT NULL ORDER BY name",
      type,
    )
    .toArray()
    .filter((o) => !isInternal(o.name) && !isInternal(o.tbl_name))
    .map((o) => ({ name: o.name, table: o.tbl_name, sql: o.sql }));
}

export function iso(ms: number | null | undefined): string | null {
  return typeof ms === "number" ? new Date(ms).toISOString() : null;
}
