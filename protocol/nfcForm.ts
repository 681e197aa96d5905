// The NFC form: an NDEF URI record "evv:1/" followed by the 48 hex digits of a frame of
// kind FRAME_KIND_NFC (same layout and MAC as the advertisement frame, so touch is
// distinguishable from a passive BLE sighting).
import { fromHex, toHex } from "./bytes.js";
import { FRAME_LENGTH } from "./frame.js";

export const NFC_URI_PREFIX = "evv:1/";

export function nfcUri(frame: Uint8Array): string {
  return NFC_URI_PREFIX + toHex(frame);
}

/** The frame bytes in an NFC URI, or null when it is not one of ours. */
export function frameFromNfcUri(uri: string): Uint8Array | null {
  if (uri.indexOf(NFC_URI_PREFIX) !== 0) return null;
  const hex = uri.slice(NFC_URI_PREFIX.length);
  if (hex.length !== FRAME_LENGTH * 2) return null;
  return fromHex(hex);
}
