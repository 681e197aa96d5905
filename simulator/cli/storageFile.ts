// Keeps a simulated device's Storage in a JSON file between sessions of the tester's command
// (written atomically: a temporary file renamed over the old one).
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import type { StorageSnapshot } from "../runtime/flashStorage.js";

const StorageFileSchema = z.object({
  capacityBytes: z.number().int().positive(),
  pageBytes: z.number().int().positive(),
  deletedBytes: z.number().int().nonnegative(),
  files: z.array(z.object({ name: z.string().min(1).max(28), base64: z.string() })),
  wear: z.object({ bytesProgrammed: z.number(), compactions: z.number(), pageErases: z.number() }),
});

export function loadStorageFile(path: string): StorageSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = StorageFileSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new Error(`${path} is not a saved device Storage: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const s = parsed.data;
  return {
    capacityBytes: s.capacityBytes,
    pageBytes: s.pageBytes,
    deletedBytes: s.deletedBytes,
    wear: s.wear,
    files: s.files.map((f) => ({ name: f.name, data: new Uint8Array(Buffer.from(f.base64, "base64")) })),
  };
}

export function saveStorageFile(path: string, snapshot: StorageSnapshot): void {
  const body = {
    capacityBytes: snapshot.capacityBytes,
    pageBytes: snapshot.pageBytes,
    deletedBytes: snapshot.deletedBytes,
    wear: snapshot.wear,
    files: snapshot.files.map((f) => ({ name: f.name, base64: Buffer.from(f.data).toString("base64") })),
  };
  writeFileSync(path + ".tmp", JSON.stringify(body, null, 1));
  renameSync(path + ".tmp", path);
}
