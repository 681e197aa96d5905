// Plain-language reports over the stored decisions.
import type { EvvDatabase } from "../storage/database.js";
import type { StoredVisitRow } from "../storage/storedVisitRow.js";
import { sentenceOf, type Reason } from "../verifier/reasonCodes.js";
import type { Visit, VisitStatus } from "../domain/visit.js";
import { localDateTime, localSpan, readerSpan } from "./localTime.js";

export interface StatusSummary {
  byStatus: Record<string, number>;
  reasons: { code: string; visits: number; sentence: string }[];
  units: number;
  auditProviders: string[];
  lastRun: { runId: number; startedAt: string; visits: number } | null;
  text: string;
}

/** This computer's time zone (TZ), for times that belong to no service location. */
function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function statusSummary(db: EvvDatabase): StatusSummary {
  const byStatus: Record<string, number> = { verified: 0, "verified-with-flags": 0, "needs-review": 0, rejected: 0 };
  for (const r of db.prepare("SELECT status, count(*) AS n FROM visits GROUP BY status").all() as { status: string; n: number }[]) byStatus[r.status] = r.n;
  const counts = new Map<string, number>();
  const auditProviders = new Set<string>();
  for (const r of db.prepare("SELECT provider_number, reasons FROM visits WHERE reasons != '[]'").iterate() as IterableIterator<{ provider_number: string; reasons: string }>) {
    const seen = new Set<string>();
    for (const reason of JSON.parse(r.reasons) as Reason[]) {
      if (reason.code === "WEEK_OVER_80_HOURS") auditProviders.add(r.provider_number);
      if (seen.has(reason.code)) continue;
      seen.add(reason.code);
      counts.set(reason.code, (counts.get(reason.code) ?? 0) + 1);
    }
  }
  const reasons = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([code, visits]) => ({ code, visits, sentence: sentenceOf({ code: code as Reason["code"] }) }));
  const units = (db.prepare("SELECT coalesce(sum(units), 0) AS u FROM visits WHERE status IN ('verified', 'verified-with-flags')").get() as { u: number }).u;
  const run = db.prepare("SELECT run_id AS runId, started_at AS startedAt, visits FROM verify_runs ORDER BY run_id DESC LIMIT 1").get() as StatusSummary["lastRun"] | undefined;
  const lines = [
    run ? `last verification: run ${run.runId} at ${localDateTime(Date.parse(run.startedAt), localZone())}, ${run.visits} visits` : "no verification run yet",
    ...Object.entries(byStatus).map(([s, n]) => `  ${s.padEnd(20)} ${n}`),
    `billable units: ${units}`,
    ...(reasons.length ? ["reasons:", ...reasons.map((r) => `  ${r.code.padEnd(28)} ${String(r.visits).padStart(7)}  ${r.sentence}`)] : []),
    ...(auditProviders.size ? [`providers flagged for audit (over 80 h in a week): ${[...auditProviders].sort().join(", ")}`] : []),
  ];
  return { byStatus, reasons, units, auditProviders: [...auditProviders].sort(), lastRun: run ?? null, text: lines.join("\n") + "\n" };
}


/** A visit as the report shows it: the stored visit, the names behind its numbers and its local times. */
export type ReportedVisit = Visit & {
  providerName: string | null;
  clientName: string | null;
  /** The service location's time zone the times are shown in (UTC when the client is unknown). */
  timeZone: string;
  beginLocal: string | null;
  endLocal: string | null;
};

type ReportRow = StoredVisitRow & { provider_name: string | null; client_name: string | null; zone: string | null; reader_in_ms: number | null; reader_out_ms: number | null };

const PRESENCE_WORDS: Record<string, string> = { challenge: "fob challenged", nfc: "NFC tap", advert: "fob heard", typed: "code typed" };

