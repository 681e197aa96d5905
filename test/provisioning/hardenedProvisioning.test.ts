// Issue 14, items 3 and 4, with the real CLI in its own process against simulated boards:
// the device key never crosses BLE (provisioning over BLE is refused before anything is sent),
// and firmware planted beforehand that reports the right version is replaced, with every other
// boot-code file erased, before PROV KEY reaches the board.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { SerialExposure } from "../../simulator/transports/serialExposure.js";
import { HciExposure } from "../../simulator/transports/hciExposure.js";
import { ROTATION_WAIT_ALLOWANCE_MS, bundlePath, realtimeClockStart } from "../e2e/fobUnderTest.js";
import { runEvv } from "../e2e/runEvv.js";

vi.setConfig({ testTimeout: 120_000 + ROTATION_WAIT_ALLOWANCE_MS });

let dir = "";
let env: Record<string, string> = {};
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "evv-hardened-provisioning-"));
  env = { EVV_DB: join(dir, "evv.db"), EVV_KEYSTORE: join(dir, "keystore.json"), EVV_PASSPHRASE: "hardened provisioning test" };
  expect((await runEvv(["keystore", "init"], env)).code).toBe(0);
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  rmSync(dir, { recursive: true, force: true });
});

async function board(name: "puckjs" | "pixljs", bundle?: string): Promise<SimulatedDevice> {
  const device = SimulatedDevice.create({ board: name, clock: { startUnixMs: await realtimeClockStart(), mode: "realtime" }, bundlePath: bundle });
  device.runRealtime();
  cleanups.push(() => device.stop());
  return device;
}

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? "" : Buffer.from(bytes).toString("latin1"));

/**
 * Planted code, in the Espruino dialect: it listens on the serial console beside the firmware
 * and keeps, in Storage "stolen", every line it hears that mentions STATUS or PROV.
 */
const PLANTED = `
var plantBuffer = "";
Serial1.on("data", function (d) {
  plantBuffer += d;
  var i = plantBuffer.indexOf("\\n");
  while (i >= 0) {
    var line = plantBuffer.slice(0, i);
    plantBuffer = plantBuffer.slice(i + 1);
    if (line.indexOf("STATUS") >= 0 || line.indexOf("PROV") >= 0) require("Storage").write("stolen", text0() + line + "\\n");
    i = plantBuffer.indexOf("\\n");
  }
  if (plantBuffer.length > 1000) plantBuffer = "";
});
function text0() { var s = require("Storage").read("stolen"); return s === undefined ? "" : s; }
`;

describe("evv device provision, hardened", () => {
  it("refuses to provision over BLE, before anything is sent, naming the serial console", async () => {
    bundlePath("puckjs"); // the bundle is there: the refusal is about the link, nothing else
    const device = await board("puckjs");
    const hci = await HciExposure.open();
    cleanups.push(() => hci.close());
    const address = hci.addDevice(device);
    const run = await runEvv(["device", "provision", "--ble", address, "--board", "puckjs"], { ...env, BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath }, 180_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("serial console only");
    expect(device.storage.read(".boot0")).toBeUndefined();
    expect(JSON.parse((await runEvv(["device", "list", "--json"], env)).stdout)).toEqual([]);
  });

  const genuine = () => readFileSync(bundlePath("pixljs"), "latin1");
  const plantings: [string, (device: SimulatedDevice) => void, () => string][] = [
    ["our bundle with code appended, in .boot0", () => undefined, () => genuine() + "\n" + PLANTED],
    ["our bundle in .boot0 and code in .boot1", (d) => d.storage.write(".boot1", Buffer.from(PLANTED, "latin1"), 0, 0), genuine],
    ["our bundle in .boot0 and code in .bootcde", (d) => d.storage.write(".bootcde", Buffer.from(PLANTED, "latin1"), 0, 0), genuine],
  ];

  it.each(plantings)("replaces planted firmware that reports the right version (%s) before PROV KEY", async (_what, plantMore, boot0) => {
    const planted = join(dir, "planted.js");
    writeFileSync(planted, boot0(), "latin1");
    const device = await board("pixljs", planted);
    plantMore(device);
    device.reboot();
    const serial = await SerialExposure.open(device);
    cleanups.push(() => serial.close());

    const run = await runEvv(["device", "provision", "--serial", serial.hostPath, "--board", "pixljs", "--json"], env, 120_000);
    // With --json a failure is a JSON document on stdout ({"error": ...}): part of what is compared, so that a failure says why.
    expect([run.code, run.stderr.split("\n").filter((l) => l.startsWith("evv:")), run.code === 0 ? "" : run.stdout]).toEqual([0, [], ""]);
    expect(run.stderr).toContain("uploading");
    expect(JSON.parse(run.stdout)).toMatchObject({ uploaded: true, deviceId: "00000001" });

    const stolen = text(device.storage.read("stolen"));
    expect(stolen).toContain("STATUS"); // the planted code was running and listening ...
    expect(stolen).not.toContain("PROV KEY"); // ... and was gone before the key was sent
    expect(stolen).not.toContain("PROV ID");
    expect(text(device.storage.read(".boot0"))).toBe(genuine());
    for (const other of [".boot1", ".boot2", ".boot3", ".bootcde"]) expect(device.storage.read(other), other).toBeUndefined();
  });

  it("reads the locked fob's journal with keyed reads (evv device journal), and only with the keystore", async () => {
    bundlePath("pixljs");
    const device = await board("pixljs");
    const serial = await SerialExposure.open(device);
    cleanups.push(() => serial.close());
    expect((await runEvv(["device", "provision", "--serial", serial.hostPath, "--board", "pixljs"], env, 120_000)).code).toBe(0);
    device.pressButton(30);
    const journal = await runEvv(["device", "journal", "00000001", "--serial", serial.hostPath, "--json"], env);
    expect([journal.code, journal.stderr]).toEqual([0, ""]);
    const events = (JSON.parse(journal.stdout) as { entries: { eventName: string }[] }).entries.map((e) => e.eventName);
    expect(events).toEqual(expect.arrayContaining(["provisioned", "locked", "button"]));
    // No passphrase, no key, no journal (a plain JOURNAL is refused by the fob: test/firmware/lockedPrivacy.test.ts).
    const plain = await runEvv(["device", "journal", "00000001", "--serial", serial.hostPath], { ...env, EVV_PASSPHRASE: "" });
    expect(plain.code).toBe(3);
  });
});

