// `npm install` on a fresh clone: every install script the dependencies carry is approved by
// name in package.json (allowScripts), and package-lock.json is already what npm resolves, so
// the clone is not dirty after the README's first command.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

const ROOT = join(import.meta.dirname, "..", "..");
const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("a fresh clone installs without unapproved scripts and stays clean", () => {
  it("no installed package has install scripts that allowScripts does not cover", () => {
    const unreviewed = z.object({ allowScripts: z.array(z.unknown()) }).parse(JSON.parse(npm(["install-scripts", "ls", "--json"], ROOT)));
    expect(unreviewed.allowScripts).toEqual([]);
  });

  it("the native modules and esbuild are approved by name, not by version", () => {
    const allowScripts = z.record(z.string(), z.boolean()).parse(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).allowScripts);
    for (const name of ["better-sqlite3", "esbuild", "@serialport/bindings-cpp", "@stoprocent/noble", "@stoprocent/bluetooth-hci-socket", "usb"]) expect(allowScripts[name]).toBe(true);
  });

  it("npm resolving package.json again leaves package-lock.json byte for byte as committed", () => {
    const dir = mkdtempSync(join(tmpdir(), "evv-lock-"));
    try {
      copyFileSync(join(ROOT, "package.json"), join(dir, "package.json"));
      copyFileSync(join(ROOT, "package-lock.json"), join(dir, "package-lock.json"));
      npm(["install", "--package-lock-only", "--ignore-scripts", "--offline", "--no-audit", "--no-fund"], dir);
      expect(readFileSync(join(dir, "package-lock.json"), "utf8")).toBe(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
