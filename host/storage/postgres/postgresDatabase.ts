// The PostgreSQL engine behind the storage interface (sqlDatabase.ts): synchronous calls over the
// asynchronous `pg` driver. The connection lives in a worker thread (postgresWorker.mjs); a call
// posts its request on a MessageChannel, blocks in Atomics.wait on a shared counter until the
// thread answers, and takes the answer with receiveMessageOnPort. The whole host stays
// synchronous, as on SQLite.
//
// Writes inside a transaction whose result nobody reads yet are not waited for: the request goes
// to the connection thread and the caller goes on (the verifier's visit rows stream to the
// server while it verifies the next slice). The answer is taken at the next call that waits, or
// when the caller reads `changes` / `lastInsertRowid`; a failed write fails that call, and at the
// latest the COMMIT, so the transaction rolls back as a whole.
//
// Transactions: BEGIN/COMMIT/ROLLBACK, savepoints when nested. A writer's transaction first takes
// one advisory transaction lock (WRITER_LOCK) on the database, as SQLite's BEGIN IMMEDIATE takes
// its write lock: writers queue, each reads the audit chain head under it, and a writer that
// waits longer than the lock timeout (5 s, `busy_timeout`) fails with SQLSTATE 55P03 (exit 6).
//
// Tables partitioned by month (monthPartitions.ts): before an INSERT reaches a month this
// connection has not seen, the month's partition is made (evv_month_partition), in the same
// transaction; a rollback makes the connection forget the months it knew.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { SqlDatabase, SqlRunResult, SqlStatement, SqlTransaction, TransactionBody } from "../sqlDatabase.js";
import { bindValues, translateScript, translateStatement, type TranslatedStatement } from "./sqlTranslation.js";
import { MONTH_PARTITIONED, monthStartMs } from "./monthPartitions.js";
import { copyTextRows } from "./copyText.js";
import type { PostgresAnswer, PostgresConnectionSettings, PostgresRequest, PostgresWorkerData } from "./workerMessages.js";
import { serverOf } from "./postgresLocation.js";

/** The advisory lock every writing transaction holds ("evv" in ASCII). */
export const WRITER_LOCK = 0x657676;
/** Rows fetched per round trip when iterating (a cursor). */
const FETCH_ROWS = 2000;
const WORKER_SCRIPT = new URL("./postgresWorker.mjs", import.meta.url);

/** An error from PostgreSQL or the connection to it: `code` is the SQLSTATE (or a Node network code such as ECONNREFUSED). */
export class PostgresError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly server: string,
  ) {
    super(message);
  }
}

/** SQLSTATE classes and network codes that mean the server or the connection failed, not the statement. */
export function isConnectionFailure(code: string): boolean {
  return /^(08|28|53|57|58|3D000|XX000$)/.test(code) || /^E[A-Z]+$/.test(code);
}

interface QueryAnswer {
  rows: unknown[];
  rowCount: number;
  lastRow?: unknown;
}

export interface PostgresOpenOptions {
  readOnly?: boolean;
  lockTimeoutMs?: number;
}

export class PostgresDatabase implements SqlDatabase {
  readonly memory = false;
  readonly name: string;
  readonly readOnly: boolean;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  /** Answers taken so far have ids below this. */
  private answeredUpTo = 1;
  /** Writes sent without waiting, by id: their results once answered. */
  private readonly deferred = new Map<number, DeferredWrite>();
  /** The first deferred write that failed and that no call has reported yet. */
  private pendingFailure: PostgresError | null = null;
  private depth = 0;
  private cursors = 0;
  private readonly statementNames = new Map<string, string>();
  private isOpen = true;
  private lockTimeoutMs: number;
  /** Per table: partitioned by month here (asked of the server once; forgotten on a rollback or a script that partitions). */
  private readonly partitionedTables = new Map<string, boolean>();
  /** "table month-start" of the month partitions this connection knows exist (forgotten on a rollback, which may undo one it made). */
  private readonly knownMonths = new Set<string>();

