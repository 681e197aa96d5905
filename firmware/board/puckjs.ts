// Puck.js v2: native SHA-256, NFC, LEDs, one button, accelerometer; no display.
import type { Board } from "./board.js";
import { nativeSha256 } from "./nativeSha256.js";
import { espruinoE, greenLed, puck, type PuckAccelReading } from "../espruino/espruinoGlobals.js";

/**
 * Change of the gravity vector between two checks, in raw units (8192 = 1 g), that counts as
 * having been moved: about 0.25 g, a tilt of some 15 degrees. The accelerometer is read once
 * per wake-up (Puck.accel()), never left on: on at 1.6 Hz it costs 40 uA, eight times what a
 * five-year battery allows in all (firmware/README.md "Battery and the wake schedule").
 */
const MOVE_THRESHOLD = 2000;
const BLINK_MS = 200;

export function puckjsBoard(): Board {
  let lastLie: PuckAccelReading["acc"] | null = null;
  return {
    name: "puckjs",
    hash: nativeSha256(),
    advertisingIntervalMs: 2000,
    readWindowIntervalMs: 500,
    hasNfc: true,
    show: null,
    startMotionSensing: null,
    checkMoved: function (): boolean {
      const now = puck().accel().acc;
      const before = lastLie;
      lastLie = now;
      if (before === null) return false;
      return Math.abs(now.x - before.x) + Math.abs(now.y - before.y) + Math.abs(now.z - before.z) > MOVE_THRESHOLD;
    },
    acknowledgePress: function (): void {
      greenLed().set();
      setTimeout(function () {
        greenLed().reset();
      }, BLINK_MS);
    },
    batteryPercent: function (): number {
      return espruinoE().getBattery();
    },
  };
}
