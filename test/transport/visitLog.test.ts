import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { reading, type Reading } from "../../host/capture/reading.js";
import { buildReading } from "../../host/reader/readingRecord.js";
import { appendToVisitLog } from "../../host/reader/visitLog.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempLog(): string {
  const dir = mkdtempSync(join(tmpdir(), "evv-log-"));
  dirs.push(dir);
  return join(dir, "visits.jsonl");
}
const typed = (client: string): Reading =>
  buildReading({ readerId: "r1", providerNumber: "P1", clientNdNumber: client, event: "check-in" }, { method: "typed", transport: "keyboard", typedCode: "123456789012" });

function linesOf(path: string): string[] {
  const text = readFileSync(path, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
}

describe("visit log append", () => {
  it("writes one schema-valid JSON line per reading, in order", () => {
    const path = tempLog();
    appendToVisitLog(path, typed("ND1"));
    appendToVisitLog(path, typed("ND2"));
    const lines = linesOf(path);
    expect(lines.map((l) => reading.parse(JSON.parse(l)).clientNdNumber)).toEqual(["ND1", "ND2"]);
  });

  it("refuses a record that fails the reading schema and leaves the file byte for byte as it was", () => {
    const path = tempLog();
    appendToVisitLog(path, typed("ND1"));
    const before = readFileSync(path);
    const bad = { ...typed("ND2"), typedCode: undefined } as unknown as Reading;
    expect(() => appendToVisitLog(path, bad)).toThrow(/typedCode/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("starts on a fresh line after a partial line left by an interrupted writer, and says so", () => {
    const path = tempLog();
    writeFileSync(path, JSON.stringify(typed("ND1")) + "\n" + '{"readingId":"torn');
    const result = appendToVisitLog(path, typed("ND2"));
    expect(result.partialLineFound).toBe(true);
    const lines = linesOf(path);
    expect(lines).toHaveLength(3);
    expect(reading.parse(JSON.parse(lines[2])).clientNdNumber).toBe("ND2");
  });

  it("keeps every line whole when several processes append at once", async () => {
    const path = tempLog();
    const script = new URL("./fixtures/appendMany.ts", import.meta.url).pathname;
    const writers = ["a", "b", "c", "d"].map(
      (tag) =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, ["--import", "tsx", script, path, "25", tag], { stdio: "inherit" });
          child.on("exit", (code) => resolve(code ?? -1));
        }),
    );
    expect(await Promise.all(writers)).toEqual([0, 0, 0, 0]);
    const lines = linesOf(path);
    expect(lines).toHaveLength(100);
    const perWriter = new Map<string, number>();
    for (const line of lines) {
      const r = reading.parse(JSON.parse(line));
      perWriter.set(r.readerId, (perWriter.get(r.readerId) ?? 0) + 1);
    }
    expect([...perWriter.values()]).toEqual([25, 25, 25, 25]);
  });
});
