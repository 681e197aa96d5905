// Exit codes of `evv` (also listed in the README).
import { isConnectionFailure, PostgresError } from "../storage/postgres/postgresDatabase.js";
import { isWriterLockTimeout } from "../storage/sqlDatabase.js";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1; // something went wrong that is not the user's input
export const EXIT_USAGE = 2; // bad arguments or options
export const EXIT_BAD_INPUT = 3; // a file or record failed validation; nothing was written
export const EXIT_DEVICE = 4; // the device or link failed (dropped, garbage, timeout)
export const EXIT_REJECTED = 5; // a code, frame or visit did not verify
export const EXIT_ENVIRONMENT = 6; // storage unavailable: read-only, disk full, database locked by another writer, I/O error

/** An error the CLI reports as one clear line with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

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

/** A failure (not a usage error of commander's) as `evv` reports it: its words and its exit code. */
export function cliFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  const storage = storageFailure(error);
  return { message: storage ?? (error as { message?: string }).message ?? String(error), exitCode: storage ? EXIT_ENVIRONMENT : EXIT_FAILURE };
}
