import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { deriveDeviceKey, displayCodeMatches, stepOf } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { builtBundle } from "../firmware/firmwareHarness.js";

const MASTER = "5a".repeat(32);
const START = "2026-11-22T14:00:20Z";

function sim(args: string[]) {
  return spawnSync(process.execPath, ["bin/evv-sim.js", ...args], { encoding: "utf8", timeout: 60_000 });
}

describe("the tester's command evv-sim", () => {
  it("runs a scripted session: provisions and locks, presses, loses power, syncs, and prints codes that verify", async () => {
    await builtBundle("puckjs");
    const run = sim(["--board", "puckjs", "--id", "00c0ffee", "--master-key", MASTER, "--lock", "--start", START, "--script", "press; advance 1m; power-loss; send CODE; sync; send CODE"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("OK PROV LOCK");
    expect(run.stdout).toContain("NFC: evv:1/");
    expect(run.stdout).toMatch(/ERR CLOCK /);
    expect(run.stdout).toMatch(/OK SYNC \d+/);
    const codes = [...run.stdout.matchAll(/OK CODE (\d{12}) (\d+)/g)];
    expect(codes.length).toBeGreaterThan(0);
    const key = deriveDeviceKey(nodeSha256, Buffer.from(MASTER, "hex"), 1, 0x00c0ffee);
    for (const [, code, step] of codes) expect(displayCodeMatches(nodeSha256, key, 0x00c0ffee, Number(step), code)).toBe(true);
    expect(Number(codes[codes.length - 1][2])).toBe(stepOf(Date.parse(START) / 1000 + 60));
  });

  it("refuses bad flags with a message naming the flag and exit code 2", () => {
    const run = sim(["--board", "pixljs", "--id", "xyz", "--key", "00"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--id must be 8 hex digits");
    expect(run.stderr).toContain("--key must be 64 hex digits");
  });
});
