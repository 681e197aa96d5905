// The README's caregiver walkthrough with the real CLI: the roster HHS exported, a BLE
// check-in at a provisioned fob (the emulated HCI controller, unchanged noble), typos in the
// client number and the tasks caught at once with nothing recorded, a check-out, a code typed
// from the display, and link failures that say what to do.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HciExposure } from "../../simulator/transports/hciExposure.js";
import { ROTATION_WAIT_ALLOWANCE_MS, startFob, type FobUnderTest } from "./fobUnderTest.js";
import { runEvv } from "./runEvv.js";

vi.setConfig({ testTimeout: 120_000 + ROTATION_WAIT_ALLOWANCE_MS, hookTimeout: 60_000 + ROTATION_WAIT_ALLOWANCE_MS });

const demoData = (file: string) => fileURLToPath(new URL(`../../demo/data/${file}`, import.meta.url));
let dir = "";
let roster = "";
let log = "";
let fob: FobUnderTest;
let hci: HciExposure;
let ble: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "evv-walkthrough-caregiver-"));
  // HHS's side (its walkthrough): a keystore first (every import's audit entry is sealed with
  // a key it derives), then clients, providers, their caregivers and the authorizations.
  const hhs = { EVV_DB: join(dir, "evv.db"), EVV_KEYSTORE: join(dir, "evv-keystore.json"), EVV_PASSPHRASE: "caregiver walkthrough" };
  expect((await runEvv(["keystore", "init"], hhs)).code).toBe(0);
  for (const kind of ["clients", "providers", "caregivers", "authorizations"]) expect((await runEvv(["import", kind, demoData(`${kind}.json`)], hhs)).code).toBe(0);
  roster = join(dir, "evv-roster.json");
  expect((await runEvv(["export", "roster", "--client-format", "ND-[0-9]{6}", "--out", roster], hhs)).code).toBe(0);
  log = join(dir, "evv-visits.jsonl");
  fob = await startFob(0x00000001, "puckjs");
  hci = await HciExposure.open();
  hci.addDevice(fob.device, { rssi: -50 });
  ble = { BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath };
});

afterAll(async () => {
  await hci?.close();
  await fob?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const me = ["--provider", "QSP-I2002", "--roster", () => roster, "--log", () => log];
const args = (...extra: Array<string | (() => string)>) => [...extra, ...me].map((a) => (typeof a === "function" ? a() : a));
const recorded = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => l.length > 0).length : 0);

describe("the caregiver's walkthrough (README)", () => {
  it("checks in at the fob; the reader says it is recorded for HHS to verify, not approved", async () => {
    // A provisioned Puck.js is on air for two minutes after a press; a read it answered ends that window.
    fob.device.pressButton();
    const run = await runEvv(args("read", "--ble", "--check-in", "--client", "ND-200581"), ble);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Recorded  check-in for client Bernard Olson (ND-200581) by provider Dana Berg (QSP-I2002)");
    expect(run.stdout).toContain("Not yet approved: HHS will verify this visit.");
    expect(run.stdout).not.toMatch(/Logged|approved\b(?!:)/i);
    expect(recorded()).toBe(1);
  });

  it("a mistyped client number is caught at once, in plain words, and nothing is recorded", async () => {
    const swapped = await runEvv(args("read", "--ble", "--check-in", "--client", "ND-200518"), ble);
    expect(swapped.code).toBe(3);
    expect(swapped.stderr).toContain("--client ND-200518: no client has this ND number in the roster; check the client's ND number");
    expect(swapped.stderr).toContain("Nothing was recorded.");
    const format = await runEvv(args("read", "--ble", "--check-in", "--client", "200581"), ble);
    expect(format.code).toBe(3);
    expect(format.stderr).toContain("--client 200581: not a client ND number as HHS writes them (the roster's format is ND-[0-9]{6})");
    const provider = await runEvv(["read", "--ble", "--check-in", "--client", "ND-200581", "--provider", "QSP-I2020", "--roster", roster, "--log", log], ble);
    expect(provider.code).toBe(3);
    expect(provider.stderr).toContain("--provider QSP-I2020: no provider has this number in the roster");
    expect(recorded()).toBe(1);
  });

  it("a task that is not on the task list is refused, naming the tasks there are; then the check-out is recorded", async () => {
    const cooking = await runEvv(args("read", "--ble", "--check-out", "--tasks", "bathing,cooking", "--client", "ND-200581"), ble);
    expect(cooking.code).toBe(3);
    expect(cooking.stderr).toMatch(/--tasks: "cooking" is not a task of the task list; use bathing, dressing, .*meal-preparation/);
    fob.device.pressButton(); // one press, one read
    const checkOut = await runEvv(args("read", "--ble", "--check-out", "--tasks", "bathing,meal-preparation", "--client", "ND-200581"), ble);
    expect(checkOut.code).toBe(0);
    expect(checkOut.stdout).toContain("Recorded  check-out for client Bernard Olson (ND-200581)");
    expect(recorded()).toBe(2);
  });

  it("a code typed from the display is recorded the same way", async () => {
    const code = await fob.displayCode();
    const run = await runEvv(args("read", "--typed", `${code.slice(0, 4)} ${code.slice(4, 8)} ${code.slice(8)}`, "--check-in", "--client", "ND-200581"));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("check digit correct");
    expect(run.stdout).toContain("Not yet approved: HHS will verify this visit.");
    expect(recorded()).toBe(3);
  });

  it("when no fob answers, the reader says what to do", async () => {
    const empty = await HciExposure.open();
    try {
      const run = await runEvv(args("read", "--ble", "--check-in", "--scan-timeout", "1500", "--client", "ND-200581"), { BLUETOOTH_HCI_SOCKET_UART_PORT: empty.hostPath });
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/Nothing was recorded\.\nWhat to do: move closer to the fob \(within a few metres\), press its button to wake it, and try again; .*battery.*--typed/);
    } finally {
      await empty.close();
    }
    const serial = await runEvv(args("read", "--serial", join(dir, "no-such-port"), "--check-in", "--client", "ND-200581"));
    expect(serial.code).toBe(4);
    expect(serial.stderr).toContain("What to do: check the port name");
    expect(recorded()).toBe(3);
  });

  it("with --json a refusal is a JSON document", async () => {
    const run = await runEvv(args("read", "--typed", "1234 5678 9012", "--check-in", "--client", "ND-200581", "--json"));
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: "BAD_INPUT", exitCode: 3, message: expect.stringContaining("is not a visit code") } });
  });
});
