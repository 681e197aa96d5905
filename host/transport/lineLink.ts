// The request/answer engine shared by serial and BLE: one outstanding request at a time,
// answers framed by LineFraming, faults (timeout, drop, garbage, oversize) as LinkError.
import type { BytePipe, DeviceLink, LinkKind } from "./deviceLink.js";
import { LineFraming } from "./lineFraming.js";
import { LinkError } from "./linkError.js";

interface Waiting {
  request: string;
  resolve: (line: string) => void;
  reject: (error: LinkError) => void;
  timer: NodeJS.Timeout;
}

export class LineLink implements DeviceLink {
  private waiting: Waiting | null = null;
  private broken: LinkError | null = null;
  private closed = false;
  private asked = false;
  private readonly framing: LineFraming;

  constructor(
    readonly kind: LinkKind,
    readonly description: string,
    private readonly pipe: BytePipe,
    maxLineLength?: number,
  ) {
    this.framing = new LineFraming(
      (line) => this.onLine(line),
      (error) => this.breakWith(error),
      maxLineLength,
    );
    pipe.onBytes((bytes) => this.framing.push(bytes));
    pipe.onDropped((reason) => {
      if (!this.closed) this.breakWith(new LinkError("dropped", `the link to the device dropped (${reason})`));
    });
  }

  request(line: string, timeoutMs: number): Promise<string> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(new LinkError("dropped", "the link is closed"));
    if (this.waiting) return Promise.reject(new Error("one request at a time on a device link"));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new LinkError("timeout", `no answer to ${firstWord(line)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = { request: line, resolve, reject, timer };
      this.asked = true;
      this.pipe.write(new TextEncoder().encode(line + "\n")).catch((error: Error) => {
        this.breakWith(new LinkError("dropped", `the link to the device dropped while sending ${firstWord(line)} (${error.message})`));
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.waiting) {
      clearTimeout(this.waiting.timer);
      this.waiting.reject(new LinkError("dropped", "the link was closed while waiting for an answer"));
      this.waiting = null;
    }
    await this.pipe.close();
  }

  private onLine(line: string): void {
    const waiting = this.waiting;
    // Blank lines and a console's echo of our own request are not answers.
    if (line.trim().length === 0) return;
    if (waiting && line.trim() === waiting.request) return;
    if (!waiting) {
      // Before the first request: start-up noise (a console banner) is not ours to judge.
      if (!this.asked) return;
      // An answer nobody asked for: the link is out of step; the next request must not take it.
      this.breakWith(new LinkError("garbage", `the device sent an unrequested line: ${JSON.stringify(line.slice(0, 60))}`));
      return;
    }
    clearTimeout(waiting.timer);
    this.waiting = null;
    waiting.resolve(line);
  }

  private breakWith(error: LinkError): void {
    if (this.broken) return;
    this.broken = error;
    if (this.waiting) {
      clearTimeout(this.waiting.timer);
      this.waiting.reject(error);
      this.waiting = null;
    }
  }
}

function firstWord(line: string): string {
  return line.split(" ")[0];
}
