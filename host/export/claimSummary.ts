// The daily claim summary: billable units per local date, procedure code, provider and client
// (from the verified visits' days), as rows and as CSV; each line counts its visits recorded or
// corrected by hand apart.
import { z } from "zod";
import { stringify } from "csv-stringify/sync";
import type { EvvDatabase } from "../storage/database.js";

export const claimLine = z.object({
  date: z.string(),
  procedureCode: z.string(),
  providerNumber: z.string(),
  clientNdNumber: z.string(),
  authorizationId: z.string(),
  visits: z.number().int(),
  /** Of them, visits recorded or corrected by hand (not proven by the device alone). */
  manualVisits: z.number().int(),
  minutes: z.number().int(),
  paidMinutes: z.number().int(),
  units: z.number().int(),
});
export type ClaimLine = z.infer<typeof claimLine>;

export function claimSummary(db: EvvDatabase, from?: string, to?: string): ClaimLine[] {
  return db
    .prepare(
      `SELECT d.local_date AS date, v.procedure_code AS procedureCode, v.provider_number AS providerNumber, v.client_nd_number AS clientNdNumber,
              v.authorization_id AS authorizationId, count(*) AS visits, count(v.manual_entry) AS manualVisits, sum(d.minutes) AS minutes, sum(d.paid_minutes) AS paidMinutes, sum(d.units) AS units
       FROM visit_days d JOIN visits v ON v.visit_seq = d.visit_seq
       WHERE v.status IN ('verified', 'verified-with-flags') AND d.local_date >= ? AND d.local_date <= ?
       GROUP BY d.local_date, v.procedure_code, v.provider_number, v.client_nd_number, v.authorization_id
       HAVING sum(d.units) > 0
       ORDER BY d.local_date, v.procedure_code, v.provider_number, v.client_nd_number`,
    )
    .all(from ?? "0000-00-00", to ?? "9999-99-99") as ClaimLine[];
}

export function claimSummaryCsv(lines: readonly ClaimLine[]): string {
  const columns = Object.keys(claimLine.shape);
  return stringify(
    lines.map((l) => columns.map((c) => l[c as keyof ClaimLine])),
    { header: true, columns },
  );
}

/** Totals per local date and procedure code: what a day's claim batch adds up to. */
export function claimTotalsByDay(lines: readonly ClaimLine[]): { date: string; procedureCode: string; units: number; clients: number }[] {
  const totals = new Map<string, { date: string; procedureCode: string; units: number; clients: Set<string> }>();
  for (const l of lines) {
    const key = l.date + "|" + l.procedureCode;
    const t = totals.get(key) ?? { date: l.date, procedureCode: l.procedureCode, units: 0, clients: new Set<string>() };
    t.units += l.units;
    t.clients.add(l.clientNdNumber);
    totals.set(key, t);
  }
  return [...totals.values()].map((t) => ({ date: t.date, procedureCode: t.procedureCode, units: t.units, clients: t.clients.size }));
}
