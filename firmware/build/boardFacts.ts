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
  /** Fonts the board's Espruino 2v29 build has (g.getFonts() of a build with its boards/*.py libraries). */
  fonts: readonly string[];
  /** Modules require() finds in the board's build (process.env.MODULES). */
  modules: readonly string[];
  /** Functions of require("crypto") in the board's build (its CRYPTO/SHA256/SHA512/AES libraries). */
  cryptoFunctions: readonly string[];
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
    fonts: ["4x6", "Vector"],
    modules: ["timer", "Flash", "Storage", "heatshrink", "crypto"],
    cryptoFunctions: ["SHA1", "SHA224", "SHA256", "AES"],
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
    fonts: ["4x6", "Vector"],
    modules: ["timer", "Flash", "Storage", "heatshrink", "crypto"],
    cryptoFunctions: ["SHA1"],
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
    fonts: ["4x6", "6x8", "12x20", "14", "17", "22", "28", "6x15", "Vector"],
    modules: ["timer", "Flash", "Storage", "heatshrink", "crypto"],
    cryptoFunctions: ["SHA1", "SHA224", "SHA256", "SHA384", "SHA512"],
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
