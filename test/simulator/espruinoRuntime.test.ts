import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BundleRefusedError, OUT_OF_MEMORY, SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { repl, stockDevice } from "./stockDevice.js";

const tmp = mkdtempSync(join(tmpdir(), "evv-sim-"));

describe("the emulated interpreter", () => {
  it("lacks what Espruino lacks: Map, Set, Symbol, Array.from, Math.trunc, Number.isInteger fail like on the device", () => {
    const device = stockDevice("puckjs");
    for (const expression of ["typeof Map", "typeof Set", "typeof Symbol", "typeof Array.from", "typeof Math.trunc", "typeof Math.imul", "typeof Number.isInteger", "typeof Reflect"])
      expect(repl(device, expression), expression).toContain('="undefined"');
    expect(repl(device, "new Map()")).toContain("Uncaught ReferenceError: Map is not defined");
  });

  it("echoes REPL lines and prints their value, but neither for a line starting with \\x10", () => {
    const device = stockDevice("pixljs");
    expect(repl(device, "1+1")).toBe("1+1\r\n=2\r\n>");
    expect(repl(device, "\x10print(40+2)")).toBe("42\r\n");
  });

  it("runs .boot0 written over the console after E.reboot(), as an uploader does", () => {
    const device = stockDevice("puckjs");
    repl(device, `\x10require("Storage").write(".boot0", "LED1.set();NRF.setAdvertising({},{showName:false,manufacturer:0x0590,manufacturerData:[1,2,3]});")`);
    expect(device.pinLevels().LED1).toBe(0);
    repl(device, "\x10E.reboot()");
    expect(device.pinLevels().LED1).toBe(1);
    expect([...device.advertising()!.manufacturerData]).toEqual([1, 2, 3]);
  });

  it("refuses a boot file outside the Espruino dialect instead of running it", () => {
    const device = stockDevice("puckjs");
    repl(device, `\x10require("Storage").write(".boot0", "var m = new Map(); LED1.set();")`);
    repl(device, "\x10load()");
    expect(device.pinLevels().LED1).toBe(0);
    expect(device.refusedBootFiles()[0]).toMatch(/Map does not exist on Espruino/);
  });

  it("throws like the SoftDevice when an advertisement exceeds the 31-byte legacy packet", () => {
    const device = stockDevice("puckjs");
    const frame = "[" + new Array(24).fill(7).join(",") + "]";
    expect(repl(device, `NRF.setAdvertising({},{showName:true,manufacturer:0x0590,manufacturerData:${frame}})`)).toContain("INVALID_LENGTH");
    expect(repl(device, `NRF.setAdvertising({},{showName:false,manufacturer:0x0590,manufacturerData:${frame}})`)).toContain("=undefined");
  });

  it("has crypto as each board has it: SHA256 on Puck.js and Bangle.js 2, SHA1 only on Pixl.js; no NFC on Bangle.js 2", () => {
    expect(repl(stockDevice("puckjs"), 'new Uint8Array(require("crypto").SHA256("abc"))[0]')).toContain("=186");
    expect(repl(stockDevice("banglejs2"), 'typeof require("crypto").SHA256')).toContain('="function"');
    expect(repl(stockDevice("pixljs"), 'typeof require("crypto").SHA256')).toContain('="undefined"');
    expect(repl(stockDevice("pixljs"), 'typeof require("crypto").SHA1')).toContain('="function"');
    expect(repl(stockDevice("banglejs2"), "typeof NRF.nfcURL")).toContain('="undefined"');
  });
});

