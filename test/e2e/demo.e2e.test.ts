// `npm start` is the product's main job on the embedded default: it must finish and show every
// planted fault caught with its reason, and write the exports and the HTML timeline.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "evv-demo-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "demo/main.ts")], { cwd: root, env: { ...process.env, EVV_DEMO_OUT: out } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm start", () => {
  it("provisions, reads three simulated days, verifies, and reports each planted fault caught with its reason", async () => {
    const run = await runDemo();
    expect(run.stderr).not.toContain("npm start failed");
    expect(run.code).toBe(0);
    const faults = run.stdout.split("6. Planted faults")[1] ?? "";
    expect(faults).not.toContain("MISSED");
    for (const reason of ["CODE_TYPO", "DEVICE_MOVED", "CAP_12_HOURS", "DUPLICATE_READING", "CLOCK_OUT_OF_TOLERANCE"]) expect(faults).toContain(reason);
    expect(faults).toContain("caught  clean visits stay clean");
    for (const file of ["visit-timeline.html", "evv-records.csv", "evv-records.json", "sandata-fvv-visits.json", "daily-claims.csv"]) expect(existsSync(join(out, file))).toBe(true);
    const html = readFileSync(join(out, "visit-timeline.html"), "utf8");
    for (const client of ["Ada Lindqvist", "Bernard Olson", "Clara Haugen"]) expect(html).toContain(client);
    const sandata = JSON.parse(readFileSync(join(out, "sandata-fvv-visits.json"), "utf8"));
    expect(JSON.stringify(sandata)).toContain("FVV");
  }, 300_000);
});
