// The options of SimulatedDevice.create, checked with zod (the simulator's boundary).
import { z } from "zod";
import { BOARD_NAMES } from "../../firmware/build/boardFacts.js";
import type { StorageSnapshot } from "../runtime/flashStorage.js";

export const ClockOptionsSchema = z.object({
  /** World time when the simulation starts, ms since the epoch. */
  startUnixMs: z.number().int().nonnegative(),
  /** Oscillator error in ppm: positive runs fast. */
  driftPpm: z.number().min(-100000).max(100000).default(0),
  /** "virtual": time moves only with advance(); "realtime": runRealtime() follows the wall clock. */
  mode: z.enum(["virtual", "realtime"]).default("virtual"),
  /** What the RTC reads at creation, ms; default: the world time (a device that kept time). 0 = after power loss. */
  rtcUnixMs: z.number().int().nonnegative().optional(),
});

export const SimulatedDeviceOptionsSchema = z.object({
  board: z.enum(BOARD_NAMES),
  /** A built bundle (dist/firmware/<board>.js): written to Storage ".boot0", then the device boots. */
  bundlePath: z.string().min(1).optional(),
  /** Storage kept from an earlier device (power loss, a restarted tester's session). */
  storage: z.custom<StorageSnapshot>((v) => typeof v === "object" && v !== null && Array.isArray((v as StorageSnapshot).files), "a Storage snapshot").optional(),
  clock: ClockOptionsSchema,
  batteryPercent: z.number().min(0).max(100).default(100),
  /** Seeds the BLE address (and so the advertised name); default random. */
  addressSeed: z.string().optional(),
  /** Fail like the device when the estimated JsVars exceed the board's budget (default true). */
  enforceJsVarBudget: z.boolean().default(true),
});

export type SimulatedDeviceOptions = z.input<typeof SimulatedDeviceOptionsSchema>;
export type ResolvedDeviceOptions = z.output<typeof SimulatedDeviceOptionsSchema>;
