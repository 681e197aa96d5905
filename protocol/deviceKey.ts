// Per-device keys: K_dev = HMAC-SHA256(masterKey[version], 'K' || 0x01 || version || deviceId).
import type { HashFunction } from "./hashFunction.js";
import { hmacSha256 } from "./hmac.js";
import { u32be } from "./bytes.js";
import { DOMAIN_DEVICE_KEY, PROTOCOL_VERSION } from "./domains.js";

export const MASTER_KEY_LENGTH = 32;
export const DEVICE_KEY_LENGTH = 32;

export function deriveDeviceKey(hash: HashFunction, masterKey: Uint8Array, keyVersion: number, deviceId: number): Uint8Array {
  if (masterKey.length !== MASTER_KEY_LENGTH) throw new Error("master key must be 32 bytes");
  if (keyVersion < 1 || keyVersion > 255 || Math.floor(keyVersion) !== keyVersion) throw new Error("key version must be 1..255");
  const id = u32be(deviceId);
  const message = new Uint8Array([DOMAIN_DEVICE_KEY, PROTOCOL_VERSION, keyVersion, id[0], id[1], id[2], id[3]]);
  return hmacSha256(hash, masterKey, message);
}
