import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/index.js";
import { ask, askKeyed, bootBoard, KEY, provision, type Link } from "./firmwareHarness.js";
import { BOARD_NAMES } from "../../firmware/build/boardFacts.js";

const KEY_HEX = toHex(KEY);

/** Everything a person at either link might try to get the key or the JavaScript console. */
const ATTEMPTS = [
  'require("Storage").read("evv.conf")',
  '\x10print(require("Storage").read("evv.conf"))',
  "\x03",
  "\x03\x03reset()",
  "E.setConsole('Serial1')",
  "PROV CONSOLE",
  "PROV KEY 1 " + "00".repeat(32),
  "PROV ID 00000001",
  "PROV CLOCK 1000000000",
  "PROV LOCK",
  "PROV KEY",
  "KEY",
  "DUMP",
  "JOURNAL 0 8",
  "STATUS",
];

describe.each(BOARD_NAMES)("lockdown on %s", (board) => {
  it("before lockdown PROV CONSOLE does reach the JavaScript console (the control for the tests below)", async () => {
    const device = await bootBoard(board);
    provision(device, false);
    expect(ask(device, "serial", "PROV CONSOLE")).toBe("OK PROV CONSOLE");
    expect(device.consoleDevice()).toBe("Serial1");
    expect(ask(device, "serial", "1+2")).toContain("=3");
    // A BLE connection meanwhile neither takes the console nor reaches it.
    device.bleConnect();
    expect(device.consoleDevice()).toBe("Serial1");
    expect(ask(device, "ble", "STATUS")).toMatch(/^OK STATUS /);
  });

  it.each(["serial", "ble"] as Link[])("after lockdown no attempt over %s reaches the console or returns the key", async (link) => {
    const device = await bootBoard(board);
    provision(device, true);
    const everything: string[] = [];
    device.on("serialData", (b: Uint8Array) => everything.push(Buffer.from(b).toString("latin1")));
    device.on("bleData", (b: Uint8Array) => everything.push(Buffer.from(b).toString("latin1")));
    for (const attempt of ATTEMPTS) {
      const answer = ask(device, link, attempt);
      expect(answer, attempt).toMatch(/^(OK (STATUS|JOURNAL) |ERR [A-Z]+ )/);
      expect(device.consoleDevice(), attempt).toBe("LoopbackA");
    }
    expect(ask(device, link, "PROV CONSOLE")).toMatch(/^ERR LOCKED /);
    expect(ask(device, link, "PROV KEY 1 " + "11".repeat(32))).toMatch(/^ERR LOCKED /);
    const seen = everything.join("").toLowerCase();
    expect(seen).not.toContain(KEY_HEX);
    expect(seen).not.toMatch(/^=|\n=/);
    // The key is on the device (so the test means something), only unreachable.
    expect(Buffer.from(device.storage.read("evv.conf")!).toString("latin1")).toContain(KEY_HEX);
  });

  it("a BLE connection after lockdown does not pull the console to Bluetooth, and the device still answers there", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    device.bleConnect();
    expect(device.consoleDevice()).toBe("LoopbackA");
    expect(askKeyed(device, "ble", "STATUS")).toMatch(/^OK STATUS 00c0ffee /);
    device.bleDisconnect();
    device.bleConnect();
    expect(device.consoleDevice()).toBe("LoopbackA");
  });

  it("stays locked across power loss and reboot", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    device.powerLoss();
    expect(ask(device, "serial", "PROV CONSOLE")).toMatch(/^ERR LOCKED /);
    expect(ask(device, "ble", "STATUS").split(" ")[8]).toBe("1");
  });
});

describe("command line handling", () => {
  it("answers ERR TOOLONG for a request over 200 characters, ERR UNKNOWN and ERR SYNTAX, and keeps working", async () => {
    const device = await bootBoard("puckjs");
    provision(device, false);
    expect(ask(device, "serial", "STATUS " + "x".repeat(300))).toMatch(/^ERR TOOLONG /);
    expect(ask(device, "serial", "FROB")).toMatch(/^ERR UNKNOWN /);
    expect(ask(device, "serial", "CHAL 12")).toMatch(/^ERR SYNTAX /);
    expect(ask(device, "serial", "JOURNAL 0 9")).toMatch(/^ERR SYNTAX /);
    expect(ask(device, "serial", "STATUS\r")).toMatch(/^OK STATUS /);
  });

  it("answers UNPROVISIONED for codes before a key is set, and STATUS shows '-' for the id", async () => {
    const device = await bootBoard("pixljs");
    expect(ask(device, "serial", "STATUS")).toMatch(/^OK STATUS - pixljs \d+ 01 100 0 0 /);
    expect(ask(device, "serial", "CODE")).toMatch(/^ERR UNPROVISIONED /);
    expect(device.screenText()).toContain("NOT PROVISIONED");
  });
});
