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
    const faults = run.stdout.split("7. Planted faults")[1] ?? "";
    expect(faults).not.toContain("MISSED");
    for (const reason of ["CODE_TYPO", "DEVICE_MOVED", "CAP_12_HOURS", "DUPLICATE_READING", "CLOCK_OUT_OF_TOLERANCE", "MANUAL_ENTRY"]) expect(faults).toContain(reason);
    expect(faults).toContain("caught  clean visits stay clean");
    expect(faults).toContain("caught  the Sandata export satisfies every field rule of the reference");
    expect(faults).toContain("caught  the export marks the visit recorded by hand");
    expect(faults).toContain("caught  every visit names the caregiver");
    for (const file of ["visit-timeline.html", "evv-records.csv", "evv-records.json", "daily-claims.csv", "clock-history.json"]) expect(existsSync(join(out, file))).toBe(true);
    // The agency's two caregivers and the visit recorded by hand, in the federal records.
    const records = JSON.parse(readFileSync(join(out, "evv-records.json"), "utf8")) as { individualProvidingService: string; verification: string; providerNumber: string }[];
    const agency = records.filter((r) => r.providerNumber === "QSP-A1001");
    expect(new Set(agency.map((r) => r.individualProvidingService))).toEqual(new Set(["Lena Vold", "Mary Ann Jones"]));
    expect(agency.filter((r) => r.verification === "manual-entry")).toHaveLength(1);
    expect(run.stdout).toMatch(/QSP-A1001 .*EVV usage\s+\d+%: \d+ of \d+ visits proven by the device; 0 corrected and 1 recorded by hand/);
    const html = readFileSync(join(out, "visit-timeline.html"), "utf8");
    for (const client of ["Ada Lindqvist", "Bernard Olson", "Clara Haugen"]) expect(html).toContain(client);
    const sandata = JSON.parse(readFileSync(join(out, "sandata", "sandata-3-visits-001.json"), "utf8"));
    expect(JSON.stringify(sandata)).toContain("FVV");
    expect(existsSync(join(out, "sandata", "sandata-1-employees-001.json"))).toBe(true);
    expect(existsSync(join(out, "sandata", "sandata-2-clients-001.json"))).toBe(true);
  }, 300_000);
});