describe("loading bundles", () => {
  it("refuses a bundle with a dialect problem and names the problem", () => {
    const path = join(tmp, "bad.js");
    writeFileSync(path, "(function(){ var s = new Set(); var f = (a = 1) => a; })();");
    expect(() => SimulatedDevice.create({ board: "puckjs", bundlePath: path, clock: { startUnixMs: 0 } })).toThrow(BundleRefusedError);
    try {
      SimulatedDevice.create({ board: "puckjs", bundlePath: path, clock: { startUnixMs: 0 } });
    } catch (e) {
      expect((e as BundleRefusedError).problems.join("\n")).toMatch(/Set does not exist[\s\S]*default parameters/);
    }
  });

  it("rejects invalid options with a message naming the field", () => {
    expect(() => SimulatedDevice.create({ board: "arduino" as "puckjs", clock: { startUnixMs: 0 } })).toThrow(/board/);
    expect(() => SimulatedDevice.create({ board: "puckjs", clock: { startUnixMs: -5 } })).toThrow(/clock\.startUnixMs/);
  });

  it("fails with Out of Memory when the program holds more JsVars than the board has, and not on a board with more", () => {
    const path = join(tmp, "hog.js");
    writeFileSync(path, '(function(){ var hog = []; function grow() { for (var i = 0; i < 200; i++) hog.push({ n: i, s: "padding-text-" + i }); setTimeout(grow, 1000); } grow(); })();');
    const puck = SimulatedDevice.create({ board: "puckjs", bundlePath: path, clock: { startUnixMs: 0 } });
    const events: number[] = [];
    puck.on("outOfMemory", (n: number) => events.push(n));
    puck.advance(5000);
    expect(puck.failure).toBe(OUT_OF_MEMORY);
    expect(events.length).toBe(1);
    expect(events[0]).toBeGreaterThan(puck.jsVarBudget);
    expect(puck.consoleLog()).toContain("Out of Memory");
    const bangle = SimulatedDevice.create({ board: "banglejs2", bundlePath: path, clock: { startUnixMs: 0 } });
    bangle.advance(5000);
    expect(bangle.failure).toBeNull();
    expect(bangle.jsVarsUsed()).toBeGreaterThan(puck.jsVarBudget);
  });
});

describe("Storage", () => {
  it("limits names to 28 characters, programs only erased bytes and fails when the board's capacity is full", () => {
    const device = stockDevice("pixljs");
    expect(repl(device, 'require("Storage").write("a".repeat(29), "x")')).toContain("File name too long");
    repl(device, 'require("Storage").write("f", "abcd", 0, 8)');
    expect(repl(device, 'require("Storage").write("f", "zz", 2)')).toContain("File already written with different data");
    expect(repl(device, 'require("Storage").write("f", "efgh", 4)')).toContain("=true");
    expect(repl(device, 'require("Storage").read("f")')).toContain('="abcdefgh"');
    expect(repl(device, 'require("Storage").write("big", "x", 0, 40000)')).toContain("Unable to find or create file");
  });

  it("reclaims erased files by compaction, counting the page erases", () => {
    const device = stockDevice("puckjs");
    for (let i = 0; i < 12; i++) {
      repl(device, `require("Storage").write("blob", "${i}", 0, 8000)`);
    }
    expect(device.storage.wear.compactions).toBeGreaterThan(0);
    expect(device.storage.wear.pageErases).toBeGreaterThan(0);
    expect(device.storage.list()).toEqual(["blob"]);
  });
});

describe("the device around the interpreter", () => {
  it("drifts at the set ppm, can be skewed, and restarts its clock at 1970 on power loss with Storage kept", () => {
    const device = SimulatedDevice.create({ board: "puckjs", clock: { startUnixMs: Date.UTC(2026, 0, 1), driftPpm: -200 } });
    repl(device, 'require("Storage").write("keep", "me")');
    device.advance(86_400_000);
    expect(device.deviceNowMs() - device.worldNowMs()).toBeCloseTo(-17_280, 0);
    device.skewClock(5000);
    expect(device.deviceNowMs() - device.worldNowMs()).toBeCloseTo(-12_280, 0);
    device.powerLoss();
    expect(device.deviceNowMs()).toBeLessThan(1000);
    expect(repl(device, 'require("Storage").read("keep")')).toContain('="me"');
  });

  it("in realtime mode follows the wall clock (here 600 times faster) and rotates codes without advance()", async () => {
    const { bootBoard, provision } = await import("../firmware/firmwareHarness.js");
    const { decodeFrame } = await import("../../protocol/index.js");
    const device = await bootBoard("banglejs2");
    provision(device, true);
    const firstStep = decodeFrame(device.advertising()!.manufacturerData)!.step;
    const rotated = new Promise<void>((resolve) => device.once("advertising", () => resolve()));
    device.runRealtime(600);
    await rotated;
    device.stop();
    expect(decodeFrame(device.advertising()!.manufacturerData)!.step).toBe(firstStep + 1);
  });

  it("carries a provisioned device's Storage into a new device, which then runs as the same fob", async () => {
    const { bootBoard, provision, askKeyed, builtBundle } = await import("../firmware/firmwareHarness.js");
    const first = await bootBoard("pixljs");
    provision(first, true);
    const snapshot = first.storageSnapshot();
    const second = SimulatedDevice.create({ board: "pixljs", storage: snapshot, clock: { startUnixMs: first.worldNowMs() } });
    expect(askKeyed(second, "serial", "STATUS")).toMatch(/^OK STATUS 00c0ffee pixljs \d+ 08 100 \d+ 1 /);
    expect(second.storage.read(".boot0")!.length).toBe(readFileSync(await builtBundle("pixljs")).length);
  });

  it("draws on the display board's framebuffer and saves it as a PNG", () => {
    const device = stockDevice("pixljs");
    repl(device, 'g.clear(); g.setFont("4x6", 2); g.drawString("1234", 0, 0); g.flip();');
    expect(device.screenText()).toBe("1234");
    expect(device.screenAscii().split("\n")).toHaveLength(64);
    const path = join(tmp, "screen.png");
    device.saveScreenPng(path);
    expect(readFileSync(path).subarray(1, 4).toString()).toBe("PNG");
  });

  it("chunks Nordic UART notifications to 20 bytes and moves an unforced console to Bluetooth on connect", () => {
    const device = stockDevice("puckjs");
    device.bleConnect();
    expect(device.consoleDevice()).toBe("Bluetooth");
    const chunks: Uint8Array[] = [];
    device.on("bleData", (b: Uint8Array) => chunks.push(b));
    device.bleWrite(Buffer.from('\x10print("' + "y".repeat(50) + '")\n'));
    expect(chunks.every((c) => c.length <= 20)).toBe(true);
    expect(Buffer.concat(chunks).toString()).toBe("y".repeat(50) + "\r\n");
    device.bleDisconnect();
    expect(device.consoleDevice()).toBe("Serial1");
  });
});

