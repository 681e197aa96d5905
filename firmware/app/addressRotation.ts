// BLE address rotation (firmware/README.md "Address rotation"): the fob advertises from a
// fresh random static address, picked from E.hwRand() at boot and at every step that is a
// multiple of ADDRESS_ROTATION_STEPS (every quarter-hour, aligned for all fobs). Never while a
// central is connected: NRF.setAddress restarts the softdevice, so a boundary that falls
// during a connection rotates right after the disconnect instead.
import { espruinoE, nrf } from "../espruino/espruinoGlobals.js";
import type { FirmwareContext } from "./firmwareContext.js";

/** Steps (UTC minutes) between address rotations: the Bluetooth Core privacy default, 15 min. */
export const ADDRESS_ROTATION_STEPS = 15;

export function isAddressRotationStep(step: number): boolean {
  return step % ADDRESS_ROTATION_STEPS === 0;
}

function hexByte(value: number): string {
  return (value & 255).toString(16).padStart(2, "0");
}

/**
 * Six random bytes with the two most significant bits set (random static address), the other
 * 46 bits neither all zero nor all one (Bluetooth Core Vol 6 Part B 1.3.2.1).
 */
export function randomStaticAddress(): string {
  for (;;) {
    const high = espruinoE().hwRand();
    const low = espruinoE().hwRand();
    const bytes = [(high >>> 8) | 0xc0, high, low >>> 24, low >>> 16, low >>> 8, low];
    // The 46 bits after the type bits, summed: 0 when all zero, 0x3f + 5 * 0xff when all one.
    let sum = bytes[0] & 0x3f;
    for (let i = 1; i < 6; i++) sum += bytes[i] & 255;
    if (sum !== 0 && sum !== 0x3f + 5 * 0xff) return bytes.map(hexByte).join(":") + " random";
  }
}

/** Applies a fresh address now, or right after the disconnect when a central is connected. */
export function rotateAddress(ctx: FirmwareContext): void {
  if (ctx.bleConnected) {
    ctx.addressRotationPending = true;
    return;
  }
  ctx.addressRotationPending = false;
  nrf().setAddress(randomStaticAddress());
}

/** Called on every disconnect: a rotation that fell during the connection happens now. */
export function rotateAddressIfPending(ctx: FirmwareContext): void {
  if (ctx.addressRotationPending) rotateAddress(ctx);
}
