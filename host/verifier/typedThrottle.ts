// Throttles wrong typed codes per provider and client: after N failures within a rolling hour
// (or M within a rolling day) further typed codes are refused unchecked, so online guessing of
// the 1-in-10^6 MAC digits stays far below one success a year (5/hour → ~44,000 guesses a year).
// The hour and the day are the reader's clock, which a dishonest reader could set; so there is
// also a cap on wrong codes in all (default 50), counted over the pair's whole history whatever
// the clocks say: past it, typed entry for the pair stays locked, and at most 50 guesses were
// ever checked (a forgery chance of 50 in 10^6 per provider and client, for good).
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export class TypedThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly totals = new Map<string, number>();

  constructor(
    private readonly perHour: number,
    private readonly perDay: number,
    private readonly inAll: number,
  ) {}

  /** Why typed entry for this provider and client is locked at `ms`, or null when it is not. */
  lockedBecause(key: string, ms: number): string | null {
    const total = this.totals.get(key) ?? 0;
    if (total >= this.inAll) return `${total} wrong codes in all: typed entry stays locked`;
    const list = this.failures.get(key);
    if (!list) return null;
    let lastHour = 0;
    let lastDay = 0;
    for (const t of list) {
      if (t > ms - DAY_MS && t <= ms) {
        lastDay++;
        if (t > ms - HOUR_MS) lastHour++;
      }
    }
    if (lastHour >= this.perHour) return `${lastHour} wrong codes within an hour`;
    if (lastDay >= this.perDay) return `${lastDay} wrong codes within a day`;
    return null;
  }

  recordFailure(key: string, ms: number): void {
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
    const list = this.failures.get(key);
    if (list) {
      list.push(ms);
      if (list.length > this.perDay * 4) list.splice(0, list.length - this.perDay * 2);
    } else this.failures.set(key, [ms]);
  }
}
