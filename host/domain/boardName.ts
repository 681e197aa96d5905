// One spelling of each board everywhere: the firmware's own names (`puckjs`, `pixljs`,
// `banglejs2`), as STATUS reports them, as the bundles are named and as `npm run sim --board`
// takes them. Earlier registries and files wrote `puck-js-2`, `pixl-js`, `bangle-js-2`; those are
// still read, and the command line says the name to use instead.
import { z } from "zod";

export const BOARD_NAMES = ["puckjs", "pixljs", "banglejs2"] as const;
export const boardName = z.enum(BOARD_NAMES, { message: `must be one of ${BOARD_NAMES.join(", ")}` });
export type BoardName = z.infer<typeof boardName>;

/** Earlier spellings and the name each now has. */
export const OLD_BOARD_SPELLINGS: Readonly<Record<string, BoardName>> = {
  "puck-js-2": "puckjs",
  "puck-js": "puckjs",
  "puck.js": "puckjs",
  "pixl-js": "pixljs",
  "pixl.js": "pixljs",
  "bangle-js-2": "banglejs2",
  "bangle.js2": "banglejs2",
  "bangle.js-2": "banglejs2",
};

/** A board as written in a file or the registry: the current name, or an earlier spelling of it. */
export const board = z.preprocess((value) => (typeof value === "string" ? (OLD_BOARD_SPELLINGS[value.toLowerCase()] ?? value) : value), boardName);

/** Reads a board name from the command line: the name, and a note when it was an earlier spelling. */
export function parseBoardArgument(text: string): { board: BoardName; note: string | null } | { problem: string } {
  const lower = text.trim().toLowerCase();
  const parsed = boardName.safeParse(lower);
  if (parsed.success) return { board: parsed.data, note: null };
  const renamed = OLD_BOARD_SPELLINGS[lower];
  if (renamed) return { board: renamed, note: `board "${text}" is now written "${renamed}"; using ${renamed}` };
  return { problem: `"${text}" is not a board: use ${BOARD_NAMES.join(", ")}` };
}
