// Pixl.js: 128x64 LCD, NFC, buttons; SHA1 only in hardware, so SHA-256 is protocol/'s portable one.
// Its build has the 4x6 and Vector fonts only (no 6x8).
import type { Board, ScreenView } from "./board.js";
import { portableSha256 } from "../../protocol/sha256.js";
import { drawScreen } from "./screenLayout.js";
import { espruinoE, screen } from "../espruino/espruinoGlobals.js";

export function pixljsBoard(): Board {
  return {
    name: "pixljs",
    hash: portableSha256,
    advertisingIntervalMs: 2000,
    hasNfc: true,
    show: function (view: ScreenView): void {
      drawScreen(screen(), view, { font: "4x6", fontHeight: 6, digitScale: 3, groupsPerLine: 2 });
    },
    startMotionSensing: null,
    acknowledgePress: function (): void {
      // The screen redraw that follows a press (NFC served) is the acknowledgement.
    },
    batteryPercent: function (): number {
      return espruinoE().getBattery();
    },
  };
}
