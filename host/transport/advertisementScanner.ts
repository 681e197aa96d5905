// Passive listening for fob advertisements: a scan with duplicates allowed (a rotating frame
// is otherwise reported once), keeping only manufacturer data under the protocol's company
// id whose 24 bytes decode as a frame of this protocol version.
import type { Noble, Peripheral } from "@stoprocent/noble";
import { FRAME_COMPANY_ID, decodeFrame, type FrameFields } from "../../protocol/frame.js";
import { toHex } from "../../protocol/bytes.js";

export interface AdvertisementSighting {
  /** noble's peripheral id (the address without colons). */
  peripheralId: string;
  address: string;
  rssi: number;
  connectable: boolean;
  frame: Uint8Array;
  frameHex: string;
  fields: FrameFields;
  /** Reader clock, ms since epoch, when heard. */
  heardAt: number;
  /** The noble peripheral, for connecting. */
  peripheral: Peripheral;
}

export interface AdvertisementScan {
  /** Starts the scan again after noble stopped it (it does to connect: one controller cannot scan and initiate at once). */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export function fobFrameOf(manufacturerData: Buffer | undefined): Uint8Array | null {
  if (!manufacturerData || manufacturerData.length < 2) return null;
  if (manufacturerData.readUInt16LE(0) !== FRAME_COMPANY_ID) return null;
  const frame = new Uint8Array(manufacturerData.subarray(2));
  return decodeFrame(frame) === null ? null : frame;
}

export async function startAdvertisementScan(noble: Noble, onSighting: (sighting: AdvertisementSighting) => void): Promise<AdvertisementScan> {
  const onDiscover = (peripheral: Peripheral) => {
    const frame = fobFrameOf(peripheral.advertisement?.manufacturerData);
    if (!frame) return;
    onSighting({
      peripheralId: peripheral.id,
      address: peripheral.address,
      rssi: peripheral.rssi,
      connectable: peripheral.connectable,
      frame,
      frameHex: toHex(frame),
      fields: decodeFrame(frame)!,
      heardAt: Date.now(),
      peripheral,
    });
  };
  noble.on("discover", onDiscover);
  await noble.startScanningAsync([], true);
  return {
    resume: () => noble.startScanningAsync([], true),
    stop: async () => {
      noble.removeListener("discover", onDiscover);
      await noble.stopScanningAsync();
    },
  };
}
