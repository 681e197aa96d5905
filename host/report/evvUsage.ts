// Each provider's EVV usage score: the share of its visits the device proved on its own, the
// rest recorded or corrected by hand (`evv visit`). Counted over the last verification's visits
// that were not rejected (a rejected visit is neither proven nor paid).
import type { EvvDatabase } from "../storage/database.js";

export interface ProviderUsage {
  providerNumber: string;
  providerName: string;
  visits: number;
  deviceProven: number;
  manuallyCorrected: number;
  manuallyRecorded: number;
  /** deviceProven / visits, 0..1 (null without visits). */
  score: number | null;
}

export function evvUsageReport(db: EvvDatabase): { rows: ProviderUsage[]; text: string } {
  const rows = (
    db
      .prepare(
        `SELECT p.provider_number AS providerNumber, p.name AS providerName,
                count(v.visit_seq) AS visits,
                count(v.visit_seq) - count(v.manual_entry) AS deviceProven,
                sum(CASE WHEN v.manual_entry IS NOT NULL AND v.check_in_reading IS NOT NULL OR v.manual_entry IS NOT NULL AND v.check_out_reading IS NOT NULL THEN 1 ELSE 0 END) AS manuallyCorrected,
                sum(CASE WHEN v.manual_entry IS NOT NULL AND v.check_in_reading IS NULL AND v.check_out_reading IS NULL THEN 1 ELSE 0 END) AS manuallyRecorded
         FROM providers p LEFT JOIN visits v ON v.provider_number = p.provider_number AND v.status != 'rejected'
         GROUP BY p.provider_number ORDER BY p.provider_number`,
      )
      .all() as Omit<ProviderUsage, "score">[]
  ).map((r) => ({ ...r, manuallyCorrected: r.manuallyCorrected ?? 0, manuallyRecorded: r.manuallyRecorded ?? 0, score: r.visits === 0 ? null : r.deviceProven / r.visits }));
  const text =
    rows
      .map(
        (r) =>
          `${r.providerNumber.padEnd(12)} ${r.providerName.padEnd(28)} ` +
          (r.score === null
            ? "no visits"
            : `EVV usage ${(r.score * 100).toFixed(0).padStart(3)}%: ${r.deviceProven} of ${r.visits} visits proven by the device` +
              (r.manuallyCorrected + r.manuallyRecorded > 0 ? `; ${r.manuallyCorrected} corrected and ${r.manuallyRecorded} recorded by hand` : "")),
      )
      .join("\n") + "\n";
  return { rows, text: rows.length ? text : "no providers\n" };
}
