// Copies the bench's world from its SQLite file into a PostgreSQL database of the same schema,
// table by table through COPY FROM STDIN (PostgresDatabase.copyRows), in one transaction under
// the writer lock (the world is built once, by verifyWorld.ts, so both engines verify exactly the
// same rows), in the order the tables were created (so a foreign key finds its row). Row triggers run as for INSERTs: the audit log goes in key order, so its linking
// trigger holds, and every reading's keys go into reading_keys; the month partitions the rows
// need are made first. The identity sequences are moved past the copied keys.
import Database from "better-sqlite3";
import { openDatabase } from "../host/storage/database.js";
import { PostgresDatabase } from "../host/storage/postgres/postgresDatabase.js";
import { BYTE_COLUMNS, GENERATED_KEYS } from "../host/storage/postgres/sqlTranslation.js";

/** Copies every table; returns the rows copied. */
export function copyWorld(sqlitePath: string, url: string): number {
  const from = new Database(sqlitePath, { readonly: true });
  const to = openDatabase(url);
  let copied = 0;
  try {
    if (!(to instanceof PostgresDatabase)) throw new Error(`${url} is not a PostgreSQL database`);
    const tables = from.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").pluck().all() as string[];
    to.transaction(() => {
      for (const table of tables) {
        const columns = to.prepare("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position").pluck().all(table) as string[];
        const key = GENERATED_KEYS[table];
        const rows = from.prepare(`SELECT ${columns.join(", ")} FROM ${table} ${key ? `ORDER BY ${key}` : ""}`).raw().iterate() as IterableIterator<unknown[]>;
        copied += to.copyRows(table, columns, rows, BYTE_COLUMNS[table] ?? []);
        if (key) to.prepare(`SELECT setval(pg_get_serial_sequence('${table}', '${key}'), coalesce((SELECT max(${key}) FROM ${table}), 0) + 1, false)`).get();
      }
    }).immediate();
    to.exec("ANALYZE");
  } finally {
    from.close();
    to.close();
  }
  return copied;
}
