// The built firmware bundle a device is provisioned with: dist/firmware/<board>.js, as
// `npm run build:firmware` writes it. The host reads the file; it never imports firmware/.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { boardName, type BoardName } from "../domain/boardName.js";

/** Board names as the firmware reports them in STATUS and names its bundles (the registry's too). */
export const firmwareBoard = boardName;
export type FirmwareBoard = BoardName;

/** Where `npm run build:firmware` writes the bundles in this checkout. */
export const BUILT_FIRMWARE_DIRECTORY = fileURLToPath(new URL("../../dist/firmware", import.meta.url));

export interface FirmwareBundle {
  board: FirmwareBoard;
  version: string;
  code: Uint8Array;
}

const packageVersion = z.object({ version: z.string().min(1) });

export function loadFirmwareBundle(board: FirmwareBoard, distDirectory: string): FirmwareBundle {
  const path = resolve(distDirectory, `${board}.js`);
  if (!existsSync(path)) throw new Error(`no firmware bundle at ${path}: run npm run build:firmware first`);
  const packageJson = packageVersion.parse(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")));
  return { board, version: packageJson.version, code: new Uint8Array(readFileSync(path)) };
}
