// The simulated device's time. Two clocks, as on an nRF52:
//  - uptime: the oscillator-driven tick count (ms since boot) that timers run on; it runs at
//    (1 + driftPpm/1e6) times world time;
//  - RTC: uptime plus an offset; getTime()/Date read it, setTime() moves only the offset
//    (timers keep their intervals, as on Espruino), skew() jumps it, power loss zeroes both.
// World time is what the tester's wall clock would show; advance() moves it.

export interface TimerEntry {
  id: number;
  dueUptimeMs: number;
  intervalMs: number | null;
  callback: (...args: unknown[]) => unknown;
  args: unknown[];
}

export class VirtualClock {
  worldMs: number;
  uptimeMs = 0;
  rtcOffsetMs: number;
  driftPpm: number;
  private timers: TimerEntry[] = [];
  private nextTimerId = 1;

  constructor(startWorldMs: number, rtcStartMs: number, driftPpm: number) {
    this.worldMs = startWorldMs;
    this.rtcOffsetMs = rtcStartMs;
    this.driftPpm = driftPpm;
  }

  /** What the device's RTC reads, ms since the epoch. */
  deviceNowMs(): number {
    return this.uptimeMs + this.rtcOffsetMs;
  }

  setDeviceTimeMs(ms: number): void {
    this.rtcOffsetMs = ms - this.uptimeMs;
  }

  private rate(): number {
    return 1 + this.driftPpm / 1e6;
  }

  addTimer(callback: (...args: unknown[]) => unknown, delayMs: number, repeat: boolean, args: unknown[]): number {
    const delay = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    const entry: TimerEntry = {
      id: this.nextTimerId++,
      dueUptimeMs: this.uptimeMs + delay,
      intervalMs: repeat ? Math.max(delay, 1) : null,
      callback,
      args,
    };
    this.timers.push(entry);
    return entry.id;
  }

  removeTimer(id: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  clearTimers(): void {
    this.timers = [];
  }

  timerCount(): number {
    return this.timers.length;
  }

  registeredCallbacks(): Array<(...args: unknown[]) => unknown> {
    return this.timers.map((t) => t.callback);
  }

  /** The next timer due no later than world time `untilWorldMs`, with the clocks moved to it; or null. */
  nextDue(untilWorldMs: number): TimerEntry | null {
    let earliest: TimerEntry | null = null;
    for (const t of this.timers) if (earliest === null || t.dueUptimeMs < earliest.dueUptimeMs || (t.dueUptimeMs === earliest.dueUptimeMs && t.id < earliest.id)) earliest = t;
    if (earliest === null) return null;
    const worldAtDue = this.worldMs + Math.max(0, earliest.dueUptimeMs - this.uptimeMs) / this.rate();
    if (worldAtDue > untilWorldMs) return null;
    this.worldMs = Math.max(this.worldMs, worldAtDue);
    this.uptimeMs = Math.max(this.uptimeMs, earliest.dueUptimeMs);
    if (earliest.intervalMs === null) this.removeTimer(earliest.id);
    else earliest.dueUptimeMs += earliest.intervalMs;
    return earliest;
  }

  /** Moves world time forward to `worldMs` without firing anything (call after nextDue returns null). */
  moveTo(worldMs: number): void {
    if (worldMs <= this.worldMs) return;
    this.uptimeMs += (worldMs - this.worldMs) * this.rate();
    this.worldMs = worldMs;
  }

  /** Power loss: RAM and timers gone, the RTC restarts at 1970. */
  powerLoss(): void {
    this.timers = [];
    this.uptimeMs = 0;
    this.rtcOffsetMs = 0;
  }
}
