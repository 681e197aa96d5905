// The 24-byte frame carried in BLE advertisements (manufacturer data) and in the NFC form.
//
//  0      header: protocol version (high nibble), frame kind (low nibble)
//  1..4   step, u32 big-endian
//  5      status flags (FRAME_STATUS_*)
//  6..23  MAC: the first 18 bytes of HMAC(K_dev, 'F' || deviceId || bytes 0..5)
//
// No stable identifier is on air, and nothing that changes slowly (no battery level, no
// counter): the verifier resolves the device by trying the keys of candidate devices
// (SPEC.md "Resolving a device").
import type { HashFunction } from "./hashFunction.js";
import { hmacSha256 } from "./hmac.js";
import { prefixEquals, readU32be, writeU32be } from "./bytes.js";
import { DOMAIN_FRAME, PROTOCOL_VERSION } from "./domains.js";

export const FRAME_LENGTH = 24;
export const FRAME_BODY_LENGTH = 6;
export const FRAME_MAC_LENGTH = 18;

export const FRAME_KIND_ADVERT = 1;
export const FRAME_KIND_NFC = 2;

export const FRAME_STATUS_CLOCK_NOT_SET = 0x01;
export const FRAME_STATUS_MOVED = 0x02;
export const FRAME_STATUS_BATTERY_LOW = 0x04;
export const FRAME_STATUS_LOCKED = 0x08;
export const FRAME_STATUS_TAMPER = 0x10;
export const FRAME_STATUS_KNOWN_BITS = 0x1f;

/** Bluetooth SIG company identifier the manufacturer data is sent under (Pur3 Ltd, Espruino). */
export const FRAME_COMPANY_ID = 0x0590;

export interface FrameFields {
  kind: number;
  step: number;
  status: number;
}

/** The whole HMAC over 'F' || deviceId || the frame's first FRAME_BODY_LENGTH bytes. */
function frameHmac(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, frame: Uint8Array): Uint8Array {
  const message = new Uint8Array(1 + 4 + FRAME_BODY_LENGTH);
  message[0] = DOMAIN_FRAME;
  writeU32be(message, 1, deviceId);
  for (let i = 0; i < FRAME_BODY_LENGTH; i++) message[5 + i] = frame[i];
  return hmacSha256(hash, deviceKey, message);
}

export function encodeFrame(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, fields: FrameFields): Uint8Array {
  const frame = new Uint8Array(FRAME_LENGTH);
  frame[0] = (PROTOCOL_VERSION << 4) | (fields.kind & 15);
  writeU32be(frame, 1, fields.step);
  frame[5] = fields.status & 255;
  const mac = frameHmac(hash, deviceKey, deviceId, frame);
  for (let i = 0; i < FRAME_MAC_LENGTH; i++) frame[FRAME_BODY_LENGTH + i] = mac[i];
  return frame;
}

/** Reads the clear fields; null when the bytes cannot be a frame of this protocol version. */
export function decodeFrame(frame: Uint8Array): FrameFields | null {
  if (frame.length !== FRAME_LENGTH) return null;
  if (frame[0] >> 4 !== PROTOCOL_VERSION) return null;
  const kind = frame[0] & 15;
  if (kind !== FRAME_KIND_ADVERT && kind !== FRAME_KIND_NFC) return null;
  if ((frame[5] & ~FRAME_STATUS_KNOWN_BITS) !== 0) return null;
  return {
    kind: kind,
    step: readU32be(frame, 1),
    status: frame[5],
  };
}

/** True when the frame is well formed and its MAC is this device's. */
export function frameMatches(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, frame: Uint8Array): boolean {
  if (decodeFrame(frame) === null) return false;
  return prefixEquals(frameHmac(hash, deviceKey, deviceId, frame), frame, FRAME_BODY_LENGTH, FRAME_MAC_LENGTH);
}
