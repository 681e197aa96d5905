// The README's tester walkthrough with the real tester's command (what `npm run sim` runs): a
// scripted session on a provisioned Pixl.js, the refusals a board without a display or an
// accelerometer gives, and a stock board whose hint, followed to the letter, provisions it.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundlePath } from "./fobUnderTest.js";
import { runEvv, runProcess } from "./runEvv.js";

const simBin = fileURLToPath(new URL("../../bin/evv-sim.js", import.meta.url));
const MASTER = "5a".repeat(32);
let dir = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "evv-walkthrough-tester-"));
  for (const board of ["pixljs", "puckjs"] as const) bundlePath(board);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sim = async (args: string[]) => {
  const run = await runProcess(process.execPath, [simBin, ...args], { cwd: dir, timeoutMs: 55_000 });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
};

describe("the tester's walkthrough (README)", () => {
  it("a scripted session on a provisioned Pixl.js: codes, button, clock set back, sync, power loss, PNG", async () => {
    const run = await sim([
      "--board", "pixljs", "--id", "00000001", "--master-key", MASTER, "--lock", "--start", "2026-12-07T15:00:00Z",
      "--script", "show; press; advance 1m; move; skew -5m; send CODE; sync; power-loss; send STATUS; sync; png fob.png",
    ]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/status: device 00000001 {2}board pixljs {2}clock 2026-12-07 15:00:00 UTC {2}status 08 \(locked\)/);
    expect(run.stdout).toMatch(/code \d{4} \d{4} \d{4} {2}\(step \d+\)/);
    expect(run.stdout).toContain("Pixl.js has no accelerometer: move changes nothing on it");
    expect(run.stdout).toContain("refused: the device no longer trusts its clock because it was set back (skew -5m); there was no power loss.");
    // The view after the power loss asks as a key holder and shows every word; a plain STATUS
    // to a locked fob gets board, locked and firmware only (SPEC.md §10), labelled as such.
    expect(run.stdout).toMatch(/> power-loss\n.*\n  status: device 00000001 {2}board pixljs {2}clock 0 \(not set\) {2}status 09 \(clock not set, locked\)/);
    expect(run.stdout).toMatch(/> send STATUS\nOK STATUS - pixljs - - - - 1 [\d.]+\n {2}= board pixljs {2}locked {2}firmware [\d.]+ {2}\(a locked device shows its ID, clock, status, battery and journal only to a key holder\)/);
    const lastSync = run.stdout.slice(run.stdout.lastIndexOf("> sync"));
    expect(lastSync).toMatch(/= clock set to 2026-12-07 15:01:\d\d UTC/);
    expect(lastSync).not.toContain("CLOCK NOT SET");
    expect(run.stdout).toContain(`saved fob.png`);
    expect(existsSync(join(dir, "fob.png"))).toBe(true);
  });

  it("on a Puck.js, png is refused and the script goes on", async () => {
    // A Puck.js reads its accelerometer when it wakes (a press, a connection, a quarter-hour).
    const run = await sim(["--board", "puckjs", "--id", "00000002", "--master-key", MASTER, "--lock", "--script", "png fob.png; move; press; send STATUS"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Puck.js v2 has no display: png works on Pixl.js and Bangle.js 2 (nothing saved)");
    expect(run.stdout.slice(run.stdout.indexOf("> press"))).toMatch(/status 0a \(moved, locked\)/);
  });

  it("a mistyped flag is refused naming it and the values it takes", async () => {
    const run = await sim(["--board", "pixljs", "--speed", "fast"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--speed must be a number above 0");
  });

  it("a stock board's hint, followed as printed, provisions it", async () => {
    const env = { EVV_DB: join(dir, "evv.db"), EVV_KEYSTORE: join(dir, "evv-keystore.json"), EVV_PASSPHRASE: "tester walkthrough" };
    expect((await runEvv(["keystore", "init"], env)).code).toBe(0);
    const stock = spawn(process.execPath, [simBin, "--board", "pixljs", "--stock", "--serial-pty"], { cwd: dir });
    try {
      const hint = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`no hint from evv-sim:\n${out}`)), 30_000);
        stock.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const line = /a stock board: provision it first: npx evv (.+)/.exec(out)?.[1];
          if (line) {
            clearTimeout(timer);
            resolve(line.trim());
          }
        });
      });
      expect(hint).toMatch(/^device provision --serial \/dev\/\S+ --board pixljs$/);
      const provisioned = await runEvv(hint.split(" "), env, 120_000);
      expect(provisioned.code).toBe(0);
      expect(provisioned.stdout).toContain("Provisioned device 00000001.");
    } finally {
      const exited = new Promise((resolve) => stock.once("exit", resolve));
      stock.stdin.end("quit\n");
      await exited;
    }
  }, 180_000);
});
