// The one storage interface the host codes against: the part of better-sqlite3's API the host
// uses, synchronous. The SQLite engine is better-sqlite3's own Database (no wrapper, so the
// embedded path keeps its speed); the PostgreSQL engine (host/storage/postgres/) implements the
// same calls over the `pg` driver running in a worker thread.
//
// SQL written against it is SQLite's dialect where PostgreSQL understands it too: `?` and `@name`
// parameters, `INSERT OR IGNORE`, `ON CONFLICT ... DO UPDATE SET x = excluded.x`; the PostgreSQL
// engine translates the placeholders and `INSERT OR IGNORE` (postgres/sqlTranslation.ts).

export interface SqlRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** Positional values (`?`, given spread or as one array) or one object of named values (`@name`). */
export type SqlParameters = unknown[];

export interface SqlStatement {
  run(...params: SqlParameters): SqlRunResult;
  get(...params: SqlParameters): unknown;
  all(...params: SqlParameters): unknown[];
  iterate(...params: SqlParameters): IterableIterator<unknown>;
  /** Rows as their first column's value. */
  pluck(toggle?: boolean): this;
  /** Rows as arrays of values in column order. */
  raw(toggle?: boolean): this;
}

/** `db.transaction(fn)`: calling it runs `fn` in a transaction (a savepoint when nested); `.immediate()` takes the write lock at the start. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the shape better-sqlite3 declares
export type TransactionBody = (...params: any[]) => unknown;
type ArgumentsOf<F extends TransactionBody> = F extends (...args: infer A) => unknown ? A : never;

export interface SqlTransaction<F extends TransactionBody> {
  (...args: ArgumentsOf<F>): ReturnType<F>;
  deferred(...args: ArgumentsOf<F>): ReturnType<F>;
  immediate(...args: ArgumentsOf<F>): ReturnType<F>;
  exclusive(...args: ArgumentsOf<F>): ReturnType<F>;
}

export interface SqlDatabase {
  prepare(sql: string): SqlStatement;
  exec(sql: string): this;
  transaction<F extends TransactionBody>(fn: F): SqlTransaction<F>;
  /** SQLite's pragmas; the PostgreSQL engine maps the few the host sets (busy_timeout, user_version) and ignores the tuning ones. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): this;
  readonly inTransaction: boolean;
  /** An in-memory SQLite database (never on PostgreSQL). */
  readonly memory: boolean;
  /** The file name, or the PostgreSQL URL without its password. */
  readonly name: string;
  readonly open: boolean;
}

export type StorageEngine = "sqlite" | "postgres";

/** `--db` values that name a PostgreSQL server rather than a SQLite file. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Another writer held the database's write lock past the connection's wait: SQLite's SQLITE_BUSY
 * (and its extended codes), PostgreSQL's lock_not_available (55P03, the advisory writer lock's
 * timeout). Nothing was written; the same work may be tried again.
 */
export function isWriterLockTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code === "55P03");
}
