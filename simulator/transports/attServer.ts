// The GATT server of a simulated Espruino device, as seen over ATT (Bluetooth Core Vol 3
// Part F/G): the Nordic UART service with RX (write, write without response) and TX (notify
// with its CCCD). One AttServer per connection. Writes to RX reach device.bleWrite; the
// device's "bleData" goes out as notifications of at most MTU-3 bytes once the host enabled them.
export const NUS_SERVICE_UUID = "6e400001b5a3f393e0a9e50e24dcca9e";
export const NUS_RX_UUID = "6e400002b5a3f393e0a9e50e24dcca9e";
export const NUS_TX_UUID = "6e400003b5a3f393e0a9e50e24dcca9e";

const ATT_ERROR = 0x01;
const ATT_MTU_REQ = 0x02;
const ATT_MTU_RESP = 0x03;
const ATT_FIND_INFO_REQ = 0x04;
const ATT_FIND_INFO_RESP = 0x05;
const ATT_READ_BY_TYPE_REQ = 0x08;
const ATT_READ_BY_TYPE_RESP = 0x09;
const ATT_READ_REQ = 0x0a;
const ATT_READ_RESP = 0x0b;
const ATT_READ_BY_GROUP_REQ = 0x10;
const ATT_READ_BY_GROUP_RESP = 0x11;
const ATT_WRITE_REQ = 0x12;
const ATT_WRITE_RESP = 0x13;
const ATT_NOTIFY = 0x1b;
const ATT_WRITE_CMD = 0x52;

const ECODE_INVALID_HANDLE = 0x01;
const ECODE_WRITE_NOT_PERMITTED = 0x03;
const ECODE_REQ_NOT_SUPPORTED = 0x06;
const ECODE_ATTR_NOT_FOUND = 0x0a;
const ECODE_UNSUPPORTED_GROUP = 0x10;

const PRIMARY_SERVICE = 0x2800;
const CHARACTERISTIC = 0x2803;
const CCCD = 0x2902;

/** The largest ATT MTU Espruino's nRF52 builds negotiate. */
export const SERVER_MTU = 131;
export const DEFAULT_MTU = 23;

interface Attribute {
  handle: number;
  /** 16-bit UUID as a number, or 128-bit as 32 hex digits (big-endian text). */
  type: number | string;
  value: Uint8Array;
}

function uuidBytes(uuid: number | string): number[] {
  if (typeof uuid === "number") return [uuid & 0xff, uuid >> 8];
  const bytes: number[] = [];
  for (let i = 30; i >= 0; i -= 2) bytes.push(parseInt(uuid.slice(i, i + 2), 16));
  return bytes;
}

const RX_VALUE = 0x0003;
const TX_VALUE = 0x0005;
const TX_CCCD = 0x0006;

function nusDatabase(): Attribute[] {
  const decl = (properties: number, valueHandle: number, uuid: string) =>
    new Uint8Array([properties, valueHandle & 0xff, valueHandle >> 8, ...uuidBytes(uuid)]);
  return [
    { handle: 0x0001, type: PRIMARY_SERVICE, value: new Uint8Array(uuidBytes(NUS_SERVICE_UUID)) },
    { handle: 0x0002, type: CHARACTERISTIC, value: decl(0x04 | 0x08, RX_VALUE, NUS_RX_UUID) },
    { handle: RX_VALUE, type: NUS_RX_UUID, value: new Uint8Array(0) },
    { handle: 0x0004, type: CHARACTERISTIC, value: decl(0x10, TX_VALUE, NUS_TX_UUID) },
    { handle: TX_VALUE, type: NUS_TX_UUID, value: new Uint8Array(0) },
    { handle: TX_CCCD, type: CCCD, value: new Uint8Array([0, 0]) },
  ];
}
const SERVICE_END = 0x0006;

const u16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
const readU16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);

export class AttServer {
  private readonly attributes = nusDatabase();
  private mtu = DEFAULT_MTU;

  constructor(
    /** Sends one ATT PDU to the host. */
    private readonly send: (pdu: Uint8Array) => void,
    /** Bytes the host wrote to NUS RX. */
    private readonly onRx: (bytes: Uint8Array) => void,
  ) {}

  get notificationsEnabled(): boolean {
    return (this.attribute(TX_CCCD)!.value[0] & 1) === 1;
  }

  /** Device-to-host bytes as TX notifications, MTU-3 bytes each. Dropped until enabled. */
  notify(bytes: Uint8Array): void {
    if (!this.notificationsEnabled) return;
    const chunk = this.mtu - 3;
    for (let i = 0; i < bytes.length; i += chunk) {
      this.send(new Uint8Array([ATT_NOTIFY, ...u16(TX_VALUE), ...bytes.slice(i, i + chunk)]));
    }
  }

