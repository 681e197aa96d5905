// Faults a tester (or a test) can put on the link between the host and a simulated device,
// triggered by the host's next request of a given command: the line hangs up mid-read, the
// device answers with garbage bytes, with a line longer than any answer, or not at all.
import { z } from "zod";

export const linkFaultKind = z.enum(["drop", "garbage", "oversized", "silent"]);
export type LinkFaultKind = z.infer<typeof linkFaultKind>;

export const linkFault = z.object({
  kind: linkFaultKind,
  /** The request word that triggers it, e.g. "CHAL". */
  onCommand: z.string().regex(/^[A-Z]+$/),
});
export type LinkFault = z.infer<typeof linkFault>;

/** "drop:CHAL" on a command line. */
export function parseLinkFault(text: string): LinkFault {
  const [kind, onCommand] = text.split(":");
  return linkFault.parse({ kind, onCommand: onCommand ?? "CHAL" });
}

export const GARBAGE_ANSWER = new Uint8Array([0x00, 0xff, 0x13, 0x9c, 0x4f, 0x4b, 0x07, 0x0a]);
export const OVERSIZED_ANSWER_LENGTH = 4096;

export interface FaultActions {
  /** Bytes for the device to pass on unchanged. */
  forward(bytes: Uint8Array): void;
  /** Bytes to send back to the host instead of an answer. */
  answer(bytes: Uint8Array): void;
  /** Cut the link now. */
  hangUp(): void;
}

/** Watches host-to-device bytes line by line and fires a pending fault once. */
export class FaultInjector {
  private pending: number[] = [];

  constructor(
    private fault: LinkFault | null,
    private readonly actions: FaultActions,
  ) {}

  arm(fault: LinkFault | null): void {
    this.fault = fault;
  }

  fromHost(bytes: Uint8Array): void {
    if (!this.fault) {
      this.actions.forward(bytes);
      return;
    }
    for (const byte of bytes) {
      this.pending.push(byte);
      if (byte !== 0x0a) continue;
      const line = String.fromCharCode(...this.pending).trim();
      const lineBytes = new Uint8Array(this.pending);
      this.pending = [];
      const fault = this.fault;
      if (fault && line.split(" ")[0] === fault.onCommand) {
        this.fault = null;
        this.fire(fault);
      } else {
        this.actions.forward(lineBytes);
      }
    }
  }

  private fire(fault: LinkFault): void {
    if (fault.kind === "silent") return;
    if (fault.kind === "drop") this.actions.hangUp();
    else if (fault.kind === "garbage") this.actions.answer(GARBAGE_ANSWER);
    else this.actions.answer(new TextEncoder().encode("OK CHAL " + "7".repeat(OVERSIZED_ANSWER_LENGTH)));
  }
}
