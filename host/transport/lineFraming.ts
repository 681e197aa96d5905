// Splits the byte stream of a UART link (serial console or BLE Nordic UART) into answer lines.
// A line ends with "\n" ("\r\n" accepted). Bytes that cannot be part of the line protocol
// (control characters, non-ASCII) and lines longer than the limit are link faults, reported
// once, not silently skipped: the caller must not trust anything after them.
import { LinkError } from "./linkError.js";

/** Longest answer the protocol produces is a full JOURNAL page (about 500 characters). */
export const DEFAULT_MAX_LINE_LENGTH = 1024;

export class LineFraming {
  private pending: number[] = [];
  private failed = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onFault: (error: LinkError) => void,
    private readonly maxLineLength = DEFAULT_MAX_LINE_LENGTH,
  ) {}

  push(bytes: Uint8Array): void {
    if (this.failed) return;
    for (const byte of bytes) {
      if (byte === 0x0a) {
        if (this.pending.length > 0 && this.pending[this.pending.length - 1] === 0x0d) this.pending.pop();
        const line = String.fromCharCode(...this.pending);
        this.pending = [];
        this.onLine(line);
        if (this.failed) return;
        continue;
      }
      const printable = byte === 0x0d || (byte >= 0x20 && byte < 0x7f);
      if (!printable) {
        this.fail(new LinkError("garbage", `the device sent bytes that are not protocol text (0x${hexPreview([...this.pending, byte])})`));
        return;
      }
      this.pending.push(byte);
      if (this.pending.length > this.maxLineLength) {
        this.fail(new LinkError("oversized", `the device sent more than ${this.maxLineLength} bytes without a line end (oversized frame)`));
        return;
      }
    }
  }

  private fail(error: LinkError): void {
    this.failed = true;
    this.pending = [];
    this.onFault(error);
  }
}

function hexPreview(bytes: number[]): string {
  const tail = bytes.slice(-12);
  return tail.map((b) => b.toString(16).padStart(2, "0")).join("") + (bytes.length > 12 ? " (last 12 bytes)" : "");
}
