// HHS provisioning end to end: a stock simulated board (no firmware) behind a serial
// pseudo-terminal and behind the emulated HCI controller; the real CLI uploads the built
// bundle, writes the key, sets the clock, locks and registers it; then it is assigned, a
// caregiver reads it, and the verifier accepts the visit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { SerialExposure } from "../../simulator/transports/serialExposure.js";
import { HciExposure } from "../../simulator/transports/hciExposure.js";
import { bundlePath } from "./fobUnderTest.js";
import { runEvv } from "./runEvv.js";

let dir = "";
let env: Record<string, string> = {};
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "evv-provision-"));
  env = { EVV_DB: join(dir, "evv.db"), EVV_KEYSTORE: join(dir, "keystore.json"), EVV_PASSPHRASE: "provisioning test passphrase" };
  const init = await runEvv(["keystore", "init"], env);
  expect(init.code).toBe(0);
  for (const kind of ["clients", "providers", "authorizations"]) {
    const imported = await runEvv(["import", kind, `demo/data/${kind}.json`], env);
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
  }
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  rmSync(dir, { recursive: true, force: true });
});

function stockBoard(board: "puckjs" | "pixljs" | "banglejs2"): SimulatedDevice {
  bundlePath(board); // makes sure dist/firmware holds the bundle the CLI uploads
  const device = SimulatedDevice.create({ board, clock: { startUnixMs: Date.now(), mode: "realtime" }, addressSeed: `stock-${board}` });
  device.runRealtime();
  cleanups.push(() => device.stop());
  return device;
}

async function provisionAssignReadVerify(board: "puckjs" | "pixljs" | "banglejs2", link: string[], linkEnv: Record<string, string>, readLink: string[]) {
  const first = await runEvv(["device", "provision", ...link, "--board", board, "--json"], { ...env, ...linkEnv }, 120_000);
  expect(first.stderr).toContain("uploading");
  expect(first.code).toBe(0);
  const provisioned = JSON.parse(first.stdout) as { deviceId: string; uploaded: boolean; alreadyProvisioned: boolean };
  expect(provisioned.uploaded).toBe(true);
  expect(provisioned.deviceId).toBe("00000001");

  const again = await runEvv(["device", "provision", ...link, "--board", board, "--json"], { ...env, ...linkEnv }, 60_000);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ deviceId: "00000001", alreadyProvisioned: true, uploaded: false });

  const from = new Date(Date.now() - 3600_000).toISOString();
  expect((await runEvv(["device", "assign", "00000001", "--location", "dickinson-olson", "--from", from], env)).code).toBe(0);
  const list = await runEvv(["device", "list", "--json"], env);
  const devices = JSON.parse(list.stdout) as Array<{ deviceId: string; board: string }>;
  expect(devices).toHaveLength(1);

  const log = join(dir, "visits.jsonl");
  const visit = ["--provider", "QSP-I2002", "--client", "ND-200581", "--log", log];
  const checkIn = await runEvv(["read", ...readLink, "--check-in", ...visit], linkEnv);
  expect(checkIn.stderr).not.toContain("evv:");
  expect(checkIn.code).toBe(0);
  const checkOut = await runEvv(["read", ...readLink, "--check-out", "--tasks", "bathing,meal-preparation", ...visit], linkEnv);
  expect(checkOut.code).toBe(0);

  expect((await runEvv(["import", "readings", log], env)).code).toBe(0);
  const verified = await runEvv(["verify", "--json"], env);
  expect(verified.code).toBe(0);
  return JSON.parse(verified.stdout) as Record<string, unknown>;
}

describe("evv device provision", () => {
  it("provisions a stock Pixl.js over its serial console, then its visit verifies", async () => {
    const device = stockBoard("pixljs");
    const serial = await SerialExposure.open(device);
    cleanups.push(() => serial.close());
    const summary = await provisionAssignReadVerify("pixljs", ["--serial", serial.hostPath], {}, ["--serial", serial.hostPath]);
    expect(JSON.stringify(summary)).toMatch(/verified/);

    // HHS keeps it afterwards: a label, an authenticated clock sync, the record, retirement.
    const label = await runEvv(["device", "provision", "--serial", serial.hostPath, "--board", "pixljs"], env, 60_000);
    expect(label.stdout).toContain("was already provisioned");
    expect(label.stdout).toContain("EVV fob 00000001");
    expect(label.stdout).toMatch(/[█▀▄]/);
    device.skewClock(-90_000);
    const sync = await runEvv(["device", "sync-time", "00000001", "--serial", serial.hostPath, "--json"], env);
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout).offsetSeconds).toBeLessThanOrEqual(-89);
    const show = JSON.parse((await runEvv(["device", "show", "00000001", "--json"], env)).stdout) as { clockObservations: { source: string }[]; assignments: unknown[] };
    expect(show.clockObservations.map((o) => o.source)).toEqual(["provisioning", "time-sync"]);
    expect(show.assignments).toHaveLength(1);
    expect((await runEvv(["device", "retire", "00000001"], env)).code).toBe(0);
    const retiredAgain = await runEvv(["device", "retire", "00000001"], env);
    expect(retiredAgain.code).not.toBe(0);
    expect(retiredAgain.stderr).toContain("already retired");
  });

  it("refuses to provision without a keystore passphrase, naming what is missing, and changes nothing", async () => {
    const device = stockBoard("pixljs");
    const serial = await SerialExposure.open(device);
    cleanups.push(() => serial.close());
    const { EVV_PASSPHRASE: _omitted, ...withoutPassphrase } = env;
    const run = await runEvv(["device", "provision", "--serial", serial.hostPath, "--board", "pixljs"], { ...withoutPassphrase, EVV_PASSPHRASE: "" });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("passphrase");
    expect(JSON.parse((await runEvv(["device", "list", "--json"], env)).stdout)).toEqual([]);
  });

  it("provisions a stock Puck.js over BLE through the unchanged noble stack, then its visit verifies", async () => {
    const device = stockBoard("puckjs");
    const hci = await HciExposure.open();
    cleanups.push(() => hci.close());
    const address = hci.addDevice(device);
    const linkEnv = { BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath };
    const summary = await provisionAssignReadVerify("puckjs", ["--ble", address], linkEnv, ["--ble", "--device", address]);
    expect(JSON.stringify(summary)).toMatch(/verified/);
  });
});
