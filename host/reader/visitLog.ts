// The reader's local visit log: JSON Lines, one reading per line, append-only. Each record
// is validated with the reading schema, then written with ONE write(2) of the whole line on
// a file opened O_APPEND (concurrent readers interleave whole lines, never bytes), and
// fsync'd before the reader says "logged". If the file ends in a partial line (a crash of
// some older writer, a hand edit), the new record starts on a fresh line and that is reported.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync, constants } from "node:fs";
import { dirname } from "node:path";
import { reading, type Reading } from "../capture/reading.js";

export interface AppendResult {
  path: string;
  bytes: number;
  /** True when the file ended without a line end and the record was started on a new line. */
  partialLineFound: boolean;
}

export function appendToVisitLog(path: string, record: Reading): AppendResult {
  const checked = reading.parse(record);
  const line = JSON.stringify(checked) + "\n";
  const fd = openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
  let created = false;
  try {
    const { size: before, partialLine: partialLineFound } = settledEnd(fd);
    created = before === 0;
    const bytes = Buffer.from((partialLineFound ? "\n" : "") + line, "utf8");
    const written = writeSync(fd, bytes);
    if (written !== bytes.length) {
      // Only a full disk does this; take the torn tail back out so no partial line stays.
      if (fstatSync(fd).size === before + written) ftruncateSync(fd, before);
      throw new Error(`the visit log ${path} could not take the whole record (${written} of ${bytes.length} bytes); nothing was logged`);
    }
    fsyncSync(fd);
    return { path, bytes: bytes.length, partialLineFound };
  } finally {
    closeSync(fd);
    if (created) syncDirectory(dirname(path));
  }
}

/** How long the end of the file must stay put before a missing line end counts as torn. */
const SETTLE_MS = 10;
const SETTLE_TRIES = 20;

/**
 * The file's size and whether it ends in a partial line. Another reader's append is one
 * write(2), but the kernel grows the file page by page while copying it, so fstat can catch
 * it mid-record: a line end that is missing only while the size still moves is someone
 * else's write in progress, not a torn line. Torn means the end stays put for SETTLE_MS.
 */
function settledEnd(fd: number): { size: number; partialLine: boolean } {
  const last = Buffer.alloc(1);
  let size = fstatSync(fd).size;
  for (let attempt = 0; ; attempt++) {
    if (size === 0) return { size, partialLine: false };
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return { size, partialLine: false };
    if (attempt === SETTLE_TRIES) return { size, partialLine: true };
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
    const later = fstatSync(fd).size;
    if (later === size) return { size, partialLine: true };
    size = later;
  }
}

/** A new file's directory entry is durable only once the directory is synced. */
function syncDirectory(directory: string): void {
  try {
    const fd = openSync(directory, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the record itself is already synced.
  }
}
