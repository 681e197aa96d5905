// `npm install` on a fresh clone: every install script the dependencies carry is approved by
// name in package.json (allowScripts), and package-lock.json is already what npm resolves, so
// the clone is not dirty after the README's first command.
import { describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { runProcess } from "../e2e/runEvv.js";

const ROOT = join(import.meta.dirname, "..", "..");
async function npm(args: string[], cwd: string): Promise<string> {
  const run = await runProcess("npm", args, { cwd, timeoutMs: 55_000 });
  if (run.code !== 0) throw new Error(`npm ${args.join(" ")} exited ${run.code}\n${run.stderr}`);
  return run.stdout;
}

describe("a fresh clone installs without unapproved scripts and stays clean", () => {
  it("no installed package has install scripts that allowScripts does not cover", async () => {
    const unreviewed = z.object({ allowScripts: z.array(z.unknown()) }).parse(JSON.parse(await npm(["install-scripts", "ls", "--json"], ROOT)));
    expect(unreviewed.allowScripts).toEqual([]);
  });

  it("the native modules and esbuild are approved by name, not by version", () => {
    const allowScripts = z.record(z.string(), z.boolean()).parse(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).allowScripts);
    for (const name of ["better-sqlite3", "esbuild", "@serialport/bindings-cpp", "@stoprocent/noble", "@stoprocent/bluetooth-hci-socket", "usb"]) expect(allowScripts[name]).toBe(true);
  });

  it("npm resolving package.json again leaves package-lock.json byte for byte as committed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "evv-lock-"));
    try {
      copyFileSync(join(ROOT, "package.json"), join(dir, "package.json"));
      copyFileSync(join(ROOT, "package-lock.json"), join(dir, "package-lock.json"));
      await npm(["install", "--package-lock-only", "--ignore-scripts", "--offline", "--no-audit", "--no-fund"], dir);
      expect(readFileSync(join(dir, "package-lock.json"), "utf8")).toBe(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
