// The tester's command in its own process (node bin/evv-sim.js --hci-pty --serial-pty) and
// the reader in another (node bin/evv.js read): two programs, two pseudo-terminals, the
// unchanged noble and serialport in between, as with a fob on the desk.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { reading } from "../../host/capture/reading.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { challengeAnswerMatches, deriveDeviceKey, fromHex, parseDeviceIdHex, toHex } from "../../protocol/index.js";
import { ROTATION_WAIT_ALLOWANCE_MS, bundlePath, realtimeClockStart, TEST_MASTER_KEY } from "./fobUnderTest.js";
import { runEvv } from "./runEvv.js";

// The simulator process starts its fob's clock at its wall clock: started away from a
// quarter-hour boundary (an address rotation) like every test device.
vi.setConfig({ hookTimeout: 60_000 + ROTATION_WAIT_ALLOWANCE_MS });

const sim = fileURLToPath(new URL("../../bin/evv-sim.js", import.meta.url));
let child: ChildProcessWithoutNullStreams;
let hciPath = "";
let serialPath = "";
let dir = "";

beforeAll(async () => {
  bundlePath("pixljs");
  dir = mkdtempSync(join(tmpdir(), "evv-sim-read-"));
  await realtimeClockStart();
  child = spawn(process.execPath, [sim, "--board", "pixljs", "--id", "00a1b2c3", "--master-key", toHex(TEST_MASTER_KEY), "--lock", "--hci-pty", "--serial-pty", "--serial-baud", "9600", "--rssi", "-61"]);
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`evv-sim did not announce its pseudo-terminals:\n${out}`)), 30_000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      hciPath = /HCI controller on (\/dev\/\S+),/.exec(out)?.[1] ?? "";
      serialPath = /serial console on (\/dev\/\S+)/.exec(out)?.[1] ?? "";
      if (hciPath && serialPath) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`evv-sim exited (${code}):\n${out}`)));
  });
});

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end("quit\n");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("evv read against evv-sim in another process", () => {
  it("reads the Pixl.js fob over BLE and then over serial, both challenge answers verifying with its key", async () => {
    const log = join(dir, "visits.jsonl");
    const visit = ["--provider", "QSP-7", "--client", "ND0007", "--log", log];
    const ble = await runEvv(["read", "--ble", "--check-in", ...visit], { BLUETOOTH_HCI_SOCKET_UART_PORT: hciPath });
    expect(ble.stderr).not.toContain("evv:");
    expect(ble.code).toBe(0);
    expect(ble.stdout).toContain("Device    00a1b2c3 (pixljs");
    const serial = await runEvv(["read", "--serial", serialPath, "--check-out", ...visit]);
    expect(serial.code).toBe(0);
    const records = readFileSync(log, "utf8").trim().split("\n").map((l) => reading.parse(JSON.parse(l)));
    expect(records.map((r) => [r.event, r.transport])).toEqual([["check-in", "ble"], ["check-out", "serial"]]);
    const key = deriveDeviceKey(nodeSha256, TEST_MASTER_KEY, 1, 0x00a1b2c3);
    for (const r of records) {
      const c = r.challenge!;
      const answer = { deviceId: parseDeviceIdHex(c.deviceId)!, deviceTime: c.deviceTime, status: c.status, journalSeq: c.journalSeq, mac: fromHex(c.mac)! };
      expect(challengeAnswerMatches(nodeSha256, key, fromHex(c.nonce)!, answer)).toBe(true);
    }
    expect(records[0].rssi).toBeLessThanOrEqual(-59);
  });
});
