// Bulk copies into PostgreSQL through COPY FROM STDIN (PostgresDatabase.copyRows, vitest project
// `postgres`): values come back as they went in, the audit chain's rows copied in key order keep
// the chain (its linking trigger runs per row, and refuses rows out of order), and readings
// copied into new months get their partitions and keys first.
import { afterEach, describe, expect, it } from "vitest";
import { deflateRawSync } from "node:zlib";
import { openDatabase, type EvvDatabase } from "../../host/storage/database.js";
import { PostgresDatabase } from "../../host/storage/postgres/postgresDatabase.js";
import { copyValue } from "../../host/storage/postgres/copyText.js";
import { AuditAppender, verifyAuditChain } from "../../host/storage/auditLog.js";
import { importReadings } from "../../host/storage/importers.js";
import { READING_COLUMNS } from "../../host/storage/readingDigest.js";
import { freshPostgresDatabase } from "../postgres/testDatabase.js";

const open: EvvDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function fresh(): PostgresDatabase {
  const db = openDatabase(freshPostgresDatabase());
  open.push(db);
  if (!(db instanceof PostgresDatabase)) throw new Error("not PostgreSQL");
  return db;
}

const AUDIT_COLUMNS = ["seq", "kind", "subject", "body", "prev_hash", "hash", "seal"];

describe("COPY FROM STDIN through the connection thread", () => {
  it("stores text with tabs, line breaks, backslashes and any character, and NULLs, as given", () => {
    const db = fresh();
    const rows = [
      ["L1", "tab\there, line\nbreak, return\r, back\\slash, \\N and \\t as text", "America/Chicago"],
      ["L2", "ünïcödé ✓ 𝄞", "Europe/Oslo"],
      ["L3", "", "UTC"],
    ];
    expect(db.transaction(() => db.copyRows("service_locations", ["location_id", "address", "time_zone"], rows)).immediate()).toBe(3);
    expect(db.prepare("SELECT location_id, address, time_zone FROM service_locations ORDER BY location_id").raw().all()).toEqual(rows);
    db.transaction(() => db.copyRows("clients", ["nd_number", "name", "location_id", "date_of_death"], [["C1", "A Client", "L1", null]])).immediate();
    expect(db.prepare("SELECT date_of_death FROM clients").pluck().get()).toBeNull();
    expect(copyValue(Buffer.from([0, 255]))).toBe("\\\\x00ff");
  });

  it("copies an audit chain, text and deflated bodies, that still verifies; rows out of order are refused", () => {
    const source = fresh();
    const appender = new AuditAppender(source);
    appender.append("test", "one", { text: "tab\tand\nline" });
    appender.appendCanonical("visit.decisions", "two", deflateRawSync(Buffer.from('{"decisions":[]}')));
    appender.append("test", "three", { n: 3 });
    const rows = source.prepare(`SELECT ${AUDIT_COLUMNS.join(", ")} FROM audit_log ORDER BY seq`).raw().all() as unknown[][];

    const target = fresh();
    expect(target.transaction(() => target.copyRows("audit_log", AUDIT_COLUMNS, rows, ["body"])).immediate()).toBe(3);
    expect(target.prepare(`SELECT ${AUDIT_COLUMNS.join(", ")} FROM audit_log ORDER BY seq`).raw().all()).toEqual(rows);
    expect(verifyAuditChain(target)).toEqual({ ok: true, rows: 3 });

    const shuffled = fresh();
    expect(() => shuffled.transaction(() => shuffled.copyRows("audit_log", AUDIT_COLUMNS, [rows[1], rows[0], rows[2]], ["body"])).immediate()).toThrow(/does not link/);
    expect(shuffled.prepare("SELECT count(*) FROM audit_log").pluck().get()).toBe(0);
  });

  it("makes the month partitions copied readings need, and keeps their keys", () => {
    const source = fresh();
    importReadings(source, "two-months.json", "-", [
      { readingId: "r-1", readerId: "x", providerNumber: "P1", clientNdNumber: "C1", event: "check-in", readerTime: "2026-09-30T23:00:00Z", method: "typed", transport: "keyboard", typedCode: "111111" },
      { readingId: "r-2", readerId: "x", providerNumber: "P1", clientNdNumber: "C1", event: "check-out", readerTime: "2026-10-01T01:00:00Z", method: "typed", transport: "keyboard", typedCode: "222222" },
    ]);
    const rows = source.prepare(`SELECT ${READING_COLUMNS.join(", ")} FROM readings ORDER BY received_seq`).raw().all() as unknown[][];
    const target = fresh();
    target.transaction(() => target.copyRows("readings", READING_COLUMNS, rows)).immediate();
    expect(target.prepare("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'readings'::regclass AND c.relkind = 'r' ORDER BY 1").pluck().all()).toEqual(["readings_2026_09", "readings_2026_10"]);
    expect(target.prepare(`SELECT ${READING_COLUMNS.join(", ")} FROM readings ORDER BY received_seq`).raw().all()).toEqual(rows);
    expect(target.prepare("SELECT reading_id FROM reading_keys ORDER BY received_seq").pluck().all()).toEqual(["r-1", "r-2"]);
  });
});
