// The script a verification worker thread runs. Loading the TypeScript sources through tsx in
// every worker costs about a second per run (tsx's loader and its hooks thread start in each
// worker, and every module is transformed again), so the worker's module graph is bundled once
// per process with esbuild (about 70 ms) into node_modules/.cache/evv/, named by its content
// hash: packages stay imports and resolve from the project's node_modules, and a bundle is never
// stale because a changed source gives a new name. Where that cannot be written (a read-only
// install), workers fall back to the tsx entry, which gives the same results, more slowly.
//
// The cache is a file anyone with write access to node_modules could replace, and a worker is
// handed the master keys. So the pool asks verifiedWorkerScript before it starts a worker: the
// file must hash (SHA-256, all of it) to the bundle this process built; a replaced file is written
// again from the built text, and a script this process did not build is refused.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
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

/** The bundles this process built, by URL: their text and its SHA-256. */
const builtBundles = new Map<string, { text: string; sha256: string }>();

function sha256Hex(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

function buildBundle(cacheDir: string): URL {
  const built = buildSync({ entryPoints: [WORKER_SOURCE], bundle: true, format: "esm", platform: "node", target: "node20", packages: "external", write: false, logLevel: "silent" });
  const text = built.outputFiles[0].text;
  const sha256 = sha256Hex(text);
  const path = join(cacheDir, `verify-worker-${sha256.slice(0, 16)}.mjs`);
  if (!existsSync(path) || sha256Hex(readFileSync(path)) !== sha256) {
    writeBundle(path, text);
    pruneOldBundles(cacheDir);
  }
  const url = pathToFileURL(path);
  builtBundles.set(url.href, { text, sha256 });
  return url;
}

function writeBundle(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

/**
 * `script` when it may be handed the master keys: the tsx entry (the project's sources), or a
 * bundle this process built whose file still hashes to what was built (a replaced one is written
 * again first). Anything else is refused.
 */
export function verifiedWorkerScript(script: URL): URL {
  if (script.href === TSX_WORKER_ENTRY.href) return script;
  const built = builtBundles.get(script.href);
  if (!built) throw new Error(`verification worker script ${script.href} was not built by this process: refusing to hand it the master keys`);
  const path = fileURLToPath(script);
  const onDisk = existsSync(path) ? sha256Hex(readFileSync(path)) : null;
  if (onDisk === built.sha256) return script;
  try {
    writeBundle(path, built.text);
    if (sha256Hex(readFileSync(path)) === built.sha256) return script;
  } catch {
    // cannot write it again: the sources instead
  }
  return TSX_WORKER_ENTRY;
}

/** Keeps the newest KEPT_BUNDLES bundles (one is written per version of the sources; older ones are never used again). */
function pruneOldBundles(cacheDir: string): void {
  const bundles = readdirSync(cacheDir)
    .filter((name) => /^verify-worker-[0-9a-f]{16}\.mjs$/.test(name))
    .map((name) => ({ path: join(cacheDir, name), mtimeMs: statSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of bundles.slice(KEPT_BUNDLES)) rmSync(old.path, { force: true });
}
