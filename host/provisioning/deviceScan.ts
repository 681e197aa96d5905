// `evv device scan`: what is in BLE range now, with the address each device advertises from at
// this moment (a fob changes it every quarter-hour, so `provision --ble` and `sync-time --ble`
// need a fresh one). Fobs are told by their frame, stock Espruino boards by their name (they
// advertise "Puck.js xxxx", "Pixl.js xxxx", "Bangle.js xxxx" until provisioned). A fob's frame
// does not name the fob: which is which is told by signal strength (hold the reader next to it).
import type { Noble, Peripheral } from "@stoprocent/noble";
import { decodeFrame, FRAME_STATUS_CLOCK_NOT_SET, FRAME_STATUS_LOCKED } from "../../protocol/frame.js";
import { fobFrameOf } from "../transport/advertisementScanner.js";

export interface ScannedDevice {
  address: string;
  kind: "fob" | "espruino-board";
  /** The advertised name (a stock board's), or null. */
  name: string | null;
  meanRssi: number;
  heard: number;
  connectable: boolean;
  /** From the fob's frame: locked (provisioned for service) and whether its clock is set. */
  locked: boolean | null;
  clockSet: boolean | null;
}

const ESPRUINO_NAME = /^(Puck\.js|Pixl\.js|Bangle\.js|Espruino)\b/;

/** Listens for `durationMs` and lists the fobs and Espruino boards heard, strongest first. */
export async function scanDevices(noble: Noble, durationMs: number): Promise<ScannedDevice[]> {
  const heard = new Map<string, { rssi: number[]; last: Peripheral; frame: Uint8Array | null; name: string | null }>();
  const onDiscover = (peripheral: Peripheral) => {
    const frame = fobFrameOf(peripheral.advertisement?.manufacturerData);
    const name = peripheral.advertisement?.localName ?? null;
    if (!frame && !(name && ESPRUINO_NAME.test(name))) return;
    const entry = heard.get(peripheral.address) ?? { rssi: [], last: peripheral, frame: null, name: null };
    entry.rssi.push(peripheral.rssi);
    entry.last = peripheral;
    entry.frame = frame ?? entry.frame;
    entry.name = name ?? entry.name;
    heard.set(peripheral.address, entry);
  };
  noble.on("discover", onDiscover);
  try {
    await noble.startScanningAsync([], true);
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    await noble.stopScanningAsync();
  } finally {
    noble.removeListener("discover", onDiscover);
  }
  return [...heard.entries()]
    .map(([address, e]): ScannedDevice => {
      const fields = e.frame ? decodeFrame(e.frame) : null;
      return {
        address,
        kind: fields ? "fob" : "espruino-board",
        name: e.name,
        meanRssi: Math.round(e.rssi.reduce((a, b) => a + b, 0) / e.rssi.length),
        heard: e.rssi.length,
        connectable: e.last.connectable,
        locked: fields ? (fields.status & FRAME_STATUS_LOCKED) !== 0 : null,
        clockSet: fields ? (fields.status & FRAME_STATUS_CLOCK_NOT_SET) === 0 : null,
      };
    })
    .sort((a, b) => b.meanRssi - a.meanRssi);
}

export function scanText(devices: ScannedDevice[], durationMs: number): string {
  if (devices.length === 0)
    return `No fob or Espruino board heard in ${durationMs / 1000} s: move closer, press the device's button to wake it, check its battery, and scan again (--duration for longer).\n`;
  const lines = devices.map((d) => {
    const what =
      d.kind === "fob"
        ? `fob${d.locked ? "" : " (not locked)"}${d.clockSet ? "" : ", clock not set"}`
        : `Espruino board "${d.name}" (stock or not yet provisioned)`;
    return `${d.address}  ${String(d.meanRssi).padStart(4)} dBm  ${what}${d.connectable ? "" : ", not connectable"}`;
  });
  return [
    `${devices.length} heard in ${durationMs / 1000} s, strongest (nearest) first:`,
    ...lines.map((l) => `  ${l}`),
    "Use the address at once (evv device provision --ble <address>, evv device sync-time <id> --ble <address>): a fob changes it every quarter-hour.",
  ].join("\n") + "\n";
}
