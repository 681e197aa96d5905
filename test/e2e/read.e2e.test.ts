// `evv read` end to end: the real CLI as a subprocess, the unchanged noble stack talking to
// the emulated HCI controller on a pseudo-terminal (BLUETOOTH_HCI_SOCKET_UART_PORT), the real
// serialport on the serial pseudo-terminal, and the visit log it appends to.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { reading, type Reading } from "../../host/capture/reading.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { challengeAnswerMatches, displayCodeMatches, frameMatches, fromHex, parseDeviceIdHex, stepOf } from "../../protocol/index.js";
import { HciExposure } from "../../simulator/transports/hciExposure.js";
import { SerialExposure } from "../../simulator/transports/serialExposure.js";
import { ROTATION_WAIT_ALLOWANCE_MS, startFob, type FobBoard, type FobUnderTest } from "./fobUnderTest.js";
import { runEvv } from "./runEvv.js";

// startFob may wait for a quarter-hour boundary to pass (the fob's address rotation).
vi.setConfig({ testTimeout: 60_000 + ROTATION_WAIT_ALLOWANCE_MS });

let dir = "";
let log = "";
const cleanups: Array<() => Promise<void>> = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "evv-read-"));
  log = join(dir, "visits.jsonl");
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function fob(deviceId: number, board: FobBoard = "puckjs"): Promise<FobUnderTest> {
  const f = await startFob(deviceId, board);
  cleanups.push(() => f.stop());
  return f;
}
async function hciWith(...fobs: Array<{ fob: FobUnderTest; rssi: number }>): Promise<HciExposure> {
  const hci = await HciExposure.open();
  cleanups.push(() => hci.close());
  for (const f of fobs) hci.addDevice(f.fob.device, { rssi: f.rssi });
  return hci;
}
/** A near fob (0000aaaa, -47 dBm) and a far one (0000bbbb, -82 dBm) in range; those named had their button pressed. */
async function nearAndFarFobs(pressed: Array<"near" | "far">): Promise<{ near: FobUnderTest; far: FobUnderTest; hci: HciExposure }> {
  const near = await fob(0x0000aaaa);
  const far = await fob(0x0000bbbb);
  const hci = await hciWith({ fob: far, rssi: -82 }, { fob: near, rssi: -47 });
  if (pressed.includes("near")) near.device.pressButton();
  if (pressed.includes("far")) far.device.pressButton();
  return { near, far, hci };
}
/** The fob's BLE address now (it changes every quarter-hour): read right before it is used. */
const addressOf = (f: FobUnderTest): string => f.device.macAddress.split(" ")[0];
async function serialTo(f: FobUnderTest): Promise<SerialExposure> {
  const exposure = await SerialExposure.open(f.device);
  cleanups.push(() => exposure.close());
  return exposure;
}
const visit = ["--provider", "QSP-1001", "--client", "ND0042"];
const logged = (): Reading[] =>
  existsSync(log)
    ? readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => reading.parse(JSON.parse(l)))
    : [];

function challengeVerifies(f: FobUnderTest, r: Reading): boolean {
  const c = r.challenge!;
  return challengeAnswerMatches(nodeSha256, f.key, fromHex(c.nonce)!, {
    deviceId: parseDeviceIdHex(c.deviceId)!,
    deviceTime: c.deviceTime,
    status: c.status,
    journalSeq: c.journalSeq,
    mac: fromHex(c.mac)!,
  });
}

