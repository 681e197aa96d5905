// Throttles wrong typed codes per provider and client: after N failures within a rolling hour
// (or M within a rolling day) further typed codes are refused unchecked, so online guessing of
// the 1-in-10^6 MAC digits stays far below one success a year (5/hour → ~44,000 guesses a year).
// Failures are counted in the order HHS received the codes and the hour and the day are HHS's
// receipt clock (issue 14): a guesser who backdates the reader's clock cannot reach back to lock
// codes received before the guesses, so visits already verified stay verified on every rerun.
// There is also a cap on wrong codes in all (default 50), over the pair's whole history: past
// it, typed entry for the pair stays locked until HHS resets it (`evv throttle reset`, audited),
// and at most 50 guesses were checked per reset (a forgery chance of 50 in 10^6).
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

  /** HHS reset the pair: earlier failures no longer count. */
  reset(key: string): void {
    this.failures.delete(key);
    this.totals.delete(key);
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
