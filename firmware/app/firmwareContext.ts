// The firmware's whole state in RAM, one object passed to every part of the application.
import type { Board } from "../board/board.js";
import type { ProvisionedConfig } from "./provisionedConfig.js";
import type { ClockState } from "./trustedClock.js";
import type { JournalRing } from "./journalRing.js";

export interface FirmwareContext {
  board: Board;
  config: ProvisionedConfig;
  clock: ClockState;
  journal: JournalRing;
  /** Rotations left during which the MOVED status bit stays set (0: not moved). */
  movedTicksLeft: number;
  batteryLow: boolean;
  /** The time-sync nonce issued by SYNCREQ, forgotten after one SYNC attempt. */
  pendingSyncNonce: Uint8Array | null;
  /** True while a button press has the NFC form served. */
  nfcServing: boolean;
  /** The emulated tag's memory while NFC is served (the NFC form of the current step), else null. */
  nfcMemory: Uint8Array | null;
  /** Step of the NFC form in nfcMemory (-1: stale, recomputed at the next READ; -2: NFC not started). */
  nfcFormStep: number;
  nfcTimer: ReturnType<typeof setTimeout> | undefined;
  rotationTimer: ReturnType<typeof setTimeout> | undefined;
  /** True for READ_WINDOW_MS after a button press: quick advertising, rotation every minute (wakeSchedule.ts). */
  readWindowOpen: boolean;
  readWindowTimer: ReturnType<typeof setTimeout> | undefined;
  /** A challenge was answered since the last BLE connect: the reader's disconnect ends the read window. */
  challengeAnswered: boolean;
  /** True while the firmware has the radio asleep (NRF.sleep): a provisioned board that advertises only in read windows. */
  radioAsleep: boolean;
  /** Step of the last rotation (-1 before the first): the MOVED hold counts down by the steps since. */
  lastRotationStep: number;
  /** Step of the last record per rate-limited journal event (event number to step). */
  lastJournaledStep: Record<number, number>;
  /** Link the JavaScript console was handed to by PROV CONSOLE, or null. */
  consoleLink: string | null;
  /** True while a central is connected over BLE. */
  bleConnected: boolean;
  /** An address rotation fell due during a connection: it happens at the disconnect. */
  addressRotationPending: boolean;
}
