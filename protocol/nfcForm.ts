// The NFC form (SPEC.md section 6): one NDEF URI record carrying a frame of kind FRAME_KIND_NFC
// (same layout and MAC as the advertisement frame, so touch is distinguishable from a passive
// BLE sighting), in one of two forms:
//  - the tap URL (protocol version 2): "<base URL>#<48 hex>", the base URL an https URL to the
//    intake service set at provisioning (PROV URL), its "https://" stored as the NDEF URI
//    identifier code 0x04, so any phone's own tag reading opens it in the browser;
//  - "evv:1/<48 hex>" (identifier code 0x00), served by a fob provisioned without a base URL.
import { asciiBytes, fromHex, toHex } from "./bytes.js";
import { FRAME_LENGTH } from "./frame.js";

export const NFC_URI_PREFIX = "evv:1/";
export const TAP_URL_SCHEME = "https://";
/** NDEF URI record identifier codes (NFC Forum URI RTD): none, and "https://". */
export const NDEF_URI_CODE_NONE = 0x00;
export const NDEF_URI_CODE_HTTPS = 0x04;
/**
 * Longest base URL: the tag's record then stays a short record of at most 146 bytes and its
 * memory 168 bytes, the fob keeps at most 100 characters for it, and `PROV URL <url>` fits
 * the 200-character request line.
 */
export const TAP_URL_MAX_LENGTH = 100;

/** Why a base URL cannot be a fob's tap URL, or null when it can (the firmware's and the host's one rule). */
export function tapUrlProblem(url: string): string | null {
  if (url.length > TAP_URL_MAX_LENGTH) return "at most " + TAP_URL_MAX_LENGTH + " characters (the fob's tag and memory)";
  if (url.indexOf(TAP_URL_SCHEME) !== 0) return "must start with " + TAP_URL_SCHEME + " (phones open https links; http is refused)";
  if (url.length === TAP_URL_SCHEME.length || url.charAt(TAP_URL_SCHEME.length) === "/") return "names no host";
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= 32 || c > 126) return "printable ASCII only, no spaces";
    if (c === 35) return "must not have a # part: the frame goes there";
  }
  return null;
}

/** The URI of the NFC form: the tap URL form when the fob has a base URL, else "evv:1/<hex>". */
export function nfcUri(frame: Uint8Array, tapUrl: string | null): string {
  return tapUrl === null ? NFC_URI_PREFIX + toHex(frame) : tapUrl + "#" + toHex(frame);
}

/** The NDEF URI record's payload: the identifier code, then the URI after what the code stands for. */
export function nfcRecordPayload(frame: Uint8Array, tapUrl: string | null): Uint8Array {
  const https = tapUrl !== null;
  const rest = asciiBytes(https ? nfcUri(frame, tapUrl).slice(TAP_URL_SCHEME.length) : nfcUri(frame, null));
  const payload = new Uint8Array(1 + rest.length);
  payload[0] = https ? NDEF_URI_CODE_HTTPS : NDEF_URI_CODE_NONE;
  for (let i = 0; i < rest.length; i++) payload[1 + i] = rest[i];
  return payload;
}

/** The frame bytes in an NFC form's URI (either form), or null when it is not one of ours. */
export function frameFromNfcUri(uri: string): Uint8Array | null {
  let hex: string;
  if (uri.indexOf(NFC_URI_PREFIX) === 0) hex = uri.slice(NFC_URI_PREFIX.length);
  else if (uri.indexOf(TAP_URL_SCHEME) === 0 && uri.indexOf("#") > 0) hex = uri.slice(uri.indexOf("#") + 1);
  else return null;
  if (hex.length !== FRAME_LENGTH * 2 || hex !== hex.toLowerCase()) return null;
  return fromHex(hex);
}
