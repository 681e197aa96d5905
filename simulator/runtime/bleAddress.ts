// NRF.setAddress as Espruino 2v29 parses and applies it (libs/bluetooth/bluetooth_utils.c
// bleVarToAddr, jswrap_bluetooth.c jswrap_ble_setAddress): "aa:bb:cc:dd:ee:ff" with an optional
// " public" or " random" type; a random static address must have its two top bits set, which
// the softdevice checks when it restarts with it.

/** Espruino's message for an address it cannot parse. */
export const ADDRESS_FORM_ERROR = "Expecting mac address of the form aa:bb:cc:dd:ee:ff";
/** The softdevice's refusal of a random static address without its top two bits set. */
export const INVALID_BLE_ADDR_ERROR = "Got BLE error 0x3202 INVALID_BLE_ADDR";

export type BleAddressType = "public" | "random";

export interface ParsedBleAddress {
  /** "aa:bb:cc:dd:ee:ff", lower case. */
  address: string;
  type: BleAddressType;
}

/** Parses an NRF.setAddress argument; null where Espruino throws ADDRESS_FORM_ERROR. */
export function parseBleAddress(value: unknown): ParsedBleAddress | null {
  if (typeof value !== "string") return null;
  const match = /^((?:[0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2})(?: (public|random))?$/.exec(value);
  if (!match) return null;
  return { address: match[1].toLowerCase(), type: (match[2] as BleAddressType | undefined) ?? "public" };
}

/** True when the softdevice accepts it: a random static address has its top two bits set. */
export function softdeviceAccepts(parsed: ParsedBleAddress): boolean {
  return parsed.type === "public" || (parseInt(parsed.address.slice(0, 2), 16) & 0xc0) === 0xc0;
}

/** The form SimulatedDevice reports: "aa:bb:cc:dd:ee:ff random" (or "... public"). */
export function formatBleAddress(parsed: ParsedBleAddress): string {
  return `${parsed.address} ${parsed.type}`;
}
