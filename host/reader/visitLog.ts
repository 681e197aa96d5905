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
    const before = fstatSync(fd).size;
    created = before === 0;
    let partialLineFound = false;
    if (before > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, before - 1);
      partialLineFound = last[0] !== 0x0a;
    }
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
