// Uploads a firmware bundle into the device's Storage through the Espruino console, in chunks,
// then reads every chunk back and compares before the device is rebooted into it. Every other
// Storage file the interpreter runs or loads at boot is erased first, and the boot files are
// listed again at the end: after the reboot only the bundle runs.
import { createHash } from "node:crypto";
import type { ConsoleSession } from "./consoleSession.js";
import { evaluateOnConsole } from "./espruinoRepl.js";
import { LinkError } from "../transport/linkError.js";

/** The firmware lives in ".boot0": it survives a hard reset (DESIGN.md section 5). */
export const FIRMWARE_FILE = ".boot0";
/** Bytes per chunk: 384 bytes are 512 base64 characters, a short console line. */
export const UPLOAD_CHUNK_BYTES = 384;
const STEP_TIMEOUT_MS = 10_000;

export interface UploadProgress {
  phase: "write" | "verify";
  done: number;
  total: number;
}

export function firmwareHash(bundle: Uint8Array): string {
  return createHash("sha256").update(bundle).digest("hex");
}

/**
 * Storage files an Espruino runs or loads at boot: `.boot0`–`.boot3` and `.bootcde` (run in that
 * order), `.bootrst` (after a reset), `.bootPowerOn` (at power-on), `.varimg` (a `save()`d
 * image, loaded at boot), and a Bangle.js's `*.boot.js` (run by its boot loader).
 */
export const BOOT_CODE_PATTERN = /^\.boot|^\.varimg$|\.boot\.js$/;

/** Erases every boot-code file (BOOT_CODE_PATTERN) on a stock console; returns the names erased. */
export async function eraseBootCode(session: ConsoleSession): Promise<string[]> {
  const erased = await evaluateOnConsole(
    session,
    `(function(s){var l=s.list(${BOOT_CODE_PATTERN.toString()});l.forEach(function(f){s.erase(f);});return l.join(",");})(require("Storage"))`,
    STEP_TIMEOUT_MS,
  );
  return erased === "" ? [] : erased.split(",");
}

export async function uploadBundle(session: ConsoleSession, bundle: Uint8Array, onProgress: (p: UploadProgress) => void): Promise<void> {
  const storage = `require("Storage")`;
  await eraseBootCode(session);
  const chunks = Math.ceil(bundle.length / UPLOAD_CHUNK_BYTES);
  for (let i = 0; i < chunks; i++) {
    const offset = i * UPLOAD_CHUNK_BYTES;
    const chunk = Buffer.from(bundle.subarray(offset, offset + UPLOAD_CHUNK_BYTES)).toString("base64");
    const sizeArgument = i === 0 ? `,0,${bundle.length}` : `,${offset}`;
    const written = await evaluateOnConsole(session, `${storage}.write(${JSON.stringify(FIRMWARE_FILE)},atob(${JSON.stringify(chunk)})${sizeArgument})`, STEP_TIMEOUT_MS);
    if (written !== "true") throw new LinkError("refused", `the device did not store chunk ${i + 1} of ${chunks} (answered ${JSON.stringify(written)})`);
    onProgress({ phase: "write", done: i + 1, total: chunks });
  }
  for (let i = 0; i < chunks; i++) {
    const offset = i * UPLOAD_CHUNK_BYTES;
    const length = Math.min(UPLOAD_CHUNK_BYTES, bundle.length - offset);
    const expected = Buffer.from(bundle.subarray(offset, offset + length)).toString("base64");
    const readBack = await evaluateOnConsole(session, `btoa(${storage}.read(${JSON.stringify(FIRMWARE_FILE)},${offset},${length}))`, STEP_TIMEOUT_MS);
    if (readBack !== expected) throw new LinkError("garbage", `read-back of chunk ${i + 1} of ${chunks} differs from the bundle: the upload is not trusted`);
    onProgress({ phase: "verify", done: i + 1, total: chunks });
  }
  const bootFiles = await evaluateOnConsole(session, `${storage}.list(${BOOT_CODE_PATTERN.toString()}).join(",")`, STEP_TIMEOUT_MS);
  if (bootFiles !== FIRMWARE_FILE)
    throw new LinkError("garbage", `after the upload the device holds boot code ${JSON.stringify(bootFiles)}, not only ${FIRMWARE_FILE}: the upload is not trusted`);
}
