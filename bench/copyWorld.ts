// Copies the bench's world from its SQLite file into a PostgreSQL database of the same schema,
// table by table, many rows to an INSERT (the world is built once, by verifyWorld.ts, so both
// engines verify exactly the same rows). The audit log goes in key order, so its linking trigger
// holds; the identity sequences are moved past the copied keys.
import Database from "better-sqlite3";
import { openDatabase } from "../host/storage/database.js";
import { PostgresDatabase } from "../host/storage/postgres/postgresDatabase.js";
import { GENERATED_KEYS } from "../host/storage/postgres/sqlTranslation.js";

/** PostgreSQL takes at most 65,535 parameters a statement. */
const MAX_PARAMETERS = 60_000;

export function copyWorld(sqlitePath: string, url: string): void {
  const from = new Database(sqlitePath, { readonly: true });
  const to = openDatabase(url);
  try {
    if (!(to instanceof PostgresDatabase)) throw new Error(`${url} is not a PostgreSQL database`);
    const tables = to.prepare("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'evv_schema_version'").pluck().all() as string[];
    to.transaction(() => {
      for (const table of tables) {
        const columns = to.prepare("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position").pluck().all(table) as string[];
        const key = GENERATED_KEYS[table];
        const rowsPerInsert = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
        const tuple = `(${columns.map(() => "?").join(", ")})`;
        const insertOf = (n: number) => to.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${new Array(n).fill(tuple).join(", ")}`);
        const full = insertOf(rowsPerInsert);
        let batch: unknown[] = [];
        let rows = 0;
        for (const row of from.prepare(`SELECT ${columns.join(", ")} FROM ${table} ${key ? `ORDER BY ${key}` : ""}`).raw().iterate() as IterableIterator<unknown[]>) {
          for (const value of row) batch.push(value);
          if (++rows === rowsPerInsert) {
            full.run(batch);
            batch = [];
            rows = 0;
          }
        }
        if (rows > 0) insertOf(rows).run(batch);
        if (key) to.prepare(`SELECT setval(pg_get_serial_sequence('${table}', '${key}'), coalesce((SELECT max(${key}) FROM ${table}), 0) + 1, false)`).get();
      }
    }).immediate();
    to.exec("ANALYZE");
  } finally {
    from.close();
    to.close();
  }
}
