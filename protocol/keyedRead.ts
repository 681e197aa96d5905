// A key holder's read of a locked device (SPEC.md §10): STATUS and JOURNAL answer in full only
// to a request whose last word is
//   mac = first 16 bytes of HMAC(K_dev, 'R' || u32(deviceId) || deviceNonce || request),
// where `request` is the ASCII of the request's other words joined by single spaces (for
// example "JOURNAL 40 8") and deviceNonce is the device's pending nonce from SYNCREQ, spent by
// the attempt as for a time sync. A recorded request is useless later: its nonce is gone.
import type { HashFunction } from "./hashFunction.js";
import { truncatedMac } from "./hmac.js";
import { asciiBytes, concatBytes, u32be } from "./bytes.js";
import { DOMAIN_KEYED_READ } from "./domains.js";
import { SYNC_MAC_LENGTH, SYNC_NONCE_LENGTH } from "./timeSync.js";

export const KEYED_READ_MAC_LENGTH = SYNC_MAC_LENGTH;

export function keyedReadMac(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, deviceNonce: Uint8Array, request: string): Uint8Array {
  if (deviceNonce.length !== SYNC_NONCE_LENGTH) throw new Error("keyed read nonce must be 8 bytes");
  return truncatedMac(hash, deviceKey, concatBytes([new Uint8Array([DOMAIN_KEYED_READ]), u32be(deviceId), deviceNonce, asciiBytes(request)]), KEYED_READ_MAC_LENGTH);
}
