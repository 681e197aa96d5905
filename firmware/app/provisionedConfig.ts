// What provisioning gives a device, kept in Storage file "evv.conf" (JSON, rewritten only by
// PROV commands, so a handful of flash writes in the device's life). The key is the derived
// 32-byte device key; no command ever reads it back.
import { fromHex, toHex } from "../../protocol/bytes.js";
import { storage } from "../espruino/espruinoGlobals.js";

export const CONFIG_FILE = "evv.conf";

export interface ProvisionedConfig {
  deviceId: number | null;
  keyVersion: number;
  deviceKey: Uint8Array | null;
  locked: boolean;
}

interface StoredConfig {
  id: number | null;
  kv: number;
  key: string | null;
  locked: boolean;
}

export function loadConfig(): ProvisionedConfig {
  const text = storage().read(CONFIG_FILE);
  const empty: ProvisionedConfig = { deviceId: null, keyVersion: 0, deviceKey: null, locked: false };
  if (text === undefined) return empty;
  let stored: StoredConfig;
  try {
    stored = JSON.parse(text) as StoredConfig;
  } catch (e) {
    return empty;
  }
  return {
    deviceId: typeof stored.id === "number" ? stored.id : null,
    keyVersion: typeof stored.kv === "number" ? stored.kv : 0,
    deviceKey: typeof stored.key === "string" ? fromHex(stored.key) : null,
    locked: stored.locked === true,
  };
}

export function saveConfig(config: ProvisionedConfig): void {
  const stored: StoredConfig = {
    id: config.deviceId,
    kv: config.keyVersion,
    key: config.deviceKey === null ? null : toHex(config.deviceKey),
    locked: config.locked,
  };
  storage().write(CONFIG_FILE, JSON.stringify(stored));
}

export function isProvisioned(config: ProvisionedConfig): boolean {
  return config.deviceId !== null && config.deviceKey !== null;
}