describe("a stock board", () => {
  it("advertises its name, connectable, from power-on, before any application sets anything", () => {
    const device = SimulatedDevice.create({ board: "puckjs", clock: { startUnixMs: 0 }, addressSeed: "stock" });
    const ad = device.advertising()!;
    expect(ad.nameInPacket).toBe(true);
    expect(ad.name).toMatch(/^Puck\.js [0-9a-f]{4}$/);
    expect(ad.connectable).toBe(true);
    expect(ad.manufacturerData.length).toBe(0);
  });
});

describe("NRF.setAddress as on Espruino 2v29", () => {
  it("refuses an argument not of the form aa:bb:cc:dd:ee:ff [public|random], and a random address without its top two bits", () => {
    const device = stockDevice("puckjs");
    const before = device.macAddress;
    expect(repl(device, `NRF.setAddress("c0:11:22:33:44")`)).toContain("Uncaught Error: Expecting mac address of the form aa:bb:cc:dd:ee:ff");
    expect(repl(device, `NRF.setAddress(42)`)).toContain("Uncaught Error: Expecting mac address of the form aa:bb:cc:dd:ee:ff");
    expect(repl(device, `NRF.setAddress("c0:11:22:33:44:55 private")`)).toContain("Expecting mac address");
    expect(repl(device, `NRF.setAddress("40:11:22:33:44:55 random")`)).toContain("Uncaught Error: Got BLE error 0x3202 INVALID_BLE_ADDR");
    expect(device.macAddress).toBe(before);
  });

  it("restarts advertising from the new address at once when disconnected, keeping the advertised data", () => {
    const device = stockDevice("puckjs");
    const seen: string[] = [];
    device.on("address", (a: string) => seen.push(a));
    const advertisedBefore = device.advertising();
    repl(device, `NRF.setAddress("D1:22:33:44:55:66 random")`);
    expect(device.macAddress).toBe("d1:22:33:44:55:66 random");
    expect(seen).toEqual(["d1:22:33:44:55:66 random"]);
    expect(device.advertising()).toEqual(advertisedBefore);
    expect(repl(device, "NRF.getAddress()")).toContain(`="${device.defaultAddress}"`);
  });

  it("while a central is connected queues the restart, and the new address takes effect at the disconnect", () => {
    const device = stockDevice("puckjs");
    repl(device, `E.setConsole(Serial1, {force: true})`);
    device.bleConnect();
    const before = device.macAddress;
    expect(repl(device, `NRF.setAddress("d1:22:33:44:55:66 random")`)).toContain("BLE Connected, queueing BLE restart for later");
    expect(device.macAddress).toBe(before);
    device.bleDisconnect();
    expect(device.macAddress).toBe("d1:22:33:44:55:66 random");
  });

  it("after power loss advertises from the board's own address again", () => {
    const device = stockDevice("puckjs");
    repl(device, `NRF.setAddress("d1:22:33:44:55:66 random")`);
    device.powerLoss();
    expect(device.macAddress).toBe(device.defaultAddress);
  });
});
