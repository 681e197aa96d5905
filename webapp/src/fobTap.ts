// The fob's NFC tap (protocol/SPEC.md section 6): the frame in the URL the phone opened
// (<base URL>#<48 hex>, from its own tag reading) or in the URL record Web NFC read. Both
// paths end here, in protocol/'s one parser (nfcForm.ts frameFromNfcUri) and frame decoder;
// the browser checks the frame's shape and kind only, the verifier its MAC.
import { decodeFrame, FRAME_KIND_NFC } from "../../protocol/frame.js";
import { frameFromNfcUri, NDEF_URI_CODE_HTTPS, NDEF_URI_CODE_NONE, TAP_URL_SCHEME } from "../../protocol/nfcForm.js";
import { STEP_SECONDS } from "../../protocol/timeStep.js";
import { toHex } from "../../protocol/bytes.js";

export interface FobTap {
  /** The 24-byte NFC frame, lower-case hex (the reading's `frame`). */
  frame: string;
  /** Start of the fob's minute in the frame (its clock), ms since 1970. */
  minuteMs: number;
  /** When this device got the tap (its clock): the reading's time, however late it is sent. */
  capturedMs: number;
}

export type TapResult = { tap: FobTap } | { problem: string } | null;

/** The tap in a URL: null when the URL carries none (no "#"), else the tap or what is wrong with it. */
export function tapFromUrl(url: string, capturedMs: number): TapResult {
  const mark = url.indexOf("#");
  if (mark < 0 || mark === url.length - 1) return null;
  return tapFromUri(url, capturedMs);
}

/** The tap in the URI of an NFC record (either form of the NFC form). */
export function tapFromUri(uri: string, capturedMs: number): { tap: FobTap } | { problem: string } {
  const frame = frameFromNfcUri(uri);
  if (frame === null) return { problem: "This link holds no fob reading (it is not the fob's NFC link, or it was cut short). Tap the fob again." };
  const fields = decodeFrame(frame);
  if (fields === null || fields.kind !== FRAME_KIND_NFC) return { problem: "The fob reading in this link is damaged. Tap the fob again." };
  return { tap: { frame: toHex(frame), minuteMs: fields.step * STEP_SECONDS * 1000, capturedMs } };
}

/** What Web NFC hands over for one NDEF record (the part of NDEFRecord this app reads). */
export interface NdefRecordLike {
  recordType: string;
  data?: DataView | null;
}

/**
 * The URI of a URL record read by Web NFC. Chrome gives the URI with its identifier code
 * already expanded; a record still holding the code byte (0x04 "https://", 0x00 none) is
 * expanded here too.
 */
export function uriOfRecord(record: NdefRecordLike): string | null {
  if ((record.recordType !== "url" && record.recordType !== "absolute-url") || !record.data) return null;
  const bytes = new Uint8Array(record.data.buffer, record.data.byteOffset, record.data.byteLength);
  if (bytes.length === 0) return null;
  let text = "";
  const start = bytes[0] === NDEF_URI_CODE_HTTPS || bytes[0] === NDEF_URI_CODE_NONE ? 1 : 0;
  for (let i = start; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return bytes[0] === NDEF_URI_CODE_HTTPS ? TAP_URL_SCHEME + text : text;
}

/** The first tap among the records of one NDEF message, else what was wrong. */
export function tapFromRecords(records: readonly NdefRecordLike[], capturedMs: number): { tap: FobTap } | { problem: string } {
  for (const record of records) {
    const uri = uriOfRecord(record);
    if (uri !== null) return tapFromUri(uri, capturedMs);
  }
  return { problem: "That tag is not an EVV fob (it holds no link). Hold the phone to the fob after pressing its button." };
}

/** How far apart the start of the fob's minute and the capture are, in whole minutes (for a warning; the verifier decides). */
export function tapAgeMinutes(tap: FobTap): number {
  return Math.trunc((tap.capturedMs - tap.minuteMs) / 60_000);
}
