// Whether the device clock can be trusted. After power loss the RTC restarts at 1970, so the
// clock is trusted only while it reads at least the last time the device accepted (by an
// authenticated SYNC, or PROV CLOCK before lockdown), which is kept in Storage "evv.time".
// A reboot without power loss keeps the RTC running and so keeps the trust.
import { deviceSeconds, setDeviceSeconds, storage } from "../espruino/espruinoGlobals.js";

export const CLOCK_FILE = "evv.time";

export interface ClockState {
  lastAcceptedTime: number;
}

export function loadClockState(): ClockState {
  const text = storage().read(CLOCK_FILE);
  const value = text === undefined ? 0 : parseInt(text, 10);
  return { lastAcceptedTime: value > 0 ? value : 0 };
}

export function deviceUnixSeconds(): number {
  return Math.floor(deviceSeconds());
}

export function clockTrusted(state: ClockState): boolean {
  return state.lastAcceptedTime > 0 && deviceSeconds() >= state.lastAcceptedTime;
}

/** Sets the RTC and remembers the time as the floor for every later sync. */
export function acceptTime(state: ClockState, unixSeconds: number): void {
  setDeviceSeconds(unixSeconds);
  state.lastAcceptedTime = unixSeconds;
  storage().write(CLOCK_FILE, String(unixSeconds));
}
