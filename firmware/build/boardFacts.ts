// Facts about each supported board (DESIGN.md section 5), used by the firmware build (bundle
// size against Storage) and by the simulator (what each emulated board has).
import { fileURLToPath } from "node:url";

export const BOARD_NAMES = ["puckjs", "pixljs", "banglejs2"] as const;
export type BoardName = (typeof BOARD_NAMES)[number];

export interface BoardFacts {
  name: BoardName;
  title: string;
  /** JsVar blocks the interpreter has. */
  jsVarBlocks: number;
  /** Bytes of flash for Storage files. */
  storageBytes: number;
  /** Flash page size: the unit an erase works on. */
  flashPageBytes: number;
  hasNativeSha256: boolean;
  screen: { width: number; height: number } | null;
  hasNfc: boolean;
  /** "puck": Puck.accelOn/Puck.on('accel'); "bangle": Bangle.on('accel'); null: none. */
  motion: "puck" | "bangle" | null;
  /** Worst-case clock error of the board's oscillator, ppm. */
  clockPpm: number;
  /** Firmware entry point, relative to the repository root. */
  entry: string;
}

export const BOARD_FACTS: Record<BoardName, BoardFacts> = {
  puckjs: {
    name: "puckjs",
    title: "Puck.js v2",
    jsVarBlocks: 2630,
    storageBytes: 40 * 1024,
    flashPageBytes: 4096,
    hasNativeSha256: true,
    screen: null,
    hasNfc: true,
    motion: "puck",
    clockPpm: 500,
    entry: "firmware/entries/puckjs.ts",
  },
  pixljs: {
    name: "pixljs",
    title: "Pixl.js",
    jsVarBlocks: 2950,
    storageBytes: 36 * 1024,
    flashPageBytes: 4096,
    hasNativeSha256: false,
    screen: { width: 128, height: 64 },
    hasNfc: true,
    motion: null,
    clockPpm: 500,
    entry: "firmware/entries/pixljs.ts",
  },
  banglejs2: {
    name: "banglejs2",
    title: "Bangle.js 2",
    jsVarBlocks: 12000,
    storageBytes: 8 * 1024 * 1024,
    flashPageBytes: 4096,
    hasNativeSha256: true,
    screen: { width: 176, height: 176 },
    hasNfc: false,
    motion: "bangle",
    clockPpm: 50,
    entry: "firmware/entries/banglejs2.ts",
  },
};

/** Where `npm run build:firmware` writes a board's bundle. */
/** Where `npm run build:firmware` writes a board's bundle, in this checkout (whatever the working directory). */
export function bundlePathFor(board: BoardName): string {
  return fileURLToPath(new URL(`../../dist/firmware/${board}.js`, import.meta.url));
}
