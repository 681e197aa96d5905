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
  /** Standard offset of the service location, minutes east of UTC (ZONE command); null: not given, the screen shows UTC. */
  zoneOffset: number | null;
  /** Daylight-saving rule of the service location (protocol/localTime.ts ZONE_RULE_*). */
  zoneRule: number;
  /** Base URL of the NFC form's tap URL (PROV URL, protocol/nfcForm.ts); null: the "evv:1/" form. */
  tapUrl: string | null;
}

interface StoredConfig {
  id: number | null;
  kv: number;
  key: string | null;
  locked: boolean;
  zo?: number | null;
  zr?: number;
  tu?: string | null;
}

export function loadConfig(): ProvisionedConfig {
  const text = storage().read(CONFIG_FILE);
  const empty: ProvisionedConfig = { deviceId: null, keyVersion: 0, deviceKey: null, locked: false, zoneOffset: null, zoneRule: 0, tapUrl: null };
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
    zoneOffset: typeof stored.zo === "number" ? stored.zo : null,
    zoneRule: typeof stored.zr === "number" ? stored.zr : 0,
    tapUrl: typeof stored.tu === "string" ? stored.tu : null,
  };
}

export function saveConfig(config: ProvisionedConfig): void {
  const stored: StoredConfig = {
    id: config.deviceId,
    kv: config.keyVersion,
    key: config.deviceKey === null ? null : toHex(config.deviceKey),
    locked: config.locked,
    zo: config.zoneOffset,
    zr: config.zoneRule,
    tu: config.tapUrl,
  };
  storage().write(CONFIG_FILE, JSON.stringify(stored));
}

export function isProvisioned(config: ProvisionedConfig): boolean {
  return config.deviceId !== null && config.deviceKey !== null;
}