  receive(pdu: Uint8Array): void {
    const opcode = pdu[0];
    switch (opcode) {
      case ATT_MTU_REQ: {
        this.mtu = Math.max(DEFAULT_MTU, Math.min(readU16(pdu, 1), SERVER_MTU));
        this.send(new Uint8Array([ATT_MTU_RESP, ...u16(SERVER_MTU)]));
        return;
      }
      case ATT_READ_BY_GROUP_REQ:
        return this.readByGroup(pdu);
      case ATT_READ_BY_TYPE_REQ:
        return this.readByType(pdu);
      case ATT_FIND_INFO_REQ:
        return this.findInformation(pdu);
      case ATT_READ_REQ: {
        const attribute = this.attribute(readU16(pdu, 1));
        if (!attribute) return this.error(opcode, readU16(pdu, 1), ECODE_INVALID_HANDLE);
        this.send(new Uint8Array([ATT_READ_RESP, ...attribute.value.slice(0, this.mtu - 1)]));
        return;
      }
      case ATT_WRITE_REQ:
      case ATT_WRITE_CMD: {
        const handle = readU16(pdu, 1);
        const value = pdu.slice(3);
        const accepted = this.write(handle, value);
        if (opcode === ATT_WRITE_REQ) {
          if (accepted === 0) this.send(new Uint8Array([ATT_WRITE_RESP]));
          else this.error(opcode, handle, accepted);
        }
        return;
      }
      default:
        // Commands (bit 6 set) get no answer; requests get "not supported".
        if ((opcode & 0x40) === 0 && opcode % 2 === 0) this.error(opcode, 0, ECODE_REQ_NOT_SUPPORTED);
    }
  }

  private write(handle: number, value: Uint8Array): number {
    if (handle === RX_VALUE) {
      if (value.length > this.mtu - 3) return ECODE_WRITE_NOT_PERMITTED;
      this.onRx(value);
      return 0;
    }
    if (handle === TX_CCCD) {
      if (value.length !== 2) return ECODE_WRITE_NOT_PERMITTED;
      this.attribute(TX_CCCD)!.value = value.slice();
      return 0;
    }
    return this.attribute(handle) ? ECODE_WRITE_NOT_PERMITTED : ECODE_INVALID_HANDLE;
  }

  private readByGroup(pdu: Uint8Array): void {
    const start = readU16(pdu, 1);
    const end = readU16(pdu, 3);
    const groupType = pdu.length === 7 ? readU16(pdu, 5) : -1;
    if (groupType !== PRIMARY_SERVICE) return this.error(ATT_READ_BY_GROUP_REQ, start, ECODE_UNSUPPORTED_GROUP);
    const service = this.attributes.find((a) => a.type === PRIMARY_SERVICE && a.handle >= start && a.handle <= end);
    if (!service) return this.error(ATT_READ_BY_GROUP_REQ, start, ECODE_ATTR_NOT_FOUND);
    // One 128-bit service per response: 2 + 20 bytes fits the smallest MTU.
    this.send(new Uint8Array([ATT_READ_BY_GROUP_RESP, 20, ...u16(service.handle), ...u16(SERVICE_END), ...service.value]));
  }

  private readByType(pdu: Uint8Array): void {
    const start = readU16(pdu, 1);
    const end = readU16(pdu, 3);
    const type = pdu.length === 7 ? readU16(pdu, 5) : -1;
    const matches = this.attributes.filter((a) => a.type === type && a.handle >= start && a.handle <= end);
    if (start === 0 || start > end) return this.error(ATT_READ_BY_TYPE_REQ, start, ECODE_INVALID_HANDLE);
    if (matches.length === 0) return this.error(ATT_READ_BY_TYPE_REQ, start, ECODE_ATTR_NOT_FOUND);
    const entryLength = 2 + matches[0].value.length;
    const entries: number[] = [];
    for (const match of matches) {
      if (2 + match.value.length !== entryLength || 2 + entries.length + entryLength > this.mtu) break;
      entries.push(...u16(match.handle), ...match.value);
    }
    this.send(new Uint8Array([ATT_READ_BY_TYPE_RESP, entryLength, ...entries]));
  }

  private findInformation(pdu: Uint8Array): void {
    const start = readU16(pdu, 1);
    const end = readU16(pdu, 3);
    if (start === 0 || start > end) return this.error(ATT_FIND_INFO_REQ, start, ECODE_INVALID_HANDLE);
    const inRange = this.attributes.filter((a) => a.handle >= start && a.handle <= end);
    if (inRange.length === 0) return this.error(ATT_FIND_INFO_REQ, start, ECODE_ATTR_NOT_FOUND);
    const short = typeof inRange[0].type === "number";
    const entries: number[] = [];
    for (const a of inRange) {
      if ((typeof a.type === "number") !== short) break;
      const entry = [...u16(a.handle), ...uuidBytes(a.type)];
      if (2 + entries.length + entry.length > this.mtu) break;
      entries.push(...entry);
    }
    this.send(new Uint8Array([ATT_FIND_INFO_RESP, short ? 0x01 : 0x02, ...entries]));
  }

  private attribute(handle: number): Attribute | undefined {
    return this.attributes.find((a) => a.handle === handle);
  }

  private error(opcode: number, handle: number, code: number): void {
    this.send(new Uint8Array([ATT_ERROR, opcode, ...u16(handle), code]));
  }
}
