import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { deriveDeviceKey, displayCodeMatches, stepOf } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { builtBundle } from "../firmware/firmwareHarness.js";
import { runProcess } from "../e2e/runEvv.js";

const MASTER = "5a".repeat(32);
const START = "2026-11-22T14:00:20Z";

async function sim(args: string[]) {
  const run = await runProcess(process.execPath, ["bin/evv-sim.js", ...args], { timeoutMs: 55_000 });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

describe("the tester's command evv-sim", () => {
  it("runs a scripted session: provisions and locks, presses, loses power, syncs, and prints codes that verify", async () => {
    await builtBundle("puckjs");
    const run = await sim(["--board", "puckjs", "--id", "00c0ffee", "--master-key", MASTER, "--lock", "--start", START, "--script", "press; advance 1m; power-loss; send CODE; sync; send CODE"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("OK PROV LOCK");
    expect(run.stdout).toContain("NFC: evv:1/");
    expect(run.stdout).toMatch(/ERR CLOCK\n  = refused: the clock is not set since the power loss/);
    expect(run.stdout).toMatch(/OK SYNC \d+/);
    const codes = [...run.stdout.matchAll(/OK CODE (\d{12}) (\d+)/g)];
    expect(codes.length).toBeGreaterThan(0);
    const key = deriveDeviceKey(nodeSha256, Buffer.from(MASTER, "hex"), 1, 0x00c0ffee);
    for (const [, code, step] of codes) expect(displayCodeMatches(nodeSha256, key, 0x00c0ffee, Number(step), code)).toBe(true);
    expect(Number(codes[codes.length - 1][2])).toBe(stepOf(Date.parse(START) / 1000 + 60));
  });

  it("refuses bad flags with a message naming the flag and exit code 2", async () => {
    const run = await sim(["--board", "pixljs", "--id", "xyz", "--key", "00"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--id must be 8 hex digits");
    expect(run.stderr).toContain("--key must be 64 hex digits");
  });
});

describe("the tester's view says what happened, in words", () => {
  const provisioned = (board: string) => ["--board", board, "--id", "00c0ffee", "--master-key", MASTER, "--lock", "--start", START];

  it("raw answer lines are printed with their labels", async () => {
    await builtBundle("pixljs");
    const run = await sim([...provisioned("pixljs"), "--script", "send STATUS; send CODE"]);
    expect(run.status).toBe(0);
    // A locked fob answers a plain STATUS with board, locked and firmware only (SPEC.md §10).
    expect(run.stdout).toMatch(/OK STATUS - pixljs - - - - 1 [\d.]+\n  = board pixljs  locked  firmware [\d.]+  \(a locked device shows its ID, clock, status, battery and journal only to a key holder\)/);
    expect(run.stdout).toMatch(/OK CODE \d{12} \d+ [0-9a-f]{48}\n  = display code \d{4} \d{4} \d{4}  step \d+  frame [0-9a-f]{48}/);
    // The view holds the key, so it asks as a key holder and shows every word, labelled.
    expect(run.stdout).toMatch(/^  status: device 00c0ffee  board pixljs  clock 2026-11-22 14:00:\d\d UTC  status 08 \(locked\)  battery 100%  journal \d+ records  locked  firmware/m);
  });

  it("a clock set back is refused for what it is, not as a power loss, and sync trusts it again", async () => {
    await builtBundle("pixljs");
    const run = await sim([...provisioned("pixljs"), "--script", "skew -5m; send CODE; sync; show"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("refused: the device no longer trusts its clock because it was set back (skew -5m); there was no power loss.");
    expect(run.stdout).not.toContain("since power loss");
    const afterSync = run.stdout.slice(run.stdout.indexOf("> sync"));
    expect(afterSync).toMatch(/clock set to 2026-11-22 14:00:\d\d UTC/);
    expect(afterSync).not.toContain("CLOCK NOT SET");
    expect(afterSync).toMatch(/code \d{4} \d{4} \d{4}/);
  });

  it("png on a Puck.js is refused with a message and the script goes on; move on a Pixl.js says why it does nothing", async () => {
    await builtBundle("puckjs");
    // A Puck.js reads its accelerometer when it wakes: the press after the move shows the flag.
    const puck = await sim([...provisioned("puckjs"), "--script", "png /tmp/never-written.png; move; press; send STATUS"]);
    expect(puck.status).toBe(0);
    expect(puck.stdout).toContain("Puck.js v2 has no display: png works on Pixl.js and Bangle.js 2 (nothing saved)");
    expect(puck.stdout).toContain("moved the Puck.js v2: the firmware sets the moved flag");
    expect(puck.stdout).toContain("at its next button press, BLE connection or quarter-hour wake");
    expect(puck.stdout.slice(puck.stdout.indexOf("> press"))).toMatch(/status 0a \(moved, locked\)/);
    const pixl = await sim([...provisioned("pixljs"), "--script", "move; send STATUS"]);
    expect(pixl.stdout).toContain("Pixl.js has no accelerometer: move changes nothing on it");
    expect(pixl.stdout).toMatch(/> send STATUS\nOK STATUS/);
  });

  it("--speed fast is refused naming the flag and the values it takes", async () => {
    const run = await sim(["--board", "pixljs", "--speed", "fast"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("evv-sim: --speed must be a number above 0: 1 is real time, 60 makes a minute pass each second\n");
  });

  it("a stock board's hint says to provision it first, not to read it", async () => {
    await builtBundle("pixljs");
    const run = await sim(["--board", "pixljs", "--stock", "--serial-pty", "--script", "quit"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/a stock board: provision it first: npx evv device provision --serial \S+ --board pixljs/);
    expect(run.stdout).not.toContain("evv read");
  });

  it("the view printed by itself at each minute shows that minute's code and status", async () => {
    await builtBundle("pixljs");
    // Realtime at 120x: a minute passes every half second; quit once three views were printed by themselves.
    const child = spawn(process.execPath, ["bin/evv-sim.js", ...provisioned("pixljs"), "--speed", "120"], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fewer than three views in 60 s:\n${stdout}`)), 60_000);
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.split("\n\n").length > 4) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end("quit\n");
    await exited;
    const views = stdout.split("\n\n").slice(1).filter((v) => v.includes("advert 0x"));
    expect(views.length).toBeGreaterThan(2);
    for (const view of views) {
      const codeStep = /code \d{4} \d{4} \d{4}  \(step (\d+)\)/.exec(view);
      const advertStep = /advert 0x[0-9a-f]+ [0-9a-f]+ step (\d+)/.exec(view);
      expect(view).not.toMatch(/code: *\n/);
      expect(view).toMatch(/status: device 00c0ffee/);
      expect(codeStep?.[1]).toBe(advertStep?.[1]);
      const onScreen = /\| (\d{4}) \d{4} +\|/.exec(view)?.[1];
      expect(Number(onScreen)).toBe(Number(codeStep![1]) % 10000);
    }
  });
});
