// HCI events (H4 type 0x04) and controller-to-host ACL packets, as the emulated controller
// sends them (Bluetooth Core 5.x, Vol 4 Part E section 7.7).
import { H4_ACL, H4_EVENT } from "./h4Stream.js";

export const EVT_DISCONNECTION_COMPLETE = 0x05;
export const EVT_COMMAND_COMPLETE = 0x0e;
export const EVT_COMMAND_STATUS = 0x0f;
export const EVT_NUMBER_OF_COMPLETED_PACKETS = 0x13;
export const EVT_LE_META = 0x3e;
export const LE_CONNECTION_COMPLETE = 0x01;
export const LE_ADVERTISING_REPORT = 0x02;

export const STATUS_SUCCESS = 0x00;
export const STATUS_UNKNOWN_COMMAND = 0x01;
export const STATUS_UNKNOWN_CONNECTION = 0x02;
export const STATUS_CONNECTION_TIMEOUT = 0x08;
export const STATUS_LOCAL_HOST_TERMINATED = 0x16;

/** Advertising report event types. */
export const ADV_IND = 0x00;
export const ADV_NONCONN_IND = 0x03;
export const SCAN_RSP = 0x04;

function event(code: number, params: number[] | Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + params.length);
  out[0] = H4_EVENT;
  out[1] = code;
  out[2] = params.length;
  out.set(params, 3);
  return out;
}

const u16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];

export function commandComplete(opcode: number, status: number, result: number[] = []): Uint8Array {
  return event(EVT_COMMAND_COMPLETE, [1, ...u16(opcode), status, ...result]);
}

export function commandStatus(opcode: number, status: number): Uint8Array {
  return event(EVT_COMMAND_STATUS, [status, 1, ...u16(opcode)]);
}

export function disconnectionComplete(handle: number, reason: number): Uint8Array {
  return event(EVT_DISCONNECTION_COMPLETE, [STATUS_SUCCESS, ...u16(handle), reason]);
}

export function numberOfCompletedPackets(handle: number, count: number): Uint8Array {
  return event(EVT_NUMBER_OF_COMPLETED_PACKETS, [1, ...u16(handle), ...u16(count)]);
}

/** Address bytes are little-endian on the wire: "c3:11:22:33:44:55" -> 55 44 33 22 11 c3. */
export function addressBytes(address: string): number[] {
  return address
    .split(":")
    .reverse()
    .map((b) => parseInt(b, 16));
}

export function leConnectionComplete(status: number, handle: number, peerAddressType: number, peerAddress: string, intervalUnits: number, latency: number, timeoutUnits: number): Uint8Array {
  return event(EVT_LE_META, [
    LE_CONNECTION_COMPLETE,
    status,
    ...u16(handle),
    0x00, // role: central
    peerAddressType,
    ...addressBytes(peerAddress),
    ...u16(intervalUnits),
    ...u16(latency),
    ...u16(timeoutUnits),
    0x00, // central clock accuracy
  ]);
}

export function leAdvertisingReport(eventType: number, addressType: number, address: string, data: Uint8Array, rssi: number): Uint8Array {
  return event(EVT_LE_META, [LE_ADVERTISING_REPORT, 1, eventType, addressType, ...addressBytes(address), data.length, ...data, rssi & 0xff]);
}

/** One whole L2CAP PDU in a single ACL packet (packet boundary: first automatically-flushable). */
export function aclPacket(handle: number, cid: number, payload: Uint8Array): Uint8Array {
  const l2capLength = payload.length;
  const aclLength = 4 + l2capLength;
  const out = new Uint8Array(5 + aclLength);
  out[0] = H4_ACL;
  out[1] = handle & 0xff;
  out[2] = ((handle >> 8) & 0x0f) | (0x02 << 4);
  out[3] = aclLength & 0xff;
  out[4] = aclLength >> 8;
  out[5] = l2capLength & 0xff;
  out[6] = l2capLength >> 8;
  out[7] = cid & 0xff;
  out[8] = cid >> 8;
  out.set(payload, 9);
  return out;
}

/** Legacy advertising data: flags, the complete local name if sent, the manufacturer data under its company id. */
export function advertisingData(manufacturerId: number, manufacturerData: Uint8Array, name: string | null = null): Uint8Array {
  const ad = [0x02, 0x01, 0x06];
  if (name !== null) ad.push(name.length + 1, 0x09, ...[...name].map((c) => c.charCodeAt(0) & 0xff));
  if (manufacturerData.length > 0) ad.push(manufacturerData.length + 3, 0xff, manufacturerId & 0xff, manufacturerId >> 8, ...manufacturerData);
  return new Uint8Array(ad);
}
