// Helpers for the firmware tests: a simulated device running the BUILT bundle of a board,
// and one request/answer exchange over either command link.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { BOARD_FACTS, bundlePathFor, type BoardName } from "../../firmware/build/boardFacts.js";
import { bundleForEspruino } from "../../firmware/build/bundleForEspruino.js";
import { deriveDeviceKey, fromHex, keyedReadMac, toHex } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";

export const MASTER_KEY = new Uint8Array(32).fill(0x5a);
export const DEVICE_ID = 0x00c0ffee;
export const KEY = deriveDeviceKey(nodeSha256, MASTER_KEY, 3, DEVICE_ID);
/** 2026-11-22 14:00:20 UTC: 40 s before a step boundary. */
export const START_MS = Date.UTC(2026, 10, 22, 14, 0, 20);

/** dist/firmware/<board>.js; built here when missing (npm test always builds it first). */
export async function builtBundle(board: BoardName): Promise<string> {
  const path = bundlePathFor(board);
  if (!existsSync(path)) {
    const bundle = await bundleForEspruino(BOARD_FACTS[board].entry, { minify: true });
    if (bundle.problems.length > 0) throw new Error(bundle.problems.map((p) => p.message).join("\n"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bundle.code);
  }
  return path;
}

export type Link = "serial" | "ble";

/** Sends one line and returns what the device answered (trimmed), over the chosen link. */
export function ask(device: SimulatedDevice, link: Link, line: string): string {
  const chunks: Uint8Array[] = [];
  const event = link === "serial" ? "serialData" : "bleData";
  const collect = (bytes: Uint8Array) => chunks.push(bytes);
  device.on(event, collect);
  try {
    const bytes = Buffer.from(line + "\n", "latin1");
    if (link === "serial") device.serialWrite(bytes);
    else {
      if (!device.isBleConnected()) device.bleConnect();
      for (let i = 0; i < bytes.length; i += 20) device.bleWrite(bytes.subarray(i, i + 20));
    }
  } finally {
    device.off(event, collect);
  }
  return Buffer.concat(chunks).toString("latin1").trim();
}

/** A key holder's STATUS or JOURNAL (protocol/keyedRead.ts): SYNCREQ for the nonce, then the request with its MAC. */
export function askKeyed(device: SimulatedDevice, link: Link, request: string): string {
  const nonce = fromHex(ask(device, link, "SYNCREQ").split(" ")[3]);
  if (nonce === null) throw new Error("SYNCREQ gave no nonce");
  return ask(device, link, request + " " + toHex(keyedReadMac(nodeSha256, KEY, DEVICE_ID, nonce, request)));
}

export async function bootBoard(board: BoardName, options: { driftPpm?: number; startMs?: number } = {}): Promise<SimulatedDevice> {
  return SimulatedDevice.create({
    board,
    bundlePath: await builtBundle(board),
    clock: { startUnixMs: options.startMs ?? START_MS, driftPpm: options.driftPpm ?? 0 },
    addressSeed: "test-" + board,
  });
}

/** Provisions over the serial link: ID, key (version 3), clock; locks when asked. */
export function provision(device: SimulatedDevice, lock: boolean): void {
  const expect = (line: string, answer: RegExp) => {
    const got = ask(device, "serial", line);
    if (!answer.test(got)) throw new Error(`${line} answered ${got}`);
  };
  expect("PROV ID " + DEVICE_ID.toString(16).padStart(8, "0"), /^OK PROV ID/);
  expect("PROV KEY 3 " + toHex(KEY), /^OK PROV KEY 3$/);
  expect("PROV CLOCK " + Math.floor(device.deviceNowMs() === 0 ? START_MS / 1000 : device.worldNowMs() / 1000), /^OK PROV CLOCK/);
  if (lock) expect("PROV LOCK", /^OK PROV LOCK$/);
}
