// Builds firmware bundles: each entry bundled and minified to ES2015, checked against the
// Espruino dialect and against its board's Storage; a bundle with problems is not written.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleForEspruino } from "./bundleForEspruino.js";
import type { BoardFacts } from "./boardFacts.js";

/**
 * Storage a device needs beside the bundle: config, clock, 4 journal segments and a fifth while one
 * rotates (912 bytes each: a 16-byte tag and 32 records of 28 bytes, plus Storage's file header),
 * about 5.5 kB, with headroom for compaction. 7 KiB (was 8 KiB until the tap URL and lazy
 * functions made the Pixl.js bundle 29 kB).
 */
export const STORAGE_RESERVED_BYTES = 7 * 1024;

export interface BundleTarget {
  facts: BoardFacts;
  /** Entry point; default the board's own (facts.entry). */
  entry?: string;
}

export interface BundleResult {
  board: string;
  path: string;
  bytes: number;
  storageBytes: number;
  /** Dialect problems and a too-large size, as sentences; empty when the bundle is good. */
  problems: string[];
  written: boolean;
}

export async function buildBundles(targets: BundleTarget[], outDir: string): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const target of targets) {
    const facts = target.facts;
    const bundle = await bundleForEspruino(target.entry ?? facts.entry, { minify: true });
    const bytes = Buffer.byteLength(bundle.code, "utf8");
    const problems = bundle.problems.map((p) => p.message);
    const budget = facts.storageBytes - STORAGE_RESERVED_BYTES;
    if (bytes > budget) problems.push(`${bytes} bytes leave less than ${STORAGE_RESERVED_BYTES} bytes of ${facts.title} Storage for the journal and state`);
    const path = join(outDir, `${facts.name}.js`);
    if (problems.length === 0) {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(path, bundle.code);
    }
    results.push({ board: facts.name, path, bytes, storageBytes: facts.storageBytes, problems, written: problems.length === 0 });
  }
  return results;
}
