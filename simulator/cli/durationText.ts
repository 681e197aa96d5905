// Durations the tester types: "90s", "5m", "2h", "1d", "250ms", or a bare number of seconds.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^(-?\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration: write e.g. 90s, 5m, 2h, 1d or 250ms`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? "s"]);
}
