import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundles, STORAGE_RESERVED_BYTES } from "../../firmware/build/firmwareBuild.js";
import { BOARD_FACTS, BOARD_NAMES } from "../../firmware/build/boardFacts.js";
import { checkEspruinoDialect } from "../../firmware/build/espruinoDialect.js";

describe("the firmware build", () => {
  it("writes one minified bundle per board that passes the dialect check, fits Storage and calls the interpreter's require", async () => {
    const out = mkdtempSync(join(tmpdir(), "evv-fw-"));
    const results = await buildBundles(BOARD_NAMES.map((name) => ({ facts: BOARD_FACTS[name] })), out);
    for (const r of results) {
      expect(r.problems, r.board).toEqual([]);
      const code = readFileSync(r.path, "utf8");
      expect(checkEspruinoDialect(code, r.path)).toEqual([]);
      expect(code).toContain('require("Storage")');
      expect(code).not.toContain("espruinoRequire");
      expect(r.bytes).toBeLessThanOrEqual(BOARD_FACTS[r.board as "puckjs"].storageBytes - STORAGE_RESERVED_BYTES);
    }
  });

  it("refuses an entry outside the dialect, names each problem and writes nothing", async () => {
    const out = mkdtempSync(join(tmpdir(), "evv-fw-"));
    const [r] = await buildBundles([{ facts: BOARD_FACTS.puckjs, entry: "test/firmware/fixtures/outsideDialectEntry.ts" }], out);
    expect(r.written).toBe(false);
    expect(r.problems.join("\n")).toMatch(/Map does not exist on Espruino/);
    expect(r.problems.join("\n")).toMatch(/destructuring/);
    expect(existsSync(r.path)).toBe(false);
  });
});
