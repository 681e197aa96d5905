// A failure of the storage itself (read-only, disk full, locked by another writer, I/O error,
// no PostgreSQL server), told apart from bad input, in the words the CLI (exit 6) and the intake
// service (503) give it.
import { isConnectionFailure, PostgresError } from "./postgres/postgresDatabase.js";
import { isWriterLockTimeout } from "./sqlDatabase.js";

/**
 * PostgreSQL failures that are the storage's, not the input's (their messages name the server,
 * never a password): no connection (refused, unknown host, timeout, dropped), bad credentials or
 * no such database, the server shutting down or out of disk, a writer's lock not granted in time,
 * a read-only server.
 */
function postgresFailure(error: PostgresError): string | null {
  const { code, message } = error;
  if (isWriterLockTimeout(error) || code === "40P01") return lockedByAnotherWriter(message);
  if (code === "28P01" || code === "28000") return `storage unavailable: the server refused the credentials (${message})`;
  if (code === "53100") return `storage unavailable: the disk is full (${message}); nothing was written`;
  if (code === "25006") return `storage unavailable: read-only (${message})`;
  if (isConnectionFailure(code)) return `storage unavailable: ${message}`;
  return null;
}

function lockedByAnotherWriter(message: string): string {
  return `storage unavailable: the database is locked by another writer (${message}); try again when it has finished`;
}

/** SQLite result codes (better-sqlite3's `code`, extended codes by prefix) that mean the storage, not the input, failed. */
const STORAGE_SQLITE_CODES = ["SQLITE_READONLY", "SQLITE_FULL", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_NOLFS"];
/** Node file-system error codes that mean the same. */
const STORAGE_ERRNO_CODES = new Set(["EROFS", "ENOSPC", "EDQUOT", "EACCES", "EPERM", "EIO", "EBUSY"]);

/** The words for a failure of the storage itself (exit EXIT_ENVIRONMENT), or null when `error` is something else. */
export function storageFailure(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return null;
  const message = (error as Error).message;
  if (error instanceof PostgresError) return postgresFailure(error);
  if (isWriterLockTimeout(error) || code.startsWith("SQLITE_LOCKED")) return lockedByAnotherWriter(message);
  if (code.startsWith("SQLITE_FULL") || code === "ENOSPC" || code === "EDQUOT") return `storage unavailable: the disk is full (${message}); nothing was written`;
  if (code.startsWith("SQLITE_READONLY") || code === "EROFS" || code === "EACCES" || code === "EPERM") return `storage unavailable: read-only or not permitted (${message})`;
  if (code.startsWith("SQLITE_CANTOPEN")) return `storage unavailable: cannot open the database file (${message}): read-only storage, a missing directory or no permission`;
  if (STORAGE_SQLITE_CODES.some((c) => code.startsWith(c)) || STORAGE_ERRNO_CODES.has(code)) return `storage unavailable: ${message}`;
  return null;
}
