// Throttles wrong typed codes per provider and client: after N failures within a rolling hour
// (or M within a rolling day) further typed codes are refused unchecked, so online guessing of
// the 1-in-10^6 MAC digits stays far below one success a year (5/hour → ~44,000 guesses a year).
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export class TypedThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly perHour: number,
    private readonly perDay: number,
  ) {}

  /** True when typed entry for this provider and client is locked at `ms`. */
  isLocked(key: string, ms: number): boolean {
    const list = this.failures.get(key);
    if (!list) return false;
    let lastHour = 0;
    let lastDay = 0;
    for (const t of list) {
      if (t > ms - DAY_MS && t <= ms) {
        lastDay++;
        if (t > ms - HOUR_MS) lastHour++;
      }
    }
    return lastHour >= this.perHour || lastDay >= this.perDay;
  }

  recordFailure(key: string, ms: number): void {
    const list = this.failures.get(key);
    if (list) {
      list.push(ms);
      if (list.length > this.perDay * 4) list.splice(0, list.length - this.perDay * 2);
    } else this.failures.set(key, [ms]);
  }
}
