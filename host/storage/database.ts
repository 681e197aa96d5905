// Opens the verifier's database: a better-sqlite3 file in WAL mode, migrated to the latest schema.
import Database from "better-sqlite3";
import { migrations } from "./migrations.js";

export type EvvDatabase = Database.Database;

export function openDatabase(path: string): EvvDatabase {
  const db = new Database(path);
  // 16 KiB pages for a new database (an existing one keeps its page size): a verification run
  // writes its visits and audit entries twice, to the WAL and at the checkpoint, page by page,
  // and bigger pages made that a third faster here. It must be set before the first table and
  // before WAL mode.
  db.pragma("page_size = 16384");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  // A 256 MiB page cache (allocated only as used) and in-memory temporary B-trees: a bulk import
  // or verification of millions of rows in one transaction otherwise spills pages to the OS
  // on every few thousand rows.
  db.pragma("cache_size = -262144");
  db.pragma("temp_store = MEMORY");
  migrate(db);
  return db;
}

/** Applies the migrations not yet applied, all in one transaction; returns the new version. */
export function migrate(db: EvvDatabase): number {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > migrations.length)
    throw new Error(`database schema version ${current} is newer than this tool (${migrations.length}); upgrade evv`);
  if (current === migrations.length) return current;
  db.transaction(() => {
    for (let version = current + 1; version <= migrations.length; version++) {
      db.exec(migrations[version - 1]);
      db.pragma(`user_version = ${version}`);
    }
  })();
  return migrations.length;
}

/** A second, read-only connection to the same file (a verification worker's): no migration, no writes. */
export function openDatabaseReadOnly(path: string): EvvDatabase {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  db.pragma("cache_size = -65536");
  return db;
}
