// One interface for every request/answer link to a device: the serial console and the BLE
// Nordic UART both carry the line protocol of protocol/uartCommands.ts.
export type LinkKind = "serial" | "ble";

export interface DeviceLink {
  readonly kind: LinkKind;
  /** Human description, e.g. "/dev/ttyACM0 at 9600 baud" or "BLE d3:4a:..:01". */
  readonly description: string;
  /** Sends one request line (without terminator) and resolves with the next answer line. */
  request(line: string, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

/** A byte pipe under a DeviceLink: what serial and Nordic UART differ in. */
export interface BytePipe {
  write(bytes: Uint8Array): Promise<void>;
  onBytes(listener: (bytes: Uint8Array) => void): void;
  /** Called once when the pipe goes away without close() (cable pulled, BLE link lost). */
  onDropped(listener: (reason: string) => void): void;
  close(): Promise<void>;
}