  constructor(url: string, options: PostgresOpenOptions = {}) {
    this.name = serverOf(url);
    this.readOnly = options.readOnly ?? false;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 5000;
    const { port1, port2 } = new MessageChannel();
    const connection: PostgresConnectionSettings = { url, readOnly: this.readOnly, lockTimeoutMs: this.lockTimeoutMs };
    const data: PostgresWorkerData = { port: port2, signal: this.signal, connection };
    this.worker = new Worker(WORKER_SCRIPT, { workerData: data, transferList: [port2], execArgv: [] });
    this.worker.unref();
    this.port = port1;
    try {
      this.call({ op: "connect" });
    } catch (error) {
      this.shutDown();
      throw error;
    }
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  get open(): boolean {
    return this.isOpen;
  }

  prepare(sql: string): SqlStatement {
    return new PostgresStatement(this, translateStatement(sql));
  }

  /** Statements as they are (no parameters, several allowed), for DDL and maintenance. */
  exec(sql: string): this {
    if (/\bPARTITION\b/i.test(sql)) this.forgetPartitions();
    this.call({ op: "exec", sql: /\bCREATE\s+UNIQUE\s+INDEX\b/i.test(sql) ? translateScript(sql, (table) => this.isPartitioned(table)) : sql });
    return this;
  }

  /** The table is partitioned by month on this database (the partitions migration has run). */
  isPartitioned(table: string): boolean {
    let partitioned = this.partitionedTables.get(table);
    if (partitioned === undefined) {
      partitioned = (this.query("SELECT count(*) FROM pg_class WHERE relname = $1 AND relkind = 'p'", [table], "array", true).rows[0] as [number])[0] === 1;
      this.partitionedTables.set(table, partitioned);
    }
    return partitioned;
  }

  /** Makes the month partitions that rows with these values of the partition column need (monthPartitions.ts), before they are written. */
  ensureMonthPartitions(table: string, partitionValues: Iterable<unknown>): void {
    let partitioned: boolean | undefined;
    for (const value of partitionValues) {
      if (typeof value !== "number" || !Number.isFinite(value)) continue; // NULL: the table's default partition, if it has one
      const month = monthStartMs(value);
      const key = `${table} ${month}`;
      if (this.knownMonths.has(key)) continue;
      partitioned ??= this.isPartitioned(table);
      if (!partitioned) return;
      this.query("SELECT evv_month_partition($1, $2)", [table, month], "array", true, "evv_month_partition");
      this.knownMonths.add(key);
    }
  }

  private forgetPartitions(): void {
    this.partitionedTables.clear();
    this.knownMonths.clear();
  }

  /**
   * Rows into `table` through COPY FROM STDIN (pg-copy-streams in the connection's thread), many
   * thousand to a message, with the month partitions they need made first. Row triggers run as
   * for an INSERT (the audit log's linking trigger, the readings' key trigger). Returns the rows copied.
   */
  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>, bytesColumns: readonly string[] = []): number {
    const sql = `COPY ${table} (${columns.join(", ")}) FROM STDIN`;
    const partitionColumn = MONTH_PARTITIONED[table];
    const partitionIndex = partitionColumn ? columns.indexOf(partitionColumn) : -1;
    const bytes = bytesColumns.map((c) => columns.indexOf(c));
    let copied = 0;
    let inFlight: DeferredWrite | null = null;
    for (const chunk of copyTextRows(rows, bytes)) {
      if (partitionIndex >= 0) this.ensureMonthPartitions(table, chunk.rows.map((row) => row[partitionIndex]));
      const sent = this.sendRequest({ op: "copy", sql, data: chunk.text });
      // One chunk at the server while the next is encoded; no more (memory).
      if (inFlight) copied += this.settle(inFlight).rowCount;
      inFlight = sent;
    }
    if (inFlight) copied += this.settle(inFlight).rowCount;
    return copied;
  }

  transaction<F extends TransactionBody>(fn: F): SqlTransaction<F> {
    const inTransaction = (...args: unknown[]): ReturnType<F> => {
      if (this.depth === 0) {
        try {
          this.exec(this.readOnly ? "BEGIN READ ONLY" : `BEGIN; SELECT pg_advisory_xact_lock(${WRITER_LOCK})`);
        } catch (error) {
          // The lock was not granted in time: end the transaction BEGIN opened.
          this.quietly("ROLLBACK");
          throw error;
        }
        this.depth = 1;
        try {
          const result = fn(...args) as ReturnType<F>;
          this.exec("COMMIT");
          this.depth = 0;
          return result;
        } catch (error) {
          this.depth = 0;
          this.quietly("ROLLBACK");
          this.forgetPartitions();
          throw error;
        }
      }
      const savepoint = `evv_savepoint_${this.depth}`;
      this.exec(`SAVEPOINT ${savepoint}`);
      this.depth++;
      try {
        const result = fn(...args) as ReturnType<F>;
        this.exec(`RELEASE SAVEPOINT ${savepoint}`);
        this.depth--;
        return result;
      } catch (error) {
        this.depth--;
        this.quietly(`ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`);
        this.forgetPartitions();
        throw error;
      }
    };
    const transaction = inTransaction as unknown as SqlTransaction<F>;
    transaction.deferred = transaction;
    transaction.immediate = transaction;
    transaction.exclusive = transaction;
    return transaction;
  }

