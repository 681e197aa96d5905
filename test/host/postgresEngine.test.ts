// The PostgreSQL engine behind the storage interface, against a real server (vitest project
// `postgres`): SQLite's calling forms and dialect as the host uses them, transactions and the
// writer lock, the migrations, the reports' read-only connection, and the failures that exit 6.
import { afterEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { openDatabase, openDatabaseForReading, type EvvDatabase } from "../../host/storage/database.js";
import { PostgresDatabase } from "../../host/storage/postgres/postgresDatabase.js";
import { postgresMigration, translateDdl } from "../../host/storage/postgres/postgresMigrations.js";
import { translateStatement } from "../../host/storage/postgres/sqlTranslation.js";
import { migrations } from "../../host/storage/migrations.js";
import { AuditAppender, verifyAuditChain } from "../../host/storage/auditLog.js";
import { EXIT_ENVIRONMENT } from "../../host/cli/cliError.js";
import { storageFailure } from "../../host/storage/storageFailure.js";
import { endConnections, freshPostgresDatabase } from "../postgres/testDatabase.js";
import { freeLoopbackPort } from "../postgres/throwawayCluster.js";
import { runEvv, type EvvRun } from "../e2e/runEvv.js";

const open: EvvDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function fresh(url = freshPostgresDatabase()): EvvDatabase {
  const db = openDatabase(url);
  open.push(db);
  return db;
}

function evv(args: string[]): Promise<EvvRun> {
  return runEvv(args, { EVV_PASSPHRASE: "unused passphrase" });
}

describe("SQLite's statements as PostgreSQL runs them", () => {
  it("numbers ? and @name parameters, leaving question marks and at signs in literals alone", () => {
    expect(translateStatement("SELECT '?', x FROM t WHERE a = ? AND b = '@b' AND c = ?").sql).toBe("SELECT '?', x FROM t WHERE a = $1 AND b = '@b' AND c = $2");
    expect(translateStatement("SELECT * FROM t WHERE (@p IS NULL OR p = @p) AND q = @q").sql).toBe("SELECT * FROM t WHERE ($1 IS NULL OR p = $1) AND q = $2");
    expect(translateStatement("INSERT OR IGNORE INTO readings (reading_id) VALUES (?)").sql).toBe("INSERT INTO readings (reading_id) VALUES ($1) ON CONFLICT DO NOTHING");
    expect(translateStatement("SELECT count(*) AS manualVisits, x AS plain, CAST(y AS INTEGER) FROM t").sql).toBe('SELECT count(*) AS "manualVisits", x AS plain, CAST(y AS INTEGER) FROM t');
    expect(translateStatement("SELECT 1 FROM t WHERE a IS ? AND b IS NOT ?").sql).toBe("SELECT 1 FROM t WHERE a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM $2");
    expect(() => translateStatement("SELECT x FROM readings ORDER BY rowid")).toThrow(/SQLite-only/);
  });

  it("turns IS ? and IS NOT ? into null-safe comparisons in any case and spacing, and only after the word IS", () => {
    expect(translateStatement("SELECT 1 FROM t WHERE a is\n  ? AND b Is \t NoT\n?").sql).toBe("SELECT 1 FROM t WHERE a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM $2");
    expect(translateStatement("SELECT 1 FROM t WHERE this = ? AND notis = ? AND c IS NOT  NULL AND d = ?").sql).toBe("SELECT 1 FROM t WHERE this = $1 AND notis = $2 AND c IS NOT  NULL AND d = $3");
    expect(translateStatement("SELECT 1 FROM t WHERE a ISNOT ? OR b NOT ? OR c XIS ?").sql).toBe("SELECT 1 FROM t WHERE a ISNOT $1 OR b NOT $2 OR c XIS $3");
    expect(translateStatement("SELECT 1 FROM t WHERE a IS ?").sql).toBe("SELECT 1 FROM t WHERE a IS NOT DISTINCT FROM $1");
  });

  it("numbers the parameters of an INSERT of thousands of rows, each in its place", () => {
    // A file's readings go in INSERTs of about 2,000 rows of 28 values (readingBatches.ts).
    const rows = 2000;
    const translated = translateStatement(`INSERT INTO t (a, b, c) VALUES ${Array.from({ length: rows }, () => "(?, ?, ?)").join(", ")}`);
    expect(translated.count).toBe(rows * 3);
    expect(translated.sql.endsWith(`($${rows * 3 - 2}, $${rows * 3 - 1}, $${rows * 3})`)).toBe(true);
    expect(translated.sql.startsWith("INSERT INTO t (a, b, c) VALUES ($1, $2, $3), ($4, $5, $6)")).toBe(true);
  });

  it("runs, gets, plucks, reads raw rows and iterates beyond one fetch, with values typed as SQLite gives them", () => {
    const db = fresh();
    const insert = db.prepare("INSERT INTO service_locations (location_id, address, time_zone) VALUES (?, ?, ?)");
    db.transaction(() => {
      for (let i = 0; i < 4500; i++) insert.run(`L${String(i).padStart(5, "0")}`, i % 2 ? "odd" : "even", "America/Chicago");
    }).immediate();
    expect(db.prepare("SELECT count(*) AS n FROM service_locations").get()).toEqual({ n: 4500 });
    expect(db.prepare("SELECT count(*) FROM service_locations WHERE address = ?").pluck().get("odd")).toBe(2250);
    expect(db.prepare("SELECT location_id, address FROM service_locations ORDER BY location_id LIMIT 2").raw().all()).toEqual([
      ["L00000", "even"],
      ["L00001", "odd"],
    ]);
    let n = 0;
    let last = "";
    for (const id of db.prepare("SELECT location_id FROM service_locations ORDER BY location_id").pluck().iterate() as IterableIterator<string>) {
      expect(id > last).toBe(true);
      last = id;
      n++;
      // Other statements may run while a cursor is open.
      if (n === 2001) expect(db.prepare("SELECT 1 + 1").pluck().get()).toBe(2);
    }
    expect(n).toBe(4500);
    expect(db.prepare("INSERT OR IGNORE INTO service_locations (location_id, address, time_zone) VALUES (?, ?, ?)").run("L00000", "x", "y").changes).toBe(0);
    expect(db.prepare("UPDATE service_locations SET address = @address WHERE location_id = @id").run({ address: "moved", id: "L00001" }).changes).toBe(1);
  });

  it("gives lastInsertRowid from the key the database assigns", () => {
    const db = fresh();
    const run = db.prepare("INSERT INTO verify_runs (started_at, settings, visits, audit_head) VALUES (?, ?, 0, '')");
    const first = Number(run.run("2026-01-01T00:00:00Z", "{}").lastInsertRowid);
    const second = db.transaction(() => Number(run.run("2026-01-02T00:00:00Z", "{}").lastInsertRowid)).immediate();
    expect(second).toBe(first + 1);
  });

  it("rolls a transaction back as a whole, a failed write inside it included, and a nested one to its savepoint", () => {
    const db = fresh();
    const insert = db.prepare("INSERT INTO service_locations (location_id, address, time_zone) VALUES (?, ?, ?)");
    expect(() =>
      db.transaction(() => {
        insert.run("A", "a", "z");
        insert.run("A", "again", "z"); // the key is taken: fails, and so does the transaction
        insert.run("B", "b", "z");
      }).immediate(),
    ).toThrow(/duplicate key/);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare("SELECT count(*) FROM service_locations").pluck().get()).toBe(0);
    db.transaction(() => {
      insert.run("C", "c", "z");
      expect(() =>
        db.transaction(() => {
          insert.run("D", "d", "z");
          throw new Error("inner fails");
        })(),
      ).toThrow("inner fails");
    }).immediate();
    expect(db.prepare("SELECT location_id FROM service_locations ORDER BY 1").pluck().all()).toEqual(["C"]);
  });
});

