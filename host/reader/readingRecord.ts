// Builds the record a reader appends to the visit log (host/capture/reading.ts) from what it
// captured, and validates it with that schema before anything is written.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { challengeEvidence, reading, type Reading } from "../capture/reading.js";

export type ChallengeEvidence = z.infer<typeof challengeEvidence>;

export interface VisitContext {
  readerId: string;
  providerNumber: string;
  /** The individual caregiver (agency employee ID, or the individual QSP's provider number). */
  caregiverId?: string;
  clientNdNumber: string;
  event: "check-in" | "check-out";
  tasks?: string[];
}

export type Capture =
  | { method: "challenge"; transport: "ble" | "serial"; challenge: ChallengeEvidence; frame?: string; rssi?: number }
  | { method: "advert"; transport: "ble"; frame: string; rssi: number }
  | { method: "typed"; transport: "keyboard"; typedCode: string };

/** Reader time as ISO 8601 with the local offset, e.g. 2026-11-22T16:40:01.123-06:00. */
export function readerTimeNow(now = new Date()): string {
  const offsetMinutes = -now.getTimezoneOffset();
  const local = new Date(now.getTime() + offsetMinutes * 60000).toISOString().slice(0, 23);
  if (offsetMinutes === 0) return local + "Z";
  const sign = offsetMinutes > 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export function buildReading(context: VisitContext, capture: Capture, now = new Date()): Reading {
  return reading.parse({
    readingId: randomUUID(),
    readerId: context.readerId,
    providerNumber: context.providerNumber,
    ...(context.caregiverId !== undefined ? { caregiverId: context.caregiverId } : {}),
    clientNdNumber: context.clientNdNumber,
    event: context.event,
    readerTime: readerTimeNow(now),
    ...capture,
    ...(context.tasks && context.tasks.length > 0 ? { tasks: context.tasks } : {}),
  });
}
