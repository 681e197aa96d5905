// Rows in the text format of PostgreSQL's COPY FROM STDIN: one line a row, values separated by
// tabs, NULL as \N, backslash, tab, newline and carriage return escaped with a backslash, bytes
// as \\x and their hex. Values as the host binds them: numbers, text, Buffers (BYTEA), null.

/** About this many characters of COPY text go in one message to the connection's thread. */
const CHUNK_CHARS = 8 * 1024 * 1024;

export interface CopyChunk {
  text: string;
  rows: (readonly unknown[])[];
}

/** The rows as COPY text in chunks of a few MB; columns at `byteIndexes` are BYTEA (text there is stored as its UTF-8 bytes). */
export function* copyTextRows(rows: Iterable<readonly unknown[]>, byteIndexes: readonly number[] = []): IterableIterator<CopyChunk> {
  let lines: string[] = [];
  let chunkRows: (readonly unknown[])[] = [];
  let chars = 0;
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < row.length; i++) {
      if (i > 0) line += "\t";
      line += copyValue(row[i], byteIndexes.includes(i));
    }
    lines.push(line);
    chunkRows.push(row);
    chars += line.length + 1;
    if (chars >= CHUNK_CHARS) {
      yield { text: lines.join("\n") + "\n", rows: chunkRows };
      lines = [];
      chunkRows = [];
      chars = 0;
    }
  }
  if (lines.length > 0) yield { text: lines.join("\n") + "\n", rows: chunkRows };
}

/** One value in COPY's text format. */
export function copyValue(value: unknown, bytes = false): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  if (value instanceof Uint8Array) return "\\\\x" + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex");
  if (typeof value === "string") return bytes ? "\\\\x" + Buffer.from(value, "utf8").toString("hex") : value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]);
  throw new TypeError(`a value COPY cannot take: ${typeof value}`);
}

const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
