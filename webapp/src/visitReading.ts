// A reading as the reading schema (host/capture/reading.ts) has it: typed, a Bluetooth challenge, or the fob's NFC tap.
import type { JsonValue } from "../../host/storage/canonicalJson.js";

export type Presence =
  | { method: "typed"; transport: "keyboard"; typedCode: string }
  | { method: "challenge"; transport: "ble"; challenge: { [key: string]: JsonValue } }
  | { method: "nfc"; transport: "nfc"; frame: string };

export interface Visit {
  readerId: string;
  providerNumber: string;
  caregiverId: string;
  clientNdNumber: string;
  event: "check-in" | "check-out";
  tasks: string[];
}

function two(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/** The device's clock as ISO 8601 with its offset, e.g. 2026-11-30T14:05:09-06:00. */
export function localIsoTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}` +
    `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
  );
}

export function newReadingId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => (x < 16 ? "0" : "") + x.toString(16)).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function visitReading(visit: Visit, presence: Presence, now: Date): Record<string, JsonValue> {
  const reading: Record<string, JsonValue> = {
    readingId: newReadingId(),
    readerId: visit.readerId,
    providerNumber: visit.providerNumber,
    caregiverId: visit.caregiverId,
    clientNdNumber: visit.clientNdNumber,
    event: visit.event,
    readerTime: localIsoTime(now),
    ...presence,
  };
  if (visit.event === "check-out" && visit.tasks.length > 0) reading.tasks = visit.tasks;
  return reading;
}