export function visitReport(db: EvvDatabase, status: VisitStatus | undefined, limit: number): { rows: ReportedVisit[]; text: string } {
  const rows = (
    db
      .prepare(
        `SELECT v.*, p.name AS provider_name, c.name AS client_name, coalesce(v.time_zone, l.time_zone) AS zone,
                ri.reader_ms AS reader_in_ms, ro.reader_ms AS reader_out_ms
         FROM visits v LEFT JOIN providers p ON p.provider_number = v.provider_number
         LEFT JOIN readings ri ON ri.reading_id = v.check_in_reading LEFT JOIN readings ro ON ro.reading_id = v.check_out_reading
         LEFT JOIN clients c ON c.nd_number = v.client_nd_number LEFT JOIN service_locations l ON l.location_id = c.location_id
         ${status ? "WHERE v.status = ?" : ""} ORDER BY v.begin_ms, v.visit_id LIMIT ?`,
      )
      .all(...(status ? [status, limit] : [limit])) as ReportRow[]
  );
  const spans = new Map<string, string>();
  const reported = rows.map((r): ReportedVisit => {
    const timeZone = r.zone ?? "UTC";
    spans.set(
      r.visit_id,
      r.begin_ms === null && r.end_ms === null && (r.reader_in_ms !== null || r.reader_out_ms !== null)
        ? readerSpan(r.check_in_reading === null ? null : r.reader_in_ms, r.check_out_reading === null ? null : r.reader_out_ms, timeZone)
        : localSpan(r.begin_ms, r.end_ms, timeZone),
    );
    return {
      visitId: r.visit_id,
      providerNumber: r.provider_number,
      caregiverId: r.caregiver_id,
      providerName: r.provider_name,
      clientNdNumber: r.client_nd_number,
      clientName: r.client_name,
      authorizationId: r.authorization_id,
      procedureCode: r.procedure_code,
      checkInReadingId: r.check_in_reading,
      checkOutReadingId: r.check_out_reading,
      deviceId: r.device_id,
      begin: r.begin_ms === null ? null : new Date(r.begin_ms).toISOString(),
      end: r.end_ms === null ? null : new Date(r.end_ms).toISOString(),
      timeZone,
      beginLocal: r.begin_ms === null ? null : localDateTime(r.begin_ms, timeZone),
      endLocal: r.end_ms === null ? null : localDateTime(r.end_ms, timeZone),
      presenceCheckIn: r.presence_in,
      presenceCheckOut: r.presence_out,
      tasks: JSON.parse(r.tasks) as string[],
      status: r.status,
      units: r.units,
      days: (JSON.parse(r.days) as [string, number, number, number][]).map(([date, minutes, paidMinutes, units]) => ({ date, minutes, paidMinutes, units })),
      reasons: (JSON.parse(r.reasons) as Reason[]).map((x) => ({ code: x.code, sentence: sentenceOf(x) })),
      manualEntry: r.manual_entry,
    };
  });
  const text = reported
    .map(
      (r) =>
        `${named(r.providerName, "provider", r.providerNumber)}${r.caregiverId ? ` (caregiver ${r.caregiverId})` : ""} for ${named(r.clientName, "client", r.clientNdNumber)}\n` +
        `    ${spans.get(r.visitId)}\n` +
        `    ${r.status}, ${r.units} ${r.units === 1 ? "unit" : "units"}${r.procedureCode ? ` of ${r.procedureCode}` : ""}; ${presence(r)}; visit ${r.visitId}\n` +
        r.reasons.map((x) => `    ${x.code}: ${x.sentence}\n`).join(""),
    )
    .join("");
  return { rows: reported, text: text || "no visits\n" };
}

function named(name: string | null, what: string, number: string): string {
  return name === null ? `${number} (no ${what} of that number is imported)` : `${name} (${number})`;
}

function presence(r: ReportedVisit): string {
  const word = (p: string | null, event: string) => (p === null ? `no ${event}` : `${event} by ${PRESENCE_WORDS[p] ?? p}`);
  if (r.manualEntry !== null) return `recorded by hand by staff (manual entry ${r.manualEntry}), not proven by the fob`;
  return `${word(r.presenceCheckIn, "check-in")}, ${word(r.presenceCheckOut, "check-out")}`;
}
