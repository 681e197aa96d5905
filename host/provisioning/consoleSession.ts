// Line-level access to a device's console for provisioning: the same bytes carry the stock
// Espruino REPL (before our firmware runs, or after `PROV CONSOLE`) and our firmware's command
// protocol. Provisioning needs both, so it reads lines itself instead of through a LineLink,
// whose LineFraming rightly refuses the REPL's echoes, prompts and control bytes as garbage.
import type { BytePipe } from "../transport/deviceLink.js";
import { LinkError } from "../transport/linkError.js";

/** Longest console line we accept; a read-back chunk of 512 bytes is 684 base64 characters. */
const MAX_CONSOLE_LINE = 4096;

interface LineWaiter {
  accept: (line: string) => boolean;
  resolve: (line: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class ConsoleSession {
  private partial = "";
  private readonly lines: string[] = [];
  private waiter: LineWaiter | null = null;
  private dropped: LinkError | null = null;

  constructor(private readonly pipe: BytePipe) {
    pipe.onBytes((bytes) => this.onBytes(bytes));
    pipe.onDropped((reason) => this.fail(new LinkError("dropped", `the link to the device dropped (${reason})`)));
  }

  async sendLine(text: string): Promise<void> {
    if (this.dropped) throw this.dropped;
    await this.pipe.write(new TextEncoder().encode(text + "\n"));
  }

  /** Forgets every line received so far (start-up banners, echoes, prompts). */
  discardPending(): void {
    this.lines.length = 0;
  }

  /** Resolves with the first line (old or new) that `accept` takes; earlier lines are dropped. */
  waitForLine(accept: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    if (this.dropped) return Promise.reject(this.dropped);
    while (this.lines.length > 0) {
      const line = this.lines.shift()!;
      if (accept(line)) return Promise.resolve(line);
    }
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new LinkError("timeout", `no answer from the device within ${timeoutMs} ms while ${what}`));
      }, timeoutMs);
      this.waiter = { accept, resolve, reject, timer };
    });
  }

  async close(): Promise<void> {
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      this.waiter = null;
    }
    await this.pipe.close();
  }

  private onBytes(bytes: Uint8Array): void {
    this.partial += Buffer.from(bytes).toString("latin1");
    let newline = this.partial.indexOf("\n");
    while (newline >= 0) {
      const line = this.partial.slice(0, newline).replace(/\r$/, "");
      this.partial = this.partial.slice(newline + 1);
      this.onLine(line);
      newline = this.partial.indexOf("\n");
    }
    if (this.partial.length > MAX_CONSOLE_LINE) {
      this.fail(new LinkError("oversized", `the device sent a line longer than ${MAX_CONSOLE_LINE} characters`));
    }
  }

  private onLine(line: string): void {
    // A REPL prints its prompt ">" before output; what follows it is the line.
    const text = line.replace(/^>+/, "");
    if (this.waiter && this.waiter.accept(text)) {
      const waiter = this.waiter;
      this.waiter = null;
      clearTimeout(waiter.timer);
      waiter.resolve(text);
      return;
    }
    this.lines.push(text);
    if (this.lines.length > 200) this.lines.shift();
  }

  private fail(error: LinkError): void {
    if (this.dropped) return;
    this.dropped = error;
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      this.waiter.reject(error);
      this.waiter = null;
    }
  }
}
