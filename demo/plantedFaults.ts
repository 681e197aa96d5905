// Checks the demo's outcome against its plan: every planted fault must be caught with its
// reason (by the verifier, or by the reader for a typo), and every clean visit must verify
// without any reason.
import type { ReadOutcome } from "./caregiverRead.js";
import { TYPO_FAULT, visits } from "./scenario.js";

export interface ReportedVisit {
  providerNumber: string;
  clientNdNumber: string;
  status: string;
  reasons: { code: string }[];
}

export interface FaultCheck {
  caught: boolean;
  what: string;
  how: string;
}

export function plantedFaultChecks(reported: ReportedVisit[], refusedAtEntry: ReadOutcome[]): FaultCheck[] {
  const checks: FaultCheck[] = [];
  const typo = refusedAtEntry[0];
  checks.push({
    caught: typo !== undefined,
    what: TYPO_FAULT.what,
    how: typo ? `the reader refused it at entry (${TYPO_FAULT.reason}): ${typo.refusal}` : "the reader logged it",
  });
  // Each visit the verifier gave a reason must be a planted one, and each planted one found once.
  const faulty = visits.filter((v) => v.fault);
  const matched = new Set<ReportedVisit>();
  for (const planned of faulty) {
    const fault = planned.fault!;
    const hit = reported.find(
      (r) => !matched.has(r) && r.providerNumber === planned.providerNumber && r.clientNdNumber === planned.clientNdNumber && r.reasons.some((x) => x.code === fault.reason),
    );
    if (hit) matched.add(hit);
    checks.push({ caught: hit !== undefined, what: fault.what, how: hit ? `${fault.reason}, visit ${hit.status}` : `no visit of ${planned.providerNumber} for ${planned.clientNdNumber} has ${fault.reason}` });
  }
  const unexpected = reported.filter((r) => !matched.has(r) && r.reasons.length > 0);
  const clean = reported.filter((r) => r.reasons.length === 0).length;
  checks.push({
    caught: unexpected.length === 0 && clean === visits.length - faulty.length,
    what: "clean visits stay clean",
    how:
      unexpected.length === 0
        ? `${clean} of ${visits.length - faulty.length} clean visits verified with no reason, no false alarm`
        : `unexpected reasons: ${unexpected.map((u) => `${u.clientNdNumber}/${u.providerNumber}: ${u.reasons.map((x) => x.code).join(",")}`).join("; ")}`,
  });
  return checks;
}
