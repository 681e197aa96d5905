// NRF.setAdvertising as the nRF52 SoftDevice takes it: a legacy advertising packet holds at
// most 31 bytes of AD structures (flags 3, the name 2+n, manufacturer data 2+2+n, service
// data 2+2+n each). Too much throws like Espruino ("Got BLE error 0xc INVALID_LENGTH").

export const LEGACY_ADVERTISING_BYTES = 31;
export const MIN_ADVERTISING_INTERVAL_MS = 20;
export const MAX_ADVERTISING_INTERVAL_MS = 10240;

export interface AdvertisingState {
  manufacturerId: number;
  manufacturerData: Uint8Array;
  intervalMs: number;
  connectable: boolean;
  nameInPacket: boolean;
  /** The device name when it is in the packet. */
  name: string | null;
  /** Bytes the packet takes, at most 31. */
  packetBytes: number;
}

export function bytesOf(data: unknown): Uint8Array {
  if (data === undefined || data === null) return new Uint8Array(0);
  if (typeof data === "string") {
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data.charCodeAt(i) & 255;
    return out;
  }
  if (typeof data === "number") return new Uint8Array([data & 255]);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (Object.prototype.toString.call(data) === "[object ArrayBuffer]") return new Uint8Array((data as ArrayBuffer).slice(0));
  if (Array.isArray(data)) {
    const parts = data.map((d) => bytesOf(d));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  throw new Error("Expecting a string, array or typed array, got " + typeof data);
}

export function buildAdvertising(data: unknown, options: Record<string, unknown> | undefined, deviceName: string): AdvertisingState {
  const opts = options ?? {};
  let bytes = 3; // flags
  const showName = opts.showName !== false;
  const name = typeof opts.name === "string" ? opts.name : deviceName;
  if (showName) bytes += 2 + name.length;
  let manufacturerId = 0;
  let manufacturerData: Uint8Array = new Uint8Array(0);
  if (opts.manufacturerData !== undefined) {
    if (typeof opts.manufacturer !== "number") throw new Error("manufacturerData needs a 'manufacturer' company identifier");
    manufacturerId = opts.manufacturer;
    manufacturerData = bytesOf(opts.manufacturerData);
    bytes += 4 + manufacturerData.length;
  }
  if (data !== null && typeof data === "object" && !Array.isArray(data)) {
    for (const key of Object.keys(data as object)) bytes += 4 + bytesOf((data as Record<string, unknown>)[key]).length;
  }
  if (bytes > LEGACY_ADVERTISING_BYTES) throw new Error("Got BLE error 0xc INVALID_LENGTH");
  const interval = typeof opts.interval === "number" ? opts.interval : 375;
  if (interval < MIN_ADVERTISING_INTERVAL_MS || interval > MAX_ADVERTISING_INTERVAL_MS) throw new Error("Got BLE error 0x7 INVALID_PARAM");
  return {
    manufacturerId,
    manufacturerData,
    intervalMs: interval,
    connectable: opts.connectable !== false,
    nameInPacket: showName,
    name: showName ? name : null,
    packetBytes: bytes,
  };
}
