// Issue 14, item 7: the keystore is sealed with scrypt N >= 2^17 (an older, cheaper file is
// sealed again when opened), a new passphrase needs 15+ characters, the help steers to
// --passphrase-file, and the verifier's cached worker bundle is checked against its hash before
// the master keys go to it.
import { afterEach, describe, expect, it } from "vitest";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Keystore } from "../../../host/keystore/keystore.js";
import { workerScriptIn } from "../../../host/verifier/verifyWorkerScript.js";
import { runVerification } from "../../../host/verifier/verifyRun.js";
import { DEFAULT_SETTINGS } from "../../../host/verifier/settings.js";
import { importReadings } from "../../../host/storage/importers.js";
import { EXIT_BAD_INPUT, EXIT_OK } from "../../../host/cli/cliError.js";
import { simpleWorld, type VisitWorld } from "../fixtures/visitWorld.js";
import { runEvv } from "../../e2e/runEvv.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const PASSPHRASE = "four unrelated words here";

function evv(args: string[], env: Record<string, string> = {}) {
  return runEvv(args, { EVV_PASSPHRASE: "", ...env });
}

function passphraseFile(dir: string, text: string): string {
  const path = join(dir, "passphrase");
  writeFileSync(path, text + "\n", { mode: 0o600 });
  return path;
}

let world: VisitWorld | undefined;
afterEach(() => {
  world?.close();
  world = undefined;
});

describe("the keystore's sealing", () => {
  it("seals an older, cheaper keystore file again at N = 2^17 when it is opened, keeping its keys", async () => {
    for (const N of [1024, 2 ** 15]) {
      const dir = mkdtempSync(join(tmpdir(), "evv-ks-"));
      const path = join(dir, "keys.json");
      const before = Keystore.create(path, PASSPHRASE, { N, r: 8, p: 1 }).masterKey(1);
      const result = await evv(["keystore", "versions", "--keystore", path, "--passphrase-file", passphraseFile(dir, PASSPHRASE)]);
      expect([result.code, result.stderr]).toEqual([EXIT_OK, ""]);
      expect(JSON.parse(readFileSync(path, "utf8")).kdf).toMatchObject({ N: 2 ** 17, r: 8 });
      expect(Keystore.open(path, PASSPHRASE).masterKey(1)).toEqual(before);
    }
  });

  it("refuses a new passphrase shorter than 15 characters, saying what is wanted, and writes no file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "evv-ks-"));
    const path = join(dir, "keys.json");
    const result = await evv(["keystore", "init", "--keystore", path, "--passphrase-file", passphraseFile(dir, "hunter22")]);
    expect(result.code).toBe(EXIT_BAD_INPUT);
    expect(result.stderr).toContain("at least 15");
    expect(existsSync(path)).toBe(false);
    expect((await evv(["keystore", "init", "--keystore", path, "--passphrase-file", passphraseFile(dir, PASSPHRASE)])).code).toBe(EXIT_OK);
    expect(JSON.parse(readFileSync(path, "utf8")).kdf.N).toBe(2 ** 17);
  });

  it("steers to --passphrase-file in the help and says why the environment variable is weaker", async () => {
    for (const command of [["keystore", "init"], ["verify"]]) {
      const help = (await evv([...command, "--help"])).stdout.replace(/\s+/g, " ");
      expect(help).toContain("--passphrase-file");
      expect(help).toContain("preferred");
      expect(help).toContain("/proc");
    }
  });
});

/** Three provider–client pairs (three slices of 4 readings), 12 visits. */
function threePairWorld(): VisitWorld {
  const w = simpleWorld();
  for (const n of [2, 3]) {
    w.addClient(`C${n}`);
    w.addProvider(`P${n}`);
    w.addAuthorization({ authorizationId: `A${n}`, clientNdNumber: `C${n}`, providerNumber: `P${n}` });
  }
  for (const c of ["1", "2", "3"]) for (let d = 0; d < 4; d++) w.visit(`P${c}`, `C${c}`, `2026-04-1${d}T15:00:00Z`, 30);
  importReadings(w.db, "readings.jsonl", "0", w.readings.splice(0), undefined, w.receiptOf);
  return w;
}

describe("the verifier's cached worker bundle", () => {
  it("is written again when it was replaced, so the master keys never reach planted code", async () => {
    world = threePairWorld();

    // Inside the project, as the real cache is: the bundle's packages resolve from node_modules.
    mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
    const cacheDir = mkdtempSync(join(ROOT, "node_modules", ".cache", "evv-test-"));
    const stolen = join(cacheDir, "stolen-keys.json");
    const bundle = workerScriptIn(cacheDir);
    const realCopy = join(cacheDir, "real-worker.mjs");
    copyFileSync(fileURLToPath(bundle), realCopy);
    // Planted code that keeps the keys it is handed, then does the real work so nothing looks amiss.
    const plant = () =>
      writeFileSync(
        fileURLToPath(bundle),
        `import { writeFileSync } from "node:fs"; import { workerData } from "node:worker_threads";\n` +
          `writeFileSync(${JSON.stringify(stolen)}, JSON.stringify(workerData.keys.map(([v, k]) => [v, Buffer.from(k).toString("hex")])));\n` +
          `await import(${JSON.stringify(pathToFileURL(realCopy).href)});\n`,
      );
    plant();
    expect(workerScriptIn(cacheDir).href).toBe(bundle.href);
    plant();
    const summary = runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { workers: 1, sliceReadings: 4, workerScript: bundle });
    expect(summary.workers).toBe(1);
    expect(summary.byStatus.verified).toBe(12);
    expect(existsSync(stolen)).toBe(false);
    expect(readFileSync(bundle, "utf8")).toEqual(readFileSync(realCopy, "utf8"));
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it("refuses to hand the master keys to a worker script this process did not build", async () => {
    world = threePairWorld();
    const dir = mkdtempSync(join(ROOT, "node_modules", ".cache", "evv-test-"));
    const real = join(dir, "real-worker.mjs");
    copyFileSync(fileURLToPath(workerScriptIn(dir)), real);
    const stranger = join(dir, "stranger.mjs");
    const stolen = join(dir, "stolen");
    writeFileSync(stranger, `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(stolen)}, "keys"); await import(${JSON.stringify(pathToFileURL(real).href)});\n`);
    expect(() => runVerification(world!.db, world!.keystore, DEFAULT_SETTINGS, { workers: 1, sliceReadings: 4, workerScript: pathToFileURL(stranger) })).toThrow(/not built by this process/);
    expect(existsSync(stolen)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
