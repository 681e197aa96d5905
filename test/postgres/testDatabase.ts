// Where a test keeps its database: a SQLite file in its directory, or, in the `postgres` vitest
// project (EVV_TEST_ENGINE=postgres), a database of its own created on the throwaway server the
// project's global setup started (globalSetup.ts, EVV_TEST_POSTGRES_URL).
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { PostgresDatabase } from "../../host/storage/postgres/postgresDatabase.js";
import type { StorageEngine } from "../../host/storage/sqlDatabase.js";
import { engineOf, openDatabaseReadOnly, type EvvDatabase } from "../../host/storage/database.js";

export function testEngine(): StorageEngine {
  return process.env.EVV_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";
}

/** A fresh, empty database for one test: `dir`/evv.db, or a new PostgreSQL database. */
export function testDatabaseLocation(dir: string): string {
  return testEngine() === "postgres" ? freshPostgresDatabase() : join(dir, "evv.db");
}

/** CREATE DATABASE on the test server; returns its URL. */
export function freshPostgresDatabase(): string {
  const admin = process.env.EVV_TEST_POSTGRES_URL;
  if (!admin) throw new Error("EVV_TEST_POSTGRES_URL is not set: the PostgreSQL tests run in the vitest project `postgres`, whose global setup starts the server (test/postgres/globalSetup.ts)");
  const name = `evv_test_${randomBytes(6).toString("hex")}`;
  const db = new PostgresDatabase(admin);
  try {
    db.exec(`CREATE DATABASE ${name}`);
  } finally {
    db.close();
  }
  return admin.replace(/\/postgres$/, `/${name}`);
}

/** Drops audit_log's guard triggers (for tests that tamper with the log behind the database's back), on either engine. */
export function dropAuditTriggers(db: EvvDatabase, ...triggers: string[]): void {
  for (const trigger of triggers) db.exec(engineOf(db) === "postgres" ? `DROP TRIGGER IF EXISTS ${trigger} ON audit_log` : `DROP TRIGGER IF EXISTS ${trigger}`);
}

/** Every row of every table, hashed, on either engine: equal digests mean an unchanged database. */
export function databaseDigest(location: string): string {
  const db = openDatabaseReadOnly(location);
  try {
    const hash = createHash("sha256");
    hash.update(String(db.pragma("user_version", { simple: true })));
    const tables =
      engineOf(db) === "postgres"
        ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY name"
        : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
    for (const { name } of db.prepare(tables).all() as { name: string }[]) {
      hash.update(name);
      hash.update(JSON.stringify(db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()));
    }
    return hash.digest("hex");
  } finally {
    db.close();
  }
}

/**
 * Ends connections to the database at `url` from a connection of its own, as a server restart
 * or a standby taking over would: the backend `pid`, or else every other one. Returns how many.
 */
export function endConnections(url: string, pid?: number): number {
  const admin = new PostgresDatabase(url);
  try {
    const others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
    const sql = pid === undefined ? `SELECT count(pg_terminate_backend(pid)) ${others}` : `SELECT count(pg_terminate_backend(pid)) ${others} AND pid = ?`;
    return admin.prepare(sql).pluck().get(...(pid === undefined ? [] : [pid])) as number;
  } finally {
    admin.close();
  }
}
