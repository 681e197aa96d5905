// The script a verification worker thread runs. Loading the TypeScript sources through tsx in
// every worker costs about a second per run (tsx's loader and its hooks thread start in each
// worker, and every module is transformed again), so the worker's module graph is bundled once
// per process with esbuild (about 70 ms) into node_modules/.cache/evv/, named by its content
// hash: packages stay imports and resolve from the project's node_modules, and a bundle is never
// stale because a changed source gives a new name. Where that cannot be written (a read-only
// install), workers fall back to the tsx entry, which gives the same results, more slowly.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { buildSync } from "esbuild";

/** The worker entry that loads the sources through tsx (slower to start; needs nothing written). */
export const TSX_WORKER_ENTRY = new URL("./verifyWorkerEntry.mjs", import.meta.url);
const WORKER_SOURCE = fileURLToPath(new URL("./verifyWorker.ts", import.meta.url));
const CACHE_DIR = fileURLToPath(new URL("../../node_modules/.cache/evv/", import.meta.url));

const KEPT_BUNDLES = 4;

let script: URL | null = null;

/** The worker script's URL: the bundle, built on first use in this process, or the tsx entry. */
export function verifyWorkerScript(): URL {
  if (script === null) script = workerScriptIn(CACHE_DIR);
  return script;
}

/** The bundle written into `cacheDir`, or the tsx entry when it cannot be built or written there. */
export function workerScriptIn(cacheDir: string): URL {
  try {
    return buildBundle(cacheDir);
  } catch {
    return TSX_WORKER_ENTRY;
  }
}

function buildBundle(cacheDir: string): URL {
  const built = buildSync({ entryPoints: [WORKER_SOURCE], bundle: true, format: "esm", platform: "node", target: "node20", packages: "external", write: false, logLevel: "silent" });
  const text = built.outputFiles[0].text;
  const path = join(cacheDir, `verify-worker-${createHash("sha256").update(text).digest("hex").slice(0, 16)}.mjs`);
  if (!existsSync(path)) {
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, text);
    renameSync(partial, path);
    pruneOldBundles(cacheDir);
  }
  return pathToFileURL(path);
}

/** Keeps the newest KEPT_BUNDLES bundles (one is written per version of the sources; older ones are never used again). */
function pruneOldBundles(cacheDir: string): void {
  const bundles = readdirSync(cacheDir)
    .filter((name) => /^verify-worker-[0-9a-f]{16}\.mjs$/.test(name))
    .map((name) => ({ path: join(cacheDir, name), mtimeMs: statSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of bundles.slice(KEPT_BUNDLES)) rmSync(old.path, { force: true });
}
