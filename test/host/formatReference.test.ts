// The format reference (docs/formats.md) stays true: every example file imports as shipped, the
// page names every field of every import schema and every CSV column the importers read, and
// `evv import --help` and each `evv import <kind> --help` point to it.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { z } from "zod";
import { clientFile, stayFile } from "../../host/domain/client.js";
import { providerFile } from "../../host/domain/provider.js";
import { caregiverFile } from "../../host/domain/caregiver.js";
import { authorizationFile } from "../../host/domain/authorization.js";
import { clockObservation, deviceFile } from "../../host/domain/device.js";
import { reading } from "../../host/capture/reading.js";
import { sandataSettings } from "../../host/export/sandataSettings.js";
import { AUTHORIZATION_CSV_COLUMNS, CAREGIVER_CSV_COLUMNS, CLIENT_CSV_COLUMNS, STAY_CSV_COLUMNS } from "../../host/domain/csvRecords.js";
import { IMPORT_KINDS } from "../../host/cli/commands/import.js";
import { Keystore } from "../../host/keystore/keystore.js";
import { CHEAP_SCRYPT, TEST_PASSPHRASE } from "./fixtures/visitWorld.js";
import { runEvv } from "../e2e/runEvv.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DOC = readFileSync(join(ROOT, "docs", "formats.md"), "utf8");
// A keystore of the test's own: every import's audit entry is sealed with it.
const KEYSTORE = join(mkdtempSync(join(tmpdir(), "evv-formats-keys-")), "keys.json");
Keystore.create(KEYSTORE, TEST_PASSPHRASE, CHEAP_SCRYPT);
const evv = (args: string[]) => {
  return runEvv(args, { EVV_PASSPHRASE: TEST_PASSPHRASE, EVV_KEYSTORE: KEYSTORE });
};

/** Every field name of a schema, nested ones included. */
function fieldNames(schema: z.ZodType): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case "object":
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([name, inner]) => [name, ...fieldNames(inner)]);
    case "array":
      return fieldNames(def.element as z.ZodType);
    case "optional":
    case "nullable":
    case "default":
      return fieldNames(def.innerType as z.ZodType);
    case "pipe":
      return fieldNames(def.in as z.ZodType);
    default:
      return [];
  }
}

describe("docs/formats.md, the format reference", () => {
  it.each([
    ["clients", clientFile],
    ["providers", providerFile],
    ["caregivers", caregiverFile],
    ["authorizations", authorizationFile],
    ["stays", stayFile],
    ["devices", deviceFile],
    ["clock-history", clockObservation],
    ["readings", reading],
    ["sandata settings", sandataSettings],
  ] as const)("names every field of %s", (_kind, schema) => {
    const names = fieldNames(schema as z.ZodType);
    expect(names.length).toBeGreaterThan(2);
    for (const name of names) expect(DOC, `field ${name}`).toMatch(new RegExp("`([\\w.\\[\\]]*\\.)?" + name + "(`|\\.|\\[\\])"));
  });

  it("names every CSV column", () => {
    const optional = ["dateOfDeath", "staffId", "email", "returned", "unitsAdl", "unitsPer", "maxDays", "priorApprovalLiveInWpc", "serviceAgreementHoursPerDay", "serviceLocationId"];
    for (const column of [...CLIENT_CSV_COLUMNS, ...CAREGIVER_CSV_COLUMNS, ...AUTHORIZATION_CSV_COLUMNS, ...STAY_CSV_COLUMNS, ...optional]) expect(DOC).toContain("`" + column + "`");
  });

  it("has a section for every import kind, linked from `evv import --help` and each kind's help", async () => {
    const help = await evv(["import", "--help"]);
    expect(help.stdout).toContain("docs/formats.md");
    for (const kind of IMPORT_KINDS) {
      expect(DOC).toContain(`\n## ${kind}\n`);
      expect((await evv(["import", kind, "--help"])).stdout).toContain(`docs/formats.md#${kind}`);
    }
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain("docs/formats.md");
  });

  it("ships example files that import as they are, JSON and CSV, in the documented order", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "evv-formats-")), "evv.db");
    const examples = join(ROOT, "docs", "examples");
    for (const [kind, file] of [
      ["clients", "clients.json"],
      ["clients", "clients.csv"],
      ["providers", "providers.json"],
      ["caregivers", "caregivers.json"],
      ["caregivers", "caregivers.csv"],
      ["authorizations", "authorizations.json"],
      ["authorizations", "authorizations.csv"],
      ["stays", "stays.json"],
      ["stays", "stays.csv"],
      ["devices", "devices.json"],
      ["clock-history", "clock-history.json"],
      ["readings", "readings.jsonl"],
    ]) {
      const result = await evv(["import", kind, join(examples, file), "--db", db, "--json"]);
      expect(result.stderr, `${kind} ${file}`).toBe("");
      expect(result.code).toBe(0);
    }
    expect(sandataSettings.parse(JSON.parse(readFileSync(join(examples, "sandata-settings.json"), "utf8")))).toEqual(sandataSettings.parse({}));
  });
});
