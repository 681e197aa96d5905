// HHS provisioning end to end: a stock simulated board (no firmware) behind a serial
// pseudo-terminal and behind the emulated HCI controller; the real CLI uploads the built
// bundle, writes the key, sets the clock, locks and registers it; then it is assigned, a
// caregiver reads it, and the verifier accepts the visit.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { SerialExposure } from "../../simulator/transports/serialExposure.js";
import { HciExposure } from "../../simulator/transports/hciExposure.js";
import { ROTATION_WAIT_ALLOWANCE_MS, bundlePath, realtimeClockStart } from "./fobUnderTest.js";
import { runEvv } from "./runEvv.js";

// stockBoard may wait for a quarter-hour boundary to pass (the fob's address rotation).
vi.setConfig({ testTimeout: 60_000 + ROTATION_WAIT_ALLOWANCE_MS });

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

async function stockBoard(board: "puckjs" | "pixljs" | "banglejs2"): Promise<SimulatedDevice> {
  bundlePath(board); // makes sure dist/firmware holds the bundle the CLI uploads
  const device = SimulatedDevice.create({ board, clock: { startUnixMs: await realtimeClockStart(), mode: "realtime" }, addressSeed: `stock-${board}` });
  device.runRealtime();
  cleanups.push(() => device.stop());
  return device;
}

/**
 * link() and readLink() give the link arguments right before each command: over BLE they
 * name the device's current address, which changes once the firmware runs. Provisioning runs
 * over serial only (the key never crosses BLE).
 */
/** press: what a person does before talking to a provisioned fob over BLE (a Puck.js is on air only after a button press). */
async function provisionAssignReadVerify(board: "puckjs" | "pixljs" | "banglejs2", link: () => string[], linkEnv: Record<string, string>, readLink: () => string[], press: () => void = () => undefined) {
  const first = await runEvv(["device", "provision", ...link(), "--board", board, "--json"], { ...env, ...linkEnv }, 120_000);
  expect(first.stderr).toContain("uploading");
  expect(first.code).toBe(0);
  const provisioned = JSON.parse(first.stdout) as { deviceId: string; uploaded: boolean; alreadyProvisioned: boolean };
  expect(provisioned.uploaded).toBe(true);
  expect(provisioned.deviceId).toBe("00000001");

  press();
  const again = await runEvv(["device", "provision", ...link(), "--board", board, "--json"], { ...env, ...linkEnv }, 60_000);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ deviceId: "00000001", alreadyProvisioned: true, uploaded: false });

  const from = new Date(Date.now() - 3600_000).toISOString();
  expect((await runEvv(["device", "assign", "00000001", "--location", "dickinson-olson", "--from", from], env)).code).toBe(0);
  const list = await runEvv(["device", "list", "--json"], env);
  const devices = JSON.parse(list.stdout) as Array<{ deviceId: string; board: string }>;
  expect(devices).toHaveLength(1);

  const log = join(dir, "visits.jsonl");
  const visit = ["--provider", "QSP-I2002", "--client", "ND-200581", "--log", log];
  press();
  const checkIn = await runEvv(["read", ...readLink(), "--check-in", ...visit], linkEnv);
  expect(checkIn.stderr).not.toContain("evv:");
  expect(checkIn.code).toBe(0);
  press();
  const checkOut = await runEvv(["read", ...readLink(), "--check-out", "--tasks", "bathing,meal-preparation", ...visit], linkEnv);
  expect(checkOut.code).toBe(0);

  expect((await runEvv(["import", "readings", log], env)).code).toBe(0);
  const verified = await runEvv(["verify", "--json"], env);
  expect(verified.code).toBe(0);
  return JSON.parse(verified.stdout) as Record<string, unknown>;
}

describe("evv device provision", () => {
  it("provisions a stock Pixl.js over its serial console, then its visit verifies", async () => {
    const device = await stockBoard("pixljs");
    const serial = await SerialExposure.open(device);
    cleanups.push(() => serial.close());
    const viaSerial = () => ["--serial", serial.hostPath];
    const summary = await provisionAssignReadVerify("pixljs", viaSerial, {}, viaSerial);
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
    // The device hangs at a location: its time zone went to the fob with the sync.
    const zone = JSON.parse(sync.stdout).zone as { timeZone: string; ruleName: string } | null;
    expect(zone).not.toBeNull();
    expect(device.screenText()).toContain("LOCAL TIME");
    const show = JSON.parse((await runEvv(["device", "show", "00000001", "--json"], env)).stdout) as { clockObservations: { source: string }[]; assignments: unknown[] };
    expect(show.clockObservations.map((o) => o.source)).toEqual(["provisioning", "time-sync"]);
    expect(show.assignments).toHaveLength(1);
    expect((await runEvv(["device", "retire", "00000001"], env)).code).toBe(0);
    const retiredAgain = await runEvv(["device", "retire", "00000001"], env);
    expect(retiredAgain.code).not.toBe(0);
    expect(retiredAgain.stderr).toContain("already retired");
  });

  it("refuses to provision without a keystore passphrase, naming what is missing, and changes nothing", async () => {
    const device = await stockBoard("pixljs");
    const serial = await SerialExposure.open(device);
    cleanups.push(() => serial.close());
    const { EVV_PASSPHRASE: _omitted, ...withoutPassphrase } = env;
    const run = await runEvv(["device", "provision", "--serial", serial.hostPath, "--board", "pixljs"], { ...withoutPassphrase, EVV_PASSPHRASE: "" });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("passphrase");
    expect(JSON.parse((await runEvv(["device", "list", "--json"], env)).stdout)).toEqual([]);
  });

  it("provisions a stock Puck.js over its serial console (never BLE), then its visit read over BLE through the unchanged noble stack verifies", async () => {
    const device = await stockBoard("puckjs");
    const hci = await HciExposure.open();
    cleanups.push(() => hci.close());
    const stockAddress = hci.addDevice(device);
    const serial = await SerialExposure.open(device);
    cleanups.push(() => serial.close());
    const current = () => device.macAddress.split(" ")[0];
    const linkEnv = { BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath };
    const summary = await provisionAssignReadVerify("puckjs", () => ["--serial", serial.hostPath], linkEnv, () => ["--ble", "--device", current()], () => device.pressButton());
    expect(JSON.stringify(summary)).toMatch(/verified/);
    // The stock board advertised from its own address; the provisioned fob no longer does.
    expect(current()).not.toBe(stockAddress);
  });
  it("provisions a stock board that the tester's command runs in another process, whose own display stays off the host's link", async () => {
    bundlePath("banglejs2");
    const sim = spawn(process.execPath, [fileURLToPath(new URL("../../bin/evv-sim.js", import.meta.url)), "--board", "banglejs2", "--stock", "--serial-pty"], { cwd: dir });
    cleanups.push(async () => {
      if (sim.exitCode === null) {
        const exited = new Promise((resolve) => sim.once("exit", resolve));
        sim.stdin.end("quit\n");
        await exited;
      }
    });
    const serialPath = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`evv-sim did not announce its serial console:\n${out}`)), 30_000);
      sim.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const path = /serial console on (\/dev\/\S+)/.exec(out)?.[1];
        if (path) {
          clearTimeout(timer);
          resolve(path);
        }
      });
    });
    const run = await runEvv(["device", "provision", "--serial", serialPath, "--board", "banglejs2", "--json"], env, 120_000);
    expect(run.stderr).not.toContain("evv:");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ deviceId: "00000001", uploaded: true });
  });
});