describe("evv read over BLE (noble over the emulated HCI controller's pseudo-terminal)", () => {
  it.each(["puckjs", "pixljs", "banglejs2"] as const)("logs a challenged check-in from a %s fob whose answer and frame verify with its key", async (board) => {
    const f = await fob(0x00c0ffee, board);
    const hci = await hciWith({ fob: f, rssi: -52 });
    f.device.pressButton(); // the caregiver presses the fob's button, then reads (Puck.js is on air only then)
    const run = await runEvv(["read", "--ble", "--check-in", ...visit, "--log", log], { BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath });
    expect(run.stderr).not.toContain("evv:");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Device    00c0ffee");
    expect(run.stdout).toContain("answered this reader's fresh challenge over BLE");
    const [r] = logged();
    expect(r).toMatchObject({ event: "check-in", method: "challenge", transport: "ble", providerNumber: "QSP-1001", clientNdNumber: "ND0042" });
    expect(challengeVerifies(f, r)).toBe(true);
    expect(frameMatches(nodeSha256, f.key, f.deviceId, fromHex(r.frame!)!)).toBe(true);
    expect(r.rssi).toBeLessThan(-40);
  });

  it("with a neighbour's fob in range reads the fob whose button was pressed (the other is off air)", async () => {
    const { near, hci } = await nearAndFarFobs(["near"]);
    const run = await runEvv(["read", "--ble", "--check-in", ...visit, "--log", log], { BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("the only fob in range");
    expect(logged()[0].challenge!.deviceId).toBe("0000aaaa");
  });

  it("with two pressed fobs in range reads the first heard at once, or the nearer one when both were heard, and says why", async () => {
    const { near, far, hci } = await nearAndFarFobs(["near", "far"]);
    const run = await runEvv(["read", "--ble", "--check-in", ...visit, "--log", log], { BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath });
    expect(run.code).toBe(0);
    // Which fob is heard first is chance; once both were heard before the answer, the nearer one is read.
    const read = logged()[0].challenge!.deviceId;
    if (run.stdout.includes("2 fobs in range")) {
      expect(run.stdout).toContain(`2 fobs in range; chose ${addressOf(near)} `);
      expect(run.stdout).toContain(`over ${addressOf(far)} `);
      expect(read).toBe("0000aaaa");
    } else {
      expect(run.stdout).toContain("the only fob in range");
      expect(["0000aaaa", "0000bbbb"]).toContain(read);
    }
  });

  it("reads the fob picked with --device and prints JSON", async () => {
    const { near, far, hci } = await nearAndFarFobs(["near", "far"]);
    const run = await runEvv(["read", "--ble", "--device", addressOf(far), "--check-out", "--tasks", "bathing, meal preparation", ...visit, "--log", log, "--json"], {
      BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath,
    });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { reading: Reading; choice: { reason: string } };
    expect(out.reading.challenge!.deviceId).toBe("0000bbbb");
    expect(out.reading.tasks).toEqual(["bathing", "meal-preparation"]);
    expect(out.choice.reason).toContain("--device");
    expect(logged()).toEqual([out.reading]);
  });

  it("exits 4 and logs nothing when the BLE link drops mid-read", async () => {
    const f = await fob(1);
    const hci = await hciWith({ fob: f, rssi: -50 });
    f.device.pressButton();
    hci.injectFault({ kind: "drop", onCommand: "CHAL" });
    const run = await runEvv(["read", "--ble", "--check-in", ...visit, "--log", log], { BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/link to the device dropped .*Nothing was recorded/);
    expect(existsSync(log)).toBe(false);
  });

  it("exits 4 with a scan timeout when the fob has stopped advertising", async () => {
    const f = await fob(1);
    const hci = await hciWith({ fob: f, rssi: -50 });
    hci.setInRange(addressOf(f), false);
    const run = await runEvv(["read", "--ble", "--check-in", ...visit, "--log", log, "--scan-timeout", "2000"], { BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("no fob advertisement heard within 2000 ms");
    expect(existsSync(log)).toBe(false);
  });
});

describe("evv read over serial (serialport on the simulator's pseudo-terminal)", () => {
  it("logs a challenged check-out with tasks, appended after an earlier record", async () => {
    const f = await fob(0x12345678);
    const serial = await serialTo(f);
    const first = await runEvv(["read", "--serial", serial.hostPath, "--check-in", ...visit, "--log", log]);
    expect(first.code).toBe(0);
    const second = await runEvv(["read", "--serial", serial.hostPath, "--check-out", "--tasks", "bathing", ...visit, "--log", log]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("over the serial console");
    const records = logged();
    expect(records.map((r) => r.event)).toEqual(["check-in", "check-out"]);
    expect(records[1]).toMatchObject({ method: "challenge", transport: "serial", tasks: ["bathing"] });
    expect(records.every((r) => challengeVerifies(f, r))).toBe(true);
    expect(records[0].challenge!.nonce).not.toBe(records[1].challenge!.nonce);
  });

  for (const [kind, message] of [
    ["drop", /link to the device dropped/],
    ["garbage", /not protocol text/],
    ["oversized", /oversized frame/],
  ] as const) {
    it(`exits 4 on ${kind === "drop" ? "a line hung up mid-read" : kind === "garbage" ? "garbage bytes" : "an oversized answer"} and leaves the visit log as it was`, async () => {
      const f = await fob(7);
      const serial = await serialTo(f);
      const earlier = await runEvv(["read", "--serial", serial.hostPath, "--check-in", ...visit, "--log", log]);
      expect(earlier.code).toBe(0);
      const before = readFileSync(log);
      serial.injectFault({ kind, onCommand: "CHAL" });
      const run = await runEvv(["read", "--serial", serial.hostPath, "--check-out", ...visit, "--log", log]);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(message);
      expect(readFileSync(log).equals(before)).toBe(true);
    });
  }
});

describe("evv read when the fob goes quiet", () => {
  it("exits 4 after --timeout when the fob never answers the challenge, and logs nothing", async () => {
    const f = await fob(9);
    const serial = await serialTo(f);
    serial.injectFault({ kind: "silent", onCommand: "CHAL" });
    const run = await runEvv(["read", "--serial", serial.hostPath, "--check-in", ...visit, "--log", log, "--timeout", "700"]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("no answer to CHAL within 700 ms");
    expect(existsSync(log)).toBe(false);
  });

  it("leaves only whole records behind when the reader is killed mid-read", async () => {
    const f = await fob(9);
    const serial = await serialTo(f);
    const earlier = await runEvv(["read", "--serial", serial.hostPath, "--check-in", ...visit, "--log", log]);
    expect(earlier.code).toBe(0);
    const before = readFileSync(log);
    serial.injectFault({ kind: "silent", onCommand: "CHAL" });
    const bin = fileURLToPath(new URL("../../bin/evv.js", import.meta.url));
    const child = spawn(process.execPath, [bin, "read", "--serial", serial.hostPath, "--check-out", ...visit, "--log", log, "--timeout", "20000"], { stdio: ["ignore", "ignore", "pipe"] });
    // Killed once it is waiting for the answer (it says so on stderr before sending CHAL).
    await new Promise<void>((resolve) => child.stderr.on("data", (d: Buffer) => d.toString().includes("challenging") && resolve()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    expect(readFileSync(log).equals(before)).toBe(true);
    const after = await runEvv(["read", "--serial", serial.hostPath, "--check-out", ...visit, "--log", log]);
    expect(after.code).toBe(0);
    expect(logged().map((r) => r.event)).toEqual(["check-in", "check-out"]);
  });
});

describe("evv read at a fob that lost power", () => {
  it("exits 4 saying the fob's clock needs a sync, and logs nothing", async () => {
    const f = await fob(0x0000c10c);
    f.device.powerLoss();
    const hci = await hciWith({ fob: f, rssi: -50 });
    f.device.pressButton();
    const run = await runEvv(["read", "--ble", "--check-in", ...visit, "--log", log], { BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("clock is not set");
    expect(existsSync(log)).toBe(false);
  });
});

describe("evv read --typed", () => {
  it("logs a display code whose check digit is right, grouped or not", async () => {
    const f = await fob(0x0000beef);
    const code = await f.displayCode();
    const grouped = `${code.slice(0, 4)} ${code.slice(4, 8)} ${code.slice(8)}`;
    const run = await runEvv(["read", "--typed", grouped, "--check-in", ...visit, "--log", log]);
    expect(run.code).toBe(0);
    const [r] = logged();
    expect(r).toMatchObject({ method: "typed", transport: "keyboard", typedCode: code });
    expect(displayCodeMatches(nodeSha256, f.key, f.deviceId, stepOf(Math.floor(Date.now() / 1000)), code) || displayCodeMatches(nodeSha256, f.key, f.deviceId, stepOf(Math.floor(Date.now() / 1000)) - 1, code)).toBe(true);
  });

  it("catches a swapped pair of digits at once, exits 3 and writes nothing", async () => {
    const f = await fob(0x0000beef);
    const code = await f.displayCode();
    const i = [...code].findIndex((c, k) => k < 11 && code[k + 1] !== c);
    const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
    writeFileSync(log, "");
    const run = await runEvv(["read", "--typed", swapped, "--check-in", ...visit, "--log", log]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("check digit");
    expect(readFileSync(log, "utf8")).toBe("");
  });

  it("refuses a read without a source or with both check-in and check-out (exit 2)", async () => {
    expect((await runEvv(["read", "--check-in", ...visit, "--log", log])).code).toBe(2);
    const both = await runEvv(["read", "--typed", "1", "--check-in", "--check-out", ...visit, "--log", log]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("exactly one of --check-in or --check-out");
  });
});