describe("the migrations on PostgreSQL", () => {
  it("are the same list with one version number, kept in a table", () => {
    const db = fresh();
    expect(db.pragma("user_version", { simple: true })).toBe(migrations.length);
    expect(db.prepare("SELECT version FROM evv_schema_version").pluck().get()).toBe(migrations.length);
    for (let v = 1; v <= migrations.length; v++) expect(postgresMigration(v)).not.toMatch(/\bWITHOUT ROWID\b|\bjulianday\b|\bRAISE\(ABORT/);
  });

  it("run a portable SQLite migration (INTEGER, TEXT, REAL, BLOB, keys, UNIQUE, indexes) without edits", () => {
    const db = fresh();
    const portable = `
      CREATE TABLE verify_marks (
        mark_id INTEGER PRIMARY KEY,
        provider_number TEXT NOT NULL,
        week TEXT NOT NULL,
        weight REAL,
        digest BLOB,
        UNIQUE (provider_number, week)
      );
      CREATE INDEX verify_marks_by_week ON verify_marks(week);
      ALTER TABLE verify_marks ADD COLUMN note TEXT;
    `;
    db.exec(translateDdl(portable));
    const id = db.prepare("INSERT INTO verify_marks (provider_number, week, weight, digest) VALUES (?, ?, ?, ?)").run("P1", "2026-W01", 1.25, Buffer.from([1, 2, 3])).changes;
    expect(id).toBe(1);
    expect(db.prepare("SELECT mark_id, weight, digest FROM verify_marks").get()).toEqual({ mark_id: 1, weight: 1.25, digest: Buffer.from([1, 2, 3]) });
    expect(() => db.prepare("INSERT INTO verify_marks (provider_number, week) VALUES (?, ?)").run("P1", "2026-W01")).toThrow(/duplicate key/);
    expect(() => translateDdl("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END;")).toThrow(/CREATE TRIGGER.*postgresMigrations\.ts/);
  });
});

describe("the audit chain on PostgreSQL", () => {
  it("refuses updates, deletes, truncation and an entry that does not link to the head", () => {
    const db = fresh();
    const appender = new AuditAppender(db);
    appender.append("test", "one", { n: 1 });
    appender.append("test", "two", { text: 'quotes " and back\\slashes' });
    expect(() => db.prepare("UPDATE audit_log SET subject = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit_log").run()).toThrow(/append-only/);
    expect(() => db.exec("TRUNCATE audit_log")).toThrow(/append-only/);
    expect(() => db.prepare("INSERT INTO audit_log (kind, subject, body, prev_hash, hash) VALUES ('x', 'x', '{}', ?, 'f')").run("0".repeat(64))).toThrow(/does not link/);
    expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 2 });
  });

  it("makes a second writer wait for the first, and give up after its lock timeout", () => {
    const url = freshPostgresDatabase();
    const first = openDatabase(url);
    const second = openDatabase(url);
    open.push(first, second);
    second.pragma("busy_timeout = 200");
    const firstAudit = new AuditAppender(first);
    first.transaction(() => {
      firstAudit.append("test", "first", { n: 1 });
      expect(() => new AuditAppender(second).append("test", "second", { n: 2 })).toThrow(/lock timeout/);
    }).immediate();
    new AuditAppender(second).append("test", "second", { n: 2 });
    expect(verifyAuditChain(second)).toEqual({ ok: true, rows: 2 });
  });
});

