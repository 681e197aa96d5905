// Authenticated, replay-proof time sync.
//   1. The device issues a fresh 8-byte nonce (kept until used once, or replaced).
//   2. A key holder answers: new time u32 and
//      MAC = first 16 bytes of HMAC(K_dev, 'T' || deviceId || deviceNonce || newTime).
//   3. The device accepts only with its pending nonce, forgets the nonce either way, and never
//      sets a time earlier than the last one it accepted.
import type { HashFunction } from "./hashFunction.js";
import { truncatedMac } from "./hmac.js";
import { bytesEqual, concatBytes, u32be } from "./bytes.js";
import { DOMAIN_TIME_SYNC } from "./domains.js";

export const SYNC_NONCE_LENGTH = 8;
export const SYNC_MAC_LENGTH = 16;

export function timeSyncMac(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, deviceNonce: Uint8Array, newTime: number): Uint8Array {
  if (deviceNonce.length !== SYNC_NONCE_LENGTH) throw new Error("sync nonce must be 8 bytes");
  return truncatedMac(
    hash,
    deviceKey,
    concatBytes([new Uint8Array([DOMAIN_TIME_SYNC]), u32be(deviceId), deviceNonce, u32be(newTime)]),
    SYNC_MAC_LENGTH,
  );
}

export type TimeSyncVerdict = "accepted" | "no-pending-nonce" | "bad-mac" | "time-goes-back";

/** The device's decision on a sync message. */
export function judgeTimeSync(
  hash: HashFunction,
  deviceKey: Uint8Array,
  deviceId: number,
  pendingNonce: Uint8Array | null,
  lastAcceptedTime: number,
  newTime: number,
  mac: Uint8Array,
): TimeSyncVerdict {
  if (pendingNonce === null) return "no-pending-nonce";
  if (!bytesEqual(timeSyncMac(hash, deviceKey, deviceId, pendingNonce, newTime), mac)) return "bad-mac";
  if (newTime < lastAcceptedTime) return "time-goes-back";
  return "accepted";
}