  /**
   * SQLite's pragmas as far as they mean something here: `user_version` (the schema version, kept
   * in evv_schema_version), `busy_timeout` (the lock timeout). The page cache, journal and
   * synchronous settings are the server's business: setting them does nothing, reading gives 0.
   */
  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const m = /^\s*(\w+)\s*(?:=\s*(.+?)|\((.*)\))?\s*$/.exec(source);
    if (!m) throw new Error(`pragma ${source}: not understood`);
    const [, name, value] = m;
    const simple = (v: unknown, column: string) => (options.simple ? v : [{ [column]: v }]);
    switch (name.toLowerCase()) {
      case "user_version":
        if (value !== undefined) {
          this.exec(`UPDATE evv_schema_version SET version = ${Number.parseInt(value, 10)}`);
          return [];
        }
        return simple(this.schemaVersion(), "user_version");
      case "busy_timeout":
        if (value !== undefined) {
          this.lockTimeoutMs = Number.parseInt(value, 10);
          this.exec(`SET lock_timeout = ${this.lockTimeoutMs}`);
        }
        return simple(this.lockTimeoutMs, "timeout");
      case "cache_size":
      case "page_size":
      case "journal_mode":
      case "synchronous":
      case "foreign_keys":
      case "temp_store":
      case "wal_checkpoint":
        return value !== undefined ? [] : simple(0, name);
      default:
        throw new Error(`pragma ${name}: SQLite only, not on PostgreSQL`);
    }
  }

  /** The schema version: 0 for a database evv has not created tables in. */
  schemaVersion(): number {
    const exists = this.query("SELECT to_regclass('evv_schema_version') IS NOT NULL", [], "array", true).rows[0] as [number];
    if (!exists[0]) return 0;
    const row = this.query("SELECT version FROM evv_schema_version", [], "array", true).rows[0] as [number] | undefined;
    return row ? row[0] : 0;
  }

  close(): this {
    if (!this.isOpen) return this;
    try {
      if (this.depth > 0) this.quietly("ROLLBACK");
      this.call({ op: "close" });
    } catch {
      // closing: the connection may be gone already
    }
    this.shutDown();
    return this;
  }

  private shutDown(): void {
    this.isOpen = false;
    this.depth = 0;
    this.port.close();
    void this.worker.terminate();
  }

  /** The server-side name of a prepared statement's text (parsed and planned once per connection). */
  statementName(sql: string): string {
    let name = this.statementNames.get(sql);
    if (name === undefined) this.statementNames.set(sql, (name = `evv_${this.statementNames.size + 1}`));
    return name;
  }

  /** Runs a statement and waits for its answer (`name`: a prepared statement's, see statementName). */
  query(sql: string, values: unknown[], rowMode: "array" | "object", wantRows: boolean, name?: string): QueryAnswer {
    const answer = this.call({ op: "query", sql, values, rowMode, wantRows, name }) as QueryAnswer & { bytes: string[] };
    // BYTEA arrives as a Uint8Array (structured clone); better-sqlite3 gives a Buffer.
    if (answer.bytes.length > 0)
      for (const row of answer.rows as Record<string, unknown>[])
        for (const key of answer.bytes) {
          const value = row[key];
          if (value instanceof Uint8Array) row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        }
    return answer;
  }

  /** Sends a write without waiting; its answer is taken later (see the file's comment). */
  send(sql: string, values: unknown[], name?: string): DeferredWrite {
    return this.sendRequest({ op: "query", sql, values, rowMode: "array", wantRows: false, name });
  }

  private sendRequest(request: DistributiveOmit<PostgresRequest, "id">): DeferredWrite {
    const entry: DeferredWrite = { id: this.post(request), done: false };
    this.deferred.set(entry.id, entry);
    return entry;
  }

  /** The answer of a write sent with `send` (waits for it; throws its error). */
  settle(entry: DeferredWrite): QueryAnswer {
    if (!entry.done) this.awaitAnswer(entry.id);
    if (entry.error) {
      if (this.pendingFailure === entry.error) this.pendingFailure = null;
      throw entry.error;
    }
    return entry.result!;
  }

  /** Rows in batches from a server-side cursor (WITH HOLD outside a transaction, so other statements may run between batches). */
  *iterateRows(sql: string, values: unknown[], rowMode: "array" | "object"): IterableIterator<unknown> {
    const cursor = `evv_cursor_${++this.cursors}`;
    const hold = this.depth === 0;
    this.query(`DECLARE ${cursor} NO SCROLL CURSOR ${hold ? "WITH HOLD " : ""}FOR ${sql}`, values, rowMode, false);
    try {
      for (;;) {
        const rows = this.query(`FETCH FORWARD ${FETCH_ROWS} FROM ${cursor}`, [], rowMode, true).rows;
        yield* rows;
        if (rows.length < FETCH_ROWS) break;
      }
    } finally {
      if (this.isOpen) this.quietly(`CLOSE ${cursor}`);
    }
  }

  private quietly(sql: string): void {
    try {
      this.exec(sql);
    } catch {
      // already failed or gone; the caller reports the first error
    }
  }

  private post(request: DistributiveOmit<PostgresRequest, "id">): number {
    if (!this.isOpen) throw new PostgresError(`the connection to ${this.name} is closed`, "08003", this.name);
    const id = this.nextId++;
    this.port.postMessage({ ...request, id });
    return id;
  }

  private call(request: DistributiveOmit<PostgresRequest, "id">): QueryAnswer {
    const id = this.post(request);
    const answer = this.awaitAnswer(id);
    if (this.pendingFailure) {
      const failure = this.pendingFailure;
      this.pendingFailure = null;
      throw failure;
    }
    if (!answer.ok) throw this.errorOf(answer.error);
    return answer;
  }

  /** Takes answers in order until the one for `id` (recording those of deferred writes on the way). */
  private awaitAnswer(id: number): PostgresAnswer {
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      const message = receiveMessageOnPort(this.port)?.message as PostgresAnswer | undefined;
      if (message === undefined) {
        if (id < this.answeredUpTo) throw new Error(`answer ${id} was taken already`);
        Atomics.wait(this.signal, 0, seen, 1000);
        continue;
      }
      this.answeredUpTo = message.id + 1;
      const pending = this.deferred.get(message.id);
      if (pending) {
        this.deferred.delete(message.id);
        pending.done = true;
        if (message.ok) pending.result = message;
        else {
          pending.error = this.errorOf(message.error);
          this.pendingFailure ??= pending.error;
        }
        if (message.id === id) return message;
        continue;
      }
      if (message.id === id) return message;
    }
  }

  private errorOf(error: { message: string; code: string; detail?: string }): PostgresError {
    const text = isConnectionFailure(error.code) ? `PostgreSQL at ${this.name}: ${error.message}` : error.detail ? `${error.message} (${error.detail})` : error.message;
    return new PostgresError(text, error.code, this.name);
  }
}

