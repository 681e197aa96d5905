// Times as staff read them: in the service location's own time zone, with its abbreviation
// (CST, MDT), and words where a time is missing.
import { DateTime } from "luxon";

/** "Tue 2026-11-24 09:05 CST". */
export function localDateTime(ms: number, timeZone: string): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).toFormat("ccc yyyy-LL-dd HH:mm ZZZZ");
}

/** The span of a visit in its zone: the end shows only its time when it falls on the same day. */
export function localSpan(beginMs: number | null, endMs: number | null, timeZone: string): string {
  if (beginMs === null && endMs === null) return "no check-in or check-out time";
  if (beginMs === null) return `no check-in recorded; checked out ${localDateTime(endMs!, timeZone)}`;
  if (endMs === null) return `checked in ${localDateTime(beginMs, timeZone)}; no check-out recorded`;
  const begin = DateTime.fromMillis(beginMs, { zone: timeZone });
  const end = DateTime.fromMillis(endMs, { zone: timeZone });
  const sameDay = begin.toISODate() === end.toISODate();
  return `${localDateTime(beginMs, timeZone)} to ${sameDay ? end.toFormat("HH:mm ZZZZ") : localDateTime(endMs, timeZone)} (${duration(endMs - beginMs)})`;
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/**
 * A visit the verifier gave no times (it was rejected before its times were trusted): when the
 * reader recorded its check-in and check-out, by the reader's own clock, said as such.
 */
export function readerSpan(readerInMs: number | null, readerOutMs: number | null, timeZone: string): string {
  const inText = readerInMs === null ? "no check-in recorded" : `check-in read ${localDateTime(readerInMs, timeZone)}`;
  const outText = readerOutMs === null ? "no check-out recorded" : `check-out read ${localDateTime(readerOutMs, timeZone)}`;
  return `${inText}; ${outText} (the reader's clock: these times were not verified)`;
}
