// Puck.js v2: native SHA-256, NFC, LEDs, one button, accelerometer; no display.
import type { Board } from "./board.js";
import { nativeSha256 } from "./nativeSha256.js";
import { espruinoE, greenLed, puck, type PuckAccelReading } from "../espruino/espruinoGlobals.js";

/** Accelerometer wake-up rate: the lowest the LSM6DS3TR-C offers, about 40 uA extra. */
const ACCEL_RATE_HZ = 1.6;
/** Change between two readings, in raw units (8192 = 1 g), that counts as being moved (~0.25 g). */
const MOVE_THRESHOLD = 2000;
const BLINK_MS = 200;

export function puckjsBoard(): Board {
  return {
    name: "puckjs",
    hash: nativeSha256(),
    advertisingIntervalMs: 2000,
    hasNfc: true,
    show: null,
    startMotionSensing: function (onMoved: () => void): void {
      let last: PuckAccelReading | null = null;
      puck().accelOn(ACCEL_RATE_HZ);
      puck().on("accel", function (reading: PuckAccelReading) {
        if (last !== null) {
          const change = Math.abs(reading.acc.x - last.acc.x) + Math.abs(reading.acc.y - last.acc.y) + Math.abs(reading.acc.z - last.acc.z);
          if (change > MOVE_THRESHOLD) onMoved();
        }
        last = reading;
      });
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