interface DeferredWrite {
  id: number;
  done: boolean;
  result?: QueryAnswer;
  error?: PostgresError;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

class PostgresStatement implements SqlStatement {
  private mode: "object" | "array" | "pluck" = "object";
  private readonly name: string;

  constructor(
    private readonly db: PostgresDatabase,
    private readonly statement: TranslatedStatement,
  ) {
    this.name = db.statementName(statement.sql);
  }

  pluck(toggle = true): this {
    this.mode = toggle ? "pluck" : "object";
    return this;
  }

  raw(toggle = true): this {
    this.mode = toggle ? "array" : "object";
    return this;
  }

  /** Makes the month partitions an INSERT's rows need (monthPartitions.ts). */
  private partitionsFor(values: unknown[]): void {
    const partitioned = this.statement.partitioned;
    if (partitioned) this.db.ensureMonthPartitions(partitioned.table, partitioned.positions.map((p) => values[p]));
  }

  run(...params: unknown[]): SqlRunResult {
    const values = bindValues(this.statement, params);
    this.partitionsFor(values);
    const key = this.statement.returnsKey;
    if (this.db.inTransaction && this.statement.writes) {
      const write = this.db.send(this.statement.sql, values, this.name);
      const answer = () => this.db.settle(write);
      return {
        get changes() {
          return answer().rowCount;
        },
        get lastInsertRowid() {
          return key === null ? 0 : ((answer().lastRow as unknown[] | undefined)?.[0] as number);
        },
      };
    }
    const answer = this.db.query(this.statement.sql, values, "array", false, this.name);
    return { changes: answer.rowCount, lastInsertRowid: key === null ? 0 : ((answer.lastRow as unknown[] | undefined)?.[0] as number) };
  }

  get(...params: unknown[]): unknown {
    return this.all(...params)[0];
  }

  all(...params: unknown[]): unknown[] {
    const values = bindValues(this.statement, params);
    this.partitionsFor(values);
    const rows = this.db.query(this.statement.sql, values, this.mode === "object" ? "object" : "array", true, this.name).rows;
    return this.mode === "pluck" ? rows.map((row) => (row as unknown[])[0]) : rows;
  }

  iterate(...params: unknown[]): IterableIterator<unknown> {
    const rows = this.db.iterateRows(this.statement.sql, bindValues(this.statement, params), this.mode === "object" ? "object" : "array");
    if (this.mode !== "pluck") return rows;
    return (function* () {
      for (const row of rows) yield (row as unknown[])[0];
    })();
  }
}
