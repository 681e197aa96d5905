// Byte helpers written in the Espruino dialect (DESIGN.md section 4): plain loops,
// no spread, no Array.from, no TextEncoder. Shared by firmware and host.

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    copyBytesInto(out, offset, part);
    offset += part.length;
  }
  return out;
}

export function sliceBytes(source: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = source[i];
  return out;
}

export function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  writeU32be(out, 0, value);
  return out;
}

/** Writes `value` as 4 big-endian bytes into `target` at `offset` (building a message in one buffer). */
export function writeU32be(target: Uint8Array, offset: number, value: number): void {
  const v = value >>> 0;
  target[offset] = (v >>> 24) & 255;
  target[offset + 1] = (v >>> 16) & 255;
  target[offset + 2] = (v >>> 8) & 255;
  target[offset + 3] = v & 255;
}

/** Copies `source` into `target` at `offset`. */
export function copyBytesInto(target: Uint8Array, offset: number, source: Uint8Array): void {
  for (let i = 0; i < source.length; i++) target[offset + i] = source[i];
}

export function readU32be(source: Uint8Array, offset: number): number {
  return ((source[offset] << 24) | (source[offset + 1] << 16) | (source[offset + 2] << 8) | source[offset + 3]) >>> 0;
}

export function u16be(value: number): Uint8Array {
  return new Uint8Array([(value >>> 8) & 255, value & 255]);
}

export function readU16be(source: Uint8Array, offset: number): number {
  return (source[offset] << 8) | source[offset + 1];
}

/** ASCII-only string to bytes (every string the protocol hashes is ASCII). */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 255;
  return out;
}

const HEX_DIGITS = "0123456789abcdef";

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX_DIGITS[bytes[i] >> 4] + HEX_DIGITS[bytes[i] & 15];
  return out;
}

function hexDigitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Parses lower- or upper-case hex; returns null on odd length or a non-hex character. */
export function fromHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigitValue(text.charCodeAt(2 * i));
    const lo = hexDigitValue(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * True when `actual[offset .. offset + length)` equals the first `length` bytes of `full` (a
 * truncated MAC against the whole one), in time independent of where they first differ.
 */
export function prefixEquals(full: Uint8Array, actual: Uint8Array, offset: number, length: number): boolean {
  if (full.length < length || actual.length < offset + length) return false;
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= full[i] ^ actual[offset + i];
  return diff === 0;
}

/** Compares two byte strings in time independent of where they first differ. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && prefixEquals(a, b, 0, a.length);
}

/** Device IDs are unsigned 32-bit numbers, written as 8 lower-case hex digits. */
export function deviceIdHex(deviceId: number): string {
  return toHex(u32be(deviceId));
}

export function parseDeviceIdHex(text: string): number | null {
  if (text.length !== 8) return null;
  const bytes = fromHex(text);
  return bytes === null ? null : readU32be(bytes, 0);
}
