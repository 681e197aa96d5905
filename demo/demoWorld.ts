// The simulated world of `npm start`: one simulated fob per client home, each running the
// built bundle it was provisioned with, exposed as hardware would be (a serial console on a
// pseudo-terminal, or BLE through the emulated HCI controller), and one world clock that all
// devices follow in lockstep, jumping from visit to visit.
import { SimulatedDevice } from "../simulator/device/simulatedDevice.js";
import { SerialExposure } from "../simulator/transports/serialExposure.js";
import { HciExposure } from "../simulator/transports/hciExposure.js";

export type DemoBoard = "puckjs" | "pixljs" | "banglejs2";

export interface DemoFob {
  /** Which home it hangs in (service location ID). */
  locationId: string;
  board: DemoBoard;
  device: SimulatedDevice;
  /** How caregivers read it: "serial", its console on a pseudo-terminal; "ble", in range of the HCI controller. */
  link: "serial" | "ble";
  /** Its serial console (every fob: HHS provisions over serial). */
  serialPath: string;
}

/**
 * The BLE address a fob on the "ble" link advertises from now: read at every connection,
 * since a provisioned fob changes it every quarter-hour (firmware/README.md).
 */
export function currentBleAddress(fob: DemoFob): string {
  if (fob.link !== "ble") throw new Error(`the fob at ${fob.locationId} is not on BLE`);
  return fob.device.macAddress.split(" ")[0];
}

export class DemoWorld {
  readonly fobs: DemoFob[] = [];
  private hci: HciExposure | null = null;
  private serials: SerialExposure[] = [];

  private constructor(private worldMs: number) {}

  static create(startMs: number): DemoWorld {
    return new DemoWorld(startMs);
  }

  /** The HCI controller's pseudo-terminal, for noble. */
  async hciPath(): Promise<string> {
    if (!this.hci) this.hci = await HciExposure.open();
    return this.hci.hostPath;
  }

  /** A stock board (no firmware yet) hung at a location and exposed on its link. */
  async addStockFob(locationId: string, board: DemoBoard, link: "serial" | "ble", driftPpm: number): Promise<DemoFob> {
    const device = SimulatedDevice.create({ board, clock: { startUnixMs: this.worldMs, driftPpm, mode: "virtual" }, addressSeed: `demo-${locationId}` });
    // Every fob's serial console is exposed: HHS provisions over it (the key never crosses BLE).
    const exposure = await SerialExposure.open(device);
    this.serials.push(exposure);
    const fob: DemoFob = { locationId, board, device, link, serialPath: exposure.hostPath };
    if (link === "ble") {
      await this.hciPath();
      this.hci!.addDevice(device, { rssi: -58 });
    }
    this.fobs.push(fob);
    return fob;
  }

  /** World time, ms since the epoch. */
  now(): Date {
    return new Date(this.worldMs);
  }

  /** Runs the world on the wall clock while `work` talks to the devices (uploads, reboots). */
  async inRealTime<T>(work: () => Promise<T>): Promise<T> {
    for (const fob of this.fobs) fob.device.runRealtime();
    const started = Date.now();
    try {
      return await work();
    } finally {
      for (const fob of this.fobs) fob.device.stop();
      this.lockstep(this.worldMs + (Date.now() - started));
    }
  }

  /** Moves every device to the same world time (each runs the timers due on the way). */
  advanceTo(targetMs: number): void {
    if (targetMs < this.worldMs) throw new Error("the world clock does not go back");
    this.lockstep(targetMs);
  }

  private lockstep(targetMs: number): void {
    for (const fob of this.fobs) {
      const behind = targetMs - fob.device.worldNowMs();
      if (behind > 0) fob.device.advance(behind);
    }
    this.worldMs = Math.max(targetMs, ...this.fobs.map((f) => f.device.worldNowMs()));
  }

  async close(): Promise<void> {
    for (const fob of this.fobs) fob.device.stop();
    for (const serial of this.serials) await serial.close();
    if (this.hci) await this.hci.close();
  }
}

/** The 12 digits a caregiver reads off a fob's display (Pixl.js, Bangle.js 2). */
export function codeOnDisplay(device: SimulatedDevice): string | null {
  const digitLines = device
    .screenText()
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^[0-9]{4}( [0-9]{4}){0,2}$/.test(line));
  const digits = digitLines.join("").replace(/ /g, "");
  return digits.length === 12 ? digits : null;
}
