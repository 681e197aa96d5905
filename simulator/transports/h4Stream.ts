// Splits the bytes a host writes to an HCI UART (H4 framing) into packets:
//   0x01 command: opcode u16 LE, parameter length u8, parameters
//   0x02 ACL data: handle+flags u16 LE, data length u16 LE, data
// A byte that starts no known packet type is skipped (a host resyncs the same way).
export const H4_COMMAND = 0x01;
export const H4_ACL = 0x02;
export const H4_EVENT = 0x04;

export type H4Packet =
  | { type: "command"; opcode: number; params: Uint8Array }
  | { type: "acl"; handle: number; boundary: number; data: Uint8Array };

export class H4Stream {
  private buffer = new Uint8Array(0);

  constructor(private readonly onPacket: (packet: H4Packet) => void) {}

  push(bytes: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer, 0);
    joined.set(bytes, this.buffer.length);
    this.buffer = joined;
    for (;;) {
      if (this.buffer.length === 0) return;
      const type = this.buffer[0];
      if (type === H4_COMMAND) {
        if (this.buffer.length < 4) return;
        const length = this.buffer[3];
        if (this.buffer.length < 4 + length) return;
        const opcode = this.buffer[1] | (this.buffer[2] << 8);
        const params = this.buffer.slice(4, 4 + length);
        this.buffer = this.buffer.slice(4 + length);
        this.onPacket({ type: "command", opcode, params });
      } else if (type === H4_ACL) {
        if (this.buffer.length < 5) return;
        const length = this.buffer[3] | (this.buffer[4] << 8);
        if (this.buffer.length < 5 + length) return;
        const word = this.buffer[1] | (this.buffer[2] << 8);
        const data = this.buffer.slice(5, 5 + length);
        this.buffer = this.buffer.slice(5 + length);
        this.onPacket({ type: "acl", handle: word & 0x0fff, boundary: (word >> 12) & 0x3, data });
      } else {
        this.buffer = this.buffer.slice(1);
      }
    }
  }
}
