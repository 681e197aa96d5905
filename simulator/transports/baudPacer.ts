// Releases bytes no faster than a UART at `baudRate` would carry them (10 bits a byte: start,
// 8 data, stop), in order. A pseudo-terminal moves bytes instantly; a Puck.js console at 9600
// baud takes about a millisecond a byte, and the reader's timings should show that.
const PIECE_BYTES = 16;

export class BaudPacer {
  private queue: Uint8Array[] = [];
  private busyUntil = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly baudRate: number,
    private readonly deliver: (bytes: Uint8Array) => void,
  ) {}

  push(bytes: Uint8Array): void {
    // Small pieces, so a long burst trickles out as it would on the wire.
    for (let i = 0; i < bytes.length; i += PIECE_BYTES) this.queue.push(bytes.slice(i, i + PIECE_BYTES));
    if (!this.timer) this.pump();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }

  private pump(): void {
    this.timer = null;
    const bytes = this.queue.shift();
    if (!bytes) return;
    const start = Math.max(Date.now(), this.busyUntil);
    this.busyUntil = start + (bytes.length * 10 * 1000) / this.baudRate;
    this.timer = setTimeout(() => {
      this.deliver(bytes);
      this.pump();
    }, this.busyUntil - Date.now());
  }
}
