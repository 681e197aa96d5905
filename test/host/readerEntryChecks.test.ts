// What a caregiver types is checked before the fob is read: provider and client against the
// roster HHS exported (with HHS's number formats, when it set them), tasks against the task
// list; and a failed link says what to try.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkAgainstRoster, roster } from "../../host/reader/roster.js";
import { checkVisitEntry } from "../../host/reader/entryChecks.js";
import { linkAdvice } from "../../host/reader/linkAdvice.js";

const known = roster.parse({
  providers: [{ providerNumber: "QSP-I2002", name: "Kari Berg" }],
  clients: [
    { ndNumber: "ND-200581", name: "Ole Olson" },
    { ndNumber: "ND-300100", name: "Inga Lund" },
  ],
  authorizedPairs: [{ providerNumber: "QSP-I2002", clientNdNumber: "ND-200581" }],
  formats: { clientNdNumber: "ND-[0-9]{6}" },
});

let dir = "";
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe("provider and client against the roster", () => {
  it("known numbers pass, with their names", () => {
    expect(checkAgainstRoster(known, "QSP-I2002", "ND-200581")).toEqual({ problems: [], warnings: [], providerName: "Kari Berg", clientName: "Ole Olson" });
  });
  it("an unknown provider or client is refused in plain words", () => {
    expect(checkAgainstRoster(known, "QSP-I2020", "ND-200581").problems).toEqual(["--provider QSP-I2020: no provider has this number in the roster; check your provider number"]);
    expect(checkAgainstRoster(known, "QSP-I2002", "ND-200518").problems).toEqual(["--client ND-200518: no client has this ND number in the roster; check the client's ND number"]);
  });
  it("a number typed in another case is refused, naming the number meant (the verifier matches exactly)", () => {
    expect(checkAgainstRoster(known, "qsp-i2002", "ND-200581").problems).toEqual(["--provider qsp-i2002: no provider has this number in the roster; check your provider number (did you mean QSP-I2002?)"]);
  });
  it("a number that breaks HHS's format says so and shows the format", () => {
    expect(checkAgainstRoster(known, "QSP-I2002", "200581").problems).toEqual(["--client 200581: not a client ND number as HHS writes them (the roster's format is ND-[0-9]{6})"]);
  });
  it("a pair without an authorization is recorded with a warning", () => {
    const check = checkAgainstRoster(known, "QSP-I2002", "ND-300100");
    expect(check.problems).toEqual([]);
    expect(check.warnings[0]).toContain("Kari Berg (QSP-I2002) has no authorization for Inga Lund (ND-300100)");
  });
});

describe("tasks against the task list, and the roster file", () => {
  it("a task not in the list is refused, naming it and the tasks there are", () => {
    const check = checkVisitEntry({ provider: "QSP-I2002", client: "ND-200581", tasks: ["bathing", "cooking"], roster: undefined });
    expect(check.problems).toHaveLength(1);
    expect(check.problems[0]).toMatch(/^--tasks: "cooking" is not a task of the task list; use bathing, dressing, .*meal-preparation/);
  });
  it("a task is recorded as the list writes it", () => {
    expect(checkVisitEntry({ provider: "QSP-I2002", client: "ND-200581", tasks: ["Bathing", "meal preparation"], roster: undefined })).toMatchObject({ problems: [], tasks: ["bathing", "meal-preparation"] });
  });
  it("without a roster the numbers are not checked, and the reader says so", () => {
    const check = checkVisitEntry({ provider: "QSP-I2002", client: "ND-200581", tasks: ["bathing"], roster: undefined });
    expect(check.problems).toEqual([]);
    expect(check.warnings[0]).toMatch(/^no roster .*not checked/);
  });
  it("a roster file that is not JSON is refused by line and column", () => {
    dir = mkdtempSync(join(tmpdir(), "evv-roster-"));
    const path = join(dir, "roster.json");
    writeFileSync(path, '{\n  "providers": [],\n  "clients": [,]\n}');
    expect(checkVisitEntry({ provider: "QSP-I2002", client: "ND-200581", tasks: undefined, roster: path }).problems[0]).toMatch(/roster\.json line 3, column 15: not valid JSON/);
  });
});

describe("a failed link says what to do", () => {
  it.each([
    ["not-found", "ble", /move closer .*press its button .*battery .*--typed/],
    ["timeout", "ble", /try again holding the reader close/],
    ["timeout", "serial", /cable/],
    ["dropped", "ble", /try again, keeping the reader still and close/],
    ["garbage", "serial", /try again; if it happens again the fob may be faulty/],
    ["unavailable", "ble", /turn Bluetooth on/],
    ["unavailable", "serial", /check the port name/],
  ] as const)("%s over %s", (fault, link, advice) => {
    expect(linkAdvice(fault, link)).toMatch(advice);
  });
});
