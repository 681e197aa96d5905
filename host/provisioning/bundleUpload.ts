// Uploads a firmware bundle into the device's Storage through the Espruino console, in chunks,
// then reads every chunk back and compares before the device is rebooted into it.
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

export async function uploadBundle(session: ConsoleSession, bundle: Uint8Array, onProgress: (p: UploadProgress) => void): Promise<void> {
  const storage = `require("Storage")`;
  await evaluateOnConsole(session, `${storage}.erase(${JSON.stringify(FIRMWARE_FILE)}),1`, STEP_TIMEOUT_MS);
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
}
