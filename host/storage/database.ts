// Opens the verifier's database, migrated to the latest schema: a better-sqlite3 file in WAL mode
// (the embedded default), or a PostgreSQL database when the location is a `postgres://` URL
// (host/storage/postgres/). Both are the one storage interface, SqlDatabase.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { migrations } from "./migrations.js";
import { isPostgresLocation, type SqlDatabase, type StorageEngine } from "./sqlDatabase.js";
import { PostgresDatabase } from "./postgres/postgresDatabase.js";
import { postgresMigration } from "./postgres/postgresMigrations.js";

// URI file names (`file:...?immutable=1`) for reading a database on read-only storage
// (openDatabaseForReading). better-sqlite3 reads this when its native module loads, at the first
// connection; a plain path is unaffected.
process.env.SQLITE_USE_URI ??= "1";

export type EvvDatabase = SqlDatabase;

/** Which engine a connection runs on. */
export function engineOf(db: EvvDatabase): StorageEngine {
  return db instanceof PostgresDatabase ? "postgres" : "sqlite";
}

/** The database at `location` (a file path, or a postgres:// URL), migrated to the latest schema. */
export function openDatabase(location: string): EvvDatabase {
  if (isPostgresLocation(location)) {
    const db = new PostgresDatabase(location);
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return db;
  }
  return openSqliteDatabase(location);
}

function openSqliteDatabase(path: string): Database.Database {
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
  if (db instanceof PostgresDatabase) return migratePostgres(db);
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > migrations.length) throw newerSchema(current);
  if (current === migrations.length) return current;
  db.transaction(() => {
    for (let version = current + 1; version <= migrations.length; version++) {
      db.exec(migrations[version - 1]);
      db.pragma(`user_version = ${version}`);
    }
  })();
  return migrations.length;
}

function newerSchema(version: number): Error {
  return new Error(`database schema version ${version} is newer than this tool (${migrations.length}); upgrade evv`);
}

/** The same on PostgreSQL: the version in evv_schema_version, created with the first migration, all under the writer lock. */
function migratePostgres(db: PostgresDatabase): number {
  const before = db.schemaVersion();
  if (before > migrations.length) throw newerSchema(before);
  if (before === migrations.length) return before;
  db.transaction(() => {
    db.exec("CREATE TABLE IF NOT EXISTS evv_schema_version (version INTEGER NOT NULL); INSERT INTO evv_schema_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM evv_schema_version)");
    const current = db.schemaVersion();
    if (current > migrations.length) throw newerSchema(current);
    for (let version = current + 1; version <= migrations.length; version++) {
      db.exec(postgresMigration(version));
      db.pragma(`user_version = ${version}`);
    }
  }).immediate();
  return migrations.length;
}

/** A second, read-only connection to the same file (a verification worker's): no migration, no writes. */
export function openDatabaseReadOnly(path: string): EvvDatabase {
  if (isPostgresLocation(path)) return new PostgresDatabase(path, { readOnly: true });
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  db.pragma("cache_size = -65536");
  return db;
}

/** SQLite's answers when a WAL database cannot be read in place: its directory or file is read-only and it has no -shm file. */
const READ_ONLY_STORAGE = new Set(["SQLITE_READONLY_DIRECTORY", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_READONLY_CANTINIT"]);

/**
 * The reports' connection: read-only and never writing, so it works on a database the user may
 * not write (a read-only file, directory or medium). A database on storage where SQLite cannot
 * even keep its shared-memory index is opened as immutable (nothing may write it meanwhile,
 * which read-only storage guarantees). A schema older than this tool's is migrated first through
 * a writable connection when the storage allows it, else refused with the reason.
 */
export function openDatabaseForReading(location: string): EvvDatabase {
  // On PostgreSQL: a connection whose every transaction is READ ONLY.
  const postgres = isPostgresLocation(location);
  if (!postgres && !existsSync(location)) throw new Error(`no database at ${location} (evv import creates it)`);
  const openReader = () => (postgres ? new PostgresDatabase(location, { readOnly: true }) : openReadOnlyOrImmutable(location));
  let db = openReader();
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > migrations.length) {
    db.close();
    throw newerSchema(version);
  }
  if (version < migrations.length) {
    db.close();
    openDatabase(location).close();
    db = openReader();
  }
  return db;
}

function openReadOnlyOrImmutable(path: string): EvvDatabase {
  try {
    const db = openDatabaseReadOnly(path);
    db.pragma("user_version", { simple: true });
    return db;
  } catch (error) {
    if (!READ_ONLY_STORAGE.has((error as { code?: string }).code ?? "")) throw error;
    const db = new Database(pathToFileURL(resolve(path)).href + "?immutable=1", { readonly: true });
    db.pragma("cache_size = -65536");
    return db;
  }
}

