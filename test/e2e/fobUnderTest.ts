// The fob the end-to-end tests read: the real SimulatedDevice running the built bundle
// dist/firmware/<board>.js in realtime clock mode, provisioned (ID, key, clock) and locked
// over its serial console with the firmware's own PROV commands, as HHS would.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { deriveDeviceKey, deviceIdHex, toHex } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";

export type FobBoard = "puckjs" | "pixljs" | "banglejs2";
export const TEST_MASTER_KEY = new Uint8Array(32).fill(0x5a);
const root = fileURLToPath(new URL("../../", import.meta.url));

export interface FobUnderTest {
  device: SimulatedDevice;
  deviceId: number;
  key: Uint8Array;
  /** The display code the fob shows now (asked with CODE over its console). */
  displayCode(): Promise<string>;
  stop(): Promise<void>;
}

/** A fob rotates its BLE address at every quarter-hour of its clock (firmware/README.md). */
export const ADDRESS_ROTATION_MS = 15 * 60_000;
/** How long a test may use one realtime device, at most: no address rotation falls within it. */
export const TEST_DEVICE_LIFETIME_MS = 60_000;
/** Extra time a test that calls realtimeClockStart must allow for its wait. */
export const ROTATION_WAIT_ALLOWANCE_MS = TEST_DEVICE_LIFETIME_MS + 5_000;

/**
 * The clock start (`clock.startUnixMs`) for a realtime test device: the wall clock now, so
 * device and reader agree (the verifier flags more than 120 s apart), but never within
 * `lifetimeMs` before a quarter-hour boundary, where a provisioned fob changes its BLE address
 * and a test holding the old one would fail by chance. Near a boundary it waits until just
 * after it (at most lifetimeMs + 2 s), so the device has a whole quarter-hour ahead of it.
 * Tests calling it allow ROTATION_WAIT_ALLOWANCE_MS more in their timeout.
 */
export async function realtimeClockStart(lifetimeMs = TEST_DEVICE_LIFETIME_MS): Promise<number> {
  const untilRotation = ADDRESS_ROTATION_MS - (Date.now() % ADDRESS_ROTATION_MS);
  if (untilRotation <= lifetimeMs) await new Promise((resolve) => setTimeout(resolve, untilRotation + 2_000));
  return Date.now();
}

/** The built bundle of a board; built once with `npm run build:firmware` when missing. */
export function bundlePath(board: FobBoard): string {
  const path = `${root}dist/firmware/${board}.js`;
  if (!existsSync(path)) execFileSync(process.execPath, ["--import", "tsx", `${root}firmware/build/buildFirmware.ts`], { cwd: root, stdio: "ignore" });
  return path;
}

/** Sends one line on the device's serial console and resolves with the answer line. */
export function consoleCommand(device: SimulatedDevice, line: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (bytes: Uint8Array) => {
      text += Buffer.from(bytes).toString("latin1");
      const end = text.indexOf("\n");
      if (end < 0) return;
      device.off("serialData", onData);
      clearTimeout(timer);
      resolve(text.slice(0, end).trim());
    };
    const timer = setTimeout(() => {
      device.off("serialData", onData);
      reject(new Error(`no answer to ${line} from the simulated device`));
    }, timeoutMs);
    device.on("serialData", onData);
    device.serialWrite(new TextEncoder().encode(line + "\n"));
  });
}

/**
 * A provisioned, locked fob on a realtime clock that no address rotation will interrupt for
 * TEST_DEVICE_LIFETIME_MS (realtimeClockStart). Its BLE address is device.macAddress.
 */
export async function startFob(deviceId: number, board: FobBoard = "puckjs", key = deriveDeviceKey(nodeSha256, TEST_MASTER_KEY, 1, deviceId)): Promise<FobUnderTest> {
  const device = SimulatedDevice.create({
    board,
    bundlePath: bundlePath(board),
    clock: { startUnixMs: await realtimeClockStart(), driftPpm: 0, mode: "realtime" },
    addressSeed: `fob-${deviceId}`,
  });
  device.runRealtime();
  for (const line of [`PROV ID ${deviceIdHex(deviceId)}`, `PROV KEY 1 ${toHex(key)}`, `PROV CLOCK ${Math.floor(Date.now() / 1000)}`, "PROV LOCK"]) {
    const answer = await consoleCommand(device, line);
    if (!answer.startsWith("OK PROV")) throw new Error(`provisioning the simulated fob failed at ${line.split(" ").slice(0, 2).join(" ")}: ${answer}`);
  }
  return {
    device,
    deviceId,
    key,
    displayCode: async () => {
      const answer = await consoleCommand(device, "CODE");
      const code = answer.split(" ")[2];
      if (!answer.startsWith("OK CODE") || !/^[0-9]{12}$/.test(code)) throw new Error(`unexpected CODE answer: ${answer}`);
      return code;
    },
    stop: async () => device.stop(),
  };
}