describe("the reports' connection", () => {
  it("reads in READ ONLY transactions", () => {
    const url = freshPostgresDatabase();
    openDatabase(url).close();
    const reader = openDatabaseForReading(url);
    open.push(reader);
    expect(reader.prepare("SELECT count(*) FROM readings").pluck().get()).toBe(0);
    expect(() => reader.prepare("INSERT INTO service_locations (location_id, address, time_zone) VALUES ('a', 'b', 'c')").run()).toThrow(/read-only transaction/);
  });
});

describe("a PostgreSQL server that cannot be used", () => {
  it("exits 6 naming the server, never the password, when nothing listens there", async () => {
    const port = await freeLoopbackPort();
    const result = await evv(["report", "summary", "--db", `postgres://evv:hunter2secret@127.0.0.1:${port}/evv`, "--json"]);
    expect(result.code).toBe(EXIT_ENVIRONMENT);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: "STORAGE_UNAVAILABLE" } });
    expect(result.stdout).toContain(`postgres://evv@127.0.0.1:${port}/evv`);
    expect(result.stdout + result.stderr).not.toContain("hunter2secret");
  });

  it("exits 6 for an unknown user or database", async () => {
    const server = new URL(process.env.EVV_TEST_POSTGRES_URL!);
    const noUser = await evv(["report", "summary", "--db", `postgres://nobody:pw@${server.host}/postgres`]);
    expect(noUser.code).toBe(EXIT_ENVIRONMENT);
    expect(noUser.stderr).toMatch(/storage unavailable: the server refused the credentials .*role "nobody" does not exist/);
    expect(noUser.stderr).not.toContain(":pw@");
    const noDatabase = await evv(["report", "summary", "--db", `postgres://postgres@${server.host}/no_such_database`]);
    expect(noDatabase.code).toBe(EXIT_ENVIRONMENT);
    expect(noDatabase.stderr).toMatch(/PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/no_such_database: database "no_such_database" does not exist/);
  });

  /** Ends the connection's backend (to the database at `url`), as a server restart or a standby taking over would. */
  const terminate = (db: EvvDatabase, url: string): number => {
    const pid = db.prepare("SELECT pg_backend_pid()").pluck().get() as number;
    expect(endConnections(url, pid)).toBe(1);
    return pid;
  };

  it("reports a dropped connection as the storage failing, and fails the rest of the transaction it dropped in", () => {
    const url = freshPostgresDatabase();
    const db = fresh(url);
    db.exec("CREATE TABLE dropped_in (x INTEGER)");
    let failure: unknown;
    try {
      db.transaction(() => {
        db.prepare("INSERT INTO dropped_in VALUES (?)").run(1);
        terminate(db, url);
        db.prepare("INSERT INTO dropped_in VALUES (?)").run(2);
      })();
    } catch (error) {
      failure = error;
    }
    expect(storageFailure(failure)).toMatch(/^storage unavailable: PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/evv_test_\w+: /);
    expect(db.prepare("SELECT count(*) FROM dropped_in").pluck().get()).toBe(0);
  });

  it("makes a new connection for what comes after a drop, with the lock timeout it had", () => {
    const url = freshPostgresDatabase();
    const db = fresh(url);
    db.pragma("busy_timeout = 1234");
    const before = terminate(db, url);
    expect(db.prepare("SELECT pg_backend_pid()").pluck().get()).not.toBe(before);
    expect(db.prepare("SHOW lock_timeout").pluck().get()).toBe("1234ms");
    db.exec("CREATE TABLE after_drop (x INTEGER)");
    db.transaction(() => db.prepare("INSERT INTO after_drop VALUES (?)").run(1))();
    expect(db.prepare("SELECT count(*) FROM after_drop").pluck().get()).toBe(1);
  });
});

describe("text or bytes in one column (audit_log.body, BYTEA on PostgreSQL)", () => {
  it("binds text as its UTF-8 bytes, in one-row and many-row INSERTs and in UPDATEs", () => {
    expect(translateStatement("INSERT INTO audit_log (kind, subject, body, prev_hash, hash, seal) VALUES (?, ?, ?, ?, ?, ?)").byteParams).toEqual([2]);
    expect(translateStatement("INSERT INTO audit_log (seq, body) VALUES (?, ?), (?, ?)").byteParams).toEqual([1, 3]);
    expect(translateStatement("UPDATE audit_log SET body = ?, hash = ? WHERE seq = ?").byteParams).toEqual([0]);
    expect(translateStatement("INSERT INTO service_locations (location_id, address, time_zone) VALUES (?, ?, ?)").byteParams).toEqual([]);
  });
});
