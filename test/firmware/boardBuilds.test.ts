import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { BOARD_FACTS, BOARD_NAMES } from "../../firmware/build/boardFacts.js";
import { bundleForEspruino } from "../../firmware/build/bundleForEspruino.js";
import { ask, bootBoard, builtBundle, provision, START_MS } from "./firmwareHarness.js";
import { repl, stockDevice } from "../simulator/stockDevice.js";

async function bootEntry(board: "pixljs" | "puckjs", entry: string): Promise<SimulatedDevice> {
  const bundle = await bundleForEspruino(entry, { minify: true });
  expect(bundle.problems).toEqual([]);
  const path = join(mkdtempSync(join(tmpdir(), "evv-entry-")), `${board}.js`);
  writeFileSync(path, bundle.code);
  return SimulatedDevice.create({ board, bundlePath: path, clock: { startUnixMs: START_MS, driftPpm: 0 }, addressSeed: "fonts" });
}

describe("each board's build: fonts and modules", () => {
  it("a Pixl.js bundle that draws with 6x8 dies at boot with Espruino's error, as on the real Pixl.js build", async () => {
    const device = await bootEntry("pixljs", "test/firmware/fixtures/pixljsWith6x8Entry.ts");
    expect(device.uncaughtErrors.join("\n")).toContain('Unknown font "6x8"');
    expect(device.screenText()).toBe("");
  });

  it("every board's own bundle boots, draws only with fonts its build has, and runs a provisioned day", async () => {
    for (const board of BOARD_NAMES) {
      const device = await bootBoard(board);
      provision(device, true);
      device.advance(24 * 3600 * 1000);
      expect(device.uncaughtErrors, board).toEqual([]);
      expect(ask(device, "serial", "CODE"), board).toMatch(/^OK CODE \d{12} /);
      if (BOARD_FACTS[board].screen !== null) expect(device.screenText(), board).toMatch(/\d{4}/);
    }
  });

  it("require() finds only the modules of the board's build, and crypto has only its functions", () => {
    const pixl = stockDevice("pixljs");
    expect(repl(pixl, 'typeof require("crypto").SHA256')).toContain('="undefined"');
    expect(repl(pixl, 'typeof require("crypto").SHA1')).toContain('="function"');
    expect(repl(pixl, 'require("Wifi")')).toContain("Module Wifi not found");
    expect(repl(pixl, 'g.setFont("6x8")')).toContain('Unknown font "6x8"');
    const puck = stockDevice("puckjs");
    expect(repl(puck, 'typeof require("crypto").SHA256')).toContain('="function"');
    expect(repl(puck, 'typeof require("crypto").SHA512')).toContain('="undefined"');
    const bangle = stockDevice("banglejs2");
    expect(repl(bangle, 'g.setFont("6x8",2).stringWidth("12")')).toContain("=24");
  });
});

describe("an uncaught error", () => {
  it("the built bundles have short lines, so an error report (which holds its source line) stays small", async () => {
    for (const board of BOARD_NAMES) {
      const code = readFileSync(await builtBundle(board), "utf8");
      const longest = Math.max(...code.split("\n").map((line) => line.length));
      expect(longest, board).toBeLessThanOrEqual(200);
    }
  });

  it("at boot on a Puck.js (2,630 JsVars) is reported on the console, and the fob keeps running and answering", async () => {
    const device = await bootEntry("puckjs", "test/firmware/fixtures/puckjsErrorAtBootEntry.ts");
    expect(device.jsVarBudget).toBe(2630);
    expect(device.uncaughtErrors.join("\n")).toContain("planted boot error");
    expect(device.failure).toBeNull();
    provision(device, true);
    device.advance(10 * 60 * 1000);
    expect(ask(device, "serial", "CODE")).toMatch(/^OK CODE \d{12} /);
    expect(device.failure).toBeNull();
  });
});
