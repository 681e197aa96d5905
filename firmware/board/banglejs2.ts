// Bangle.js 2: 176x176 memory LCD, native SHA-256, accelerometer, one button; no NFC.
import type { Board, ScreenView } from "./board.js";
import { nativeSha256 } from "./nativeSha256.js";
import { drawScreen } from "./screenLayout.js";
import { bangle, espruinoE, screen, type BangleAccelReading } from "../espruino/espruinoGlobals.js";

/** `diff` of an accel event (g) above which the watch counts as moved. */
const MOVE_THRESHOLD_G = 0.3;

export function banglejs2Board(): Board {
  return {
    name: "banglejs2",
    hash: nativeSha256(),
    advertisingIntervalMs: 1000,
    hasNfc: false,
    show: function (view: ScreenView): void {
      bangle().setLCDTimeout(0);
      bangle().setLCDPower(true);
      drawScreen(screen(), view, { font: "6x8", fontHeight: 8, digitScale: 4, groupsPerLine: 1 });
    },
    startMotionSensing: function (onMoved: () => void): void {
      bangle().on("accel", function (reading: BangleAccelReading) {
        if (reading.diff > MOVE_THRESHOLD_G) onMoved();
      });
    },
    acknowledgePress: function (): void {
      // The screen is always on; the redraw after the press is the acknowledgement.
    },
    batteryPercent: function (): number {
      return espruinoE().getBattery();
    },
  };
}
