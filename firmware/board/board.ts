// The board layer: everything that differs between Puck.js v2, Pixl.js and Bangle.js 2.
// The application (firmware/app/) talks to the hardware only through this.
import type { HashFunction } from "../../protocol/hashFunction.js";

/** What a display board shows; null fields are not shown. */
export interface ScreenView {
  /** "1234 5678 9012", or null when no valid code can be shown. */
  groupedCode: string | null;
  /** Why there is no code, in short lines separated by "\n" ("NOT PROVISIONED", the clock-not-set instruction). */
  notice: string | null;
  batteryPercent: number;
  batteryLow: boolean;
  clockTrusted: boolean;
  moved: boolean;
  /** True when clockText is the service location's local time (ZONE given), false when it is UTC. */
  localTime: boolean;
  /** "HH:MM" of the device clock: local time of the service location, or UTC before ZONE. */
  clockText: string;
}

export interface Board {
  /** "puckjs" | "pixljs" | "banglejs2": the name STATUS reports. */
  name: string;
  /** SHA-256 as this board has it: native where it exists, portable on Pixl.js. */
  hash: HashFunction;
  /** Advertising interval, ms (firmware/README.md "Battery and the wake schedule"). */
  advertisingIntervalMs: number;
  /**
   * Set on boards that sleep between reads (Puck.js): once provisioned the radio is off outside
   * the read window a press opens, which advertises at this interval (ms) and rotates the code
   * every minute; otherwise the board wakes at the quarter-hours. Unset: always advertising,
   * rotating every minute (the screen shows the code).
   */
  readWindowIntervalMs?: number;
  hasNfc: boolean;
  /** Draws the view; null on boards without a display. */
  show: ((view: ScreenView) => void) | null;
  /** Calls back once per detected movement; null on boards without continuous motion sensing. */
  startMotionSensing: ((onMoved: () => void) => void) | null;
  /** Boards that sample motion: one reading at a wake-up, true when the board lies differently than at the last check. */
  checkMoved?: () => boolean;
  /** Acknowledges a button press to the person who pressed it (LED blink or screen). */
  acknowledgePress(): void;
  batteryPercent(): number;
}
